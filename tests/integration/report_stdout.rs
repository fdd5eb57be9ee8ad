//! `--reporter json=-`, `junit=-` and `html=-`: the report is written to stdout as a whole
//! document, and the terminal's lines go to stderr.

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace};

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route("/ok", get(|| async { Json(json!({"ok": true})) }))
            .route(
                "/bad",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "no") }),
            ),
    )
}

const COLLECTION: &str = r#"name: piped
requests:
  - name: ok
    url: "{{ server }}/ok"
    expect:
      status: 200
  - name: bad
    url: "{{ server }}/bad"
    expect:
      status: 200
"#;

const SUMMARY: &str = "Requests:   1 passed, 1 failed, 0 errors, 0 skipped (2 total)";

fn run(ws: &Workspace, server: &TestServer, reporters: &[&str]) -> Output {
    let var = format!("server={}", server.url());
    let mut args = vec!["run", "c.yaml", "--var", &var, "--color", "never"];
    for r in reporters {
        args.extend(["--reporter", r]);
    }
    ws.run(&args)
}

fn json_report(out: &Output) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document: {e}\n--- stdout\n{}",
            out.stdout
        )
    })
}

#[test]
fn json_to_stdout_is_one_document_and_the_terminal_lines_go_to_stderr() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let out = run(&ws, &server, &["json=-"]);
    out.assert_code(1);
    let report = json_report(&out);
    assert_eq!(report["schema"], "runner-report");
    assert_eq!(report["summary"]["passed"], 1);
    assert_eq!(report["summary"]["failed"], 1);
    assert!(out.stderr.contains(SUMMARY), "{}", out.stderr);
    assert!(
        out.stderr.contains("status: expected 200, got 500"),
        "{}",
        out.stderr
    );
    assert!(!ws.path().join("-").exists(), "no file named -");
    assert!(!ws.path().join("-.part").exists());
}

#[test]
fn junit_and_html_to_stdout_are_whole_documents_beside_a_file_report() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let out = run(&ws, &server, &["junit=-", "json=r.json"]);
    out.assert_code(1);
    assert!(out.stdout.starts_with("<?xml"), "{}", out.stdout);
    let junit = quick_junit::Report::deserialize_from_str(&out.stdout).expect("valid JUnit");
    assert_eq!(junit.tests, 2);
    assert_eq!(junit.failures, 1);
    assert_eq!(junit.test_suites[0].test_cases[1].name.as_str(), "bad");
    assert!(out.stderr.contains(SUMMARY), "{}", out.stderr);
    assert!(ws.path().join("r.json").exists());
    assert!(!ws.path().join("-").exists() && !ws.path().join("-.part").exists());

    let out = run(&ws, &server, &["html=-"]);
    out.assert_code(1);
    assert!(out.stdout.starts_with("<!DOCTYPE html>"), "{}", out.stdout);
    assert!(out.stdout.ends_with("</body></html>\n"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("</html>").count(), 1);
    assert!(!out.stdout.contains(SUMMARY));
    assert!(out.stderr.contains(SUMMARY), "{}", out.stderr);
}

#[test]
fn github_commands_leave_stdout_to_the_report() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let out = run(&ws, &server, &["github", "json=-"]);
    out.assert_code(1);
    assert_eq!(json_report(&out)["summary"]["requests"], 2);
    assert!(
        out.stderr.contains("::error ") && out.stderr.contains("title=bad::"),
        "{}",
        out.stderr
    );
}

#[test]
fn only_one_report_may_take_stdout() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let out = run(&ws, &server, &["json=-", "junit=-"]);
    out.assert_code(2).assert_contains(
        "--reporter json=- and --reporter junit=- both write to standard output: only one report can",
    );
    assert_eq!(out.stdout, "");
    assert_eq!(server.hits(), 0);
}

#[test]
fn report_merge_writes_to_stdout() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    run(&ws, &server, &["json=a.json"]).assert_code(1);
    let out = ws.run(&["report", "merge", "a.json", "--reporter", "json=-"]);
    out.assert_code(0);
    let merged = json_report(&out);
    assert_eq!(merged["summary"]["requests"], 2);
    assert!(
        out.stderr.contains(
            "merged 1 reports: 1 iterations, 2 requests (1 passed, 1 failed, 0 errors, 0 skipped)"
        ),
        "{}",
        out.stderr
    );

    let out = ws.run(&["report", "merge", "a.json", "--reporter", "junit=-"]);
    out.assert_code(0);
    let junit = quick_junit::Report::deserialize_from_str(&out.stdout).expect("valid JUnit");
    assert_eq!(junit.tests, 2);

    let out = ws.run(&[
        "report",
        "merge",
        "a.json",
        "--reporter",
        "html=-",
        "--reporter",
        "json=-",
    ]);
    out.assert_code(2).assert_contains(
        "--reporter html=- and --reporter json=- both write to standard output: only one report can",
    );
    assert_eq!(out.stdout, "");
}
