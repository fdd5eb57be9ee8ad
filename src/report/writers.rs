//! Report writers: each receives finished iterations in a deterministic order (collection,
//! then iteration) and writes its file when the run ends, interrupted or not.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::github::GithubWriter;
use super::html::HtmlWriter;
use super::model::{
    Detail, IterationReport, Outcome, RequestReport, RunMeta, SCHEMA_VERSION, count_iteration,
};
use crate::runner::Totals;

/// A file-writing (or annotating) reporter.
pub trait ReportWriter: Send {
    /// One finished iteration, in (collection, iteration) order.
    fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()>;
    /// The run ended: complete the output.
    fn finish(&mut self, meta: &RunMeta, totals: &Totals) -> anyhow::Result<()>;
}

/// A reporter named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReporterSpec {
    /// The terminal (always on).
    Cli,
    /// JUnit XML to a file.
    Junit(PathBuf),
    /// The JSON report to a file.
    Json(PathBuf),
    /// A self-contained HTML file.
    Html(PathBuf),
    /// GitHub Actions workflow commands and job summary.
    Github,
}

impl ReporterSpec {
    /// Parses `NAME[=PATH]`.
    pub fn parse(text: &str) -> Result<ReporterSpec, String> {
        let (name, path) = match text.split_once('=') {
            Some((n, p)) => (n, Some(p)),
            None => (text, None),
        };
        let need = |p: Option<&str>| match p.filter(|p| !p.is_empty()) {
            Some(p) => Ok(PathBuf::from(p)),
            None => Err(format!(
                "reporter `{name}` needs a file: --reporter {name}=PATH"
            )),
        };
        match name {
            "cli" | "github" if path.is_some() => Err(format!(
                "reporter `{name}` takes no file: --reporter {name}"
            )),
            "cli" => Ok(ReporterSpec::Cli),
            "github" => Ok(ReporterSpec::Github),
            "junit" => need(path).map(ReporterSpec::Junit),
            "json" => need(path).map(ReporterSpec::Json),
            "html" => need(path).map(ReporterSpec::Html),
            other => Err(format!("unknown reporter `{other}`")),
        }
    }

    /// Opens the writer (creating its file, so a bad path fails before anything is sent).
    /// With `stdout_taken` (another report writes to standard output), GitHub workflow
    /// commands go to stderr, where GitHub Actions reads them too.
    pub fn open(
        &self,
        iterations: usize,
        stdout_taken: bool,
    ) -> anyhow::Result<Option<Box<dyn ReportWriter>>> {
        Ok(match self {
            ReporterSpec::Cli => None,
            ReporterSpec::Junit(p) => Some(Box::new(JunitWriter::open(p, iterations)?)),
            ReporterSpec::Json(p) => Some(Box::new(JsonWriter::open(p)?)),
            ReporterSpec::Html(p) => Some(Box::new(HtmlWriter::open(p, iterations)?)),
            ReporterSpec::Github => Some(Box::new(GithubWriter::new(iterations, stdout_taken))),
        })
    }
}

/// Where a report is written: its file, or standard output for `-`.
pub(super) type Sink = Box<dyn Write + Send>;

/// Creates the report file at `path` (and its folder), or takes standard output for `-`.
pub(super) fn create(path: &Path) -> anyhow::Result<Sink> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdout()));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
    }
    let file =
        File::create(path).with_context(|| format!("cannot write report {}", path.display()))?;
    Ok(Box::new(file))
}

/// A report's destination in messages: its path, or `standard output`.
pub(super) fn shown(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard output".to_string()
    } else {
        path.display().to_string()
    }
}

/// Sections of a report kept in a file beside it (`PATH.part`) until the run ends, so
/// that memory does not grow with the run; then copied into the report and removed. A
/// report on standard output keeps them in an unnamed temporary file.
pub(super) struct PartFile {
    /// `None` for the unnamed file, which the system removes.
    path: Option<PathBuf>,
    out: BufWriter<File>,
}

impl PartFile {
    pub(super) fn create(report: &Path) -> anyhow::Result<PartFile> {
        if report.as_os_str() == "-" {
            let file = tempfile::tempfile().context("cannot create a temporary file")?;
            return Ok(PartFile {
                path: None,
                out: BufWriter::new(file),
            });
        }
        let path = super::files::part_path(report);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create directory {}", dir.display()))?;
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(PartFile {
            out: BufWriter::new(file),
            path: Some(path),
        })
    }

    fn name(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "a temporary file".to_string(),
        }
    }

    pub(super) fn write(&mut self, text: &str) -> anyhow::Result<()> {
        self.out
            .write_all(text.as_bytes())
            .with_context(|| format!("cannot write {}", self.name()))
    }

    /// Copies the sections into `out` and removes the part file.
    pub(super) fn copy_into(mut self, out: &mut impl Write) -> anyhow::Result<()> {
        self.out
            .flush()
            .with_context(|| format!("cannot write {}", self.name()))?;
        let file = self.out.get_mut();
        file.seek(SeekFrom::Start(0))
            .and_then(|_| std::io::copy(file, out))
            .with_context(|| format!("cannot read {}", self.name()))?;
        Ok(())
    }
}

impl Drop for PartFile {
    /// Removed however the report ends: copied, failed or abandoned.
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The JSON report, streamed: iterations are written as they arrive.
pub struct JsonWriter {
    out: BufWriter<Sink>,
    first: bool,
    path: PathBuf,
}

impl JsonWriter {
    fn open(path: &Path) -> anyhow::Result<JsonWriter> {
        let mut out = BufWriter::new(create(path)?);
        write!(
            out,
            "{{\"schema\":\"runner-report\",\"version\":{SCHEMA_VERSION},\"iterations\":["
        )?;
        Ok(JsonWriter {
            out,
            first: true,
            path: path.to_path_buf(),
        })
    }
}

impl ReportWriter for JsonWriter {
    fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        self.out.write_all(b"\n")?;
        serde_json::to_writer(&mut self.out, it)?;
        Ok(())
    }

    fn finish(&mut self, meta: &RunMeta, totals: &Totals) -> anyhow::Result<()> {
        write!(self.out, "\n],\"meta\":")?;
        serde_json::to_writer(&mut self.out, meta)?;
        write!(self.out, ",\"summary\":")?;
        serde_json::to_writer(&mut self.out, totals)?;
        writeln!(self.out, "}}")?;
        self.out
            .flush()
            .with_context(|| format!("cannot write report {}", shown(&self.path)))
    }
}

/// A whole JSON report read back (`runner report merge`).
#[derive(Debug, serde::Deserialize)]
pub struct JsonReport {
    /// `runner-report`.
    pub schema: String,
    /// Schema version.
    pub version: u32,
    /// Iterations.
    pub iterations: Vec<IterationReport>,
    /// Run facts.
    pub meta: RunMeta,
}

/// JUnit XML: one testsuite per collection and iteration, one testcase per request.
/// Each suite is serialized when its iteration arrives and kept in a part file.
pub struct JunitWriter {
    file: Option<Sink>,
    path: PathBuf,
    suites: Option<PartFile>,
    iterations: usize,
}

impl JunitWriter {
    fn open(path: &Path, iterations: usize) -> anyhow::Result<JunitWriter> {
        Ok(JunitWriter {
            file: Some(create(path)?),
            path: path.to_path_buf(),
            suites: Some(PartFile::create(path)?),
            iterations,
        })
    }
}

/// The `<testsuite>` element of a one-suite document, as quick-junit indents it.
fn suite_xml(suite: TestSuite) -> anyhow::Result<String> {
    let mut report = Report::new("runner");
    report.add_test_suite(suite);
    let doc = report.to_string()?;
    let start = doc
        .find("    <testsuite ")
        .ok_or_else(|| anyhow::anyhow!("unexpected JUnit serialization"))?;
    let end = doc
        .rfind("</testsuites>")
        .ok_or_else(|| anyhow::anyhow!("unexpected JUnit serialization"))?;
    Ok(doc[start..end].to_string())
}

fn duration(ms: f64) -> Duration {
    Duration::try_from_secs_f64((ms / 1000.0).max(0.0)).unwrap_or(Duration::MAX)
}

/// The folder of a request path, under its collection: `Collection/Folder`.
fn classname(collection: &str, path: &str) -> String {
    match path.rsplit_once('/') {
        Some((folder, _)) => format!("{collection}/{folder}"),
        None => collection.to_string(),
    }
}

/// A testcase name unique within its class across iterations and data rows: the request's
/// own name (its folder is in the classname), plus ` [iteration N]` when there are several.
fn case_name(path: &str, iteration: usize, iterations: usize) -> String {
    let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
    if iterations > 1 {
        format!("{name} [iteration {iteration}]")
    } else {
        name.to_string()
    }
}

/// Lines describing the exchange, for `system-out`: the named assertions (script tests
/// among them) with their outcome, what the scripts printed, each hop, and the body of a
/// request that did not pass.
pub fn exchange_text(r: &RequestReport) -> String {
    let mut out = String::new();
    for a in r.assertions.iter() {
        let Some(name) = &a.name else { continue };
        let mark = if a.skipped {
            "skipped"
        } else if a.passed {
            "passed"
        } else {
            "failed"
        };
        out.push_str(&format!("[{mark}] {name}\n"));
    }
    for line in &r.console {
        out.push_str(&format!("console {line}\n"));
    }
    for (i, h) in r.hops.iter().enumerate() {
        if i > 0 {
            out.push_str("redirect: ");
        }
        out.push_str(&format!(
            "{} {} -> {} ({} ms)\n",
            h.method, h.url, h.status, h.total_ms
        ));
        if let Some(note) = &h.redirect_note {
            out.push_str(&format!("  {note}\n"));
        }
    }
    if r.status != Outcome::Passed
        && let Some(body) = r.hops.last().and_then(|h| h.response_body.as_deref())
    {
        out.push_str("response body:\n");
        out.push_str(body);
        out.push('\n');
    }
    out
}

/// Every failed assertion and error of a request, in words.
pub fn failure_text(r: &RequestReport) -> String {
    let mut out = String::new();
    for a in r.assertions.iter().filter(|a| a.failed()) {
        out.push_str(&format!("{}\n", a.message()));
        out.push_str(&format!(
            "  expected: {}\n  actual:   {}\n",
            a.expected, a.actual
        ));
        if let Some(p) = &a.position {
            out.push_str(&format!("  at {}:{}:{}\n", p.file, p.line, p.col));
        }
        for d in &a.differences {
            out.push_str(&format!("  {d}\n"));
        }
        if let Some(diff) = &a.diff {
            out.push_str(diff);
            if !diff.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    for e in &r.errors {
        out.push_str(&format!("{}\n", e.message));
        if let Some(p) = &e.position {
            out.push_str(&format!("  at {}:{}:{}\n", p.file, p.line, p.col));
        }
    }
    out
}

impl ReportWriter for JunitWriter {
    fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()> {
        let mut suite = TestSuite::new(it.suite_name(self.iterations));
        // No timestamp: Maven Surefire's schema has none (the JSON report keeps the start).
        suite.set_time(duration(it.duration_ms));
        suite.add_property(("file", it.file.as_str()));
        suite.add_property(("iteration", it.iteration.to_string().as_str()));
        if let Some(s) = &it.shard {
            suite.add_property(("shard", s.as_str()));
        }
        for r in &it.requests {
            let status = match r.status {
                Outcome::Passed => TestCaseStatus::success(),
                Outcome::Skipped => {
                    let mut s = TestCaseStatus::skipped();
                    if let Some(why) = &r.skipped {
                        s.set_message(why.as_str());
                    }
                    s
                }
                // Like a test whose setup failed: skipped, with the cause, while the failure
                // itself is reported once, at the request where it happened.
                Outcome::NotSent => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(format!(
                        "not sent: {}",
                        r.not_sent.as_deref().unwrap_or_default()
                    ));
                    s
                }
                Outcome::Failed | Outcome::Errored => {
                    let errored = r.status == Outcome::Errored;
                    let mut s = TestCaseStatus::non_success(if errored {
                        NonSuccessKind::Error
                    } else {
                        NonSuccessKind::Failure
                    });
                    let message = r
                        .assertions
                        .iter()
                        .find(|a| a.failed())
                        .map(|a| a.message())
                        .filter(|_| !errored)
                        .or_else(|| r.errors.first().map(|e| e.message.clone()))
                        .unwrap_or_default();
                    s.set_message(message);
                    s.set_type(if errored { "error" } else { "assertion" });
                    s.set_description(failure_text(r));
                    s
                }
            };
            let mut case = TestCase::new(case_name(&r.path, it.iteration, self.iterations), status);
            case.set_classname(classname(&it.collection, &r.path));
            case.set_time(duration(r.duration_ms));
            let out = exchange_text(r);
            if !out.is_empty() {
                case.set_system_out(out);
            }
            suite.add_test_case(case);
        }
        let xml = suite_xml(suite)?;
        if let Some(part) = &mut self.suites {
            part.write(&xml)?;
        }
        Ok(())
    }

    fn finish(&mut self, meta: &RunMeta, t: &Totals) -> anyhow::Result<()> {
        let (Some(file), Some(part)) = (self.file.take(), self.suites.take()) else {
            return Ok(());
        };
        let mut out = BufWriter::new(file);
        // Only the attributes Jenkins' xunit schema declares on <testsuites>: the start and
        // the skipped count are on each <testsuite>.
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"runner\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">\n",
            t.requests,
            t.failed,
            t.errored,
            meta.duration_ms as f64 / 1000.0
        )?;
        part.copy_into(&mut out)?;
        if meta.interrupted {
            // The JUnit schemas have no place for it on <testsuites>; a comment keeps them valid.
            writeln!(
                out,
                "<!-- interrupted: only finished iterations are reported -->"
            )?;
        }
        writeln!(out, "</testsuites>")?;
        out.flush()
            .with_context(|| format!("cannot write report {}", shown(&self.path)))
    }
}

/// Every writer of a run, fed in order, with running totals.
pub struct Reports {
    writers: Vec<Box<dyn ReportWriter>>,
    /// What the writers show of each hop.
    pub detail: Detail,
    /// Counts over everything fed so far.
    pub totals: Totals,
}

impl Reports {
    /// Opens the writers of `specs`.
    pub fn open(specs: &[ReporterSpec], iterations: usize) -> anyhow::Result<Reports> {
        let mut writers = Vec::new();
        let stdout_taken = specs.iter().any(ReporterSpec::to_stdout);
        for s in specs {
            if let Some(w) = s.open(iterations, stdout_taken)? {
                writers.push(w);
            }
        }
        // The JSON and HTML reports show every hop's headers and bodies.
        let full = specs
            .iter()
            .any(|s| matches!(s, ReporterSpec::Json(_) | ReporterSpec::Html(_)));
        Ok(Reports {
            writers,
            detail: if full { Detail::Full } else { Detail::Brief },
            totals: Totals::default(),
        })
    }

    /// Whether any writer needs iteration reports.
    pub fn is_empty(&self) -> bool {
        self.writers.is_empty()
    }

    /// Feeds one iteration to every writer.
    pub fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()> {
        count_iteration(&mut self.totals, it);
        for w in &mut self.writers {
            w.iteration(it)?;
        }
        Ok(())
    }

    /// Completes every writer; the first error is returned after all were tried.
    pub fn finish(&mut self, meta: &RunMeta) -> anyhow::Result<()> {
        let mut first = Ok(());
        for w in &mut self.writers {
            if let Err(e) = w.finish(meta, &self.totals)
                && first.is_ok()
            {
                first = Err(e);
            }
        }
        first
    }
}
