//! Where every key and value of a YAML file is: one pass over the parser's events (the
//! parser serde-saphyr reads with), giving each node its key, its place in the tree and its
//! span. Positions in messages come from here, looked up by the position serde-saphyr
//! reports for a value. A file that does not parse is indexed up to the error.

use std::cell::OnceCell;
use std::collections::hash_map::Entry as Slot;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use granit_parser::{Event, Parser, ScalarStyle, StructureStyle};

use crate::diagnostic::Span;

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A map, in braces (`flow`) or one key per line.
    Map { flow: bool },
    /// A list, in brackets (`flow`) or one `-` per line.
    List { flow: bool },
    /// A single value; `empty` for nothing written, `~` or `null`.
    Scalar { empty: bool },
    /// `*name`.
    Alias,
}

/// One value of the file.
#[derive(Debug)]
struct Node {
    parent: Option<usize>,
    /// The key it is the value of, with the key's span, in a map.
    key: Option<(String, Span)>,
    kind: Kind,
    /// Where it starts; the length of a single value or of a `[`/`{`.
    span: Span,
    children: Vec<usize>,
}

/// A key of a map, found in the index.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    /// The key's span.
    pub(super) key: Span,
    /// The value's span on the key's line: the value itself, a `[`/`{`, or the key's span
    /// when the value starts on a later line or is empty.
    pub(super) value: Span,
}

/// The span index of one file, built on first use: a file that loads without an error,
/// scripts or long integers never needs it.
#[derive(Debug)]
pub(crate) struct Spans {
    file: Arc<str>,
    text: Arc<str>,
    index: OnceCell<Index>,
}

/// The index proper.
#[derive(Debug)]
struct Index {
    nodes: Vec<Node>,
    /// Node by the 1-based (line, column) it starts at; the outermost one when several do.
    by_start: HashMap<(u32, u32), usize>,
    /// Where more than one node starts (a list written at its key's indentation, whose
    /// first entry is a list): which of them a position means is unknown.
    shared: HashSet<(u32, u32)>,
    /// The map a key belongs to and the key's length, by the key's (line, column).
    keys: HashMap<(u32, u32), (usize, u32)>,
    /// Plain values of 19 digits or more (`-` allowed), in the order written: integers
    /// the parser may have read as floats.
    long_integers: Vec<String>,
    /// Where the text of a quoted or block value starts (after its quote, or on the line
    /// after its `|`/`>` at the block's indentation), by where the value starts.
    texts: HashMap<(u32, u32), (u32, u32)>,
    /// Whether the whole file parsed.
    complete: bool,
    /// Where the parser stopped on a syntax error.
    stopped: Option<Stopped>,
}

/// What was open where the parser stopped on a syntax error.
#[derive(Debug, Default)]
pub(super) struct Stopped {
    /// The columns where the keys of the open block maps start.
    pub(super) key_columns: Vec<u32>,
    /// The columns of the `-` of the open block lists.
    pub(super) dash_columns: Vec<u32>,
    /// The last key read in a block map, and whether no value had been read after it.
    pub(super) last_key: Option<(String, Span, bool)>,
}

/// A map that has read a key and waits for its value.
struct Open {
    node: usize,
    pending_key: Option<(String, Span)>,
    /// Whether the next scalar or collection is a key (maps alternate key, value).
    expect_key: bool,
}

impl Spans {
    /// The index of `text`, a file named `file`, to be built when first asked.
    pub(super) fn new(file: &Arc<str>, text: Arc<str>) -> Spans {
        Spans {
            file: Arc::clone(file),
            text,
            index: OnceCell::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index
            .get_or_init(|| Index::new(&self.file, &self.text))
    }

    /// The file's name.
    pub(super) fn file(&self) -> &Arc<str> {
        &self.file
    }

    /// Where the text of the value at `line:col` starts: the value itself for a plain value,
    /// after the quote of a quoted one, the first line of a `|` or `>` block at its
    /// indentation.
    pub(super) fn text_start(&self, line: u32, col: u32) -> (u32, u32) {
        self.index().text_start(line, col)
    }

    /// What was open where the parser stopped, if it stopped on a syntax error.
    pub(super) fn stopped(&self) -> Option<&Stopped> {
        self.index().stopped.as_ref()
    }

    /// Plain values of 19 digits or more, in the order written.
    pub(super) fn long_integers(&self) -> &[String] {
        if !has_digit_run(&self.text, 19) {
            return &[];
        }
        &self.index().long_integers
    }

    /// What the node at `line:col` is.
    pub(super) fn kind_at(&self, line: u32, col: u32) -> Option<Kind> {
        self.index().kind_at(line, col)
    }

    /// The key whose value starts at `line:col`, and its span.
    pub(super) fn key_of(&self, line: u32, col: u32) -> Option<(&str, &Span)> {
        self.index().key_of(line, col)
    }

    /// The key of the map or list holding the value (or the key) at `line:col`, and whether
    /// the value is an entry of a list (`- value`) under that key.
    pub(super) fn owner_of(&self, line: u32, col: u32) -> Option<(&str, &Span, bool)> {
        self.index().owner_of(line, col)
    }

    /// The first `key:` inside the value at `line:col`, at any depth, in the order written.
    pub(super) fn find_key(&self, line: u32, col: u32, key: &str) -> Option<Entry> {
        self.index().find_key(line, col, key)
    }

    /// `key:` in the same map as the value at `line:col`.
    pub(super) fn sibling(&self, line: u32, col: u32, key: &str) -> Option<Entry> {
        self.index().sibling(line, col, key)
    }

    /// The first key of the map holding the value at `line:col`.
    pub(super) fn first_sibling_key(&self, line: u32, col: u32) -> Option<&Span> {
        self.index().first_sibling_key(line, col)
    }

    /// Whether the file parsed and holds no content: nothing, comments, `---` alone.
    pub(super) fn is_empty(&self) -> bool {
        // A line with anything but blanks, a comment, a directive or a document marker is
        // content (or a syntax error): no need to index the file to know.
        let may_be_empty = self.text.lines().all(|line| {
            let t = line.trim();
            t.is_empty()
                || t.starts_with(['#', '%'])
                || t.starts_with("---")
                || t.starts_with("...")
        });
        may_be_empty && self.index().is_empty()
    }

    /// Where the key written at `line:col` was first set in its map, when that is earlier.
    pub(super) fn first_definition(&self, line: u32, col: u32) -> Option<&Span> {
        self.index().first_definition(line, col)
    }

    /// Whether a key is written at `line:col` with nothing before its `:`.
    pub(super) fn is_empty_key(&self, line: u32, col: u32) -> bool {
        self.index().is_empty_key(line, col)
    }

    /// Where the file's content starts: its root node.
    pub(super) fn root(&self) -> Option<&Span> {
        self.index().root()
    }
}

/// Whether `text` holds `n` ASCII digits in a row.
fn has_digit_run(text: &str, n: usize) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        if b.is_ascii_digit() {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

impl Index {
    /// Indexes `text`, a file named `file`.
    fn new(file: &Arc<str>, text: &str) -> Index {
        let mut out = Index {
            nodes: Vec::new(),
            by_start: HashMap::new(),
            shared: HashSet::new(),
            keys: HashMap::new(),
            long_integers: Vec::new(),
            texts: HashMap::new(),
            complete: false,
            stopped: None,
        };
        // The last key read in a block map, and whether no value has been read since.
        let mut last_key: Option<(String, Span)> = None;
        let mut awaiting = false;
        let mut stack: Vec<Open> = Vec::new();
        for event in Parser::new_from_str(text) {
            let Ok((event, at)) = event else {
                let columns = |kind: Kind| -> Vec<u32> {
                    stack
                        .iter()
                        .map(|open| &out.nodes[open.node])
                        .filter(|node| node.kind == kind)
                        .map(|node| node.span.col)
                        .collect()
                };
                out.stopped = Some(Stopped {
                    key_columns: columns(Kind::Map { flow: false }),
                    dash_columns: columns(Kind::List { flow: false }),
                    last_key: last_key.map(|(key, span)| (key, span, awaiting)),
                });
                break;
            };
            let mut span = Span::new(file, at.start.line() as u32, at.start.col() as u32 + 1);
            span.len = at.len() as u32;
            // A value written over several lines is underlined on its first.
            if at.end.line() > at.start.line()
                && let Some(rest) = at.start.byte_offset().and_then(|b| text.get(b..))
            {
                let first = rest.split(['\n', '\r']).next().unwrap_or_default();
                span.len = span.len.min(first.chars().count() as u32);
            }
            let kind = match &event {
                Event::MappingStart(style, ..) => Kind::Map {
                    flow: *style == StructureStyle::Flow,
                },
                Event::SequenceStart(style, ..) => Kind::List {
                    flow: *style == StructureStyle::Flow,
                },
                Event::Scalar(value, style, ..) => {
                    let quoted = *style != ScalarStyle::Plain;
                    // A key: remembered for the value that follows.
                    if let Some(open) = stack.last_mut()
                        && open.expect_key
                        && matches!(out.nodes[open.node].kind, Kind::Map { .. })
                    {
                        out.keys
                            .insert((span.line, span.col), (open.node, span.len));
                        if out.nodes[open.node].kind == (Kind::Map { flow: false }) {
                            last_key = Some((value.to_string(), span.clone()));
                        }
                        awaiting = true;
                        open.pending_key = Some((value.to_string(), span));
                        open.expect_key = false;
                        continue;
                    }
                    awaiting = false;
                    let text_start = match style {
                        ScalarStyle::Plain => None,
                        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                            Some((span.line, span.col + 1))
                        }
                        _ => at
                            .start
                            .byte_offset()
                            .and_then(|b| block_start(text, b, span.line, span.col)),
                    };
                    if let Some(start) = text_start {
                        out.texts.insert((span.line, span.col), start);
                    }
                    let empty = !quoted && matches!(value.as_ref(), "" | "~" | "null");
                    let digits = value.strip_prefix('-').unwrap_or(value);
                    if !quoted && digits.len() >= 19 && digits.bytes().all(|b| b.is_ascii_digit()) {
                        out.long_integers.push(value.to_string());
                    }
                    Kind::Scalar { empty }
                }
                Event::Alias(_) => {
                    awaiting = false;
                    Kind::Alias
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    continue;
                }
                Event::StreamEnd => {
                    out.complete = true;
                    continue;
                }
                _ => continue,
            };
            // In a map, a value is followed by a key; a map or list written as a key (a
            // complex key) by its value.
            let parent = stack.last_mut().map(|open| {
                if matches!(out.nodes[open.node].kind, Kind::Map { .. }) {
                    open.expect_key = !open.expect_key;
                }
                open.node
            });
            // A complex key (a map or list as a key) has no name to look up.
            let key = stack.last_mut().and_then(|open| open.pending_key.take());
            let id = out.nodes.len();
            match out.by_start.entry((span.line, span.col)) {
                Slot::Occupied(_) => {
                    out.shared.insert((span.line, span.col));
                }
                Slot::Vacant(v) => {
                    v.insert(id);
                }
            }
            if let Some(p) = parent {
                out.nodes[p].children.push(id);
            }
            out.nodes.push(Node {
                parent,
                key,
                kind,
                span,
                children: Vec::new(),
            });
            if matches!(kind, Kind::Map { .. } | Kind::List { .. }) {
                stack.push(Open {
                    node: id,
                    pending_key: None,
                    expect_key: matches!(kind, Kind::Map { .. }),
                });
            }
        }
        out
    }

    /// Where the text of the value at `line:col` starts: the value itself for a plain value,
    /// after the quote of a quoted one, the first line of a `|` or `>` block at its
    /// indentation.
    fn text_start(&self, line: u32, col: u32) -> (u32, u32) {
        self.texts.get(&(line, col)).copied().unwrap_or((line, col))
    }

    /// The node that starts at 1-based `line:col`.
    fn at(&self, line: u32, col: u32) -> Option<usize> {
        self.by_start.get(&(line, col)).copied()
    }

    /// The entry of a node in its map: its key's span and its value's.
    fn entry(&self, id: usize) -> Option<Entry> {
        let node = &self.nodes[id];
        let (_, key) = node.key.as_ref()?;
        let value = match node.kind {
            _ if node.span.line != key.line => key.clone(),
            Kind::Scalar { empty: true, .. } => key.clone(),
            Kind::Map { flow: false } | Kind::List { flow: false } => key.clone(),
            Kind::Map { flow: true } | Kind::List { flow: true } => {
                let mut s = node.span.clone();
                s.len = 1;
                s
            }
            Kind::Scalar { .. } | Kind::Alias => node.span.clone(),
        };
        Some(Entry {
            key: key.clone(),
            value,
        })
    }

    /// What the node at `line:col` is.
    fn kind_at(&self, line: u32, col: u32) -> Option<Kind> {
        self.at(line, col).map(|id| self.nodes[id].kind)
    }

    /// The key whose value starts at `line:col`, and its span.
    fn key_of(&self, line: u32, col: u32) -> Option<(&str, &Span)> {
        let (key, span) = self.nodes[self.at(line, col)?].key.as_ref()?;
        Some((key, span))
    }

    /// The key of the map or list holding the value (or the key) at `line:col`, and whether
    /// the value is an entry of a list (`- value`) under that key.
    fn owner_of(&self, line: u32, col: u32) -> Option<(&str, &Span, bool)> {
        if self.shared.contains(&(line, col)) {
            return None;
        }
        let id = self
            .at(line, col)
            .or_else(|| self.keys.get(&(line, col)).map(|(map, _)| *map))?;
        let node = &self.nodes[id];
        if let Some((key, span)) = &node.key {
            return Some((key, span, false));
        }
        let parent = &self.nodes[node.parent?];
        let (key, span) = parent.key.as_ref()?;
        matches!(parent.kind, Kind::List { .. }).then_some((key, span, true))
    }

    /// The first `key:` inside the value at `line:col`, at any depth, in the order written.
    fn find_key(&self, line: u32, col: u32, key: &str) -> Option<Entry> {
        let mut todo: Vec<usize> = self.nodes[self.at(line, col)?].children.clone();
        todo.reverse();
        while let Some(id) = todo.pop() {
            let node = &self.nodes[id];
            if node.key.as_ref().is_some_and(|(k, _)| k == key) {
                return self.entry(id);
            }
            todo.extend(node.children.iter().rev());
        }
        None
    }

    /// `key:` in the same map as the value at `line:col`.
    fn sibling(&self, line: u32, col: u32, key: &str) -> Option<Entry> {
        let parent = self.nodes[self.at(line, col)?].parent?;
        let id = self.nodes[parent]
            .children
            .iter()
            .copied()
            .find(|c| self.nodes[*c].key.as_ref().is_some_and(|(k, _)| k == key))?;
        self.entry(id)
    }

    /// The first key of the map holding the value at `line:col`.
    fn first_sibling_key(&self, line: u32, col: u32) -> Option<&Span> {
        let parent = self.nodes[self.at(line, col)?].parent?;
        let first = *self.nodes[parent].children.first()?;
        self.nodes[first].key.as_ref().map(|(_, span)| span)
    }

    /// Whether the file parsed and holds no content: nothing, comments, `---` alone.
    fn is_empty(&self) -> bool {
        self.complete
            && match self.nodes.as_slice() {
                [] => true,
                [only] => {
                    matches!(only.kind, Kind::Scalar { empty: true, .. }) && only.span.len == 0
                }
                _ => false,
            }
    }

    /// Where the key written at `line:col` was first set in its map, when that is earlier.
    fn first_definition(&self, line: u32, col: u32) -> Option<&Span> {
        let (map, _) = self.keys.get(&(line, col))?;
        let map = &self.nodes[*map];
        let (name, _) = map
            .children
            .iter()
            .filter_map(|c| self.nodes[*c].key.as_ref())
            .find(|(_, span)| (span.line, span.col) == (line, col))?;
        map.children
            .iter()
            .filter_map(|c| self.nodes[*c].key.as_ref())
            .find(|(key, _)| key == name)
            .map(|(_, span)| span)
            .filter(|span| (span.line, span.col) != (line, col))
    }

    /// Whether a key is written at `line:col` with nothing before its `:`.
    fn is_empty_key(&self, line: u32, col: u32) -> bool {
        self.keys
            .get(&(line, col))
            .is_some_and(|(_, len)| *len == 0)
    }

    /// Where the file's content starts: its root node.
    fn root(&self) -> Option<&Span> {
        self.nodes.first().map(|n| &n.span)
    }
}

/// The first line and column of a block value (`|`, `>`) whose first non-empty line
/// starts at byte `offset` of `text`, on `line`, column `col`: empty lines between the
/// indicator and it are lines of the value too.
fn block_start(text: &str, offset: usize, line: u32, col: u32) -> Option<(u32, u32)> {
    let before = text.get(..offset)?;
    let mut lines = before.rsplit('\n');
    // The part of the first content line before the content.
    lines.next()?;
    let empty = lines.take_while(|l| l.trim().is_empty()).count() as u32;
    Some((line.saturating_sub(empty), col))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Spans {
        Spans::new(&Arc::from("t.yaml"), Arc::from(text))
    }

    fn at(s: &Span) -> (u32, u32, u32) {
        (s.line, s.col, s.len)
    }

    const TEXT: &str = "name: x # c
requests:
  - name: \"a b\"
    body: { json: [1, 2], raw: 'x' }
    expect:
      status:
      json:
        $.a: { gt: 3 }
";

    #[test]
    fn keys_and_values() {
        let s = index(TEXT);
        let (key, span) = s.key_of(3, 11).unwrap();
        assert_eq!((key, at(span)), ("name", (3, 5, 4)));
        let body = s.find_key(1, 1, "body").unwrap();
        assert_eq!((at(&body.key), at(&body.value)), ((4, 5, 4), (4, 11, 1)));
        let raw = s.find_key(4, 11, "raw").unwrap();
        assert_eq!((at(&raw.key), at(&raw.value)), ((4, 27, 3), (4, 32, 3)));
        let gt = s.find_key(6, 7, "gt").unwrap();
        assert_eq!((at(&gt.key), at(&gt.value)), ((8, 16, 2), (8, 20, 1)));
        // An empty value and a block value point at their key.
        let status = s.find_key(6, 7, "status").unwrap();
        assert_eq!(at(&status.value), (6, 7, 6));
        assert_eq!(at(&s.find_key(6, 7, "json").unwrap().value), (7, 7, 4));
        assert_eq!(s.find_key(4, 11, "status"), None);
    }

    #[test]
    fn owners_siblings_and_kinds() {
        let s = index(TEXT);
        let (key, _, item) = s.owner_of(4, 20).unwrap();
        assert_eq!((key, item), ("json", true));
        let (key, _, item) = s.owner_of(4, 19).unwrap();
        assert_eq!((key, item), ("json", false));
        let (key, _, item) = s.owner_of(3, 5).unwrap();
        assert_eq!((key, item), ("requests", true));
        assert_eq!(at(&s.sibling(3, 11, "expect").unwrap().key), (5, 5, 6));
        assert_eq!(at(s.first_sibling_key(4, 11).unwrap()), (3, 5, 4));
        assert_eq!(s.kind_at(4, 19), Some(Kind::List { flow: true }));
        assert_eq!(s.kind_at(6, 13), Some(Kind::Scalar { empty: true }));
        assert_eq!(at(s.root().unwrap()), (1, 1, 0));
    }

    #[test]
    fn a_broken_file_is_indexed_up_to_the_error() {
        let s = index("a: 1\nb: [1, 2\nc: 3\n");
        assert_eq!(at(s.key_of(1, 4).unwrap().1), (1, 1, 1));
        assert_eq!(s.find_key(1, 1, "c"), None);
    }

    #[test]
    fn a_value_over_several_lines_is_underlined_on_its_first() {
        let s = index("a: \"one\n  two\"\nb: x\n");
        assert_eq!(at(&s.find_key(1, 1, "a").unwrap().value), (1, 4, 4));
    }

    #[test]
    fn where_the_text_of_a_value_starts() {
        let s = index(
            "a: |\n\n    one\n     two\nb: \"q\"\nc: plain\nd:\n  - >-\n      x\ne: |2\n    y\n",
        );
        // A block value is found at its first non-empty line.
        assert_eq!(s.text_start(3, 5), (2, 5));
        assert_eq!(s.text_start(5, 4), (5, 5));
        assert_eq!(s.text_start(6, 4), (6, 4));
        assert_eq!(s.text_start(9, 7), (9, 7));
        assert_eq!(s.text_start(11, 3), (11, 3));
    }

    #[test]
    fn long_integers_in_the_order_written() {
        let s = index(
            "1234567890123456789012: 1\na: [-99999999999999999999999, \"12345678901234567890\"]\nb: 123456789012345678901 # 99999999999999999999\nc: x123456789012345678901\n",
        );
        assert_eq!(
            s.long_integers(),
            ["-99999999999999999999999", "123456789012345678901"]
        );
    }

    #[test]
    fn what_is_open_where_a_syntax_error_stops_the_parser() {
        let s = index("requests:\n  - name: list\n    url: \"x\"\n      method: GET\n");
        let stopped = s.stopped().unwrap();
        assert_eq!(stopped.key_columns, [1, 5]);
        assert_eq!(stopped.dash_columns, [3]);
        let (key, span, awaiting) = stopped.last_key.as_ref().unwrap();
        assert_eq!(
            (key.as_str(), at(span), *awaiting),
            ("url", (3, 5, 3), false)
        );
        let s = index("a:\n  b:\n\tc: 1\n");
        let (key, _, awaiting) = s.stopped().unwrap().last_key.as_ref().unwrap();
        assert_eq!((key.as_str(), *awaiting), ("b", true));
        assert!(index("a: 1\n").stopped().is_none());
    }

    #[test]
    fn empty_files_duplicates_and_empty_keys() {
        assert!(index("# only a comment\n\n---\n").is_empty());
        assert!(index("").is_empty());
        assert!(!index("~\n").is_empty());
        assert!(!index("# c\nname: x\n").is_empty());
        let s = index("a: 1\nb:\n  a: 2\na: 3\n");
        assert_eq!(at(s.first_definition(4, 1).unwrap()), (1, 1, 1));
        assert_eq!(s.first_definition(3, 3), None);
        assert_eq!(s.first_definition(1, 1), None);
        let s = index("v:\n  : /v1\n");
        assert!(s.is_empty_key(2, 3));
        assert!(!s.is_empty_key(1, 1));
    }
}
