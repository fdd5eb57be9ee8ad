//! `runner curl`: each request as a runnable curl command. Values that come from the
//! process environment, secret variables and captured values are written as shell
//! variable references (`"$OIC_CLIENT_SECRET"`), never as their values.

use std::collections::{BTreeMap, BTreeSet};

use minijinja::Value;

use crate::collection::{
    AuthDef, BodyDef, ClientAuth, Collection, Environment, Grant, JsonTemplate, OAuth2Def,
    PartKind, RequestDef, Template, TrustDef,
};
use crate::template::{Engine, Scope, TemplateError};

const OPEN: char = '\u{1}';
const CLOSE: char = '\u{2}';

/// A value standing for the shell variable `name`.
fn shell_ref(name: &str) -> String {
    format!("{OPEN}{name}{CLOSE}")
}

/// Shell variable names for process environment names (`OIC_CLIENT_SECRET`).
fn shell_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// The text as one double-quoted shell word; shell references become `${NAME}`.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    let mut rest = s;
    while !rest.is_empty() {
        match rest.find(OPEN) {
            Some(0) => {
                let end = rest.find(CLOSE).unwrap_or(rest.len());
                out.push_str(&format!("${{{}}}", &rest[1..end]));
                rest = rest.get(end + 1..).unwrap_or("");
            }
            Some(i) => {
                escape_into(&mut out, &rest[..i]);
                rest = &rest[i..];
            }
            None => {
                escape_into(&mut out, rest);
                rest = "";
            }
        }
    }
    out.push('"');
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Percent-encodes the literal parts of a query component, keeping references intact.
fn encode(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix(OPEN) {
            let end = stripped.find(CLOSE).unwrap_or(stripped.len());
            out.push_str(&shell_ref(&stripped[..end]));
            rest = stripped.get(end + 1..).unwrap_or("");
        } else {
            let i = rest.find(OPEN).unwrap_or(rest.len());
            out.extend(url::form_urlencoded::byte_serialize(&rest.as_bytes()[..i]));
            rest = &rest[i..];
        }
    }
    out
}

/// What the printed script needs: rendered values with references.
pub struct CurlContext<'a> {
    engine: Engine,
    scope: Scope,
    /// Shell variables the commands read, with why.
    pub inputs: BTreeMap<String, String>,
    collection: &'a Collection,
    jq: bool,
    /// How to run `runner auth token` for this collection and environment.
    auth_command: String,
}

impl<'a> CurlContext<'a> {
    /// A context for one collection and its environment; `vars` are `--var` values and
    /// `env_names` the names of the process environment (their values are not read).
    pub fn new(
        collection: &'a Collection,
        env: &Environment,
        vars: &[(String, String)],
        env_names: impl IntoIterator<Item = String>,
        jq: bool,
        auth_command: String,
    ) -> CurlContext<'a> {
        let process_env: BTreeMap<String, String> = env_names
            .into_iter()
            .map(|n| {
                let r = shell_ref(&shell_name(&n));
                (n, r)
            })
            .collect();
        let engine = Engine::new();
        let mut scope = Scope::new(process_env);
        for (k, v) in vars {
            scope.pin(k, Value::from(v.as_str()));
        }
        let mut inputs = BTreeMap::new();
        let defined: BTreeSet<&str> = collection
            .variables
            .iter()
            .chain(&env.variables)
            .map(|d| d.name.as_str())
            .collect();
        for r in &collection.requests {
            for c in &r.captures {
                if !defined.contains(c.name.as_str()) && !scope.is_pinned(&c.name) {
                    let n = shell_name(&c.name);
                    scope.set(&c.name, Value::from(shell_ref(&n)));
                    inputs.insert(n, format!("captured by `{}` in a run", r.path()));
                }
            }
        }
        for d in collection
            .variables
            .iter()
            .filter(|c| !env.variables.iter().any(|e| e.name == c.name))
            .chain(&env.variables)
        {
            if !scope.is_pinned(&d.name) {
                scope.derive(
                    &d.name,
                    JsonTemplate {
                        value: d.value.clone(),
                        span: d.span.clone(),
                    },
                );
            }
        }
        scope.refresh(&engine);
        for name in collection.secrets.iter().chain(&env.secrets) {
            let shown = scope.get(name).map(|v| v.to_string()).unwrap_or_default();
            if !shown.contains(OPEN) && !scope.is_pinned(name) {
                let n = shell_name(&name.to_ascii_uppercase());
                scope.set(name, Value::from(shell_ref(&n)));
                inputs.insert(n, format!("the secret variable `{name}`"));
            }
        }
        CurlContext {
            engine,
            scope,
            inputs,
            collection,
            jq,
            auth_command,
        }
    }

    fn render(&mut self, t: &Template) -> Result<String, TemplateError> {
        let s = self.engine.render(t, self.scope.context())?;
        self.note_refs(&s);
        Ok(s)
    }

    fn note_refs(&mut self, s: &str) {
        for part in s.split(OPEN).skip(1) {
            if let Some((name, _)) = part.split_once(CLOSE) {
                self.inputs
                    .entry(name.to_string())
                    .or_insert_with(|| "from the environment".to_string());
            }
        }
    }

    /// The commands for the selected requests, as one shell script.
    pub fn script(&mut self, selected: &[usize]) -> Result<String, (String, TemplateError)> {
        let collection = self.collection;
        let mut body = String::new();
        let mut tokens: Vec<String> = Vec::new();
        for &i in selected {
            let req = &collection.requests[i];
            let mut auth_lines = String::new();
            let cmd = self
                .request(req, &mut tokens, &mut auth_lines)
                .map_err(|e| (req.path(), e))?;
            body.push_str(&auth_lines);
            body.push_str(&format!("# {}\n{cmd}\n\n", req.path()));
        }
        let mut out = String::from("#!/bin/sh\n");
        out.push_str(&format!(
            "# {} — generated by `runner curl`\n",
            collection.name
        ));
        if !self.inputs.is_empty() {
            out.push_str("# Set these shell variables first:\n");
            for (n, why) in &self.inputs {
                out.push_str(&format!("#   {n}  ({why})\n"));
            }
        }
        out.push('\n');
        out.push_str(&body);
        Ok(out)
    }

    fn request(
        &mut self,
        req: &RequestDef,
        tokens: &mut Vec<String>,
        pre: &mut String,
    ) -> Result<String, TemplateError> {
        let mut args: Vec<String> = vec!["curl".into()];
        let has_body = req.body.is_some();
        match req.method.as_str() {
            "GET" if !has_body => {}
            "POST" if has_body => {}
            "HEAD" => args.push("--head".into()),
            m => args.push(format!("-X {m}")),
        }
        if req.follow_redirects {
            let trusted = !matches!(req.trust, TrustDef::Never);
            args.push(if trusted { "--location-trusted" } else { "-L" }.into());
            args.push(format!("--max-redirs {}", req.max_redirects));
            if let TrustDef::Hosts(_) = req.trust {
                pre.push_str("# curl cannot limit the forwarded Authorization to some hosts: --location-trusted sends it to every redirect target\n");
            }
        }
        let mut url = self.render(&req.url)?.trim().to_string();
        let mut pairs = Vec::new();
        for (k, v) in &req.query {
            let v = self.render(v)?;
            pairs.push(format!("{}={}", encode(k), encode(&v)));
        }
        if !pairs.is_empty() {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&pairs.join("&"));
        }
        match &req.auth {
            AuthDef::None => {}
            AuthDef::Bearer(t) => {
                let t = self.render(t)?;
                args.push(format!(
                    "-H {}",
                    quote(&format!("Authorization: Bearer {t}"))
                ));
            }
            AuthDef::Basic { username, password } => {
                let u = self.render(username)?;
                let p = self.render(password)?;
                args.push(format!("-u {}", quote(&format!("{u}:{p}"))));
            }
            AuthDef::OAuth2(o) => {
                let var = self.token_step(o, tokens, pre)?;
                args.push(format!(
                    "-H {}",
                    quote(&format!("Authorization: Bearer {}", shell_ref(&var)))
                ));
            }
        }
        for (k, v) in &req.headers {
            let v = self.render(v)?;
            args.push(format!("-H {}", quote(&format!("{k}: {v}"))));
        }
        match &req.body {
            None => {}
            Some(BodyDef::Json(j)) => {
                let v = self.engine.render_json(j, self.scope.context())?;
                let text = serde_json::to_string(&v)
                    .unwrap_or_default()
                    .replace("\\u0001", "\u{1}")
                    .replace("\\u0002", "\u{2}");
                self.note_refs(&text);
                args.push(format!("--json {}", quote(&text)));
            }
            Some(BodyDef::Raw { text, content_type }) => {
                if let Some(ct) = content_type {
                    let ct = self.render(ct)?;
                    args.push(format!("-H {}", quote(&format!("Content-Type: {ct}"))));
                }
                let text = self.render(text)?;
                args.push(format!("--data-raw {}", quote(&text)));
            }
            Some(BodyDef::Form(fields)) => {
                for (k, v) in fields {
                    let v = self.render(v)?;
                    args.push(format!("--data-urlencode {}", quote(&format!("{k}={v}"))));
                }
            }
            Some(BodyDef::Multipart(parts)) => {
                for p in parts {
                    match &p.kind {
                        PartKind::Text(t) => {
                            let v = self.render(t)?;
                            args.push(format!(
                                "--form-string {}",
                                quote(&format!("{}={v}", p.name))
                            ));
                        }
                        PartKind::File {
                            path,
                            filename,
                            content_type,
                        } => {
                            let mut spec = format!("{}=@{}", p.name, self.file(path)?);
                            if let Some(f) = filename {
                                spec.push_str(&format!(";filename={}", self.render(f)?));
                            }
                            if let Some(ct) = content_type {
                                spec.push_str(&format!(";type={}", self.render(ct)?));
                            }
                            args.push(format!("-F {}", quote(&spec)));
                        }
                    }
                }
            }
            Some(BodyDef::File { path, content_type }) => {
                if let Some(ct) = content_type {
                    let ct = self.render(ct)?;
                    args.push(format!("-H {}", quote(&format!("Content-Type: {ct}"))));
                }
                let path = self.file(path)?;
                args.push(format!("--data-binary {}", quote(&format!("@{path}"))));
            }
        }
        args.push(quote(&url));
        Ok(args.join(" \\\n  "))
    }

    /// A body file path, relative to the collection's folder as the runner reads it.
    fn file(&mut self, t: &Template) -> Result<String, TemplateError> {
        let p = self.render(t)?;
        if p.starts_with('/') || p.contains(OPEN) {
            return Ok(p);
        }
        Ok(self.collection.dir.join(&p).to_string_lossy().into_owned())
    }

    /// Prints the token request once per OAuth2 configuration; returns the shell variable.
    fn token_step(
        &mut self,
        o: &OAuth2Def,
        tokens: &mut Vec<String>,
        pre: &mut String,
    ) -> Result<String, TemplateError> {
        let token_url = self.render(&o.token_url)?;
        let client_id = self.render(&o.client_id)?;
        let scope = o.scope.as_ref().map(|s| self.render(s)).transpose()?;
        let key = format!(
            "{}\u{0}{token_url}\u{0}{client_id}\u{0}{scope:?}",
            o.grant.as_str()
        );
        let var = if tokens.is_empty() {
            "ACCESS_TOKEN".to_string()
        } else {
            format!("ACCESS_TOKEN_{}", tokens.len() + 1)
        };
        if let Some(i) = tokens.iter().position(|k| *k == key) {
            return Ok(if i == 0 {
                "ACCESS_TOKEN".into()
            } else {
                format!("ACCESS_TOKEN_{}", i + 1)
            });
        }
        tokens.push(key);
        let secret = o
            .client_secret
            .as_ref()
            .map(|s| self.render(s))
            .transpose()?;
        let mut args: Vec<String> = vec!["curl -s".into()];
        match o.client_auth {
            ClientAuth::Body => {
                args.push(format!(
                    "--data-urlencode {}",
                    quote(&format!("client_id={client_id}"))
                ));
                if let Some(s) = &secret {
                    args.push(format!(
                        "--data-urlencode {}",
                        quote(&format!("client_secret={s}"))
                    ));
                }
            }
            ClientAuth::None => {
                args.push(format!(
                    "--data-urlencode {}",
                    quote(&format!("client_id={client_id}"))
                ));
            }
            ClientAuth::Basic => args.push(format!(
                "-u {}",
                quote(&format!(
                    "{client_id}:{}",
                    secret.clone().unwrap_or_default()
                ))
            )),
        }
        let grant = match o.grant {
            Grant::ClientCredentials | Grant::Password => o.grant.as_str(),
            _ => Grant::RefreshToken.as_str(),
        };
        args.push(format!("-d grant_type={grant}"));
        match o.grant {
            Grant::Password => {
                let u = o.username.as_ref().map(|t| self.render(t)).transpose()?;
                let p = o.password.as_ref().map(|t| self.render(t)).transpose()?;
                args.push(format!(
                    "--data-urlencode {}",
                    quote(&format!("username={}", u.unwrap_or_default()))
                ));
                args.push(format!(
                    "--data-urlencode {}",
                    quote(&format!("password={}", p.unwrap_or_default()))
                ));
            }
            Grant::ClientCredentials => {}
            _ => {
                let rt = match &o.refresh_token {
                    Some(t) => self.render(t)?,
                    None => {
                        self.inputs.insert(
                            "REFRESH_TOKEN".into(),
                            format!("from `{} --refresh-token`", self.auth_command),
                        );
                        shell_ref("REFRESH_TOKEN")
                    }
                };
                args.push(format!(
                    "--data-urlencode {}",
                    quote(&format!("refresh_token={rt}"))
                ));
            }
        }
        if let Some(s) = &scope {
            args.push(format!("--data-urlencode {}", quote(&format!("scope={s}"))));
        }
        args.push(quote(&token_url));
        let extract = if self.jq {
            "jq -r .access_token".to_string()
        } else {
            pre.push_str(
                "# jq is not installed: the access token is cut out of the JSON with sed\n",
            );
            r#"sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p'"#.to_string()
        };
        pre.push_str(&format!("# OAuth2 token ({} grant)", o.grant.as_str()));
        if o.grant.is_interactive() {
            pre.push_str(&format!(
                ": the {} login needs a browser; log in once with `{}` and use the refresh token,\n# or take the token from runner directly: {var}=$({})",
                o.grant.as_str(),
                self.auth_command.replace(" token ", " login "),
                self.auth_command
            ));
        }
        pre.push('\n');
        pre.push_str(&format!(
            "{var}=$({} | {extract})\n\n",
            args.join(" \\\n  ")
        ));
        Ok(var)
    }
}

#[cfg(test)]
mod tests {
    use super::{encode, quote, shell_ref};

    #[test]
    fn quoting_keeps_references_and_escapes_the_rest() {
        let s = format!("a \"b\" $c `d` {}", shell_ref("SECRET"));
        assert_eq!(quote(&s), r#""a \"b\" \$c \`d\` ${SECRET}""#);
        assert_eq!(
            encode(&format!("a b&{}", shell_ref("X"))),
            format!("a+b%26{}", shell_ref("X"))
        );
    }
}
