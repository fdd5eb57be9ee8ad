//! Only the variables the selected requests use must resolve: an environment variable
//! whose source is unset blocks nothing until a request reads it, and `validate` warns.

use axum::Json;
use axum::Router;
use serde_json::json;

use crate::support::{Output, TestServer, Workspace};

const ENVIRONMENT: &str = r#"variables:
  user: bob
  password: "{{ env.PASSWORD }}"
secrets: [password]
"#;

/// A server that answers `{"ok": true}` to anything.
fn server() -> TestServer {
    TestServer::start(Router::new().fallback(|| async { Json(json!({"ok": true})) }))
}

/// Runs `runner ARGS...` in `ws` with `PASSWORD` unset.
fn run(ws: &Workspace, args: &[&str]) -> Output {
    Output::from(
        ws.runner()
            .env_remove("PASSWORD")
            .args(args)
            .output()
            .expect("run runner"),
    )
}

fn uris(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.uri).collect()
}

const USED_ERROR: &str = "\
error: variable `password`: undefined variable `env.PASSWORD`
 --> environments/local.yaml:3:13
  |
3 |   password: \"{{ env.PASSWORD }}\"
  |             ^^^^^^^^^^^^^^^^^^^^
  = help: set the environment variable PASSWORD, or add it to the .env file

";

#[test]
fn an_unused_variable_with_an_unset_source_does_not_block_the_run() {
    let server = server();
    let ws = Workspace::new();
    ws.write("environments/local.yaml", ENVIRONMENT);
    ws.write(
        "c.yaml",
        r#"name: c
requests:
  - name: a
    url: "{{ server }}/a"
    headers: { X-User: "{{ user }}" }
  - name: b
    url: "{{ server }}/b"
"#,
    );
    let var = format!("server={}", server.url());
    let out = run(&ws, &["run", "c.yaml", "-e", "local", "--var", &var]);
    out.assert_code(0);
    out.assert_contains("Requests:   2 passed, 0 failed, 0 errors, 0 skipped (2 total)");
    out.assert_not_contains("password");
    assert_eq!(uris(&server), ["/a", "/b"]);

    let out = run(&ws, &["validate", "c.yaml", "-e", "local", "--var", &var]);
    out.assert_code(0);
    assert_eq!(out.stdout, "ok c.yaml (2 requests)\n");
    assert_eq!(
        out.stderr,
        "\
warning: variable `password` is not used by any request's templates, so it is left unset: undefined variable `env.PASSWORD`
 --> environments/local.yaml:3:13
  |
3 |   password: \"{{ env.PASSWORD }}\"
  |             ^^^^^^^^^^^^^^^^^^^^
  = help: set the environment variable PASSWORD, or add it to the .env file

"
    );
}

#[test]
fn a_used_variable_with_an_unset_source_still_fails() {
    let ws = Workspace::new();
    ws.write("environments/local.yaml", ENVIRONMENT);
    ws.write(
        "c.yaml",
        r#"name: c
requests:
  - name: login
    url: http://127.0.0.1:9/login
    auth:
      basic: { username: "{{ user }}", password: "{{ password }}" }
"#,
    );
    for command in ["run", "validate"] {
        let out = run(&ws, &[command, "c.yaml", "-e", "local"]);
        out.assert_code(2);
        assert_eq!(out.stdout, "");
        assert_eq!(out.stderr, USED_ERROR);
    }
}

#[test]
fn a_variable_used_through_another_one_must_resolve() {
    let ws = Workspace::new();
    ws.write("environments/local.yaml", ENVIRONMENT);
    ws.write(
        "c.yaml",
        r#"name: c
variables:
  credentials: "{{ user }}:{{ password }}"
requests:
  - name: a
    url: http://127.0.0.1:9/a
    headers: { X-Credentials: "{{ credentials }}" }
"#,
    );
    let out = run(&ws, &["run", "c.yaml", "-e", "local"]);
    out.assert_code(2);
    out.assert_contains(USED_ERROR);
    out.assert_contains("error: variable `credentials`: undefined variable `password`");
}

#[test]
fn a_selection_checks_only_the_selected_requests() {
    let server = server();
    let ws = Workspace::new();
    ws.write("environments/local.yaml", ENVIRONMENT);
    ws.write(
        "c.yaml",
        r#"name: c
requests:
  - name: public
    url: "{{ server }}/public"
    tags: [smoke]
  - name: private
    url: "{{ server }}/private"
    auth:
      basic: { username: "{{ user }}", password: "{{ password }}" }
"#,
    );
    let var = format!("server={}", server.url());
    let out = run(
        &ws,
        &[
            "run", "c.yaml", "-e", "local", "--var", &var, "--only", "public",
        ],
    );
    out.assert_code(0);
    out.assert_contains("Requests:   1 passed, 0 failed, 0 errors, 0 skipped (1 total)");
    let out = run(
        &ws,
        &[
            "run", "c.yaml", "-e", "local", "--var", &var, "--tag", "smoke",
        ],
    );
    out.assert_code(0);
    assert_eq!(uris(&server), ["/public", "/public"]);

    let out = run(
        &ws,
        &[
            "run", "c.yaml", "-e", "local", "--var", &var, "--only", "private",
        ],
    );
    out.assert_code(2);
    assert_eq!(out.stderr, USED_ERROR);
    let out = run(&ws, &["run", "c.yaml", "-e", "local", "--var", &var]);
    out.assert_code(2);
    assert_eq!(out.stderr, USED_ERROR);
    assert_eq!(uris(&server), ["/public", "/public"]);
}
