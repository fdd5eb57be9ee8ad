//! Security schemes → runner `auth:` and API key headers. Every credential is a variable
//! listed in `secrets:` whose value is an `{{ env.NAME }}` reference; endpoints and client
//! ids are variables too, so that the generated mock environment can point them at the
//! mock's own OAuth2 server.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::Conv;
use crate::import::literal;

/// The callback runner listens on for an authorization code login.
const CALLBACK: &str = "http://127.0.0.1:8765/callback";

/// Where an API key goes.
#[derive(Clone, Debug, PartialEq)]
pub enum Place {
    Header,
    Query,
    Cookie,
}

/// An API key sent by each request that uses its scheme.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiKey {
    pub name: String,
    pub place: Place,
    /// The variable that holds it.
    pub var: String,
}

/// What one security scheme becomes.
#[derive(Clone, Debug)]
enum Mapped {
    Auth(Value),
    /// An auth runner cannot perform itself, replaced by a bearer token variable.
    Fallback(Value),
    Key(ApiKey),
    Unsupported,
}

/// What an operation sends.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Effective {
    pub auth: Option<Value>,
    pub keys: Vec<ApiKey>,
}

/// The security schemes of a document, converted once each.
#[derive(Default)]
pub struct Schemes {
    mapped: IndexMap<String, Mapped>,
}

impl Schemes {
    /// What a `security` requirement list means for a request; `None` for no list.
    pub fn effective(&mut self, c: &mut Conv, security: &Value) -> Effective {
        let Some(alternatives) = security.as_array() else {
            return Effective::default();
        };
        let mut candidates = Vec::new();
        for req in alternatives {
            let Some(req) = req.as_object() else { continue };
            let mut parts = Vec::new();
            for (name, scopes) in req {
                let scopes: Vec<String> = scopes
                    .as_array()
                    .map(|s| {
                        s.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect()
                    })
                    .unwrap_or_default();
                parts.push(self.scheme(c, name, &scopes));
            }
            candidates.push(parts);
        }
        // The first alternative runner performs entirely; else the first at all.
        let full = candidates.iter().position(|parts| {
            parts
                .iter()
                .all(|p| matches!(p, Mapped::Auth(_) | Mapped::Key(_)))
        });
        let Some(parts) = full
            .or(if candidates.is_empty() { None } else { Some(0) })
            .and_then(|i| candidates.get(i))
        else {
            return Effective::default();
        };
        let mut out = Effective::default();
        for p in parts {
            match p {
                Mapped::Auth(v) | Mapped::Fallback(v) => {
                    if out.auth.is_none() {
                        out.auth = Some(v.clone());
                    } else {
                        c.note("an operation requires two authentications at once; runner sends the first".into());
                    }
                }
                Mapped::Key(k) => out.keys.push(k.clone()),
                Mapped::Unsupported => {}
            }
        }
        out
    }

    fn scheme(&mut self, c: &mut Conv, name: &str, scopes: &[String]) -> Mapped {
        let key = format!("{name} {}", scopes.join(" "));
        if let Some(m) = self.mapped.get(&key) {
            return m.clone();
        }
        let m = convert(c, name, scopes);
        self.mapped.insert(key, m.clone());
        m
    }
}

/// A secret variable `var` = `{{ env.VAR }}`, with the value `mock` in the mock environment.
fn secret(c: &mut Conv, var: &str, mock: &str) -> String {
    if !c.vars.contains_key(var) {
        let env = crate::import::env_name(var);
        c.vars
            .insert(var.into(), json!(format!("{{{{ env.{env} }}}}")));
        c.env_vars.insert(env);
        c.secrets.insert(var.into());
        c.mock_vars.insert(var.into(), json!(mock));
    }
    format!("{{{{ {var} }}}}")
}

/// A variable with a value from the specification (`Some`) or one to set (`None`).
fn plain(c: &mut Conv, var: &str, value: Option<String>, mock: &str) -> String {
    if !c.vars.contains_key(var) && !c.to_set.contains(var) {
        match value {
            Some(v) => {
                c.vars.insert(var.into(), json!(v));
            }
            None => {
                c.to_set.insert(var.into());
            }
        }
        c.mock_vars.insert(var.into(), json!(mock));
    }
    format!("{{{{ {var} }}}}")
}

fn convert(c: &mut Conv, name: &str, scopes: &[String]) -> Mapped {
    let Some(scheme) = c
        .doc_components("securitySchemes")
        .and_then(|s| s.get(name))
        .cloned()
    else {
        c.note(format!(
            "security scheme `{name}` is not defined in components.securitySchemes; requests using it are sent without it"
        ));
        return Mapped::Unsupported;
    };
    let scheme = c.resolved(&scheme);
    let prefix = super::ident(name);
    let text = |k: &str| scheme.get(k).and_then(Value::as_str).map(String::from);
    match text("type").as_deref() {
        Some("apiKey") => {
            let place = match text("in").as_deref() {
                Some("query") => Place::Query,
                Some("cookie") => Place::Cookie,
                _ => Place::Header,
            };
            let lower = prefix.to_ascii_lowercase();
            let var = if ["key", "token", "secret"].iter().any(|w| lower.contains(w)) {
                prefix.clone()
            } else {
                format!("{prefix}_key")
            };
            let var = secret(c, &var, "mock-api-key");
            let var = var
                .trim_start_matches("{{ ")
                .trim_end_matches(" }}")
                .to_string();
            Mapped::Key(ApiKey {
                name: text("name").unwrap_or_else(|| "X-API-Key".into()),
                place,
                var,
            })
        }
        Some("http") => match text("scheme").map(|s| s.to_ascii_lowercase()).as_deref() {
            Some("bearer") => {
                let t = secret(c, &format!("{prefix}_token"), "mock-token");
                Mapped::Auth(json!({"bearer": t}))
            }
            Some("basic") => {
                let u = plain(c, &format!("{prefix}_username"), None, "mock-user");
                let p = secret(c, &format!("{prefix}_password"), "mock-password");
                Mapped::Auth(json!({"basic": {"username": u, "password": p}}))
            }
            other => {
                c.note(format!(
                    "HTTP authentication scheme `{}` ({name}) is not supported by runner; requests using it are sent without it",
                    other.unwrap_or("?")
                ));
                Mapped::Unsupported
            }
        },
        Some("oauth2") => oauth2(c, name, &prefix, &scheme, scopes),
        Some("openIdConnect") => {
            let discovery = text("openIdConnectUrl").unwrap_or_default();
            c.note(format!(
                "OpenID Connect ({name}): set {prefix}_auth_url and {prefix}_token_url to the authorization_endpoint and token_endpoint of {discovery}"
            ));
            let mut scope = vec!["openid".to_string()];
            scope.extend(scopes.iter().filter(|s| *s != "openid").cloned());
            let o = oauth_block(
                c,
                &prefix,
                "authorization_code",
                (None, None),
                &scope.join(" "),
            );
            Mapped::Auth(json!({"oauth2": o}))
        }
        Some("mutualTLS") => {
            c.note(format!(
                "mutual TLS ({name}): give the client certificate with --cert and --key"
            ));
            Mapped::Auth(json!("none"))
        }
        other => {
            c.note(format!(
                "security scheme `{name}` of type `{}` is not supported; requests using it are sent without it",
                other.unwrap_or("?")
            ));
            Mapped::Unsupported
        }
    }
}

fn oauth2(c: &mut Conv, name: &str, prefix: &str, scheme: &Value, scopes: &[String]) -> Mapped {
    let flows = scheme.get("flows").cloned().unwrap_or_default();
    let url = |flow: &Value, k: &str| flow.get(k).and_then(Value::as_str).map(String::from);
    let scope_of = |flow: &Value| {
        if scopes.is_empty() {
            flow.get("scopes")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        } else {
            scopes.join(" ")
        }
    };
    for (flow_name, grant) in [
        ("authorizationCode", "authorization_code"),
        ("clientCredentials", "client_credentials"),
        ("password", "password"),
    ] {
        if let Some(flow) = flows.get(flow_name) {
            let auth = if grant == "authorization_code" {
                url(flow, "authorizationUrl")
            } else {
                None
            };
            let o = oauth_block(
                c,
                prefix,
                grant,
                (auth, url(flow, "tokenUrl")),
                &scope_of(flow),
            );
            return Mapped::Auth(json!({"oauth2": o}));
        }
    }
    let var = format!("{prefix}_access_token");
    c.note(format!(
        "OAuth2 ({name}): runner does not support the implicit flow; requests send a bearer token from {var} (environment variable {})",
        crate::import::env_name(&var)
    ));
    let t = secret(c, &var, "mock-token");
    Mapped::Fallback(json!({"bearer": t}))
}

/// An `oauth2:` block whose URLs, client id and secret are variables.
fn oauth_block(
    c: &mut Conv,
    prefix: &str,
    grant: &str,
    (auth_url, token_url): (Option<String>, Option<String>),
    scope: &str,
) -> Map<String, Value> {
    let absolute = |u: Option<String>| {
        u.map(|u| {
            if u.contains("://") {
                literal(&u)
            } else {
                format!("{{{{ base_url }}}}{}", literal(&u))
            }
        })
    };
    let mut o = Map::new();
    o.insert("grant".into(), json!(grant));
    if grant == "authorization_code" {
        let a = plain(
            c,
            &format!("{prefix}_auth_url"),
            absolute(auth_url),
            "{{ mock_url }}/oauth2/v1/authorize",
        );
        o.insert("auth_url".into(), json!(a));
    }
    let t = plain(
        c,
        &format!("{prefix}_token_url"),
        absolute(token_url),
        "{{ mock_url }}/oauth2/v1/token",
    );
    o.insert("token_url".into(), json!(t));
    o.insert(
        "client_id".into(),
        json!(plain(c, "client_id", None, "mock-client")),
    );
    o.insert(
        "client_secret".into(),
        json!(secret(c, "client_secret", "mock-client-secret")),
    );
    if !scope.is_empty() {
        o.insert("scope".into(), json!(literal(scope)));
    }
    if grant == "authorization_code" {
        let cb = plain(
            c,
            "callback_url",
            Some(CALLBACK.into()),
            "http://127.0.0.1/callback",
        );
        o.insert("callback_url".into(), json!(cb));
    }
    if grant == "password" {
        o.insert(
            "username".into(),
            json!(plain(c, "username", None, "mock-user")),
        );
        o.insert(
            "password".into(),
            json!(secret(c, "password", "mock-password")),
        );
    }
    o
}
