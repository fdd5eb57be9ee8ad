//! `runner curl`: each selected request printed as a runnable curl command; the work is
//! done in [`crate::export`].

use std::io::Write;

use super::{Errors, ExitStatus};
use crate::cli::{ColorChoice, CurlArgs};
use crate::collection::{
    Collection, Environment, load_collection, load_environment, resolve_environment_path,
};
use crate::diagnostic::{Diagnostic, Sources};
use crate::export::CurlContext;
use crate::runner::Selection;
use crate::secrets::Masker;
use crate::settings::{LoadSettings, printer};

/// Whether `name` is an executable on PATH.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// Runs `runner curl`.
pub(super) async fn command(a: CurlArgs) -> ExitStatus {
    let masker = Masker::new();
    let errors = Errors::new(&masker, &printer(ColorChoice::Auto, false));
    let sources = Sources::default();
    let env_arg = a.load.env.clone();
    let settings = match LoadSettings::resolve(vec![a.collection.clone()], a.load, false) {
        Ok(s) => s,
        Err(d) => return errors.diagnostic(d),
    };
    let collection = match load_collection(&a.collection, &sources, &settings.file_root) {
        Ok(c) => c,
        Err(e) => return errors.diagnostics(&e.diagnostics, &sources),
    };
    let env = match &settings.env {
        None => Environment::default(),
        Some(name) => match resolve_environment_path(name, &settings.collections)
            .map_err(|d| vec![d])
            .and_then(|p| load_environment(&p, &sources).map_err(|e| e.diagnostics))
        {
            Ok(e) => e,
            Err(d) => return errors.diagnostics(&d, &sources),
        },
    };
    mask_written_secrets(&masker, &collection, &env, &settings.vars);
    let mut names: std::collections::BTreeSet<String> = match settings.process_env() {
        Ok(m) => m.into_keys().collect(),
        Err(d) => return errors.diagnostics(&[d], &sources),
    };
    // `env.NAME` references that are not set here become shell references all the same.
    let mut texts = vec![std::fs::read_to_string(&a.collection).unwrap_or_default()];
    if let Some(name) = &settings.env
        && let Ok(p) = resolve_environment_path(name, &settings.collections)
    {
        texts.push(std::fs::read_to_string(p).unwrap_or_default());
    }
    let env_ref = regex::Regex::new(r"\benv\.([A-Za-z_][A-Za-z0-9_]*)").ok();
    for t in &texts {
        for c in env_ref.iter().flat_map(|r| r.captures_iter(t)) {
            names.insert(c[1].to_string());
        }
    }
    let selected = Selection {
        only: a.only,
        tags: Vec::new(),
    }
    .select(&collection);
    if selected.is_empty() {
        return errors.error(
            &format!("no request of {} matches --only", a.collection.display()),
            ExitStatus::Invalid,
        );
    }
    let mut auth_command = format!("runner auth token {}", a.collection.display());
    if let Some(e) = &env_arg {
        auth_command.push_str(&format!(" -e {e}"));
    }
    let mut ctx = match CurlContext::new(
        &collection,
        &env,
        &settings.vars,
        names,
        on_path("jq"),
        auth_command,
    ) {
        Ok(ctx) => ctx,
        Err(d) => return errors.diagnostics(&d, &sources),
    };
    match ctx.script(&selected).await {
        Ok(text) => {
            let _ = write!(std::io::stdout(), "{text}");
            ExitStatus::Ok
        }
        Err((path, e)) => {
            let d = Diagnostic::new(format!("{} in request `{path}`", e.message()), e.span);
            errors.diagnostics(&[d], &sources)
        }
    }
}

/// Teaches `masker` the secret values written as they are: a `--var` of a secret
/// variable, and a secret variable of the collection or environment given as plain text
/// (not a template). The script prints none of them; an error quoting one shows it masked.
fn mask_written_secrets(
    masker: &Masker,
    collection: &Collection,
    env: &Environment,
    vars: &[(String, String)],
) {
    let secret = |name: &str| {
        collection
            .secrets
            .iter()
            .chain(&env.secrets)
            .any(|s| s == name)
    };
    for (name, value) in vars {
        if secret(name) {
            masker.add(value);
        }
    }
    for def in collection.variables.iter().chain(&env.variables) {
        if let Some(text) = def.value.as_str()
            && secret(&def.name)
            && !text.contains("{{")
            && !text.contains("{%")
        {
            masker.add(text);
        }
    }
}
