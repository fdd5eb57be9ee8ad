//! `runner mock` and `runner run --mock`: serve the collections' saved examples on a
//! loopback port.
//!
//! A request is matched by method and URL path (the parts of the URL template that render
//! with the environment are literal; the others, such as captured ids, match one path
//! segment and are available to the example's templates by name). The example answered is
//! the one named by an `x-mock-response-name` header, or with the status of an
//! `x-mock-response-code` header, or the first whose `when.host` matches the Host header.
//! A request that the collection gives auth must carry an Authorization header, and the
//! exact one where the credentials are known.

mod oauth;
mod routes;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::response::Response;
use tokio::net::TcpListener;

use crate::collection::{Collection, ExampleBody, ExampleDef};
use crate::runner::glob_match;
use crate::template::Engine;
use crate::vars::Vars;

pub use routes::{Route, RouteAuth, build_routes};

/// What the mock serves a request from, for warnings about collections without any.
pub const EXAMPLE_HINT: &str = "an example is a saved response under `examples:` in a request";

/// Whether any request of `collection` has a saved example the mock can serve.
pub fn has_examples(collection: &Collection) -> bool {
    collection.requests.iter().any(|r| !r.examples.is_empty())
}

/// A bound, not yet serving, mock server.
pub struct MockServer {
    listener: TcpListener,
    addr: SocketAddr,
    token_lifetime: std::time::Duration,
}

/// Default lifetime of the access tokens the embedded OAuth2 server issues.
pub const DEFAULT_TOKEN_LIFETIME: std::time::Duration = std::time::Duration::from_secs(3600);

/// Called with one line per request served.
pub type RequestLog = Arc<dyn Fn(String) + Send + Sync>;

struct State {
    routes: Vec<Route>,
    engine: Engine,
    log: Option<RequestLog>,
}

impl MockServer {
    /// Binds 127.0.0.1:`port` (0 picks a free port).
    pub async fn bind(port: u16) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        Ok(MockServer {
            listener,
            addr,
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        })
    }

    /// Sets the lifetime of access tokens issued by the embedded OAuth2 server.
    pub fn with_token_lifetime(mut self, lifetime: std::time::Duration) -> MockServer {
        self.token_lifetime = lifetime;
        self
    }

    /// `http://127.0.0.1:PORT`, the value of `mock_url`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Serves the examples of `collections` (each with its variables) until the task is
    /// dropped or aborted. Returns the routes served.
    pub fn serve(
        self,
        collections: &[(Collection, Arc<Vars>)],
        log: Option<RequestLog>,
    ) -> (tokio::task::JoinHandle<()>, Vec<String>) {
        let engine = Engine::new();
        let routes = build_routes(collections, &engine);
        let listing = routes
            .iter()
            .map(|r| format!("{} {}  ({})", r.method, r.display, r.request))
            .collect();
        let state = Arc::new(State {
            routes,
            engine,
            log,
        });
        let app = Router::new()
            .nest(oauth::PREFIX, oauth::router(self.token_lifetime))
            .fallback(move |req: Request<Body>| {
                let state = Arc::clone(&state);
                async move { handle(&state, req).await }
            });
        let listener = self.listener;
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (task, listing)
    }
}

async fn handle(state: &State, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let (response, label) = answer(state, &parts.method, &parts.uri, &parts.headers, &body);
    if let Some(log) = &state.log {
        log(format!(
            "{} {} -> {} {}",
            parts.method,
            parts.uri,
            response.status().as_u16(),
            label
        ));
    }
    response
}

fn answer(
    state: &State,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> (Response, String) {
    let path = uri.path();
    let wanted = if *method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    let route = state
        .routes
        .iter()
        .find(|r| (r.method == method.as_str() || r.method == wanted) && r.path.is_match(path));
    let Some(route) = route else {
        let known: Vec<String> = state
            .routes
            .iter()
            .map(|r| format!("{} {}", r.method, r.display))
            .collect();
        let body = serde_json::json!({
            "error": "no saved example matches this request",
            "method": method.as_str(),
            "path": path,
            "routes": known,
        });
        return (
            json_response(StatusCode::NOT_FOUND, &body),
            "(no route)".into(),
        );
    };
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let refusal = match (&route.auth, authorization) {
        (RouteAuth::None, _) => None,
        (_, None) => {
            Some("this request needs an Authorization header (the collection gives it auth)")
        }
        (RouteAuth::Exact(want), Some(got)) if want != got => {
            Some("the Authorization header does not match the collection's credentials")
        }
        _ => None,
    };
    if let Some(message) = refusal {
        let mut resp = json_response(
            StatusCode::UNAUTHORIZED,
            &serde_json::json!({"error": "unauthorized", "message": message, "request": route.request}),
        );
        resp.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return (resp, format!("({})", route.request));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| {
            h.rsplit_once(':')
                .map(|(h, _)| h)
                .unwrap_or(h)
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let mut extra: Vec<(String, serde_json::Value)> = Vec::new();
    if let Some(caps) = route.path.captures(path) {
        for name in route.path.capture_names().flatten() {
            if let Some(m) = caps.name(name) {
                let decoded = percent_encoding::percent_decode_str(m.as_str())
                    .decode_utf8_lossy()
                    .into_owned();
                extra.push((name.to_string(), serde_json::Value::from(decoded)));
            }
        }
    }
    extra.push(("request".into(), request_value(method, uri, headers, body)));
    let ctx = route.scope.with(extra);
    let by_name = headers
        .get("x-mock-response-name")
        .and_then(|v| v.to_str().ok());
    let by_code = headers
        .get("x-mock-response-code")
        .and_then(|v| v.to_str().ok());
    let example = route.examples.iter().find(|e| {
        if let Some(name) = by_name {
            return e.name.as_deref() == Some(name);
        }
        if let Some(code) = by_code {
            return state.engine.render(&e.status, &ctx).ok().as_deref() == Some(code);
        }
        match &e.host {
            None => true,
            Some(t) => state
                .engine
                .render(t, &ctx)
                .is_ok_and(|pattern| glob_match(&pattern.to_ascii_lowercase(), &host)),
        }
    });
    let Some(example) = example else {
        let body = serde_json::json!({"error": "no example of this request matches", "request": route.request});
        return (
            json_response(StatusCode::NOT_FOUND, &body),
            format!("({})", route.request),
        );
    };
    let label = format!(
        "({}{})",
        route.request,
        example
            .name
            .as_deref()
            .map(|n| format!(": {n}"))
            .unwrap_or_default()
    );
    match render_example(state, example, &ctx) {
        Ok(resp) => (resp, label),
        Err(message) => (
            json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                &serde_json::json!({"error": "the saved example could not be rendered", "detail": message, "request": route.request}),
            ),
            label,
        ),
    }
}

fn render_example(state: &State, example: &ExampleDef, ctx: &Vars) -> Result<Response, String> {
    let status_text = state
        .engine
        .render(&example.status, ctx)
        .map_err(|e| e.message)?;
    let status = status_text
        .trim()
        .parse::<u16>()
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| format!("status `{status_text}` is not an HTTP status code"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &example.headers {
        let v = state.engine.render(value, ctx).map_err(|e| e.message)?;
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("invalid header name `{name}`"))?;
        let v = HeaderValue::from_str(v.trim())
            .map_err(|_| format!("invalid value for header `{name}`"))?;
        headers.append(name, v);
    }
    let body = match &example.body {
        ExampleBody::Empty => Vec::new(),
        ExampleBody::Text(t) => state
            .engine
            .render(t, ctx)
            .map_err(|e| e.message)?
            .into_bytes(),
        ExampleBody::Json(t) => {
            let value = state.engine.render_json(t, ctx).map_err(|e| e.message)?;
            if !headers.contains_key(header::CONTENT_TYPE) {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            serde_json::to_vec(&value).map_err(|e| e.to_string())?
        }
    };
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    *resp.headers_mut() = headers;
    Ok(resp)
}

/// `request` in example templates: method, path, query, query_string, headers, body, json.
fn request_value(
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> serde_json::Value {
    let query: BTreeMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let headers: BTreeMap<String, String> = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let text = String::from_utf8_lossy(body).into_owned();
    let json: serde_json::Value = serde_json::from_slice(body).unwrap_or(serde_json::Value::Null);
    serde_json::json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "query_string": uri.query().unwrap_or_default(),
        "headers": headers,
        "body": text,
        "json": json,
    })
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}
