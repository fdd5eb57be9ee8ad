//! The device authorization grant (RFC 8628): a user code shown to the user, then polls
//! of the token endpoint at the server's interval, within bounds.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use super::oauth2::{Http, number, post_form, push_scope, seconds, text, token_request};
use super::{AuthError, MAX_TOKEN_LIFETIME_SECS, Notice, OAuth2Params, TokenResponse, Ui};

/// The longest device polling interval believed (RFC 8628 suggests 5 s).
const MAX_INTERVAL_SECS: f64 = 60.0;

/// For tests only: `RUNNER_TEST_POLL_SCALE`, a factor in (0, 1] applied to every device
/// polling wait, read once. Unset or anything else leaves the waits as the server asks.
static POLL_SCALE: LazyLock<f64> = LazyLock::new(|| {
    std::env::var("RUNNER_TEST_POLL_SCALE")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|f| *f > 0.0 && *f <= 1.0)
        .unwrap_or(1.0)
});

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
    // Server numbers are clamped: an interval of 1e20 s must neither overflow nor stall.
    let mut interval = Duration::from_secs_f64(
        number(answer.get("interval")).map_or(5.0, |f| f.clamp(1.0, MAX_INTERVAL_SECS)),
    );
    let lifetime = seconds(answer.get("expires_in"), MAX_TOKEN_LIFETIME_SECS)
        .map(Duration::from_secs)
        .filter(|l| *l < timeout);
    let deadline = Instant::now() + lifetime.unwrap_or(timeout);
    loop {
        if Instant::now() + interval.mul_f64(*POLL_SCALE) > deadline {
            return Err(AuthError::Timeout(match lifetime {
                Some(_) => "the device code expired before the login was approved".into(),
                None => format!(
                    "no device login within {} (--login-timeout)",
                    humantime::format_duration(timeout)
                ),
            }));
        }
        tokio::time::sleep(interval.mul_f64(*POLL_SCALE)).await;
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
                interval = (interval + Duration::from_secs(5))
                    .min(Duration::from_secs_f64(MAX_INTERVAL_SECS));
            }
            Err(e) => return Err(e),
        }
    }
}
