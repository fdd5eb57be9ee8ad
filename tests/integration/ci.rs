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
