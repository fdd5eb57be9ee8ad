//! Template errors name the variable at fault, suggest only other names, and tell once
//! that no environment was given.

use crate::support::{Workspace, repo_root, runner};

fn validate_in_repo(args: &[&str]) -> crate::support::Output {
    crate::support::Output::from(
        runner()
            .current_dir(repo_root())
            .arg("validate")
            .args(args)
            .output()
            .expect("run runner"),
    )
}

#[test]
fn the_readme_collection_names_the_variable_under_a_filter() {
    let out = validate_in_repo(&["collections/connections.yaml", "-e", "local"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: variable `idcs_url`: undefined variable `mock_url`
 --> environments/local.yaml:9:13
  |
9 |   idcs_url: \"{{ mock_url }}\"
  |             ^^^^^^^^^^^^^^^^
  = help: `mock_url` is set by `--mock`: run with --mock, or use another environment

error: variable `runtime_url`: undefined variable `mock_url`
  --> environments/local.yaml:10:16
   |
10 |   runtime_url: \"{{ mock_url }}\"
   |                ^^^^^^^^^^^^^^^^
  = help: `mock_url` is set by `--mock`: run with --mock, or use another environment

warning: variable `design_url` is not used by any request's templates, so it is left unset: undefined variable `mock_url`
  --> environments/local.yaml:11:15
   |
11 |   design_url: \"{{ mock_url | replace('127.0.0.1', 'localhost') }}\"
   |               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: `mock_url` is set by `--mock`: run with --mock, or use another environment

2 errors
"
    );
}

#[test]
fn without_an_environment_the_missing_variables_are_told_once() {
    let out = validate_in_repo(&["collections/connections.yaml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: 8 variables of collections/connections.yaml are not defined: callback_url, client_id, \
client_secret, design_host, idcs_url, integration_instance, runtime_url, scope
  = help: no environment was given: pass -e NAME (environments found: local, prod)

"
    );
}

#[test]
fn without_an_environment_other_errors_stay() {
    let ws = Workspace::new();
    ws.write(
        "environments/dev.yaml",
        "name: dev\nvariables:\n  base: http://127.0.0.1:9\n",
    );
    ws.write(
        "environments/staging.yaml",
        "name: staging\nvariables:\n  base: http://127.0.0.1:9\n",
    );
    ws.write(
        "c.yaml",
        "\
name: c
requests:
  - name: one
    url: \"{{ base }}/one?k={{ env.RUNNER_TEST_UNSET_KEY }}\"
  - name: two
    url: \"{{ base }}/two\"
",
    );
    let out = ws.run(&["validate", "c.yaml"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: 1 variable of c.yaml is not defined: base
  = help: no environment was given: pass -e NAME (environments found: dev, staging)

"
    );
    // With the environment, the process environment variable is still named.
    let out = ws.run(&["validate", "c.yaml", "-e", "dev"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: undefined variable `env.RUNNER_TEST_UNSET_KEY` in request `one`
 --> c.yaml:4:10
  |
4 |     url: \"{{ base }}/one?k={{ env.RUNNER_TEST_UNSET_KEY }}\"
  |          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: set the environment variable RUNNER_TEST_UNSET_KEY, or add it to the .env file

"
    );
}

#[test]
fn a_definition_that_failed_is_not_suggested_for_itself() {
    let ws = Workspace::new();
    ws.write(
        "environments/idcs.yaml",
        "\
name: idcs
variables:
  idcs_host: \"{{ env.RUNNER_TEST_UNSET_HOST }}\"
  idcs_url: \"https://{{ idcs_host }}\"
  cfg: { host: h }
  port: \"{{ cfg.port | default(cfg.host ~ '') }}{{ cfg.port }}\"
",
    );
    ws.write(
        "c.yaml",
        "name: c\nrequests:\n  - name: r\n    url: \"{{ idcs_url }}/x\"\n",
    );
    let out = ws.run(&["validate", "c.yaml", "-e", "idcs"]);
    out.assert_code(2);
    assert_eq!(
        out.stderr,
        "\
error: variable `idcs_host`: undefined variable `env.RUNNER_TEST_UNSET_HOST`
 --> environments/idcs.yaml:3:14
  |
3 |   idcs_host: \"{{ env.RUNNER_TEST_UNSET_HOST }}\"
  |              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: set the environment variable RUNNER_TEST_UNSET_HOST, or add it to the .env file

error: variable `idcs_url`: undefined variable `idcs_host`
 --> environments/idcs.yaml:4:13
  |
4 |   idcs_url: \"https://{{ idcs_host }}\"
  |             ^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: `idcs_host` is not set: undefined variable `env.RUNNER_TEST_UNSET_HOST`

warning: variable `port` is not used by any request's templates, so it is left unset: undefined variable `cfg.port`
 --> environments/idcs.yaml:6:9
  |
6 |   port: \"{{ cfg.port | default(cfg.host ~ '') }}{{ cfg.port }}\"
  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  = help: `cfg` is defined, but has no `port`

2 errors
"
    );
    out.assert_not_contains("did you mean");
}

/// The release binary users run names the variable under a filter too, as the debug build
/// the other tests drive does.
#[test]
fn the_release_binary_names_the_variable_under_a_filter() {
    let out = crate::support::Output::from(
        crate::support::release::release_command()
            .current_dir(repo_root())
            .args(["validate", "collections/connections.yaml", "-e", "local"])
            .output()
            .expect("run runner"),
    );
    out.assert_code(2);
    out.assert_contains(
        "warning: variable `design_url` is not used by any request's templates, so it is left \
         unset: undefined variable `mock_url`\n",
    );
    assert!(
        !out.stderr.contains("undefined variable `replace("),
        "{}",
        out.stderr
    );
}
