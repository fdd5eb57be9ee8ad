//! `runner mock`: serve the collections' saved examples and a local OAuth2 server until
//! Ctrl-C.

use std::sync::Arc;

use super::{Errors, ExitStatus};
use crate::cli::MockArgs;
use crate::collection::Collection;
use crate::mock::MockServer;
use crate::runner::Selection;
use crate::secrets::Masker;
use crate::settings::{LoadSettings, printer};
use crate::vars::Vars;
use crate::workspace::prepare;

/// Runs `runner mock`.
pub(super) async fn command(args: MockArgs) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let printer = printer(args.color, false);
    let errors = Errors::new(&masker, &printer);
    let settings = match LoadSettings::resolve(args.collections, args.load, true) {
        Ok(s) => s,
        Err(d) => return errors.diagnostic(d),
    };
    let lifetime = match crate::collection::parse_duration_str(&args.token_lifetime) {
        Ok(d) => d,
        Err(e) => {
            return errors.error(
                &format!("invalid --token-lifetime: {e}"),
                ExitStatus::Invalid,
            );
        }
    };
    let server = match MockServer::bind(args.port).await {
        Ok(s) => s.with_token_lifetime(lifetime),
        Err(e) => {
            return errors.error(
                &format!("cannot listen on 127.0.0.1:{}: {e}", args.port),
                ExitStatus::Runtime,
            );
        }
    };
    let url = server.url();
    let prepared = match prepare(&settings, &Selection::default(), Some(&url), &masker, false) {
        Ok(p) => p,
        Err((diags, sources)) => return errors.diagnostics(&diags, &sources),
    };
    let served: Vec<(Collection, Arc<Vars>)> = prepared
        .ws
        .collections
        .iter()
        .cloned()
        .zip(prepared.scopes.into_iter().map(Arc::new))
        .collect();
    for (c, _) in served.iter().filter(|(c, _)| !crate::mock::has_examples(c)) {
        eprintln!(
            "warning: collection `{}` ({}) has no examples, so the mock serves none of its requests; {}",
            masker.mask(&c.name),
            c.file,
            crate::mock::EXAMPLE_HINT
        );
    }
    let styles = printer.styles();
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
