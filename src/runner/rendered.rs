//! What rendering a request gives: the request, its credential kept typed, and the hook
//! through which a request that is shown rather than sent is rendered.

use base64::Engine as _;

use crate::auth::{AccessToken, OAuth2Params};
use crate::collection::{JsonTemplate, Template};
use crate::diagnostic::Span;
use crate::http::PreparedRequest;
use crate::template::{Engine, TemplateError};
use crate::vars::Vars;

/// Renders templates for a request that is shown rather than sent (`runner curl`).
pub trait Export {
    /// Renders `t`, writing the values that must not be shown as the exporter sees fit.
    fn render(&self, engine: &Engine, t: &Template, vars: &Vars) -> Result<String, TemplateError>;

    /// Renders a JSON body template the same way.
    fn render_json(
        &self,
        engine: &Engine,
        t: &JsonTemplate,
        vars: &Vars,
    ) -> Result<serde_json::Value, TemplateError>;
}

/// The credential a request carries, typed until it becomes an Authorization header.
pub enum Credential {
    /// `Authorization: Bearer TOKEN`.
    Bearer(String),
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A token obtained with these parameters.
    OAuth2(Box<OAuth2Params>),
}

impl Credential {
    /// The Authorization header value of a Bearer or Basic credential.
    pub(super) fn header(&self) -> Option<String> {
        match self {
            Credential::Bearer(token) => Some(format!("Bearer {token}")),
            Credential::Basic { user, password } => Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
            )),
            Credential::OAuth2(_) => None,
        }
    }
}

/// A request rendered from its definition.
pub struct Rendered {
    /// What is sent; when exporting, without the Authorization of `credential`.
    pub request: PreparedRequest,
    /// The credential, when the request has one and sets no Authorization header itself.
    pub credential: Option<Credential>,
    /// The OAuth2 token the request carries, when one was obtained.
    pub oauth: Option<OAuthUse>,
}

/// The OAuth2 token a prepared request carries, for one refresh and retry after a 401.
pub struct OAuthUse {
    /// The rendered parameters.
    pub params: OAuth2Params,
    /// The token sent.
    pub token: AccessToken,
    /// Whether the token came from the cache file.
    pub from_cache: bool,
    /// Where the `oauth2:` block is, for a refresh that fails.
    pub span: Option<Span>,
}
