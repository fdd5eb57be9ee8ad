//! What goes on the wire. Plain-http requests are sent on hyper's client directly, and
//! requests through a proxy on reqwest: the same server, reached both ways, sees the same
//! headers in the same order, gets its cookie back and has its gzip body decoded.

use std::io::{BufReader, Write};
use std::sync::{Arc, Mutex};

use super::{RawServer, read_head, skip_body};
use crate::support::Workspace;

/// CRC-32 (IEEE), for the gzip trailer.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// `data` as a gzip member holding one stored (uncompressed) deflate block.
fn gzip(data: &[u8]) -> Vec<u8> {
    let len = u16::try_from(data.len()).expect("small");
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 1];
    out.extend(len.to_le_bytes());
    out.extend((!len).to_le_bytes());
    out.extend(data);
    out.extend(crc32(data).to_le_bytes());
    out.extend((data.len() as u32).to_le_bytes());
    out
}

/// Records every request head; `/set` answers a gzip JSON body and sets a cookie.
fn recording_server(heads: Arc<Mutex<Vec<String>>>) -> RawServer {
    RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut stream = stream;
        while let Some(head) = read_head(&mut reader) {
            skip_body(&head, &mut reader);
            let set = head.lines().next().unwrap_or_default().contains("/set ");
            heads.lock().expect("heads").push(head);
            let reply = if set {
                let body = gzip(br#"{"ok":true}"#);
                let mut reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\nset-cookie: session=abc; Path=/\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                )
                .into_bytes();
                reply.extend(body);
                reply
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok".to_vec()
            };
            if stream.write_all(&reply).is_err() {
                return;
            }
        }
    })
}

#[test]
fn plain_http_and_a_proxied_request_send_the_same_headers() {
    let heads = Arc::new(Mutex::new(Vec::new()));
    let server = recording_server(Arc::clone(&heads));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            "name: wire\nrequests:\n  - name: set\n    url: {u}/set\n    expect:\n      status: 200\n      json:\n        $.ok: true\n  - name: get\n    url: {u}/get\n    headers:\n      X-Custom: \"1\"\n    expect:\n      status: 200\n",
            u = server.url()
        ),
    );
    let host = server.url().trim_start_matches("http://").to_string();
    let mut runs = Vec::new();
    for proxy in [None, Some(server.url())] {
        heads.lock().expect("heads").clear();
        let mut args = vec!["run", "c.yaml"];
        if let Some(proxy) = &proxy {
            args.extend(["--proxy", proxy.as_str()]);
        }
        ws.run(&args)
            .assert_code(0)
            .assert_contains("Requests:   2 passed, 0 failed, 0 errors, 0 skipped (2 total)");
        let recorded = heads.lock().expect("heads").clone();
        let lines: Vec<Vec<String>> = recorded
            .iter()
            .map(|h| h.lines().map(str::to_ascii_lowercase).collect())
            .collect();
        runs.push(lines);
    }
    let agent = format!("user-agent: runner/{}", env!("CARGO_PKG_VERSION"));
    let direct = &runs[0];
    assert_eq!(
        direct,
        &[
            vec![
                "get /set http/1.1".to_string(),
                "accept: */*".into(),
                agent.clone(),
                "accept-encoding: gzip,deflate,br".into(),
                format!("host: {host}"),
            ],
            vec![
                "get /get http/1.1".to_string(),
                "x-custom: 1".into(),
                "accept: */*".into(),
                agent.clone(),
                "accept-encoding: gzip,deflate,br".into(),
                "cookie: session=abc".into(),
                format!("host: {host}"),
            ],
        ],
        "plain http"
    );
    // Through the proxy the request line carries the whole URL; the headers are the same.
    let proxied = &runs[1];
    assert_eq!(proxied.len(), 2, "{proxied:?}");
    for (d, p) in direct.iter().zip(proxied) {
        assert_eq!(
            p[0],
            d[0].replacen(' ', &format!(" http://{host}"), 1),
            "request line"
        );
        assert_eq!(p[1..], d[1..], "headers through reqwest and the proxy");
    }
}
