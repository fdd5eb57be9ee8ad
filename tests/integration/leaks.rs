//! What a cut, a structured secret or a proxy URL could leak, and what a hostile server
//! could do to a terminal or a CI log: excerpts masked before they are cut, every leaf of
//! a map or list secret masked, proxy passwords never repeated, and server text unable to
//! send escape sequences, forge result lines or workflow commands.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;

use axum::Router;
use axum::extract::Path;
use axum::routing::get;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::json;

use crate::secrets::{WINDOW, echo_server, forms, percent};
use crate::support::{Output, TestServer, Workspace};

/// 35 characters, some of which every encoding changes.
const SECRET: &str = "Zx9kQ2mP/7wR4tY+8uI3oL6aS1dF5gH0jK2";

/// Every piece of every secret (and of each of its forms) that must not show.
struct Pieces(HashMap<Vec<u8>, String>);

impl Pieces {
    fn of(secrets: &[&str]) -> Pieces {
        let mut map = HashMap::new();
        for secret in secrets {
            for (form, value) in forms(secret) {
                for piece in value.as_bytes().windows(WINDOW.min(value.len())) {
                    map.insert(piece.to_vec(), format!("the {form} form of {secret:?}"));
                }
            }
        }
        Pieces(map)
    }

    /// Fails when `text` holds a piece; one pass, so that megabytes of output are quick.
    #[track_caller]
    fn assert_absent(&self, label: &str, text: &str) {
        for (at, window) in text.as_bytes().windows(WINDOW).enumerate() {
            if let Some(what) = self.0.get(window) {
                let bytes = &text.as_bytes()[at.saturating_sub(80)..(at + 80).min(text.len())];
                panic!(
                    "{label}: a piece of {what} shows at byte {at}: {:?}",
                    String::from_utf8_lossy(bytes)
                );
            }
        }
    }

    #[track_caller]
    fn assert_output(&self, label: &str, out: &Output) {
        self.assert_absent(&format!("{label} stdout"), &out.stdout);
        self.assert_absent(&format!("{label} stderr"), &out.stderr);
    }
}

/// The forms of [`SECRET`] the cut server places at a cut.
fn served_form(form: &str) -> String {
    match form {
        "raw" => SECRET.to_string(),
        "base64" => STANDARD.encode(SECRET),
        "base64url" => URL_SAFE_NO_PAD.encode(SECRET),
        _ => percent(SECRET, false),
    }
}

/// `/cut/LIMIT/FORM/N`: a text body with a form of the secret placed so that the
/// N-th iteration moves it one byte further across the point LIMIT where bodies are cut
/// (8 KiB in reports, 16 KiB in `-v`). `/json/FORM/N` does the same for the 117th
/// character, where a value is cut in an assertion message.
fn cut_server() -> Router {
    Router::new()
        .route(
            "/cut/{limit}/{form}/{n}",
            get(
                |Path((limit, form, n)): Path<(usize, String, usize)>| async move {
                    let value = served_form(&form);
                    let pad = (limit + n).saturating_sub(value.len() + 3);
                    format!("{}{value}{}", "q".repeat(pad), "q".repeat(64))
                },
            ),
        )
        .route(
            "/json/{form}/{n}",
            get(|Path((form, n)): Path<(String, usize)>| async move {
                let value = served_form(&form);
                let pad = (116 + n).saturating_sub(value.len() + 3);
                axum::Json(json!({ "v": format!("{}{value}", "q".repeat(pad)) }))
            }),
        )
}

#[test]
fn a_cut_never_leaves_a_piece_of_a_secret() {
    assert_eq!(SECRET.len(), 35);
    let server = TestServer::start(cut_server());
    let ws = Workspace::new();
    ws.write(
        "environments/test.yaml",
        &format!("variables:\n  key: '{SECRET}'\nsecrets: [key]\n"),
    );
    let mut requests = String::new();
    for form in ["raw", "base64", "base64url", "percent"] {
        for limit in [8192, 16384] {
            requests.push_str(&format!(
                "  - name: {form} {limit}\n    url: \"{}/cut/{limit}/{form}/{{{{ iteration }}}}\"\n    headers: {{ X-Key: \"{{{{ key }}}}\" }}\n    expect: {{ status: 201 }}\n",
                server.url()
            ));
        }
        requests.push_str(&format!(
            "  - name: {form} in a message\n    url: \"{}/json/{form}/{{{{ iteration }}}}\"\n    expect:\n      json:\n        $.v: short\n",
            server.url()
        ));
    }
    ws.write("c.yaml", &format!("name: cuts\nrequests:\n{requests}"));
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "test",
        "-v",
        "-n",
        "54",
        "--reporter",
        "junit=r.xml",
        "--reporter",
        "json=r.json",
        "--reporter",
        "html=r.html",
    ]);
    out.assert_code(1)
        .assert_contains("Requests:   0 passed, 648 failed, 0 errors, 0 skipped (648 total)");
    assert_eq!(server.hits(), 648);
    // The cuts happened, and left the masked secret whole or nothing of it.
    out.assert_contains("q*****qqq...\n* ... ")
        .assert_contains("qq*****...\n* ... ")
        .assert_contains("qqqq...\n* ... ")
        .assert_contains("qqqq*****...\n          at c.yaml:");
    let pieces = Pieces::of(&[SECRET]);
    pieces.assert_output("run", &out);
    for file in ["r.xml", "r.json", "r.html"] {
        let text = std::fs::read_to_string(ws.path().join(file)).expect("report");
        assert!(text.contains("qq*****..."), "{file} holds cut bodies");
        pieces.assert_absent(file, &text);
    }
}

/// The leaves of the structured secrets.
const LEAVES: &[&str] = &[
    "uQm3x9Lq7Tz",
    "pZr8/+xWk2",
    "k1H7cVb3Nq",
    "dWp2vK8sYt",
    "48213579",
    "cHd7Lq2Rf",
    "cYt5Nb8Gm",
];

#[test]
fn every_leaf_of_a_map_or_list_secret_is_masked() {
    let server = TestServer::start(echo_server().route(
        "/structured",
        get(|| async {
            axum::Json(json!({
                "session": { "token": LEAVES[5], "list": ["public", LEAVES[6]], "on": true }
            }))
        }),
    ));
    let ws = Workspace::new();
    ws.write(
        "environments/test.yaml",
        &format!(
            "variables:
  creds:
    user: {}
    password: '{}'
    keys:
      - {}
      - deep: {}
    pin: {}
secrets: [creds, session]
",
            LEAVES[0], LEAVES[1], LEAVES[2], LEAVES[3], LEAVES[4]
        ),
    );
    ws.write(
        "c.yaml",
        &format!(
            r#"name: structured
requests:
  - name: leaves
    method: POST
    url: "{url}/echo?k={{{{ creds.keys[0] }}}}"
    headers:
      X-User: "{{{{ creds.user }}}}"
      X-Pass: "{{{{ creds.password }}}}"
      X-Deep: "{{{{ creds.keys[1].deep }}}}"
      X-Pin: "{{{{ creds.pin }}}}"
    body:
      json: {{ all: "{{{{ creds }}}}", text: "creds {{{{ creds }}}}" }}
    expect:
      json:
        "$.headers['x-pass']": wrong
        $.json.all: {{ equals: {{ other: 1 }} }}
  - name: hands out a structured secret
    url: "{url}/structured"
    capture:
      session: $.session
  - name: uses it
    url: "{url}/echo?t={{{{ session.token }}}}"
    headers:
      X-Session: "{{{{ session.list[1] }}}}"
    expect:
      status: 201
"#,
            url = server.url()
        ),
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "test",
        "-v",
        "--reporter",
        "junit=r.xml",
        "--reporter",
        "json=r.json",
        "--reporter",
        "html=r.html",
    ]);
    out.assert_code(1)
        .assert_contains("Requests:   1 passed, 2 failed, 0 errors, 0 skipped (3 total)")
        .assert_contains("> x-user: *****")
        .assert_contains("> x-pin: *****")
        .assert_contains("$.headers['x-pass']: expected \"wrong\", got \"*****\"")
        .assert_contains("> x-session: *****");
    let pieces = Pieces::of(LEAVES);
    pieces.assert_output("run", &out);
    for file in ["r.xml", "r.json", "r.html"] {
        let text = std::fs::read_to_string(ws.path().join(file)).expect("report");
        pieces.assert_absent(file, &text);
    }
    // The values were sent as they are.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].uri, format!("/echo?k={}", LEAVES[2]));
    assert_eq!(reqs[0].header("x-user").as_deref(), Some(LEAVES[0]));
    assert_eq!(reqs[0].header("x-pass").as_deref(), Some(LEAVES[1]));
    assert_eq!(reqs[0].header("x-deep").as_deref(), Some(LEAVES[3]));
    assert_eq!(reqs[0].header("x-pin").as_deref(), Some(LEAVES[4]));
    let body: serde_json::Value = serde_json::from_slice(&reqs[0].body).expect("json body");
    assert_eq!(body["all"]["keys"][1]["deep"], LEAVES[3]);
    assert_eq!(reqs[2].uri, format!("/echo?t={}", LEAVES[5]));
    assert_eq!(reqs[2].header("x-session").as_deref(), Some(LEAVES[6]));
}

#[test]
fn a_proxy_password_is_never_shown() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: p\nrequests:\n  - name: r\n    url: http://127.0.0.1:9/x\n",
    );
    let pieces = Pieces::of(&["s3cretPass"]);
    for (proxy, shown) in [
        ("http://user:s3cretPass@[bad", "http://user:*****@[bad"),
        ("user:s3cretPass@[bad", "user:*****@[bad"),
        (
            "http://user:s3cretPass@host:notaport",
            "http://user:*****@host:notaport",
        ),
    ] {
        let out = ws.run(&["run", "c.yaml", "--proxy", proxy]);
        out.assert_code(2)
            .assert_contains(&format!("invalid --proxy `{shown}`"));
        pieces.assert_output(proxy, &out);
    }

    // A working proxy: it receives the credentials, the output shows none of them.
    let proxy = TestServer::start(Router::new().fallback(|| async { "via proxy" }));
    let url = format!("http://user:s3cretPass@127.0.0.1:{}", proxy.port());
    ws.write(
        "c.yaml",
        "name: p\nrequests:\n  - name: r\n    url: http://runner.invalid/x\n    expect: { body: 'via proxy' }\n",
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--proxy",
        &url,
        "-v",
        "--reporter",
        "json=r.json",
    ]);
    out.assert_code(0);
    pieces.assert_output("working proxy", &out);
    let report = std::fs::read_to_string(ws.path().join("r.json")).expect("report");
    pieces.assert_absent("r.json", &report);
    let reqs = proxy.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].header("proxy-authorization"),
        Some(format!("Basic {}", STANDARD.encode("user:s3cretPass")))
    );
}

/// A server that answers every connection with the bytes `answer` gives for the request
/// path, then closes it: for answers no HTTP library would write.
struct RawServer {
    port: u16,
}

impl RawServer {
    fn start(answer: fn(&str) -> Vec<u8>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                std::thread::spawn(move || {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match stream.read(&mut byte) {
                            Ok(1) => head.push(byte[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head);
                    let path = head.split(' ').nth(1).unwrap_or("/").to_string();
                    let _ = stream.write_all(&answer(&path));
                });
            }
        });
        RawServer { port }
    }
}

/// Text meant to take over a terminal or a CI log.
const HOSTILE: &str = "one\x1b[31mRED\x1b[0m\n::error::forged body\n  ::warning file=x::forged\r\n  PASS  fake\n\x1b]0;pwned\x07done\rPASS  fake2\n\u{9b}2J\u{202e}txt\n";

fn hostile(path: &str) -> Vec<u8> {
    let (head, body): (&str, Vec<u8>) = match path {
        "/body" => (
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Note: \u{9b}2J note\r\n",
            HOSTILE.as_bytes().to_vec(),
        ),
        "/token" => (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n",
            json!({ "error": "invalid_client", "error_description": HOSTILE })
                .to_string()
                .into_bytes(),
        ),
        "/json" => (
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n",
            json!({ "error_description": HOSTILE })
                .to_string()
                .into_bytes(),
        ),
        "/reason" => (
            "HTTP/1.1 200 OK \u{9b}31m\x1b[2J\r\n  PASS  fake\r\n",
            b"ok".to_vec(),
        ),
        // A reason phrase HTTP allows (obs-text): the request goes through.
        "/c1-reason" => ("HTTP/1.1 200 OK \u{9b}2J\u{202e}\r\n", b"ok".to_vec()),
        _ => (
            "HTTP/1.1 200 OK\r\nX-Fold: a\r\n  PASS  fake\r\n\r\n::error::folded\r\n",
            b"ok".to_vec(),
        ),
    };
    let mut out = head.as_bytes().to_vec();
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend(body);
    out
}

/// Lines that look like a result line of runner.
fn forged_pass_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| l.trim_start().starts_with("PASS  fake"))
        .collect()
}

#[test]
fn server_text_cannot_take_over_the_terminal_or_the_ci_log() {
    let server = RawServer::start(hostile);
    let url = format!("http://127.0.0.1:{}", server.port);
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: hostile
requests:
  - name: body
    url: "{url}/body"
    expect:
      body: {{ equals: "one\ntwo\nthree" }}
      headers: {{ x-note: plain }}
    capture:
      word: {{ regex: "(nothing-like-this)" }}
  - name: json
    url: "{url}/json"
    expect:
      json: {{ $.error_description: ok }}
  - name: reason
    url: "{url}/reason"
  - name: c1 reason
    url: "{url}/c1-reason"
  - name: folded header
    url: "{url}/fold"
  - name: token
    url: "{url}/body"
    auth:
      oauth2:
        grant: client_credentials
        token_url: "{url}/token"
        client_id: cid
        client_secret: csecret
"#
        ),
    );

    let cache = ws.path().join("tokens.json");
    // A developer's terminal, without -v: the PASS lines stay inside one-line fields.
    let out = Output::from(
        ws.runner()
            .env("RUNNER_TOKEN_CACHE", &cache)
            .args(["run", "c.yaml"])
            .output()
            .expect("run"),
    );
    out.assert_code(3)
        .assert_contains("  PASS  c1 reason  GET 200")
        .assert_contains("header x-note: expected \"plain\", got \"\\u{9b}2J note\"")
        .assert_contains("+one\\x1b[31mRED\\x1b[0m");
    for (name, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(!text.contains('\x1b'), "{name} holds ESC:\n{text}");
        assert!(!text.contains('\r'), "{name} holds CR:\n{text}");
        assert!(!text.contains('\u{9b}'), "{name} holds CSI:\n{text}");
        assert!(
            !text.contains('\u{202e}'),
            "{name} holds a bidi override:\n{text}"
        );
        assert!(
            forged_pass_lines(text).is_empty(),
            "{name} has a forged PASS line:\n{text}"
        );
    }

    out.assert_contains("invalid_client").assert_contains(
        "one\\x1b[31mRED\\x1b[0m\\n::error::forged body\\n  ::warning file=x::forged\\r\\n  PASS  fake",
    );
    let token = Output::from(
        ws.runner()
            .env("RUNNER_TOKEN_CACHE", &cache)
            .args(["auth", "token", "c.yaml"])
            .output()
            .expect("run"),
    );
    token.assert_code(3).assert_contains("invalid_client");
    assert!(
        !token.stderr.contains('\x1b') && token.stderr.lines().count() == 1,
        "{}",
        token.stderr
    );

    // In colour, only runner's own sequences are there.
    let out = Output::from(
        ws.runner()
            .env("RUNNER_TOKEN_CACHE", &cache)
            .args(["run", "c.yaml", "-v", "--color", "always"])
            .output()
            .expect("run"),
    );
    out.assert_code(3).assert_contains("\x1b[31m");
    for seq in ["\x1b[31mRED", "\u{9b}", "\x1b]0;", "\x1b[2J", "\x07", "\r"] {
        out.assert_not_contains(seq);
    }

    // A CI log with -v and the github reporter: the only workflow commands are runner's.
    let out = Output::from(
        ws.runner()
            .env("CI", "true")
            .env("GITHUB_ACTIONS", "true")
            .env("RUNNER_TOKEN_CACHE", &cache)
            .args(["run", "c.yaml", "-v", "--reporter", "github"])
            .output()
            .expect("run"),
    );
    out.assert_code(3)
        .assert_contains("\\x3a:error::forged body")
        .assert_contains("  \\x3a:warning file=x::forged");
    let all = out.all();
    assert!(!all.contains('\x1b') && !all.contains('\r'), "{all}");
    let commands: Vec<&str> = all
        .lines()
        .filter(|l| l.trim_start().starts_with("::"))
        .collect();
    assert!(
        commands.len() >= 4
            && commands
                .iter()
                .all(|l| l.starts_with("::error file=c.yaml,line=")),
        "workflow commands: {commands:#?}"
    );
    assert!(
        forged_pass_lines(&out.stdout).is_empty(),
        "stdout has a forged PASS line:\n{}",
        out.stdout
    );
}
