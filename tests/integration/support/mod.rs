//! Test helpers: a workspace folder with files, the real binary, and in-process HTTP
//! servers on loopback port 0 that record what they receive.

pub mod newman;
#[cfg(unix)]
pub mod pty;
pub mod release;
pub mod server;
mod server_tls;
pub mod text;
pub mod xsd;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub use server::{Recorded, TestServer};

/// A temporary folder to write collections into and run the binary in.
pub struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `rel` (creating folders) and returns the full path.
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dir");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// The runner binary, running in this workspace, with a clean, colourless environment.
    pub fn runner(&self) -> Command {
        let mut cmd = runner();
        cmd.current_dir(self.dir.path());
        cmd
    }

    /// Runs `runner ARGS...` here and returns the output.
    pub fn run(&self, args: &[&str]) -> Output {
        Output::from(self.runner().args(args).output().expect("run runner"))
    }
}

/// The device grant's polling waits in tests: a hundredth of what the server asks, so a
/// 1 s interval lasts 10 ms and a `slow_down` adds 50 ms.
pub const POLL_SCALE: f64 = 0.01;

/// The runner binary with a predictable environment.
pub fn runner() -> Command {
    let mut cmd = Command::cargo_bin("runner").expect("runner binary");
    cmd.env("NO_COLOR", "1")
        .env("RUNNER_TEST_POLL_SCALE", POLL_SCALE.to_string())
        .env_remove("CI")
        .env_remove("RUST_LOG");
    cmd
}

/// What a run printed and how it exited.
#[derive(Debug)]
pub struct Output {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl From<std::process::Output> for Output {
    fn from(o: std::process::Output) -> Output {
        Output {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Output {
    /// stdout and stderr together, for searching.
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Asserts the exit code, showing the output when it differs.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Output {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts that stdout or stderr contains `text`.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Output {
        assert!(
            self.all().contains(text),
            "expected output to contain {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Asserts that neither stdout nor stderr contains `text`.
    #[track_caller]
    pub fn assert_not_contains(&self, text: &str) -> &Output {
        assert!(
            !self.all().contains(text),
            "output must not contain {text:?}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

/// The repository root (for the shipped collections).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder of the fixtures shared between checkouts (`../shared/fixtures/NAME`, or
/// `$RUNNER_SHARED_FIXTURES/NAME`; kept out of the repository for their licences). `None`,
/// after saying so, when it is missing; a failure under CI (`CI=true`), where a skip would
/// hide a lost check.
pub fn shared_fixtures(name: &str) -> Option<PathBuf> {
    let root = std::env::var_os("RUNNER_SHARED_FIXTURES")
        .filter(|d| !d.is_empty())
        .map_or_else(|| repo_root().join("../shared/fixtures"), PathBuf::from);
    let dir = root.join(name);
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and the shared fixtures are missing: {}",
        dir.display()
    );
    eprintln!("SKIPPED: no shared fixtures at {}", dir.display());
    None
}
