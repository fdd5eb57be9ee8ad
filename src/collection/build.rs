//! Raw YAML types → the validated model. Collects every problem, not just the first.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

use super::matcher::{parse_matcher, regex_message, short};
use super::raw::{
    RawAuth, RawBody, RawCollection, RawExample, RawExpect, RawItem, RawRetry, RawSettings, Sp,
};
use super::spans::Spans;
use super::{
    AssertDef, AuthDef, BodyDef, CaptureDef, CaptureSource, ClientAuth, Collection, ExampleBody,
    ExampleDef, Grant, JsonPathDef, JsonTemplate, OAuth2Def, PartDef, PartKind, RequestDef,
    RetryDef, RetryOn, Subject, Template, TrustDef, VarDef,
};
use crate::diagnostic::{Diagnostic, Span, did_you_mean};

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// Turns file positions into spans and collects diagnostics.
pub(crate) struct Builder<'a> {
    pub file: Arc<str>,
    pub dir: PathBuf,
    pub spans: &'a Spans,
    pub diags: Vec<Diagnostic>,
}

/// Settings as inherited down the folder tree.
#[derive(Clone)]
struct Inherited {
    auth: AuthDef,
    headers: Vec<(String, Template)>,
    follow_redirects: bool,
    trust: TrustDef,
    max_redirects: u32,
    timeout: Option<Duration>,
    max_body: Option<u64>,
    tags: Vec<String>,
    folders: Vec<String>,
}

impl<'a> Builder<'a> {
    pub fn span(&self, loc: &Location) -> Option<Span> {
        if loc.line() == 0 {
            return None;
        }
        let mut span = Span::new(&self.file, loc.line() as u32, loc.column() as u32);
        span.len = loc.span().len().min(200) as u32;
        Some(span)
    }

    fn sp<T>(&self, s: &Spanned<T>) -> Option<Span> {
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

    pub fn collection(&mut self, mut raw: RawCollection) -> Collection {
        let settings = raw.settings();
        let root = Inherited {
            auth: AuthDef::None,
            headers: Vec::new(),
            follow_redirects: true,
            trust: TrustDef::Never,
            max_redirects: 10,
            timeout: None,
            max_body: None,
            tags: Vec::new(),
            folders: Vec::new(),
        };
        let root = self.inherit(&root, settings);
        let mut requests = Vec::new();
        if raw.requests.value.is_empty() {
            let span = self.sp(&raw.requests);
            self.error("the collection has no requests", span);
        }
        for item in raw.requests.value {
            self.item(item, &root, &mut requests);
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
            out.auth = a;
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
        out
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
                        self.item(child, &inherited, out);
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

    fn request(
        &mut self,
        item: RawItem,
        name: String,
        span: Option<Span>,
        inh: Inherited,
    ) -> Option<RequestDef> {
        let method = match item.method {
            Some(m) => {
                let upper = m.value.to_ascii_uppercase();
                if !METHODS.contains(&upper.as_str())
                    && !upper.chars().all(|c| c.is_ascii_alphabetic() || c == '-')
                {
                    let span = self.sp(&m);
                    self.error_help(
                        format!("invalid method `{}`", m.value),
                        span,
                        did_you_mean(&upper, METHODS.iter().copied()),
                    );
                }
                upper
            }
            None => "GET".to_string(),
        };
        let url = match item.url {
            Some(url) => self.scalar_template(&url, "`url`")?,
            None => {
                self.error(format!("request `{name}` needs a `url`"), span.clone());
                return None;
            }
        };
        let mut query = Vec::new();
        for (key, value) in item.query.unwrap_or_default() {
            match &value.value {
                Value::Array(items) => {
                    for v in items {
                        let sp = Spanned::new(v.clone(), value.referenced, value.defined);
                        if let Some(t) = self.scalar_template(&sp, &format!("query `{key}`")) {
                            query.push((key.clone(), t));
                        }
                    }
                }
                _ => {
                    if let Some(t) = self.scalar_template(&value, &format!("query `{key}`")) {
                        query.push((key, t));
                    }
                }
            }
        }
        let body = item.body.and_then(|b| self.body(b));
        let asserts = item
            .expect
            .map(|e| self.expectations(e))
            .unwrap_or_default();
        let captures = self.captures(item.capture.unwrap_or_default());
        let retry = item.retry.and_then(|r| self.retry(r));
        let delay = item.delay.and_then(|d| self.duration(&d, "delay"));
        let skip_if = item
            .skip_if
            .map(|s| Template::new(s.value.clone(), self.sp(&s)));
        let examples = item
            .examples
            .unwrap_or_default()
            .into_iter()
            .filter_map(|e| self.example(e))
            .collect();
        Some(RequestDef {
            name,
            folders: inh.folders,
            span,
            method,
            url,
            query,
            headers: inh.headers,
            body,
            auth: inh.auth,
            follow_redirects: inh.follow_redirects,
            trust: inh.trust,
            max_redirects: inh.max_redirects,
            timeout: inh.timeout,
            max_body: inh.max_body,
            delay,
            retry,
            skip: item.skip.unwrap_or(false),
            skip_if,
            tags: inh.tags,
            asserts,
            captures,
            examples,
        })
    }

    /// A string, number or boolean as a template; anything else is an error.
    fn scalar_template(&mut self, v: &Sp<Value>, what: &str) -> Option<Template> {
        let span = self.sp(v);
        let src = match &v.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                let found = match other {
                    Value::Array(_) => "a list".to_string(),
                    Value::Object(_) => "a map".to_string(),
                    Value::Null => "nothing".to_string(),
                    v => short(v),
                };
                self.error(format!("{what} must be a string, found {found}"), span);
                return None;
            }
        };
        Some(Template::new(src, span))
    }

    fn opt_template(&self, s: Option<Sp<String>>) -> Option<Template> {
        s.map(|s| Template::new(s.value.clone(), self.sp(&s)))
    }

    fn template(&self, s: Sp<String>) -> Template {
        Template::new(s.value.clone(), self.sp(&s))
    }

    fn auth(&mut self, auth: Sp<RawAuth>) -> Option<AuthDef> {
        let span = self.sp(&auth);
        Some(match auth.value {
            RawAuth::None => AuthDef::None,
            RawAuth::Inherit => return None,
            RawAuth::Bearer(t) => AuthDef::Bearer(self.template(t)),
            RawAuth::Basic(b) => AuthDef::Basic {
                username: self.template(b.username),
                password: self.template(b.password),
            },
            RawAuth::Oauth2(o) => {
                let o = *o;
                let grant = Grant::parse(&o.grant.value);
                if grant.is_none() {
                    let gspan = self.sp(&o.grant);
                    let names = Grant::ALL.map(Grant::as_str);
                    self.error_help(
                        format!("unknown OAuth2 grant `{}`", o.grant.value),
                        gspan,
                        did_you_mean(&o.grant.value, names.iter().copied())
                            .or_else(|| Some(format!("grants: {}", names.join(", ")))),
                    );
                }
                let needs = match grant {
                    Some(Grant::AuthorizationCode) => vec![("auth_url", o.auth_url.is_some())],
                    Some(Grant::DeviceCode) => vec![("device_url", o.device_url.is_some())],
                    Some(Grant::Password) => vec![
                        ("username", o.username.is_some()),
                        ("password", o.password.is_some()),
                    ],
                    Some(Grant::RefreshToken) => {
                        vec![("refresh_token", o.refresh_token.is_some())]
                    }
                    Some(Grant::ClientCredentials) | None => Vec::new(),
                };
                for (field, present) in needs {
                    if !present {
                        self.error_help(
                            format!("the OAuth2 `{}` grant needs `{field}`", o.grant.value),
                            span.clone(),
                            Some(format!("add `{field}:` to the oauth2 block")),
                        );
                    }
                }
                let client_auth = match o.client_auth {
                    Some(c) => ClientAuth::parse(&c.value).or_else(|| {
                        let cspan = self.sp(&c);
                        let names = ClientAuth::ALL.map(ClientAuth::as_str);
                        self.error_help(
                            format!("unknown client_auth `{}`", c.value),
                            cspan,
                            Some(format!("one of: {}", names.join(", "))),
                        );
                        None
                    }),
                    None => Some(ClientAuth::Basic),
                };
                // An unknown word has been reported; the collection is not used.
                let (Some(grant), Some(client_auth)) = (grant, client_auth) else {
                    return None;
                };
                let mut extra = Vec::new();
                for (k, v) in o.extra_params.unwrap_or_default() {
                    extra.push((k, self.template(v)));
                }
                AuthDef::OAuth2(Box::new(OAuth2Def {
                    span,
                    grant,
                    auth_url: self.opt_template(o.auth_url),
                    token_url: self.template(o.token_url),
                    device_url: self.opt_template(o.device_url),
                    revocation_url: self.opt_template(o.revocation_url),
                    client_id: self.template(o.client_id),
                    client_secret: self.opt_template(o.client_secret),
                    scope: self.opt_template(o.scope),
                    callback_url: self.opt_template(o.callback_url),
                    client_auth,
                    pkce: o.pkce.unwrap_or(true),
                    refresh_token: self.opt_template(o.refresh_token),
                    username: self.opt_template(o.username),
                    password: self.opt_template(o.password),
                    extra_params: extra,
                }))
            }
        })
    }

    fn trust(&mut self, v: &Sp<Value>) -> TrustDef {
        let span = self.sp(v);
        match &v.value {
            Value::Bool(true) => TrustDef::Always,
            Value::Bool(false) => TrustDef::Never,
            Value::Array(items) => {
                let mut hosts = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if !s.is_empty() => {
                            hosts.push(Template::new(s.clone(), span.clone()))
                        }
                        other => self.error(
                            format!(
                                "`follow_authorization_header`: a host pattern must be a non-empty string, found {}",
                                short(other)
                            ),
                            span.clone(),
                        ),
                    }
                }
                TrustDef::Hosts(hosts)
            }
            other => {
                self.error_help(
                    format!(
                        "`follow_authorization_header` must be true, false or a list of host patterns, found {}",
                        short(other)
                    ),
                    span,
                    Some("for example [\"design.example.com\", \"*.example.org\"]".into()),
                );
                TrustDef::Never
            }
        }
    }

    pub fn duration(&mut self, v: &Sp<Value>, what: &str) -> Option<Duration> {
        let span = self.sp(v);
        match parse_duration(&v.value) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error_help(
                    format!("invalid {what}: {msg}"),
                    span,
                    Some(
                        "write a number of milliseconds or a duration such as 500ms, 2s, 1m".into(),
                    ),
                );
                None
            }
        }
    }

    fn size(&mut self, v: &Sp<Value>, what: &str) -> Option<u64> {
        let span = self.sp(v);
        match super::size::parse_size(&v.value) {
            Ok(n) => Some(n),
            Err(msg) => {
                self.error_help(
                    format!("invalid {what}: {msg}"),
                    span,
                    Some("write a number of bytes or a size such as 512KiB, 10MB, 64MiB".into()),
                );
                None
            }
        }
    }

    fn body(&mut self, body: Sp<RawBody>) -> Option<BodyDef> {
        let span = self.sp(&body);
        let b = body.value;
        let forms = [
            b.json.is_some(),
            b.form.is_some(),
            b.multipart.is_some(),
            b.raw.is_some(),
            b.file.is_some(),
        ];
        match forms.iter().filter(|x| **x).count() {
            0 => {
                self.error_help(
                    "body needs one of json, form, multipart, raw, file",
                    span,
                    None,
                );
                return None;
            }
            1 => {}
            _ => {
                let names = ["json", "form", "multipart", "raw", "file"];
                let present: Vec<&str> = names
                    .iter()
                    .zip(forms)
                    .filter_map(|(n, p)| p.then_some(*n))
                    .collect();
                let second = present.get(1).copied().unwrap_or("body");
                let at = self
                    .find_key(&body.referenced, second)
                    .map(|(k, _)| k)
                    .or(span);
                self.error_help(
                    format!("body has both `{}` and `{second}`", present[0]),
                    at,
                    Some("a body is exactly one of json, form, multipart, raw, file".into()),
                );
                return None;
            }
        }
        let content_type = self.opt_template(b.content_type);
        if let Some(json) = b.json {
            return Some(BodyDef::Json(JsonTemplate {
                span: self.sp(&json),
                value: json.value,
            }));
        }
        if let Some(form) = b.form {
            let mut fields = Vec::new();
            for (k, v) in form {
                if let Some(t) = self.scalar_template(&v, &format!("form field `{k}`")) {
                    fields.push((k, t));
                }
            }
            return Some(BodyDef::Form(fields));
        }
        if let Some(parts) = b.multipart {
            let mut out = Vec::new();
            for (name, v) in parts {
                let pspan = self.sp(&v);
                let kind = match &v.value {
                    Value::Object(map) => {
                        let text = |k: &str| {
                            map.get(k)
                                .and_then(Value::as_str)
                                .map(|s| Template::new(s, pspan.clone()))
                        };
                        for key in map.keys() {
                            if !["file", "filename", "content_type"].contains(&key.as_str()) {
                                self.error_help(
                                    format!("unknown key `{key}` in multipart field `{name}`"),
                                    pspan.clone(),
                                    did_you_mean(key, ["file", "filename", "content_type"]),
                                );
                            }
                        }
                        match text("file") {
                            Some(path) => PartKind::File {
                                path,
                                filename: text("filename"),
                                content_type: text("content_type"),
                            },
                            None => {
                                self.error(
                                    format!(
                                        "multipart field `{name}` needs `file:` or a text value"
                                    ),
                                    pspan,
                                );
                                continue;
                            }
                        }
                    }
                    _ => match self.scalar_template(&v, &format!("multipart field `{name}`")) {
                        Some(t) => PartKind::Text(t),
                        None => continue,
                    },
                };
                out.push(PartDef { name, kind });
            }
            return Some(BodyDef::Multipart(out));
        }
        if let Some(raw) = b.raw {
            return Some(BodyDef::Raw {
                text: self.template(raw),
                content_type,
            });
        }
        let path = self.template(b.file?);
        Some(BodyDef::File { path, content_type })
    }

    fn expectations(&mut self, expect: Sp<RawExpect>) -> Vec<AssertDef> {
        let e: RawExpect = expect.value;
        let mut out = Vec::new();
        if let Some(status) = e.status {
            self.assert_def(Subject::Status, &status, true, &mut out);
        }
        for (name, v) in e.headers.unwrap_or_default() {
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
        out
    }

    fn assert_def(
        &mut self,
        subject: Subject,
        v: &Sp<Value>,
        list_in: bool,
        out: &mut Vec<AssertDef>,
    ) {
        let span = self.sp(v);
        match parse_matcher(&v.value, list_in, &self.dir) {
            Ok(predicates) => out.push(AssertDef {
                span,
                subject,
                predicates,
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

    fn jsonpath(&mut self, path: &str, loc: &Location) -> Option<JsonPathDef> {
        match jsonpath_rust::parser::parse_json_path(path) {
            Ok(query) => Some(JsonPathDef {
                src: path.to_string(),
                query: Arc::new(query),
            }),
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

    fn captures(&mut self, caps: IndexMap<String, Sp<Value>>) -> Vec<CaptureDef> {
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

    fn retry(&mut self, retry: Sp<RawRetry>) -> Option<RetryDef> {
        let r = retry.value;
        let delay = match &r.delay {
            Some(d) => self.duration(d, "retry delay")?,
            None => Duration::from_secs(1),
        };
        let mut on = Vec::new();
        for cond in r.on.unwrap_or_default() {
            let span = self.sp(&cond);
            let c = cond.value.to_ascii_lowercase();
            let parsed = match c.as_str() {
                "timeout" => Some(RetryOn::Timeout),
                "connection" | "network" => Some(RetryOn::Connection),
                "assertion" | "assertions" | "fail" | "failure" => Some(RetryOn::Assertion),
                s if s.len() == 3 && s.ends_with("xx") => s[..1]
                    .parse::<u16>()
                    .ok()
                    .filter(|d| (1..=5).contains(d))
                    .map(RetryOn::Class),
                s => s
                    .parse::<u16>()
                    .ok()
                    .filter(|n| (100..=599).contains(n))
                    .map(RetryOn::Status),
            };
            match parsed {
                Some(p) => on.push(p),
                None => self.error_help(
                    format!("unknown retry condition `{}`", cond.value),
                    span,
                    Some(
                        "use a status (429), a class (5xx), timeout, connection or assertion"
                            .into(),
                    ),
                ),
            }
        }
        if on.is_empty() {
            on = vec![RetryOn::Class(5), RetryOn::Timeout, RetryOn::Connection];
        }
        Some(RetryDef {
            count: r.count,
            delay,
            on,
        })
    }

    fn example(&mut self, ex: Sp<RawExample>) -> Option<ExampleDef> {
        let span = self.sp(&ex);
        let e: RawExample = ex.value;
        let status = match &e.status {
            Some(s) => self.scalar_template(s, "example status")?,
            None => Template::new("200", span.clone()),
        };
        let mut headers = Vec::new();
        for (k, v) in e.headers.unwrap_or_default() {
            if let Some(t) = self.scalar_template(&v, &format!("example header `{k}`")) {
                headers.push((k, t));
            }
        }
        let body = match (e.json, e.body) {
            (Some(_), Some(_)) => {
                self.error("an example has both `json` and `body`", span);
                return None;
            }
            (Some(j), None) => ExampleBody::Json(JsonTemplate {
                span: self.sp(&j),
                value: j.value,
            }),
            (None, Some(b)) => ExampleBody::Text(self.template(b)),
            (None, None) => ExampleBody::Empty,
        };
        Some(ExampleDef {
            name: e.name,
            host: e.when.and_then(|w| self.opt_template(w.host)),
            status,
            headers,
            body,
        })
    }
}

/// Whether `name` can be read by a template as `{{ name }}`: letters, digits and `_`,
/// not starting with a digit.
fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
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

/// The longest duration a file or flag may give: a week. Longer is a typo, and far longer
/// would overflow the clock.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// A duration: a number of milliseconds, or text such as `500ms`, `2s`, `1m 30s`.
pub fn parse_duration(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Number(n) => {
            let ms = n.as_f64().unwrap_or(f64::INFINITY);
            if ms < 0.0 {
                Err(format!("`{n}` is negative"))
            } else if ms > MAX_DURATION.as_millis() as f64 {
                Err(format!("`{n}` is out of range (at most 7d)"))
            } else {
                Ok(n.as_u64().map_or_else(
                    || Duration::from_secs_f64(ms / 1000.0),
                    Duration::from_millis,
                ))
            }
        }
        Value::String(s) => parse_duration_str(s),
        other => Err(format!("expected a duration, found {}", short(other))),
    }
}

/// Parses `500ms`, `2s`, `1m`, `1h 30m`; a bare number is milliseconds. At most a week.
pub fn parse_duration_str(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let d = match t.parse::<u64>() {
        Ok(ms) => Ok(Duration::from_millis(ms)),
        Err(_) => humantime::parse_duration(t).map_err(|e| match e {
            humantime::DurationError::UnknownUnit { unit, .. } => {
                format!("`{s}` has an unknown unit `{unit}`")
            }
            humantime::DurationError::NumberOverflow => {
                format!("`{s}` is out of range (at most 7d)")
            }
            humantime::DurationError::Empty => "the duration is empty".to_string(),
            _ if t.starts_with('-') => format!("`{s}` is negative"),
            _ => format!("`{s}` is not a duration"),
        }),
    }?;
    if d > MAX_DURATION {
        return Err(format!("`{s}` is out of range (at most 7d)"));
    }
    Ok(d)
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

    #[test]
    fn durations() {
        assert_eq!(parse_duration_str("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration_str("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration_str("250"), Ok(Duration::from_millis(250)));
        assert_eq!(
            parse_duration(&serde_json::json!(1500)),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_duration_str("soon"),
            Err("`soon` is not a duration".to_string())
        );
        assert_eq!(
            parse_duration_str("5 parsecs"),
            Err("`5 parsecs` has an unknown unit `parsecs`".to_string())
        );
        assert_eq!(
            parse_duration(&serde_json::json!(-5)),
            Err("`-5` is negative".to_string())
        );
    }
}
