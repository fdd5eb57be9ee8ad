//! HTTPS: --cacert, --insecure, and a clear error for an untrusted certificate.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::{RootCertStore, ServerConfig};

use crate::support::{Output, TestServer, Workspace, repo_root};

fn collection(url: &str) -> String {
    format!(
        "name: tls\nrequests:\n  - name: hello\n    url: {url}/hello\n    expect:\n      status: 200\n      body: hi\n"
    )
}

#[test]
fn https_with_cacert_insecure_and_untrusted() {
    let server = TestServer::start_tls(Router::new().route("/hello", get(|| async { "hi" })));
    let ws = Workspace::new();
    ws.write("c.yaml", &collection(&server.url()));
    let ca = repo_root().join("tests/fixtures/tls/ca.pem");

    let out = ws.run(&["run", "c.yaml", "--cacert", ca.to_str().expect("utf-8")]);
    out.assert_code(0).assert_contains("PASS  hello  GET 200");

    ws.run(&["run", "c.yaml", "--insecure"]).assert_code(0);

    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(3)
        .assert_contains("ERROR hello")
        .assert_contains("TLS error");
    assert_eq!(
        server.hits(),
        2,
        "the untrusted handshake never reaches the handler"
    );
}

#[test]
fn a_self_signed_certificate_in_cacert_is_pinned_and_nothing_else_is_relaxed() {
    let server = TestServer::start_tls_named(
        Router::new().route("/hello", get(|| async { "hi" })),
        "self-signed",
    );
    let dir = repo_root().join("tests/fixtures/tls");
    let pinned = dir.join("self-signed.pem");
    let pinned = pinned.to_str().expect("utf-8");
    let ws = Workspace::new();
    // The certificate names localhost only.
    ws.write("c.yaml", &collection(&server.localhost_url()));
    ws.write("ip.yaml", &collection(&server.url()));

    ws.run(&["run", "c.yaml", "--cacert", pinned])
        .assert_code(0)
        .assert_contains("PASS  hello  GET 200");
    assert_eq!(server.hits(), 1);

    // The same names under another key: not trusted.
    let other = dir.join("other-self-signed.pem");
    ws.run(&["run", "c.yaml", "--cacert", other.to_str().expect("utf-8")])
        .assert_code(3)
        .assert_contains(&format!(
            "TLS error: GET {}/hello: ",
            server.localhost_url()
        ));
    // A CA that did not sign it: not trusted.
    let ca = dir.join("ca.pem");
    ws.run(&["run", "c.yaml", "--cacert", ca.to_str().expect("utf-8")])
        .assert_code(3)
        .assert_contains("TLS error");
    // The pinned certificate for a name it does not carry.
    ws.run(&["run", "ip.yaml", "--cacert", pinned])
        .assert_code(3)
        .assert_contains("TLS error")
        .assert_contains("hostname mismatch: certificate is for localhost");
    // Without --cacert.
    ws.run(&["run", "c.yaml"])
        .assert_code(3)
        .assert_contains("TLS error");
    assert_eq!(
        server.hits(),
        1,
        "refused handshakes never reach the handler"
    );
}

/// An HTTPS server with the self-signed certificate that accepts only connections
/// presenting tests/fixtures/tls/client.pem; counts the requests it answers.
fn mutual_tls_server() -> (u16, Arc<AtomicUsize>) {
    let dir = repo_root().join("tests/fixtures/tls");
    let read = |name: &str| std::fs::read(dir.join(name)).expect("fixture");
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&read("self-signed.pem"))
            .collect::<Result<_, _>>()
            .expect("certificates");
    let key = PrivateKeyDer::from_pem_slice(&read("self-signed.key")).expect("key");
    let mut roots = RootCertStore::empty();
    for c in CertificateDer::pem_slice_iter(&read("client.pem")) {
        roots.add(c.expect("client certificate")).expect("root");
    }
    let verifier = WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .expect("client verifier");
    let config = ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let answered = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&answered);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    continue;
                };
                let mut buf = vec![0; 4096];
                if tls.read(&mut buf).await.is_ok_and(|n| n > 0) {
                    count.fetch_add(1, Ordering::SeqCst);
                    let reply =
                        "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi";
                    let _ = tls.write_all(reply.as_bytes()).await;
                    let _ = tls.shutdown().await;
                }
            }
        });
    });
    (port, answered)
}

#[test]
fn a_pinned_server_certificate_and_a_client_certificate_together() {
    let (port, answered) = mutual_tls_server();
    let ws = Workspace::new();
    ws.write("c.yaml", &collection(&format!("https://localhost:{port}")));
    let dir = repo_root().join("tests/fixtures/tls");
    let path = |name: &str| dir.join(name).to_str().expect("utf-8").to_string();
    ws.run(&[
        "run",
        "c.yaml",
        "--cacert",
        &path("self-signed.pem"),
        "--cert",
        &path("client.pem"),
        "--key",
        &path("client.key"),
    ])
    .assert_code(0)
    .assert_contains("PASS  hello  GET 200");
    ws.run(&["run", "c.yaml", "--cacert", &path("self-signed.pem")])
        .assert_code(3)
        .assert_contains("TLS error");
    assert_eq!(answered.load(Ordering::SeqCst), 1);
}

const HINT: &str = "(trust it with --cacert FILE, or skip verification with -k)";

fn assert_no_raw_tls_error(text: &str) {
    for raw in [
        "OtherError",
        "CaUsedAsEndEntity",
        "InvalidCertificate(",
        "DnsName(",
    ] {
        assert!(!text.contains(raw), "raw `{raw}` shown:\n{text}");
    }
}

#[test]
fn tls_failures_are_worded_for_people() {
    let server = TestServer::start_tls_named(
        Router::new().route("/hello", get(|| async { "hi" })),
        "self-signed",
    );
    let pinned = repo_root().join("tests/fixtures/tls/self-signed.pem");
    let ws = Workspace::new();
    ws.write("c.yaml", &collection(&server.localhost_url()));
    ws.write("ip.yaml", &collection(&server.url()));

    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(3).assert_contains(&format!(
        "TLS error: GET {}/hello: certificate is self-signed {HINT}",
        server.localhost_url()
    ));
    assert_no_raw_tls_error(&out.stdout);

    let out = ws.run(&[
        "run",
        "ip.yaml",
        "--cacert",
        pinned.to_str().expect("utf-8"),
    ]);
    out.assert_code(3).assert_contains(&format!(
        "TLS error: GET {}/hello: hostname mismatch: certificate is for localhost {HINT}",
        server.url()
    ));
    assert_no_raw_tls_error(&out.stdout);

    let other = TestServer::start_tls(Router::new().route("/hello", get(|| async { "hi" })));
    ws.write("ca.yaml", &collection(&other.url()));
    let out = ws.run(&["run", "ca.yaml"]);
    out.assert_code(3).assert_contains(&format!(
        "TLS error: GET {}/hello: certificate is signed by an unknown issuer {HINT}",
        other.url()
    ));
    assert_no_raw_tls_error(&out.stdout);
    assert_eq!(server.hits() + other.hits(), 0);
}

#[test]
fn an_expired_certificate_says_when_it_expired() {
    let server = TestServer::start_tls_named(
        Router::new().route("/hello", get(|| async { "hi" })),
        "expired",
    );
    let pinned = repo_root().join("tests/fixtures/tls/expired.pem");
    let ws = Workspace::new();
    ws.write("c.yaml", &collection(&server.localhost_url()));
    let out = ws.run(&["run", "c.yaml", "--cacert", pinned.to_str().expect("utf-8")]);
    out.assert_code(3).assert_contains(&format!(
        "TLS error: GET {}/hello: certificate expired on 2026-12-04 {HINT}",
        server.localhost_url()
    ));
    assert_no_raw_tls_error(&out.stdout);
}

/// A collection whose token endpoint is `base`, with the `grant` given.
fn oauth2_collection(base: &str, grant: &str) -> String {
    format!(
        "name: tls token\nauth:\n  oauth2:\n    grant: {grant}\n    token_url: {base}/token\n    device_url: {base}/device\n    client_id: c\n    client_secret: tls-secret-81\n    refresh_token: tls-refresh-82\nrequests:\n  - name: hello\n    url: http://127.0.0.1:9/hello\n"
    )
}

#[test]
fn token_endpoint_tls_failures_are_worded_like_requests() {
    let server = TestServer::start_tls_named(
        Router::new()
            .route("/token", axum::routing::post(|| async { "{}" }))
            .route("/device", axum::routing::post(|| async { "{}" })),
        "self-signed",
    );
    let base = server.localhost_url();
    let ws = Workspace::new();
    for (grant, what) in [
        ("client_credentials", "token"),
        ("refresh_token", "token"),
        ("device_code", "device authorization"),
    ] {
        ws.write("c.yaml", &oauth2_collection(&base, grant));
        let endpoint = if what == "token" { "token" } else { "device" };
        let out = ws.run(&["run", "c.yaml", "--no-token-cache"]);
        out.assert_contains(&format!(
            "{what} request to {base}/{endpoint} failed: TLS error: certificate is self-signed {HINT}"
        ));
        assert_no_raw_tls_error(&out.all());
    }

    // A pinned certificate for a name it does not carry, and an expired one.
    ws.write(
        "ip.yaml",
        &oauth2_collection(&server.url(), "client_credentials"),
    );
    let pinned = repo_root().join("tests/fixtures/tls/self-signed.pem");
    let out = ws.run(&[
        "run",
        "ip.yaml",
        "--no-token-cache",
        "--cacert",
        pinned.to_str().expect("utf-8"),
    ]);
    out.assert_contains(&format!(
        "token request to {}/token failed: TLS error: hostname mismatch: certificate is for localhost {HINT}",
        server.url()
    ));
    assert_eq!(
        server.hits(),
        0,
        "refused handshakes never reach the handler"
    );

    let expired = TestServer::start_tls_named(
        Router::new().route("/token", axum::routing::post(|| async { "{}" })),
        "expired",
    );
    ws.write(
        "x.yaml",
        &oauth2_collection(&expired.localhost_url(), "client_credentials"),
    );
    let pinned = repo_root().join("tests/fixtures/tls/expired.pem");
    let out = ws.run(&[
        "run",
        "x.yaml",
        "--no-token-cache",
        "--cacert",
        pinned.to_str().expect("utf-8"),
    ]);
    out.assert_contains(&format!(
        "token request to {}/token failed: TLS error: certificate expired on 2026-12-04 {HINT}",
        expired.localhost_url()
    ));
    assert_no_raw_tls_error(&out.all());
}

/// The system's CA certificates are read on the first certificate to verify: a machine
/// without any still runs http requests, and https with `--cacert`; https without it fails
/// that request with a TLS error, not the whole run at start-up.
#[test]
fn the_system_ca_certificates_are_read_only_for_https() {
    let plain = TestServer::start(Router::new().route("/hello", get(|| async { "hi" })));
    let tls = TestServer::start_tls(Router::new().route("/hello", get(|| async { "hi" })));
    let ws = Workspace::new();
    let none = ws.write("none.pem", "");
    let no_certs = ws.path().join("no-certs");
    std::fs::create_dir_all(&no_certs).expect("create dir");
    ws.write("http.yaml", &collection(&plain.url()));
    ws.write("https.yaml", &collection(&tls.url()));
    let ca = repo_root().join("tests/fixtures/tls/ca.pem");
    let run = |args: &[&str]| {
        let mut cmd = ws.runner();
        cmd.env("SSL_CERT_FILE", &none)
            .env("SSL_CERT_DIR", &no_certs)
            .args(args);
        Output::from(cmd.output().expect("run runner"))
    };

    run(&["run", "http.yaml"])
        .assert_code(0)
        .assert_contains("PASS  hello  GET 200");
    run(&["run", "https.yaml", "--cacert", ca.to_str().expect("utf-8")])
        .assert_code(0)
        .assert_contains("PASS  hello  GET 200");
    run(&["run", "http.yaml", "https.yaml"])
        .assert_code(3)
        .assert_contains("PASS  hello  GET 200")
        .assert_contains("ERROR hello")
        .assert_contains("TLS error");
}
