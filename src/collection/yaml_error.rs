//! The YAML parser's errors in the words of the file format: which key, what it must
//! be, what was found, and where, instead of the parser's and serde's vocabulary.

use std::sync::Arc;

use serde_saphyr::{Error, Location};

use super::load::redact_for_display;
use super::spans::{Kind, Spans};
use super::syntax::{Lines, parser_error};
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

/// What the value at `line:col` is, in the file format's words: `a list`, `a map`,
/// `nothing`, or the value as written in `shown` (the text as diagnostics show it).
fn found(spans: &Spans, shown: &str, line: u32, col: u32, len: u32) -> String {
    match spans.kind_at(line, col) {
        Some(Kind::Map { .. }) => return "a map".into(),
        Some(Kind::List { .. }) => return "a list".into(),
        Some(Kind::Scalar { empty: true, .. }) => return "nothing".into(),
        _ => {}
    }
    let rest = shown
        .lines()
        .nth((line as usize).saturating_sub(1))
        .and_then(|l| {
            let (i, _) = l.char_indices().nth((col as usize).saturating_sub(1))?;
            Some(&l[i..])
        })
        .unwrap_or_default();
    let token: String = if len > 0 {
        rest.chars().take(len as usize).collect()
    } else {
        rest.split(" #").next().unwrap_or_default().to_string()
    };
    // The end of a bracketed list or map the value sits in is not part of it.
    let token = if token.contains(['{', '[']) {
        token.trim()
    } else {
        token.trim_end_matches([',', '}', ']']).trim()
    };
    if token.is_empty() {
        "nothing".into()
    } else if token.chars().count() > 40 {
        format!("`{}...`", token.chars().take(37).collect::<String>())
    } else {
        format!("`{token}`")
    }
}

/// Turns a YAML parse or shape error into a positioned diagnostic. `what` names the kind
/// of file (`collection`, `environment`).
pub(crate) fn yaml_error(e: &Error, spans: &Spans, text: &str, what: &str) -> Diagnostic {
    let file = spans.file();
    // Values quoted in messages come from the text as diagnostics show it: no credentials.
    let shown = redact_for_display(text);
    let found = |line: u32, col: u32, len: u32| found(spans, &shown, line, col, len);
    let loc = e.location().filter(|l| l.line() > 0);
    let span = loc.map(|l| span_at(file, &l));
    let (line, col, len) = match &span {
        Some(s) => (s.line, s.col, s.len),
        None => (0, 0, 0),
    };
    let inner = innermost(e);
    // The key the value belongs to, and whether the value is an entry of a list under it.
    let ctx = spans.owner_of(line, col);
    let must_be = |expected: &str| -> String {
        let found = found(line, col, len);
        match ctx {
            Some((key, _, true)) => {
                format!("each entry of `{key}` must be {expected}, found {found}")
            }
            Some((key, _, false)) => format!("`{key}` must be {expected}, found {found}"),
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
            let title = match ctx {
                Some((key, ..)) => format!("`{key}` must be {one_of}{found}"),
                None => format!("expected {one_of}{found}"),
            };
            Diagnostic::new(title, span).with_help_opt(suggestion)
        }
        Error::SerdeMissingField { field, .. } => {
            // The parser points at the map's last key; point at the map's own key instead,
            // or at the start of the file for the top-level map.
            let title = match ctx {
                Some((key, _, false)) => format!("`{key}` needs the key `{field}`"),
                Some((key, _, true)) => format!("an entry of `{key}` needs the key `{field}`"),
                None => format!("missing key `{field}`"),
            };
            let at = match ctx {
                Some((_, key, false)) => Some(key.clone()),
                Some(_) => span.clone(),
                None if line > 0 => spans.root().cloned(),
                None => None,
            };
            Diagnostic::new(title, at.or(span))
        }
        Error::DuplicateMappingKey { key, .. } => {
            let Some(key) = key else {
                return Diagnostic::new("duplicate key", span);
            };
            let mut d = Diagnostic::new(format!("duplicate key `{key}`"), span);
            if let Some(first) = spans.first_definition(line, col) {
                d = d.with_help(format!("`{key}` is already set on line {}", first.line));
            }
            d
        }
        Error::NullIntoString { .. } if spans.is_empty_key(line, col) => {
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
            let at_root = spans.root().is_some_and(|r| (r.line, r.col) == (line, col));
            if ctx.is_none() && at_root {
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
        Error::ExternalMessage { msg, .. } => parser_error(msg, &Lines::new(text), spans, span),
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

/// Drops the parser's own " at line L, column C" suffix; the span carries it.
pub(super) fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(", column ") => &msg[..i],
        _ => msg,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_was_found() {
        let text = "a: slow # c\nb: [1]\nc: {x: 1}\nd:\ne:\n  x: y\nf: \"a long text that goes on and on and on and on\"\n";
        let spans = Spans::new(&Arc::from("t.yaml"), Arc::from(text));
        let found = |line, col, len| found(&spans, text, line, col, len);
        assert_eq!(found(1, 4, 4), "`slow`");
        assert_eq!(found(2, 4, 0), "a list");
        assert_eq!(found(3, 4, 0), "a map");
        assert_eq!(found(4, 2, 0), "nothing");
        assert_eq!(found(6, 3, 0), "a map");
        assert_eq!(
            found(7, 4, 47),
            "`\"a long text that goes on and on and ...`"
        );
    }

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
