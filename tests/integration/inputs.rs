//! Inputs a run must refuse before sending anything (exit 2): report files that would
//! overwrite each other or an input, files outside the collection's folder, the process
//! environment dumped whole, out-of-range durations, alias bombs; and inputs it must keep
//! exact: big files, integers beyond 64 bits.

use std::path::Path;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::routing::post;
use serde_json::{Value, json};

use crate::support::{Output, TestServer, Workspace};

/// A server that answers `{"ok": true}` to anything.
fn ok_server() -> TestServer {
    TestServer::start(Router::new().fallback(|| async { Json(json!({"ok": true})) }))
}

const ONE_REQUEST: &str = "name: one\nrequests:\n  - name: get\n    url: \"{{ server }}/x\"\n";

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

#[test]
fn two_reporters_on_one_path_are_refused() {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write("c.yaml", ONE_REQUEST);
    let var = format!("server={}", server.url());
    for (a, b, message) in [
        (
            "json=out/r.txt",
            "junit=./out/../out/r.txt",
            "error: --reporter junit=./out/../out/r.txt and --reporter json=out/r.txt write the same file",
        ),
        (
            "html=r.html",
            "json=r.html.part",
            "error: --reporter json=r.html.part and --reporter html=r.html write the same file",
        ),
    ] {
        ws.run(&[
            "run",
            "c.yaml",
            "--var",
            &var,
            "--reporter",
            a,
            "--reporter",
            b,
        ])
        .assert_code(2)
        .assert_contains(message);
    }
    assert!(!ws.path().join("out").exists(), "no report is created");
    assert!(!ws.path().join("r.html").exists(), "no report is created");
    assert_eq!(server.hits(), 0);
    // `-` is standard output, not a file: two of them are no conflict with each other.
    let out = ws.run(&["run", "c.yaml", "--var", &var, "--reporter", "json=r.json"]);
    out.assert_code(0);
    assert_eq!(server.hits(), 1);
}

#[test]
fn a_report_path_equal_to_an_input_is_refused() {
    let server = ok_server();
    let ws = Workspace::new();
    let collection = ws.write("c.yaml", ONE_REQUEST);
    let environment = ws.write("environments/dev.yaml", "variables:\n  who: dev\n");
    let data = ws.write("rows.csv", "id\n1\n2\n");
    let dotenv = ws.write("local.env", "TOKEN=abc\n");
    let inputs = [&collection, &environment, &data, &dotenv].map(|p| (p.clone(), read(p)));
    let var = format!("server={}", server.url());
    let base = [
        "run",
        "c.yaml",
        "--var",
        &var,
        "-e",
        "dev",
        "-d",
        "rows.csv",
        "--env-file",
        "local.env",
    ];
    for (reporter, message) in [
        (
            "json=c.yaml",
            "error: --reporter json=c.yaml would overwrite the collection c.yaml",
        ),
        (
            "junit=environments/../environments/dev.yaml",
            "error: --reporter junit=environments/../environments/dev.yaml would overwrite the environment",
        ),
        (
            "html=./rows.csv",
            "error: --reporter html=./rows.csv would overwrite the data file rows.csv",
        ),
        (
            "json=local.env",
            "error: --reporter json=local.env would overwrite the env file local.env",
        ),
    ] {
        let mut args = base.to_vec();
        args.extend(["--reporter", reporter]);
        ws.run(&args).assert_code(2).assert_contains(message);
    }
    for (path, bytes) in &inputs {
        assert_eq!(&read(path), bytes, "{} is unchanged", path.display());
    }
    assert_eq!(server.hits(), 0);
    // A report through a symbolic link to the collection is the collection too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&collection, ws.path().join("link.yaml")).expect("symlink");
        let mut args = base.to_vec();
        args.extend(["--reporter", "junit=link.yaml"]);
        ws.run(&args)
            .assert_code(2)
            .assert_contains("would overwrite the collection c.yaml");
        assert_eq!(read(&collection), inputs[0].1);
        assert_eq!(server.hits(), 0);
    }
}

#[test]
fn report_merge_refuses_to_overwrite_its_inputs() {
    let (_server, ws) = workspace_with_a_json_report();
    let before = read(&ws.path().join("a.json"));
    ws.run(&["report", "merge", "a.json", "--reporter", "junit=./a.json"])
        .assert_code(2)
        .assert_contains("error: --reporter junit=./a.json would overwrite the report a.json");
    assert_eq!(read(&ws.path().join("a.json")), before);
}

/// A server that records bodies; the test reads them back.
fn echo_server() -> TestServer {
    TestServer::start(Router::new().fallback(post(|body: Bytes| async move {
        Json(json!({"len": body.len()}))
    })))
}

#[test]
fn files_outside_the_collection_folder_are_refused() {
    let server = echo_server();
    let ws = Workspace::new();
    ws.write("secret.txt", "top secret\n");
    ws.write("api/inside.txt", "inside\n");
    ws.write("schema.json", "{\"type\": \"object\"}");
    let var = format!("server={}", server.url());
    let head = "name: files\nvariables:\n  where: ../secret.txt\nrequests:\n  - name: send\n    method: POST\n    url: \"{{ server }}/up\"\n";
    let cases = [
        (
            "    body:\n      file: ../secret.txt\n",
            "body file of request `send`: file `../secret.txt` is outside",
            "api/c.yaml:9:13",
        ),
        (
            "    body:\n      file: inside.txt/../../secret.txt\n",
            "file `inside.txt/../../secret.txt` is outside",
            "api/c.yaml:9:13",
        ),
        (
            "    body:\n      multipart:\n        doc: { file: \"{{ where }}\" }\n",
            "file `../secret.txt` is outside",
            "api/c.yaml:10:",
        ),
        (
            "    expect:\n      json:\n        $: { schema: ../schema.json }\n",
            "file `../schema.json` is outside",
            "api/c.yaml:10:",
        ),
    ];
    for (part, message, position) in cases {
        ws.write("api/c.yaml", &format!("{head}{part}"));
        for command in ["validate", "run"] {
            ws.run(&[command, "api/c.yaml", "--var", &var])
                .assert_code(2)
                .assert_contains(message)
                .assert_contains(position)
                .assert_contains("--file-root");
        }
    }
    assert_eq!(server.hits(), 0);
    // --file-root widens the folder: the same file is sent.
    ws.write(
        "api/c.yaml",
        "name: files\nrequests:\n  - name: send\n    body:\n      file: ../secret.txt\n    method: POST\n    url: \"{{ server }}/up\"\n",
    );
    ws.run(&["run", "api/c.yaml", "--var", &var, "--file-root", "."])
        .assert_code(0);
    let received = server.requests();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].text(), "top secret\n");
    // A file-root that does not exist is a usage error.
    ws.run(&["run", "api/c.yaml", "--var", &var, "--file-root", "nowhere"])
        .assert_code(2)
        .assert_contains("--file-root nowhere is not a folder");
    assert_eq!(server.hits(), 1);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_refused() {
    let server = echo_server();
    let ws = Workspace::new();
    let secret = ws.write("secret.txt", "top secret\n");
    ws.write("api/ok.txt", "ok\n");
    std::os::unix::fs::symlink(&secret, ws.path().join("api/link.txt")).expect("symlink");
    ws.write(
        "api/c.yaml",
        "name: link\nrequests:\n  - name: send\n    body:\n      file: link.txt\n    method: POST\n    url: \"{{ server }}/up\"\n",
    );
    let var = format!("server={}", server.url());
    ws.run(&["run", "api/c.yaml", "--var", &var])
        .assert_code(2)
        .assert_contains("file `link.txt` is outside")
        .assert_contains("api/c.yaml:5:13");
    assert_eq!(server.hits(), 0);
    // A file inside the folder is sent as before.
    ws.write(
        "api/c.yaml",
        "name: link\nrequests:\n  - name: send\n    body:\n      file: ok.txt\n    method: POST\n    url: \"{{ server }}/up\"\n",
    );
    ws.run(&["run", "api/c.yaml", "--var", &var]).assert_code(0);
    assert_eq!(server.requests()[0].text(), "ok\n");
}

#[test]
fn the_process_environment_cannot_be_dumped_whole() {
    let server = ok_server();
    let ws = Workspace::new();
    let var = format!("server={}", server.url());
    let whole = "the process environment cannot be rendered, listed or iterated whole: read one variable, env.NAME";
    for template in [
        "{{ env }}",
        "{{ env | tojson }}",
        "{% for k in env %}{{ k }}={{ env[k] }};{% endfor %}",
        "{% for k, v in env.items() %}{{ v }}{% endfor %}",
    ] {
        ws.write(
            "c.yaml",
            &format!(
                "name: env\nrequests:\n  - name: dump\n    method: POST\n    url: \"{{{{ server }}}}/x\"\n    body:\n      raw: \"{template}\"\n"
            ),
        );
        for command in ["validate", "run"] {
            let out = Output::from(
                ws.runner()
                    .env("DUMP_MARKER", "marker-value-7731")
                    .args([command, "c.yaml", "--var", &var])
                    .output()
                    .expect("run"),
            );
            out.assert_code(2)
                .assert_contains(whole)
                .assert_contains("c.yaml:7:12")
                .assert_not_contains("marker-value-7731");
        }
    }
    assert_eq!(server.hits(), 0);
    // One variable at a time still works: env.NAME, `is defined`, default().
    ws.write(
        "c.yaml",
        "name: env\nrequests:\n  - name: one\n    method: POST\n    url: \"{{ server }}/x\"\n    body:\n      raw: \"{{ env.DUMP_MARKER }}|{{ env.HOME is defined }}|{{ env.NOPE_NOT_SET is defined }}|{{ env.NOPE_NOT_SET | default('d') }}\"\n",
    );
    let out = Output::from(
        ws.runner()
            .env("DUMP_MARKER", "marker-value-7731")
            .env("HOME", "/home/someone")
            .env_remove("NOPE_NOT_SET")
            .args(["run", "c.yaml", "--var", &var])
            .output()
            .expect("run"),
    );
    out.assert_code(0);
    assert_eq!(
        server.requests()[0].text(),
        "marker-value-7731|true|false|d"
    );
}

#[test]
fn out_of_range_durations_are_invalid_input() {
    let server = ok_server();
    let ws = Workspace::new();
    let var = format!("server={}", server.url());
    for (setting, message, position) in [
        (
            "delay: 1e300",
            "invalid delay: `1e+300` has no unit; add a unit: 500ms, 2s or 1m",
            "c.yaml:5:12",
        ),
        (
            "timeout: 1e300",
            "invalid timeout: `1e+300` has no unit; add a unit: 500ms, 2s or 1m",
            "c.yaml:5:14",
        ),
        (
            "retry: { count: 2, delay: 1e300 }",
            "invalid retry delay: `1e+300` has no unit; add a unit: 500ms, 2s or 1m",
            "c.yaml:5:31",
        ),
        (
            "delay: 1000000000d",
            "invalid delay: `1000000000d` is out of range (at most 7d)",
            "c.yaml:5:12",
        ),
        (
            "timeout: 99999999999999999999999s",
            "invalid timeout: `99999999999999999999999s` is out of range (at most 7d)",
            "c.yaml:5:14",
        ),
    ] {
        ws.write(
            "c.yaml",
            &format!(
                "name: d\nrequests:\n  - name: r\n    url: \"{{{{ server }}}}/x\"\n    {setting}\n"
            ),
        );
        for command in ["validate", "run"] {
            ws.run(&[command, "c.yaml", "--var", &var])
                .assert_code(2)
                .assert_contains(message)
                .assert_contains(position);
        }
    }
    ws.run(&["run", "c.yaml", "--var", &var, "--timeout", "1000000000d"])
        .assert_code(2)
        .assert_contains("invalid --timeout: `1000000000d` is out of range (at most 7d)");
    assert_eq!(server.hits(), 0);
}

#[test]
fn report_merge_refuses_out_of_range_durations() {
    let (_server, ws) = workspace_with_a_json_report();
    let mut report: Value =
        serde_json::from_slice(&read(&ws.path().join("a.json"))).expect("report");
    report["iterations"][0]["requests"][0]["duration_ms"] = json!(1e300);
    std::fs::write(ws.path().join("b.json"), report.to_string()).expect("write");
    ws.run(&["report", "merge", "b.json", "--reporter", "junit=m.xml"])
        .assert_code(2)
        .assert_contains(
            "error: b.json: $.iterations[0].requests[0].duration_ms is 1e300: a duration must be a number of milliseconds from 0 to 1e12",
        );
    // The whole run's duration is an integer: 1e300 does not even parse as one.
    let mut report: Value =
        serde_json::from_slice(&read(&ws.path().join("a.json"))).expect("report");
    report["meta"]["duration_ms"] = json!(1e300);
    std::fs::write(ws.path().join("c.json"), report.to_string()).expect("write");
    ws.run(&["report", "merge", "c.json", "--reporter", "junit=m.xml"])
        .assert_code(2)
        .assert_contains("c.json is not a runner JSON report (at $.meta.duration_ms)");
    assert!(!ws.path().join("m.xml").exists());
}

/// 35,000 requests of nine YAML nodes each: more than the parser's default budget of
/// 250,000 nodes, which now grows with the file.
#[test]
fn a_collection_of_35000_requests_validates() {
    let ws = Workspace::new();
    let mut text = String::from("name: big\nrequests:\n");
    for i in 0..35_000 {
        text.push_str(&format!(
            "  - {{ name: r{i}, url: \"http://127.0.0.1:1/items/{i}\", expect: {{ status: 200 }} }}\n"
        ));
    }
    ws.write("big.yaml", &text);
    ws.run(&["validate", "big.yaml"])
        .assert_code(0)
        .assert_contains("ok big.yaml (35000 requests)");
}

#[test]
fn an_alias_bomb_is_refused() {
    let ws = Workspace::new();
    let mut text = String::from(
        "name: bomb\nvariables:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(", ");
        text.push_str(&format!("  {}: &{} [{refs}]\n", w[1], w[1]));
    }
    text.push_str("requests:\n  - name: r\n    url: http://127.0.0.1:1/\n");
    ws.write("bomb.yaml", &text);
    ws.run(&["validate", "bomb.yaml"])
        .assert_code(2)
        .assert_contains("error: the collection file expands to more than it holds: 250001 values once aliases are expanded")
        .assert_contains("bomb.yaml:")
        .assert_contains("aliases (`*name`) that repeat anchors (`&name`) many times over are refused");
}

#[test]
fn integers_beyond_64_bits_stay_exact() {
    let server = TestServer::start(
        Router::new()
            .route(
                "/first",
                post(|| async {
                    (
                        [("content-type", "application/json")],
                        r#"{"id": 98765432109876543210987654321, "n": 123456789012345678901234567890}"#,
                    )
                }),
            )
            .fallback(post(|| async { Json(json!({"ok": true})) })),
    );
    let ws = Workspace::new();
    ws.write(
        "environments/dev.yaml",
        "variables:\n  big: 123456789012345678901234567890\n",
    );
    ws.write(
        "c.yaml",
        r#"name: big
requests:
  - name: first
    method: POST
    url: "{{ server }}/first"
    body:
      json: { n: "{{ big }}", literal: -99999999999999999999999, text: "n={{ big }}" }
    expect:
      json:
        $.n: "{{ big }}"
        $.id: 98765432109876543210987654321
    capture:
      id: $.id
  - name: second
    method: POST
    url: "{{ server }}/second"
    body:
      json: { id: "{{ id }}", url: "/items/{{ id }}" }
  - name: off by one
    method: POST
    url: "{{ server }}/first"
    expect:
      json:
        $.n: 123456789012345678901234567891
"#,
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["run", "c.yaml", "-e", "dev", "--var", &var]);
    out.assert_code(1)
        .assert_contains("PASS  first")
        .assert_contains("PASS  second")
        .assert_contains("FAIL  off by one")
        .assert_contains(
            "expected 123456789012345678901234567891, got 123456789012345678901234567890",
        );
    let bodies: Vec<String> = server.requests().iter().map(|r| r.text()).collect();
    assert_eq!(
        bodies,
        [
            r#"{"n":123456789012345678901234567890,"literal":-99999999999999999999999,"text":"n=123456789012345678901234567890"}"#,
            r#"{"id":98765432109876543210987654321,"url":"/items/98765432109876543210987654321"}"#,
            "",
        ]
    );
}

/// A server, and a workspace whose one-request run against it wrote `a.json`.
fn workspace_with_a_json_report() -> (TestServer, Workspace) {
    let server = ok_server();
    let ws = Workspace::new();
    ws.write("c.yaml", ONE_REQUEST);
    let var = format!("server={}", server.url());
    ws.run(&["run", "c.yaml", "--var", &var, "--reporter", "json=a.json"])
        .assert_code(0);
    (server, ws)
}
