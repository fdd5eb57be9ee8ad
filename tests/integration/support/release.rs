//! The release-mode binary, for tests of behaviour that must hold where users run it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The target folder of this build: `CARGO_TARGET_DIR` when set, else the one this test
/// binary was built into (`<target>/debug/deps/integration-*`), else `./target`.
pub fn target_dir() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if dir.is_relative() {
            manifest.join(dir)
        } else {
            dir
        };
    }
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let deps = exe.parent()?;
            (deps.file_name()? == "deps").then(|| deps.parent()?.parent().map(Path::to_path_buf))?
        })
        .unwrap_or_else(|| manifest.join("target"))
}

/// Builds `runner` in release mode once per test process (a no-op when it is fresh) and
/// returns its path.
pub fn release_runner() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            let target = target_dir();
            let out = Command::new(env!("CARGO"))
                .current_dir(&manifest)
                .args([
                    "build",
                    "--release",
                    "--bin",
                    "runner",
                    "--locked",
                    "--target-dir",
                ])
                .arg(&target)
                .output()
                .expect("run cargo build --release");
            assert!(
                out.status.success(),
                "cargo build --release failed\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let binary = target
                .join("release")
                .join(format!("runner{}", std::env::consts::EXE_SUFFIX));
            assert!(
                binary.is_file(),
                "no release binary at {}",
                binary.display()
            );
            binary
        })
        .clone()
}

/// The release binary as an assert_cmd command, with the predictable environment of
/// [`super::runner`].
pub fn release_command() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(release_runner());
    cmd.env("NO_COLOR", "1")
        .env("RUNNER_TEST_POLL_SCALE", super::POLL_SCALE.to_string())
        .env_remove("CI")
        .env_remove("RUST_LOG");
    cmd
}
