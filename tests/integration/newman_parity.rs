//! Postman collections with scripts give the same per-test results under
//! `runner import postman` + `runner run` as under Newman 6, the reference runner.
//!
//! Each collection in tests/fixtures/postman-scripts/ runs against one loopback server,
//! first with Newman (installed from the npm registry by the support helper; skipped when
//! Node.js is missing, except under `CI=true`), then imported and run by runner. The tests
//! of every request execution must match: request, test name, and passed, failed or
//! skipped. Tests of one execution are compared as a sorted list, since tests the import
//! translates to `expect:` run before the scripts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path as UrlPath;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::newman::{TestLine, Verdict, newman};
use crate::support::{Output, TestServer, Workspace};

/// The document of `/json`.
const DOCUMENT: &str = r#"{"id":7,"name":"Ann","tags":["a","b","c"],"nested":{"deep":{"x":1}},"active":true,"none":null,"score":4.5,"email":"ann@example.com","empty":[],"blank":""}"#;

/// The key of the HMAC signatures `/signed` checks.
const SIGNING_KEY: &[u8] = b"secret-key";

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route("/json", get(document))
            .route(
                "/text",
                get(|| async { ([("content-type", "text/plain")], "hello runner") }),
            )
            .route("/status/{code}", any(status))
            .route("/echo", any(echo))
            .route("/login", post(login))
            .route("/me", get(me))
            .route("/signed", post(signed)),
    )
}

async fn document() -> Response {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("value"));
    headers.insert("x-trace", "abc-123".parse().expect("value"));
    headers.append("set-cookie", "session=s1; Path=/".parse().expect("value"));
    headers.append("set-cookie", "theme=dark; Path=/".parse().expect("value"));
    (headers, DOCUMENT).into_response()
}

async fn status(UrlPath(code): UrlPath<u16>) -> Response {
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (code, axum::Json(json!({"code": code.as_u16()}))).into_response()
}

/// The request as received: method, headers (lower case), query and body text.
async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    axum::Json(json!({
        "method": method.as_str(),
        "headers": headers,
        "query": query,
        "body": String::from_utf8_lossy(&body),
    }))
    .into_response()
}

/// `{"user": U}` → `{"token": "tok-U"}`.
async fn login(body: Bytes) -> Response {
    let user = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v["user"].as_str().map(str::to_string));
    match user {
        Some(user) => axum::Json(json!({"token": format!("tok-{user}")})).into_response(),
        None => (StatusCode::BAD_REQUEST, "no user").into_response(),
    }
}

/// `Authorization: Bearer tok-U` → `{"user": U}`.
async fn me(headers: HeaderMap) -> Response {
    let user = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer tok-"))
        .filter(|u| !u.is_empty());
    match user {
        Some(user) => axum::Json(json!({"user": user})).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "no token"})),
        )
            .into_response(),
    }
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks the signatures and digests the pre-request script computed over the body.
async fn signed(headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let ts = header("x-timestamp");
    let mut signed = format!("{ts}.").into_bytes();
    signed.extend_from_slice(&body);
    let checks = json!({
        "signature": !ts.is_empty() && header("x-signature") == hex(&hmac_sha256(SIGNING_KEY, &signed)),
        "signature_b64": header("x-signature-b64")
            == base64::engine::general_purpose::STANDARD.encode(hmac_sha256(SIGNING_KEY, &body)),
        "sha256": header("x-content-sha256") == hex(&Sha256::digest(&body)),
        // The body is fixed: {"amount":42}.
        "md5": body.as_ref() == br#"{"amount":42}"#
            && header("x-content-md5") == "45fd086850dfcee931451a8369b751f2",
        "sha1": body.as_ref() == br#"{"amount":42}"#
            && header("x-content-sha1") == "fd77a8a5813612d7743a504ac8f4015cd945ef36",
    });
    let all = checks
        .as_object()
        .is_some_and(|o| o.values().all(|v| v == &Value::Bool(true)));
    let code = if all {
        StatusCode::OK
    } else {
        StatusCode::UNAUTHORIZED
    };
    (code, axum::Json(checks)).into_response()
}

fn fixture(name: &str) -> PathBuf {
    crate::support::repo_root()
        .join("tests/fixtures/postman-scripts")
        .join(name)
}

/// What runner's JSON report gives for the same collection.
struct RunnerRun {
    output: Output,
    tests: Vec<TestLine>,
    /// Requests sent, by name, in order.
    requests: Vec<String>,
    /// Requests with an error that is not a failed assertion (a script error among them).
    errors: Vec<String>,
}

/// The named assertions of a runner JSON report, one line per test: the assertions that
/// an import translated from one `pm.test` share its name and make one test.
fn runner_tests(report: &Value) -> (Vec<TestLine>, Vec<String>, Vec<String>) {
    let empty = Vec::new();
    let mut tests = Vec::new();
    let mut requests = Vec::new();
    let mut errors = Vec::new();
    for iteration in report["iterations"].as_array().unwrap_or(&empty) {
        let index = iteration["iteration"].as_u64().unwrap_or(0) as usize;
        for request in iteration["requests"].as_array().unwrap_or(&empty) {
            if request["status"] == "skipped" {
                continue;
            }
            let name = request["name"].as_str().unwrap_or_default().to_string();
            requests.push(name.clone());
            let mut by_name: Vec<(String, Verdict, Option<String>)> = Vec::new();
            for assertion in request["assertions"].as_array().unwrap_or(&empty) {
                let Some(test) = assertion["name"].as_str() else {
                    continue;
                };
                let message = (assertion["passed"].as_bool() == Some(false)).then(|| {
                    format!(
                        "expected {}, got {}",
                        assertion["expected"].as_str().unwrap_or_default(),
                        assertion["actual"].as_str().unwrap_or_default()
                    )
                });
                let verdict = if assertion["skipped"].as_bool() == Some(true) {
                    Verdict::Skipped
                } else if assertion["passed"].as_bool() == Some(true) {
                    Verdict::Passed
                } else {
                    Verdict::Failed
                };
                match by_name.iter_mut().find(|(n, _, _)| n == test) {
                    Some((_, v, m)) if verdict == Verdict::Failed => {
                        *v = verdict;
                        *m = message;
                    }
                    Some(_) => {}
                    None => by_name.push((test.to_string(), verdict, message)),
                }
            }
            tests.extend(
                by_name
                    .into_iter()
                    .map(|(test, verdict, message)| TestLine {
                        iteration: index,
                        request: name.clone(),
                        test,
                        verdict,
                        message,
                    }),
            );
            for error in request["errors"].as_array().unwrap_or(&empty) {
                if error["assert"].as_bool() != Some(false) {
                    errors.push(format!(
                        "{name}: {}",
                        error["message"].as_str().unwrap_or_default()
                    ));
                }
            }
        }
    }
    (tests, requests, errors)
}

/// Imports `collection` (with `environment`) into a workspace and runs it with runner.
fn run_runner(
    ws: &Workspace,
    collection: &Path,
    environment: Option<&Path>,
    base_url: &str,
    args: &[&str],
) -> RunnerRun {
    let mut import = vec![
        "import".to_string(),
        "postman".into(),
        collection.display().to_string(),
    ];
    if let Some(env) = environment {
        import.extend(["--environment".into(), env.display().to_string()]);
    }
    import.extend(["-o".into(), "imported".into()]);
    let import_args: Vec<&str> = import.iter().map(String::as_str).collect();
    let out = ws.run(&import_args);
    // Every script is kept, as `expect:`/`capture:` or as a script: none uses an API
    // runner lacks.
    out.assert_code(0)
        .assert_contains("requests imported: ")
        .assert_not_contains("APIs runner lacks");
    let yaml = only_file(&ws.path().join("imported/collections"));
    let var = format!("base_url={base_url}");
    let mut run = vec![
        "run".to_string(),
        yaml.display().to_string(),
        "--var".into(),
        var,
        "--reporter".into(),
        "json=runner-report.json".into(),
    ];
    if environment.is_some() {
        let env = only_file(&ws.path().join("imported/environments"));
        run.extend(["-e".into(), env.display().to_string()]);
    }
    run.extend(args.iter().map(|a| a.to_string()));
    let run_args: Vec<&str> = run.iter().map(String::as_str).collect();
    let output = ws.run(&run_args);
    let text = std::fs::read_to_string(ws.path().join("runner-report.json")).unwrap_or_else(|e| {
        panic!(
            "runner wrote no report ({e})\n--- stdout\n{}\n--- stderr\n{}",
            output.stdout, output.stderr
        )
    });
    let report: Value = serde_json::from_str(&text).expect("runner's report is JSON");
    let (tests, requests, errors) = runner_tests(&report);
    RunnerRun {
        output,
        tests,
        requests,
        errors,
    }
}

/// The one file in `dir`.
fn only_file(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(files.len(), 1, "one file in {}: {files:?}", dir.display());
    files.remove(0)
}

/// The tests of one request execution: iteration, request, and (test, verdict) sorted.
type Execution = (usize, String, Vec<(String, Verdict)>);

/// Tests grouped by request execution, each group sorted: the form compared.
fn grouped(tests: &[TestLine]) -> Vec<Execution> {
    let mut groups: Vec<Execution> = Vec::new();
    for t in tests {
        match groups.last_mut() {
            Some((i, r, g)) if *i == t.iteration && *r == t.request => {
                g.push((t.test.clone(), t.verdict));
            }
            _ => groups.push((
                t.iteration,
                t.request.clone(),
                vec![(t.test.clone(), t.verdict)],
            )),
        }
    }
    for (_, _, g) in &mut groups {
        g.sort();
    }
    groups
}

fn listing(tests: &[TestLine]) -> String {
    tests.iter().map(|t| format!("  {t}\n")).collect()
}

/// What a test's name says it gives: every collection here names its tests so that one
/// that fails has "fail" in its name, and one that is skipped, "skipped".
fn designed(test: &str) -> Verdict {
    if test.contains("skipped") {
        Verdict::Skipped
    } else if test.contains("fail") {
        Verdict::Failed
    } else {
        Verdict::Passed
    }
}

/// One parity case: a collection, its environment and data file, and what Newman must
/// give besides the verdicts the test names tell (so that a change in the collection or
/// in Newman shows before runner is blamed).
struct Case {
    collection: &'static str,
    environment: Option<&'static str>,
    data: Option<&'static str>,
    /// Requests whose scripts throw.
    script_errors: &'static [&'static str],
    /// Tests in all.
    tests: usize,
    /// Tests where runner differs from Newman on purpose or for now, each with the reason.
    /// Each must still differ: a fix shows as a failure asking to remove it from here.
    known: &'static [Known],
}

/// A test whose verdict under runner differs from Newman's.
struct Known {
    iteration: usize,
    request: &'static str,
    test: &'static str,
    /// Why it differs.
    why: &'static str,
}

impl Known {
    fn matches(&self, t: &TestLine) -> bool {
        t.iteration == self.iteration && t.request == self.request && t.test == self.test
    }
}

fn parity(case: &Case) {
    let Some(newman) = newman() else {
        return;
    };
    let server = server();
    let ws = Workspace::new();
    let collection = fixture(case.collection);
    let environment = case.environment.map(fixture);
    let mut newman_args = Vec::new();
    let mut runner_args = Vec::new();
    let env_arg = environment.as_ref().map(|e| e.display().to_string());
    if let Some(env) = &env_arg {
        newman_args.extend(["-e", env.as_str()]);
    }
    let data_arg = case.data.map(|d| fixture(d).display().to_string());
    if let Some(data) = &data_arg {
        newman_args.extend(["-d", data.as_str()]);
        runner_args.extend(["-d", data.as_str()]);
    }
    let reference = newman.run(ws.path(), &collection, &server.url(), &newman_args);
    let errored: Vec<&str> = reference
        .script_errors
        .iter()
        .map(|e| e.split(" (").next().unwrap_or_default())
        .collect();
    assert!(
        reference
            .tests
            .iter()
            .all(|t| t.verdict == designed(&t.test))
            && errored == case.script_errors
            && reference.tests.len() == case.tests,
        "Newman gave other results than the collection describes:\n{}script errors: {:?}\n{}",
        listing(&reference.tests),
        reference.script_errors,
        reference.output
    );

    let ours = run_runner(
        &ws,
        &collection,
        environment.as_deref(),
        &server.url(),
        &runner_args,
    );
    let is_known = |t: &&TestLine| case.known.iter().any(|k| k.matches(t));
    let comparable = |tests: &[TestLine]| -> Vec<TestLine> {
        tests.iter().filter(|t| !is_known(t)).cloned().collect()
    };
    for k in case.known {
        let verdict = |tests: &[TestLine]| tests.iter().find(|t| k.matches(t)).map(|t| t.verdict);
        assert_ne!(
            verdict(&ours.tests),
            verdict(&reference.tests),
            "#{} {} / {} now gives Newman's result: remove it from the known differences ({})",
            k.iteration,
            k.request,
            k.test,
            k.why
        );
    }
    assert!(
        grouped(&comparable(&ours.tests)) == grouped(&comparable(&reference.tests)),
        "per-test results differ\n--- Newman\n{}--- runner\n{}--- runner stdout\n{}\n--- runner stderr\n{}",
        listing(&reference.tests),
        listing(&ours.tests),
        ours.output.stdout,
        ours.output.stderr
    );
    assert_eq!(
        ours.requests, reference.requests,
        "the requests sent differ (Newman, then runner)"
    );
    let ours_errored: Vec<&str> = ours
        .errors
        .iter()
        .map(|e| e.split(": ").next().unwrap_or_default())
        .collect();
    assert_eq!(
        ours_errored, errored,
        "script errors differ (runner, then Newman): {:?}",
        ours.errors
    );
    // Newman exits 1 when a test failed; runner too (and 0 when all passed).
    let failed = |tests: &[TestLine]| tests.iter().any(|t| t.verdict == Verdict::Failed);
    assert_eq!(
        (ours.output.code, reference.code),
        (
            i32::from(failed(&ours.tests)),
            i32::from(failed(&reference.tests))
        ),
        "exit codes (runner, Newman)\n{}",
        ours.output.stdout
    );
}

#[test]
fn tests_and_assertions() {
    parity(&Case {
        collection: "assertions.postman_collection.json",
        environment: None,
        data: None,
        script_errors: &["script error"],
        tests: 94,
        known: &[],
    });
}

#[test]
fn responses_and_the_legacy_sandbox() {
    parity(&Case {
        collection: "response.postman_collection.json",
        environment: None,
        data: None,
        script_errors: &[],
        tests: 57,
        known: &[],
    });
}

#[test]
fn requests_changed_by_scripts_and_signatures() {
    parity(&Case {
        collection: "request.postman_collection.json",
        environment: None,
        data: None,
        script_errors: &[],
        tests: 27,
        known: &[],
    });
}

#[test]
fn variable_scopes_and_data() {
    parity(&Case {
        collection: "variables.postman_collection.json",
        environment: Some("variables.postman_environment.json"),
        data: Some("variables-data.json"),
        script_errors: &[],
        tests: 50,
        known: &[],
    });
}

#[test]
fn folder_scripts_chaining_send_request_and_jumps() {
    parity(&Case {
        collection: "flow.postman_collection.json",
        environment: None,
        data: None,
        script_errors: &[],
        tests: 19,
        known: &[],
    });
}

#[test]
fn dynamic_variables_and_sandbox_libraries() {
    parity(&Case {
        collection: "sandbox.postman_collection.json",
        environment: None,
        data: None,
        script_errors: &[],
        tests: 53,
        known: &[],
    });
}
