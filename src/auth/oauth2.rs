//! The token endpoint: one form POST per grant, client authentication, and the parsing
//! of answers (tolerant of `expires_in` sent as a string and of JSON served under another
//! content type; server numbers clamped, unsendable tokens refused).
//!
//! Written on reqwest directly rather than with the `oauth2` crate: failed token requests
//! must report the HTTP status and, for a non-JSON answer, its content type and an excerpt,
//! which that crate's error types do not carry.

use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::Client;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use serde_json::Value;

use super::shown::{shown_answer, shown_form};
use super::{AuthError, ClientAuth, MAX_TOKEN_LIFETIME_SECS, OAuth2Params, TokenResponse, Ui};
use crate::http::{Exchange, ReceivedResponse, SentRequest, Timings};
use crate::secrets::{ELLIPSIS, MASK, Masker};

/// The client, timeout and masker of token endpoint requests.
pub struct Http<'a> {
    /// The run's client (redirects off).
    pub client: &'a Client,
    /// Per request.
    pub timeout: Duration,
    /// Masks secrets in the excerpts of answers before they are cut.
    pub masker: &'a Masker,
    /// Shown each exchange (under `-v`), credentials and tokens hidden.
    pub ui: &'a dyn Ui,
}

/// How many characters of a non-JSON answer an error shows.
const EXCERPT: usize = 200;

/// The largest token-endpoint answer read.
const MAX_ANSWER_BYTES: usize = 1 << 20;

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
    parse_token(&value, url)
}

/// Posts a form with client authentication; returns the JSON object of a 2xx answer.
pub(super) async fn post_form(
    http: &Http<'_>,
    params: &OAuth2Params,
    url: &str,
    mut form: Vec<(&str, String)>,
    what: &str,
) -> Result<Value, AuthError> {
    let parsed_url = match url::Url::parse(url) {
        Ok(u) => u,
        Err(e) => {
            return Err(AuthError::Config(format!(
                "the {what} URL `{url}` is not a valid URL: {e}"
            )));
        }
    };
    let mut req = http
        .client
        .post(url)
        .timeout(http.timeout)
        .header(ACCEPT, "application/json");
    let mut sent_headers = HeaderMap::new();
    sent_headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    match params.client_auth {
        ClientAuth::Basic => match &params.client_secret {
            Some(secret) => {
                req = req.header(
                    AUTHORIZATION,
                    basic_header(&params.client_id, secret.expose()),
                );
                // Shown as `Basic` and the mask.
                sent_headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic -"));
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
    sent_headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    let sent = SentRequest {
        method: reqwest::Method::POST,
        url: parsed_url,
        headers: sent_headers,
        body: Some(bytes::Bytes::from(shown_form(&form))),
        body_summary: None,
    };
    let started = Instant::now();
    let resp = req
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            AuthError::Network(format!(
                "{what} request to {url} {}",
                failure(&e, http.timeout)
            ))
        })?;
    let headers_after = started.elapsed();
    let status = resp.status();
    let version = resp.version();
    let answer_headers = resp.headers().clone();
    let content_type = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    // A token answer is a few hundred bytes: a hostile endpoint may not stream forever.
    let mut resp = resp;
    let mut bytes: Vec<u8> = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| {
        AuthError::Network(format!(
            "{what} answer from {url} could not be read: it {}",
            failure(&e, http.timeout)
        ))
    })? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(AuthError::Protocol(format!(
                "the {what} endpoint {url} answered HTTP {} with more than {}: not a token answer",
                status.as_u16(),
                crate::http::format_size(MAX_ANSWER_BYTES as u64)
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    http.ui.exchange(
        what,
        &Exchange {
            request: sent,
            response: ReceivedResponse {
                status,
                version,
                headers: answer_headers,
                body: shown_answer(&bytes),
            },
            timings: Timings {
                headers: headers_after,
                total: started.elapsed(),
            },
            redirect_note: None,
        },
    );
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
            let (shown, cut) = excerpt(&String::from_utf8_lossy(&bytes), http.masker);
            let content_type = if content_type.is_empty() {
                "no content type".to_string()
            } else {
                format!("content type {content_type}")
            };
            Err(AuthError::Protocol(format!(
                "the {what} endpoint {url} answered HTTP {} with {content_type}, not a JSON object: {shown:?}{cut}",
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

/// Why a request failed, in words: "timed out after 2s", "failed: could not connect: ...",
/// "failed: TLS error: certificate is self-signed (trust it with --cacert FILE, ...)".
fn failure(e: &reqwest::Error, timeout: Duration) -> String {
    if let Some(sentence) = crate::http::tls_sentence(e) {
        return format!("failed: TLS error: {sentence}");
    }
    let causes = crate::http::error_causes(e);
    let detail = if causes.is_empty() {
        e.to_string()
    } else {
        causes.join(": ")
    };
    if e.is_timeout() || detail.to_ascii_lowercase().contains("timed out") {
        return format!("timed out after {}", humantime::format_duration(timeout));
    }
    if e.is_builder() {
        format!("could not be built: {detail}")
    } else if e.is_connect() {
        format!("failed: could not connect: {detail}")
    } else {
        format!("failed: {detail}")
    }
}

/// The beginning of an answer for an error message, masked before it is cut so that no
/// fragment of a secret survives, and never cut inside a mask; with the cut marker.
fn excerpt(text: &str, masker: &Masker) -> (String, &'static str) {
    let masked = masker.mask(text.trim());
    let Some((mut end, _)) = masked.char_indices().nth(EXCERPT) else {
        return (masked.into_owned(), "");
    };
    if let Some((start, _)) = masked
        .match_indices(MASK)
        .find(|(i, _)| *i < end && i + MASK.len() > end)
    {
        end = start;
    }
    (masked[..end].to_string(), ELLIPSIS)
}

/// A number sent as a number or as a string (`"3600"`).
pub(super) fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok().filter(|f: &f64| f.is_finite()),
        _ => None,
    }
}

/// A duration in whole seconds sent by a server, within `0..=max`: a negative one is 0.
pub(super) fn seconds(v: Option<&Value>, max: u64) -> Option<u64> {
    // `as` saturates, and the bound keeps every later addition in range.
    number(v).map(|f| (f.max(0.0) as u64).min(max))
}

pub(super) fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Parses a successful token answer from `url`. A token that cannot be sent in an
/// Authorization header is refused (it is then neither used nor cached).
pub fn parse_token(value: &Value, url: &str) -> Result<TokenResponse, AuthError> {
    let access_token = text(value.get("access_token")).ok_or_else(|| {
        AuthError::Protocol(format!(
            "the token endpoint {url} answered without an access_token"
        ))
    })?;
    let token_type = text(value.get("token_type")).unwrap_or_else(|| "Bearer".into());
    if HeaderValue::from_str(&format!("{token_type} {access_token}")).is_err() {
        return Err(AuthError::Protocol(format!(
            "the token endpoint {url} answered a token that cannot be sent in an Authorization header \
             (its access_token or token_type holds a line break or another control character); it was not used or cached"
        )));
    }
    Ok(TokenResponse {
        access_token,
        token_type,
        expires_in: seconds(value.get("expires_in"), MAX_TOKEN_LIFETIME_SECS),
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

pub(super) fn push_scope(form: &mut Vec<(&str, String)>, params: &OAuth2Params) {
    if let Some(scope) = params.scope.as_ref().filter(|s| !s.is_empty()) {
        form.push(("scope", scope.clone()));
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
        let t = parse_token(&json!({"access_token": "x", "expires_in": "3600"}), "u").unwrap();
        assert_eq!(t.expires_in, Some(3600));
        assert_eq!(t.token_type, "Bearer");
        let t = parse_token(&json!({"access_token": "x", "expires_in": 60}), "u").unwrap();
        assert_eq!(t.expires_in, Some(60));
    }

    #[test]
    fn absurd_lifetimes_are_clamped() {
        let lifetime = |v: Value| {
            parse_token(&json!({"access_token": "x", "expires_in": v}), "u")
                .unwrap()
                .expires_in
        };
        assert_eq!(lifetime(json!(-5)), Some(0));
        assert_eq!(lifetime(json!("-5")), Some(0));
        assert_eq!(lifetime(json!(0)), Some(0));
        assert_eq!(lifetime(json!(1e300)), Some(MAX_TOKEN_LIFETIME_SECS));
        assert_eq!(lifetime(json!("1e300")), Some(MAX_TOKEN_LIFETIME_SECS));
        assert_eq!(lifetime(json!(u64::MAX)), Some(MAX_TOKEN_LIFETIME_SECS));
        assert_eq!(lifetime(json!("soon")), None);
    }

    #[test]
    fn missing_access_token_is_an_error() {
        assert!(parse_token(&json!({"token_type": "Bearer"}), "u").is_err());
    }

    #[test]
    fn a_token_with_a_line_break_is_refused() {
        let e = parse_token(&json!({"access_token": "a\r\nX-Evil: 1"}), "http://t/token");
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("http://t/token"), "{e}");
        assert!(!e.contains("X-Evil"), "{e}");
        assert!(parse_token(&json!({"access_token": "a", "token_type": "B\n"}), "u").is_err());
    }

    #[test]
    fn an_excerpt_is_masked_before_it_is_cut() {
        let masker = Masker::new();
        let secret = "Zq8vK2mW9xR4tY7uP3sN6bH1jL5cF0dGe";
        masker.add(secret);
        // Cut first, 198 characters and 2 of the secret would show.
        let page = format!("{}{secret}{}", "x".repeat(198), "y".repeat(50));
        let (text, cut) = excerpt(&page, &masker);
        assert_eq!(text, "x".repeat(198));
        assert_eq!(cut, ELLIPSIS);
        let (text, cut) = excerpt(&format!("a {secret} b"), &masker);
        assert_eq!((text.as_str(), cut), ("a ***** b", ""));
    }
}
