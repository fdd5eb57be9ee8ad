//! The file formats exactly as written: serde types with positions, no interpretation.
//!
//! Every struct denies unknown keys. Polymorphic values (matchers, bodies, durations) are
//! kept as `Sp<serde_json::Value>` and interpreted in `build.rs`, where errors can
//! point at them; serde's untagged enums would lose the positions.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

/// A value with its position in the file: serde-saphyr's `Spanned` without the position of
/// an alias's anchor (`defined`), which nothing reads. A file of 10,000 requests holds some
/// 50,000 of these while it is built, at 40 bytes per position.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub value: T,
    /// Where the value is written.
    pub referenced: Location,
}

impl<T> Sp<T> {
    /// A value at a position.
    pub fn new(value: T, referenced: Location) -> Sp<T> {
        Sp { value, referenced }
    }
}

/// The value alone, as `Spanned` writes itself (the schema shows defaults this way).
impl<T: serde::Serialize> serde::Serialize for Sp<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sp<T>, D::Error> {
        let s = Spanned::<T>::deserialize(d)?;
        Ok(Sp::new(s.value, s.referenced))
    }
}

/// The schema of a duration: text with a unit (`500ms`, `2s`); a bare number is refused.
pub struct DurationText;

impl JsonSchema for DurationText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "[A-Za-z]",
        })
    }
}

/// The schema of `expect.status`: a code, a class such as `2xx`, a list of both, a
/// template, or a matcher map.
pub struct StatusMatcher;

impl JsonSchema for StatusMatcher {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StatusMatcher".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let one = serde_json::json!({
            "anyOf": [
                { "type": "integer", "minimum": 100, "maximum": 999 },
                { "type": "string", "pattern": "^\\s*([1-5][xX][xX]|[1-9][0-9][0-9])\\s*$" },
                { "type": "string", "pattern": "\\{[{%#]" },
            ]
        });
        schemars::json_schema!({
            "anyOf": [
                one,
                { "type": "array", "items": one },
                { "type": "object" },
            ]
        })
    }
}

/// A collection file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCollection {
    #[schemars(description = "Display name.")]
    pub name: Option<String>,
    #[schemars(description = "Free text shown in documentation.")]
    #[expect(
        dead_code,
        reason = "documentation for readers of the file; a run does not use it"
    )]
    pub description: Option<String>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Variables: name -> value (string leaves may be {{ templates }})."
    )]
    pub variables: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(
        with = "Option<Vec<String>>",
        description = "Names of variables whose values are masked in every output."
    )]
    pub secrets: Option<Vec<Sp<String>>>,
    #[schemars(
        with = "Vec<RawItem>",
        description = "Requests and folders, run in order."
    )]
    #[serde(deserialize_with = "items")]
    pub requests: Sp<Entries>,
    // Settings (inherited by every request); `flatten` cannot be combined with
    // `deny_unknown_fields`, so they are spelled out.
    #[schemars(
        with = "Option<RawAuth>",
        description = "Authentication: `none`, `inherit`, `{bearer: TOKEN}`, `{basic: {username, password}}` or `{oauth2: {...}}`; inherited by requests below."
    )]
    pub auth: Option<Sp<RawAuth>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Headers: name -> value (a template)."
    )]
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(description = "Follow redirects (default true).")]
    pub follow_redirects: Option<bool>,
    #[schemars(
        with = "Option<Value>",
        description = "Forward Authorization on cross-origin redirects: true/false, or a list of host patterns (`*` matches one label)."
    )]
    pub follow_authorization_header: Option<Sp<Value>>,
    #[schemars(description = "Most redirects followed (default 10).")]
    pub max_redirects: Option<u32>,
    #[schemars(
        with = "Option<DurationText>",
        description = "Per-request timeout: a duration with its unit, such as \"500ms\", \"30s\", \"2m\"."
    )]
    pub timeout: Option<Sp<Value>>,
    #[schemars(
        with = "Option<Value>",
        description = "Largest decoded response body read: bytes, or a size such as \"512KiB\", \"10MB\", \"64MiB\" (default: --max-body, 64MiB)."
    )]
    pub max_body: Option<Sp<Value>>,
    #[schemars(
        with = "Option<RawScripts>",
        description = "JavaScript run before the request is rendered (`pre_request`) and after `expect:` (`test`), with Postman's `pm` API; a collection's run first, then each folder's, then the request's."
    )]
    pub scripts: Option<Sp<RawScripts>>,
    #[schemars(description = "Tags for `--tag` selection.")]
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
            max_body: self.max_body.take(),
            tags: self.tags.take(),
            scripts: self.scripts.take(),
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
    pub max_body: Option<Sp<Value>>,
    pub tags: Option<Vec<String>>,
    pub scripts: Option<Sp<RawScripts>>,
}

/// An entry of `requests:`: a request, or a folder when `folder:` is present.
// The sections most entries leave out are boxed: a file of 10,000 requests holds 10,000 of these.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawItem {
    #[schemars(with = "Option<String>", description = "Display name.")]
    pub name: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Folder name: this entry is a folder holding `requests`."
    )]
    pub folder: Option<Box<Sp<String>>>,
    #[schemars(description = "Free text shown in documentation.")]
    #[expect(
        dead_code,
        reason = "documentation for readers of the file; a run does not use it"
    )]
    pub description: Option<String>,
    #[schemars(
        with = "Option<Vec<RawItem>>",
        description = "Requests and folders, run in order."
    )]
    #[serde(default, deserialize_with = "folder_items")]
    pub requests: Option<Box<Sp<Entries>>>,
    #[schemars(with = "Option<String>", description = "HTTP method (default GET).")]
    pub method: Option<Sp<String>>,
    #[schemars(with = "Option<Value>", description = "URL template (string).")]
    pub url: Option<Sp<Value>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Query parameters: name -> value, or a list of values for repeated pairs."
    )]
    pub query: Option<Box<IndexMap<String, Sp<Value>>>>,
    #[schemars(
        with = "Option<RawBody>",
        description = "Request body: exactly one of json, form, multipart, raw, file."
    )]
    pub body: Option<Box<Sp<RawBody>>>,
    #[schemars(
        with = "Option<RawExpect>",
        description = "Assertions on the response."
    )]
    pub expect: Option<Box<Sp<RawExpect>>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Captures: variable -> JSONPath string, {header: NAME} or {regex: PATTERN} (first group, on the body)."
    )]
    pub capture: Option<Box<IndexMap<String, Sp<Value>>>>,
    #[schemars(
        with = "Option<RawRetry>",
        description = "Retry: {count, delay, on: [5xx, timeout, ...]}."
    )]
    pub retry: Option<Box<Sp<RawRetry>>>,
    #[schemars(
        with = "Option<DurationText>",
        description = "Wait before sending: a duration with its unit, such as \"200ms\" or \"1s\"."
    )]
    pub delay: Option<Box<Sp<Value>>>,
    #[schemars(description = "Skip this request.")]
    pub skip: Option<bool>,
    #[schemars(
        with = "Option<String>",
        description = "Skip when this template renders truthy."
    )]
    pub skip_if: Option<Box<Sp<String>>>,
    #[schemars(
        with = "Option<Vec<RawExample>>",
        description = "Saved responses, for documentation and `runner mock`."
    )]
    pub examples: Option<Vec<Sp<RawExample>>>,
    // Settings (inherited); spelled out because `flatten` would lose positions here.
    #[schemars(
        with = "Option<RawAuth>",
        description = "Authentication: `none`, `inherit`, `{bearer: TOKEN}`, `{basic: {username, password}}` or `{oauth2: {...}}`; inherited by requests below."
    )]
    pub auth: Option<Box<Sp<RawAuth>>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Headers: name -> value (a template)."
    )]
    pub headers: Option<Box<IndexMap<String, Sp<Value>>>>,
    #[schemars(description = "Follow redirects (default true).")]
    pub follow_redirects: Option<bool>,
    #[schemars(
        with = "Option<Value>",
        description = "Forward Authorization on cross-origin redirects: true/false, or a list of host patterns (`*` matches one label)."
    )]
    pub follow_authorization_header: Option<Box<Sp<Value>>>,
    #[schemars(description = "Most redirects followed (default 10).")]
    pub max_redirects: Option<u32>,
    #[schemars(
        with = "Option<DurationText>",
        description = "Per-request timeout: a duration with its unit, such as \"500ms\", \"30s\", \"2m\"."
    )]
    pub timeout: Option<Box<Sp<Value>>>,
    #[schemars(
        with = "Option<Value>",
        description = "Largest decoded response body read: bytes, or a size such as \"512KiB\", \"10MB\", \"64MiB\" (default: --max-body, 64MiB)."
    )]
    pub max_body: Option<Box<Sp<Value>>>,
    #[schemars(
        with = "Option<RawScripts>",
        description = "JavaScript run before the request is rendered (`pre_request`) and after `expect:` (`test`), with Postman's `pm` API; a collection's run first, then each folder's, then the request's."
    )]
    pub scripts: Option<Box<Sp<RawScripts>>>,
    #[schemars(description = "Tags for `--tag` selection.")]
    pub tags: Option<Vec<String>>,
}

impl RawItem {
    /// The inheritable settings of this item.
    pub fn settings(&mut self) -> RawSettings {
        RawSettings {
            auth: self.auth.take().map(|b| *b),
            headers: self.headers.take().map(|b| *b),
            follow_redirects: self.follow_redirects,
            follow_authorization_header: self.follow_authorization_header.take().map(|b| *b),
            max_redirects: self.max_redirects,
            timeout: self.timeout.take().map(|b| *b),
            max_body: self.max_body.take().map(|b| *b),
            tags: self.tags.take(),
            scripts: self.scripts.take().map(|b| *b),
        }
    }
}

/// The entries of a `requests:` list, each boxed (see [`Items`]).
pub type Entries = Vec<Box<RawItem>>;

/// The entries of a `requests:` list. Each is boxed, so that a list of 10,000 entries of a
/// few hundred bytes each never needs megabytes in one piece: the entries are allocated one
/// by one while the parsed text they come from is freed one by one. The vector of boxes is
/// as long as the list (serde's own `Vec` grows by doubling from a cautious guess).
struct Items(Entries);

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Items, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Items;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // Worded as serde words a `Vec`, which error messages translate.
                f.write_str("a sequence")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Items, A::Error> {
                // The hint counts entries already parsed; the cap only guards the arithmetic.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Items(items))
            }
        }
        d.deserialize_seq(Visit)
    }
}

fn items<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Sp<Entries>, D::Error> {
    let s = Sp::<Items>::deserialize(d)?;
    Ok(Sp::new(s.value.0, s.referenced))
}

fn folder_items<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Box<Sp<Entries>>>, D::Error> {
    let s = Option::<Sp<Items>>::deserialize(d)?;
    Ok(s.map(|s| Box::new(Sp::new(s.value.0, s.referenced))))
}

/// `scripts:` — JavaScript run in an embedded sandbox with Postman's `pm` API.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScripts {
    #[schemars(
        with = "Option<String>",
        description = "Runs before the request is rendered: may set variables and change the request."
    )]
    pub pre_request: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Runs after `expect:`; each `pm.test` is an assertion named by the test."
    )]
    pub test: Option<Sp<String>>,
}

/// `auth:` — `none`, `inherit`, `bearer: TOKEN`, `basic: {..}` or `oauth2: {..}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RawAuth {
    None,
    Inherit,
    Bearer(#[schemars(with = "String")] Sp<String>),
    Basic(RawBasic),
    Oauth2(Box<RawOAuth2>),
}

/// HTTP Basic credentials.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBasic {
    #[schemars(with = "String", description = "User name.")]
    pub username: Sp<String>,
    #[schemars(with = "String", description = "Password; keep it out of files.")]
    pub password: Sp<String>,
}

/// The `oauth2:` block (DESIGN §3, §5).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOAuth2 {
    #[schemars(
        with = "String",
        description = "authorization_code | refresh_token | client_credentials | password | device_code"
    )]
    pub grant: Sp<String>,
    #[schemars(with = "Option<String>", description = "Authorization endpoint URL.")]
    pub auth_url: Option<Sp<String>>,
    #[schemars(with = "String", description = "Token endpoint URL.")]
    pub token_url: Sp<String>,
    #[schemars(
        with = "Option<String>",
        description = "Device authorization endpoint URL."
    )]
    pub device_url: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Token revocation endpoint URL (used by `runner auth logout`)."
    )]
    pub revocation_url: Option<Sp<String>>,
    #[schemars(with = "String", description = "Client id.")]
    pub client_id: Sp<String>,
    #[schemars(
        with = "Option<String>",
        description = "Client secret; keep it out of files: \"{{ env.NAME }}\"."
    )]
    pub client_secret: Option<Sp<String>>,
    #[schemars(with = "Option<String>", description = "Scope, space separated.")]
    pub scope: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Redirect URI registered for the client."
    )]
    pub callback_url: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Client authentication at the token endpoint: basic (default) | body | none."
    )]
    pub client_auth: Option<Sp<String>>,
    #[schemars(description = "Send a PKCE S256 challenge (default true).")]
    pub pkce: Option<bool>,
    #[schemars(
        with = "Option<String>",
        description = "Refresh token (grant refresh_token), e.g. \"{{ env.REFRESH_TOKEN }}\"."
    )]
    pub refresh_token: Option<Sp<String>>,
    #[schemars(with = "Option<String>", description = "User name.")]
    pub username: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Password; keep it out of files."
    )]
    pub password: Option<Sp<String>>,
    #[schemars(
        with = "Option<BTreeMap<String, String>>",
        description = "Extra parameters added to the authorization request."
    )]
    pub extra_params: Option<IndexMap<String, Sp<String>>>,
}

/// `body:` — exactly one of the forms.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBody {
    #[schemars(
        with = "Option<Value>",
        description = "A JSON document (YAML maps and lists); string leaves may be templates."
    )]
    // `json: null` is a body (the JSON text `null`), not an absent one.
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Sp<Value>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "URL-encoded form fields: name -> value."
    )]
    pub form: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Multipart fields: name -> text, or {file, filename, content_type}."
    )]
    pub multipart: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(with = "Option<String>", description = "Raw text body (a template).")]
    pub raw: Option<Sp<String>>,
    #[schemars(
        with = "Option<String>",
        description = "Path of a file sent as the body, relative to the collection."
    )]
    pub file: Option<Sp<String>>,
    #[schemars(with = "Option<String>", description = "Content-Type of the body.")]
    pub content_type: Option<Sp<String>>,
}

/// `expect:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[schemars(
        with = "Option<StatusMatcher>",
        description = "Expected status: a code (200), a class (\"2xx\"), a list of both ([2xx, 404]), or a matcher such as {in: [200, 201]}; `name:` beside matcher keys names the assertion ({equals: 200, name: \"Status is 200\"})."
    )]
    pub status: Option<Sp<Value>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Header name -> matcher; `name:` beside matcher keys names the assertion."
    )]
    pub headers: Option<Box<IndexMap<String, Sp<Value>>>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "JSONPath (RFC 9535) -> matcher; a bare value means equals; `name:` beside matcher keys names the assertion ({exists: true, name: \"has id\"})."
    )]
    pub json: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(
        with = "Option<Value>",
        description = "Matcher on the body text; `name:` beside matcher keys names the assertion."
    )]
    pub body: Option<Box<Sp<Value>>>,
    #[schemars(
        with = "Option<Value>",
        description = "Matcher on the response time in milliseconds, e.g. {lt: 2000}."
    )]
    pub duration: Option<Box<Sp<Value>>>,
}

/// `retry:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    #[schemars(description = "How many retries.")]
    pub count: u32,
    #[schemars(
        with = "Option<DurationText>",
        description = "Wait before sending: a duration with its unit, such as \"200ms\" or \"1s\"."
    )]
    pub delay: Option<Sp<Value>>,
    #[schemars(
        with = "Option<Vec<String>>",
        description = "Retry on: 5xx, 4xx, a status code, timeout, connection."
    )]
    pub on: Option<Vec<Sp<String>>>,
}

/// A saved response, for documentation and `runner mock`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExample {
    #[schemars(description = "Display name.")]
    pub name: Option<String>,
    #[schemars(description = "Which incoming requests the example answers.")]
    pub when: Option<RawWhen>,
    #[schemars(with = "Option<Value>", description = "Status code (default 200).")]
    pub status: Option<Sp<Value>>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Headers: name -> value (a template)."
    )]
    pub headers: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(with = "Option<Value>", description = "The response body as JSON.")]
    // `json: null` is a body (the JSON text `null`), not an absent one.
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Sp<Value>>,
    #[schemars(with = "Option<String>", description = "The response body as text.")]
    pub body: Option<Sp<String>>,
}

/// Which incoming requests an example answers.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWhen {
    #[schemars(with = "Option<String>", description = "Host the request must be for.")]
    pub host: Option<Sp<String>>,
}

/// An environment file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEnvironment {
    #[schemars(description = "Display name.")]
    #[expect(
        dead_code,
        reason = "documentation for readers of the file; a run does not use it"
    )]
    pub name: Option<String>,
    #[schemars(
        with = "Option<BTreeMap<String, Value>>",
        description = "Variables: name -> value (string leaves may be {{ templates }})."
    )]
    pub variables: Option<IndexMap<String, Sp<Value>>>,
    #[schemars(
        with = "Option<Vec<String>>",
        description = "Names of variables whose values are masked in every output."
    )]
    pub secrets: Option<Vec<Sp<String>>>,
}

/// A field that is present, whatever its value (`null` included).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of 10,000 requests holds 10,000 entries and 10,000 built requests at once while
    /// it loads: their sizes are the benchmark's M2 peak (scripts/bench.sh), kept from growing
    /// back here.
    #[test]
    fn loaded_requests_stay_small() {
        let sizes = [
            ("RawItem", std::mem::size_of::<RawItem>(), 424),
            // serde-saphyr's `Spanned<Value>` is 144.
            ("Sp<Value>", std::mem::size_of::<Sp<Value>>(), 104),
            // 680 before `auth:` and `scripts:` were shared and the body boxed.
            (
                "RequestDef",
                std::mem::size_of::<super::super::RequestDef>(),
                424,
            ),
        ];
        for (name, size, most) in sizes {
            assert!(size <= most, "{name} is {size} bytes, more than {most}");
        }
    }
}
