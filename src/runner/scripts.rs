//! Scripts in a run (`scripts:`): one JavaScript engine and one set of Postman scopes per
//! unit. The engine starts on the unit's first script; a collection without scripts never
//! builds either. What a script sets flows into [`Vars`] as the value Postman's precedence
//! gives; what it changes in the request applies to what is sent; its tests become
//! assertions; `pm.sendRequest` goes through the run's HTTP client.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use indexmap::IndexMap;
use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use crate::http::HttpClient;
use serde_json::Value;

use super::check::contains_template;
use super::literal::check_url;
use super::result::{RunError, RunErrorKind};
use crate::assert::AssertOutcome;
use crate::collection::{BodyDef, Collection, RequestDef, ScriptDef, TrustDef};
use crate::data::Row;
use crate::http::{
    self, Exchange, HostPattern, PreparedBody, PreparedRequest, RedirectPolicy, Trust,
};
use crate::script::{
    self, Event, Exec, Level, Limits, Outcome, Scopes, ScriptRequest, ScriptResponse, SendRequest,
    Sender,
};
use crate::secrets::Masker;
use crate::template::Engine;
use crate::vars::Vars;

/// The scripts' state in one unit.
pub(super) struct UnitScripts {
    js: script::Engine,
    scopes: Scopes,
    /// Names scripts set (their value) or unset (`None`), for the next collection.
    pub(super) set: IndexMap<String, Option<Value>>,
}

/// Which request a script is run for.
pub(super) struct Context<'a> {
    pub(super) request: &'a RequestDef,
    pub(super) path: &'a str,
    pub(super) iteration: usize,
    pub(super) iterations: usize,
}

/// The scopes scripts see at the start of a unit: the collection's variables, the
/// environment's (with `--var` and values carried from earlier units), the data row. `vars`
/// holds no data row yet: a row's value hides no environment value from `pm.environment`.
/// `carried` is the scopes as the last unit with scripts left them in a sequential run, and
/// that unit's collection: its globals and environment go on, its collection variables only
/// into the same collection.
pub(super) fn start_scopes(
    collection: &Collection,
    index: usize,
    vars: &Vars,
    carried: Option<&(usize, Scopes)>,
    row: Option<&Row>,
) -> Scopes {
    let [c, e, _] = vars.script_scopes();
    let mut scopes = Scopes {
        collection: c.into_iter().collect(),
        environment: e.into_iter().collect(),
        data: row
            .map(|r| r.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        ..Scopes::default()
    };
    // A collection variable the environment also defines keeps its own value here.
    for def in &collection.variables {
        if !scopes.collection.contains_key(&def.name) && !contains_template(&def.value) {
            scopes
                .collection
                .insert(def.name.clone(), def.value.clone());
        }
    }
    if let Some((from, last)) = carried {
        scopes.globals = last.globals.clone();
        scopes.environment = last.environment.clone();
        if *from == index {
            scopes.collection = last.collection.clone();
        }
    }
    scopes
}

/// A value `capture:` took: in the environment, unless only the collection has it.
pub(super) fn capture_into(scopes: &mut Scopes, name: &str, value: &Value) {
    if scopes.collection.contains_key(name) && !scopes.environment.contains_key(name) {
        scopes.collection.insert(name.to_string(), value.clone());
    } else {
        scopes.environment.insert(name.to_string(), value.clone());
    }
}

impl UnitScripts {
    /// A unit's scripts, starting from `scopes` (see [`start_scopes`]).
    pub(super) fn new(scopes: Scopes) -> UnitScripts {
        UnitScripts {
            js: script::Engine::new(Limits::default()),
            scopes,
            set: IndexMap::new(),
        }
    }

    /// The scopes as the unit's scripts left them.
    pub(super) fn into_parts(self) -> (IndexMap<String, Option<Value>>, Scopes) {
        (self.set, self.scopes)
    }

    /// Runs one script, then moves the variables it changed into `vars`.
    #[expect(clippy::too_many_arguments, reason = "one script run's whole context")]
    pub(super) async fn run(
        &mut self,
        def: &ScriptDef,
        event: Event,
        cx: &Context<'_>,
        request: &mut ScriptRequest,
        response: Option<&ScriptResponse>,
        cookies: &[(String, String)],
        sender: &dyn Sender,
        vars: &mut Vars,
        engine: &Engine,
    ) -> Outcome {
        let outcome = self
            .js
            .run(
                &def.text,
                Exec {
                    event,
                    request_name: &cx.request.name,
                    request_id: cx.path,
                    iteration: cx.iteration,
                    iteration_count: cx.iterations,
                    scopes: &mut self.scopes,
                    request,
                    response,
                    cookies,
                    sender,
                },
            )
            .await;
        let changed = std::mem::take(&mut self.scopes.changed);
        for name in &changed {
            match self.scopes.effective(name) {
                Some(v) => {
                    vars.script_set(name, v);
                    self.set.insert(name.clone(), Some(v.clone()));
                }
                None => {
                    vars.script_unset(name);
                    self.set.insert(name.clone(), None);
                }
            }
        }
        if !changed.is_empty() {
            vars.refresh(engine);
        }
        outcome
    }

    /// A value `capture:` took.
    pub(super) fn captured(&mut self, name: &str, value: &Value) {
        capture_into(&mut self.scopes, name, value);
    }
}

/// How a script of `event` is named in messages.
pub(super) fn describe(event: Event) -> &'static str {
    match event {
        Event::PreRequest => "pre-request script",
        Event::Test => "test script",
    }
}

/// A script that stopped, as an error of its request at the script's line in the file.
pub(super) fn error(def: &ScriptDef, event: Event, e: &script::ScriptError) -> RunError {
    RunError {
        span: def.position(e.line, e.col),
        kind: RunErrorKind::Script(format!("{}: {}", describe(event), e.message)),
        assert: true,
    }
}

/// A script's tests as assertions: a failed one at the script line its error was thrown
/// from, the others at the script's first line.
pub(super) fn tests(def: &ScriptDef, outcome: &Outcome) -> impl Iterator<Item = AssertOutcome> {
    outcome.tests.iter().map(|t| {
        AssertOutcome::script_test(
            &t.name,
            t.passed,
            t.skipped,
            t.error.as_deref(),
            def.position(t.line, t.col),
        )
    })
}

/// A script's console lines as kept with the request: `log: text`.
pub(super) fn console(outcome: &Outcome) -> impl Iterator<Item = String> {
    outcome.console.iter().map(|(level, text)| {
        let level = match level {
            Level::Log => "log",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        format!("{level}: {text}")
    })
}

/// The request as a pre-request script sees it: its templates as written.
pub(super) fn written(req: &RequestDef) -> ScriptRequest {
    let mut url = req.url.src.clone();
    for (i, (k, v)) in req.query.iter().enumerate() {
        url.push(if i == 0 && !url.contains('?') {
            '?'
        } else {
            '&'
        });
        url.push_str(k);
        url.push('=');
        url.push_str(&v.src);
    }
    let body = match req.body.as_deref() {
        Some(BodyDef::Raw { text, .. }) => Some(text.src.clone()),
        Some(BodyDef::Json(t)) => serde_json::to_string(&t.value).ok(),
        Some(BodyDef::Form(fields)) => Some(
            fields
                .iter()
                .map(|(k, v)| format!("{k}={}", v.src))
                .collect::<Vec<_>>()
                .join("&"),
        ),
        _ => None,
    };
    ScriptRequest {
        name: req.name.clone(),
        method: req.method.clone(),
        url,
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.src.clone()))
            .collect(),
        body,
    }
}

/// The request as a test script sees it: what was sent.
pub(super) fn sent(req: &RequestDef, prepared: &PreparedRequest) -> ScriptRequest {
    ScriptRequest {
        name: req.name.clone(),
        method: prepared.method.to_string(),
        url: prepared.url.to_string(),
        headers: header_pairs(&prepared.headers),
        body: match &prepared.body {
            PreparedBody::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            _ => None,
        },
    }
}

/// `{{name}}` placeholders (Postman's, and `{{ name }}` as templates write them) replaced by
/// the variables' values or a dynamic variable's (`{{$guid}}`); a name without a value stays
/// as written.
pub(super) fn resolve_placeholders(text: &str, vars: &Vars) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        let name = rest[start + 2..start + 2 + len].trim();
        out.push_str(&rest[..start]);
        match vars
            .text(name)
            .or_else(|| name.strip_prefix('$').and_then(script::dynamic::value))
        {
            Some(value) => out.push_str(&value),
            None => out.push_str(&rest[start..start + len + 4]),
        }
        rest = &rest[start + len + 4..];
    }
    out.push_str(rest);
    out
}

/// Applies what pre-request scripts changed (`before` → `after`) to the rendered request.
pub(super) fn apply_changes(
    prepared: &mut PreparedRequest,
    before: &ScriptRequest,
    after: &ScriptRequest,
    vars: &Vars,
    masker: &Masker,
) -> Result<(), String> {
    if after.method != before.method {
        prepared.method = Method::from_bytes(after.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("invalid method `{}` set by a script", after.method))?;
    }
    if after.url != before.url {
        let text = resolve_placeholders(&after.url, vars);
        prepared.url =
            check_url(&text).map_err(|e| format!("{} (set by a script): {}", e.what, e.why))?;
    }
    if after.headers != before.headers {
        let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        for (name, _) in &before.headers {
            if !after.headers.iter().any(|(n, _)| same(n, name)) {
                prepared.headers.remove(name.as_str());
            }
        }
        let mut replaced: Vec<&str> = Vec::new();
        for (name, value) in &after.headers {
            if before
                .headers
                .iter()
                .any(|(n, v)| same(n, name) && v == value)
                && after.headers.iter().filter(|(n, _)| same(n, name)).count()
                    == before.headers.iter().filter(|(n, _)| same(n, name)).count()
            {
                continue;
            }
            let value = resolve_placeholders(value, vars);
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("invalid header name `{name}` set by a script"))?;
            let hv = HeaderValue::from_str(value.trim())
                .map_err(|_| format!("invalid value for header `{name}` set by a script"))?;
            if header == header::AUTHORIZATION || header == header::PROXY_AUTHORIZATION {
                mask_credential(masker, value.trim());
            }
            if replaced.iter().any(|n| same(n, name)) {
                prepared.headers.append(header, hv);
            } else {
                replaced.push(name);
                prepared.headers.insert(header, hv);
            }
        }
    }
    if after.body != before.body {
        prepared.body = match &after.body {
            Some(text) => PreparedBody::Bytes(Bytes::from(resolve_placeholders(text, vars))),
            None => PreparedBody::Empty,
        };
    }
    Ok(())
}

/// An Authorization value a script set: the whole value and its credential are secrets.
fn mask_credential(masker: &Masker, value: &str) {
    masker.add(value);
    if let Some((_, credential)) = value.split_once(' ') {
        masker.add(credential.trim());
    }
}

fn header_pairs(map: &HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

/// The final response of an exchange as scripts see it; `time` is the request's total.
pub(super) fn response(last: &Exchange, time: Duration) -> ScriptResponse {
    let headers = header_pairs(&last.response.headers);
    let header_bytes: usize = headers.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    ScriptResponse {
        code: last.response.status.as_u16(),
        status: last
            .response
            .status
            .canonical_reason()
            .unwrap_or_default()
            .to_string(),
        size: (last.response.body.len() + header_bytes) as u64,
        headers,
        body: last.response.body.clone(),
        time_ms: time.as_millis().min(u128::from(u64::MAX)) as u64,
    }
}

/// The cookies a response sets, as `pm.cookies` lists them.
pub(super) fn cookies(last: &Exchange) -> Vec<(String, String)> {
    last.response
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| {
            let text = String::from_utf8_lossy(v.as_bytes());
            let pair = text.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect()
}

/// The redirect rules of a request before it is rendered: host patterns rendered now.
pub(super) fn redirect_policy(req: &RequestDef, engine: &Engine, vars: &Vars) -> RedirectPolicy {
    let trust = match &req.trust {
        TrustDef::Never => Trust::Never,
        TrustDef::Always => Trust::Always,
        TrustDef::Hosts(patterns) => Trust::Hosts(
            patterns
                .iter()
                .filter_map(|p| engine.render(p, vars).ok())
                .filter_map(|text| HostPattern::parse(&text).ok())
                .collect(),
        ),
    };
    RedirectPolicy {
        follow: req.follow_redirects,
        max: req.max_redirects,
        trust,
    }
}

/// `pm.sendRequest` through the run's client, with the rules of the request being run.
pub(super) struct ScriptSender<'a> {
    pub(super) client: &'a HttpClient,
    pub(super) masker: &'a Masker,
    pub(super) timeout: Duration,
    pub(super) max_body: u64,
    pub(super) redirects: RedirectPolicy,
}

impl ScriptSender<'_> {
    async fn send_one(&self, request: SendRequest) -> Result<ScriptResponse, String> {
        let method = Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("invalid method `{}`", request.method))?;
        let url = check_url(&request.url).map_err(|e| format!("{}: {}", e.what, e.why))?;
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (name, value) in &request.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("invalid header name `{name}`"))?;
            let hv = HeaderValue::from_str(value.trim())
                .map_err(|_| format!("invalid value for header `{name}`"))?;
            if header == header::AUTHORIZATION || header == header::PROXY_AUTHORIZATION {
                mask_credential(self.masker, value.trim());
            }
            headers.append(header, hv);
        }
        let prepared = PreparedRequest {
            method,
            url,
            headers,
            body: request
                .body
                .map_or(PreparedBody::Empty, PreparedBody::Bytes),
            timeout: self.timeout,
            redirects: self.redirects.clone(),
            max_body: self.max_body,
        };
        let start = Instant::now();
        let (exchanges, error) = http::execute(self.client, prepared).await;
        if let Some(e) = error {
            return Err(e.to_string());
        }
        let last = exchanges.last().ok_or_else(|| "no response".to_string())?;
        Ok(response(last, start.elapsed()))
    }
}

impl Sender for ScriptSender<'_> {
    fn send<'a>(
        &'a self,
        request: SendRequest,
    ) -> Pin<Box<dyn Future<Output = Result<ScriptResponse, String>> + 'a>> {
        Box::pin(async move {
            self.send_one(request)
                .await
                .map_err(|e| format!("pm.sendRequest: {}", self.masker.mask(&e)))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn placeholders_take_the_variables_values() {
        let mut vars = Vars::new(BTreeMap::new());
        vars.script_set("id", &serde_json::json!(42));
        vars.script_set("base", &serde_json::json!("http://h"));
        assert_eq!(
            resolve_placeholders("{{base}}/items/{{ id }}?x={{nope}}&y={{", &vars),
            "http://h/items/42?x={{nope}}&y={{"
        );
    }
}
