//! Hostile and broken servers: endless bodies and decompression bombs (`--max-body`),
//! kept-alive connections closed without notice, and requests that cannot be built.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{Output, Workspace, repo_root};

/// A raw HTTP/1.1 server on 127.0.0.1:0: each connection is handed to `handle` on a thread
/// of its own, with the number of connections accepted so far.
struct RawServer {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl RawServer {
    fn start(handle: impl Fn(TcpStream, usize) + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = Arc::clone(&connections);
        let handle = Arc::new(handle);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let handle = Arc::clone(&handle);
                std::thread::spawn(move || handle(stream, n));
            }
        });
        RawServer { port, connections }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads one request head (request line and headers); `None` when the peer closed first.
fn read_head(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if line == "\r\n" {
            return Some(head);
        }
        head.push_str(&line);
    }
}

/// Runs the binary in `ws` and returns its output and its peak resident memory in bytes,
/// taken from the kernel's accounting of exactly this child (wait4).
// The child is reaped by wait4, which also reports its peak memory.
#[allow(clippy::zombie_processes)]
fn run_measured(ws: &Workspace, args: &[&str]) -> (Output, u64) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("runner"))
        .args(args)
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn runner");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let stdout = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let stderr = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain libc call on our own child; `usage` is a valid out-pointer.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4");
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let output = Output {
        code,
        stdout: stdout.join().expect("stdout thread"),
        stderr: stderr.join().expect("stderr thread"),
    };
    (output, usage.ru_maxrss as u64 * 1024)
}

const MIB: u64 = 1024 * 1024;

/// Asserts that a run that read at most the default limit (64 MiB) stayed within it plus
/// `extra` (a decoder's window), over what the same binary needs for a tiny exchange;
/// and, for an optimised build, under 100 MB in all.
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
        assert!(peak < 100 * 1000 * 1000, "peak RSS {} MiB", peak / MIB);
    }
}

fn one_request(url: &str) -> String {
    format!(
        "name: hostile\nrequests:\n  - name: big\n    url: {url}\n    expect:\n      status: 200\n"
    )
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
    assert!(
        (sent.load(Ordering::SeqCst) as u64) < 80 * MIB,
        "reading stops at the limit"
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
    // 1 KiB on the wire is 1 MiB decoded: the limit is on decoded bytes.
    let wire = sent.load(Ordering::SeqCst) as u64;
    assert!(wire < 4 * MIB, "{wire} bytes sent");
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

/// Answers `/N` with N bytes of `a`; `/chunked/N` sends them chunked (no length).
fn sized_server() -> RawServer {
    RawServer::start(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut stream = stream;
        while let Some(head) = read_head(&mut reader) {
            let path = head.split(' ').nth(1).unwrap_or("/").to_string();
            let (chunked, n) = match path.strip_prefix("/chunked/") {
                Some(n) => (true, n),
                None => (false, path.trim_start_matches('/')),
            };
            let n: usize = n.parse().unwrap_or(0);
            let body = vec![b'a'; n];
            let reply = if chunked {
                let mut r = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
                for part in body.chunks(300) {
                    r.extend(format!("{:x}\r\n", part.len()).as_bytes());
                    r.extend(part);
                    r.extend(b"\r\n");
                }
                r.extend(b"0\r\n\r\n");
                r
            } else {
                let mut r = format!("HTTP/1.1 200 OK\r\ncontent-length: {n}\r\n\r\n").into_bytes();
                r.extend(body);
                r
            };
            if stream.write_all(&reply).is_err() {
                return;
            }
        }
    })
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

/// Answers requests with keep-alive; a connection idle for more than 50 ms is silently
/// forgotten: the next request on it is read, not answered, and the socket closed.
fn forgetful_server(answered: Arc<Mutex<Vec<String>>>, dropped: Arc<AtomicUsize>) -> RawServer {
    RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut stream = stream;
        let mut last = None::<Instant>;
        while let Some(head) = read_head(&mut reader) {
            let line = head.lines().next().unwrap_or_default().to_string();
            if let Some(length) = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(str::to_string)
            }) {
                let mut body = vec![0; length.trim().parse().unwrap_or(0)];
                let _ = reader.read_exact(&mut body);
            }
            if last.is_some_and(|t| t.elapsed() > Duration::from_millis(50)) {
                dropped.fetch_add(1, Ordering::SeqCst);
                return;
            }
            answered.lock().expect("log").push(line);
            let reply = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok";
            if stream.write_all(reply.as_bytes()).is_err() {
                return;
            }
            last = Some(Instant::now());
        }
    })
}

#[test]
fn a_server_that_drops_idle_connections_still_gets_every_request() {
    let answered = Arc::new(Mutex::new(Vec::new()));
    let dropped = Arc::new(AtomicUsize::new(0));
    let server = forgetful_server(Arc::clone(&answered), Arc::clone(&dropped));
    let mut yaml = String::from("name: keep-alive\nrequests:\n");
    for i in 0..20 {
        yaml.push_str(&format!(
            "  - name: r{i}\n    url: {}/r{i}\n    delay: 100ms\n    expect:\n      status: 200\n",
            server.url()
        ));
    }
    let ws = Workspace::new();
    ws.write("c.yaml", &yaml);
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(0)
        .assert_contains("Requests:   20 passed, 0 failed, 0 errors, 0 skipped (20 total)");
    let answered = answered.lock().expect("log").clone();
    let expected: Vec<String> = (0..20).map(|i| format!("GET /r{i} HTTP/1.1")).collect();
    assert_eq!(answered, expected, "each request answered once, in order");
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        19,
        "every request after the first met a forgotten connection first"
    );
    assert_eq!(server.connections.load(Ordering::SeqCst), 20);
}

#[test]
fn a_post_on_a_dropped_connection_is_not_sent_twice() {
    let answered = Arc::new(Mutex::new(Vec::new()));
    let dropped = Arc::new(AtomicUsize::new(0));
    let server = forgetful_server(Arc::clone(&answered), Arc::clone(&dropped));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            "name: post\nrequests:\n  - name: first\n    url: {u}/a\n  - name: create\n    method: POST\n    url: {u}/create\n    delay: 100ms\n    body:\n      json: {{ n: 1 }}\n",
            u = server.url()
        ),
    );
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(3).assert_contains(&format!(
        "request failed: POST {}/create: connection closed before message completed",
        server.url()
    ));
    assert_eq!(
        *answered.lock().expect("log"),
        vec!["GET /a HTTP/1.1".to_string()]
    );
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the server saw the POST once"
    );
}

#[test]
fn a_timeout_names_the_url() {
    let server = RawServer::start(|stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let _ = read_head(&mut reader);
        std::thread::sleep(Duration::from_secs(3));
    });
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            "name: t\nrequests:\n  - name: slow\n    url: {}/slow?q=1\n    timeout: 200ms\n",
            server.url()
        ),
    );
    ws.run(&["run", "c.yaml"])
        .assert_code(3)
        .assert_contains(&format!(
            "timed out after 200ms: GET {}/slow?q=1",
            server.url()
        ));
}

#[test]
fn literal_urls_and_headers_that_cannot_be_sent_are_invalid_input() {
    let server = sized_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: literals
requests:
  - name: fine
    url: {u}/1
  - name: spaced host
    url: "http://exa mple.com/x"
  - name: no scheme
    url: example.com/x
  - name: ftp
    url: ftp://example.com/x
  - name: control character
    url: {u}/1
    headers:
      X-Token: "a\u0001b"
  - name: bad name
    url: {u}/1
    headers:
      "X Bad": "1"
  - name: bad pattern
    url: {u}/1
    follow_authorization_header: ["http://x/"]
  - name: templated is checked when sent
    url: "{{{{ base }}}}/1"
"#,
            u = server.url()
        ),
    );
    let out = ws.run(&["run", "c.yaml", "--var", &format!("base={}", server.url())]);
    out.assert_code(2)
        .assert_contains(
            "error: invalid URL `http://exa mple.com/x` in request `spaced host`: invalid international domain name\n --> c.yaml:6:10",
        )
        .assert_contains(
            "error: invalid URL `example.com/x` in request `no scheme`: relative URL without a base\n --> c.yaml:8:10",
        )
        .assert_contains("a URL needs a scheme and a host, such as https://example.com/")
        .assert_contains(
            "error: unsupported URL `ftp://example.com/x` in request `ftp`: the scheme `ftp` is not http or https\n  --> c.yaml:10:10",
        )
        .assert_contains(
            "error: invalid value for header `X-Token` in request `control character`: it contains the control character '\\u{1}'\n  --> c.yaml:14:16",
        )
        .assert_contains(
            "error: invalid header name `X Bad` in request `bad name`: ' ' is not allowed in a header name\n  --> c.yaml:18:16",
        )
        .assert_contains(
            "error: invalid port in host pattern `http://x/` in request `bad pattern`\n  --> c.yaml:21:34",
        )
        .assert_contains("6 errors")
        .assert_not_contains("templated");
    assert_eq!(
        server.connections.load(Ordering::SeqCst),
        0,
        "nothing is sent, not even the valid request"
    );
}

#[test]
fn an_unsendable_rendered_url_names_the_url_and_why() {
    let server = sized_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: long\nrequests:\n  - name: long\n    url: \"{{ base }}/{{ path }}\"\n",
    );
    let path = "a".repeat(70_000);
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("base={}", server.url()),
        "--var",
        &format!("path={path}"),
    ]);
    out.assert_code(3).assert_contains(&format!(
        "request failed: GET {}/{path}: Parsed Url is not a valid Uri",
        server.url()
    ));
    out.assert_not_contains("builder error");
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}
