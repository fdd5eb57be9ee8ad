//! The engine and the `pm` API, script by script.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::*;

/// A sender for scripts that send nothing.
struct NoSender;

impl Sender for NoSender {
    fn send<'a>(
        &'a self,
        request: SendRequest,
    ) -> Pin<Box<dyn Future<Output = Result<ScriptResponse, String>> + 'a>> {
        Box::pin(async move { Err(format!("connection refused ({})", request.url)) })
    }
}

/// What one run needs, owned.
struct Fixture {
    event: Event,
    scopes: Scopes,
    request: ScriptRequest,
    response: Option<ScriptResponse>,
    cookies: Vec<(String, String)>,
}

impl Fixture {
    fn pre() -> Fixture {
        Fixture {
            event: Event::PreRequest,
            scopes: Scopes::default(),
            request: ScriptRequest {
                name: "Get user".into(),
                method: "GET".into(),
                url: "{{base_url}}/users/{{id}}?page=2".into(),
                headers: vec![("Accept".into(), "application/json".into())],
                body: None,
            },
            response: None,
            cookies: Vec::new(),
        }
    }

    fn test(body: &str) -> Fixture {
        Fixture {
            event: Event::Test,
            response: Some(ScriptResponse {
                code: 200,
                status: "OK".into(),
                headers: vec![
                    ("Content-Type".into(), "application/json".into()),
                    ("X-Trace".into(), "abc".into()),
                ],
                body: bytes::Bytes::from(body.to_string()),
                time_ms: 12,
                size: body.len() as u64 + 40,
            }),
            ..Fixture::pre()
        }
    }

    async fn run(&mut self, engine: &mut Engine, text: &str) -> Outcome {
        self.run_with(engine, text, &NoSender).await
    }

    async fn run_with(&mut self, engine: &mut Engine, text: &str, sender: &dyn Sender) -> Outcome {
        let exec = Exec {
            event: self.event,
            request_name: "Get user",
            request_id: "users/get-user",
            iteration: 1,
            iteration_count: 3,
            scopes: &mut self.scopes,
            request: &mut self.request,
            response: self.response.as_ref(),
            cookies: &self.cookies,
            sender,
        };
        engine.run(text, exec).await
    }
}

async fn run_test(body: &str, text: &str) -> Outcome {
    let mut engine = Engine::new(Limits::default());
    Fixture::test(body).run(&mut engine, text).await
}

fn error(outcome: &Outcome) -> Option<&str> {
    outcome.error.as_ref().map(|e| e.message.as_str())
}

fn console(outcome: &Outcome) -> Vec<String> {
    outcome.console.iter().map(|(_, s)| s.clone()).collect()
}

fn passed(outcome: &Outcome) -> Vec<(String, bool)> {
    outcome
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.passed))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_thrown_error_stops_the_script_with_its_position() {
    let outcome = run_test(
        "{}",
        "var a = 1;\nconsole.log('before');\nvar o = null;\nvar b = o.x;\nconsole.log('after');",
    )
    .await;
    let error = outcome.error.clone().expect("an error");
    assert_eq!(error.message, "TypeError: cannot read property 'x' of null");
    assert_eq!((error.line, error.col), (Some(4), Some(9)));
    assert_eq!(console(&outcome), ["before"]);
}

#[tokio::test(flavor = "current_thread")]
async fn an_error_on_the_first_line_has_the_scripts_own_column() {
    let outcome = run_test("{}", "x.y = 1;").await;
    let error = outcome.error.clone().expect("an error");
    assert_eq!(error.message, "ReferenceError: x is not defined");
    assert_eq!((error.line, error.col), (Some(1), Some(1)));
}

#[tokio::test(flavor = "current_thread")]
async fn a_syntax_error_has_its_line_and_column() {
    let outcome = run_test("{}", "var a = 1;\nvar b = (2 + ;\n").await;
    let error = outcome.error.clone().expect("an error");
    assert_eq!(
        error.message,
        "SyntaxError: unexpected token in expression: ';'"
    );
    assert_eq!((error.line, error.col), (Some(2), Some(14)));
    let checked = check("var a = 1;\nvar b = (2 + ;\n").expect_err("a syntax error");
    assert_eq!(checked, error);
    assert_eq!(check("pm.test('x', () => {});"), Ok(()));
}

#[test]
fn check_compiles_without_running() {
    // The text would leave its wrapper and loop forever if it were evaluated.
    assert_eq!(check("}); while (true) {} (function () {"), Ok(()));
    assert_eq!(
        check("const r = await pm.sendRequest('http://127.0.0.1:9/');"),
        Ok(())
    );
}

#[tokio::test(flavor = "current_thread")]
async fn pm_test_records_passes_and_failures_in_order() {
    let outcome = run_test(
        r#"{"id": 7}"#,
        r#"
pm.test("status is 200", function () { pm.expect(pm.response.code).to.equal(200); });
pm.test("id is 8", () => { pm.expect(pm.response.json().id).to.equal(8); });
pm.test("throws", function () { throw new TypeError("bad"); });
pm.test.skip("later", function () { throw new Error("never"); });
"#,
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        outcome.tests,
        vec![
            TestResult {
                name: "status is 200".into(),
                passed: true,
                skipped: false,
                error: None,
                line: None,
                col: None,
            },
            TestResult {
                name: "id is 8".into(),
                passed: false,
                skipped: false,
                error: Some("AssertionError: expected 7 to equal 8".into()),
                line: Some(3),
                col: Some(64),
            },
            TestResult {
                name: "throws".into(),
                passed: false,
                skipped: false,
                error: Some("TypeError: bad".into()),
                line: Some(4),
                col: Some(43),
            },
            TestResult {
                name: "later".into(),
                passed: true,
                skipped: true,
                error: None,
                line: None,
                col: None,
            },
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_endless_loop_stops_at_the_time_limit() {
    let limits = Limits {
        time: Duration::from_millis(200),
        ..Limits::default()
    };
    let mut engine = Engine::new(limits);
    let mut fixture = Fixture::test("{}");
    let started = std::time::Instant::now();
    let outcome = fixture
        .run(&mut engine, "pm.test('before', () => {});\ntry { while (true) {} } catch (e) { console.log('caught'); }")
        .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(
        error(&outcome),
        Some("the script ran longer than 200ms and was stopped")
    );
    assert!(outcome.console.is_empty());
    assert_eq!(passed(&outcome), [("before".to_string(), true)]);
    // The runtime is still usable.
    let next = fixture.run(&mut engine, "console.log('next')").await;
    assert_eq!(next.error, None);
    assert_eq!(console(&next), ["next"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_memory_hog_stops_at_the_memory_limit_and_the_next_run_works() {
    let limits = Limits {
        memory: 16 * 1024 * 1024,
        ..Limits::default()
    };
    let mut engine = Engine::new(limits);
    let mut fixture = Fixture::test("{}");
    globals_persist(&mut engine, &mut fixture).await;
    let outcome = fixture
        .run(
            &mut engine,
            "var a = []; while (true) { a.push('x'.repeat(1000) + a.length); }",
        )
        .await;
    assert_eq!(
        error(&outcome),
        Some("the script used more than 16 MiB of memory and was stopped")
    );
    // A hog that catches the error does not keep the runtime either.
    let caught = fixture
        .run(&mut engine, "var a = []; try { while (true) { a.push('x'.repeat(1000) + a.length); } } catch (e) { console.log(String(e)); }")
        .await;
    assert_eq!(
        error(&caught),
        Some("the script used more than 16 MiB of memory and was stopped")
    );
    let next = fixture.run(&mut engine, "console.log(typeof utils)").await;
    assert_eq!(next.error, None);
    assert_eq!(console(&next), ["undefined"]);
}

async fn globals_persist(engine: &mut Engine, fixture: &mut Fixture) {
    let first = fixture
        .run(
            engine,
            "var local = 1; utils = { twice: function (x) { return 2 * x; } };",
        )
        .await;
    assert_eq!(first.error, None);
    let second = fixture
        .run(engine, "console.log(typeof local, utils.twice(21))")
        .await;
    assert_eq!(console(&second), ["undefined 42"]);
}

#[tokio::test(flavor = "current_thread")]
async fn the_sandbox_has_no_file_system_process_or_modules() {
    let outcome = run_test(
        "{}",
        r#"
console.log(typeof process, typeof std, typeof os, typeof require, typeof CryptoJS);
try { require('fs'); } catch (e) { console.log(e.message); }
try { require('child_process'); } catch (e) { console.log(e.message); }
console.log(require('crypto-js') === CryptoJS);
try { eval('import("fs")').catch(function (e) { console.log('import:', e.name); }); } catch (e) { console.log('import:', e.name); }
"#,
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "undefined undefined undefined function object",
            "require('fs') is not available in runner's sandbox",
            "require('child_process') is not available in runner's sandbox",
            "true",
            "import: ReferenceError",
        ]
    );
}

fn map(pairs: &[(&str, serde_json::Value)]) -> indexmap::IndexMap<String, serde_json::Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn variables_follow_postmans_scopes_and_precedence() {
    use serde_json::json;
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::pre();
    fixture.scopes.globals = map(&[("host", json!("globals.example")), ("g", json!("G"))]);
    fixture.scopes.collection = map(&[("host", json!("collection.example")), ("c", json!(1))]);
    fixture.scopes.environment = map(&[("host", json!("env.example")), ("token", json!("t0"))]);
    fixture.scopes.data = map(&[("row", json!("r1")), ("token", json!("data-token"))]);
    let outcome = fixture
        .run(
            &mut engine,
            r#"
console.log(pm.variables.get('host'), pm.variables.get('token'), pm.variables.get('g'), pm.variables.get('nope'));
console.log(pm.environment.get('host'), pm.collectionVariables.get('c'), pm.globals.get('host'), pm.iterationData.get('row'));
console.log(pm.environment.has('token'), pm.environment.has('row'), pm.variables.has('row'), pm.iterationData.has('host'));
pm.variables.set('host', 'local.example');
console.log(pm.variables.get('host'), pm.environment.get('host'));
pm.environment.set('user', {id: 7, tags: ['a']});
pm.environment.set('count', 3);
pm.collectionVariables.set('flag', true);
pm.globals.unset('g');
pm.iterationData.set('row', 'changed');
console.log(pm.iterationData.get('row'), typeof pm.environment.get('user'), pm.environment.get('user').tags[0]);
console.log(pm.variables.replaceIn('{{host}}/u/{{ row }}?t={{token}}&x={{missing}}&{{count}}'));
console.log(pm.environment.replaceIn('{{host}} {{row}}'));
console.log(JSON.stringify(pm.collectionVariables.toObject()));
console.log(JSON.stringify(pm.variables.toObject()));
"#,
        )
        .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "env.example data-token G undefined",
            "env.example 1 globals.example r1",
            "true false true false",
            "local.example env.example",
            "r1 object a",
            "local.example/u/r1?t=data-token&x={{missing}}&3",
            "env.example {{row}}",
            r#"{"host":"collection.example","c":1,"flag":true}"#,
            r#"{"host":"local.example","c":1,"flag":true,"token":"data-token","user":{"id":7,"tags":["a"]},"count":3,"row":"r1"}"#,
        ]
    );
    let scopes = &fixture.scopes;
    assert_eq!(scopes.local, map(&[("host", json!("local.example"))]));
    assert_eq!(
        scopes.environment.get("user"),
        Some(&json!({"id": 7, "tags": ["a"]}))
    );
    assert_eq!(scopes.environment.get("count"), Some(&json!(3)));
    assert_eq!(scopes.collection.get("flag"), Some(&json!(true)));
    assert_eq!(scopes.globals.get("g"), None);
    assert_eq!(scopes.data.get("row"), Some(&json!("r1")));
    let changed: Vec<&str> = scopes.changed.iter().map(String::as_str).collect();
    assert_eq!(changed, ["host", "user", "count", "flag", "g"]);
}

#[tokio::test(flavor = "current_thread")]
async fn clear_and_unset_are_recorded_as_changes() {
    use serde_json::json;
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::pre();
    fixture.scopes.environment = map(&[("a", json!("1")), ("b", json!("2"))]);
    let outcome = fixture
        .run(
            &mut engine,
            "pm.environment.clear(); console.log(JSON.stringify(pm.environment.toObject()));",
        )
        .await;
    assert_eq!(console(&outcome), ["{}"]);
    assert!(fixture.scopes.environment.is_empty());
    let changed: Vec<&str> = fixture.scopes.changed.iter().map(String::as_str).collect();
    assert_eq!(changed, ["a", "b"]);
}

#[tokio::test(flavor = "current_thread")]
async fn the_legacy_sandbox_reads_and_writes_the_same_scopes() {
    use serde_json::json;
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::test(r#"{"token":"abc"}"#);
    fixture.scopes.environment = map(&[("env", json!("E"))]);
    fixture.scopes.globals = map(&[("glob", json!("G"))]);
    fixture.scopes.data = map(&[("row", json!("R"))]);
    fixture.request.body = Some(r#"{"q":1}"#.into());
    fixture.cookies = vec![("session".into(), "s1".into())];
    let outcome = fixture
        .run(
            &mut engine,
            r#"
var data2 = JSON.parse(responseBody);
postman.setEnvironmentVariable('token', data2.token);
postman.setGlobalVariable('g2', 'x');
console.log(postman.getEnvironmentVariable('token'), postman.getGlobalVariable('glob'), environment.env, globals.glob, data.row, iteration);
console.log(responseCode.code, responseCode.name, responseTime, responseHeaders['Content-Type'], postman.getResponseHeader('x-trace'));
console.log(request.method, request.url, request.headers.Accept, request.data);
console.log(JSON.stringify(postman.getResponseCookie('session')), JSON.stringify(responseCookies));
tests['status is 200'] = responseCode.code === 200;
tests['has name'] = data2.name !== undefined;
postman.clearEnvironmentVariable('env');
data = JSON.parse(responseBody);
console.log(data.token);
"#,
        )
        .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "abc G E G R 1",
            "200 OK 12 application/json abc",
            r#"GET {{base_url}}/users/{{id}}?page=2 application/json {"q":1}"#,
            r#"{"name":"session","value":"s1"} [{"name":"session","value":"s1"}]"#,
            "abc",
        ]
    );
    assert_eq!(
        passed(&outcome),
        [
            ("status is 200".to_string(), true),
            ("has name".to_string(), false)
        ]
    );
    assert_eq!(
        outcome.tests[1].error.as_deref(),
        Some("AssertionError: expected false to be truthy")
    );
    assert_eq!(fixture.scopes.environment, map(&[("token", json!("abc"))]));
    assert_eq!(fixture.scopes.globals.get("g2"), Some(&json!("x")));
    // The next script sees fresh legacy globals, and no response ones in the pre-request event.
    fixture.response = None;
    fixture.event = Event::PreRequest;
    let next = fixture.run(&mut engine, "console.log(typeof responseBody, typeof responseCode, data.row, JSON.stringify(tests))").await;
    assert_eq!(console(&next), ["undefined undefined R {}"]);
}

#[tokio::test(flavor = "current_thread")]
async fn pm_response_reads_status_headers_and_body() {
    let outcome = run_test(
        r#"{"id": 7, "items": [1, 2]}"#,
        r#"
const res = pm.response;
console.log(res.code, res.status, res.responseTime, res.responseSize, res.__pm_response);
console.log(res.headers.get('content-type'), res.headers.has('X-TRACE'), res.headers.has('x-trace', 'abc'), res.headers.has('x-trace', 'no'), res.headers.get('nope'));
console.log(JSON.stringify(res.headers.toObject()));
var keys = []; res.headers.each(function (h) { keys.push(h.key); }); console.log(keys.join(','));
console.log(res.text(), res.json().items.length, res.json() === res.json(), res.reason());
console.log(pm.info.eventName, pm.info.requestName, pm.info.requestId, pm.info.iteration, pm.info.iterationCount);
console.log(pm.cookies.get('session'), pm.cookies.has('session'), pm.cookies.has('nope'), JSON.stringify(pm.cookies.toObject()));
"#,
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "200 OK 12 26 true",
            "application/json true true false undefined",
            r#"{"Content-Type":"application/json","X-Trace":"abc"}"#,
            "Content-Type,X-Trace",
            r#"{"id": 7, "items": [1, 2]} 2 true OK"#,
            "test Get user users/get-user 1 3",
            "undefined false false {}",
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn pm_cookies_reads_the_cookies_given() {
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::test("{}");
    fixture.cookies = vec![
        ("session".into(), "s1".into()),
        ("theme".into(), "dark".into()),
    ];
    let outcome = fixture
        .run(&mut engine, "console.log(pm.cookies.get('session'), pm.cookies.has('theme'), pm.cookies.has('x'), JSON.stringify(pm.cookies.toObject()))")
        .await;
    assert_eq!(
        console(&outcome),
        [r#"s1 true false {"session":"s1","theme":"dark"}"#]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn pm_request_reads_and_changes_the_request() {
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::pre();
    fixture.request.url = "https://api.example.com:8443/v1/users?page=2&sort=name#top".into();
    let outcome = fixture
        .run(
            &mut engine,
            r#"
const url = pm.request.url;
console.log(url.toString(), url.getHost(), url.getPath(), url.getQueryString(), url.query.get('page'), url.port, url.protocol);
console.log(pm.request.method, pm.request.headers.get('accept'), pm.request.headers.has('Accept'), JSON.stringify(pm.request.headers.toObject()));
console.log(typeof pm.request.body, pm.request.body.toString() === '', pm.request.name);
pm.request.headers.add({key: 'X-Signature', value: 'sig'});
pm.request.headers.upsert({key: 'accept', value: 'text/plain'});
pm.request.headers.remove('X-Missing');
pm.request.url.query.add({key: 'extra', value: '1'});
pm.request.method = 'POST';
pm.request.body.update(JSON.stringify({a: 1}));
"#,
        )
        .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "https://api.example.com:8443/v1/users?page=2&sort=name#top api.example.com /v1/users page=2&sort=name 2 8443 https",
            r#"GET application/json true {"Accept":"application/json"}"#,
            "object true Get user",
        ]
    );
    assert_eq!(
        fixture.request,
        ScriptRequest {
            name: "Get user".into(),
            method: "POST".into(),
            url: "https://api.example.com:8443/v1/users?page=2&sort=name&extra=1#top".into(),
            headers: vec![
                ("Accept".into(), "text/plain".into()),
                ("X-Signature".into(), "sig".into())
            ],
            body: Some(r#"{"a":1}"#.into()),
        }
    );
}

#[tokio::test(flavor = "current_thread")]
async fn an_untouched_request_stays_as_written() {
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::pre();
    fixture.request.url = "{{ base_url }}//odd path?a&b=".into();
    let before = fixture.request.clone();
    let outcome = fixture
        .run(&mut engine, "console.log(pm.request.url.toString(), pm.request.url.getHost()); pm.request.headers.get('x');")
        .await;
    assert_eq!(
        console(&outcome),
        ["{{ base_url }}//odd path?a&b= {{ base_url }}"]
    );
    assert_eq!(fixture.request, before);
    let replaced = fixture
        .run(&mut engine, "pm.request.url = 'http://127.0.0.1:1/x';")
        .await;
    assert_eq!(replaced.error, None);
    assert_eq!(fixture.request.url, "http://127.0.0.1:1/x");
}

#[tokio::test(flavor = "current_thread")]
async fn console_formats_its_arguments_like_node() {
    let outcome = run_test(
        "{}",
        r#"
console.log('plain', 1, true, null, undefined, {a: 1, 'b-c': 'x', d: [1, 'two', {e: null}]}, [], {});
console.info('%s is %d years and %i%%', 'Ann', 42.5, 7.9);
console.warn(new Error('boom').message, function named() {}, [1, [2, [3, [4]]]]);
console.error({deep: {er: {est: {x: 1}}}});
console.debug('debug');
"#,
    )
    .await;
    assert_eq!(
        outcome.console,
        [
            (Level::Log, "plain 1 true null undefined { a: 1, 'b-c': 'x', d: [ 1, 'two', { e: null } ] } [] {}".to_string()),
            (Level::Info, "Ann is 42.5 years and 7%".to_string()),
            (Level::Warn, "boom [Function: named] [ 1, [ 2, [ 3, [Array] ] ] ]".to_string()),
            (Level::Error, "{ deep: { er: { est: [Object] } } }".to_string()),
            (Level::Log, "debug".to_string()),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn atob_btoa_and_next_request() {
    let outcome = run_test(
        "{}",
        r#"
console.log(btoa('user:pässword'), atob('dXNlcjpwYXNz'), atob(btoa('\x00\xff')) === '\x00\xff');
try { btoa('€'); } catch (e) { console.log(e.message); }
postman.setNextRequest('Login');
"#,
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "dXNlcjpw5HNzd29yZA== user:pass true",
            "InvalidCharacterError: the string contains characters outside of the Latin1 range"
        ]
    );
    assert_eq!(outcome.next_request, Some(Some("Login".into())));
    let stop = run_test("{}", "pm.execution.setNextRequest(null); pm.execution.skipRequest(); pm.visualizer.set('<b>x</b>', {});").await;
    assert_eq!(stop.next_request, Some(None));
    assert!(stop.skip_request);
    let none = run_test("{}", "1").await;
    assert_eq!(none.next_request, None);
    assert!(!none.skip_request);
}

#[tokio::test(flavor = "current_thread")]
async fn async_tests_done_callbacks_and_timers_are_awaited() {
    let outcome = run_test(
        "{}",
        r#"
pm.test('async passes', async function () { await Promise.resolve(1); pm.expect(1).to.equal(1); });
pm.test('async fails', async () => { await null; pm.expect(1).to.equal(2); });
pm.test('done passes', function (done) { setTimeout(function () { done(); }, 20); });
pm.test('done fails', function (done) { setTimeout(function () { done(new Error('late')); }, 10); });
pm.test('done never', function (done) {});
pm.test('promise fails', function () { return Promise.reject(new TypeError('nope')); });
setTimeout(function (a) { console.log('timer', a); }, 60, 'arg');
var n = 0; var id = setInterval(function () { if (++n === 3) { clearInterval(id); console.log('interval', n); } }, 1);
console.log('sync part');
"#,
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(console(&outcome), ["sync part", "interval 3", "timer arg"]);
    let results: Vec<(String, bool, Option<String>)> = outcome
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.passed, t.error.clone()))
        .collect();
    assert_eq!(
        results,
        [
            ("async passes".to_string(), true, None),
            (
                "async fails".to_string(),
                false,
                Some("AssertionError: expected 1 to equal 2".to_string())
            ),
            ("done passes".to_string(), true, None),
            (
                "done fails".to_string(),
                false,
                Some("Error: late".to_string())
            ),
            (
                "done never".to_string(),
                false,
                Some("the test did not finish: its callback was not called".to_string())
            ),
            (
                "promise fails".to_string(),
                false,
                Some("TypeError: nope".to_string())
            ),
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn top_level_await_and_uncaught_rejections() {
    let outcome = run_test("{}", "const v = await Promise.resolve(5);\nconsole.log(v);\nawait Promise.reject(new Error('late failure'));").await;
    assert_eq!(console(&outcome), ["5"]);
    assert_eq!(error(&outcome), Some("Error: late failure"));
    assert_eq!(outcome.error.as_ref().and_then(|e| e.line), Some(3));
}

#[tokio::test(flavor = "current_thread")]
async fn a_timer_past_the_time_limit_stops_the_script() {
    let mut engine = Engine::new(Limits {
        time: Duration::from_millis(100),
        ..Limits::default()
    });
    let mut fixture = Fixture::test("{}");
    let outcome = fixture
        .run(
            &mut engine,
            "setTimeout(function () { console.log('never'); }, 10000);",
        )
        .await;
    assert_eq!(
        error(&outcome),
        Some("the script ran longer than 100ms and was stopped")
    );
    assert!(outcome.console.is_empty());
}

/// A `pm.sendRequest` sender on reqwest, for the loopback server of these tests.
struct HttpSender(reqwest::Client);

impl Sender for HttpSender {
    fn send<'a>(
        &'a self,
        request: SendRequest,
    ) -> Pin<Box<dyn Future<Output = Result<ScriptResponse, String>> + 'a>> {
        Box::pin(async move {
            let method = reqwest::Method::from_bytes(request.method.as_bytes())
                .map_err(|e| e.to_string())?;
            let mut builder = self.0.request(method, &request.url);
            for (k, v) in &request.headers {
                builder = builder.header(k, v);
            }
            if let Some(body) = request.body {
                builder = builder.body(body);
            }
            let started = std::time::Instant::now();
            let response = builder
                .send()
                .await
                .map_err(|_| format!("connection refused ({})", request.url))?;
            let code = response.status().as_u16();
            let status = response
                .status()
                .canonical_reason()
                .unwrap_or("")
                .to_string();
            let headers: Vec<(String, String)> = response
                .headers()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                .collect();
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            Ok(ScriptResponse {
                code,
                status,
                size: body.len() as u64,
                headers,
                body,
                time_ms: started.elapsed().as_millis() as u64,
            })
        })
    }
}

/// A loopback server: `/echo` answers with the request as JSON, `/slow` after two seconds.
async fn echo_server() -> String {
    use axum::routing::any;
    async fn echo(
        method: axum::http::Method,
        headers: axum::http::HeaderMap,
        body: String,
    ) -> axum::response::Response {
        let names: serde_json::Map<String, serde_json::Value> = headers
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    serde_json::Value::String(v.to_str().unwrap_or("").to_string()),
                )
            })
            .collect();
        let json = serde_json::json!({"method": method.as_str(), "headers": names, "body": body});
        axum::response::Response::builder()
            .status(201)
            .header("content-type", "application/json")
            .header("set-cookie", "sid=xyz; Path=/")
            .body(axum::body::Body::from(json.to_string()))
            .unwrap_or_default()
    }
    async fn slow() -> &'static str {
        tokio::time::sleep(Duration::from_secs(2)).await;
        "late"
    }
    let app = axum::Router::new()
        .route("/echo", any(echo))
        .route("/slow", any(slow));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{address}")
}

#[tokio::test(flavor = "current_thread")]
async fn send_request_in_callback_and_promise_forms() {
    let base = echo_server().await;
    let sender = HttpSender(reqwest::Client::new());
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::pre();
    fixture.scopes.environment = map(&[("base", serde_json::json!(base))]);
    let script = r#"
const base = pm.environment.get('base');
pm.sendRequest(base + '/echo', function (err, res) {
  console.log('get', err, res.code, res.status, res.json().method, res.headers.get('Content-Type'), res.cookies.get('sid'));
  pm.environment.set('first', res.json().method);
});
pm.sendRequest({
  url: base + '/echo', method: 'POST',
  header: [{key: 'X-One', value: '1'}, {key: 'Content-Type', value: 'application/json'}],
  body: {mode: 'raw', raw: JSON.stringify({a: 1})}
}, (err, res) => {
  const echoed = res.json();
  console.log('post', echoed.method, echoed.headers['x-one'], echoed.body);
  pm.test('posted', () => pm.expect(res.code).to.equal(201));
  res.to.have.status !== undefined;
});
pm.sendRequest({url: base + '/echo', method: 'put', header: {'X-Two': '2'},
  body: {mode: 'urlencoded', urlencoded: [{key: 'a b', value: 'c&d'}, {key: 'off', value: 'x', disabled: true}]}}, function (err, res) {
  const echoed = res.json();
  console.log('form', echoed.method, echoed.headers['x-two'], echoed.headers['content-type'], echoed.body);
});
(async () => {
  const res = await pm.sendRequest(base + '/echo');
  console.log('await', res.code);
  try { await pm.sendRequest('http://127.0.0.1:9/'); } catch (e) { console.log('rejected', e.message); }
})();
pm.sendRequest('http://127.0.0.1:9/', function (err, res) { console.log('refused', err.message, res); });
pm.test('async with sendRequest', async () => {
  const res = await pm.sendRequest(base + '/echo');
  pm.expect(res.code).to.equal(200);
});
"#;
    let outcome = fixture.run_with(&mut engine, script, &sender).await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        console(&outcome),
        [
            "get null 201 Created GET application/json xyz",
            r#"post POST 1 {"a":1}"#,
            "form PUT 2 application/x-www-form-urlencoded a%20b=c%26d",
            "await 201",
            "refused pm.sendRequest: connection refused (http://127.0.0.1:9/) null",
            "rejected pm.sendRequest: connection refused (http://127.0.0.1:9/)",
        ]
    );
    let results: Vec<(String, bool, Option<String>)> = outcome
        .tests
        .iter()
        .map(|t| (t.name.clone(), t.passed, t.error.clone()))
        .collect();
    assert_eq!(
        results,
        [
            (
                "async with sendRequest".to_string(),
                false,
                Some("AssertionError: expected 201 to equal 200".to_string())
            ),
            ("posted".to_string(), true, None),
        ]
    );
    assert_eq!(
        fixture.scopes.environment.get("first"),
        Some(&serde_json::json!("GET"))
    );

    // A request slower than the time limit stops the script.
    let mut quick = Engine::new(Limits {
        time: Duration::from_millis(300),
        ..Limits::default()
    });
    let started = std::time::Instant::now();
    let slow = fixture
        .run_with(&mut quick, "pm.sendRequest(pm.environment.get('base') + '/slow', function () { console.log('never'); });", &sender)
        .await;
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(
        error(&slow),
        Some("the script ran longer than 300ms and was stopped")
    );
    assert!(slow.console.is_empty());
}

/// Per-run cost of a 10-line test script (run with `--release --ignored --nocapture`).
#[tokio::test(flavor = "current_thread")]
#[ignore]
async fn benchmark_a_ten_line_test_script() {
    let body = format!(
        r#"{{"id": 7, "name": "Ann", "items": [{}], "token": "abc"}}"#,
        (0..120)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    assert!(body.len() > 500);
    let script = r#"
pm.test("status is 200", function () {
    pm.response.to.have.status(200);
});
pm.test("body has the user", function () {
    const json = pm.response.json();
    pm.expect(json.id).to.equal(7);
    pm.expect(json.name).to.eql("Ann");
});
pm.environment.set("token", pm.response.json().token);
"#;
    let started = std::time::Instant::now();
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::test(&body);
    let first = fixture.run(&mut engine, script).await;
    println!("first run (runtime + prelude): {:?}", started.elapsed());
    assert_eq!(first.error, None);
    assert!(first.tests.iter().all(|t| t.passed), "{:?}", first.tests);
    let n = 5000;
    let started = std::time::Instant::now();
    for _ in 0..n {
        let outcome = fixture.run(&mut engine, script).await;
        assert_eq!(outcome.tests.len(), 2);
    }
    println!("per run: {:?}", started.elapsed() / n);
    let started = std::time::Instant::now();
    for i in 0..200 {
        let outcome = fixture.run(&mut engine, &format!("{script}// {i}")).await;
        assert_eq!(outcome.tests.len(), 2);
    }
    println!("per run, compiled each time: {:?}", started.elapsed() / 200);
    let started = std::time::Instant::now();
    for _ in 0..200 {
        assert_eq!(check(script), Ok(()));
    }
    println!("check: {:?}", started.elapsed() / 200);
}

/// The cost of a unit's first script: a runtime with the prelude (run with `--release
/// --ignored --nocapture`).
#[tokio::test(flavor = "current_thread")]
#[ignore]
async fn benchmark_runtime_creation() {
    let started = std::time::Instant::now();
    check("1").expect("compiles");
    let mut engine = Engine::new(Limits::default());
    Fixture::test("{}").run(&mut engine, "1").await;
    println!("first engine of the process: {:?}", started.elapsed());
    let started = std::time::Instant::now();
    for _ in 0..50 {
        let mut engine = Engine::new(Limits::default());
        let outcome = Fixture::test("{}").run(&mut engine, "1").await;
        assert_eq!(outcome.error, None);
    }
    println!(
        "each further engine's first run: {:?}",
        started.elapsed() / 50
    );
}

#[tokio::test(flavor = "current_thread")]
async fn deep_recursion_return_and_overwritten_globals() {
    let mut engine = Engine::new(Limits::default());
    let mut fixture = Fixture::test("{}");
    let deep = fixture
        .run(&mut engine, "function f(n) { return f(n + 1) + 1; }\nf(0);")
        .await;
    assert_eq!(
        error(&deep),
        Some("RangeError: Maximum call stack size exceeded")
    );
    assert_eq!(deep.error.as_ref().and_then(|e| e.line), Some(1));
    let early = fixture
        .run(
            &mut engine,
            "console.log('a');\nif (true) return;\nconsole.log('b');",
        )
        .await;
    assert_eq!(early.error, None);
    assert_eq!(console(&early), ["a"]);
    let clobber = fixture
        .run(&mut engine, "pm = {}; postman = null; console = undefined;")
        .await;
    assert_eq!(clobber.error, None);
    let next = fixture
        .run(
            &mut engine,
            "pm.test('still there', () => {}); console.log(typeof postman.setNextRequest);",
        )
        .await;
    assert_eq!(passed(&next), [("still there".to_string(), true)]);
    assert_eq!(console(&next), ["function"]);
}

#[tokio::test(flavor = "current_thread")]
async fn lodash_loads_on_first_use() {
    let outcome = run_test(
        "{}",
        "console.log(typeof _);\nconsole.log(_.VERSION, require('lodash') === _, _.get({a: {b: 2}}, 'a.b'));",
    )
    .await;
    assert_eq!(outcome.error, None);
    assert_eq!(
        outcome.console,
        vec![
            (Level::Log, "function".to_string()),
            (Level::Log, "4.17.21 true 2".to_string())
        ]
    );
}
