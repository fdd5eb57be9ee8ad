//! `runner report merge`: JSON reports (of shards, say) combined into one run and written
//! again with other reporters. Nothing is re-run.

use std::path::Path;

use super::{Errors, ExitStatus};
use crate::cli::{ColorChoice, MergeArgs};
use crate::report::ReporterSpec;
use crate::report::merge::{merge, read, write};
use crate::secrets::Masker;
use crate::settings::printer;

/// Runs `runner report merge`: 0 when written, 2 on unreadable input or a bad reporter.
pub(super) fn command(args: MergeArgs) -> ExitStatus {
    let masker = Masker::new();
    let errors = Errors::new(&masker, &printer(ColorChoice::Auto, false));
    let mut specs = Vec::new();
    for r in &args.reporters {
        match ReporterSpec::parse(r) {
            Ok(ReporterSpec::Cli | ReporterSpec::Github) => {
                return errors.error(
                    "`report merge` writes files: use junit=PATH, json=PATH or html=PATH",
                    ExitStatus::Invalid,
                );
            }
            Ok(s) => specs.push(s),
            Err(m) => {
                return errors.error(
                    &format!("{m}\nhelp: available: junit=PATH, json=PATH, html=PATH"),
                    ExitStatus::Invalid,
                );
            }
        }
    }
    let named: Vec<(&str, &Path)> = args
        .reports
        .iter()
        .map(|p| ("report", p.as_path()))
        .collect();
    if let Err(m) = crate::report::files::check_report_paths(&specs, &named) {
        return errors.error(&m, ExitStatus::Invalid);
    }
    let mut inputs = Vec::new();
    for p in &args.reports {
        match read(p) {
            Ok(r) => inputs.push(r),
            Err(e) => return errors.error(&format!("{e:#}"), ExitStatus::Invalid),
        }
    }
    let (iterations, meta) = merge(inputs);
    match write(&specs, &iterations, &meta) {
        Ok(t) => {
            let line = format!(
                "merged {} reports: {} iterations, {} requests ({} passed, {} failed, {} errors, {} skipped{})",
                args.reports.len(),
                t.iterations,
                t.requests,
                t.passed,
                t.failed,
                t.errored,
                t.skipped,
                if t.not_sent > 0 {
                    format!(", {} not sent", t.not_sent)
                } else {
                    String::new()
                }
            );
            // A report on stdout stays a whole document: the line goes to stderr.
            if specs.iter().any(ReporterSpec::to_stdout) {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            ExitStatus::Ok
        }
        Err(e) => errors.error(&format!("{e:#}"), ExitStatus::Runtime),
    }
}
