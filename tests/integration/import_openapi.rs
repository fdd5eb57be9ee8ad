//! `runner import openapi`: two real public specifications (OpenAPI 3.0 in YAML, 3.1 in
//! JSON) imported, validated and run against the generated mock; a seeded schema violation;
//! every security scheme on a hand-written document; malformed input.

use std::path::Path;

use crate::support::{Output, Workspace, repo_root};

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/openapi")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `runner ARGS` in `ws` with the token cache inside it.
fn run(ws: &Workspace, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = ws.runner();
    cmd.env("RUNNER_TOKEN_CACHE", ws.path().join("tokens.json"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    Output::from(cmd.args(args).output().expect("run runner"))
}

#[test]
fn uspto_30_yaml_imports_validates_and_runs_against_the_mock() {
    let ws = Workspace::new();
    let out = ws.run(&["import", "openapi", &fixture("uspto.yaml"), "-o", "out"]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "wrote out/collections/uspto-data-set-api.yaml
wrote out/environments/uspto-data-set-api-mock.yaml
wrote 3 response schemas under out/collections/schemas
operations imported: 3, folders: 2, skipped: 0
mock examples: 1 from the document, 2 generated from the schemas (every operation has one)
against the mock: runner run out/collections/uspto-data-set-api.yaml -e uspto-data-set-api-mock --mock (or serve it: runner mock out/collections/uspto-data-set-api.yaml -e uspto-data-set-api-mock)
"
    );
    let collection = read(&ws.path().join("out/collections/uspto-data-set-api.yaml"));
    for part in [
        // The server's `{scheme}` variable at its default.
        "  base_url: https://developer.uspto.gov/ds-api\n",
        // Path parameters with an example or a default become variables.
        "  dataset: oa_citations\n  version: v1\n",
        "  - folder: metadata\n",
        "        url: \"{{ base_url }}/{{ dataset }}/{{ version }}/fields\"\n",
        "        body:\n          form:\n            criteria: \"*:*\"\n",
        "        expect:\n          status: 200\n          json:\n            \"$\":\n              schema: schemas/uspto-data-set-api/list-available-data-sets.json\n",
    ] {
        assert!(collection.contains(part), "{part}\n---\n{collection}");
    }
    let schema: serde_json::Value = serde_json::from_str(&read(
        &ws.path()
            .join("out/collections/schemas/uspto-data-set-api/list-available-data-sets.json"),
    ))
    .expect("schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["$ref"], "#/$defs/dataSetList");
    assert_eq!(
        schema["$defs"]["dataSetList"]["properties"]["total"]["type"],
        "integer"
    );

    let v = ws.run(&["validate", "out/collections/uspto-data-set-api.yaml"]);
    v.assert_code(0);
    assert_eq!(
        v.stdout,
        "ok out/collections/uspto-data-set-api.yaml (3 requests)\n"
    );
    let r = run(
        &ws,
        &[
            "run",
            "out/collections/uspto-data-set-api.yaml",
            "-e",
            "uspto-data-set-api-mock",
            "--mock",
        ],
        &[],
    );
    r.assert_code(0);
    r.assert_contains("Requests:   3 passed, 0 failed, 0 errors, 0 skipped (3 total)");
    r.assert_contains("Assertions: 6 passed, 0 failed (6 total)");
}

#[test]
fn a_seeded_schema_violation_fails_with_its_json_path() {
    let ws = Workspace::new();
    ws.run(&["import", "openapi", &fixture("uspto.yaml"), "-o", "."])
        .assert_code(0);
    let path = ws.path().join("collections/uspto-data-set-api.yaml");
    let text = read(&path);
    let seeded = text
        .replacen("              total: 2\n", "              total: two\n", 1)
        .replacen(
            "                - apiKey: cancer_moonshot\n                  apiVersionNumber: v1\n",
            "                - apiKey: cancer_moonshot\n                  apiVersionNumber: 1\n",
            1,
        );
    assert_ne!(seeded, text, "the example is where it was");
    std::fs::write(&path, seeded).expect("write");
    let r = run(
        &ws,
        &[
            "run",
            "collections/uspto-data-set-api.yaml",
            "-e",
            "uspto-data-set-api-mock",
            "--mock",
        ],
        &[],
    );
    r.assert_code(1);
    r.assert_contains("  FAIL  metadata/List available data sets  GET 200");
    r.assert_contains("✗ $: expected to match schema schemas/uspto-data-set-api/list-available-data-sets.json, got 2 schema error(s)");
    r.assert_contains("          $.total: \"two\" is not of type \"integer\"\n");
    r.assert_contains("          $.apis[1].apiVersionNumber: 1 is not of type \"string\"\n");
    r.assert_contains("Requests:   2 passed, 1 failed");
}

#[test]
fn petstore_31_json_names_the_variables_to_set_and_runs_against_the_mock() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "openapi",
        &fixture("petstore-3.1.json"),
        "-o",
        "api",
    ]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "wrote api/collections/swagger-petstore.yaml
wrote api/environments/swagger-petstore-mock.yaml
wrote 9 response schemas under api/collections/schemas
operations imported: 20, folders: 3, skipped: 0
mock examples: 0 from the document, 20 generated from the schemas (every operation has one)
against the mock: runner run api/collections/swagger-petstore.yaml -e swagger-petstore-mock --mock (or serve it: runner mock api/collections/swagger-petstore.yaml -e swagger-petstore-mock)
note: OAuth2 (petstore_auth): runner does not support the implicit flow; requests send a bearer token from petstore_auth_access_token (environment variable PETSTORE_AUTH_ACCESS_TOKEN)
note (7x): operations that document no success (2xx or default) response expect their lowest documented status
variables without a value, left undefined (set them with --var or in an environment): status, tags, petId, orderId, username, password
secret variables (masked in output): petstore_auth_access_token, api_key
credentials were not written to the files; set these environment variables (or put them in .env):
  PETSTORE_AUTH_ACCESS_TOKEN
  API_KEY
"
    );
    let collection = read(&ws.path().join("api/collections/swagger-petstore.yaml"));
    for part in [
        "  petstore_auth_access_token: \"{{ env.PETSTORE_AUTH_ACCESS_TOKEN }}\"\n",
        "secrets:\n  - petstore_auth_access_token\n  - api_key\n",
        "        url: \"{{ base_url }}/pet/{{ petId }}\"\n        headers:\n          api_key: \"{{ api_key }}\"\n        expect:\n",
        "        body:\n          json:\n            name: doggie\n            photoUrls:\n              - string\n",
    ] {
        assert!(collection.contains(part), "{part}\n---\n{collection}");
    }
    let creds = [
        ("PETSTORE_AUTH_ACCESS_TOKEN", "tok-7c1e5a9d3b"),
        ("API_KEY", "key-42f0b8e6a1"),
    ];
    let v = run(
        &ws,
        &["validate", "api/collections/swagger-petstore.yaml"],
        &creds,
    );
    v.assert_code(2);
    v.assert_contains("6 variables of api/collections/swagger-petstore.yaml are not defined: orderId, password, petId, status, tags, username");
    let vars = [
        "status=sold",
        "tags=a",
        "petId=1",
        "orderId=2",
        "username=ann",
        "password=pw-5d2c",
    ];
    let mut args = vec!["validate", "api/collections/swagger-petstore.yaml"];
    for v in &vars {
        args.extend(["--var", v]);
    }
    run(&ws, &args, &creds).assert_code(0);

    let r = run(
        &ws,
        &[
            "run",
            "api/collections/swagger-petstore.yaml",
            "-e",
            "swagger-petstore-mock",
            "--mock",
            "-v",
        ],
        &[],
    );
    r.assert_code(0);
    r.assert_contains("Requests:   20 passed, 0 failed, 0 errors, 0 skipped (20 total)");
    // The mock environment's credentials are secrets: masked even in verbose output.
    r.assert_not_contains("mock-token");
    r.assert_not_contains("mock-api-key");
}

#[test]
fn security_schemes_map_to_auth_and_log_in_at_the_mock() {
    let ws = Workspace::new();
    let out = ws.run(&["import", "openapi", &fixture("security.yaml"), "-o", "."]);
    out.assert_code(0);
    out.assert_contains("operations imported: 7, folders: 0, skipped: 0\n");
    out.assert_contains("note: OpenID Connect (oidc): set oidc_auth_url and oidc_token_url to the authorization_endpoint and token_endpoint of https://auth.example.com/.well-known/openid-configuration\n");
    out.assert_contains("variables without a value, left undefined (set them with --var or in an environment): client_id, X_Tenant, item_id, username, oidc_auth_url, oidc_token_url, kind, basic_username\n");
    let collection = read(&ws.path().join("collections/security-mapping.yaml"));
    for part in [
        // Server variables at their defaults.
        "  base_url: https://api.example.com/v2\n",
        // The document's security: authorization code, its URLs and scopes.
        "auth:\n  oauth2:\n    grant: authorization_code\n    auth_url: \"{{ oauth_auth_url }}\"\n    token_url: \"{{ oauth_token_url }}\"\n    client_id: \"{{ client_id }}\"\n    client_secret: \"{{ client_secret }}\"\n    scope: read write\n    callback_url: \"{{ callback_url }}\"\n",
        "  oauth_auth_url: https://auth.example.com/authorize\n",
        "  client_secret: \"{{ env.CLIENT_SECRET }}\"\n",
        // An optional parameter with a default is sent; one without any value is not.
        "    query:\n      limit: \"{{ limit }}\"\n    headers:\n      X-Tenant: \"{{ X_Tenant }}\"\n",
        // The operation's security replaces the document's; a relative token URL.
        "    url: \"{{ base_url }}/items/{{ item_id }}\"\n    auth:\n      oauth2:\n        grant: client_credentials\n        token_url: \"{{ machine_token_url }}\"\n",
        "  machine_token_url: \"{{ base_url }}/oauth/token\"\n",
        // `security: []`: no authentication.
        "  - name: deleteItem\n    method: DELETE\n    url: \"{{ base_url }}/items/{{ item_id }}\"\n    auth: none\n",
        "        grant: password\n        token_url: \"{{ pw_token_url }}\"\n        client_id: \"{{ client_id }}\"\n        client_secret: \"{{ client_secret }}\"\n        username: \"{{ username }}\"\n        password: \"{{ password }}\"\n",
        // `default` alone: any 2xx.
        "    expect:\n      status: \"2xx\"\n",
        "        scope: openid profile\n",
        // API keys in the query and a cookie, together; a path template no parameter declares.
        "    url: \"{{ base_url }}/keys/{{ kind }}\"\n    query:\n      api_key: \"{{ key }}\"\n    headers:\n      Cookie: \"session={{ cookie_key }}\"\n    auth: none\n",
        // The first alternative runner performs.
        "    auth:\n      basic:\n        username: \"{{ basic_username }}\"\n        password: \"{{ basic_password }}\"\n",
        // A body built from the schema: formats, an exclusive minimum, the first enum value.
        "      json:\n        when: \"2024-01-01T00:00:00Z\"\n        count: 4\n        kind: a\n",
        // Named examples: the first is served by default, the others by name or status.
        // (Text that looks like a template stays text.)
        "    examples:\n      - status: 200\n        json:\n          id: 7\n          name: \"{{ \\\"{{\\\" }} seven }}\"\n          tags: null\n      - name: second\n        status: 200\n",
        "      - name: \"404\"\n        status: 404\n        headers:\n          content-type: \"application/problem+json\"\n",
    ] {
        assert!(collection.contains(part), "{part}\n---\n{collection}");
    }
    // OpenAPI 3.0's nullable and recursion, in 2020-12.
    let schema: serde_json::Value = serde_json::from_str(&read(
        &ws.path()
            .join("collections/schemas/security-mapping/getitem.json"),
    ))
    .expect("schema is JSON");
    assert_eq!(
        schema["$defs"]["Item"]["properties"]["tags"]["type"],
        serde_json::json!(["array", "null"])
    );
    assert_eq!(
        schema["$defs"]["Item"]["properties"]["parent"],
        serde_json::json!({"$ref": "#/$defs/Item"})
    );

    let r = run(
        &ws,
        &[
            "run",
            "collections/security-mapping.yaml",
            "-e",
            "security-mapping-mock",
            "--mock",
            "-v",
        ],
        &[],
    );
    r.assert_code(0);
    r.assert_contains("Requests:   7 passed, 0 failed, 0 errors, 0 skipped (7 total)");
    r.assert_contains("Logging in at the mock's consent page (approved automatically)");
    r.assert_contains(r#"{"id":7,"name":"{{ seven }}","tags":null}"#);
    for secret in [
        "mock-client-secret",
        "mock-api-key",
        "mock-password",
        "mock-token",
    ] {
        r.assert_not_contains(secret);
    }
}

#[test]
fn server_override_and_replacing_files() {
    let ws = Workspace::new();
    let spec = fixture("uspto.yaml");
    ws.run(&[
        "import",
        "openapi",
        &spec,
        "--server",
        "http://127.0.0.1:9/base/",
    ])
    .assert_code(0);
    let collection = read(&ws.path().join("collections/uspto-data-set-api.yaml"));
    assert!(
        collection.contains("  base_url: http://127.0.0.1:9/base\n"),
        "{collection}"
    );
    let again = ws.run(&["import", "openapi", &spec]);
    again.assert_code(2);
    assert_eq!(
        again.stderr,
        "error: collections/uspto-data-set-api.yaml already exists (use --force to replace it)\n"
    );
    ws.run(&["import", "openapi", &spec, "--force"])
        .assert_code(0);
    let collection = read(&ws.path().join("collections/uspto-data-set-api.yaml"));
    assert!(collection.contains("  base_url: https://developer.uspto.gov/ds-api\n"));
}

#[test]
fn bad_documents_are_named_with_their_position() {
    let ws = Workspace::new();
    let cases = [
        (
            "broken.yaml",
            "openapi: 3.0.0\ninfo:\n  title: x\npaths:\n  /a: {get: [\n",
            "error: broken.yaml:5:13: invalid YAML: unclosed bracket '['\n",
        ),
        (
            "postman.json",
            "{\"info\": {\"name\": \"x\"}, \"item\": []}",
            "error: postman.json: not an OpenAPI 3.0 or 3.1 document: it has no `openapi` version field\n",
        ),
        (
            "swagger.yaml",
            "swagger: '2.0'\npaths: {}\n",
            "error: swagger.yaml: not an OpenAPI 3.0 or 3.1 document: this is Swagger 2.0; convert it to OpenAPI 3 first (e.g. with swagger2openapi)\n",
        ),
        (
            "external.yaml",
            "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: 'common.yaml#/components/responses/Ok'}\n",
            "error: external.yaml: external reference `common.yaml#/components/responses/Ok` at `/paths/~1a/get/responses/200`: only references inside the document (`#/...`) are supported; bundle the specification into one file first\n",
        ),
        (
            "webhooks.yaml",
            "openapi: 3.1.0\ninfo: {title: Hooks}\nwebhooks:\n  newPet:\n    post:\n      responses: {'200': {description: ok}}\n",
            "error: webhooks.yaml: the document describes no operations runner can send; skipped: webhook `newPet` (runner sends requests; it does not receive them)\n",
        ),
        (
            "dangling.yaml",
            "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Nope'}\n",
            "error: dangling.yaml: `$ref: #/components/responses/Nope` points at nothing in the document\n",
        ),
    ];
    // Valid JSON, nested past the 127 levels serde_json reads.
    let deep = format!(
        "{{\"openapi\": \"3.1.0\", \"x\": {}{}}}",
        "[".repeat(130),
        "]".repeat(130)
    );
    let cases = cases.into_iter().chain([(
        "deep.json",
        deep.as_str(),
        "error: deep.json:1:153: the document nests too deeply: runner reads up to 127 levels\n",
    )]);
    for (name, text, expected) in cases {
        ws.write(name, text);
        let out = ws.run(&["import", "openapi", name, "-o", "out"]);
        out.assert_code(2);
        assert_eq!(out.stderr, expected, "{name}");
        assert!(!ws.path().join("out").exists(), "{name}: nothing written");
    }
}

#[test]
fn a_document_example_that_breaks_its_schema_is_named() {
    let ws = Workspace::new();
    ws.write(
        "api.yaml",
        "openapi: 3.0.3
info: {title: Misfit}
servers: [{url: 'https://api.example.com'}]
paths:
  /things/{id}:
    get:
      summary: Get a thing
      parameters: [{name: id, in: path, required: true, schema: {type: integer}, example: 3}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id, state]
                properties:
                  id: {type: integer, minimum: 1}
                  state: {type: string, enum: [on, off]}
              example: {id: 0, state: unknown}
",
    );
    let out = ws.run(&["import", "openapi", "api.yaml"]);
    out.assert_code(0);
    out.assert_contains("mock examples: 1 from the document, 0 generated from the schemas (every operation has one)\nexamples that do not match their response schema (the mock's answer fails `schema:` until they are fixed): Get a thing\n");
    let r = run(
        &ws,
        &[
            "run",
            "collections/misfit.yaml",
            "-e",
            "misfit-mock",
            "--mock",
        ],
        &[],
    );
    r.assert_code(1);
    r.assert_contains("          $.id: 0 is less than the minimum of 1\n");
    // (YAML 1.2: `on` and `off` are strings.)
    r.assert_contains("          $.state: \"unknown\" is not one of \"on\" or \"off\"\n");
}

/// An interim (1xx) response is never an HTTP exchange's final answer: an operation that
/// documents only one expects a success, and the mock answers it.
#[test]
fn an_interim_response_is_not_the_expected_status() {
    let ws = Workspace::new();
    ws.write(
        "api.yaml",
        "openapi: 3.0.3
info: {title: Interim}
servers: [{url: 'https://api.example.com'}]
paths:
  /continue:
    get:
      summary: Continue
      responses:
        '100': {description: Continue}
  /early:
    get:
      summary: Early hints
      responses:
        '103': {description: Early Hints}
        '404': {description: Not found}
",
    );
    ws.run(&["import", "openapi", "api.yaml"]).assert_code(0);
    let collection = read(&ws.path().join("collections/interim.yaml"));
    assert!(!collection.contains("status: 10"), "{collection}");
    let r = run(
        &ws,
        &[
            "run",
            "collections/interim.yaml",
            "-e",
            "interim-mock",
            "--mock",
        ],
        &[],
    );
    r.assert_code(0);
    r.assert_contains("  PASS  Continue  GET 200");
    r.assert_contains("  PASS  Early hints  GET 404");
}

/// A request body whose example is `null` (GitHub's "Re-run a job") still loads: an optional
/// one is left out, a required one is sent as the JSON text `null`.
#[test]
fn a_null_request_body_example_still_loads() {
    let ws = Workspace::new();
    ws.write(
        "api.yaml",
        "openapi: 3.0.3
info: {title: Nulls}
servers: [{url: 'https://api.example.com'}]
paths:
  /rerun:
    post:
      summary: Re-run
      requestBody:
        required: false
        content:
          application/json:
            schema: {type: object, nullable: true, properties: {debug: {type: boolean}}}
            examples: {default: {value: null}}
      responses:
        '201': {description: Created}
  /reset:
    post:
      summary: Reset
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, nullable: true}
            example: null
      responses:
        '204': {description: Reset}
",
    );
    ws.run(&["import", "openapi", "api.yaml"]).assert_code(0);
    let collection = read(&ws.path().join("collections/nulls.yaml"));
    assert!(!collection.contains("json: null"), "{collection}");
    let r = run(
        &ws,
        &[
            "run",
            "collections/nulls.yaml",
            "-e",
            "nulls-mock",
            "--mock",
            "-v",
        ],
        &[],
    );
    r.assert_code(0);
    r.assert_contains("  PASS  Re-run  POST 201");
    r.assert_contains("  PASS  Reset  POST 204");
}

/// Parameters whose names give the same variable name (`a-b`, `a.b`) keep their own values.
#[test]
fn parameters_that_collide_after_renaming_keep_their_values() {
    let ws = Workspace::new();
    ws.write(
        "api.yaml",
        "openapi: 3.0.3
info: {title: Clash}
servers: [{url: 'https://api.example.com'}]
paths:
  /q:
    get:
      summary: Q
      parameters:
        - {name: a-b, in: query, schema: {type: string}, example: dash}
        - {name: a.b, in: query, schema: {type: string}, example: dot}
      responses:
        '200': {description: ok}
",
    );
    ws.run(&["import", "openapi", "api.yaml"]).assert_code(0);
    let collection = read(&ws.path().join("collections/clash.yaml"));
    assert!(
        collection.contains("  a_b: dash\n  a_b_2: dot\n")
            && collection.contains("      a-b: \"{{ a_b }}\"\n      a.b: \"{{ a_b_2 }}\"\n"),
        "{collection}"
    );
}
