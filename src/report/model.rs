//! The report model shared by the JSON, JUnit, HTML and GitHub reporters: one
//! [`IterationReport`] per (collection, iteration), built as soon as the iteration ends
//! with every string already masked, so the full results (bodies included) can be dropped.
//! Its serde form is the JSON report (schema in `docs/report-json.md`).

use serde::{Deserialize, Serialize};

use crate::diagnostic::Span;
use crate::http::Exchange;
use crate::runner::{CollectionResult, RequestResult, Status, Totals};
use crate::secrets::{MASK, Masker};

/// The version of the JSON report schema.
pub const SCHEMA_VERSION: u32 = 1;

/// Bodies kept in reports are cut after this many bytes.
pub const MAX_BODY: usize = 8 * 1024;

/// Headers whose values are never written.
const HIDDEN: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
];

/// Facts about the whole run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RunMeta {
    /// `runner` version that wrote the report.
    pub runner_version: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time of the run.
    pub duration_ms: u64,
    /// `K/N` with `--shard`.
    pub shard: Option<String>,
    /// Iterations per collection (`-n`, or the data rows).
    pub iterations: usize,
    /// The `-d` file.
    pub data_file: Option<String>,
    /// The run was interrupted (Ctrl-C): only finished iterations are reported.
    pub interrupted: bool,
    /// `--bail` stopped the run.
    pub bailed: bool,
}

/// One collection run once.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct IterationReport {
    /// Collection name.
    pub collection: String,
    /// Collection file.
    pub file: String,
    /// Position of this (collection, iteration) unit in the whole run, shards included.
    pub unit: usize,
    /// 0-based iteration.
    pub iteration: usize,
    /// The data row's fields (masked), when `-d` is used.
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
    /// `K/N` with `--shard`.
    pub shard: Option<String>,
    /// When the iteration started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time.
    pub duration_ms: f64,
    /// One per selected request, in order.
    pub requests: Vec<RequestReport>,
}

/// `passed`, `failed`, `errored`, `skipped` or `not_sent`.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Every assertion and capture held.
    Passed,
    /// An assertion, capture or template failed.
    Failed,
    /// Connection, TLS, timeout or credentials.
    Errored,
    /// Not sent.
    Skipped,
    /// Not sent because what it needed failed earlier (a login, a capture).
    #[serde(rename = "not_sent")]
    NotSent,
}

/// A position in a collection file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Position {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
}

/// One request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestReport {
    /// `name:`.
    pub name: String,
    /// `Folder/Request`.
    pub path: String,
    /// Where it is written.
    pub position: Option<Position>,
    /// Method.
    pub method: String,
    /// First URL, rendered and masked.
    pub url: Option<String>,
    /// The outcome.
    pub status: Outcome,
    /// Why it was skipped.
    pub skipped: Option<String>,
    /// Why it was not sent (`status` `not_sent`): `login failed (oauth2 at c.yaml:3:3)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_sent: Option<String>,
    /// Status code of the final response.
    pub response_status: Option<u16>,
    /// Time of the last attempt, redirects included.
    pub duration_ms: f64,
    /// How many times it was sent.
    pub attempts: u32,
    /// Every hop of the last attempt.
    pub hops: Vec<Hop>,
    /// Every assertion.
    pub assertions: Vec<AssertionReport>,
    /// Captured values (masked).
    pub captures: Vec<CaptureReport>,
    /// Runtime and capture errors.
    pub errors: Vec<ErrorReport>,
    /// What the request's scripts printed with `console` (masked), one entry per call:
    /// `log: text`, `warn: text`...
    #[serde(default)]
    pub console: Vec<String>,
}

/// One HTTP exchange.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hop {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Request headers (credentials hidden).
    pub request_headers: Vec<(String, String)>,
    /// Request body (text, cut at 8 KiB).
    pub request_body: Option<String>,
    /// Response status.
    pub status: u16,
    /// Response headers.
    pub response_headers: Vec<(String, String)>,
    /// Response body (text, cut at 8 KiB).
    pub response_body: Option<String>,
    /// Until the response headers arrived.
    pub headers_ms: f64,
    /// Until the body was read.
    pub total_ms: f64,
    /// What happened to the credentials on a redirect.
    pub redirect_note: Option<String>,
}

/// One assertion.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AssertionReport {
    /// What was tested: `status`, `header etag`, `$.id`, `body`, `duration`, or `test` for
    /// a script's test.
    pub subject: String,
    /// The assertion's name: the script test's, or a matcher's `name:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it held.
    pub passed: bool,
    /// A script test skipped with `pm.test.skip`: neither passed nor failed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
    /// The expectation, in words.
    pub expected: String,
    /// What was found.
    pub actual: String,
    /// Where it is written.
    pub position: Option<Position>,
    /// JSON paths that differ.
    pub differences: Vec<String>,
    /// Unified diff of long values.
    pub diff: Option<String>,
}

impl AssertionReport {
    /// `status: expected 200, got 404`, `Status is 200: AssertionError: expected 404 to
    /// equal 200` (see [`crate::assert::message`]).
    pub fn message(&self) -> String {
        crate::assert::message(
            &self.subject,
            self.name.as_deref(),
            &self.expected,
            &self.actual,
        )
    }

    /// Whether it failed (a skipped test did not).
    pub fn failed(&self) -> bool {
        !self.skipped && !self.passed
    }
}

/// One captured value.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CaptureReport {
    /// Variable.
    pub name: String,
    /// Value.
    pub value: serde_json::Value,
}

/// A problem other than a failed assertion.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorReport {
    /// One line.
    pub message: String,
    /// Where.
    pub position: Option<Position>,
    /// A test failure (true) or a runtime error (false).
    pub assert: bool,
}

impl IterationReport {
    /// Masks and condenses one iteration's results; `requests` are its requests' records,
    /// made as each request finished ([`RequestReport::build`]).
    #[expect(
        clippy::too_many_arguments,
        reason = "one iteration's facts, each from a different place"
    )]
    pub fn build(
        result: &CollectionResult,
        requests: Vec<RequestReport>,
        unit: usize,
        iteration: usize,
        data: Option<&serde_json::Map<String, serde_json::Value>>,
        shard: Option<String>,
        started_at: String,
        masker: &Masker,
    ) -> IterationReport {
        IterationReport {
            collection: masker.mask(&result.name).into_owned(),
            file: result.file.clone(),
            unit,
            iteration,
            data: data.map(|row| {
                row.iter()
                    .map(|(k, v)| (k.clone(), mask_json(v, masker)))
                    .collect()
            }),
            shard,
            started_at,
            duration_ms: millis(result.duration),
            requests,
        }
    }

    /// The suite name: `Collection`, `Collection [iteration 2]`, plus ` (shard 1/3)`.
    pub fn suite_name(&self, iterations: usize) -> String {
        let mut name = self.collection.clone();
        if iterations > 1 {
            name.push_str(&format!(" [iteration {}]", self.iteration));
        }
        if let Some(s) = &self.shard {
            name.push_str(&format!(" (shard {s})"));
        }
        name
    }
}

/// Milliseconds as a float.
pub fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

fn position(span: Option<&Span>) -> Option<Position> {
    span.map(|s| Position {
        file: s.file.to_string(),
        line: s.line,
        col: s.col,
    })
}

fn mask_json(v: &serde_json::Value, masker: &Masker) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) => serde_json::Value::String(masker.mask(s).into_owned()),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(|x| mask_json(x, masker)).collect())
        }
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), mask_json(x, masker)))
                .collect(),
        ),
        serde_json::Value::Number(n) => {
            let text = n.to_string();
            if masker.mask(&text) == text {
                v.clone()
            } else {
                serde_json::Value::String(MASK.to_string())
            }
        }
        other => other.clone(),
    }
}

/// How much of each hop a run's reports show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Headers and bodies of every hop (the JSON and HTML reports).
    Full,
    /// Only the final response's body of a request that did not pass (JUnit's
    /// `system-out`); no headers.
    Brief,
}

impl RequestReport {
    /// The masked, cut record of a finished request: what the reports keep of it once its
    /// raw exchanges are dropped. With [`Detail::Brief`] its hops keep no headers and no
    /// bodies except the one JUnit shows.
    pub fn build(r: &RequestResult, masker: &Masker, detail: Detail) -> RequestReport {
        request(r, masker, detail)
    }
}

fn request(r: &RequestResult, masker: &Masker, detail: Detail) -> RequestReport {
    let m = |s: &str| masker.mask(s).into_owned();
    let status = r.status();
    // Brief: only the final body of a request that did not pass.
    let last = r.exchanges.len().saturating_sub(1);
    let shown = |i: usize| match detail {
        Detail::Full => Shown::All,
        Detail::Brief if i == last && status != Status::Passed => Shown::Body,
        Detail::Brief => Shown::Nothing,
    };
    RequestReport {
        name: m(&r.name),
        path: m(&r.path),
        position: position(r.span.as_ref()),
        method: r.method.clone(),
        url: r.url.as_deref().map(m),
        status: match status {
            Status::Passed => Outcome::Passed,
            Status::Failed => Outcome::Failed,
            Status::Errored => Outcome::Errored,
            Status::Skipped => Outcome::Skipped,
            Status::NotSent => Outcome::NotSent,
        },
        skipped: r.skipped.as_deref().map(m),
        not_sent: r.not_sent.as_deref().map(m),
        response_status: r.final_status(),
        duration_ms: millis(r.duration),
        attempts: r.attempts,
        hops: r
            .exchanges
            .iter()
            .enumerate()
            .map(|(i, e)| hop(e, masker, shown(i)))
            .collect(),
        assertions: r
            .asserts
            .iter()
            .map(|a| AssertionReport {
                subject: m(&a.subject),
                name: a.name.as_deref().map(m),
                passed: a.check.passed,
                skipped: a.skipped,
                expected: m(&a.check.expected),
                actual: m(&a.check.actual),
                position: position(a.span.as_ref()),
                differences: a.check.differences.iter().map(|d| m(d)).collect(),
                diff: a.check.diff.as_deref().map(m),
            })
            .collect(),
        captures: r
            .captures
            .iter()
            .map(|(name, value)| CaptureReport {
                name: name.clone(),
                value: mask_json(value, masker),
            })
            .collect(),
        errors: r
            .errors
            .iter()
            .map(|e| ErrorReport {
                message: m(&e.message()),
                position: position(e.span.as_ref()),
                assert: e.assert,
            })
            .collect(),
        console: r.console.iter().map(|l| m(l)).collect(),
    }
}

fn headers(map: &reqwest::header::HeaderMap, masker: &Masker) -> Vec<(String, String)> {
    map.iter()
        .map(|(name, value)| {
            let text = String::from_utf8_lossy(value.as_bytes());
            let shown = if HIDDEN.contains(&name.as_str()) {
                match text.split_once(' ') {
                    Some((scheme, _)) if name.as_str().ends_with("authorization") => {
                        format!("{scheme} {MASK}")
                    }
                    _ => MASK.to_string(),
                }
            } else {
                masker.mask(&text).into_owned()
            };
            (name.as_str().to_string(), shown)
        })
        .collect()
}

/// Masks, then cuts: a secret cannot be split by the cut.
fn body(bytes: &[u8], masker: &Masker) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some(format!("({} bytes of binary data)", bytes.len()));
    };
    let (shown, omitted) = masker.excerpt(text, MAX_BODY);
    if omitted == 0 {
        return Some(shown);
    }
    Some(format!("{shown}\n({omitted} more bytes)"))
}

/// What a hop's record keeps of its headers and bodies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shown {
    All,
    /// The response body only.
    Body,
    Nothing,
}

fn hop(e: &Exchange, masker: &Masker, shown: Shown) -> Hop {
    let all = shown == Shown::All;
    Hop {
        method: e.request.method.to_string(),
        url: masker.mask(e.request.url.as_str()).into_owned(),
        request_headers: if all {
            headers(&e.request.headers, masker)
        } else {
            Vec::new()
        },
        request_body: if all {
            e.request
                .body_summary
                .as_deref()
                .map(|s| masker.mask(s).into_owned())
                .or_else(|| e.request.body.as_deref().and_then(|b| body(b, masker)))
        } else {
            None
        },
        status: e.response.status.as_u16(),
        response_headers: if all {
            headers(&e.response.headers, masker)
        } else {
            Vec::new()
        },
        response_body: if shown == Shown::Nothing {
            None
        } else {
            body(&e.response.body, masker)
        },
        headers_ms: millis(e.timings.headers),
        total_ms: millis(e.timings.total),
        redirect_note: e
            .redirect_note
            .as_deref()
            .map(|s| masker.mask(s).into_owned()),
    }
}

/// Counts one reported iteration into `totals`.
pub fn count_iteration(totals: &mut Totals, it: &IterationReport) {
    totals.iterations += 1;
    for r in &it.requests {
        let status = match r.status {
            Outcome::Passed => Status::Passed,
            Outcome::Failed => Status::Failed,
            Outcome::Errored => Status::Errored,
            Outcome::Skipped => Status::Skipped,
            Outcome::NotSent => Status::NotSent,
        };
        totals.count(
            status,
            r.assertions
                .iter()
                .map(|a| (!a.skipped).then_some(a.passed)),
        );
    }
}
