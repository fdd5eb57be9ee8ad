//! Reading collection files: YAML → raw types → model, with positioned errors.

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::Collection;
use super::build::Builder;
use super::raw::RawCollection;
use crate::diagnostic::{Diagnostic, Sources, Span, did_you_mean};

/// Every problem found in one file (or more), each with its position.
#[derive(Debug)]
pub struct LoadError {
    /// The problems, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl From<Diagnostic> for LoadError {
    fn from(d: Diagnostic) -> LoadError {
        LoadError {
            diagnostics: vec![d],
        }
    }
}

/// Reads and validates a collection file.
pub fn load_collection(path: &Path, sources: &Sources) -> Result<Collection, LoadError> {
    let file: Arc<str> = Arc::from(path.display().to_string());
    let text = read_file(path, "collection")?;
    sources.add(&file, &text);
    let raw: RawCollection = parse_yaml(&text, &file, "collection")?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into());
    let mut builder = Builder {
        file,
        dir,
        source: &text,
        diags: Vec::new(),
    };
    let collection = builder.collection(raw);
    if builder.diags.is_empty() {
        Ok(collection)
    } else {
        Err(LoadError {
            diagnostics: builder.diags,
        })
    }
}

/// Reads a whole text file, with a message naming what it was meant to be.
pub(crate) fn read_file(path: &Path, what: &str) -> Result<String, Diagnostic> {
    std::fs::read_to_string(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
            _ => e.to_string(),
        };
        Diagnostic::new(
            format!("cannot read {what} file {}: {reason}", path.display()),
            None,
        )
    })
}

/// YAML 1.2 style scalars: `yes` stays a string, `0755` stays a string; duplicate keys are errors.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    }
}

/// Parses YAML into `T`, turning the parser's error into a positioned diagnostic.
pub(crate) fn parse_yaml<T: DeserializeOwned>(
    text: &str,
    file: &Arc<str>,
    what: &str,
) -> Result<T, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::new(
            format!("the {what} file is empty"),
            Some(Span::new(file, 1, 1)),
        ));
    }
    serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|e| yaml_error(&e, file))
}

fn yaml_error(e: &serde_saphyr::Error, file: &Arc<str>) -> Diagnostic {
    let span = e.location().filter(|l| l.line() > 0).map(|l| {
        let mut s = Span::new(file, l.line() as u32, l.column() as u32);
        s.len = l.span().len().min(200) as u32;
        s
    });
    let raw = e.without_snippet().to_string();
    let mut message = strip_position(raw.lines().next().unwrap_or_default()).to_string();
    message = message
        .replace(", set DuplicateKeyPolicy in Options if acceptable", "")
        .replace("expected sequence start", "expected a list")
        .replace("expected mapping start", "expected a map")
        .replace("expected string scalar", "expected a string");
    let help = suggestion(&message);
    Diagnostic::new(message, span).with_help_opt(help)
}

/// Drops the parser's own " at line L, column C" suffix; the span carries it.
fn strip_position(msg: &str) -> &str {
    match msg.rfind(" at line ") {
        Some(i) if msg[i..].contains(", column ") => &msg[..i],
        _ => msg,
    }
}

/// "did you mean" for serde's unknown field / variant messages.
fn suggestion(message: &str) -> Option<String> {
    for kind in ["unknown field `", "unknown variant `"] {
        let Some(start) = message.find(kind) else {
            continue;
        };
        let rest = &message[start + kind.len()..];
        let end = rest.find('`')?;
        let word = &rest[..end];
        let expected = rest
            .split("expected one of ")
            .nth(1)
            .or_else(|| rest.split("expected ").nth(1))?;
        let candidates: Vec<&str> = expected
            .split(", ")
            .map(|c| c.trim_matches(|ch: char| ch == '`' || ch.is_whitespace()))
            .collect();
        return did_you_mean(word, candidates.iter().copied())
            .or_else(|| Some(format!("expected one of: {}", candidates.join(", "))));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Collection, LoadError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, text).unwrap();
        load_collection(&path, &Sources::default())
    }

    fn first_error(text: &str) -> Diagnostic {
        load(text).unwrap_err().diagnostics.remove(0)
    }

    #[test]
    fn unknown_key_has_position_and_suggestion() {
        let d = first_error("name: x\nrequests:\n  - name: a\n    url: http://h\n    methd: GET\n");
        assert!(d.title.starts_with("unknown field `methd`"), "{}", d.title);
        let span = d.span.unwrap();
        assert_eq!((span.line, span.col), (5, 5));
        assert_eq!(d.help.as_deref(), Some("did you mean `method`?"));
    }

    #[test]
    fn folders_pass_settings_down() {
        let c = load(
            "name: x\nheaders: {A: '1'}\nfollow_authorization_header: true\nrequests:\n  - folder: F\n    headers: {B: '2'}\n    tags: [slow]\n    requests:\n      - name: r\n        url: http://h\n        headers: {a: '3'}\n",
        )
        .unwrap();
        let r = &c.requests[0];
        assert_eq!(r.path(), "F/r");
        assert_eq!(r.tags, vec!["slow".to_string()]);
        let headers: Vec<(&str, &str)> = r
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.src.as_str()))
            .collect();
        assert_eq!(headers, vec![("B", "2"), ("a", "3")]);
        assert!(matches!(r.trust, super::super::TrustDef::Always));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let d = first_error("name: x\nrequests:\n  - name: a\n    name: b\n    url: u\n");
        assert_eq!(d.title, "duplicate mapping key: name");
        assert_eq!(d.span.map(|s| (s.line, s.col)), Some((4, 5)));
    }
}
