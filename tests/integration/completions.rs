//! `runner completions bash`, sourced in a real bash: environment names after `-e`/`--env`,
//! reporter names after `--reporter`, and clap's completions for the rest.

use crate::support::Workspace;

/// Completes the command line `line` (the cursor at its end) with the script that
/// `runner completions bash` printed, as bash's programmable completion calls it: the
/// words split at spaces and at `=` (bash's default COMP_WORDBREAKS), `$2` the word being
/// completed and `$3` the one before. Returns COMPREPLY, one word per line.
fn complete(ws: &Workspace, line: &str) -> Vec<String> {
    let script = r#"
source ./runner.bash
COMP_LINE="$1"
COMP_POINT=${#COMP_LINE}
words=()
for w in $COMP_LINE; do
    if [[ "$w" == *=* && "$w" != -* ]]; then
        words+=("${w%%=*}" "=")
        [[ -n "${w#*=}" ]] && words+=("${w#*=}")
    else
        words+=("$w")
    fi
done
[[ "$COMP_LINE" == *" " ]] && words+=("")
COMP_WORDS=("${words[@]}")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
cur="${COMP_WORDS[COMP_CWORD]}"
[[ "$cur" == "=" ]] && cur=""
_runner runner "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = std::process::Command::new("bash")
        .current_dir(ws.path())
        .args(["-c", script, "bash", line])
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn workspace() -> Workspace {
    let ws = Workspace::new();
    let out = ws.run(&["completions", "bash"]);
    out.assert_code(0);
    ws.write("runner.bash", &out.stdout);
    ws.write("environments/local.yaml", "variables: {}\n");
    ws.write("environments/prod.yml", "variables: {}\n");
    ws.write("environments/notes.txt", "not an environment\n");
    ws.write("api/collections/api.yaml", "name: api\nrequests: []\n");
    ws.write("api/environments/staging.yaml", "variables: {}\n");
    ws.write("api/collections/environments/inner.yaml", "variables: {}\n");
    ws
}

#[test]
fn bash_completes_environment_names_after_e() {
    let ws = workspace();
    assert_eq!(complete(&ws, "runner run -e "), ["local", "prod"]);
    assert_eq!(complete(&ws, "runner validate c.yaml --env p"), ["prod"]);
    // Beside and inside the collection's folder too.
    assert_eq!(
        complete(&ws, "runner run api/collections/api.yaml -e "),
        ["inner", "local", "prod", "staging"]
    );
    assert_eq!(
        complete(&ws, "runner auth login api/collections/api.yaml -e st"),
        ["staging"]
    );
    // COMP_WORDS alone, without COMP_LINE.
    let out = std::process::Command::new("bash")
        .current_dir(ws.path())
        .args([
            "-c",
            r#"source ./runner.bash; COMP_WORDS=(runner run -e ""); COMP_CWORD=3; _runner; echo "${COMPREPLY[@]}""#,
        ])
        .output()
        .expect("run bash");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "local prod\n");
    // A path is completed as a path.
    assert_eq!(
        complete(&ws, "runner run -e environments/l"),
        ["environments/local.yaml"]
    );
}

#[test]
fn bash_completes_reporter_names_then_their_file() {
    let ws = workspace();
    assert_eq!(
        complete(&ws, "runner run --reporter "),
        ["cli", "github", "junit=", "json=", "html="]
    );
    assert_eq!(
        complete(&ws, "runner run --reporter j"),
        ["junit=", "json="]
    );
    assert_eq!(
        complete(&ws, "runner report merge --reporter "),
        ["junit=", "json=", "html="]
    );
    assert_eq!(complete(&ws, "runner run --reporter junit=ap"), ["api"]);
}

#[test]
fn bash_completes_everything_else_as_clap_does() {
    let ws = workspace();
    assert_eq!(complete(&ws, "runner vali"), ["validate"]);
    assert_eq!(
        complete(&ws, "runner run --color "),
        ["auto", "always", "never"]
    );
    assert!(complete(&ws, "runner run --re").contains(&"--reporter".to_string()));
}
