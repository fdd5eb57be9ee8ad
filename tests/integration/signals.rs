//! SIGTERM (`timeout`, CI cancellation) and SIGHUP (a closed terminal) stop a run like
//! Ctrl-C: the finished iterations are reported, marked interrupted, no `.part` file is
//! left, and the exit code is 128 + the signal.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::routing::get;

use crate::support::{Output, TestServer, Workspace};

/// `/ok` answers at once; `/slow/{i}` answers at once for 0 and after a minute otherwise.
fn slow_server() -> TestServer {
    TestServer::start(Router::new().route("/ok", get(|| async { "ok" })).route(
        "/slow/{i}",
        get(|UrlPath(i): UrlPath<u32>| async move {
            if i > 0 {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            "done"
        }),
    ))
}

/// Runs two iterations against the slow server, sends `signal` once the second waits on
/// its slow request, and returns how the run ended.
fn run_and_signal(ws: &Workspace, server: &TestServer, signal: i32) -> Output {
    ws.write(
        "s.yaml",
        "name: slow\nrequests:\n  - name: fast\n    url: \"{{ server }}/ok\"\n  - name: slow\n    url: \"{{ server }}/slow/{{ iteration }}\"\n",
    );
    let var = format!("server={}", server.url());
    let child = Command::new(assert_cmd::cargo::cargo_bin("runner"))
        .current_dir(ws.path())
        .env("NO_COLOR", "1")
        .args([
            "run",
            "s.yaml",
            "--var",
            &var,
            "-n",
            "2",
            "--reporter",
            "junit=out/r.xml",
            "--reporter",
            "json=out/r.json",
            "--reporter",
            "html=out/r.html",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.hits() < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.hits(), 4, "iteration 1 waits on /slow/1");
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with the id of a child this test started and has not yet waited for.
    let sent = unsafe { libc::kill(pid, signal) };
    assert_eq!(sent, 0, "kill");
    Output::from(child.wait_with_output().expect("wait"))
}

/// The reports hold iteration 0 only, say the run was interrupted, and no part file is left.
fn assert_interrupted_reports(dir: &Path) {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).expect("json report"))
            .expect("the JSON report parses");
    assert_eq!(json["meta"]["interrupted"], true);
    assert_eq!(json["iterations"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["summary"]["requests"], 2);
    let xml = std::fs::read_to_string(dir.join("r.xml")).expect("junit report");
    let junit = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(junit.tests, 2);
    assert!(
        xml.contains("<!-- interrupted: only finished iterations are reported -->"),
        "{xml}"
    );
    let html = std::fs::read_to_string(dir.join("r.html")).expect("html report");
    assert!(html.contains("<b>interrupted</b>"), "html says interrupted");
    assert!(html.trim_end().ends_with("</html>"), "html is complete");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["r.html", "r.json", "r.xml"],
        "no .part file is left"
    );
}

#[test]
fn sigterm_writes_the_reports_and_exits_143() {
    let server = slow_server();
    let ws = Workspace::new();
    let out = run_and_signal(&ws, &server, libc::SIGTERM);
    out.assert_code(143)
        .assert_contains("Interrupted: only finished iterations are counted and reported.");
    assert_interrupted_reports(&ws.path().join("out"));
    assert_eq!(server.hits(), 4);
}

#[test]
fn sighup_writes_the_reports_and_exits_129() {
    let server = slow_server();
    let ws = Workspace::new();
    let out = run_and_signal(&ws, &server, libc::SIGHUP);
    out.assert_code(129)
        .assert_contains("Interrupted: only finished iterations are counted and reported.");
    assert_interrupted_reports(&ws.path().join("out"));
    assert_eq!(server.hits(), 4);
}
