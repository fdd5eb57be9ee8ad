//! The YAML parser's errors in the words of the file format: which key, what it must
//! be, what was found, and where, instead of the parser's and serde's vocabulary.

use std::sync::Arc;

use serde_saphyr::{Error, Location};

use super::load::redact_for_display;
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
    /// The line the key is written on.
    line: usize,
}

fn context(lines: &Lines, line: usize, col: usize) -> Option<Context> {
    let before = lines.before(line, col).trim_end();
    // `key:` itself when the value is empty; `key: {` or `key: [` for a value in brackets.
    let before = if at_key_colon(lines, line, col) {
        lines.before(line, col + 1)
    } else {
        before
            .strip_suffix(['{', '['])
            .map(str::trim_end)
            .unwrap_or(before)
    };
    if let Some(k) = before.strip_suffix(':') {
        return last_key(k).map(|key| Context {
            key,
            item: false,
            line,
        });
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
            .map(|key| Context { key, item, line: n });
    }
    None
}

/// Whether `line:col` is the `:` right after a key (where the parser puts an empty value).
fn at_key_colon(lines: &Lines, line: usize, col: usize) -> bool {
    lines.rest(line, col).starts_with(':')
        && lines
            .before(line, col)
            .chars()
            .last()
            .is_some_and(|c| !c.is_whitespace())
}

/// What the text at `line:col` looks like: `a list`, `a map`, `nothing` or the value itself.
fn found(lines: &Lines, line: usize, col: usize, len: usize) -> String {
    let rest = lines.rest(line, col);
    // At the `:` of a key whose value is empty.
    let rest = if at_key_colon(lines, line, col) {
        &rest[1..]
    } else {
        rest
    };
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
    // A map written in block style starts its own line; after `key: ` it is one value.
    let starts_line = lines
        .before(line, col)
        .trim_start_matches([' ', '-'])
        .is_empty();
    let quoted = rest.starts_with(['"', '\'']);
    if starts_line && !quoted && (rest.contains(": ") || rest.ends_with(':')) {
        return "a map".into();
    }
    let token: String = if len > 0 {
        rest.chars().take(len).collect()
    } else {
        rest.to_string()
    };
    // The end of a bracketed list or map the value sits in is not part of it.
    let token = if token.contains(['{', '[']) {
        token.trim()
    } else {
        token.trim_end_matches([',', '}', ']']).trim()
    };
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
    // Values quoted in messages come from the text as diagnostics show it: no credentials.
    let shown_text = redact_for_display(text);
    let shown = Lines {
        lines: shown_text.lines().collect(),
    };
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

/// The span of `key:` on line `line` (the last one written there).
fn key_span(lines: &Lines, file: &Arc<str>, line: usize, key: &str) -> Option<Span> {
    let text = lines.get(line)?;
    let byte = text.rfind(&format!("{key}:")).or_else(|| text.rfind(key))?;
    let mut s = Span::new(file, line as u32, text[..byte].chars().count() as u32 + 1);
    s.len = key.chars().count() as u32;
    Some(s)
}

/// The first character of the file's content (after comments and blank lines).
fn first_content(lines: &Lines, file: &Arc<str>) -> Option<Span> {
    let n = (1..=lines.lines.len()).find(|n| {
        lines
            .get(*n)
            .is_some_and(|l| !is_blank(l) && l.trim() != "---")
    })?;
    Some(Span::new(file, n as u32, indent_col(lines.get(n)?) as u32))
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

/// What is still open at `line:col`: brackets, a quote, and where the last quoted text
/// started and ended. Comments are skipped; a quote counts only where a value can start.
#[derive(Debug, Default, PartialEq)]
struct Scan {
    /// Open `[` and `{`, outermost first, as (line, col, bracket).
    brackets: Vec<(usize, usize, char)>,
    /// A quote still open, as (line, col, quote).
    open_quote: Option<(usize, usize, char)>,
    /// The last closed quoted text: where it started (line, col) and the line it ended on.
    last_quote: Option<((usize, usize), usize)>,
}

fn scan(lines: &Lines, line: usize, col: usize) -> Scan {
    let mut out = Scan::default();
    // The indentation of a line that opened a block scalar (`|`, `>`): deeper lines are text.
    let mut block: Option<usize> = None;
    for n in 1..=line {
        let Some(text) = lines.get(n) else { break };
        if let Some(opener) = block {
            if text.trim().is_empty() || indent_col(text) > opener {
                continue;
            }
            block = None;
        }
        if out.open_quote.is_none() && out.brackets.is_empty() && is_block_scalar_start(text) {
            block = Some(indent_col(text));
        }
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        let mut prev = ' ';
        while i < chars.len() {
            if n == line && i + 1 >= col {
                break;
            }
            let c = chars[i];
            match out.open_quote {
                Some((ql, qc, q)) => {
                    let escaped = (q == '"' && c == '\\')
                        || (q == '\'' && c == '\'' && chars.get(i + 1) == Some(&'\''));
                    if escaped {
                        i += 1;
                    } else if c == q {
                        out.open_quote = None;
                        out.last_quote = Some(((ql, qc), n));
                    }
                }
                None => match c {
                    '"' | '\'' if matches!(prev, ' ' | '[' | '{' | ',' | ':' | '-') => {
                        out.open_quote = Some((n, i + 1, c));
                    }
                    '#' if prev == ' ' => break,
                    '[' | '{' => out.brackets.push((n, i + 1, c)),
                    ']' | '}' => {
                        out.brackets.pop();
                    }
                    _ => {}
                },
            }
            prev = c;
            i += 1;
        }
    }
    out
}

/// Whether a line ends with a block scalar indicator (`key: |`, `- >-`).
fn is_block_scalar_start(line: &str) -> bool {
    let t = strip_comment(line).trim_end();
    let Some(last) = t.split_whitespace().last() else {
        return false;
    };
    let before = &t[..t.len() - last.len()];
    let indicator = last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit());
    indicator && (before.trim_end().ends_with(':') || before.trim_end().ends_with('-'))
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
                item: false,
                line: 2
            })
        );
        assert_eq!(
            context(&l, 4, 3),
            Some(Context {
                key: "requests".into(),
                item: false,
                line: 3
            })
        );
        assert_eq!(
            context(&l, 5, 5),
            Some(Context {
                key: "requests".into(),
                item: true,
                line: 3
            })
        );
        assert_eq!(context(&l, 1, 1), None);
        let l = lines("requests:\nretry: { delay: 1s }\nwhen: :{ a }\n");
        assert_eq!(
            context(&l, 3, 7),
            Some(Context {
                key: "when".into(),
                item: false,
                line: 3
            })
        );
        assert_eq!(found(&l, 3, 7, 0), "`:{ a }`");
        assert_eq!(
            context(&l, 1, 9),
            Some(Context {
                key: "requests".into(),
                item: false,
                line: 1
            })
        );
        assert_eq!(
            context(&l, 2, 10),
            Some(Context {
                key: "retry".into(),
                item: false,
                line: 2
            })
        );
    }

    #[test]
    fn describes_what_was_found() {
        let l = lines("a: slow # c\nb: [1]\nc: {x: 1}\nd:\n  x: y\n");
        assert_eq!(found(&l, 1, 4, 4), "`slow`");
        assert_eq!(found(&l, 2, 4, 0), "a list");
        assert_eq!(found(&l, 3, 4, 0), "a map");
        assert_eq!(found(&l, 4, 3, 0), "nothing");
        assert_eq!(found(&l, 5, 3, 0), "a map");
    }

    #[test]
    fn finds_what_is_left_open() {
        let l = lines("tags: [a, \"[\", b\nrequests:\n");
        assert_eq!(scan(&l, 2, 9).brackets, vec![(1, 7, '[')]);
        let l = lines("tags: [a, b] # [\nrequests:\n");
        assert_eq!(scan(&l, 2, 9), Scan::default());
        let l = lines("a: \"x\\\"y\nb: 'it''s\nc: 1\n");
        assert_eq!(scan(&l, 3, 1).open_quote, Some((1, 4, '"')));
        let l = lines("a: \"x\nb: \"y\"\n");
        let s = scan(&l, 2, 8);
        assert_eq!((s.open_quote, s.last_quote), (None, Some(((1, 4), 2))));
        let l = lines("name: it's\nurl: x\n");
        assert_eq!(scan(&l, 2, 6), Scan::default());
        let l = lines("raw: |\n  {\"a\": [1\n  'x\nurl: x\n");
        assert_eq!(scan(&l, 4, 6), Scan::default());
    }

    #[test]
    fn empty_documents() {
        assert!(is_empty_document("# only a comment\n\n---\n"));
        assert!(!is_empty_document("# c\nname: x\n"));
    }
}
