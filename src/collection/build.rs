//! Raw YAML types → the validated model. Collects every problem, not just the first.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

use super::matcher::{parse_matcher, short};
use super::raw::{
    RawAuth, RawBody, RawCollection, RawExample, RawExpect, RawItem, RawRetry, RawSettings, Sp,
};
use super::{
    AssertDef, AuthDef, BodyDef, CaptureDef, CaptureSource, Collection, ExampleBody, ExampleDef,
    JsonPathDef, JsonTemplate, OAuth2Def, PartDef, PartKind, RequestDef, RetryDef, RetryOn,
    Subject, Template, TrustDef, VarDef,
};
use crate::diagnostic::{Diagnostic, Span, did_you_mean};

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// Turns file positions into spans and collects diagnostics.
pub(crate) struct Builder<'a> {
    pub file: Arc<str>,
    pub dir: PathBuf,
    pub source: &'a str,
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

    /// The span of `key` on the line of a value, found by searching the source line.
    fn key_span(&self, value_loc: &Location, key: &str) -> Option<Span> {
        let line_no = value_loc.line() as usize;
        let line = self.source.lines().nth(line_no.checked_sub(1)?)?;
        let byte = line.find(key)?;
        let col = line[..byte].chars().count() as u32 + 1;
        let mut span = Span::new(&self.file, line_no as u32, col);
        span.len = key.chars().count() as u32;
        Some(span)
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
                if name.is_empty() || name.contains(['.', ' ', '{', '}']) {
                    let span = self.key_span(&v.referenced, &name);
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
                    self.error_help(
                        format!(
                            "`{key}` belongs to a request, not to folder `{}`",
                            folder.value
                        ),
                        span.clone(),
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
            let span = item
                .url
                .as_ref()
                .and_then(|u| self.sp(u))
                .or_else(|| item.method.as_ref().and_then(|m| self.sp(m)));
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
            Some(url) => self.scalar_template(&url, "url")?,
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
        let asserts = item.expect.map(|e| self.expect(e)).unwrap_or_default();
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
                self.error(
                    format!("{what} must be a string, found {}", short(other)),
                    span,
                );
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
                const GRANTS: &[&str] = &[
                    "authorization_code",
                    "refresh_token",
                    "client_credentials",
                    "password",
                    "device_code",
                ];
                if !GRANTS.contains(&o.grant.value.as_str()) {
                    let gspan = self.sp(&o.grant);
                    self.error_help(
                        format!("unknown OAuth2 grant `{}`", o.grant.value),
                        gspan,
                        did_you_mean(&o.grant.value, GRANTS.iter().copied())
                            .or_else(|| Some(format!("grants: {}", GRANTS.join(", ")))),
                    );
                }
                let needs = match o.grant.value.as_str() {
                    "authorization_code" => vec![("auth_url", o.auth_url.is_some())],
                    "device_code" => vec![("device_url", o.device_url.is_some())],
                    "password" => vec![
                        ("username", o.username.is_some()),
                        ("password", o.password.is_some()),
                    ],
                    "refresh_token" => vec![("refresh_token", o.refresh_token.is_some())],
                    _ => Vec::new(),
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
                    Some(c) => {
                        if !["basic", "body", "none"].contains(&c.value.as_str()) {
                            let cspan = self.sp(&c);
                            self.error_help(
                                format!("unknown client_auth `{}`", c.value),
                                cspan,
                                Some("one of: basic, body, none".into()),
                            );
                        }
                        c.value
                    }
                    None => "basic".into(),
                };
                let mut extra = Vec::new();
                for (k, v) in o.extra_params.unwrap_or_default() {
                    extra.push((k, self.template(v)));
                }
                AuthDef::OAuth2(Box::new(OAuth2Def {
                    span,
                    grant: o.grant.value,
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
                                "follow_authorization_header: a host pattern must be a non-empty string, found {}",
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
                        "follow_authorization_header must be true, false or a list of host patterns, found {}",
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
                self.error(
                    "body has more than one of json, form, multipart, raw, file",
                    span,
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

    fn expect(&mut self, expect: Sp<RawExpect>) -> Vec<AssertDef> {
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
            Err(e) => self.error_help(
                format!("{}: {}", subject.describe(), e.message),
                span,
                e.help,
            ),
        }
    }

    fn jsonpath(&mut self, path: &str, loc: &Location) -> Option<JsonPathDef> {
        match jsonpath_rust::parser::parse_json_path(path) {
            Ok(query) => Some(JsonPathDef {
                src: path.to_string(),
                query: Arc::new(query),
            }),
            Err(e) => {
                let span = self.key_span(loc, path).or_else(|| self.span(loc));
                let detail = e.to_string();
                let detail = detail
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let help = if path.starts_with('$') {
                    Some("JSONPath follows RFC 9535, e.g. $.items[0].id or $.items[?@.status == 'OK']".to_string())
                } else {
                    Some(format!("a JSONPath starts with `$`: `$.{path}`"))
                };
                self.diags.push(
                    Diagnostic::new(format!("invalid JSONPath `{path}`"), span)
                        .with_help_opt(help)
                        .with_note(detail),
                );
                None
            }
        }
    }

    fn captures(&mut self, caps: IndexMap<String, Sp<Value>>) -> Vec<CaptureDef> {
        let mut out = Vec::new();
        for (name, v) in caps {
            let span = self.sp(&v);
            let source = match &v.value {
                Value::String(path) => self.jsonpath(path, &v.referenced).map(CaptureSource::Json),
                Value::Object(map) if map.len() == 1 => {
                    let (key, val) = map.iter().next().map(|(k, v)| (k.as_str(), v)).unzip();
                    match (key.unwrap_or_default(), val.and_then(Value::as_str)) {
                        ("json", Some(p)) => {
                            self.jsonpath(p, &v.referenced).map(CaptureSource::Json)
                        }
                        ("header", Some(h)) => Some(CaptureSource::Header(h.to_ascii_lowercase())),
                        ("regex", Some(r)) => match Regex::new(r) {
                            Ok(re) => Some(CaptureSource::Regex(re)),
                            Err(e) => {
                                let msg = e
                                    .to_string()
                                    .lines()
                                    .map(str::trim)
                                    .filter(|l| !l.is_empty())
                                    .collect::<Vec<_>>()
                                    .join(" ");
                                self.error(
                                    format!("capture `{name}`: invalid regular expression: {msg}"),
                                    span.clone(),
                                );
                                None
                            }
                        },
                        ("status", _) => Some(CaptureSource::Status),
                        ("body", _) => Some(CaptureSource::Body),
                        (other, _) => {
                            self.error_help(
                                format!("capture `{name}`: unknown source `{other}` or a value that is not a string"),
                                span.clone(),
                                did_you_mean(other, ["json", "header", "regex", "status", "body"])
                                    .or_else(|| Some("use a JSONPath, or one of {json: ..}, {header: ..}, {regex: ..}, {status: true}, {body: true}".into())),
                            );
                            None
                        }
                    }
                }
                other => {
                    self.error_help(
                        format!("capture `{name}`: expected a JSONPath or a map, found {}", short(other)),
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

/// A duration: a number of milliseconds, or text such as `500ms`, `2s`, `1m 30s`.
pub fn parse_duration(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .map(Duration::from_millis)
            .or_else(|| {
                n.as_f64()
                    .filter(|f| *f >= 0.0)
                    .map(|f| Duration::from_secs_f64(f / 1000.0))
            })
            .ok_or_else(|| format!("`{n}` is not a non-negative number")),
        Value::String(s) => parse_duration_str(s),
        other => Err(format!("expected a duration, found {}", short(other))),
    }
}

/// Parses `500ms`, `2s`, `1m`, `1h 30m`; a bare number is milliseconds.
pub fn parse_duration_str(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if let Ok(ms) = t.parse::<u64>() {
        return Ok(Duration::from_millis(ms));
    }
    humantime::parse_duration(t).map_err(|e| format!("`{s}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_str("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration_str("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration_str("250"), Ok(Duration::from_millis(250)));
        assert_eq!(
            parse_duration(&serde_json::json!(1500)),
            Ok(Duration::from_millis(1500))
        );
        assert!(parse_duration_str("soon").is_err());
    }
}
