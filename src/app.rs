//! Orchestration: load → set up → run → report → exit status. The only place that maps
//! outcomes to exit codes.

use std::io::IsTerminal;
use std::sync::Arc;

use crate::auth::{AuthOptions, OAuth2Params, TokenSource};
use crate::cli::{Args, AuthArgs, AuthCommand, Command, MockArgs, RunArgs, ValidateArgs};
use crate::collection::{Collection, resolve_environment_path};
use crate::diagnostic::{Diagnostic, Sources};
use crate::http::build_client;
use crate::mock::MockServer;
use crate::output::Styles;
use crate::prompt::TerminalUi;
use crate::report::TerminalReporter;
use crate::runner::Renderer;
use crate::runner::{RunOptions, Selection};
use crate::secrets::Masker;
use crate::settings::{LoadSettings, RunSettings, TokenSettings, color_enabled};
use crate::vars::Vars;
use crate::workspace::{Prepared, prepare};

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
        Command::Curl(a) => crate::interop::curl_command(a).await,
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
        let served: Vec<(Collection, Arc<Vars>)> = ws
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
    let masker = Arc::new(Masker::new());
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
    let masker = Arc::new(Masker::new());
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
    let served: Vec<(Collection, Arc<Vars>)> = prepared
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
            export: None,
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
