//! Endless bodies and decompression bombs stop at `--max-body` / `max_body:`, in bounded memory.

use std::io::{BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{MIB, RawServer, one_request, read_head, run_measured, sized_server};
use crate::support::{Workspace, repo_root};

/// Asserts that a run that read at most the default limit (64 MiB) stayed within it plus
/// `extra` (a decoder's window), over what the same binary needs for a tiny exchange;
/// and, for an optimised build, under 100 MiB in all.
#[track_caller]
fn assert_bounded(ws: &Workspace, peak: u64, extra: u64) {
    let server = sized_server();
    ws.write("tiny.yaml", &one_request(&format!("{}/10", server.url())));
    let (out, base) = run_measured(ws, &["run", "tiny.yaml"]);
    out.assert_code(0);
    let grown = peak.saturating_sub(base);
    eprintln!("peak RSS {} KiB, tiny run {} KiB", peak / 1024, base / 1024);
    assert!(
        grown < 64 * MIB + extra + 4 * MIB,
        "peak RSS {} MiB, {} MiB over a tiny run",
        peak / MIB,
        grown / MIB
    );
    if !cfg!(debug_assertions) {
        assert!(peak < 100 * MIB, "peak RSS {} MiB", peak / MIB);
    }
}

/// The most a loopback connection can hold in its kernel buffers (the receive side grows
/// while the client reads fast, up to `tcp_rmem`'s maximum): what a server counts as sent
/// beyond what the client read.
fn socket_buffers() -> u64 {
    let max = |path: &str| {
        std::fs::read_to_string(path)
            .ok()
            .and_then(|s| s.split_whitespace().nth(2)?.parse::<u64>().ok())
    };
    match (
        max("/proc/sys/net/ipv4/tcp_rmem"),
        max("/proc/sys/net/ipv4/tcp_wmem"),
    ) {
        (Some(r), Some(w)) => r + w,
        _ => 16 * MIB,
    }
}

/// Answers every request with headers and then `chunk` again and again until the client
/// goes away; counts the bytes written.
fn endless(head: &'static str, chunk: Vec<u8>, sent: Arc<AtomicUsize>) -> RawServer {
    let chunk = Arc::new(chunk);
    RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        if read_head(&mut reader).is_none() {
            return;
        }
        let mut stream = stream;
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        while stream.write_all(&chunk).is_ok() {
            sent.fetch_add(chunk.len(), Ordering::SeqCst);
        }
    })
}

#[test]
fn an_endless_body_stops_at_the_default_limit_in_bounded_memory() {
    let sent = Arc::new(AtomicUsize::new(0));
    let server = endless(
        "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\r\n",
        vec![b'x'; 64 * 1024],
        Arc::clone(&sent),
    );
    let ws = Workspace::new();
    ws.write("c.yaml", &one_request(&format!("{}/endless", server.url())));
    let started = Instant::now();
    let (out, peak) = run_measured(&ws, &["run", "c.yaml"]);
    out.assert_code(3).assert_contains(&format!(
        "response body exceeds 64 MiB: GET {}/endless (raise the limit with --max-body or `max_body:`)",
        server.url()
    ));
    assert_bounded(&ws, peak, 0);
    let sent = sent.load(Ordering::SeqCst) as u64;
    assert!(
        sent < 64 * MIB + socket_buffers() + MIB,
        "reading stops at the limit: {} MiB sent",
        sent / MIB
    );
    assert!(started.elapsed() < Duration::from_secs(20));
}

#[test]
fn an_endless_gzip_bomb_is_cut_at_the_decoded_limit() {
    let block = std::fs::read(repo_root().join("tests/fixtures/bombs/zeros-1MiB.deflate"))
        .expect("fixture");
    // A gzip member header (no name, no time); the deflate blocks never end.
    let mut first = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    first.extend_from_slice(&block);
    let sent = Arc::new(AtomicUsize::new(0));
    let sent_by = Arc::clone(&sent);
    let server = RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        if read_head(&mut reader).is_none() {
            return;
        }
        let mut stream = stream;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n";
        if stream.write_all(head.as_bytes()).is_err() {
            return;
        }
        let mut piece = first.as_slice();
        loop {
            let chunk = [format!("{:x}\r\n", piece.len()).as_bytes(), piece, b"\r\n"].concat();
            if stream.write_all(&chunk).is_err() {
                return;
            }
            sent_by.fetch_add(piece.len(), Ordering::SeqCst);
            piece = &block;
        }
    });
    let ws = Workspace::new();
    ws.write("c.yaml", &one_request(&format!("{}/bomb", server.url())));
    let (out, peak) = run_measured(&ws, &["run", "c.yaml"]);
    out.assert_code(3)
        .assert_contains("response body exceeds 64 MiB: GET ");
    assert_bounded(&ws, peak, 0);
    // 1 KiB on the wire is 1 MiB decoded: the limit is on decoded bytes (a limit on the
    // wire would let 64 MiB through).
    let wire = sent.load(Ordering::SeqCst) as u64;
    assert!(wire < MIB + socket_buffers(), "{wire} bytes sent");
}

#[test]
fn a_brotli_bomb_is_cut_at_the_decoded_limit() {
    let bomb =
        std::fs::read(repo_root().join("tests/fixtures/bombs/zeros-1GiB.br")).expect("fixture");
    assert!(bomb.len() < 2048, "809 bytes that decode to 1 GiB");
    let bomb = Arc::new(bomb);
    let server = RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        if read_head(&mut reader).is_none() {
            return;
        }
        let mut stream = stream;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-encoding: br\r\ncontent-length: {}\r\n\r\n",
            bomb.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(&bomb);
        // Keep the connection open: the client must stop on its own.
        std::thread::sleep(Duration::from_secs(5));
    });
    let ws = Workspace::new();
    ws.write("c.yaml", &one_request(&format!("{}/br", server.url())));
    let (out, peak) = run_measured(&ws, &["run", "c.yaml"]);
    out.assert_code(3).assert_contains(&format!(
        "response body exceeds 64 MiB: GET {}/br",
        server.url()
    ));
    // Brotli's window is 16 MiB.
    assert_bounded(&ws, peak, 16 * MIB);
}

#[test]
fn max_body_is_set_per_request_folder_and_command_line() {
    let server = sized_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: limits
max_body: 1KiB
requests:
  - name: at the limit
    url: {u}/1024
    expect:
      status: 200
  - name: past the limit
    url: {u}/1025
  - name: past the limit, chunked
    url: {u}/chunked/1025
  - name: own limit
    url: {u}/5000
    max_body: 10KB
  - folder: small
    max_body: 100
    requests:
      - name: in a folder
        url: {u}/chunked/101
"#,
            u = server.url()
        ),
    );
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(3);
    let text = out.stdout.clone();
    for (name, limit, path) in [
        ("past the limit", "1 KiB", "/1025"),
        ("past the limit, chunked", "1 KiB", "/chunked/1025"),
        ("small/in a folder", "100 bytes", "/chunked/101"),
    ] {
        assert!(text.contains(&format!("  ERROR {name}\n")), "{text}");
        assert!(
            text.contains(&format!(
                "response body exceeds {limit}: GET {}{path} ",
                server.url()
            )),
            "{name}: {text}"
        );
    }
    assert!(text.contains("  PASS  at the limit  GET 200"), "{text}");
    assert!(text.contains("  PASS  own limit  GET 200"), "{text}");
    assert!(
        text.contains("Requests:   2 passed, 0 failed, 3 errors"),
        "{text}"
    );

    // The command line sets the default; the collection's key still wins.
    ws.write(
        "d.yaml",
        &format!(
            "name: d\nrequests:\n  - name: a\n    url: {u}/1001\n  - name: b\n    url: {u}/1001\n    max_body: 2000\n",
            u = server.url()
        ),
    );
    let out = ws.run(&["run", "d.yaml", "--max-body", "1000"]);
    out.assert_code(3)
        .assert_contains("response body exceeds 1 KB: GET ")
        .assert_contains("  PASS  b  GET 200");
    ws.run(&["run", "d.yaml", "--max-body", "10MB"])
        .assert_code(0);
}

#[test]
fn a_bad_size_is_invalid_input() {
    let server = sized_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            "name: c\nrequests:\n  - name: a\n    url: {}/1\n",
            server.url()
        ),
    );
    ws.run(&["run", "c.yaml", "--max-body", "lots"])
        .assert_code(2)
        .assert_contains("invalid --max-body: `lots` is not a size");
    ws.run(&["run", "c.yaml", "--max-body", "5 parsecs"])
        .assert_code(2)
        .assert_contains("invalid --max-body: `5 parsecs` has an unknown unit `parsecs`");
    ws.write(
        "bad.yaml",
        &format!(
            "name: c\nrequests:\n  - name: a\n    url: {}/1\n    max_body: -3\n",
            server.url()
        ),
    );
    ws.run(&["run", "bad.yaml"])
        .assert_code(2)
        .assert_contains("invalid max_body: `-3` is not a whole, non-negative number of bytes")
        .assert_contains("bad.yaml:5:15");
    assert_eq!(server.connections.load(Ordering::SeqCst), 0, "nothing sent");
}
