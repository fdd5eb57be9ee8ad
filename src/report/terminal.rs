//! The terminal reporter: a line per request (with `-q`, per failed or errored request
//! only), failure details, `-v` exchanges, a summary.
//! Every string printed goes through the masker; text that came from outside (a server, a
//! file) is shown with its control characters escaped, and on CI no printed line can be
//! read as a workflow command.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::verbose::write_exchange;
use crate::collection::{Collection, RequestDef};
use crate::data::Row;
use crate::output::{Printer, Styles, neutralise_commands, one_line};
use crate::runner::{CollectionResult, Listener, Outcome, RequestResult, Status, Unit};
use crate::secrets::Masker;

/// Prints progress and results to stdout (exchanges of `-v` to stderr).
pub struct TerminalReporter {
    styles: Styles,
    verbose: bool,
    /// `-q`: only failed and errored requests are printed, under their unit's heading.
    quiet: bool,
    /// With `-q`, the heading of each running unit that has not printed a line yet.
    headings: Mutex<HashMap<usize, String>>,
    masker: Arc<Masker>,
    bar: Option<ProgressBar>,
    out: Mutex<Box<dyn Write + Send>>,
    /// On CI: lines that look like workflow commands are printed escaped.
    ci: bool,
    /// Iterations per collection: with more than one, headings name the iteration.
    iterations: usize,
    /// In a parallel run, each running unit's lines and `-v` exchanges (stdout, stderr),
    /// printed whole when the unit ends; `None` in a sequential run, which prints as it goes.
    buffers: Option<Mutex<HashMap<usize, (String, String)>>>,
}

impl TerminalReporter {
    /// A reporter writing to stdout as `printer` says, for a run of `iterations` per
    /// collection with `parallel` units at a time, that sends `requests` requests in all
    /// (the progress bar's total).
    pub fn new(
        printer: Printer,
        masker: Arc<Masker>,
        iterations: usize,
        parallel: usize,
        requests: usize,
    ) -> TerminalReporter {
        let bar = printer.progress_target().map(|target| {
            let bar = ProgressBar::with_draw_target(Some(requests as u64), target);
            if let Ok(style) = ProgressStyle::with_template("{spinner} [{pos}/{len}] {wide_msg}") {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        TerminalReporter {
            styles: printer.styles(),
            verbose: printer.verbose,
            quiet: printer.quiet,
            headings: Mutex::new(HashMap::new()),
            masker,
            bar,
            out: Mutex::new(Box::new(crate::output::Stdout)),
            ci: printer.ci,
            iterations,
            buffers: (parallel > 1).then(|| Mutex::new(HashMap::new())),
        }
    }

    /// Prints to stderr instead (coloured when `color`): a report writes to stdout.
    pub fn on_stderr(mut self, color: bool) -> TerminalReporter {
        self.out = Mutex::new(Box::new(std::io::stderr()));
        self.styles = Styles::new(color);
        self
    }

    /// The progress bar, if one is drawn: other writers to the terminal suspend it.
    pub fn progress_bar(&self) -> Option<ProgressBar> {
        self.bar.clone()
    }

    /// `text` masked, and on CI with workflow-command lines escaped.
    fn safe(&self, text: &str) -> String {
        let masked = self.masker.mask(text);
        if self.ci {
            neutralise_commands(&masked).into_owned()
        } else {
            masked.into_owned()
        }
    }

    /// Outside text for one line: masked, then its controls escaped.
    fn field(&self, text: &str) -> String {
        one_line(&self.masker.mask(text)).into_owned()
    }

    fn print(&self, text: &str) {
        let masked = self.safe(text);
        let write = || {
            if let Ok(mut out) = self.out.lock() {
                let _ = out.write_all(masked.as_bytes());
                let _ = out.flush();
            }
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    fn eprint(&self, text: &str) {
        let masked = self.safe(text);
        let write = || {
            crate::output::flush_stdout();
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(masked.as_bytes());
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    /// Prints the summary of the run.
    pub fn summary(&self, outcome: &Outcome) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let s = &self.styles;
        let stats = &outcome.totals;
        let (passed, failed, errored, skipped) =
            (stats.passed, stats.failed, stats.errored, stats.skipped);
        let (a_passed, a_failed, a_skipped) = (
            stats.assertions_passed,
            stats.assertions_failed,
            stats.assertions_skipped,
        );
        let not_sent = if stats.not_sent > 0 {
            format!(
                ", {}",
                paint_count(s, stats.not_sent, "not sent", Styles::yellow)
            )
        } else {
            String::new()
        };
        let total = passed + failed + errored + skipped + stats.not_sent;
        let mut text = String::from("\n");
        if stats.iterations > 1 {
            let _ = writeln!(text, "{} {}", s.bold("Iterations:"), stats.iterations);
        }
        let _ = writeln!(
            text,
            "{} {}, {}, {}, {}{not_sent} ({total} total)",
            s.bold("Requests:  "),
            paint_count(s, passed, "passed", Styles::green),
            paint_count(s, failed, "failed", Styles::red),
            paint_count(
                s,
                errored,
                if errored == 1 { "error" } else { "errors" },
                Styles::red
            ),
            paint_count(s, skipped, "skipped", Styles::yellow),
        );
        let skipped_tests = if a_skipped > 0 {
            format!(", {}", paint_count(s, a_skipped, "skipped", Styles::yellow))
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{} {}, {}{skipped_tests} ({} total)",
            s.bold("Assertions:"),
            paint_count(s, a_passed, "passed", Styles::green),
            paint_count(s, a_failed, "failed", Styles::red),
            a_passed + a_failed + a_skipped
        );
        let slowest: Vec<String> = outcome
            .slowest
            .iter()
            .map(|(path, d)| format!("{path} {}", ms(*d)))
            .collect();
        let _ = write!(
            text,
            "{} {} total",
            s.bold("Time:      "),
            ms(outcome.duration)
        );
        if !slowest.is_empty() {
            let _ = write!(text, "; slowest: {}", slowest.join(", "));
        }
        text.push('\n');
        if outcome.bailed {
            let _ = writeln!(
                text,
                "{}",
                s.yellow("Stopped at the first failure (--bail).")
            );
        }
        if outcome.interrupted {
            let _ = writeln!(
                text,
                "{}",
                s.yellow("Interrupted: only finished iterations are counted and reported.")
            );
        }
        self.print(&text);
    }

    /// The heading line of a unit's collection (and iteration, when there are several).
    fn heading(&self, c: &Collection, unit: &Unit) -> String {
        let label = if self.iterations > 1 {
            format!("{} [iteration {}]", self.field(&c.name), unit.iteration)
        } else {
            self.field(&c.name)
        };
        format!(
            "{} {}\n",
            self.styles.bold(&label),
            self.styles.dim(&format!("({})", c.file))
        )
    }

    /// The lines of a finished request; `-v` exchanges go to `verbose` (stderr).
    fn request_text(&self, r: &RequestResult) -> (String, Option<String>) {
        let verbose = (self.verbose && !r.exchanges.is_empty()).then(|| {
            let mut text = String::new();
            for (i, e) in r.exchanges.iter().enumerate() {
                write_exchange(&mut text, e, i, &self.styles, &self.masker);
            }
            text.push('\n');
            text
        });
        (self.request_line(r), verbose)
    }

    /// Prints a unit's text now (sequential run) or when the unit ends (parallel run).
    fn out(&self, unit: &Unit, text: &str, stderr: bool) {
        match &self.buffers {
            Some(buffers) => {
                if let Ok(mut b) = buffers.lock() {
                    let (out, err) = b.entry(unit.position).or_default();
                    if stderr {
                        err.push_str(text)
                    } else {
                        out.push_str(text)
                    }
                }
            }
            None if stderr => self.eprint(text),
            None => self.print(text),
        }
    }

    fn request_line(&self, r: &RequestResult) -> String {
        let s = &self.styles;
        let mut line = String::new();
        let (label, detail) = match r.status() {
            Status::Passed => (s.green("PASS "), String::new()),
            Status::Failed => (s.red("FAIL "), String::new()),
            Status::Errored => (s.red("ERROR"), String::new()),
            Status::Skipped => (
                s.yellow("SKIP "),
                format!(
                    "  {}",
                    s.dim(&self.field(r.skipped.as_deref().unwrap_or_default()))
                ),
            ),
            Status::NotSent => (
                s.yellow("NOT SENT"),
                format!(
                    "  {}",
                    s.dim(&self.field(r.not_sent.as_deref().unwrap_or_default()))
                ),
            ),
        };
        let _ = write!(line, "  {label} {}", self.field(&r.path));
        if let Some(status) = r.final_status() {
            let hops = r.exchanges.len();
            let redirects = if hops > 1 {
                format!(", {} redirect{}", hops - 1, if hops > 2 { "s" } else { "" })
            } else {
                String::new()
            };
            let attempts = if r.attempts > 1 {
                format!(", {} attempts", r.attempts)
            } else {
                String::new()
            };
            let _ = write!(
                line,
                "  {}",
                s.dim(&format!(
                    "{} {status} ({}{redirects}{attempts})",
                    r.method,
                    ms(r.duration)
                ))
            );
        }
        line.push_str(&detail);
        line.push('\n');
        if !self.quiet {
            for c in &r.console {
                let _ = writeln!(
                    line,
                    "        {}",
                    s.dim(&format!("console {}", self.field(c)))
                );
            }
        }
        for a in &r.asserts {
            if !a.failed() {
                // Named assertions (a script's tests) are listed; unnamed ones only fail.
                if let Some(name) = a.name.as_deref().filter(|_| !self.quiet) {
                    let _ = if a.skipped {
                        writeln!(
                            line,
                            "        {} {} {}",
                            s.yellow("○"),
                            self.field(name),
                            s.dim("(skipped)")
                        )
                    } else {
                        writeln!(line, "        {} {}", s.green("✓"), self.field(name))
                    };
                }
                continue;
            }
            let _ = writeln!(line, "        {} {}", s.red("✗"), self.field(&a.message()));
            if let Some(span) = &a.span {
                let _ = writeln!(line, "          {}", s.dim(&format!("at {span}")));
            }
            for d in &a.check.differences {
                let _ = writeln!(line, "          {}", self.field(d));
            }
            if let Some(diff) = &a.check.diff {
                for l in diff.lines() {
                    let l = self.field(l);
                    let l = l.as_str();
                    let painted = if l.starts_with('+') && !l.starts_with("+++") {
                        s.green(l)
                    } else if l.starts_with('-') && !l.starts_with("---") {
                        s.red(l)
                    } else {
                        l.to_string()
                    };
                    let _ = writeln!(line, "          {painted}");
                }
            }
        }
        for e in &r.errors {
            let _ = writeln!(line, "        {} {}", s.red("✗"), self.field(&e.message()));
            if let Some(span) = &e.span {
                let _ = writeln!(line, "          {}", s.dim(&format!("at {span}")));
            }
        }
        line
    }
}

fn paint_count(s: &Styles, n: usize, word: &str, paint: fn(&Styles, &str) -> String) -> String {
    let text = format!("{n} {word}");
    if n > 0 { paint(s, &text) } else { text }
}

/// Milliseconds, or seconds past ten of them.
pub fn ms(d: Duration) -> String {
    if d.as_secs() >= 10 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

impl Listener for TerminalReporter {
    fn collection_started(&self, unit: &Unit, c: &Collection, _count: usize) {
        let heading = self.heading(c, unit);
        if !self.quiet {
            self.out(unit, &heading, false);
        } else if let Ok(mut headings) = self.headings.lock() {
            headings.insert(unit.position, heading);
        }
    }

    fn request_started(&self, _unit: &Unit, r: &RequestDef) {
        if let Some(bar) = &self.bar {
            bar.set_message(r.path());
        }
    }

    fn request_finished(&self, unit: &Unit, r: &RequestResult) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
        if self.quiet {
            // A request not sent repeats a failure told at its cause: the summary counts it.
            if matches!(
                r.status(),
                Status::Passed | Status::Skipped | Status::NotSent
            ) {
                return;
            }
            let heading = self
                .headings
                .lock()
                .ok()
                .and_then(|mut h| h.remove(&unit.position));
            if let Some(heading) = heading {
                self.out(unit, &heading, false);
            }
        }
        let (line, verbose) = self.request_text(r);
        if let Some(v) = verbose {
            self.out(unit, &v, true);
        }
        self.out(unit, &line, false);
    }

    /// A parallel unit's `-v` exchanges, then its lines.
    fn unit_finished(&self, unit: &Unit, _result: &CollectionResult, _row: Option<&Row>) {
        if let Ok(mut headings) = self.headings.lock() {
            headings.remove(&unit.position);
        }
        let Some(buffers) = &self.buffers else { return };
        let taken = buffers
            .lock()
            .ok()
            .and_then(|mut b| b.remove(&unit.position));
        if let Some((out, err)) = taken {
            if !err.is_empty() {
                self.eprint(&err);
            }
            self.print(&out);
        }
    }
}
