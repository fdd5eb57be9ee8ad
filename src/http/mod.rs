//! HTTP: one shared client, our own redirect loop, and the record of what happened.
//!
//! Input is a fully rendered [`PreparedRequest`]; nothing here knows about collections,
//! templates or assertions.

mod client;
mod direct;
mod exchange;
mod pinned;
mod redirect;

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Version};
use url::Url;

pub use client::{ClientOptions, HttpClient, build_client};
pub use exchange::execute;
pub use redirect::{HostPattern, Trust};

/// A request ready to send: every template rendered, every file read.
#[derive(Debug, Clone)]
pub struct PreparedRequest {
    /// Method.
    pub method: Method,
    /// Absolute http(s) URL, query included.
    pub url: Url,
    /// Headers to send.
    pub headers: HeaderMap,
    /// Body.
    pub body: PreparedBody,
    /// Time allowed for each hop, from connecting to the end of the body.
    pub timeout: Duration,
    /// How redirects are followed.
    pub redirects: RedirectPolicy,
    /// Largest decoded response body read, in bytes; past it the request fails.
    pub max_body: u64,
}

/// A request body. Bytes are kept so that 307/308 redirects can send them again.
#[derive(Debug, Clone, Default)]
pub enum PreparedBody {
    /// No body.
    #[default]
    Empty,
    /// These bytes (the content type is among the headers).
    Bytes(Bytes),
    /// A multipart/form-data body; the boundary is chosen when sending.
    Multipart(Vec<Part>),
}

/// One multipart field.
#[derive(Debug, Clone)]
pub struct Part {
    /// Field name.
    pub name: String,
    /// Field content.
    pub value: PartValue,
}

/// What a multipart field holds.
#[derive(Debug, Clone)]
pub enum PartValue {
    /// Text.
    Text(String),
    /// A file's bytes.
    File {
        /// File name sent to the server.
        filename: String,
        /// Content type.
        content_type: String,
        /// Content.
        bytes: Bytes,
    },
}

/// Redirect handling of one request.
#[derive(Debug, Clone)]
pub struct RedirectPolicy {
    /// Follow 3xx responses with a Location header.
    pub follow: bool,
    /// At most this many hops.
    pub max: u32,
    /// Where Authorization may go on a cross-origin hop.
    pub trust: Trust,
}

/// One request/response pair; a redirected request has one per hop.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// What was sent.
    pub request: SentRequest,
    /// What came back.
    pub response: ReceivedResponse,
    /// How long it took.
    pub timings: Timings,
    /// For a hop after a redirect: what happened to the credentials on the way.
    pub redirect_note: Option<String>,
}

/// A request as sent.
#[derive(Debug, Clone)]
pub struct SentRequest {
    /// Method.
    pub method: Method,
    /// URL.
    pub url: Url,
    /// Headers as sent (content type and length included).
    pub headers: HeaderMap,
    /// The body, when it was bytes.
    pub body: Option<Bytes>,
    /// A description of a multipart body.
    pub body_summary: Option<String>,
}

/// A response as received.
#[derive(Debug, Clone)]
pub struct ReceivedResponse {
    /// Status code.
    pub status: StatusCode,
    /// HTTP version.
    pub version: Version,
    /// Headers.
    pub headers: HeaderMap,
    /// The body, decompressed.
    pub body: Bytes,
}

/// Times of one exchange.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Until the response headers arrived.
    pub headers: Duration,
    /// Until the body was read.
    pub total: Duration,
}

/// Why a request could not complete. `target` is the method and URL of the hop that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// No answer within the timeout.
    #[error("timed out after {}: {target}", humantime::format_duration(*.after))]
    Timeout {
        /// The time allowed.
        after: Duration,
        /// Method and URL.
        target: String,
    },
    /// The connection could not be made.
    #[error("connection failed: {target}: {detail}")]
    Connect {
        /// Method and URL.
        target: String,
        /// Why, from the error's causes.
        detail: String,
    },
    /// TLS failed (certificate, handshake).
    #[error("TLS error: {target}: {detail}")]
    Tls {
        /// Method and URL.
        target: String,
        /// Why, from the error's causes.
        detail: String,
    },
    /// The decoded response body is larger than allowed.
    #[error(
        "response body exceeds {}: {target} (raise the limit with --max-body or `max_body:`)",
        format_size(*.limit)
    )]
    BodyTooLarge {
        /// The limit in bytes.
        limit: u64,
        /// Method and URL.
        target: String,
    },
    /// More redirects than allowed.
    #[error("too many redirects (more than {0}); raise `max_redirects` or check for a loop")]
    TooManyRedirects(u32),
    /// The Location of a redirect could not be used.
    #[error("bad redirect Location `{location}`: {reason}")]
    BadLocation {
        /// The header's value.
        location: String,
        /// Why it was refused.
        reason: String,
    },
    /// Authorization would go from https to http.
    #[error(
        "refusing to forward the Authorization header from {from} to {to}: the redirect leaves https for http"
    )]
    InsecureRedirect {
        /// The https URL.
        from: String,
        /// The http URL.
        to: String,
    },
    /// Anything else the HTTP stack reported.
    #[error("request failed: {target}: {detail}")]
    Other {
        /// Method and URL.
        target: String,
        /// Why, from the error's causes.
        detail: String,
    },
}

/// reqwest's wrapper around an error reading a response body; it says nothing of its own.
const BODY_ERROR: &str = "request or response body error";

/// What an error's causes say, each once, outermost first; hyper-util's and reqwest's
/// wrappers ("client error (Connect)", "request or response body error") say nothing of
/// their own and are left out. Empty when the error has no cause.
pub fn error_causes(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut causes: Vec<String> = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !text.starts_with("client error (")
            && text != BODY_ERROR
            && !causes.iter().any(|c| c.contains(&text))
        {
            causes.push(text);
        }
        source = s.source();
    }
    causes
}

/// A TLS failure in words, with what to do about it, when `e`'s causes hold a certificate
/// error from rustls; `None` otherwise.
pub fn tls_sentence(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    use rustls::CertificateError as C;
    let mut source = e.source();
    while let Some(s) = source {
        let found = rustls_error(s);
        if let Some(rustls::Error::InvalidCertificate(cert)) = found {
            let what = match cert {
                C::UnknownIssuer => "certificate is signed by an unknown issuer".to_string(),
                C::Expired => "certificate has expired".to_string(),
                C::ExpiredContext { not_after, .. } => {
                    match i64::try_from(not_after.as_secs())
                        .ok()
                        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
                    {
                        Some(date) => {
                            format!("certificate expired on {}", date.format("%Y-%m-%d"))
                        }
                        None => "certificate has expired".to_string(),
                    }
                }
                C::NotValidYet | C::NotValidYetContext { .. } => {
                    "certificate is not valid yet".to_string()
                }
                C::NotValidForNameContext { presented, .. } if !presented.is_empty() => {
                    let names: Vec<&str> = presented.iter().map(|n| presented_name(n)).collect();
                    format!("hostname mismatch: certificate is for {}", names.join(", "))
                }
                C::NotValidForNameContext { expected, .. } => {
                    format!("certificate is not valid for {}", expected.to_str())
                }
                C::NotValidForName => "certificate is not valid for this host".to_string(),
                C::Revoked => "certificate has been revoked".to_string(),
                C::Other(other) if format!("{other:?}").contains("CaUsedAsEndEntity") => {
                    "certificate is self-signed".to_string()
                }
                _ => "certificate is not trusted".to_string(),
            };
            return Some(format!(
                "{what} (trust it with --cacert FILE, or skip verification with -k)"
            ));
        }
        source = s.source();
    }
    None
}

/// The rustls error in `e`, looking through the I/O errors that carry it.
fn rustls_error<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(found) = e.downcast_ref::<rustls::Error>() {
        return Some(found);
    }
    let inner = e.downcast_ref::<std::io::Error>()?.get_ref()?;
    rustls_error(inner)
}

/// A name as rustls presents it (`DnsName("localhost")`, `IpAddress(127.0.0.1)`), bare.
fn presented_name(name: &str) -> &str {
    ["DnsName(", "IpAddress("]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix)?.strip_suffix(')'))
        .map_or(name, |inner| inner.trim_matches('"'))
}

/// A size as people write it: `64 MiB`, `10 MB`, `1000 bytes`.
pub fn format_size(bytes: u64) -> String {
    for (unit, factor) in [
        ("GiB", 1 << 30),
        ("MiB", 1 << 20),
        ("KiB", 1024),
        ("GB", 1_000_000_000),
        ("MB", 1_000_000),
        ("KB", 1000),
    ] {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{} {unit}", bytes / factor);
        }
    }
    if bytes == 1 {
        "1 byte".into()
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;

    #[test]
    fn sizes_print_in_the_largest_exact_unit() {
        assert_eq!(format_size(64 * MIB), "64 MiB");
        assert_eq!(format_size(10_000_000), "10 MB");
        assert_eq!(format_size(512 * KIB), "512 KiB");
        assert_eq!(format_size(1000), "1 KB");
        assert_eq!(format_size(999), "999 bytes");
        assert_eq!(format_size(0), "0 bytes");
    }
}
