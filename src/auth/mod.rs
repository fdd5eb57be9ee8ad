//! OAuth2 tokens for requests (DESIGN §5): every grant, the token cache, one login per run.
//!
//! This module sees rendered [`OAuth2Params`], the run's `reqwest::Client`, a cache path
//! and a [`Ui`] to show URLs and codes; it never reads collection files or the terminal.

mod browser;
pub mod cache;
mod callback;
mod device;
pub mod oauth2;
mod shown;
mod source;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::secrets::SecretString;
use cache::CacheKey;

pub use crate::collection::{ClientAuth, Grant};
pub use source::{AccessToken, Refused, TokenSource};

/// A cached access token is used until this many seconds before it expires.
pub const EXPIRY_SKEW_SECS: i64 = 30;

/// The longest token lifetime believed: a server's `expires_in` beyond a year counts as a
/// year, so that an absurd value neither overflows nor reads as "already expired".
pub const MAX_TOKEN_LIFETIME_SECS: u64 = 365 * 24 * 3600;

/// A rendered `oauth2:` block.
#[derive(Debug, Clone)]
pub struct OAuth2Params {
    /// The grant.
    pub grant: Grant,
    /// Authorization endpoint.
    pub auth_url: Option<String>,
    /// Token endpoint.
    pub token_url: String,
    /// Device authorization endpoint.
    pub device_url: Option<String>,
    /// Token revocation endpoint (RFC 7009).
    pub revocation_url: Option<String>,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: Option<SecretString>,
    /// Scope, sent as written.
    pub scope: Option<String>,
    /// Redirect URI.
    pub callback_url: Option<String>,
    /// Client authentication at the token endpoint.
    pub client_auth: ClientAuth,
    /// PKCE S256.
    pub pkce: bool,
    /// Refresh token supplied by the collection.
    pub refresh_token: Option<SecretString>,
    /// Password grant user.
    pub username: Option<String>,
    /// Password grant password.
    pub password: Option<SecretString>,
    /// Extra authorize (and device) request parameters.
    pub extra_params: Vec<(String, String)>,
}

impl OAuth2Params {
    /// The cache key of these parameters.
    pub fn key(&self) -> CacheKey {
        CacheKey {
            token_url: self.token_url.clone(),
            client_id: self.client_id.clone(),
            scope: self.scope.clone().unwrap_or_default(),
            grant: self.grant.as_str().to_string(),
        }
    }
}

/// A successful token endpoint answer.
#[derive(Clone)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: String,
    /// `token_type`, `Bearer` when absent.
    pub token_type: String,
    /// Lifetime in seconds (numbers sent as strings are accepted): 0 when the server sent
    /// zero or less (the token serves one request and is not cached), at most
    /// [`MAX_TOKEN_LIFETIME_SECS`].
    pub expires_in: Option<u64>,
    /// A new refresh token.
    pub refresh_token: Option<String>,
}

/// Why no token could be obtained.
#[derive(Debug, Clone)]
pub enum AuthError {
    /// The `oauth2:` block lacks something.
    Config(String),
    /// The endpoint could not be reached.
    Network(String),
    /// The endpoint answered something that is not OAuth2.
    Protocol(String),
    /// The endpoint refused with an OAuth2 error.
    Server {
        /// `token`, `device authorization`.
        what: String,
        /// HTTP status.
        status: u16,
        /// `error`.
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// The authorization server redirected back with an error.
    Denied {
        /// `error`.
        error: String,
        /// `error_description`.
        description: Option<String>,
    },
    /// No person could be asked, or what they gave is wrong.
    Interaction(String),
    /// `--login-timeout` or the device code expired.
    Timeout(String),
    /// The token cache could not be used.
    Cache(String),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Config(m)
            | AuthError::Network(m)
            | AuthError::Protocol(m)
            | AuthError::Interaction(m)
            | AuthError::Timeout(m)
            | AuthError::Cache(m) => f.write_str(m),
            AuthError::Server {
                what,
                status,
                error,
                description,
            } => {
                write!(f, "the {what} endpoint refused: {error}")?;
                if let Some(d) = description {
                    write!(f, ": {d}")?;
                }
                write!(f, " (HTTP {status})")
            }
            AuthError::Denied { error, description } => {
                write!(f, "the authorization server denied the login: {error}")?;
                if let Some(d) = description {
                    write!(f, ": {d}")?;
                }
                Ok(())
            }
        }
    }
}

/// Something to show the user.
#[derive(Debug, Clone)]
pub enum Notice {
    /// The authorize URL, opened in a browser.
    OpenBrowser {
        /// The URL.
        url: String,
    },
    /// The authorize URL of the mock, whose consent page runner approves itself.
    MockConsent {
        /// The URL.
        url: String,
    },
    /// The authorize URL; the redirected URL or code is read next.
    PasteRedirect {
        /// The URL.
        url: String,
    },
    /// Device login instructions.
    DeviceCode {
        /// Where to go.
        verification_uri: String,
        /// What to type.
        user_code: String,
        /// The URL with the code in it, when given.
        complete: Option<String>,
    },
    /// Something went wrong but the run goes on.
    Warning(String),
}

/// How the auth code reaches the user.
pub trait Ui: Send + Sync {
    /// Shows a notice (on stderr).
    fn notice(&self, notice: Notice);
    /// Starts reading one line typed or pasted by the user, off the async runtime; the line
    /// arrives on the receiver, `None` without a terminal or at the end of input. A login
    /// that gives up drops the receiver and never waits for the read.
    fn read_line(&self) -> tokio::sync::oneshot::Receiver<Option<String>>;
    /// Called once the line of [`Ui::read_line`] is taken, or no longer awaited.
    fn end_read(&self) {}
    /// Whether a person is at a terminal.
    fn is_terminal(&self) -> bool;
    /// One exchange with a token (or device authorization, or revocation) endpoint, `what`
    /// naming it, with its credentials and tokens already hidden; shown under `-v`.
    fn exchange(&self, _what: &str, _exchange: &crate::http::Exchange) {}
}

/// Options of token acquisition.
#[derive(Debug, Clone)]
pub struct AuthOptions {
    /// The cache file; `None` with `--no-token-cache`.
    pub cache: Option<PathBuf>,
    /// How long to wait for another run's lock on the cache before going on without it.
    pub lock_timeout: Duration,
    /// How long to wait for a browser or device login.
    pub login_timeout: Duration,
    /// `--save-refresh-token PATH`.
    pub save_refresh_token: Option<PathBuf>,
    /// Timeout of each token endpoint request.
    pub request_timeout: Duration,
    /// `--mock`: the mock's URL. Its consent page is approved without a browser, and its
    /// tokens stay out of the cache (its port changes with every run).
    pub mock_url: Option<String>,
}
