//! `runner auth login|token|logout`, and the token source every command that sends
//! OAuth2 requests shares.

use std::sync::Arc;

use super::{Errors, ExitStatus};
use crate::auth::{AuthError, AuthOptions, OAuth2Params, TokenSource};
use crate::cli::{AuthArgs, AuthCommand, ColorChoice};
use crate::collection::AuthDef;
use crate::http::{Exchange, build_client};
use crate::output::{Printer, Styles, neutralise_commands};
use crate::prompt::{ExchangeText, TerminalUi};
use crate::report::token_exchange_text;
use crate::runner::{Renderer, Selection};
use crate::secrets::Masker;
use crate::settings::{LoadSettings, TokenSettings, printer};
use crate::workspace::prepare;

/// The token source of a command: one client, the token options, the terminal for logins
/// (hiding the progress `bar` while it writes), and with `verbose` (the `-v` printer) the
/// token endpoint exchanges.
pub(super) fn token_source(
    client: &reqwest::Client,
    settings: TokenSettings,
    request_timeout: std::time::Duration,
    mock_url: Option<String>,
    masker: &Arc<Masker>,
    bar: Option<indicatif::ProgressBar>,
    verbose: Option<Printer>,
) -> TokenSource {
    // `-v`: token endpoint exchanges on stderr, as the terminal prints the others.
    let exchanges = verbose.map(|printer| {
        let masker = Arc::clone(masker);
        let styles = Styles::new(printer.err_color);
        Box::new(move |what: &str, e: &Exchange| {
            let text = token_exchange_text(what, e, &styles, &masker);
            if printer.ci {
                neutralise_commands(&text).into_owned()
            } else {
                text
            }
        }) as ExchangeText
    });
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
        Arc::new(TerminalUi::new(Arc::clone(masker), bar, exchanges)),
        Arc::clone(masker),
    )
}

/// What `runner auth` was asked to do.
enum Action {
    Login,
    Token { refresh: bool },
    Logout,
}

/// Runs `runner auth login|token|logout`.
pub(super) async fn command(command: AuthCommand) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let errors = Errors::new(&masker, &printer(ColorChoice::Auto, false));
    let (args, action) = match command {
        AuthCommand::Login(a) => (a, Action::Login),
        AuthCommand::Token(t) => (
            t.auth,
            Action::Token {
                refresh: t.refresh_token,
            },
        ),
        AuthCommand::Logout(a) => (a, Action::Logout),
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
        Err(d) => return errors.diagnostic(d),
    };
    let (load, token_settings) = settings;
    let prepared = match prepare(&load, &Selection::default(), None, &masker, false) {
        Ok(p) => p,
        Err((diags, sources)) => return errors.diagnostics(&diags, &sources),
    };
    let mut all: Vec<OAuth2Params> = Vec::new();
    for (c, scope) in prepared.ws.collections.iter().zip(&prepared.scopes) {
        let renderer = Renderer {
            engine: &prepared.engine,
            scope,
            masker: &masker,
            dir: &c.dir,
            file_root: &c.file_root,
            tokens: None,
            export: None,
        };
        for req in &c.requests {
            if let AuthDef::OAuth2(o) = &*req.auth {
                match renderer.oauth2_params(o) {
                    Ok(p) => {
                        if !all.iter().any(|q| q.key() == p.key()) {
                            all.push(p);
                        }
                    }
                    Err(e) => return errors.error(&e.message(), ExitStatus::Invalid),
                }
            }
        }
    }
    if all.is_empty() {
        return errors.error(
            "no request of this collection uses `auth: { oauth2: ... }`",
            ExitStatus::Invalid,
        );
    }
    let client = match build_client(&Default::default()) {
        Ok(c) => c,
        Err(e) => return errors.error(&e.to_string(), ExitStatus::Runtime),
    };
    let no_cache = token_settings.cache.is_none();
    let tokens = token_source(
        &client,
        token_settings,
        std::time::Duration::from_secs(30),
        None,
        &masker,
        None,
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
    let fail = |e: AuthError| errors.outside_error(&e.to_string(), ExitStatus::Runtime);
    match action {
        Action::Token { refresh: true } => match tokens.refresh_token(&all[0]).await {
            Ok(Some(rt)) => {
                println!("{rt}");
                ExitStatus::Ok
            }
            Ok(None) => errors.error(
                "the server gave no refresh token (ask for the offline_access scope?)",
                ExitStatus::Runtime,
            ),
            Err(e) => fail(e),
        },
        Action::Token { refresh: false } => match tokens.access_token(&all[0]).await {
            Ok(issued) => {
                println!("{}", issued.token.value);
                ExitStatus::Ok
            }
            Err(e) => fail(e),
        },
        Action::Login => {
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
            ExitStatus::Ok
        }
        Action::Logout => {
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
    }
}
