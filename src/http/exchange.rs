//! Sending a prepared request and following its redirects by hand.

use std::error::Error as _;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part as ReqwestPart};
use reqwest::{Client, Method};
use url::Url;

use super::redirect::{headers_for_hop, is_redirect, location, next_method};
use super::{
    Exchange, HttpError, PartValue, PreparedBody, PreparedRequest, ReceivedResponse, SentRequest,
    Timings,
};

/// Sends `req`, following redirects as its policy says. Returns every hop that completed
/// and, when the request could not finish, why.
pub async fn execute(client: &Client, req: PreparedRequest) -> (Vec<Exchange>, Option<HttpError>) {
    // Most requests are not redirected; results keep this vector.
    let mut exchanges = Vec::with_capacity(1);
    let PreparedRequest {
        mut method,
        mut url,
        mut headers,
        mut body,
        timeout,
        redirects,
        max_body,
    } = req;
    let mut note = None;
    loop {
        let hop = Hop {
            method: &method,
            url: &url,
            headers: &headers,
            body: &body,
            timeout,
        };
        let (request, sent) = match hop.build(client) {
            Ok(r) => r,
            Err(e) => return (exchanges, Some(hop.classify(&e))),
        };
        let start = Instant::now();
        let response = match client.execute(request).await {
            Ok(r) => r,
            // A kept-alive connection the server closed without saying so: once more, on
            // a new connection (the failed one has left the pool).
            Err(e) if stale_connection(&e, &method) => {
                let retried = match hop.build(client) {
                    Ok((request, _)) => client.execute(request).await,
                    Err(e) => Err(e),
                };
                match retried {
                    Ok(r) => r,
                    Err(e) => return (exchanges, Some(hop.classify(&e))),
                }
            }
            Err(e) => return (exchanges, Some(hop.classify(&e))),
        };
        let headers_at = start.elapsed();
        let status = response.status();
        let version = response.version();
        let response_headers = own_headers(response.headers());
        let bytes = match read_body(response, max_body).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => {
                return (
                    exchanges,
                    Some(HttpError::BodyTooLarge {
                        limit: max_body,
                        target: hop.target(),
                    }),
                );
            }
            Err(BodyError::Http(e)) => return (exchanges, Some(hop.classify(&e))),
        };
        exchanges.push(Exchange {
            request: sent,
            response: ReceivedResponse {
                status,
                version,
                headers: response_headers,
                body: bytes,
            },
            timings: Timings {
                headers: headers_at,
                total: start.elapsed(),
            },
            redirect_note: note.take(),
        });
        if !redirects.follow || !is_redirect(status) {
            return (exchanges, None);
        }
        let last = exchanges.last().map(|e| &e.response.headers);
        let next = match last.map(|h| location(&url, h)) {
            Some(Ok(Some(next))) => next,
            Some(Ok(None)) | None => return (exchanges, None),
            Some(Err(e)) => return (exchanges, Some(e)),
        };
        if exchanges.len() > redirects.max as usize {
            return (exchanges, Some(HttpError::TooManyRedirects(redirects.max)));
        }
        let (next_method, keep_body) = next_method(status, &method);
        if !keep_body {
            body = PreparedBody::Empty;
        }
        match headers_for_hop(&mut headers, &url, &next, keep_body, &redirects.trust) {
            Ok(n) => note = n,
            Err(e) => return (exchanges, Some(e)),
        }
        method = next_method;
        url = next;
    }
}

/// One hop of a request, before it is sent.
struct Hop<'a> {
    method: &'a Method,
    url: &'a Url,
    headers: &'a HeaderMap,
    body: &'a PreparedBody,
    timeout: Duration,
}

impl Hop<'_> {
    fn build(&self, client: &Client) -> Result<(reqwest::Request, SentRequest), reqwest::Error> {
        let mut builder = client
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone())
            .timeout(self.timeout);
        let mut body_summary = None;
        let mut sent_body = None;
        match self.body {
            PreparedBody::Empty => {}
            PreparedBody::Bytes(b) => {
                builder = builder.body(b.clone());
                sent_body = Some(b.clone());
            }
            PreparedBody::Multipart(parts) => {
                let (form, summary) = multipart(parts);
                builder = builder.multipart(form);
                body_summary = Some(summary);
            }
        }
        let request = builder.build()?;
        let sent = SentRequest {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: request.headers().clone(),
            body: sent_body,
            body_summary,
        };
        Ok((request, sent))
    }

    /// `GET https://host/path`, for messages.
    fn target(&self) -> String {
        format!("{} {}", self.method, self.url)
    }

    /// Turns reqwest's error into ours, naming the hop and spelling out the causes.
    fn classify(&self, e: &reqwest::Error) -> HttpError {
        let target = self.target();
        if e.is_timeout() {
            return HttpError::Timeout {
                after: self.timeout,
                target,
            };
        }
        if let Some(detail) = super::tls_sentence(e) {
            return HttpError::Tls { target, detail };
        }
        let causes = super::error_causes(e);
        let detail = if causes.is_empty() {
            e.to_string()
        } else {
            causes.join(": ")
        };
        let lower = detail.to_ascii_lowercase();
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            HttpError::Tls { target, detail }
        } else if e.is_connect() {
            HttpError::Connect { target, detail }
        } else if lower.contains("timed out") {
            HttpError::Timeout {
                after: self.timeout,
                target,
            }
        } else {
            HttpError::Other { target, detail }
        }
    }
}

/// Whether `e` says the connection closed (or was reset) before any response arrived, so
/// that sending again cannot repeat an effect the server saw: an idempotent method, or a
/// request hyper never wrote.
fn stale_connection(e: &reqwest::Error, method: &Method) -> bool {
    if e.is_connect() || e.is_timeout() {
        return false;
    }
    let idempotent = matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    );
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(h) = s.downcast_ref::<hyper::Error>() {
            if h.is_canceled() {
                return true;
            }
            if h.is_incomplete_message() {
                return idempotent;
            }
        }
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return idempotent
                && matches!(
                    io.kind(),
                    ErrorKind::ConnectionReset
                        | ErrorKind::ConnectionAborted
                        | ErrorKind::BrokenPipe
                        | ErrorKind::UnexpectedEof
                );
        }
        source = s.source();
    }
    false
}

/// A copy of response headers in memory of their own: parsed values are slices of the
/// connection's read buffer, which a kept result would otherwise keep alive.
fn own_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        let mut copy = HeaderValue::from_bytes(value.as_bytes()).unwrap_or_else(|_| value.clone());
        copy.set_sensitive(value.is_sensitive());
        out.append(name.clone(), copy);
    }
    out
}

/// Why a body could not be read.
enum BodyError {
    /// It grew past the limit.
    TooLarge,
    /// The connection or the decoder failed.
    Http(reqwest::Error),
}

/// Reads the whole body, decoded, into a buffer of exactly its size, stopping as soon as
/// it exceeds `max` bytes. A body that arrived in one read would otherwise be a slice that
/// keeps the connection's whole read buffer alive.
async fn read_body(mut response: reqwest::Response, max: u64) -> Result<Bytes, BodyError> {
    if response.content_length().is_some_and(|n| n > max) {
        return Err(BodyError::TooLarge);
    }
    // With a known length the body goes straight into a buffer of that size. Otherwise (or
    // past that length) it is kept as chunks until the end, never in a growing buffer whose
    // doubling would briefly hold twice the limit.
    let mut direct = response
        .content_length()
        .map(|n| BytesMut::with_capacity(n as usize));
    let mut chunks = Vec::new();
    let mut len: u64 = 0;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Http)? {
        len += chunk.len() as u64;
        if len > max {
            return Err(BodyError::TooLarge);
        }
        match &mut direct {
            Some(buf) if buf.len() + chunk.len() <= buf.capacity() => {
                buf.extend_from_slice(&chunk);
            }
            _ => {
                if let Some(buf) = direct.take() {
                    chunks.push(buf.freeze());
                }
                chunks.push(chunk);
            }
        }
    }
    if let Some(buf) = direct {
        return Ok(buf.freeze());
    }
    let mut body = BytesMut::with_capacity(len as usize);
    for chunk in chunks {
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn multipart(parts: &[super::Part]) -> (Form, String) {
    let mut form = Form::new();
    let mut summary = Vec::new();
    for part in parts {
        match &part.value {
            PartValue::Text(text) => {
                summary.push(format!("{}={}", part.name, text));
                form = form.text(part.name.clone(), text.clone());
            }
            PartValue::File {
                filename,
                content_type,
                bytes,
            } => {
                summary.push(format!(
                    "{}=@{filename} ({content_type}, {} bytes)",
                    part.name,
                    bytes.len()
                ));
                let p = ReqwestPart::stream(reqwest::Body::from(Bytes::clone(bytes)))
                    .file_name(filename.clone());
                let p = p.mime_str(content_type).unwrap_or_else(|_| {
                    ReqwestPart::stream(reqwest::Body::from(Bytes::clone(bytes)))
                        .file_name(filename.clone())
                });
                form = form.part(part.name.clone(), p);
            }
        }
    }
    (form, format!("multipart/form-data: {}", summary.join(", ")))
}
