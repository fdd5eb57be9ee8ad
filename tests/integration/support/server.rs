//! In-process HTTP(S) servers for tests: an axum router on 127.0.0.1:0, in its own
//! thread and runtime, recording every request it receives.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::Response;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Host header.
    pub host: String,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Recorded {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A running server; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    scheme: &'static str,
    log: Arc<Mutex<Vec<Recorded>>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl TestServer {
    /// Serves `router` over plain HTTP on 127.0.0.1, a free port.
    pub fn start(router: Router) -> TestServer {
        Self::spawn(router, None)
    }

    /// Serves `router` over HTTPS with the test certificate in tests/fixtures/tls
    /// (valid for 127.0.0.1 and localhost, signed by tests/fixtures/tls/ca.pem).
    pub fn start_tls(router: Router) -> TestServer {
        let dir = super::repo_root().join("tests/fixtures/tls");
        let certs = std::fs::read(dir.join("server.pem")).expect("server.pem");
        let key = std::fs::read(dir.join("server.key")).expect("server.key");
        Self::spawn(router, Some((certs, key)))
    }

    /// Serves `router` over HTTPS with the certificate and key in tests/fixtures/tls/`NAME`.pem
    /// and `NAME`.key.
    pub fn start_tls_named(router: Router, name: &str) -> TestServer {
        let dir = super::repo_root().join("tests/fixtures/tls");
        let certs = std::fs::read(dir.join(format!("{name}.pem"))).expect("certificate");
        let key = std::fs::read(dir.join(format!("{name}.key"))).expect("key");
        Self::spawn(router, Some((certs, key)))
    }

    fn spawn(router: Router, tls: Option<(Vec<u8>, Vec<u8>)>) -> TestServer {
        let log = Arc::new(Mutex::new(Vec::new()));
        let recorder_log = Arc::clone(&log);
        let app = router.layer(middleware::from_fn(move |req: Request, next: Next| {
            let log = Arc::clone(&recorder_log);
            async move { record(log, req, next).await }
        }));
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        std_listener.set_nonblocking(true).expect("nonblocking");
        let addr = std_listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let scheme = if tls.is_some() { "https" } else { "http" };
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
                match tls {
                    None => {
                        let _ = axum::serve(listener, app)
                            .with_graceful_shutdown(async {
                                let _ = rx.await;
                            })
                            .await;
                    }
                    Some((certs, key)) => {
                        let tls_listener =
                            super::server_tls::TlsListener::new(listener, &certs, &key);
                        let _ = axum::serve(tls_listener, app)
                            .with_graceful_shutdown(async {
                                let _ = rx.await;
                            })
                            .await;
                    }
                }
            });
        });
        TestServer {
            addr,
            scheme,
            log,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT` (or https).
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    /// The same server reached as `localhost`: another origin.
    pub fn localhost_url(&self) -> String {
        format!("{}://localhost:{}", self.scheme, self.addr.port())
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().expect("log").clone()
    }

    /// How many requests were received.
    pub fn hits(&self) -> usize {
        self.log.lock().expect("log").len()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn record(log: Arc<Mutex<Vec<Recorded>>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let host = parts
        .headers
        .get("host")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    log.lock().expect("log").push(Recorded {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        host,
        headers: parts.headers.clone(),
        body: bytes.clone(),
    });
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
