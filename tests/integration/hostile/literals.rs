//! Literal URLs and headers that cannot be sent are invalid input; unsendable rendered ones name the URL.

use std::sync::atomic::Ordering;

use super::sized_server;
use crate::support::Workspace;

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

#[test]
fn an_invalid_proxy_says_why_without_its_password() {
    let server = sized_server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            "name: p\nrequests:\n  - name: a\n    url: {}/1\n",
            server.url()
        ),
    );
    let out = ws.run(&["run", "c.yaml", "--proxy", "http://user:s3cr3t-pw@[::1"]);
    out.assert_code(2)
        .assert_contains(
            "error: invalid --proxy `http://user:*****@[::1`: builder error: invalid IPv6 address",
        )
        .assert_not_contains("s3cr3t");
    assert_eq!(server.connections.load(Ordering::SeqCst), 0);
}
