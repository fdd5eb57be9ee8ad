//! Orchestration: load → set up → run → report → exit status. The only place that maps
//! outcomes to exit codes.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::Arc;

use minijinja::Value;

use crate::auth::{AuthOptions, OAuth2Params, TokenSource};
use crate::cli::{Args, AuthArgs, AuthCommand, Command, MockArgs, RunArgs, ValidateArgs};
use crate::collection::{
    Collection, Environment, VarDef, load_collection, load_environment, resolve_environment_path,
};
use crate::diagnostic::{Diagnostic, Sources, did_you_mean};
use crate::http::build_client;
use crate::mock::MockServer;
use crate::output::Styles;
use crate::prompt::TerminalUi;
use crate::report::TerminalReporter;
use crate::runner::Renderer;
use crate::runner::{RunOptions, Selection, check_requests};
use crate::secrets::Masker;
use crate::settings::{LoadSettings, RunSettings, TokenSettings, color_enabled};
use crate::template::{Engine, Scope, json_leaves};

/// The process exit status (DESIGN §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Everything ran and passed.
    Ok = 0,
    /// An assertion failed.
    Failed = 1,
    /// Invalid input; nothing was sent.
    Invalid = 2,
    /// A runtime error: connection, TLS, timeout, credentials.
    Runtime = 3,
    /// SIGHUP stopped `runner run` (reports hold what finished).
    HungUp = 129,
    /// Ctrl-C stopped `runner run` (reports hold what finished).
    Interrupted = 130,
    /// SIGTERM stopped `runner run` (reports hold what finished).
    Terminated = 143,
}

impl ExitStatus {
    /// 128 + the number of a signal that stops a run.
    fn signalled(signal: Option<i32>) -> ExitStatus {
        use crate::signals::{SIGHUP, SIGTERM};
        match signal {
            Some(SIGHUP) => ExitStatus::HungUp,
            Some(SIGTERM) => ExitStatus::Terminated,
            _ => ExitStatus::Interrupted,
        }
    }
}

/// Runs a parsed command line.
pub async fn run(args: Args) -> ExitStatus {
    match args.command {
        Command::Run(a) => run_command(a).await,
        Command::Validate(a) => validate_command(a).await,
        Command::Mock(a) => mock_command(a).await,
        Command::Auth(a) => auth_command(a).await,
        Command::Report(crate::cli::ReportCommand::Merge(a)) => crate::merge::merge_command(a),
        Command::Import(a) => crate::interop::import_command(a),
        Command::Curl(a) => crate::interop::curl_command(a),
        Command::Schema(a) => crate::interop::schema_command(a),
        Command::Completions(a) => crate::interop::completions_command(a),
    }
}

/// Prints diagnostics to stderr.
fn report_diagnostics(diags: &[Diagnostic], sources: &Sources, masker: &Masker) {
    let color = color_enabled(
        crate::cli::ColorChoice::Auto,
        std::io::stderr().is_terminal(),
    );
    let mut text = String::new();
    for d in diags {
        text.push_str(&d.render(sources, color));
        text.push('\n');
    }
    if diags.len() > 1 {
        text.push_str(&format!("{} errors\n", diags.len()));
    }
    eprint!("{}", masker.mask(&text));
}

/// Collections and environment loaded from files.
struct Workspace {
    collections: Vec<Collection>,
    env: Environment,
    sources: Sources,
}

fn load(settings: &LoadSettings) -> Result<Workspace, (Vec<Diagnostic>, Sources)> {
    let sources = Sources::default();
    let mut diags = Vec::new();
    let mut collections = Vec::new();
    for path in &settings.collections {
        match load_collection(path, &sources) {
            Ok(c) => collections.push(c),
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    let env = match &settings.env {
        None => Environment::default(),
        Some(name) => match resolve_environment_path(name, &settings.collections) {
            Ok(path) => match load_environment(&path, &sources) {
                Ok(env) => env,
                Err(e) => {
                    diags.extend(e.diagnostics);
                    Environment::default()
                }
            },
            Err(d) => {
                diags.push(d);
                Environment::default()
            }
        },
    };
    if diags.is_empty() {
        Ok(Workspace {
            collections,
            env,
            sources,
        })
    } else {
        Err((diags, sources))
    }
}

/// Variables of one collection: collection < environment < earlier captures < `--var`.
fn scope_for(
    collection: &Collection,
    ws: &Workspace,
    settings: &LoadSettings,
    process_env: &std::collections::BTreeMap<String, String>,
    mock_url: Option<&str>,
    engine: &Engine,
    captured: &HashSet<String>,
) -> Result<Scope, Vec<Diagnostic>> {
    let mut scope = Scope::new(process_env.clone());
    for (k, v) in &settings.vars {
        scope.pin(k, Value::from(v.as_str()));
    }
    if let Some(url) = mock_url {
        if !settings.vars.iter().any(|(k, _)| k == "mock_url") {
            scope.pin("mock_url", Value::from(url));
        }
    } else if settings.mock {
        // `validate --mock`: the port is not known yet, any URL shape will do.
        scope.pin("mock_url", Value::from("http://127.0.0.1:0"));
    }
    // One definition per name: the environment's replaces the collection's, and a
    // `--var` replaces both (its definitions are not even rendered). They are resolved
    // together, so a collection variable may refer to an environment variable and sees
    // the environment's value of a name both define.
    let defs: Vec<&VarDef> = collection
        .variables
        .iter()
        .filter(|c| !ws.env.variables.iter().any(|e| e.name == c.name))
        .chain(&ws.env.variables)
        .filter(|d| !scope.is_pinned(&d.name))
        .collect();
    let diags = resolve_vars(&defs, &mut scope, engine, captured);
    if diags.is_empty() {
        Ok(scope)
    } else {
        Err(diags)
    }
}

/// Renders variable definitions into the scope. Values may refer to each other in any
/// order; what still fails after every other value is set is reported. A definition that
/// reads a `captured` name, directly or through another definition, is also kept in the
/// scope to be rendered again as captures arrive; until then it may stay undefined.
fn resolve_vars(
    defs: &[&VarDef],
    scope: &mut Scope,
    engine: &Engine,
    captured: &HashSet<String>,
) -> Vec<Diagnostic> {
    let template = |def: &VarDef| crate::collection::JsonTemplate {
        value: def.value.clone(),
        span: def.span.clone(),
    };
    let reads: Vec<(&VarDef, HashSet<String>)> = defs
        .iter()
        .map(|def| {
            let names = json_leaves(&template(def))
                .iter()
                .flat_map(|leaf| engine.variables(leaf))
                .collect();
            (*def, names)
        })
        .collect();
    let mut dynamic: HashSet<String> = HashSet::new();
    loop {
        let before = dynamic.len();
        for (def, names) in &reads {
            if names
                .iter()
                .any(|n| captured.contains(n) || dynamic.contains(n))
            {
                dynamic.insert(def.name.clone());
            }
        }
        if dynamic.len() == before {
            break;
        }
    }
    for def in defs.iter().filter(|d| dynamic.contains(&d.name)) {
        scope.derive(&def.name, template(def));
    }
    let mut pending: Vec<&VarDef> = defs.to_vec();
    loop {
        let mut failed = Vec::new();
        let mut errors = Vec::new();
        let before = pending.len();
        for def in pending {
            let t = crate::collection::JsonTemplate {
                value: def.value.clone(),
                span: def.span.clone(),
            };
            match engine.render_json(&t, scope.context()) {
                Ok(v) => scope.set_json(&def.name, &v),
                Err(e) => {
                    failed.push(def);
                    errors.push((def, e));
                }
            }
        }
        if failed.is_empty() {
            return Vec::new();
        }
        if failed.len() == before {
            return errors
                .into_iter()
                .filter(|(_, e)| {
                    // Waits for a capture: not an error before the run.
                    !e.undefined
                        .as_ref()
                        .is_some_and(|n| captured.contains(n) || dynamic.contains(n))
                })
                .map(|(def, e)| {
                    let mut d = Diagnostic::new(format!("variable `{}`: {}", def.name, e.message), def.span.clone());
                    if let Some(name) = e.undefined.as_deref().and_then(|n| n.strip_prefix("env.")) {
                        d = d.with_help(format!("set the environment variable {name}, or add it to the .env file"));
                    } else if e.undefined.as_deref() == Some("mock_url") {
                        d = d.with_help("`mock_url` is set by `--mock`: run with --mock, or use another environment");
                    } else if let Some(name) = e.undefined.as_deref() {
                        let known = scope
                            .names()
                            .chain(defs.iter().map(|v| v.name.as_str()))
                            .filter(|n| *n != def.name);
                        d = d.with_help_opt(did_you_mean(name, known).or_else(|| {
                            Some(format!("define `{name}` in the environment or the collection's `variables:`, or pass --var {name}=..."))
                        }));
                    }
                    d
                })
                .collect();
        }
        pending = failed;
    }
}

/// Every variable name captured anywhere in the run.
fn captured_names(collections: &[Collection]) -> HashSet<String> {
    collections
        .iter()
        .flat_map(|c| c.requests.iter())
        .flat_map(|r| r.captures.iter().map(|c| c.name.clone()))
        .collect()
}

/// Adds the values of secret variables (and `--var`s of those names) to the masker.
fn register_secrets(names: &HashSet<String>, scope: &Scope, masker: &Masker) {
    for name in names {
        if let Some(v) = scope.get(name) {
            masker.add_value(v);
        }
    }
}

fn secret_names(ws: &Workspace) -> HashSet<String> {
    ws.collections
        .iter()
        .flat_map(|c| c.secrets.iter().cloned())
        .chain(ws.env.secrets.iter().cloned())
        .collect()
}

/// Loads, scopes and checks every collection: the part `run`, `validate` and `mock` share.
struct Prepared {
    ws: Workspace,
    scopes: Vec<Scope>,
    selections: Vec<Vec<usize>>,
    engine: Engine,
}

/// `check_templates` is false for `runner mock`: it sends nothing, and an expression of a
/// request's URL that cannot render (`{{ user_id }}`) is a path variable of its route.
fn prepare(
    settings: &LoadSettings,
    selection: &Selection,
    mock_url: Option<&str>,
    masker: &Masker,
    check_templates: bool,
) -> Result<Prepared, (Vec<Diagnostic>, Sources)> {
    let ws = load(settings)?;
    let process_env = match settings.process_env() {
        Ok(e) => e,
        Err(d) => return Err((vec![d], ws.sources)),
    };
    let mut engine = Engine::new();
    let mut captured = captured_names(&ws.collections);
    captured.extend(settings.iteration_names.iter().cloned());
    let secrets = secret_names(&ws);
    let mut diags = Vec::new();
    let mut scopes = Vec::new();
    let mut selections = Vec::new();
    for c in &ws.collections {
        let selected = selection.select(c);
        match scope_for(c, &ws, settings, &process_env, mock_url, &engine, &captured) {
            Ok(scope) => {
                register_secrets(&secrets, &scope, masker);
                if check_templates {
                    // Definitions waiting for captures count as defined, like captures.
                    let mut known = captured.clone();
                    known.extend(scope.derived_names().map(str::to_string));
                    diags.extend(check_requests(c, &selected, &scope, &known, &mut engine));
                }
                scopes.push(scope);
            }
            Err(d) => diags.extend(d),
        }
        selections.push(selected);
    }
    if diags.is_empty() && selections.iter().all(Vec::is_empty) {
        let mut d = Diagnostic::new("no request matches the selection", None);
        if !selection.only.is_empty() {
            d = d.with_note(format!("--only {}", selection.only.join(", ")));
        }
        if !selection.tags.is_empty() {
            d = d.with_note(format!("--tag {}", selection.tags.join(", ")));
        }
        diags.push(d);
    }
    if diags.is_empty() {
        Ok(Prepared {
            ws,
            scopes,
            selections,
            engine,
        })
    } else {
        Err((diags, ws.sources))
    }
}

async fn run_command(args: RunArgs) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let (settings, rows) = match RunSettings::resolve(args).and_then(crate::batch::with_data) {
        Ok(s) => s,
        Err(d) => {
            report_diagnostics(&[d], &Sources::default(), &masker);
            return ExitStatus::Invalid;
        }
    };
    let mock = if settings.load.mock {
        match MockServer::bind(0).await {
            Ok(m) => Some(m),
            Err(e) => {
                eprintln!("error: cannot start the mock server: {e}");
                return ExitStatus::Runtime;
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
        Err((diags, sources)) => {
            report_diagnostics(&diags, &sources, &masker);
            return ExitStatus::Invalid;
        }
    };
    if let Err(message) = check_report_inputs(&settings) {
        report_diagnostics(
            &[Diagnostic::new(message, None)],
            &prepared.ws.sources,
            &masker,
        );
        return ExitStatus::Invalid;
    }
    let client = match build_client(&settings.client) {
        Ok(c) => c,
        Err(e) => {
            report_diagnostics(&[Diagnostic::new(e, None)], &prepared.ws.sources, &masker);
            return ExitStatus::Invalid;
        }
    };
    let Prepared {
        ws,
        scopes,
        selections,
        engine,
    } = prepared;
    let _mock_task = mock.map(|m| {
        let served: Vec<(Collection, Arc<Scope>)> = ws
            .collections
            .iter()
            .cloned()
            .zip(scopes.iter().cloned().map(Arc::new))
            .collect();
        m.serve(&served, None).0
    });
    let styles = Styles::new(settings.output.color);
    let reporter = TerminalReporter::new(
        styles,
        settings.output.verbose,
        settings.output.progress,
        Arc::clone(&masker),
    );
    let options = RunOptions {
        timeout: settings.timeout,
        bail: settings.bail,
        secrets: secret_names(&ws),
        max_body: settings.max_body,
    };
    let tokens = token_source(
        &client,
        settings.tokens.clone(),
        settings.timeout,
        mock_url.clone(),
        &masker,
        reporter.progress_bar(),
    );
    let iterations = settings.batch.iterations * rows.len().max(1);
    let mut reports = match crate::report::Reports::open(&settings.batch.reporters, iterations) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitStatus::Invalid;
        }
    };
    let batch = crate::batch::Batch {
        collections: &ws.collections,
        scopes: &scopes,
        selections: &selections,
        engine: &engine,
        client: &client,
        masker: &masker,
        options: &options,
        tokens: Some(&tokens),
        terminal: &reporter,
        rows: &rows,
        iterations,
        parallel: settings.batch.parallel,
        shard: settings.batch.shard.map(|s| s.label()),
    };
    let units = crate::batch::plan(ws.collections.len(), iterations, settings.batch.shard);
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let outcome = batch.run(&units, &mut reports).await;
    // An interrupted run still finishes a token request already sent, and caches its answer.
    tokens.settle().await;
    let meta = crate::batch::meta(&settings, &outcome, iterations, started_at);
    let written = reports.finish(&meta);
    reporter.summary(&outcome.stats, outcome.bailed, outcome.interrupted);
    if let Some(e) = outcome.report_error.or(written.err()) {
        eprintln!("error: {}", masker.mask(&format!("{e:#}")));
        return ExitStatus::Runtime;
    }
    if outcome.interrupted {
        ExitStatus::signalled(outcome.signal)
    } else if outcome.errored {
        ExitStatus::Runtime
    } else if outcome.failed {
        ExitStatus::Failed
    } else {
        ExitStatus::Ok
    }
}

/// Report files may neither overwrite one another nor an input of the run.
fn check_report_inputs(settings: &RunSettings) -> Result<(), String> {
    let load = &settings.load;
    let env = load
        .env
        .as_ref()
        .and_then(|name| resolve_environment_path(name, &load.collections).ok());
    let mut inputs: Vec<(&str, &std::path::Path)> = load
        .collections
        .iter()
        .map(|p| ("collection", p.as_path()))
        .collect();
    inputs.extend(env.as_deref().map(|p| ("environment", p)));
    inputs.extend(settings.batch.data.as_deref().map(|p| ("data file", p)));
    inputs.extend(load.env_file.as_deref().map(|p| ("env file", p)));
    crate::report::files::check_report_paths(&settings.batch.reporters, &inputs)
}

async fn validate_command(args: ValidateArgs) -> ExitStatus {
    let masker = Masker::new();
    let color = color_enabled(args.color, std::io::stdout().is_terminal());
    let settings = match LoadSettings::resolve(args.collections, args.load, args.mock) {
        Ok(s) => s,
        Err(d) => {
            report_diagnostics(&[d], &Sources::default(), &masker);
            return ExitStatus::Invalid;
        }
    };
    match prepare(&settings, &Selection::default(), None, &masker, true) {
        Ok(p) => {
            let styles = Styles::new(color);
            for (c, sel) in p.ws.collections.iter().zip(&p.selections) {
                println!("{} {} ({} requests)", styles.green("ok"), c.file, sel.len());
            }
            ExitStatus::Ok
        }
        Err((diags, sources)) => {
            report_diagnostics(&diags, &sources, &masker);
            ExitStatus::Invalid
        }
    }
}

async fn mock_command(args: MockArgs) -> ExitStatus {
    let masker = Masker::new();
    let color = color_enabled(args.color, std::io::stdout().is_terminal());
    let settings = match LoadSettings::resolve(args.collections, args.load, true) {
        Ok(s) => s,
        Err(d) => {
            report_diagnostics(&[d], &Sources::default(), &masker);
            return ExitStatus::Invalid;
        }
    };
    let lifetime = match crate::collection::parse_duration_str(&args.token_lifetime) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: invalid --token-lifetime: {e}");
            return ExitStatus::Invalid;
        }
    };
    let server = match MockServer::bind(args.port).await {
        Ok(s) => s.with_token_lifetime(lifetime),
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitStatus::Runtime;
        }
    };
    let url = server.url();
    let prepared = match prepare(&settings, &Selection::default(), Some(&url), &masker, false) {
        Ok(p) => p,
        Err((diags, sources)) => {
            report_diagnostics(&diags, &sources, &masker);
            return ExitStatus::Invalid;
        }
    };
    let served: Vec<(Collection, Arc<Scope>)> = prepared
        .ws
        .collections
        .iter()
        .cloned()
        .zip(prepared.scopes.into_iter().map(Arc::new))
        .collect();
    let styles = Styles::new(color);
    let log_masker = Arc::new(masker);
    let log: crate::mock::RequestLog = Arc::new(move |line| println!("{}", log_masker.mask(&line)));
    let (task, routes) = server.serve(&served, Some(log));
    println!("{} {url}", styles.bold("Mock server listening on"));
    for r in routes {
        println!("  {r}");
    }
    println!("  OAuth2: {url}/oauth2/v1/authorize, {url}/oauth2/v1/token, {url}/oauth2/v1/device");
    println!("{}", styles.dim("Press Ctrl-C to stop."));
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = task => {}
    }
    ExitStatus::Ok
}

fn token_source(
    client: &reqwest::Client,
    settings: TokenSettings,
    request_timeout: std::time::Duration,
    mock_url: Option<String>,
    masker: &Arc<Masker>,
    bar: Option<indicatif::ProgressBar>,
) -> TokenSource {
    TokenSource::new(
        client.clone(),
        AuthOptions {
            cache: settings.cache,
            lock_timeout: settings.lock_timeout,
            login_timeout: settings.login_timeout,
            save_refresh_token: settings.save_refresh_token,
            request_timeout,
            mock_url,
        },
        Arc::new(TerminalUi::new(Arc::clone(masker), bar)),
        Arc::clone(masker),
    )
}

/// `runner auth login|token|logout`.
async fn auth_command(command: AuthCommand) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let (args, print_refresh, login) = match command {
        AuthCommand::Login(a) => (a, None, true),
        AuthCommand::Token(t) => (t.auth, Some(t.refresh_token), false),
        AuthCommand::Logout(a) => (a, None, false),
    };
    let AuthArgs {
        collection,
        load,
        tokens,
    } = args;
    let settings = match LoadSettings::resolve(vec![collection], load, false)
        .and_then(|l| TokenSettings::resolve(tokens).map(|t| (l, t)))
    {
        Ok(s) => s,
        Err(d) => {
            report_diagnostics(&[d], &Sources::default(), &masker);
            return ExitStatus::Invalid;
        }
    };
    let (load, token_settings) = settings;
    let prepared = match prepare(&load, &Selection::default(), None, &masker, false) {
        Ok(p) => p,
        Err((diags, sources)) => {
            report_diagnostics(&diags, &sources, &masker);
            return ExitStatus::Invalid;
        }
    };
    let mut all: Vec<OAuth2Params> = Vec::new();
    for (c, scope) in prepared.ws.collections.iter().zip(&prepared.scopes) {
        let renderer = Renderer {
            engine: &prepared.engine,
            scope,
            masker: &masker,
            dir: &c.dir,
            tokens: None,
        };
        for req in &c.requests {
            if let crate::collection::AuthDef::OAuth2(o) = &req.auth {
                match renderer.oauth2_params(o) {
                    Ok(p) => {
                        if !all.iter().any(|q| q.key() == p.key()) {
                            all.push(p);
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {}", masker.mask(&e.message()));
                        return ExitStatus::Invalid;
                    }
                }
            }
        }
    }
    if all.is_empty() {
        eprintln!("error: no request of this collection uses `auth: {{ oauth2: ... }}`");
        return ExitStatus::Invalid;
    }
    let client = match build_client(&Default::default()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::Runtime;
        }
    };
    let no_cache = token_settings.cache.is_none();
    let tokens = token_source(
        &client,
        token_settings,
        std::time::Duration::from_secs(30),
        None,
        &masker,
        None,
    );
    // On Ctrl-C a token request already sent is finished and cached first; then exit at
    // once (a login may be reading standard input on a blocking thread, which the runtime
    // would wait for).
    let settled = tokens.settled();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            settled.await;
            std::process::exit(ExitStatus::Interrupted as i32);
        }
    });
    let fail = |e: crate::auth::AuthError| {
        eprintln!(
            "error: {}",
            crate::output::one_line(&masker.mask(&e.to_string()))
        );
        ExitStatus::Runtime
    };
    if let Some(refresh) = print_refresh {
        let p = &all[0];
        if refresh {
            return match tokens.refresh_token(p).await {
                Ok(Some(rt)) => {
                    println!("{rt}");
                    ExitStatus::Ok
                }
                Ok(None) => {
                    eprintln!(
                        "error: the server gave no refresh token (ask for the offline_access scope?)"
                    );
                    ExitStatus::Runtime
                }
                Err(e) => fail(e),
            };
        }
        return match tokens.access_token(p).await {
            Ok(issued) => {
                let token = issued
                    .header
                    .split_once(' ')
                    .map(|(_, t)| t)
                    .unwrap_or(&issued.header);
                println!("{token}");
                ExitStatus::Ok
            }
            Err(e) => fail(e),
        };
    }
    if login {
        if no_cache {
            eprintln!("warning: --no-token-cache: the tokens obtained are not kept");
        }
        for p in &all {
            if let Err(e) = tokens.login(p).await {
                return fail(e);
            }
            eprintln!(
                "Logged in: {} token for client {} cached",
                p.grant.as_str(),
                p.client_id
            );
        }
        return ExitStatus::Ok;
    }
    for p in &all {
        match tokens.logout(p).await {
            Ok(true) => eprintln!(
                "Forgot the cached {} token of client {}",
                p.grant.as_str(),
                p.client_id
            ),
            Ok(false) => eprintln!(
                "No cached {} token of client {}",
                p.grant.as_str(),
                p.client_id
            ),
            Err(e) => return fail(e),
        }
    }
    ExitStatus::Ok
}
