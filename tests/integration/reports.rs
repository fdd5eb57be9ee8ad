//! Reporters (JUnit, JSON, HTML, GitHub), data-driven runs, --parallel, --shard, report
//! merge and Ctrl-C: every report parsed and checked for exact counts and contents.

use std::path::Path;
use std::process::Command as StdCommand;
use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::extract::{Path as UrlPath, Query};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::xsd;
use crate::support::{TestServer, Workspace};

fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route("/ok", get(|| async { Json(json!({"ok": true, "n": 7})) }))
            .route(
                "/bad",
                get(|| async {
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        Json(json!({"items": [{"id": 1, "status": "OK"}, {"id": 2, "status": "FAILED"}, {"id": 3, "status": "OK"}]})),
                    )
                }),
            )
            .route(
                "/redirect",
                get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/ok")]) }),
            )
            .route(
                "/user/{name}",
                get(
                    |UrlPath(name): UrlPath<String>,
                     Query(q): Query<std::collections::HashMap<String, String>>| async move {
                        Json(json!({"name": name, "i": q.get("i").cloned().unwrap_or_default()}))
                    },
                ),
            )
            .route(
                "/slow/{i}",
                get(|UrlPath(i): UrlPath<u32>| async move {
                    if i > 0 {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                    "done".into_response()
                }),
            ),
    )
}

/// A loopback port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    port
}

/// Five requests: passed, failed (status and a JSON diff), passed through a redirect,
/// errored (connection refused), skipped.
fn collection(port: u16) -> String {
    format!(
        r#"name: reports
requests:
  - name: ok
    url: "{{{{ server }}}}/ok"
    expect:
      status: 200
      json:
        $.ok: true
    capture:
      n: $.n
  - folder: Folder
    requests:
      - name: bad
        url: "{{{{ server }}}}/bad"
        expect:
          status: 200
          json:
            $.items: [{{ id: 1, status: OK }}, {{ id: 2, status: OK }}, {{ id: 3, status: OK }}]
      - name: hop
        url: "{{{{ server }}}}/redirect"
        expect:
          status: 200
  - name: down
    url: "http://127.0.0.1:{port}/x"
  - name: later
    skip: true
    url: "{{{{ server }}}}/ok"
"#
    )
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("report written");
    serde_json::from_str(&text).expect("valid JSON report")
}

fn statuses(it: &Value) -> Vec<(String, String)> {
    it["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().to_string(),
                r["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_reporter_describes_the_same_run() {
    let server = server();
    let ws = Workspace::new();
    ws.write("r.yaml", &collection(closed_port()));
    let var = format!("server={}", server.url());
    let summary = ws.path().join("summary.md");
    let out = crate::support::Output::from(
        ws.runner()
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args([
                "run",
                "r.yaml",
                "--var",
                &var,
                "--reporter",
                "junit=out/junit.xml",
                "--reporter",
                "json=out/report.json",
                "--reporter",
                "html=out/report.html",
                "--reporter",
                "github",
                "--reporter",
                "cli",
            ])
            .output()
            .expect("run"),
    );
    // Reports are written although the run fails (3 wins over 1).
    out.assert_code(3);
    out.assert_contains("Requests:   2 passed, 1 failed, 1 error, 1 skipped (5 total)");

    // JSON.
    let report = read_json(&ws.path().join("out/report.json"));
    assert_eq!(report["schema"], "runner-report");
    assert_eq!(report["version"], 1);
    assert_eq!(
        report["summary"],
        json!({"iterations": 1, "requests": 5, "passed": 2, "failed": 1, "errored": 1,
               "skipped": 1, "assertions_passed": 3, "assertions_failed": 2})
    );
    let its = report["iterations"].as_array().expect("iterations");
    assert_eq!(its.len(), 1);
    assert_eq!(its[0]["collection"], "reports");
    assert_eq!(its[0]["file"], "r.yaml");
    assert_eq!(its[0]["iteration"], 0);
    assert_eq!(
        statuses(&its[0]),
        [
            ("ok".to_string(), "passed".to_string()),
            ("Folder/bad".into(), "failed".into()),
            ("Folder/hop".into(), "passed".into()),
            ("down".into(), "errored".into()),
            ("later".into(), "skipped".into()),
        ]
    );
    let reqs = &its[0]["requests"];
    assert_eq!(reqs[0]["captures"], json!([{"name": "n", "value": 7}]));
    let bad = &reqs[1]["assertions"];
    assert_eq!(bad[0]["subject"], "status");
    assert_eq!(bad[0]["passed"], false);
    assert_eq!(bad[0]["expected"], "200");
    assert_eq!(bad[0]["actual"], "500");
    assert_eq!(
        bad[0]["position"],
        json!({"file": "r.yaml", "line": 16, "col": 19})
    );
    assert_eq!(
        bad[1]["differences"],
        json!(["$.items[1].status: expected \"OK\", got \"FAILED\""])
    );
    assert!(
        bad[1]["diff"]
            .as_str()
            .is_some_and(|d| d.contains("-    \"status\": \"OK\""))
    );
    let hops: Vec<u64> = reqs[2]["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| h["status"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(hops, [302, 200]);
    assert_eq!(reqs[3]["errors"][0]["assert"], false);
    assert!(
        reqs[3]["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("connection failed"))
    );
    assert_eq!(reqs[4]["skipped"], "skip: true");
    assert_eq!(report["meta"]["interrupted"], false);
    assert_eq!(report["meta"]["iterations"], 1);

    // JUnit, read by quick-junit.
    let xml = std::fs::read_to_string(ws.path().join("out/junit.xml")).expect("junit");
    let junit = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!((junit.tests, junit.failures, junit.errors), (5, 1, 1));
    assert_eq!(junit.test_suites.len(), 1);
    let suite = &junit.test_suites[0];
    assert_eq!(suite.name.as_str(), "reports");
    let cases: Vec<(String, Option<String>)> = suite
        .test_cases
        .iter()
        .map(|c| {
            (
                c.name.as_str().to_string(),
                c.classname.as_ref().map(|s| s.as_str().to_string()),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("ok".to_string(), Some("reports".to_string())),
            ("bad".into(), Some("reports/Folder".into())),
            ("hop".into(), Some("reports/Folder".into())),
            ("down".into(), Some("reports".into())),
            ("later".into(), Some("reports".into())),
        ]
    );
    assert!(xml.contains(r#"<failure message="status: expected 200, got 500" type="assertion">"#));
    assert!(xml.contains("  at r.yaml:16:19\n"));
    assert!(xml.contains(r#"<error message="connection failed"#));
    assert!(xml.contains("<skipped message=\"skip: true\"/>"));
    assert!(xml.contains("redirect: GET "));

    // The same file against the schemas of strict consumers.
    if let Some((jenkins, _)) = xsd::junit_schemas() {
        assert_valid_junit(&xml, 1);
        // The check finds what it looks for.
        let broken = xsd::parse(&xml.replacen("<testcase name=", "<testcase nome=", 1))
            .expect("well-formed");
        assert_eq!(
            jenkins.check(&broken),
            [
                "testsuites/testsuite/testcase: undeclared attribute `nome`",
                "testsuites/testsuite/testcase: no `name`"
            ]
        );
    }

    // HTML: self-contained, one bar per request, the diff of the failed assertion.
    let html = std::fs::read_to_string(ws.path().join("out/report.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<g class=\"bar ").count(), 5);
    assert_eq!(html.matches("<details class=\"req ").count(), 5);
    assert_eq!(
        html.matches("<details class=\"req failed\" open>").count(),
        1
    );
    assert_eq!(
        html.matches("<details class=\"req errored\" open>").count(),
        1
    );
    assert!(html.contains("id=\"only-failures\""));
    assert!(html.contains("<pre class=\"diff\">"));
    assert!(html.contains("↪ redirect: GET"));
    assert!(html.contains("$.items[1].status: expected &quot;OK&quot;, got &quot;FAILED&quot;"));
    for external in ["<script src", "<link", "@import", "url(", "src=\"http"] {
        assert!(!html.contains(external), "HTML refers outside: {external}");
    }

    // Sections kept beside the reports during the run are gone.
    let mut names: Vec<String> = std::fs::read_dir(ws.path().join("out"))
        .expect("out")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(names, ["junit.xml", "report.html", "report.json"]);

    // GitHub: an annotation at each failure's YAML position, and the job summary.
    out.assert_contains(
        "::error file=r.yaml,line=16,col=19,title=Folder/bad::status: expected 200, got 500\n",
    );
    out.assert_contains("::error file=r.yaml,line=18,col=22,title=Folder/bad::$.items: expected ");
    out.assert_contains("::error file=r.yaml,line=23,col=11,title=down::connection failed");
    let md = std::fs::read_to_string(&summary).expect("job summary");
    assert!(md.starts_with("## runner\n"), "{md}");
    assert!(md.contains("| 5 | 2 | 1 | 1 | 1 | 2 of 5 |"), "{md}");
    assert!(
        md.contains("| reports | Folder/bad | status: expected 200, got 500 |"),
        "{md}"
    );
}

/// Asserts that `xml` is valid for both JUnit schemas and holds `suites` test suites.
#[track_caller]
fn assert_valid_junit(xml: &str, suites: usize) {
    if let Some(n) = xsd::assert_valid_junit(xml) {
        assert_eq!(n, suites);
    }
}

const USERS: &str = r#"name: users
requests:
  - name: get user
    url: "{{ server }}/user/{{ name }}?i={{ iteration }}"
    expect:
      status: 200
      json:
        $.name: "{{ name }}"
"#;

fn uris(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.uri).collect()
}

#[test]
fn csv_rows_drive_iterations_and_n_repeats_the_passes() {
    let server = server();
    let ws = Workspace::new();
    ws.write("u.yaml", USERS);
    ws.write("users.csv", "name,team\nann,red\nbob,blue\ncee,red\n");
    let var = format!("server={}", server.url());
    let out = ws.run(&[
        "run",
        "u.yaml",
        "--var",
        &var,
        "-d",
        "users.csv",
        "-n",
        "2",
        "--reporter",
        "json=r.json",
    ]);
    out.assert_code(0)
        .assert_contains("users [iteration 0] (u.yaml)\n")
        .assert_contains("users [iteration 5] (u.yaml)\n")
        .assert_contains("Iterations: 6\n")
        .assert_contains("Requests:   6 passed, 0 failed, 0 errors, 0 skipped (6 total)");
    assert_eq!(
        uris(&server),
        [
            "/user/ann?i=0",
            "/user/bob?i=1",
            "/user/cee?i=2",
            "/user/ann?i=3",
            "/user/bob?i=4",
            "/user/cee?i=5"
        ]
    );
    // `iteration` is defined for `validate` too; data fields are not known there.
    ws.write(
        "i.yaml",
        "name: i\nrequests:\n  - name: x\n    url: \"http://127.0.0.1:1/{{ iteration }}\"\n",
    );
    ws.run(&["validate", "i.yaml"])
        .assert_code(0)
        .assert_contains("ok i.yaml (1 requests)");
    let report = read_json(&ws.path().join("r.json"));
    let its = report["iterations"].as_array().expect("iterations");
    assert_eq!(its.len(), 6);
    assert_eq!(its[4]["iteration"], 4);
    assert_eq!(its[4]["data"], json!({"name": "bob", "team": "blue"}));
    assert_eq!(report["meta"]["iterations"], 6);
    assert_eq!(report["meta"]["data_file"], "users.csv");
}

const LISTED: &str = r#"name: users
requests:
  - folder: Users
    requests:
      - name: List users
        url: "{{ server }}/user/{{ name }}?i={{ iteration }}"
  - name: health
    url: "{{ server }}/ok"
"#;

/// Every (classname, name) pair of a JUnit file, asserted distinct.
#[track_caller]
fn junit_cases(xml: &str) -> Vec<(String, String)> {
    let junit = quick_junit::Report::deserialize_from_str(xml).expect("valid JUnit");
    let pairs: Vec<(String, String)> = junit
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .map(|c| {
            (
                c.classname
                    .as_ref()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                c.name.as_str().to_string(),
            )
        })
        .collect();
    let mut distinct = pairs.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), pairs.len(), "{pairs:?}");
    pairs
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect()
}

#[test]
fn junit_testcase_names_are_unique_across_iterations_rows_and_shards() {
    let server = server();
    let ws = Workspace::new();
    ws.write("u.yaml", LISTED);
    ws.write("rows.csv", "name\nann\nbob\n");
    let var = format!("server={}", server.url());
    let junit_of = |file: &str| std::fs::read_to_string(ws.path().join(file)).expect("junit");

    let run = |extra: &[&str]| {
        let mut args = vec!["run", "u.yaml", "--var", &var];
        args.extend_from_slice(extra);
        ws.run(&args).assert_code(0);
    };
    run(&["--var", "name=ann", "-n", "3", "--reporter", "junit=n.xml"]);
    let xml = junit_of("n.xml");
    assert_valid_junit(&xml, 3);
    assert_eq!(
        junit_cases(&xml),
        pairs(&[
            ("users/Users", "List users [iteration 0]"),
            ("users", "health [iteration 0]"),
            ("users/Users", "List users [iteration 1]"),
            ("users", "health [iteration 1]"),
            ("users/Users", "List users [iteration 2]"),
            ("users", "health [iteration 2]"),
        ])
    );

    run(&["-d", "rows.csv", "--reporter", "junit=d.xml"]);
    let xml = junit_of("d.xml");
    assert_valid_junit(&xml, 2);
    assert_eq!(
        junit_cases(&xml),
        pairs(&[
            ("users/Users", "List users [iteration 0]"),
            ("users", "health [iteration 0]"),
            ("users/Users", "List users [iteration 1]"),
            ("users", "health [iteration 1]"),
        ])
    );

    for k in 1..=2 {
        let shard = format!("{k}/2");
        let json = format!("json=shard{k}.json");
        run(&["-d", "rows.csv", "--shard", &shard, "--reporter", &json]);
    }
    ws.run(&[
        "report",
        "merge",
        "shard1.json",
        "shard2.json",
        "--reporter",
        "junit=merged.xml",
    ])
    .assert_code(0);
    let xml = junit_of("merged.xml");
    assert_valid_junit(&xml, 2);
    assert_eq!(
        junit_cases(&xml),
        pairs(&[
            ("users/Users", "List users [iteration 0]"),
            ("users", "health [iteration 0]"),
            ("users/Users", "List users [iteration 1]"),
            ("users", "health [iteration 1]"),
        ])
    );
}

#[test]
fn json_rows_keep_their_types_and_a_failing_row_fails_the_run() {
    let server = server();
    let ws = Workspace::new();
    ws.write("u.yaml", USERS);
    ws.write(
        "users.json",
        r#"[{"name": "ann", "n": 1}, {"name": "bob", "n": 2}]"#,
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["run", "u.yaml", "--var", &var, "-d", "users.json"]);
    out.assert_code(0).assert_contains("Iterations: 2\n");
    assert_eq!(uris(&server), ["/user/ann?i=0", "/user/bob?i=1"]);

    // A row field without a value in a template fails only that row's request.
    ws.write("bad.json", r#"[{"name": "ann"}, {"other": 1}]"#);
    let out = ws.run(&["run", "u.yaml", "--var", &var, "-d", "bad.json"]);
    out.assert_code(1)
        .assert_contains("Requests:   1 passed, 1 failed, 0 errors, 0 skipped (2 total)");

    ws.write("broken.json", r#"{"name": "ann"}"#);
    let out = ws.run(&["run", "u.yaml", "--var", &var, "-d", "broken.json"]);
    out.assert_code(2)
        .assert_contains("data file broken.json must hold a JSON array of objects");
    assert_eq!(server.hits(), 3);
}

/// Removes what differs from run to run: times, dates, the shard.
fn normalize(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| !k.ends_with("_ms") && k != "started_at");
            for x in map.values_mut() {
                normalize(x);
            }
        }
        Value::Array(items) => {
            items.retain(|x| {
                x.as_array()
                    .is_none_or(|pair| pair.first() != Some(&json!("date")))
            });
            for x in items {
                normalize(x);
            }
        }
        _ => {}
    }
}

fn three_collections(ws: &Workspace) {
    for (file, name) in [("a.yaml", "alpha"), ("b.yaml", "beta"), ("c.yaml", "gamma")] {
        ws.write(
            file,
            &format!(
                r#"name: {name}
requests:
  - name: first
    url: "{{{{ server }}}}/user/{name}?i={{{{ iteration }}}}"
    expect:
      json:
        $.name: {name}
    capture:
      seen: $.i
  - name: second
    url: "{{{{ server }}}}/user/{{{{ seen }}}}?i={{{{ iteration }}}}"
    expect:
      json:
        $.name: "{{{{ iteration }}}}"
  - name: third
    url: "{{{{ server }}}}/bad"
    expect:
      status: 500
"#
            ),
        );
    }
}

#[test]
fn parallel_and_sequential_runs_give_the_same_reports() {
    let server = server();
    let ws = Workspace::new();
    three_collections(&ws);
    let var = format!("server={}", server.url());
    let run = |j: &str, tag: &str| {
        let json = format!("json={tag}.json");
        let junit = format!("junit={tag}.xml");
        let out = ws.run(&[
            "run",
            "a.yaml",
            "b.yaml",
            "c.yaml",
            "--var",
            &var,
            "-n",
            "4",
            "-j",
            j,
            "--reporter",
            &json,
            "--reporter",
            &junit,
        ]);
        out.assert_code(0)
            .assert_contains("Requests:   36 passed, 0 failed, 0 errors, 0 skipped (36 total)");
        let mut report = read_json(&ws.path().join(format!("{tag}.json")));
        normalize(&mut report);
        let xml = std::fs::read_to_string(ws.path().join(format!("{tag}.xml"))).expect("xml");
        let times = regex::Regex::new(r#" (time|timestamp)="[^"]*""#).expect("regex");
        let ms = regex::Regex::new(r"\([0-9.]+ ms\)").expect("regex");
        let xml = ms
            .replace_all(&times.replace_all(&xml, ""), "")
            .into_owned();
        (report, xml, out.stdout)
    };
    let (seq, seq_xml, _) = run("1", "seq");
    let (par, par_xml, par_out) = run("4", "par");
    assert_eq!(seq, par);
    assert_eq!(seq_xml, par_xml);
    let units: Vec<(String, u64)> = seq["iterations"]
        .as_array()
        .expect("iterations")
        .iter()
        .map(|it| {
            (
                it["collection"].as_str().unwrap_or_default().to_string(),
                it["iteration"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let expected: Vec<(String, u64)> = ["alpha", "beta", "gamma"]
        .iter()
        .flat_map(|c| (0..4).map(move |i| (c.to_string(), i)))
        .collect();
    assert_eq!(units, expected);
    // Each iteration's lines are printed together.
    for c in ["alpha", "beta", "gamma"] {
        for i in 0..4 {
            let heading = format!("{c} [iteration {i}]");
            let at = par_out.find(&heading).expect("heading printed");
            let block: Vec<&str> = par_out[at..].lines().skip(1).take(3).collect();
            assert!(block[0].starts_with("  PASS  first  GET 200"), "{par_out}");
            assert!(block[1].starts_with("  PASS  second  GET 200"), "{par_out}");
            assert!(block[2].starts_with("  PASS  third  GET 500"), "{par_out}");
        }
    }
    assert_eq!(server.hits(), 72);
}

#[test]
fn shards_are_disjoint_complete_and_merge_into_the_whole_run() {
    let server = server();
    let ws = Workspace::new();
    three_collections(&ws);
    let var = format!("server={}", server.url());
    let out = ws.run(&[
        "run",
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "--var",
        &var,
        "-n",
        "2",
        "--reporter",
        "json=all.json",
    ]);
    out.assert_code(0);
    let mut units = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let json = format!("json=shard{k}.json");
        let junit = format!("junit=shard{k}.xml");
        let out = ws.run(&[
            "run",
            "a.yaml",
            "b.yaml",
            "c.yaml",
            "--var",
            &var,
            "-n",
            "2",
            "--shard",
            &shard,
            "--reporter",
            &json,
            "--reporter",
            &junit,
        ]);
        out.assert_code(0)
            .assert_contains("Requests:   6 passed, 0 failed, 0 errors, 0 skipped (6 total)");
        let report = read_json(&ws.path().join(format!("shard{k}.json")));
        assert_eq!(report["meta"]["shard"], shard);
        for it in report["iterations"].as_array().expect("iterations") {
            assert_eq!(it["shard"], shard);
            units.push(it["unit"].as_u64().unwrap_or(99));
        }
        let xml = std::fs::read_to_string(ws.path().join(format!("shard{k}.xml"))).expect("xml");
        assert_eq!(
            xml.matches(&format!(" (shard {k}/3)\"")).count(),
            2,
            "{xml}"
        );
    }
    // Slice k holds units k-1, k+2: disjoint, and together every unit once.
    assert_eq!(units, [0, 3, 1, 4, 2, 5]);
    units.sort();
    assert_eq!(units, [0, 1, 2, 3, 4, 5]);

    let out = ws.run(&[
        "report",
        "merge",
        "shard3.json",
        "shard1.json",
        "shard2.json",
        "--reporter",
        "junit=merged.xml",
        "--reporter",
        "json=merged.json",
        "--reporter",
        "html=merged.html",
    ]);
    out.assert_code(0).assert_contains(
        "merged 3 reports: 6 iterations, 18 requests (18 passed, 0 failed, 0 errors, 0 skipped)",
    );
    let mut merged = read_json(&ws.path().join("merged.json"));
    let mut whole = read_json(&ws.path().join("all.json"));
    for it in merged["iterations"].as_array_mut().expect("iterations") {
        it["shard"] = Value::Null;
    }
    normalize(&mut merged);
    normalize(&mut whole);
    assert_eq!(merged["iterations"], whole["iterations"]);
    assert_eq!(merged["summary"], whole["summary"]);
    let xml = std::fs::read_to_string(ws.path().join("merged.xml")).expect("xml");
    assert_valid_junit(&xml, 6);
    let junit = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(junit.test_suites.len(), 6);
    assert_eq!(junit.tests, 18);
    assert_eq!(
        junit.test_suites[1].name.as_str(),
        "alpha [iteration 1] (shard 2/3)"
    );

    let out = ws.run(&["report", "merge", "a.yaml", "--reporter", "junit=x.xml"]);
    out.assert_code(2)
        .assert_contains("error: a.yaml is not a runner JSON report");
}

#[test]
fn reporter_and_batch_options_are_checked_before_anything_is_sent() {
    let server = server();
    let ws = Workspace::new();
    ws.write("u.yaml", USERS);
    let var = format!("server={}", server.url());
    let cases: [(&[&str], &str); 6] = [
        (
            &["--reporter", "junit"],
            "reporter `junit` needs a file: --reporter junit=PATH",
        ),
        (&["--reporter", "xml=a"], "unknown reporter `xml`"),
        (
            &["--reporter", "github=x"],
            "reporter `github` takes no file",
        ),
        (&["--shard", "4/3"], "--shard must be K/N with 1 <= K <= N"),
        (
            &["-j", "0"],
            "--iterations and --parallel must be at least 1",
        ),
        (&["-d", "missing.csv"], "cannot read data file missing.csv"),
    ];
    for (extra, message) in cases {
        let mut args = vec!["run", "u.yaml", "--var", &var];
        args.extend_from_slice(extra);
        ws.run(&args).assert_code(2).assert_contains(message);
    }
    assert_eq!(server.hits(), 0);
}

#[cfg(unix)]
#[test]
fn ctrl_c_writes_the_finished_iterations_and_exits_130() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "s.yaml",
        r#"name: slow
requests:
  - name: fast
    url: "{{ server }}/ok"
  - name: slow
    url: "{{ server }}/slow/{{ iteration }}"
"#,
    );
    let var = format!("server={}", server.url());
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("runner"));
    cmd.current_dir(ws.path())
        .env("NO_COLOR", "1")
        .args([
            "run",
            "s.yaml",
            "--var",
            &var,
            "-n",
            "2",
            "--reporter",
            "json=r.json",
            "--reporter",
            "junit=r.xml",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().expect("spawn");
    // Iteration 0 is done and iteration 1 waits on /slow/1 once the server saw 4 requests.
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.hits() < 4 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(server.hits(), 4);
    let killed = StdCommand::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = crate::support::Output::from(child.wait_with_output().expect("wait"));
    out.assert_code(130)
        .assert_contains("Interrupted: only finished iterations are counted and reported.");
    let report = read_json(&ws.path().join("r.json"));
    assert_eq!(report["meta"]["interrupted"], true);
    assert_eq!(report["iterations"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["summary"]["requests"], 2);
    let xml = std::fs::read_to_string(ws.path().join("r.xml")).expect("xml");
    assert_valid_junit(&xml, 1);
    let junit = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    assert_eq!(junit.tests, 2);
}

#[test]
fn the_github_job_summary_lists_the_first_fifty_failures() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "g.yaml",
        "name: g\nrequests:\n  - name: created\n    url: \"{{ server }}/ok\"\n    expect:\n      status: 201\n",
    );
    let var = format!("server={}", server.url());
    let summary = ws.path().join("summary.md");
    let out = crate::support::Output::from(
        ws.runner()
            .env("GITHUB_STEP_SUMMARY", &summary)
            .args([
                "run",
                "g.yaml",
                "--var",
                &var,
                "-n",
                "60",
                "-j",
                "3",
                "--reporter",
                "github",
            ])
            .output()
            .expect("run"),
    );
    out.assert_code(1);
    let annotations: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(annotations.len(), 60);
    assert_eq!(
        annotations[59],
        "::error file=g.yaml,line=6,col=15,title=created [iteration 59]::status: expected 201, got 200"
    );
    let md = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(md.matches("| g | created [iteration ").count(), 50);
    assert!(md.contains("| g | created [iteration 49] | status: expected 201, got 200 |"));
    assert!(md.ends_with("\n10 more failures not listed.\n"), "{md}");
}
