//! `auth:` (bearer, basic, oauth2) and `follow_authorization_header:`.

use serde_json::Value;

use super::Builder;
use crate::collection::matcher::short;
use crate::collection::raw::{RawAuth, Sp};
use crate::collection::{AuthDef, ClientAuth, Grant, OAuth2Def, Template, TrustDef};
use crate::diagnostic::did_you_mean;

impl Builder<'_> {
    /// An `auth:` block; `None` for `inherit` (and for a block already reported as wrong).
    pub(super) fn auth(&mut self, auth: Sp<RawAuth>) -> Option<AuthDef> {
        let span = self.sp(&auth);
        Some(match auth.value {
            RawAuth::None => AuthDef::None,
            RawAuth::Inherit => return None,
            RawAuth::Bearer(t) => AuthDef::Bearer(self.template(t)),
            RawAuth::Basic(b) => AuthDef::Basic {
                username: self.template(b.username),
                password: self.template(b.password),
            },
            RawAuth::Oauth2(o) => {
                let o = *o;
                let grant = Grant::parse(&o.grant.value);
                if grant.is_none() {
                    let gspan = self.sp(&o.grant);
                    let names = Grant::ALL.map(Grant::as_str);
                    self.error_help(
                        format!("unknown OAuth2 grant `{}`", o.grant.value),
                        gspan,
                        did_you_mean(&o.grant.value, names.iter().copied())
                            .or_else(|| Some(format!("grants: {}", names.join(", ")))),
                    );
                }
                let needs = match grant {
                    Some(Grant::AuthorizationCode) => vec![("auth_url", o.auth_url.is_some())],
                    Some(Grant::DeviceCode) => vec![("device_url", o.device_url.is_some())],
                    Some(Grant::Password) => vec![
                        ("username", o.username.is_some()),
                        ("password", o.password.is_some()),
                    ],
                    Some(Grant::RefreshToken) => {
                        vec![("refresh_token", o.refresh_token.is_some())]
                    }
                    Some(Grant::ClientCredentials) | None => Vec::new(),
                };
                for (field, present) in needs {
                    if !present {
                        self.error_help(
                            format!("the OAuth2 `{}` grant needs `{field}`", o.grant.value),
                            span.clone(),
                            Some(format!("add `{field}:` to the oauth2 block")),
                        );
                    }
                }
                let client_auth = match o.client_auth {
                    Some(c) => ClientAuth::parse(&c.value).or_else(|| {
                        let cspan = self.sp(&c);
                        let names = ClientAuth::ALL.map(ClientAuth::as_str);
                        self.error_help(
                            format!("unknown client_auth `{}`", c.value),
                            cspan,
                            Some(format!("one of: {}", names.join(", "))),
                        );
                        None
                    }),
                    None => Some(ClientAuth::Basic),
                };
                // An unknown word has been reported; the collection is not used.
                let (Some(grant), Some(client_auth)) = (grant, client_auth) else {
                    return None;
                };
                let mut extra = Vec::new();
                for (k, v) in o.extra_params.unwrap_or_default() {
                    extra.push((k, self.template(v)));
                }
                AuthDef::OAuth2(Box::new(OAuth2Def {
                    span,
                    grant,
                    auth_url: self.opt_template(o.auth_url),
                    token_url: self.template(o.token_url),
                    device_url: self.opt_template(o.device_url),
                    revocation_url: self.opt_template(o.revocation_url),
                    client_id: self.template(o.client_id),
                    client_secret: self.opt_template(o.client_secret),
                    scope: self.opt_template(o.scope),
                    callback_url: self.opt_template(o.callback_url),
                    client_auth,
                    pkce: o.pkce.unwrap_or(true),
                    refresh_token: self.opt_template(o.refresh_token),
                    username: self.opt_template(o.username),
                    password: self.opt_template(o.password),
                    extra_params: extra,
                }))
            }
        })
    }

    /// `follow_authorization_header:`: true, false or a list of host patterns.
    pub(super) fn trust(&mut self, v: &Sp<Value>) -> TrustDef {
        let span = self.sp(v);
        match &v.value {
            Value::Bool(true) => TrustDef::Always,
            Value::Bool(false) => TrustDef::Never,
            Value::Array(items) => {
                let mut hosts = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if !s.is_empty() => {
                            hosts.push(Template::new(s.clone(), span.clone()))
                        }
                        other => self.error(
                            format!(
                                "`follow_authorization_header`: a host pattern must be a non-empty string, found {}",
                                short(other)
                            ),
                            span.clone(),
                        ),
                    }
                }
                TrustDef::Hosts(hosts)
            }
            other => {
                self.error_help(
                    format!(
                        "`follow_authorization_header` must be true, false or a list of host patterns, found {}",
                        short(other)
                    ),
                    span,
                    Some("for example [\"design.example.com\", \"*.example.org\"]".into()),
                );
                TrustDef::Never
            }
        }
    }
}
