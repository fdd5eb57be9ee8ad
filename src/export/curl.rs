//! `runner curl`: each request as a runnable curl command, written from the request the
//! runner would send ([`Renderer::render_request`]). Values from the process environment,
//! secret variables and captured values are written as shell references
//! (`"${OIC_CLIENT_SECRET}"`), never as their values.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use reqwest::header;

use super::shell::{ShellRefs, shell_name};
use crate::auth::{ClientAuth, Grant, OAuth2Params};
use crate::collection::{BodyDef, Collection, Environment, PartKind, Template};
use crate::diagnostic::Diagnostic;
use crate::http::{PartValue, PreparedBody, PreparedRequest, Trust};
use crate::runner::{Credential, Rendered, Renderer, RunError, RunOptions};
use crate::secrets::Masker;
use crate::template::Engine;
use crate::vars::{Layers, Vars, resolve};

/// What the printed script needs: variables whose hidden values are stand-ins.
pub struct CurlContext<'a> {
    engine: Engine,
    vars: Vars,
    refs: ShellRefs,
    collection: &'a Collection,
    jq: bool,
    /// How to run `runner auth token` for this collection and environment.
    auth_command: String,
    /// OAuth2 configurations whose token request is already written.
    tokens: Vec<String>,
}

impl<'a> CurlContext<'a> {
    /// A context for one collection and its environment; `cli` are `--var` values and
    /// `env_names` the names of the process environment (their values are not read).
    pub fn new(
        collection: &'a Collection,
        env: &Environment,
        cli: &[(String, String)],
        env_names: impl IntoIterator<Item = String>,
        jq: bool,
        auth_command: String,
    ) -> Result<CurlContext<'a>, Vec<Diagnostic>> {
        let refs = ShellRefs::default();
        let process_env: BTreeMap<String, String> = env_names
            .into_iter()
            .map(|n| {
                let r = refs.var(&shell_name(&n), "from the environment".into());
                (n, r)
            })
            .collect();
        let engine = Engine::new();
        let captured: HashSet<String> = collection
            .requests
            .iter()
            .flat_map(|r| r.captures.iter().map(|c| c.name.clone()))
            .collect();
        let layers = Layers {
            collection: &collection.variables,
            environment: &env.variables,
            cli,
            mock_url: None,
            process_env,
            secrets: collection
                .secrets
                .iter()
                .chain(&env.secrets)
                .cloned()
                .collect(),
            masker: None,
            used: None,
        };
        let mut vars = resolve(layers, &engine, &captured)?.vars;
        let defined: BTreeSet<&str> = collection
            .variables
            .iter()
            .chain(&env.variables)
            .map(|d| d.name.as_str())
            .collect();
        for r in &collection.requests {
            for c in &r.captures {
                if !defined.contains(c.name.as_str()) && !vars.is_pinned(&c.name) {
                    let why = format!("captured by `{}` in a run", r.path());
                    let stand_in = refs.var(&shell_name(&c.name), why);
                    vars.capture(&c.name, &serde_json::Value::from(stand_in));
                }
            }
        }
        vars.refresh(&engine);
        // Secret values (a `--var` one too) become shell variables named after them; a
        // value already written with references (`{{ env.SECRET }}`) keeps them.
        vars.replace_secrets(&mut |path, leaf| {
            (!ShellRefs::holds_ref(leaf)).then(|| {
                let name = shell_name(&path.to_ascii_uppercase());
                refs.var(&name, format!("the secret variable `{path}`"))
            })
        });
        Ok(CurlContext {
            engine,
            vars,
            refs,
            collection,
            jq,
            auth_command,
            tokens: Vec::new(),
        })
    }

    /// The commands for the selected requests, as one shell script.
    pub async fn script(&mut self, selected: &[usize]) -> Result<String, (String, RunError)> {
        let collection = self.collection;
        let masker = Masker::new();
        let options = RunOptions {
            timeout: Duration::from_secs(30),
            bail: false,
            max_body: u64::MAX,
        };
        let mut body = String::new();
        for &i in selected {
            let req = &collection.requests[i];
            let renderer = Renderer {
                engine: &self.engine,
                scope: &self.vars,
                masker: &masker,
                dir: &collection.dir,
                file_root: &collection.file_root,
                tokens: None,
                export: Some(&self.refs),
            };
            let rendered = renderer
                .render_request(req, &options)
                .await
                .map_err(|e| (req.path(), e))?;
            let mut pre = String::new();
            let cmd = self.command(&rendered, &req.headers, req.body.as_deref(), &mut pre);
            body.push_str(&pre);
            body.push_str(&format!("# {}\n{cmd}\n\n", req.path()));
        }
        let mut out = String::from("#!/bin/sh\n");
        out.push_str(&format!(
            "# {} — generated by `runner curl`\n",
            collection.name
        ));
        let inputs = self.refs.inputs();
        if !inputs.is_empty() {
            out.push_str("# Set these shell variables first:\n");
            for (n, why) in &inputs {
                out.push_str(&format!("#   {n}  ({why})\n"));
            }
        }
        out.push('\n');
        out.push_str(&body);
        Ok(out)
    }

    fn q(&self, s: &str) -> String {
        self.refs.quote(s)
    }

    fn command(
        &mut self,
        rendered: &Rendered,
        header_defs: &[(String, Template)],
        body_def: Option<&BodyDef>,
        pre: &mut String,
    ) -> String {
        let r: &PreparedRequest = &rendered.request;
        let mut args: Vec<String> = vec!["curl".into()];
        let has_body = !matches!(r.body, PreparedBody::Empty);
        match r.method.as_str() {
            "GET" if !has_body => {}
            "POST" if has_body => {}
            "HEAD" => args.push("--head".into()),
            m => args.push(format!("-X {m}")),
        }
        if r.redirects.follow {
            let trusted = !matches!(r.redirects.trust, Trust::Never);
            args.push(if trusted { "--location-trusted" } else { "-L" }.into());
            args.push(format!("--max-redirs {}", r.redirects.max));
            if let Trust::Hosts(_) = r.redirects.trust {
                pre.push_str("# curl cannot limit the forwarded Authorization to some hosts: --location-trusted sends it to every redirect target\n");
            }
        }
        match &rendered.credential {
            None => {}
            Some(Credential::Bearer(token)) => {
                let h = format!("Authorization: Bearer {token}");
                args.push(format!("-H {}", self.q(&h)));
            }
            Some(Credential::Basic { user, password }) => {
                args.push(format!("-u {}", self.q(&format!("{user}:{password}"))));
            }
            Some(Credential::OAuth2(params)) => {
                let var = self.token_step(params, pre);
                let h = format!(
                    "Authorization: Bearer {}",
                    self.refs.expr(format!("${{{var}}}"))
                );
                args.push(format!("-H {}", self.q(&h)));
            }
        }
        for (name, value) in &r.headers {
            let value = String::from_utf8_lossy(value.as_bytes());
            let h = format!("{}: {value}", header_name(name, header_defs));
            args.push(format!("-H {}", self.q(&h)));
        }
        self.body(r, body_def, &mut args);
        args.extend(self.url(&r.url));
        args.join(" \\\n  ")
    }

    /// The URL; query parameters holding references go in `--url-query`, which encodes
    /// them as the runner does, the others stay as they are.
    fn url(&self, url: &url::Url) -> Vec<String> {
        let Some(query) = url.query().filter(|q| ShellRefs::holds_ref(q)) else {
            return vec![self.q(url.as_str())];
        };
        let mut base = url.clone();
        base.set_query(None);
        let mut out = Vec::new();
        for pair in query.split('&') {
            if ShellRefs::holds_ref(pair) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let v: String = url::form_urlencoded::parse(format!("v={v}").as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .collect();
                out.push(format!("--url-query {}", self.q(&format!("{k}={v}"))));
            } else {
                out.push(format!("--url-query {}", self.q(&format!("+{pair}"))));
            }
        }
        out.push(self.q(base.as_str()));
        out
    }

    fn body(&self, r: &PreparedRequest, def: Option<&BodyDef>, args: &mut Vec<String>) {
        match (&r.body, def) {
            (PreparedBody::Empty, _) => {}
            (PreparedBody::Bytes(_), Some(BodyDef::File { path, .. })) => {
                let path = self.file(path);
                args.push(format!("--data-binary {}", self.q(&format!("@{path}"))));
            }
            (PreparedBody::Bytes(bytes), Some(BodyDef::Form(_))) => {
                let text = String::from_utf8_lossy(bytes);
                for pair in text.split('&') {
                    if ShellRefs::holds_ref(pair) {
                        let (k, v) = url::form_urlencoded::parse(pair.as_bytes())
                            .next()
                            .unwrap_or_default();
                        let field = format!(
                            "{}={v}",
                            url::form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>()
                        );
                        args.push(format!("--data-urlencode {}", self.q(&field)));
                    } else {
                        args.push(format!("--data-raw {}", self.q(pair)));
                    }
                }
            }
            (PreparedBody::Bytes(bytes), _) => {
                let text = String::from_utf8_lossy(bytes);
                args.push(format!("--data-raw {}", self.q(&text)));
            }
            (PreparedBody::Multipart(parts), def) => {
                let defs = match def {
                    Some(BodyDef::Multipart(d)) => d.as_slice(),
                    _ => &[],
                };
                for (i, part) in parts.iter().enumerate() {
                    match (&part.value, defs.get(i).map(|d| &d.kind)) {
                        (PartValue::Text(v), _) => args.push(format!(
                            "--form-string {}",
                            self.q(&format!("{}={v}", part.name))
                        )),
                        (
                            PartValue::File {
                                filename,
                                content_type,
                                ..
                            },
                            Some(PartKind::File { path, .. }),
                        ) => {
                            let spec = format!(
                                "{}=@{};filename={filename};type={content_type}",
                                part.name,
                                self.file(path)
                            );
                            args.push(format!("-F {}", self.q(&spec)));
                        }
                        (PartValue::File { .. }, _) => {}
                    }
                }
            }
        }
    }

    /// A body file path, relative to the collection's folder as the runner reads it.
    fn file(&self, t: &Template) -> String {
        let p = self.engine.render(t, &self.vars).unwrap_or_default();
        if p.starts_with('/') || ShellRefs::holds_ref(&p) {
            return p;
        }
        self.collection.dir.join(&p).to_string_lossy().into_owned()
    }

    /// Writes the token request once per OAuth2 configuration; returns the shell variable.
    fn token_step(&mut self, o: &OAuth2Params, pre: &mut String) -> String {
        let key = format!(
            "{}\u{0}{}\u{0}{}\u{0}{:?}",
            o.grant.as_str(),
            o.token_url,
            o.client_id,
            o.scope
        );
        let name = |i: usize| {
            if i == 0 {
                "ACCESS_TOKEN".to_string()
            } else {
                format!("ACCESS_TOKEN_{}", i + 1)
            }
        };
        if let Some(i) = self.tokens.iter().position(|k| *k == key) {
            return name(i);
        }
        let var = name(self.tokens.len());
        self.tokens.push(key);
        let field = |k: &str, v: &str| format!("--data-urlencode {}", self.q(&format!("{k}={v}")));
        let secret = o.client_secret.as_ref().map(|s| s.expose()).unwrap_or("");
        // The fields in the order the runner sends them: the grant's, the scope, the client's.
        let mut args: Vec<String> = vec!["curl -s".into()];
        if let (ClientAuth::Basic, Some(_)) = (o.client_auth, &o.client_secret) {
            args.push(format!(
                "-u {}",
                self.q(&format!("{}:{secret}", o.client_id))
            ));
        }
        let grant = match o.grant {
            Grant::ClientCredentials => "client_credentials",
            Grant::Password => "password",
            _ => "refresh_token",
        };
        args.push(format!("-d grant_type={grant}"));
        match o.grant {
            Grant::Password => {
                args.push(field("username", o.username.as_deref().unwrap_or("")));
                let p = o.password.as_ref().map(|s| s.expose()).unwrap_or("");
                args.push(field("password", p));
            }
            Grant::ClientCredentials => {}
            _ => {
                let rt = match &o.refresh_token {
                    Some(t) => t.expose().to_string(),
                    None => self.refs.var(
                        "REFRESH_TOKEN",
                        format!("from `{} --refresh-token`", self.auth_command),
                    ),
                };
                args.push(field("refresh_token", &rt));
            }
        }
        if let Some(s) = o.scope.as_ref().filter(|s| !s.is_empty()) {
            args.push(field("scope", s));
        }
        match (o.client_auth, &o.client_secret) {
            (ClientAuth::Basic, Some(_)) => {}
            (ClientAuth::Body, Some(_)) => {
                args.push(field("client_id", &o.client_id));
                args.push(field("client_secret", secret));
            }
            _ => args.push(field("client_id", &o.client_id)),
        }
        args.push(self.q(&o.token_url));
        let extract = if self.jq {
            "jq -r .access_token".to_string()
        } else {
            pre.push_str(
                "# jq is not installed: the access token is cut out of the JSON with sed\n",
            );
            r#"sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'"#.to_string()
        };
        let grant_name = o.grant.as_str();
        pre.push_str(&format!("# OAuth2 token ({grant_name} grant)"));
        if matches!(o.grant, Grant::AuthorizationCode | Grant::DeviceCode) {
            pre.push_str(&format!(
                ": the {grant_name} login needs a browser; log in once with `{}` and use the refresh token,\n# or take the token from runner directly: {var}=$({})",
                self.auth_command.replace(" token ", " login "),
                self.auth_command
            ));
        }
        pre.push('\n');
        pre.push_str(&format!(
            "{var}=$({} | {extract})\n\n",
            args.join(" \\\n  ")
        ));
        var
    }
}

/// A header's name as the collection writes it (`X-Api-Key`), or in its usual spelling.
fn header_name(name: &header::HeaderName, defs: &[(String, Template)]) -> String {
    if let Some((n, _)) = defs
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
    {
        return n.clone();
    }
    name.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}
