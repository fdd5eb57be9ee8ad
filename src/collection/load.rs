//! Reading collection files: YAML → raw types → model, with positioned errors.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::de::DeserializeOwned;

use super::Collection;
use super::build::Builder;
use super::raw::RawCollection;
use super::spans::Spans;
use super::yaml_error::yaml_error;
use crate::diagnostic::{Diagnostic, LineMask, Sources, Span};
use crate::paths::FileRoot;

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
pub fn load_collection(
    path: &Path,
    sources: &Sources,
    file_root: &FileRoot,
) -> Result<Collection, LoadError> {
    let file: Arc<str> = Arc::from(path.display().to_string());
    let text: Arc<str> = Arc::from(read_file(path, "collection")?);
    sources.add_masked(
        &file,
        Arc::clone(&text),
        Box::new(Redactor::new(Arc::clone(&text))),
    );
    let spans = Spans::new(&file, Arc::clone(&text));
    let raw: RawCollection = parse_yaml(&text, &spans, "collection")?;
    let dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| ".".into());
    let mut builder = Builder::new(file, dir, file_root.clone(), &spans);
    let mut collection = builder.collection(raw);
    super::numbers::BigIntegers::new(spans.long_integers()).restore_collection(&mut collection);
    if builder.diags.is_empty() {
        Ok(collection)
    } else {
        Err(LoadError {
            diagnostics: builder.diags,
        })
    }
}

/// Parts of key names whose values are credentials wherever they appear (compared
/// without case, `-` or `_`): `password`, `client_secret`, `api_token`, `Authorization`...
const SECRET_KEY_PARTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "authorization",
    "cookie",
    "bearer",
];

/// The text of a file as diagnostics may quote it: literal values of credential keys
/// (`password:`, `client_secret:`, `bearer:`, an `Authorization` header, names listed in
/// `secrets:`) are replaced by `*`, one per character, so that columns stay where they are.
/// Templates (`{{ ... }}`) are shown: they name a variable, not its value; the literal text
/// around a template in a value listed under `secrets:` is part of that secret, and hidden.
pub(crate) fn redact_for_display(text: &str) -> String {
    let redactor = Redactor::new(Arc::from(text));
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        out.push_str(&redactor.mask(line));
    }
    out
}

/// Masks credentials in the lines of one file (see [`redact_for_display`]), a line at a
/// time: only the lines a diagnostic quotes are masked, and the file is read for its
/// `secrets:` lists only when a first line is.
pub(crate) struct Redactor {
    text: Arc<str>,
    /// The names listed under `secrets:` anywhere in the file.
    listed: OnceLock<Vec<String>>,
}

impl Redactor {
    pub(crate) fn new(text: Arc<str>) -> Redactor {
        Redactor {
            text,
            listed: OnceLock::new(),
        }
    }

    fn is_listed(&self, key: &str) -> bool {
        self.listed
            .get_or_init(|| listed_secrets(&self.text))
            .iter()
            .any(|l| l == key)
    }

    fn is_secret(&self, key: &str, value: &str) -> bool {
        // `auth: <a word that is no kind of auth>` may be a token pasted in the wrong place.
        if key == "auth" {
            let kinds = ["none", "inherit", "bearer", "basic", "oauth2"];
            return !value.starts_with(['{', '['])
                && !kinds
                    .iter()
                    .any(|k| strsim::jaro_winkler(&value.to_lowercase(), k) > 0.8);
        }
        let norm: String = key
            .chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        // `token_url`, `secret_file`: where a credential comes from, not the credential;
        // `secrets:` lists names, not values.
        let locator = norm == "secrets"
            || ["url", "uri", "path", "file"]
                .iter()
                .any(|e| norm.ends_with(e));
        // A misspelt `pasword:` still holds a password.
        let credential = SECRET_KEY_PARTS
            .iter()
            .any(|p| norm.contains(p) || strsim::jaro_winkler(&norm, p) > 0.9);
        (!locator && credential) || self.is_listed(key)
    }
}

impl LineMask for Redactor {
    fn mask(&self, line: &str) -> String {
        redact_line(line, &|k, v| self.is_secret(k, v), &|k| self.is_listed(k))
    }
}

/// Names in a `secrets:` list, written `secrets: [a, b]` or as a block of `- a` lines.
fn listed_secrets(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_block = false;
    for line in text.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("secrets:") {
            let rest = rest.trim();
            in_block = rest.is_empty();
            let inner = rest.trim_start_matches('[').trim_end_matches(']');
            names.extend(
                inner
                    .split(',')
                    .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
                    .filter(|n| !n.is_empty()),
            );
        } else if in_block && let Some(name) = t.strip_prefix("- ") {
            names.push(name.trim().trim_matches(['"', '\'']).to_string());
        } else if !t.is_empty() && !t.starts_with('#') {
            in_block = false;
        }
    }
    names
}

/// One line with the values of secret keys masked.
fn redact_line(
    line: &str,
    is_secret: &dyn Fn(&str, &str) -> bool,
    is_listed: &dyn Fn(&str) -> bool,
) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        // A key starts after the indentation, `- `, `{`, `,` or a space.
        let starts_key = i == 0 || matches!(chars[i - 1], ' ' | '{' | ',' | '-' | '\t');
        if !starts_key || matches!(chars[i], ' ' | '\t') {
            i += 1;
            continue;
        }
        let quote = matches!(chars[i], '"' | '\'').then_some(chars[i]);
        let key_start = if quote.is_some() { i + 1 } else { i };
        let mut j = key_start;
        while j < chars.len() && (chars[j].is_alphanumeric() || matches!(chars[j], '_' | '-' | '.'))
        {
            j += 1;
        }
        let key: String = chars[key_start..j].iter().collect();
        let mut k = j;
        if quote.is_some() && chars.get(k) == quote.as_ref() {
            k += 1;
        }
        let is_key = !key.is_empty()
            && chars.get(k) == Some(&':')
            && chars.get(k + 1).is_none_or(|c| c.is_whitespace());
        if !is_key {
            i = j.max(i + 1);
            continue;
        }
        let mut v = k + 1;
        while v < chars.len() && chars[v] == ' ' {
            v += 1;
        }
        let end = value_end(&chars, v);
        let value: String = chars[v..end].iter().collect();
        let structural = matches!(value.as_str(), "" | "|" | ">" | "|-" | ">-" | "[" | "{");
        if structural {
            // Nothing written on this line yet.
        } else if value.contains("{{") {
            if is_listed(&key) {
                hide_literal_text(&mut out, &chars, v, end);
            }
        } else if is_secret(&key, &value) {
            for c in out.iter_mut().take(end).skip(v) {
                if !c.is_whitespace() {
                    *c = '*';
                }
            }
        }
        i = end.max(i + 1);
    }
    out.into_iter().collect()
}

/// Hides the characters of `chars[v..end]` (a value, quotes included) that are neither
/// inside `{{ }}` / `{% %}` nor the value's own quotes.
fn hide_literal_text(out: &mut [char], chars: &[char], v: usize, end: usize) {
    let quoted = matches!(chars.get(v), Some('"' | '\''));
    let (from, to) = if quoted && end > v + 1 {
        (v + 1, end - 1)
    } else {
        (v, end)
    };
    let mut inside = false;
    let mut i = from;
    while i < to {
        let next = chars.get(i + 1).copied();
        if !inside && chars[i] == '{' && matches!(next, Some('{' | '%')) {
            inside = true;
            i += 2;
            continue;
        }
        if inside && matches!(chars[i], '}' | '%') && next == Some('}') {
            inside = false;
            i += 2;
            continue;
        }
        if !inside && !chars[i].is_whitespace() {
            out[i] = '*';
        }
        i += 1;
    }
}

/// Where a value starting at `v` ends: its closing quote, or the next `,`/`}`/`]`
/// (flow style), ` #` comment or the end of the line.
fn value_end(chars: &[char], v: usize) -> usize {
    match chars.get(v) {
        Some(q @ ('"' | '\'')) => {
            let close = chars[v + 1..].iter().position(|c| c == q);
            close.map_or(chars.len(), |p| v + 1 + p + 1)
        }
        _ => {
            let mut e = v;
            while e < chars.len() {
                let c = chars[e];
                if matches!(c, ',' | '}' | ']' | '\n' | '\r')
                    || (c == '#' && e > v && chars[e - 1] == ' ')
                {
                    break;
                }
                e += 1;
            }
            while e > v && chars[e - 1] == ' ' {
                e -= 1;
            }
            e
        }
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
pub(crate) fn yaml_options(len: usize) -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        budget: Some(budget(len)),
    }
}

/// The parser's limits for a text of `len` bytes. Written out, a node takes at least two
/// bytes (`a,` in a flow list) and an event (a node's start or end) at least one, so these
/// limits never refuse a file that spells its content out, however large; only aliases
/// that expand to far more than the file holds (an alias bomb) reach them. Small files keep
/// the parser's defaults.
fn budget(len: usize) -> serde_saphyr::Budget {
    let mut b = serde_saphyr::Budget::default();
    b.max_nodes = b.max_nodes.max(len / 2 + 1);
    b.max_events = b.max_events.max(len + 16);
    b.max_total_scalar_bytes = b.max_total_scalar_bytes.max(len);
    b
}

/// Parses YAML into `T`, turning the parser's error into a positioned diagnostic.
pub(crate) fn parse_yaml<T: DeserializeOwned>(
    text: &str,
    spans: &Spans,
    what: &str,
) -> Result<T, Diagnostic> {
    let file = spans.file();
    if spans.is_empty() {
        return Err(Diagnostic::new(
            format!("the {what} file is empty"),
            Some(Span::new(file, 1, 1)),
        ));
    }
    if let Some(quick) = super::fast_yaml::from_str(text) {
        return Ok(quick);
    }
    serde_saphyr::from_str_with_options(text, yaml_options(text.len())).map_err(|e| {
        match budget_breach(&e) {
            Some(breach) => Diagnostic::new(
                format!("the {what} file expands to more than it holds: {breach}"),
                e.location()
                    .filter(|l| l.line() > 0)
                    .map(|l| Span::new(file, l.line() as u32, l.column() as u32)),
            )
            .with_help(
                "aliases (`*name`) that repeat anchors (`&name`) many times over are refused; write the values out, or reuse fewer",
            ),
            None => yaml_error(&e, spans, text, what),
        }
    })
}

/// The limit a YAML text broke, in words, if that is what stopped the parser.
fn budget_breach(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error;
    use serde_saphyr::budget::BudgetBreach;
    match e {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => budget_breach(error),
        Error::Budget { breach, .. } => Some(match breach {
            BudgetBreach::Nodes { nodes } => format!("{nodes} values once aliases are expanded"),
            BudgetBreach::Events { events } => {
                format!("{events} parser events once aliases are expanded")
            }
            BudgetBreach::Aliases { aliases } => format!("{aliases} aliases"),
            other => format!("{other:?}"),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Collection, LoadError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.yaml");
        std::fs::write(&path, text).unwrap();
        load_collection(&path, &Sources::default(), &FileRoot::default())
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
    fn quoted_lines_never_show_literal_credentials() {
        let text = "auth: { basic: { username: u, password: hunter2, realm: x } }\nheaders:\n  Authorization: \"Basic dXNlcg==\" # c\n  X-Id: 7\nbearer: \"{{ token }}\"\nvariables:\n  api_key: k-123\n  mine: s3cr3t\nsecrets: [mine]\n";
        assert_eq!(
            redact_for_display(text),
            "auth: { basic: { username: u, password: *******, realm: x } }\nheaders:\n  Authorization: ****** ********* # c\n  X-Id: 7\nbearer: \"{{ token }}\"\nvariables:\n  api_key: *****\n  mine: ******\nsecrets: [mine]\n"
        );
        assert_eq!(
            redact_for_display("token_url: https://h/token\n"),
            "token_url: https://h/token\n"
        );
        assert_eq!(
            redact_for_display("  pasword: hunter2\n  timeout: soon\n"),
            "  pasword: *******\n  timeout: soon\n"
        );
        assert_eq!(
            redact_for_display("auth: eyJhbGci\nauth: nonee\nauth: { bearer: x }\n"),
            "auth: ********\nauth: nonee\nauth: { bearer: x }\n"
        );
        // The literal text around a template in a listed secret is part of it.
        assert_eq!(
            redact_for_display(
                "variables:\n  key: \"tok-S3CRET{{ part }}-x {% if a %}b{% endif %}\"\n  other: \"v{{ key }}\"\nsecrets: [key]\n"
            ),
            "variables:\n  key: \"**********{{ part }}** {% if a %}*{% endif %}\"\n  other: \"v{{ key }}\"\nsecrets: [key]\n"
        );
        let block = "variables:\n  a: one\nsecrets:\n  - a\n";
        assert_eq!(
            redact_for_display(block),
            "variables:\n  a: ***\nsecrets:\n  - a\n"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let d = first_error("name: x\nrequests:\n  - name: a\n    name: b\n    url: u\n");
        assert_eq!(d.title, "duplicate key `name`");
        assert_eq!(d.help.as_deref(), Some("`name` is already set on line 3"));
        assert_eq!(d.span.map(|s| (s.line, s.col)), Some((4, 5)));
    }
}
