//! `scripts:` in collections: pre-request and test scripts at three levels run in Postman's
//! order, variables flow between scripts and templates, requests change, tests become
//! named assertions in every report, errors point at the YAML line, limits stop a runaway
//! script, the sandbox holds, secrets stay masked, `pm.sendRequest` and setNextRequest.

use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::{OriginalUri, Path};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{any, get};
use serde_json::{Value, json};

use crate::support::text::{assert_block, lines};
use crate::support::{Output, TestServer, Workspace, xsd};

/// `/user` (id 42, name ann), `/users/{id}`, `/echo/...` (its path and query back as
/// `path`), `/secure` (200 only with `x-sig: sig-abc` and without `x-remove`), `/token`.
fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/user",
                get(|| async { Json(json!({"id": 42, "name": "ann"})) }),
            )
            .route(
                "/users/{id}",
                get(|Path(id): Path<String>| async move { Json(json!({ "id": id })) }),
            )
            .route(
                "/echo/{*rest}",
                any(|OriginalUri(uri): OriginalUri| async move {
                    Json(json!({ "path": uri.to_string() }))
                }),
            )
            .route(
                "/secure",
                get(|headers: HeaderMap| async move {
                    let sig = headers.get("x-sig").and_then(|v| v.to_str().ok());
                    if sig == Some("sig-abc") && !headers.contains_key("x-remove") {
                        (StatusCode::OK, "signed")
                    } else {
                        (StatusCode::UNAUTHORIZED, "unsigned")
                    }
                }),
            )
            .route("/token", get(|| async { Json(json!({"token": "t-123"})) })),
    )
}

/// Runs `c.yaml` with `server` set to the test server, and `extra` arguments.
fn run(ws: &Workspace, server: &TestServer, extra: &[&str]) -> Output {
    let var = format!("server={}", server.url());
    let mut args = vec!["run", "c.yaml", "--var", &var];
    args.extend_from_slice(extra);
    Output::from(
        ws.runner()
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .expect("run runner"),
    )
}

fn uris(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.uri).collect()
}

#[test]
fn scripts_at_three_levels_run_in_postman_order() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: order
scripts:
  pre_request: |
    console.log("collection pre");
    pm.variables.set("trail", "c");
  test: |
    console.log("collection test");
requests:
  - folder: Outer
    scripts:
      pre_request: |
        console.log("folder pre");
        pm.variables.set("trail", pm.variables.get("trail") + "f");
      test: |
        console.log("folder test");
    requests:
      - name: inner
        url: "{{ server }}/echo/{{ trail }}"
        scripts:
          pre_request: |
            console.log("request pre");
            pm.variables.set("trail", pm.variables.get("trail") + "r");
          test: "console.log('request test ' + pm.response.json().path);"
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "  PASS  Outer/inner  GET 200 (N ms)",
            "        console log: collection pre",
            "        console log: folder pre",
            "        console log: request pre",
            "        console log: collection test",
            "        console log: folder test",
            "        console log: request test /echo/cfr",
        ],
    );
    assert_eq!(uris(&server), ["/echo/cfr"]);
    // -q hides console lines with the passing requests.
    let quiet = run(&ws, &server, &["-q"]);
    quiet.assert_code(0).assert_not_contains("console");
}

#[test]
fn a_value_from_a_test_script_goes_into_the_next_request_and_collection() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: chain
requests:
  - name: find user
    url: "{{ server }}/user"
    scripts:
      test: |
        var data = pm.response.json();
        pm.environment.set("user_id", data.id);
        pm.collectionVariables.set("user_name", data.name);
  - name: get user
    url: "{{ server }}/users/{{ user_id }}?name={{ user_name }}"
"#,
    );
    ws.write(
        "next.yaml",
        r#"name: next
requests:
  - name: again
    url: "{{ server }}/echo/{{ user_id }}"
"#,
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["run", "c.yaml", "next.yaml", "--var", &var]);
    out.assert_code(0);
    assert_eq!(uris(&server), ["/user", "/users/42?name=ann", "/echo/42"]);
    // `--var` wins over what a script sets.
    let server = self::server();
    let var = format!("server={}", server.url());
    ws.run(&["run", "c.yaml", "--var", &var, "--var", "user_name=cli"])
        .assert_code(0);
    assert_eq!(uris(&server), ["/user", "/users/42?name=cli"]);
}

#[test]
fn a_pre_request_script_changes_the_headers_the_server_checks() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: signed
variables:
  part: abc
headers:
  X-Remove: "yes"
requests:
  - name: signed
    url: "{{ server }}/secure"
    expect:
      status: 200
    scripts:
      pre_request: |
        pm.request.headers.add({ key: "X-Sig", value: "sig-{{part}}" });
        pm.request.headers.remove("X-Remove");
"#,
    );
    run(&ws, &server, &[]).assert_code(0);
    let sent = &server.requests()[0];
    assert_eq!(sent.header("x-sig").as_deref(), Some("sig-abc"));
    assert_eq!(sent.header("x-remove"), None);
}

#[test]
fn a_pre_request_script_changes_the_url_method_and_body() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: changed
variables:
  part: abc
requests:
  - name: changed
    url: "{{ server }}/user"
    body:
      raw: "as written"
    scripts:
      pre_request: |
        pm.request.url = pm.variables.get("server") + "/echo/{{part}}?q=1";
        pm.request.method = "PUT";
        pm.request.body.raw = "id={{part}}";
      test: |
        pm.test("sent as changed", function () {
          pm.expect(pm.request.method).to.equal("PUT");
          pm.expect(pm.response.json().path).to.equal("/echo/abc?q=1");
        });
"#,
    );
    run(&ws, &server, &[]).assert_code(0);
    let sent = &server.requests()[0];
    assert_eq!(
        (sent.method.as_str(), sent.uri.as_str(), sent.text()),
        ("PUT", "/echo/abc?q=1", "id=abc".to_string())
    );
}

const TESTS: &str = r#"name: tests
requests:
  - name: checks
    url: "{{ server }}/user"
    expect:
      status: { equals: 200, name: "Status code is 200" }
      json:
        $.id: { equals: 7, name: "id is 7" }
    scripts:
      test: |
        pm.test("has a name", () => pm.expect(pm.response.json().name).to.equal("ann"));
        pm.test("is called bob", function () {
          pm.expect(pm.response.json().name).to.equal("bob");
        });
        pm.test.skip("not yet", function () {});
"#;

#[test]
fn passing_failing_and_skipped_tests_in_every_report() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", TESTS);
    let out = run(
        &ws,
        &server,
        &[
            "--reporter",
            "cli",
            "--reporter",
            "json=r.json",
            "--reporter",
            "junit=r.xml",
            "--reporter",
            "html=r.html",
        ],
    );
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  checks  GET 200 (N ms)",
            "        ✓ Status code is 200",
            "        ✗ id is 7 ($.id): expected 7, got 42",
            "          at c.yaml:8:15",
            "        ✓ has a name",
            "        ✗ is called bob: AssertionError: expected 'ann' to equal 'bob'",
            "          at c.yaml:13:49",
            "        ○ not yet (skipped)",
            "",
            "Requests:   0 passed, 1 failed, 0 errors, 0 skipped (1 total)",
            "Assertions: 2 passed, 2 failed, 1 skipped (5 total)",
        ],
    );

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(ws.path().join("r.json")).expect("json"))
            .expect("valid json");
    let asserts = report["iterations"][0]["requests"][0]["assertions"]
        .as_array()
        .expect("assertions")
        .iter()
        .map(|a| {
            (
                a["subject"].as_str().unwrap_or_default().to_string(),
                a["name"].as_str().unwrap_or_default().to_string(),
                a["passed"].as_bool().unwrap_or_default(),
                a["skipped"].as_bool().unwrap_or_default(),
                a["actual"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect::<Vec<_>>();
    let row = |s: &str, n: &str, p: bool, k: bool, a: &str| {
        (s.to_string(), n.to_string(), p, k, a.to_string())
    };
    assert_eq!(
        asserts,
        [
            row("status", "Status code is 200", true, false, "200"),
            row("$.id", "id is 7", false, false, "42"),
            row("test", "has a name", true, false, "passed"),
            row(
                "test",
                "is called bob",
                false,
                false,
                "AssertionError: expected 'ann' to equal 'bob'"
            ),
            row("test", "not yet", false, true, "skipped"),
        ]
    );
    assert_eq!(report["summary"]["assertions_skipped"], 1);

    let xml = std::fs::read_to_string(ws.path().join("r.xml")).expect("junit");
    assert!(
        xml.contains(r#"message="id is 7 ($.id): expected 7, got 42""#),
        "{xml}"
    );
    assert!(
        xml.contains(
            "is called bob: AssertionError: expected &apos;ann&apos; to equal &apos;bob&apos;\n  expected: to pass\n  actual:   AssertionError: expected &apos;ann&apos; to equal &apos;bob&apos;\n  at c.yaml:13:49\n"
        ) || xml.contains(
            "is called bob: AssertionError: expected 'ann' to equal 'bob'\n  expected: to pass\n  actual:   AssertionError: expected 'ann' to equal 'bob'\n  at c.yaml:13:49\n"
        ),
        "{xml}"
    );
    assert!(
        xml.contains(
            "<system-out>[passed] Status code is 200\n[failed] id is 7\n[passed] has a name\n[failed] is called bob\n[skipped] not yet\n"
        ),
        "{xml}"
    );
    xsd::assert_valid_junit(&xml);

    let html = std::fs::read_to_string(ws.path().join("r.html")).expect("html");
    for part in [
        "✓ Status code is 200",
        "✓ has a name",
        "✗ is called bob: AssertionError: expected &#39;ann&#39; to equal &#39;bob&#39;",
        "○ not yet (skipped)",
    ] {
        assert!(html.contains(part), "{part} in the HTML report");
    }

    let github = run(&ws, &server, &["--reporter", "github"]);
    assert!(
        github
            .stdout
            .lines()
            .any(|l| l.starts_with("::error file=c.yaml,line=13,col=49,")
                && l.ends_with("::is called bob: AssertionError: expected 'ann' to equal 'bob'")),
        "{}",
        github.stdout
    );
}

const SYNTAX: &str = r#"name: broken
requests:
  - name: typo
    url: "{{ server }}/user"
    scripts:
      test: |
        pm.test("one", function () {
          pm.expect(1).to.equal(1;
        });
"#;

#[test]
fn a_syntax_error_points_at_its_yaml_line_in_validate_and_in_run() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", SYNTAX);
    let var = format!("server={}", server.url());
    let out = ws.run(&["validate", "c.yaml", "--var", &var]);
    out.assert_code(2);
    assert_eq!(
        lines(&out.stderr)[..5],
        [
            "error: test script: SyntaxError: Unexpected token ';'",
            " --> c.yaml:8:34",
            "  |",
            "8 |           pm.expect(1).to.equal(1;",
            "  |                                  ^",
        ]
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  typo  GET 200 (N ms)",
            "        ✗ test script: SyntaxError: Unexpected token ';'",
            "          at c.yaml:8:34",
        ],
    );
}

#[test]
fn an_exception_fails_its_request_at_its_line_and_the_run_goes_on() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: throws
requests:
  - name: throws
    url: "{{ server }}/user"
    scripts:
      test: |
        var body = pm.response.json();
        var n = body.missing.field;
  - name: before
    url: "{{ server }}/user"
    scripts:
      pre_request: |
        throw new Error("no token yet");
  - name: after
    url: "{{ server }}/user"
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  throws  GET 200 (N ms)",
            "        ✗ test script: TypeError: cannot read property 'field' of undefined",
            "          at c.yaml:8:17",
            "  FAIL  before",
            "        ✗ pre-request script: Error: no token yet",
            "          at c.yaml:13:19",
            "  PASS  after  GET 200 (N ms)",
        ],
    );
    // A request whose pre-request script failed is not sent.
    assert_eq!(uris(&server), ["/user", "/user"]);
}

#[test]
fn an_endless_loop_and_a_memory_hog_fail_their_request_and_the_run_goes_on() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: limits
requests:
  - name: loop
    url: "{{ server }}/user"
    scripts:
      pre_request: |
        while (true) {}
  - name: hog
    url: "{{ server }}/user"
    scripts:
      test: |
        var all = [];
        while (true) all.push(new Array(100000).fill("x"));
  - name: after
    url: "{{ server }}/user"
    scripts:
      test: pm.test("still runs", function () {});
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  loop",
            "        ✗ pre-request script: the script ran longer than 5s and was stopped",
            "          at c.yaml:7:9",
            "  FAIL  hog  GET 200 (N ms)",
            "        ✗ test script: the script used more than 64 MiB of memory and was stopped",
            "          at c.yaml:12:9",
            "  PASS  after  GET 200 (N ms)",
            "        ✓ still runs",
        ],
    );
}

#[test]
fn a_script_can_read_no_file_and_no_process_environment() {
    let server = server();
    let ws = Workspace::new();
    ws.write("secret.txt", "file contents");
    ws.write(
        "c.yaml",
        r#"name: sandbox
requests:
  - name: file
    url: "{{ server }}/user"
    scripts:
      test: |
        var fs = require("fs");
        console.log(fs.readFileSync("secret.txt", "utf8"));
  - name: environment
    url: "{{ server }}/user"
    scripts:
      test: console.log(process.env.SANDBOX_PROBE);
"#,
    );
    let out = Output::from(
        ws.runner()
            .args([
                "run",
                "c.yaml",
                "--var",
                &format!("server={}", server.url()),
            ])
            .env("SANDBOX_PROBE", "from-the-process")
            .output()
            .expect("run"),
    );
    out.assert_code(1)
        .assert_not_contains("file contents")
        .assert_not_contains("from-the-process");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  file  GET 200 (N ms)",
            "        ✗ test script: Error: require('fs') is not available in runner's sandbox",
            "          at c.yaml:7:17",
            "  FAIL  environment  GET 200 (N ms)",
            "        ✗ test script: ReferenceError: process is not defined",
            "          at c.yaml:12:25",
        ],
    );
}

#[test]
fn a_secret_a_script_sets_is_masked_in_every_output() {
    const KEY: &str = "k-9f8e7d6c5b";
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        &format!(
            r#"name: masked
secrets: [api_key]
requests:
  - name: login
    url: "{{{{ server }}}}/echo/login"
    scripts:
      test: |
        pm.environment.set("api_key", "{KEY}");
        console.log("key=" + pm.environment.get("api_key"));
  - name: use
    url: "{{{{ server }}}}/echo/use?key={{{{ api_key }}}}"
    expect:
      json:
        $.path: "/nothing"
    scripts:
      test: |
        console.log(pm.response.text());
        pm.test("echoes " + pm.variables.get("api_key"), function () {{
          pm.expect(pm.response.json().path).to.equal("/");
        }});
"#
        ),
    );
    let out = run(
        &ws,
        &server,
        &[
            "-v",
            "--reporter",
            "cli",
            "--reporter",
            "json=r.json",
            "--reporter",
            "junit=r.xml",
            "--reporter",
            "html=r.html",
        ],
    );
    out.assert_code(1)
        .assert_contains("console log: key=*****")
        .assert_contains("console log: {\"path\":\"/echo/use?key=*****\"}")
        .assert_not_contains(KEY);
    for file in ["r.json", "r.xml", "r.html"] {
        let text = std::fs::read_to_string(ws.path().join(file)).expect("report");
        assert!(!text.contains(KEY), "{file} shows the secret:\n{text}");
        assert!(text.contains("*****"), "{file} masks it");
    }
    // The request did carry the value.
    assert_eq!(uris(&server)[1], format!("/echo/use?key={KEY}"));
}

#[test]
fn pm_send_request_uses_the_runs_client_and_its_value_goes_on() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: send
requests:
  - name: with token
    url: "{{ server }}/users/{{ token }}"
    scripts:
      pre_request: |
        pm.sendRequest(pm.variables.get("server") + "/token", function (err, res) {
          pm.environment.set("token", res.json().token);
        });
      test: |
        pm.sendRequest({ url: pm.variables.get("server") + "/echo/x", method: "GET" }, function (err, res) {
          pm.test("second call", function () {
            pm.expect(res.code).to.equal(200);
            pm.expect(res.json().path).to.equal("/echo/x");
          });
        });
  - name: refused
    url: "{{ server }}/user"
    scripts:
      test: |
        pm.sendRequest("http://127.0.0.1:9/", function (err, res) {
          pm.test("an error reaches the callback", function () {
            pm.expect(err).to.not.equal(null);
            pm.expect(res == null).to.equal(true);
          });
        });
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "  PASS  with token  GET 200 (N ms)",
            "        ✓ second call",
            "  PASS  refused  GET 200 (N ms)",
            "        ✓ an error reaches the callback",
        ],
    );
    assert_eq!(
        uris(&server),
        ["/token", "/users/t-123", "/echo/x", "/user"]
    );
}

#[test]
fn set_next_request_jumps_loops_and_stops() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: flow
requests:
  - name: start
    url: "{{ server }}/echo/start"
    scripts:
      test: pm.execution.setNextRequest("poll");
  - name: skipped over
    url: "{{ server }}/echo/never"
  - name: poll
    url: "{{ server }}/echo/poll"
    scripts:
      test: |
        var n = (pm.environment.get("n") || 0) + 1;
        pm.environment.set("n", n);
        if (n < 3) postman.setNextRequest("poll");
  - name: last
    url: "{{ server }}/echo/last"
    scripts:
      pre_request: |
        if (pm.environment.get("n") === 3) pm.execution.skipRequest();
      test: pm.execution.setNextRequest(null);
  - name: unknown
    url: "{{ server }}/echo/unknown"
    scripts:
      test: pm.execution.setNextRequest("nope");
  - name: after unknown
    url: "{{ server }}/echo/after"
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(1);
    assert_eq!(
        uris(&server),
        [
            "/echo/start",
            "/echo/poll",
            "/echo/poll",
            "/echo/poll",
            "/echo/unknown"
        ]
    );
    assert_block(
        &out.stdout,
        &[
            "  PASS  start  GET 200 (N ms)",
            "  PASS  poll  GET 200 (N ms)",
            "  PASS  poll  GET 200 (N ms)",
            "  PASS  poll  GET 200 (N ms)",
            "  SKIP  last  pm.execution.skipRequest()",
            "  FAIL  unknown  GET 200 (N ms)",
            "        ✗ setNextRequest: no request named `nope` in this run of the collection",
            "          at c.yaml:22:11",
            "",
        ],
    );
}

#[test]
fn scripts_keys_and_assertion_names_are_checked() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: bad
requests:
  - name: one
    url: http://127.0.0.1:9/
    scripts:
      pre_requets: console.log(1);
"#,
    );
    ws.run(&["validate", "c.yaml"])
        .assert_code(2)
        .assert_contains("c.yaml:6:7")
        .assert_contains("`pre_request`");
    ws.write(
        "c.yaml",
        r#"name: bad
requests:
  - name: one
    url: http://127.0.0.1:9/
    expect:
      status: { equals: 200, name: [not, text] }
"#,
    );
    ws.run(&["validate", "c.yaml"])
        .assert_code(2)
        .assert_contains(
            "error: status: `name` needs the assertion's name as text, found [\"not\",\"text\"]",
        )
        .assert_contains("c.yaml:6:36");
}

#[test]
fn a_collection_variable_set_by_a_script_counts_as_defined() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: defined
requests:
  - name: one
    url: "http://127.0.0.1:9/{{ session }}/{{ other }}"
    scripts:
      pre_request: |
        pm.collectionVariables.set('session', 'abc');
"#,
    );
    let out = ws.run(&["validate", "c.yaml"]);
    out.assert_code(2)
        .assert_contains("`other`")
        .assert_not_contains("`session`");
}

#[test]
fn a_data_row_value_hides_no_environment_value_from_scripts() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: scopes
variables:
  shared: from-collection
requests:
  - name: read
    url: "{{ server }}/echo/{{ shared }}"
    scripts:
      test: |
        console.log(pm.environment.get("shared"), pm.iterationData.get("shared"),
          pm.variables.get("shared"), pm.collectionVariables.get("shared"));
"#,
    );
    ws.write("e.yaml", "variables:\n  shared: from-environment\n");
    ws.write("rows.json", r#"[{"shared": "from-data"}]"#);
    let out = run(&ws, &server, &["-e", "e.yaml", "-d", "rows.json"]);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "  PASS  read  GET 200 (N ms)",
            "        console log: from-environment from-data from-data from-collection",
        ],
    );
    assert_eq!(uris(&server), ["/echo/from-data"]);
}

/// Counts runs in each scope and captures a value, as a Postman collection keeps state.
const ACROSS: &str = r#"name: across
requests:
  - name: count
    url: "{{ server }}/echo/{{ iteration }}?runs={{ runs | default(0) }}"
    capture:
      seen: $.path
    scripts:
      pre_request: console.log("seen", pm.environment.get("seen"));
      test: |
        pm.environment.set("runs", (pm.environment.get("runs") || 0) + 1);
        pm.globals.set("g", (pm.globals.get("g") || 0) + 1);
        pm.collectionVariables.set("c", (pm.collectionVariables.get("c") || 0) + 1);
        console.log(pm.info.iteration, pm.environment.get("runs"), pm.globals.get("g"),
          pm.collectionVariables.get("c"));
"#;

fn console_lines(out: &Output) -> Vec<&str> {
    out.stdout
        .lines()
        .filter_map(|l| l.trim().strip_prefix("console log: "))
        .collect()
}

#[test]
fn a_sequential_run_carries_values_to_the_next_iteration() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", ACROSS);
    let out = run(&ws, &server, &["-n", "3"]);
    out.assert_code(0);
    assert_eq!(
        console_lines(&out),
        [
            "seen undefined",
            "0 1 1 1",
            "seen /echo/0?runs=0",
            "1 2 2 2",
            "seen /echo/1?runs=1",
            "2 3 3 3"
        ]
    );
    assert_eq!(
        uris(&server),
        ["/echo/0?runs=0", "/echo/1?runs=1", "/echo/2?runs=2"]
    );
}

#[test]
fn parallel_iterations_stay_independent() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", ACROSS);
    let out = run(&ws, &server, &["-n", "3", "--parallel", "2"]);
    out.assert_code(0);
    assert_eq!(
        console_lines(&out),
        [
            "seen undefined",
            "0 1 1 1",
            "seen undefined",
            "1 1 1 1",
            "seen undefined",
            "2 1 1 1"
        ]
    );
    let mut sent = uris(&server);
    sent.sort();
    assert_eq!(sent, ["/echo/0?runs=0", "/echo/1?runs=0", "/echo/2?runs=0"]);
}

#[test]
fn sandbox_libraries_without_newman() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: libraries
requests:
  - name: libs
    url: "{{ server }}/user"
    scripts:
      test: |
        var xml = '<s:Env xmlns:s="u"><s:Body><Item id="1">a &amp; b</Item><Item id="2"/></s:Body></s:Env>';
        console.log(JSON.stringify(xml2Json(xml)));
        require("xml2js").parseString(xml, { tagNameProcessors: [require("xml2js").processors.stripPrefix] },
          function (err, r) { console.log(err, JSON.stringify(r.Env.Body[0].Item)); });
        console.log(xml2Json("not xml"), _.get(pm.response.json(), "name"), require("lodash").VERSION);
        console.log(responseBody.has("ann"), responseBody.has(/bob/), require("uuid").v4().length);
        console.log(pm.variables.replaceIn("{{$guid}}").length, pm.variables.replaceIn("{{$nope}}"));
"#,
    );
    let out = run(&ws, &server, &[]);
    out.assert_code(0);
    assert_eq!(
        console_lines(&out),
        [
            r#"{"s:Env":{"$":{"xmlns:s":"u"},"s:Body":{"Item":[{"_":"a & b","$":{"id":"1"}},{"$":{"id":"2"}}]}}}"#,
            r#"null [{"_":"a & b","$":{"id":"1"}},{"$":{"id":"2"}}]"#,
            "undefined ann 4.17.21",
            "true false 36",
            "36 {{$nope}}",
        ]
    );
}
