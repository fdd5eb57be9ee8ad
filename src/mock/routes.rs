//! Turning requests and their saved examples into routes the mock can match.

use std::sync::Arc;

use base64::Engine as _;
use regex::Regex;

use crate::collection::{AuthDef, Collection, ExampleDef, Template};
use crate::template::Engine;
use crate::vars::Vars;

/// What a route asks of the Authorization header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteAuth {
    /// Nothing: the request has no auth.
    None,
    /// Some Authorization header must be present.
    Any,
    /// Exactly this value (the collection's rendered credentials).
    Exact(String),
}

/// One request of a collection, served from its examples.
#[derive(Debug, Clone)]
pub struct Route {
    /// The request's `Folder/Request` path.
    pub request: String,
    /// Upper-case method.
    pub method: String,
    /// Matches the URL path; named groups are path variables.
    pub path: Regex,
    /// The pattern as shown to people: `/connections/{connection_id}`.
    pub display: String,
    /// How much of the path is literal, to prefer the most specific route.
    pub literal_len: usize,
    /// Saved responses.
    pub examples: Vec<ExampleDef>,
    /// Authorization check.
    pub auth: RouteAuth,
    /// Variables of the collection, for rendering examples.
    pub scope: Arc<Vars>,
}

enum Piece {
    Text(String),
    Param(Option<String>),
}

/// Routes for every request with examples.
pub fn build_routes(collections: &[(Collection, Arc<Vars>)], engine: &Engine) -> Vec<Route> {
    let mut routes = Vec::new();
    for (collection, scope) in collections {
        for req in &collection.requests {
            if req.examples.is_empty() {
                continue;
            }
            let Some((path, display, literal_len)) = path_pattern(&req.url, engine, scope) else {
                continue;
            };
            routes.push(Route {
                request: req.path(),
                method: req.method.clone(),
                path,
                display,
                literal_len,
                examples: req.examples.clone(),
                auth: route_auth(&req.auth, engine, scope),
                scope: Arc::clone(scope),
            });
        }
    }
    routes.sort_by_key(|r| std::cmp::Reverse(r.literal_len));
    routes
}

fn route_auth(auth: &AuthDef, engine: &Engine, scope: &Vars) -> RouteAuth {
    let render = |t: &Template| engine.render(t, scope).ok();
    match auth {
        AuthDef::None => RouteAuth::None,
        AuthDef::Bearer(t) => match render(t) {
            Some(token) => RouteAuth::Exact(format!("Bearer {}", token.trim())),
            None => RouteAuth::Any,
        },
        AuthDef::Basic { username, password } => match (render(username), render(password)) {
            (Some(u), Some(p)) => RouteAuth::Exact(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"))
            )),
            _ => RouteAuth::Any,
        },
        AuthDef::OAuth2(_) => RouteAuth::Any,
    }
}

/// The path part of a URL template as a regex. Expressions that render with the scope
/// become literal text; the others (captured values) match one path segment.
/// A literal character of a route's path: as written, or percent-encoded as a client sends
/// it (a space, `"`, `<`, `>`, a backtick, braces and non-ASCII characters).
fn literal_pattern(c: char) -> String {
    let written = regex::escape(&c.to_string());
    if c.is_ascii() && !matches!(c, ' ' | '"' | '<' | '>' | '`' | '{' | '}') {
        return written;
    }
    let mut utf8 = [0u8; 4];
    let encoded: String = c
        .encode_utf8(&mut utf8)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect();
    format!("(?:{written}|(?i:{encoded}))")
}

fn path_pattern(url: &Template, engine: &Engine, scope: &Vars) -> Option<(Regex, String, usize)> {
    let pieces = pieces(&url.src, engine, scope);
    // Flatten to characters and parameters, then drop the origin and the query.
    let mut tokens: Vec<Option<char>> = Vec::new();
    let mut params: Vec<Option<String>> = Vec::new();
    for p in pieces {
        match p {
            Piece::Text(t) => tokens.extend(t.chars().map(Some)),
            Piece::Param(name) => {
                tokens.push(None);
                params.push(name);
            }
        }
    }
    let text: String = tokens.iter().map(|t| t.unwrap_or('\u{0}')).collect();
    let mut start = 0;
    if let Some(i) = text.find("://") {
        start = text[i + 3..]
            .find('/')
            .map(|j| i + 3 + j)
            .unwrap_or(text.len());
    } else if tokens.first().is_some_and(Option::is_none) {
        // A leading unknown expression stands for the origin (and maybe a base path).
        start = 1;
    }
    let start_char = text[..start].chars().count();
    let skipped_params = tokens[..start_char].iter().filter(|t| t.is_none()).count();
    let mut regex = String::from("^");
    let mut display = String::new();
    let mut literal_len = 0;
    let mut param_iter = params.into_iter().skip(skipped_params);
    let mut used: Vec<String> = Vec::new();
    for t in &tokens[start_char..] {
        match t {
            Some('?') | Some('#') => break,
            Some(c) => {
                regex.push_str(&literal_pattern(*c));
                display.push(*c);
                literal_len += 1;
            }
            None => {
                let name = param_iter.next().flatten().filter(|n| !used.contains(n));
                match name {
                    Some(n) => {
                        regex.push_str(&format!("(?P<{n}>[^/]+)"));
                        display.push_str(&format!("{{{n}}}"));
                        used.push(n);
                    }
                    None => {
                        regex.push_str("[^/]+");
                        display.push_str("{*}");
                    }
                }
            }
        }
    }
    if display.is_empty() {
        display.push('/');
    }
    let trimmed = regex.trim_end_matches('/').to_string();
    let regex = format!(
        "{}/?$",
        if trimmed == "^" {
            "^".to_string()
        } else {
            trimmed
        }
    );
    let compiled = Regex::new(&regex).ok()?;
    Some((compiled, display, literal_len))
}

fn pieces(src: &str, engine: &Engine, scope: &Vars) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(open) = rest.find("{{") {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let Some(close) = rest[open..].find("}}") else {
            out.push(Piece::Text(rest[open..].to_string()));
            return out;
        };
        let chunk = &rest[open..open + close + 2];
        let expr = chunk[2..chunk.len() - 2].trim();
        match engine.render(&Template::new(chunk, None), scope) {
            Ok(text) => out.push(Piece::Text(text)),
            Err(_) => {
                let simple = !expr.is_empty()
                    && expr.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !expr.starts_with(|c: char| c.is_ascii_digit());
                out.push(Piece::Param(simple.then(|| expr.to_string())));
            }
        }
        rest = &rest[open + close + 2..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn literal_and_captured_parts() {
        let mut scope = Vars::new(BTreeMap::new());
        scope.set_json("base", &serde_json::json!("http://127.0.0.1:9/runtime"));
        let engine = Engine::new();
        let t = Template::new("{{ base }}/items/{{ item_id }}/test?x=1", None);
        let (re, display, _) = path_pattern(&t, &engine, &scope).unwrap();
        assert_eq!(display, "/runtime/items/{item_id}/test");
        let caps = re.captures("/runtime/items/abc/test").unwrap();
        assert_eq!(&caps["item_id"], "abc");
        assert!(!re.is_match("/runtime/items/abc/other"));
        let t = Template::new("{{ unknown_base }}/status", None);
        let (re, display, _) = path_pattern(&t, &engine, &scope).unwrap();
        assert_eq!(display, "/status");
        assert!(re.is_match("/status"));
    }
}
