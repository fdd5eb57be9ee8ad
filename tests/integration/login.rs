//! The authorization code grant's front channel on the release binary: the paste path
//! through a real pseudo-terminal (`runner run` and `runner auth login`; a pasted URL, a
//! bare code, a forged state, a login nobody answers), and the loopback listener against
//! an idle connection and forged callbacks.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use crate::support::pty::Pty;
use crate::support::release::{release_command, release_runner};
use crate::support::{Output, TestServer, Workspace};

const CLIENT_ID: &str = "oic-client";
const CLIENT_SECRET: &str = "Vq3-secret-Lk29xPz7";
/// Oracle's documented callback for its own clients: not on this machine.
const CALLBACK: &str = "https://oic.example.test/icsapis/agent/oauth/callback";
/// The token the server issues first, and its refresh token.
const ACCESS: &str = "AT1-oic-9QwTz";
const REFRESH: &str = "RT1-oic-4ZpKe";
/// The authorize URL as printed.
const AUTHORIZE: &str = r"(http://127\.0\.0\.1:\d+/authorize\?[^\s\x1b]+)";
const WAIT: Duration = Duration::from_secs(60);

/// The identity server: codes it issued (with their PKCE challenge and redirect URI) and
/// how many tokens.
#[derive(Default)]
struct Idp {
    codes: HashMap<String, (String, String)>,
    codes_issued: usize,
    tokens_issued: usize,
}

type Shared = Arc<Mutex<Idp>>;

/// Redirects to the `redirect_uri` with a code and the state, as a consenting user would.
async fn authorize(
    State(idp): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let Ok(mut target) = Url::parse(&redirect) else {
        return (StatusCode::BAD_REQUEST, "no redirect_uri").into_response();
    };
    let code = {
        let mut s = idp.lock().expect("idp");
        s.codes_issued += 1;
        let code = format!("code-{}-Hx7", s.codes_issued);
        let challenge = q.get("code_challenge").cloned().unwrap_or_default();
        s.codes.insert(code.clone(), (challenge, redirect));
        code
    };
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", q.get("state").map_or("", String::as_str));
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

/// Exchanges a code once, checking the redirect URI and the PKCE verifier.
async fn token(State(idp): State<Shared>, body: String) -> Response {
    let f: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let mut s = idp.lock().expect("idp");
    let entry = s.codes.remove(f.get("code").map_or("", String::as_str));
    let verifier = f.get("code_verifier").map_or("", String::as_str);
    let good = entry.is_some_and(|(challenge, redirect)| {
        f.get("grant_type").map(String::as_str) == Some("authorization_code")
            && f.get("redirect_uri") == Some(&redirect)
            && URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge
    });
    if !good {
        let body = json!({"error": "invalid_grant", "error_description": "bad code"});
        return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
    }
    s.tokens_issued += 1;
    let n = s.tokens_issued;
    axum::Json(json!({
        "access_token": format!("AT{n}-oic-9QwTz"),
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": format!("RT{n}-oic-4ZpKe"),
    }))
    .into_response()
}

async fn me(headers: HeaderMap) -> Response {
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(a) if a.starts_with("Bearer AT") => {
            axum::Json(json!({"user": "alice"})).into_response()
        }
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

fn start() -> TestServer {
    let router = Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token))
        .route("/api/me", get(me))
        .with_state(Shared::default());
    TestServer::start(router)
}

/// `c.yaml` logging in with `callback`, one request to the API, and its environment.
fn workspace(server: &TestServer, callback: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: Oracle login
auth:
  oauth2:
    grant: authorization_code
    auth_url: "{{{{ base }}}}/authorize"
    token_url: "{{{{ base }}}}/token"
    client_id: {CLIENT_ID}
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
    scope: "urn:opc:resource:consumer::all offline_access"
    callback_url: {callback}
requests:
  - name: Me
    url: "{{{{ base }}}}/api/me"
    expect:
      status: 200
"#
        ),
    );
    ws.write(
        "environments/test.yaml",
        &format!("variables:\n  base: {}\n", server.url()),
    );
    ws
}

fn cache_path(ws: &Workspace) -> std::path::PathBuf {
    ws.path().join("cache/tokens.json")
}

/// The release binary with the secret, a private cache and no browser.
fn command(ws: &Workspace, args: &[&str]) -> Command {
    let mut cmd = Command::new(release_runner());
    cmd.current_dir(ws.path())
        .args(args)
        .env("NO_COLOR", "1")
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", cache_path(ws))
        .env_remove("BROWSER")
        .env_remove("CI")
        .env_remove("RUST_LOG");
    cmd
}

/// A later run without a terminal (stdin is not a tty).
fn run_without_terminal(ws: &Workspace) -> Output {
    let out = release_command()
        .current_dir(ws.path())
        .args(["run", "c.yaml", "-e", "test"])
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", cache_path(ws))
        .env_remove("BROWSER")
        .output()
        .expect("run runner");
    Output::from(out)
}

/// A plain HTTP/1.1 GET: status, headers (lower-case names) and body.
fn http_get(url: &str) -> (u16, HashMap<String, String>, String) {
    let u = Url::parse(url).expect("url");
    let mut stream = TcpStream::connect((
        u.host_str().expect("host"),
        u.port_or_known_default().expect("port"),
    ))
    .expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let target = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    let host = u.host_str().expect("host");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read the answer");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
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
    (status, headers, body.to_string())
}

/// Where the authorization server sends the browser back to (never followed: its host
/// is not on this machine).
fn redirect_of(authorize_url: &str) -> Url {
    let (status, headers, _) = http_get(authorize_url);
    assert_eq!(status, 302, "the authorize endpoint redirects");
    Url::parse(&headers["location"]).expect("location")
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn hits(server: &TestServer, path: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.uri.starts_with(path))
        .count()
}

fn bearers(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.uri == "/api/me")
        .filter_map(|r| r.header("authorization"))
        .collect()
}

/// The tokens in the cache file; none when there is no file.
fn cached_tokens(ws: &Workspace) -> Vec<Value> {
    match std::fs::read_to_string(cache_path(ws)) {
        Ok(text) => serde_json::from_str::<Value>(&text).expect("cache is JSON")["tokens"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Starts `args` on a terminal and waits for the paste prompt; returns the terminal and
/// where the server redirects the browser.
fn prompt(ws: &Workspace, args: &[&str]) -> (Pty, Url) {
    let pty = Pty::spawn(command(ws, args));
    let authorize = pty.expect(AUTHORIZE, WAIT);
    pty.expect("paste the URL you were redirected to", WAIT);
    let authorize_url = Url::parse(&authorize).expect("authorize url");
    assert_eq!(
        query(&authorize_url, "redirect_uri").as_deref(),
        Some(CALLBACK)
    );
    let location = redirect_of(&authorize);
    assert!(location.as_str().starts_with(CALLBACK), "{location}");
    (pty, location)
}

#[track_caller]
fn assert_no_secret(text: &str) {
    for secret in [CLIENT_SECRET, ACCESS, REFRESH] {
        assert!(!text.contains(secret), "{secret} shown in\n{text}");
    }
}

#[test]
fn run_on_a_terminal_takes_the_pasted_redirect_url_and_later_runs_use_the_cache() {
    let server = start();
    let ws = workspace(&server, CALLBACK);
    let (mut pty, location) = prompt(&ws, &["run", "c.yaml", "-e", "test"]);
    pty.type_line(location.as_str());
    let (code, _) = pty.wait(WAIT);
    let out = pty.output();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 passed"), "{out}");
    assert_no_secret(&out);
    assert_eq!(hits(&server, "/token"), 1);
    assert_eq!(bearers(&server), [format!("Bearer {ACCESS}")]);

    let later = run_without_terminal(&ws);
    later.assert_code(0);
    assert_no_secret(&later.all());
    assert_eq!(hits(&server, "/token"), 1, "the cached token serves");
    assert_eq!(bearers(&server), vec![format!("Bearer {ACCESS}"); 2]);
}

#[test]
fn auth_login_on_a_terminal_takes_the_bare_code() {
    let server = start();
    let ws = workspace(&server, CALLBACK);
    let (mut pty, location) = prompt(&ws, &["auth", "login", "c.yaml", "-e", "test"]);
    let code = query(&location, "code").expect("code");
    pty.type_line(&code);
    let (exit, _) = pty.wait(WAIT);
    let out = pty.output();
    assert_eq!(exit, 0, "{out}");
    assert!(
        out.contains("Logged in: authorization_code token for client oic-client cached"),
        "{out}"
    );
    assert_no_secret(&out);
    assert_eq!(cached_tokens(&ws).len(), 1);
    assert_eq!(cached_tokens(&ws)[0]["access_token"], ACCESS);

    run_without_terminal(&ws).assert_code(0);
    assert_eq!(hits(&server, "/token"), 1, "the cached token serves");
    assert_eq!(bearers(&server), [format!("Bearer {ACCESS}")]);
}

#[test]
fn a_pasted_url_with_a_forged_state_fails_and_caches_nothing() {
    let server = start();
    let ws = workspace(&server, CALLBACK);
    for args in [
        &["run", "c.yaml", "-e", "test"][..],
        &["auth", "login", "c.yaml", "-e", "test"][..],
    ] {
        let (mut pty, location) = prompt(&ws, args);
        let mut forged = location.clone();
        let pairs: Vec<(String, String)> = location.query_pairs().into_owned().collect();
        {
            let mut q = forged.query_pairs_mut();
            q.clear();
            for (k, v) in &pairs {
                q.append_pair(
                    k,
                    if k == "state" {
                        "forged-state-0xBAD"
                    } else {
                        v
                    },
                );
            }
        }
        pty.type_line(forged.as_str());
        let (code, _) = pty.wait(WAIT);
        let out = pty.output();
        assert_eq!(code, 3, "{args:?}\n{out}");
        assert!(
            out.contains("the pasted URL's state does not match the login request"),
            "{out}"
        );
    }
    assert_eq!(hits(&server, "/token"), 0, "the code is never exchanged");
    assert_eq!(hits(&server, "/api/me"), 0);
    assert_eq!(cached_tokens(&ws), Vec::<Value>::new());
}

#[test]
fn a_login_nobody_answers_on_a_terminal_ends_at_the_login_timeout() {
    let server = start();
    let ws = workspace(&server, CALLBACK);
    let (mut pty, _) = prompt(
        &ws,
        &["run", "c.yaml", "-e", "test", "--login-timeout", "2s"],
    );
    // Nothing is typed: the read waits on its own thread, and must not hold up the exit.
    let (code, waited) = pty.wait(WAIT);
    let out = pty.output();
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("no login within 2s (--login-timeout)"),
        "{out}"
    );
    assert!(waited < Duration::from_secs(10), "exit took {waited:?}");
    assert_eq!(hits(&server, "/token"), 0);
}

#[test]
fn the_callback_listener_serves_past_an_idle_connection_and_ignores_forged_callbacks() {
    let server = start();
    let ws = workspace(&server, "http://127.0.0.1/callback");
    // The browser only notes the URL: the test plays the browser, and an attacker.
    let script = ws.write(
        "browser.sh",
        "#!/bin/sh\nprintf '%s\\n' \"$1\" > \"$(dirname \"$0\")/authorize.url.tmp\"\nmv \"$(dirname \"$0\")/authorize.url.tmp\" \"$(dirname \"$0\")/authorize.url\"\n",
    );
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let child = command(
        &ws,
        &["run", "c.yaml", "-e", "test", "--login-timeout", "40s"],
    )
    .env("BROWSER", &script)
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("spawn runner");
    let noted = ws.path().join("authorize.url");
    let started = Instant::now();
    while !noted.exists() {
        assert!(started.elapsed() < WAIT, "the browser was never opened");
        std::thread::sleep(Duration::from_millis(20));
    }
    let authorize = std::fs::read_to_string(&noted).expect("authorize url");
    let authorize = authorize.trim();
    let callback =
        query(&Url::parse(authorize).expect("url"), "redirect_uri").expect("redirect_uri");
    let port = Url::parse(&callback)
        .expect("callback")
        .port()
        .expect("port");

    // Connected, and silent from now on.
    let idle = TcpStream::connect(("127.0.0.1", port)).expect("idle connection");
    let (status, _, _) = http_get(&format!("{callback}?error=access_denied"));
    assert_eq!(status, 400, "an error without the state is ignored");
    let (status, _, _) = http_get(&format!("{callback}?code=stolen&state=forged"));
    assert_eq!(status, 400, "a code with another state is ignored");
    let (status, _, page) = http_get(redirect_of(authorize).as_str());
    assert_eq!(status, 200);
    assert!(page.contains("Login complete"), "{page}");

    let out = Output::from(child.wait_with_output().expect("wait"));
    drop(idle);
    out.assert_code(0)
        .assert_contains("ignored a login callback without this login's state");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the login waited"
    );
    assert_eq!(hits(&server, "/token"), 1);
    assert_eq!(bearers(&server), [format!("Bearer {ACCESS}")]);
}
