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
