//! Reading collection files: YAML → raw types → model, with positioned errors.

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::Collection;
use super::build::Builder;
use super::raw::RawCollection;
use super::yaml_error::{is_empty_document, yaml_error};
use crate::diagnostic::{Diagnostic, Sources, Span};

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
    if is_empty_document(text) {
        return Err(Diagnostic::new(
            format!("the {what} file is empty"),
            Some(Span::new(file, 1, 1)),
        ));
    }
    serde_saphyr::from_str_with_options(text, yaml_options())
        .map_err(|e| yaml_error(&e, file, text, what))
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
        assert_eq!(d.title, "unknown key `methd`");
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
        assert_eq!(d.title, "duplicate key `name`");
        assert_eq!(d.help.as_deref(), Some("`name` is already set on line 3"));
        assert_eq!(d.span.map(|s| (s.line, s.col)), Some((4, 5)));
    }
}
