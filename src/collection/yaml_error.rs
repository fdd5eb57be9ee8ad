//! The YAML parser's errors in the words of the file format: which key, what it must
//! be, what was found, and where, instead of the parser's and serde's vocabulary.

use std::sync::Arc;

use serde_saphyr::{Error, Location};

use crate::diagnostic::{Diagnostic, Span, did_you_mean};

/// The file's lines, for looking around an error position.
struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// The 1-based `n`-th line.
    fn get(&self, n: usize) -> Option<&'a str> {
        self.lines.get(n.checked_sub(1)?).copied()
    }

    /// The text of line `line` from 1-based column `col` on.
    fn rest(&self, line: usize, col: usize) -> &'a str {
        let text = self.get(line).unwrap_or_default();
        match text.char_indices().nth(col.saturating_sub(1)) {
            Some((i, _)) => &text[i..],
            None => "",
        }
    }

    /// The text of line `line` before 1-based column `col`.
    fn before(&self, line: usize, col: usize) -> &'a str {
        let text = self.get(line).unwrap_or_default();
        match text.char_indices().nth(col.saturating_sub(1)) {
            Some((i, _)) => &text[..i],
            None => text,
        }
    }
}

/// Whether a line holds nothing but blanks or a comment.
fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Whether a file holds no YAML content at all (blank lines, comments, `---`).
pub(crate) fn is_empty_document(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .lines()
        .all(|l| is_blank(l) || matches!(l.trim(), "---" | "..."))
}

/// The column (1-based) where the content of a line starts, after indentation.
fn indent_col(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count() + 1
}

/// The column (1-based) where the first key of a line starts: after indentation and
/// any `- ` sequence markers.
fn key_col(line: &str) -> usize {
    let mut col = indent_col(line);
    let mut rest = line.trim_start_matches(' ');
    while let Some(r) = rest.strip_prefix("- ") {
        let spaces = r.chars().take_while(|c| *c == ' ').count();
        col += 2 + spaces;
        rest = &r[spaces..];
    }
    col
}

/// Whether a content line opens a nested block (`key:` with nothing after it, or a `|`/`>` scalar).
fn opens_block(line: &str) -> bool {
    let t = strip_comment(line).trim_end();
    t.ends_with(':')
        || t.ends_with('|')
        || t.ends_with('>')
        || t.ends_with("|-")
        || t.ends_with(">-")
}

/// A line without a trailing ` # comment` (quotes are not tracked: good enough for keys).
fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The key written last in `text` (which ends just before a `:`).
fn last_key(text: &str) -> Option<String> {
    let t = text.trim_end();
    let key = match t.chars().last()? {
        q @ ('"' | '\'') => {
            let inner = &t[..t.len() - 1];
            let start = inner.rfind(q)?;
            inner[start + 1..].to_string()
        }
        _ => {
            let start = t.rfind([' ', '{', ',', '[']).map(|i| i + 1).unwrap_or(0);
            t[start..].to_string()
        }
    };
    (!key.is_empty()).then_some(key)
}

/// The key a value at `line:col` belongs to, and whether the value is an entry of a list
/// under that key.
#[derive(Debug, PartialEq)]
struct Context {
    key: String,
    item: bool,
}

fn context(lines: &Lines, line: usize, col: usize) -> Option<Context> {
    let before = lines.before(line, col).trim_end();
    // `key:` itself when the value is empty; `key: {` or `key: [` for a value in brackets.
    let before = if lines.rest(line, col).starts_with(':') {
        lines.before(line, col + 1)
    } else {
        before
            .strip_suffix(['{', '['])
            .map(str::trim_end)
            .unwrap_or(before)
    };
    if let Some(k) = before.strip_suffix(':') {
        return last_key(k).map(|key| Context { key, item: false });
    }
    let item = before.ends_with('-');
    if !before.trim_start_matches([' ', '-']).is_empty() {
        // Inside a flow collection (`[a, b]`, `{a: 1}`): no key to name.
        return None;
    }
    let own = indent_col(lines.get(line).unwrap_or_default());
    for n in (1..line).rev() {
        let text = lines.get(n).unwrap_or_default();
        if is_blank(text) || indent_col(text) >= own {
            continue;
        }
        let t = strip_comment(text).trim_end();
        return t
            .strip_suffix(':')
            .and_then(last_key)
            .map(|key| Context { key, item });
    }
    None
}

/// What the text at `line:col` looks like: `a list`, `a map`, `nothing` or the value itself.
fn found(lines: &Lines, line: usize, col: usize, len: usize) -> String {
    let rest = lines.rest(line, col);
    // At the `:` of a key whose value is empty.
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let rest = strip_comment(rest).trim();
    if rest.is_empty() || rest == "~" || rest == "null" {
        return "nothing".into();
    }
    if rest.starts_with('[') || rest == "-" || rest.starts_with("- ") {
        return "a list".into();
    }
    if rest.starts_with('{') {
        return "a map".into();
    }
    let quoted = rest.starts_with(['"', '\'']);
    if !quoted && (rest.contains(": ") || rest.ends_with(':')) {
        return "a map".into();
    }
    let token: String = if len > 0 {
        rest.chars().take(len).collect()
    } else {
        rest.to_string()
    };
    let token = token.trim_end_matches([',', '}', ']']).trim();
    if token.chars().count() > 40 {
        format!("`{}...`", token.chars().take(37).collect::<String>())
    } else {
        format!("`{token}`")
    }
}

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
    let lines = Lines {
        lines: text.lines().collect(),
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
        let found = found(&lines, line, col, len);
        match &ctx {
            Some(Context { key, item: true }) => {
                format!("each entry of `{key}` must be {expected}, found {found}")
            }
            Some(Context { key, item: false }) => {
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
            let title = match &ctx {
                Some(Context { key, .. }) => {
                    format!("`{key}` must be {one_of}, found `{variant}`")
                }
                None => format!("unknown `{variant}`, expected {one_of}"),
            };
            Diagnostic::new(title, span)
                .with_help_opt(did_you_mean(variant, expected.iter().copied()))
        }
        Error::SerdeMissingField { field, .. } => {
            let title = match &ctx {
                Some(Context { key, item: false }) => format!("`{key}` needs the key `{field}`"),
                Some(Context { key, item: true }) => {
                    format!("an entry of `{key}` needs the key `{field}`")
                }
                None => format!("missing key `{field}`"),
            };
            Diagnostic::new(title, span)
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
        Error::InvalidBooleanStrict { .. } => Diagnostic::new(must_be("true or false"), span),
        Error::InvalidScalar { ty, .. } => {
            let max = match *ty {
                "u8" => Some(u64::from(u8::MAX)),
                "u16" => Some(u64::from(u16::MAX)),
                "u32" => Some(u64::from(u32::MAX)),
                "u64" | "usize" => Some(u64::MAX),
                _ => None,
            };
            let written = found(&lines, line, col, len);
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
                let found = found(&lines, line, col, len);
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

/// Whether `line:col` is where the file's content starts (the document's root node).
fn is_document_start(lines: &Lines, line: usize, col: usize) -> bool {
    let earlier_content = (1..line).any(|n| {
        let l = lines.get(n).unwrap_or_default();
        !is_blank(l) && l.trim() != "---"
    });
    !earlier_content && lines.before(line, col).trim().is_empty()
}

/// The line where `key` was first set in the same block map as the duplicate at `line:col`.
fn first_definition(lines: &Lines, line: usize, col: usize, key: &str) -> Option<usize> {
    let own = lines.get(line)?;
    let target_col = key_col(own).min(col);
    for n in (1..line).rev() {
        let text = lines.get(n)?;
        if is_blank(text) {
            continue;
        }
        let k = key_col(text);
        if k < target_col {
            return None;
        }
        if k == target_col {
            let rest = lines.rest(n, k);
            let bare = rest.trim_start_matches(['"', '\'']);
            if let Some(after) = bare.strip_prefix(key)
                && after
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
            {
                return Some(n);
            }
        }
    }
    None
}

/// The parser's own (libyaml-style) messages, with the real cause when it can be told.
fn parser_error(msg: &str, lines: &Lines, file: &Arc<str>, span: Option<Span>) -> Diagnostic {
    let msg = strip_position(msg);
    let Some(at) = span else {
        return Diagnostic::new(msg.to_string(), None);
    };
    let line = at.line as usize;
    if let Some((open_line, open_col, open)) = unclosed_flow(lines, line, at.col as usize)
        && open_line < line
    {
        let mut s = Span::new(file, open_line as u32, open_col as u32);
        s.len = 1;
        let close = if open == '[' { ']' } else { '}' };
        return Diagnostic::new(format!("unclosed `{open}`"), Some(s)).with_help(format!(
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
                let mut s = Span::new(file, n as u32, i as u32 + 1);
                s.len = 1;
                return Diagnostic::new("a tab indents this line", Some(s))
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
    let structural = msg.contains("mapping values are not allowed")
        || msg.contains("did not find expected key")
        || msg.contains("did not find expected '-' indicator");
    if structural && let Some(d) = bad_indentation(lines, file, line) {
        return d;
    }
    if msg.contains("mapping values are not allowed") {
        return Diagnostic::new("unexpected `:` in a value", Some(at))
            .with_help("quote a value that contains `: `, for example name: \"a: b\"");
    }
    Diagnostic::new(msg.to_string(), Some(at))
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

/// The innermost `[` or `{` still open at `line:col`, as (line, col, bracket), skipping
/// quoted text and comments.
fn unclosed_flow(lines: &Lines, line: usize, col: usize) -> Option<(usize, usize, char)> {
    let mut stack: Vec<(usize, usize, char)> = Vec::new();
    for n in 1..=line {
        let text = lines.get(n)?;
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in text.chars().enumerate() {
            if n == line && i + 1 >= col {
                break;
            }
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None => match c {
                    '"' | '\'' if prev == ' ' || prev == '[' || prev == '{' || prev == ',' => {
                        quote = Some(c)
                    }
                    '#' if prev == ' ' || i == 0 => break,
                    '[' | '{' => stack.push((n, i + 1, c)),
                    ']' | '}' => {
                        stack.pop();
                    }
                    _ => {}
                },
            }
            prev = c;
        }
    }
    stack.pop()
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

    fn lines(text: &str) -> Lines<'_> {
        Lines {
            lines: text.lines().collect(),
        }
    }

    #[test]
    fn finds_the_key_of_a_value() {
        let l = lines("name: x\ntags: slow\nrequests:\n  a: 1\n  - b\n");
        assert_eq!(
            context(&l, 2, 7),
            Some(Context {
                key: "tags".into(),
                item: false
            })
        );
        assert_eq!(
            context(&l, 4, 3),
            Some(Context {
                key: "requests".into(),
                item: false
            })
        );
        assert_eq!(
            context(&l, 5, 5),
            Some(Context {
                key: "requests".into(),
                item: true
            })
        );
        assert_eq!(context(&l, 1, 1), None);
        let l = lines("requests:\nretry: { delay: 1s }\n");
        assert_eq!(
            context(&l, 1, 9),
            Some(Context {
                key: "requests".into(),
                item: false
            })
        );
        assert_eq!(
            context(&l, 2, 10),
            Some(Context {
                key: "retry".into(),
                item: false
            })
        );
    }

    #[test]
    fn describes_what_was_found() {
        let l = lines("a: slow # c\nb: [1]\nc: {x: 1}\nd:\ne: x: y\n");
        assert_eq!(found(&l, 1, 4, 4), "`slow`");
        assert_eq!(found(&l, 2, 4, 0), "a list");
        assert_eq!(found(&l, 3, 4, 0), "a map");
        assert_eq!(found(&l, 4, 3, 0), "nothing");
        assert_eq!(found(&l, 5, 4, 0), "a map");
    }

    #[test]
    fn finds_unclosed_brackets() {
        let l = lines("tags: [a, \"[\", b\nrequests:\n");
        assert_eq!(unclosed_flow(&l, 2, 9), Some((1, 7, '[')));
        let l = lines("tags: [a, b] # [\nrequests:\n");
        assert_eq!(unclosed_flow(&l, 2, 9), None);
    }

    #[test]
    fn empty_documents() {
        assert!(is_empty_document("# only a comment\n\n---\n"));
        assert!(!is_empty_document("# c\nname: x\n"));
    }
}
