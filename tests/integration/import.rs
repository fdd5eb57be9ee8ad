//! `runner import postman`: every mapping on hand-written Postman files, malformed input,
//! a round trip against a local server, and the real-world corpus when it is present.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::json;

use crate::support::text::{assert_block, assert_line};
use crate::support::{Output, TestServer, Workspace, repo_root, runner, shared_fixtures};

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

#[test]
fn every_mapping_of_the_hand_written_collection() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("mappings.postman_collection.json"),
        "--environment",
        &fixture("mappings.postman_environment.json"),
        "-o",
        "out",
    ]);
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "wrote out/collections/mappings.yaml
wrote out/environments/mappings-prod.yaml
requests imported: 11, folders: 3, scripts translated to expect/capture: 1, kept as scripts: 2
unsupported auth: digest (1 block): sent without authentication, see the descriptions
renamed variables (not valid template names): base-url -> base_url, user-token -> user_token, trace.id -> trace_id
variables used but defined nowhere, declared empty in `variables:`: group_id, trace_id, name, n, org
note (1x): followOriginalHttpMethod is not supported: runner turns POST into GET on 301/302/303 redirects
note (1x): the file `/home/me/report.pdf` is taken from the variable `doc_file`; check the path
note (1x): the file `data.bin` is taken from the variable `body_file`; check the path
secret variables (masked in output): client_secret, user_token, api_key_2, api_key
credentials were not written to the files; set these environment variables (or put them in .env):
  API_KEY
  PASSWORD
  USER_TOKEN
  API_KEY_2
  CLIENT_SECRET
"
    );
    let collection = read(&ws.path().join("out/collections/mappings.yaml"));
    let env = read(&ws.path().join("out/environments/mappings-prod.yaml"));
    assert_eq!(
        collection,
        read(Path::new(&fixture("mappings.expected.yaml")))
    );
    assert_eq!(
        env,
        read(Path::new(&fixture("mappings-prod.expected.yaml")))
    );
    for secret in [
        "s3cr3t-in-collection",
        "hunter2",
        "k-123",
        "tok-999",
        "q-456",
    ] {
        assert!(
            !collection.contains(secret) && !env.contains(secret),
            "{secret} written"
        );
    }
    // The output loads and validates with the imported environment.
    let out = Output::from(
        ws.runner()
            .env("API_KEY", "a")
            .env("PASSWORD", "p")
            .env("USER_TOKEN", "t")
            .env("API_KEY_2", "k")
            .env("CLIENT_SECRET", "c")
            .args([
                "validate",
                "out/collections/mappings.yaml",
                "-e",
                "out/environments/mappings-prod.yaml",
                // The Postman file part names /home/me/report.pdf, outside the folder.
                "--file-root",
                "/",
            ])
            .output()
            .expect("run"),
    );
    out.assert_code(0);
    assert_eq!(
        out.stdout,
        "ok out/collections/mappings.yaml (11 requests)\n"
    );
}

#[test]
fn v20_object_auth_and_v21_list_auth_import_the_same() {
    let ws = Workspace::new();
    for (file, dir) in [
        ("v20-forms.postman_collection.json", "a"),
        ("v21-forms.postman_collection.json", "b"),
    ] {
        ws.run(&["import", "postman", &fixture(file), "-o", dir])
            .assert_code(0);
    }
    let a = read(&ws.path().join("a/collections/auth-forms.yaml"));
    assert_eq!(a, read(&ws.path().join("b/collections/auth-forms.yaml")));
    assert_eq!(
        a,
        r#"name: Auth forms
variables:
  user: ""
  password: ""
  access_token: ""
  client_id: ""
  client_secret: ""
secrets:
  - password
  - access_token
  - client_secret
requests:
  - name: Basic
    url: https://x.test/b
    auth:
      basic:
        username: "{{ user }}"
        password: "{{ password }}"
  - name: Bearer
    url: https://x.test/t
    auth:
      bearer: "{{ access_token }}"
  - name: Client credentials
    url: https://x.test/c
    auth:
      oauth2:
        grant: client_credentials
        token_url: https://idcs.test/oauth2/v1/token
        client_id: "{{ client_id }}"
        client_secret: "{{ client_secret }}"
        scope: read
        client_auth: basic
"#
    );
}

#[test]
fn malformed_files_are_reported_with_their_json_path() {
    let ws = Workspace::new();
    ws.write(
        "bad.json",
        r#"{"info": {"name": "x"}, "item": [{"name": "a", "request": {"url": "u", "header": 5}}]}"#,
    );
    let out = ws.run(&["import", "postman", "bad.json"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "error: bad.json: not a valid Postman collection at `item[0].request`: expected a request object or a URL string at line 1 column 84\n"
    );
    ws.write("name.json", r#"{"info": {"name": 5}, "item": []}"#);
    let out = ws.run(&["import", "postman", "name.json"]);
    out.assert_code(2);
    out.assert_contains("error: name.json: not a valid Postman collection at `info.name`: invalid type: integer `5`, expected a string at line 1 column 19");
    ws.write("trunc.json", r#"{"info": {"name": "x"}, "item": ["#);
    ws.run(&["import", "postman", "trunc.json"])
        .assert_code(2)
        .assert_contains("error: trunc.json: not a valid Postman collection at `item`: EOF while parsing a list at line 1 column 33");
    ws.write("v1.json", r#"{"name": "old", "requests": []}"#);
    ws.run(&["import", "postman", "v1.json"])
        .assert_code(2)
        .assert_contains(
            "error: v1.json: this is a Postman Collection v1 file; export it from Postman as v2.1",
        );
    ws.write(
        "env.json",
        r#"{"values": [{"key": "a", "enabled": "yes"}]}"#,
    );
    ws.write("ok.json", r#"{"info": {"name": "x"}, "item": []}"#);
    ws.run(&["import", "postman", "ok.json", "--environment", "env.json"])
        .assert_code(2)
        .assert_contains("error: env.json: not a valid Postman environment at `values[0].enabled`: invalid type: string \"yes\", expected a boolean at line 1 column 41");
    ws.run(&["import", "postman", "missing.json"])
        .assert_code(2)
        .assert_contains("error: cannot read missing.json:");
}

#[test]
fn existing_files_are_kept_unless_forced() {
    let ws = Workspace::new();
    ws.write(
        "c.json",
        r#"{"info": {"name": "Same"}, "item": [{"name": "r", "request": "http://x.test/"}]}"#,
    );
    ws.run(&["import", "postman", "c.json"]).assert_code(0);
    ws.run(&["import", "postman", "c.json"])
        .assert_code(2)
        .assert_contains(
            "error: ./collections/same.yaml already exists (use --force to replace it)",
        );
    ws.run(&["import", "postman", "c.json", "--force"])
        .assert_code(0);
}

/// The server the round-trip collection's test scripts were written for.
fn users_server() -> TestServer {
    TestServer::start(
        Router::new()
            .route(
                "/users",
                post(|| async {
                    (
                        StatusCode::CREATED,
                        [("Location", "/users/u1")],
                        axum::Json(json!({"id": "u1", "name": "Ann"})),
                    )
                }),
            )
            .route(
                "/users/missing",
                get(|| async { StatusCode::NOT_FOUND.into_response() }),
            )
            .route(
                "/users/u1",
                get(|| async { axum::Json(json!({"id": "u1", "name": "Ann"})).into_response() })
                    .delete(|| async { StatusCode::NO_CONTENT }),
            ),
    )
}

#[test]
fn round_trip_gives_the_results_the_postman_scripts_describe() {
    let ws = Workspace::new();
    ws.run(&[
        "import",
        "postman",
        &fixture("roundtrip.postman_collection.json"),
        "--environment",
        &fixture("roundtrip.postman_environment.json"),
        "-o",
        ".",
    ])
    .assert_code(0)
    .assert_contains(
        "requests imported: 4, folders: 0, scripts translated to expect/capture: 4, kept as scripts: 0",
    );
    let server = users_server();
    let var = format!("base_url={}", server.url());
    let out = Output::from(
        ws.runner()
            .env("API_TOKEN", "tok-round-trip")
            .args([
                "run",
                "collections/round-trip.yaml",
                "-e",
                "environments/round-trip-local.yaml",
                "--var",
                &var,
            ])
            .output()
            .expect("run"),
    );
    // In Postman: create, get and delete pass; "found" fails on the 404, under its name.
    out.assert_code(1);
    assert_line(&out.stdout, "  PASS  Create user  POST 201 (N ms)");
    assert_line(&out.stdout, "  PASS  Get user  GET 200 (N ms)");
    assert_block(
        &out.stdout,
        &[
            "  FAIL  Get missing user  GET 404 (N ms)",
            "        ✗ found (status): expected 200, got 404",
        ],
    );
    assert_line(&out.stdout, "  PASS  Delete user  DELETE 204 (N ms)");
    assert_line(
        &out.stdout,
        "Requests:   3 passed, 1 failed, 0 errors, 0 skipped (4 total)",
    );
    let requests = server.requests();
    let seen: Vec<(String, String, Option<String>)> = requests
        .iter()
        .map(|r| (r.method.clone(), r.uri.clone(), r.header("authorization")))
        .collect();
    let bearer = Some("Bearer tok-round-trip".to_string());
    assert_eq!(
        seen,
        vec![
            ("POST".into(), "/users".into(), bearer.clone()),
            ("GET".into(), "/users/u1".into(), bearer.clone()),
            ("GET".into(), "/users/missing".into(), bearer.clone()),
            ("DELETE".into(), "/users/u1".into(), bearer),
        ]
    );
    assert_eq!(requests[0].text(), r#"{"name":"Ann"}"#);
    out.assert_not_contains("tok-round-trip");
}

#[test]
fn postman_dynamic_variables_get_fresh_values_in_every_request() {
    let ws = Workspace::new();
    ws.write(
        "dynamic.postman_collection.json",
        &json!({
            "info": {"name": "Dynamic", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [{
                "name": "Create user",
                "request": {
                    "method": "POST",
                    "url": "{{base_url}}/users",
                    "header": [
                        {"key": "X-Account", "value": "{{$randomBankAccount}}"},
                        {"key": "X-Color", "value": "{{$randomColor}}"}
                    ],
                    "body": {"mode": "raw", "raw": "{\"email\": \"{{$randomEmail}}\", \"phone\": \"{{$randomPhoneNumberExt}}\", \"id\": \"{{$guid}}\"}",
                             "options": {"raw": {"language": "json"}}}
                }
            }]
        })
        .to_string(),
    );
    let out = ws.run(&[
        "import",
        "postman",
        "dynamic.postman_collection.json",
        "-o",
        ".",
    ]);
    out.assert_code(0).assert_contains(
        "Postman dynamic variables without a runner function (declared as empty variables): $randomColor\n",
    );
    let yaml = read(&ws.path().join("collections/dynamic.yaml"));
    assert!(
        yaml.contains(r#"X-Account: "{{ dynamic('$randomBankAccount') }}""#),
        "{yaml}"
    );
    let server = users_server();
    let var = format!("base_url={}", server.url());
    let run = |ws: &Workspace| {
        ws.run(&["run", "collections/dynamic.yaml", "--var", &var])
            .assert_code(0);
    };
    run(&ws);
    run(&ws);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let shape = |re: &str, v: &str| {
        assert!(
            regex::Regex::new(re).expect("regex").is_match(v),
            "{re}: {v:?}"
        );
    };
    let mut emails = Vec::new();
    for r in &requests {
        shape(r"^\d{8}$", &r.header("x-account").unwrap_or_default());
        assert_eq!(r.header("x-color").as_deref(), Some(""));
        let body: serde_json::Value = serde_json::from_str(&r.text()).expect("a JSON body");
        let email = body["email"].as_str().unwrap_or_default().to_string();
        shape(r"^user\d{6}@example\.com$", &email);
        shape(
            r"^[1-9]\d?-\d{3}-\d{3}-\d{4}$",
            body["phone"].as_str().unwrap_or_default(),
        );
        shape("^[0-9a-f-]{36}$", body["id"].as_str().unwrap_or_default());
        emails.push(email);
    }
    assert_ne!(emails[0], emails[1], "a fresh value in every request");
}

/// PayPal's published collection logs in from its collection pre-request script: a bundled
/// library, `eval`ed from a collection variable, sends the token request with
/// `pm.sendRequest` and a Basic header made with Node's `Buffer`.
#[test]
fn paypals_collection_logs_in_through_its_own_script() {
    use base64::Engine as _;
    let Some(corpus) = shared_fixtures("postman") else {
        return;
    };
    let source = corpus.join("paypal-checkout-flows-v2.0.json");
    let postman: serde_json::Value =
        serde_json::from_str(&read(&source)).expect("the PayPal collection is JSON");
    let client_id = postman["variable"]
        .as_array()
        .and_then(|vars| vars.iter().find(|v| v["key"] == "client_id"))
        .and_then(|v| v["value"].as_str())
        .expect("client_id")
        .to_string();
    let ws = Workspace::new();
    ws.run(&["import", "postman", &source.to_string_lossy(), "-o", "."])
        .assert_code(0);
    let server = TestServer::start(
        Router::new()
            .route(
                "/v1/oauth2/token",
                post(|| async {
                    axum::Json(json!({
                        "access_token": "A21AA-loopback-access-token",
                        "token_type": "Bearer",
                        "expires_in": 32400
                    }))
                }),
            )
            .fallback(|| async { (StatusCode::CREATED, axum::Json(json!({"id": "st-1"}))) }),
    );
    let var = format!("base_url={}", server.url());
    let out = Output::from(
        ws.runner()
            .env("CLIENT_SECRET", "paypal-loopback-secret")
            .args([
                "run",
                "collections/paypal-checkout-flows.yaml",
                "--only",
                "Create Setup Token - Card",
                "--var",
                &var,
            ])
            .output()
            .expect("run"),
    );
    out.assert_code(0)
        .assert_contains("Saving the access_token")
        .assert_not_contains("paypal-loopback-secret")
        .assert_not_contains("A21AA-loopback-access-token");
    let requests = server.requests();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{client_id}:paypal-loopback-secret"))
    );
    assert_eq!(
        (requests[0].method.as_str(), requests[0].uri.as_str()),
        ("POST", "/v1/oauth2/token")
    );
    assert_eq!(requests[0].header("authorization"), Some(basic));
    assert_eq!(requests[0].text(), "grant_type=client_credentials");
    let api: Vec<_> = requests[1..].iter().collect();
    assert!(!api.is_empty(), "no API request after the login");
    for r in api {
        assert_eq!(
            (r.method.as_str(), r.uri.as_str()),
            ("POST", "/v3/vault/setup-tokens")
        );
        assert_eq!(
            r.header("authorization").as_deref(),
            Some("Bearer A21AA-loopback-access-token"),
            "the token the script saved, and one login for the run"
        );
    }
}

/// The environment that goes with a corpus collection, where there is one.
fn corpus_environment(stem: &str) -> Option<&'static str> {
    match stem {
        "oracle-idcs-radius-proxy" => Some("oracle-idcs-example.postman_environment.json"),
        "wise-cards-api" => Some("wise-cards-sandbox.postman_environment.json"),
        "newman-inherited-entities" => Some("newman-inherited-entities.postman_environment.json"),
        _ => None,
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn real_world_corpus_imports_and_validates() {
    let Some(corpus) = shared_fixtures("postman") else {
        return;
    };
    let ws = Workspace::new();
    let mut count = 0;
    let (mut translated, mut kept) = (0, 0);
    let mut figures = Vec::new();
    for path in files_in(&corpus) {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let out_dir = ws.path().join(&stem);
        let mut cmd = runner();
        cmd.arg("import")
            .arg("postman")
            .arg(&path)
            .arg("-o")
            .arg(&out_dir);
        if let Some(env) = corpus_environment(&stem) {
            cmd.arg("--environment")
                .arg(corpus.join("environments").join(env));
        }
        let out = Output::from(cmd.output().expect("run"));
        out.assert_code(0);
        let line = out
            .stdout
            .lines()
            .find(|l| l.starts_with("requests imported: "))
            .unwrap_or_else(|| panic!("{stem}: no figures in {}", out.stdout))
            .to_string();
        let env_vars: Vec<String> = out
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("  "))
            .map(String::from)
            .collect();
        let collection = files_in(&out_dir.join("collections"));
        assert_eq!(collection.len(), 1, "{stem}");
        let mut validate = runner();
        // Postman files name body files on their authors' machines (`/Users/...`).
        validate
            .arg("validate")
            .arg(&collection[0])
            .args(["--file-root", "/"]);
        for v in &env_vars {
            validate.env(v, "set-for-validation");
        }
        // Path variables without a value are left undefined: the user gives them one.
        let unset = "path variables without a value, left undefined (give them a value with --var or in an environment): ";
        for l in out.stdout.lines().filter_map(|l| l.strip_prefix(unset)) {
            for name in l.split(", ") {
                validate.arg("--var").arg(format!("{name}=1"));
            }
        }
        if let Some(env) = files_in(&out_dir.join("environments")).first() {
            validate.arg("-e").arg(env);
        }
        let v = Output::from(validate.output().expect("run"));
        assert_eq!(
            v.code, 0,
            "{stem} does not validate:\n{}{}",
            v.stdout, v.stderr
        );
        // No script is left as a note: a description mentions a script only to name the
        // APIs runner lacks, and the summary names them.
        let yaml = read(&collection[0]);
        for l in yaml.lines().filter(|l| l.contains(" script")) {
            assert!(
                !l.contains("Postman test script") && !l.contains("Postman prerequest script"),
                "{stem}: a script left as a note: {l}"
            );
            if l.contains("script uses") {
                assert!(
                    out.stdout.contains("scripts using APIs runner lacks: "),
                    "{stem}"
                );
            }
        }
        let number = |label: &str| -> usize {
            line.split(label)
                .nth(1)
                .and_then(|r| r.split(',').next())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("{stem}: no {label} in {line}"))
        };
        translated += number("scripts translated to expect/capture:");
        kept += number("kept as scripts:");
        figures.push(format!("{stem}: {line}"));
        count += 1;
    }
    println!("{}", figures.join("\n"));
    println!("translated to expect/capture: {translated}, kept as scripts: {kept}");
    assert_eq!(count, 22, "every corpus collection imported");
    // Every non-empty, enabled script of the corpus is accounted for.
    assert_eq!(translated + kept, 541);
    assert!(translated >= 220, "{translated}");
    // The same collection in v2.0 and v2.1 gives the same YAML, but for one request name
    // that differs in the two sources.
    let v20 = read(
        &ws.path()
            .join("transformer-helpers-v2.0/collections/c1.yaml"),
    );
    let v21 = read(
        &ws.path()
            .join("transformer-helpers-v2.1/collections/c1.yaml"),
    );
    assert_eq!(v20.replace("- name: OAuth2\n", "- name: OAuth\n"), v21);
    // Every environment file imports too.
    for env in files_in(&corpus.join("environments")) {
        let out = runner()
            .arg("import")
            .arg("postman")
            .arg(fixture("v20-forms.postman_collection.json"))
            .arg("--environment")
            .arg(&env)
            .arg("-o")
            .arg(
                ws.path()
                    .join("envs")
                    .join(env.file_name().unwrap_or_default()),
            )
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(0), "{}", env.display());
    }
}

/// Every literal credential of `credentials.postman_collection.json`.
const LITERALS: &[&str] = &[
    "lit-bearer-Tk4Wq9",
    "dXNlcjpsaXQtcGFzcy1Ibjg=",
    "lit-xkey-Pz3Rm",
    "lit-access-Jd8",
    "lit-api-Vm2",
    "lit-raw-Qk7",
    "lit-cs-Ws5",
    "lit-auth-Bv4",
];

#[test]
fn literal_credentials_in_headers_and_queries_move_to_secret_variables() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("credentials.postman_collection.json"),
        "-o",
        ".",
    ]);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "secret variables (masked in output): token, basic_credentials, x_api_key, access_token, api_key, api_key_2, apikey, client_secret, sessionToken",
            "credentials were not written to the files; set these environment variables (or put them in .env):",
            "  TOKEN",
            "  BASIC_CREDENTIALS",
            "  X_API_KEY",
            "  ACCESS_TOKEN",
            "  API_KEY",
            "  API_KEY_2",
            "  APIKEY",
            "  CLIENT_SECRET",
        ],
    );
    let yaml = read(&ws.path().join("collections/literal-credentials.yaml"));
    for literal in LITERALS {
        assert!(!yaml.contains(literal), "{literal} written:\n{yaml}");
    }
    for line in [
        "  token: \"{{ env.TOKEN }}\"",
        "  basic_credentials: \"{{ env.BASIC_CREDENTIALS }}\"",
        "  - basic_credentials",
        "      Authorization: \"Bearer {{ token }}\"",
        "      Authorization: \"Basic {{ basic_credentials }}\"",
        "      X-Api-Key: \"{{ x_api_key }}\"",
        "      access_token: \"{{ access_token }}\"",
        "      page: \"2\"",
        "      token: \"{{ sessionToken }}\"",
    ] {
        assert_line(&yaml, line);
    }

    // Run with the credentials in the environment: the same values reach the server,
    // and none of them shows.
    let server = TestServer::start(Router::new().fallback(|| async { "ok" }));
    let var = format!("base_url={}", server.url());
    let out = Output::from(
        ws.runner()
            .env("TOKEN", LITERALS[0])
            .env("BASIC_CREDENTIALS", LITERALS[1])
            .env("X_API_KEY", LITERALS[2])
            .env("ACCESS_TOKEN", LITERALS[3])
            .env("API_KEY", LITERALS[4])
            .env("APIKEY", LITERALS[5])
            .env("CLIENT_SECRET", LITERALS[6])
            .env("API_KEY_2", LITERALS[7])
            .args([
                "run",
                "collections/literal-credentials.yaml",
                "--var",
                &var,
                "--var",
                "sessionToken=sess-Hy6",
                "-v",
            ])
            .output()
            .expect("run"),
    );
    out.assert_code(0);
    for literal in LITERALS.iter().chain(&["sess-Hy6"]) {
        out.assert_not_contains(literal);
    }
    let seen: Vec<(String, Option<String>, Option<String>)> = server
        .requests()
        .iter()
        .map(|r| {
            (
                r.uri.clone(),
                r.header("authorization"),
                r.header("x-api-key"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (
                "/bearer".into(),
                Some(format!("Bearer {}", LITERALS[0])),
                None
            ),
            (
                "/basic".into(),
                Some(format!("Basic {}", LITERALS[1])),
                Some(LITERALS[2].into())
            ),
            (
                format!(
                    "/query?access_token={}&api_key={}&page=2",
                    LITERALS[3], LITERALS[4]
                ),
                None,
                None
            ),
            (format!("/auth?X-Key={}", LITERALS[7]), None, None),
            (
                format!(
                    "/raw?apikey={}&client_secret={}&token=sess-Hy6&sort=asc",
                    LITERALS[5], LITERALS[6]
                ),
                None,
                None
            ),
        ]
    );
}

#[test]
fn headers_postman_generates_are_left_out_and_counted() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("generated-headers.postman_collection.json"),
        "-o",
        ".",
    ]);
    out.assert_code(0);
    assert_line(
        &out.stdout,
        "headers Postman generates, left out: Postman-Token (2), Host (1), User-Agent (1), Cache-Control (1), Accept-Encoding (1), Connection (1), Content-Length (1)",
    );
    assert_eq!(
        read(&ws.path().join("collections/generated-headers.yaml")),
        "\
name: Generated headers
requests:
  - name: List
    url: http://127.0.0.1:8080/items
    headers:
      Accept: application/json
  - name: Create
    method: POST
    url: http://127.0.0.1:8080/items
    headers:
      User-Agent: my-client/1.0
      Cache-Control: \"max-age=0\"
"
    );
}

#[test]
fn one_credential_keeps_one_name() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("one-token.postman_collection.json"),
        "--environment",
        &fixture("one-token.postman_environment.json"),
        "-o",
        ".",
    ]);
    out.assert_code(0);
    assert_block(
        &out.stdout,
        &[
            "secret variables (masked in output): token, api_key",
            "credentials were not written to the files; set these environment variables (or put them in .env):",
            "  TOKEN",
            "  API_KEY",
        ],
    );
    assert_eq!(
        read(&ws.path().join("collections/one-token.yaml")),
        "\
name: One token
variables:
  api_key: \"{{ env.API_KEY }}\"
  token: \"{{ env.TOKEN }}\"
secrets:
  - token
  - api_key
requests:
  - name: Me
    url: http://127.0.0.1:8080/me
    auth:
      bearer: \"{{ env.TOKEN }}\"
  - name: Feed
    url: http://127.0.0.1:8080/feed
    query:
      access_token: \"{{ token }}\"
  - name: Items
    url: http://127.0.0.1:8080/items
    headers:
      Authorization: \"Bearer {{ token }}\"
      X-Api-Key: \"{{ api_key }}\"
"
    );
    assert_eq!(
        read(&ws.path().join("environments/local.yaml")),
        "\
name: local
variables:
  access_token: \"{{ env.TOKEN }}\"
secrets:
  - access_token
"
    );
}

#[test]
fn postmans_callback_page_becomes_a_loopback_callback_with_a_note() {
    let ws = Workspace::new();
    let out = ws.run(&[
        "import",
        "postman",
        &fixture("postman-callback.postman_collection.json"),
        "-o",
        ".",
    ]);
    out.assert_code(0);
    let note = "Postman's callback page `https://oauth.pstmn.io/v1/callback` became `http://127.0.0.1:8765/callback`: the application's redirect URLs must list it";
    assert_line(&out.stdout, &format!("note (1x): {note}"));
    assert_eq!(
        read(&ws.path().join("collections/postman-callback.yaml")),
        format!(
            "\
name: Postman callback
description: \"Postman import: {note}\"
auth:
  oauth2:
    grant: authorization_code
    auth_url: http://127.0.0.1:9000/authorize
    token_url: http://127.0.0.1:9000/token
    client_id: app-1
    callback_url: http://127.0.0.1:8765/callback
    client_auth: basic
    pkce: false
requests:
  - name: Me
    url: http://127.0.0.1:9000/me
"
        )
    );
}
