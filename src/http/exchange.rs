//! Sending a prepared request and following its redirects by hand.

use std::error::Error as _;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use reqwest::Client;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::multipart::{Form, Part as ReqwestPart};

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
    } = req;
    let mut note = None;
    loop {
        let mut builder = client
            .request(method.clone(), url.clone())
            .headers(headers.clone())
            .timeout(timeout);
        let mut body_summary = None;
        let mut sent_body = None;
        match &body {
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
        let request = match builder.build() {
            Ok(r) => r,
            Err(e) => return (exchanges, Some(classify(&e, timeout))),
        };
        let sent = SentRequest {
            method: method.clone(),
            url: url.clone(),
            headers: request.headers().clone(),
            body: sent_body,
            body_summary,
        };
        let start = Instant::now();
        let response = match client.execute(request).await {
            Ok(r) => r,
            Err(e) => return (exchanges, Some(classify(&e, timeout))),
        };
        let headers_at = start.elapsed();
        let status = response.status();
        let version = response.version();
        let response_headers = own_headers(response.headers());
        let bytes = match read_body(response).await {
            Ok(b) => b,
            Err(e) => return (exchanges, Some(classify(&e, timeout))),
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

/// Reads the whole body into a buffer of exactly its size. Results keep every body, and a
/// body that arrived in one read would otherwise be a slice that keeps the connection's
/// whole read buffer alive.
async fn read_body(mut response: reqwest::Response) -> Result<Bytes, reqwest::Error> {
    let mut chunks = Vec::new();
    let mut len = 0;
    while let Some(chunk) = response.chunk().await? {
        len += chunk.len();
        chunks.push(chunk);
    }
    let mut body = BytesMut::with_capacity(len);
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

/// Turns reqwest's error into ours, with the underlying causes spelled out.
fn classify(e: &reqwest::Error, timeout: std::time::Duration) -> HttpError {
    if e.is_timeout() {
        return HttpError::Timeout(timeout);
    }
    let mut causes = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !causes.iter().any(|c: &String| c.contains(&text)) {
            causes.push(text);
        }
        source = s.source();
    }
    let detail = if causes.is_empty() {
        e.to_string()
    } else {
        causes.join(": ")
    };
    let lower = detail.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        HttpError::Tls(detail)
    } else if e.is_connect() {
        HttpError::Connect(detail)
    } else if lower.contains("timed out") {
        HttpError::Timeout(timeout)
    } else {
        HttpError::Other(detail)
    }
}
