//! A failed login is told once, where it happened; every request that needed it is marked
//! not sent, with the cause in a few words, and counted apart in the summary and reports.

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace, xsd};

const CLIENT_SECRET: &str = "cl13nt-s3cr3t-xyzzy";
const DESCRIPTION: &str = "Client authentication failed: unknown client or wrong secret";

/// A token endpoint that refuses every client with 401 `invalid_client`, and an API that
/// answers `{"ok": true}` to anything else.
fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/oauth2/v1/token",
                post(|| async {
                    (
                        StatusCode::UNAUTHORIZED,
                        Json(
                            json!({ "error": "invalid_client", "error_description": DESCRIPTION }),
                        ),
                    )
                        .into_response()
                }),
            )
            .route(
                "/login",
                post(|| async {
                    (
                        StatusCode::UNAUTHORIZED,
                        Json(json!({ "error": "invalid_grant", "error_description": DESCRIPTION })),
                    )
                        .into_response()
                }),
            )
            .fallback(|| async { Json(json!({ "ok": true })) }),
    )
}

fn hits(server: &TestServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.uri.starts_with(path))
        .count()
}

fn statuses(json: &Value) -> Vec<(String, String, Option<String>)> {
    json["iterations"]
        .as_array()
        .expect("iterations")
        .iter()
        .flat_map(|it| it["requests"].as_array().expect("requests").iter())
        .map(|r| {
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                r["status"].as_str().unwrap_or_default().to_string(),
                r["not_sent"].as_str().map(str::to_string),
            )
        })
        .collect()
}

#[test]
fn a_refused_oauth2_login_is_told_once_and_the_other_requests_are_not_sent() {
    let server = server();
    let ws = Workspace::new();
    let mut collection = format!(
        r#"name: api
auth:
  oauth2:
    grant: client_credentials
    token_url: "{url}/oauth2/v1/token"
    client_id: app-1
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
requests:
"#,
        url = server.url()
    );
    for i in 1..=5 {
        collection.push_str(&format!(
            "  - name: r{i}\n    url: \"{}/items/{i}\"\n",
            server.url()
        ));
    }
    ws.write("c.yaml", &collection);
    let out = Output::from(
        ws.runner()
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .args([
                "run",
                "c.yaml",
                "--no-token-cache",
                "--reporter",
                "junit=out/junit.xml",
                "--reporter",
                "json=out/report.json",
                "--reporter",
                "html=out/report.html",
            ])
            .output()
            .expect("run runner"),
    );
    // The token could not be obtained: a runtime error (exit 3), which wins over the
    // requests not sent (exit 1).
    out.assert_code(3);
    assert_eq!(out.all().matches(DESCRIPTION).count(), 1, "{}", out.all());
    let shown = &out.stdout[..out.stdout.find("Time:").unwrap_or(out.stdout.len())];
    assert_eq!(
        shown,
        format!(
            "\
api (c.yaml)
  ERROR r1
        ✗ authentication failed: the token endpoint refused: invalid_client: {DESCRIPTION} (HTTP 401)
          at c.yaml:3:3
  NOT SENT r2  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r3  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r4  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r5  login failed (oauth2 at c.yaml:3:3)

Requests:   0 passed, 0 failed, 1 error, 0 skipped, 4 not sent (5 total)
Assertions: 0 passed, 0 failed (0 total)
"
        )
        .as_str()
    );
    assert_eq!(hits(&server, "/oauth2/v1/token"), 1);
    assert_eq!(hits(&server, "/items"), 0);

    let junit = std::fs::read_to_string(ws.path().join("out/junit.xml")).expect("junit");
    xsd::assert_valid_junit(&junit);
    assert!(
        junit.contains(
            "<testsuite name=\"api\" tests=\"5\" skipped=\"4\" errors=\"1\" failures=\"0\""
        ),
        "{junit}"
    );
    assert_eq!(
        junit
            .matches("<skipped message=\"not sent: login failed (oauth2 at c.yaml:3:3)\"/>")
            .count(),
        4,
        "{junit}"
    );
    assert_eq!(
        junit.matches(DESCRIPTION).count(),
        2,
        "message and text of one <error>"
    );

    let json_text = std::fs::read_to_string(ws.path().join("out/report.json")).expect("json");
    let json: Value = serde_json::from_str(&json_text).expect("JSON report");
    let not_sent = Some("login failed (oauth2 at c.yaml:3:3)".to_string());
    assert_eq!(
        statuses(&json),
        vec![
            ("r1".into(), "errored".into(), None),
            ("r2".into(), "not_sent".into(), not_sent.clone()),
            ("r3".into(), "not_sent".into(), not_sent.clone()),
            ("r4".into(), "not_sent".into(), not_sent.clone()),
            ("r5".into(), "not_sent".into(), not_sent),
        ]
    );
    assert_eq!(json["summary"]["errored"], 1);
    assert_eq!(json["summary"]["not_sent"], 4);

    let html = std::fs::read_to_string(ws.path().join("out/report.html")).expect("html");
    assert_eq!(
        html.matches("<span class=\"badge notsent\">NOT SENT</span>")
            .count(),
        4
    );
    assert!(html.contains("<div class=\"card notsent\"><b>4</b>not sent</div>"));

    for text in [&out.all(), &junit, &json_text, &html] {
        assert!(!text.contains(CLIENT_SECRET), "the client secret shows");
    }
}

#[test]
fn a_login_request_that_captures_nothing_leaves_the_requests_needing_it_unsent() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "environments/dev.yaml",
        "variables:\n  auth_header: \"Bearer {{ token }}\"\n",
    );
    ws.write(
        "c.yaml",
        &format!(
            r#"name: api
variables:
  base: "{url}"
requests:
  - name: login
    method: POST
    url: "{{{{ base }}}}/login"
    body:
      json: {{ user: ann, password: wrong }}
    expect:
      status: 200
    capture:
      token: $.access_token
  - name: health
    url: "{{{{ base }}}}/health"
  - name: list
    url: "{{{{ base }}}}/items"
    auth:
      bearer: "{{{{ token }}}}"
  - folder: Admin
    requests:
      - name: users
        url: "{{{{ base }}}}/users?t={{{{ token }}}}"
      - name: header
        url: "{{{{ base }}}}/header"
        headers:
          Authorization: "{{{{ auth_header }}}}"
"#,
            url = server.url()
        ),
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "dev",
        "--reporter",
        "junit=junit.xml",
    ]);
    out.assert_code(1);
    let why = "needs token, which request \"login\" did not capture";
    out.assert_contains(
        "\
api (c.yaml)
  FAIL  login  POST 401 ",
    );
    out.assert_contains(
        "\
        ✗ status: expected 200, got 401
          at c.yaml:11:15
        ✗ capture `token`: $.access_token matched nothing
          at c.yaml:13:14
",
    );
    out.assert_contains("  PASS  health  GET 200 ");
    out.assert_contains(&format!(
        "\
  NOT SENT list  {why}
  NOT SENT Admin/users  {why}
  NOT SENT Admin/header  {why}

Requests:   1 passed, 1 failed, 0 errors, 0 skipped, 3 not sent (5 total)
"
    ));
    out.assert_not_contains("undefined variable");
    assert_eq!(hits(&server, "/login"), 1);
    assert_eq!(server.requests().len(), 2, "login and health only");

    let junit = std::fs::read_to_string(ws.path().join("junit.xml")).expect("junit");
    xsd::assert_valid_junit(&junit);
    assert!(
        junit.contains(
            "<testsuite name=\"api\" tests=\"5\" skipped=\"3\" errors=\"0\" failures=\"1\""
        ),
        "{junit}"
    );
    assert_eq!(
        junit
            .matches(
                "<skipped message=\"not sent: needs token, which request &quot;login&quot; did not capture\"/>",
            )
            .count(),
        3,
        "{junit}"
    );

    // Quiet: the failure and the summary, no line per request not sent.
    let out = ws.run(&["run", "c.yaml", "-e", "dev", "-q"]);
    out.assert_code(1);
    out.assert_contains("  FAIL  login  POST 401 ");
    out.assert_contains(
        "Requests:   1 passed, 1 failed, 0 errors, 0 skipped, 3 not sent (5 total)",
    );
    out.assert_not_contains("NOT SENT");

    // GitHub: an annotation per failure, and one for the three requests not sent.
    let out = ws.run(&["run", "c.yaml", "-e", "dev", "--reporter", "github"]);
    out.assert_code(1);
    out.assert_contains(&format!(
        "::warning file=c.yaml,line=16,col=11,title=not sent::3 requests not sent: {why}\n"
    ));
    assert_eq!(out.all().matches("::error ").count(), 2, "{}", out.all());
    assert_eq!(out.all().matches("::warning ").count(), 1, "{}", out.all());
}

#[test]
fn a_variable_a_script_should_have_set_names_the_script_request() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: api
requests:
  - name: login
    method: POST
    url: "{url}/login"
    scripts:
      test: |
        if (pm.response.code === 200) pm.environment.set("session", pm.response.json().session);
  - name: me
    url: "{url}/me?s={{{{ session }}}}"
"#,
            url = server.url()
        ),
    );
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(1);
    out.assert_contains(
        "  NOT SENT me  needs session, which request \"login\" did not set\n\nRequests:   1 passed, 0 failed, 0 errors, 0 skipped, 1 not sent (2 total)\n",
    );
}

const REVOKED: &str = "The refresh token was revoked or has expired";
const SUPPLIED_REFRESH: &str = "RT-supplied-9f8e7d6c";
const CACHED_REFRESH: &str = "RT-cached-5a4b3c2d";
const CACHED_ACCESS: &str = "AT-cached-1q2w3e4r";

/// A token endpoint that answers every refresh token with 400 `invalid_grant`, and an API
/// that refuses every token with 401.
fn revoked_server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/token",
                post(|| async {
                    (
                        StatusCode::BAD_REQUEST,
                        Json(json!({ "error": "invalid_grant", "error_description": REVOKED })),
                    )
                        .into_response()
                }),
            )
            .fallback(|| async {
                (
                    StatusCode::UNAUTHORIZED,
                    Json(json!({ "error": "invalid_token" })),
                )
                    .into_response()
            }),
    )
}

/// A collection of `count` requests, all with the `refresh_token` grant, whose refresh
/// token comes from the environment.
fn refresh_grant_collection(server: &TestServer, count: usize) -> String {
    let mut collection = format!(
        r#"name: api
auth:
  oauth2:
    grant: refresh_token
    token_url: "{url}/token"
    client_id: app-1
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
    refresh_token: "{{{{ env.REFRESH_TOKEN }}}}"
requests:
"#,
        url = server.url()
    );
    for i in 1..=count {
        collection.push_str(&format!(
            "  - name: r{i}\n    url: \"{}/items/{i}\"\n",
            server.url()
        ));
    }
    collection
}

/// Runs `c.yaml` with the secrets in the environment and every report written.
fn run_with_reports(ws: &Workspace, extra: &[&str]) -> Output {
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("REFRESH_TOKEN", SUPPLIED_REFRESH)
        .env("RUNNER_TOKEN_CACHE", ws.path().join("cache/tokens.json"))
        .args([
            "run",
            "c.yaml",
            "--reporter",
            "junit=out/junit.xml",
            "--reporter",
            "json=out/report.json",
            "--reporter",
            "html=out/report.html",
        ])
        .args(extra);
    Output::from(cmd.output().expect("run runner"))
}

/// The output, then every report, none showing a secret.
#[track_caller]
fn assert_no_secret(ws: &Workspace, out: &Output) -> (String, String) {
    let read = |name: &str| std::fs::read_to_string(ws.path().join(name)).expect(name);
    let (junit, json, html) = (
        read("out/junit.xml"),
        read("out/report.json"),
        read("out/report.html"),
    );
    for text in [&out.all(), &junit, &json, &html] {
        for secret in [
            CLIENT_SECRET,
            SUPPLIED_REFRESH,
            CACHED_REFRESH,
            CACHED_ACCESS,
        ] {
            assert!(!text.contains(secret), "a secret shows: {text}");
        }
    }
    xsd::assert_valid_junit(&junit);
    (junit, json)
}

#[test]
fn a_refresh_that_fails_after_a_401_is_told_once_and_the_other_requests_are_not_sent() {
    let server = revoked_server();
    let ws = Workspace::new();
    ws.write("c.yaml", &refresh_grant_collection(&server, 5));
    // A token from an earlier run, still valid by its expiry, that the API now refuses.
    let expires_at = chrono::Utc::now().timestamp() + 3600;
    ws.write(
        "cache/tokens.json",
        &json!({"version": 1, "tokens": [{
            "token_url": format!("{}/token", server.url()),
            "client_id": "app-1",
            "scope": "",
            "grant": "refresh_token",
            "access_token": CACHED_ACCESS,
            "token_type": "Bearer",
            "expires_at": expires_at,
            "refresh_token": CACHED_REFRESH,
            "updated_at": 0,
        }]})
        .to_string(),
    );
    let out = run_with_reports(&ws, &[]);
    // The token could not be obtained: exit 3.
    out.assert_code(3);
    assert_eq!(out.all().matches(REVOKED).count(), 1, "{}", out.all());
    out.assert_contains(
        "\
api (c.yaml)
  ERROR r1  GET 401 ",
    );
    out.assert_contains(&format!(
        "\
        ✗ authentication failed: the server refused the access token (HTTP 401) and refreshing it failed: the token endpoint refused: invalid_grant: {REVOKED} (HTTP 400)
          at c.yaml:3:3
  NOT SENT r2  token refresh failed (oauth2 at c.yaml:3:3)
  NOT SENT r3  token refresh failed (oauth2 at c.yaml:3:3)
  NOT SENT r4  token refresh failed (oauth2 at c.yaml:3:3)
  NOT SENT r5  token refresh failed (oauth2 at c.yaml:3:3)

Requests:   0 passed, 0 failed, 1 error, 0 skipped, 4 not sent (5 total)
"
    ));
    assert_eq!(hits(&server, "/token"), 1, "one refresh");
    assert_eq!(
        hits(&server, "/items"),
        1,
        "the request refused with 401 only"
    );

    let (junit, json_text) = assert_no_secret(&ws, &out);
    assert_eq!(
        junit
            .matches("<skipped message=\"not sent: token refresh failed (oauth2 at c.yaml:3:3)\"/>")
            .count(),
        4,
        "{junit}"
    );
    let json: Value = serde_json::from_str(&json_text).expect("JSON report");
    let not_sent = Some("token refresh failed (oauth2 at c.yaml:3:3)".to_string());
    let mut expected = vec![("r1".to_string(), "errored".to_string(), None)];
    for i in 2..=5 {
        expected.push((format!("r{i}"), "not_sent".into(), not_sent.clone()));
    }
    assert_eq!(statuses(&json), expected);
}

#[test]
fn a_revoked_refresh_token_grant_is_a_failed_login_told_once() {
    let server = revoked_server();
    let ws = Workspace::new();
    ws.write("c.yaml", &refresh_grant_collection(&server, 5));
    let out = run_with_reports(&ws, &["--no-token-cache"]);
    out.assert_code(3);
    assert_eq!(out.all().matches(REVOKED).count(), 1, "{}", out.all());
    let shown = &out.stdout[..out.stdout.find("Time:").unwrap_or(out.stdout.len())];
    assert_eq!(
        shown,
        format!(
            "\
api (c.yaml)
  ERROR r1
        ✗ authentication failed: the token endpoint refused: invalid_grant: {REVOKED} (HTTP 400)
          at c.yaml:3:3
  NOT SENT r2  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r3  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r4  login failed (oauth2 at c.yaml:3:3)
  NOT SENT r5  login failed (oauth2 at c.yaml:3:3)

Requests:   0 passed, 0 failed, 1 error, 0 skipped, 4 not sent (5 total)
Assertions: 0 passed, 0 failed (0 total)
"
        )
        .as_str()
    );
    assert_eq!(hits(&server, "/token"), 1);
    assert_eq!(hits(&server, "/items"), 0);
    let (junit, _) = assert_no_secret(&ws, &out);
    assert_eq!(
        junit.matches("not sent: login failed").count(),
        4,
        "{junit}"
    );
}

#[test]
fn a_capture_an_earlier_collection_did_not_make_leaves_the_requests_needing_it_unsent() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "login.yaml",
        &format!(
            r#"name: auth
requests:
  - name: login
    method: POST
    url: "{url}/login"
    expect:
      status: 200
    capture:
      token: $.access_token
"#,
            url = server.url()
        ),
    );
    ws.write(
        "api.yaml",
        &format!(
            r#"name: api
requests:
  - name: health
    url: "{url}/health"
  - name: list
    url: "{url}/items"
    auth:
      bearer: "{{{{ token }}}}"
  - name: users
    url: "{url}/users?t={{{{ token }}}}"
"#,
            url = server.url()
        ),
    );
    let out = ws.run(&["run", "login.yaml", "api.yaml"]);
    out.assert_code(1);
    let why = "needs token, which request \"login\" (login.yaml) did not capture";
    out.assert_contains("auth (login.yaml)\n  FAIL  login  POST 401 ");
    out.assert_contains(
        "\
api (api.yaml)
  PASS  health  GET 200 ",
    );
    out.assert_contains(&format!(
        "
  NOT SENT list  {why}
  NOT SENT users  {why}

Iterations: 2
Requests:   1 passed, 1 failed, 0 errors, 0 skipped, 2 not sent (4 total)
"
    ));
    out.assert_not_contains("undefined variable");
    assert_eq!(server.requests().len(), 2, "login and health only");

    // Run side by side, nothing is carried between the collections: the request's own error.
    let out = ws.run(&["run", "login.yaml", "api.yaml", "--parallel", "2"]);
    out.assert_contains("undefined variable `token`");
    out.assert_not_contains("NOT SENT");
}
