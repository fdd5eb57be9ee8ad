//! Variables and templates: precedence, env.*, environments, functions, filters, captures.

use axum::Json;
use axum::Router;
use axum::http::header;
use axum::routing::{get, post};
use serde_json::json;

use crate::support::text::{assert_block, assert_line, lines};
use crate::support::{TestServer, Workspace};

/// A server that answers `{"ok": true}` to anything not routed.
fn ok_server(router: Router) -> TestServer {
    TestServer::start(router.fallback(|| async { Json(json!({"ok": true})) }))
}

fn uris(server: &TestServer) -> Vec<String> {
    server.requests().into_iter().map(|r| r.uri).collect()
}

#[test]
fn precedence_is_var_then_capture_then_environment_then_collection() {
    let server = ok_server(Router::new().route(
        "/values",
        get(|| async { Json(json!({"c": "captured", "d": "captured"})) }),
    ));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: precedence
variables:
  a: collection
  b: collection
  c: collection
  d: collection
requests:
  - name: capture
    url: "{{ server }}/values"
    query: { a: "{{ a }}", b: "{{ b }}", c: "{{ c }}", d: "{{ d }}" }
    capture:
      c: $.c
      d: $.d
  - name: show
    url: "{{ server }}/show"
    query: { a: "{{ a }}", b: "{{ b }}", c: "{{ c }}", d: "{{ d }}" }
"#,
    );
    ws.write(
        "environments/dev.yaml",
        "variables:\n  b: environment\n  c: environment\n  d: environment\n",
    );
    let server_var = format!("server={}", server.url());
    let out = ws.run(&[
        "run",
        "c.yaml",
        "-e",
        "dev",
        "--var",
        &server_var,
        "--var",
        "d=cli",
    ]);
    out.assert_code(0);
    assert_eq!(
        uris(&server),
        vec![
            "/values?a=collection&b=environment&c=environment&d=cli",
            "/show?a=collection&b=environment&c=captured&d=cli",
        ]
    );
}

#[test]
fn env_reads_the_process_environment_then_dotenv_files() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: env
requests:
  - name: env
    url: "{{ env.RUNNER_T_URL }}/env"
    query:
      proc: "{{ env.RUNNER_T_PROC }}"
      dot: "{{ env.RUNNER_T_DOT }}"
      both: "{{ env.RUNNER_T_BOTH }}"
      only_dot_file: "{{ env.RUNNER_T_ONLY_DOT is defined }}"
"#,
    );
    ws.write(
        ".env",
        &format!(
            "RUNNER_T_URL={}\nRUNNER_T_DOT=from-dotenv\nRUNNER_T_BOTH=from-dotenv\nRUNNER_T_ONLY_DOT=yes\n",
            server.url()
        ),
    );
    ws.write(
        "other.env",
        &format!(
            "RUNNER_T_URL={}\nRUNNER_T_DOT=from-other\nRUNNER_T_BOTH=from-other\n",
            server.url()
        ),
    );

    // ./.env by default; a real environment variable wins over the file.
    let out = ws
        .runner()
        .env("RUNNER_T_PROC", "from-process")
        .env("RUNNER_T_BOTH", "from-process")
        .env_remove("RUNNER_T_DOT")
        .env_remove("RUNNER_T_ONLY_DOT")
        .args(["run", "c.yaml"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // --env-file replaces ./.env.
    let out = ws
        .runner()
        .env("RUNNER_T_PROC", "p")
        .env_remove("RUNNER_T_BOTH")
        .env_remove("RUNNER_T_DOT")
        .env_remove("RUNNER_T_ONLY_DOT")
        .args(["run", "c.yaml", "--env-file", "other.env"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    assert_eq!(
        uris(&server),
        vec![
            "/env?proc=from-process&dot=from-dotenv&both=from-process&only_dot_file=true",
            "/env?proc=p&dot=from-other&both=from-other&only_dot_file=false",
        ]
    );

    // A variable missing from both is invalid input naming it; nothing is sent.
    let out = ws
        .runner()
        .env_remove("RUNNER_T_PROC")
        .args(["run", "c.yaml"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("undefined variable `env.RUNNER_T_PROC` in request `env`"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "help: set the environment variable RUNNER_T_PROC, or add it to the .env file"
        ),
        "{stderr}"
    );
    assert_eq!(server.hits(), 2);
}

#[test]
fn variables_refer_to_each_other_across_files_in_any_order() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: refs
variables:
  api: "{{ root }}/v1"
  root: /api
  items: "{{ base }}{{ api }}/items"
  region: eu
  label: "{{ region }}-{{ tier }}"
requests:
  - name: items
    url: "{{ items }}"
    query: { label: "{{ label }}", greeting: "{{ greeting }}" }
"#,
    );
    ws.write(
        "environments/dev.yaml",
        r#"variables:
  base: "{{ server }}"
  tier: gold
  region: us
  greeting: "hi-{{ root }}"
"#,
    );
    let server_var = format!("server={}", server.url());
    let out = ws.run(&["run", "c.yaml", "-e", "dev", "--var", &server_var]);
    out.assert_code(0);
    // The collection's `label` sees the environment's `region`, as every template does.
    assert_eq!(
        uris(&server),
        vec!["/api/v1/items?label=us-gold&greeting=hi-%2Fapi"]
    );
}

#[test]
fn a_var_overrides_a_file_definition_that_could_not_render() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: r\n    url: \"{{ base }}/r\"\n",
    );
    ws.write(
        "environments/prod.yaml",
        "variables:\n  base: \"{{ env.RUNNER_T_NEVER_SET }}\"\n",
    );
    // Without the --var, the environment's definition is an error naming the variable.
    let out = ws
        .runner()
        .env_remove("RUNNER_T_NEVER_SET")
        .args(["run", "c.yaml", "-e", "prod"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: variable `base`: undefined variable `env.RUNNER_T_NEVER_SET`"),
        "{stderr}"
    );
    let base = format!("base={}", server.url());
    let out = ws
        .runner()
        .env_remove("RUNNER_T_NEVER_SET")
        .args(["run", "c.yaml", "-e", "prod", "--var", &base])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(uris(&server), vec!["/r"]);
}

#[test]
fn environments_are_found_in_the_working_directory_then_beside_the_collection() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "suite/collections/c.yaml",
        "name: c\nrequests:\n  - name: r\n    url: \"{{ server }}/env\"\n    query: { from: \"{{ from }}\" }\n",
    );
    ws.write("environments/dev.yaml", "variables:\n  from: working-dir\n");
    ws.write(
        "suite/environments/dev.yaml",
        "variables:\n  from: beside-dev\n",
    );
    ws.write(
        "suite/environments/stage.yaml",
        "variables:\n  from: beside-stage\n",
    );
    let server_var = format!("server={}", server.url());
    let run = |env: &str| {
        ws.run(&[
            "run",
            "suite/collections/c.yaml",
            "-e",
            env,
            "--var",
            &server_var,
        ])
    };

    run("dev").assert_code(0);
    run("stage").assert_code(0);
    run("suite/environments/dev.yaml").assert_code(0);
    assert_eq!(
        uris(&server),
        vec![
            "/env?from=working-dir",
            "/env?from=beside-stage",
            "/env?from=beside-dev"
        ]
    );

    let out = run("stagg");
    out.assert_code(2)
        .assert_contains("error: environment `stagg` not found")
        .assert_contains("did you mean `stage`?");
    assert_eq!(
        server.hits(),
        3,
        "nothing is sent with an unknown environment"
    );
}

#[test]
fn functions_and_filters() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: functions
requests:
  - name: f
    url: "{{ server }}/f"
    headers:
      X-Uuid: "{{ uuid() }}"
      X-Uuid-2: "{{ uuid() }}"
      X-Now: "{{ now() }}"
      X-Timestamp: "{{ timestamp() }}"
      X-Random: "{% for i in range(30) %}{{ random_int(3, 5) }} {% endfor %}"
      X-Fixed: "{{ random_int(7, 7) }}"
      X-Base64: "{{ 'user:pass' | base64 }}"
      X-Urlencode: "{{ 'a b&c=d?e/f+g' | urlencode }}"
"#,
    );
    let before = chrono::Utc::now();
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    let after = chrono::Utc::now();
    out.assert_code(0);
    let req = &server.requests()[0];
    let h = |n: &str| req.header(n).unwrap_or_else(|| panic!("header {n}"));

    let uuid =
        regex::Regex::new(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
            .expect("regex");
    assert!(uuid.is_match(&h("x-uuid")), "{}", h("x-uuid"));
    assert!(uuid.is_match(&h("x-uuid-2")), "{}", h("x-uuid-2"));
    assert_ne!(h("x-uuid"), h("x-uuid-2"), "each call is a new uuid");

    let now = chrono::DateTime::parse_from_rfc3339(&h("x-now")).expect("now() is RFC 3339");
    assert!(h("x-now").ends_with('Z'), "{}", h("x-now"));
    let now = now.with_timezone(&chrono::Utc);
    assert!(
        before - chrono::Duration::milliseconds(1) <= now && now <= after,
        "{now}"
    );

    let ts: i64 = h("x-timestamp").parse().expect("timestamp() is an integer");
    assert!(before.timestamp() <= ts && ts <= after.timestamp(), "{ts}");

    let randoms: Vec<i64> = h("x-random")
        .split_whitespace()
        .map(|n| n.parse().expect("integer"))
        .collect();
    assert_eq!(randoms.len(), 30);
    assert!(randoms.iter().all(|n| (3..=5).contains(n)), "{randoms:?}");
    assert!(randoms.iter().any(|n| *n != randoms[0]), "{randoms:?}");
    assert_eq!(h("x-fixed"), "7");

    assert_eq!(h("x-base64"), "dXNlcjpwYXNz");
    assert_eq!(h("x-urlencode"), "a%20b%26c%3Dd%3Fe/f%2Bg");
}

#[test]
fn captured_values_are_data_and_never_rendered_again() {
    let server = ok_server(
        Router::new()
            .route(
                "/profile",
                get(|| async {
                    (
                        [("x-template", "{{ 7 * 7 }}")],
                        r#"{"name":"{{ 7 * 7 }}","note":"x {% if true %}y{% endif %}"}"#,
                    )
                }),
            )
            .route(
                "/submit",
                post(|| async { Json(json!({"echo": "{{ 7 * 7 }}"})) }),
            ),
    );
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: data
requests:
  - name: profile
    url: "{{ server }}/profile"
    capture:
      name: $.name
      from_header: { header: X-Template }
      note: { regex: '"note":"([^"]*)"' }
  - name: submit
    method: POST
    url: "{{ server }}/submit"
    query: { q: "{{ name }}" }
    headers: { X-Name: "{{ from_header }}" }
    body:
      raw: "{{ name }}|{{ note }}"
    expect:
      json:
        $.echo: "{{ name }}"
"#,
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(0);
    let submit = &server.requests()[1];
    assert_eq!(submit.uri, "/submit?q=%7B%7B+7+*+7+%7D%7D");
    assert_eq!(submit.header("x-name").as_deref(), Some("{{ 7 * 7 }}"));
    assert_eq!(submit.text(), "{{ 7 * 7 }}|x {% if true %}y{% endif %}");
}

#[test]
fn a_json_leaf_that_is_one_expression_keeps_its_type() {
    let server = ok_server(Router::new().route(
        "/source",
        get(|| async { Json(json!({"n": 7, "obj": {"k": [true, null]}, "s": "42"})) }),
    ));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: types
variables:
  n: 5
  ratio: 0.5
  flag: true
  nothing: null
  obj: { a: [1, 2] }
  list: [1, "x"]
  text: hello
requests:
  - name: source
    url: "{{ server }}/source"
    capture:
      cn: $.n
      cobj: $.obj
      cs: $.s
  - name: send
    method: POST
    url: "{{ server }}/send"
    body:
      json:
        n: "{{ n }}"
        ratio: "{{ ratio }}"
        flag: "{{ flag }}"
        nothing: "{{ nothing }}"
        obj: "{{ obj }}"
        list: "{{ list }}"
        text: "{{ text }}"
        sum: "{{ n + 1 }}"
        s: "id={{ n }}"
        captured: ["{{ cn }}", "{{ cobj }}", "{{ cs }}"]
        nested: { deep: "{{ flag }}", literal: 3 }
"#,
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(0);
    let send = &server.requests()[1];
    assert_eq!(
        send.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        send.text(),
        r#"{"n":5,"ratio":0.5,"flag":true,"nothing":null,"obj":{"a":[1,2]},"list":[1,"x"],"text":"hello","sum":6,"s":"id=5","captured":[7,{"k":[true,null]},"42"],"nested":{"deep":true,"literal":3}}"#
    );
}

#[test]
fn captures_by_jsonpath_header_and_regex_flow_into_later_requests() {
    let server = ok_server(
        Router::new()
            .route(
                "/login",
                post(|| async {
                    (
                        [(header::ETAG, "\"v7\"")],
                        Json(json!({"token": "tok-1", "user": {"id": 42}, "cookie": "sid=abc123; Path=/"})),
                    )
                }),
            )
            .route("/users/42", post(|| async { Json(json!({"id": 42, "etag": "\"v7\""})) })),
    );
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: captures
requests:
  - name: login
    method: POST
    url: "{{ server }}/login"
    capture:
      token: $.token
      user_id: $.user.id
      etag: { header: etag }
      sid: { regex: "sid=(\\w+)" }
  - name: update
    method: POST
    url: "{{ server }}/users/{{ user_id }}"
    headers:
      Authorization: "Bearer {{ token }}"
      If-Match: "{{ etag }}"
    body:
      json: { session: "{{ sid }}", user: "{{ user_id }}" }
    expect:
      json:
        $.id: "{{ user_id }}"
        $.etag: "{{ etag }}"
  - name: compare with a capture
    method: POST
    url: "{{ server }}/users/{{ user_id }}"
    expect:
      json:
        $.id: { gt: "{{ user_id }}" }
"#,
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  update  POST 200 (N ms)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  compare with a capture  POST 200 (N ms)",
            "        ✗ $.id: expected > 42, got 42",
        ],
    );
    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    let update = &reqs[1];
    assert_eq!(update.uri, "/users/42");
    assert_eq!(
        update.header("authorization").as_deref(),
        Some("Bearer tok-1")
    );
    assert_eq!(update.header("if-match").as_deref(), Some("\"v7\""));
    assert_eq!(update.text(), r#"{"session":"abc123","user":42}"#);
}

#[test]
fn variables_reading_captured_values_follow_the_captures() {
    let server = ok_server(Router::new().route(
        "/login",
        post(|| async { Json(json!({"token": "tok-1", "id": 42})) }),
    ));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: derived
variables:
  item_id: 0
  item_url: "{{ server }}/items/{{ item_id }}"
  auth_header: "Bearer {{ token }}"
requests:
  - name: before
    url: "{{ item_url }}"
  - name: too early
    url: "{{ server }}/early"
    headers: { Authorization: "{{ auth_header }}" }
  - name: login
    method: POST
    url: "{{ server }}/login"
    capture: { token: $.token, item_id: $.id }
  - name: after
    url: "{{ item_url }}"
    headers: { Authorization: "{{ auth_header }}" }
"#,
    );
    ws.write(
        "next.yaml",
        "name: next\nvariables:\n  me: \"{{ server }}/users/{{ item_id }}\"\nrequests:\n  - name: me\n    url: \"{{ me }}\"\n",
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "next.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  PASS  before  GET 200 (N ms)",
            "  NOT SENT too early  needs token, which request \"login\" captures only later",
            "  PASS  login  POST 200 (N ms)",
        ],
    );
    assert_eq!(
        uris(&server),
        vec!["/items/0", "/login", "/items/42", "/users/42"]
    );
    assert_eq!(
        server.requests()[2].header("authorization").as_deref(),
        Some("Bearer tok-1")
    );
}

#[test]
fn a_secret_variable_made_from_a_captured_value_is_masked() {
    let server = ok_server(
        Router::new()
            .route(
                "/login",
                post(|| async { Json(json!({"token": "tok-7f3a"})) }),
            )
            .route(
                "/echo",
                get(|headers: axum::http::HeaderMap| async move {
                    let key = headers
                        .get("x-api-key")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_string();
                    Json(json!({ "key": key }))
                }),
            ),
    );
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: secret
variables:
  api_key: "key-{{ token }}"
secrets: [api_key]
requests:
  - name: login
    method: POST
    url: "{{ server }}/login"
    capture: { token: $.token }
  - name: echo
    url: "{{ server }}/echo"
    headers: { X-Api-Key: "{{ api_key }}" }
    expect:
      json:
        $.key: nothing
"#,
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(1);
    assert_line(
        &out.stdout,
        "        ✗ $.key: expected \"nothing\", got \"*****\"",
    );
    out.assert_not_contains("key-tok-7f3a");
    assert_eq!(
        server.requests()[1].header("x-api-key").as_deref(),
        Some("key-tok-7f3a")
    );
}

#[test]
fn captures_cross_collections_and_collections_run_in_order() {
    let server = ok_server(
        Router::new()
            .route("/login", post(|| async { Json(json!({"token": "tok-9"})) }))
            .route("/me", get(|| async { Json(json!({"name": "ann"})) })),
    );
    let ws = Workspace::new();
    ws.write(
        "a.yaml",
        "name: Login\nrequests:\n  - name: login\n    method: POST\n    url: \"{{ server }}/login\"\n    capture:\n      token: $.token\n",
    );
    ws.write(
        "b.yaml",
        "name: Profile\nauth:\n  bearer: \"{{ token }}\"\nrequests:\n  - name: me\n    url: \"{{ server }}/me\"\n    expect:\n      json:\n        $.name: ann\n",
    );
    ws.write(
        "c.yaml",
        "name: Last\nrequests:\n  - name: last\n    url: \"{{ server }}/last\"\n",
    );
    let out = ws.run(&[
        "run",
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(0);
    assert_eq!(uris(&server), vec!["/login", "/me", "/last"]);
    assert_eq!(
        server.requests()[1].header("authorization").as_deref(),
        Some("Bearer tok-9")
    );
    let all = lines(&out.stdout);
    let pos = |l: &str| {
        all.iter()
            .position(|x| x == l)
            .unwrap_or_else(|| panic!("{l:?} in {all:#?}"))
    };
    assert!(pos("Login (a.yaml)") < pos("  PASS  login  POST 200 (N ms)"));
    assert!(pos("  PASS  login  POST 200 (N ms)") < pos("Profile (b.yaml)"));
    assert!(pos("Profile (b.yaml)") < pos("  PASS  me  GET 200 (N ms)"));
    assert!(pos("  PASS  me  GET 200 (N ms)") < pos("Last (c.yaml)"));
    assert_line(
        &out.stdout,
        "Requests:   3 passed, 0 failed, 0 errors, 0 skipped (3 total)",
    );
}

#[test]
fn a_request_needing_a_capture_that_did_not_happen_is_not_sent_alone() {
    let server =
        ok_server(Router::new().route("/first", get(|| async { Json(json!({"other": 1})) })));
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: missing
requests:
  - name: first
    url: "{{ server }}/first"
    capture:
      item_id: $.id
  - name: in the url
    url: "{{ server }}/items/{{ item_id }}"
  - name: in a json body
    method: POST
    url: "{{ server }}/items"
    body:
      json: { id: "{{ item_id }}" }
  - name: independent
    url: "{{ server }}/independent"
"#,
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  first  GET 200 (N ms)",
            "        ✗ capture `item_id`: $.id matched nothing",
            "          at c.yaml:6:16",
            "  NOT SENT in the url  needs item_id, which request \"first\" did not capture",
            "  NOT SENT in a json body  needs item_id, which request \"first\" did not capture",
            "  PASS  independent  GET 200 (N ms)",
        ],
    );
    assert_line(
        &out.stdout,
        "Requests:   1 passed, 1 failed, 0 errors, 0 skipped, 2 not sent (4 total)",
    );
    assert_eq!(uris(&server), vec!["/first", "/independent"]);
}

#[test]
fn a_json_leaf_reading_a_missing_environment_variable_is_invalid_input() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: post\n    method: POST\n    url: \"{{ server }}/p\"\n    body:\n      json: { secret: \"{{ env.RUNNER_T_MISSING_SECRET }}\" }\n",
    );
    let out = ws
        .runner()
        .env_remove("RUNNER_T_MISSING_SECRET")
        .args([
            "run",
            "c.yaml",
            "--var",
            &format!("server={}", server.url()),
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("error: undefined variable `env.RUNNER_T_MISSING_SECRET` in request `post`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("set the environment variable RUNNER_T_MISSING_SECRET"),
        "{stderr}"
    );
    assert_eq!(
        server.hits(),
        0,
        "null is never sent in place of a missing value"
    );
}

#[test]
fn an_undefined_variable_is_invalid_input_before_anything_is_sent() {
    let server = ok_server(Router::new());
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "name: c\nvariables:\n  base_url: x\nrequests:\n  - name: a\n    url: \"{{ server }}/a\"\n  - name: b\n    method: POST\n    url: \"{{ server }}/b\"\n    body:\n      json: { v: \"{{ base_ur }}\" }\n",
    );
    let out = ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ]);
    out.assert_code(2)
        .assert_contains("undefined variable `base_ur` in request `b`")
        .assert_contains("did you mean `base_url`?");
    assert_eq!(server.hits(), 0);
}
