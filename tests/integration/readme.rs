//! The README's commands, run as written against the shipped files.
//!
//! How commands are picked from README.md:
//! - in fenced code blocks (of any language), lines starting with `runner `, `$ runner ` or
//!   `cargo run --release -- ` (run as `runner `); a line ending in `\` continues on the next;
//! - in the prose, code spans starting with `runner ` (a span may wrap across lines).
//!
//! Of those, the commands that name a shipped file (`collections/` or `environments/`) are
//! checked; synopsis lines (`runner run <COLLECTION>...`) and commands on the reader's own
//! files (`api.postman_collection.json`) name none. Each checked command must be listed in
//! [`EXPECTED`] with its exit code or in [`EXCLUDED`] with the reason, and every listed
//! command must still be in the README: a command added, changed or removed there fails this
//! test until it is listed here.
//!
//! Each command runs with `sh -c` in a copy of the repository's `collections/`,
//! `environments/` and `schema/`, with the binary under test first on PATH and a private
//! token cache. `runner mock` serves until Ctrl-C: it passes when it prints its "listening"
//! line, and is then stopped by its PID; `--port 8080` becomes `--port 0` so that a busy port
//! on the machine cannot fail the test.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{Workspace, repo_root};

/// What a command must do.
enum Outcome {
    /// Exit with this code.
    Exit(i32),
    /// Serve until stopped (`runner mock`).
    Serves,
}

/// The README's commands on the shipped files, and what each must do.
const EXPECTED: &[(&str, Outcome)] = &[
    (
        "runner run collections/connections.yaml -e local --mock",
        Outcome::Exit(0),
    ),
    (
        "runner run collections/*.yaml -e local --mock --reporter junit=out/junit.xml --reporter json=out/report.json --reporter html=out/report.html --reporter github",
        Outcome::Exit(0),
    ),
    (
        "runner curl collections/connections.yaml -e prod > calls.sh",
        Outcome::Exit(0),
    ),
    (
        "runner curl collections/connections.yaml -e local --var mock_url=http://127.0.0.1:8080",
        Outcome::Exit(0),
    ),
    (
        "runner mock collections/connections.yaml -e local",
        Outcome::Serves,
    ),
    (
        "runner mock collections/connections.yaml -e local --port 8080",
        Outcome::Serves,
    ),
];

/// The README's commands on the shipped files that cannot run here, and why.
const EXCLUDED: &[(&str, &str)] = &[
    (
        "runner auth login collections/connections.yaml -e prod",
        "logs in to a real Oracle identity domain in a browser",
    ),
    (
        "runner run collections/connections.yaml -e prod",
        "needs a real Oracle Integration instance and its credentials",
    ),
    (
        "runner run collections/my-api.yaml -e my-api-mock --mock",
        "runs what `runner import openapi` made of the reader's own document",
    ),
    (
        "runner run collections/my-api.yaml --var petId=1",
        "needs the reader's own API",
    ),
];

/// The commands of README.md that name a shipped file, each once, in order.
fn readme_commands(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut prose = String::new();
    let mut fenced = false;
    let mut pending: Option<String> = None;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            prose.push('\n');
            continue;
        }
        if !fenced {
            prose.push_str(line);
            prose.push('\n');
            continue;
        }
        let line = line.trim();
        let command = match pending.take() {
            Some(start) => Some(format!("{start} {line}")),
            None => ["runner ", "$ runner ", "cargo run --release -- "]
                .iter()
                .find_map(|prefix| line.strip_prefix(prefix))
                .map(|rest| format!("runner {rest}")),
        };
        if let Some(command) = command {
            match command.strip_suffix('\\') {
                Some(start) => pending = Some(start.trim_end().to_string()),
                None => found.push(command),
            }
        }
    }
    // Code spans: text between backticks, outside fenced blocks.
    let mut spans = prose.split('`');
    spans.next();
    while let Some(span) = spans.next() {
        let span = span.split_whitespace().collect::<Vec<_>>().join(" ");
        if span.starts_with("runner ") {
            found.push(span);
        }
        spans.next();
    }
    let mut picked: Vec<String> = Vec::new();
    for command in found {
        let shipped = command.contains("collections/") || command.contains("environments/");
        if shipped && !picked.contains(&command) {
            picked.push(command);
        }
    }
    picked
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// `sh -c COMMAND` in `ws`, the binary under test first on PATH.
fn shell(ws: &Workspace, command: &str) -> Command {
    let bin = Path::new(env!("CARGO_BIN_EXE_runner"))
        .parent()
        .expect("binary folder")
        .to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&path)))
        .expect("PATH");
    let mut cmd = Command::new("sh");
    cmd.current_dir(ws.path())
        .args(["-c", command])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("RUNNER_TOKEN_CACHE", ws.path().join("cache/tokens.json"))
        .env_remove("CI")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("RUST_LOG");
    cmd
}

/// Starts a `runner mock` command, waits for its "listening" line, then stops it.
fn assert_serves(ws: &Workspace, command: &str) {
    let command = command.replace("--port 8080", "--port 0");
    let mut child = shell(ws, &format!("exec {command}"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut printed = Vec::new();
    let mut listening = false;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        listening = line.starts_with("Mock server listening on http://127.0.0.1:");
        printed.push(line);
        if listening {
            break;
        }
    }
    // `exec` made the child runner itself: this ends only the process started here.
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        listening,
        "`{command}` did not serve; it printed:\n{}",
        printed.join("\n")
    );
}

#[test]
fn the_readme_commands_on_the_shipped_files_run_as_written() {
    let root = repo_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let commands = readme_commands(&readme);

    for command in &commands {
        let listed = EXPECTED.iter().any(|(c, _)| c == command)
            || EXCLUDED.iter().any(|(c, _)| c == command);
        assert!(
            listed,
            "README command not listed in EXPECTED or EXCLUDED: `{command}`"
        );
    }
    for listed in EXPECTED
        .iter()
        .map(|(c, _)| c)
        .chain(EXCLUDED.iter().map(|(c, _)| c))
    {
        assert!(
            commands.iter().any(|c| c == listed),
            "no longer in the README: `{listed}`"
        );
    }

    let ws = Workspace::new();
    for dir in ["collections", "environments", "schema"] {
        copy_dir(&root.join(dir), &ws.path().join(dir));
    }
    for (command, outcome) in EXPECTED {
        match outcome {
            Outcome::Exit(code) => {
                let out = shell(&ws, command).output().expect("run sh");
                assert_eq!(
                    out.status.code(),
                    Some(*code),
                    "`{command}`\n--- stdout\n{}\n--- stderr\n{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Outcome::Serves => assert_serves(&ws, command),
        }
    }
    // What the commands were written for.
    for file in [
        "out/junit.xml",
        "out/report.json",
        "out/report.html",
        "calls.sh",
    ] {
        assert!(ws.path().join(file).is_file(), "{file} was not written");
    }
}

#[test]
fn commands_are_picked_from_fences_and_code_spans() {
    let text = "Run `runner run collections/a.yaml\n  -e local` now; `runner --help` too.\n\n```sh\n$ runner run collections/b.yaml \\\n    --mock\nrunner import postman x.json -o .\ncargo run --release -- run collections/c.yaml\n```\n\n```\nrunner run <COLLECTION>...   synopsis\n```\n";
    assert_eq!(
        readme_commands(text),
        [
            "runner run collections/b.yaml --mock",
            "runner run collections/c.yaml",
            "runner run collections/a.yaml -e local",
        ]
    );
}
