//! The embedded OAuth2 authorization server of `runner mock` and `runner run --mock`,
//! under `/oauth2/v1` like an Oracle identity domain: an authorize endpoint whose consent
//! page approves by itself, a token endpoint for every grant (PKCE checked, refresh tokens
//! rotated), and device authorization. Any client id and secret are accepted.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Where the server is mounted.
pub const PREFIX: &str = "/oauth2/v1";

struct Pending {
    challenge: Option<String>,
    redirect_uri: String,
}

#[derive(Default)]
struct Inner {
    codes: HashMap<String, Pending>,
    refresh: HashSet<String>,
    device_polls: HashMap<String, u32>,
}

#[derive(Clone)]
struct Mock {
    lifetime: Duration,
    inner: Arc<Mutex<Inner>>,
}

fn random(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": code, "error_description": description})),
    )
        .into_response()
}

/// The routes, to nest under [`PREFIX`]. Access tokens live `lifetime`.
pub fn router(lifetime: Duration) -> Router {
    let mock = Mock {
        lifetime,
        inner: Arc::new(Mutex::new(Inner::default())),
    };
    Router::new()
        .route("/authorize", get(authorize))
        .route("/approve", get(approve))
        .route("/token", post(token))
        .route("/device", post(device))
        .route("/device/verify", get(verify))
        .route("/revoke", post(revoke))
        .with_state(mock)
}

fn query_string(q: &HashMap<String, String>) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    let mut keys: Vec<&String> = q.keys().collect();
    keys.sort();
    for k in keys {
        ser.append_pair(k, &q[k]);
    }
    ser.finish()
}

/// The consent page: approves after a second (`Refresh`), or at once with the button.
async fn authorize(Query(q): Query<HashMap<String, String>>) -> Response {
    if q.get("response_type").map(String::as_str) != Some("code") {
        return error(
            StatusCode::BAD_REQUEST,
            "unsupported_response_type",
            "response_type must be code",
        );
    }
    let Some(redirect) = q.get("redirect_uri") else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is missing",
        );
    };
    if url::Url::parse(redirect).is_err() {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is not a URL",
        );
    }
    let approve = format!("{PREFIX}/approve?{}", query_string(&q));
    let client = q.get("client_id").map(String::as_str).unwrap_or("?");
    let scope = q.get("scope").map(String::as_str).unwrap_or("");
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>runner mock: consent</title></head>\
         <body><h1>Mock authorization server</h1><p>Client <code>{}</code> asks for <code>{}</code>.</p>\
         <p>This page approves by itself in a second. <a href=\"{}\">Approve now</a></p></body></html>",
        esc(client),
        esc(scope),
        esc(&approve)
    );
    let mut resp = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("1; url={approve}")) {
        resp.headers_mut().insert("refresh", v);
    }
    resp
}

async fn approve(State(mock): State<Mock>, Query(q): Query<HashMap<String, String>>) -> Response {
    let Some(mut target) = q.get("redirect_uri").and_then(|r| url::Url::parse(r).ok()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is missing",
        );
    };
    let code = random("code");
    if let Ok(mut inner) = mock.inner.lock() {
        inner.codes.insert(
            code.clone(),
            Pending {
                challenge: q.get("code_challenge").cloned(),
                redirect_uri: target.to_string(),
            },
        );
    }
    {
        let mut pairs = target.query_pairs_mut();
        pairs.append_pair("code", &code);
        if let Some(state) = q.get("state") {
            pairs.append_pair("state", state);
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn issue(mock: &Mock, with_refresh: bool) -> Response {
    let mut body = json!({
        "access_token": random("mock-access"),
        "token_type": "Bearer",
        "expires_in": mock.lifetime.as_secs(),
    });
    if with_refresh {
        let rt = random("mock-refresh");
        if let Ok(mut inner) = mock.inner.lock() {
            inner.refresh.insert(rt.clone());
        }
        body["refresh_token"] = json!(rt);
    }
    axum::Json(body).into_response()
}

async fn token(State(mock): State<Mock>, body: String) -> Response {
    let f: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    match get("grant_type").as_str() {
        "client_credentials" => issue(&mock, false),
        "password" => {
            if get("username").is_empty() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "username is missing",
                );
            }
            issue(&mock, true)
        }
        "refresh_token" => {
            // Rotation: each refresh token works once.
            let known = mock
                .inner
                .lock()
                .map(|mut i| i.refresh.remove(&get("refresh_token")))
                .unwrap_or(false);
            if known {
                issue(&mock, true)
            } else {
                error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the refresh token is unknown or was already used",
                )
            }
        }
        "authorization_code" => {
            let pending = mock
                .inner
                .lock()
                .ok()
                .and_then(|mut i| i.codes.remove(&get("code")));
            let Some(pending) = pending else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "the code is unknown or was already used",
                );
            };
            let sent = url::Url::parse(&get("redirect_uri")).map(|u| u.to_string());
            if sent.ok().as_deref() != Some(pending.redirect_uri.as_str()) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri differs from the authorize request",
                );
            }
            if let Some(challenge) = pending.challenge {
                let verifier = get("code_verifier");
                let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                if computed != challenge {
                    return error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "PKCE verification failed",
                    );
                }
            }
            issue(&mock, true)
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            let polls = mock.inner.lock().ok().and_then(|mut i| {
                i.device_polls.get_mut(&get("device_code")).map(|n| {
                    *n += 1;
                    *n
                })
            });
            match polls {
                None => error(
                    StatusCode::BAD_REQUEST,
                    "expired_token",
                    "unknown device code",
                ),
                // The user "approves" between the first and the second poll.
                Some(1) => error(
                    StatusCode::BAD_REQUEST,
                    "authorization_pending",
                    "waiting for the user",
                ),
                Some(_) => issue(&mock, true),
            }
        }
        other => error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type `{other}` is not supported"),
        ),
    }
}

async fn device(State(mock): State<Mock>, headers: axum::http::HeaderMap) -> Response {
    let code = random("device");
    if let Ok(mut inner) = mock.inner.lock() {
        inner.device_polls.insert(code.clone(), 0);
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    axum::Json(json!({
        "device_code": code,
        "user_code": "MOCK-CODE",
        "verification_uri": format!("http://{host}{PREFIX}/device/verify"),
        "expires_in": 600,
        "interval": 1,
    }))
    .into_response()
}

/// RFC 7009: forgets a refresh token; always 200.
async fn revoke(State(mock): State<Mock>, body: String) -> Response {
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    if let Ok(mut inner) = mock.inner.lock() {
        inner.refresh.remove(&token);
    }
    StatusCode::OK.into_response()
}

async fn verify() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!doctype html><p>Mock authorization server: the device is approved.</p>",
    )
        .into_response()
}
