//! The token endpoint: one form POST per grant, client authentication, and the parsing
//! of answers (tolerant of `expires_in` sent as a string and of JSON served under another
//! content type), plus the device authorization flow (RFC 8628).
//!
//! Written on reqwest directly rather than with the `oauth2` crate: failed token requests
//! must report the HTTP status and, for a non-JSON answer, its content type and an excerpt,
//! which that crate's error types do not carry.

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Client;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use serde_json::Value;

use super::{AuthError, ClientAuth, Notice, OAuth2Params, TokenResponse, Ui};
use crate::secrets::Masker;

/// The client and timeout of token endpoint requests.
pub struct Http<'a> {
    /// The run's client (redirects off).
    pub client: &'a Client,
    /// Per request.
    pub timeout: Duration,
}

/// How many characters of a non-JSON answer an error shows.
const EXCERPT: usize = 200;

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1).
pub fn basic_header(client_id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let pair = format!("{}:{}", enc(client_id), enc(secret));
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Teaches the masker the client's credentials and every form derived from them.
pub fn mask_client(params: &OAuth2Params, masker: &Masker) {
    if let Some(secret) = &params.client_secret {
        let secret = secret.expose();
        masker.add(secret);
        masker.add_basic(&params.client_id, secret);
        if let Some(credential) = basic_header(&params.client_id, secret).strip_prefix("Basic ") {
            masker.add(credential);
        }
    }
    for s in [&params.refresh_token, &params.password]
        .into_iter()
        .flatten()
    {
        masker.add(s.expose());
    }
}

/// Posts `form` (plus client authentication) to `url` and parses the token answer.
pub async fn token_request(
    http: &Http<'_>,
    params: &OAuth2Params,
    url: &str,
    form: Vec<(&str, String)>,
) -> Result<TokenResponse, AuthError> {
    let value = post_form(http, params, url, form, "token").await?;
    parse_token(&value)
}

/// Posts a form with client authentication; returns the JSON object of a 2xx answer.
async fn post_form(
    http: &Http<'_>,
    params: &OAuth2Params,
    url: &str,
    mut form: Vec<(&str, String)>,
    what: &str,
) -> Result<Value, AuthError> {
    let mut req = http
        .client
        .post(url)
        .timeout(http.timeout)
        .header(ACCEPT, "application/json");
    match params.client_auth {
        ClientAuth::Basic => match &params.client_secret {
            Some(secret) => {
                req = req.header(
                    AUTHORIZATION,
                    basic_header(&params.client_id, secret.expose()),
                );
            }
            None => form.push(("client_id", params.client_id.clone())),
        },
        ClientAuth::Body => {
            form.push(("client_id", params.client_id.clone()));
            if let Some(secret) = &params.client_secret {
                form.push(("client_secret", secret.expose().to_string()));
            }
        }
        ClientAuth::None => form.push(("client_id", params.client_id.clone())),
    }
    // Finished before the await: the serializer is not Send, and the request may run in a
    // task of its own.
    let body = {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &form {
            body.append_pair(k, v);
        }
        body.finish()
    };
    let resp = req
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| AuthError::Network(format!("{what} request to {url} failed: {e}")))?;
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| AuthError::Network(format!("{what} answer from {url} was cut: {e}")))?;
    // RFC 7009 §2.2: a successful revocation may answer with an empty body.
    if what == "revocation" && status.is_success() && bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    let parsed: Option<Value> = serde_json::from_slice(&bytes).ok();
    match parsed {
        Some(Value::Object(map)) => {
            if !status.is_success() || map.contains_key("error") {
                let error = map
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("(no error code)")
                    .to_string();
                let description = map
                    .get("error_description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                return Err(AuthError::Server {
                    what: what.to_string(),
                    status: status.as_u16(),
                    error,
                    description,
                });
            }
            Ok(Value::Object(map))
        }
        _ => {
            let text = String::from_utf8_lossy(&bytes);
            let excerpt: String = text.trim().chars().take(EXCERPT).collect();
            let cut = if text.trim().chars().count() > EXCERPT {
                "..."
            } else {
                ""
            };
            let content_type = if content_type.is_empty() {
                "no content type".to_string()
            } else {
                format!("content type {content_type}")
            };
            Err(AuthError::Protocol(format!(
                "the {what} endpoint {url} answered HTTP {} with {content_type}, not a JSON object: {excerpt:?}{cut}",
                status.as_u16()
            )))
        }
    }
}

/// Revokes `token` (RFC 7009). An answer of 200 means revoked or already unknown.
pub async fn revoke(
    http: &Http<'_>,
    params: &OAuth2Params,
    url: &str,
    token: &str,
    hint: &str,
) -> Result<(), AuthError> {
    let form = vec![
        ("token", token.to_string()),
        ("token_type_hint", hint.to_string()),
    ];
    post_form(http, params, url, form, "revocation")
        .await
        .map(|_| ())
}

/// Reads a number sent as a number or as a string (`"3600"`).
fn number(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Parses a successful token answer.
pub fn parse_token(value: &Value) -> Result<TokenResponse, AuthError> {
    let access_token = text(value.get("access_token")).ok_or_else(|| {
        AuthError::Protocol("the token endpoint answered without an access_token".into())
    })?;
    Ok(TokenResponse {
        access_token,
        token_type: text(value.get("token_type")).unwrap_or_else(|| "Bearer".into()),
        expires_in: number(value.get("expires_in")),
        refresh_token: text(value.get("refresh_token")),
    })
}

/// `grant_type=client_credentials`.
pub async fn client_credentials(
    http: &Http<'_>,
    params: &OAuth2Params,
) -> Result<TokenResponse, AuthError> {
    let mut form = vec![("grant_type", "client_credentials".to_string())];
    push_scope(&mut form, params);
    token_request(http, params, &params.token_url, form).await
}

/// `grant_type=password`.
pub async fn password(http: &Http<'_>, params: &OAuth2Params) -> Result<TokenResponse, AuthError> {
    let username = params.username.clone().ok_or_else(|| {
        AuthError::Config("the password grant needs `username` and `password`".into())
    })?;
    let password = params.password.as_ref().ok_or_else(|| {
        AuthError::Config("the password grant needs `username` and `password`".into())
    })?;
    let mut form = vec![
        ("grant_type", "password".to_string()),
        ("username", username),
        ("password", password.expose().to_string()),
    ];
    push_scope(&mut form, params);
    token_request(http, params, &params.token_url, form).await
}

/// `grant_type=refresh_token`.
pub async fn refresh(
    http: &Http<'_>,
    params: &OAuth2Params,
    refresh_token: &str,
) -> Result<TokenResponse, AuthError> {
    let mut form = vec![
        ("grant_type", "refresh_token".to_string()),
        ("refresh_token", refresh_token.to_string()),
    ];
    push_scope(&mut form, params);
    token_request(http, params, &params.token_url, form).await
}

/// `grant_type=authorization_code`.
pub async fn exchange_code(
    http: &Http<'_>,
    params: &OAuth2Params,
    code: &str,
    redirect_uri: &str,
    verifier: Option<&str>,
) -> Result<TokenResponse, AuthError> {
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", code.to_string()),
        ("redirect_uri", redirect_uri.to_string()),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v.to_string()));
    }
    token_request(http, params, &params.token_url, form).await
}

fn push_scope(form: &mut Vec<(&str, String)>, params: &OAuth2Params) {
    if let Some(scope) = params.scope.as_ref().filter(|s| !s.is_empty()) {
        form.push(("scope", scope.clone()));
    }
}

/// The device authorization grant (RFC 8628): asks for a user code, shows it, then polls
/// the token endpoint at the server's interval (5 s more after each `slow_down`).
pub async fn device_code(
    http: &Http<'_>,
    params: &OAuth2Params,
    ui: &dyn Ui,
    timeout: Duration,
) -> Result<TokenResponse, AuthError> {
    let device_url = params
        .device_url
        .clone()
        .ok_or_else(|| AuthError::Config("the device_code grant needs `device_url`".into()))?;
    let mut form = Vec::new();
    push_scope(&mut form, params);
    for (k, v) in &params.extra_params {
        form.push((k.as_str(), v.clone()));
    }
    let answer = post_form(http, params, &device_url, form, "device authorization").await?;
    let device_code = text(answer.get("device_code")).ok_or_else(|| {
        AuthError::Protocol("the device authorization answer has no device_code".into())
    })?;
    let user_code = text(answer.get("user_code")).unwrap_or_default();
    let verification_uri = text(answer.get("verification_uri"))
        .or_else(|| text(answer.get("verification_url")))
        .unwrap_or_default();
    ui.notice(Notice::DeviceCode {
        verification_uri,
        user_code,
        complete: text(answer.get("verification_uri_complete")),
    });
    let mut interval = Duration::from_secs(number(answer.get("interval")).unwrap_or(5));
    let lifetime = number(answer.get("expires_in"))
        .map(Duration::from_secs)
        .unwrap_or(timeout)
        .min(timeout);
    let deadline = Instant::now() + lifetime;
    loop {
        if Instant::now() + interval > deadline {
            return Err(AuthError::Timeout(
                "the device code expired before the login was approved".into(),
            ));
        }
        tokio::time::sleep(interval).await;
        let form = vec![
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:device_code".to_string(),
            ),
            ("device_code", device_code.clone()),
        ];
        match token_request(http, params, &params.token_url, form).await {
            Ok(t) => return Ok(t),
            Err(AuthError::Server { error, .. }) if error == "authorization_pending" => {}
            Err(AuthError::Server { error, .. }) if error == "slow_down" => {
                interval += Duration::from_secs(5);
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn basic_header_form_encodes_before_base64() {
        // "a b:c" -> "a+b%3Ac"
        assert_eq!(
            basic_header("id", "a b:c"),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode("id:a+b%3Ac")
            )
        );
    }

    #[test]
    fn expires_in_as_string_is_read() {
        let t = parse_token(&json!({"access_token": "x", "expires_in": "3600"})).unwrap();
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.token_type, "Bearer");
        let t = parse_token(&json!({"access_token": "x", "expires_in": 60})).unwrap();
        assert_eq!(t.expires_in, Some(60));
    }

    #[test]
    fn missing_access_token_is_an_error() {
        assert!(parse_token(&json!({"token_type": "Bearer"})).is_err());
    }
}
