//! `pm.expect` and `pm.response.to` pass and fail as Chai and chai-postman do in Newman,
//! with their messages, and `CryptoJS` signs as crypto-js does.

use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::routing::get;

use crate::support::text::assert_block;
use crate::support::{Output, TestServer, Workspace};

/// `/missing`: a 404 with a JSON body.
fn server() -> TestServer {
    TestServer::start(Router::new().route(
        "/missing",
        get(|| async {
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"error":"no such user","tags":["a","b"]}"#,
            )
        }),
    ))
}

const COLLECTION: &str = r#"name: assertions
requests:
  - name: lookup
    url: "{{ server }}/missing"
    scripts:
      test: |
        pm.test("status", function () { pm.response.to.have.status(200); });
        pm.test("not found", function () { pm.response.to.be.notFound; });
        pm.test("client error", function () { pm.response.to.be.clientError.and.have.header("Content-Type"); });
        pm.test("json path", function () { pm.response.to.have.jsonBody("tags[1]", "c"); });
        pm.test("property", function () {
          pm.expect(pm.response.json(), "body").to.have.property("error").that.includes("user");
        });
        pm.test("members", function () { pm.expect(pm.response.json().tags).to.have.members(["b", "a", "c"]); });
        pm.test("typo", function () { pm.expect(1).to.be.ture; });
        pm.test("signature", function () {
          var mac = CryptoJS.HmacSHA256("GET /missing", "secret").toString(CryptoJS.enc.Base64);
          pm.expect(mac).to.equal("not it");
        });
"#;

#[test]
fn chai_and_postman_assertions_fail_with_their_messages() {
    let server = server();
    let ws = Workspace::new();
    ws.write("c.yaml", COLLECTION);
    let var = format!("server={}", server.url());
    let out = Output::from(
        ws.runner()
            .args(["run", "c.yaml", "--var", &var])
            .timeout(Duration::from_secs(60))
            .output()
            .expect("run runner"),
    );
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  lookup  GET 404 (N ms)",
            "        ✗ status: AssertionError: expected response to have status code 200 but got 404",
            "          at c.yaml:7:60",
            "        ✓ not found",
            "        ✓ client error",
            "        ✗ json path: AssertionError: expected response body json at \"tags[1]\" to contain 'c' but got 'b'",
            "          at c.yaml:10:64",
            "        ✓ property",
            "        ✗ members: AssertionError: expected [ 'a', 'b' ] to have the same members as [ 'b', 'a', 'c' ]",
            "          at c.yaml:14:85",
            "        ✗ typo: Error: Invalid Chai property: ture. Did you mean \"true\"?",
            "          at c.yaml:15:42",
            "        ✗ signature: AssertionError: expected 'b6UI5ceUme4wF+KExMo3Q7VIz/NSSzkxfStjE…' to equal 'not it'",
            "          at c.yaml:18:29",
        ],
    );
}

#[test]
fn json_schema_assertions_name_each_failing_path() {
    let server = server();
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        r#"name: schema
requests:
  - name: lookup
    url: "{{ server }}/missing"
    scripts:
      test: |
        pm.test("response", function () {
          pm.response.to.have.jsonSchema({ type: "object", required: ["id"],
            properties: { error: { type: "string" }, tags: { type: "array", items: { enum: ["a"] } } } });
        });
        pm.test("value", () => pm.expect({ a: 1, "b-c": [] }).to.have.jsonSchema({
          properties: { a: { type: ["string", "null"] }, "b-c": { minItems: 1 } } }));
        pm.test("not", () => pm.expect({}).to.not.have.jsonSchema({ type: "object" }));
        pm.test("valid", () => pm.response.to.have.jsonSchema({ type: "object" }));
"#,
    );
    let var = format!("server={}", server.url());
    let out = ws.run(&["run", "c.yaml", "--var", &var]);
    out.assert_code(1);
    assert_block(
        &out.stdout,
        &[
            "  FAIL  lookup  GET 404 (N ms)",
            "        ✗ response: AssertionError: expected data to satisfy schema but found following errors: \\ndata should have required property 'id', data.tags[1] should be equal to one of the allowed values",
            "          at c.yaml:8:31",
            "        ✗ value: AssertionError: expected data to satisfy schema but found following errors: \\ndata.a should be string,null, data['b-c'] should NOT have fewer than 1 items",
            "          at c.yaml:11:71",
            "        ✗ not: AssertionError: expected data to not satisfy schema",
            "          at c.yaml:13:56",
            "        ✓ valid",
        ],
    );
}
