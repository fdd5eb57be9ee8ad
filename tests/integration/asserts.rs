//! `expect:` matchers on status, headers, JSONPath, body and duration: what passes, and
//! exactly what a failure prints.

use axum::Json;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;
use serde_json::json;

use crate::support::text::{assert_block, assert_line, lines};
use crate::support::{Output, TestServer, Workspace};

fn doc() -> serde_json::Value {
    json!({
        "name": "widget",
        "count": 3,
        "price": 9.5,
        "active": true,
        "nothing": null,
        "tags": ["a", "b", "c"],
        "items": [{"id": 1, "status": "OK"}, {"id": 2, "status": "FAILED"}],
        "meta": {"owner": "ann", "region": "eu"}
    })
}

/// `/doc` (JSON with an X-Request-Id header), `/text` (plain text), `/created` (201).
fn server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/doc",
                get(|| async {
                    (
                        [
                            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                            (header::HeaderName::from_static("x-request-id"), "req-123"),
                        ],
                        doc().to_string(),
                    )
                }),
            )
            .route("/text", get(|| async { "hello world" }))
            .route(
                "/created",
                get(|| async { (StatusCode::CREATED, Json(json!({"id": 7}))) }),
            ),
    )
}

const DOC_SCHEMA: &str = r#"{
  "type": "object",
  "required": ["name", "count", "items"],
  "properties": {
    "name": { "type": "string" },
    "count": { "type": "integer", "minimum": 1 },
    "items": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id", "status"],
        "properties": { "id": { "type": "integer" }, "status": { "enum": ["OK", "FAILED"] } }
      }
    }
  }
}"#;

const STRICT_SCHEMA: &str = r#"{
  "type": "object",
  "required": ["name", "owner"],
  "properties": {
    "name": { "type": "string", "maxLength": 3 },
    "count": { "type": "integer", "minimum": 5 }
  }
}"#;

const ITEM_SCHEMA: &str = r#"{ "type": "object", "properties": { "status": { "const": "OK" } } }"#;

/// Runs `suite/c.yaml` (schemas under `suite/schemas/`) from the workspace root, so that
/// schema paths are relative to the collection, not to the working directory.
fn run_suite(collection: &str, server: &TestServer) -> Output {
    let ws = Workspace::new();
    ws.write("suite/c.yaml", collection);
    ws.write("suite/schemas/doc.json", DOC_SCHEMA);
    ws.write("suite/schemas/strict.json", STRICT_SCHEMA);
    ws.write("suite/schemas/item.json", ITEM_SCHEMA);
    ws.run(&[
        "run",
        "suite/c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ])
}

const PASSING: &str = r#"name: matchers
requests:
  - name: bare values
    url: "{{ server }}/doc"
    expect:
      status: 200
      json:
        $.name: widget
        $.count: 3
        $.price: 9.5
        $.active: true
        $.nothing: null
        $.tags: [a, b, c]
        $.meta: { region: eu, owner: ann }
  - name: equals
    url: "{{ server }}/doc"
    expect:
      json:
        $.count: { equals: 3.0 }
        $.meta: { equals: { owner: ann, region: eu } }
        $.items: { equals: [{ id: 1, status: OK }, { id: 2, status: FAILED }] }
  - name: not_equals
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { not_equals: gadget }
        $.meta: { not_equals: { owner: ann } }
  - name: contains
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { contains: idg }
        $.tags: { contains: b }
        $.meta: { contains: { owner: ann } }
        $.items: { contains: { status: FAILED } }
  - name: not_contains
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { not_contains: gadget }
        $.tags: { not_contains: z }
        $.meta: { not_contains: { owner: bob } }
  - name: matches
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { matches: "^wid.et$" }
        $.count: { matches: "^\\d$" }
  - name: exists
    url: "{{ server }}/doc"
    expect:
      json:
        $.nothing: { exists: true }
        $.nope: { exists: false }
  - name: type
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { type: string }
        $.price: { type: number }
        $.count: { type: integer }
        $.active: { type: boolean }
        $.tags: { type: array }
        $.meta: { type: object }
        $.nothing: { type: "null" }
  - name: length
    url: "{{ server }}/doc"
    expect:
      json:
        $.tags: { length: 3 }
        $.name: { length: { gte: 6, lt: 7 } }
        $.meta: { length: 2 }
  - name: comparisons
    url: "{{ server }}/doc"
    expect:
      json:
        $.count: { gt: 2, gte: 3, lt: 4, lte: 3 }
        $.price: { gt: 9.4, lt: 9.6 }
  - name: in
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { in: [gadget, widget] }
        $.count: { in: [1, 3] }
  - name: schema
    url: "{{ server }}/doc"
    expect:
      json:
        $: { schema: schemas/doc.json }
  - name: several keys
    url: "{{ server }}/doc"
    expect:
      json:
        $.tags: { type: array, length: 3, contains: a, not_contains: z }
"#;

#[test]
fn every_matcher_passes_on_a_matching_response() {
    let server = server();
    let out = run_suite(PASSING, &server);
    out.assert_code(0);
    for name in [
        "bare values",
        "equals",
        "not_equals",
        "contains",
        "not_contains",
        "matches",
        "exists",
        "type",
        "length",
        "comparisons",
        "in",
        "schema",
        "several keys",
    ] {
        assert_line(&out.stdout, &format!("  PASS  {name}  GET 200 (N ms)"));
    }
    assert_line(
        &out.stdout,
        "Requests:   13 passed, 0 failed, 0 errors, 0 skipped (13 total)",
    );
    assert_line(&out.stdout, "Assertions: 47 passed, 0 failed (47 total)");
    assert_eq!(server.hits(), 13);
}

const FAILING: &str = r#"name: matchers
requests:
  - name: bare values
    url: "{{ server }}/doc"
    expect:
      status: 201
      json:
        $.name: gadget
        $.count: 4
        $.price: 9.25
        $.active: false
        $.nothing: 0
        $.tags: [a, c, b]
        $.meta: { region: us, owner: ann }
  - name: equals
    url: "{{ server }}/doc"
    expect:
      json:
        $.count: { equals: "3" }
        $.items: { equals: [{ id: 1, status: OK }, { id: 2, status: OK }] }
  - name: not_equals
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { not_equals: widget }
        $.meta: { not_equals: { region: eu, owner: ann } }
  - name: contains
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { contains: gadg }
        $.tags: { contains: z }
        $.meta: { contains: { owner: bob } }
        $.items: { contains: { status: GONE } }
  - name: not_contains
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { not_contains: idg }
        $.tags: { not_contains: a }
        $.meta: { not_contains: { region: eu } }
  - name: matches
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { matches: "^g" }
  - name: exists
    url: "{{ server }}/doc"
    expect:
      json:
        $.nope: { exists: true }
        $.meta.owner: { exists: false }
  - name: type
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { type: number }
        $.price: { type: integer }
        $.count: { type: string }
        $.active: { type: "null" }
        $.tags: { type: object }
        $.meta: { type: array }
        $.nothing: { type: boolean }
  - name: length
    url: "{{ server }}/doc"
    expect:
      json:
        $.tags: { length: 2 }
        $.name: { length: { gt: 10 } }
        $.count: { length: 1 }
  - name: comparisons
    url: "{{ server }}/doc"
    expect:
      json:
        $.count: { gt: 3, gte: 4, lt: 3, lte: 2 }
        $.name: { gt: 1 }
  - name: in
    url: "{{ server }}/doc"
    expect:
      json:
        $.name: { in: [gadget, gizmo] }
  - name: schema
    url: "{{ server }}/doc"
    expect:
      json:
        $: { schema: schemas/strict.json }
        $.items[1]: { schema: schemas/item.json }
  - name: several keys
    url: "{{ server }}/doc"
    expect:
      json:
        $.tags: { type: array, length: 4, contains: a, not_contains: b }
"#;

/// Everything `FAILING` prints but the `Time:` line: every assertion of a request is
/// reported with its position, JSON differences list their paths before a unified diff,
/// and schema errors name the paths of the offending values.
const FAILING_OUTPUT: &str = r#"matchers (suite/c.yaml)
  FAIL  bare values  GET 200 (N ms)
        ✗ status: expected 201, got 200
          at suite/c.yaml:6:15
        ✗ $.name: expected "gadget", got "widget"
          at suite/c.yaml:8:17
        ✗ $.count: expected 4, got 3
          at suite/c.yaml:9:18
        ✗ $.price: expected 9.25, got 9.5
          at suite/c.yaml:10:18
        ✗ $.active: expected false, got true
          at suite/c.yaml:11:19
        ✗ $.nothing: expected 0, got null
          at suite/c.yaml:12:20
        ✗ $.tags: expected ["a","c","b"], got ["a","b","c"]
          at suite/c.yaml:13:17
          $.tags[1]: expected "c", got "b"
          $.tags[2]: expected "b", got "c"
          --- expected
          +++ actual
          @@ -1,5 +1,5 @@
           [
             "a",
          -  "c",
          -  "b"
          +  "b",
          +  "c"
           ]
        ✗ $.meta: expected {"region":"us","owner":"ann"}, got {"owner":"ann","region":"eu"}
          at suite/c.yaml:14:17
          $.meta.region: expected "us", got "eu"
          --- expected
          +++ actual
          @@ -1,4 +1,4 @@
           {
             "owner": "ann",
          -  "region": "us"
          +  "region": "eu"
           }
  FAIL  equals  GET 200 (N ms)
        ✗ $.count: expected "3", got 3
          at suite/c.yaml:19:18
        ✗ $.items: expected [{"id":1,"status":"OK"},{"id":2,"status":"OK"}], got [{"id":1,"status":"OK"},{"id":2,"status":"FAILED"}]
          at suite/c.yaml:20:18
          $.items[1].status: expected "OK", got "FAILED"
          --- expected
          +++ actual
          @@ -5,6 +5,6 @@
             },
             {
               "id": 2,
          -    "status": "OK"
          +    "status": "FAILED"
             }
           ]
  FAIL  not_equals  GET 200 (N ms)
        ✗ $.name: expected not "widget", got "widget"
          at suite/c.yaml:25:17
        ✗ $.meta: expected not {"region":"eu","owner":"ann"}, got {"owner":"ann","region":"eu"}
          at suite/c.yaml:26:17
  FAIL  contains  GET 200 (N ms)
        ✗ $.name: expected to contain "gadg", got "widget"
          at suite/c.yaml:31:17
        ✗ $.tags: expected to contain "z", got ["a","b","c"]
          at suite/c.yaml:32:17
        ✗ $.meta: expected to contain {"owner":"bob"}, got {"owner":"ann","region":"eu"}
          at suite/c.yaml:33:17
        ✗ $.items: expected to contain {"status":"GONE"}, got [{"id":1,"status":"OK"},{"id":2,"status":"FAILED"}]
          at suite/c.yaml:34:18
  FAIL  not_contains  GET 200 (N ms)
        ✗ $.name: expected not to contain "idg", got "widget"
          at suite/c.yaml:39:17
        ✗ $.tags: expected not to contain "a", got ["a","b","c"]
          at suite/c.yaml:40:17
        ✗ $.meta: expected not to contain {"region":"eu"}, got {"owner":"ann","region":"eu"}
          at suite/c.yaml:41:17
  FAIL  matches  GET 200 (N ms)
        ✗ $.name: expected to match /^g/, got "widget"
          at suite/c.yaml:46:17
  FAIL  exists  GET 200 (N ms)
        ✗ $.nope: expected to exist, got nothing
          at suite/c.yaml:51:17
        ✗ $.meta.owner: expected not to exist, got "ann"
          at suite/c.yaml:52:23
  FAIL  type  GET 200 (N ms)
        ✗ $.name: expected type number, got string ("widget")
          at suite/c.yaml:57:17
        ✗ $.price: expected type integer, got number (9.5)
          at suite/c.yaml:58:18
        ✗ $.count: expected type string, got number (3)
          at suite/c.yaml:59:18
        ✗ $.active: expected type null, got boolean (true)
          at suite/c.yaml:60:19
        ✗ $.tags: expected type object, got array (["a","b","c"])
          at suite/c.yaml:61:17
        ✗ $.meta: expected type array, got object ({"owner":"ann","region":"eu"})
          at suite/c.yaml:62:17
        ✗ $.nothing: expected type boolean, got null (null)
          at suite/c.yaml:63:20
  FAIL  length  GET 200 (N ms)
        ✗ $.tags: expected length 2, got length 3
          at suite/c.yaml:68:17
        ✗ $.name: expected length > 10, got length 6
          at suite/c.yaml:69:17
        ✗ $.count: expected length 1, got number (3), which has no length
          at suite/c.yaml:70:18
  FAIL  comparisons  GET 200 (N ms)
        ✗ $.count: expected > 3, got 3
          at suite/c.yaml:75:18
        ✗ $.count: expected >= 4, got 3
          at suite/c.yaml:75:18
        ✗ $.count: expected < 3, got 3
          at suite/c.yaml:75:18
        ✗ $.count: expected <= 2, got 3
          at suite/c.yaml:75:18
        ✗ $.name: expected > 1, got "widget" (not a number)
          at suite/c.yaml:76:17
  FAIL  in  GET 200 (N ms)
        ✗ $.name: expected one of ["gadget","gizmo"], got "widget"
          at suite/c.yaml:81:17
  FAIL  schema  GET 200 (N ms)
        ✗ $: expected to match schema schemas/strict.json, got 3 schema error(s)
          at suite/c.yaml:86:12
          $: "owner" is a required property
          $.name: "widget" is longer than 3 characters
          $.count: 3 is less than the minimum of 5
        ✗ $.items[1]: expected to match schema schemas/item.json, got 1 schema error(s)
          at suite/c.yaml:87:21
          $.items[1].status: "OK" was expected
  FAIL  several keys  GET 200 (N ms)
        ✗ $.tags: expected length 4, got length 3
          at suite/c.yaml:92:17
        ✗ $.tags: expected not to contain "b", got ["a","b","c"]
          at suite/c.yaml:92:17

Requests:   0 passed, 13 failed, 0 errors, 0 skipped (13 total)
Assertions: 2 passed, 42 failed (44 total)
"#;

#[test]
fn every_matcher_fails_showing_what_was_expected_and_what_came() {
    let server = server();
    let out = run_suite(FAILING, &server);
    out.assert_code(1);
    let got: Vec<String> = lines(&out.stdout)
        .into_iter()
        .filter(|l| !l.starts_with("Time:"))
        .collect();
    let want: Vec<&str> = FAILING_OUTPUT.lines().collect();
    assert_eq!(got, want, "\n{}", out.stdout);
    assert_eq!(server.hits(), 13);
}

fn run_here(collection: &str, server: &TestServer) -> Output {
    let ws = Workspace::new();
    ws.write("c.yaml", collection);
    ws.run(&[
        "run",
        "c.yaml",
        "--var",
        &format!("server={}", server.url()),
    ])
}

#[test]
fn status_as_a_value_a_list_or_in() {
    let server = server();
    let out = run_here(
        r#"name: status
requests:
  - name: bare
    url: "{{ server }}/created"
    expect: { status: 201 }
  - name: list
    url: "{{ server }}/created"
    expect: { status: [200, 201] }
  - name: in
    url: "{{ server }}/created"
    expect: { status: { in: [201, 204] } }
  - name: bare fails
    url: "{{ server }}/created"
    expect: { status: 200 }
  - name: list fails
    url: "{{ server }}/created"
    expect: { status: [200, 204] }
  - name: in fails
    url: "{{ server }}/created"
    expect: { status: { in: [200] } }
"#,
        &server,
    );
    out.assert_code(1);
    for name in ["bare", "list", "in"] {
        assert_line(&out.stdout, &format!("  PASS  {name}  GET 201 (N ms)"));
    }
    assert_block(
        &out.stdout,
        &[
            "  FAIL  bare fails  GET 201 (N ms)",
            "        ✗ status: expected 200, got 201",
            "          at c.yaml:14:23",
            "  FAIL  list fails  GET 201 (N ms)",
            "        ✗ status: expected one of [200,204], got 201",
            "          at c.yaml:17:23",
            "  FAIL  in fails  GET 201 (N ms)",
            "        ✗ status: expected one of [200], got 201",
            "          at c.yaml:20:23",
        ],
    );
    assert_line(
        &out.stdout,
        "Requests:   3 passed, 3 failed, 0 errors, 0 skipped (6 total)",
    );
    assert_line(&out.stdout, "Assertions: 3 passed, 3 failed (6 total)");
}

#[test]
fn status_classes_alone_in_lists_or_in() {
    let server = server();
    let out = run_here(
        r#"name: classes
requests:
  - name: class
    url: "{{ server }}/created"
    expect: { status: 2xx }
  - name: upper case
    url: "{{ server }}/created"
    expect: { status: 2XX }
  - name: list
    url: "{{ server }}/created"
    expect: { status: [4xx, 201] }
  - name: in
    url: "{{ server }}/created"
    expect: { status: { in: [5xx, 2xx] } }
  - name: code as text
    url: "{{ server }}/created"
    expect: { status: "201" }
  - name: class fails
    url: "{{ server }}/created"
    expect: { status: 4xx }
  - name: list fails
    url: "{{ server }}/created"
    expect: { status: [3XX, 404] }
"#,
        &server,
    );
    out.assert_code(1);
    for name in ["class", "upper case", "list", "in", "code as text"] {
        assert_line(&out.stdout, &format!("  PASS  {name}  GET 201 (N ms)"));
    }
    assert_block(
        &out.stdout,
        &[
            "  FAIL  class fails  GET 201 (N ms)",
            "        ✗ status: expected 4xx, got 201",
            "          at c.yaml:20:23",
            "  FAIL  list fails  GET 201 (N ms)",
            "        ✗ status: expected one of [3XX,404], got 201",
            "          at c.yaml:23:23",
        ],
    );
    assert_line(
        &out.stdout,
        "Requests:   5 passed, 2 failed, 0 errors, 0 skipped (7 total)",
    );
}

#[test]
fn header_names_are_case_insensitive() {
    let server = server();
    let out = run_here(
        r#"name: headers
requests:
  - name: headers
    url: "{{ server }}/doc"
    expect:
      headers:
        CONTENT-TYPE: { contains: application/json }
        X-Request-Id: req-123
        x-REQUEST-id: { matches: "^req-\\d+$" }
        X-Absent: { exists: false }
  - name: header fails
    url: "{{ server }}/doc"
    expect:
      headers:
        Content-Type: { equals: text/html }
        X-REQUEST-ID: req-999
        x-absent: { exists: true }
"#,
        &server,
    );
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  headers  GET 200 (N ms)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  header fails  GET 200 (N ms)",
            "        ✗ header content-type: expected \"text/html\", got \"application/json; charset=utf-8\"",
            "          at c.yaml:15:23",
            "        ✗ header x-request-id: expected \"req-999\", got \"req-123\"",
            "          at c.yaml:16:23",
            "        ✗ header x-absent: expected to exist, got nothing",
            "          at c.yaml:17:19",
        ],
    );
    assert_line(&out.stdout, "Assertions: 4 passed, 3 failed (7 total)");
}

#[test]
fn a_jsonpath_tests_one_node_the_list_of_several_or_fails_on_none() {
    let server = server();
    let out = run_here(
        r#"name: nodes
requests:
  - name: nodes
    url: "{{ server }}/doc"
    expect:
      json:
        "$.items[?@.status == 'OK'].id": 1
        $.items[*].id: [1, 2]
        $..id: { length: 2, contains: 2 }
        $.items[*].status: { contains: FAILED }
        $.missing: { exists: false }
        "$.items[?@.status == 'GONE']": { exists: false }
  - name: nodes fail
    url: "{{ server }}/doc"
    expect:
      json:
        $.items[*].id: 1
        "$.items[?@.status == 'GONE'].id": { not_equals: 5 }
        $.missing: { type: string }
        $['items'][*].id: { contains: 3 }
"#,
        &server,
    );
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  nodes  GET 200 (N ms)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  nodes fail  GET 200 (N ms)",
            "        ✗ $.items[*].id: expected 1, got [1,2]",
            "          at c.yaml:17:24",
            "        ✗ $.items[?@.status == 'GONE'].id: expected not 5, got nothing (no match)",
            "          at c.yaml:18:44",
            "        ✗ $.missing: expected type string, got nothing (no match)",
            "          at c.yaml:19:20",
            "        ✗ $['items'][*].id: expected to contain 3, got [1,2]",
            "          at c.yaml:20:27",
        ],
    );
    assert_line(&out.stdout, "Assertions: 7 passed, 4 failed (11 total)");
}

#[test]
fn body_and_duration() {
    let server = server();
    let out = run_here(
        r#"name: body
requests:
  - name: body
    url: "{{ server }}/text"
    expect:
      body: hello world
      duration: { lt: 60000, gte: 0 }
  - name: body matchers
    url: "{{ server }}/text"
    expect:
      body: { contains: world, not_contains: bye, matches: "^hello" }
  - name: body fails
    url: "{{ server }}/text"
    expect:
      body: { equals: hello there, contains: bye }
      json:
        $.greeting: hello
      duration: { lt: 0 }
"#,
        &server,
    );
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  body  GET 200 (N ms)");
    assert_line(&out.stdout, "  PASS  body matchers  GET 200 (N ms)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  body fails  GET 200 (N ms)",
            "        ✗ $.greeting: expected a JSON body, got the body is not JSON (expected value at line 1 column 1)",
            "          at c.yaml:17:21",
            "        ✗ body: expected \"hello there\", got \"hello world\"",
            "          at c.yaml:15:13",
            "        ✗ body: expected to contain \"bye\", got \"hello world\"",
            "          at c.yaml:15:13",
        ],
    );
    let duration = lines(&out.stdout)
        .into_iter()
        .find_map(|l| {
            l.strip_prefix("        ✗ duration: expected < 0, got ")
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no duration failure in\n{}", out.stdout));
    duration
        .parse::<u64>()
        .unwrap_or_else(|_| panic!("duration in milliseconds, got {duration:?}"));
    assert_line(&out.stdout, "Assertions: 6 passed, 4 failed (10 total)");
}

#[test]
fn a_long_mismatch_lists_the_differing_paths_then_a_unified_diff() {
    let server = TestServer::start(
        Router::new()
            .route(
                "/order",
                get(|| async {
                    Json(json!({
                        "id": 1,
                        "status": "ACTIVE",
                        "owner": {"name": "ann", "email": "ann@example.com"},
                        "items": [{"sku": "A1", "qty": 1}, {"sku": "B2", "qty": 2}, {"sku": "C3", "qty": 3}],
                        "extra": true
                    }))
                }),
            )
            .route(
                "/poem",
                get(|| async { "line one\nline two\nline three\nline four\n" }),
            ),
    );
    let out = run_here(
        r#"name: diff
requests:
  - name: order
    url: "{{ server }}/order"
    expect:
      json:
        $:
          id: 1
          status: ACTIVE
          owner: { name: ann, email: ann@example.org }
          items: [{ sku: A1, qty: 1 }, { sku: B2, qty: 5 }, { sku: C3, qty: 3 }]
          created: "2024-01-01"
  - name: poem
    url: "{{ server }}/poem"
    expect:
      body: "line one\nline 2\nline three\nline four\n"
"#,
        &server,
    );
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  order  GET 200 (N ms)",
            r#"        ✗ $: expected {"id":1,"status":"ACTIVE","owner":{"name":"ann","email":"ann@example.org"},"items":[{"sku":"A1","qty":1},{"sku":"B2",..., got {"id":1,"status":"ACTIVE","owner":{"name":"ann","email":"ann@example.com"},"items":[{"sku":"A1","qty":1},{"sku":"B2",..."#,
            "          at c.yaml:8:11",
            r#"          $.owner.email: expected "ann@example.org", got "ann@example.com""#,
            "          $.items[1].qty: expected 5, got 2",
            r#"          $.created: expected "2024-01-01", but it is missing"#,
            "          $.extra: not expected, got true",
            "          --- expected",
            "          +++ actual",
            "          @@ -1,5 +1,5 @@",
            "           {",
            r#"          -  "created": "2024-01-01","#,
            r#"          +  "extra": true,"#,
            r#"             "id": 1,"#,
            r#"             "items": ["#,
            "               {",
            "          @@ -7,7 +7,7 @@",
            r#"                 "sku": "A1""#,
            "               },",
            "               {",
            r#"          -      "qty": 5,"#,
            r#"          +      "qty": 2,"#,
            r#"                 "sku": "B2""#,
            "               },",
            "               {",
            "          @@ -16,7 +16,7 @@",
            "               }",
            "             ],",
            r#"             "owner": {"#,
            r#"          -    "email": "ann@example.org","#,
            r#"          +    "email": "ann@example.com","#,
            r#"               "name": "ann""#,
            "             },",
            r#"             "status": "ACTIVE""#,
            "  FAIL  poem  GET 200 (N ms)",
            r#"        ✗ body: expected "line one\nline 2\nline three\nline four\n", got "line one\nline two\nline three\nline four\n""#,
            "          at c.yaml:16:13",
            "          --- expected",
            "          +++ actual",
            "          @@ -1,4 +1,4 @@",
            "           line one",
            "          -line 2",
            "          +line two",
            "           line three",
            "           line four",
            "",
            "Requests:   0 passed, 2 failed, 0 errors, 0 skipped (2 total)",
            "Assertions: 0 passed, 2 failed (2 total)",
        ],
    );
}
