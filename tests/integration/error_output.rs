//! Errors and diagnostics are printed one way by every command: masked, and coloured only
//! as `--color` says (`auto`: when stderr is a terminal and NO_COLOR is unset).

use std::time::Duration;

use regex::Regex;

use crate::support::Workspace;

/// A collection whose one request uses a filter that does not exist; its line also holds
/// the values of two secret variables, one from `variables:` and one given with `--var`.
const BAD_FILTER: &str = r#"name: colours
secrets: [api_key, other]
variables: { api_key: tok-S3CRET-42 }
requests:
  - { name: a, url: "http://127.0.0.1:1/{{ api_key | nosuch }}", headers: { X-Token: tok-S3CRET-42, X-Other: var-S3CRET-7 } }
"#;

/// The diagnostic every command prints for `BAD_FILTER`, without colour.
const EXPECTED: &str = "error: template error in `nosuch`: filter nosuch is unknown in request `a`
 --> c.yaml:5:21
  |
5 |   - { name: a, url: \"http://127.0.0.1:1/{{ api_key | nosuch }}\", headers: { X-Token: *****, X-Other: ***** } }
  |                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

";

fn without_ansi(text: &str) -> String {
    Regex::new("\x1b\\[[0-9;]*m")
        .expect("pattern")
        .replace_all(text, "")
        .into_owned()
}

#[test]
fn color_never_and_always_decide_for_diagnostics() {
    let ws = Workspace::new();
    ws.write("c.yaml", BAD_FILTER);
    let args = ["validate", "c.yaml", "--var", "other=var-S3CRET-7"];
    let never = ws.run(&[&args[..], &["--color", "never"]].concat());
    never.assert_code(2);
    assert_eq!(never.stderr, EXPECTED);
    let always = ws.run(&[&args[..], &["--color", "always"]].concat());
    always.assert_code(2);
    assert!(always.stderr.contains("\x1b["), "{:?}", always.stderr);
    assert_eq!(without_ansi(&always.stderr), EXPECTED);
}

#[test]
fn usage_errors_of_run_follow_color() {
    let ws = Workspace::new();
    ws.write("c.yaml", BAD_FILTER);
    let never = ws.run(&["run", "c.yaml", "--timeout", "soon", "--color", "never"]);
    never.assert_code(2);
    assert!(!never.stderr.contains('\x1b'), "{:?}", never.stderr);
    assert!(never.stderr.starts_with("error: invalid --timeout: "));
    let always = ws.run(&["run", "c.yaml", "--timeout", "soon", "--color", "always"]);
    always.assert_code(2);
    assert!(always.stderr.contains("\x1b["), "{:?}", always.stderr);
    assert_eq!(without_ansi(&always.stderr), never.stderr);
}

/// On a terminal, `auto` colours and `never` does not.
#[cfg(unix)]
#[test]
fn color_never_holds_on_a_terminal() {
    use crate::support::pty::Pty;
    let ws = Workspace::new();
    ws.write("c.yaml", BAD_FILTER);
    let on_terminal = |color: &str| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("runner"));
        cmd.current_dir(ws.path())
            .args(["validate", "c.yaml", "--var", "other=var-S3CRET-7"])
            .args(["--color", color])
            .env_remove("NO_COLOR")
            .env_remove("CI")
            .env("TERM", "xterm");
        let mut pty = Pty::spawn(cmd);
        let (code, _) = pty.wait(Duration::from_secs(30));
        (code, pty.output())
    };
    let (code, never) = on_terminal("never");
    assert_eq!(code, 2);
    assert_eq!(never, EXPECTED);
    let (code, auto) = on_terminal("auto");
    assert_eq!(code, 2);
    assert!(auto.contains("\x1b["), "{auto:?}");
    assert_eq!(without_ansi(&auto), EXPECTED);
}

/// `runner curl` prints its errors like `validate`: masked.
#[test]
fn secrets_in_curl_errors_are_masked() {
    let ws = Workspace::new();
    ws.write("c.yaml", BAD_FILTER);
    let out = ws.run(&["curl", "c.yaml", "--var", "other=var-S3CRET-7"]);
    out.assert_code(2);
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, EXPECTED);
}
