//! Broken and hostile token endpoints, on the release binary: lifetimes of zero, below
//! zero or absurdly long, absurd device polling intervals, tokens that cannot be sent,
//! requests that time out or cannot be built, and error pages that echo the secret.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::support::release::{release_command, release_runner};
use crate::support::{Output, TestServer, Workspace};

const CLIENT_SECRET: &str = "Kp7mQ2xW9vR4tY8uN3sB6hJ1cL5fD0gZa2E";

type Answer = Arc<dyn Fn(usize, HashMap<String, String>) -> Response + Send + Sync>;

/// A token endpoint answering `answer(hit number, form)`, a device endpoint answering
/// `device`, and an API that accepts any bearer token.
fn start(answer: Answer, device: Value) -> TestServer {
    let count = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/token",
            post(move |body: String| {
                let answer = Arc::clone(&answer);
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                async move {
                    let form = url::form_urlencoded::parse(body.as_bytes())
                        .into_owned()
                        .collect();
                    answer(n, form)
                }
            }),
        )
        .route(
            "/slow-token",
            post(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                axum::Json(json!({"access_token": "late"})).into_response()
            }),
        )
        .route(
            "/device",
            post(move || {
                let device = device.clone();
                async move { axum::Json(device).into_response() }
            }),
        )
        .route(
            "/api/me",
            get(|| async { axum::Json(json!({"user": "alice"})) }),
        );
    TestServer::start(router)
}

/// A token answer that issues `AT<n>` with this `expires_in`.
fn issuing(expires_in: Value) -> Answer {
    Arc::new(move |n, _| {
        axum::Json(json!({"access_token": format!("AT{n}-tok"), "expires_in": expires_in}))
            .into_response()
    })
}

/// A collection with `n` requests and one `oauth2:` block of this grant and token URL.
fn workspace(server: &TestServer, grant: &str, token_path: &str, n: usize) -> Workspace {
    let mut requests = String::new();
    for i in 1..=n {
        requests.push_str(&format!(
            "  - name: Me {i}\n    url: \"{{{{ base }}}}/api/me\"\n    expect:\n      status: 200\n"
        ));
    }
    let token_url = if token_path.contains("://") {
        token_path.to_string()
    } else {
        format!("{{{{ base }}}}{token_path}")
    };
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: Tokens
auth:
  oauth2:
    grant: {grant}
    token_url: "{token_url}"
    device_url: "{{{{ base }}}}/device"
    client_id: cli
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
    client_auth: body
requests:
{requests}"#
        ),
    );
    ws.write(
        "environments/test.yaml",
        &format!("variables:\n  base: {}\n", server.url()),
    );
    ws
}

fn run(ws: &Workspace, extra: &[&str]) -> Output {
    let out = release_command()
        .current_dir(ws.path())
        .args(["run", "c.yaml", "-e", "test"])
        .args(extra)
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", ws.path().join("cache/tokens.json"))
        .output()
        .expect("run runner");
    Output::from(out)
}

fn hits(server: &TestServer, path: &str) -> usize {
    server.requests().iter().filter(|r| r.uri == path).count()
}

fn cached_tokens(ws: &Workspace) -> Vec<Value> {
    match std::fs::read_to_string(ws.path().join("cache/tokens.json")) {
        Ok(text) => serde_json::from_str::<Value>(&text).expect("cache is JSON")["tokens"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

#[test]
fn a_token_that_arrives_expired_serves_one_request_and_is_not_cached() {
    for expires_in in [json!(-5), json!(0), json!("-5")] {
        let server = start(issuing(expires_in.clone()), json!({}));
        let ws = workspace(&server, "client_credentials", "/token", 3);
        run(&ws, &[]).assert_code(0);
        assert_eq!(hits(&server, "/token"), 3, "expires_in {expires_in}");
        let sent: Vec<String> = server
            .requests()
            .iter()
            .filter(|r| r.uri == "/api/me")
            .filter_map(|r| r.header("authorization"))
            .collect();
        assert_eq!(sent, ["Bearer AT1-tok", "Bearer AT2-tok", "Bearer AT3-tok"]);
        assert_eq!(cached_tokens(&ws), Vec::<Value>::new());
        run(&ws, &[]).assert_code(0);
        assert_eq!(hits(&server, "/token"), 6, "expires_in {expires_in}");
    }
}

#[test]
fn an_absurd_lifetime_counts_as_a_year() {
    let year = 365 * 24 * 3600;
    for expires_in in [json!(1e300), json!("1e300"), json!(1e20)] {
        let server = start(issuing(expires_in.clone()), json!({}));
        let ws = workspace(&server, "client_credentials", "/token", 3);
        run(&ws, &[]).assert_code(0);
        assert_eq!(hits(&server, "/token"), 1, "expires_in {expires_in}");
        let cached = cached_tokens(&ws);
        assert_eq!(cached.len(), 1);
        let at = cached[0]["expires_at"].as_i64().expect("expires_at");
        assert!((at - now() - year).abs() < 120, "expires_at {at}");
        run(&ws, &[]).assert_code(0);
        assert_eq!(hits(&server, "/token"), 1, "the cached token serves");
        assert_eq!(hits(&server, "/api/me"), 6);
    }
}

#[test]
fn absurd_device_intervals_neither_panic_nor_stall() {
    let pending: Answer = Arc::new(|_, _| {
        let body = json!({"error": "authorization_pending", "error_description": "wait"});
        (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
    });
    let device = |interval: Value| {
        json!({"device_code": "d1", "user_code": "WDJB-MJHT",
               "verification_uri": "https://idp.test/device",
               "interval": interval, "expires_in": 1e300})
    };
    // Clamped to a minute (0.6 s under POLL_SCALE): past the login timeout, so it ends at
    // once.
    let server = start(Arc::clone(&pending), device(json!(1e20)));
    let ws = workspace(&server, "device_code", "/token", 1);
    release_runner(); // built before the clock starts
    let started = Instant::now();
    let out = run(&ws, &["--login-timeout", "500ms"]);
    out.assert_code(3)
        .assert_contains("no device login within 500ms (--login-timeout)")
        .assert_not_contains("panicked");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(hits(&server, "/token"), 0);
    assert_eq!(hits(&server, "/api/me"), 0);

    // Raised to a second (10 ms under POLL_SCALE): polled, but not hammered.
    let server = start(pending, device(json!(1e-9)));
    let ws = workspace(&server, "device_code", "/token", 1);
    run(&ws, &["--login-timeout", "500ms"])
        .assert_code(3)
        .assert_contains("no device login within 500ms (--login-timeout)");
    let polls = hits(&server, "/token");
    assert!((1..=50).contains(&polls), "{polls} polls in 500 ms");
}

#[test]
fn a_token_with_a_line_break_is_a_runtime_error_and_never_cached() {
    let answer: Answer = Arc::new(|_, _| {
        axum::Json(json!({"access_token": "AT1\r\nX-Injected: yes", "expires_in": 3600}))
            .into_response()
    });
    let server = start(answer, json!({}));
    let ws = workspace(&server, "client_credentials", "/token", 2);
    let out = run(&ws, &[]);
    out.assert_code(3)
        .assert_contains(&format!(
            "the token endpoint {}/token answered a token that cannot be sent in an Authorization header",
            server.url()
        ))
        .assert_not_contains("X-Injected");
    assert_eq!(hits(&server, "/api/me"), 0);
    assert_eq!(cached_tokens(&ws), Vec::<Value>::new());
}

#[test]
fn a_token_request_that_times_out_says_so_with_the_url() {
    let server = start(issuing(json!(3600)), json!({}));
    let ws = workspace(&server, "client_credentials", "/slow-token", 1);
    release_runner(); // built before the clock starts
    let started = Instant::now();
    run(&ws, &["--timeout", "1s"])
        .assert_code(3)
        .assert_contains(&format!(
            "token request to {}/slow-token timed out after 1s",
            server.url()
        ));
    assert!(started.elapsed() < Duration::from_secs(4));
}

#[test]
fn an_endless_token_answer_is_cut_at_one_mebibyte() {
    // A raw server: answers any request with a JSON content type and a body that never ends.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head.as_bytes()).is_err() {
                continue;
            }
            let piece = [b'x'; 16 * 1024];
            let chunk = [format!("{:x}\r\n", piece.len()).as_bytes(), &piece, b"\r\n"].concat();
            while stream.write_all(&chunk).is_ok() {}
        }
    });
    let server = start(issuing(json!(3600)), json!({}));
    let token_url = format!("http://{addr}/token");
    let ws = workspace(&server, "client_credentials", &token_url, 1);
    release_runner(); // built before the clock starts
    let started = Instant::now();
    run(&ws, &[]).assert_code(3).assert_contains(&format!(
        "the token endpoint {token_url} answered HTTP 200 with more than 1 MiB: not a token answer"
    ));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_token_url_that_cannot_be_requested_names_the_url_and_why() {
    let server = start(issuing(json!(3600)), json!({}));
    let ws = workspace(&server, "client_credentials", "ftp://127.0.0.1:9/token", 1);
    let out = run(&ws, &[]);
    out.assert_code(3)
        .assert_contains("token request to ftp://127.0.0.1:9/token could not be built: ")
        .assert_not_contains("builder error");
    let ws = workspace(
        &server,
        "client_credentials",
        "http://exa mple.test/token",
        1,
    );
    run(&ws, &[])
        .assert_code(3)
        .assert_contains("the token URL `http://exa mple.test/token` is not a valid URL: ");
}

#[test]
fn a_token_error_page_echoing_the_secret_shows_no_piece_of_it() {
    // The page puts the secret across the 200th character, where the excerpt is cut.
    let answer: Answer = Arc::new(|_, form| {
        let page = format!(
            "<html><body>{}received client_secret={}</body></html>",
            "x".repeat(140),
            form.get("client_secret").map_or("", String::as_str)
        );
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(header::CONTENT_TYPE, "text/html")],
            page,
        )
            .into_response()
    });
    let server = start(answer, json!({}));
    let ws = workspace(&server, "client_credentials", "/token", 1);
    let out = run(
        &ws,
        &[
            "-v",
            "--reporter",
            "json=r.json",
            "--reporter",
            "junit=r.xml",
        ],
    );
    out.assert_code(3)
        .assert_contains("answered HTTP 500 with content type text/html, not a JSON object")
        .assert_contains("received client_secret=*****");
    assert_eq!(hits(&server, "/token"), 1);
    let mut everything = out.all();
    for report in ["r.json", "r.xml"] {
        everything.push_str(&std::fs::read_to_string(ws.path().join(report)).expect("report"));
    }
    let chars: Vec<char> = CLIENT_SECRET.chars().collect();
    for piece in chars.windows(6) {
        let piece: String = piece.iter().collect();
        assert!(
            !everything.contains(&piece),
            "{piece} shown in\n{everything}"
        );
    }
}
