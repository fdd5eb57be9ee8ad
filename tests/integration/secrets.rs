//! Secrets never appear in any output: not in a passing run, `-v`, a failing run with
//! diffs, a runtime error or a template error, even when the server echoes every
//! credential back in its body and headers, and in their encoded forms.

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace};

/// The bearer token (`auth: { bearer }`), a `secrets:` variable of the environment file.
const TOKEN: &str = r#"bT0k/9f+Qz=="x"\y"#;
/// A `secrets:` variable of the environment, used in a header, the query and a JSON body.
const API_KEY: &str = r#"ak 7/Zq+W "quoted" \back"#;
/// From `.env`, through `{{ env.CLIENT_SECRET }}`.
const CLIENT_SECRET: &str = r#"dotenv s3cret/+= "d" x"#;
/// From `--var cli_secret=...`.
const CLI_SECRET: &str = r#"cli-v4r/+ &x=1 "c""#;
/// Basic auth.
const USER: &str = "alice";
const PASSWORD: &str = r#"pw d/+4 "p" \q"#;
/// A password inside an `Authorization: Basic` header written in the collection.
const HEADER_PASSWORD: &str = r#"hdr pw/+7 "h""#;
/// Sent by the server, captured into a variable listed under `secrets:`.
const SESSION: &str = r#"sess-CAPTURED/+9 "s" \t"#;

/// Every secret of the run with a label.
fn secrets() -> Vec<(&'static str, String)> {
    vec![
        ("token", TOKEN.into()),
        ("api_key", API_KEY.into()),
        ("client_secret", CLIENT_SECRET.into()),
        ("cli_secret", CLI_SECRET.into()),
        ("password", PASSWORD.into()),
        ("user:password", format!("{USER}:{PASSWORD}")),
        ("header password", HEADER_PASSWORD.into()),
        ("session", SESSION.into()),
    ]
}

/// A secret and the forms it takes on the wire and in documents.
pub(crate) fn forms(secret: &str) -> Vec<(&'static str, String)> {
    let json = serde_json::to_string(secret).expect("json");
    vec![
        ("raw", secret.to_string()),
        ("base64", STANDARD.encode(secret)),
        ("base64 without padding", STANDARD_NO_PAD.encode(secret)),
        ("url-safe base64", URL_SAFE.encode(secret)),
        (
            "url-safe base64 without padding",
            URL_SAFE_NO_PAD.encode(secret),
        ),
        ("percent-encoded", percent(secret, false)),
        ("form-encoded", percent(secret, true)),
        ("json-escaped", json[1..json.len() - 1].to_string()),
    ]
}

/// Percent-encodes everything but unreserved characters; `plus` writes spaces as `+`.
pub(crate) fn percent(s: &str, plus: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' if plus => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Shortest piece of a secret that must not show: a cut-off value or a form the masker
/// does not know must not give away part of a secret either.
pub(crate) const WINDOW: usize = 6;

/// Fails when stdout or stderr holds a secret, one of its forms, or a piece of it.
#[track_caller]
fn assert_no_secret(out: &Output, run: &str) {
    let all = out.all();
    for (name, secret) in secrets() {
        for (form, value) in forms(&secret) {
            assert!(
                !all.contains(&value),
                "{run}: the {form} form of {name} ({value:?}) shows\n--- stdout\n{}\n--- stderr\n{}",
                out.stdout,
                out.stderr
            );
        }
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(WINDOW) {
            let piece: String = piece.iter().collect();
            assert!(
                !all.contains(&piece),
                "{run}: {piece:?}, a piece of {name}, shows\n--- stdout\n{}\n--- stderr\n{}",
                out.stdout,
                out.stderr
            );
        }
    }
}

/// Echoes each request like httpbin: headers, raw body (`data`), parsed JSON (`json`),
/// URI, and, for credential headers, their base64 and percent-encoded forms. Response
/// headers repeat every request header as `x-echo-NAME`, so `-v` prints them too.
/// `/session` hands out the session secret; `padded` puts the API key across the point
/// where long values are cut in messages.
pub(crate) fn echo_server() -> Router {
    Router::new()
        .route("/echo", any(echo))
        .route(
            "/session",
            any(|| async { axum::Json(json!({ "session": SESSION })) }),
        )
        .route("/big", any(big))
        .route("/bounce", any(bounce))
}

/// A body longer than `-v` shows, cut in the middle of the API key.
async fn big(headers: HeaderMap) -> String {
    let key = api_key(&headers);
    format!("{}{key} tail", "p".repeat(16 * 1024 - 8))
}

/// A redirect to an ftp URL carrying the API key, which the runner refuses to follow.
async fn bounce(headers: HeaderMap) -> Response {
    let location = format!(
        "ftp://files.example/drop?key={}",
        percent(&api_key(&headers), false)
    );
    (
        axum::http::StatusCode::FOUND,
        [(axum::http::header::LOCATION, location)],
    )
        .into_response()
}

fn api_key(headers: &HeaderMap) -> String {
    headers
        .get("x-api-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

async fn echo(OriginalUri(uri): OriginalUri, method: Method, req: Request) -> Response {
    let headers = req.headers().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let data = String::from_utf8_lossy(&body).into_owned();
    let mut echoed = BTreeMap::new();
    let mut encoded = BTreeMap::new();
    let mut out_headers = HeaderMap::new();
    for (name, value) in &headers {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        echoed.insert(name.to_string(), Value::String(text.clone()));
        if let Ok(n) = HeaderName::try_from(format!("x-echo-{name}")) {
            out_headers.insert(n, value.clone());
        }
        if name == "authorization" || name.as_str().starts_with("x-") {
            let credential = text.split_once(' ').map(|(_, c)| c).unwrap_or(&text);
            let credential = if text.starts_with("Basic ") {
                String::from_utf8(STANDARD.decode(credential).unwrap_or_default())
                    .unwrap_or_default()
            } else if text.starts_with("Bearer ") {
                credential.to_string()
            } else {
                text.clone()
            };
            let forms = json!({
                "base64": STANDARD.encode(&credential),
                "base64url": URL_SAFE_NO_PAD.encode(&credential),
                "percent": percent(&credential, false),
                "form": percent(&credential, true),
            });
            if let Ok(v) = HeaderValue::from_str(&forms.to_string()) {
                out_headers.insert(
                    HeaderName::try_from(format!("x-forms-{name}")).expect("name"),
                    v,
                );
            }
            encoded.insert(name.to_string(), forms);
        }
    }
    if let Ok(v) = HeaderValue::from_str(&data) {
        out_headers.insert("x-echo-body", v);
    }
    let api_key = api_key(&headers);
    let doc = json!({
        "method": method.as_str(),
        "uri": uri.to_string(),
        "headers": echoed,
        "encoded": encoded,
        "data": data,
        "json": serde_json::from_str::<Value>(&data).unwrap_or(Value::Null),
        "padded": format!("{}{api_key}", "p".repeat(110)),
    });
    (out_headers, axum::Json(doc)).into_response()
}

/// A workspace with the environment, `.env` and a collection `c.yaml` sending every
/// secret to `url`.
fn workspace(url: &str, expect: &str) -> Workspace {
    let explicit = STANDARD.encode(format!("bob:{HEADER_PASSWORD}"));
    let ws = Workspace::new();
    ws.write(
        "environments/test.yaml",
        &format!(
            "variables:
  token: '{TOKEN}'
  api_key: '{API_KEY}'
  client_secret: \"{{{{ env.CLIENT_SECRET }}}}\"
  cli_secret: overridden-on-the-command-line
  user: {USER}
  password: '{PASSWORD}'
secrets: [token, api_key, client_secret, cli_secret, password, session_token]
"
        ),
    );
    ws.write(".env", &format!("CLIENT_SECRET='{CLIENT_SECRET}'\n"));
    ws.write(
        "c.yaml",
        &format!(
            r#"name: secrets
auth: {{ bearer: "{{{{ token }}}}" }}
requests:
  - name: everything
    method: POST
    url: "{url}/echo?inline={{{{ api_key }}}}"
    query:
      key: "{{{{ api_key }}}}"
      client: "{{{{ client_secret }}}}"
      cli: "{{{{ cli_secret }}}}"
    headers:
      X-Api-Key: "{{{{ api_key }}}}"
      X-Client-Secret: "{{{{ client_secret }}}}"
      X-Cli: "{{{{ cli_secret }}}}"
    body:
      json:
        key: "{{{{ api_key }}}}"
        nested: {{ client: "{{{{ client_secret }}}}", cli: "{{{{ cli_secret }}}}" }}
        note: "key={{{{ api_key }}}}"
    expect:
      status: 200
      json:
        "$.headers['x-api-key']": "{{{{ api_key }}}}"
{expect}
  - name: basic
    url: "{url}/echo"
    auth: {{ basic: {{ username: "{{{{ user }}}}", password: "{{{{ password }}}}" }} }}
    expect:
      status: 200
  - name: explicit basic header
    url: "{url}/echo"
    headers:
      Authorization: "Basic {explicit}"
    expect:
      status: 200
  - name: session
    url: "{url}/session"
    capture:
      session_token: $.session
  - name: uses the session
    method: PUT
    url: "{url}/echo"
    headers:
      X-Session: "{{{{ session_token }}}}"
    body:
      form: {{ session: "{{{{ session_token }}}}" }}
    expect:
      status: 200
  - name: big
    url: "{url}/big"
    headers:
      X-Api-Key: "{{{{ api_key }}}}"
    expect:
      status: 200
      body: {{ contains: " tail" }}
"#
        ),
    );
    ws
}

fn run(ws: &Workspace, extra: &[&str]) -> Output {
    let var = format!("cli_secret={CLI_SECRET}");
    let mut args = vec!["run", "c.yaml", "-e", "test", "--var", var.as_str()];
    args.extend_from_slice(extra);
    ws.run(&args)
}

#[test]
fn a_passing_run_and_its_verbose_output_show_no_secret() {
    let server = TestServer::start(echo_server());
    let ws = workspace(&server.url(), "");

    let out = run(&ws, &[]);
    out.assert_code(0).assert_contains("6 passed");
    assert_no_secret(&out, "run");

    let out = run(&ws, &["-v"]);
    out.assert_code(0);
    assert_no_secret(&out, "run -v");
    // The values were printed, masked.
    out.assert_contains("> authorization: Bearer *****")
        .assert_contains("> x-api-key: *****")
        .assert_contains("> x-client-secret: *****")
        .assert_contains("> x-cli: *****")
        .assert_contains("> authorization: Basic *****")
        .assert_contains("> x-session: *****")
        .assert_contains("< x-echo-authorization: Bearer *****")
        .assert_contains("< x-echo-x-session: *****")
        .assert_contains("pppp***** ta...\n* ... 2 more bytes\n");

    // The server did receive every secret as written.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 12);
    let first = &reqs[0];
    assert_eq!(
        first.header("authorization"),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(first.header("x-api-key").as_deref(), Some(API_KEY));
    assert_eq!(
        first.header("x-client-secret").as_deref(),
        Some(CLIENT_SECRET)
    );
    assert_eq!(first.header("x-cli").as_deref(), Some(CLI_SECRET));
    let body: Value = serde_json::from_slice(&first.body).expect("json body");
    assert_eq!(
        body,
        json!({"key": API_KEY, "nested": {"client": CLIENT_SECRET, "cli": CLI_SECRET}, "note": format!("key={API_KEY}")})
    );
    assert_eq!(
        reqs[1].header("authorization"),
        Some(format!(
            "Basic {}",
            STANDARD.encode(format!("{USER}:{PASSWORD}"))
        ))
    );
    assert_eq!(reqs[4].header("x-session").as_deref(), Some(SESSION));
}

#[test]
fn a_failing_run_with_diffs_of_echoed_secrets_shows_no_secret() {
    let server = TestServer::start(echo_server());
    let expect = r#"        $.json: { equals: { key: wrong, nested: { client: wrong, cli: wrong }, note: wrong } }
        $.padded: short
      headers:
        x-echo-x-api-key: wrong
        x-echo-body: { contains: nothing-like-this }
      body: { equals: "not\nthe\nbody" }"#;
    let ws = workspace(&server.url(), expect);
    let out = run(&ws, &["-v"]);
    out.assert_code(1)
        .assert_contains("FAIL  everything")
        .assert_contains("$.json.key: expected \"wrong\", got \"*****\"")
        .assert_contains("--- expected")
        .assert_contains("+++ actual")
        .assert_contains("header x-echo-x-api-key: expected \"wrong\", got \"*****\"")
        .assert_contains("+  \"key\": \"*****\",")
        // The API key straddles the point where the value is cut.
        .assert_contains(&format!(
            "$.padded: expected \"short\", got \"{}*****...\n",
            "p".repeat(110)
        ));
    assert_no_secret(&out, "failing run");

    let out = run(&ws, &["-v", "--color", "always"]);
    out.assert_code(1).assert_contains("\x1b[");
    assert_no_secret(&out, "failing run in colour");
}

#[test]
fn a_runtime_error_shows_no_secret() {
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let ws = workspace(&format!("http://127.0.0.1:{closed}"), "");
    let out = run(&ws, &["-v"]);
    out.assert_code(3)
        .assert_contains("ERROR everything")
        .assert_contains("connection failed");
    assert_no_secret(&out, "connection refused");

    let server = TestServer::start(echo_server());
    let ws = workspace(&server.url(), "");
    let text = std::fs::read_to_string(ws.path().join("c.yaml")).expect("c.yaml");
    ws.write("c.yaml", &text.replace("/echo?inline=", "/bounce?inline="));
    let out = run(&ws, &["-v"]);
    out.assert_code(3)
        .assert_contains("ERROR everything  POST 302")
        .assert_contains(
            "bad redirect Location `ftp://files.example/drop?key=*****`: the scheme `ftp` is not http or https",
        );
    assert_no_secret(&out, "refused redirect");
}

#[test]
fn a_malformed_dotenv_file_does_not_print_its_values() {
    let server = TestServer::start(echo_server());
    let ws = workspace(&server.url(), "");
    ws.write(
        ".env",
        &format!("OTHER=1\nCLIENT_SECRET='{CLIENT_SECRET}\n{API_KEY}\n"),
    );
    let out = run(&ws, &[]);
    out.assert_code(2)
        .assert_contains("cannot parse .env at line 2: `CLIENT_SECRET=...` (values are not shown)");
    assert_no_secret(&out, "malformed .env");
    assert_eq!(server.hits(), 0);
}

#[test]
fn a_template_error_shows_no_secret() {
    let server = TestServer::start(echo_server());
    let ws = workspace(&server.url(), "");
    let text = std::fs::read_to_string(ws.path().join("c.yaml")).expect("c.yaml");
    ws.write(
        "c.yaml",
        &text.replace(
            "      X-Cli: \"{{ cli_secret }}\"",
            "      X-Cli: \"{{ cli_secret }}{{ api_key ~ no_such_variable }}\"",
        ),
    );
    let out = run(&ws, &[]);
    out.assert_code(2)
        .assert_contains("undefined variable `no_such_variable`");
    assert_no_secret(&out, "template error");
    assert_eq!(server.hits(), 0);
}

/// A secret as HTML and XML write it.
fn markup_forms(secret: &str) -> Vec<String> {
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    vec![html.replace('\'', "&#39;"), html.replace('\'', "&apos;")]
}

#[test]
fn no_report_holds_a_secret() {
    let server = TestServer::start(echo_server());
    let expect = r#"        $.json: { equals: { key: wrong, nested: { client: wrong, cli: wrong }, note: wrong } }
      headers:
        x-echo-x-api-key: wrong"#;
    for (label, expect, code) in [("passing", "", 0), ("failing", expect, 1)] {
        let ws = workspace(&server.url(), expect);
        let summary = ws.path().join("summary.md");
        let var = format!("cli_secret={CLI_SECRET}");
        let out = Output::from(
            ws.runner()
                .env("GITHUB_STEP_SUMMARY", &summary)
                .args([
                    "run",
                    "c.yaml",
                    "-e",
                    "test",
                    "--var",
                    &var,
                    "-v",
                    "-n",
                    "2",
                    "-j",
                    "2",
                    "--reporter",
                    "junit=r.xml",
                    "--reporter",
                    "json=r.json",
                    "--reporter",
                    "html=r.html",
                    "--reporter",
                    "github",
                    "--reporter",
                    "cli",
                ])
                .output()
                .expect("run"),
        );
        out.assert_code(code);
        assert_no_secret(&out, label);
        for file in ["r.xml", "r.json", "r.html", "summary.md"] {
            let text = std::fs::read_to_string(ws.path().join(file)).expect("report written");
            let as_output = Output {
                code: 0,
                stdout: text.clone(),
                stderr: String::new(),
            };
            assert_no_secret(&as_output, &format!("{label} {file}"));
            for (name, secret) in secrets() {
                for form in markup_forms(&secret) {
                    assert!(
                        !text.contains(&form),
                        "{label} {file}: {name} shows as {form}"
                    );
                }
            }
        }
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(ws.path().join("r.json")).expect("json"))
                .expect("valid JSON");
        assert_eq!(report["summary"]["requests"], 12);
        let hop = &report["iterations"][0]["requests"][0]["hops"][0];
        let auth: Vec<&Value> = hop["request_headers"]
            .as_array()
            .expect("headers")
            .iter()
            .filter(|h| h[0] == "authorization")
            .collect();
        assert_eq!(auth, [&json!(["authorization", "Bearer *****"])]);
    }
}
