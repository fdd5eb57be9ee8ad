//! A run as units of work: one unit per (collection, iteration). Units are planned in a
//! fixed order (collection, then iteration), optionally sharded, run up to `--parallel` at
//! a time on one HTTP client and one token source, and handed to the report writers in
//! plan order as soon as every earlier unit is done, so reports are deterministic and
//! results are not kept.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::Poll;
use std::time::Instant;

use serde_json::Value;

use crate::collection::{Collection, RequestDef};
use crate::data::Row;
use crate::diagnostic::Diagnostic;
use crate::report::model::{IterationReport, RunMeta};
use crate::report::{Reports, Stats, TerminalReporter};
use crate::runner::{CollectionResult, Listener, RequestResult, RunOptions, Runner, Status};
use crate::secrets::Masker;
use crate::settings::RunSettings;
use crate::template::Engine;
use crate::vars::Vars;

/// `--shard K/N`: the K-th (1-based) of N slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based index.
    pub index: usize,
    /// Number of slices.
    pub count: usize,
}

impl Shard {
    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("--shard must be K/N with 1 <= K <= N, such as 2/3: got `{text}`");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// `K/N`.
    pub fn label(&self) -> String {
        format!("{}/{}", self.index, self.count)
    }
}

/// One collection run once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unit {
    /// Position in the whole plan (before sharding).
    pub index: usize,
    /// Index of the collection on the command line.
    pub collection: usize,
    /// 0-based iteration.
    pub iteration: usize,
}

/// Every unit of the run in plan order: collection by collection, iteration by iteration.
/// With a shard, unit number `g` of the whole plan belongs to slice `g mod N`: the same
/// command line gives the same slices on every machine, and the N slices are disjoint and
/// cover the plan.
pub fn plan(collections: usize, iterations: usize, shard: Option<Shard>) -> Vec<Unit> {
    (0..collections)
        .flat_map(|c| (0..iterations).map(move |i| (c, i)))
        .enumerate()
        .filter(|(g, _)| shard.is_none_or(|s| g % s.count == s.index - 1))
        .map(|(index, (collection, iteration))| Unit {
            index,
            collection,
            iteration,
        })
        .collect()
}

/// What a run needs besides its units.
pub struct Batch<'a> {
    /// Collections, in command-line order.
    pub collections: &'a [Collection],
    /// Each collection's variables before the run.
    pub scopes: &'a [Vars],
    /// Each collection's selected requests.
    pub selections: &'a [Vec<usize>],
    /// Templates.
    pub engine: &'a Engine,
    /// The shared client.
    pub client: &'a reqwest::Client,
    /// The masker.
    pub masker: &'a Masker,
    /// Runner options.
    pub options: &'a RunOptions,
    /// The run's single token source.
    pub tokens: Option<&'a crate::auth::TokenSource>,
    /// The terminal.
    pub terminal: &'a TerminalReporter,
    /// Data rows (`-d`); iteration `i` uses row `i mod rows`.
    pub rows: &'a [Row],
    /// Iterations per collection.
    pub iterations: usize,
    /// Units run at a time.
    pub parallel: usize,
    /// `K/N`, for reports.
    pub shard: Option<String>,
}

/// How a run ended.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    /// Summary counts.
    pub stats: Stats,
    /// `--bail` stopped it.
    pub bailed: bool,
    /// Ctrl-C, SIGTERM or SIGHUP stopped it.
    pub interrupted: bool,
    /// The number of the signal that stopped it.
    pub signal: Option<i32>,
    /// A report could not be written.
    pub report_error: Option<anyhow::Error>,
    /// Some request errored.
    pub errored: bool,
    /// Some request failed.
    pub failed: bool,
}

type Done = (usize, CollectionResult, bool, String);
type UnitFuture<'f> = Pin<Box<dyn Future<Output = Done> + 'f>>;

impl Batch<'_> {
    /// Runs `units`, feeding `reports` in plan order. Captures flow from one collection
    /// to the next only in a sequential run of one iteration (as without this module).
    pub async fn run(&self, units: &[Unit], reports: &mut Reports) -> BatchOutcome {
        let start = Instant::now();
        let carry = self.parallel <= 1 && self.iterations == 1;
        let mut carried: Vec<(String, Value)> = Vec::new();
        let mut out = BatchOutcome::default();
        let mut active: Vec<UnitFuture<'_>> = Vec::new();
        let mut next_unit = 0;
        let mut next_report = 0;
        let mut ready: BTreeMap<usize, IterationReport> = BTreeMap::new();
        let mut stop = false;
        let mut stop_signal = std::pin::pin!(crate::signals::stop_signal());
        loop {
            while !stop && active.len() < self.parallel.max(1) && next_unit < units.len() {
                active.push(Box::pin(self.unit(next_unit, units[next_unit], &carried)));
                next_unit += 1;
            }
            if active.is_empty() {
                break;
            }
            let (pos, result, bail, started) = tokio::select! {
                biased;
                signal = &mut stop_signal => {
                    out.interrupted = true;
                    out.signal = Some(signal);
                    break;
                }
                done = next_done(&mut active) => done,
            };
            for r in &result.requests {
                out.stats.add(r);
                match r.status() {
                    Status::Errored => out.errored = true,
                    Status::Failed => out.failed = true,
                    _ => {}
                }
            }
            out.stats.iterations += 1;
            if carry {
                carried.extend(
                    result
                        .requests
                        .iter()
                        .flat_map(|r| r.captures.iter().cloned()),
                );
            }
            if bail {
                stop = true;
                out.bailed = true;
            }
            if !reports.is_empty() {
                let unit = units[pos];
                let report = IterationReport::build(
                    &result,
                    unit.index,
                    unit.iteration,
                    self.row(unit.iteration),
                    self.shard.clone(),
                    started,
                    self.masker,
                );
                ready.insert(pos, report);
                while let Some(r) = ready.remove(&next_report) {
                    self.feed(reports, &r, &mut out);
                    next_report += 1;
                }
            }
        }
        drop(active);
        // Interrupted or bailed: what finished, still in plan order.
        for r in std::mem::take(&mut ready).into_values() {
            self.feed(reports, &r, &mut out);
        }
        out.stats.duration = start.elapsed();
        out
    }

    fn feed(&self, reports: &mut Reports, it: &IterationReport, out: &mut BatchOutcome) {
        if let Err(e) = reports.iteration(it)
            && out.report_error.is_none()
        {
            out.report_error = Some(e);
        }
    }

    fn row(&self, iteration: usize) -> Option<&Row> {
        (!self.rows.is_empty()).then(|| &self.rows[iteration % self.rows.len()])
    }

    fn unit<'f>(&'f self, pos: usize, unit: Unit, carried: &[(String, Value)]) -> UnitFuture<'f> {
        let carried = carried.to_vec();
        Box::pin(async move {
            let collection = &self.collections[unit.collection];
            let mut scope = self.scopes[unit.collection].clone();
            for (k, v) in &carried {
                scope.capture(k, v);
            }
            if let Some(row) = self.row(unit.iteration) {
                for (k, v) in row {
                    scope.capture(k, v);
                }
            }
            scope.capture("iteration", &Value::from(unit.iteration));
            scope.refresh(self.engine);
            let listener = UnitListener {
                terminal: self.terminal,
                heading: self
                    .terminal
                    .heading(collection, (self.iterations > 1).then_some(unit.iteration)),
                buffer: (self.parallel > 1).then(|| Mutex::new((String::new(), String::new()))),
            };
            let runner = Runner {
                client: self.client,
                engine: self.engine,
                masker: self.masker,
                listener: &listener,
                options: self.options,
                tokens: self.tokens,
            };
            let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let selected = &self.selections[unit.collection];
            let (result, bail) = runner
                .run_collection(collection, selected, &mut scope)
                .await;
            listener.flush();
            (pos, result, bail, started)
        })
    }
}

/// Waits for any of `active` to finish and removes it.
async fn next_done(active: &mut Vec<UnitFuture<'_>>) -> Done {
    std::future::poll_fn(|cx| {
        for i in 0..active.len() {
            if let Poll::Ready(done) = active[i].as_mut().poll(cx) {
                drop(active.swap_remove(i));
                return Poll::Ready(done);
            }
        }
        Poll::Pending
    })
    .await
}

/// The terminal lines of one unit: printed as they come in a sequential run, or kept and
/// printed whole when the unit ends in a parallel one.
struct UnitListener<'a> {
    terminal: &'a TerminalReporter,
    heading: String,
    buffer: Option<Mutex<(String, String)>>,
}

impl UnitListener<'_> {
    fn out(&self, text: &str, stderr: bool) {
        match &self.buffer {
            Some(buf) => {
                if let Ok(mut b) = buf.lock() {
                    if stderr {
                        b.1.push_str(text)
                    } else {
                        b.0.push_str(text)
                    }
                }
            }
            None if stderr => self.terminal.emit_err(text),
            None => self.terminal.emit(text),
        }
    }

    /// Prints a parallel unit's `-v` exchanges, then its lines.
    fn flush(&self) {
        if let Some(buf) = &self.buffer
            && let Ok(mut b) = buf.lock()
        {
            let (out, err) = std::mem::take(&mut *b);
            if !err.is_empty() {
                self.terminal.emit_err(&err);
            }
            self.terminal.emit(&out);
        }
    }
}

impl Listener for UnitListener<'_> {
    fn collection_started(&self, _c: &Collection, count: usize) {
        if let Some(bar) = self.terminal.progress_bar() {
            bar.inc_length(count as u64);
        }
        self.out(&self.heading, false);
    }

    fn request_started(&self, r: &RequestDef) {
        if let Some(bar) = self.terminal.progress_bar() {
            bar.set_message(r.path());
        }
    }

    fn request_finished(&self, r: &RequestResult) {
        if let Some(bar) = self.terminal.progress_bar() {
            bar.inc(1);
        }
        let (line, verbose) = self.terminal.request_text(r);
        if let Some(v) = verbose {
            self.out(&v, true);
        }
        self.out(&line, false);
    }
}

/// Reads the `-d` file and makes its field names and `iteration` known to the checks.
pub fn with_data(mut settings: RunSettings) -> Result<(RunSettings, Vec<Row>), Diagnostic> {
    let rows = match &settings.batch.data {
        Some(path) => crate::data::load_rows(path)?,
        None => Vec::new(),
    };
    settings
        .load
        .iteration_names
        .extend(crate::data::field_names(&rows));
    Ok((settings, rows))
}

/// The facts reports carry about the run.
pub fn meta(
    settings: &RunSettings,
    outcome: &BatchOutcome,
    iterations: usize,
    started_at: String,
) -> RunMeta {
    RunMeta {
        runner_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        duration_ms: outcome.stats.duration.as_millis().min(u128::from(u64::MAX)) as u64,
        shard: settings.batch.shard.map(|s| s.label()),
        iterations,
        data_file: settings
            .batch
            .data
            .as_ref()
            .map(|p| p.display().to_string()),
        interrupted: outcome.interrupted,
        bailed: outcome.bailed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_disjoint_and_complete() {
        let all = plan(3, 7, None);
        assert_eq!(all.len(), 21);
        let mut union = Vec::new();
        for k in 1..=4 {
            let s = Shard { index: k, count: 4 };
            union.extend(plan(3, 7, Some(s)));
        }
        union.sort_by_key(|u| u.index);
        assert_eq!(union, all);
    }

    #[test]
    fn shard_parse_rejects_out_of_range() {
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert!(Shard::parse("x").is_err());
    }
}
