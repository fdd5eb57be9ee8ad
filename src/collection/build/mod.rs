//! Raw YAML types → the validated model, one topic per file: the collection and its
//! folder tree here, then requests, auth, bodies, expectations and captures, and values
//! (durations, sizes). Collects every problem, not just the first.

mod auth;
mod body;
mod expect;
mod request;
mod values;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use jsonpath_rust::parser::model::JpQuery;
use serde_json::Value;
use serde_saphyr::Location;

use super::raw::{RawCollection, RawItem, RawSettings, Sp};
use super::spans::Spans;
use super::{AuthDef, Collection, RequestDef, ScriptDef, Scripts, Template, TrustDef, VarDef};
use crate::diagnostic::{Diagnostic, Span};
use crate::paths::FileRoot;

pub use values::parse_duration_str;

/// Turns file positions into spans and collects diagnostics.
pub(crate) struct Builder<'a> {
    pub file: Arc<str>,
    pub dir: PathBuf,
    pub file_root: FileRoot,
    pub spans: &'a Spans,
    pub diags: Vec<Diagnostic>,
    /// JSONPaths parsed so far, by text: a collection repeats the same few paths.
    jsonpaths: HashMap<String, Arc<JpQuery>>,
}

impl<'a> Builder<'a> {
    pub fn new(file: Arc<str>, dir: PathBuf, file_root: FileRoot, spans: &'a Spans) -> Self {
        Builder {
            file,
            dir,
            file_root,
            spans,
            diags: Vec::new(),
            jsonpaths: HashMap::new(),
        }
    }
}

/// Settings as inherited down the folder tree.
#[derive(Clone)]
struct Inherited {
    auth: Arc<AuthDef>,
    headers: Vec<(String, Template)>,
    follow_redirects: bool,
    trust: TrustDef,
    max_redirects: u32,
    timeout: Option<Duration>,
    max_body: Option<u64>,
    tags: Vec<String>,
    folders: Vec<String>,
    scripts: Arc<Scripts>,
}

impl<'a> Builder<'a> {
    /// The span of a position serde-saphyr reports; none for an unknown one.
    pub fn span(&self, loc: &Location) -> Option<Span> {
        if loc.line() == 0 {
            return None;
        }
        let mut span = Span::new(&self.file, loc.line() as u32, loc.column() as u32);
        span.len = loc.span().len().min(200) as u32;
        Some(span)
    }

    fn sp<T>(&self, s: &Sp<T>) -> Option<Span> {
        self.span(&s.referenced)
    }

    /// The span of the key whose value is at `value_loc`.
    fn key_span(&self, value_loc: &Location) -> Option<Span> {
        let (_, span) = self
            .spans
            .key_of(value_loc.line() as u32, value_loc.column() as u32)?;
        Some(span.clone())
    }

    /// `key:` inside the value at `from`, at any depth: the key's span and the value's.
    fn find_key(&self, from: &Location, key: &str) -> Option<(Span, Span)> {
        let entry = self
            .spans
            .find_key(from.line() as u32, from.column() as u32, key)?;
        Some((entry.key, entry.value))
    }

    /// The span of `key:` in the same map as the value at `loc`.
    fn sibling_key(&self, loc: &Location, key: &str) -> Option<Span> {
        let entry = self
            .spans
            .sibling(loc.line() as u32, loc.column() as u32, key)?;
        Some(entry.key)
    }

    fn error(&mut self, title: impl Into<String>, span: Option<Span>) {
        self.diags.push(Diagnostic::new(title, span));
    }

    fn error_help(&mut self, title: impl Into<String>, span: Option<Span>, help: Option<String>) {
        self.diags
            .push(Diagnostic::new(title, span).with_help_opt(help));
    }

    /// The whole collection: its settings passed down the folder tree to each request.
    pub fn collection(&mut self, mut raw: RawCollection) -> Collection {
        let settings = raw.settings();
        let root = Inherited {
            auth: Arc::new(AuthDef::None),
            headers: Vec::new(),
            follow_redirects: true,
            trust: TrustDef::Never,
            max_redirects: 10,
            timeout: None,
            max_body: None,
            tags: Vec::new(),
            folders: Vec::new(),
            scripts: Arc::default(),
        };
        let root = self.inherit(&root, settings);
        // One request per entry unless there are folders: no room wasted by doubling.
        let mut requests = Vec::with_capacity(raw.requests.value.len());
        if raw.requests.value.is_empty() {
            let span = self.sp(&raw.requests);
            self.error("the collection has no requests", span);
        }
        for item in raw.requests.value {
            self.item(*item, &root, &mut requests);
        }
        let name = raw.name.unwrap_or_else(|| {
            std::path::Path::new(&*self.file)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| self.file.to_string())
        });
        Collection {
            name,
            file: Arc::clone(&self.file),
            dir: self.dir.clone(),
            file_root: self.file_root.clone(),
            variables: self.variables(raw.variables),
            secrets: raw
                .secrets
                .unwrap_or_default()
                .into_iter()
                .map(|s| s.value)
                .collect(),
            requests,
        }
    }

    /// `variables:`, with names a template can read.
    pub fn variables(&mut self, vars: Option<IndexMap<String, Sp<Value>>>) -> Vec<VarDef> {
        vars.unwrap_or_default()
            .into_iter()
            .map(|(name, v)| {
                if !is_variable_name(&name) {
                    let span = self.key_span(&v.referenced);
                    self.error(
                        format!("invalid variable name `{name}`: use letters, digits and _"),
                        span,
                    );
                }
                VarDef {
                    span: self.sp(&v),
                    name,
                    value: v.value,
                }
            })
            .collect()
    }

    fn inherit(&mut self, parent: &Inherited, raw: RawSettings) -> Inherited {
        let mut out = parent.clone();
        if let Some(auth) = raw.auth
            && let Some(a) = self.auth(auth)
        {
            out.auth = Arc::new(a);
        }
        if let Some(headers) = raw.headers {
            for (name, value) in headers {
                let Some(t) = self.scalar_template(&value, &format!("header `{name}`")) else {
                    continue;
                };
                out.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
                out.headers.push((name, t));
            }
        }
        if let Some(f) = raw.follow_redirects {
            out.follow_redirects = f;
        }
        if let Some(trust) = raw.follow_authorization_header {
            out.trust = self.trust(&trust);
        }
        if let Some(m) = raw.max_redirects {
            out.max_redirects = m;
        }
        if let Some(t) = raw.timeout {
            out.timeout = self.duration(&t, "timeout");
        }
        if let Some(m) = raw.max_body {
            out.max_body = self.size(&m, "max_body");
        }
        for tag in raw.tags.unwrap_or_default() {
            if !out.tags.contains(&tag) {
                out.tags.push(tag);
            }
        }
        if let Some(scripts) = raw.scripts {
            let scripts = scripts.value;
            let pre_request = self.script(scripts.pre_request);
            let test = self.script(scripts.test);
            if pre_request.is_some() || test.is_some() {
                let out = Arc::make_mut(&mut out.scripts);
                out.pre_request.extend(pre_request);
                out.test.extend(test);
            }
        }
        out
    }

    /// One script, with where its text starts; an empty one is no script.
    fn script(&self, text: Option<Sp<String>>) -> Option<ScriptDef> {
        let text = text.filter(|t| !t.value.trim().is_empty())?;
        let loc = &text.referenced;
        let start = (loc.line() > 0).then(|| {
            let (line, col) = self
                .spans
                .text_start(loc.line() as u32, loc.column() as u32);
            Span::new(&self.file, line, col)
        });
        Some(ScriptDef {
            text: Arc::from(text.value),
            start,
        })
    }

    fn item(&mut self, mut item: RawItem, parent: &Inherited, out: &mut Vec<RequestDef>) {
        let settings = item.settings();
        if let Some(folder) = item.folder.take() {
            let span = self.sp(&folder);
            let request_only = [
                ("name", item.name.is_some()),
                ("method", item.method.is_some()),
                ("url", item.url.is_some()),
                ("query", item.query.is_some()),
                ("body", item.body.is_some()),
                ("expect", item.expect.is_some()),
                ("capture", item.capture.is_some()),
                ("retry", item.retry.is_some()),
                ("delay", item.delay.is_some()),
                ("skip_if", item.skip_if.is_some()),
                ("examples", item.examples.is_some()),
            ];
            for (key, present) in request_only {
                if present {
                    // The key itself, searched from the `folder:` line on.
                    let at = self
                        .sibling_key(&folder.referenced, key)
                        .or_else(|| span.clone());
                    self.error_help(
                        format!(
                            "`{key}` belongs to a request, not to folder `{}`",
                            folder.value
                        ),
                        at,
                        Some("put requests of a folder under its `requests:`".into()),
                    );
                }
            }
            let mut inherited = self.inherit(parent, settings);
            inherited.folders.push(folder.value.clone());
            match item.requests {
                Some(requests) if !requests.value.is_empty() => {
                    for child in requests.value {
                        self.item(*child, &inherited, out);
                    }
                }
                _ => self.error(format!("folder `{}` has no requests", folder.value), span),
            }
            return;
        }
        if let Some(requests) = &item.requests {
            let span = self.sp(requests);
            self.error_help(
                "`requests` inside a request",
                span,
                Some("a folder is written `- folder: NAME` followed by `requests:`".into()),
            );
        }
        let Some(name) = item.name.take() else {
            // The first key of the entry: where it starts.
            let mut positions: Vec<&Location> = Vec::new();
            positions.extend(item.url.as_ref().map(|u| &u.referenced));
            positions.extend(item.method.as_ref().map(|m| &m.referenced));
            positions.extend(item.body.as_ref().map(|b| &b.referenced));
            positions.extend(item.expect.as_ref().map(|e| &e.referenced));
            positions.extend(item.requests.as_ref().map(|r| &r.referenced));
            let first = positions
                .into_iter()
                .filter(|l| l.line() > 0)
                .min_by_key(|l| (l.line(), l.column()));
            let span = first
                .and_then(|l| {
                    let key = self
                        .spans
                        .first_sibling_key(l.line() as u32, l.column() as u32)?;
                    Some(key.clone())
                })
                .or_else(|| first.and_then(|l| self.span(l)));
            self.error_help(
                "a request needs a `name`",
                span,
                Some("or `folder:` for a folder of requests".into()),
            );
            return;
        };
        let span = self.sp(&name);
        let inherited = self.inherit(parent, settings);
        if let Some(r) = self.request(item, name.value, span, inherited) {
            out.push(r);
        }
    }
}

/// Whether `name` can be read by a template as `{{ name }}`: letters, digits and `_`,
/// not starting with a digit.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names() {
        for ok in ["a", "base_url", "_x1", "été"] {
            assert!(is_variable_name(ok), "{ok}");
        }
        for bad in ["", "1a", "a.b", "a-b", "a b", "{{a}}", "connection_:id"] {
            assert!(!is_variable_name(bad), "{bad}");
        }
    }
}
