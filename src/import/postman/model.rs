//! Postman Collection v2.0 / v2.1 and environment files as serde types. Lenient where
//! Postman's own exports vary (strings or objects, `event` or `events`), strict about
//! shapes, so a malformed file fails with the JSON path of the bad value.

use serde::Deserialize;
use serde_json::Value;

/// A collection file.
#[derive(Debug, Deserialize)]
pub struct PmCollection {
    pub info: Option<PmInfo>,
    /// Older files put the name at the top level.
    pub name: Option<String>,
    #[serde(default)]
    pub item: Vec<PmItem>,
    #[serde(alias = "events")]
    pub event: Option<OneOrMany<PmEvent>>,
    pub variable: Option<Vec<PmVariable>>,
    pub auth: Option<Value>,
    #[serde(rename = "protocolProfileBehavior")]
    pub behavior: Option<PmBehavior>,
    pub description: Option<Value>,
}

/// `info:`.
#[derive(Debug, Deserialize)]
pub struct PmInfo {
    pub name: Option<String>,
    pub description: Option<Value>,
}

/// A folder (has `item`) or a request.
#[derive(Debug, Deserialize)]
pub struct PmItem {
    pub name: Option<String>,
    pub item: Option<Vec<PmItem>>,
    pub request: Option<PmRequestOrUrl>,
    #[serde(alias = "responses")]
    pub response: Option<Vec<PmResponse>>,
    #[serde(alias = "events")]
    pub event: Option<OneOrMany<PmEvent>>,
    pub auth: Option<Value>,
    #[serde(rename = "protocolProfileBehavior")]
    pub behavior: Option<PmBehavior>,
    pub description: Option<Value>,
}

/// `request:` — an object, or a bare URL string.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a request object or a URL string")]
pub enum PmRequestOrUrl {
    Url(String),
    Request(Box<PmRequest>),
}

/// A request.
#[derive(Debug, Deserialize)]
pub struct PmRequest {
    pub method: Option<String>,
    pub url: Option<PmUrl>,
    #[serde(alias = "headers")]
    pub header: Option<PmHeaders>,
    #[serde(alias = "data")]
    pub body: Option<PmBodyOrList>,
    pub auth: Option<Value>,
    pub description: Option<Value>,
}

/// `body:`; v2.0 files sometimes carry `data: []` instead.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a body object")]
pub enum PmBodyOrList {
    Body(Box<PmBody>),
    List(Vec<PmKv>),
}

/// `url:` — a string or an object.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a URL string or a URL object")]
pub enum PmUrl {
    Raw(String),
    Object(Box<PmUrlObject>),
}

/// A URL object.
#[derive(Debug, Deserialize)]
pub struct PmUrlObject {
    pub raw: Option<String>,
    pub protocol: Option<String>,
    pub host: Option<StrOrList>,
    pub port: Option<Value>,
    pub path: Option<StrOrList>,
    pub query: Option<Vec<PmKv>>,
    pub variable: Option<Vec<PmKv>>,
}

/// A string, or a list of strings (or `{value}` segments).
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "expected a string or a list of strings")]
pub enum StrOrList {
    Str(String),
    List(Vec<Value>),
}

/// Headers: a list of pairs, or a v1-style `Name: value` text.
#[derive(Debug, Deserialize)]
#[serde(
    untagged,
    expecting = "expected a list of {key, value} headers or header text"
)]
pub enum PmHeaders {
    List(Vec<PmKv>),
    Text(String),
}

/// A key/value pair: a header, query parameter, form field or URL variable.
#[derive(Debug, Deserialize)]
pub struct PmKv {
    pub key: Option<String>,
    pub value: Option<Value>,
    pub disabled: Option<bool>,
    /// Set on headers Postman adds itself.
    pub system: Option<bool>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub src: Option<Value>,
    #[serde(rename = "contentType")]
    pub content_type: Option<String>,
}

/// `body:`.
#[derive(Debug, Deserialize)]
pub struct PmBody {
    pub mode: Option<String>,
    pub raw: Option<String>,
    pub urlencoded: Option<Vec<PmKv>>,
    pub formdata: Option<Vec<PmKv>>,
    pub file: Option<PmFile>,
    pub graphql: Option<PmGraphql>,
    pub options: Option<Value>,
    pub disabled: Option<bool>,
}

/// `body.file`.
#[derive(Debug, Deserialize)]
pub struct PmFile {
    pub src: Option<Value>,
    pub content: Option<String>,
}

/// `body.graphql`.
#[derive(Debug, Deserialize)]
pub struct PmGraphql {
    pub query: Option<String>,
    pub variables: Option<Value>,
}

/// A pre-request or test script.
#[derive(Debug, Deserialize)]
pub struct PmEvent {
    pub listen: Option<String>,
    pub script: Option<PmScript>,
    pub disabled: Option<bool>,
}

/// `script:`.
#[derive(Debug, Deserialize)]
pub struct PmScript {
    pub exec: Option<StrOrList>,
}

/// One event, or a list of them.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    /// The events as a list.
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(t) => vec![t],
            OneOrMany::Many(v) => v,
        }
    }
}

/// A collection variable.
#[derive(Debug, Deserialize)]
pub struct PmVariable {
    pub key: Option<String>,
    pub id: Option<String>,
    pub value: Option<Value>,
    pub disabled: Option<bool>,
}

/// A saved example response.
#[derive(Debug, Deserialize)]
pub struct PmResponse {
    pub name: Option<String>,
    pub code: Option<u16>,
    #[serde(alias = "headers")]
    pub header: Option<Value>,
    pub body: Option<String>,
}

/// `protocolProfileBehavior`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PmBehavior {
    pub follow_redirects: Option<bool>,
    pub max_redirects: Option<u32>,
    pub follow_authorization_header: Option<bool>,
    pub follow_original_http_method: Option<bool>,
    pub remove_referer_header_on_redirect: Option<bool>,
    pub disable_url_encoding: Option<bool>,
    pub strict_ssl: Option<bool>,
}

/// An environment file.
#[derive(Debug, Deserialize)]
pub struct PmEnvironment {
    pub name: Option<String>,
    #[serde(default)]
    pub values: Vec<PmEnvValue>,
}

/// One environment value.
#[derive(Debug, Deserialize)]
pub struct PmEnvValue {
    pub key: Option<String>,
    pub value: Option<Value>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub enabled: Option<bool>,
    pub disabled: Option<bool>,
}

/// Text of a description: a string or `{content, type}`.
pub fn description_text(v: &Option<Value>) -> Option<String> {
    let text = match v.as_ref()? {
        Value::String(s) => s.clone(),
        Value::Object(m) => m.get("content")?.as_str()?.to_string(),
        _ => return None,
    };
    let text = text.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A scalar value as text (`true`, `3`, `"x"` → `x`); null as empty.
pub fn value_text(v: &Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}
