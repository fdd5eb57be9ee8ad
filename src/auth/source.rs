//! [`TokenSource`]: the tokens of one run. From memory, the cache file, a refresh, or the
//! grant itself, in that order; one login per set of parameters.

use std::collections::HashMap;
use std::sync::Arc;

use reqwest::Client;
use reqwest::header::HeaderValue;

mod detached;

use super::cache::{self, Cache, CacheKey, Entry, Locked};
use super::{
    AuthError, AuthOptions, EXPIRY_SKEW_SECS, Grant, Notice, OAuth2Params, TokenResponse, Ui,
    browser, device, oauth2,
};
use crate::secrets::Masker;

/// An access token ready for a request.
#[derive(Clone)]
pub struct Issued {
    /// The token.
    pub token: AccessToken,
    /// Whether it came from the cache file (a 401 then triggers one refresh).
    pub from_cache: bool,
}

/// An access token and its type, as the token endpoint gave them.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    /// `Bearer` (however the server spelled it) or the server's own token type.
    pub token_type: String,
    /// The token itself.
    pub value: String,
}

impl AccessToken {
    fn of(entry: &Entry) -> AccessToken {
        let token_type = if entry.token_type.eq_ignore_ascii_case("bearer") {
            "Bearer".to_string()
        } else {
            entry.token_type.clone()
        };
        AccessToken {
            token_type,
            value: entry.access_token.clone(),
        }
    }

    /// The Authorization header value, `Bearer TOKEN`; none when the token or its type
    /// cannot be sent in a header.
    pub fn header_value(&self) -> Option<HeaderValue> {
        let mut v = HeaderValue::from_str(&format!("{} {}", self.token_type, self.value)).ok()?;
        v.set_sensitive(true);
        Some(v)
    }
}

/// Why no token was issued.
#[derive(Debug)]
pub enum Refused {
    /// Obtaining it failed now.
    First(AuthError),
    /// It failed for an earlier request of the run, which reported it; `refresh` when
    /// what failed was the refresh after the server refused a token (HTTP 401).
    Again { error: AuthError, refresh: bool },
}

enum Memo {
    Token {
        entry: Entry,
        from_cache: bool,
    },
    /// Remembered for the run, so that it is reported once and not asked again.
    Failed {
        error: AuthError,
        refresh: bool,
    },
}

/// Tokens of one run: one login per set of parameters, shared by every request.
pub struct TokenSource {
    client: Client,
    options: AuthOptions,
    ui: Arc<dyn Ui>,
    masker: Arc<Masker>,
    memo: Arc<tokio::sync::Mutex<HashMap<CacheKey, Memo>>>,
    /// How many token requests run on their own (see [`TokenSource::settle`]).
    in_flight: Arc<tokio::sync::watch::Sender<usize>>,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Whether `entry` may serve a request: not about to expire, and sendable (a cache written
/// before tokens were checked may hold one with a line break).
fn fresh(entry: &Entry) -> bool {
    entry
        .expires_at
        .is_none_or(|at| now() + EXPIRY_SKEW_SECS < at)
        && AccessToken::of(entry).header_value().is_some()
}

impl TokenSource {
    /// A token source for a run.
    pub fn new(
        client: Client,
        options: AuthOptions,
        ui: Arc<dyn Ui>,
        masker: Arc<Masker>,
    ) -> TokenSource {
        TokenSource {
            client,
            options,
            ui,
            masker,
            memo: Arc::new(tokio::sync::Mutex::new(HashMap::new())),
            in_flight: Arc::new(tokio::sync::watch::channel(0).0),
        }
    }

    /// A valid access token: from this run, the cache, a refresh, or the grant itself.
    /// A failure is remembered, so later requests fail at once instead of asking again.
    pub async fn access_token(&self, params: &OAuth2Params) -> Result<Issued, AuthError> {
        self.token_for_request(params).await.map_err(|r| match r {
            Refused::First(e) | Refused::Again { error: e, .. } => e,
        })
    }

    /// [`TokenSource::access_token`] for a request of a run, telling whether the failure
    /// is new or was already returned to an earlier request: it is reported once.
    pub async fn token_for_request(&self, params: &OAuth2Params) -> Result<Issued, Refused> {
        oauth2::mask_client(params, &self.masker);
        let key = params.key();
        let mut memo = self.memo.lock().await;
        match memo.get(&key) {
            Some(Memo::Failed { error, refresh }) => {
                return Err(Refused::Again {
                    error: error.clone(),
                    refresh: *refresh,
                });
            }
            Some(Memo::Token { entry, from_cache }) if fresh(entry) => {
                return Ok(Issued {
                    token: AccessToken::of(entry),
                    from_cache: *from_cache,
                });
            }
            _ => {}
        }
        let known = match memo.get(&key) {
            Some(Memo::Token { entry, .. }) => Some(entry.clone()),
            _ => None,
        };
        match self.obtain(params, &key, known, false).await {
            Ok((entry, from_cache)) => {
                let issued = Issued {
                    token: AccessToken::of(&entry),
                    from_cache,
                };
                memo.insert(key, Memo::Token { entry, from_cache });
                Ok(issued)
            }
            Err(e) => {
                memo.insert(
                    key,
                    Memo::Failed {
                        error: e.clone(),
                        refresh: false,
                    },
                );
                Err(Refused::First(e))
            }
        }
    }

    /// After a 401 to the `stale` token: a new token, by the refresh token
    /// when there is one. Another request may have refreshed already; then that token.
    /// A failure is remembered like a failed login: later requests get
    /// [`Refused::Again`] instead of asking the token endpoint again.
    pub async fn refresh_after_401(
        &self,
        params: &OAuth2Params,
        stale: &AccessToken,
    ) -> Result<Issued, Refused> {
        let key = params.key();
        let mut memo = self.memo.lock().await;
        let entry = match memo.get(&key) {
            Some(Memo::Token { entry, .. }) if AccessToken::of(entry) != *stale => {
                return Ok(Issued {
                    token: AccessToken::of(entry),
                    from_cache: false,
                });
            }
            Some(Memo::Token { entry, .. }) => entry.clone(),
            Some(Memo::Failed { error, refresh }) => {
                return Err(Refused::Again {
                    error: error.clone(),
                    refresh: *refresh,
                });
            }
            None => {
                return Err(Refused::First(AuthError::Protocol(
                    "no token to refresh".into(),
                )));
            }
        };
        let result = match &entry.refresh_token {
            Some(rt) => {
                let locked = self.lock(params).await;
                let entries = self.load(locked.as_ref());
                // A concurrent run may have rotated the refresh token meanwhile.
                let rt = cache::find(&entries, &key)
                    .and_then(|e| e.refresh_token.clone())
                    .unwrap_or_else(|| rt.clone());
                self.request_and_store(params, &key, Some(rt), locked, entries)
                    .await
                    .0
            }
            None if !params.grant.is_interactive() => self
                .obtain(params, &key, None, true)
                .await
                .map(|(e, _)| e),
            None => Err(AuthError::Protocol(
                "the server refused the cached access token (HTTP 401) and there is no refresh token; log in again with `runner auth login`".into(),
            )),
        };
        match result {
            Ok(entry) => {
                let issued = Issued {
                    token: AccessToken::of(&entry),
                    from_cache: false,
                };
                memo.insert(
                    key,
                    Memo::Token {
                        entry,
                        from_cache: false,
                    },
                );
                Ok(issued)
            }
            Err(e) => {
                memo.insert(
                    key,
                    Memo::Failed {
                        error: e.clone(),
                        refresh: true,
                    },
                );
                Err(Refused::First(e))
            }
        }
    }

    /// `runner auth login`: runs the grant itself, whatever the cache holds, and caches it.
    pub async fn login(&self, params: &OAuth2Params) -> Result<(), AuthError> {
        oauth2::mask_client(params, &self.masker);
        let key = params.key();
        let (entry, _) = self.obtain(params, &key, None, true).await?;
        self.memo.lock().await.insert(
            key,
            Memo::Token {
                entry,
                from_cache: false,
            },
        );
        Ok(())
    }

    /// The refresh token known for these parameters, after making sure a token exists.
    pub async fn refresh_token(&self, params: &OAuth2Params) -> Result<Option<String>, AuthError> {
        self.access_token(params).await?;
        let memo = self.memo.lock().await;
        Ok(match memo.get(&params.key()) {
            Some(Memo::Token { entry, .. }) => entry.refresh_token.clone(),
            _ => None,
        })
    }

    /// `runner auth logout`: removes the cached entry, after revoking its tokens at the
    /// `revocation_url` when there is one; returns whether there was an entry.
    pub async fn logout(&self, params: &OAuth2Params) -> Result<bool, AuthError> {
        oauth2::mask_client(params, &self.masker);
        let key = params.key();
        let Some(locked) = self.lock_cache(params).await? else {
            return Ok(false);
        };
        let mut entries = self.load(Some(&locked));
        let Some(entry) = cache::find(&entries, &key).cloned() else {
            return Ok(false);
        };
        if let Some(url) = &params.revocation_url {
            let mut tokens = vec![(entry.access_token.as_str(), "access_token")];
            if let Some(rt) = &entry.refresh_token {
                tokens.insert(0, (rt.as_str(), "refresh_token"));
            }
            for (token, hint) in tokens {
                if let Err(e) = oauth2::revoke(&self.http(), params, url, token, hint).await {
                    self.ui.notice(Notice::Warning(format!(
                        "could not revoke the {} ({e}); it is forgotten here all the same",
                        hint.replace('_', " ")
                    )));
                }
            }
        }
        entries.retain(|e| e.key != key);
        locked.store(&entries).await.map_err(AuthError::Cache)?;
        Ok(true)
    }

    fn http(&self) -> oauth2::Http<'_> {
        oauth2::Http {
            client: &self.client,
            timeout: self.options.request_timeout,
            masker: &self.masker,
            ui: self.ui.as_ref(),
        }
    }

    fn is_mock(&self, url: Option<&str>) -> bool {
        match (&self.options.mock_url, url) {
            (Some(mock), Some(url)) => {
                url == mock
                    || url
                        .strip_prefix(mock.as_str())
                        .is_some_and(|r| r.starts_with('/'))
            }
            _ => false,
        }
    }

    /// The locked cache for these parameters; `None` without a cache. A cache that cannot
    /// be used is a warning: the run goes on without it.
    async fn lock(&self, params: &OAuth2Params) -> Option<Locked> {
        match self.lock_cache(params).await {
            Ok(l) => l,
            Err(e) => {
                self.ui.notice(Notice::Warning(format!(
                    "{e}; going on without the token cache"
                )));
                None
            }
        }
    }

    async fn lock_cache(&self, params: &OAuth2Params) -> Result<Option<Locked>, AuthError> {
        match &self.options.cache {
            Some(path) if !self.is_mock(Some(&params.token_url)) => Cache::new(path.clone())
                .lock(self.options.lock_timeout, |lock| {
                    self.ui.notice(Notice::Warning(format!(
                        "another runner is refreshing the token: waiting for the token cache lock {} (up to {})",
                        lock.display(),
                        humantime::format_duration(self.options.lock_timeout)
                    )))
                })
                .await
                .map(Some)
                .map_err(AuthError::Cache),
            _ => Ok(None),
        }
    }

    fn load(&self, locked: Option<&Locked>) -> Vec<Entry> {
        let Some(locked) = locked else {
            return Vec::new();
        };
        let (entries, warning) = locked.load();
        if let Some(w) = warning {
            self.ui.notice(Notice::Warning(w));
        }
        for e in &entries {
            self.mask_entry(e);
        }
        entries
    }

    fn mask_entry(&self, entry: &Entry) {
        self.masker.add(&entry.access_token);
        if let Some(rt) = &entry.refresh_token {
            self.masker.add(rt);
        }
    }

    /// Cache, refresh, then the grant. `force` skips the cache and the refresh.
    async fn obtain(
        &self,
        params: &OAuth2Params,
        key: &CacheKey,
        known: Option<Entry>,
        force: bool,
    ) -> Result<(Entry, bool), AuthError> {
        let mut locked = self.lock(params).await;
        let mut entries = self.load(locked.as_ref());
        let cached = cache::find(&entries, key).cloned().or(known);
        if let Some(e) = cached.filter(|_| !force) {
            self.mask_entry(&e);
            if fresh(&e) {
                self.save_refresh_token(&e).await?;
                return Ok((e, true));
            }
            if let Some(rt) = e.refresh_token {
                // With `grant: refresh_token`, the grant would send the same token again.
                let same_as_grant = params.grant == Grant::RefreshToken
                    && params.refresh_token.as_ref().map(|s| s.expose()) == Some(rt.as_str());
                let (result, l, es) = self
                    .request_and_store(params, key, Some(rt), locked, entries)
                    .await;
                (locked, entries) = (l, es);
                match result {
                    Ok(entry) => return Ok((entry, false)),
                    Err(err @ AuthError::Server { .. }) if same_as_grant => return Err(err),
                    Err(err @ AuthError::Server { .. }) => {
                        self.ui.notice(Notice::Warning(format!(
                            "the cached refresh token no longer works ({err}); obtaining a new token"
                        )));
                    }
                    Err(err) => return Err(err),
                }
            }
        }
        // Nobody to ask: fail now rather than wait for a login that cannot happen.
        if params.grant == Grant::AuthorizationCode
            && !self.is_mock(params.auth_url.as_deref())
            && let Some(why) = browser::cannot_interact(params, self.ui.as_ref())
        {
            return Err(AuthError::Interaction(format!(
                "the authorization_code grant needs a browser login, but {why}. \
                 Log in once with `runner auth login <COLLECTION> -e <ENV>` to fill the token cache, \
                 or use `grant: refresh_token` with a refresh token from a CI secret (`runner auth token --refresh-token` prints one)"
            )));
        }
        let supplied = params
            .refresh_token
            .as_ref()
            .map(|s| s.expose().to_string());
        let entry = if params.grant.is_interactive() {
            // A person may take minutes: do not keep other runs waiting on the lock meanwhile.
            drop(locked);
            let t = self.grant(params).await?;
            let entry = self.entry(key, t, None);
            let locked = self.lock(params).await;
            let mut entries = self.load(locked.as_ref());
            self.persist(locked.as_ref(), &mut entries, &entry).await?;
            entry
        } else {
            self.request_and_store(params, key, None, locked, entries)
                .await
                .0?
        };
        let spent = params.grant == Grant::RefreshToken && entry.refresh_token != supplied;
        if spent {
            let kept = match (&self.options.save_refresh_token, &self.options.cache) {
                (Some(p), _) => format!("the new one was written to {}", p.display()),
                (None, Some(_)) => "the new one is in the token cache; use --save-refresh-token PATH to store it back".into(),
                (None, None) => "use --save-refresh-token PATH to keep the new one".into(),
            };
            self.ui.notice(Notice::Warning(format!(
                "the server rotated the refresh token: the one supplied is spent; {kept}"
            )));
        }
        Ok((entry, false))
    }

    async fn grant(&self, params: &OAuth2Params) -> Result<TokenResponse, AuthError> {
        match params.grant {
            Grant::ClientCredentials => oauth2::client_credentials(&self.http(), params).await,
            Grant::Password => oauth2::password(&self.http(), params).await,
            Grant::RefreshToken => {
                let rt = params.refresh_token.as_ref().ok_or_else(|| {
                    AuthError::Config(
                        "the refresh_token grant needs `refresh_token` (for example \"{{ env.REFRESH_TOKEN }}\")".into(),
                    )
                })?;
                oauth2::refresh(&self.http(), params, rt.expose()).await
            }
            Grant::DeviceCode => {
                device::device_code(
                    &self.http(),
                    params,
                    self.ui.as_ref(),
                    self.options.login_timeout,
                )
                .await
            }
            Grant::AuthorizationCode => {
                let done = browser::authorize(
                    &self.client,
                    params,
                    self.ui.as_ref(),
                    self.options.login_timeout,
                    self.is_mock(params.auth_url.as_deref()),
                )
                .await?;
                oauth2::exchange_code(
                    &self.http(),
                    params,
                    &done.code,
                    &done.redirect_uri,
                    done.verifier.as_deref(),
                )
                .await
            }
        }
    }

    fn entry(&self, key: &CacheKey, t: TokenResponse, old_refresh: Option<String>) -> Entry {
        let entry = Entry {
            key: key.clone(),
            access_token: t.access_token,
            token_type: t.token_type,
            expires_at: t.expires_in.map(|s| now() + s as i64),
            refresh_token: t.refresh_token.or(old_refresh),
            updated_at: now(),
        };
        self.mask_entry(&entry);
        entry
    }

    async fn persist(
        &self,
        locked: Option<&Locked>,
        entries: &mut Vec<Entry>,
        entry: &Entry,
    ) -> Result<(), AuthError> {
        if let Some(locked) = locked {
            // A token that arrives expired (`expires_in` of zero or less) serves one request
            // and is not cached; a refresh token that came with it is kept.
            if fresh(entry) || entry.refresh_token.is_some() {
                cache::upsert(entries, entry.clone());
            } else {
                entries.retain(|e| e.key != entry.key);
            }
            if let Err(e) = locked.store(entries).await {
                self.ui.notice(Notice::Warning(e));
            }
        }
        self.save_refresh_token(entry).await
    }

    async fn save_refresh_token(&self, entry: &Entry) -> Result<(), AuthError> {
        let (Some(path), Some(rt)) = (&self.options.save_refresh_token, &entry.refresh_token)
        else {
            return Ok(());
        };
        let (target, text) = (path.clone(), format!("{rt}\n"));
        tokio::task::spawn_blocking(move || cache::write_private(&target, text.as_bytes()))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
            .map_err(|e| {
                AuthError::Cache(format!(
                    "cannot write --save-refresh-token {}: {e}",
                    path.display()
                ))
            })
    }
}
