//! Reading YAML source text around a position, for messages: lines, indentation, the
//! key a value belongs to, what a value looks like, and what is left open.

use std::sync::Arc;

use crate::diagnostic::Span;

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

    /// How many lines there are.
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// The 1-based `n`-th line.
    pub(super) fn get(&self, n: usize) -> Option<&'a str> {
        self.lines.get(n.checked_sub(1)?).copied()
    }

    /// The text of line `line` from 1-based column `col` on.
    pub(super) fn rest(&self, line: usize, col: usize) -> &'a str {
        let text = self.get(line).unwrap_or_default();
        match text.char_indices().nth(col.saturating_sub(1)) {
            Some((i, _)) => &text[i..],
            None => "",
        }
    }

    /// The text of line `line` before 1-based column `col`.
    pub(super) fn before(&self, line: usize, col: usize) -> &'a str {
        let text = self.get(line).unwrap_or_default();
        match text.char_indices().nth(col.saturating_sub(1)) {
            Some((i, _)) => &text[..i],
            None => text,
        }
    }
}

/// Whether a line holds nothing but blanks or a comment.
pub(super) fn is_blank(line: &str) -> bool {
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
pub(super) fn indent_col(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count() + 1
}

/// The column (1-based) where the first key of a line starts: after indentation and
/// any `- ` sequence markers.
pub(super) fn key_col(line: &str) -> usize {
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
pub(super) fn opens_block(line: &str) -> bool {
    let t = strip_comment(line).trim_end();
    t.ends_with(':')
        || t.ends_with('|')
        || t.ends_with('>')
        || t.ends_with("|-")
        || t.ends_with(">-")
}

/// A line without a trailing ` # comment` (quotes are not tracked: good enough for keys).
pub(super) fn strip_comment(line: &str) -> &str {
    match line.find(" #") {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The key written last in `text` (which ends just before a `:`).
pub(super) fn last_key(text: &str) -> Option<String> {
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
pub(super) struct Context {
    /// The key.
    pub(super) key: String,
    /// Whether the value is an entry of a list under the key.
    pub(super) item: bool,
    /// The line the key is written on.
    pub(super) line: usize,
}

pub(super) fn context(lines: &Lines, line: usize, col: usize) -> Option<Context> {
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
pub(super) fn at_key_colon(lines: &Lines, line: usize, col: usize) -> bool {
    lines.rest(line, col).starts_with(':')
        && lines
            .before(line, col)
            .chars()
            .last()
            .is_some_and(|c| !c.is_whitespace())
}

/// What the text at `line:col` looks like: `a list`, `a map`, `nothing` or the value itself.
pub(super) fn found(lines: &Lines, line: usize, col: usize, len: usize) -> String {
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

/// The span of `key:` on line `line` (the last one written there).
pub(super) fn key_span(lines: &Lines, file: &Arc<str>, line: usize, key: &str) -> Option<Span> {
    let text = lines.get(line)?;
    let byte = text.rfind(&format!("{key}:")).or_else(|| text.rfind(key))?;
    let mut s = Span::new(file, line as u32, text[..byte].chars().count() as u32 + 1);
    s.len = key.chars().count() as u32;
    Some(s)
}

/// The first character of the file's content (after comments and blank lines).
pub(super) fn first_content(lines: &Lines, file: &Arc<str>) -> Option<Span> {
    let n = (1..=lines.len()).find(|n| {
        lines
            .get(*n)
            .is_some_and(|l| !is_blank(l) && l.trim() != "---")
    })?;
    Some(Span::new(file, n as u32, indent_col(lines.get(n)?) as u32))
}

/// Whether `line:col` is where the file's content starts (the document's root node).
pub(super) fn is_document_start(lines: &Lines, line: usize, col: usize) -> bool {
    let earlier_content = (1..line).any(|n| {
        let l = lines.get(n).unwrap_or_default();
        !is_blank(l) && l.trim() != "---"
    });
    !earlier_content && lines.before(line, col).trim().is_empty()
}

/// The line where `key` was first set in the same block map as the duplicate at `line:col`.
pub(super) fn first_definition(lines: &Lines, line: usize, col: usize, key: &str) -> Option<usize> {
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

/// What is still open at `line:col`: brackets, a quote, and where the last quoted text
/// started and ended. Comments are skipped; a quote counts only where a value can start.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Scan {
    /// Open `[` and `{`, outermost first, as (line, col, bracket).
    pub(super) brackets: Vec<(usize, usize, char)>,
    /// A quote still open, as (line, col, quote).
    pub(super) open_quote: Option<(usize, usize, char)>,
    /// The last closed quoted text: where it started (line, col) and the line it ended on.
    pub(super) last_quote: Option<((usize, usize), usize)>,
}

pub(super) fn scan(lines: &Lines, line: usize, col: usize) -> Scan {
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
pub(super) fn is_block_scalar_start(line: &str) -> bool {
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
