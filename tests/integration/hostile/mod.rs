//! Hostile and broken servers: endless bodies and decompression bombs (`--max-body`),
//! kept-alive connections closed without notice, and requests that cannot be built.
//! The servers are raw TCP listeners on 127.0.0.1:0, misbehaving as no framework would.

mod bodies;
mod connections;
mod literals;
mod wire;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{Output, Workspace};

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

/// Reads and drops the body that `head` announces with Content-Length, if any.
fn skip_body(head: &str, reader: &mut BufReader<TcpStream>) {
    if let Some(length) = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length: ")
            .map(str::to_string)
    }) {
        let mut body = vec![0; length.trim().parse().unwrap_or(0)];
        let _ = reader.read_exact(&mut body);
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

fn one_request(url: &str) -> String {
    format!(
        "name: hostile\nrequests:\n  - name: big\n    url: {url}\n    expect:\n      status: 200\n"
    )
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
