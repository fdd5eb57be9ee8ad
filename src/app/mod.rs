//! The commands, one file each: load → set up → run → report → exit status. The only
//! place that maps outcomes to exit codes, and the one place errors are printed.

mod auth;
mod curl;
mod import;
mod merge;
mod mock;
mod run;
mod schema;
mod validate;

use std::fmt::Write as _;

use crate::cli::{Args, Command, ReportCommand};
use crate::diagnostic::{Diagnostic, Sources};
use crate::output::Printer;
use crate::secrets::Masker;

/// The process exit status (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Everything ran and passed.
    Ok = 0,
    /// An assertion failed.
    Failed = 1,
    /// Invalid input; nothing was sent.
    Invalid = 2,
    /// A runtime error: connection, TLS, timeout, credentials.
    Runtime = 3,
    /// SIGHUP stopped `runner run` (reports hold what finished).
    HungUp = 129,
    /// Ctrl-C stopped `runner run` (reports hold what finished).
    Interrupted = 130,
    /// SIGTERM stopped `runner run` (reports hold what finished).
    Terminated = 143,
}

impl ExitStatus {
    /// 128 + the number of a signal that stops a run.
    fn signalled(signal: Option<i32>) -> ExitStatus {
        use crate::signals::{SIGHUP, SIGTERM};
        match signal {
            Some(SIGHUP) => ExitStatus::HungUp,
            Some(SIGTERM) => ExitStatus::Terminated,
            _ => ExitStatus::Interrupted,
        }
    }
}

/// Runs a parsed command line.
pub async fn run(args: Args) -> ExitStatus {
    let status = match args.command {
        Command::Run(a) => run::command(a).await,
        Command::Validate(a) => validate::command(a).await,
        Command::Mock(a) => mock::command(a).await,
        Command::Auth(a) => auth::command(a).await,
        Command::Report(ReportCommand::Merge(a)) => merge::command(a),
        Command::Import(a) => import::command(a),
        Command::Curl(a) => curl::command(a).await,
        Command::Schema(a) => schema::schema_command(a),
        Command::Completions(a) => schema::completions_command(a),
    };
    crate::output::flush_stdout();
    status
}

/// Where a command's errors and diagnostics go: stderr, through the command's masker,
/// coloured only as the command's `--color` (or `auto`) decides for stderr.
pub(crate) struct Errors<'a> {
    masker: &'a Masker,
    color: bool,
}

impl<'a> Errors<'a> {
    /// Errors masked by `masker`, coloured as `printer` says.
    pub(crate) fn new(masker: &'a Masker, printer: &Printer) -> Errors<'a> {
        Errors {
            masker,
            color: printer.err_color,
        }
    }

    /// Prints diagnostics (with their source lines from `sources`) and, past one, the
    /// number of errors among them; returns [`ExitStatus::Invalid`].
    pub(crate) fn diagnostics(&self, diags: &[Diagnostic], sources: &Sources) -> ExitStatus {
        let mut text = String::new();
        for d in diags {
            text.push_str(&d.render(sources, self.color));
            text.push('\n');
        }
        let errors = diags.iter().filter(|d| !d.warning).count();
        if errors > 1 {
            let _ = writeln!(text, "{errors} errors");
        }
        crate::output::flush_stdout();
        eprint!("{}", self.masker.mask(&text));
        ExitStatus::Invalid
    }

    /// Prints warnings (with their source lines from `sources`); the command goes on.
    pub(crate) fn warnings(&self, diags: &[Diagnostic], sources: &Sources) {
        let mut text = String::new();
        for d in diags {
            text.push_str(&d.render(sources, self.color));
            text.push('\n');
        }
        eprint!("{}", self.masker.mask(&text));
    }

    /// Prints one diagnostic without source text (a command-line mistake); returns
    /// [`ExitStatus::Invalid`].
    pub(crate) fn diagnostic(&self, d: Diagnostic) -> ExitStatus {
        self.diagnostics(&[d], &Sources::default())
    }

    /// Prints `error: MESSAGE` and returns `status`.
    pub(crate) fn error(&self, message: &str, status: ExitStatus) -> ExitStatus {
        crate::output::flush_stdout();
        eprintln!("error: {}", self.masker.mask(message));
        status
    }

    /// Prints `error: MESSAGE` for a message that came from outside (a server): masked,
    /// then kept to one line with its controls escaped; returns `status`.
    pub(crate) fn outside_error(&self, message: &str, status: ExitStatus) -> ExitStatus {
        let masked = self.masker.mask(message);
        crate::output::flush_stdout();
        eprintln!("error: {}", crate::output::one_line(&masked));
        status
    }
}
