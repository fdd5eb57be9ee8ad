//! `runner report merge`: JSON reports (of shards, say) combined into one run and written
//! again with other reporters. Nothing is re-run.

use std::path::Path;

use anyhow::Context as _;

use crate::app::ExitStatus;
use crate::cli::MergeArgs;
use crate::report::model::{IterationReport, RunMeta, SCHEMA_VERSION};
use crate::report::writers::JsonReport;
use crate::report::{ReporterSpec, Reports};

/// The longest duration a report may give, in milliseconds: about 31 years.
const MAX_MS: f64 = 1e12;

fn read(path: &Path) -> anyhow::Result<JsonReport> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut de = serde_json::Deserializer::from_str(&text);
    let report: JsonReport = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let at = e.path().to_string();
        anyhow::anyhow!("{}", e.into_inner()).context(format!(
            "{} is not a runner JSON report (at $.{at})",
            path.display()
        ))
    })?;
    if let Err((at, ms)) = check_durations(&report) {
        let ms = if ms.abs() < 1e15 {
            ms.to_string()
        } else {
            format!("{ms:e}")
        };
        anyhow::bail!(
            "{}: {at} is {ms}: a duration must be a number of milliseconds from 0 to {MAX_MS:e}",
            path.display()
        );
    }
    if report.schema != "runner-report" || report.version != SCHEMA_VERSION {
        anyhow::bail!(
            "{}: schema {} version {} is not supported (expected runner-report version {SCHEMA_VERSION})",
            path.display(),
            report.schema,
            report.version
        );
    }
    Ok(report)
}

/// The first duration out of range, by its JSON path.
fn check_durations(report: &JsonReport) -> Result<(), (String, f64)> {
    let check = |at: &dyn Fn() -> String, ms: f64| {
        if ms.is_finite() && (0.0..=MAX_MS).contains(&ms) {
            Ok(())
        } else {
            Err((at(), ms))
        }
    };
    check(
        &|| "$.meta.duration_ms".into(),
        report.meta.duration_ms as f64,
    )?;
    for (i, it) in report.iterations.iter().enumerate() {
        check(&|| format!("$.iterations[{i}].duration_ms"), it.duration_ms)?;
        for (j, r) in it.requests.iter().enumerate() {
            let req = || format!("$.iterations[{i}].requests[{j}]");
            check(&|| format!("{}.duration_ms", req()), r.duration_ms)?;
            for (k, h) in r.hops.iter().enumerate() {
                check(&|| format!("{}.hops[{k}].headers_ms", req()), h.headers_ms)?;
                check(&|| format!("{}.hops[{k}].total_ms", req()), h.total_ms)?;
            }
        }
    }
    Ok(())
}

/// Merges the reports: iterations in run order (unit position, then file order), the
/// earliest start, the longest duration, the largest iteration count.
pub fn merge(reports: Vec<JsonReport>) -> (Vec<IterationReport>, RunMeta) {
    let mut meta = RunMeta {
        runner_version: env!("CARGO_PKG_VERSION").to_string(),
        ..RunMeta::default()
    };
    let mut iterations = Vec::new();
    for (i, r) in reports.into_iter().enumerate() {
        if i == 0 || r.meta.started_at < meta.started_at {
            meta.started_at = r.meta.started_at.clone();
        }
        meta.duration_ms = meta.duration_ms.max(r.meta.duration_ms);
        meta.iterations = meta.iterations.max(r.meta.iterations);
        meta.interrupted |= r.meta.interrupted;
        meta.bailed |= r.meta.bailed;
        if meta.data_file.is_none() {
            meta.data_file = r.meta.data_file;
        }
        iterations.extend(r.iterations);
    }
    iterations.sort_by_key(|it| it.unit);
    (iterations, meta)
}

/// Runs `runner report merge`: 0 when written, 2 on unreadable input or a bad reporter.
pub fn merge_command(args: MergeArgs) -> ExitStatus {
    let mut specs = Vec::new();
    for r in &args.reporters {
        match ReporterSpec::parse(r) {
            Ok(ReporterSpec::Cli | ReporterSpec::Github) => {
                eprintln!(
                    "error: `report merge` writes files: use junit=PATH, json=PATH or html=PATH"
                );
                return ExitStatus::Invalid;
            }
            Ok(s) => specs.push(s),
            Err(m) => {
                eprintln!("error: {m}\nhelp: available: junit=PATH, json=PATH, html=PATH");
                return ExitStatus::Invalid;
            }
        }
    }
    let named: Vec<(&str, &Path)> = args
        .reports
        .iter()
        .map(|p| ("report", p.as_path()))
        .collect();
    if let Err(m) = crate::report::files::check_report_paths(&specs, &named) {
        eprintln!("error: {m}");
        return ExitStatus::Invalid;
    }
    let mut inputs = Vec::new();
    for p in &args.reports {
        match read(p) {
            Ok(r) => inputs.push(r),
            Err(e) => {
                eprintln!("error: {e:#}");
                return ExitStatus::Invalid;
            }
        }
    }
    let (iterations, meta) = merge(inputs);
    let written = Reports::open(&specs, meta.iterations).and_then(|mut reports| {
        for it in &iterations {
            reports.iteration(it)?;
        }
        reports.finish(&meta)?;
        Ok(reports.totals)
    });
    match written {
        Ok(t) => {
            println!(
                "merged {} reports: {} iterations, {} requests ({} passed, {} failed, {} errors, {} skipped)",
                args.reports.len(),
                t.iterations,
                t.requests,
                t.passed,
                t.failed,
                t.errored,
                t.skipped
            );
            ExitStatus::Ok
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitStatus::Runtime
        }
    }
}
