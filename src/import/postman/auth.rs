//! Postman `auth` blocks (v2.0 objects and v2.1 `[{key, value}]` lists) → runner `auth:`.
//! Credentials never reach the YAML: they become variables listed in `secrets:` or
//! `{{ env.NAME }}` references.

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value, json};

use super::names::{Names, env_name};

/// Where Postman's own callback pages live: only a browser signed in to Postman reaches them.
const POSTMAN_CALLBACK: &str = "https://oauth.pstmn.io/";

/// The loopback callback runner listens on in their place.
const LOOPBACK_CALLBACK: &str = "http://127.0.0.1:8765/callback";

/// What a Postman auth block becomes.
#[derive(Debug, Clone)]
pub enum AuthOut {
    /// No `auth` here: inherited from the parent.
    Inherit,
    /// A runner `auth:` value.
    Auth(Value),
    /// An API key, sent as a header or a query parameter by each request below.
    ApiKey {
        name: String,
        value: String,
        query: bool,
    },
    /// A type runner cannot send; the request goes without it.
    Unsupported(String),
}

/// Credentials seen during an import.
#[derive(Debug, Default)]
pub struct Secrets {
    /// Variables that hold credentials.
    pub vars: IndexSet<String>,
    /// Process environment variables the user must set, in order of appearance.
    pub env: IndexSet<String>,
    /// A literal credential → the template that stands for it.
    literal: IndexMap<String, String>,
    by_var: IndexMap<String, String>,
}

impl Secrets {
    /// A template for a credential: the variable it names, or an `env.NAME` reference
    /// standing for the literal written in Postman.
    pub fn reference(&mut self, names: &mut Names, value: &str, hint: &str) -> String {
        if let Some(n) = names.sole_reference(value) {
            names.used.insert(n.clone());
            self.vars.insert(n.clone());
            return format!("{{{{ {n} }}}}");
        }
        // One credential, one name: a value seen before keeps the name it was given.
        if let Some(template) = self.literal.get(value) {
            if let Some(var) = template
                .strip_prefix("{{ ")
                .and_then(|t| t.strip_suffix(" }}"))
                .filter(|t| !t.starts_with("env."))
            {
                names.used.insert(var.to_string());
                self.vars.insert(var.to_string());
            }
            return template.clone();
        }
        let template = format!("{{{{ env.{} }}}}", self.alloc(hint));
        self.literal.insert(value.to_string(), template.clone());
        template
    }

    /// Records that collection variable `var` holds the credential `value`: the same
    /// literal written elsewhere becomes a reference to it.
    pub fn adopt(&mut self, value: &str, var: &str) {
        self.literal
            .entry(value.to_string())
            .or_insert_with(|| format!("{{{{ {var} }}}}"));
    }

    /// The `env.NAME` reference that replaces the value of variable `var`, the same one
    /// a literal of that value was given.
    pub fn for_var(&mut self, var: &str, value: &str) -> String {
        if let Some(template) = self.literal.get(value).filter(|t| t.starts_with("{{ env.")) {
            return template.clone();
        }
        let name = match self.by_var.get(var) {
            Some(n) => n.clone(),
            None => {
                let name = self.alloc(var);
                self.by_var.insert(var.to_string(), name.clone());
                name
            }
        };
        format!("{{{{ env.{name} }}}}")
    }

    /// A process environment variable name not yet used for another value.
    fn alloc(&mut self, hint: &str) -> String {
        let base = env_name(hint);
        let mut name = base.clone();
        let mut i = 2;
        while self.env.contains(&name) {
            name = format!("{base}_{i}");
            i += 1;
        }
        self.env.insert(name.clone());
        name
    }
}

/// The parameters of an auth block as a map, whichever form it is written in.
fn params(auth: &Value, kind: &str) -> Map<String, Value> {
    match auth.get(kind) {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|p| Some((p.get("key")?.as_str()?.to_string(), p.get("value")?.clone())))
            .collect(),
        _ => Map::new(),
    }
}

fn text(p: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match p.get(*k)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Converts one auth block; `notes` receives what could not be kept.
pub fn convert(
    auth: Option<&Value>,
    names: &mut Names,
    secrets: &mut Secrets,
    notes: &mut Vec<String>,
) -> AuthOut {
    let Some(auth) = auth.filter(|a| !a.is_null()) else {
        return AuthOut::Inherit;
    };
    let kind = auth.get("type").and_then(Value::as_str).unwrap_or("");
    let p = params(auth, kind);
    match kind {
        "inherit" | "" => AuthOut::Inherit,
        "noauth" => AuthOut::Auth(json!("none")),
        "bearer" => {
            let token = text(&p, &["token"]).unwrap_or_default();
            AuthOut::Auth(json!({"bearer": secrets.reference(names, &token, "token")}))
        }
        "basic" => {
            let user = text(&p, &["username"]).unwrap_or_default();
            let pass = text(&p, &["password"]).unwrap_or_default();
            AuthOut::Auth(json!({"basic": {
                "username": names.template(&user),
                "password": secrets.reference(names, &pass, "password"),
            }}))
        }
        "apikey" => {
            let name = text(&p, &["key"]).unwrap_or_else(|| "X-API-Key".into());
            let value = text(&p, &["value"]).unwrap_or_default();
            AuthOut::ApiKey {
                value: secrets.reference(names, &value, "api_key"),
                name: names.template(&name),
                query: text(&p, &["in"]).as_deref() == Some("query"),
            }
        }
        "oauth2" => oauth2(&p, names, secrets, notes),
        other => {
            notes.push(format!(
                "auth type `{other}` is not supported by runner; the request is sent without it"
            ));
            AuthOut::Unsupported(other.to_string())
        }
    }
}

fn oauth2(
    p: &Map<String, Value>,
    names: &mut Names,
    secrets: &mut Secrets,
    notes: &mut Vec<String>,
) -> AuthOut {
    let grant_pm =
        text(p, &["grant_type", "grantType"]).unwrap_or_else(|| "authorization_code".into());
    let token_url = text(p, &["accessTokenUrl", "tokenUrl"]);
    let stored = text(p, &["accessToken"]);
    let (grant, pkce) = match grant_pm.as_str() {
        "authorization_code" => ("authorization_code", false),
        "authorization_code_with_pkce" => ("authorization_code", true),
        "client_credentials" => ("client_credentials", false),
        "password_credentials" | "password" => ("password", false),
        other => {
            notes.push(format!(
                "OAuth2 grant `{other}` is not supported by runner; the request uses the access token variable instead"
            ));
            return stored_token(stored, names, secrets);
        }
    };
    let auth_url = text(p, &["authUrl"]);
    let Some(token_url) = token_url.filter(|_| grant != "authorization_code" || auth_url.is_some())
    else {
        if stored.is_none() {
            notes.push(
                "OAuth2 without a token URL: the request uses a bearer token variable".into(),
            );
        }
        return stored_token(stored, names, secrets);
    };
    let mut o = Map::new();
    o.insert("grant".into(), json!(grant));
    if grant == "authorization_code"
        && let Some(u) = &auth_url
    {
        o.insert("auth_url".into(), json!(names.template(u)));
    }
    o.insert("token_url".into(), json!(names.template(&token_url)));
    let client_id = text(p, &["clientId"]).unwrap_or_default();
    o.insert("client_id".into(), json!(names.template(&client_id)));
    if let Some(s) = text(p, &["clientSecret"]) {
        o.insert(
            "client_secret".into(),
            json!(secrets.reference(names, &s, "client_secret")),
        );
    }
    if let Some(s) = text(p, &["scope"]) {
        o.insert("scope".into(), json!(names.template(&s)));
    }
    if grant == "authorization_code" {
        let callback = if p.get("useBrowser").and_then(Value::as_bool) == Some(true) {
            Some("https://oauth.pstmn.io/v1/browser-callback".to_string())
        } else {
            text(p, &["redirect_uri", "callBackUrl", "callbackUrl"])
        };
        if let Some(c) = callback {
            let c = if c.trim().starts_with(POSTMAN_CALLBACK) {
                notes.push(format!(
                    "Postman's callback page `{}` became `{LOOPBACK_CALLBACK}`: the application's redirect URLs must list it",
                    c.trim()
                ));
                LOOPBACK_CALLBACK.to_string()
            } else {
                names.template(&c)
            };
            o.insert("callback_url".into(), json!(c));
        }
    }
    let client_auth = match text(p, &["client_authentication", "clientAuth"]).as_deref() {
        Some("body") => "body",
        _ => "basic",
    };
    o.insert("client_auth".into(), json!(client_auth));
    if grant == "authorization_code" {
        o.insert("pkce".into(), json!(pkce));
        if pkce && text(p, &["challengeAlgorithm"]).as_deref() == Some("plain") {
            notes.push(
                "PKCE challenge method `plain` is not supported; runner sends an S256 challenge"
                    .into(),
            );
        }
        if text(p, &["code_verifier"]).is_some() {
            notes.push("a fixed PKCE code_verifier is not kept; runner makes a random one".into());
        }
    }
    if grant == "password" {
        let user = text(p, &["username"]).unwrap_or_default();
        let pass = text(p, &["password"]).unwrap_or_default();
        o.insert("username".into(), json!(names.template(&user)));
        o.insert(
            "password".into(),
            json!(secrets.reference(names, &pass, "password")),
        );
    }
    let mut extra = Map::new();
    for key in ["audience", "resource"] {
        if let Some(v) = text(p, &[key]) {
            extra.insert(key.into(), json!(names.template(&v)));
        }
    }
    if !extra.is_empty() {
        o.insert("extra_params".into(), Value::Object(extra));
    }
    if text(p, &["addTokenTo"]).as_deref() == Some("queryParams") {
        notes.push("the OAuth2 token is sent in the Authorization header, not the query".into());
    }
    AuthOut::Auth(json!({"oauth2": o}))
}

fn stored_token(stored: Option<String>, names: &mut Names, secrets: &mut Secrets) -> AuthOut {
    let token = stored.unwrap_or_else(|| "{{access_token}}".into());
    AuthOut::Auth(json!({"bearer": secrets.reference(names, &token, "access_token")}))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AuthOut, Secrets, convert};
    use crate::import::postman::names::Names;

    #[test]
    fn v20_and_v21_forms_agree() {
        let v20 = json!({"type": "basic", "basic": {"username": "u", "password": "p"}});
        let v21 = json!({"type": "basic", "basic": [{"key": "username", "value": "u"}, {"key": "password", "value": "p"}]});
        for a in [v20, v21] {
            let (mut n, mut s, mut notes) = (Names::default(), Secrets::default(), vec![]);
            let AuthOut::Auth(v) = convert(Some(&a), &mut n, &mut s, &mut notes) else {
                panic!("basic not converted");
            };
            assert_eq!(
                v,
                json!({"basic": {"username": "u", "password": "{{ env.PASSWORD }}"}})
            );
            assert_eq!(s.env.iter().collect::<Vec<_>>(), vec!["PASSWORD"]);
        }
    }
}
