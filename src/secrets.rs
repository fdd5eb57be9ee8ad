//! Secret values and their masking in every piece of output.
//!
//! Everything that leaves the process (terminal, `-v`, reports, error messages) goes
//! through a [`Masker`]. It knows each secret and its derived forms: base64 (standard and
//! URL-safe, padded or not), URL-encoding (`%20` and `+` forms, and the lighter encoding a
//! URL parser applies to a secret written straight into a URL's path or query) and the
//! JSON string escaping of each of these (once, and twice for a JSON document quoted
//! inside another, as echo services do). A value cut short for display ends with
//! [`ELLIPSIS`]; the beginning of a secret right before it is masked too. Excerpts are
//! made by [`Masker::excerpt`], which masks before it cuts. The password of a URL
//! (`scheme://user:password@host`) is masked wherever a URL is written.

use std::borrow::Cow;
use std::fmt;
use std::sync::RwLock;

use aho_corasick::AhoCorasick;
use base64::Engine;

mod url_credentials;

use self::url_credentials::mask_url_passwords;
pub use self::url_credentials::redact_url;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// What a masked value is replaced with.
pub const MASK: &str = "*****";

/// What ends a value cut short for display. The masker hides a secret's beginning found
/// right before it, so that cutting never reveals part of a secret.
pub const ELLIPSIS: &str = "...";

/// A cut-off beginning of a secret shorter than this is left alone: it reveals next to
/// nothing, and masking it would hide ordinary text.
const MIN_CUT_PREFIX: usize = 3;

/// A string that never shows itself through `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> SecretString {
        SecretString(value.into())
    }

    /// The secret itself; call only where the value is sent to a server.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

/// The set of secret strings of a run; grows as tokens and secret captures appear.
#[derive(Debug, Default)]
pub struct Masker {
    needles: RwLock<Needles>,
}

/// Every form of every secret, longest first, and one automaton that finds them all.
#[derive(Debug, Default)]
struct Needles {
    forms: Vec<String>,
    finder: Option<AhoCorasick>,
}

impl Masker {
    /// An empty masker.
    pub fn new() -> Masker {
        Masker::default()
    }

    /// Adds a secret and its derived forms.
    pub fn add(&self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let mut forms = vec![secret.to_string()];
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(secret));
        }
        for set in [URL_COMPONENT, URL_QUERY, URL_SPECIAL_QUERY, URL_PATH] {
            forms.push(percent_encoding::utf8_percent_encode(secret, set).to_string());
        }
        forms.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>());
        // Any of these may be quoted in a JSON document, or in JSON quoted inside JSON.
        for i in 0..forms.len() {
            let escaped = json_escape(&forms[i]);
            if escaped != forms[i] {
                forms.push(json_escape(&escaped));
                forms.push(escaped);
            }
        }
        let Ok(mut needles) = self.needles.write() else {
            return;
        };
        let known = needles.forms.len();
        for form in forms {
            if !form.is_empty() && !needles.forms.contains(&form) {
                needles.forms.push(form);
            }
        }
        if needles.forms.len() == known {
            return;
        }
        needles.forms.sort_by_key(|n| std::cmp::Reverse(n.len()));
        // Building fails only past the automaton's size limits; `mask` then hides all.
        needles.finder = AhoCorasick::new(&needles.forms).ok();
    }

    /// Adds every leaf of a secret variable's value: a string or a number, and each
    /// string or number inside a map or a list (at any depth), with their derived forms.
    pub fn add_value<T: serde::Serialize + ?Sized>(&self, value: &T) {
        if let Ok(json) = serde_json::to_value(value) {
            self.add_json(&json);
        }
    }

    fn add_json(&self, value: &serde_json::Value) {
        match value {
            serde_json::Value::String(s) => self.add(s),
            serde_json::Value::Number(n) => self.add(&n.to_string()),
            serde_json::Value::Array(list) => list.iter().for_each(|v| self.add_json(v)),
            serde_json::Value::Object(map) => {
                map.values().for_each(|v| self.add_json(v));
                // The whole value, as a template renders it into one string.
                self.add(&value.to_string());
            }
            serde_json::Value::Bool(_) | serde_json::Value::Null => {}
        }
    }

    /// Adds the credentials of an HTTP Basic pair: each part and the `user:password` form.
    pub fn add_basic(&self, user: &str, password: &str) {
        self.add(password);
        self.add(&format!("{user}:{password}"));
    }

    /// `text` with every secret replaced by [`MASK`].
    pub fn mask<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Ok(needles) = self.needles.read() else {
            return Cow::Borrowed(MASK);
        };
        let mut out = match &needles.finder {
            Some(finder) => mask_matches(text, finder),
            None if needles.forms.is_empty() => Cow::Borrowed(text),
            None => return Cow::Borrowed(MASK),
        };
        if out.contains(ELLIPSIS) {
            let cut = mask_cut_prefixes(&out, &needles.forms);
            if let Some(cut) = cut {
                out = Cow::Owned(cut);
            }
        }
        if out.contains("://")
            && out.contains('@')
            && let Some(masked) = mask_url_passwords(&out)
        {
            out = Cow::Owned(masked);
        }
        out
    }

    /// The beginning of `text`, masked, at most `max_bytes` long (plus [`ELLIPSIS`] when
    /// cut), and how many bytes of the masked text were left out. The text is masked
    /// before it is cut, so a cut never leaves a piece of a secret; only the part that
    /// can reach the excerpt is masked, so a huge body costs little.
    pub fn excerpt(&self, text: &str, max_bytes: usize) -> (String, usize) {
        let longest = self
            .needles
            .read()
            .map(|n| n.forms.first().map_or(0, String::len))
            .unwrap_or(0);
        let mut window = max_bytes.saturating_add(longest).saturating_mul(2);
        loop {
            if window >= text.len() {
                let masked = self.mask(text);
                if masked.len() <= max_bytes {
                    return (masked.into_owned(), 0);
                }
                let cut = floor_boundary(&masked, max_bytes);
                return (format!("{}{ELLIPSIS}", &masked[..cut]), masked.len() - cut);
            }
            let end = floor_boundary(text, window);
            let masked = self.mask(&text[..end]);
            // The window's last `longest` bytes may hold the start of a secret that goes
            // on past the window: never show them.
            let usable = masked.len().saturating_sub(longest);
            if usable >= max_bytes {
                let cut = floor_boundary(&masked, max_bytes);
                let rest = &text[end..];
                return (
                    format!("{}{ELLIPSIS}", &masked[..cut]),
                    masked.len() - cut + rest.len(),
                );
            }
            window = window.saturating_mul(2);
        }
    }
}

/// `text` with every stretch covered by one or more secrets (overlapping ones together)
/// replaced by one [`MASK`], in one pass over `text`.
fn mask_matches<'a>(text: &'a str, finder: &AhoCorasick) -> Cow<'a, str> {
    // Overlapping matches come in order of their ends; merge them by their starts.
    let mut spans: Vec<(usize, usize)> = finder
        .find_overlapping_iter(text)
        .map(|m| (m.start(), m.end()))
        .collect();
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    let mut spans = spans.into_iter().peekable();
    while let Some((start, mut end)) = spans.next() {
        while let Some(&(next_start, next_end)) = spans.peek() {
            if next_start >= end {
                break;
            }
            end = end.max(next_end);
            spans.next();
        }
        out.push_str(&text[done..start]);
        out.push_str(MASK);
        done = end;
    }
    out.push_str(&text[done..]);
    Cow::Owned(out)
}

/// `text` with the beginning of a secret masked wherever it stands right before
/// [`ELLIPSIS`]; `None` when there is none.
fn mask_cut_prefixes(text: &str, needles: &[String]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find(ELLIPSIS) {
        let before = &rest[..at];
        let last = before.as_bytes().last().copied();
        let longest = needles
            .iter()
            .filter_map(|needle| {
                needle
                    .char_indices()
                    .map(|(i, _)| i)
                    .filter(|&len| {
                        len >= MIN_CUT_PREFIX
                            && needle.as_bytes().get(len - 1).copied() == last
                            && before.ends_with(&needle[..len])
                    })
                    .max()
            })
            .max();
        match longest {
            Some(len) => {
                out.push_str(&before[..before.len() - len]);
                out.push_str(MASK);
                changed = true;
            }
            None => out.push_str(before),
        }
        out.push_str(ELLIPSIS);
        rest = &rest[at + ELLIPSIS.len()..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// The largest char boundary of `s` at or before `at`.
fn floor_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The inside of the JSON string literal of `s`.
fn json_escape(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_default();
    json.get(1..json.len().saturating_sub(1))
        .unwrap_or_default()
        .to_string()
}

/// Characters percent-encoded in a URL component (everything but unreserved characters).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Characters a URL parser percent-encodes in a query (WHATWG URL "query percent-encode set").
const URL_QUERY: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>');

/// The query set of http and https URLs, which also encodes `'`.
const URL_SPECIAL_QUERY: &percent_encoding::AsciiSet = &URL_QUERY.add(b'\'');

/// Characters a URL parser percent-encodes in a path.
const URL_PATH: &percent_encoding::AsciiSet = &URL_QUERY.add(b'?').add(b'`').add(b'{').add(b'}');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_and_derived_forms() {
        let m = Masker::new();
        m.add("s3cr et/+");
        let b64 = STANDARD.encode("s3cr et/+");
        let text = format!("a s3cr et/+ b {b64} c s3cr%20et%2F%2B d s3cr+et%2F%2B");
        assert_eq!(m.mask(&text), "a ***** b ***** c ***** d *****");
    }

    #[test]
    fn masks_forms_of_urls_and_nested_json() {
        let m = Masker::new();
        m.add(r#"k y/"q"\z"#);
        let url = url::Url::parse(r#"http://h/p/k y/"q"\z?a=k y/"q"\z"#).unwrap();
        assert_eq!(
            url.as_str(),
            r#"http://h/p/k%20y/%22q%22/z?a=k%20y/%22q%22\z"#
        );
        assert_eq!(m.mask(url.query().unwrap()), "a=*****");
        let inner = serde_json::json!({ "v": r#"k y/"q"\z"# }).to_string();
        let outer = serde_json::json!({ "data": inner }).to_string();
        assert_eq!(m.mask(&outer), r#"{"data":"{\"v\":\"*****\"}"}"#);
    }

    #[test]
    fn overlapping_secrets_are_masked_together_and_neighbours_apart() {
        let m = Masker::new();
        m.add("k3y-part-one");
        m.add("one-and-two");
        assert_eq!(m.mask("a k3y-part-one-and-two!"), "a *****!");
        assert_eq!(m.mask("k3y-part-oneone-and-two"), "**********");
        assert_eq!(m.mask("nothing"), "nothing");
    }

    #[test]
    fn masks_the_beginning_of_a_secret_cut_short() {
        let m = Masker::new();
        m.add("topsecret");
        assert_eq!(m.mask(r#""xx tops..."#), r#""xx *****..."#);
        assert_eq!(m.mask("xx topsecre... and to..."), "xx *****... and to...");
        assert_eq!(m.mask("a topsecret b..."), "a ***** b...");
        assert_eq!(m.mask("no secret here..."), "no secret here...");
    }

    #[test]
    fn an_excerpt_is_masked_before_it_is_cut() {
        let m = Masker::new();
        let secret = "Zx9kQ2mP7wR4tY8uI3oL6aS1dF5gH0jK2cV";
        m.add(secret);
        for offset in 0..60 {
            let text = format!("{}{secret}{}", "q".repeat(offset), "q".repeat(5000));
            let (cut, omitted) = m.excerpt(&text, 50);
            assert!(cut.len() <= 50 + ELLIPSIS.len(), "{cut}");
            assert!(omitted > 0);
            for piece in secret.as_bytes().windows(3) {
                let piece = std::str::from_utf8(piece).unwrap_or_default();
                assert!(!cut.contains(piece), "{offset}: {cut}");
            }
        }
        assert_eq!(m.excerpt("short", 50), ("short".to_string(), 0));
        let (cut, omitted) = m.excerpt(&format!("{secret} é{}", "x".repeat(100)), 7);
        assert_eq!((cut.as_str(), omitted), ("***** ...", 102));
    }

    #[test]
    fn every_leaf_of_a_structured_secret_is_masked() {
        let m = Masker::new();
        m.add_value(&serde_json::json!({"user": "u-name", "keys": ["k-one", 98765], "on": true}));
        assert_eq!(m.mask("u-name k-one 98765 true"), "***** ***** ***** true");
    }

    #[test]
    fn masks_basic_pair() {
        let m = Masker::new();
        m.add_basic("user", "pw12");
        let header = format!("Basic {}", STANDARD.encode("user:pw12"));
        assert_eq!(m.mask(&header), "Basic *****");
    }

    #[test]
    fn secret_string_never_prints() {
        let s = SecretString::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "(redacted) *****");
        assert_eq!(s.expose(), "hunter2");
    }
}
