//! `runner curl`: the printed commands, run by the real curl, send what `runner run` sends.

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{any, post};
use serde_json::json;

use crate::support::{Output, TestServer, Workspace};

/// Answers everything with JSON; `/token` issues a token; `/old` on 127.0.0.1 redirects
/// to the same path on `localhost`, another origin.
fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/token",
                post(|| async {
                    axum::Json(json!({"access_token": "tok-from-server", "token_type": "Bearer", "expires_in": 3600}))
                }),
            )
            .route(
                "/old",
                any(|headers: HeaderMap| async move {
                    let host = headers
                        .get("host")
                        .and_then(|h| h.to_str().ok())
                        .unwrap_or("")
                        .replace("127.0.0.1", "localhost");
                    Redirect::to(&format!("http://{host}/new")).into_response()
                }),
            )
            .fallback(|| async { (StatusCode::OK, axum::Json(json!({"id": "c-7"}))) }),
    )
}

const COLLECTION: &str = r#"name: curl parity
variables:
  greeting: "hello world & more"
secrets: [api_key]
requests:
  - name: query and headers
    url: "{{ server }}/items"
    query: { q: "{{ greeting }}", limit: 5 }
    headers: { X-Api-Key: "{{ api_key }}", Accept: application/json }
    capture: { item_id: $.id }
  - name: json body
    method: POST
    url: "{{ server }}/items/{{ item_id }}"
    body: { json: { name: "{{ greeting }}", n: 1, tags: [a, "b\"c"] } }
  - name: form body
    method: POST
    url: "{{ server }}/form"
    auth: { basic: { username: admin, password: "{{ env.ADMIN_PASSWORD }}" } }
    body: { form: { a: "x y", b: "$HOME" } }
  - name: raw body
    method: PUT
    url: "{{ server }}/raw"
    body: { raw: "<a>`$1`</a>", content_type: application/xml }
  - name: multipart
    method: POST
    url: "{{ server }}/upload"
    body: { multipart: { title: report, doc: { file: data.txt, content_type: text/plain } } }
  - name: file body
    method: POST
    url: "{{ server }}/blob"
    body: { file: data.txt, content_type: application/octet-stream }
  - folder: OAuth
    auth:
      oauth2:
        grant: client_credentials
        token_url: "{{ server }}/token"
        client_id: my-client
        client_secret: "{{ env.OIC_CLIENT_SECRET }}"
        scope: "urn:opc:resource:consumer::all"
    requests:
      - name: redirected with the token
        url: "{{ server }}/old"
        follow_authorization_header: true
      - name: not following
        method: DELETE
        url: "{{ server }}/old"
        follow_redirects: false
"#;

const ENV: &str = "variables:\n  api_key: \"{{ env.API_KEY }}\"\n";

fn summary(server: &TestServer) -> Vec<String> {
    let port = format!(":{}", server.port());
    let requests = server.requests();
    requests
        .iter()
        .map(|r| {
            let h = |n: &str| r.header(n).unwrap_or_default();
            let ct = h("content-type");
            // Multipart boundaries differ between clients.
            let (ct, body) = if ct.starts_with("multipart/form-data") {
                let b = ct.split("boundary=").nth(1).unwrap_or("").to_string();
                (
                    "multipart/form-data".to_string(),
                    r.text().replace(&b, "BOUNDARY"),
                )
            } else {
                (ct, r.text())
            };
            format!(
                "{} {} {} | auth={} | key={} | ct={} | body={}",
                r.method,
                h("host").replace("127.0.0.1", "IP").replace(&port, ":PORT"),
                r.uri,
                h("authorization"),
                h("x-api-key"),
                ct,
                body
            )
        })
        .collect()
}

#[test]
fn curl_commands_send_what_runner_sends() {
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write("e.yaml", ENV);
    ws.write("data.txt", "file content\n");
    let secrets = [
        ("API_KEY", "key-123"),
        ("ADMIN_PASSWORD", "pw 'with' \"quotes\" $x"),
        ("OIC_CLIENT_SECRET", "s3cr3t"),
    ];

    let by_runner = server();
    let var = format!("server={}", by_runner.url());
    let mut run = ws.runner();
    run.args([
        "run",
        "c.yaml",
        "-e",
        "e.yaml",
        "--no-token-cache",
        "--var",
        &var,
    ]);
    for (k, v) in secrets {
        run.env(k, v);
    }
    Output::from(run.output().expect("run")).assert_code(0);

    let by_curl = server();
    let var = format!("server={}", by_curl.url());
    let out = ws.run(&["curl", "c.yaml", "-e", "e.yaml", "--var", &var]);
    out.assert_code(0);
    for (_, v) in secrets {
        out.assert_not_contains(v);
    }
    out.assert_contains("  -H \"X-Api-Key: ${API_KEY}\" \\\n");
    out.assert_contains("  -u \"admin:${ADMIN_PASSWORD}\" \\\n");
    out.assert_contains(&format!(
        "ACCESS_TOKEN=$(curl -s \\\n  -u \"my-client:${{OIC_CLIENT_SECRET}}\" \\\n  -d grant_type=client_credentials \\\n  --data-urlencode \"scope=urn:opc:resource:consumer::all\" \\\n  \"{}/token\" | jq -r .access_token)\n",
        by_curl.url()
    ));
    out.assert_contains(&format!(
        "# OAuth/redirected with the token\ncurl \\\n  --location-trusted \\\n  --max-redirs 10 \\\n  -H \"Authorization: Bearer ${{ACCESS_TOKEN}}\" \\\n  \"{}/old\"\n",
        by_curl.url()
    ));
    out.assert_contains("#   item_id  (captured by `query and headers` in a run)\n");
    ws.write("calls.sh", &out.stdout);
    let mut sh = std::process::Command::new("sh");
    sh.arg("calls.sh")
        .current_dir(ws.path())
        .env("item_id", "c-7");
    for (k, v) in secrets {
        sh.env(k, v);
    }
    let done = sh.output().expect("sh");
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );

    let expected = summary(&by_runner);
    assert_eq!(summary(&by_curl), expected);
    assert_eq!(expected.len(), 10, "{expected:#?}");
    assert_eq!(
        expected[8],
        "GET localhost:PORT /new | auth=Bearer tok-from-server | key= | ct= | body="
    );
}

#[test]
fn only_selects_requests_and_unknown_names_are_errors() {
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    ws.write("e.yaml", ENV);
    let out = ws.run(&[
        "curl",
        "c.yaml",
        "-e",
        "e.yaml",
        "--var",
        "server=http://h.test",
        "--only",
        "raw body",
    ]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "#!/bin/sh\n# curl parity — generated by `runner curl`\n\n# raw body\ncurl \\\n  -X PUT \\\n  -L \\\n  --max-redirs 10 \\\n  -H \"Content-Type: application/xml\" \\\n  --data-raw \"<a>\\`\\$1\\`</a>\" \\\n  \"http://h.test/raw\"\n\n"
    );
    ws.run(&["curl", "c.yaml", "-e", "e.yaml", "--only", "nothing"])
        .assert_code(2)
        .assert_contains("error: no request of c.yaml matches --only");
}
