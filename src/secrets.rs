//! Secret values and their masking in every piece of output.
//!
//! Everything that leaves the process (terminal, `-v`, reports, error messages) goes
//! through a [`Masker`]. It knows each secret and its derived forms: base64 (standard and
//! URL-safe, padded or not), URL-encoding (`%20` and `+` forms) and JSON string escaping.

use std::borrow::Cow;
use std::fmt;
use std::sync::RwLock;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// What a masked value is replaced with.
pub const MASK: &str = "*****";

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
    // Longest first, so that a secret containing another is masked whole.
    needles: RwLock<Vec<String>>,
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
        forms.push(percent_encoding::utf8_percent_encode(secret, URL_COMPONENT).to_string());
        forms.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>());
        if let Ok(json) = serde_json::to_string(secret) {
            forms.push(json[1..json.len() - 1].to_string());
        }
        let Ok(mut needles) = self.needles.write() else {
            return;
        };
        for form in forms {
            if !form.is_empty() && !needles.contains(&form) {
                needles.push(form);
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
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
        let mut out = Cow::Borrowed(text);
        for needle in needles.iter() {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), MASK));
            }
        }
        out
    }

    /// Whether no secret is known.
    pub fn is_empty(&self) -> bool {
        self.needles.read().map(|n| n.is_empty()).unwrap_or(false)
    }
}

/// Characters percent-encoded in a URL component (everything but unreserved characters).
const URL_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

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
