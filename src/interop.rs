//! Orchestration of the authoring commands: `import postman`, `schema`, `completions`
//! (and `curl`). Like `app.rs`, it reads files and prints; the work is done in
//! [`crate::import`], [`crate::schema`] and [`crate::curl`].

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::app::ExitStatus;
use crate::cli::{
    Args, ColorChoice, CompletionsArgs, CurlArgs, ImportCommand, ImportPostmanArgs, SchemaArgs,
};
use crate::collection::{Environment, load_collection, load_environment, resolve_environment_path};
use crate::diagnostic::{Diagnostic, Sources};
use crate::export::CurlContext;
use crate::import::postman::{ImportReport, import};
use crate::runner::Selection;
use crate::settings::{LoadSettings, color_enabled};

/// `runner import ...`.
pub fn import_command(cmd: ImportCommand) -> ExitStatus {
    match cmd {
        ImportCommand::Postman(a) => import_postman(a),
    }
}

fn read(path: &Path) -> Result<String, ExitStatus> {
    std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitStatus::Invalid
    })
}

fn import_postman(a: ImportPostmanArgs) -> ExitStatus {
    let text = match read(&a.collection) {
        Ok(t) => t,
        Err(s) => return s,
    };
    let mut envs = Vec::new();
    for p in &a.environment {
        match read(p) {
            Ok(t) => envs.push((p.display().to_string(), t)),
            Err(s) => return s,
        }
    }
    let file = a.collection.display().to_string();
    let env_refs: Vec<(&str, &str)> = envs.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    let imported = match import((&file, &text), &env_refs) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitStatus::Invalid;
        }
    };
    let collection_path = a
        .output
        .join("collections")
        .join(&imported.collection.file_name);
    let mut writes: Vec<(PathBuf, &str)> =
        vec![(collection_path.clone(), &imported.collection.yaml)];
    for e in &imported.environments {
        writes.push((a.output.join("environments").join(&e.file_name), &e.yaml));
    }
    if !a.force
        && let Some((p, _)) = writes.iter().find(|(p, _)| p.exists())
    {
        eprintln!(
            "error: {} already exists (use --force to replace it)",
            p.display()
        );
        return ExitStatus::Invalid;
    }
    for (p, text) in &writes {
        let written = p
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(p, text));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", p.display());
            return ExitStatus::Runtime;
        }
    }
    print!(
        "{}",
        summary(
            &imported.report,
            &writes.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>()
        )
    );
    ExitStatus::Ok
}

/// The summary printed after an import.
fn summary(r: &ImportReport, files: &[PathBuf]) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("wrote {}\n", f.display()));
    }
    out.push_str(&format!(
        "requests imported: {}, folders: {}, scripts translated: {}, scripts kept as notes: {}\n",
        r.requests, r.folders, r.scripts_translated, r.scripts_noted
    ));
    for (kind, n) in &r.unsupported_auth {
        out.push_str(&format!(
            "unsupported auth: {kind} ({n} block{}): sent without authentication, see the descriptions\n",
            if *n == 1 { "" } else { "s" }
        ));
    }
    if !r.renamed.is_empty() {
        let list: Vec<String> = r
            .renamed
            .iter()
            .map(|(a, b)| format!("{a} -> {b}"))
            .collect();
        out.push_str(&format!(
            "renamed variables (not valid template names): {}\n",
            list.join(", ")
        ));
    }
    if !r.declared_empty.is_empty() {
        out.push_str(&format!(
            "variables used but defined nowhere, declared empty in `variables:`: {}\n",
            r.declared_empty.join(", ")
        ));
    }
    if !r.unknown_dynamic.is_empty() {
        out.push_str(&format!(
            "Postman dynamic variables without a runner function (declared as empty variables): {}\n",
            r.unknown_dynamic.join(", ")
        ));
    }
    for (note, n) in &r.notes {
        let first = note.lines().next().unwrap_or("");
        out.push_str(&format!("note ({n}x): {first}\n"));
    }
    if !r.secrets.is_empty() {
        out.push_str(&format!(
            "secret variables (masked in output): {}\n",
            r.secrets.join(", ")
        ));
    }
    if !r.env_vars.is_empty() {
        out.push_str("credentials were not written to the files; set these environment variables (or put them in .env):\n");
        for v in &r.env_vars {
            out.push_str(&format!("  {v}\n"));
        }
    }
    out
}

/// `runner schema`.
pub fn schema_command(a: SchemaArgs) -> ExitStatus {
    let text = crate::schema::schema_text(a.kind);
    // A closed pipe (`runner schema | head`) is not an error.
    let _ = writeln!(std::io::stdout(), "{text}");
    ExitStatus::Ok
}

/// `runner completions`.
pub fn completions_command(a: CompletionsArgs) -> ExitStatus {
    let mut cmd = Args::command();
    clap_complete::generate(a.shell, &mut cmd, "runner", &mut std::io::stdout());
    ExitStatus::Ok
}

fn print_diagnostics(diags: &[Diagnostic], sources: &Sources) -> ExitStatus {
    let color = color_enabled(
        ColorChoice::Auto,
        std::io::IsTerminal::is_terminal(&std::io::stderr()),
    );
    for d in diags {
        eprintln!("{}", d.render(sources, color));
    }
    ExitStatus::Invalid
}

/// Whether `name` is an executable on PATH.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

/// `runner curl`.
pub async fn curl_command(a: CurlArgs) -> ExitStatus {
    let sources = Sources::default();
    let env_arg = a.load.env.clone();
    let settings = match LoadSettings::resolve(vec![a.collection.clone()], a.load, false) {
        Ok(s) => s,
        Err(d) => return print_diagnostics(&[d], &sources),
    };
    let collection = match load_collection(&a.collection, &sources) {
        Ok(c) => c,
        Err(e) => return print_diagnostics(&e.diagnostics, &sources),
    };
    let env = match &settings.env {
        None => Environment::default(),
        Some(name) => match resolve_environment_path(name, &settings.collections)
            .map_err(|d| vec![d])
            .and_then(|p| load_environment(&p, &sources).map_err(|e| e.diagnostics))
        {
            Ok(e) => e,
            Err(d) => return print_diagnostics(&d, &sources),
        },
    };
    let mut names: std::collections::BTreeSet<String> = match settings.process_env() {
        Ok(m) => m.into_keys().collect(),
        Err(d) => return print_diagnostics(&[d], &sources),
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
        eprintln!(
            "error: no request of {} matches --only",
            a.collection.display()
        );
        return ExitStatus::Invalid;
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
        Err(d) => return print_diagnostics(&d, &sources),
    };
    match ctx.script(&selected).await {
        Ok(text) => {
            let _ = write!(std::io::stdout(), "{text}");
            ExitStatus::Ok
        }
        Err((path, e)) => {
            let d = Diagnostic::new(format!("{} in request `{path}`", e.message()), e.span);
            print_diagnostics(&[d], &sources)
        }
    }
}
