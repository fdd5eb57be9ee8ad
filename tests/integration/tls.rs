//! HTTPS: --cacert, --insecure, and a clear error for an untrusted certificate.

use axum::Router;
use axum::routing::get;

use crate::support::{TestServer, Workspace, repo_root};

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
        .assert_contains("not valid for name");
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
