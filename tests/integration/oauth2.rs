//! OAuth2 (DESIGN §5) against an authorization server written here: every grant and
//! client authentication, PKCE, state, the token cache (expiry, refresh, rotation, 401,
//! two runs at once, a corrupt file), the `auth` commands and secret masking.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Output, POLL_SCALE, Recorded, TestServer, Workspace};

const CLIENT_ID: &str = "runner-cli";
/// Characters that form-encoding changes, so the Basic header must encode them first.
const CLIENT_SECRET: &str = "s3cr et:/+&=%xyzzy";
/// Oracle's audience scope: a URL with a port glued to a URN, then another scope.
const SCOPE: &str =
    "https://ABC.integration.ocp.oraclecloud.com:443urn:opc:resource:consumer::all offline_access";

/// How the server behaves.
#[derive(Clone)]
struct Config {
    client_auth: &'static str,
    /// `expires_in` of issued access tokens, as sent (a number or a string).
    expires_in: Value,
    /// Issue a new refresh token on each refresh and refuse the old one.
    rotate: bool,
    /// Refresh tokens issued with client_credentials too.
    refresh_for_client_credentials: bool,
    /// The authorize endpoint answers `access_denied`.
    deny: bool,
    /// Device token polls answer these errors, in order, before a token.
    device_errors: Vec<&'static str>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            client_auth: "basic",
            expires_in: json!(3600),
            rotate: false,
            refresh_for_client_credentials: false,
            deny: false,
            device_errors: Vec::new(),
        }
    }
}

#[derive(Default)]
struct Server {
    codes: HashMap<String, (Option<String>, String)>,
    access: HashSet<String>,
    refresh: HashSet<String>,
    issued: usize,
    device_polls: Vec<Instant>,
}

#[derive(Clone)]
struct App {
    cfg: Config,
    state: Arc<Mutex<Server>>,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn issue(app: &App, with_refresh: bool) -> Response {
    let mut s = app.state.lock().expect("state");
    s.issued += 1;
    let n = s.issued;
    let access = format!("AT{n}-q7Lk2PzR9wXv");
    s.access.insert(access.clone());
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": app.cfg.expires_in,
    });
    if with_refresh {
        let refresh = format!("RT{n}-m4Nb8YcT1uGh");
        s.refresh.insert(refresh.clone());
        body["refresh_token"] = json!(refresh);
    }
    axum::Json(body).into_response()
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn expected_basic() -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(CLIENT_ID), enc(CLIENT_SECRET)))
    )
}

/// Checks the client authentication the server is configured for.
fn client_ok(app: &App, headers: &HeaderMap, f: &HashMap<String, String>) -> bool {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match app.cfg.client_auth {
        "basic" => auth == Some(expected_basic().as_str()) && !f.contains_key("client_secret"),
        "body" => {
            auth.is_none()
                && f.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && f.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET)
        }
        _ => {
            auth.is_none()
                && f.get("client_id").map(String::as_str) == Some(CLIENT_ID)
                && !f.contains_key("client_secret")
        }
    }
}

async fn token(State(app): State<App>, headers: HeaderMap, body: String) -> Response {
    let f = form(&body);
    if !client_ok(&app, &headers, &f) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        );
    }
    match f.get("grant_type").map(String::as_str) {
        Some("client_credentials") => issue(&app, app.cfg.refresh_for_client_credentials),
        Some("password") => {
            if f.get("username").map(String::as_str) == Some("alice")
                && f.get("password").map(String::as_str) == Some("pw-Zx81!")
            {
                issue(&app, true)
            } else {
                oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "bad credentials")
            }
        }
        Some("refresh_token") => {
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            let known = {
                let mut s = app.state.lock().expect("state");
                if app.cfg.rotate {
                    s.refresh.remove(&rt)
                } else {
                    s.refresh.contains(&rt)
                }
            };
            if !known {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token unknown or already used",
                );
            }
            if app.cfg.rotate {
                issue(&app, true)
            } else {
                issue(&app, false)
            }
        }
        Some("authorization_code") => {
            let code = f.get("code").cloned().unwrap_or_default();
            let entry = app.state.lock().expect("state").codes.remove(&code);
            let Some((challenge, redirect_uri)) = entry else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown code");
            };
            if f.get("redirect_uri") != Some(&redirect_uri) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri differs",
                );
            }
            if let Some(challenge) = challenge {
                let verifier = f.get("code_verifier").cloned().unwrap_or_default();
                if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != challenge {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "PKCE verification failed",
                    );
                }
            }
            issue(&app, true)
        }
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let poll = {
                let mut s = app.state.lock().expect("state");
                s.device_polls.push(Instant::now());
                s.device_polls.len()
            };
            match app.cfg.device_errors.get(poll - 1) {
                Some(error) => oauth_error(StatusCode::BAD_REQUEST, error, "wait"),
                None => issue(&app, true),
            }
        }
        _ => oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "?"),
    }
}

async fn authorize(State(app): State<App>, Query(q): Query<HashMap<String, String>>) -> Response {
    let redirect = q.get("redirect_uri").cloned().unwrap_or_default();
    let state = q.get("state").cloned().unwrap_or_default();
    let mut target = url::Url::parse(&redirect).expect("redirect_uri");
    if app.cfg.deny {
        target
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The user said no")
            .append_pair("state", &state);
    } else {
        let code = {
            let mut s = app.state.lock().expect("state");
            s.issued += 1;
            let code = format!("code-{}", s.issued);
            s.codes
                .insert(code.clone(), (q.get("code_challenge").cloned(), redirect));
            code
        };
        target
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &state);
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

async fn device() -> Response {
    axum::Json(json!({
        "device_code": "dev-code-1",
        "user_code": "WDJB-MJHT",
        "verification_uri": "https://idp.test/device",
        "expires_in": 60,
        "interval": 1,
    }))
    .into_response()
}

/// The protected API: echoes the token it accepted, to tempt leaks.
async fn me(State(app): State<App>, headers: HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let token = auth.strip_prefix("Bearer ").unwrap_or_default();
    if app.state.lock().expect("state").access.contains(token) {
        axum::Json(json!({"user": "alice", "seen": auth})).into_response()
    } else {
        (StatusCode::UNAUTHORIZED, "expired token").into_response()
    }
}

fn start(cfg: Config) -> (TestServer, App) {
    let app = App {
        cfg,
        state: Arc::new(Mutex::new(Server::default())),
    };
    let router = Router::new()
        .route("/token", post(token))
        .route("/authorize", get(authorize))
        .route("/device", post(device))
        .route("/api/me", get(me))
        .with_state(app.clone());
    (TestServer::start(router), app)
}

/// A collection with one `oauth2:` block (`extra` lines indented under it) and `n`
/// requests to the API.
fn collection(grant: &str, client_auth: &str, extra: &str, n: usize) -> String {
    let mut requests = String::new();
    for i in 1..=n {
        requests.push_str(&format!(
            "  - name: Me {i}\n    url: \"{{{{ base }}}}/api/me\"\n    expect:\n      status: 200\n      json:\n        $.user: alice\n"
        ));
    }
    format!(
        r#"name: OAuth
auth:
  oauth2:
    grant: {grant}
    auth_url: "{{{{ base }}}}/authorize"
    token_url: "{{{{ base }}}}/token"
    device_url: "{{{{ base }}}}/device"
    client_id: "{{{{ client_id }}}}"
    client_secret: "{{{{ env.CLIENT_SECRET }}}}"
    scope: "{{{{ scope }}}}"
    client_auth: {client_auth}
{extra}requests:
{requests}"#
    )
}

fn environment(server: &TestServer) -> String {
    format!(
        "variables:\n  base: {}\n  client_id: {CLIENT_ID}\n  scope: \"{SCOPE}\"\n",
        server.url()
    )
}

/// A workspace with `c.yaml` and `environments/test.yaml`.
fn workspace(server: &TestServer, collection_text: &str) -> Workspace {
    let ws = Workspace::new();
    ws.write("c.yaml", collection_text);
    ws.write("environments/test.yaml", &environment(server));
    ws
}

fn cache_path(ws: &Workspace) -> std::path::PathBuf {
    ws.path().join("cache/tokens.json")
}

/// Runs the binary with the client secret in the environment, a private cache and no
/// browser unless `browser` names a script.
fn run(ws: &Workspace, args: &[&str], browser: Option<&str>) -> Output {
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", cache_path(ws))
        .env_remove("BROWSER")
        .env_remove("REFRESH_TOKEN");
    if let Some(b) = browser {
        cmd.env("BROWSER", ws.path().join(b));
    }
    cmd.args(args);
    Output::from(cmd.output().expect("run runner"))
}

/// A fake browser: a shell script that follows the authorize URL with curl to the
/// loopback callback. `sed` edits the URL first (to forge state or PKCE).
fn browser(ws: &Workspace, name: &str, sed: &str) {
    let path = ws.write(
        name,
        &format!(
            "#!/bin/sh\nurl=$(printf '%s' \"$1\" | sed '{sed}')\nprintf '%s\\n' \"$url\" > \"$(dirname \"$0\")/{name}.url\"\nexec curl -s -L -o /dev/null \"$url\"\n"
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
}

fn token_requests(server: &TestServer) -> Vec<HashMap<String, String>> {
    server
        .requests()
        .iter()
        .filter(|r| r.uri == "/token")
        .map(|r| form(&r.text()))
        .collect()
}

fn api_requests(server: &TestServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.uri == "/api/me")
        .collect()
}

fn read_cache(ws: &Workspace) -> Value {
    let text = std::fs::read_to_string(cache_path(ws)).expect("cache file");
    serde_json::from_str(&text).expect("cache is JSON")
}

fn write_cache(
    ws: &Workspace,
    server: &TestServer,
    grant: &str,
    access: &str,
    expires_at: i64,
    refresh: &str,
) {
    let doc = json!({"version": 1, "tokens": [{
        "token_url": format!("{}/token", server.url()),
        "client_id": CLIENT_ID,
        "scope": SCOPE,
        "grant": grant,
        "access_token": access,
        "token_type": "Bearer",
        "expires_at": expires_at,
        "refresh_token": refresh,
        "updated_at": 0,
    }]});
    ws.write("cache/tokens.json", &doc.to_string());
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

#[test]
fn client_credentials_with_basic_auth_sends_encoded_header_and_exact_scope() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 2));
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], None);
    out.assert_code(0);
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1, "one token for both requests");
    assert_eq!(
        tokens[0].get("grant_type").map(String::as_str),
        Some("client_credentials")
    );
    assert_eq!(tokens[0].get("scope").map(String::as_str), Some(SCOPE));
    assert!(!tokens[0].contains_key("client_secret"));
    let token_req = server
        .requests()
        .into_iter()
        .find(|r| r.uri == "/token")
        .expect("token");
    assert_eq!(token_req.header("authorization"), Some(expected_basic()));
    assert_eq!(
        token_req.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let api = api_requests(&server);
    assert_eq!(api.len(), 2);
    for r in &api {
        assert_eq!(
            r.header("authorization").as_deref(),
            Some("Bearer AT1-q7Lk2PzR9wXv")
        );
    }
    // The cache: mode 0600, versioned, the token but never the client secret.
    let text = std::fs::read_to_string(cache_path(&ws)).expect("cache");
    assert!(
        !text.contains(CLIENT_SECRET) && !text.contains("s3cr"),
        "{text}"
    );
    let doc = read_cache(&ws);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tokens"][0]["access_token"], "AT1-q7Lk2PzR9wXv");
    assert_eq!(doc["tokens"][0]["scope"], SCOPE);
    assert_eq!(doc["tokens"][0]["grant"], "client_credentials");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(cache_path(&ws))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second run uses the cached token: the token endpoint is not asked again.
    run(&ws, &["run", "c.yaml", "-e", "test"], None).assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
    assert_eq!(api_requests(&server).len(), 4);
}

#[test]
fn client_credentials_with_body_auth_and_string_expires_in() {
    let (server, _) = start(Config {
        client_auth: "body",
        expires_in: json!("3600"),
        ..Config::default()
    });
    let ws = workspace(&server, &collection("client_credentials", "body", "", 1));
    run(&ws, &["run", "c.yaml", "-e", "test"], None).assert_code(0);
    let tokens = token_requests(&server);
    assert_eq!(
        tokens[0].get("client_id").map(String::as_str),
        Some(CLIENT_ID)
    );
    assert_eq!(
        tokens[0].get("client_secret").map(String::as_str),
        Some(CLIENT_SECRET)
    );
    let token_req = server
        .requests()
        .into_iter()
        .find(|r| r.uri == "/token")
        .expect("token");
    assert_eq!(token_req.header("authorization"), None);
    let expires_at = read_cache(&ws)["tokens"][0]["expires_at"]
        .as_i64()
        .expect("expires_at");
    assert!((expires_at - now() - 3600).abs() < 60, "{expires_at}");
}

#[test]
fn password_grant_with_public_client() {
    let (server, _) = start(Config {
        client_auth: "none",
        ..Config::default()
    });
    let extra = "    username: alice\n    password: \"{{ env.USER_PASSWORD }}\"\n";
    let ws = workspace(&server, &collection("password", "none", extra, 1));
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", "")
        .env("USER_PASSWORD", "pw-Zx81!")
        .env("RUNNER_TOKEN_CACHE", cache_path(&ws))
        .args(["run", "c.yaml", "-e", "test", "-v"]);
    let out = Output::from(cmd.output().expect("run"));
    out.assert_code(0).assert_not_contains("pw-Zx81!");
    let tokens = token_requests(&server);
    assert_eq!(
        tokens[0].get("grant_type").map(String::as_str),
        Some("password")
    );
    assert_eq!(tokens[0].get("username").map(String::as_str), Some("alice"));
    assert_eq!(
        tokens[0].get("client_id").map(String::as_str),
        Some(CLIENT_ID)
    );
    assert!(!tokens[0].contains_key("client_secret"));
}

#[test]
fn token_errors_show_code_description_and_status_but_not_the_secret() {
    let (server, _) = start(Config {
        client_auth: "body",
        ..Config::default()
    });
    // The server wants body auth; basic is refused with invalid_client.
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], None);
    out.assert_code(3)
        .assert_contains(
            "the token endpoint refused: invalid_client: client authentication failed (HTTP 401)",
        )
        .assert_not_contains("s3cr");
    assert_eq!(api_requests(&server).len(), 0);
}

#[test]
fn a_non_json_token_answer_shows_its_content_type_and_an_excerpt() {
    let router = Router::new().route(
        "/token",
        post(|| async {
            (
                StatusCode::BAD_GATEWAY,
                [(header::CONTENT_TYPE, "text/html")],
                "<html>Proxy error: upstream down</html>",
            )
        }),
    );
    let server = TestServer::start(router);
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    run(&ws, &["run", "c.yaml", "-e", "test"], None)
        .assert_code(3)
        .assert_contains("answered HTTP 502 with content type text/html, not a JSON object: \"<html>Proxy error: upstream down</html>\"");
}

#[test]
fn refresh_token_grant_from_a_ci_secret_rotates_and_saves_the_new_one() {
    let (server, app) = start(Config {
        rotate: true,
        ..Config::default()
    });
    app.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-ci-secret-value".into());
    let extra = "    refresh_token: \"{{ env.REFRESH_TOKEN }}\"\n";
    let ws = workspace(&server, &collection("refresh_token", "basic", extra, 1));
    let saved = ws.path().join("saved-rt");
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("REFRESH_TOKEN", "RT0-ci-secret-value")
        .env("RUNNER_TOKEN_CACHE", cache_path(&ws))
        .args(["run", "c.yaml", "-e", "test", "--save-refresh-token"])
        .arg(&saved);
    let out = Output::from(cmd.output().expect("run"));
    out.assert_code(0)
        .assert_contains("the server rotated the refresh token: the one supplied is spent")
        .assert_not_contains("RT0-ci-secret-value")
        .assert_not_contains("RT1-m4Nb8YcT1uGh");
    let tokens = token_requests(&server);
    assert_eq!(
        tokens[0].get("refresh_token").map(String::as_str),
        Some("RT0-ci-secret-value")
    );
    assert_eq!(tokens[0].get("scope").map(String::as_str), Some(SCOPE));
    assert_eq!(
        std::fs::read_to_string(&saved).expect("saved"),
        "RT1-m4Nb8YcT1uGh\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&saved)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert_eq!(
        read_cache(&ws)["tokens"][0]["refresh_token"],
        "RT1-m4Nb8YcT1uGh"
    );
}

#[test]
fn authorization_code_with_a_browser_pkce_state_and_exact_scope() {
    let (server, _) = start(Config::default());
    let extra = "    callback_url: http://127.0.0.1/callback\n    extra_params:\n      audience: \"urn:x y\"\n";
    let ws = workspace(
        &server,
        &collection("authorization_code", "basic", extra, 2),
    );
    browser(&ws, "browser.sh", "s/x/x/");
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], Some("browser.sh"));
    out.assert_code(0)
        .assert_contains("Log in with your browser");
    let opened = std::fs::read_to_string(ws.path().join("browser.sh.url")).expect("url");
    let url = url::Url::parse(opened.trim()).expect("authorize url");
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    out.assert_contains(opened.trim());
    assert_eq!(q.get("response_type").map(String::as_str), Some("code"));
    assert_eq!(q.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(q.get("scope").map(String::as_str), Some(SCOPE));
    assert_eq!(
        q.get("code_challenge_method").map(String::as_str),
        Some("S256")
    );
    assert_eq!(q.get("audience").map(String::as_str), Some("urn:x y"));
    assert!(q.get("state").is_some_and(|s| s.len() >= 22));
    assert!(q.get("nonce").is_some_and(|s| s.len() >= 22));
    assert_eq!(q.get("code_challenge").map(String::len), Some(43));
    let redirect = q.get("redirect_uri").expect("redirect_uri");
    assert!(
        redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"),
        "{redirect}"
    );
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        tokens[0].get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    assert_eq!(tokens[0].get("redirect_uri"), Some(redirect));
    assert_eq!(tokens[0].get("code_verifier").map(String::len), Some(64));
    // Cached: the next run needs no browser at all.
    run(&ws, &["run", "c.yaml", "-e", "test"], None).assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
}

#[test]
fn a_forged_state_is_rejected() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    browser(&ws, "forge.sh", "s/state=[^&]*/state=forged/");
    // The forged callback is answered 400 and ignored; the login then waits on, in vain.
    run(
        &ws,
        &["run", "c.yaml", "-e", "test", "--login-timeout", "3s"],
        Some("forge.sh"),
    )
    .assert_code(3)
    .assert_contains("ignored a login callback without this login's state")
    .assert_contains("no login within 3s (--login-timeout)");
    assert_eq!(token_requests(&server).len(), 0);
    assert_eq!(api_requests(&server).len(), 0);
}

#[test]
fn a_wrong_pkce_verifier_is_rejected_by_the_server() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    // The challenge the server sees is not the one of the runner's verifier.
    browser(
        &ws,
        "pkce.sh",
        "s/code_challenge=[^&]*/code_challenge=E9Melhoa2OwvFWEgbjr3nU_yXy2pQYBK0ZLo3sJ-4sM/",
    );
    run(&ws, &["run", "c.yaml", "-e", "test"], Some("pkce.sh"))
        .assert_code(3)
        .assert_contains("invalid_grant: PKCE verification failed (HTTP 400)");
    assert_eq!(token_requests(&server).len(), 1);
}

#[test]
fn access_denied_is_reported_plainly() {
    let (server, _) = start(Config {
        deny: true,
        ..Config::default()
    });
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 2));
    browser(&ws, "browser.sh", "s/x/x/");
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], Some("browser.sh"));
    out.assert_code(3).assert_contains(
        "the authorization server denied the login: access_denied: The user said no",
    );
    // One login attempt for the whole run.
    assert_eq!(
        server
            .requests()
            .iter()
            .filter(|r| r.uri.starts_with("/authorize"))
            .count(),
        1
    );
}

#[test]
fn without_a_terminal_or_browser_the_login_fails_at_once() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    let started = Instant::now();
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], None);
    out.assert_code(3)
        .assert_contains("there is no terminal and BROWSER is not set")
        .assert_contains("runner auth login")
        .assert_contains("grant: refresh_token");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(server.hits(), 0);
}

#[test]
fn an_access_token_about_to_expire_is_refreshed() {
    let (server, app) = start(Config::default());
    app.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-cached-abcdef".into());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    // 20 s left: inside the 30 s margin.
    write_cache(
        &ws,
        &server,
        "authorization_code",
        "AT0-old",
        now() + 20,
        "RT0-cached-abcdef",
    );
    run(&ws, &["run", "c.yaml", "-e", "test"], None).assert_code(0);
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        tokens[0].get("grant_type").map(String::as_str),
        Some("refresh_token")
    );
    assert_eq!(
        tokens[0].get("refresh_token").map(String::as_str),
        Some("RT0-cached-abcdef")
    );
    let cache = read_cache(&ws);
    assert_eq!(cache["tokens"][0]["access_token"], "AT1-q7Lk2PzR9wXv");
    // No new refresh token was sent: the old one is kept.
    assert_eq!(cache["tokens"][0]["refresh_token"], "RT0-cached-abcdef");
}

/// `grant: refresh_token` (`supplied`) with an expired cached token whose refresh token is
/// `cached`; the server knows only `valid`. The cache's refresh token is tried first, and
/// the grant's only when it is a different token.
fn refresh_grant_after_expiry(
    cached: &str,
    supplied: &str,
    valid: Option<&str>,
    requests: usize,
) -> (TestServer, Workspace, Output) {
    let (server, app) = start(Config::default());
    if let Some(valid) = valid {
        app.state
            .lock()
            .expect("state")
            .refresh
            .insert(valid.into());
    }
    let extra = "    refresh_token: \"{{ env.REFRESH_TOKEN }}\"\n";
    let ws = workspace(
        &server,
        &collection("refresh_token", "basic", extra, requests),
    );
    write_cache(
        &ws,
        &server,
        "refresh_token",
        "AT0-expired",
        now() - 60,
        cached,
    );
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("REFRESH_TOKEN", supplied)
        .env("RUNNER_TOKEN_CACHE", cache_path(&ws))
        .args(["run", "c.yaml", "-e", "test"]);
    let out = Output::from(cmd.output().expect("run"));
    (server, ws, out)
}

#[test]
fn a_revoked_refresh_token_that_the_cache_also_holds_is_sent_once() {
    let (server, _ws, out) =
        refresh_grant_after_expiry("RT0-revoked-secret", "RT0-revoked-secret", None, 2);
    out.assert_code(3)
        .assert_not_contains("no longer works")
        .assert_not_contains("RT0-revoked-secret");
    let tokens = token_requests(&server);
    assert_eq!(tokens.len(), 1, "one ask for one revoked token");
    assert_eq!(
        tokens[0].get("refresh_token").map(String::as_str),
        Some("RT0-revoked-secret")
    );
    assert_eq!(
        out.all()
            .matches("refresh token unknown or already used")
            .count(),
        1,
        "the server's words once:\n{}",
        out.all()
    );
    assert!(api_requests(&server).is_empty());
}

#[test]
fn a_revoked_cached_refresh_token_falls_back_to_the_one_supplied() {
    let (server, ws, out) = refresh_grant_after_expiry(
        "RT0-revoked-old",
        "RT9-new-ci-secret",
        Some("RT9-new-ci-secret"),
        1,
    );
    out.assert_code(0)
        .assert_contains("the cached refresh token no longer works")
        .assert_not_contains("RT9-new-ci-secret")
        .assert_not_contains("RT0-revoked-old");
    let sent: Vec<_> = token_requests(&server)
        .iter()
        .map(|t| t.get("refresh_token").cloned().unwrap_or_default())
        .collect();
    assert_eq!(sent, ["RT0-revoked-old", "RT9-new-ci-secret"]);
    assert_eq!(
        read_cache(&ws)["tokens"][0]["refresh_token"],
        "RT9-new-ci-secret"
    );
}

#[test]
fn a_401_with_a_cached_token_refreshes_once_and_retries() {
    let (server, app) = start(Config {
        rotate: true,
        ..Config::default()
    });
    app.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-cached-abcdef".into());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    write_cache(
        &ws,
        &server,
        "authorization_code",
        "AT0-revoked",
        now() + 3000,
        "RT0-cached-abcdef",
    );
    run(&ws, &["run", "c.yaml", "-e", "test"], None).assert_code(0);
    let api = api_requests(&server);
    assert_eq!(api.len(), 2);
    assert_eq!(
        api[0].header("authorization").as_deref(),
        Some("Bearer AT0-revoked")
    );
    assert_eq!(
        api[1].header("authorization").as_deref(),
        Some("Bearer AT1-q7Lk2PzR9wXv")
    );
    assert_eq!(token_requests(&server).len(), 1);
    // The rotated refresh token replaced the old one.
    assert_eq!(
        read_cache(&ws)["tokens"][0]["refresh_token"],
        "RT1-m4Nb8YcT1uGh"
    );
}

#[test]
fn two_runs_refreshing_at_once_share_one_rotation() {
    let (server, app) = start(Config {
        rotate: true,
        ..Config::default()
    });
    app.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-cached-abcdef".into());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    write_cache(
        &ws,
        &server,
        "authorization_code",
        "AT0-old",
        now() - 10,
        "RT0-cached-abcdef",
    );
    let spawn = || {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("runner"));
        cmd.current_dir(ws.path())
            .env("NO_COLOR", "1")
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("RUNNER_TOKEN_CACHE", cache_path(&ws))
            .env_remove("BROWSER")
            .args(["run", "c.yaml", "-e", "test"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("spawn")
    };
    let a = spawn();
    let b = spawn();
    let a = Output::from(a.wait_with_output().expect("a"));
    let b = Output::from(b.wait_with_output().expect("b"));
    a.assert_code(0);
    b.assert_code(0);
    // The second run waited for the first and used its token: one refresh in all.
    assert_eq!(token_requests(&server).len(), 1);
    let cache = read_cache(&ws);
    assert_eq!(cache["tokens"].as_array().map(Vec::len), Some(1));
    assert_eq!(cache["tokens"][0]["refresh_token"], "RT1-m4Nb8YcT1uGh");
}

#[test]
fn a_corrupt_cache_file_is_reported_and_rebuilt() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    ws.write("cache/tokens.json", "{ this is not json");
    run(&ws, &["run", "c.yaml", "-e", "test"], None)
        .assert_code(0)
        .assert_contains("was ignored: it is not valid JSON")
        .assert_contains("it will be rebuilt");
    assert_eq!(read_cache(&ws)["version"], 1);
    assert_eq!(
        read_cache(&ws)["tokens"][0]["access_token"],
        "AT1-q7Lk2PzR9wXv"
    );
}

#[test]
fn no_token_cache_neither_reads_nor_writes() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    write_cache(
        &ws,
        &server,
        "client_credentials",
        "AT0-cached",
        now() + 3000,
        "RT0-x",
    );
    let before = std::fs::read_to_string(cache_path(&ws)).expect("cache");
    run(
        &ws,
        &["run", "c.yaml", "-e", "test", "--no-token-cache"],
        None,
    )
    .assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
    assert_eq!(
        std::fs::read_to_string(cache_path(&ws)).expect("cache"),
        before
    );
}

#[test]
fn device_code_polls_with_pending_and_slow_down() {
    let (server, app) = start(Config {
        device_errors: vec!["authorization_pending", "slow_down"],
        ..Config::default()
    });
    let ws = workspace(&server, &collection("device_code", "basic", "", 1));
    let out = run(&ws, &["run", "c.yaml", "-e", "test"], None);
    out.assert_code(0)
        .assert_contains("To log in, visit https://idp.test/device and enter the code WDJB-MJHT");
    let polls = app.state.lock().expect("state").device_polls.clone();
    assert_eq!(polls.len(), 3);
    // The server's 1 s, then 1 s + 5 s after slow_down, both scaled by POLL_SCALE.
    let second = Duration::from_secs(1).mul_f64(POLL_SCALE);
    assert!(polls[1] - polls[0] >= second, "{:?}", polls[1] - polls[0]);
    assert!(
        polls[2] - polls[1] >= second * 6,
        "{:?}",
        polls[2] - polls[1]
    );
    let device_req = server
        .requests()
        .into_iter()
        .find(|r| r.uri == "/device")
        .expect("device");
    assert_eq!(
        form(&device_req.text()).get("scope").map(String::as_str),
        Some(SCOPE)
    );
}

#[test]
fn auth_commands_login_token_and_logout() {
    let (server, _) = start(Config {
        refresh_for_client_credentials: true,
        ..Config::default()
    });
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    run(&ws, &["auth", "login", "c.yaml", "-e", "test"], None)
        .assert_code(0)
        .assert_contains("Logged in");
    let out = run(&ws, &["auth", "token", "c.yaml", "-e", "test"], None);
    out.assert_code(0);
    assert_eq!(out.stdout, "AT1-q7Lk2PzR9wXv\n");
    let out = run(
        &ws,
        &["auth", "token", "c.yaml", "-e", "test", "--refresh-token"],
        None,
    );
    out.assert_code(0);
    assert_eq!(out.stdout, "RT1-m4Nb8YcT1uGh\n");
    assert_eq!(token_requests(&server).len(), 1);
    run(&ws, &["auth", "logout", "c.yaml", "-e", "test"], None)
        .assert_code(0)
        .assert_contains("Forgot the cached client_credentials token");
    assert_eq!(read_cache(&ws)["tokens"], json!([]));
}

/// Every credential of a run and its encoded forms.
fn forms(secret: &str) -> Vec<String> {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    vec![
        secret.to_string(),
        STANDARD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        enc(secret),
    ]
}

#[test]
fn no_output_shows_a_secret_token_or_basic_header() {
    let (server, _) = start(Config {
        rotate: true,
        ..Config::default()
    });
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 2));
    browser(&ws, "browser.sh", "s/x/x/");
    let mut outputs = vec![run(
        &ws,
        &["run", "c.yaml", "-e", "test", "-v"],
        Some("browser.sh"),
    )];
    outputs[0].assert_code(0);
    // Expired: refreshed, with -v.
    let mut cache = read_cache(&ws);
    cache["tokens"][0]["expires_at"] = json!(now() - 1);
    ws.write("cache/tokens.json", &cache.to_string());
    outputs.push(run(&ws, &["run", "c.yaml", "-e", "test", "-v"], None));
    outputs[1].assert_code(0);
    outputs.push(run(
        &ws,
        &["auth", "login", "c.yaml", "-e", "test"],
        Some("browser.sh"),
    ));
    let basic = expected_basic();
    let mut secrets = vec![
        CLIENT_SECRET.to_string(),
        basic.clone(),
        basic.trim_start_matches("Basic ").to_string(),
        format!("{CLIENT_ID}:{CLIENT_SECRET}"),
    ];
    for n in 1..=6 {
        secrets.push(format!("AT{n}-q7Lk2PzR9wXv"));
        secrets.push(format!("RT{n}-m4Nb8YcT1uGh"));
    }
    for (i, out) in outputs.iter().enumerate() {
        for s in &secrets {
            for form in forms(s) {
                out.assert_not_contains(&form);
            }
        }
        assert!(!out.all().contains("q7Lk2PzR9wXv"), "run {i}");
    }
    // The -v output did show the exchanges, masked.
    outputs[0].assert_contains("> authorization: Bearer *****");
}

#[test]
fn verbose_shows_token_endpoint_exchanges_with_credentials_and_tokens_masked() {
    let (server, _) = start(Config {
        client_auth: "body",
        rotate: true,
        ..Config::default()
    });
    let ws = workspace(&server, &collection("authorization_code", "body", "", 1));
    browser(&ws, "browser.sh", "s/x/x/");
    let login = run(
        &ws,
        &["run", "c.yaml", "-e", "test", "-v"],
        Some("browser.sh"),
    );
    login.assert_code(0);
    let verifier = token_requests(&server)[0]
        .get("code_verifier")
        .cloned()
        .expect("verifier sent");
    // Expired: refreshed, with -v.
    let mut cache = read_cache(&ws);
    cache["tokens"][0]["expires_at"] = json!(now() - 1);
    ws.write("cache/tokens.json", &cache.to_string());
    let refresh = run(&ws, &["run", "c.yaml", "-e", "test", "-v"], None);
    refresh.assert_code(0);

    let post = format!("> POST {}/token HTTP/1.1", server.url());
    for out in [&login, &refresh] {
        assert!(out.stderr.contains("* token request\n"), "{}", out.stderr);
        assert!(out.stderr.contains(&post), "{}", out.stderr);
        out.assert_contains("> content-type: application/x-www-form-urlencoded")
            .assert_contains("&client_id=runner-cli&client_secret=*****\n")
            .assert_contains("< HTTP/1.1 200 OK")
            .assert_contains("< content-type: application/json")
            .assert_contains(r#""access_token":"*****""#)
            .assert_contains(r#""token_type":"bearer""#)
            .assert_contains(r#""refresh_token":"*****""#);
    }
    login
        .assert_contains("grant_type=authorization_code&code=*****&")
        .assert_contains("&code_verifier=*****&");
    refresh.assert_contains("grant_type=refresh_token&refresh_token=*****&");
    let mut secrets = vec![CLIENT_SECRET.to_string(), "code-1".to_string(), verifier];
    for n in 1..=4 {
        secrets.push(format!("AT{n}-q7Lk2PzR9wXv"));
        secrets.push(format!("RT{n}-m4Nb8YcT1uGh"));
    }
    for out in [&login, &refresh] {
        for s in &secrets {
            for form in forms(s) {
                out.assert_not_contains(&form);
            }
        }
    }

    // Basic client authentication and the device flow: the header and the device code.
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("device_code", "basic", "", 1));
    let out = run(&ws, &["run", "c.yaml", "-e", "test", "-v"], None);
    out.assert_code(0)
        .assert_contains("* device authorization request")
        .assert_contains("> authorization: Basic *****")
        .assert_contains(r#""device_code":"*****""#)
        .assert_contains(r#""user_code":"WDJB-MJHT""#)
        .assert_not_contains("dev-code-1")
        .assert_not_contains("q7Lk2PzR9wXv");
    for form in forms(CLIENT_SECRET)
        .into_iter()
        .chain(forms(expected_basic().trim_start_matches("Basic ")))
    {
        out.assert_not_contains(&form);
    }
}

#[test]
fn browser_with_percent_s_gets_the_url_in_place() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    // `BROWSER="script --url=%s"`: the script strips the prefix it was given.
    let path = ws.write(
        "b.sh",
        "#!/bin/sh\ncase \"$1\" in --url=*) ;; *) exit 1 ;; esac\nexec curl -s -L -o /dev/null \"${1#--url=}\"\n",
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", cache_path(&ws))
        .env("BROWSER", format!("{} --url=%s", path.display()))
        .args(["run", "c.yaml", "-e", "test", "--login-timeout", "20s"]);
    Output::from(cmd.output().expect("run")).assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
}

#[test]
fn a_login_that_never_comes_back_times_out() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    let path = ws.write("idle.sh", "#!/bin/sh\nexit 0\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    run(
        &ws,
        &["run", "c.yaml", "-e", "test", "--login-timeout", "1s"],
        Some("idle.sh"),
    )
    .assert_code(3)
    .assert_contains("no login within 1s (--login-timeout)");
    assert_eq!(server.hits(), 0);
}

/// A collection whose API and authorization server are both the built-in mock.
fn mock_collection(grant: &str, extra: &str) -> String {
    format!(
        r#"name: Mocked
auth:
  oauth2:
    grant: {grant}
    auth_url: "{{{{ mock_url }}}}/oauth2/v1/authorize"
    token_url: "{{{{ mock_url }}}}/oauth2/v1/token"
    device_url: "{{{{ mock_url }}}}/oauth2/v1/device"
    client_id: mock-client
    client_secret: mock-secret-Hq93
    scope: "{SCOPE}"
{extra}requests:
  - name: One
    url: "{{{{ mock_url }}}}/things"
    expect: {{ status: 200 }}
    examples:
      - status: 200
        json: {{ ok: true }}
  - name: Two
    url: "{{{{ mock_url }}}}/things"
    expect: {{ status: 200 }}
"#
    )
}

#[test]
fn with_mock_every_grant_gets_a_token_from_the_embedded_server() {
    let cases = [
        ("authorization_code", ""),
        ("client_credentials", ""),
        (
            "password",
            "    username: alice\n    password: pw-Mock-77\n",
        ),
        ("device_code", ""),
    ];
    for (grant, extra) in cases {
        let ws = Workspace::new();
        ws.write("m.yaml", &mock_collection(grant, extra));
        let out = run(&ws, &["run", "m.yaml", "--mock", "-v"], None);
        out.assert_code(0)
            .assert_contains("> authorization: Bearer *****")
            .assert_not_contains("mock-secret-Hq93")
            .assert_not_contains("mock-access-")
            .assert_not_contains("pw-Mock-77");
        // --mock keeps tokens in memory only.
        assert!(!cache_path(&ws).exists(), "{grant}");
    }
}

#[test]
fn an_unusable_cache_location_is_a_warning_not_a_failure() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 1));
    // A plain file where the cache folder should be.
    ws.write("blocker", "not a folder");
    let mut cmd = ws.runner();
    cmd.env("CLIENT_SECRET", CLIENT_SECRET)
        .env("RUNNER_TOKEN_CACHE", ws.path().join("blocker/tokens.json"))
        .args(["run", "c.yaml", "-e", "test"]);
    Output::from(cmd.output().expect("run"))
        .assert_code(0)
        .assert_contains("warning: cannot create the token cache folder")
        .assert_contains("going on without the token cache");
    assert_eq!(token_requests(&server).len(), 1);
}

#[test]
fn a_grant_missing_its_endpoint_is_invalid_input() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: C\nauth:\n  oauth2:\n    grant: device_code\n    token_url: http://127.0.0.1:9/token\n    client_id: c\nrequests:\n  - name: R\n    url: http://127.0.0.1:9/\n",
    );
    let out = run(&ws, &["run", "c.yaml"], None);
    out.assert_code(2)
        .assert_contains("the OAuth2 `device_code` grant needs `device_url`")
        .assert_contains("c.yaml:3:");
}

#[test]
fn logout_revokes_at_the_revocation_url_then_forgets() {
    let router = Router::new().route("/revoke", post(|| async { StatusCode::OK }));
    let revoker = TestServer::start(router);
    let (server, _) = start(Config::default());
    let extra = format!("    revocation_url: {}/revoke\n", revoker.url());
    let ws = workspace(
        &server,
        &collection("authorization_code", "basic", &extra, 1),
    );
    write_cache(
        &ws,
        &server,
        "authorization_code",
        "AT0-live-token",
        now() + 3000,
        "RT0-live-token",
    );
    run(&ws, &["auth", "logout", "c.yaml", "-e", "test"], None)
        .assert_code(0)
        .assert_contains("Forgot the cached authorization_code token of client runner-cli")
        .assert_not_contains("live-token");
    let revoked: Vec<HashMap<String, String>> =
        revoker.requests().iter().map(|r| form(&r.text())).collect();
    assert_eq!(revoked.len(), 2);
    assert_eq!(
        revoked[0].get("token").map(String::as_str),
        Some("RT0-live-token")
    );
    assert_eq!(
        revoked[0].get("token_type_hint").map(String::as_str),
        Some("refresh_token")
    );
    assert_eq!(
        revoked[1].get("token").map(String::as_str),
        Some("AT0-live-token")
    );
    assert_eq!(
        revoker.requests()[0].header("authorization"),
        Some(expected_basic())
    );
    assert_eq!(read_cache(&ws)["tokens"], json!([]));
}

#[test]
fn a_server_error_that_echoes_the_secret_is_masked() {
    let router = Router::new().route(
        "/token",
        post(|body: String| async move {
            let f = form(&body);
            let echoed = format!(
                "bad secret {} for {}",
                f.get("client_secret").cloned().unwrap_or_default(),
                f.get("client_id").cloned().unwrap_or_default()
            );
            oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", &echoed)
        }),
    );
    let server = TestServer::start(router);
    let ws = workspace(&server, &collection("client_credentials", "body", "", 1));
    let out = run(&ws, &["run", "c.yaml", "-e", "test", "-v"], None);
    out.assert_code(3)
        .assert_contains("invalid_client: bad secret ***** for runner-cli (HTTP 401)");
    for f in forms(CLIENT_SECRET) {
        out.assert_not_contains(&f);
    }
}

#[test]
fn a_pasted_callback_without_a_terminal_fails_at_once_even_with_browser() {
    let (server, _) = start(Config::default());
    let extra = "    callback_url: https://cb.example/icsapis/agent/oauth/callback\n";
    let ws = workspace(
        &server,
        &collection("authorization_code", "basic", extra, 1),
    );
    browser(&ws, "browser.sh", "s/x/x/");
    run(&ws, &["run", "c.yaml", "-e", "test"], Some("browser.sh"))
        .assert_code(3)
        .assert_contains("the callback_url is not on this machine, so the redirected URL must be pasted, and there is no terminal")
        .assert_contains("runner auth login");
    assert_eq!(server.hits(), 0);
}

#[test]
fn parallel_iterations_share_one_token_and_one_refresh() {
    let (server, _) = start(Config::default());
    let ws = workspace(&server, &collection("client_credentials", "basic", "", 2));
    run(
        &ws,
        &["run", "c.yaml", "-e", "test", "-n", "8", "-j", "4"],
        None,
    )
    .assert_code(0);
    assert_eq!(token_requests(&server).len(), 1, "one token for the run");
    assert_eq!(api_requests(&server).len(), 16);

    // A cached token the server refuses: one refresh for all workers (a second refresh
    // with the rotated-away refresh token would fail the run).
    let (server, app) = start(Config {
        rotate: true,
        ..Config::default()
    });
    app.state
        .lock()
        .expect("state")
        .refresh
        .insert("RT0-cached-abcdef".into());
    let ws = workspace(&server, &collection("authorization_code", "basic", "", 1));
    write_cache(
        &ws,
        &server,
        "authorization_code",
        "AT0-revoked",
        now() + 3000,
        "RT0-cached-abcdef",
    );
    run(
        &ws,
        &["run", "c.yaml", "-e", "test", "-n", "8", "-j", "4"],
        None,
    )
    .assert_code(0);
    assert_eq!(token_requests(&server).len(), 1);
    let fresh = api_requests(&server)
        .iter()
        .filter(|r| r.header("authorization").as_deref() == Some("Bearer AT1-q7Lk2PzR9wXv"))
        .count();
    assert_eq!(fresh, 8);
}
