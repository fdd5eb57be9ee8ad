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
    outcome.tests.iter().map(|t| (t.name.clone(), t.passed)).collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_thrown_error_stops_the_script_with_its_position() {
    let outcome = run_test("{}", "var a = 1;\nconsole.log('before');\nvar o = null;\nvar b = o.x;\nconsole.log('after');").await;
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
    assert_eq!(error.message, "SyntaxError: unexpected token in expression: ';'");
    assert_eq!((error.line, error.col), (Some(2), Some(14)));
    let checked = check("var a = 1;\nvar b = (2 + ;\n").expect_err("a syntax error");
    assert_eq!(checked, error);
    assert_eq!(check("pm.test('x', () => {});"), Ok(()));
}

#[test]
fn check_compiles_without_running() {
    // The text would leave its wrapper and loop forever if it were evaluated.
    assert_eq!(check("}); while (true) {} (function () {"), Ok(()));
    assert_eq!(check("const r = await pm.sendRequest('http://127.0.0.1:9/');"), Ok(()));
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
            TestResult { name: "status is 200".into(), passed: true, skipped: false, error: None },
            TestResult {
                name: "id is 8".into(),
                passed: false,
                skipped: false,
                error: Some("AssertionError: expected 7 to equal 8".into()),
            },
            TestResult { name: "throws".into(), passed: false, skipped: false, error: Some("TypeError: bad".into()) },
            TestResult { name: "later".into(), passed: true, skipped: true, error: None },
        ]
    );
}


#[tokio::test(flavor = "current_thread")]
async fn an_endless_loop_stops_at_the_time_limit() {
    let limits = Limits { time: Duration::from_millis(200), ..Limits::default() };
    let mut engine = Engine::new(limits);
    let mut fixture = Fixture::test("{}");
    let started = std::time::Instant::now();
    let outcome = fixture
        .run(&mut engine, "pm.test('before', () => {});\ntry { while (true) {} } catch (e) { console.log('caught'); }")
        .await;
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(error(&outcome), Some("the script ran longer than 200ms and was stopped"));
    assert!(outcome.console.is_empty());
    assert_eq!(passed(&outcome), [("before".to_string(), true)]);
    // The runtime is still usable.
    let next = fixture.run(&mut engine, "console.log('next')").await;
    assert_eq!(next.error, None);
    assert_eq!(console(&next), ["next"]);
}

#[tokio::test(flavor = "current_thread")]
async fn a_memory_hog_stops_at_the_memory_limit_and_the_next_run_works() {
    let limits = Limits { memory: 16 * 1024 * 1024, ..Limits::default() };
    let mut engine = Engine::new(limits);
    let mut fixture = Fixture::test("{}");
    globals_persist(&mut engine, &mut fixture).await;
    let outcome = fixture.run(&mut engine, "var a = []; while (true) { a.push('x'.repeat(1000) + a.length); }").await;
    assert_eq!(
        error(&outcome),
        Some("the script used more than 16 MiB of memory and was stopped")
    );
    // A hog that catches the error does not keep the runtime either.
    let caught = fixture
        .run(&mut engine, "var a = []; try { while (true) { a.push('x'.repeat(1000) + a.length); } } catch (e) { console.log(String(e)); }")
        .await;
    assert_eq!(error(&caught), Some("the script used more than 16 MiB of memory and was stopped"));
    let next = fixture.run(&mut engine, "console.log(typeof utils)").await;
    assert_eq!(next.error, None);
    assert_eq!(console(&next), ["undefined"]);
}

async fn globals_persist(engine: &mut Engine, fixture: &mut Fixture) {
    let first = fixture.run(engine, "var local = 1; utils = { twice: function (x) { return 2 * x; } };").await;
    assert_eq!(first.error, None);
    let second = fixture.run(engine, "console.log(typeof local, utils.twice(21))").await;
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
