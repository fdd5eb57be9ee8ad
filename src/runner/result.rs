//! What a run produced: one result per request, failures as data.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::assert::AssertOutcome;
use crate::diagnostic::Span;
use crate::http::{Exchange, HttpError};
use crate::template::TemplateError;

/// What a unit keeps of its collection's run. Each request's [`RequestResult`] goes to the
/// listeners as it finishes and is dropped there: only its counts, its time and its
/// captures stay.
#[derive(Debug, Default)]
pub struct CollectionResult {
    /// Collection name.
    pub name: String,
    /// Collection file.
    pub file: String,
    /// Its finished requests and their assertions (`iterations` stays 0).
    pub totals: Totals,
    /// Its slowest sent requests (`Folder/Request`, time), slowest first; ties keep the
    /// earlier request first.
    pub slowest: Vec<(String, Duration)>,
    /// Every value its requests captured, in order.
    pub captures: Vec<(String, Value)>,
    /// When it started (RFC 3339, UTC).
    pub started_at: String,
    /// Wall time.
    pub duration: Duration,
    /// Variables scripts set (their last value) or unset (`None`), in the order first set.
    pub variables: Vec<(String, Option<Value>)>,
}

/// How many slowest requests a run names.
const SLOWEST: usize = 3;

impl CollectionResult {
    /// Keeps what the run needs of a finished request once its listeners have seen it.
    pub fn keep(&mut self, result: RequestResult) {
        self.totals.count(
            result.status(),
            result
                .asserts
                .iter()
                .map(|a| (!a.skipped).then_some(a.check.passed)),
        );
        if !result.exchanges.is_empty() {
            insert_slowest(&mut self.slowest, &result.path, result.duration);
        }
        self.captures.extend(result.captures);
    }
}

/// Inserts `(path, duration)` into `slowest` (slowest first, at most [`SLOWEST`]) after the
/// entries as slow as it.
pub(super) fn insert_slowest(
    slowest: &mut Vec<(String, Duration)>,
    path: &str,
    duration: Duration,
) {
    let at = slowest.partition_point(|(_, d)| *d >= duration);
    if at < SLOWEST {
        slowest.insert(at, (path.to_string(), duration));
        slowest.truncate(SLOWEST);
    }
}

/// Counts of requests by how they ended and of assertions: the terminal summary's and the
/// reports' `summary`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Totals {
    /// Iterations counted.
    pub iterations: usize,
    /// Requests.
    pub requests: usize,
    /// Passed requests.
    pub passed: usize,
    /// Failed requests.
    pub failed: usize,
    /// Errored requests.
    pub errored: usize,
    /// Skipped requests.
    pub skipped: usize,
    /// Requests not sent because what they needed failed earlier (a login, a capture); not
    /// written when there are none.
    #[serde(skip_serializing_if = "is_zero")]
    pub not_sent: usize,
    /// Assertions that held.
    pub assertions_passed: usize,
    /// Assertions that failed.
    pub assertions_failed: usize,
    /// Script tests skipped (`pm.test.skip`); not written when there are none.
    #[serde(skip_serializing_if = "is_zero")]
    pub assertions_skipped: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Totals {
    /// Counts one request: how it ended and whether each of its assertions held (`None`:
    /// skipped).
    pub fn count(&mut self, status: Status, assertions: impl IntoIterator<Item = Option<bool>>) {
        self.requests += 1;
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Errored => self.errored += 1,
            Status::Skipped => self.skipped += 1,
            Status::NotSent => self.not_sent += 1,
        }
        for held in assertions {
            match held {
                Some(true) => self.assertions_passed += 1,
                Some(false) => self.assertions_failed += 1,
                None => self.assertions_skipped += 1,
            }
        }
    }

    /// Adds the counts of `other`, its iterations included.
    pub fn add(&mut self, other: &Totals) {
        self.iterations += other.iterations;
        self.requests += other.requests;
        self.passed += other.passed;
        self.failed += other.failed;
        self.errored += other.errored;
        self.skipped += other.skipped;
        self.not_sent += other.not_sent;
        self.assertions_passed += other.assertions_passed;
        self.assertions_failed += other.assertions_failed;
        self.assertions_skipped += other.assertions_skipped;
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Sent, and every assertion and capture held.
    Passed,
    /// An assertion, capture or template failed.
    Failed,
    /// It could not complete (connection, TLS, timeout, auth).
    Errored,
    /// Not sent (`skip`, `skip_if`, `--bail`).
    Skipped,
    /// Not sent because what it needed failed earlier: the OAuth2 login, or the request
    /// that captures a variable it reads. The run fails (exit 1), but the failure is told
    /// once, at its cause.
    NotSent,
}

/// One request's outcome.
#[derive(Debug, Default)]
pub struct RequestResult {
    /// `name:`.
    pub name: String,
    /// `Folder/Request`.
    pub path: String,
    /// Where the request is written.
    pub span: Option<Span>,
    /// Method sent.
    pub method: String,
    /// URL of the first hop, once rendered.
    pub url: Option<String>,
    /// Every hop of the last attempt.
    pub exchanges: Vec<Exchange>,
    /// Every assertion outcome of the last attempt.
    pub asserts: Vec<AssertOutcome>,
    /// Values captured.
    pub captures: Vec<(String, Value)>,
    /// What went wrong besides assertions.
    pub errors: Vec<RunError>,
    /// Why it was skipped.
    pub skipped: Option<String>,
    /// Why it was not sent: `login failed (oauth2 at c.yaml:3:3)`, `needs token, which
    /// request "login" did not capture`.
    pub not_sent: Option<String>,
    /// Time of the last attempt, redirects included.
    pub duration: Duration,
    /// How many times it was sent.
    pub attempts: u32,
    /// What its scripts printed with `console`, unmasked: `log: text`, `warn: text`...
    pub console: Vec<String>,
}

impl RequestResult {
    /// The overall outcome.
    pub fn status(&self) -> Status {
        if self.skipped.is_some() {
            Status::Skipped
        } else if self.not_sent.is_some() {
            Status::NotSent
        } else if self.errors.iter().any(|e| !e.assert) {
            Status::Errored
        } else if !self.errors.is_empty() || self.asserts.iter().any(AssertOutcome::failed) {
            Status::Failed
        } else {
            Status::Passed
        }
    }

    /// The final response's status code, when there was one.
    pub fn final_status(&self) -> Option<u16> {
        self.exchanges.last().map(|e| e.response.status.as_u16())
    }
}

/// A problem of one request other than a failed assertion.
#[derive(Debug, Clone)]
pub struct RunError {
    /// Where, when it points at the file.
    pub span: Option<Span>,
    /// What.
    pub kind: RunErrorKind,
    /// True when it counts as a test failure (exit 1) rather than a runtime error (exit 3).
    pub assert: bool,
}

/// The kinds of [`RunError`].
#[derive(Debug, Clone)]
pub enum RunErrorKind {
    /// A template failed at run time (e.g. an earlier capture did not happen).
    Template(TemplateError),
    /// The request could not be built from its rendered parts.
    Request(String),
    /// The HTTP exchange failed.
    Http(HttpError),
    /// A capture found nothing.
    Capture {
        /// The variable.
        name: String,
        /// Why.
        reason: String,
    },
    /// Credentials could not be obtained.
    Auth(String),
    /// A script stopped: a syntax error, an exception, a limit.
    Script(String),
    /// The request cannot be sent because what it needs failed earlier, and that failure
    /// was reported there; the runner marks the request [`Status::NotSent`] with this cause.
    NotSent(String),
}

impl RunError {
    /// One line describing the error.
    pub fn message(&self) -> String {
        match &self.kind {
            RunErrorKind::Template(e) => e.message.clone(),
            RunErrorKind::Request(m) => m.clone(),
            RunErrorKind::Http(e) => e.to_string(),
            RunErrorKind::Capture { name, reason } => format!("capture `{name}`: {reason}"),
            RunErrorKind::Auth(m) => format!("authentication failed: {m}"),
            RunErrorKind::Script(m) => m.clone(),
            RunErrorKind::NotSent(why) => format!("not sent: {why}"),
        }
    }
}
