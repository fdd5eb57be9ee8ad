//! The one HTTP client of a run: reqwest with redirects off, TLS options, proxy and cookies,
//! and beside it the direct path for plain-http requests, sharing its cookie jar.

use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Arc;

use reqwest::cookie::Jar;
use reqwest::redirect::Policy;
use reqwest::{Client, Identity, Proxy};

use super::direct::Direct;

/// The run's client. It dereferences to reqwest's, which OAuth2 and scripts use directly;
/// [`super::execute`] sends plain-http requests on the direct path when there is one.
#[derive(Debug)]
pub struct HttpClient {
    reqwest: Client,
    direct: Option<Direct>,
}

impl HttpClient {
    /// The direct path, unless a proxy may apply.
    pub(super) fn direct(&self) -> Option<&Direct> {
        self.direct.as_ref()
    }
}

impl Deref for HttpClient {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.reqwest
    }
}

const USER_AGENT: &str = concat!("runner/", env!("CARGO_PKG_VERSION"));

/// TLS and proxy settings of the client.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
    /// Extra trusted CA certificates, PEM (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// Client certificate, PEM (`--cert`).
    pub cert: Option<PathBuf>,
    /// Client key, PEM (`--key`); may also be inside the `--cert` file.
    pub key: Option<PathBuf>,
    /// Proxy for every request (`--proxy`).
    pub proxy: Option<String>,
}

/// Builds the client. Redirects are handled by [`super::execute`], never by reqwest.
pub fn build_client(opts: &ClientOptions) -> Result<HttpClient, String> {
    let jar = Arc::new(Jar::default());
    let mut builder = Client::builder()
        .redirect(Policy::none())
        .cookie_provider(Arc::clone(&jar))
        .tcp_nodelay(true)
        .user_agent(USER_AGENT);
    let identity = match (&opts.cert, &opts.key) {
        (Some(cert), key) => {
            let mut pem = std::fs::read(cert)
                .map_err(|e| format!("cannot read --cert file {}: {e}", cert.display()))?;
            if let Some(key) = key {
                pem.push(b'\n');
                pem.extend(
                    std::fs::read(key)
                        .map_err(|e| format!("cannot read --key file {}: {e}", key.display()))?,
                );
            }
            Some(pem)
        }
        (None, Some(_)) => return Err("--key needs --cert".into()),
        (None, None) => None,
    };
    if opts.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
        if let Some(pem) = identity {
            let identity = Identity::from_pem(&pem)
                .map_err(|e| format!("--cert/--key do not hold a PEM certificate and key: {e}"))?;
            builder = builder.identity(identity);
        }
    } else {
        // A self-signed server certificate in --cacert is pinned (see `pinned`); the
        // system's roots are read on the first https handshake.
        let pinned = match &opts.cacert {
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| format!("cannot read --cacert file {}: {e}", path.display()))?;
                super::pinned::cacert_roots(&pem)
                    .map_err(|e| format!("--cacert file {} {e}", path.display()))?
            }
            None => Vec::new(),
        };
        let config = super::pinned::tls_config(pinned, identity.as_deref())?;
        builder = builder.tls_backend_preconfigured(config);
    }
    if let Some(proxy) = &opts.proxy {
        let proxy = Proxy::all(proxy).map_err(|e| {
            let shown = crate::secrets::redact_url(proxy);
            // reqwest's causes quote the URL as given: show it redacted there too.
            let why = causes(&e).replace(proxy.as_str(), &shown);
            format!("invalid --proxy `{shown}`: {why}")
        })?;
        builder = builder.proxy(proxy);
    }
    let reqwest = builder
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {}", causes(&e)))?;
    Ok(HttpClient {
        reqwest,
        direct: Direct::new(jar, USER_AGENT, opts.proxy.is_some()),
    })
}

/// What an error says, with its causes: reqwest's own text is often just "builder error".
fn causes(e: &reqwest::Error) -> String {
    let mut out = e.to_string();
    for text in super::error_causes(e) {
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_errors_say_why() {
        let e = Proxy::all("http://u:pw@[::1").unwrap_err();
        assert!(causes(&e).starts_with("builder error: "), "{}", causes(&e));
    }
}
