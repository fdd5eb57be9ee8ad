//! Newman 6, the reference runner of Postman collections: installed from the npm registry
//! once per test process into the target folder, run on a collection, and its JSON report
//! read back as one line per test.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// The npm package installed.
const PACKAGE: &str = "newman@6";

/// How a test ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Its function returned (or called `done()`) without an error.
    Passed,
    /// An assertion or exception failed it.
    Failed,
    /// `pm.test.skip`.
    Skipped,
}

/// One test of one request execution.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TestLine {
    /// 0-based iteration.
    pub iteration: usize,
    /// The request's name.
    pub request: String,
    /// The test's name.
    pub test: String,
    /// How it ended.
    pub verdict: Verdict,
    /// Why it failed (shown, never compared: the wording is not part of parity).
    pub message: Option<String>,
}

impl fmt::Display for TestLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = match self.verdict {
            Verdict::Passed => "pass",
            Verdict::Failed => "FAIL",
            Verdict::Skipped => "skip",
        };
        write!(
            f,
            "#{} {} / {}: {verdict}",
            self.iteration, self.request, self.test
        )?;
        match &self.message {
            Some(message) => write!(f, " ({message})"),
            None => Ok(()),
        }
    }
}

/// What a Newman run gave.
#[derive(Debug)]
pub struct NewmanRun {
    /// Exit code.
    pub code: i32,
    /// Every test, in the order the requests ran (each execution once, even when its
    /// scripts sent more requests with `pm.sendRequest`).
    pub tests: Vec<TestLine>,
    /// Uncaught script errors: `request (event): message`.
    pub script_errors: Vec<String>,
    /// The requests sent, by name, in order (one per execution).
    pub requests: Vec<String>,
    /// What Newman printed (for failure messages).
    pub output: String,
}

/// An installed Newman.
pub struct Newman {
    script: PathBuf,
}

/// Newman, installed on the first call of the process. `None` (after saying why) when
/// `node` or `npm` is missing; a failure under CI (`CI=true`), where a skip would hide a
/// lost check.
pub fn newman() -> Option<&'static Newman> {
    static NEWMAN: OnceLock<Option<Newman>> = OnceLock::new();
    NEWMAN.get_or_init(install).as_ref()
}

fn install() -> Option<Newman> {
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true and `{tool}` is missing: the Newman parity tests need Node.js"
            );
            eprintln!("SKIPPED: `{tool}` is not installed; the Newman parity tests need Node.js");
            return None;
        }
    }
    let dir = super::release::target_dir().join("newman-6");
    let script = dir.join("node_modules/newman/bin/newman.js");
    if !script.is_file() {
        // Installed beside the cache folder, then renamed into place: test processes that
        // race each other never see a half-installed folder.
        let staging = dir.with_file_name(format!("newman-6.{}.tmp", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        std::fs::create_dir_all(&staging).expect("create the Newman staging folder");
        let out = Command::new("npm")
            .current_dir(&staging)
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefer-offline",
                PACKAGE,
            ])
            .output()
            .expect("run npm install");
        assert!(
            out.status.success(),
            "npm install {PACKAGE} failed\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if std::fs::rename(&staging, &dir).is_err() {
            // Another process installed it first.
            let _ = std::fs::remove_dir_all(&staging);
        }
        assert!(script.is_file(), "no Newman at {}", script.display());
    }
    Some(Newman { script })
}

impl Newman {
    /// Runs `newman run COLLECTION --env-var base_url=BASE_URL ARGS...` in `dir` with the
    /// JSON reporter and reads its report.
    pub fn run(&self, dir: &Path, collection: &Path, base_url: &str, args: &[&str]) -> NewmanRun {
        let report = dir.join("newman-report.json");
        let _ = std::fs::remove_file(&report);
        let out = Command::new("node")
            .current_dir(dir)
            .arg(&self.script)
            .arg("run")
            .arg(collection)
            .arg("--env-var")
            .arg(format!("base_url={base_url}"))
            .args(["--reporters", "json", "--reporter-json-export"])
            .arg(&report)
            .args(["--color", "off"])
            .args(args)
            .env_remove("NODE_OPTIONS")
            .output()
            .expect("run newman");
        let output = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("newman wrote no report ({e})\n{output}"));
        let summary: Value = serde_json::from_str(&text).expect("newman's report is JSON");
        let mut run = parse(&summary);
        run.code = out.status.code().unwrap_or(-1);
        run.output = output;
        run
    }
}

/// Per-test results from `run.executions[]` of a Newman summary.
fn parse(summary: &Value) -> NewmanRun {
    let mut run = NewmanRun {
        code: 0,
        tests: Vec::new(),
        script_errors: Vec::new(),
        requests: Vec::new(),
        output: String::new(),
    };
    let empty = Vec::new();
    let executions = summary["run"]["executions"].as_array().unwrap_or(&empty);
    let mut seen = std::collections::HashSet::new();
    for execution in executions {
        // The same execution is listed once per HTTP request its scripts made.
        let cursor = execution["cursor"]["ref"].as_str().unwrap_or_default();
        if !seen.insert(cursor.to_string()) {
            continue;
        }
        let iteration = execution["cursor"]["iteration"].as_u64().unwrap_or(0) as usize;
        let request = execution["item"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        run.requests.push(request.clone());
        for assertion in execution["assertions"].as_array().unwrap_or(&empty) {
            let verdict = if assertion["skipped"].as_bool() == Some(true) {
                Verdict::Skipped
            } else if assertion["error"].is_object() {
                Verdict::Failed
            } else {
                Verdict::Passed
            };
            run.tests.push(TestLine {
                iteration,
                request: request.clone(),
                test: assertion["assertion"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                verdict,
                message: assertion["error"]["message"].as_str().map(str::to_string),
            });
        }
        for event in ["prerequestScript", "testScript"] {
            for failure in execution[event].as_array().unwrap_or(&empty) {
                run.script_errors.push(format!(
                    "{request} ({event}): {}",
                    failure["error"]["message"].as_str().unwrap_or_default()
                ));
            }
        }
    }
    run
}
