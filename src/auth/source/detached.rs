//! Token requests that finish on their own: once a request is sent, an interrupted run
//! waits for its answer and for the cache write that follows (DESIGN §5: a rotated
//! refresh token is never lost).

use std::sync::Arc;
use std::time::Duration;

use super::super::cache::{CacheKey, Entry, Locked};
use super::super::{AuthError, Grant, Notice, OAuth2Params, oauth2};
use super::TokenSource;

/// Counts one token request running on its own while alive.
struct InFlight(Arc<tokio::sync::watch::Sender<usize>>);

impl InFlight {
    fn enter(count: &Arc<tokio::sync::watch::Sender<usize>>) -> InFlight {
        count.send_modify(|n| *n += 1);
        InFlight(Arc::clone(count))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// What [`TokenSource::request_and_store`] hands back: the token, and the lock and
/// entries it was given.
type Stored = (Result<Entry, AuthError>, Option<Locked>, Vec<Entry>);

impl TokenSource {
    /// Waits for the token requests that were sent before the run was interrupted, and for
    /// the cache writes that follow them, so that a refresh token the server rotated is
    /// not lost; at most the token request timeout and 5 s more.
    pub async fn settle(&self) {
        self.settled().await
    }

    /// [`TokenSource::settle`] as a future that owns what it needs, for a signal handler.
    pub fn settled(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut count = self.in_flight.subscribe();
        let ui = Arc::clone(&self.ui);
        let bound = self
            .options
            .request_timeout
            .saturating_add(Duration::from_secs(5));
        async move {
            if *count.borrow_and_update() == 0 {
                return;
            }
            ui.notice(Notice::Warning(
                "waiting for the token request in progress to finish, so that its tokens are cached"
                    .into(),
            ));
            let _ = tokio::time::timeout(bound, count.wait_for(|n| *n == 0)).await;
        }
    }

    /// The same source, owned, for a task of its own.
    fn detached(&self) -> TokenSource {
        TokenSource {
            client: self.client.clone(),
            options: self.options.clone(),
            ui: Arc::clone(&self.ui),
            masker: Arc::clone(&self.masker),
            memo: Arc::clone(&self.memo),
            in_flight: Arc::clone(&self.in_flight),
        }
    }

    /// Sends a token request (with `refresh`, a refresh; without, the grant itself, which
    /// must not be interactive) and stores the answer, in a task of its own: once the
    /// request is sent, an interrupted run waits for both (see [`TokenSource::settle`]).
    pub(super) async fn request_and_store(
        &self,
        params: &OAuth2Params,
        key: &CacheKey,
        refresh: Option<String>,
        locked: Option<Locked>,
        mut entries: Vec<Entry>,
    ) -> Stored {
        let this = self.detached();
        let params = params.clone();
        let key = key.clone();
        let in_flight = InFlight::enter(&self.in_flight);
        let task = tokio::spawn(async move {
            let _in_flight = in_flight;
            let answer = match &refresh {
                Some(rt) => oauth2::refresh(&this.http(), &params, rt).await,
                None => this.grant(&params).await,
            };
            let t = match answer {
                Ok(t) => t,
                Err(e) => return (Err(e), locked, entries),
            };
            let old = refresh.or_else(|| {
                params
                    .refresh_token
                    .as_ref()
                    .filter(|_| params.grant == Grant::RefreshToken)
                    .map(|s| s.expose().to_string())
            });
            let entry = this.entry(&key, t, old);
            let stored = this.persist(locked.as_ref(), &mut entries, &entry).await;
            (stored.map(|()| entry), locked, entries)
        });
        match task.await {
            Ok(stored) => stored,
            Err(e) => (
                Err(AuthError::Protocol(format!(
                    "the token request stopped: {e}"
                ))),
                None,
                Vec::new(),
            ),
        }
    }
}
