//! Checks of the parts of a request written without templates: a URL, header or host
//! pattern that can never be sent is invalid input (exit 2), found before anything is sent.

use reqwest::header::{HeaderName, HeaderValue};
use url::Url;

use crate::collection::{RequestDef, Template, TrustDef};
use crate::diagnostic::Diagnostic;
use crate::http::HostPattern;

/// Every literal URL, header and host pattern of `req` that could not be sent.
pub fn check_literals(req: &RequestDef) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if req.url.is_literal()
        && let Err(e) = check_url(&req.url.src)
    {
        out.push(
            Diagnostic::new(
                format!("{} in request `{}`: {}", e.what, req.path(), e.why),
                req.url.span.clone(),
            )
            .with_help_opt(e.help),
        );
    }
    for (name, value) in &req.headers {
        if HeaderName::from_bytes(name.as_bytes()).is_err() {
            out.push(Diagnostic::new(
                format!(
                    "invalid header name `{}` in request `{}`: {}",
                    name.escape_debug(),
                    req.path(),
                    name_problem(name)
                ),
                value.span.clone(),
            ));
        }
        if value.is_literal() && HeaderValue::from_str(value.src.trim()).is_err() {
            out.push(header_value_error(name, value, req));
        }
    }
    if let TrustDef::Hosts(patterns) = &req.trust {
        for p in patterns.iter().filter(|p| p.is_literal()) {
            if let Err(e) = HostPattern::parse(&p.src) {
                out.push(Diagnostic::new(
                    format!("{e} in request `{}`", req.path()),
                    p.span.clone(),
                ));
            }
        }
    }
    out
}

/// Why a URL cannot be sent.
pub struct UrlError {
    /// `invalid URL `...``.
    pub what: String,
    /// The parser's reason.
    pub why: String,
    /// A hint, when there is one.
    pub help: Option<String>,
}

/// Parses `text` as a URL runner can send: absolute, http or https.
pub fn check_url(text: &str) -> Result<Url, UrlError> {
    let url = Url::parse(text.trim()).map_err(|e| UrlError {
        what: format!("invalid URL `{text}`"),
        why: e.to_string(),
        help: (!text.contains("://"))
            .then(|| "a URL needs a scheme and a host, such as https://example.com/".to_string()),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlError {
            what: format!("unsupported URL `{text}`"),
            why: format!("the scheme `{}` is not http or https", url.scheme()),
            help: None,
        });
    }
    Ok(url)
}

fn header_value_error(name: &str, value: &Template, req: &RequestDef) -> Diagnostic {
    let bad = value
        .src
        .trim()
        .chars()
        .find(|c| (c.is_ascii_control() && *c != '\t') || *c == '\u{7f}');
    let why = match bad {
        Some(c) => format!("it contains the control character {:?}", c),
        None => "it contains characters a header cannot carry".to_string(),
    };
    Diagnostic::new(
        format!(
            "invalid value for header `{name}` in request `{}`: {why}",
            req.path()
        ),
        value.span.clone(),
    )
    .with_help("header values are one line of text; put line breaks in the body")
}

fn name_problem(name: &str) -> String {
    match name
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !"!#$%&'*+-.^_`|~".contains(*c))
    {
        Some(c) => format!("{c:?} is not allowed in a header name"),
        None if name.is_empty() => "the name is empty".to_string(),
        None => "not a valid token".to_string(),
    }
}
