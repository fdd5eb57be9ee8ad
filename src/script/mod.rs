//! Postman-compatible scripts: an embedded JavaScript engine (QuickJS) with the `pm` API.
//!
//! The runner fills [`Scopes`], [`ScriptRequest`] and [`ScriptResponse`], runs a script with
//! [`Engine::run`] and applies what it produced ([`Outcome`]). Nothing here reaches the file
//! system, the process environment or the network except through [`Sender`].

mod convert;
mod crypto;
pub mod dynamic;
mod engine;
mod host;
mod memory;
mod schema;
mod vendored;
mod xml;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use indexmap::{IndexMap, IndexSet};

pub use engine::{Engine, check};

/// When a script runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// Before the request is rendered (`pm.info.eventName` is `"prerequest"`).
    PreRequest,
    /// After the response and the declarative `expect:` block (`"test"`).
    Test,
}

impl Event {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Event::PreRequest => "prerequest",
            Event::Test => "test",
        }
    }
}

/// Limits of one script run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The memory a unit's JavaScript runtime may use.
    pub memory: usize,
    /// The time one script may take, its waits for `pm.sendRequest` included.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory: 64 * 1024 * 1024,
            time: Duration::from_secs(5),
        }
    }
}

/// Where a failure is in the script's own text: 1-based line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptError {
    pub message: String,
    pub line: Option<u32>,
    pub col: Option<u32>,
}

impl ScriptError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        ScriptError {
            message: message.into(),
            line: None,
            col: None,
        }
    }
}

/// Postman's variable scopes as the scripts see them. Values are JSON; `changed` lists the
/// names written or unset since the caller last drained it.
#[derive(Debug, Clone, Default)]
pub struct Scopes {
    pub globals: IndexMap<String, serde_json::Value>,
    pub collection: IndexMap<String, serde_json::Value>,
    pub environment: IndexMap<String, serde_json::Value>,
    /// `pm.iterationData` (read-only for scripts).
    pub data: IndexMap<String, serde_json::Value>,
    /// `pm.variables.set`.
    pub local: IndexMap<String, serde_json::Value>,
    pub changed: IndexSet<String>,
}

impl Scopes {
    /// Postman's precedence, highest first: local, data, environment, collection, globals.
    pub fn effective(&self, name: &str) -> Option<&serde_json::Value> {
        self.local
            .get(name)
            .or_else(|| self.data.get(name))
            .or_else(|| self.environment.get(name))
            .or_else(|| self.collection.get(name))
            .or_else(|| self.globals.get(name))
    }
}

/// The request as a script sees it. In the pre-request event the texts are the request's
/// templates as written; in the test event, what was sent. Scripts may change it in the
/// pre-request event; the caller applies the changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScriptRequest {
    pub name: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Raw text (JSON and form bodies as their text).
    pub body: Option<String>,
}

/// A response as scripts see it (`pm.response`, and the response of `pm.sendRequest`).
#[derive(Debug, Clone, Default)]
pub struct ScriptResponse {
    pub code: u16,
    /// The reason phrase: "OK", "Not Found".
    pub status: String,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    pub time_ms: u64,
    /// Body bytes + header bytes, as Postman counts.
    pub size: u64,
}

/// A request a script sends with `pm.sendRequest`, normalised by the prelude.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SendRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<bytes::Bytes>,
}

/// Sends `pm.sendRequest` requests with the runner's own HTTP client. Err is a message for
/// the script's callback (`err` argument) or promise rejection.
pub trait Sender {
    fn send<'a>(
        &'a self,
        request: SendRequest,
    ) -> Pin<Box<dyn Future<Output = Result<ScriptResponse, String>> + 'a>>;
}

/// What a script run needs.
pub struct Exec<'a> {
    pub event: Event,
    /// `pm.info.requestName`.
    pub request_name: &'a str,
    /// `pm.info.requestId`.
    pub request_id: &'a str,
    /// `pm.info.iteration` (0-based).
    pub iteration: usize,
    /// `pm.info.iterationCount`.
    pub iteration_count: usize,
    pub scopes: &'a mut Scopes,
    pub request: &'a mut ScriptRequest,
    /// Some in the test event.
    pub response: Option<&'a ScriptResponse>,
    /// `pm.cookies`: (name, value) of the response or the jar.
    pub cookies: &'a [(String, String)],
    pub sender: &'a dyn Sender,
}

/// One `pm.test` (or legacy `tests["name"] = bool`), in the order they were registered.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// `pm.test.skip`.
    pub skipped: bool,
    /// "AssertionError: expected 404 to equal 200".
    pub error: Option<String>,
    /// Where a failed test's error was thrown in the script (1-based line and column), when
    /// the error's stack names a line of the script.
    pub line: Option<u32>,
    pub col: Option<u32>,
}

/// The level of a console line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Log,
    Info,
    Warn,
    Error,
}

/// What one script run produced.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub tests: Vec<TestResult>,
    /// An uncaught exception, a syntax error, the time or memory limit: the script stopped.
    pub error: Option<ScriptError>,
    /// console lines, in order, as the script printed them (the caller masks them).
    pub console: Vec<(Level, String)>,
    /// `postman.setNextRequest` / `pm.execution.setNextRequest`, if called (null → Some(None)).
    pub next_request: Option<Option<String>>,
    /// `pm.execution.skipRequest()` was called (pre-request event): don't send the request.
    pub skip_request: bool,
}

#[cfg(test)]
mod tests;
