//! `runner curl` is written from the request `runner run` sends: for every body kind, auth
//! kind and kind of secret, the real curl running the printed script sends the same.

use std::collections::BTreeMap;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::json;

use crate::support::server::Recorded;
use crate::support::{Output, TestServer, Workspace};

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/token",
                post(|| async {
                    axum::Json(json!({"access_token": "tok-from-server", "token_type": "Bearer", "expires_in": 3600}))
                }),
            )
            .fallback(|| async { (StatusCode::OK, axum::Json(json!({"id": "c-7"}))) }),
    )
}

const COLLECTION: &str = r#"name: parity
variables:
  greeting: "hello world & more"
secrets: [api_key, token, cred, cli_secret]
requests:
  - name: json
    method: POST
    url: "{{ server }}/json"
    body: { json: { name: "{{ greeting }}", key: "{{ api_key }}", up: "{{ token | upper }}", n: "{{ 1 + 1 }}", tags: [a, "b\"c"] } }
  - name: form
    method: POST
    url: "{{ server }}/form"
    body: { form: { a: "x y", pass: "{{ cred.pass }}", b: "$HOME" } }
  - name: raw
    method: PUT
    url: "{{ server }}/raw"
    body: { raw: "token={{ token }} `$1`", content_type: application/xml }
  - name: raw without a type
    method: POST
    url: "{{ server }}/plain"
    body: { raw: "plain text" }
  - name: multipart
    method: POST
    url: "{{ server }}/upload"
    body: { multipart: { title: "{{ api_key }}", doc: { file: data.txt, content_type: text/plain } } }
  - name: file
    method: POST
    url: "{{ server }}/blob"
    body: { file: data.txt }
  - name: bearer filtered
    url: "{{ server }}/bearer"
    auth: { bearer: "{{ token | upper }}" }
    headers: { X-Encoded: "{{ token | base64 }}", X-Lower: "{{ 'ABC' | lower }}", X-Env: "{{ env.TOKEN_PART | upper }}" }
  - name: basic from a secret map
    url: "{{ server }}/basic"
    auth: { basic: { username: "{{ cred.user }}", password: "{{ cred.pass }}" } }
  - name: api key header from --var
    method: DELETE
    url: "{{ server }}/key"
    headers: { X-Api-Key: "{{ cli_secret }}" }
  - name: api key in the query
    url: "{{ server }}/q?fixed=1"
    query: { api_key: "{{ api_key }}", q: "{{ greeting }}", tok: "{{ token }}" }
  - name: oauth2
    url: "{{ server }}/oauth"
    auth:
      oauth2:
        grant: client_credentials
        token_url: "{{ server }}/token"
        client_id: my-client
        client_secret: "{{ env.OIC_CLIENT_SECRET }}"
        client_auth: body
  - name: host from the environment
    url: "http://{{ env.HOST_PORT }}/host"
"#;

const ENV: &str = r#"variables:
  api_key: "{{ env.API_KEY }}"
  token: "tok-{{ env.TOKEN_PART }}"
  cred: { user: admin, pass: "p@ss w&rd=1" }
"#;

/// What a request looks like to the server, with the parts clients may write differently
/// normalised: multipart boundaries, and form-encoded query strings and bodies compared
/// as decoded pairs (`+` and `%20` both mean a space).
fn seen(r: &Recorded) -> String {
    let h = |n: &str| r.header(n).unwrap_or_default();
    let ct = h("content-type");
    let pairs = |s: &str| -> Vec<(String, String)> {
        url::form_urlencoded::parse(s.as_bytes())
            .into_owned()
            .collect()
    };
    let (path, query) = r.uri.split_once('?').unwrap_or((&r.uri, ""));
    let (ct, body) = if ct.starts_with("multipart/form-data") {
        let b = ct.split("boundary=").nth(1).unwrap_or("").to_string();
        (
            "multipart/form-data".to_string(),
            r.text().replace(&b, "BOUNDARY"),
        )
    } else if ct == "application/x-www-form-urlencoded" {
        (ct, format!("{:?}", pairs(&r.text())))
    } else {
        (ct, r.text())
    };
    format!(
        "{} {path} {:?} | auth={} | key={} | encoded={} | lower={} | env={} | ct={ct} | body={body}",
        r.method,
        pairs(query),
        h("authorization"),
        h("x-api-key"),
        h("x-encoded"),
        h("x-lower"),
        h("x-env"),
    )
}

fn host_port(server: &TestServer) -> String {
    format!("127.0.0.1:{}", server.port())
}

fn curl_on_path() -> bool {
    let found = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "curl is not installed: CI must run the curl parity test"
        );
        eprintln!("skipped: curl is not on PATH");
    }
    found
}

#[test]
fn printed_curl_sends_what_runner_sends() {
    if !curl_on_path() {
        return;
    }
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write("e.yaml", ENV);
    ws.write("data.txt", "file content\n");
    let env = [
        ("API_KEY", "k&y=1 2+3/x"),
        ("TOKEN_PART", "abc xyz"),
        ("OIC_CLIENT_SECRET", "client s3cr3t"),
    ];
    let cli_secret = "cli-s3cret";
    let mut cred = BTreeMap::new();
    cred.insert("CRED_USER", "admin");
    cred.insert("CRED_PASS", "p@ss w&rd=1");

    let by_runner = server();
    let server_var = format!("server={}", by_runner.url());
    let cli_var = format!("cli_secret={cli_secret}");
    let mut run = ws.runner();
    run.args(["run", "c.yaml", "-e", "e.yaml", "--no-token-cache"]);
    run.args(["--var", &server_var, "--var", &cli_var]);
    for (k, v) in env {
        run.env(k, v);
    }
    run.env("HOST_PORT", host_port(&by_runner));
    Output::from(run.output().expect("run")).assert_code(0);

    let by_curl = server();
    let server_var = format!("server={}", by_curl.url());
    let mut print = ws.runner();
    print.args(["curl", "c.yaml", "-e", "e.yaml"]);
    print.args(["--var", &server_var, "--var", &cli_var]);
    let out = Output::from(print.output().expect("curl"));
    out.assert_code(0);
    for v in env.iter().map(|(_, v)| *v).chain([cli_secret, "p@ss"]) {
        out.assert_not_contains(v);
    }
    out.assert_contains("  -H \"X-Api-Key: ${CLI_SECRET}\" \\\n");
    out.assert_contains("  -u \"${CRED_USER}:${CRED_PASS}\" \\\n");
    out.assert_contains(
        "  -H \"Authorization: Bearer $(printf '%s' \"tok-${TOKEN_PART}\" | tr '[:lower:]' '[:upper:]')\" \\\n",
    );
    out.assert_contains(
        "  -H \"X-Encoded: $(printf '%s' \"tok-${TOKEN_PART}\" | base64 | tr -d '\\n')\" \\\n",
    );
    out.assert_contains("  --url-query \"api_key=${API_KEY}\" \\\n");
    out.assert_contains("  --data-urlencode \"pass=${CRED_PASS}\" \\\n");
    out.assert_contains("#   CLI_SECRET  (the secret variable `cli_secret`)\n");
    out.assert_contains("  \"http://${HOST_PORT}/host\"\n");
    out.assert_contains("#   CRED_PASS  (the secret variable `cred.pass`)\n");
    ws.write("calls.sh", &out.stdout);
    let mut sh = std::process::Command::new("sh");
    sh.arg("calls.sh").current_dir(ws.path());
    sh.env("CLI_SECRET", cli_secret);
    sh.env("HOST_PORT", host_port(&by_curl));
    for (k, v) in env.iter().copied().chain(cred) {
        sh.env(k, v);
    }
    let done = sh.output().expect("sh");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    let expected: Vec<String> = by_runner.requests().iter().map(seen).collect();
    let got: Vec<String> = by_curl.requests().iter().map(seen).collect();
    assert_eq!(got, expected);
    assert_eq!(expected.len(), 13, "{expected:#?}");
    assert_eq!(
        expected[0],
        r#"POST /json [] | auth= | key= | encoded= | lower= | env= | ct=application/json | body={"name":"hello world & more","key":"k&y=1 2+3/x","up":"TOK-ABC XYZ","n":2,"tags":["a","b\"c"]}"#
    );
    assert_eq!(
        expected[6],
        "GET /bearer [] | auth=Bearer TOK-ABC XYZ | key= | encoded=dG9rLWFiYyB4eXo= | lower=abc | env=ABC XYZ | ct= | body="
    );
    assert_eq!(
        expected[9],
        "GET /q [(\"fixed\", \"1\"), (\"api_key\", \"k&y=1 2+3/x\"), (\"q\", \"hello world & more\"), (\"tok\", \"tok-abc xyz\")] | auth= | key= | encoded= | lower= | env= | ct= | body="
    );
}

#[test]
fn a_filter_without_a_shell_equivalent_becomes_a_named_input() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: n\nsecrets: [token]\nrequests:\n  - name: r\n    url: http://h.test/\n    headers: { X-T: \"{{ token | replace('a', 'b') }}\" }\n",
    );
    ws.write("e.yaml", "variables:\n  token: secret-a\n");
    let out = ws.run(&["curl", "c.yaml", "-e", "e.yaml"]);
    out.assert_code(0);
    out.assert_not_contains("secret-");
    out.assert_contains(
        "#   VALUE_1  (`{{ token | replace('a', 'b') }}`, computed from the values it reads: no shell equivalent)\n",
    );
    out.assert_contains("  -H \"X-T: ${VALUE_1}\" \\\n");
}
