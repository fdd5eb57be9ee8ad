//! `-v`: each hop printed like `curl -v`, credentials hidden, the server's text with its
//! control characters escaped.

use std::fmt::Write as _;

use reqwest::header::HeaderMap;

use crate::http::Exchange;
use crate::output::{Styles, one_line, text_block};
use crate::secrets::{MASK, Masker};

/// Bodies longer than this are cut in `-v` output.
const MAX_BODY: usize = 16 * 1024;

/// Headers whose values are never shown.
const HIDDEN: &[&str] = &["authorization", "proxy-authorization"];

/// A token endpoint exchange under `-v`: a heading naming it (`what`: `token`, `device
/// authorization`, `revocation`), then the exchange as any other.
pub fn token_exchange_text(what: &str, e: &Exchange, s: &Styles, masker: &Masker) -> String {
    let mut out = format!("{}\n", s.dim(&format!("* {what} request")));
    write_exchange(&mut out, e, 0, s, masker);
    out
}

/// Appends one hop to `out`.
pub fn write_exchange(out: &mut String, e: &Exchange, index: usize, s: &Styles, masker: &Masker) {
    let line = |text: &str| one_line(&masker.mask(text)).into_owned();
    if let Some(note) = &e.redirect_note {
        let _ = writeln!(out, "{}", s.yellow(&format!("* {}", line(note))));
    }
    if index > 0 {
        let _ = writeln!(
            out,
            "{}",
            s.dim(&format!(
                "* Redirect {index}: {} {}",
                e.request.method,
                line(e.request.url.as_str())
            ))
        );
    }
    let _ = writeln!(
        out,
        "> {} {} {:?}",
        e.request.method,
        line(e.request.url.as_str()),
        e.response.version
    );
    write_headers(out, '>', &e.request.headers, masker);
    let _ = writeln!(out, ">");
    if let Some(summary) = &e.request.body_summary {
        let _ = writeln!(out, "{}", line(summary));
    } else if let Some(body) = &e.request.body {
        write_body(out, body, masker);
    }
    let status = e.response.status;
    let _ = writeln!(
        out,
        "< {:?} {} {}",
        e.response.version,
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    write_headers(out, '<', &e.response.headers, masker);
    let _ = writeln!(out, "<");
    write_body(out, &e.response.body, masker);
    let _ = writeln!(
        out,
        "{}",
        s.dim(&format!(
            "* {} ms to headers, {} ms in all",
            e.timings.headers.as_millis(),
            e.timings.total.as_millis()
        ))
    );
}

fn write_headers(out: &mut String, mark: char, headers: &HeaderMap, masker: &Masker) {
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes());
        if HIDDEN.contains(&name.as_str()) {
            let scheme = text
                .split_once(' ')
                .map(|(s, _)| format!("{} ", one_line(s)))
                .unwrap_or_default();
            let _ = writeln!(out, "{mark} {name}: {scheme}{MASK}");
        } else {
            let _ = writeln!(out, "{mark} {name}: {}", one_line(&masker.mask(&text)));
        }
    }
}

/// The body, masked before it is cut at [`MAX_BODY`].
fn write_body(out: &mut String, body: &[u8], masker: &Masker) {
    if body.is_empty() {
        return;
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let (shown, omitted) = masker.excerpt(text, MAX_BODY);
            let shown = text_block(&shown);
            out.push_str(&shown);
            if !shown.ends_with('\n') {
                out.push('\n');
            }
            if omitted > 0 {
                let _ = writeln!(out, "* ... {omitted} more bytes");
            }
        }
        Err(_) => {
            let _ = writeln!(out, "* {} bytes of binary data", body.len());
        }
    }
}
