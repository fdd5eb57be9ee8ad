//! `runner schema` and `runner completions`: descriptions of the file formats and of the
//! command line, printed for other tools.

use std::io::Write;

use clap::CommandFactory;

use super::ExitStatus;
use crate::cli::{Args, CompletionsArgs, SchemaArgs};

/// Runs `runner schema`.
pub(super) fn schema_command(a: SchemaArgs) -> ExitStatus {
    let text = crate::schema::schema_text(a.kind);
    // A closed pipe (`runner schema | head`) is not an error.
    let _ = writeln!(std::io::stdout(), "{text}");
    ExitStatus::Ok
}

/// Completes environment names after `-e`/`--env` and reporter names after `--reporter`,
/// then hands over to the generated function (renamed `_runner_clap`).
const BASH_EXTRA: &str = include_str!("completion.bash");

/// Runs `runner completions`.
pub(super) fn completions_command(a: CompletionsArgs) -> ExitStatus {
    let mut cmd = Args::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "runner", &mut script);
    if a.shell == clap_complete::Shell::Bash {
        script = bash_script(&String::from_utf8_lossy(&script)).into_bytes();
    }
    // A closed pipe is not an error.
    let _ = std::io::stdout().write_all(&script);
    ExitStatus::Ok
}

/// The generated bash script, its `_runner` renamed `_runner_clap`, with runner's own
/// `_runner` after it.
fn bash_script(generated: &str) -> String {
    let renamed = generated.replacen("_runner() {", "_runner_clap() {", 1);
    format!("{renamed}{BASH_EXTRA}")
}
