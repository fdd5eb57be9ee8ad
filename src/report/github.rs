//! GitHub Actions: workflow commands at the YAML position of each failure, and a Markdown
//! job summary. A server's text inside them is shown with its controls escaped and its
//! line breaks encoded, so it can neither end a command nor start one.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;

use super::model::{IterationReport, RunMeta};
use super::writers::ReportWriter;
use crate::output::{one_line, text_block};
use crate::runner::Totals;

/// GitHub Actions: an `::error` workflow command per failure, at its YAML position, and a
/// Markdown job summary appended to `$GITHUB_STEP_SUMMARY` when it is set.
pub struct GithubWriter {
    /// The first failures, as Markdown table rows.
    failures: Vec<String>,
    /// How many failures there were in all.
    count: usize,
    /// Iterations per collection: titles name the iteration when there are several.
    iterations: usize,
    /// Workflow commands go to stderr: a report writes to stdout.
    stderr: bool,
    /// Why requests were not sent, each with how many and where the first one is written:
    /// one warning per cause, not one per request.
    not_sent: Vec<(String, usize, Option<super::model::Position>)>,
}

/// How many failures the job summary lists.
const SUMMARY_FAILURES: usize = 50;

impl GithubWriter {
    pub(super) fn new(iterations: usize, stderr: bool) -> GithubWriter {
        GithubWriter {
            failures: Vec::new(),
            count: 0,
            iterations,
            stderr,
            not_sent: Vec::new(),
        }
    }
}

fn escape_data(s: &str) -> String {
    text_block(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One `::error` workflow command.
pub fn annotation(title: &str, position: Option<&super::model::Position>, message: &str) -> String {
    command("error", title, position, message)
}

/// One workflow command of `level` (`error`, `warning`).
fn command(
    level: &str,
    title: &str,
    position: Option<&super::model::Position>,
    message: &str,
) -> String {
    let mut props = Vec::new();
    if let Some(p) = position {
        props.push(format!("file={}", escape_property(&p.file)));
        props.push(format!("line={}", p.line));
        props.push(format!("col={}", p.col));
    }
    props.push(format!("title={}", escape_property(title)));
    format!("::{level} {}::{}", props.join(","), escape_data(message))
}

fn requests(n: usize) -> String {
    if n == 1 {
        "1 request".into()
    } else {
        format!("{n} requests")
    }
}

fn md(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

impl ReportWriter for GithubWriter {
    fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()> {
        let mut out: Box<dyn Write> = if self.stderr {
            Box::new(std::io::stderr().lock())
        } else {
            Box::new(crate::output::Stdout)
        };
        for r in &it.requests {
            if let Some(why) = &r.not_sent {
                match self.not_sent.iter_mut().find(|(w, _, _)| w == why) {
                    Some((_, n, _)) => *n += 1,
                    None => self.not_sent.push((why.clone(), 1, r.position.clone())),
                }
            }
            let title = if self.iterations > 1 {
                format!("{} [iteration {}]", r.path, it.iteration)
            } else {
                r.path.clone()
            };
            for a in r.assertions.iter().filter(|a| a.failed()) {
                let mut msg = a.message();
                for d in &a.differences {
                    msg.push('\n');
                    msg.push_str(d);
                }
                writeln!(out, "{}", annotation(&title, a.position.as_ref(), &msg))?;
                self.count += 1;
                if self.failures.len() < SUMMARY_FAILURES {
                    self.failures.push(format!(
                        "| {} | {} | {} |",
                        md(&it.collection),
                        md(&title),
                        md(&a.message())
                    ));
                }
            }
            for e in &r.errors {
                let pos = e.position.as_ref().or(r.position.as_ref());
                writeln!(out, "{}", annotation(&title, pos, &e.message))?;
                self.count += 1;
                if self.failures.len() < SUMMARY_FAILURES {
                    self.failures.push(format!(
                        "| {} | {} | {} |",
                        md(&it.collection),
                        md(&title),
                        md(&e.message)
                    ));
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self, meta: &RunMeta, t: &Totals) -> anyhow::Result<()> {
        if !self.not_sent.is_empty() {
            let mut out: Box<dyn Write> = if self.stderr {
                Box::new(std::io::stderr().lock())
            } else {
                Box::new(std::io::stdout().lock())
            };
            for (why, n, position) in &self.not_sent {
                let message = format!("{} not sent: {why}", requests(*n));
                writeln!(
                    out,
                    "{}",
                    command("warning", "not sent", position.as_ref(), &message)
                )?;
            }
        }
        let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        let mut text = String::from("## runner\n\n");
        if let Some(s) = &meta.shard {
            text.push_str(&format!("Shard {s}\n\n"));
        }
        text.push_str(
            "| Requests | Passed | Failed | Errors | Skipped | Assertions failed | Time |\n",
        );
        text.push_str("|---:|---:|---:|---:|---:|---:|---:|\n");
        text.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} of {} | {} ms |\n\n",
            t.requests,
            t.passed,
            t.failed,
            t.errored,
            t.skipped,
            t.assertions_failed,
            t.assertions_passed + t.assertions_failed,
            meta.duration_ms
        ));
        for (why, n, _) in &self.not_sent {
            text.push_str(&format!("{} not sent: {}\n\n", requests(*n), md(why)));
        }
        if meta.interrupted {
            text.push_str("**Interrupted**: only finished iterations are counted.\n\n");
        }
        if !self.failures.is_empty() {
            text.push_str("| Collection | Request | Failure |\n|---|---|---|\n");
            for line in &self.failures {
                text.push_str(line);
                text.push('\n');
            }
            if self.count > self.failures.len() {
                text.push_str(&format!(
                    "\n{} more failures not listed.\n",
                    self.count - self.failures.len()
                ));
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot append to {}", PathBuf::from(&path).display()))?;
        file.write_all(text.as_bytes())?;
        Ok(())
    }
}
