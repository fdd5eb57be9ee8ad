//! Running collections: render, send, assert, capture, in order. The runner never prints;
//! it reports progress through a [`Listener`] and returns every result as data.

mod check;
mod literal;
mod plan;
mod prepare;
mod refresh;
mod rendered;
pub mod result;
mod schedule;
mod scripts;
mod select;
mod unsent;

use std::time::{Duration, Instant};

use crate::http::HttpClient;
use serde_json::Value;

use crate::assert::{self, ResponseView};
use crate::auth::{Refused, TokenSource};
use crate::collection::{Collection, JsonTemplate, RequestDef, RetryOn};
use crate::data::Row;
use crate::http::{Exchange, HttpError};
use crate::script::{self, Event};
use crate::secrets::Masker;
use crate::template::{Engine, truthy};
use crate::vars::Vars;
use scripts::{Context, ScriptSender, UnitScripts};

pub use check::{check_requests, contains_template, referenced_names};
pub use literal::check_literals;
pub use plan::{Shard, Unit, plan, request_count};
pub use prepare::Renderer;
pub use rendered::{Credential, Export, Rendered};
pub use result::{CollectionResult, RequestResult, RunError, RunErrorKind, Status, Totals};
pub use schedule::{Outcome, Schedule};
pub use select::{Selection, glob_match};

/// Receives the events of a run, each with the unit it belongs to. Units run in parallel
/// (`--parallel`) interleave their events. Every method has an empty default.
pub trait Listener: Sync {
    /// A unit starts its collection; `count` requests are selected.
    fn collection_started(&self, _unit: &Unit, _collection: &Collection, _count: usize) {}
    /// A request is about to be sent.
    fn request_started(&self, _unit: &Unit, _request: &RequestDef) {}
    /// A request finished (passed, failed, errored or skipped).
    fn request_finished(&self, _unit: &Unit, _result: &RequestResult) {}
    /// A unit finished, with its data row (`-d`). Units finish in any order; a run
    /// stopped by a signal leaves some unfinished.
    fn unit_finished(&self, _unit: &Unit, _result: &CollectionResult, _row: Option<&Row>) {}
}

/// Settings of a run that the runner itself needs.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Per-request timeout unless the request sets one.
    pub timeout: Duration,
    /// Stop at the first request that does not pass.
    pub bail: bool,
    /// Largest decoded response body read unless the request sets `max_body:`.
    pub max_body: u64,
}

/// Runs requests with one client, one engine and one masker.
pub struct Runner<'a> {
    /// The shared HTTP client.
    pub client: &'a HttpClient,
    /// Compiled templates.
    pub engine: &'a Engine,
    /// Learns secrets as they appear.
    pub masker: &'a Masker,
    /// Progress.
    pub listener: &'a dyn Listener,
    /// The unit of the run being run.
    pub unit: Unit,
    /// Options.
    pub options: &'a RunOptions,
    /// OAuth2 tokens of the run.
    pub tokens: Option<&'a TokenSource>,
    /// Iterations per collection (`pm.info.iterationCount`).
    pub iterations: usize,
    /// The collections run before this one whose captures reach it, in run order.
    pub earlier: &'a [Collection],
}

/// Where a script sends the run next (`pm.execution.setNextRequest`).
type Next = Option<Option<String>>;

impl Runner<'_> {
    /// Runs the `selected` requests of `collection`, updating `scope` with captures; its
    /// scripts start from `scopes` (`None` for a collection without scripts). Returns the
    /// results, whether the run must stop (`--bail`), and the scripts' scopes as they end.
    pub async fn run_collection(
        &self,
        collection: &Collection,
        selected: &[usize],
        scope: &mut Vars,
        scopes: Option<script::Scopes>,
    ) -> (CollectionResult, bool, Option<script::Scopes>) {
        let start = Instant::now();
        let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.listener
            .collection_started(&self.unit, collection, selected.len());
        let mut out = CollectionResult {
            name: collection.name.clone(),
            file: collection.file.to_string(),
            totals: Totals::default(),
            slowest: Vec::new(),
            captures: Vec::new(),
            started_at,
            duration: Duration::ZERO,
            variables: Vec::new(),
        };
        let mut bail = false;
        // The engine starts on the unit's first script.
        let mut scripts = scopes.map(UnitScripts::new);
        let mut at = 0;
        while let Some(&i) = selected.get(at) {
            at += 1;
            let req = &collection.requests[i];
            self.listener.request_started(&self.unit, req);
            let (mut result, next) = self
                .run_request(collection, req, scope, scripts.as_mut())
                .await;
            let mut stop = false;
            match next {
                None => {}
                Some(None) => stop = true,
                Some(Some(name)) => {
                    match selected
                        .iter()
                        .position(|&j| collection.requests[j].name == name)
                    {
                        Some(p) => at = p,
                        None => {
                            result.errors.push(RunError {
                                span: req.span.clone(),
                                kind: RunErrorKind::Script(format!(
                                    "setNextRequest: no request named `{name}` in this run of the collection"
                                )),
                                assert: true,
                            });
                            stop = true;
                        }
                    }
                }
            }
            self.listener.request_finished(&self.unit, &result);
            let failed = matches!(result.status(), Status::Failed | Status::Errored);
            out.keep(result);
            if failed && self.options.bail {
                bail = true;
                break;
            }
            if stop {
                break;
            }
        }
        let scopes = scripts.map(|s| {
            let (set, scopes) = s.into_parts();
            out.variables = set.into_iter().collect();
            scopes
        });
        out.duration = start.elapsed();
        (out, bail, scopes)
    }

    /// Runs the pre-request scripts of `req`. `Err` ends the request: a script stopped or
    /// skipped it. On success, the script request as it ends, if a script changed it.
    async fn pre_request(
        &self,
        req: &RequestDef,
        cx: &Context<'_>,
        scope: &mut Vars,
        scripts: &mut UnitScripts,
        result: &mut RequestResult,
        next: &mut Next,
    ) -> Result<Option<(script::ScriptRequest, script::ScriptRequest)>, ()> {
        let before = scripts::written(req);
        let mut request = before.clone();
        let sender = self.sender(req, scripts::redirect_policy(req, self.engine, scope));
        for def in &req.scripts.pre_request {
            let out = scripts
                .run(
                    def,
                    Event::PreRequest,
                    cx,
                    &mut request,
                    None,
                    &[],
                    &sender,
                    scope,
                    self.engine,
                )
                .await;
            result.console.extend(scripts::console(&out));
            result.asserts.extend(scripts::tests(def, &out));
            if out.next_request.is_some() {
                *next = out.next_request.clone();
            }
            if let Some(e) = &out.error {
                result
                    .errors
                    .push(scripts::error(def, Event::PreRequest, e));
                return Err(());
            }
            if out.skip_request {
                result.skipped = Some("pm.execution.skipRequest()".into());
                return Err(());
            }
        }
        Ok((request != before).then_some((before, request)))
    }

    /// The `pm.sendRequest` sender of a request.
    fn sender(&self, req: &RequestDef, redirects: crate::http::RedirectPolicy) -> ScriptSender<'_> {
        ScriptSender {
            client: self.client,
            masker: self.masker,
            timeout: req.timeout.unwrap_or(self.options.timeout),
            max_body: req.max_body.unwrap_or(self.options.max_body),
            redirects,
        }
    }

    async fn run_request(
        &self,
        collection: &Collection,
        req: &RequestDef,
        scope: &mut Vars,
        scripts: Option<&mut UnitScripts>,
    ) -> (RequestResult, Next) {
        let mut next = None;
        let result = self
            .run_request_inner(collection, req, scope, scripts, &mut next)
            .await;
        (result, next)
    }

    async fn run_request_inner(
        &self,
        collection: &Collection,
        req: &RequestDef,
        scope: &mut Vars,
        mut scripts: Option<&mut UnitScripts>,
        next: &mut Next,
    ) -> RequestResult {
        let mut result = RequestResult {
            name: req.name.clone(),
            path: req.path(),
            span: req.span.clone(),
            method: req.method.clone(),
            ..RequestResult::default()
        };
        if req.skip {
            result.skipped = Some("skip: true".into());
            return result;
        }
        if let Some(cond) = &req.skip_if {
            match self.engine.render(cond, scope) {
                Ok(v) if truthy(&v) => {
                    result.skipped = Some(format!("skip_if: {}", cond.src));
                    return result;
                }
                Ok(_) => {}
                Err(e) => {
                    let error = RunError {
                        span: e.span.clone(),
                        kind: RunErrorKind::Template(e),
                        assert: true,
                    };
                    self.fail_before_sending(collection, req, error, scope, &mut result);
                    return result;
                }
            }
        }
        if let Some(d) = req.delay {
            tokio::time::sleep(d).await;
        }
        let path = result.path.clone();
        let cx = Context {
            request: req,
            path: &path,
            iteration: self.unit.iteration,
            iterations: self.iterations,
        };
        let mut changes = None;
        if let Some(s) = scripts.as_deref_mut()
            && !req.scripts.pre_request.is_empty()
        {
            match self
                .pre_request(req, &cx, scope, s, &mut result, next)
                .await
            {
                Ok(c) => changes = c,
                Err(()) => return result,
            }
        }
        let pre_tests = std::mem::take(&mut result.asserts);
        let renderer = Renderer {
            engine: self.engine,
            scope,
            masker: self.masker,
            dir: &collection.dir,
            file_root: &collection.file_root,
            tokens: self.tokens,
            export: None,
        };
        let (mut prepared, oauth) = match renderer.prepare(req, self.options).await {
            Ok(p) => p,
            Err(e) => {
                self.fail_before_sending(collection, req, e, scope, &mut result);
                result.asserts = pre_tests;
                return result;
            }
        };
        if let Some((before, after)) = &changes
            && let Err(message) =
                scripts::apply_changes(&mut prepared, before, after, scope, self.masker)
        {
            result.errors.push(RunError {
                span: req.span.clone(),
                kind: RunErrorKind::Request(message),
                assert: true,
            });
            result.asserts = pre_tests;
            return result;
        }
        result.url = Some(prepared.url.to_string());
        let retries = req.retry.as_ref().map(|r| r.count).unwrap_or(0);
        loop {
            result.attempts += 1;
            result.asserts.clear();
            result.errors.clear();
            let sent = refresh::send(
                self.client,
                self.tokens,
                oauth.as_ref(),
                &mut prepared,
                result.attempts == 1,
            )
            .await;
            let (exchanges, error) = match sent {
                Ok(sent) => sent,
                Err((exchanges, refused)) => {
                    let why = match refused {
                        Refused::First(e) => format!(
                            "the server refused the access token (HTTP 401) and refreshing it failed: {e}"
                        ),
                        // Told in full to the request whose refresh failed.
                        Refused::Again { .. } => "the server refused the access token (HTTP 401); refreshing it failed for an earlier request".into(),
                    };
                    result.errors.push(RunError {
                        span: oauth
                            .as_ref()
                            .and_then(|o| o.span.clone())
                            .or_else(|| req.span.clone()),
                        kind: RunErrorKind::Auth(why),
                        assert: false,
                    });
                    result.exchanges = exchanges;
                    return result;
                }
            };
            result.duration = exchanges.iter().map(|e| e.timings.total).sum();
            result.exchanges = exchanges;
            if let Some(e) = &error {
                result.errors.push(RunError {
                    span: req.span.clone(),
                    kind: RunErrorKind::Http(e.clone()),
                    assert: false,
                });
            } else if let Some(last) = result.exchanges.last() {
                result.asserts = self.assertions(req, last, result.duration, scope);
            }
            let again = result.attempts <= retries
                && req
                    .retry
                    .as_ref()
                    .is_some_and(|r| should_retry(&r.on, &result, error.as_ref()));
            if !again {
                break;
            }
            if let Some(r) = &req.retry {
                tokio::time::sleep(r.delay).await;
            }
        }
        if let Some(last) = result.exchanges.last().filter(|_| result.errors.is_empty()) {
            let view = ResponseView::new(
                last.response.status.as_u16(),
                &last.response.headers,
                &last.response.body,
                result.duration,
            );
            for cap in &req.captures {
                match assert::capture(cap, &view) {
                    Ok(value) => result.captures.push((cap.name.clone(), value)),
                    Err(reason) => result.errors.push(RunError {
                        span: cap.span.clone(),
                        kind: RunErrorKind::Capture {
                            name: cap.name.clone(),
                            reason,
                        },
                        assert: true,
                    }),
                }
            }
        }
        for (name, value) in &result.captures {
            scope.capture(name, value);
            if let Some(s) = scripts.as_deref_mut() {
                s.captured(name, value);
            }
        }
        if !result.captures.is_empty() {
            scope.refresh(self.engine);
        }
        let declared = std::mem::replace(&mut result.asserts, pre_tests);
        result.asserts.extend(declared);
        if let Some(s) = scripts
            && !req.scripts.test.is_empty()
            && let Some(last) = result.exchanges.last()
        {
            let response = scripts::response(last, result.duration);
            let cookies = scripts::cookies(last);
            let mut request = scripts::sent(req, &prepared);
            let sender = self.sender(req, prepared.redirects.clone());
            for def in &req.scripts.test {
                let out = s
                    .run(
                        def,
                        Event::Test,
                        &cx,
                        &mut request,
                        Some(&response),
                        &cookies,
                        &sender,
                        scope,
                        self.engine,
                    )
                    .await;
                result.console.extend(scripts::console(&out));
                result.asserts.extend(scripts::tests(def, &out));
                if out.next_request.is_some() {
                    *next = out.next_request.clone();
                }
                if let Some(e) = &out.error {
                    result.errors.push(scripts::error(def, Event::Test, e));
                }
            }
        }
        result
    }

    /// Records why `req` could not be prepared: as its own error, or as the cause for which
    /// it is not sent when what it needs failed earlier (and was reported there).
    fn fail_before_sending(
        &self,
        collection: &Collection,
        req: &RequestDef,
        error: RunError,
        scope: &Vars,
        result: &mut RequestResult,
    ) {
        match unsent::cause(collection, self.earlier, req, &error, scope, self.engine) {
            Some(why) => result.not_sent = Some(why),
            None => result.errors.push(error),
        }
    }

    fn assertions(
        &self,
        req: &RequestDef,
        last: &Exchange,
        duration: Duration,
        scope: &Vars,
    ) -> Vec<assert::AssertOutcome> {
        let view = ResponseView::new(
            last.response.status.as_u16(),
            &last.response.headers,
            &last.response.body,
            duration,
        );
        let mut out = Vec::new();
        for def in &req.asserts {
            let resolve = |v: &Value| -> Result<Value, String> {
                if !contains_template(v) {
                    return Ok(v.clone());
                }
                let t = JsonTemplate {
                    value: v.clone(),
                    span: def.span.clone(),
                };
                self.engine.render_json(&t, scope).map_err(|e| e.message)
            };
            out.extend(assert::eval(def, &view, &resolve));
        }
        out
    }
}

fn should_retry(on: &[RetryOn], result: &RequestResult, error: Option<&HttpError>) -> bool {
    let status = result.final_status();
    on.iter().any(|cond| match cond {
        RetryOn::Status(code) => status == Some(*code),
        RetryOn::Class(class) => status.is_some_and(|s| s / 100 == *class),
        RetryOn::Timeout => matches!(error, Some(HttpError::Timeout { .. })),
        RetryOn::Connection => matches!(error, Some(HttpError::Connect { .. })),
        RetryOn::Assertion => result.asserts.iter().any(assert::AssertOutcome::failed),
    })
}
