//! The file formats exactly as written: serde types with positions, no interpretation.
//!
//! Every struct denies unknown keys. Polymorphic values (matchers, bodies, durations) are
//! kept as `Spanned<serde_json::Value>` and interpreted in `build.rs`, where errors can
//! point at them; serde's untagged enums would lose the positions.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

/// A value with its position in the file.
pub type Sp<T> = Spanned<T>;

/// A collection file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCollection {
    pub name: Option<String>,
    pub description: Option<String>,
    pub variables: Option<IndexMap<String, Sp<Value>>>,
    pub secrets: Option<Vec<Sp<String>>>,
    pub requests: Sp<Vec<RawItem>>,
    // Settings (inherited by every request); `flatten` cannot be combined with
    // `deny_unknown_fields`, so they are spelled out.
    pub auth: Option<Sp<RawAuth>>,
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    pub follow_redirects: Option<bool>,
    pub follow_authorization_header: Option<Sp<Value>>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<Sp<Value>>,
    pub tags: Option<Vec<String>>,
}

impl RawCollection {
    /// The collection-wide settings.
    pub fn settings(&mut self) -> RawSettings {
        RawSettings {
            auth: self.auth.take(),
            headers: self.headers.take(),
            follow_redirects: self.follow_redirects,
            follow_authorization_header: self.follow_authorization_header.take(),
            max_redirects: self.max_redirects,
            timeout: self.timeout.take(),
            tags: self.tags.take(),
        }
    }
}

/// The settings a collection, folder or request may carry, inherited downwards.
#[derive(Debug, Default)]
pub struct RawSettings {
    pub auth: Option<Sp<RawAuth>>,
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    pub follow_redirects: Option<bool>,
    pub follow_authorization_header: Option<Sp<Value>>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<Sp<Value>>,
    pub tags: Option<Vec<String>>,
}

/// An entry of `requests:`: a request, or a folder when `folder:` is present.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    pub name: Option<Sp<String>>,
    pub folder: Option<Sp<String>>,
    pub description: Option<String>,
    pub requests: Option<Sp<Vec<RawItem>>>,
    pub method: Option<Sp<String>>,
    pub url: Option<Sp<Value>>,
    pub query: Option<IndexMap<String, Sp<Value>>>,
    pub body: Option<Sp<RawBody>>,
    pub expect: Option<Sp<RawExpect>>,
    pub capture: Option<IndexMap<String, Sp<Value>>>,
    pub retry: Option<Sp<RawRetry>>,
    pub delay: Option<Sp<Value>>,
    pub skip: Option<bool>,
    pub skip_if: Option<Sp<String>>,
    pub examples: Option<Vec<Sp<RawExample>>>,
    // Settings (inherited); spelled out because `flatten` would lose positions here.
    pub auth: Option<Sp<RawAuth>>,
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    pub follow_redirects: Option<bool>,
    pub follow_authorization_header: Option<Sp<Value>>,
    pub max_redirects: Option<u32>,
    pub timeout: Option<Sp<Value>>,
    pub tags: Option<Vec<String>>,
}

impl RawItem {
    /// The inheritable settings of this item.
    pub fn settings(&mut self) -> RawSettings {
        RawSettings {
            auth: self.auth.take(),
            headers: self.headers.take(),
            follow_redirects: self.follow_redirects,
            follow_authorization_header: self.follow_authorization_header.take(),
            max_redirects: self.max_redirects,
            timeout: self.timeout.take(),
            tags: self.tags.take(),
        }
    }
}

/// `auth:` — `none`, `inherit`, `bearer: TOKEN`, `basic: {..}` or `oauth2: {..}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawAuth {
    None,
    Inherit,
    Bearer(Sp<String>),
    Basic(RawBasic),
    Oauth2(Box<RawOAuth2>),
}

/// HTTP Basic credentials.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBasic {
    pub username: Sp<String>,
    pub password: Sp<String>,
}

/// The `oauth2:` block (DESIGN §3, §5).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOAuth2 {
    pub grant: Sp<String>,
    pub auth_url: Option<Sp<String>>,
    pub token_url: Sp<String>,
    pub device_url: Option<Sp<String>>,
    pub revocation_url: Option<Sp<String>>,
    pub client_id: Sp<String>,
    pub client_secret: Option<Sp<String>>,
    pub scope: Option<Sp<String>>,
    pub callback_url: Option<Sp<String>>,
    pub client_auth: Option<Sp<String>>,
    pub pkce: Option<bool>,
    pub refresh_token: Option<Sp<String>>,
    pub username: Option<Sp<String>>,
    pub password: Option<Sp<String>>,
    pub extra_params: Option<IndexMap<String, Sp<String>>>,
}

/// `body:` — exactly one of the forms.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBody {
    pub json: Option<Sp<Value>>,
    pub form: Option<IndexMap<String, Sp<Value>>>,
    pub multipart: Option<IndexMap<String, Sp<Value>>>,
    pub raw: Option<Sp<String>>,
    pub file: Option<Sp<String>>,
    pub content_type: Option<Sp<String>>,
}

/// `expect:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    pub status: Option<Sp<Value>>,
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    pub json: Option<IndexMap<String, Sp<Value>>>,
    pub body: Option<Sp<Value>>,
    pub duration: Option<Sp<Value>>,
}

/// `retry:`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    pub count: u32,
    pub delay: Option<Sp<Value>>,
    pub on: Option<Vec<Sp<String>>>,
}

/// A saved response, for documentation and `runner mock`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    pub name: Option<String>,
    pub when: Option<RawWhen>,
    pub status: Option<Sp<Value>>,
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    pub json: Option<Sp<Value>>,
    pub body: Option<Sp<String>>,
}

/// Which incoming requests an example answers.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    pub host: Option<Sp<String>>,
}

/// An environment file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    pub name: Option<String>,
    pub variables: Option<IndexMap<String, Sp<Value>>>,
    pub secrets: Option<Vec<Sp<String>>>,
}
