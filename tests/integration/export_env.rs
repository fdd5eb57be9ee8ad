//! `runner run --export-env`: the variables as the run left them, as an environment file
//! that a second run reads back; secrets only as their `{{ env.NAME }}` references.

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace};

const API_KEY: &str = "key-SECRET-456";
const SESSION: &str = "sess-SECRET-123";

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/login",
                get(|headers: HeaderMap| async move {
                    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(API_KEY) {
                        return (StatusCode::UNAUTHORIZED, Json(json!({})));
                    }
                    (
                        StatusCode::OK,
                        Json(json!({"session": SESSION, "user": {"id": 42, "name": "{{ not a template }}"}})),
                    )
                }),
            )
            .route(
                "/users/{id}",
                get(
                    |Path(id): Path<u64>,
                     Query(q): Query<Vec<(String, String)>>,
                     headers: HeaderMap| async move {
                        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
                        if auth != Some(&format!("Session {SESSION}")) {
                            return (StatusCode::UNAUTHORIZED, Json(json!({})));
                        }
                        let query: serde_json::Map<String, Value> =
                            q.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                        (StatusCode::OK, Json(json!({"id": id, "query": query})))
                    },
                ),
            )
            .route(
                "/echo/{i}",
                get(|Path(i): Path<u64>| async move { Json(json!({"i": i})) }),
            ),
    )
}

const COLLECTION: &str = r#"name: export
variables:
  page: 1
requests:
  - name: login
    url: "{{ base }}/login"
    headers:
      X-Api-Key: "{{ api_key }}"
    expect:
      status: 200
    capture:
      session: $.session
      user_id: $.user.id
      user_name: $.user.name
    scripts:
      test: |
        pm.environment.set("visits", 3);
  - name: profile
    url: "{{ base }}/users/{{ user_id }}"
    query:
      name: "{{ user_name }}"
      page: "{{ page }}"
      greeting: "{{ greeting }}"
    headers:
      Authorization: "Session {{ session }}"
    expect:
      status: 200
      json:
        $.id: 42
        $.query.name: { contains: "not a template" }
"#;

const ENVIRONMENT: &str = r#"variables:
  base: "{{ env.TEST_BASE }}"
  api_key: "{{ env.TEST_API_KEY }}"
  greeting: hello
secrets: [api_key, session]
"#;

/// The file the first run must write.
const EXPORTED: &str = r#"# The variables as `runner run --export-env` left them at the end of the run.
# Secrets are written as their {{ env.NAME }} references, never as values.
# left out: session (secret, with no {{ env.NAME }} reference to write)
variables:
  base: "{{ env.TEST_BASE }}"
  api_key: "{{ env.TEST_API_KEY }}"
  greeting: hello
  user_id: 42
  user_name: "{% raw %}{{ not a template }}{% endraw %}"
  visits: 3
secrets:
  - api_key
"#;

fn run(ws: &Workspace, server: &TestServer, args: &[&str]) -> Output {
    let mut cmd = ws.runner();
    cmd.env("TEST_BASE", server.url())
        .env("TEST_API_KEY", API_KEY)
        .arg("run")
        .args(args);
    Output::from(cmd.output().expect("run runner"))
}

/// The lines of a run's output without times.
fn result_lines(out: &Output) -> Vec<String> {
    out.stdout
        .lines()
        .map(|l| l.split(" (").next().unwrap_or(l).to_string())
        .filter(|l| !l.starts_with("Time:"))
        .collect()
}

#[test]
fn exported_variables_run_again_with_the_same_result_and_no_secret() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write("environments/dev.yaml", ENVIRONMENT);
    let first = run(
        &ws,
        &server,
        &["c.yaml", "-e", "dev", "--export-env", "out/exported.yaml"],
    );
    first.assert_code(0);
    let exported = std::fs::read_to_string(ws.path().join("out/exported.yaml")).expect("file");
    assert_eq!(exported, EXPORTED);
    for secret in [API_KEY, SESSION, &server.url()] {
        assert!(!exported.contains(secret), "{secret} in\n{exported}");
    }
    let sent_first = server.requests();

    let second = run(
        &ws,
        &server,
        &[
            "c.yaml",
            "-e",
            "out/exported.yaml",
            "--export-env",
            "out/again.yaml",
        ],
    );
    second.assert_code(0);
    assert_eq!(result_lines(&second), result_lines(&first));
    let sent: Vec<(String, Option<String>)> = server
        .requests()
        .iter()
        .map(|r| (r.uri.clone(), r.header("authorization")))
        .collect();
    let (once, twice) = sent.split_at(sent_first.len());
    assert_eq!(once, twice, "the second run sends what the first sent");
    assert_eq!(
        twice[1].0,
        "/users/42?name=%7B%7B+not+a+template+%7D%7D&page=1&greeting=hello"
    );
    // Exported again, the file is the same: the round trip is stable.
    let again = std::fs::read_to_string(ws.path().join("out/again.yaml")).expect("file");
    assert_eq!(again, EXPORTED);
    for out in [&first, &second] {
        out.assert_not_contains(API_KEY)
            .assert_not_contains(SESSION);
    }
}

#[test]
fn run_values_replace_definitions_and_var_values_are_written() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write("environments/dev.yaml", ENVIRONMENT);
    let out = run(
        &ws,
        &server,
        &[
            "c.yaml",
            "-e",
            "dev",
            "--var",
            "greeting=hi there",
            "--var",
            "api_key=typed-in-key",
            "--export-env",
            "exported.yaml",
        ],
    );
    // The API refuses the typed-in key: the login fails, the profile cannot render.
    out.assert_code(1);
    let exported = std::fs::read_to_string(ws.path().join("exported.yaml")).expect("file");
    assert!(exported.contains("\n  greeting: hi there\n"), "{exported}");
    // A secret given with --var is written as its definition's reference.
    assert!(
        exported.contains("\n  api_key: \"{{ env.TEST_API_KEY }}\"\n"),
        "{exported}"
    );
    assert!(!exported.contains("typed-in-key"), "{exported}");
}

#[test]
fn iterations_export_the_last_in_plan_order_whatever_the_parallelism() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: echo\nrequests:\n  - name: echo\n    url: \"{{ base }}/echo/{{ iteration }}\"\n    capture:\n      last: $.i\n",
    );
    ws.write("environments/dev.yaml", ENVIRONMENT);
    for parallel in ["1", "3"] {
        let out = run(
            &ws,
            &server,
            &[
                "c.yaml",
                "-e",
                "dev",
                "-n",
                "4",
                "-j",
                parallel,
                "--export-env",
                "exported.yaml",
            ],
        );
        out.assert_code(0);
        let exported = std::fs::read_to_string(ws.path().join("exported.yaml")).expect("file");
        assert!(
            exported.ends_with("  greeting: hello\n  last: 3\nsecrets:\n  - api_key\n"),
            "-j {parallel}:\n{exported}"
        );
    }
}

#[test]
fn export_env_may_not_overwrite_an_input() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let env = ws.write("environments/dev.yaml", ENVIRONMENT);
    let out = run(
        &ws,
        &server,
        &[
            "c.yaml",
            "-e",
            "dev",
            "--export-env",
            "environments/dev.yaml",
        ],
    );
    out.assert_code(2).assert_contains(
        "--export-env environments/dev.yaml would overwrite the environment environments/dev.yaml: write it to another file",
    );
    assert_eq!(server.hits(), 0);
    assert_eq!(std::fs::read_to_string(env).expect("file"), ENVIRONMENT);
    let out = run(
        &ws,
        &server,
        &[
            "c.yaml",
            "-e",
            "dev",
            "--export-env",
            "out.yaml",
            "--reporter",
            "json=out.yaml",
        ],
    );
    out.assert_code(2)
        .assert_contains("--export-env out.yaml and a --reporter write the same file");
}

#[test]
fn a_secret_written_in_the_file_is_exported_as_a_reference_to_set() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write(
        "environments/dev.yaml",
        &ENVIRONMENT.replace("\"{{ env.TEST_API_KEY }}\"", API_KEY),
    );
    run(
        &ws,
        &server,
        &["c.yaml", "-e", "dev", "--export-env", "exported.yaml"],
    )
    .assert_code(0);
    let exported = std::fs::read_to_string(ws.path().join("exported.yaml")).expect("file");
    assert!(!exported.contains(API_KEY), "{exported}");
    assert!(
        exported.contains(
            "# api_key: its value is not written: set the environment variable API_KEY\n"
        ),
        "{exported}"
    );
    assert!(
        exported.contains("\n  api_key: \"{{ env.API_KEY }}\"\n"),
        "{exported}"
    );
    // Without API_KEY the next run names it, before sending anything; with it, it passes.
    let before = server.hits();
    run(&ws, &server, &["c.yaml", "-e", "exported.yaml"])
        .assert_code(2)
        .assert_contains("set the environment variable API_KEY");
    assert_eq!(server.hits(), before);
    let mut cmd = ws.runner();
    cmd.env("TEST_BASE", server.url())
        .env("API_KEY", API_KEY)
        .args(["run", "c.yaml", "-e", "exported.yaml"]);
    Output::from(cmd.output().expect("run runner"))
        .assert_code(0)
        .assert_not_contains(API_KEY);
}
