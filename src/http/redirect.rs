//! Redirect rules (DESIGN §6): method rewriting and which headers may cross origins.

use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use url::Url;

use super::HttpError;

/// Where the Authorization header may follow a cross-origin redirect.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// Nowhere (default).
    #[default]
    Never,
    /// Everywhere (never from https to http).
    Always,
    /// Hosts matching one of these patterns.
    Hosts(Vec<HostPattern>),
}

impl Trust {
    /// Whether Authorization may be sent to `url`.
    pub fn allows(&self, url: &Url) -> bool {
        match self {
            Trust::Never => false,
            Trust::Always => true,
            Trust::Hosts(patterns) => patterns.iter().any(|p| p.matches(url)),
        }
    }
}

/// A host pattern: labels separated by dots, where `*` matches exactly one label;
/// `host:port` also pins the port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPattern {
    labels: Vec<String>,
    port: Option<u16>,
}

impl HostPattern {
    /// Parses `design.*.example.com` or `localhost:8080`.
    pub fn parse(s: &str) -> Result<HostPattern, String> {
        let s = s.trim();
        let (host, port) = match s.rsplit_once(':') {
            // `[::1]` is an IPv6 host without a port; `[::1]:8080` has one.
            Some((h, p)) if !h.starts_with('[') || h.ends_with(']') => match p.parse::<u16>() {
                Ok(port) => (h, Some(port)),
                Err(_) => return Err(format!("invalid port in host pattern `{s}`")),
            },
            _ => (s, None),
        };
        if host.is_empty() || host.contains('/') {
            return Err(format!(
                "invalid host pattern `{s}`: write a host such as design.example.com or *.example.com"
            ));
        }
        Ok(HostPattern {
            labels: host
                .to_ascii_lowercase()
                .split('.')
                .map(str::to_string)
                .collect(),
            port,
        })
    }

    /// Whether `url`'s host (and port, when pinned) matches.
    pub fn matches(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        if let Some(port) = self.port
            && url.port_or_known_default() != Some(port)
        {
            return false;
        }
        let host = host.to_ascii_lowercase();
        let labels: Vec<&str> = host.split('.').collect();
        labels.len() == self.labels.len()
            && self
                .labels
                .iter()
                .zip(&labels)
                .all(|(p, l)| p == "*" || p == l)
    }
}

/// Whether two URLs share scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Whether the status is a redirect we follow.
pub fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// The URL a response redirects to, resolved against the current URL.
pub fn location(current: &Url, headers: &HeaderMap) -> Result<Option<Url>, HttpError> {
    let Some(value) = headers.get(header::LOCATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| HttpError::BadLocation {
        location: String::from_utf8_lossy(value.as_bytes()).into_owned(),
        reason: "not valid text".into(),
    })?;
    let next = current.join(text).map_err(|e| HttpError::BadLocation {
        location: text.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(HttpError::BadLocation {
            location: text.to_string(),
            reason: format!("the scheme `{}` is not http or https", next.scheme()),
        });
    }
    Ok(Some(next))
}

/// The method of the next hop and whether the body is kept: 303 always becomes GET
/// (HEAD stays HEAD); 301/302 turn POST into GET; 307/308 keep both.
pub fn next_method(status: StatusCode, method: &Method) -> (Method, bool) {
    match status.as_u16() {
        303 if *method != Method::HEAD => (Method::GET, false),
        301 | 302 if *method == Method::POST => (Method::GET, false),
        _ => (method.clone(), true),
    }
}

/// Adjusts the headers for the next hop and says what happened to Authorization.
/// `authorized` tells whether Authorization is still being sent.
pub fn headers_for_hop(
    headers: &mut HeaderMap,
    from: &Url,
    to: &Url,
    keep_body: bool,
    trust: &Trust,
) -> Result<Option<String>, HttpError> {
    headers.remove(header::HOST);
    if !keep_body {
        for name in [
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::CONTENT_ENCODING,
            header::CONTENT_LANGUAGE,
            header::TRANSFER_ENCODING,
        ] {
            headers.remove(name);
        }
    }
    if same_origin(from, to) {
        return Ok(None);
    }
    headers.remove(header::COOKIE);
    headers.remove(header::PROXY_AUTHORIZATION);
    if !headers.contains_key(header::AUTHORIZATION) {
        return Ok(None);
    }
    if !trust.allows(to) {
        headers.remove(header::AUTHORIZATION);
        let why = match trust {
            Trust::Never => "cross-origin redirect; set follow_authorization_header to forward it",
            _ => "the host matches no follow_authorization_header pattern",
        };
        return Ok(Some(format!("Authorization dropped: {why}")));
    }
    if from.scheme() == "https" && to.scheme() == "http" {
        return Err(HttpError::InsecureRedirect {
            from: origin(from),
            to: origin(to),
        });
    }
    Ok(Some(format!(
        "Authorization forwarded to {} (follow_authorization_header)",
        origin(to)
    )))
}

fn origin(u: &Url) -> String {
    u.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn host_patterns_match_one_label_per_star() {
        let p = HostPattern::parse("design.integration.*.oraclecloud.com").unwrap();
        assert!(p.matches(&url(
            "https://design.integration.us-phoenix-1.oraclecloud.com/x"
        )));
        assert!(!p.matches(&url("https://design.integration.a.b.oraclecloud.com/x")));
        assert!(!p.matches(&url(
            "https://evil.com/design.integration.x.oraclecloud.com"
        )));
        let p = HostPattern::parse("localhost:8080").unwrap();
        assert!(p.matches(&url("http://LOCALHOST:8080/")));
        assert!(!p.matches(&url("http://localhost:8081/")));
        assert!(HostPattern::parse("http://x/").is_err());
        let p = HostPattern::parse("[::1]").unwrap();
        assert!(p.matches(&url("http://[::1]:8080/")));
        assert!(!p.matches(&url("http://127.0.0.1:8080/")));
        let p = HostPattern::parse("[::1]:8080").unwrap();
        assert!(p.matches(&url("http://[::1]:8080/")));
        assert!(!p.matches(&url("http://[::1]:8081/")));
    }

    #[test]
    fn methods_are_rewritten_like_browsers() {
        let s = |c| StatusCode::from_u16(c).unwrap();
        assert_eq!(next_method(s(301), &Method::POST), (Method::GET, false));
        assert_eq!(next_method(s(302), &Method::POST), (Method::GET, false));
        assert_eq!(next_method(s(302), &Method::PUT), (Method::PUT, true));
        assert_eq!(next_method(s(303), &Method::PUT), (Method::GET, false));
        assert_eq!(next_method(s(303), &Method::HEAD), (Method::HEAD, true));
        assert_eq!(next_method(s(307), &Method::POST), (Method::POST, true));
        assert_eq!(next_method(s(308), &Method::PATCH), (Method::PATCH, true));
    }

    #[test]
    fn credentials_cross_origins_only_when_trusted() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer t".parse().unwrap());
        h.insert(header::COOKIE, "a=b".parse().unwrap());
        let note = headers_for_hop(
            &mut h,
            &url("http://a/"),
            &url("http://b/"),
            true,
            &Trust::Never,
        )
        .unwrap();
        assert!(!h.contains_key(header::AUTHORIZATION) && !h.contains_key(header::COOKIE));
        assert!(note.unwrap().starts_with("Authorization dropped"));

        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer t".parse().unwrap());
        headers_for_hop(
            &mut h,
            &url("http://a/"),
            &url("http://a/x"),
            true,
            &Trust::Never,
        )
        .unwrap();
        assert!(
            h.contains_key(header::AUTHORIZATION),
            "same origin keeps it"
        );

        let trust = Trust::Hosts(vec![HostPattern::parse("b").unwrap()]);
        headers_for_hop(&mut h, &url("http://a/"), &url("http://b/"), true, &trust).unwrap();
        assert!(h.contains_key(header::AUTHORIZATION));
        let err = headers_for_hop(
            &mut h,
            &url("https://a/"),
            &url("http://b/"),
            true,
            &Trust::Always,
        )
        .unwrap_err();
        assert!(matches!(err, HttpError::InsecureRedirect { .. }));
    }
}
