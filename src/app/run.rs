//! `runner run`: load and check, start the mock if asked, run the planned units with the
//! terminal and the report writers listening, then write the reports and the summary.

use std::collections::HashSet;
use std::sync::Arc;

use super::auth::token_source;
use super::{Errors, ExitStatus};
use crate::cli::RunArgs;
use crate::collection::{Collection, RequestDef};
use crate::data::Row;
use crate::diagnostic::Diagnostic;
use crate::export::ExportedEnv;
use crate::http::build_client;
use crate::mock::MockServer;
use crate::report::model::RunMeta;
use crate::report::{ReportFeed, Reports, TerminalReporter};
use crate::runner::{
    CollectionResult, Listener, Outcome, RequestResult, RunOptions, Schedule, Unit, plan,
    request_count,
};
use crate::secrets::Masker;
use crate::settings::{RunSettings, printer};
use crate::vars::Vars;
use crate::workspace::{Prepared, prepare};

/// Runs `runner run`.
pub(super) async fn command(args: RunArgs) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let color = args.color;
    let (settings, rows) = match RunSettings::resolve(args).and_then(with_data) {
        Ok(s) => s,
        Err(d) => return Errors::new(&masker, &printer(color, false)).diagnostic(d),
    };
    let errors = Errors::new(&masker, &settings.output);
    if let (Some(shard), Some(source)) = (settings.batch.shard, &settings.batch.shard_source)
        && !settings.output.quiet
    {
        eprintln!("shard {} (--shard auto: {source})", shard.label());
    }
    let mock = if settings.load.mock {
        match MockServer::bind(0).await {
            Ok(m) => Some(m),
            Err(e) => {
                return errors.error(
                    &format!("cannot start the mock server: {e}"),
                    ExitStatus::Runtime,
                );
            }
        }
    } else {
        None
    };
    let mock_url = mock.as_ref().map(MockServer::url);
    let prepared = match prepare(
        &settings.load,
        &settings.selection,
        mock_url.as_deref(),
        &masker,
        true,
    ) {
        Ok(p) => p,
        Err((diags, sources)) => return errors.diagnostics(&diags, &sources),
    };
    if let Err(message) = settings.check_report_paths() {
        return errors.diagnostics(&[Diagnostic::new(message, None)], &prepared.ws.sources);
    }
    let client = match build_client(&settings.client) {
        Ok(c) => c,
        Err(e) => return errors.diagnostics(&[Diagnostic::new(e, None)], &prepared.ws.sources),
    };
    let Prepared {
        ws,
        scopes,
        selections,
        engine,
        // `runner validate` tells them; a run stays quiet about variables it does not use.
        warnings: _,
    } = prepared;
    if mock.is_some() && !ws.collections.iter().any(crate::mock::has_examples) {
        eprintln!(
            "warning: --mock: no request has an example, so the mock serves only OAuth2; {}",
            crate::mock::EXAMPLE_HINT
        );
    }
    let _mock_task = mock.map(|m| {
        let served: Vec<(Collection, Arc<Vars>)> = ws
            .collections
            .iter()
            .cloned()
            .zip(scopes.iter().cloned().map(Arc::new))
            .collect();
        m.serve(&served, None).0
    });
    let iterations = settings.batch.iterations * rows.len().max(1);
    let parallel = settings.batch.parallel;
    let units = plan(ws.collections.len(), iterations, settings.batch.shard);
    let mut terminal = TerminalReporter::new(
        settings.output,
        Arc::clone(&masker),
        iterations,
        parallel,
        request_count(&units, &selections),
    );
    // A report on stdout stays a whole document: the terminal's lines go to stderr.
    if settings.batch.reporters.iter().any(|r| r.to_stdout()) {
        terminal = terminal.on_stderr(settings.output.err_color);
    }
    let options = RunOptions {
        timeout: settings.timeout,
        bail: settings.bail,
        max_body: settings.max_body,
    };
    let tokens = token_source(
        &client,
        settings.tokens.clone(),
        settings.timeout,
        mock_url.clone(),
        &masker,
        terminal.progress_bar(),
        settings.output.verbose.then_some(settings.output),
    );
    let reports = match Reports::open(&settings.batch.reporters, iterations) {
        Ok(r) => r,
        Err(e) => return errors.error(&format!("{e:#}"), ExitStatus::Invalid),
    };
    let shard = settings.batch.shard.map(|s| s.label());
    let feed = ReportFeed::new(reports, Arc::clone(&masker), shard);
    let listeners = Listeners([&terminal, &feed]);
    let schedule = Schedule {
        collections: &ws.collections,
        scopes: &scopes,
        selections: &selections,
        engine: &engine,
        client: &client,
        masker: &masker,
        options: &options,
        tokens: Some(&tokens),
        listener: &listeners,
        rows: &rows,
        iterations,
        parallel,
    };
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let outcome = schedule.run(&units).await;
    // An interrupted run still finishes a token request already sent, and caches its answer.
    tokens.settle().await;
    let written = feed.finish(&meta(&settings, &outcome, iterations, started_at));
    terminal.summary(&outcome);
    if let Err(e) = written {
        return errors.error(&format!("{e:#}"), ExitStatus::Runtime);
    }
    if let Some(path) = &settings.export_env {
        // The last unit in plan order that finished; before any, the variables as they began.
        let vars = outcome
            .variables
            .as_ref()
            .map(|(_, v)| v)
            .or(scopes.first());
        let text = export_env(&ws, vars, &settings, &engine, &masker);
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        let written = parent
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(path, text));
        if let Err(e) = written {
            return errors.error(
                &format!("cannot write --export-env {}: {e}", path.display()),
                ExitStatus::Runtime,
            );
        }
    }
    if outcome.interrupted {
        ExitStatus::signalled(outcome.signal)
    } else if outcome.totals.errored > 0 {
        ExitStatus::Runtime
    } else if outcome.totals.failed > 0 || outcome.totals.not_sent > 0 {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    }
}

/// The terminal and the report writers, in that order.
struct Listeners<'a>([&'a dyn Listener; 2]);

impl Listener for Listeners<'_> {
    fn collection_started(&self, unit: &Unit, c: &Collection, count: usize) {
        for l in self.0 {
            l.collection_started(unit, c, count);
        }
    }

    fn request_started(&self, unit: &Unit, r: &RequestDef) {
        for l in self.0 {
            l.request_started(unit, r);
        }
    }

    fn request_finished(&self, unit: &Unit, r: &RequestResult) {
        for l in self.0 {
            l.request_finished(unit, r);
        }
    }

    fn unit_finished(&self, unit: &Unit, result: &CollectionResult, row: Option<&Row>) {
        for l in self.0 {
            l.unit_finished(unit, result, row);
        }
    }
}

/// Reads the `-d` file and makes its field names and `iteration` known to the checks.
fn with_data(mut settings: RunSettings) -> Result<(RunSettings, Vec<Row>), Diagnostic> {
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
fn meta(
    settings: &RunSettings,
    outcome: &Outcome,
    iterations: usize,
    started_at: String,
) -> RunMeta {
    RunMeta {
        runner_version: env!("CARGO_PKG_VERSION").to_string(),
        started_at,
        duration_ms: outcome.duration.as_millis().min(u128::from(u64::MAX)) as u64,
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

/// The `--export-env` file: the environment's definitions and the variables of `vars`.
fn export_env(
    ws: &crate::workspace::Workspace,
    vars: Option<&Vars>,
    settings: &RunSettings,
    engine: &crate::template::Engine,
    masker: &Masker,
) -> String {
    let secrets: HashSet<String> = ws
        .collections
        .iter()
        .flat_map(|c| c.secrets.iter().cloned())
        .chain(ws.env.secrets.iter().cloned())
        .collect();
    // `--mock`'s URL names a port of this run only; a `--var mock_url=` is the user's.
    let pinned_mock = settings.load.vars.iter().any(|(k, _)| k == "mock_url");
    let skip: &[&str] = if settings.load.mock && !pinned_mock {
        &["mock_url"]
    } else {
        &[]
    };
    ExportedEnv {
        definitions: &ws.env.variables,
        secrets: &secrets,
        env_sourced: &crate::export::env_sourced(&ws.env.variables, engine),
        standing: vars.map(Vars::standing).unwrap_or_default(),
        skip,
        masker,
    }
    .render()
}
