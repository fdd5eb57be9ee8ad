//! Importers: other tools' files in, runner's YAML out. Nothing here sends a request.

pub mod openapi;
pub mod postman;
pub mod yaml;

use indexmap::IndexSet;

/// A file that cannot be imported, with where the problem is.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct ImportError {
    /// The file as named on the command line (with `:line:col` where known).
    pub file: String,
    /// What is wrong, with the path of the problem where known.
    pub message: String,
}

/// One converted file.
#[derive(Debug)]
pub struct OutputFile {
    /// A file name derived from the source's name (`my-api.yaml`).
    pub file_name: String,
    /// The YAML text.
    pub yaml: String,
}

/// Text shown as written: every `{{`, `{%` and `{#` escaped.
pub fn literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("{%") || tail.starts_with("{#") {
            out.push_str(&format!("{{{{ \"{}\" }}}}", &tail[..2]));
            rest = &tail[2..];
        } else {
            out.push('{');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// `v` with every string in it made literal text for templates (see [`literal`]).
pub fn literal_value(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(literal(s)),
        Value::Array(a) => Value::Array(a.iter().map(literal_value).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), literal_value(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A file name from a display name: lower case, dashes.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "imported".into()
    } else {
        out
    }
}

/// The first of `name(1)`, `name(2)`, ... not in `used`, added to it.
pub fn unique(used: &mut IndexSet<String>, name: impl Fn(usize) -> String) -> String {
    let mut n = 1;
    let mut candidate = name(n);
    while used.contains(&candidate) {
        n += 1;
        candidate = name(n);
    }
    used.insert(candidate.clone());
    candidate
}

/// `<base>.<ext>`, or `<base>-2.<ext>`, ...: the first file name not in `used`, added to it.
pub fn unique_file(used: &mut IndexSet<String>, base: &str, ext: &str) -> String {
    unique(used, |n| match n {
        1 => format!("{base}.{ext}"),
        n => format!("{base}-{n}.{ext}"),
    })
}

/// A process environment variable name from a variable name: `clientSecret` →
/// `CLIENT_SECRET`.
pub fn env_name(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_matches('_').to_string();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("SECRET_{out}")
    } else {
        out
    }
}

/// Names a template cannot use as a variable: minijinja's words and runner's own.
const RESERVED: &[&str] = &[
    "true",
    "false",
    "none",
    "True",
    "False",
    "None",
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "env",
    "loop",
    "self",
    "super",
    "namespace",
    "mock_url",
];

/// A template variable name for any text: other characters become `_`, a leading digit
/// gets a `_` before it, and reserved words a `_var` after them.
pub fn ident(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if RESERVED.contains(&out.as_str()) {
        out.push_str("_var");
    }
    out
}
