//! A request entry: method, URL, headers and the rest; retries and saved examples.

use std::time::Duration;

use serde_json::Value;

use super::{Builder, Inherited};
use crate::collection::matcher::short;
use crate::collection::raw::{RawExample, RawItem, RawRetry, Sp};
use crate::collection::{
    ExampleBody, ExampleDef, JsonTemplate, RequestDef, RetryDef, RetryOn, Template,
};
use crate::diagnostic::{Span, did_you_mean};

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

impl Builder<'_> {
    /// One request entry, with what it inherits from its folders.
    pub(super) fn request(
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
        for (key, value) in item.query.map(|q| *q).unwrap_or_default() {
            match &value.value {
                Value::Array(items) => {
                    for v in items {
                        let sp = Sp::new(v.clone(), value.referenced);
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
        let body = item.body.and_then(|b| self.body(*b)).map(Box::new);
        let asserts = item
            .expect
            .map(|e| self.expectations(*e))
            .unwrap_or_default();
        let captures = self.captures(item.capture.map(|c| *c).unwrap_or_default());
        let retry = item.retry.and_then(|r| self.retry(*r)).map(Box::new);
        let delay = item.delay.and_then(|d| self.duration(&d, "delay"));
        let skip_if = item.skip_if.map(|s| Box::new(self.template(*s)));
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
            scripts: inh.scripts,
        })
    }

    /// A string, number or boolean as a template; anything else is an error.
    pub(super) fn scalar_template(&mut self, v: &Sp<Value>, what: &str) -> Option<Template> {
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

    /// An optional text as a template.
    pub(super) fn opt_template(&self, s: Option<Sp<String>>) -> Option<Template> {
        s.map(|s| self.template(s))
    }

    /// A text as a template, with its span.
    pub(super) fn template(&self, s: Sp<String>) -> Template {
        let span = self.sp(&s);
        Template::new(s.value, span)
    }

    /// `retry:`: count, delay and the conditions (`on:`) that retry.
    pub(super) fn retry(&mut self, retry: Sp<RawRetry>) -> Option<RetryDef> {
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

    /// One saved example of `examples:`, served by `runner mock`.
    pub(super) fn example(&mut self, ex: Sp<RawExample>) -> Option<ExampleDef> {
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
