//! The quick way to read a file that holds nothing unusual: the parser's events become a
//! small tree, read by a plain serde deserializer, with the positions serde-saphyr would give
//! (`Spanned` values included). Anything this reader is not sure to read exactly as
//! serde-saphyr does (anchors, aliases, tags, `null`, numbers other than plain integers,
//! `yes`/`no` words, duplicate keys, deep nesting, any error) makes it give up, and the file
//! is read again by serde-saphyr, whose errors are the ones shown.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use granit_parser::{Event, Parser, ScalarStyle, Span as ParserSpan};
use serde::de::value::{SeqDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

/// Nesting beyond this is left to serde-saphyr (which refuses more than 64 levels).
const MAX_DEPTH: usize = 32;

/// The name serde-saphyr's `Spanned` asks a deserializer for.
const SPANNED: &str = "__yaml_spanned";
/// The first key of the map a `Spanned` reads its value and positions from.
const SPANNED_MARKER: &str = "__serde_saphyr_private_spanned";

/// `text` read as `T`, or `None` when serde-saphyr must read it.
pub(super) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let root = tree(text)?;
    T::deserialize(NodeDe(root, false)).ok()
}

/// Where a node starts, as serde-saphyr's `Location` holds it.
#[derive(Debug, Clone, Copy)]
struct Pos {
    line: u32,
    column: u32,
    offset: u32,
    len: u32,
    byte_offset: u32,
    byte_len: u32,
}

impl Pos {
    fn new(span: &ParserSpan) -> Option<Pos> {
        let (start, end) = (&span.start, &span.end);
        let byte_offset = start.byte_offset()?;
        let byte_len = end.byte_offset()?.saturating_sub(byte_offset);
        Some(Pos {
            line: u32::try_from(start.line()).ok()?,
            column: u32::try_from(start.col() + 1).ok()?,
            offset: u32::try_from(start.index()).ok()?,
            len: u32::try_from(span.len()).ok()?,
            byte_offset: u32::try_from(byte_offset).ok()?,
            byte_len: u32::try_from(byte_len).ok()?,
        })
    }
}

#[derive(Debug)]
enum Kind<'a> {
    Scalar(Cow<'a, str>, ScalarStyle),
    Map(Vec<(Node<'a>, Node<'a>)>),
    Seq(Vec<Node<'a>>),
}

#[derive(Debug)]
struct Node<'a> {
    kind: Kind<'a>,
    pos: Pos,
}

/// A map or list being read, with the key waiting for its value.
struct Open<'a> {
    node: Node<'a>,
    key: Option<Node<'a>>,
}

/// The one document of `text` as a tree; `None` for anything unusual.
fn tree(text: &str) -> Option<Node<'_>> {
    let options = granit_parser::options! {
        simple_key_max_lookahead: 1024,
        flow_nesting_limit: 255,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut root: Option<Node<'_>> = None;
    let mut documents = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.ok()?;
        let done = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                Node {
                    kind: Kind::Scalar(value, style),
                    pos: Pos::new(&span)?,
                }
            }
            Event::MappingStart(_, anchor, ref tag) | Event::SequenceStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= MAX_DEPTH {
                    return None;
                }
                let kind = match event {
                    Event::MappingStart(..) => Kind::Map(Vec::new()),
                    _ => Kind::Seq(Vec::new()),
                };
                stack.push(Open {
                    node: Node {
                        kind,
                        pos: Pos::new(&span)?,
                    },
                    key: None,
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let mut open = stack.pop()?;
                if open.key.is_some() {
                    return None;
                }
                // The whole tree is alive at once: no spare room.
                match &mut open.node.kind {
                    Kind::Map(entries) if has_duplicate_keys(entries) => return None,
                    Kind::Map(entries) => entries.shrink_to_fit(),
                    Kind::Seq(items) => items.shrink_to_fit(),
                    Kind::Scalar(..) => {}
                }
                open.node
            }
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(done);
            }
            Some(open) => match &mut open.node.kind {
                Kind::Seq(items) => items.push(done),
                Kind::Map(entries) => match open.key.take() {
                    None => {
                        // Only plain text keys; `<<` merges are serde-saphyr's.
                        match &done.kind {
                            Kind::Scalar(k, style)
                                if !(*style == ScalarStyle::Plain && k == "<<") => {}
                            _ => return None,
                        }
                        open.key = Some(done);
                    }
                    Some(key) => entries.push((key, done)),
                },
                Kind::Scalar(..) => return None,
            },
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// The text of a key (every key is text: see `tree`).
fn key_text<'n>(n: &'n Node<'_>) -> Option<&'n str> {
    match &n.kind {
        Kind::Scalar(k, _) => Some(k),
        _ => None,
    }
}

fn has_duplicate_keys(entries: &[(Node<'_>, Node<'_>)]) -> bool {
    let key = key_text;
    if entries.len() <= 8 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (a, _))| entries[..i].iter().any(|(b, _)| key(a) == key(b)));
    }
    let mut seen = HashSet::with_capacity(entries.len());
    !entries.iter().all(|(k, _)| seen.insert(key(k)))
}

/// What a plain scalar is, as far as this reader can tell.
enum Plain {
    Text,
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    /// `null`, a float, a YAML 1.1 word, a number in another notation: serde-saphyr's call.
    Unsure,
}

/// `yes`, `no`, `on`, `off`, `y`, `n` in any case.
fn is_word(s: &str) -> bool {
    ["yes", "no", "on", "off", "y", "n"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(s))
}

fn plain(s: &str) -> Plain {
    let Some(first) = s.chars().next() else {
        return Plain::Unsure;
    };
    match s {
        "true" => return Plain::Bool(true),
        "false" => return Plain::Bool(false),
        _ => {}
    }
    if s == "~" {
        return Plain::Unsure;
    }
    if first.is_ascii_digit() || matches!(first, '-' | '+' | '.') {
        let (negative, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let canonical = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        if !canonical && !number_like(s) {
            return Plain::Text;
        }
        return match (canonical, negative) {
            (true, false) => digits.parse().map_or(Plain::Unsure, Plain::Unsigned),
            (true, true) if digits != "0" => s.parse().map_or(Plain::Unsure, Plain::Signed),
            _ => Plain::Unsure,
        };
    }
    const WORDS: &[&str] = &[
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "inf", "infinity", "nan",
    ];
    if WORDS.iter().any(|w| w.eq_ignore_ascii_case(s)) {
        return Plain::Unsure;
    }
    Plain::Text
}

/// Whether a scalar starting with a digit, a sign or a dot may be a number in some notation
/// (`0x1F`, `1e3`, `-.inf`, `1_000`, `1:30`, a date): only then is it not plain text.
/// `1s`, `5xx` and `64MiB` are text.
fn number_like(s: &str) -> bool {
    // `127.0.0.1`, `1.2.3`: no number has two dots.
    if s.matches('.').count() > 1 && !s.contains(['e', 'E', ':', '-', ' ']) {
        return false;
    }
    let unsigned = s.trim_start_matches(['-', '+']);
    let prefixed = ["0x", "0o", "0X", "0O"]
        .iter()
        .any(|p| unsigned.starts_with(p));
    s.chars().all(|c| {
        c.is_ascii_digit()
            || matches!(c, '+' | '-' | '.' | '_' | ':' | ' ' | 'T' | 't' | 'Z' | 'z')
            || matches!(c.to_ascii_lowercase(), 'a'..='f' | 'i' | 'n' | 'y')
            || (prefixed && matches!(c, 'x' | 'X' | 'o' | 'O'))
    })
}

/// Gives up: the caller reads the file with serde-saphyr.
#[derive(Debug)]
struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde-saphyr")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

/// A node; `true` for a map's key. The deserializer owns the tree and drops each part once
/// it is read, so that the tree shrinks while the values read from it grow.
struct NodeDe<'a>(Node<'a>, bool);

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.0.kind {
            Kind::Scalar(s, ScalarStyle::Plain) => match plain(&s) {
                Plain::Text => visitor.visit_str(&s),
                Plain::Bool(b) => visitor.visit_bool(b),
                Plain::Unsigned(n) => visitor.visit_u64(n),
                Plain::Signed(n) => visitor.visit_i64(n),
                // YAML 1.1's words are text to serde-saphyr, as keys at least (`on:`).
                Plain::Unsure if self.1 && is_word(&s) => visitor.visit_str(&s),
                Plain::Unsure => Err(GiveUp),
            },
            Kind::Scalar(s, _) => visitor.visit_str(&s),
            Kind::Map(entries) => visitor.visit_map(Entries {
                entries: entries.into_iter(),
                value: None,
            }),
            Kind::Seq(items) => visitor.visit_seq(Items(items.into_iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match &self.0.kind {
            // Whatever may read as nothing, quoted or not, is serde-saphyr's call.
            Kind::Scalar(s, _) if s.is_empty() || s == "~" || s.eq_ignore_ascii_case("null") => {
                Err(GiveUp)
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        if name == SPANNED {
            visitor.visit_newtype_struct(SpannedDe(self.0))
        } else {
            visitor.visit_newtype_struct(self)
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match &self.0.kind {
            Kind::Map(_) => self.deserialize_any(visitor),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match &self.0.kind {
            Kind::Seq(_) => self.deserialize_any(visitor),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, GiveUp> {
        match self.0.kind {
            Kind::Scalar(s, ScalarStyle::Plain) if matches!(plain(&s), Plain::Text) => visitor
                .visit_enum(Variant {
                    name: s,
                    value: None,
                }),
            Kind::Map(entries) if entries.len() == 1 => {
                let Some((key, value)) = entries.into_iter().next() else {
                    return Err(GiveUp);
                };
                match key.kind {
                    Kind::Scalar(name, ScalarStyle::Plain)
                        if matches!(plain(&name), Plain::Text) =>
                    {
                        visitor.visit_enum(Variant {
                            name,
                            value: Some(value),
                        })
                    }
                    _ => Err(GiveUp),
                }
            }
            _ => Err(GiveUp),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

struct Entries<'a> {
    entries: std::vec::IntoIter<(Node<'a>, Node<'a>)>,
    value: Option<Node<'a>>,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GiveUp> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(NodeDe(key, true)).map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        let value = self.value.take().ok_or(GiveUp)?;
        seed.deserialize(NodeDe(value, false))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct Items<'a>(std::vec::IntoIter<Node<'a>>);

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, GiveUp> {
        match self.0.next() {
            None => Ok(None),
            Some(item) => seed.deserialize(NodeDe(item, false)).map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// An enum written as a word (`none`) or a one-key map (`bearer: TOKEN`).
struct Variant<'a> {
    name: Cow<'a, str>,
    value: Option<Node<'a>>,
}

impl<'de, 'a> EnumAccess<'de> for Variant<'a> {
    type Error = GiveUp;
    type Variant = VariantValue<'a>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), GiveUp> {
        let name: StrDeserializer<'_, GiveUp> = self.name.as_ref().into_deserializer();
        Ok((seed.deserialize(name)?, VariantValue(self.value)))
    }
}

/// The value of a one-key map enum; none for a word.
struct VariantValue<'a>(Option<Node<'a>>);

impl<'de> VariantAccess<'de> for VariantValue<'_> {
    type Error = GiveUp;

    fn unit_variant(self) -> Result<(), GiveUp> {
        match self.0 {
            None => Ok(()),
            Some(_) => Err(GiveUp),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, GiveUp> {
        seed.deserialize(NodeDe(self.0.ok_or(GiveUp)?, false))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, GiveUp> {
        Err(GiveUp)
    }
}

/// A `Spanned` value: the map serde-saphyr hands it, `{marker, value, referenced, defined}`.
struct SpannedDe<'a>(Node<'a>);

impl<'de> de::Deserializer<'de> for SpannedDe<'_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_map(SpannedFields {
            pos: self.0.pos,
            node: Some(self.0),
            state: 0,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct SpannedFields<'a> {
    pos: Pos,
    /// The value, until it is read.
    node: Option<Node<'a>>,
    state: u8,
}

impl<'de> MapAccess<'de> for SpannedFields<'_> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GiveUp> {
        let key = match self.state {
            0 => SPANNED_MARKER,
            1 => "value",
            2 => "referenced",
            3 => "defined",
            _ => return Ok(None),
        };
        self.state += 1;
        let key: StrDeserializer<'_, GiveUp> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        match self.state {
            1 => seed.deserialize(true.into_deserializer()),
            2 => seed.deserialize(NodeDe(self.node.take().ok_or(GiveUp)?, false)),
            3 | 4 => seed.deserialize(PosDe {
                pos: self.pos,
                span: false,
            }),
            _ => Err(GiveUp),
        }
    }
}

/// A `Location` (`{line, column, span, source_id}`), or with `span` its `Span`
/// (`{offset, len, byte_info}`).
struct PosDe {
    pos: Pos,
    span: bool,
}

impl<'de> de::Deserializer<'de> for PosDe {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_map(PosFields { de: self, state: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct PosFields {
    de: PosDe,
    state: u8,
}

impl<'de> MapAccess<'de> for PosFields {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, GiveUp> {
        let keys: &[&str] = if self.de.span {
            &["offset", "len", "byte_info"]
        } else {
            &["line", "column", "span", "source_id"]
        };
        let Some(key) = keys.get(usize::from(self.state)) else {
            return Ok(None);
        };
        self.state += 1;
        let key: StrDeserializer<'_, GiveUp> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        let p = self.de.pos;
        let number = |n: u32| n.into_deserializer();
        match (self.de.span, self.state) {
            (false, 1) => seed.deserialize(number(p.line)),
            (false, 2) => seed.deserialize(number(p.column)),
            (false, 3) => seed.deserialize(PosDe { pos: p, span: true }),
            (false, 4) => seed.deserialize(number(0)),
            (true, 1) => seed.deserialize(number(p.offset)),
            (true, 2) => seed.deserialize(number(p.len)),
            (true, 3) => seed.deserialize(SeqDeserializer::<_, GiveUp>::new(
                [p.byte_offset, p.byte_len].into_iter(),
            )),
            _ => Err(GiveUp),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::raw::{RawCollection, RawEnvironment};
    use super::*;

    /// Both readers, on the same text: the quick one gives up or agrees exactly.
    fn same<T: DeserializeOwned + fmt::Debug>(text: &str) -> Option<bool> {
        let fast: T = from_str(text)?;
        let slow: Result<T, _> =
            serde_saphyr::from_str_with_options(text, super::super::load::yaml_options(text.len()));
        let slow = slow.ok().map(|s| format!("{s:?}"));
        assert_eq!(Some(format!("{fast:?}")), slow, "{text}");
        Some(true)
    }

    fn yaml_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                yaml_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }

    #[test]
    fn reads_every_file_as_serde_saphyr_does_or_gives_up() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["collections", "environments", "tests", "docs", "fuzz"] {
            yaml_files(&root.join(dir), &mut files);
        }
        if let Ok(shared) = std::env::var("RUNNER_SHARED_FIXTURES") {
            yaml_files(std::path::Path::new(&shared), &mut files);
        }
        let mut quick = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            if same::<RawCollection>(&text).is_some() || same::<RawEnvironment>(&text).is_some() {
                quick += 1;
            }
        }
        assert!(quick >= 20, "{quick} of {} files read quickly", files.len());
    }

    /// Changed copies of the shipped collections: a line dropped or doubled, a value
    /// replaced by words and numbers of every kind. The quick reader agrees or gives up.
    #[test]
    fn agrees_on_changed_collections() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&root.join("collections"), &mut files);
        let values = [
            "yes",
            "No",
            "on",
            "~",
            "null",
            "",
            "1.5",
            "1e3",
            "0x1F",
            "0o17",
            "0755",
            "1_000",
            "-0",
            "+1",
            "127.0.0.1",
            "1.2.",
            ".inf",
            "-.5",
            "NaN",
            "2024-01-01",
            "12:30",
            "1s",
            "5xx",
            "64MiB",
            "\"q\"",
            "'s'",
            "[1, a]",
            "{a: 1}",
            "123456789012345678901",
            "-7",
            "true",
        ];
        let mut checked = 0;
        for f in &files {
            let Ok(text) = std::fs::read_to_string(f) else {
                continue;
            };
            let lines: Vec<&str> = text.lines().collect();
            for i in 0..lines.len() {
                let mut variants = vec![
                    [&lines[..i], &lines[i + 1..]].concat().join("\n"),
                    [&lines[..=i], &lines[i..]].concat().join("\n"),
                ];
                if let Some((key, _)) = lines[i].split_once(": ") {
                    for v in values {
                        let mut changed = lines.clone();
                        let line = format!("{key}: {v}");
                        changed[i] = &line;
                        variants.push(changed.join("\n"));
                    }
                }
                for v in variants {
                    if same::<RawCollection>(&v).is_some() {
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }

    #[test]
    fn agrees_on_styles_positions_and_numbers() {
        let texts = [
            "name: x\nrequests:\n  - name: a\n    url: \"{{ base }}/é/ü\"\n    expect:\n      status: 200\n      json:\n        \"$.n\": -12\n        $.s: [1, \"two\", true]\n",
            "name: 'q'\r\nrequests:\r\n  - {name: a, url: http://h, method: POST, body: {json: {a: [1, 2], b: {c: x}}}}\r\n",
            "requests:\n  - name: a\n    url: http://h\n    body:\n      raw: |\n        line one\n        line two\n    headers: {X-A: \"1\", X-B: b}\n    retry: {count: 3, delay: 1s, on: [5xx, timeout]}\n    auth: none\n",
            "requests:\n  - folder: F\n    auth:\n      bearer: \"{{ t }}\"\n    requests:\n      - name: r\n        url: >\n          http://folded\n        skip: true\n        tags: [a, b]\n",
            "variables:\n  a: 1\n  b: text\n  c: [x, {d: e, on: x}]\nsecrets: [a]\nrequests: [{name: a, url: u}]\n",
            "\u{feff}---\n# comment\nname: \"😀 x\" # after\nrequests:\n  - name: é😀\n    url: http://h/😀\n      /more\n    query: {q: [1, 2]}\n...\n",
            "name: x\nrequests:\n- name: a\n  url: 'it''s'\n  expect: {status: [200, 2xx], body: {contains: \"a\\tb\"}}\n",
        ];
        for t in texts {
            assert_eq!(same::<RawCollection>(t), Some(true), "{t}");
        }
        assert_eq!(
            same::<RawEnvironment>("variables:\n  a: 1\n  b: text\nsecrets:\n  - b\n"),
            Some(true)
        );
    }

    #[test]
    fn gives_up_on_what_serde_saphyr_decides() {
        for t in [
            "name: x\nname: y\nrequests: []\n",
            "name: &a x\nrequests: []\n",
            "name: !tag x\nrequests: []\n",
            "name: yes\nrequests: []\n",
            "name: ~\nrequests: []\n",
            "name: 0755\nrequests: []\n",
            "name: 1.5\nrequests: []\n",
            "requests: []\nmethd: x\n",
            "a: 1\n---\nb: 2\n",
            "requests:\n  - name: a\n    url: u\n    <<: {method: GET}\n",
        ] {
            assert!(from_str::<RawCollection>(t).is_none(), "{t}");
        }
    }
}
