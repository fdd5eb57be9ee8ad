//! The authorization code grant's front channel: the authorize URL (state, nonce, PKCE
//! S256), a loopback listener for the callback, the browser (`BROWSER` or the platform
//! opener), and the paste fallback for callbacks that are not on this machine.

use std::time::Duration;

use base64::Engine as _;
use reqwest::Client;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use url::Url;

use super::callback::{accept, parse_pasted};
use super::{AuthError, Notice, OAuth2Params, Ui};

/// The default callback when a collection names none: a free loopback port (RFC 8252 §7.3).
const DEFAULT_CALLBACK: &str = "http://127.0.0.1/callback";

/// A random URL-safe string of `bytes` random bytes.
pub fn random_token(bytes: usize) -> Result<String, AuthError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf)
        .map_err(|e| AuthError::Config(format!("no random numbers available: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf))
}

/// The PKCE S256 challenge of a verifier (RFC 7636 §4.2).
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// What the front channel produced: the code and the redirect URI it was sent to.
pub struct Authorized {
    /// The authorization code.
    pub code: String,
    /// The exact `redirect_uri` of the authorize request (the token request repeats it).
    pub redirect_uri: String,
    /// The PKCE verifier, when PKCE is on.
    pub verifier: Option<String>,
}

/// How the code comes back.
enum Callback {
    /// A listener on this machine.
    Loopback(TcpListener, Url),
    /// The user pastes the redirected URL or the code.
    Paste,
}

fn is_loopback(url: &Url) -> bool {
    url.scheme() == "http"
        && matches!(
            url.host_str(),
            Some("127.0.0.1") | Some("localhost") | Some("[::1]")
        )
}

/// Why the authorization code grant cannot reach a user, if it cannot: a loopback callback
/// needs `BROWSER` or a terminal; any other callback needs a terminal to paste into.
pub fn cannot_interact(params: &OAuth2Params, ui: &dyn Ui) -> Option<&'static str> {
    if ui.is_terminal() {
        return None;
    }
    let callback = params.callback_url.as_deref().unwrap_or(DEFAULT_CALLBACK);
    let loopback = Url::parse(callback)
        .map(|u| is_loopback(&u))
        .unwrap_or(false);
    let browser = std::env::var_os("BROWSER").is_some_and(|v| !v.is_empty());
    match (loopback, browser) {
        (true, true) => None,
        (true, false) => Some("there is no terminal and BROWSER is not set"),
        (false, _) => Some(
            "the callback_url is not on this machine, so the redirected URL must be pasted, and there is no terminal",
        ),
    }
}

/// Runs the front channel: returns the code once the user approved.
pub async fn authorize(
    client: &Client,
    params: &OAuth2Params,
    ui: &dyn Ui,
    timeout: Duration,
    auto_consent: bool,
) -> Result<Authorized, AuthError> {
    let auth_url = params
        .auth_url
        .as_deref()
        .ok_or_else(|| AuthError::Config("the authorization_code grant needs `auth_url`".into()))?;
    let mut url = Url::parse(auth_url)
        .map_err(|e| AuthError::Config(format!("invalid auth_url `{auth_url}`: {e}")))?;
    let callback_text = params.callback_url.as_deref().unwrap_or(DEFAULT_CALLBACK);
    let callback_url = Url::parse(callback_text)
        .map_err(|e| AuthError::Config(format!("invalid callback_url `{callback_text}`: {e}")))?;
    // Listen before the browser opens, so the redirect cannot arrive first.
    let callback = if is_loopback(&callback_url) {
        let host = callback_url.host_str().unwrap_or("127.0.0.1");
        let host = if host == "[::1]" { "::1" } else { host };
        let port = callback_url.port().unwrap_or(0);
        let listener = TcpListener::bind((host, port)).await.map_err(|e| {
            AuthError::Config(format!(
                "cannot listen on {callback_text} for the login callback: {e}"
            ))
        })?;
        let mut actual = callback_url.clone();
        if callback_url.port().is_none() {
            let bound = listener
                .local_addr()
                .map_err(|e| AuthError::Config(format!("cannot listen for the callback: {e}")))?;
            let _ = actual.set_port(Some(bound.port()));
        }
        Callback::Loopback(listener, actual)
    } else {
        Callback::Paste
    };
    // A URL with an explicit port keeps the user's spelling: servers compare it byte for byte.
    let redirect_uri = match &callback {
        Callback::Loopback(_, actual) if callback_url.port().is_none() => actual.to_string(),
        _ => callback_text.to_string(),
    };
    let state = random_token(24)?;
    let nonce = random_token(24)?;
    let verifier = if params.pkce {
        Some(random_token(48)?)
    } else {
        None
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code");
        q.append_pair("client_id", &params.client_id);
        q.append_pair("redirect_uri", &redirect_uri);
        if let Some(scope) = params.scope.as_ref().filter(|s| !s.is_empty()) {
            q.append_pair("scope", scope);
        }
        q.append_pair("state", &state);
        q.append_pair("nonce", &nonce);
        if let Some(v) = &verifier {
            q.append_pair("code_challenge", &challenge(v));
            q.append_pair("code_challenge_method", "S256");
        }
        for (k, v) in &params.extra_params {
            q.append_pair(k, v);
        }
    }
    let wait = async {
        match callback {
            Callback::Loopback(listener, _) => {
                if auto_consent {
                    ui.notice(Notice::MockConsent {
                        url: url.to_string(),
                    });
                    let approve = consent(client, &url);
                    let accept = accept(&listener, &state, ui);
                    let (approved, code) = tokio::join!(approve, accept);
                    approved?;
                    code
                } else {
                    ui.notice(Notice::OpenBrowser {
                        url: url.to_string(),
                    });
                    let target = url.to_string();
                    // The opener may block while a text browser runs: keep it off the runtime.
                    let opened = tokio::task::spawn_blocking(move || webbrowser::open(&target));
                    let accepted = accept(&listener, &state, ui);
                    tokio::pin!(accepted);
                    tokio::select! {
                        code = &mut accepted => code,
                        opened = opened => {
                            if !matches!(opened, Ok(Ok(()))) {
                                ui.notice(Notice::Warning(
                                    "could not open a browser; open the URL above by hand".into(),
                                ));
                            }
                            accepted.await
                        }
                    }
                }
            }
            Callback::Paste => {
                ui.notice(Notice::PasteRedirect {
                    url: url.to_string(),
                });
                // Ends the read when the line comes, and when the timeout drops this future.
                let _reading = ReadGuard(ui);
                // A dropped sender (no reader thread) reads as no line.
                let line = ui.read_line().await.ok().flatten().ok_or_else(|| {
                    AuthError::Interaction("no redirected URL or code was entered".into())
                })?;
                parse_pasted(&line, &state)
            }
        }
    };
    let code = tokio::time::timeout(timeout, wait).await.map_err(|_| {
        AuthError::Timeout(format!(
            "no login within {} (--login-timeout)",
            humantime::format_duration(timeout)
        ))
    })??;
    Ok(Authorized {
        code,
        redirect_uri,
        verifier,
    })
}

/// Calls [`Ui::end_read`] when dropped.
struct ReadGuard<'a>(&'a dyn Ui);

impl Drop for ReadGuard<'_> {
    fn drop(&mut self) {
        self.0.end_read();
    }
}

/// `--mock`: the embedded server's consent page approves by itself; follow it to the
/// callback without a browser.
async fn consent(client: &Client, url: &Url) -> Result<(), AuthError> {
    let mut next = url.clone();
    for _ in 0..5 {
        let resp = client
            .get(next.clone())
            .send()
            .await
            .map_err(|e| AuthError::Network(format!("consent page {next}: {e}")))?;
        // A consent page that approves by itself says where to with `Refresh: N; url=...`.
        let target = if resp.status().is_redirection() {
            resp.headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        } else if resp.status().is_success() {
            resp.headers()
                .get("refresh")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split_once("url=").map(|(_, u)| u.trim().to_string()))
        } else {
            None
        };
        let location = target.and_then(|l| next.join(&l).ok()).ok_or_else(|| {
            AuthError::Protocol(format!(
                "the consent page answered HTTP {} without approving",
                resp.status().as_u16()
            ))
        })?;
        let done = location
            .query_pairs()
            .any(|(k, _)| k == "code" || k == "error");
        next = location;
        if done {
            let _ = client.get(next).send().await;
            return Ok(());
        }
    }
    Err(AuthError::Protocol(
        "the consent page redirected too often".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{ClientAuth, Grant};
    use std::sync::Mutex;

    /// A user who pastes the redirect the server would have sent.
    struct Paster {
        shown: Mutex<Option<String>>,
    }

    impl Ui for Paster {
        fn notice(&self, notice: Notice) {
            if let Notice::PasteRedirect { url } = notice {
                *self.shown.lock().unwrap() = Some(url);
            }
        }
        fn read_line(&self) -> tokio::sync::oneshot::Receiver<Option<String>> {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let shown = self.shown.lock().unwrap().clone();
            let state = shown.and_then(|s| {
                Url::parse(&s)
                    .ok()?
                    .query_pairs()
                    .find(|(k, _)| k == "state")
                    .map(|(_, v)| v.into_owned())
            });
            // The line arrives later, from another thread, as a terminal's would.
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                let _ = tx.send(state.map(|state| {
                    format!(
                        "https://cb.example/icsapis/agent/oauth/callback?code=pasted-1&state={state}\n"
                    )
                }));
            });
            rx
        }
        fn is_terminal(&self) -> bool {
            true
        }
    }

    #[tokio::test]
    async fn a_non_loopback_callback_reads_the_pasted_redirect() {
        let params = OAuth2Params {
            grant: Grant::AuthorizationCode,
            auth_url: Some("https://idp.example/oauth2/v1/authorize".into()),
            token_url: "https://idp.example/oauth2/v1/token".into(),
            device_url: None,
            revocation_url: None,
            client_id: "c".into(),
            client_secret: None,
            scope: Some("a b".into()),
            callback_url: Some("https://cb.example/icsapis/agent/oauth/callback".into()),
            client_auth: ClientAuth::None,
            pkce: true,
            refresh_token: None,
            username: None,
            password: None,
            extra_params: Vec::new(),
        };
        let ui = Paster {
            shown: Mutex::new(None),
        };
        let client = Client::new();
        let done = authorize(&client, &params, &ui, Duration::from_secs(5), false)
            .await
            .unwrap();
        assert_eq!(done.code, "pasted-1");
        assert_eq!(
            done.redirect_uri,
            "https://cb.example/icsapis/agent/oauth/callback"
        );
        let shown = ui.shown.lock().unwrap().clone().unwrap();
        let challenge_sent = Url::parse(&shown)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code_challenge")
            .map(|(_, v)| v.into_owned());
        assert_eq!(challenge_sent, done.verifier.as_deref().map(challenge));
    }

    #[test]
    fn s256_challenge_is_unpadded_base64url_of_sha256() {
        // Computed independently: base64url(sha256(verifier)) without padding.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mJ0RsE3jsOaM7hN7eAU3e8q3bIIzX3l"),
            "UYZVsLVtjCVul4gGxFqki_SXGNiPeDzimHUVXobHzHo"
        );
    }
}
