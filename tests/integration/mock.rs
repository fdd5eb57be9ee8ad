//! `runner mock` as a real process, `runner run --mock`, and `runner validate`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use axum::Router;
use serde_json::{Value, json};

use crate::support::text::{assert_block, assert_line};
use crate::support::{TestServer, Workspace};

const SHOP: &str = r#"name: shop
variables:
  base: "{{ mock_url }}"
  token: secret-token
requests:
  - name: List users
    url: "{{ base }}/users"
    examples:
      - json: { users: [{ id: 1 }, { id: 2 }], page: "{{ request.query.page | default('1') }}" }
  - name: Get user
    url: "{{ base }}/users/{{ user_id }}"
    examples:
      - name: found
        json: { id: "{{ user_id }}", name: "User {{ user_id }}" }
      - name: missing
        status: 404
        json: { error: "no user {{ user_id }}" }
  - name: Create user
    method: POST
    url: "{{ base }}/users"
    examples:
      - status: 201
        headers: { location: "/users/{{ request.json.name }}" }
        json: { created: "{{ request.json.name }}" }
  - name: Where
    url: "{{ base }}/where"
    examples:
      - name: design
        when: { host: "design.*.test" }
        body: design host
      - name: localhost
        when: { host: localhost }
        body: on localhost
      - name: anywhere
        body: anywhere
  - folder: Secure
    auth:
      bearer: "{{ token }}"
    requests:
      - name: Admin
        url: "{{ base }}/admin"
        examples:
          - json: { admin: true }
"#;

/// A `runner mock` child process; killed (by its PID) when dropped.
struct MockProcess {
    child: Child,
    lines: Receiver<String>,
    /// Lines of standard error (also passed on to the test's own).
    errors: Receiver<String>,
    /// Everything printed before the server was ready, and what came after when read.
    printed: Vec<String>,
    port: u16,
}

impl MockProcess {
    /// Starts `runner mock ARGS...` in `ws` and waits for its "listening" line.
    fn start(ws: &Workspace, args: &[&str]) -> MockProcess {
        let mut child = Command::new(env!("CARGO_BIN_EXE_runner"))
            .current_dir(ws.path())
            .env("NO_COLOR", "1")
            .arg("mock")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn runner mock");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = child.stderr.take().expect("stderr");
        let (tx, errors) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("{line}");
                let _ = tx.send(line);
            }
        });
        let mut mock = MockProcess {
            child,
            lines,
            errors,
            printed: Vec::new(),
            port: 0,
        };
        loop {
            let line = mock.next_line();
            let port = line
                .strip_prefix("Mock server listening on http://127.0.0.1:")
                .map(|p| p.parse::<u16>().expect("port"));
            mock.printed.push(line);
            if let Some(port) = port {
                mock.port = port;
                break;
            }
        }
        mock
    }

    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(_) => panic!(
                "runner mock printed no further line; so far:\n{}",
                self.printed.join("\n")
            ),
        }
    }

    /// Reads printed lines until one equals `line`.
    fn expect_line(&mut self, line: &str) {
        loop {
            let got = self.next_line();
            self.printed.push(got.clone());
            if got == line {
                return;
            }
        }
    }

    /// Sends a raw HTTP/1.1 request with `headers` (a Host header is added unless given).
    fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to the mock");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut req = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            req.push_str(&format!("Host: 127.0.0.1:{}\r\n", self.port));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ));
        stream.write_all(req.as_bytes()).expect("write request");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read response");
        Response::parse(&raw)
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP/1.1 response (bodies with Content-Length).
#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let text = String::from_utf8_lossy(raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a complete response");
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .expect("status line");
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: body.to_string(),
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// A port that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[test]
fn mock_serves_examples_on_the_given_port() {
    let ws = Workspace::new();
    ws.write("shop.yaml", SHOP);
    let port = free_port();
    let mut mock = MockProcess::start(&ws, &["shop.yaml", "--port", &port.to_string()]);
    assert_eq!(mock.port, port);
    mock.expect_line("Press Ctrl-C to stop.");
    let banner = mock.printed.join("\n");
    assert_block(
        &banner,
        &[
            &format!("Mock server listening on http://127.0.0.1:{port}"),
            "  GET /users/{user_id}  (Get user)",
            "  GET /users  (List users)",
            "  POST /users  (Create user)",
            "  GET /where  (Where)",
            "  GET /admin  (Secure/Admin)",
            &format!(
                "  OAuth2: http://127.0.0.1:{port}/oauth2/v1/authorize, http://127.0.0.1:{port}/oauth2/v1/token, http://127.0.0.1:{port}/oauth2/v1/device"
            ),
            "Press Ctrl-C to stop.",
        ],
    );

    // The first example, with path variables and request data in its templates.
    let r = mock.send("GET", "/users/77", &[], "");
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), json!({"id": "77", "name": "User 77"}));
    mock.expect_line("GET /users/77 -> 200 (Get user: found)");

    let r = mock.send("GET", "/users?page=3", &[], "");
    assert_eq!(
        r.json(),
        json!({"users": [{"id": 1}, {"id": 2}], "page": "3"})
    );

    // Another example, by name or by status code.
    let r = mock.send(
        "GET",
        "/users/77",
        &[("x-mock-response-name", "missing")],
        "",
    );
    assert_eq!((r.status, r.json()), (404, json!({"error": "no user 77"})));
    let r = mock.send("GET", "/users/78", &[("x-mock-response-code", "404")], "");
    assert_eq!((r.status, r.json()), (404, json!({"error": "no user 78"})));
    mock.expect_line("GET /users/78 -> 404 (Get user: missing)");

    let r = mock.send(
        "POST",
        "/users",
        &[("content-type", "application/json")],
        r#"{"name":"ann"}"#,
    );
    assert_eq!(r.status, 201);
    assert_eq!(r.header("location"), Some("/users/ann"));
    assert_eq!(r.json(), json!({"created": "ann"}));

    // `when: {host}` picks the example by the Host header (a glob, port ignored).
    let host = |h: &str| mock.send("GET", "/where", &[("Host", h)], "").body;
    assert_eq!(host(&format!("localhost:{port}")), "on localhost");
    assert_eq!(host("design.eu.test"), "design host");
    assert_eq!(host(&format!("127.0.0.1:{port}")), "anywhere");

    // A request the collection gives auth needs the Authorization header.
    let r = mock.send("GET", "/admin", &[], "");
    assert_eq!(r.status, 401);
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        r.json(),
        json!({
            "error": "unauthorized",
            "message": "this request needs an Authorization header (the collection gives it auth)",
            "request": "Secure/Admin"
        })
    );
    let r = mock.send("GET", "/admin", &[("Authorization", "Bearer wrong")], "");
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json()["message"],
        "the Authorization header does not match the collection's credentials"
    );
    let r = mock.send(
        "GET",
        "/admin",
        &[("Authorization", "Bearer secret-token")],
        "",
    );
    assert_eq!((r.status, r.json()), (200, json!({"admin": true})));

    // An unknown path lists the routes.
    let r = mock.send("DELETE", "/nope", &[], "");
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({
            "error": "no saved example matches this request",
            "method": "DELETE",
            "path": "/nope",
            "routes": ["GET /users/{user_id}", "GET /users", "POST /users", "GET /where", "GET /admin"]
        })
    );
    mock.expect_line("DELETE /nope -> 404 (no route)");
}

#[test]
fn mock_with_an_invalid_collection_exits_2() {
    let ws = Workspace::new();
    ws.write(
        "bad.yaml",
        "name: bad\nrequests:\n  - name: r\n    url: \"{{ mock_url }}/x\"\n    examples:\n      - statuz: 200\n",
    );
    let out = ws.run(&["mock", "bad.yaml", "--port", "0"]);
    out.assert_code(2)
        .assert_contains("error: unknown key `statuz`")
        .assert_contains(" --> bad.yaml:6:9")
        .assert_contains("did you mean `status`?");
}

const OFFLINE: &str = r#"name: offline
requests:
  - name: create
    method: POST
    url: "{{ mock_url }}/users"
    body: { json: { name: ann } }
    expect:
      status: 201
      headers: { location: /users/ann }
      json: { $.created: ann }
    capture: { user_id: $.created }
    examples:
      - status: 201
        headers: { location: "/users/{{ request.json.name }}" }
        json: { created: "{{ request.json.name }}" }
  - name: fetch
    url: "{{ mock_url }}/users/{{ user_id }}"
    expect:
      json:
        $.id: "{{ user_id }}"
        $.name: "{{ expected_name }}"
    examples:
      - name: found
        json: { id: "{{ user_id }}", name: "User {{ user_id }}" }
      - name: missing
        status: 404
        json: { error: "no user {{ user_id }}" }
  - name: missing
    url: "{{ mock_url }}/users/{{ user_id }}"
    headers: { x-mock-response-name: missing }
    expect:
      status: 404
      json: { $.error: no user ann }
"#;

const NO_EXAMPLES: &str = r#"name: bare
requests:
  - name: ping
    url: "{{ mock_url }}/ping"
"#;

const NO_EXAMPLES_WARNING: &str = "warning: collection `bare` (bare.yaml) has no examples, so the mock serves none of its requests; an example is a saved response under `examples:` in a request";

#[test]
fn mock_without_examples_says_so() {
    let ws = Workspace::new();
    ws.write("bare.yaml", NO_EXAMPLES);
    ws.write("shop.yaml", SHOP);
    let mock = MockProcess::start(&ws, &["bare.yaml", "shop.yaml", "--port", "0"]);
    let warning = mock
        .errors
        .recv_timeout(Duration::from_secs(20))
        .expect("a warning on standard error");
    assert_eq!(warning, NO_EXAMPLES_WARNING);
    // Only the collection without examples is named.
    assert!(
        mock.errors
            .recv_timeout(Duration::from_millis(300))
            .is_err()
    );
    drop(mock);

    let out = ws.run(&["run", "bare.yaml", "--mock"]);
    assert_eq!(
        out.stderr
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .collect::<Vec<_>>(),
        [
            "warning: --mock: no request has an example, so the mock serves only OAuth2; an example is a saved response under `examples:` in a request"
        ]
    );
    // A collection with examples runs without the warning.
    ws.write("c.yaml", OFFLINE);
    let out = ws.run(&["run", "c.yaml", "--mock", "--var", "expected_name=User ann"]);
    out.assert_code(0);
    assert!(!out.stderr.contains("warning:"), "{}", out.stderr);
}

#[test]
fn run_with_mock_serves_the_collections_examples() {
    let ws = Workspace::new();
    ws.write("c.yaml", OFFLINE);
    let out = ws.run(&["run", "c.yaml", "--mock", "--var", "expected_name=User ann"]);
    out.assert_code(0);
    assert_line(&out.stdout, "  PASS  create  POST 201 (N ms)");
    assert_line(&out.stdout, "  PASS  fetch  GET 200 (N ms)");
    assert_line(&out.stdout, "  PASS  missing  GET 404 (N ms)");
    assert_line(&out.stdout, "Assertions: 7 passed, 0 failed (7 total)");

    let out = ws.run(&["run", "c.yaml", "--mock", "--var", "expected_name=User bob"]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  fetch  GET 200 (N ms)",
            "        ✗ $.name: expected \"User bob\", got \"User ann\"",
            "          at c.yaml:21:17",
        ],
    );

    // Without --mock, mock_url is undefined: invalid input, nothing sent.
    let out = ws.run(&["run", "c.yaml", "--var", "expected_name=x"]);
    out.assert_code(2)
        .assert_contains("undefined variable `mock_url` in request `create`")
        .assert_contains("`mock_url` is set by `--mock`");
}

#[test]
fn validate_checks_without_sending() {
    let server = TestServer::start(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: valid
variables:
  base: "{{ server }}"
requests:
  - name: login
    method: POST
    url: "{{ base }}/login"
    capture: { token: $.token }
  - folder: Users
    requests:
      - name: list
        url: "{{ base }}/users"
        headers: { Authorization: "Bearer {{ token }}" }
      - name: get
        url: "{{ base }}/users/1"
"#,
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["validate", "c.yaml", "--var", &var]);
    out.assert_code(0);
    assert_eq!(out.stdout, "ok c.yaml (3 requests)\n");
    ws.write("offline.yaml", OFFLINE);
    let out = ws.run(&[
        "validate",
        "c.yaml",
        "offline.yaml",
        "--mock",
        "--var",
        &var,
        "--var",
        "expected_name=x",
    ]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "ok c.yaml (3 requests)\nok offline.yaml (3 requests)\n"
    );
    assert_eq!(server.hits(), 0, "validate sends nothing");

    let out = ws.run(&["validate", "c.yaml"]);
    out.assert_code(2)
        .assert_contains("error: variable `base`: undefined variable `server`");
    assert_eq!(out.stdout, "");

    // Unlike `runner mock`, validate wants every variable of a request defined.
    ws.write("shop.yaml", SHOP);
    let out = ws.run(&["validate", "shop.yaml", "--mock"]);
    out.assert_code(2)
        .assert_contains("error: undefined variable `user_id` in request `Get user`");
}

#[test]
fn mock_serves_an_oauth2_server_with_a_configurable_token_lifetime() {
    let ws = Workspace::new();
    ws.write("shop.yaml", SHOP);
    let mut mock = MockProcess::start(&ws, &["shop.yaml", "--token-lifetime", "90s"]);
    mock.expect_line("Press Ctrl-C to stop.");
    let form = [("Content-Type", "application/x-www-form-urlencoded")];

    let r = mock.send(
        "POST",
        "/oauth2/v1/token",
        &form,
        "grant_type=client_credentials",
    );
    assert_eq!(r.status, 200);
    let body = r.json();
    assert_eq!(body["expires_in"], 90);
    assert_eq!(body["token_type"], "Bearer");
    assert!(
        body["access_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("mock-access-"))
    );

    // The consent page approves by itself through `Refresh`, then redirects with the code.
    let r = mock.send(
        "GET",
        "/oauth2/v1/authorize?response_type=code&client_id=c&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=st1",
        &[],
        "",
    );
    assert_eq!(r.status, 200);
    let refresh = r.header("refresh").expect("refresh header").to_string();
    let approve = refresh.strip_prefix("1; url=").expect("url").to_string();
    assert!(approve.starts_with("/oauth2/v1/approve?"), "{approve}");
    let r = mock.send("GET", &approve, &[], "");
    assert_eq!(r.status, 302);
    let location = url::Url::parse(r.header("location").expect("location")).expect("url");
    assert_eq!(location.path(), "/cb");
    let q: std::collections::HashMap<String, String> =
        location.query_pairs().into_owned().collect();
    assert_eq!(q.get("state").map(String::as_str), Some("st1"));
    let code = q.get("code").expect("code").clone();

    // Code exchange, then refresh rotation: each refresh token works once.
    let r = mock.send(
        "POST",
        "/oauth2/v1/token",
        &form,
        &format!(
            "grant_type=authorization_code&code={code}&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let rt = r.json()["refresh_token"]
        .as_str()
        .expect("refresh token")
        .to_string();
    let refresh_body = format!("grant_type=refresh_token&refresh_token={rt}");
    let r = mock.send("POST", "/oauth2/v1/token", &form, &refresh_body);
    assert_eq!(r.status, 200);
    assert_ne!(r.json()["refresh_token"].as_str(), Some(rt.as_str()));
    let r = mock.send("POST", "/oauth2/v1/token", &form, &refresh_body);
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_grant");

    // Device flow: pending once, then a token.
    let r = mock.send("POST", "/oauth2/v1/device", &form, "client_id=c");
    let device_code = r.json()["device_code"]
        .as_str()
        .expect("device code")
        .to_string();
    let poll = format!(
        "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code={device_code}"
    );
    let r = mock.send("POST", "/oauth2/v1/token", &form, &poll);
    assert_eq!(r.json()["error"], "authorization_pending");
    let r = mock.send("POST", "/oauth2/v1/token", &form, &poll);
    assert_eq!(r.status, 200);
}

/// A collection whose environment points at a real host.
const REAL_HOST: &str = r#"name: api
requests:
  - name: List users
    url: "{{ base_url }}/users"
    expect:
      status: 200
      json:
        $.users[0].id: 1
    examples:
      - json: { users: [{ id: 1 }] }
"#;

#[test]
fn a_collection_is_pointed_at_the_mock_as_the_readme_says() {
    let ws = Workspace::new();
    ws.write("api.yaml", REAL_HOST);
    ws.write(
        "environments/dev.yaml",
        "variables:\n  base_url: https://api.example.test\n",
    );
    ws.write(
        "environments/mock.yaml",
        "variables:\n  base_url: \"{{ mock_url }}\"\n",
    );

    // --mock and an environment whose URL is mock_url.
    ws.run(&["run", "api.yaml", "-e", "mock", "--mock"])
        .assert_code(0)
        .assert_contains("PASS  List users  GET 200");

    // `runner mock` elsewhere, and the literal URL in --var.
    let mock = MockProcess::start(&ws, &["api.yaml", "-e", "dev", "--port", "0"]);
    let url = format!("base_url=http://127.0.0.1:{}", mock.port);
    ws.run(&["run", "api.yaml", "-e", "dev", "--var", &url])
        .assert_code(0)
        .assert_contains("PASS  List users  GET 200");

    // A --var value is not a template.
    ws.run(&[
        "run",
        "api.yaml",
        "-e",
        "dev",
        "--mock",
        "--var",
        "base_url={{ mock_url }}",
    ])
    .assert_code(1)
    .assert_contains("invalid URL `{{ mock_url }}/users`");
}

/// A path with characters that are sent percent-encoded (a space, `ü`) is matched by the
/// mock, whose routes hold them as written.
#[test]
fn run_mock_matches_paths_with_encoded_characters() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: c
requests:
  - name: space
    url: "{{ mock_url }}/a b/x"
    expect: { status: 200 }
    examples: [{ status: 200 }]
  - name: umlaut
    url: "{{ mock_url }}/ü/{{ id }}"
    expect: { status: 200 }
    examples: [{ status: 200 }]
"#,
    );
    let out = ws.run(&["run", "c.yaml", "--mock", "--var", "id=7"]);
    out.assert_code(0);
    out.assert_contains("  PASS  space  GET 200");
    out.assert_contains("  PASS  umlaut  GET 200");
}

/// An example whose JSON body is `null` answers the JSON text `null`, not an empty body.
#[test]
fn run_mock_serves_a_null_json_example() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: c
requests:
  - name: nothing
    url: "{{ mock_url }}/n"
    expect: { json: { $: null } }
    examples: [{ status: 200, json: null }]
"#,
    );
    let out = ws.run(&["run", "c.yaml", "--mock"]);
    out.assert_code(0);
    out.assert_contains("  PASS  nothing  GET 200");
}
