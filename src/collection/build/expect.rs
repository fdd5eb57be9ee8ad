//! `expect:` and `capture:`: matchers, JSONPaths and capture sources.

use std::sync::Arc;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;
use serde_saphyr::Location;

use super::{Builder, is_variable_name};
use crate::collection::matcher::{MATCHER_KEYS, parse_matcher, regex_message, short};
use crate::collection::raw::{RawExpect, Sp};
use crate::collection::{AssertDef, CaptureDef, CaptureSource, JsonPathDef, Subject};
use crate::diagnostic::{Diagnostic, did_you_mean};

impl Builder<'_> {
    /// `expect:`: status, headers, JSON paths, body and duration, in that order.
    pub(super) fn expectations(&mut self, expect: Sp<RawExpect>) -> Vec<AssertDef> {
        let e: RawExpect = expect.value;
        let mut out = Vec::new();
        if let Some(status) = e.status {
            self.assert_def(Subject::Status, &status, true, &mut out);
        }
        for (name, v) in e.headers.map(|h| *h).unwrap_or_default() {
            self.assert_def(
                Subject::Header(name.to_ascii_lowercase()),
                &v,
                false,
                &mut out,
            );
        }
        for (path, v) in e.json.unwrap_or_default() {
            match self.jsonpath(&path, &v.referenced) {
                Some(p) => self.assert_def(Subject::Json(p), &v, false, &mut out),
                None => continue,
            }
        }
        if let Some(body) = e.body {
            self.assert_def(Subject::Body, &body, false, &mut out);
        }
        if let Some(d) = e.duration {
            self.assert_def(Subject::Duration, &d, false, &mut out);
        }
        // Kept for the whole run, once per request: no spare room.
        out.shrink_to_fit();
        out
    }

    /// One matcher of `subject`; a wrong one is reported at its key, or at its value.
    pub(super) fn assert_def(
        &mut self,
        subject: Subject,
        v: &Sp<Value>,
        list_in: bool,
        out: &mut Vec<AssertDef>,
    ) {
        let span = self.sp(v);
        // `name:` beside matcher keys names the assertion (a map of other keys is a value).
        let mut value = std::borrow::Cow::Borrowed(&v.value);
        let mut name = None;
        if let Value::Object(map) = &v.value
            && map.contains_key("name")
            && map.keys().any(|k| MATCHER_KEYS.contains(&k.as_str()))
        {
            let mut map = map.clone();
            match map.shift_remove("name") {
                Some(Value::String(n)) => name = Some(n),
                other => {
                    let at = self
                        .find_key(&v.referenced, "name")
                        .map(|(_, value)| value)
                        .or(span);
                    let found = other.as_ref().map(short).unwrap_or_default();
                    self.error(
                        format!(
                            "{}: `name` needs the assertion's name as text, found {found}",
                            subject.describe()
                        ),
                        at,
                    );
                    return;
                }
            }
            value = std::borrow::Cow::Owned(Value::Object(map));
        }
        match parse_matcher(&value, list_in, &self.dir, &self.file_root) {
            Ok(predicates) => out.push(AssertDef {
                span,
                subject,
                predicates,
                name,
            }),
            Err(e) => {
                // Point at the matcher key, or at its value when that is what is wrong.
                let at = e
                    .key
                    .as_deref()
                    .and_then(|k| self.find_key(&v.referenced, k))
                    .map(|(key, value)| if e.bad_value { value } else { key })
                    .or(span);
                self.error_help(format!("{}: {}", subject.describe(), e.message), at, e.help)
            }
        }
    }

    /// A JSONPath (RFC 9535), reported at its key when it does not parse.
    pub(super) fn jsonpath(&mut self, path: &str, loc: &Location) -> Option<JsonPathDef> {
        if let Some(query) = self.jsonpaths.get(path) {
            return Some(JsonPathDef {
                src: path.to_string(),
                query: Arc::clone(query),
            });
        }
        match jsonpath_rust::parser::parse_json_path(path) {
            Ok(query) => {
                let query = Arc::new(query);
                self.jsonpaths.insert(path.to_string(), Arc::clone(&query));
                Some(JsonPathDef {
                    src: path.to_string(),
                    query,
                })
            }
            Err(e) => {
                let span = self.key_span(loc).or_else(|| self.span(loc));
                let mut d = Diagnostic::new(format!("invalid JSONPath `{path}`"), span);
                if path.starts_with('$') {
                    if let Some(detail) = jsonpath_detail(&e.to_string()) {
                        d = d.with_note(detail);
                    }
                    d = d.with_help(
                        "JSONPath follows RFC 9535, e.g. $.items[0].id or $.items[?@.status == 'OK']",
                    );
                } else {
                    let fixed = match path.find('$') {
                        Some(i) => path[i..].to_string(),
                        None => format!("$.{path}"),
                    };
                    d = d.with_help(format!("a JSONPath starts with `$`: `{fixed}`"));
                }
                self.diags.push(d);
                None
            }
        }
    }

    /// `capture:`: a JSONPath or one of json, header, regex, status, body per name.
    pub(super) fn captures(&mut self, caps: IndexMap<String, Sp<Value>>) -> Vec<CaptureDef> {
        const SOURCES: [&str; 5] = ["json", "header", "regex", "status", "body"];
        let mut out = Vec::new();
        for (name, v) in caps {
            let span = self.sp(&v);
            if !is_variable_name(&name) {
                let at = self.key_span(&v.referenced).or(span.clone());
                self.error(
                    format!("invalid capture name `{name}`: use letters, digits and _"),
                    at,
                );
                continue;
            }
            let source = match &v.value {
                Value::String(path) => self.jsonpath(path, &v.referenced).map(CaptureSource::Json),
                Value::Object(map) if map.len() == 1 => {
                    let (key, val) = map.iter().next().map(|(k, v)| (k.as_str(), v)).unzip();
                    let key = key.unwrap_or_default();
                    let found = self.find_key(&v.referenced, key);
                    let key_span = found.as_ref().map(|(k, _)| k.clone()).or(span.clone());
                    let value_span = found.map(|(_, v)| v).or(span.clone());
                    match (key, val.and_then(Value::as_str)) {
                        ("json", Some(p)) => {
                            self.jsonpath(p, &v.referenced).map(CaptureSource::Json)
                        }
                        ("header", Some(h)) => Some(CaptureSource::Header(h.to_ascii_lowercase())),
                        ("regex", Some(r)) => match Regex::new(r) {
                            Ok(re) => Some(CaptureSource::Regex(re)),
                            Err(e) => {
                                self.error(
                                    format!(
                                        "capture `{name}`: invalid regular expression `{r}`: {}",
                                        regex_message(&e)
                                    ),
                                    value_span,
                                );
                                None
                            }
                        },
                        ("status", _) => Some(CaptureSource::Status),
                        ("body", _) => Some(CaptureSource::Body),
                        ("json" | "header" | "regex", _) => {
                            let found = val.map(short).unwrap_or_default();
                            self.error(
                                format!("capture `{name}`: `{key}` needs a string, found {found}"),
                                value_span,
                            );
                            None
                        }
                        (other, _) => {
                            self.error_help(
                                format!("capture `{name}`: unknown source `{other}`"),
                                key_span,
                                did_you_mean(other, SOURCES)
                                    .or_else(|| Some("use a JSONPath, or one of {json: ..}, {header: ..}, {regex: ..}, {status: true}, {body: true}".into())),
                            );
                            None
                        }
                    }
                }
                other => {
                    self.error_help(
                        format!("capture `{name}`: expected a JSONPath or a map with one key, found {}", short(other)),
                        span.clone(),
                        Some("e.g. `id: $.items[0].id`, `etag: {header: ETag}`, `sid: {regex: \"sid=(\\\\w+)\"}`".into()),
                    );
                    None
                }
            };
            if let Some(source) = source {
                out.push(CaptureDef { name, span, source });
            }
        }
        out
    }
}

/// The JSONPath parser's report (`--> 1:9 ... = expected selector`) as
/// "at character 9: expected a selector".
fn jsonpath_detail(report: &str) -> Option<String> {
    let col = report
        .split("-->")
        .nth(1)?
        .split_whitespace()
        .next()?
        .split(':')
        .nth(1)?
        .parse::<usize>()
        .ok()?;
    let expected = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("= expected "))?;
    let words: Vec<&str> = expected
        .split(", ")
        .flat_map(|p| p.split(" or "))
        .map(|p| p.trim().trim_start_matches("or ").trim())
        .filter(|p| !p.is_empty())
        .map(|rule| match rule {
            "jp_query" => "`$`",
            "selector" => "a selector",
            "bracketed_selection" => "`[`",
            "wildcard_selector" => "`*`",
            "slice_selector" => "a slice",
            "ALPHA" | "member_name_shorthand" => "a name",
            "string" => "a quoted name",
            "comparable" => "a value to compare",
            "EOI" => "the end of the path",
            other => other,
        })
        .collect();
    let expected = match words.as_slice() {
        [] => return None,
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    Some(format!("at character {col}: expected {expected}"))
}
