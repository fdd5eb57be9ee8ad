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

/// Runs `runner completions`.
pub(super) fn completions_command(a: CompletionsArgs) -> ExitStatus {
    let mut cmd = Args::command();
    clap_complete::generate(a.shell, &mut cmd, "runner", &mut std::io::stdout());
    ExitStatus::Ok
}
