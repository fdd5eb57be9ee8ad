//! Invalid input: every file of tests/fixtures/bad is refused with exit 2 before anything
//! is sent, and its one error names the exact position and problem. A few renderings are
//! pinned whole, and no prefix or corruption of a real collection makes the binary panic.

use std::path::{Path, PathBuf};

use axum::Router;

use crate::support::{Output, TestServer, Workspace, repo_root, runner};

fn bad_dir() -> PathBuf {
    repo_root().join("tests/fixtures/bad")
}

/// Runs the binary in tests/fixtures/bad, so that files are named as written (`x.yaml:3:5`).
fn run_in_bad(args: &[&str]) -> Output {
    Output::from(
        runner()
            .current_dir(bad_dir())
            .env_remove("RUNNER_TEST_UNSET_KEY")
            .args(args)
            .output()
            .expect("run runner"),
    )
}

/// A server every corpus collection points at (`--var base=URL`): it must never be reached.
fn server() -> TestServer {
    TestServer::start(Router::new().fallback(|| async { "reached" }))
}

/// One corpus file and the one error it must produce.
struct Case {
    /// The collection file (`ok.yaml` when the problem is in the environment).
    file: &'static str,
    /// The environment file, when the problem is there.
    env: Option<&'static str>,
    /// `file:line:col` of the error.
    at: &'static str,
    /// The title, after `error: `.
    title: &'static str,
    /// The help line, when there is one.
    help: Option<&'static str>,
}

/// A broken collection.
fn col(
    file: &'static str,
    at: &'static str,
    title: &'static str,
    help: Option<&'static str>,
) -> Case {
    Case {
        file,
        env: None,
        at,
        title,
        help,
    }
}

/// A valid collection with a broken environment file.
fn env(
    file: &'static str,
    at: &'static str,
    title: &'static str,
    help: Option<&'static str>,
) -> Case {
    Case {
        file: "ok.yaml",
        env: Some(file),
        at,
        title,
        help,
    }
}

fn cases() -> Vec<Case> {
    vec![
        // YAML syntax.
        col(
            "yaml-bad-indent.yaml",
            "yaml-bad-indent.yaml:5:7",
            "unexpected indentation",
            Some("keys of one map start in the same column: `url` on line 4 starts at column 5"),
        ),
        col(
            "yaml-unclosed-flow-sequence.yaml",
            "yaml-unclosed-flow-sequence.yaml:2:7",
            "unclosed `[`",
            Some("close it with `]`; a list or map in brackets must end before the next key"),
        ),
        col(
            "yaml-unclosed-flow-map.yaml",
            "yaml-unclosed-flow-map.yaml:5:14",
            "unclosed `{`",
            Some("close it with `}`"),
        ),
        col(
            "yaml-tab-indent.yaml",
            "yaml-tab-indent.yaml:4:1",
            "a tab indents this line",
            Some("YAML is indented with spaces only"),
        ),
        col(
            "yaml-unterminated-quote.yaml",
            "yaml-unterminated-quote.yaml:4:10",
            "unclosed quote",
            Some("end the text with the same quote it starts with"),
        ),
        col(
            "empty.yaml",
            "empty.yaml:1:1",
            "the collection file is empty",
            None,
        ),
        col(
            "top-level-list.yaml",
            "top-level-list.yaml:1:1",
            "the collection file must be a map of keys, found a list",
            Some("a collection file is a map with keys such as `name:` and `requests:`"),
        ),
        col(
            "yaml-quote-runs-on.yaml",
            "yaml-quote-runs-on.yaml:4:10",
            "unclosed quote",
            Some(
                "end the text with the same quote it starts with: as written, it runs on to line 6",
            ),
        ),
        col(
            "yaml-colon-in-value.yaml",
            "yaml-colon-in-value.yaml:3:15",
            "unexpected `:` in a value",
            Some("quote a value that contains `: `, for example name: \"a: b\""),
        ),
        col(
            "yaml-mismatched-bracket.yaml",
            "yaml-mismatched-bracket.yaml:5:11",
            "`[` is closed by `}`",
            Some("close `[` with `]`, or quote the text if the bracket is part of it"),
        ),
        col(
            "yaml-empty-key.yaml",
            "yaml-empty-key.yaml:3:3",
            "a key is missing before `:`",
            Some("write the key's name before the `:`, or remove the `:`"),
        ),
        col(
            "duplicate-key.yaml",
            "duplicate-key.yaml:5:5",
            "duplicate key `url`",
            Some("`url` is already set on line 4"),
        ),
        // Unknown keys, at every level.
        col(
            "unknown-key-collection.yaml",
            "unknown-key-collection.yaml:2:1",
            "unknown key `reqests`",
            Some("did you mean `requests`?"),
        ),
        col(
            "unknown-key-request.yaml",
            "unknown-key-request.yaml:5:5",
            "unknown key `methd`",
            Some("did you mean `method`?"),
        ),
        col(
            "unknown-key-folder.yaml",
            "unknown-key-folder.yaml:4:5",
            "unknown key `tag`",
            Some("did you mean `tags`?"),
        ),
        col(
            "unknown-key-expect.yaml",
            "unknown-key-expect.yaml:6:7",
            "unknown key `staus`",
            Some("did you mean `status`?"),
        ),
        col(
            "unknown-key-body.yaml",
            "unknown-key-body.yaml:7:7",
            "unknown key `jsn`",
            Some("did you mean `json`?"),
        ),
        col(
            "unknown-key-auth.yaml",
            "unknown-key-auth.yaml:5:5",
            "unknown key `pasword`",
            Some("did you mean `password`?"),
        ),
        col(
            "unknown-key-retry.yaml",
            "unknown-key-retry.yaml:5:24",
            "unknown key `dealy`",
            Some("did you mean `delay`?"),
        ),
        col(
            "unknown-key-example.yaml",
            "unknown-key-example.yaml:7:9",
            "unknown key `jsn`",
            Some("did you mean `json`?"),
        ),
        col(
            "auth-unknown-variant.yaml",
            "auth-unknown-variant.yaml:6:7",
            "`auth` must be one of none, inherit, bearer, basic, oauth2, found `bearr`",
            Some("did you mean `bearer`?"),
        ),
        // Wrong types.
        col(
            "string-where-list.yaml",
            "string-where-list.yaml:2:7",
            "`tags` must be a list, found `slow`",
            None,
        ),
        col(
            "max-redirects-negative.yaml",
            "max-redirects-negative.yaml:5:20",
            "`max_redirects` must be a whole number, 0 or more, found `-1`",
            None,
        ),
        col(
            "follow-redirects-maybe.yaml",
            "follow-redirects-maybe.yaml:5:23",
            "`follow_redirects` must be true or false, found `maybe`",
            None,
        ),
        col(
            "follow-authorization-header-number.yaml",
            "follow-authorization-header-number.yaml:5:34",
            "`follow_authorization_header` must be true, false or a list of host patterns, found 5",
            Some("for example [\"design.example.com\", \"*.example.org\"]"),
        ),
        col(
            "missing-requests.yaml",
            "missing-requests.yaml:2:1",
            "missing key `requests`",
            None,
        ),
        col(
            "oauth2-missing-token-url.yaml",
            "oauth2-missing-token-url.yaml:3:3",
            "`oauth2` needs the key `token_url`",
            None,
        ),
        // Requests and folders.
        col(
            "missing-name.yaml",
            "missing-name.yaml:3:5",
            "a request needs a `name`",
            Some("or `folder:` for a folder of requests"),
        ),
        col(
            "missing-url.yaml",
            "missing-url.yaml:3:11",
            "request `list` needs a `url`",
            None,
        ),
        col(
            "folder-without-requests.yaml",
            "folder-without-requests.yaml:3:13",
            "folder `Admin` has no requests",
            None,
        ),
        col(
            "folder-with-request-fields.yaml",
            "folder-with-request-fields.yaml:4:5",
            "`url` belongs to a request, not to folder `Admin`",
            Some("put requests of a folder under its `requests:`"),
        ),
        col(
            "body-two-forms.yaml",
            "body-two-forms.yaml:8:7",
            "body has both `json` and `raw`",
            Some("a body is exactly one of json, form, multipart, raw, file"),
        ),
        col(
            "invalid-method.yaml",
            "invalid-method.yaml:4:13",
            "invalid method `GE T`",
            Some("did you mean `GET`?"),
        ),
        col(
            "oauth2-unknown-grant.yaml",
            "oauth2-unknown-grant.yaml:4:12",
            "unknown OAuth2 grant `client_credential`",
            Some("did you mean `client_credentials`?"),
        ),
        col(
            "timeout-soon.yaml",
            "timeout-soon.yaml:5:14",
            "invalid timeout: `soon` is not a duration",
            Some("write a duration such as 500ms, 2s, 1m"),
        ),
        col(
            "delay-negative.yaml",
            "delay-negative.yaml:5:12",
            "invalid delay: `-5` is negative",
            Some("write a duration such as 500ms, 2s, 1m"),
        ),
        col(
            "timeout-bare-number.yaml",
            "timeout-bare-number.yaml:5:14",
            "invalid timeout: `5` has no unit; add a unit: 5s or 5ms",
            Some("write a duration such as 500ms, 2s, 1m"),
        ),
        col(
            "retry-delay-bare-number.yaml",
            "retry-delay-bare-number.yaml:5:31",
            "invalid retry delay: `100` has no unit; add a unit: 100s or 100ms",
            Some("write a duration such as 500ms, 2s, 1m"),
        ),
        col(
            "status-word.yaml",
            "status-word.yaml:6:15",
            "status: expected a status code (200) or class (2xx), found \"ok\"",
            None,
        ),
        col(
            "status-list-word.yaml",
            "status-list-word.yaml:6:15",
            "status: expected a status code (200) or class (2xx), found \"found\"",
            None,
        ),
        col(
            "retry-unknown-condition.yaml",
            "retry-unknown-condition.yaml:5:34",
            "unknown retry condition `timout`",
            Some("use a status (429), a class (5xx), timeout, connection or assertion"),
        ),
        col(
            "body-file-missing.yaml",
            "body-file-missing.yaml:7:13",
            "body file data/missing.bin of request `upload` does not exist",
            None,
        ),
        // Matchers: the key when the key is wrong, its value when the value is.
        col(
            "matcher-unknown.yaml",
            "matcher-unknown.yaml:7:33",
            "$.items: unknown matcher `size`",
            Some(
                "matchers: equals, not_equals, contains, not_contains, matches, exists, type, length, gt, gte, lt, lte, in, schema",
            ),
        ),
        col(
            "matcher-lenght.yaml",
            "matcher-lenght.yaml:7:20",
            "$.items: unknown matcher `lenght`",
            Some("did you mean `length`? (to compare with an object, write `equals: {...}`)"),
        ),
        col(
            "matcher-type-strng.yaml",
            "matcher-type-strng.yaml:7:25",
            "$.name: unknown type `strng`",
            Some("did you mean `string`?"),
        ),
        col(
            "matcher-exists-string.yaml",
            "matcher-exists-string.yaml:7:25",
            "$.id: `exists` needs true or false, found \"yes\"",
            None,
        ),
        col(
            "matcher-gt-abc.yaml",
            "matcher-gt-abc.yaml:7:24",
            "$.total: `gt` needs a number, found \"abc\"",
            None,
        ),
        col(
            "matcher-in-number.yaml",
            "matcher-in-number.yaml:6:21",
            "status: `in` needs a list, found 5",
            None,
        ),
        col(
            "matches-bad-regex.yaml",
            "matches-bad-regex.yaml:6:24",
            "body: invalid regular expression `id=(\\d+`: unclosed group",
            None,
        ),
        col(
            "jsonpath-unclosed.yaml",
            "jsonpath-unclosed.yaml:7:9",
            "invalid JSONPath `$.items[`",
            Some("JSONPath follows RFC 9535, e.g. $.items[0].id or $.items[?@.status == 'OK']"),
        ),
        col(
            "jsonpath-no-dollar.yaml",
            "jsonpath-no-dollar.yaml:7:9",
            "invalid JSONPath `items.id`",
            Some("a JSONPath starts with `$`: `$.items.id`"),
        ),
        col(
            "schema-missing-file.yaml",
            "schema-missing-file.yaml:7:22",
            "$: schema file schemas/missing.json does not exist",
            None,
        ),
        col(
            "schema-invalid-json.yaml",
            "schema-invalid-json.yaml:7:22",
            "$: schema file schemas/not-json.json is not valid JSON: EOF while parsing a value at line 2 column 0",
            None,
        ),
        col(
            "schema-invalid-schema.yaml",
            "schema-invalid-schema.yaml:7:22",
            "$: schema file schemas/not-a-schema.json is not a valid JSON Schema: \"objekt\" is not valid under any of the schemas listed in the 'anyOf' keyword",
            None,
        ),
        // Captures.
        col(
            "capture-bad-regex.yaml",
            "capture-bad-regex.yaml:6:25",
            "capture `session`: invalid regular expression `sid=[a-z`: unclosed character class",
            None,
        ),
        col(
            "capture-bad-name.yaml",
            "capture-bad-name.yaml:6:7",
            "invalid capture name `item-id`: use letters, digits and _",
            None,
        ),
        col(
            "capture-unknown-source.yaml",
            "capture-unknown-source.yaml:6:15",
            "capture `etag`: unknown source `heder`",
            Some("did you mean `header`?"),
        ),
        // Templates and variables, checked before anything is sent.
        col(
            "template-syntax.yaml",
            "template-syntax.yaml:4:10",
            "template syntax error in request `list`: unexpected end of variable block, expected identifier or integer",
            None,
        ),
        col(
            "undefined-var-url.yaml",
            "undefined-var-url.yaml:6:10",
            "undefined variable `api_pth` in request `list`",
            Some("did you mean `api_path`?"),
        ),
        col(
            "undefined-var-header.yaml",
            "undefined-var-header.yaml:8:17",
            "undefined variable `tenant_id` in request `list`",
            Some("did you mean `tenant`?"),
        ),
        col(
            "undefined-var-body.yaml",
            "undefined-var-body.yaml:9:13",
            "undefined variable `username` in request `create`",
            Some("did you mean `user_name`?"),
        ),
        col(
            "undefined-var-auth.yaml",
            "undefined-var-auth.yaml:8:15",
            "undefined variable `acess_token` in request `list`",
            Some("did you mean `access_token`?"),
        ),
        col(
            "undefined-env.yaml",
            "undefined-env.yaml:6:18",
            "undefined variable `env.RUNNER_TEST_UNSET_KEY` in request `list`",
            Some("set the environment variable RUNNER_TEST_UNSET_KEY, or add it to the .env file"),
        ),
        // Environment files.
        env(
            "env-unknown-key.yaml",
            "env-unknown-key.yaml:2:1",
            "unknown key `variabels`",
            Some("did you mean `variables`?"),
        ),
        env(
            "env-bad-variable-name.yaml",
            "env-bad-variable-name.yaml:2:3",
            "invalid variable name `api.path`: use letters, digits and _",
            None,
        ),
        env(
            "env-wrong-type.yaml",
            "env-wrong-type.yaml:1:12",
            "`variables` must be a map, found a list",
            None,
        ),
        env(
            "env-undefined-variable.yaml",
            "env-undefined-variable.yaml:2:14",
            "variable `items_url`: undefined variable `prefix`",
            Some(
                "define `prefix` in the environment or the collection's `variables:`, or pass --var prefix=...",
            ),
        ),
    ]
}

/// Runs one case with `command` (`run` or `validate`) and checks its single error.
fn check(case: &Case, command: &str, base_var: &str) {
    let mut args = vec![command, case.file, "--var", base_var];
    if let Some(env) = case.env {
        args.extend(["-e", env]);
    }
    let out = run_in_bad(&args);
    let what = format!("runner {}", args.join(" "));
    assert_eq!(out.code, 2, "{what}\n{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "", "{what}: nothing on stdout");
    assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(format!("error: {}", case.title).as_str()),
        "{what}\n{}",
        out.stderr
    );
    assert_eq!(
        lines.get(1).map(|l| l.trim_start()),
        Some(format!("--> {}", case.at).as_str()),
        "{what}\n{}",
        out.stderr
    );
    let helps: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("  = help: "))
        .collect();
    assert_eq!(
        helps,
        case.help.into_iter().collect::<Vec<_>>(),
        "{what}\n{}",
        out.stderr
    );
    // The corpus writes its credentials as `secret-pw` and `token-value`.
    for secret in ["secret-pw", "token-value"] {
        assert!(
            !out.stderr.contains(secret),
            "{what}: shows {secret}\n{}",
            out.stderr
        );
    }
    let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
    assert_eq!(
        errors, 1,
        "{what}: each corpus file has exactly one problem\n{}",
        out.stderr
    );
}

#[test]
fn every_bad_file_is_refused_with_its_exact_position_and_nothing_is_sent() {
    let server = server();
    let base_var = format!("base={}", server.url());
    let cases = cases();

    // The table covers the whole corpus, and the corpus is the whole table.
    let mut listed: Vec<&str> = cases.iter().map(|c| c.env.unwrap_or(c.file)).collect();
    listed.sort_unstable();
    let mut on_disk: Vec<String> = std::fs::read_dir(bad_dir())
        .expect("tests/fixtures/bad")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && n != "ok.yaml")
        .collect();
    on_disk.sort_unstable();
    assert_eq!(listed, on_disk);
    assert!(on_disk.len() >= 30, "{} corpus files", on_disk.len());

    std::thread::scope(|s| {
        for chunk in cases.chunks(8) {
            let base_var = &base_var;
            s.spawn(move || {
                for case in chunk {
                    check(case, "run", base_var);
                    check(case, "validate", base_var);
                }
            });
        }
    });
    assert_eq!(server.hits(), 0, "invalid input sends nothing");

    // The same server is reachable: hits() == 0 above means something.
    let out = run_in_bad(&["run", "ok.yaml", "--var", &base_var]);
    out.assert_code(0);
    assert_eq!(server.hits(), 1);
}

#[test]
fn command_line_mistakes_are_invalid_input_and_send_nothing() {
    let server = server();
    let base_var = format!("base={}", server.url());
    let base = base_var.as_str();
    let exact = [
        (
            vec!["run", "missing.yaml", "--var", base],
            "error: cannot read collection file missing.yaml: no such file\n\n",
        ),
        (
            vec!["validate", "missing.yaml"],
            "error: cannot read collection file missing.yaml: no such file\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "-e", "missing-env.yaml"],
            "error: cannot read environment file missing-env.yaml: no such file\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--var", "token"],
            "error: --var must be KEY=VALUE: `token` has no `=`\n  = help: for example --var base_url=http://localhost:8080\n\n",
        ),
        (
            // What looks like a value is not repeated: it may be a token.
            vec![
                "run",
                "ok.yaml",
                "--var",
                base,
                "--var",
                "token:eyJhbGciOi.secret",
            ],
            "error: --var must be KEY=VALUE: --var number 2 has no `=`\n  = help: for example --var base_url=http://localhost:8080\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--var", "=s3cr3t"],
            "error: --var must be KEY=VALUE: --var number 2 has no name before `=`\n  = help: for example --var base_url=http://localhost:8080\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--timeout", "soon"],
            "error: invalid --timeout: `soon` is not a duration\n  = help: write a duration such as 500ms, 30s or 2m\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--timeout", "5 parsecs"],
            "error: invalid --timeout: `5 parsecs` has an unknown unit `parsecs`\n  = help: write a duration such as 500ms, 30s or 2m\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--timeout", "5"],
            "error: invalid --timeout: `5` has no unit; add a unit: 5s or 5ms\n  = help: write a duration such as 500ms, 30s or 2m\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--login-timeout", "90"],
            "error: invalid --login-timeout: `90` has no unit; add a unit: 90s or 90ms\n\n",
        ),
        (
            vec!["run", "ok.yaml", "--var", base, "--env-file", "missing.env"],
            "error: cannot read --env-file missing.env: no such file\n\n",
        ),
    ];
    for (args, stderr) in exact {
        let out = run_in_bad(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr, stderr, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }

    // `runner mock` refuses a broken collection before serving anything.
    let out = run_in_bad(&["mock", "unknown-key-request.yaml", "--port", "0"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr.lines().next(),
        Some("error: unknown key `methd`")
    );

    let out = run_in_bad(&["run", "ok.yaml", "--var", base, "--reporter", "xml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr.lines().next(),
        Some("error: unknown reporter `xml`")
    );

    // Mistakes clap itself catches.
    for args in [
        vec!["run"],
        vec!["run", "ok.yaml", "--var", base, "--no-such-flag"],
        vec!["run", "ok.yaml", "--var", base, "--color", "sometimes"],
    ] {
        let out = run_in_bad(&args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(
            out.stderr.starts_with("error: "),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(server.hits(), 0);
}

#[test]
fn golden_unknown_key() {
    let out = run_in_bad(&[
        "run",
        "unknown-key-request.yaml",
        "--var",
        "base=http://127.0.0.1:9",
    ]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: unknown key `methd`
 --> unknown-key-request.yaml:5:5
  |
5 |     methd: GET
  |     ^^^^^
  = help: did you mean `method`?

"
    );
}

#[test]
fn golden_undefined_variable() {
    let out = run_in_bad(&[
        "validate",
        "undefined-var-url.yaml",
        "--var",
        "base=http://127.0.0.1:9",
    ]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: undefined variable `api_pth` in request `list`
 --> undefined-var-url.yaml:6:10
  |
6 |     url: \"{{ base }}{{ api_pth }}/items\"
  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: did you mean `api_path`?

"
    );
}

#[test]
fn golden_unclosed_bracket_points_at_the_bracket_not_at_the_next_key() {
    let out = run_in_bad(&["validate", "yaml-unclosed-flow-sequence.yaml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: unclosed `[`
 --> yaml-unclosed-flow-sequence.yaml:2:7
  |
2 | tags: [smoke, slow
  |       ^
  = help: close it with `]`; a list or map in brackets must end before the next key

"
    );
}

#[test]
fn golden_environment_not_found_lists_the_environments() {
    let ws = Workspace::new();
    ws.write(
        "collections/c.yaml",
        "requests:\n  - name: a\n    url: http://127.0.0.1:9/\n",
    );
    for name in ["local", "prod", "staging"] {
        ws.write(&format!("environments/{name}.yaml"), "variables: {}\n");
    }
    let out = ws.run(&["run", "collections/c.yaml", "-e", "stagin"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: environment `stagin` not found
  = help: did you mean `staging`?
  = note: environments found: local, prod, staging
  = note: looked for environments/stagin.yaml, collections/environments/stagin.yaml

"
    );
    let out = ws.run(&["validate", "collections/c.yaml", "-e", "qa"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: environment `qa` not found
  = help: environments found: local, prod, staging
  = note: looked for environments/qa.yaml, collections/environments/qa.yaml

"
    );
}

#[test]
fn golden_several_errors_in_one_file_are_all_reported_and_counted() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "\
name: two problems
requests:
  - name: list
    url: http://127.0.0.1:9/items
    method: GE T
    expect:
      status: { in: 200 }
",
    );
    let out = ws.run(&["validate", "c.yaml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: invalid method `GE T`
 --> c.yaml:5:13
  |
5 |     method: GE T
  |             ^^^^
  = help: did you mean `GET`?

error: status: `in` needs a list, found 200
 --> c.yaml:7:21
  |
7 |       status: { in: 200 }
  |                     ^^^

2 errors
"
    );
}

/// Collection files load several at a time: the errors still come file by file in the
/// order of the command line, however long each file takes to load.
#[test]
fn errors_of_several_files_come_in_command_line_order() {
    let ws = Workspace::new();
    // The first file is the longest: it finishes loading last.
    let mut long = String::from("name: long\nrequests:\n");
    for i in 1..=2000 {
        long.push_str(&format!(
            "  - name: r{i}\n    url: http://127.0.0.1:9/{i}\n"
        ));
    }
    long.push_str("  - name: last\n    url: http://127.0.0.1:9/last\n    methd: GET\n");
    ws.write("a.yaml", &long);
    ws.write(
        "b.yaml",
        "name: b\nrequests:\n  - name: one\n    url: http://127.0.0.1:9/\n    method: GE T\n",
    );
    ws.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: fine\n    url: http://127.0.0.1:9/\n",
    );
    ws.write(
        "d.yaml",
        "name: d\nrequests:\n  - name: two\n    url: http://127.0.0.1:9/\n    expect:\n      status: { in: 200 }\n",
    );
    let expected = "\
error: unknown key `methd`
    --> a.yaml:4005:5
     |
4005 |     methd: GET
     |     ^^^^^
  = help: did you mean `method`?

error: invalid method `GE T`
 --> b.yaml:5:13
  |
5 |     method: GE T
  |             ^^^^
  = help: did you mean `GET`?

error: status: `in` needs a list, found 200
 --> d.yaml:6:21
  |
6 |       status: { in: 200 }
  |                     ^^^

3 errors
";
    for command in ["validate", "run"] {
        let out = ws.run(&[command, "a.yaml", "b.yaml", "c.yaml", "d.yaml"]);
        out.assert_code(2);
        assert_eq!(out.stderr, expected, "{command}");
    }
}

/// Ways the shipped collection can be cut short or corrupted are refused or accepted, never
/// a crash. A deterministic sample: the shortest and longest prefixes and every third one
/// between, and two of the four corruptions of each line, taking turns, so that every kind
/// meets every part of the file.
#[test]
fn no_prefix_or_corruption_of_a_real_collection_panics() {
    let root = repo_root();
    let source =
        std::fs::read_to_string(root.join("collections/connections.yaml")).expect("collection");
    let env = std::fs::read_to_string(root.join("environments/local.yaml")).expect("env");
    let lines: Vec<&str> = source.lines().collect();

    let mut variants: Vec<(String, String)> = Vec::new();
    for n in (0..=lines.len()).filter(|n| *n <= 3 || *n + 3 >= lines.len() || n % 3 == 0) {
        let mut text = lines[..n].join("\n");
        text.push('\n');
        variants.push((format!("the first {n} lines"), text));
    }
    let corrupt = |i: usize, f: &dyn Fn(&str) -> String| -> String {
        lines
            .iter()
            .enumerate()
            .map(|(j, l)| if j == i { f(l) } else { l.to_string() })
            .collect::<Vec<_>>()
            .join("\n")
    };
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let mid = line.len() / 2;
        let mid = (0..=mid)
            .rev()
            .find(|b| line.is_char_boundary(*b))
            .unwrap_or(0);
        let quote = line.rfind('"');
        for kind in [i % 4, (i + 2) % 4] {
            match kind {
                0 => variants.push((
                    format!("a stray `:` in line {}", i + 1),
                    corrupt(i, &|l| format!("{}:{}", &l[..mid], &l[mid..])),
                )),
                1 => variants.push((
                    format!("a stray `[` in line {}", i + 1),
                    corrupt(i, &|l| format!("{}[{}", &l[..mid], &l[mid..])),
                )),
                2 => variants.push((
                    format!("a tab before line {}", i + 1),
                    corrupt(i, &|l| format!("\t{l}")),
                )),
                _ => {
                    if let Some(q) = quote {
                        variants.push((
                            format!("a truncated quote in line {}", i + 1),
                            corrupt(i, &|l| l[..q].to_string()),
                        ));
                    }
                }
            }
        }
    }
    let cut = (0..=source.len() / 3)
        .rev()
        .find(|b| source.is_char_boundary(*b))
        .unwrap_or(0);
    variants.push(("a truncated byte stream".into(), source[..cut].to_string()));

    let ws = Workspace::new();
    ws.write("environments/local.yaml", &env);
    let dir = ws.path();
    std::thread::scope(|s| {
        for (k, chunk) in variants.chunks(variants.len().div_ceil(8)).enumerate() {
            s.spawn(move || {
                for (j, (what, text)) in chunk.iter().enumerate() {
                    let name = format!("c{k}-{j}.yaml");
                    std::fs::write(dir.join(&name), text).expect("write");
                    let out = Output::from(
                        runner()
                            .current_dir(dir)
                            .args(["validate", &name, "-e", "local", "--mock"])
                            .output()
                            .expect("run"),
                    );
                    check_no_panic(what, text, &name, &name, &out);
                }
            });
        }
    });

    // Both ends of the range behave as they must: nothing is refused as empty, the whole
    // file is accepted.
    ws.write("empty.yaml", &variants[0].1);
    let out = ws.run(&["validate", "empty.yaml", "-e", "local", "--mock"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr.lines().next(),
        Some("error: the collection file is empty")
    );
    ws.write("whole.yaml", &format!("{}\n", lines.join("\n")));
    ws.run(&["validate", "whole.yaml", "-e", "local", "--mock"])
        .assert_code(0);

    // Every prefix of the environment, with the whole collection.
    let env_lines: Vec<&str> = env.lines().collect();
    for n in 0..=env_lines.len() {
        let mut text = env_lines[..n].join("\n");
        text.push('\n');
        ws.write("environments/cut.yaml", &text);
        let out = ws.run(&["validate", "whole.yaml", "-e", "cut", "--mock"]);
        check_no_panic(
            &format!("the first {n} lines of the environment"),
            &text,
            "whole.yaml",
            "environments/cut.yaml",
            &out,
        );
    }
}

/// The exit code is a documented one, a refusal is a diagnostic, and its position lies
/// inside the file.
/// `collection` is the file `validate` names when it passes; `file` holds `text`.
fn check_no_panic(what: &str, text: &str, collection: &str, file: &str, out: &Output) {
    assert!(
        [0, 1, 2, 3].contains(&out.code),
        "{what}: exit {}\n{}",
        out.code,
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
    match out.code {
        0 => assert!(
            out.stdout.starts_with(&format!("ok {collection}")),
            "{what}: {}",
            out.stdout
        ),
        2 => {
            assert!(out.stderr.starts_with("error: "), "{what}: {}", out.stderr);
            let line_count = text.lines().count().max(1) as u32;
            for at in out
                .stderr
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("--> "))
            {
                let Some(rest) = at.strip_prefix(&format!("{file}:")) else {
                    continue;
                };
                let line: u32 = rest
                    .split(':')
                    .next()
                    .and_then(|l| l.parse().ok())
                    .unwrap_or(0);
                assert!(
                    (1..=line_count + 1).contains(&line),
                    "{what}: position {at} outside a file of {line_count} lines\n{}",
                    out.stderr
                );
            }
        }
        _ => {}
    }
}

/// A diagnostic quotes the offending line, but never a credential written on it.
#[test]
fn a_broken_line_is_quoted_without_the_credentials_on_it() {
    let ws = Workspace::new();
    ws.write(
        "c.yaml",
        "\
auth: { basic: { username: ada, password: hunter2-pw, realm: x } }
requests:
  - name: list
    url: http://127.0.0.1:9/items
",
    );
    let out = ws.run(&["validate", "c.yaml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: unknown key `realm`
 --> c.yaml:1:55
  |
1 | auth: { basic: { username: ada, password: **********, realm: x } }
  |                                                       ^^^^^
  = help: expected one of: username, password

"
    );

    ws.write(
        "ok.yaml",
        "requests:\n  - name: a\n    url: http://127.0.0.1:9/\n",
    );
    // A credential by its key's name, and one by the environment's `secrets:` list.
    ws.write("env.yaml", "variables:\n  api_token: [tok-123-secret\n");
    let out = ws.run(&["validate", "ok.yaml", "-e", "env.yaml"]);
    out.assert_code(2).assert_not_contains("tok-123-secret");
    assert_eq!(
        out.stderr.lines().nth(1),
        Some(" --> env.yaml:2:14"),
        "{}",
        out.stderr
    );
    ws.write(
        "listed.yaml",
        "variables:\n  signing: k-456-secret: x\nsecrets: [signing]\n",
    );
    let out = ws.run(&["validate", "ok.yaml", "-e", "listed.yaml"]);
    out.assert_code(2).assert_not_contains("k-456-secret");
    assert_eq!(
        out.stderr.lines().nth(1),
        Some(" --> listed.yaml:2:24"),
        "{}",
        out.stderr
    );
    // A token pasted where the kind of auth goes.
    ws.write(
        "pasted.yaml",
        "auth: eyJ-pasted-token\nrequests:\n  - name: a\n    url: http://127.0.0.1:9/\n",
    );
    let out = ws.run(&["validate", "pasted.yaml"]);
    out.assert_code(2).assert_not_contains("eyJ-pasted-token");
    assert_eq!(
        out.stderr.lines().next(),
        Some("error: `auth` must be one of none, inherit, bearer, basic, oauth2")
    );
}

/// The corpus directory holds the schema files its cases refer to.
#[test]
fn corpus_support_files_exist() {
    for f in ["schemas/not-json.json", "schemas/not-a-schema.json"] {
        assert!(Path::new(&bad_dir().join(f)).is_file(), "{f}");
    }
    assert!(!bad_dir().join("schemas/missing.json").exists());
    assert!(!bad_dir().join("data/missing.bin").exists());
}
