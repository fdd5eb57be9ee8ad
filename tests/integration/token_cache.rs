//! The token cache on a shared machine: a signal during a refresh, planted links and
//! folders others may write to, a lock held by another run, a file of a newer runner.

#![cfg(unix)]

use std::collections::HashSet;
use std::io::BufRead;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace};

const CLIENT_ID: &str = "cache-client";
const CLIENT_SECRET: &str = "cs-Vq83nWz0pLk2";
const SCOPE: &str = "api offline_access";

/// An authorization server that rotates refresh tokens (a used one is revoked) and
/// answers token requests after `delay_ms`.
#[derive(Clone, Default)]
struct Auth {
    delay_ms: Arc<AtomicU64>,
    state: Arc<Mutex<Tokens>>,
}

#[derive(Default)]
struct Tokens {
    access: HashSet<String>,
    refresh: HashSet<String>,
    issued: Vec<String>,
    answered: Option<Instant>,
}

impl Auth {
    fn issue(&self, with_refresh: bool, expires_in: u64) -> Response {
        let mut s = self.state.lock().expect("state");
        let n = s.issued.len() / 2 + 1;
        let access = format!("AT{n}-Hq2vX9mPz4Lw");
        let refresh = format!("RT{n}-Kd7sJ3nBv8Qa");
        s.access.insert(access.clone());
        s.issued.push(access.clone());
        s.issued.push(refresh.clone());
        let mut body =
            json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in});
        if with_refresh {
            s.refresh.insert(refresh.clone());
            body["refresh_token"] = json!(refresh);
        }
        s.answered = Some(Instant::now());
        axum::Json(body).into_response()
    }
}

async fn token(State(auth): State<Auth>, body: String) -> Response {
    let delay = auth.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    match get("grant_type") {
        Some("client_credentials") => auth.issue(false, 3600),
        Some("refresh_token") => {
            let known = get("refresh_token")
                .is_some_and(|rt| auth.state.lock().expect("state").refresh.remove(rt));
            if known {
                // Expires within runner's 30 s margin: the next run refreshes again.
                auth.issue(true, 10)
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"error": "invalid_grant", "error_description": "refresh token unknown or already used"})),
                )
                    .into_response()
            }
        }
        _ => (StatusCode::BAD_REQUEST, "unsupported grant").into_response(),
    }
}

async fn me(State(auth): State<Auth>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_string();
    if auth.state.lock().expect("state").access.contains(&token) {
        axum::Json(json!({"user": "alice"})).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "expired token").into_response()
    }
}

fn start() -> (TestServer, Auth) {
    let auth = Auth::default();
    let router = Router::new()
        .route("/token", post(token))
        .route("/api/me", get(me))
        .with_state(auth.clone());
    (TestServer::start(router), auth)
}

/// A workspace with `c.yaml` (one request under `grant`) and `environments/test.yaml`.
fn workspace(server: &TestServer, grant: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: Cache
auth:
  oauth2:
    grant: {grant}
    auth_url: "{{{{ base }}}}/authorize"
    token_url: "{{{{ base }}}}/token"
    client_id: {CLIENT_ID}
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
    scope: "{SCOPE}"
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

/// A private cache folder `cache/` (mode 0700) and the path of `tokens.json` in it.
fn private_cache(ws: &Workspace) -> PathBuf {
    let dir = ws.path().join("cache");
    std::fs::create_dir_all(&dir).expect("cache dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    dir.join("tokens.json")
}

/// A version 1 cache with one entry for `grant`.
fn cache_doc(
    server: &TestServer,
    grant: &str,
    access: &str,
    expires_at: i64,
    refresh: &str,
) -> String {
    json!({"version": 1, "tokens": [{
        "token_url": format!("{}/token", server.url()),
        "client_id": CLIENT_ID,
        "scope": SCOPE,
        "grant": grant,
        "access_token": access,
        "token_type": "Bearer",
        "expires_at": expires_at,
        "refresh_token": refresh,
        "updated_at": 0,
    }]})
    .to_string()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

fn command(ws: &Workspace, cache: &Path) -> std::process::Command {
    command_with(ws, cache, &["run", "c.yaml", "-e", "test"])
}

fn command_with(ws: &Workspace, cache: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("runner"));
    cmd.current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", cache)
        .env_remove("CI")
        .env_remove("BROWSER")
        .env_remove("RUNNER_CACHE_LOCK_TIMEOUT")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn run(ws: &Workspace, cache: &Path) -> Output {
    finish(command(ws, cache).spawn().expect("spawn"))
}

/// Waits for the run to end, killing it (and failing) if it takes over 20 s.
fn finish(mut child: Child) -> Output {
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = Output::from(child.wait_with_output().expect("wait"));
            panic!("runner did not exit within 20 s\n{}", out.all());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Output::from(child.wait_with_output().expect("wait"))
}

fn sigint(child: &Child) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill has no memory preconditions; the pid is our own child's.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

/// No token the server issued and not the client secret, in any output.
fn assert_no_secrets(out: &Output, auth: &Auth) {
    out.assert_not_contains(CLIENT_SECRET);
    for t in &auth.state.lock().expect("state").issued {
        out.assert_not_contains(t);
    }
}

fn token_requests(server: &TestServer) -> Vec<String> {
    server
        .requests()
        .iter()
        .filter(|r| r.uri == "/token")
        .map(|r| r.text())
        .collect()
}

fn refresh_token_in(cache: &Path) -> Value {
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(cache).expect("cache"))
        .expect("cache is JSON");
    doc["tokens"][0]["refresh_token"].clone()
}

/// Seeds an expired token and the refresh token `RT0`, starts `args` against a server
/// that answers after 1 s, sends SIGINT while the refresh is pending, and checks that
/// the run exits 130 only after the answer, with the rotated refresh token cached.
fn interrupt_a_refresh(args: &[&str]) -> (TestServer, Auth, Workspace, PathBuf, Output) {
    let (server, auth) = start();
    auth.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-Zr5tYp1cMx6e".into());
    auth.delay_ms.store(1000, Ordering::SeqCst);
    let ws = workspace(&server, "authorization_code");
    let cache = private_cache(&ws);
    let seed = cache_doc(
        &server,
        "authorization_code",
        "AT0-old",
        now() - 10,
        "RT0-Zr5tYp1cMx6e",
    );
    std::fs::write(&cache, seed).expect("seed cache");
    let child = command_with(&ws, &cache, args).spawn().expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while token_requests(&server).is_empty() {
        assert!(Instant::now() < deadline, "no token request arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    sigint(&child);
    let out = finish(child);
    let exited = Instant::now();
    out.assert_code(130)
        .assert_contains("waiting for the token request in progress to finish");
    let answered = auth
        .state
        .lock()
        .expect("state")
        .answered
        .expect("answered");
    assert!(exited >= answered, "runner exited before the token answer");
    assert_eq!(refresh_token_in(&cache), "RT1-Kd7sJ3nBv8Qa");
    assert_no_secrets(&out, &auth);
    auth.delay_ms.store(0, Ordering::SeqCst);
    (server, auth, ws, cache, out)
}

#[test]
fn sigint_during_a_refresh_waits_for_the_answer_and_keeps_the_rotated_refresh_token() {
    let (server, auth, ws, cache, _) = interrupt_a_refresh(&["run", "c.yaml", "-e", "test"]);
    // The next run refreshes with the rotated token (the old one is revoked).
    let out = run(&ws, &cache);
    out.assert_code(0);
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens[1].contains("refresh_token=RT1-Kd7sJ3nBv8Qa"),
        "{}",
        tokens[1]
    );
    assert_eq!(refresh_token_in(&cache), "RT2-Kd7sJ3nBv8Qa");
    assert_no_secrets(&out, &auth);
}

#[test]
fn sigint_during_auth_token_keeps_the_rotated_refresh_token() {
    let args = ["auth", "token", "c.yaml", "-e", "test"];
    let (server, _auth, ws, cache, out) = interrupt_a_refresh(&args);
    assert_eq!(out.stdout, "");
    let out = finish(command_with(&ws, &cache, &args).spawn().expect("spawn"));
    out.assert_code(0);
    assert_eq!(out.stdout, "AT2-Hq2vX9mPz4Lw\n");
    assert!(token_requests(&server)[1].contains("refresh_token=RT1-Kd7sJ3nBv8Qa"));
    assert_eq!(refresh_token_in(&cache), "RT2-Kd7sJ3nBv8Qa");
}

/// Plants something at the temporary name older versions wrote to
/// (`tokens.json.tmp<PID>`) while the token request is pending, and returns its path.
fn run_with_planted_temporary(plant: impl FnOnce(&Path)) -> (Output, Workspace, Auth, PathBuf) {
    let (server, auth) = start();
    auth.delay_ms.store(1000, Ordering::SeqCst);
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    let child = command(&ws, &cache).spawn().expect("spawn");
    let planted = ws
        .path()
        .join(format!("cache/tokens.json.tmp{}", child.id()));
    plant(&planted);
    let out = finish(child);
    out.assert_code(0);
    let meta = std::fs::symlink_metadata(&cache).expect("cache");
    assert!(meta.file_type().is_file());
    assert_eq!(meta.mode() & 0o777, 0o600);
    assert!(
        std::fs::read_to_string(&cache)
            .expect("cache")
            .contains("AT1-Hq2vX9mPz4Lw")
    );
    assert_no_secrets(&out, &auth);
    (out, ws, auth, planted)
}

#[test]
fn a_symlink_at_the_old_temporary_name_is_not_followed() {
    let victim_dir = Workspace::new();
    let victim = victim_dir.write("victim.txt", "do not touch\n");
    let (_, _ws, _, planted) = run_with_planted_temporary(|p| {
        std::os::unix::fs::symlink(&victim, p).expect("symlink");
    });
    assert_eq!(
        std::fs::read_to_string(&victim).expect("victim"),
        "do not touch\n"
    );
    assert_eq!(std::fs::read_link(&planted).expect("still a link"), victim);
}

#[test]
fn a_world_writable_file_at_the_old_temporary_name_is_not_reused() {
    let (_, _ws, _, planted) = run_with_planted_temporary(|p| {
        std::fs::write(p, "planted").expect("plant");
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    });
    // The cache is 0600 (checked above); the planted file is left alone.
    assert_eq!(
        std::fs::read_to_string(&planted).expect("planted"),
        "planted"
    );
}

#[test]
fn a_symlink_at_the_cache_path_is_neither_read_nor_written() {
    let (server, auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    // A valid cache with a fresh token: following the link would use it.
    let planted = cache_doc(
        &server,
        "client_credentials",
        "AT-planted",
        now() + 3600,
        "RT-planted",
    );
    let victim = ws.write("victim.json", &planted);
    std::os::unix::fs::symlink(&victim, &cache).expect("symlink");
    let out = run(&ws, &cache);
    out.assert_code(0)
        .assert_contains(&format!(
            "warning: the token cache {} is not a regular file (a symbolic link is never followed); going on without the token cache",
            cache.display()
        ));
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), planted);
    assert_eq!(std::fs::read_link(&cache).expect("still a link"), victim);
    assert_eq!(token_requests(&server).len(), 1);
    let api = server.requests();
    let me = api
        .iter()
        .find(|r| r.uri == "/api/me")
        .expect("api request");
    assert_eq!(
        me.header("authorization").as_deref(),
        Some("Bearer AT1-Hq2vX9mPz4Lw")
    );
    assert_no_secrets(&out, &auth);
}

#[test]
fn a_cache_folder_others_can_write_is_refused() {
    let (server, auth) = start();
    let ws = workspace(&server, "client_credentials");
    let dir = ws.path().join("shared");
    std::fs::create_dir(&dir).expect("dir");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let out = run(&ws, &dir.join("tokens.json"));
    out.assert_code(0).assert_contains(&format!(
        "warning: the token cache folder {0} can be written by other users (mode 777); make it private with `chmod 700 {0}`; going on without the token cache",
        dir.display()
    ));
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        0,
        "nothing written"
    );
    assert_eq!(token_requests(&server).len(), 1);
    assert_no_secrets(&out, &auth);

    // A folder that belongs to another user is refused too (changing owners needs root).
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).expect("chown");
        let out = run(&ws, &dir.join("tokens.json"));
        out.assert_code(0).assert_contains(&format!(
            "warning: the token cache folder {} belongs to another user (uid 65534, not 0); going on without the token cache",
            dir.display()
        ));
        assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 0);
    }
}

#[test]
fn the_cache_is_created_private_and_no_temporary_file_is_left() {
    let (server, auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = ws.path().join("new/cache/tokens.json");
    let out = run(&ws, &cache);
    out.assert_code(0);
    assert_eq!(
        std::fs::metadata(&cache).expect("cache").mode() & 0o777,
        0o600
    );
    let dir = cache.parent().expect("dir");
    assert_eq!(std::fs::metadata(dir).expect("dir").mode() & 0o777, 0o700);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["tokens.json", "tokens.json.lock"]);
    // The next run uses the cached token.
    run(&ws, &cache).assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
    assert_no_secrets(&out, &auth);
}

/// Holds the cache lock as another run would.
fn hold_lock(cache: &Path) -> std::fs::File {
    let mut name = cache.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
        .expect("lock file");
    file.lock().expect("lock");
    file
}

#[test]
fn a_held_lock_is_announced_then_given_up_after_the_bound() {
    let (server, auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    let _held = hold_lock(&cache);
    let started = Instant::now();
    let out = finish(
        command(&ws, &cache)
            .env("RUNNER_CACHE_LOCK_TIMEOUT", "300ms")
            .spawn()
            .expect("spawn"),
    );
    let took = started.elapsed();
    let lock = format!("{}.lock", cache.display());
    out.assert_code(0)
        .assert_contains(&format!(
            "warning: another runner is refreshing the token: waiting for the token cache lock {lock} (up to 300ms)\n"
        ))
        .assert_contains(&format!(
            "warning: gave up after 300ms waiting for the token cache lock {lock}: another runner is still refreshing the token; going on without the token cache\n"
        ));
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(!cache.exists(), "nothing is written without the lock");
    assert_eq!(token_requests(&server).len(), 1);
    assert_no_secrets(&out, &auth);
}

#[test]
fn sigint_while_waiting_for_the_lock_exits_130_at_once() {
    let (server, _auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    let _held = hold_lock(&cache);
    let mut child = command(&ws, &cache).spawn().expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let waiting = rx.recv_timeout(Duration::from_secs(10));
    if !matches!(&waiting, Ok(l) if l.contains("waiting for the token cache lock")) {
        let _ = child.kill();
        let _ = child.wait();
        panic!("no word of the wait: {waiting:?}");
    }
    sigint(&child);
    let signalled = Instant::now();
    let out = finish(child);
    let took = signalled.elapsed();
    out.assert_code(130);
    assert!(took < Duration::from_secs(1), "took {took:?} after SIGINT");
    assert!(token_requests(&server).is_empty());
}

#[test]
fn a_cache_written_by_a_newer_runner_is_left_untouched() {
    let (server, auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    let future = r#"{"version": 99, "tokens": {"layout": "of the future"}}"#;
    std::fs::write(&cache, future).expect("write");
    let out = run(&ws, &cache);
    out.assert_code(0).assert_contains(&format!(
        "warning: the token cache {} has format version 99, written by a newer runner (this one reads up to 1); it is left untouched; going on without the token cache",
        cache.display()
    ));
    assert_eq!(std::fs::read(&cache).expect("cache"), future.as_bytes());
    assert_eq!(token_requests(&server).len(), 1);
    assert_no_secrets(&out, &auth);
}

#[test]
fn an_invalid_lock_timeout_is_invalid_input() {
    let (server, _auth) = start();
    let ws = workspace(&server, "client_credentials");
    let cache = private_cache(&ws);
    let out = finish(
        command(&ws, &cache)
            .env("RUNNER_CACHE_LOCK_TIMEOUT", "soon")
            .spawn()
            .expect("spawn"),
    );
    out.assert_code(2)
        .assert_contains("invalid RUNNER_CACHE_LOCK_TIMEOUT");
    assert_eq!(server.hits(), 0);
}
