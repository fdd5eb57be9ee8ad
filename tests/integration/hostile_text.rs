//! What a hostile server could do to a terminal or a CI log: its text (bodies, header
//! values, reason phrases, error descriptions) cannot send escape sequences, forge result
//! lines or forge workflow commands.

use std::io::{Read, Write};
use std::net::TcpListener;

use serde_json::json;

use crate::support::{Output, Workspace};

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
