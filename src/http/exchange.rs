//! Sending a prepared request and following its redirects by hand.

use std::error::Error;
use std::io::ErrorKind;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part as ReqwestPart};
use reqwest::{Client, Method};
use url::Url;

use super::direct::Direct;
use super::redirect::{headers_for_hop, is_redirect, location, next_method};
use super::{
    Exchange, HttpClient, HttpError, PartValue, PreparedBody, PreparedRequest, ReceivedResponse,
    SentRequest, Timings,
};

/// Sends `req`, following redirects as its policy says. Returns every hop that completed
/// and, when the request could not finish, why.
pub async fn execute(
    client: &HttpClient,
    req: PreparedRequest,
) -> (Vec<Exchange>, Option<HttpError>) {
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
        let start = Instant::now();
        let sent = match client.direct().zip(hop.direct_uri()) {
            Some((direct, uri)) => hop.send_direct(direct, uri, start, max_body).await,
            None => hop.send_reqwest(client, start, max_body).await,
        };
        let (sent, received, headers_at) = match sent {
            Ok(r) => r,
            Err(e) => return (exchanges, Some(e)),
        };
        let status = received.status;
        exchanges.push(Exchange {
            request: sent,
            response: received,
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
    /// The hop's URI when it can go on the direct path: plain http and a body of bytes.
    fn direct_uri(&self) -> Option<http::Uri> {
        if self.url.scheme() != "http" || matches!(self.body, PreparedBody::Multipart(_)) {
            return None;
        }
        self.url.as_str().parse().ok()
    }

    /// Sends the hop on hyper's client directly and reads the body, all within the timeout.
    async fn send_direct(
        &self,
        direct: &Direct,
        uri: http::Uri,
        start: Instant,
        max_body: u64,
    ) -> Result<(SentRequest, ReceivedResponse, Duration), HttpError> {
        let body = match self.body {
            PreparedBody::Bytes(b) => Some(b),
            _ => None,
        };
        let exchange = async {
            let response = match direct
                .send(self.method, self.url, uri.clone(), self.headers, body)
                .await
            {
                Ok(r) => r,
                // A kept-alive connection the server closed without saying so: once more,
                // on a new connection (the failed one has left the pool).
                Err(e) if stale_connection(&e, e.is_connect(), self.method) => direct
                    .send(self.method, self.url, uri, self.headers, body)
                    .await
                    .map_err(|e| self.classify(&e, false, e.is_connect()))?,
                Err(e) => return Err(self.classify(&e, false, e.is_connect())),
            };
            let headers_at = start.elapsed();
            let (parts, mut incoming) = response.into_parts();
            // Known when the body is not decoded and has a Content-Length, as reqwest's
            // `content_length`.
            let length = http_body::Body::size_hint(&incoming).exact();
            let mut collector =
                Collector::new(length, max_body).ok_or_else(|| self.too_large(max_body))?;
            while let Some(frame) = incoming.frame().await {
                let frame = frame.map_err(|e| self.body_error(&*e))?;
                if let Ok(chunk) = frame.into_data()
                    && !collector.push(chunk)
                {
                    return Err(self.too_large(max_body));
                }
            }
            Ok((
                ReceivedResponse {
                    status: parts.status,
                    version: parts.version,
                    headers: own_headers(&parts.headers),
                    body: collector.finish(),
                },
                headers_at,
            ))
        };
        let (received, headers_at) = tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| HttpError::Timeout {
                after: self.timeout,
                target: self.target(),
            })??;
        let sent = SentRequest {
            method: self.method.clone(),
            url: self.url.clone(),
            headers: self.headers.clone(),
            body: body.cloned(),
            body_summary: None,
        };
        Ok((sent, received, headers_at))
    }

    /// Sends the hop through reqwest and reads the body.
    async fn send_reqwest(
        &self,
        client: &Client,
        start: Instant,
        max_body: u64,
    ) -> Result<(SentRequest, ReceivedResponse, Duration), HttpError> {
        let (request, sent) = self
            .build(client)
            .map_err(|e| self.classify(&e, e.is_timeout(), e.is_connect()))?;
        let response = match client.execute(request).await {
            Ok(r) => r,
            // A kept-alive connection the server closed without saying so: once more, on
            // a new connection (the failed one has left the pool).
            Err(e) if stale_connection(&e, e.is_connect() || e.is_timeout(), self.method) => {
                let retried = match self.build(client) {
                    Ok((request, _)) => client.execute(request).await,
                    Err(e) => Err(e),
                };
                retried.map_err(|e| self.classify(&e, e.is_timeout(), e.is_connect()))?
            }
            Err(e) => return Err(self.classify(&e, e.is_timeout(), e.is_connect())),
        };
        let headers_at = start.elapsed();
        let status = response.status();
        let version = response.version();
        let headers = own_headers(response.headers());
        let body = match read_body(response, max_body).await {
            Ok(b) => b,
            Err(BodyError::TooLarge) => return Err(self.too_large(max_body)),
            Err(BodyError::Http(e)) => {
                return Err(self.classify(&e, e.is_timeout(), e.is_connect()));
            }
        };
        let received = ReceivedResponse {
            status,
            version,
            headers,
            body,
        };
        Ok((sent, received, headers_at))
    }

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

    /// Turns an error of the HTTP stack into ours, naming the hop and spelling out the
    /// causes. `timeout` and `connect`: what the error says of itself.
    fn classify(&self, e: &(dyn Error + 'static), timeout: bool, connect: bool) -> HttpError {
        let target = self.target();
        if timeout {
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
        } else if connect {
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

    /// A failure while reading the body on the direct path: the error itself speaks, then
    /// its causes (reqwest's wrapper around the same error would say nothing more).
    fn body_error(&self, e: &(dyn Error + 'static)) -> HttpError {
        let mut causes = vec![e.to_string()];
        for cause in super::error_causes(e) {
            if !causes.iter().any(|c| c.contains(&cause)) {
                causes.push(cause);
            }
        }
        HttpError::Other {
            target: self.target(),
            detail: causes.join(": "),
        }
    }

    fn too_large(&self, limit: u64) -> HttpError {
        HttpError::BodyTooLarge {
            limit,
            target: self.target(),
        }
    }
}

/// Whether `e` says the connection closed (or was reset) before any response arrived, so
/// that sending again cannot repeat an effect the server saw: an idempotent method, or a
/// request hyper never wrote.
fn stale_connection(e: &(dyn Error + 'static), connect_or_timeout: bool, method: &Method) -> bool {
    if connect_or_timeout {
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

/// Reads the whole body, decoded, stopping as soon as it exceeds `max` bytes.
async fn read_body(mut response: reqwest::Response, max: u64) -> Result<Bytes, BodyError> {
    let mut collector =
        Collector::new(response.content_length(), max).ok_or(BodyError::TooLarge)?;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Http)? {
        if !collector.push(chunk) {
            return Err(BodyError::TooLarge);
        }
    }
    Ok(collector.finish())
}

/// A body as it arrives, into a buffer of exactly its size: a body that arrived in one read
/// would otherwise be a slice that keeps the connection's whole read buffer alive. With a
/// known length the body goes straight into a buffer of that size. Otherwise (or past that
/// length) it is kept as chunks until the end, never in a growing buffer whose doubling
/// would briefly hold twice the limit.
struct Collector {
    direct: Option<BytesMut>,
    chunks: Vec<Bytes>,
    len: u64,
    max: u64,
}

impl Collector {
    /// `None` when the announced `length` is already past `max`.
    fn new(length: Option<u64>, max: u64) -> Option<Collector> {
        if length.is_some_and(|n| n > max) {
            return None;
        }
        Some(Collector {
            direct: length.map(|n| BytesMut::with_capacity(n as usize)),
            chunks: Vec::new(),
            len: 0,
            max,
        })
    }

    /// Takes a chunk; `false` once the body is past the limit.
    fn push(&mut self, chunk: Bytes) -> bool {
        self.len += chunk.len() as u64;
        if self.len > self.max {
            return false;
        }
        match &mut self.direct {
            Some(buf) if buf.len() + chunk.len() <= buf.capacity() => {
                buf.extend_from_slice(&chunk);
            }
            _ => {
                if let Some(buf) = self.direct.take() {
                    self.chunks.push(buf.freeze());
                }
                self.chunks.push(chunk);
            }
        }
        true
    }

    fn finish(self) -> Bytes {
        if let Some(buf) = self.direct {
            return buf.freeze();
        }
        let mut body = BytesMut::with_capacity(self.len as usize);
        for chunk in self.chunks {
            body.extend_from_slice(&chunk);
        }
        body.freeze()
    }
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
