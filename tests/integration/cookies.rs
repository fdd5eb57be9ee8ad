//! The cookie jar: what the README's "Cookies" paragraph says, on the real binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::support::{TestServer, Workspace};

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/login",
                get(|| async { ([(header::SET_COOKIE, "session=s1; Path=/")], "in") }),
            )
            .route(
                "/hop",
                get(|| async {
                    (
                        axum::http::StatusCode::FOUND,
                        [
                            (header::SET_COOKIE, "hop=h1; Path=/"),
                            (header::LOCATION, "/me"),
                        ],
                    )
                        .into_response()
                }),
            )
            .route("/me", get(|| async { "me" })),
    )
}

/// The Cookie header of each request to `path`, in order.
fn cookies(server: &TestServer, path: &str) -> Vec<Option<String>> {
    server
        .requests()
        .iter()
        .filter(|r| r.uri == path)
        // The jar does not define the order of its cookies: compare them sorted.
        .map(|r| {
            r.header("cookie").map(|v| {
                let mut pairs: Vec<&str> = v.split("; ").collect();
                pairs.sort_unstable();
                pairs.join("; ")
            })
        })
        .collect()
}

fn request(name: &str, url: &str, extra: &str) -> String {
    format!("  - name: {name}\n    url: {url}\n{extra}")
}

#[test]
fn cookies_persist_within_a_run_and_not_across_runs() {
    let s = server();
    let other = server();
    let ws = Workspace::new();
    let base = s.url();
    ws.write(
        "first.yaml",
        &format!(
            "name: first\nrequests:\n{}{}{}{}",
            request("login", &format!("{base}/login"), ""),
            request("me", &format!("{base}/me"), ""),
            request(
                "own cookie",
                &format!("{base}/me"),
                "    headers:\n      Cookie: mine=m1\n"
            ),
            request("other port", &format!("{}/me", other.url()), ""),
        ),
    );
    ws.write(
        "second.yaml",
        &format!(
            "name: second\nrequests:\n{}{}",
            request("me again", &format!("{base}/me"), ""),
            request("redirected", &format!("{base}/hop"), ""),
        ),
    );
    ws.run(&["run", "first.yaml", "second.yaml"]).assert_code(0);
    assert_eq!(
        cookies(&s, "/me"),
        [
            // Set by an earlier response of the run.
            Some("session=s1".to_string()),
            // A Cookie header written in the request replaces the jar's.
            Some("mine=m1".to_string()),
            // The next collection of the same run.
            Some("session=s1".to_string()),
            // Set by a redirect response, sent on the next hop.
            Some("hop=h1; session=s1".to_string()),
        ]
    );
    // Cookies belong to the host, whatever its port (RFC 6265).
    assert_eq!(cookies(&other, "/me"), [Some("session=s1".to_string())]);

    // A new run starts with an empty jar.
    ws.run(&["run", "second.yaml"]).assert_code(0);
    assert_eq!(cookies(&s, "/me")[4..], [None, Some("hop=h1".to_string())]);
}
