//! The terminal on long runs: `-q` and the progress bar.

use std::time::Duration;

use axum::Json;
use axum::Router;
use serde_json::json;

use crate::support::text::{assert_line, lines};
use crate::support::{TestServer, Workspace};

fn ok_server() -> TestServer {
    TestServer::start(Router::new().fallback(|| async { Json(json!({"ok": true})) }))
}

const LONG_RUN: &str = r#"name: long run
requests:
  - name: ok
    url: "{{ server }}/ok"
  - name: wrong status
    url: "{{ server }}/ok"
    expect:
      status: 201
  - name: later
    url: "{{ server }}/ok"
    skip: true
"#;

const ALL_PASS: &str = r#"name: all pass
requests:
  - name: fine
    url: "{{ server }}/fine"
"#;

/// `-q`: a failed request under its unit's heading, no line for passing or skipped
/// requests, no heading for a unit without failures, then the summary.
#[test]
fn quiet_prints_only_failures_and_the_summary() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write("c.yaml", LONG_RUN);
    ws.write("pass.yaml", ALL_PASS);
    let server_var = format!("server={}", server.url());
    for parallel in ["1", "2"] {
        let out = ws.run(&[
            "run",
            "c.yaml",
            "pass.yaml",
            "--var",
            &server_var,
            "-n",
            "2",
            "-j",
            parallel,
            "--quiet",
        ]);
        out.assert_code(1);
        let printed = lines(&out.stdout);
        // A parallel run prints each unit whole when it ends, in the order they end.
        let mut units: Vec<Vec<&str>> = printed
            .iter()
            .map(String::as_str)
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .chunks(4)
            .map(<[&str]>::to_vec)
            .collect();
        units.sort();
        let failed = |iteration: usize| {
            vec![
                format!("long run [iteration {iteration}] (c.yaml)"),
                "  FAIL  wrong status  GET 200 (N ms)".to_string(),
                "        ✗ status: expected 201, got 200".to_string(),
                "          at c.yaml:8:15".to_string(),
            ]
        };
        assert_eq!(
            units,
            [failed(0), failed(1)],
            "-j {parallel}:\n{}",
            out.stdout
        );
        assert_line(
            &out.stdout,
            "Requests:   4 passed, 2 failed, 0 errors, 2 skipped (8 total)",
        );
        assert_eq!(out.stderr, "");
    }
    assert_eq!(server.hits(), 12);
}

/// An error is printed under `-q` like a failure.
#[test]
fn quiet_prints_errors() {
    let ws = Workspace::new();
    ws.write("pass.yaml", ALL_PASS);
    // Nothing listens on a port that was just released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let server_var = format!("server=http://127.0.0.1:{port}");
    let out = ws.run(&["run", "pass.yaml", "--var", &server_var, "-q"]);
    out.assert_code(3);
    let printed = lines(&out.stdout);
    assert_eq!(printed[0], "all pass (pass.yaml)", "{}", out.stdout);
    assert!(printed[1].starts_with("  ERROR fine"), "{}", out.stdout);
    assert_line(
        &out.stdout,
        "Requests:   0 passed, 0 failed, 1 error, 0 skipped (1 total)",
    );
}

/// `-v` wins over `-q`, as in `curl -sv`: every request line and every exchange.
#[test]
fn verbose_wins_over_quiet() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write("pass.yaml", ALL_PASS);
    let server_var = format!("server={}", server.url());
    let out = ws.run(&["run", "pass.yaml", "--var", &server_var, "-q", "-v"]);
    out.assert_code(0);
    let printed = lines(&out.stdout);
    assert_eq!(
        printed[..2],
        ["all pass (pass.yaml)", "  PASS  fine  GET 200 (N ms)"],
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains("> GET http://127.0.0.1:"),
        "{}",
        out.stderr
    );
}

/// On a terminal, the progress bar counts every request of every iteration from the start.
#[cfg(unix)]
#[test]
fn the_progress_bar_counts_every_request_of_every_iteration() {
    use crate::support::pty::Pty;
    let server = ok_server();
    let ws = Workspace::new();
    ws.write(
        "slow.yaml",
        r#"name: slow
requests:
  - name: one
    url: "{{ server }}/one"
    delay: 150ms
  - name: two
    url: "{{ server }}/two"
    delay: 150ms
"#,
    );
    let server_var = format!("server={}", server.url());
    let on_terminal = |args: &[&str]| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("runner"));
        cmd.current_dir(ws.path())
            .args(["run", "slow.yaml", "--var", &server_var])
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("CI")
            .env_remove("GITHUB_ACTIONS")
            .env("TERM", "xterm");
        let mut pty = Pty::spawn(cmd);
        let (code, _) = pty.wait(Duration::from_secs(60));
        (code, pty.output())
    };
    let totals = |text: &str| -> Vec<String> {
        let re = regex::Regex::new(r"\[\d+/(\d+)\]").expect("regex");
        let mut found: Vec<String> = re.captures_iter(text).map(|c| c[1].to_string()).collect();
        found.dedup();
        found
    };
    // 2 requests × 3 iterations, one unit at a time or two.
    for parallel in ["1", "2"] {
        let (code, text) = on_terminal(&["-n", "3", "-j", parallel]);
        assert_eq!(code, 0, "{text}");
        assert_eq!(totals(&text), ["6"], "-j {parallel}:\n{text}");
    }
    // The second of two shards runs iteration 1 only.
    let (code, text) = on_terminal(&["-n", "3", "--shard", "2/2"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(totals(&text), ["2"], "{text}");
    // -q draws no bar.
    let (code, text) = on_terminal(&["-n", "3", "-q"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(totals(&text), Vec::<String>::new(), "{text}");
    assert!(!text.contains("PASS"), "{text}");
}
