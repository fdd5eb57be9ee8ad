//! Redirects (DESIGN §6): which credentials reach the redirect target, how methods and
//! bodies are rewritten, limits, and what `-v` shows. Every test asserts on what the
//! target server actually received.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use base64::Engine as _;

use crate::support::{Recorded, TestServer, Workspace, repo_root};

/// A server that redirects as its URL says, and answers 200 `done` on `/end`:
/// - `/r/{code}?to=URL`: `code` with `Location: URL`;
/// - `/other-host/{code}`: `code` to the same port on the other loopback name
///   (127.0.0.1 ↔ localhost), path `/end`;
/// - `/loop`: 302 to itself; `/chain/{n}`: 302 to `/chain/{n-1}` until 0, then 200;
/// - `/a/b/rel`: 301 to the relative `../c/end?x=1`; `/ftp`: 302 to an ftp URL.
fn redirector() -> Router {
    Router::new()
        .route(
            "/r/{code}",
            any(
                |Path(code): Path<u16>, Query(q): Query<HashMap<String, String>>| async move {
                    let to = q.get("to").cloned().unwrap_or_default();
                    redirect(code, &to)
                },
            ),
        )
        .route(
            "/other-host/{code}",
            any(|Path(code): Path<u16>, headers: HeaderMap| async move {
                let host = headers
                    .get(header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let (name, port) = host.rsplit_once(':').unwrap_or((&host, "80"));
                let other = if name == "localhost" {
                    "127.0.0.1"
                } else {
                    "localhost"
                };
                redirect(code, &format!("http://{other}:{port}/end"))
            }),
        )
        .route("/loop", any(|| async { redirect(302, "/loop") }))
        .route(
            "/chain/{n}",
            any(|Path(n): Path<u32>| async move {
                if n == 0 {
                    "chain end".into_response()
                } else {
                    redirect(302, &format!("/chain/{}", n - 1))
                }
            }),
        )
        .route("/a/b/rel", any(|| async { redirect(301, "../c/end?x=1") }))
        .route("/a/c/end", any(|| async { "relative end" }))
        .route(
            "/ftp",
            any(|| async { redirect(302, "ftp://files.example/report.csv") }),
        )
        .route("/end", any(|| async { "done" }))
}

fn redirect(code: u16, to: &str) -> Response {
    let status = StatusCode::from_u16(code).expect("status");
    (status, [(header::LOCATION, to.to_string())], "").into_response()
}

/// Replaces `$A`, `$B`, ... in `yaml` with the given values.
fn fill(yaml: &str, values: &[(&str, &str)]) -> String {
    let mut out = yaml.to_string();
    for (k, v) in values {
        out = out.replace(k, v);
    }
    out
}

/// The requests `server` received on `path` (query ignored), in order.
fn received(server: &TestServer, path: &str) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.uri.split('?').next() == Some(path))
        .collect()
}

/// The one request `server` received whose query has `id=ID`.
fn by_id(server: &TestServer, id: &str) -> Recorded {
    let needle = format!("id={id}");
    let hits: Vec<Recorded> = server
        .requests()
        .into_iter()
        .filter(|r| {
            r.uri
                .split('?')
                .nth(1)
                .is_some_and(|q| q.split('&').any(|p| p == needle))
        })
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "requests with {needle}: {:#?}",
        server.requests()
    );
    hits.into_iter().next().expect("one")
}

const CREDENTIAL_HEADERS: &str = "
    headers:
      Cookie: session=abc123
      Proxy-Authorization: Basic cHJveHk6cHc=
";

#[test]
fn cross_port_redirect_drops_authorization_cookie_and_proxy_authorization_by_default() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            &format!(
                "name: redirects
auth: {{ bearer: tok-cross-port }}
requests:
  - name: hop
    url: $A/r/307
    query: {{ to: $B/end }}{CREDENTIAL_HEADERS}    expect:
      status: 200
      body: done
"
            ),
            &[("$A", &a.url()), ("$B", &b.url())],
        ),
    );
    ws.run(&["run", "c.yaml"])
        .assert_code(0)
        .assert_contains("PASS  hop  GET 200 (")
        .assert_contains(", 1 redirect)");

    let first = &received(&a, "/r/307")[0];
    assert_eq!(
        first.header("authorization").as_deref(),
        Some("Bearer tok-cross-port")
    );
    assert_eq!(first.header("cookie").as_deref(), Some("session=abc123"));
    assert_eq!(
        first.header("proxy-authorization").as_deref(),
        Some("Basic cHJveHk6cHc=")
    );

    let target = received(&b, "/end");
    assert_eq!(target.len(), 1);
    assert_eq!(target[0].host, format!("127.0.0.1:{}", b.port()));
    assert_eq!(target[0].header("authorization"), None);
    assert_eq!(target[0].header("cookie"), None);
    assert_eq!(target[0].header("proxy-authorization"), None);
}

#[test]
fn cross_host_on_the_same_port_is_another_origin() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            &format!(
                "name: redirects
auth: {{ bearer: tok-cross-host }}
requests:
  - name: hop
    url: $A/other-host/302{CREDENTIAL_HEADERS}    expect:
      status: 200
"
            ),
            &[("$A", &s.url())],
        ),
    );
    ws.run(&["run", "c.yaml"]).assert_code(0);
    let reqs = s.requests();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    assert_eq!(reqs[0].host, format!("127.0.0.1:{}", s.port()));
    assert_eq!(
        reqs[0].header("authorization").as_deref(),
        Some("Bearer tok-cross-host")
    );
    assert_eq!(reqs[1].uri, "/end");
    assert_eq!(reqs[1].host, format!("localhost:{}", s.port()));
    assert_eq!(reqs[1].header("authorization"), None);
    assert_eq!(reqs[1].header("cookie"), None);
    assert_eq!(reqs[1].header("proxy-authorization"), None);
}

#[test]
fn same_origin_redirect_keeps_every_credential() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            &format!(
                "name: redirects
auth: {{ bearer: tok-same }}
requests:
  - name: hop
    url: $A/r/301
    query: {{ to: /end }}{CREDENTIAL_HEADERS}    expect:
      status: 200
"
            ),
            &[("$A", &s.url())],
        ),
    );
    ws.run(&["run", "c.yaml"]).assert_code(0);
    let end = received(&s, "/end");
    assert_eq!(end.len(), 1);
    assert_eq!(
        end[0].header("authorization").as_deref(),
        Some("Bearer tok-same")
    );
    assert_eq!(end[0].header("cookie").as_deref(), Some("session=abc123"));
    assert_eq!(
        end[0].header("proxy-authorization").as_deref(),
        Some("Basic cHJveHk6cHc=")
    );
}

#[test]
fn follow_authorization_header_true_forwards_authorization_but_never_cookie_or_proxy_authorization()
{
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            &format!(
                "name: redirects
auth: {{ bearer: tok-trusted }}
follow_authorization_header: true
requests:
  - name: hop
    url: $A/r/308
    query: {{ to: $B/end }}{CREDENTIAL_HEADERS}    expect:
      status: 200
"
            ),
            &[("$A", &a.url()), ("$B", &b.url())],
        ),
    );
    ws.run(&["run", "c.yaml"]).assert_code(0);
    let target = received(&b, "/end");
    assert_eq!(target.len(), 1);
    assert_eq!(
        target[0].header("authorization").as_deref(),
        Some("Bearer tok-trusted")
    );
    assert_eq!(target[0].header("cookie"), None);
    assert_eq!(target[0].header("proxy-authorization"), None);
}

#[test]
fn host_patterns_forward_only_to_matching_hosts() {
    let s = TestServer::start(redirector());
    let port = s.port();
    let other_port = if port == 65535 { 1 } else { port + 1 };
    // 127.0.0.1 → localhost, and localhost → 127.0.0.1, on the same port.
    let cases: Vec<(&str, String, bool)> = vec![
        ("127.0.0.1", r#"["localhost"]"#.into(), true),
        ("127.0.0.1", format!(r#"["localhost:{port}"]"#), true),
        ("127.0.0.1", format!(r#"["localhost:{other_port}"]"#), false),
        ("127.0.0.1", r#"["*"]"#.into(), true),
        ("127.0.0.1", r#"["*.localhost"]"#.into(), false),
        ("127.0.0.1", r#"["LOCALHOST"]"#.into(), true),
        (
            "127.0.0.1",
            r#"["design.example.com", "localhost"]"#.into(),
            true,
        ),
        ("127.0.0.1", r#"["127.0.0.1"]"#.into(), false),
        ("127.0.0.1", r#"["otherhost"]"#.into(), false),
        ("127.0.0.1", r#"["{{ design_host }}"]"#.into(), true),
        ("localhost", r#"["*.0.0.1"]"#.into(), true),
        ("localhost", r#"["*.*.0.1"]"#.into(), true),
        ("localhost", r#"["*.0.1"]"#.into(), false),
        ("localhost", r#"["*.0.0.2", "128.0.0.1"]"#.into(), false),
        ("localhost", r#"["127.*"]"#.into(), false),
        ("localhost", format!(r#"["127.0.0.1:{port}"]"#), true),
        ("localhost", format!(r#"["*.0.0.1:{other_port}"]"#), false),
        ("localhost", "[]".into(), false),
    ];
    let mut yaml = String::from(
        "name: patterns
variables: { design_host: localhost }
auth: { bearer: tok-pattern }
requests:
",
    );
    for (i, (from, patterns, _)) in cases.iter().enumerate() {
        yaml.push_str(&format!(
            "  - name: case {i}
    url: http://{from}:{port}/other-host/307
    follow_authorization_header: {patterns}
"
        ));
    }
    let ws = Workspace::new();
    ws.write("c.yaml", &yaml);
    ws.run(&["run", "c.yaml"]).assert_code(0);

    let reqs = s.requests();
    assert_eq!(reqs.len(), cases.len() * 2, "{reqs:#?}");
    for (i, (from, patterns, forwarded)) in cases.iter().enumerate() {
        let (first, second) = (&reqs[2 * i], &reqs[2 * i + 1]);
        assert_eq!(first.host, format!("{from}:{port}"), "case {i}");
        assert_eq!(second.uri, "/end", "case {i}");
        assert_ne!(second.host, first.host, "case {i} crosses hosts");
        let expected = forwarded.then(|| "Bearer tok-pattern".to_string());
        assert_eq!(
            second.header("authorization"),
            expected,
            "case {i}: {from} with {patterns}"
        );
    }
}

#[test]
fn request_overrides_folder_overrides_collection() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let yaml = fill(
        r#"name: levels
auth: { bearer: tok-levels }
follow_authorization_header: true
requests:
  - name: collection true
    url: $A/r/307
    query: { to: "$B/end?id=c-true" }
  - name: request false
    url: $A/r/307
    query: { to: "$B/end?id=r-false" }
    follow_authorization_header: false
  - folder: F off
    follow_authorization_header: false
    requests:
      - name: folder false
        url: $A/r/307
        query: { to: "$B/end?id=f-false" }
      - name: request pattern matches
        url: $A/r/307
        query: { to: "$B/end?id=r-match" }
        follow_authorization_header: ["127.0.0.1:$PB"]
      - folder: Nested on
        follow_authorization_header: true
        requests:
          - name: nested true
            url: $A/r/307
            query: { to: "$B/end?id=n-true" }
  - folder: F other host
    follow_authorization_header: ["127.0.0.1:$PA"]
    requests:
      - name: folder pattern misses
        url: $A/r/307
        query: { to: "$B/end?id=f-miss" }
      - name: request true
        url: $A/r/307
        query: { to: "$B/end?id=r-true" }
        follow_authorization_header: true
"#,
        &[
            ("$A", &a.url()),
            ("$B", &b.url()),
            ("$PA", &a.port().to_string()),
            ("$PB", &b.port().to_string()),
        ],
    );
    let ws = Workspace::new();
    ws.write("c.yaml", &yaml);
    ws.run(&["run", "c.yaml"])
        .assert_code(0)
        .assert_contains("7 passed");
    for (id, forwarded) in [
        ("c-true", true),
        ("r-false", false),
        ("f-false", false),
        ("r-match", true),
        ("n-true", true),
        ("f-miss", false),
        ("r-true", true),
    ] {
        let expected = forwarded.then(|| "Bearer tok-levels".to_string());
        assert_eq!(by_id(&b, id).header("authorization"), expected, "{id}");
    }
    assert_eq!(a.hits(), 7);
    assert!(
        a.requests()
            .iter()
            .all(|r| r.header("authorization").as_deref() == Some("Bearer tok-levels"))
    );
}

#[test]
fn methods_and_bodies_by_status_code() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let mut yaml = String::from(
        "name: methods
auth: { bearer: tok-methods }
follow_authorization_header: true
requests:
",
    );
    let cases = [
        ("POST", 301),
        ("POST", 302),
        ("POST", 303),
        ("POST", 307),
        ("POST", 308),
        ("PUT", 303),
        ("PUT", 301),
        ("PATCH", 307),
    ];
    for (method, code) in cases {
        yaml.push_str(&fill(
            &format!(
                r#"  - name: {method} {code}
    method: {method}
    url: $A/r/{code}
    query: {{ to: "$B/end?id={method}-{code}" }}
    body:
      json: {{ order: 42, note: "kept?" }}
    expect:
      status: 200
"#
            ),
            &[("$A", &a.url()), ("$B", &b.url())],
        ));
    }
    let ws = Workspace::new();
    ws.write("c.yaml", &yaml);
    ws.run(&["run", "c.yaml"])
        .assert_code(0)
        .assert_contains("8 passed");

    let body = r#"{"order":42,"note":"kept?"}"#;
    for r in received(&a, "/r/301").iter().chain(&received(&a, "/r/307")) {
        assert_eq!(r.text(), body, "the first hop always carries the body");
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/json")
        );
    }
    for (method, code) in cases {
        let id = format!("{method}-{code}");
        let r = by_id(&b, &id);
        let rewritten = code == 303 || (method == "POST" && matches!(code, 301 | 302));
        assert_eq!(
            r.header("authorization").as_deref(),
            Some("Bearer tok-methods"),
            "{id}"
        );
        if rewritten {
            assert_eq!(r.method, "GET", "{id}");
            assert_eq!(r.text(), "", "{id}");
            assert_eq!(r.header("content-type"), None, "{id}");
            assert!(
                matches!(r.header("content-length").as_deref(), None | Some("0")),
                "{id}: {:?}",
                r.header("content-length")
            );
        } else {
            assert_eq!(r.method, method, "{id}");
            assert_eq!(r.text(), body, "{id}");
            assert_eq!(
                r.header("content-type").as_deref(),
                Some("application/json"),
                "{id}"
            );
        }
    }
}

#[test]
fn bearer_explicit_header_and_basic_follow_the_same_rules() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("alice:wonder land")
    );
    let auths = [
        (
            "bearer",
            "auth: { bearer: tok-kinds }".to_string(),
            "Bearer tok-kinds".to_string(),
        ),
        (
            "header",
            "headers: { Authorization: Token explicit-kinds }".to_string(),
            "Token explicit-kinds".to_string(),
        ),
        (
            "basic",
            r#"auth: { basic: { username: alice, password: "wonder land" } }"#.to_string(),
            basic,
        ),
    ];
    let mut yaml = String::from(
        "name: kinds
headers: { Cookie: session=abc123, Proxy-Authorization: Basic cHJveHk6cHc= }
requests:
",
    );
    for (kind, auth, _) in &auths {
        for (mode, setting) in [
            ("default", ""),
            ("true", "follow_authorization_header: true"),
            ("match", r#"follow_authorization_header: ["127.0.0.1:$PB"]"#),
            ("miss", r#"follow_authorization_header: ["localhost:$PB"]"#),
        ] {
            yaml.push_str(&format!(
                r#"  - name: {kind} {mode}
    method: POST
    url: $A/r/307
    query: {{ to: "$B/end?id={kind}-{mode}" }}
    body: {{ raw: hello }}
    {auth}
    {setting}
"#
            ));
        }
    }
    let yaml = fill(
        &yaml,
        &[
            ("$A", &a.url()),
            ("$B", &b.url()),
            ("$PB", &b.port().to_string()),
        ],
    );
    let ws = Workspace::new();
    ws.write("c.yaml", &yaml);
    ws.run(&["run", "c.yaml"])
        .assert_code(0)
        .assert_contains("12 passed");
    for (kind, _, value) in &auths {
        for (mode, forwarded) in [
            ("default", false),
            ("true", true),
            ("match", true),
            ("miss", false),
        ] {
            let id = format!("{kind}-{mode}");
            let first = received(&a, "/r/307")
                .into_iter()
                .find(|r| r.uri.contains(&format!("id%3D{id}")))
                .expect("first hop");
            assert_eq!(
                first.header("authorization").as_deref(),
                Some(value.as_str()),
                "{id}"
            );
            assert_eq!(first.header("cookie").as_deref(), Some("session=abc123"));
            let target = by_id(&b, &id);
            assert_eq!(target.header("cookie"), None, "{id}");
            assert_eq!(target.header("proxy-authorization"), None, "{id}");
            assert_eq!(target.method, "POST", "{id}");
            assert_eq!(target.text(), "hello", "{id}");
            let expected = forwarded.then(|| value.clone());
            assert_eq!(target.header("authorization"), expected, "{id}");
        }
    }
}

#[test]
fn https_to_http_with_the_header_forwarded_is_refused() {
    let tls = TestServer::start_tls(redirector());
    let plain = TestServer::start(redirector());
    let ca = repo_root().join("tests/fixtures/tls/ca.pem");
    let ca = ca.to_str().expect("utf-8");
    let collection = |trust: &str| {
        fill(
            &format!(
                "name: downgrade
auth: {{ bearer: tok-downgrade }}
requests:
  - name: down
    url: $A/r/302
    query: {{ to: $B/end }}
    follow_authorization_header: {trust}
    expect:
      status: 200
"
            ),
            &[("$A", &tls.url()), ("$B", &plain.url())],
        )
    };
    let ws = Workspace::new();
    let refused = format!(
        "refusing to forward the Authorization header from https://127.0.0.1:{} to http://127.0.0.1:{}: the redirect leaves https for http",
        tls.port(),
        plain.port()
    );

    ws.write("c.yaml", &collection("true"));
    let out = ws.run(&["run", "c.yaml", "--cacert", ca]);
    out.assert_code(3)
        .assert_contains("ERROR down  GET 302 (")
        .assert_contains(&refused)
        .assert_not_contains("tok-downgrade");
    assert_eq!(plain.hits(), 0, "nothing reaches the http server");
    assert_eq!(tls.hits(), 1);

    ws.write(
        "c.yaml",
        &collection(&format!(r#"["127.0.0.1:{}"]"#, plain.port())),
    );
    ws.run(&["run", "c.yaml", "--cacert", ca])
        .assert_code(3)
        .assert_contains(&refused);
    assert_eq!(plain.hits(), 0);

    ws.write("c.yaml", &collection("false"));
    ws.run(&["run", "c.yaml", "--cacert", ca])
        .assert_code(0)
        .assert_contains("PASS  down");
    let target = received(&plain, "/end");
    assert_eq!(target.len(), 1);
    assert_eq!(target[0].header("authorization"), None);

    // A pattern that does not match the http host: dropped, so the redirect is safe.
    ws.write("c.yaml", &collection(r#"["design.example.com"]"#));
    ws.run(&["run", "c.yaml", "--cacert", ca])
        .assert_code(0)
        .assert_contains("PASS  down");
    let target = received(&plain, "/end");
    assert_eq!(target.len(), 2);
    assert_eq!(target[1].header("authorization"), None);
    assert_eq!(tls.hits(), 4);
}

#[test]
fn the_scheme_alone_makes_another_origin() {
    let tls = TestServer::start_tls(redirector());
    let ca = repo_root().join("tests/fixtures/tls/ca.pem");
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: scheme
auth: { bearer: tok-scheme }
follow_authorization_header: true
requests:
  - name: same host and port
    url: $A/r/307
    query: { to: \"http://127.0.0.1:$P/end\" }
",
            &[("$A", &tls.url()), ("$P", &tls.port().to_string())],
        ),
    );
    ws.run(&["run", "c.yaml", "--cacert", ca.to_str().expect("utf-8")])
        .assert_code(3)
        .assert_contains(&format!(
            "refusing to forward the Authorization header from https://127.0.0.1:{p} to http://127.0.0.1:{p}",
            p = tls.port()
        ));
    assert_eq!(tls.hits(), 1);
}

#[test]
fn https_to_http_without_credentials_is_followed() {
    let tls = TestServer::start_tls(redirector());
    let plain = TestServer::start(redirector());
    let ca = repo_root().join("tests/fixtures/tls/ca.pem");
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: downgrade
follow_authorization_header: true
requests:
  - name: anonymous
    url: $A/r/302
    query: { to: $B/end }
    expect: { status: 200, body: done }
",
            &[("$A", &tls.url()), ("$B", &plain.url())],
        ),
    );
    ws.run(&["run", "c.yaml", "--cacert", ca.to_str().expect("utf-8")])
        .assert_code(0);
    assert_eq!(received(&plain, "/end").len(), 1);
}

#[test]
fn a_redirect_loop_stops_after_max_redirects() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: loop\nrequests:\n  - name: loop\n    url: $A/loop\n",
            &[("$A", &s.url())],
        ),
    );
    ws.run(&["run", "c.yaml"])
        .assert_code(3)
        .assert_contains("ERROR loop  GET 302 (")
        .assert_contains(
            "too many redirects (more than 10); raise `max_redirects` or check for a loop",
        );
    assert_eq!(s.hits(), 11, "the first request and 10 redirects");
}

#[test]
fn exactly_max_redirects_are_allowed() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: chain
max_redirects: 3
requests:
  - name: three
    url: $A/chain/3
    expect: { status: 200, body: chain end }
  - name: four
    url: $A/chain/4
  - name: four allowed here
    url: $A/chain/4
    max_redirects: 4
    expect: { status: 200 }
  - name: none allowed
    url: $A/chain/1
    max_redirects: 0
",
            &[("$A", &s.url())],
        ),
    );
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(3)
        .assert_contains("PASS  three  GET 200 (")
        .assert_contains("ERROR four  GET 302 (")
        .assert_contains("too many redirects (more than 3)")
        .assert_contains("PASS  four allowed here  GET 200 (")
        .assert_contains("ERROR none allowed  GET 302 (")
        .assert_contains("too many redirects (more than 0)");
    assert!(out.stdout.contains(", 3 redirects)"), "{}", out.stdout);
    assert!(out.stdout.contains(", 4 redirects)"), "{}", out.stdout);
    // 4 + 4 (stopped before /chain/0) + 5 + 1.
    assert_eq!(s.hits(), 14, "{:#?}", s.requests());
}

#[test]
fn follow_redirects_false_asserts_on_the_redirect_itself() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: no follow
requests:
  - folder: raw
    follow_redirects: false
    requests:
      - name: the 302
        url: $A/r/302
        query: { to: /end }
        expect:
          status: 302
          headers:
            location: /end
      - name: followed again
        url: $A/r/302
        query: { to: /end }
        follow_redirects: true
        expect: { status: 200, body: done }
      - name: wrong expectation
        url: $A/r/307
        query: { to: /elsewhere }
        expect:
          status: 302
          headers:
            location: { equals: /end }
",
            &[("$A", &s.url())],
        ),
    );
    let out = ws.run(&["run", "c.yaml"]);
    out.assert_code(1)
        .assert_contains("PASS  raw/the 302  GET 302 (")
        .assert_contains("PASS  raw/followed again  GET 200 (")
        .assert_contains("FAIL  raw/wrong expectation  GET 307 (")
        .assert_contains("status: expected 302, got 307")
        .assert_contains(r#"header location: expected "/end", got "/elsewhere""#);
    assert_eq!(
        received(&s, "/end").len(),
        1,
        "only the request that follows"
    );
    assert_eq!(received(&s, "/elsewhere").len(), 0);
}

#[test]
fn relative_and_scheme_relative_locations_are_resolved() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            r#"name: relative
auth: { bearer: tok-relative }
requests:
  - name: dot dot
    url: $A/a/b/rel
    expect: { status: 200, body: relative end }
  - name: scheme relative
    url: $A/r/307
    query: { to: "//localhost:$P/end" }
    expect: { status: 200, body: done }
"#,
            &[("$A", &s.url()), ("$P", &s.port().to_string())],
        ),
    );
    ws.run(&["run", "c.yaml"]).assert_code(0);
    let rel = received(&s, "/a/c/end");
    assert_eq!(rel.len(), 1);
    assert_eq!(rel[0].uri, "/a/c/end?x=1");
    assert_eq!(
        rel[0].header("authorization").as_deref(),
        Some("Bearer tok-relative")
    );
    let end = received(&s, "/end");
    assert_eq!(end.len(), 1);
    assert_eq!(end[0].host, format!("localhost:{}", s.port()));
    assert_eq!(end[0].header("authorization"), None, "another origin");
}

#[test]
fn a_location_with_another_scheme_is_a_runtime_error() {
    let s = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            "name: ftp\nrequests:\n  - name: to ftp\n    url: $A/ftp\n    expect: { status: 302 }\n",
            &[("$A", &s.url())],
        ),
    );
    ws.run(&["run", "c.yaml"])
        .assert_code(3)
        .assert_contains("ERROR to ftp  GET 302 (")
        .assert_contains(
            "bad redirect Location `ftp://files.example/report.csv`: the scheme `ftp` is not http or https",
        );
    assert_eq!(s.hits(), 1);
}

#[test]
fn verbose_shows_each_hop_and_what_happened_to_authorization() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            r#"name: verbose
auth: { bearer: tok-verbose-3141 }
requests:
  - name: forwarded
    url: $A/r/307
    query: { to: "$B/end?id=fwd" }
    follow_authorization_header: true
  - name: dropped
    url: $A/r/307
    query: { to: "$B/end?id=drop" }
  - name: no match
    url: $A/r/307
    query: { to: "$B/end?id=miss" }
    follow_authorization_header: [design.example.com]
"#,
            &[("$A", &a.url()), ("$B", &b.url())],
        ),
    );
    let out = ws.run(&["run", "c.yaml", "-v"]);
    out.assert_code(0).assert_not_contains("tok-verbose-3141");
    let err = &out.stderr;
    let (a_url, b_url) = (a.url(), b.url());
    let b_enc = b_url.replace(':', "%3A").replace('/', "%2F");
    let forwarded = err.find("id%3Dfwd").expect("first request in -v");
    let dropped = err.find("id%3Ddrop").expect("second request in -v");
    let missed = err.find("id%3Dmiss").expect("third request in -v");
    let (fwd, drop, miss) = (
        &err[forwarded..dropped],
        &err[dropped..missed],
        &err[missed..],
    );

    assert!(
        err.contains(&format!(
            "> GET {a_url}/r/307?to={b_enc}%2Fend%3Fid%3Dfwd HTTP/1.1\n"
        )),
        "{err}"
    );
    assert!(fwd.contains("> authorization: Bearer *****\n"), "{fwd}");
    assert!(fwd.contains("< HTTP/1.1 307 Temporary Redirect\n"), "{fwd}");
    assert!(
        fwd.contains(&format!("< location: {b_url}/end?id=fwd\n")),
        "{fwd}"
    );
    assert!(
        fwd.contains(&format!(
            "* Authorization forwarded to {b_url} (follow_authorization_header)\n* Redirect 1: GET {b_url}/end?id=fwd\n> GET {b_url}/end?id=fwd HTTP/1.1\n"
        )),
        "{fwd}"
    );
    assert_eq!(
        fwd.matches("> authorization: Bearer *****").count(),
        2,
        "{fwd}"
    );
    assert!(fwd.contains("< HTTP/1.1 200 OK\n"), "{fwd}");

    assert!(
        drop.contains(&format!(
            "* Authorization dropped: cross-origin redirect; set follow_authorization_header to forward it\n* Redirect 1: GET {b_url}/end?id=drop\n"
        )),
        "{drop}"
    );
    assert_eq!(drop.matches("> authorization:").count(), 1, "{drop}");

    assert!(
        miss.contains(
            "* Authorization dropped: the host matches no follow_authorization_header pattern\n"
        ),
        "{miss}"
    );
    assert_eq!(miss.matches("> authorization:").count(), 1, "{miss}");

    assert_eq!(
        by_id(&b, "fwd").header("authorization").as_deref(),
        Some("Bearer tok-verbose-3141")
    );
    assert_eq!(by_id(&b, "drop").header("authorization"), None);
}

#[test]
fn credentials_in_the_url_follow_the_basic_auth_rules_and_never_show() {
    let a = TestServer::start(redirector());
    let b = TestServer::start(redirector());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &fill(
            r#"name: userinfo
requests:
  - name: same origin
    url: "http://alice:url%20pw%2Fx@127.0.0.1:$PA/r/307?to=/end"
  - name: cross origin
    url: "http://alice:url%20pw%2Fx@127.0.0.1:$PA/r/307?to=$B/end?id=drop"
  - name: cross origin trusted
    url: "http://alice:url%20pw%2Fx@127.0.0.1:$PA/r/307?to=$B/end?id=fwd"
    follow_authorization_header: true
  - name: token as user name
    url: "http://tok3n-user-only@127.0.0.1:$PA/end?id=token"
"#,
            &[("$PA", &a.port().to_string()), ("$B", &b.url())],
        ),
    );
    let out = ws.run(&["run", "c.yaml", "-v"]);
    out.assert_code(0)
        .assert_contains(&format!(
            "> GET http://127.0.0.1:{}/r/307?to=/end HTTP/1.1",
            a.port()
        ))
        .assert_not_contains("url pw/x")
        .assert_not_contains("url%20pw%2Fx")
        .assert_not_contains(&base64::engine::general_purpose::STANDARD.encode("alice:url pw/x"))
        .assert_not_contains("tok3n-user-only");
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("alice:url pw/x")
    );
    let first = a.requests();
    assert_eq!(first.len(), 5);
    assert_eq!(
        by_id(&a, "token").header("authorization"),
        Some(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("tok3n-user-only:")
        ))
    );
    assert!(
        first
            .iter()
            .filter(|r| r.uri.starts_with("/r/"))
            .all(|r| r.header("authorization").as_deref() == Some(basic.as_str()))
    );
    let end: Vec<Recorded> = a
        .requests()
        .into_iter()
        .filter(|r| r.uri == "/end")
        .collect();
    assert_eq!(end.len(), 1);
    assert_eq!(
        end[0].header("authorization").as_deref(),
        Some(basic.as_str()),
        "same origin keeps it"
    );
    assert_eq!(by_id(&b, "drop").header("authorization"), None);
    assert_eq!(
        by_id(&b, "fwd").header("authorization").as_deref(),
        Some(basic.as_str())
    );
}
