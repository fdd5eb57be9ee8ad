//! CI matrices: `--shard auto` from each CI's variables, and the pipeline files shipped in
//! docs/ci/, whose `runner` commands must parse with the real command line.

use axum::Router;
use axum::extract::Path;
use axum::routing::get;

use crate::support::{Output, TestServer, Workspace};

/// Every variable `--shard auto` reads: cleared in each run, so that the CI running these
/// tests (GitLab sets CI_NODE_TOTAL=1 in every job) cannot change them.
const SHARD_VARS: [&str; 6] = [
    "RUNNER_SHARD_INDEX",
    "RUNNER_SHARD_TOTAL",
    "CI_NODE_INDEX",
    "CI_NODE_TOTAL",
    "BUILDKITE_PARALLEL_JOB",
    "BUILDKITE_PARALLEL_JOB_COUNT",
];

fn server() -> TestServer {
    TestServer::start(Router::new().route(
        "/{collection}/{iteration}",
        get(|Path((c, i)): Path<(String, String)>| async move { format!("{c} {i}") }),
    ))
}

fn two_collections(ws: &Workspace) {
    for name in ["a", "b"] {
        ws.write(
            &format!("{name}.yaml"),
            &format!(
                "name: {name}\nrequests:\n  - name: one\n    url: \"{{{{ server }}}}/{name}/{{{{ iteration }}}}\"\n    expect:\n      status: 200\n"
            ),
        );
    }
}

/// Runs the two collections three times each with `args` and `vars` set, and returns the
/// output and the paths the server received, in order.
fn run_sharded(ws: &Workspace, args: &[&str], vars: &[(&str, &str)]) -> (Output, Vec<String>) {
    let server = server();
    let var = format!("server={}", server.url());
    let mut cmd = ws.runner();
    for name in SHARD_VARS {
        cmd.env_remove(name);
    }
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.args(["run", "a.yaml", "b.yaml", "-n", "3", "--var", &var]);
    cmd.args(args);
    let out = Output::from(cmd.output().expect("run runner"));
    let paths = server.requests().into_iter().map(|r| r.uri).collect();
    (out, paths)
}

#[test]
fn shard_auto_picks_the_slice_each_ci_names() {
    let ws = Workspace::new();
    two_collections(&ws);
    // Units in plan order: a/0 a/1 a/2 b/0 b/1 b/2; slice k of 3 holds units k-1 and k+2.
    let expected = [["/a/0", "/b/0"], ["/a/1", "/b/1"], ["/a/2", "/b/2"]];
    for k in 1..=3usize {
        let explicit = format!("{k}/3");
        let (out, paths) = run_sharded(&ws, &["--shard", &explicit], &[]);
        out.assert_code(0);
        assert_eq!(paths, expected[k - 1], "--shard {explicit}");
        let one_based = k.to_string();
        let zero_based = (k - 1).to_string();
        let cis: [(&str, [(&str, &str); 2]); 3] = [
            (
                "GitHub Actions matrix (ours)",
                [
                    ("RUNNER_SHARD_INDEX", &one_based),
                    ("RUNNER_SHARD_TOTAL", "3"),
                ],
            ),
            (
                "GitLab",
                [("CI_NODE_INDEX", &one_based), ("CI_NODE_TOTAL", "3")],
            ),
            (
                "Buildkite",
                [
                    ("BUILDKITE_PARALLEL_JOB", &zero_based),
                    ("BUILDKITE_PARALLEL_JOB_COUNT", "3"),
                ],
            ),
        ];
        for (ci, vars) in cis {
            let (out, auto_paths) = run_sharded(
                &ws,
                &["--shard", "auto", "--reporter", "json=auto.json"],
                &vars,
            );
            out.assert_code(0).assert_contains(&format!(
                "shard {k}/3 (--shard auto: {}={}, {}=3)",
                vars[0].0, vars[0].1, vars[1].0
            ));
            assert_eq!(auto_paths, paths, "{ci}, shard {k}/3");
            let report: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(ws.path().join("auto.json")).expect("report"),
            )
            .expect("json");
            assert_eq!(report["meta"]["shard"], explicit.as_str(), "{ci}");
        }
    }
}

#[test]
fn shard_auto_prefers_our_pair_and_treats_a_gitlab_job_without_parallel_as_whole() {
    let ws = Workspace::new();
    two_collections(&ws);
    // GitLab sets CI_NODE_TOTAL=1 in every job: our pair, set from a matrix, wins over it.
    let (out, paths) = run_sharded(
        &ws,
        &["--shard", "auto"],
        &[
            ("CI_NODE_TOTAL", "1"),
            ("RUNNER_SHARD_INDEX", "3"),
            ("RUNNER_SHARD_TOTAL", "3"),
        ],
    );
    out.assert_code(0);
    assert_eq!(paths, ["/a/2", "/b/2"]);
    // A GitLab job without `parallel:` has no CI_NODE_INDEX: the whole suite.
    let (out, paths) = run_sharded(&ws, &["--shard", "auto"], &[("CI_NODE_TOTAL", "1")]);
    out.assert_code(0)
        .assert_contains("shard 1/1 (--shard auto: CI_NODE_TOTAL=1)");
    assert_eq!(paths.len(), 6);
}

#[test]
fn shard_auto_without_or_with_bad_variables_is_invalid_input() {
    let ws = Workspace::new();
    two_collections(&ws);
    let (out, paths) = run_sharded(&ws, &["--shard", "auto"], &[]);
    out.assert_code(2);
    assert!(paths.is_empty());
    assert_eq!(
        out.stderr,
        "error: --shard auto: no CI shard variables are set\n  \
         = help: in a GitHub Actions matrix set RUNNER_SHARD_INDEX (1-based) and RUNNER_SHARD_TOTAL, or give --shard K/N\n  \
         = note: looked for RUNNER_SHARD_INDEX/RUNNER_SHARD_TOTAL (runner's own, e.g. from a GitHub Actions matrix), \
         CI_NODE_INDEX/CI_NODE_TOTAL (GitLab CI `parallel:`), \
         BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT (Buildkite `parallelism:`)\n\n"
    );
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "3")],
            "error: --shard auto: CI_NODE_INDEX=`0` and CI_NODE_TOTAL=`3` do not name a slice: the index must be between 1 and 3",
        ),
        (
            &[
                ("BUILDKITE_PARALLEL_JOB", "3"),
                ("BUILDKITE_PARALLEL_JOB_COUNT", "3"),
            ],
            "= help: BUILDKITE_PARALLEL_JOB counts from 0 to BUILDKITE_PARALLEL_JOB_COUNT - 1 (Buildkite `parallelism:`)",
        ),
        (
            &[("RUNNER_SHARD_INDEX", "two"), ("RUNNER_SHARD_TOTAL", "3")],
            "do not name a slice: RUNNER_SHARD_INDEX is not a number",
        ),
        (
            &[("RUNNER_SHARD_INDEX", "2")],
            "error: --shard auto: RUNNER_SHARD_INDEX is set but RUNNER_SHARD_TOTAL is not",
        ),
    ];
    for (vars, message) in cases {
        let (out, paths) = run_sharded(&ws, &["--shard", "auto"], vars);
        out.assert_code(2).assert_contains(message);
        assert!(paths.is_empty());
    }
    let (out, _) = run_sharded(&ws, &["--shard", "3"], &[]);
    out.assert_code(2)
        .assert_contains("--shard must be K/N with 1 <= K <= N, such as 2/3, or auto: got `3`");
}

/// The shipped pipeline files, and the CI each is for.
const PIPELINES: [&str; 2] = ["docs/ci/github-actions.yml", "docs/ci/gitlab-ci.yml"];

/// Splits a shell script into the words of each simple command: lines ending in `\` go on,
/// `'...'` and `"..."` quote, `#` starts a comment, and `|`, `||`, `&&`, `;`, `$(` and `)` end a command (so the
/// command in `x=$(runner ...)` counts). A redirection (`> FILE`, `< FILE`) is left out with
/// its file. GitHub expressions (`${{ matrix.shard }}`) become `1`.
fn shell_commands(script: &str) -> Vec<Vec<String>> {
    let mut text = script.replace("\\\n", " ");
    while let Some(start) = text.find("${{") {
        let end = text[start..]
            .find("}}")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "1");
    }
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars().peekable();
    let mut redirect = false;
    let end_word = |word: &mut Option<String>, words: &mut Vec<String>, redirect: &mut bool| {
        if let Some(w) = word.take() {
            if *redirect {
                *redirect = false;
            } else {
                words.push(w);
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        _ => w.push(q),
                    }
                }
            }
            '$' if chars.peek() == Some(&'(') => {
                chars.next();
                end_word(&mut word, &mut words, &mut redirect);
                commands.push(std::mem::take(&mut words));
            }
            '|' | '&' | ';' | ')' | '\n' => {
                end_word(&mut word, &mut words, &mut redirect);
                commands.push(std::mem::take(&mut words));
            }
            '>' | '<' => {
                // `2>` is a redirection, not the word 2.
                if word.as_deref() == Some("2") {
                    word = None;
                }
                end_word(&mut word, &mut words, &mut redirect);
                redirect = true;
                if chars.peek() == Some(&'>') {
                    chars.next();
                }
            }
            // A comment runs to the end of the line.
            '#' if word.is_none() => while chars.next_if(|&n| n != '\n').is_some() {},
            c if c.is_whitespace() => end_word(&mut word, &mut words, &mut redirect),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    end_word(&mut word, &mut words, &mut redirect);
    commands.push(words);
    commands.retain(|c| !c.is_empty());
    commands
}

/// The `runner` commands of a script: those whose program is `runner` or a path to it
/// (`bin/runner`), after any `NAME=value` assignments; each without its program name.
fn runner_commands(script: &str) -> Vec<Vec<String>> {
    shell_commands(script)
        .into_iter()
        .filter_map(|words| {
            let start = words.iter().position(|w| !w.contains('='))?;
            let program = &words[start];
            (program == "runner" || program.ends_with("/runner"))
                .then(|| words[start + 1..].to_vec())
        })
        .collect()
}

/// Parses `runner ARGS` with the binary's own command line definition: an unknown
/// subcommand or flag, a missing value or argument fails as it would for the binary.
fn parse(args: &[String]) -> Result<(), String> {
    use clap::Parser;
    runner::cli::Args::try_parse_from(
        std::iter::once("runner".to_string()).chain(args.iter().cloned()),
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// Every script of a pipeline: the values of `run:` (GitHub Actions steps) and of
/// `script:`, `before_script:` and `after_script:` (GitLab jobs), as text.
fn scripts(node: &serde_json::Value, out: &mut Vec<String>) {
    match node {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let is_script =
                    ["run", "script", "before_script", "after_script"].contains(&key.as_str());
                match value {
                    serde_json::Value::String(s) if is_script => out.push(s.clone()),
                    serde_json::Value::Array(items) if is_script => {
                        out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                    }
                    other => scripts(other, out),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| scripts(i, out)),
        _ => {}
    }
}

fn read_yaml(text: &str, what: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("{what} is not valid YAML: {e}"))
}

/// Checks every `runner` command of `scripts` and returns them.
#[track_caller]
fn check_commands(scripts: &[String], what: &str) -> Vec<Vec<String>> {
    let commands: Vec<Vec<String>> = scripts.iter().flat_map(|s| runner_commands(s)).collect();
    for args in &commands {
        if let Err(e) = parse(args) {
            panic!("{what}: `runner {}` does not parse:\n{e}", args.join(" "));
        }
    }
    commands
}

#[test]
fn the_command_check_refuses_a_misspelled_flag_and_finds_nested_commands() {
    let found = runner_commands(
        "chmod +x bin/runner && echo ok\ntoken=$(bin/runner auth token c.yaml -e prod --no-token-cache)\n\
         runner run c.yaml \\\n  --shard auto --reporter 'json=a b.json' > out.txt 2> err.txt\n",
    );
    assert_eq!(
        found,
        [
            vec!["auth", "token", "c.yaml", "-e", "prod", "--no-token-cache"],
            vec![
                "run",
                "c.yaml",
                "--shard",
                "auto",
                "--reporter",
                "json=a b.json"
            ],
        ]
    );
    assert!(parse(&found[0].iter().map(|s| s.to_string()).collect::<Vec<_>>()).is_ok());
    for bad in [
        "runner run c.yaml --shardd auto",
        "runner run c.yaml --shard",
        "runner report merge a.json --reporters junit=x.xml",
        "runner report combine a.json --reporter junit=x.xml",
    ] {
        let args = &runner_commands(bad)[0];
        assert!(parse(args).is_err(), "{bad}");
    }
}

#[test]
fn shipped_pipelines_parse_and_their_runner_commands_exist() {
    let root = crate::support::repo_root();
    let doc = std::fs::read_to_string(root.join("docs/ci.md")).expect("docs/ci.md");
    for file in PIPELINES {
        let text = std::fs::read_to_string(root.join(file)).expect("pipeline file");
        assert!(
            doc.contains(&format!("```yaml\n{text}```")),
            "docs/ci.md must show {file} as it is"
        );
        let yaml = read_yaml(&text, file);
        let mut found = Vec::new();
        scripts(&yaml, &mut found);
        let commands = check_commands(&found, file);
        let lines: Vec<String> = commands.iter().map(|c| c.join(" ")).collect();
        assert!(
            lines.iter().any(|l| l.starts_with("run ")
                && l.contains("--shard auto")
                && l.contains("--reporter json=")),
            "{file}: a sharded run writing JSON: {lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("report merge ")
                && l.contains("--reporter junit=junit.xml")
                && l.contains("--reporter html=report.html")),
            "{file}: a merge writing JUnit and HTML: {lines:?}"
        );
    }
    // GitHub Actions: the matrix has as many jobs as RUNNER_SHARD_TOTAL says.
    let gh = read_yaml(
        &std::fs::read_to_string(root.join(PIPELINES[0])).expect("file"),
        PIPELINES[0],
    );
    let shard = &gh["jobs"]["shard"];
    let total = shard["env"]["RUNNER_SHARD_TOTAL"].as_u64().expect("total");
    let matrix = shard["strategy"]["matrix"]["shard"]
        .as_array()
        .expect("matrix");
    assert_eq!(
        matrix.iter().map(|v| v.as_u64()).collect::<Vec<_>>(),
        (1..=total).map(Some).collect::<Vec<_>>()
    );
    assert_eq!(shard["env"]["RUNNER_SHARD_INDEX"], "${{ matrix.shard }}");
    assert!(gh["jobs"]["report"]["needs"] == "shard");
    // GitLab: parallel jobs, and the merged JUnit file as the pipeline's test report.
    let gl = read_yaml(
        &std::fs::read_to_string(root.join(PIPELINES[1])).expect("file"),
        PIPELINES[1],
    );
    assert!(gl["api tests"]["parallel"].as_u64().is_some_and(|n| n > 1));
    assert_eq!(gl["report"]["artifacts"]["reports"]["junit"], "junit.xml");

    // The page's other snippets: YAML parses, and every runner command in them exists.
    let mut snippets = 0;
    for block in doc.split("```").skip(1).step_by(2) {
        let (lang, body) = block.split_once('\n').unwrap_or((block, ""));
        let mut found = Vec::new();
        match lang {
            "yaml" => scripts(&read_yaml(body, "a docs/ci.md snippet"), &mut found),
            "sh" => found.push(body.to_string()),
            other => panic!("docs/ci.md: a block of unknown language `{other}`"),
        }
        snippets += check_commands(&found, "docs/ci.md").len();
    }
    assert!(
        snippets >= 8,
        "docs/ci.md: only {snippets} runner commands found"
    );
}
