//! What is sent: method, query, headers, bodies, auth; and how requests run: timeouts,
//! connection errors, retry, delay, skip, selection, --bail, exit codes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::get;
use base64::Engine as _;
use serde_json::json;

use crate::support::text::{assert_block, assert_line, lines};
use crate::support::{Recorded, TestServer, Workspace};

/// A server answering 200 `{"ok": true}` to any method and path.
fn ok_server() -> TestServer {
    TestServer::start(Router::new().fallback(|| async { Json(json!({"ok": true})) }))
}

fn paths(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.uri).collect()
}

fn run(ws: &Workspace, server: &TestServer, extra: &[&str]) -> crate::support::Output {
    let var = format!("server={}", server.url());
    let mut args = vec!["run", "c.yaml", "--var", var.as_str()];
    args.extend_from_slice(extra);
    ws.run(&args)
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

fn header_values(r: &Recorded, name: &str) -> Vec<String> {
    r.headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

#[test]
fn method_query_and_inherited_headers() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: requests
headers:
  X-Coll: c
  X-Over: collection
  Accept: application/json
requests:
  - name: search
    url: "{{ server }}/search?z=1"
    query:
      q: "a b&c=d/é"
      tag: [x, "y z"]
      n: 5
      flag: true
  - folder: Admin
    headers:
      X-Folder: f
      x-over: folder
    requests:
      - name: delete
        method: delete
        url: "{{ server }}/items/1"
        headers:
          X-OVER: request
          accept: text/plain
      - name: patch
        method: PATCH
        url: "{{ server }}/items/2"
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    assert_line(&out.stdout, "  PASS  search  GET 200 (N ms)");
    assert_line(&out.stdout, "  PASS  Admin/delete  DELETE 200 (N ms)");
    assert_line(&out.stdout, "  PASS  Admin/patch  PATCH 200 (N ms)");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);

    let search = &reqs[0];
    assert_eq!(search.method, "GET");
    assert_eq!(
        search.uri,
        "/search?z=1&q=a+b%26c%3Dd%2F%C3%A9&tag=x&tag=y+z&n=5&flag=true"
    );
    assert_eq!(header_values(search, "x-coll"), ["c"]);
    assert_eq!(header_values(search, "x-over"), ["collection"]);
    assert_eq!(header_values(search, "accept"), ["application/json"]);
    assert_eq!(header_values(search, "x-folder"), Vec::<String>::new());

    let delete = &reqs[1];
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.uri, "/items/1");
    assert_eq!(header_values(delete, "x-over"), ["request"]);
    assert_eq!(header_values(delete, "accept"), ["text/plain"]);
    assert_eq!(header_values(delete, "x-folder"), ["f"]);
    assert_eq!(header_values(delete, "x-coll"), ["c"]);

    let patch = &reqs[2];
    assert_eq!(patch.method, "PATCH");
    assert_eq!(header_values(patch, "x-over"), ["folder"]);
    assert_eq!(header_values(patch, "accept"), ["application/json"]);
}

const BLOB: &[u8] = &[0, 1, 2, 0xff, 0xfe, b'\r', b'\n', b'x'];

#[test]
fn every_body_kind_arrives_byte_for_byte() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: bodies
variables:
  n: 7
requests:
  - name: json
    method: POST
    url: "{{ server }}/json"
    body:
      json: { name: ann, tags: [a, b], n: 1.5, ok: true, none: null, nested: { k: "v {{ n }}" } }
  - name: form
    method: POST
    url: "{{ server }}/form"
    body:
      form: { user: "ann lee", note: "a&b=c/é", n: "{{ n }}" }
  - name: multipart
    method: POST
    url: "{{ server }}/multipart"
    body:
      multipart:
        title: "My file {{ n }}"
        upload: { file: data/blob.bin, filename: report.bin, content_type: application/x-custom }
        notes: { file: data/notes.txt }
  - name: raw
    method: PUT
    url: "{{ server }}/raw"
    body:
      raw: "hello\nworld {{ n }}"
  - name: raw with a content type
    method: PUT
    url: "{{ server }}/raw-xml"
    body:
      raw: "<a>{{ n }}</a>"
      content_type: application/xml
  - name: file
    method: PUT
    url: "{{ server }}/file"
    body:
      file: data/payload.json
  - name: file with a content type
    method: PUT
    url: "{{ server }}/file-png"
    body:
      file: data/blob.bin
      content_type: image/png
  - name: an explicit content type wins
    method: POST
    url: "{{ server }}/explicit"
    headers: { content-type: application/vnd.api+json }
    body:
      json: { a: 1 }
  - name: the JSON document null
    method: PUT
    url: "{{ server }}/null"
    body:
      json: null
"#,
    );
    ws.write("data/notes.txt", "notes\n");
    ws.write("data/payload.json", "{\"from\": \"file\"}\n");
    std::fs::write(ws.path().join("data/blob.bin"), BLOB).expect("write blob");

    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 9);
    let ct = |r: &Recorded| r.header("content-type").unwrap_or_default();

    assert_eq!(ct(&reqs[0]), "application/json");
    assert_eq!(
        reqs[0].text(),
        r#"{"name":"ann","tags":["a","b"],"n":1.5,"ok":true,"none":null,"nested":{"k":"v 7"}}"#
    );

    assert_eq!(ct(&reqs[1]), "application/x-www-form-urlencoded");
    assert_eq!(reqs[1].text(), "user=ann+lee&note=a%26b%3Dc%2F%C3%A9&n=7");

    let multipart_type = ct(&reqs[2]);
    let boundary = multipart_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("multipart content type, got {multipart_type:?}"));
    let mut expected = Vec::new();
    expected.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy file 7\r\n"
        )
        .as_bytes(),
    );
    expected.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"report.bin\"\r\nContent-Type: application/x-custom\r\n\r\n"
        )
        .as_bytes(),
    );
    expected.extend_from_slice(BLOB);
    expected.extend_from_slice(
        format!(
            "\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"notes.txt\"\r\nContent-Type: text/plain\r\n\r\nnotes\n\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(
        reqs[2].body.as_ref(),
        expected.as_slice(),
        "\n{}",
        String::from_utf8_lossy(&reqs[2].body)
    );

    assert_eq!(reqs[3].method, "PUT");
    assert_eq!(ct(&reqs[3]), "text/plain; charset=utf-8");
    assert_eq!(reqs[3].text(), "hello\nworld 7");

    assert_eq!(ct(&reqs[4]), "application/xml");
    assert_eq!(reqs[4].text(), "<a>7</a>");

    assert_eq!(ct(&reqs[5]), "application/json");
    assert_eq!(reqs[5].text(), "{\"from\": \"file\"}\n");

    assert_eq!(ct(&reqs[6]), "image/png");
    assert_eq!(reqs[6].body.as_ref(), BLOB);

    assert_eq!(
        header_values(&reqs[7], "content-type"),
        ["application/vnd.api+json"]
    );
    assert_eq!(reqs[7].text(), r#"{"a":1}"#);

    assert_eq!(ct(&reqs[8]), "application/json");
    assert_eq!(reqs[8].text(), "null");
}

#[test]
fn bearer_basic_none_and_an_explicit_authorization_header() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: auth
variables:
  token: tok-123
  user: ann
auth:
  bearer: "{{ token }}"
requests:
  - name: bearer
    url: "{{ server }}/bearer"
  - name: none
    url: "{{ server }}/none"
    auth: none
  - name: explicit
    url: "{{ server }}/explicit"
    headers: { authorization: "Token abc" }
  - folder: Basic
    auth:
      basic: { username: "{{ user }}", password: "p@ss:wörd" }
    requests:
      - name: basic
        url: "{{ server }}/basic"
      - name: inherit
        url: "{{ server }}/inherit"
        auth: inherit
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    let reqs = server.requests();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("ann:p@ss:wörd")
    );
    let auth: Vec<(String, Vec<String>)> = reqs
        .iter()
        .map(|r| (r.uri.clone(), header_values(r, "authorization")))
        .collect();
    assert_eq!(
        auth,
        vec![
            ("/bearer".to_string(), vec!["Bearer tok-123".to_string()]),
            ("/none".to_string(), vec![]),
            ("/explicit".to_string(), vec!["Token abc".to_string()]),
            ("/basic".to_string(), vec![basic.clone()]),
            ("/inherit".to_string(), vec![basic]),
        ]
    );
}

/// `/slow` answers after 500 ms; anything else at once.
fn slow_server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    "late"
                }),
            )
            .fallback(|| async { "ok" }),
    )
}

#[test]
fn a_request_timeout_is_a_runtime_error_and_the_run_goes_on() {
    let server = slow_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: timeouts
requests:
  - name: slow
    url: "{{ server }}/slow"
    timeout: 100ms
  - name: fast
    url: "{{ server }}/fast"
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(3);
    assert_block(
        &out.stdout,
        &[
            "  ERROR slow",
            &format!("        ✗ timed out after 100ms: GET {}/slow", server.url()),
            "          at c.yaml:3:11",
            "  PASS  fast  GET 200 (N ms)",
        ],
    );
    assert_line(
        &out.stdout,
        "Requests:   1 passed, 0 failed, 1 error, 0 skipped (2 total)",
    );
}

#[test]
fn the_timeout_option_applies_to_requests_without_their_own() {
    let server = slow_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: timeouts\nrequests:\n  - name: slow\n    url: \"{{ server }}/slow\"\n  - name: own timeout wins\n    url: \"{{ server }}/slow\"\n    timeout: 2s\n",
    );
    let out = run(&ws, &server, &["--timeout", "150ms"]);
    out.assert_code(3);
    assert_block(
        &out.stdout,
        &[
            "  ERROR slow",
            &format!("        ✗ timed out after 150ms: GET {}/slow", server.url()),
            "          at c.yaml:3:11",
            "  PASS  own timeout wins  GET 200 (N ms)",
        ],
    );

    let out = run(&ws, &server, &["--timeout", "soon"]);
    out.assert_code(2)
        .assert_contains("invalid --timeout: `soon`");
    assert_eq!(server.hits(), 2);
}

#[test]
fn a_refused_connection_is_a_runtime_error() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: refused\nrequests:\n  - name: refused\n    url: \"{{ server }}/x\"\n",
    );
    let port = closed_port();
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server=http://127.0.0.1:{port}"),
    ]);
    out.assert_code(3);
    let all = lines(&out.stdout);
    let i = all
        .iter()
        .position(|l| l == "  ERROR refused")
        .unwrap_or_else(|| panic!("{}", out.stdout));
    // The error names the URL it could not reach.
    assert!(
        all[i + 1].starts_with(&format!(
            "        ✗ connection failed: GET http://127.0.0.1:{port}/x: "
        )) && all[i + 1].contains("Connection refused"),
        "{}",
        all[i + 1]
    );
    assert_line(
        &out.stdout,
        "Requests:   0 passed, 0 failed, 1 error, 0 skipped (1 total)",
    );
}

/// Answers `/flaky` with 503 twice, then 200; `/down` always with 500; `/missing` 404;
/// `/slow-once` after 500 ms the first time, then at once. Records when each request came.
struct Flaky {
    server: TestServer,
    times: Arc<Mutex<Vec<(String, Instant)>>>,
}

fn flaky_server() -> Flaky {
    let flaky = Arc::new(AtomicUsize::new(0));
    let slow = Arc::new(AtomicUsize::new(0));
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = Arc::clone(&times);
    let router = Router::new()
        .route(
            "/flaky",
            get(move || async move {
                if flaky.fetch_add(1, Ordering::SeqCst) < 2 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::OK
                }
            }),
        )
        .route("/down", get(|| async { StatusCode::INTERNAL_SERVER_ERROR }))
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/slow-once",
            get(move || async move {
                if slow.fetch_add(1, Ordering::SeqCst) == 0 {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                StatusCode::OK
            }),
        )
        .fallback(|| async { StatusCode::OK })
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let times = Arc::clone(&t);
                async move {
                    let path = req.uri().path().to_string();
                    times.lock().expect("times").push((path, Instant::now()));
                    next.run(req).await
                }
            },
        ));
    Flaky {
        server: TestServer::start(router),
        times,
    }
}

impl Flaky {
    fn gaps(&self, path: &str) -> Vec<Duration> {
        let times: Vec<Instant> = self
            .times
            .lock()
            .expect("times")
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, t)| *t)
            .collect();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

#[test]
fn retry_until_success_or_exhaustion() {
    let f = flaky_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: retry
requests:
  - name: flaky
    url: "{{ server }}/flaky"
    retry: { count: 3, delay: 100ms, on: [5xx] }
    expect: { status: 200 }
  - name: down
    url: "{{ server }}/down"
    retry: { count: 2, delay: 10ms, on: [500] }
    expect: { status: 200 }
  - name: not retried
    url: "{{ server }}/missing"
    retry: { count: 3, delay: 10ms, on: [5xx] }
    expect: { status: 200 }
  - name: timeout retried
    url: "{{ server }}/slow-once"
    timeout: 100ms
    retry: { count: 1, delay: 10ms, on: [timeout] }
"#,
    );
    let out = run(&ws, &f.server, &[]);
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  flaky  GET 200 (N ms, 3 attempts)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  down  GET 500 (N ms, 3 attempts)",
            "        ✗ status: expected 200, got 500",
            "          at c.yaml:10:23",
            "  FAIL  not retried  GET 404 (N ms)",
            "        ✗ status: expected 200, got 404",
            "          at c.yaml:14:23",
            "  PASS  timeout retried  GET 200 (N ms, 2 attempts)",
        ],
    );
    let counts: Vec<(String, usize)> = ["/flaky", "/down", "/missing", "/slow-once"]
        .iter()
        .map(|p| {
            (
                p.to_string(),
                f.server.requests().iter().filter(|r| r.uri == *p).count(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("/flaky".to_string(), 3),
            ("/down".to_string(), 3),
            ("/missing".to_string(), 1),
            ("/slow-once".to_string(), 2),
        ]
    );
    // The retry delay separates attempts.
    let gaps = f.gaps("/flaky");
    assert_eq!(gaps.len(), 2);
    assert!(
        gaps.iter().all(|g| *g >= Duration::from_millis(100)),
        "{gaps:?}"
    );
}

#[test]
fn delay_waits_before_sending() {
    let f = flaky_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: delay\nrequests:\n  - name: first\n    url: \"{{ server }}/a\"\n  - name: second\n    url: \"{{ server }}/a\"\n    delay: 200ms\n",
    );
    let out = run(&ws, &f.server, &[]);
    out.assert_code(0);
    let gaps = f.gaps("/a");
    assert_eq!(gaps.len(), 1);
    assert!(gaps[0] >= Duration::from_millis(200), "{gaps:?}");
}

#[test]
fn skip_and_skip_if_send_nothing() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: skip
variables:
  mode: live
requests:
  - name: skipped
    url: "{{ server }}/skipped"
    skip: true
  - name: skipped in CI
    url: "{{ server }}/skipped-if"
    skip_if: "{{ env.RUNNER_T_CI is defined }}"
  - name: kept
    url: "{{ server }}/kept"
    skip_if: "{{ mode == 'dry-run' }}"
  - name: counted
    url: "{{ server }}/counted"
    capture: { status: { status: true } }
  - name: skipped by a capture
    url: "{{ server }}/skipped-by-capture"
    skip_if: "{{ status == 200 }}"
"#,
    );
    let out = ws
        .runner()
        .env("RUNNER_T_CI", "1")
        .args([
            "run",
            "c.yaml",
            "--var",
            &format!("server={}", server.url()),
        ])
        .output()
        .expect("run");
    let out = crate::support::Output::from(out);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "  SKIP  skipped  skip: true",
            "  SKIP  skipped in CI  skip_if: {{ env.RUNNER_T_CI is defined }}",
            "  PASS  kept  GET 200 (N ms)",
            "  PASS  counted  GET 200 (N ms)",
            "  SKIP  skipped by a capture  skip_if: {{ status == 200 }}",
        ],
    );
    assert_line(
        &out.stdout,
        "Requests:   2 passed, 0 failed, 0 errors, 3 skipped (5 total)",
    );
    assert_eq!(paths(&server), vec!["/kept", "/counted"]);

    // Without the variable, skip_if is false and the request is sent.
    let out = ws
        .runner()
        .env_remove("RUNNER_T_CI")
        .args([
            "run",
            "c.yaml",
            "--var",
            &format!("server={}", server.url()),
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        paths(&server)[2..],
        ["/skipped-if", "/kept", "/counted"].map(String::from)
    );
}

const SELECT: &str = r#"name: select
requests:
  - name: Health
    url: "{{ server }}/health"
    tags: [smoke]
  - folder: Admin
    tags: [admin]
    requests:
      - name: Create user
        url: "{{ server }}/create"
        tags: [smoke]
      - name: Delete user
        url: "{{ server }}/delete"
      - folder: Audit
        requests:
          - name: List events
            url: "{{ server }}/events"
  - folder: Reports
    requests:
      - name: Daily
        url: "{{ server }}/daily"
"#;

#[test]
fn only_and_tag_select_requests() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write("c.yaml", SELECT);
    let cases: &[(&[&str], &[&str])] = &[
        (&["--only", "Admin/*"], &["/create", "/delete", "/events"]),
        (&["--only", "Admin"], &["/create", "/delete", "/events"]),
        (&["--only", "Admin/Audit"], &["/events"]),
        (&["--only", "Admin/Audit/List events"], &["/events"]),
        (&["--only", "Delete*"], &["/delete"]),
        (&["--only", "*user"], &["/create", "/delete"]),
        (
            &["--only", "Health", "--only", "Reports/*"],
            &["/health", "/daily"],
        ),
        (&["--tag", "smoke"], &["/health", "/create"]),
        (&["--tag", "admin"], &["/create", "/delete", "/events"]),
        (&["--tag", "smoke", "--only", "Admin/*"], &["/create"]),
    ];
    for (args, expected) in cases {
        let before = server.hits();
        let out = run(&ws, &server, args);
        out.assert_code(0);
        assert_eq!(&paths(&server)[before..], *expected, "{args:?}");
    }
    let out = run(&ws, &server, &["--only", "Admin/Audit"]);
    assert_line(
        &out.stdout,
        "  PASS  Admin/Audit/List events  GET 200 (N ms)",
    );
    assert_line(
        &out.stdout,
        "Requests:   1 passed, 0 failed, 0 errors, 0 skipped (1 total)",
    );

    let before = server.hits();
    let out = run(&ws, &server, &["--only", "Nothing*", "--tag", "smoke"]);
    out.assert_code(2)
        .assert_contains("error: no request matches the selection")
        .assert_contains("--only Nothing*")
        .assert_contains("--tag smoke");
    assert_eq!(server.hits(), before);
}

#[test]
fn bail_stops_at_the_first_failure() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: first
requests:
  - name: passes
    url: "{{ server }}/passes"
  - name: fails
    url: "{{ server }}/fails"
    expect: { status: 500 }
  - name: after
    url: "{{ server }}/after"
"#,
    );
    ws.write(
        "d.yaml",
        "name: second\nrequests:\n  - name: other\n    url: \"{{ server }}/other\"\n",
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["run", "c.yaml", "d.yaml", "--var", &var, "--bail"]);
    out.assert_code(1);
    assert_eq!(paths(&server), vec!["/passes", "/fails"]);
    assert_line(
        &out.stdout,
        "Requests:   1 passed, 1 failed, 0 errors, 0 skipped (2 total)",
    );
    assert_line(&out.stdout, "Stopped at the first failure (--bail).");
    out.assert_not_contains("second (d.yaml)");

    let out = ws.run(&["run", "c.yaml", "d.yaml", "--var", &var]);
    out.assert_code(1)
        .assert_not_contains("Stopped at the first failure");
    assert_eq!(
        paths(&server)[2..],
        ["/passes", "/fails", "/after", "/other"].map(String::from)
    );
}

#[test]
fn a_runtime_error_wins_over_a_failed_assertion() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: both
requests:
  - name: fails
    url: "{{{{ server }}}}/fails"
    expect: {{ status: 201 }}
  - name: refused
    url: "http://127.0.0.1:{port}/x"
  - name: fails again
    url: "{{{{ server }}}}/fails"
    expect: {{ status: 201 }}
"#,
            port = closed_port()
        ),
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(3);
    assert_line(&out.stdout, "  ERROR refused");
    assert_line(
        &out.stdout,
        "Requests:   0 passed, 2 failed, 1 error, 0 skipped (3 total)",
    );
    let out = run(&ws, &server, &["--only", "fails*"]);
    out.assert_code(1);
}
