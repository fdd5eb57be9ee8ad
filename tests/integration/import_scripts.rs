//! `runner import postman` and scripts: idioms translated to `expect:`/`capture:` with their
//! test names, everything else kept whole under `scripts:` at its level, the APIs runner
//! lacks named in the summary, and the imported scripts running; Postman's bytes in URLs and
//! bodies, empty path variables, and `--split`.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;

use crate::support::text::{assert_block, assert_line};
use crate::support::{Output, TestServer, Workspace, repo_root};

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/postman")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A Postman collection with one request whose test script is `script`.
fn one_test_script(script: &str) -> String {
    json!({
        "info": {"name": "One", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{
            "name": "R",
            "request": {"method": "GET", "url": "http://127.0.0.1:9/r"},
            "event": [{"listen": "test", "script": {"exec": script.split('\n').collect::<Vec<_>>()}}]
        }]
    })
    .to_string()
}

/// The YAML of `script` imported as the test script of request `R`, below its URL line.
fn imported(script: &str) -> (Output, String) {
    let ws = Workspace::new();
    ws.write("c.json", &one_test_script(script));
    let out = ws.run(&["import", "postman", "c.json", "-o", "out"]);
    out.assert_code(0);
    let yaml = read(&ws.path().join("out/collections/one.yaml"));
    let validate = ws.run(&["validate", "out/collections/one.yaml"]);
    assert_eq!(validate.code, 0, "{yaml}\n{}", validate.all());
    let head = "name: One\nrequests:\n  - name: R\n    url: http://127.0.0.1:9/r\n";
    let rest = yaml
        .strip_prefix(head)
        .unwrap_or_else(|| panic!("unexpected head:\n{yaml}"));
    (out, rest.to_string())
}

#[test]
fn a_header_is_captured_with_either_api() {
    let (out, yaml) = imported(
        "pm.environment.set(\"session\", pm.response.headers.get(\"X-Session\"));\npostman.setEnvironmentVariable('etag', postman.getResponseHeader('ETag'));\nvar loc = pm.response.headers.get('Location'); pm.globals.set('loc', loc);",
    );
    out.assert_contains("scripts translated to expect/capture: 1, kept as scripts: 0\n");
    assert_eq!(
        yaml,
        "    capture:\n      session:\n        header: X-Session\n      etag:\n        header: ETag\n      loc:\n        header: Location\n"
    );
}

#[test]
fn json_parse_without_var_and_values_through_intermediate_variables() {
    let (_, yaml) = imported(
        "data = JSON.parse(responseBody);\nvar id = data.user.id;\nlet first = data.items[0]\npm.environment.set(\"user_id\", id);\npm.collectionVariables.set(\"first_name\", first.name);",
    );
    assert_eq!(
        yaml,
        "    capture:\n      user_id: \"$.user.id\"\n      first_name: \"$.items[0].name\"\n"
    );
}

#[test]
fn one_line_and_arrow_function_tests_keep_their_names() {
    let (_, yaml) = imported(
        "pm.test(\"Status code is 200\", () => pm.expect(pm.response.code).to.eql(200));\npm.test(\"has id\", function () { pm.expect(pm.response.json()).to.have.property(\"id\"); });\npm.test('typed', () => {\n  const j = pm.response.json();\n  pm.expect(j.tags).to.be.an('array');\n  pm.expect(j.count).to.be.above(2);\n});\ntests[\"Body mentions Ann\"] = responseBody.has(\"Ann\");",
    );
    assert_eq!(
        yaml,
        "    expect:
      status:
        equals: 200
        name: Status code is 200
      json:
        \"$.id\":
          exists: true
          name: has id
        \"$.tags\":
          type: array
          name: typed
        \"$.count\":
          gt: 2
          name: typed
      body:
        contains: Ann
        name: Body mentions Ann
"
    );
}

#[test]
fn members_that_are_not_identifiers_use_bracket_notation() {
    let (_, yaml) = imported(
        "var echoed = pm.response.json();\npm.expect(echoed.headers[\"x-signature\"]).to.eql(\"abc\");\npm.expect(echoed).to.have.property('content-type');\npm.environment.set(\"q\", echoed.args[\"it's\"]);",
    );
    assert_eq!(
        yaml,
        "    expect:
      json:
        \"$.headers['x-signature']\": abc
        \"$['content-type']\":
          exists: true
    capture:
      q: \"$.args['it\\\\'s']\"
"
    );
}

#[test]
fn a_script_with_one_untranslatable_line_is_kept_whole() {
    let (out, yaml) = imported(
        "pm.test(\"Status code is 200\", function () {\r\n    pm.response.to.have.status(200);\r\n});\r\nconsole.log(pm.response.text());   \r\nvar count = pm.response.json().items.length;\r\npm.environment.set(\"count\", count);",
    );
    out.assert_contains("scripts translated to expect/capture: 0, kept as scripts: 1\n");
    // Nothing is half translated: no expect:, no capture:; no CR and no trailing spaces.
    assert_eq!(
        yaml,
        "    scripts:
      test: |
        pm.test(\"Status code is 200\", function () {
            pm.response.to.have.status(200);
        });
        console.log(pm.response.text());
        var count = pm.response.json().items.length;
        pm.environment.set(\"count\", count);
"
    );
}

#[test]
fn collection_folder_and_request_scripts_land_at_their_level() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("scripts.postman_collection.json"),
        "-o",
        "out",
    ]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "wrote out/collections/scripts.yaml
requests imported: 4, folders: 1, scripts translated to expect/capture: 2, kept as scripts: 7
scripts using APIs runner lacks: require('cheerio') \u{d7}2, pm.vault \u{d7}1 (2 scripts, kept as written: each fails where it calls one)
renamed variables (not valid template names): api-token -> api_token
variables used but defined nowhere, declared empty in `variables:`: base_url, other
"
    );
    assert_eq!(
        read(&ws.path().join("out/collections/scripts.yaml")),
        read(Path::new(&fixture("scripts.expected.yaml")))
    );
    ws.run(&["validate", "out/collections/scripts.yaml"])
        .assert_code(0);
}

fn scripts_server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/login",
                post(|| async { ([("X-Session", "s-1"), ("ETag", "\"e1\"")], "ok") }),
            )
            .route(
                "/me",
                get(|h: HeaderMap| async move {
                    if h.get("x-session").and_then(|v| v.to_str().ok()) != Some("s-1") {
                        return StatusCode::UNAUTHORIZED.into_response();
                    }
                    axum::Json(json!({"user": {"id": "u7"}, "headers": {"x-signature": "abc"}}))
                        .into_response()
                }),
            )
            .route(
                "/users/u7/token",
                get(|h: HeaderMap| async move {
                    if h.get("x-trace").and_then(|v| v.to_str().ok()) != Some("on") {
                        return StatusCode::BAD_REQUEST.into_response();
                    }
                    axum::Json(json!({"token": "t-9"})).into_response()
                }),
            )
            .route("/private", get(|| async { "private" })),
    )
}

#[test]
fn imported_scripts_run_and_chain_values() {
    let ws = Workspace::new();
    ws.run(&[
        "import",
        "postman",
        &fixture("scripts.postman_collection.json"),
        "-o",
        ".",
    ])
    .assert_code(0);
    let server = scripts_server();
    let var = format!("base_url={}", server.url());
    let out = ws.run(&["run", "collections/scripts.yaml", "--var", &var]);
    // Translated captures and checks, kept scripts at three levels, a header added by a
    // pre-request script, a value set by a test script used in the next URL; the last
    // request's pre-request script needs `cheerio` and fails there, unsent.
    assert_block(
        &out.stdout,
        &[
            "  PASS  Profile  GET 200 (N ms)",
            "        ✓ Status code is 200",
            "        ✓ has id",
            "        ✓ signed",
            "        ✓ fast",
            "  PASS  Admin/Token  GET 200 (N ms)",
            "        console log: in admin",
            "        ✓ fast",
            "  FAIL  Admin/Use token",
            "        ✗ pre-request script: Error: require('cheerio') is not available in runner's sandbox",
        ],
    );
    assert_line(&out.stdout, "  PASS  Login  POST 200 (N ms)");
    out.assert_code(1);
    let uris: Vec<String> = server.requests().iter().map(|r| r.uri.clone()).collect();
    assert_eq!(uris, vec!["/login", "/me", "/users/u7/token"]);
}

#[test]
fn postmans_bytes_empty_path_variables_and_crlf_bodies() {
    let ws = Workspace::new();
    ws.write(
        "c.json",
        &json!({
            "info": {"name": "Bytes", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [{
                "name": "Send",
                "request": {
                    "method": "POST",
                    "url": {
                        "raw": "{{base_url}}/a b/x%2Fy/:id?domain=%2F&q=a b&r=1+2",
                        "host": ["{{base_url}}"],
                        "path": ["a b", "x%2Fy", ":id"],
                        "query": [
                            {"key": "domain", "value": "%2F"},
                            {"key": "q", "value": "a b"},
                            {"key": "r", "value": "1+2"}
                        ],
                        "variable": [{"key": "id", "value": ""}]
                    },
                    "body": {"mode": "raw", "raw": "line 1\r\nline 2\r\n"}
                }
            }]
        })
        .to_string(),
    );
    let out = ws.run(&["import", "postman", "c.json", "-o", "."]);
    out.assert_code(0);
    out.assert_contains("path variables without a value, left undefined (give them a value with --var or in an environment): id\n");
    assert_eq!(
        read(&ws.path().join("collections/bytes.yaml")),
        "name: Bytes
variables:
  base_url: \"\"
requests:
  - name: Send
    method: POST
    url: \"{{ base_url }}/a b/x%2Fy/{{ id }}?domain=%2F&q=a b&r=1+2\"
    body:
      raw: |
        line 1
        line 2
      content_type: text/plain
"
    );
    // The empty path variable is undefined: validate names it instead of sending `//`.
    let v = ws.run(&["validate", "collections/bytes.yaml"]);
    v.assert_code(2);
    v.assert_contains("undefined variable `id` in request `Send`");
    let server = TestServer::start(Router::new().fallback(|| async { "ok" }));
    let var = format!("base_url={}", server.url());
    ws.run(&[
        "run",
        "collections/bytes.yaml",
        "--var",
        &var,
        "--var",
        "id=7",
    ])
    .assert_code(0);
    let requests = server.requests();
    assert_eq!(requests[0].uri, "/a%20b/x%2Fy/7?domain=%2F&q=a%20b&r=1+2");
    assert_eq!(requests[0].text(), "line 1\nline 2\n");
}

#[test]
fn split_writes_one_collection_per_top_level_folder() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("scripts.postman_collection.json"),
        "--split",
        "-o",
        ".",
    ]);
    out.assert_code(0);
    out.assert_contains(
        "wrote ./collections/scripts.yaml\nwrote ./collections/scripts-admin.yaml\nrequests imported: 4,",
    );
    let admin = read(&ws.path().join("collections/scripts-admin.yaml"));
    // The folder's file keeps the collection's variables and scripts, and the folder.
    assert!(
        admin.starts_with("name: Scripts / Admin\nvariables:\n  base_url: \"\"\n  other: \"\"\nscripts:\n  pre_request: |\n"),
        "{admin}"
    );
    assert!(
        admin.contains("\nrequests:\n  - folder: Admin\n"),
        "{admin}"
    );
    let main = read(&ws.path().join("collections/scripts.yaml"));
    assert!(!main.contains("folder: Admin"), "{main}");
    assert!(main.contains("  - name: Profile\n"), "{main}");
    ws.run(&[
        "validate",
        "collections/scripts.yaml",
        "collections/scripts-admin.yaml",
    ])
    .assert_code(0)
    .assert_contains("ok collections/scripts-admin.yaml (2 requests)");
}
