//! `-v`: each hop printed like `curl -v`, credentials hidden.

use std::fmt::Write as _;

use reqwest::header::HeaderMap;

use crate::http::Exchange;
use crate::output::Styles;
use crate::secrets::{ELLIPSIS, MASK};

/// Bodies longer than this are cut in `-v` output.
const MAX_BODY: usize = 16 * 1024;

/// Headers whose values are never shown.
const HIDDEN: &[&str] = &["authorization", "proxy-authorization"];

/// Appends one hop to `out`.
pub fn write_exchange(out: &mut String, e: &Exchange, index: usize, s: &Styles) {
    if let Some(note) = &e.redirect_note {
        let _ = writeln!(out, "{}", s.yellow(&format!("* {note}")));
    }
    if index > 0 {
        let _ = writeln!(
            out,
            "{}",
            s.dim(&format!(
                "* Redirect {index}: {} {}",
                e.request.method, e.request.url
            ))
        );
    }
    let _ = writeln!(
        out,
        "> {} {} {:?}",
        e.request.method, e.request.url, e.response.version
    );
    write_headers(out, '>', &e.request.headers);
    let _ = writeln!(out, ">");
    if let Some(summary) = &e.request.body_summary {
        let _ = writeln!(out, "{summary}");
    } else if let Some(body) = &e.request.body {
        write_body(out, body);
    }
    let status = e.response.status;
    let _ = writeln!(
        out,
        "< {:?} {} {}",
        e.response.version,
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    write_headers(out, '<', &e.response.headers);
    let _ = writeln!(out, "<");
    write_body(out, &e.response.body);
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

fn write_headers(out: &mut String, mark: char, headers: &HeaderMap) {
    for (name, value) in headers {
        let text = String::from_utf8_lossy(value.as_bytes());
        if HIDDEN.contains(&name.as_str()) {
            let scheme = text
                .split_once(' ')
                .map(|(s, _)| format!("{s} "))
                .unwrap_or_default();
            let _ = writeln!(out, "{mark} {name}: {scheme}{MASK}");
        } else {
            let _ = writeln!(out, "{mark} {name}: {text}");
        }
    }
}

fn write_body(out: &mut String, body: &[u8]) {
    if body.is_empty() {
        return;
    }
    match std::str::from_utf8(body) {
        Ok(text) if text.len() > MAX_BODY => {
            let mut cut = MAX_BODY;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            // The ellipsis right after the cut lets the masker hide a secret cut in two.
            let _ = writeln!(out, "{}{ELLIPSIS}", &text[..cut]);
            let _ = writeln!(out, "* ... {} more bytes", text.len() - cut);
        }
        Ok(text) => {
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
        Err(_) => {
            let _ = writeln!(out, "* {} bytes of binary data", body.len());
        }
    }
}
