//! Syntax errors. The parser stops at the first token it cannot read, often well after the
//! real cause: a quote or bracket left open lines above, a key out of line with its map, a
//! tab. Past a syntax error there are no events to index, so what is left open is read from
//! the text up to the error.

use super::spans::Spans;
use super::yaml_error::strip_position;
use crate::diagnostic::{Diagnostic, Span};

/// The parser's own (libyaml-style) messages, with the real cause when it can be told.
pub(super) fn parser_error(
    msg: &str,
    lines: &Lines,
    spans: &Spans,
    span: Option<Span>,
) -> Diagnostic {
    let file = spans.file();
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
    if structural && let Some(d) = bad_indentation(lines, spans, line) {
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

/// An error on a line whose key does not line up with the keys of the maps (or the `-` of
/// the lists) still open there.
fn bad_indentation(lines: &Lines, spans: &Spans, line: usize) -> Option<Diagnostic> {
    let stopped = spans.stopped()?;
    let (prev_key, prev, awaiting) = stopped.last_key.as_ref()?;
    let text = lines.get(line)?;
    let own = key_col(text);
    if *awaiting && own as u32 > prev.col {
        // A deeper line after `key:` is how nesting is written.
        return None;
    }
    // A `-` lines up with the `-` of an open list, a key with the keys of an open map.
    let dash = text.trim_start_matches(' ').starts_with('-');
    let dash_col = text.chars().take_while(|c| *c == ' ').count() as u32 + 1;
    let lined_up = if dash {
        stopped.dash_columns.contains(&dash_col)
    } else {
        stopped.key_columns.contains(&(own as u32))
    };
    if lined_up {
        return None;
    }
    let key: String = lines
        .rest(line, own)
        .chars()
        .take_while(|c| *c != ':' && *c != ' ')
        .collect();
    let mut s = Span::new(spans.file(), line as u32, own as u32);
    s.len = key.chars().count().max(1) as u32;
    Some(
        Diagnostic::new("unexpected indentation", Some(s)).with_help(format!(
            "keys of one map start in the same column: `{prev_key}` on line {} starts at column {}",
            prev.line, prev.col
        )),
    )
}

/// The file's lines, for looking around an error position.
pub(super) struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// The lines of `text`.
    pub(super) fn new(text: &'a str) -> Lines<'a> {
        Lines {
            lines: text.lines().collect(),
        }
    }

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

/// A line without a trailing ` # comment` (quotes are not tracked: good enough for keys).
fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Lines<'_> {
        Lines::new(text)
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
}
