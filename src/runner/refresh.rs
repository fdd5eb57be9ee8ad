//! Sending, with the one layer around it that knows OAuth2: a request sent with a cached
//! token that the server answers with 401 gets one refreshed token and one retry.

use reqwest::header::AUTHORIZATION;

use super::rendered::OAuthUse;
use crate::auth::{Refused, TokenSource};
use crate::http::{self, Exchange, HttpClient, HttpError, PreparedRequest};

/// The exchanges of one attempt and the error that ended it, if any.
pub(super) type Sent = (Vec<Exchange>, Option<HttpError>);

/// Sends `prepared`. On a request's first attempt, when its token came from the cache and
/// the answer is 401, the token is refreshed, put into `prepared` (so later attempts send
/// it too) and the request sent once more. A refresh that fails, now or for an earlier
/// request, gives why with the exchanges of the refused request.
pub(super) async fn send(
    client: &HttpClient,
    tokens: Option<&TokenSource>,
    oauth: Option<&OAuthUse>,
    prepared: &mut PreparedRequest,
    first_attempt: bool,
) -> Result<Sent, (Vec<Exchange>, Refused)> {
    let (exchanges, error) = http::execute(client, prepared.clone()).await;
    let refused =
        error.is_none() && exchanges.last().map(|e| e.response.status.as_u16()) == Some(401);
    let (Some(used), Some(tokens)) = (oauth, tokens) else {
        return Ok((exchanges, error));
    };
    if !(used.from_cache && first_attempt && refused) {
        return Ok((exchanges, error));
    }
    match tokens.refresh_after_401(&used.params, &used.token).await {
        Ok(issued) => {
            if let Some(v) = issued.token.header_value() {
                prepared.headers.insert(AUTHORIZATION, v);
            }
            Ok(http::execute(client, prepared.clone()).await)
        }
        Err(e) => Err((exchanges, e)),
    }
}
