//! The report writers as a [`Listener`]: each finished request is condensed (and masked)
//! into a [`RequestReport`] at once, so its raw exchanges can be dropped; each finished unit
//! becomes an [`IterationReport`], handed to the writers in plan order as soon as every
//! earlier unit is done, so reports are deterministic however `--parallel` interleaves the
//! units.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use super::Reports;
use super::model::{IterationReport, RequestReport, RunMeta};
use crate::collection::Collection;
use crate::data::Row;
use crate::runner::{CollectionResult, Listener, RequestResult, Unit};
use crate::secrets::Masker;

/// Feeds the report writers of a run.
pub struct ReportFeed {
    state: Mutex<State>,
    masker: Arc<Masker>,
    /// `K/N` with `--shard`.
    shard: Option<String>,
}

struct State {
    reports: Reports,
    /// The records of the finished requests of each running unit, by its position.
    running: HashMap<usize, Vec<RequestReport>>,
    /// Finished units waiting for an earlier one, by position in the plan.
    ready: BTreeMap<usize, IterationReport>,
    /// The position of the next unit to hand on.
    next: usize,
    /// The first write that failed.
    error: Option<anyhow::Error>,
}

impl State {
    fn feed(&mut self, it: &IterationReport) {
        if let Err(e) = self.reports.iteration(it)
            && self.error.is_none()
        {
            self.error = Some(e);
        }
    }
}

impl ReportFeed {
    /// A feed for `reports`; `shard` is written into every iteration.
    pub fn new(reports: Reports, masker: Arc<Masker>, shard: Option<String>) -> ReportFeed {
        ReportFeed {
            state: Mutex::new(State {
                reports,
                running: HashMap::new(),
                ready: BTreeMap::new(),
                next: 0,
                error: None,
            }),
            masker,
            shard,
        }
    }

    /// Completes every report: the units still waiting (after an interruption or
    /// `--bail`) are written in plan order first. The first error wins.
    pub fn finish(self, meta: &RunMeta) -> anyhow::Result<()> {
        let mut state = self
            .state
            .into_inner()
            .map_err(|_| anyhow::anyhow!("a report writer failed"))?;
        for it in std::mem::take(&mut state.ready).into_values() {
            state.feed(&it);
        }
        let written = state.reports.finish(meta);
        match state.error {
            Some(e) => Err(e),
            None => written,
        }
    }
}

impl Listener for ReportFeed {
    fn collection_started(&self, unit: &Unit, _collection: &Collection, count: usize) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if !state.reports.is_empty() {
            state
                .running
                .insert(unit.position, Vec::with_capacity(count));
        }
    }

    fn request_finished(&self, unit: &Unit, result: &RequestResult) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.reports.is_empty() {
            return;
        }
        let record = RequestReport::build(result, &self.masker, state.reports.detail);
        state.running.entry(unit.position).or_default().push(record);
    }

    fn unit_finished(&self, unit: &Unit, result: &CollectionResult, row: Option<&Row>) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        if state.reports.is_empty() {
            return;
        }
        let requests = state.running.remove(&unit.position).unwrap_or_default();
        let report = IterationReport::build(
            result,
            requests,
            unit.index,
            unit.iteration,
            row,
            self.shard.clone(),
            result.started_at.clone(),
            &self.masker,
        );
        state.ready.insert(unit.position, report);
        loop {
            let next = state.next;
            let Some(it) = state.ready.remove(&next) else {
                break;
            };
            state.feed(&it);
            state.next += 1;
        }
    }
}
