//! Kept-alive connections a server drops without notice, and timeouts.

use std::io::{BufReader, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{RawServer, read_head, skip_body};
use crate::support::Workspace;

/// Answers requests with keep-alive; a connection idle for more than 20 ms is silently
/// forgotten: the next request on it is read, not answered, and the socket closed.
fn forgetful_server(answered: Arc<Mutex<Vec<String>>>, dropped: Arc<AtomicUsize>) -> RawServer {
    RawServer::start(move |stream, _| {
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut stream = stream;
        let mut last = None::<Instant>;
        while let Some(head) = read_head(&mut reader) {
            let line = head.lines().next().unwrap_or_default().to_string();
            skip_body(&head, &mut reader);
            if last.is_some_and(|t| t.elapsed() > Duration::from_millis(20)) {
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
            "  - name: r{i}\n    url: {}/r{i}\n    delay: 40ms\n    expect:\n      status: 200\n",
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
