//! Plain-http requests sent on hyper's pooled client directly.
//!
//! reqwest wraps that same client in layers runner does not need on this path: its redirect
//! policy (runner follows redirects itself), a cookie service and a retry policy, which
//! between them parse the URL three more times per request. A request to an `http://` URL,
//! with no proxy in play and a body of bytes, goes here instead, with what those layers
//! would have added: the client's default headers, the run's cookie jar and the same
//! decompression (gzip, deflate, brotli). Everything else (https, proxies, multipart
//! bodies) goes through reqwest.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, COOKIE, HeaderMap, HeaderValue, SET_COOKIE, USER_AGENT,
};
use reqwest::{Method, Url};
use tower_http::decompression::{Decompression, DecompressionBody};
use tower_service::Service;

/// The response of a direct request: its body decoded as it is read.
pub type DirectResponse = http::Response<DecompressionBody<hyper::body::Incoming>>;

/// Sends plain-http requests; shares the run's cookie jar with reqwest.
#[derive(Debug)]
pub struct Direct {
    client: Client<HttpConnector, Full<Bytes>>,
    jar: Arc<Jar>,
    user_agent: HeaderValue,
}

/// Environment variables that may send a request through a proxy (reqwest reads them).
const PROXY_VARIABLES: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

impl Direct {
    /// The direct path, configured as reqwest configures its own hyper client, or `None`
    /// when a proxy may apply to plain-http requests (`--proxy`, the environment, or on
    /// macOS and Windows the system's settings).
    pub fn new(jar: Arc<Jar>, user_agent: &'static str, proxy: bool) -> Option<Direct> {
        // On macOS and Windows reqwest also reads the system's proxy settings: there every
        // request stays on reqwest.
        let proxied = proxy
            || cfg!(any(target_os = "macos", target_os = "windows"))
            || PROXY_VARIABLES
                .iter()
                .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()));
        if proxied {
            return None;
        }
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_keepalive(Some(std::time::Duration::from_secs(15)));
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(std::time::Duration::from_secs(90))
            .build(connector);
        Some(Direct {
            client,
            jar,
            user_agent: HeaderValue::from_static(user_agent),
        })
    }

    /// Sends one request to `url` (as `uri`); `headers` are the request's own. What reqwest's layers add where
    /// the request sets none is added in their order: the client's defaults (Accept,
    /// User-Agent), Accept-Encoding, then the jar's cookies; hyper adds Host.
    pub async fn send(
        &self,
        method: &Method,
        url: &Url,
        uri: http::Uri,
        headers: &HeaderMap,
        body: Option<&Bytes>,
    ) -> Result<DirectResponse, hyper_util::client::legacy::Error> {
        let mut request = http::Request::new(Full::new(body.cloned().unwrap_or_default()));
        *request.method_mut() = method.clone();
        *request.uri_mut() = uri;
        let all = request.headers_mut();
        all.reserve(headers.len() + 5);
        for (name, value) in headers {
            all.append(name, value.clone());
        }
        if !all.contains_key(ACCEPT) {
            all.insert(ACCEPT, HeaderValue::from_static("*/*"));
        }
        if !all.contains_key(USER_AGENT) {
            all.insert(USER_AGENT, self.user_agent.clone());
        }
        if !all.contains_key(ACCEPT_ENCODING) {
            all.insert(
                ACCEPT_ENCODING,
                HeaderValue::from_static(ACCEPTED_ENCODINGS),
            );
        }
        if !all.contains_key(COOKIE)
            && let Some(cookies) = self.jar.cookies(url)
        {
            all.insert(COOKIE, cookies);
        }
        // Decodes what the response's Content-Encoding names, among the encodings accepted.
        let mut service = Decompression::new(&self.client)
            .gzip(true)
            .deflate(true)
            .br(true)
            .no_zstd();
        let response = service.call(request).await?;
        let mut set = response.headers().get_all(SET_COOKIE).iter().peekable();
        if set.peek().is_some() {
            self.jar.set_cookies(&mut set, url);
        }
        Ok(response)
    }
}

/// The Accept-Encoding reqwest sends with gzip, deflate and brotli on.
const ACCEPTED_ENCODINGS: &str = "gzip,deflate,br";
