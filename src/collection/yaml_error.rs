//! The YAML parser's errors in the words of the file format: which key, what it must
//! be, what was found, and where, instead of the parser's and serde's vocabulary.

use std::sync::Arc;

use serde_saphyr::{Error, Location};

use super::load::redact_for_display;
use super::yaml_text::{
    Context, Lines, context, first_content, first_definition, found, indent_col, is_blank,
    is_document_start, key_col, key_span, opens_block, scan,
};
use crate::diagnostic::{Diagnostic, Span, did_you_mean};

/// How the parser names what it expected, in the file format's words.
fn expected_words(expected: &str) -> String {
    match expected {
        "sequence start" | "seq" | "a sequence" => "a list".into(),
        "mapping start" | "map" | "a map" | "empty mapping start" => "a map".into(),
        "string scalar" | "string" | "a string" => "a string".into(),
        "scalar" => "a single value".into(),
        "bool" | "a boolean" => "true or false".into(),
        "u8" => "a whole number from 0 to 255".into(),
        "u16" => "a whole number from 0 to 65535".into(),
        "u32" => format!("a whole number from 0 to {}", u32::MAX),
        "u64" | "usize" => format!("a whole number from 0 to {}", u64::MAX),
        "i8" | "i16" | "i32" | "i64" | "isize" | "an integer" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        other => other.to_string(),
    }
}

/// The error the parser reports, without the wrappers that add snippets or alias sites.
fn innermost(e: &Error) -> &Error {
    match e {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

/// Turns a YAML parse or shape error into a positioned diagnostic. `what` names the kind
/// of file (`collection`, `environment`).
pub(crate) fn yaml_error(e: &Error, file: &Arc<str>, text: &str, what: &str) -> Diagnostic {
    let lines = Lines::new(text);
    // Values quoted in messages come from the text as diagnostics show it: no credentials.
    let shown_text = redact_for_display(text);
    let shown = Lines::new(&shown_text);
    let found = |line: usize, col: usize, len: usize| -> String {
        let what = found(&lines, line, col, len);
        if what.starts_with('`') {
            found(&shown, line, col, len)
        } else {
            what
        }
    };
    let loc = e.location().filter(|l| l.line() > 0);
    let span = loc.map(|l| span_at(file, &l));
    let (line, col, len) = match &span {
        Some(s) => (s.line as usize, s.col as usize, s.len as usize),
        None => (0, 0, 0),
    };
    let inner = innermost(e);
    let ctx = if line > 0 {
        context(&lines, line, col)
    } else {
        None
    };
    let must_be = |expected: &str| -> String {
        let found = found(line, col, len);
        match &ctx {
            Some(Context {
                key, item: true, ..
            }) => {
                format!("each entry of `{key}` must be {expected}, found {found}")
            }
            Some(Context {
                key, item: false, ..
            }) => {
                format!("`{key}` must be {expected}, found {found}")
            }
            None => format!("expected {expected}, found {found}"),
        }
    };
    match inner {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let help = did_you_mean(field, expected.iter().copied()).or_else(|| {
                Some(if expected.is_empty() {
                    "no keys are allowed here".to_string()
                } else {
                    format!("expected one of: {}", expected.join(", "))
                })
            });
            Diagnostic::new(format!("unknown key `{field}`"), span).with_help_opt(help)
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let one_of = format!("one of {}", expected.join(", "));
            let suggestion = did_you_mean(variant, expected.iter().copied());
            // A word close to none of them may be a credential pasted in the wrong place:
            // it is not repeated.
            let found = if suggestion.is_some() {
                format!(", found `{variant}`")
            } else {
                String::new()
            };
            let title = match &ctx {
                Some(Context { key, .. }) => format!("`{key}` must be {one_of}{found}"),
                None => format!("expected {one_of}{found}"),
            };
            Diagnostic::new(title, span).with_help_opt(suggestion)
        }
        Error::SerdeMissingField { field, .. } => {
            // The parser points at the map's last key; point at the map's own key instead,
            // or at the start of the file for the top-level map.
            let title = match &ctx {
                Some(Context {
                    key, item: false, ..
                }) => format!("`{key}` needs the key `{field}`"),
                Some(Context {
                    key, item: true, ..
                }) => {
                    format!("an entry of `{key}` needs the key `{field}`")
                }
                None => format!("missing key `{field}`"),
            };
            let at = match &ctx {
                Some(c) if !c.item => key_span(&lines, file, c.line, &c.key),
                Some(_) => span.clone(),
                None if line > 0 => first_content(&lines, file),
                None => None,
            };
            Diagnostic::new(title, at.or(span))
        }
        Error::DuplicateMappingKey { key, .. } => {
            let Some(key) = key else {
                return Diagnostic::new("duplicate key", span);
            };
            let mut d = Diagnostic::new(format!("duplicate key `{key}`"), span);
            if let Some(first) = first_definition(&lines, line, col, key) {
                d = d.with_help(format!("`{key}` is already set on line {first}"));
            }
            d
        }
        Error::NullIntoString { .. }
            if lines.rest(line, col).starts_with(':')
                && lines
                    .before(line, col)
                    .trim_start_matches([' ', '-'])
                    .is_empty() =>
        {
            Diagnostic::new("a key is missing before `:`", span)
                .with_help("write the key's name before the `:`, or remove the `:`")
        }
        Error::NullIntoString { .. } => Diagnostic::new(must_be("a string"), span),
        Error::InvalidBooleanStrict { .. } => Diagnostic::new(must_be("true or false"), span),
        Error::InvalidScalar { ty, .. } => {
            let max = match *ty {
                "u8" => Some(u64::from(u8::MAX)),
                "u16" => Some(u64::from(u16::MAX)),
                "u32" => Some(u64::from(u32::MAX)),
                "u64" | "usize" => Some(u64::MAX),
                _ => None,
            };
            let written = found(line, col, len);
            let too_big = written
                .trim_matches('`')
                .parse::<u128>()
                .is_ok_and(|n| max.is_some_and(|m| n > u128::from(m)));
            let expected = match max {
                Some(m) if too_big => format!("at most {m}"),
                Some(_) => "a whole number, 0 or more".to_string(),
                None => expected_words(ty),
            };
            Diagnostic::new(must_be(&expected), span)
        }
        Error::Unexpected { expected, .. } => {
            let words = expected_words(expected);
            if ctx.is_none() && is_document_start(&lines, line, col) {
                let found = found(line, col, len);
                let help = match what {
                    "collection" => {
                        "a collection file is a map with keys such as `name:` and `requests:`"
                    }
                    _ => "an environment file is a map with the keys `variables:` and `secrets:`",
                };
                return Diagnostic::new(
                    format!("the {what} file must be a map of keys, found {found}"),
                    span,
                )
                .with_help(help);
            }
            Diagnostic::new(must_be(&words), span)
        }
        Error::SerdeInvalidType { expected, .. } => {
            Diagnostic::new(must_be(&expected_words(expected)), span)
        }
        Error::Eof { .. } => Diagnostic::new("unexpected end of the file", span)
            .with_help("a quote, bracket or block may be left open"),
        Error::ExternalMessage { msg, .. } => parser_error(msg, &lines, file, span),
        _ => {
            let raw = inner.to_string();
            let first = raw.lines().next().unwrap_or_default();
            Diagnostic::new(strip_position(first).to_string(), span)
        }
    }
}

fn span_at(file: &Arc<str>, l: &Location) -> Span {
    let mut s = Span::new(file, l.line() as u32, l.column() as u32);
    s.len = l.span().len().min(200) as u32;
    s
}

/// The parser's own (libyaml-style) messages, with the real cause when it can be told.
fn parser_error(msg: &str, lines: &Lines, file: &Arc<str>, span: Option<Span>) -> Diagnostic {
    let msg = strip_position(msg);
    let Some(at) = span else {
        return Diagnostic::new(msg.to_string(), None);
    };
    let line = at.line as usize;
    let point = |l: usize, c: usize| {
        let mut s = Span::new(file, l as u32, c as u32);
        s.len = 1;
        Some(s)
    };
    let scan = scan(lines, line, at.col as usize);
    // A quote opened on an earlier line and never closed swallowed what follows it.
    if let Some((ql, qc, _)) = scan.open_quote
        && ql < line
    {
        return Diagnostic::new("unclosed quote", point(ql, qc))
            .with_help("end the text with the same quote it starts with");
    }
    // A quote left open ran on to the next quote, some lines down.
    if msg.contains("trailing content after")
        && let Some(((ol, oc), cl)) = scan.last_quote
        && ol < cl
    {
        return Diagnostic::new("unclosed quote", point(ol, oc)).with_help(format!(
            "end the text with the same quote it starts with: as written, it runs on to line {cl}"
        ));
    }
    if let Some(&(bl, bc, open)) = scan.brackets.iter().rev().find(|(l, _, _)| *l < line) {
        let close = if open == '[' { ']' } else { '}' };
        return Diagnostic::new(format!("unclosed `{open}`"), point(bl, bc)).with_help(format!(
            "close it with `{close}`; a list or map in brackets must end before the next key"
        ));
    }
    if msg.contains("tab") {
        for n in line..=line + 2 {
            let Some(text) = lines.get(n) else { break };
            let indent: String = text
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            if let Some(i) = indent.chars().position(|c| c == '\t') {
                return Diagnostic::new("a tab indents this line", point(n, i + 1))
                    .with_help("YAML is indented with spaces only");
            }
        }
    }
    if msg.starts_with("unclosed bracket '") {
        let open = if msg.contains('[') { '[' } else { '{' };
        let close = if open == '[' { ']' } else { '}' };
        return Diagnostic::new(format!("unclosed `{open}`"), Some(at))
            .with_help(format!("close it with `{close}`"));
    }
    if let Some(rest) = msg.strip_prefix("mismatched bracket '") {
        let mut chars = rest.chars();
        let open = chars.next().unwrap_or('[');
        let closer = rest
            .split("closed by '")
            .nth(1)
            .and_then(|r| r.chars().next());
        let close = if open == '[' { ']' } else { '}' };
        if let Some(closer) = closer {
            return Diagnostic::new(format!("`{open}` is closed by `{closer}`"), Some(at))
                .with_help(format!(
                    "close `{open}` with `{close}`, or quote the text if the bracket is part of it"
                ));
        }
    }
    let structural = msg.contains("mapping values are not allowed")
        || msg.contains("did not find expected key")
        || msg.contains("did not find expected '-' indicator");
    if structural && let Some(d) = bad_indentation(lines, file, line) {
        return d;
    }
    if msg == "unclosed quote" {
        return Diagnostic::new("unclosed quote", Some(at))
            .with_help("end the text with the same quote it starts with");
    }
    if msg == "simple key expected ':'" {
        return Diagnostic::new("expected `:` after the key", Some(at))
            .with_help("a map entry is written `key: value`, with a space after the `:`");
    }
    if msg.contains("mapping values are not allowed") {
        return Diagnostic::new("unexpected `:` in a value", Some(at))
            .with_help("quote a value that contains `: `, for example name: \"a: b\"");
    }
    let d = Diagnostic::new(msg.to_string(), Some(at));
    if structural {
        d.with_help("check the indentation, `-` and `:` of this line and of the line above")
    } else {
        d
    }
}

/// An error on a line whose key does not line up with the keys around it.
fn bad_indentation(lines: &Lines, file: &Arc<str>, line: usize) -> Option<Diagnostic> {
    let text = lines.get(line)?;
    let own = key_col(text);
    let (prev_line, prev) = (1..line)
        .rev()
        .filter_map(|n| lines.get(n).map(|t| (n, t)))
        .find(|(_, t)| !is_blank(t))?;
    if opens_block(prev) && own > key_col(prev) {
        // A deeper line after `key:` is how nesting is written.
        return None;
    }
    // The columns where keys of the enclosing maps start.
    let mut columns = vec![key_col(prev)];
    let mut limit = indent_col(prev);
    for n in (1..prev_line).rev() {
        let t = lines.get(n).unwrap_or_default();
        if is_blank(t) {
            continue;
        }
        if indent_col(t) < limit || key_col(t) < limit {
            columns.push(key_col(t));
            columns.push(indent_col(t));
            limit = indent_col(t);
        }
    }
    if columns.contains(&own) {
        return None;
    }
    let key: String = lines
        .rest(line, own)
        .chars()
        .take_while(|c| *c != ':' && *c != ' ')
        .collect();
    let mut s = Span::new(file, line as u32, own as u32);
    s.len = key.chars().count().max(1) as u32;
    let prev_key: String = lines
        .rest(prev_line, key_col(prev))
        .chars()
        .take_while(|c| *c != ':' && *c != ' ')
        .collect();
    Some(
        Diagnostic::new("unexpected indentation", Some(s)).with_help(format!(
            "keys of one map start in the same column: `{prev_key}` on line {prev_line} starts at column {}",
            key_col(prev)
        )),
    )
}

/// Drops the parser's own " at line L, column C" suffix; the span carries it.
fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(", column ") => &msg[..i],
        _ => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_the_file_format() {
        assert_eq!(expected_words("sequence start"), "a list");
        assert_eq!(expected_words("mapping start"), "a map");
        assert_eq!(expected_words("u32"), "a whole number from 0 to 4294967295");
        assert_eq!(
            strip_position("unclosed quote at line 4, column 10"),
            "unclosed quote"
        );
    }
}
