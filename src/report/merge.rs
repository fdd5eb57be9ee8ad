//! JSON reports (of shards, say) read back and combined into one run, to be written again
//! with other reporters (`runner report merge`). Nothing is re-run.

use std::path::Path;

use anyhow::Context as _;

use super::model::{IterationReport, RunMeta, SCHEMA_VERSION};
use super::writers::JsonReport;
use super::{ReporterSpec, Reports};
use crate::runner::Totals;

/// The longest duration a report may give, in milliseconds: about 31 years.
const MAX_MS: f64 = 1e12;

/// Reads one JSON report, refusing other files, other schema versions and durations out
/// of range.
pub fn read(path: &Path) -> anyhow::Result<JsonReport> {
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

/// Writes merged `iterations` with the writers of `specs`; returns what they counted.
pub fn write(
    specs: &[ReporterSpec],
    iterations: &[IterationReport],
    meta: &RunMeta,
) -> anyhow::Result<Totals> {
    let mut reports = Reports::open(specs, meta.iterations)?;
    for it in iterations {
        reports.iteration(it)?;
    }
    reports.finish(meta)?;
    Ok(reports.totals)
}
