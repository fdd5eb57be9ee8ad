//! Rendering a [`RequestDef`] into a [`PreparedRequest`].

use std::path::Path;

use base64::Engine as _;
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use reqwest::Method;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use url::Url;

use super::RunOptions;
use super::literal::check_url;
use super::rendered::{Credential, Export, OAuthUse, Rendered};
use super::result::{RunError, RunErrorKind};
use crate::auth::{OAuth2Params, Refused, TokenSource};
use crate::collection::{AuthDef, BodyDef, OAuth2Def, PartKind, RequestDef, Template, TrustDef};
use crate::diagnostic::Span;
use crate::http::{
    HostPattern, Part, PartValue, PreparedBody, PreparedRequest, RedirectPolicy, Trust,
};
use crate::paths::FileRoot;
use crate::secrets::Masker;
use crate::template::Engine;
use crate::vars::Vars;

/// What rendering needs.
pub struct Renderer<'a> {
    /// Compiled templates.
    pub engine: &'a Engine,
    /// Current variables.
    pub scope: &'a Vars,
    /// Learns every credential used.
    pub masker: &'a Masker,
    /// Where relative file paths start.
    pub dir: &'a Path,
    /// The folder the collection's files must lie under.
    pub file_root: &'a FileRoot,
    /// OAuth2 tokens of the run.
    pub tokens: Option<&'a TokenSource>,
    /// Set when the request is shown rather than sent: templates render through it, files
    /// are not read, and the credential stays typed instead of becoming a header.
    pub export: Option<&'a (dyn Export + Sync)>,
}

impl Renderer<'_> {
    fn render(&self, t: &Template) -> Result<String, RunError> {
        match self.export {
            Some(export) => export.render(self.engine, t, self.scope),
            None => self.engine.render(t, self.scope),
        }
        .map_err(|e| RunError {
            span: e.span.clone(),
            kind: RunErrorKind::Template(e),
            assert: true,
        })
    }

    fn request_error(&self, message: String, t: Option<&Template>) -> RunError {
        RunError {
            span: t.and_then(|t| t.span.clone()),
            kind: RunErrorKind::Request(message),
            assert: true,
        }
    }

    /// Renders the request, with the OAuth2 token it carries, if any. The run's timeout
    /// and body limit apply when the request sets none.
    pub async fn prepare(
        &self,
        req: &RequestDef,
        defaults: &RunOptions,
    ) -> Result<(PreparedRequest, Option<OAuthUse>), RunError> {
        let rendered = self.render_request(req, defaults).await?;
        Ok((rendered.request, rendered.oauth))
    }

    /// Renders the request. Unless exporting, the credential becomes the Authorization
    /// header, an OAuth2 token being obtained first.
    pub async fn render_request(
        &self,
        req: &RequestDef,
        defaults: &RunOptions,
    ) -> Result<Rendered, RunError> {
        let method = Method::from_bytes(req.method.as_bytes())
            .map_err(|_| self.request_error(format!("invalid method `{}`", req.method), None))?;
        let url_text = self.render(&req.url)?;
        let mut url = check_url(&url_text).map_err(|e| {
            let message = match e.help {
                Some(help) => format!("{}: {} ({help})", e.what, e.why),
                None => format!("{}: {}", e.what, e.why),
            };
            self.request_error(message, Some(&req.url))
        })?;
        let userinfo = self.take_userinfo(&mut url);
        if !req.query.is_empty() {
            let mut pairs = Vec::with_capacity(req.query.len());
            for (k, v) in &req.query {
                pairs.push((k, self.render(v)?));
            }
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, &v);
            }
        }
        let mut headers = HeaderMap::with_capacity(req.headers.len() + 2);
        for (name, value) in &req.headers {
            let rendered = self.render(value)?;
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                self.request_error(format!("invalid header name `{name}`"), Some(value))
            })?;
            let hv = HeaderValue::from_str(rendered.trim()).map_err(|_| {
                self.request_error(format!("invalid value for header `{name}`"), Some(value))
            })?;
            if name == header::AUTHORIZATION || name == header::PROXY_AUTHORIZATION {
                self.mask_authorization(rendered.trim());
            }
            headers.insert(name, hv);
        }
        let mut oauth = None;
        let mut credential = None;
        if !headers.contains_key(header::AUTHORIZATION) {
            credential = match &*req.auth {
                AuthDef::OAuth2(o) => Some(Credential::OAuth2(Box::new(self.oauth2_params(o)?))),
                auth => self.credential(auth)?.or(userinfo),
            };
            if self.export.is_none() {
                match credential.take() {
                    Some(Credential::OAuth2(params)) => {
                        let used = self.oauth2(*params, o_span(&req.auth)).await?;
                        let value = used.token.header_value().ok_or_else(|| {
                            self.request_error(
                                "the access token is not a valid header value".into(),
                                None,
                            )
                        })?;
                        headers.insert(header::AUTHORIZATION, value);
                        oauth = Some(used);
                    }
                    Some(c) => {
                        let value = c.header().and_then(|v| HeaderValue::from_str(&v).ok());
                        let value = value.ok_or_else(|| {
                            self.request_error(
                                "the credentials contain characters not allowed in a header".into(),
                                None,
                            )
                        })?;
                        headers.insert(header::AUTHORIZATION, value);
                    }
                    None => {}
                }
            }
        }
        let body = self.body(req, &mut headers).await?;
        let trust = match &req.trust {
            TrustDef::Never => Trust::Never,
            TrustDef::Always => Trust::Always,
            TrustDef::Hosts(patterns) => {
                let mut out = Vec::with_capacity(patterns.len());
                for p in patterns {
                    let text = self.render(p)?;
                    out.push(
                        HostPattern::parse(&text).map_err(|e| self.request_error(e, Some(p)))?,
                    );
                }
                Trust::Hosts(out)
            }
        };
        Ok(Rendered {
            request: PreparedRequest {
                method,
                url,
                headers,
                body,
                timeout: req.timeout.unwrap_or(defaults.timeout),
                max_body: req.max_body.unwrap_or(defaults.max_body),
                redirects: RedirectPolicy {
                    follow: req.follow_redirects,
                    max: req.max_redirects,
                    trust,
                },
            },
            credential,
            oauth,
        })
    }

    /// Moves `user:password@` out of the URL into a Basic Authorization value, so that
    /// it follows the redirect rules of every Authorization header and never shows in
    /// a printed URL.
    fn take_userinfo(&self, url: &mut Url) -> Option<Credential> {
        if url.username().is_empty() && url.password().is_none() {
            return None;
        }
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = decode(url.username());
        let pass = url.password().map(decode).unwrap_or_default();
        match url.password() {
            Some(raw) => self.masker.add(raw),
            // A lone user name (`https://TOKEN@host/`) is the credential.
            None => {
                self.masker.add(url.username());
                self.masker.add(&user);
            }
        }
        self.masker.add_basic(&user, &pass);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Some(Credential::Basic {
            user,
            password: pass,
        })
    }

    fn mask_authorization(&self, value: &str) {
        self.masker.add(value);
        if let Some((scheme, credential)) = value.split_once(' ') {
            let credential = credential.trim();
            self.masker.add(credential);
            // A Basic credential also hides its password, which a server may echo decoded.
            if scheme.eq_ignore_ascii_case("basic")
                && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(credential)
                && let Ok(pair) = String::from_utf8(bytes)
                && let Some((user, password)) = pair.split_once(':')
            {
                self.masker.add_basic(user, password);
            }
        }
    }

    fn credential(&self, auth: &AuthDef) -> Result<Option<Credential>, RunError> {
        Ok(match auth {
            AuthDef::None | AuthDef::OAuth2(_) => None,
            AuthDef::Bearer(t) => {
                let token = self.render(t)?.trim().to_string();
                self.masker.add(&token);
                Some(Credential::Bearer(token))
            }
            AuthDef::Basic { username, password } => {
                let user = self.render(username)?;
                let pass = self.render(password)?;
                self.masker.add_basic(&user, &pass);
                let encoded =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
                self.masker.add(&encoded);
                Some(Credential::Basic {
                    user,
                    password: pass,
                })
            }
        })
    }

    /// Renders an `oauth2:` block.
    pub fn oauth2_params(&self, o: &OAuth2Def) -> Result<OAuth2Params, RunError> {
        let opt = |t: &Option<Template>| -> Result<Option<String>, RunError> {
            t.as_ref()
                .map(|t| self.render(t).map(|s| s.trim().to_string()))
                .transpose()
        };
        let secret =
            |t: &Option<Template>| -> Result<Option<crate::secrets::SecretString>, RunError> {
                Ok(opt(t)?
                    .filter(|s| !s.is_empty())
                    .map(crate::secrets::SecretString::new))
            };
        let mut extra_params = Vec::with_capacity(o.extra_params.len());
        for (k, v) in &o.extra_params {
            extra_params.push((k.clone(), self.render(v)?));
        }
        let params = OAuth2Params {
            grant: o.grant,
            auth_url: opt(&o.auth_url)?,
            token_url: self.render(&o.token_url)?.trim().to_string(),
            device_url: opt(&o.device_url)?,
            revocation_url: opt(&o.revocation_url)?,
            client_id: self.render(&o.client_id)?.trim().to_string(),
            client_secret: secret(&o.client_secret)?,
            scope: o.scope.as_ref().map(|t| self.render(t)).transpose()?,
            callback_url: opt(&o.callback_url)?,
            client_auth: o.client_auth,
            pkce: o.pkce,
            refresh_token: secret(&o.refresh_token)?,
            username: opt(&o.username)?,
            password: secret(&o.password)?,
            extra_params,
        };
        crate::auth::oauth2::mask_client(&params, self.masker);
        Ok(params)
    }

    async fn oauth2(&self, params: OAuth2Params, span: Option<Span>) -> Result<OAuthUse, RunError> {
        let Some(tokens) = self.tokens else {
            return Err(RunError {
                span: span.clone(),
                kind: RunErrorKind::Auth("OAuth2 is not set up for this command".into()),
                assert: false,
            });
        };
        let issued = tokens
            .token_for_request(&params)
            .await
            .map_err(|refused| match refused {
                Refused::First(e) => RunError {
                    span: span.clone(),
                    kind: RunErrorKind::Auth(e.to_string()),
                    assert: false,
                },
                // Told in full to the request that asked first.
                Refused::Again { refresh, .. } => RunError {
                    kind: RunErrorKind::NotSent({
                        let what = if refresh {
                            "token refresh failed"
                        } else {
                            "login failed"
                        };
                        match &span {
                            Some(at) => format!("{what} (oauth2 at {at})"),
                            None => format!("{what} (oauth2)"),
                        }
                    }),
                    span: span.clone(),
                    assert: true,
                },
            })?;
        Ok(OAuthUse {
            params,
            token: issued.token,
            from_cache: issued.from_cache,
            span,
        })
    }

    async fn body(
        &self,
        req: &RequestDef,
        headers: &mut HeaderMap,
    ) -> Result<PreparedBody, RunError> {
        let set_type = |headers: &mut HeaderMap, value: &str| {
            if !headers.contains_key(header::CONTENT_TYPE)
                && let Ok(v) = HeaderValue::from_str(value)
            {
                headers.insert(header::CONTENT_TYPE, v);
            }
        };
        Ok(match req.body.as_deref() {
            None => PreparedBody::Empty,
            Some(BodyDef::Json(t)) => {
                let value = match self.export {
                    Some(export) => export.render_json(self.engine, t, self.scope),
                    None => self.engine.render_json(t, self.scope),
                }
                .map_err(|e| RunError {
                    span: e.span.clone(),
                    kind: RunErrorKind::Template(e),
                    assert: true,
                })?;
                set_type(headers, "application/json");
                PreparedBody::Bytes(Bytes::from(serde_json::to_vec(&value).unwrap_or_default()))
            }
            Some(BodyDef::Form(fields)) => {
                let mut ser = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in fields {
                    ser.append_pair(k, &self.render(v)?);
                }
                set_type(headers, "application/x-www-form-urlencoded");
                PreparedBody::Bytes(Bytes::from(ser.finish()))
            }
            Some(BodyDef::Raw { text, content_type }) => {
                let body = self.render(text)?;
                let ct = match content_type {
                    Some(t) => self.render(t)?,
                    None => "text/plain; charset=utf-8".into(),
                };
                set_type(headers, &ct);
                PreparedBody::Bytes(Bytes::from(body))
            }
            Some(BodyDef::File { path, content_type }) => {
                let (bytes, guessed) = self.read_file(path).await?;
                let ct = match content_type {
                    Some(t) => self.render(t)?,
                    None => guessed,
                };
                set_type(headers, &ct);
                PreparedBody::Bytes(bytes)
            }
            Some(BodyDef::Multipart(parts)) => {
                let mut out = Vec::with_capacity(parts.len());
                for part in parts {
                    let value = match &part.kind {
                        PartKind::Text(t) => PartValue::Text(self.render(t)?),
                        PartKind::File {
                            path,
                            filename,
                            content_type,
                        } => {
                            let (bytes, guessed) = self.read_file(path).await?;
                            let rendered_path = self.render(path)?;
                            let filename = match filename {
                                Some(f) => self.render(f)?,
                                None => Path::new(&rendered_path)
                                    .file_name()
                                    .map(|n| n.to_string_lossy().into_owned())
                                    .unwrap_or(rendered_path),
                            };
                            let content_type = match content_type {
                                Some(t) => self.render(t)?,
                                None => guessed,
                            };
                            PartValue::File {
                                filename,
                                content_type,
                                bytes,
                            }
                        }
                    };
                    out.push(Part {
                        name: part.name.clone(),
                        value,
                    });
                }
                PreparedBody::Multipart(out)
            }
        })
    }

    async fn read_file(&self, path: &Template) -> Result<(Bytes, String), RunError> {
        let rendered = self.render(path)?;
        if self.export.is_some() {
            // Shown as a file reference: not read.
            let guessed = mime_guess::from_path(&rendered).first_or_octet_stream();
            return Ok((Bytes::new(), guessed.essence_str().to_string()));
        }
        let full = self
            .file_root
            .confine(self.dir, &rendered)
            .map_err(|m| self.request_error(format!("body file: {m}"), Some(path)))?;
        let bytes = tokio::fs::read(&full).await.map_err(|e| {
            self.request_error(
                format!("cannot read body file {}: {e}", full.display()),
                Some(path),
            )
        })?;
        let guessed = mime_guess::from_path(&full)
            .first_or_octet_stream()
            .essence_str()
            .to_string();
        Ok((Bytes::from(bytes), guessed))
    }
}

/// Where an `oauth2:` block is written.
fn o_span(auth: &AuthDef) -> Option<Span> {
    match auth {
        AuthDef::OAuth2(o) => o.span.clone(),
        _ => None,
    }
}
