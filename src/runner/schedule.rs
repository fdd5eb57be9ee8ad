//! Running the planned units: up to `--parallel` at a time on one HTTP client and one token
//! source, until every unit ran, `--bail` stopped the run, or a signal did. Each unit's
//! events go to the [`Listener`]; the schedule keeps only counts, never results.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use std::time::{Duration, Instant};

use indexmap::IndexMap;
use serde_json::Value;

use super::result::insert_slowest;
use super::scripts;
use super::{CollectionResult, Listener, RunOptions, Runner, Totals, Unit};
use crate::auth::TokenSource;
use crate::collection::Collection;
use crate::data::Row;
use crate::script::Scopes;
use crate::secrets::Masker;
use crate::template::Engine;
use crate::vars::Vars;

/// What a run needs besides its units.
pub struct Schedule<'a> {
    /// Collections, in command-line order.
    pub collections: &'a [Collection],
    /// Each collection's variables before the run.
    pub scopes: &'a [Vars],
    /// Each collection's selected requests.
    pub selections: &'a [Vec<usize>],
    /// Templates.
    pub engine: &'a Engine,
    /// The shared client.
    pub client: &'a crate::http::HttpClient,
    /// The masker.
    pub masker: &'a Masker,
    /// Runner options.
    pub options: &'a RunOptions,
    /// The run's single token source.
    pub tokens: Option<&'a TokenSource>,
    /// Receives every event.
    pub listener: &'a dyn Listener,
    /// Data rows (`-d`); iteration `i` uses row `i mod rows`.
    pub rows: &'a [Row],
    /// Iterations per collection.
    pub iterations: usize,
    /// Units run at a time.
    pub parallel: usize,
}

/// How a run ended.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Requests and assertions of the finished units.
    pub totals: Totals,
    /// The slowest sent requests (`Folder/Request`, time), slowest first.
    pub slowest: Vec<(String, Duration)>,
    /// Wall time of the run.
    pub duration: Duration,
    /// `--bail` stopped it.
    pub bailed: bool,
    /// Ctrl-C, SIGTERM or SIGHUP stopped it.
    pub interrupted: bool,
    /// The number of the signal that stopped it.
    pub signal: Option<i32>,
    /// The variables as the last finished unit in plan order left them (`--export-env`),
    /// with its position.
    pub variables: Option<(usize, Vars)>,
}

impl Outcome {
    fn count(&mut self, result: &CollectionResult) {
        self.totals.iterations += 1;
        self.totals.add(&result.totals);
        // A unit's slowest are its requests' slowest in order: merged in that order, ties
        // keep the earlier request first, as when each request is counted.
        for (path, duration) in &result.slowest {
            insert_slowest(&mut self.slowest, path, *duration);
        }
    }
}

type Done = (Unit, CollectionResult, bool, Vars, Option<Scopes>);

/// What a sequential run hands from one unit to the next.
#[derive(Debug, Clone, Default)]
struct Carry {
    /// Captures and values scripts set (the last of each name), for templates.
    values: IndexMap<String, Value>,
    /// The scripts' scopes as the last unit with scripts left them, and its collection.
    scopes: Option<(usize, Scopes)>,
}

impl Carry {
    /// Takes on what a finished unit of collection `index` captured and set.
    fn update(&mut self, index: usize, result: &CollectionResult, scopes: Option<Scopes>) {
        for (name, value) in &result.captures {
            self.values.shift_remove(name);
            self.values.insert(name.clone(), value.clone());
            // A unit without scripts leaves the scopes as they were, its captures added.
            if scopes.is_none()
                && let Some((_, s)) = &mut self.scopes
            {
                scripts::capture_into(s, name, value);
            }
        }
        // Values scripts set flow on like captures; one they unset is not carried.
        for (name, value) in &result.variables {
            self.values.shift_remove(name);
            if let Some(v) = value {
                self.values.insert(name.clone(), v.clone());
            }
        }
        if let Some(s) = scopes {
            self.scopes = Some((index, s));
        }
    }
}

type UnitFuture<'f> = Pin<Box<dyn Future<Output = Done> + 'f>>;

impl Schedule<'_> {
    /// Runs `units`. In a sequential run, captures and the values scripts set flow from
    /// each unit to the next (the next iteration, the next collection), as Newman keeps
    /// its environment; with `--parallel`, or a shard of several iterations, units are
    /// independent.
    pub async fn run(&self, units: &[Unit]) -> Outcome {
        let start = Instant::now();
        let sharded = units.iter().any(|u| u.index != u.position);
        let carry = self.parallel <= 1 && (self.iterations == 1 || !sharded);
        let mut carried = Carry::default();
        let mut out = Outcome::default();
        let mut active: Vec<UnitFuture<'_>> = Vec::new();
        let mut next_unit = 0;
        let mut stop = false;
        let mut stop_signal = std::pin::pin!(crate::signals::stop_signal());
        loop {
            while !stop && active.len() < self.parallel.max(1) && next_unit < units.len() {
                active.push(self.unit(units[next_unit], &carried, carry));
                next_unit += 1;
            }
            if active.is_empty() {
                break;
            }
            let (unit, result, bail, scope, scopes) = tokio::select! {
                biased;
                signal = &mut stop_signal => {
                    out.interrupted = true;
                    out.signal = Some(signal);
                    break;
                }
                done = next_done(&mut active) => done,
            };
            out.count(&result);
            if out
                .variables
                .as_ref()
                .is_none_or(|(p, _)| *p < unit.position)
            {
                out.variables = Some((unit.position, scope));
            }
            if carry {
                carried.update(unit.collection, &result, scopes);
            }
            if bail {
                stop = true;
                out.bailed = true;
            }
            self.listener
                .unit_finished(&unit, &result, self.row(unit.iteration));
        }
        drop(active);
        out.duration = start.elapsed();
        out
    }

    fn row(&self, iteration: usize) -> Option<&Row> {
        (!self.rows.is_empty()).then(|| &self.rows[iteration % self.rows.len()])
    }

    /// `carry`: captures of earlier collections reach this one.
    fn unit<'f>(&'f self, unit: Unit, carried: &Carry, carry: bool) -> UnitFuture<'f> {
        let collection = &self.collections[unit.collection];
        let mut scope = self.scopes[unit.collection].clone();
        for (k, v) in &carried.values {
            scope.capture(k, v);
        }
        let row = self.row(unit.iteration);
        // Before the data row enters `scope`: the environment scope keeps its own values.
        let scopes = collection.has_scripts().then(|| {
            scope.refresh(self.engine);
            scripts::start_scopes(
                collection,
                unit.collection,
                &scope,
                carried.scopes.as_ref(),
                row,
            )
        });
        Box::pin(async move {
            if let Some(row) = row {
                for (k, v) in row {
                    scope.data(k, v);
                }
            }
            scope.run_value("iteration", &Value::from(unit.iteration));
            scope.refresh(self.engine);
            let runner = Runner {
                client: self.client,
                engine: self.engine,
                masker: self.masker,
                listener: self.listener,
                unit,
                options: self.options,
                tokens: self.tokens,
                iterations: self.iterations,
                earlier: if carry {
                    &self.collections[..unit.collection]
                } else {
                    &[]
                },
            };
            let selected = &self.selections[unit.collection];
            let (result, bail, scopes) = runner
                .run_collection(collection, selected, &mut scope, scopes)
                .await;
            (unit, result, bail, scope, scopes)
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
