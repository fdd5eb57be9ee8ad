//! `runner import postman` and `runner import openapi`: a Postman collection (and its
//! environments) or an OpenAPI document written as runner YAML files, with a summary of
//! what was translated. Nothing is run.

use std::path::{Path, PathBuf};

use super::{Errors, ExitStatus};
use crate::cli::{ColorChoice, ImportCommand, ImportOpenapiArgs, ImportPostmanArgs};
use crate::import::openapi::OpenApiReport;
use crate::import::postman::{ImportReport, import};
use crate::secrets::Masker;
use crate::settings::printer;

/// Runs `runner import ...`.
pub(super) fn command(cmd: ImportCommand) -> ExitStatus {
    match cmd {
        ImportCommand::Postman(a) => import_postman(a),
        ImportCommand::Openapi(a) => import_openapi(a),
    }
}

/// Writes the files, refusing to replace one that exists unless `force`; creates folders.
fn write_files(writes: &[(PathBuf, &str)], force: bool, errors: &Errors) -> Result<(), ExitStatus> {
    if !force && let Some((p, _)) = writes.iter().find(|(p, _)| p.exists()) {
        return Err(errors.error(
            &format!("{} already exists (use --force to replace it)", p.display()),
            ExitStatus::Invalid,
        ));
    }
    for (p, text) in writes {
        let written = p
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(p, text));
        if let Err(e) = written {
            return Err(errors.error(
                &format!("cannot write {}: {e}", p.display()),
                ExitStatus::Runtime,
            ));
        }
    }
    Ok(())
}

fn import_openapi(a: ImportOpenapiArgs) -> ExitStatus {
    let masker = Masker::new();
    let errors = Errors::new(&masker, &printer(ColorChoice::Auto, false));
    let text = match std::fs::read_to_string(&a.spec) {
        Ok(t) => t,
        Err(e) => {
            return errors.error(
                &format!("cannot read {}: {e}", a.spec.display()),
                ExitStatus::Invalid,
            );
        }
    };
    let file = a.spec.display().to_string();
    let imported = match crate::import::openapi::import(&file, &text, a.server.as_deref()) {
        Ok(i) => i,
        Err(e) => return errors.error(&e.to_string(), ExitStatus::Invalid),
    };
    let writes: Vec<(PathBuf, &str)> = imported
        .files
        .iter()
        // `-o .` (the default) writes `collections/...`, not `./collections/...`.
        .map(|f| {
            let path = if a.output == Path::new(".") {
                PathBuf::from(&f.path)
            } else {
                a.output.join(&f.path)
            };
            (path, f.text.as_str())
        })
        .collect();
    if let Err(s) = write_files(&writes, a.force, &errors) {
        return s;
    }
    // The schemas are many: one line for them.
    let shown: Vec<PathBuf> = writes.iter().take(2).map(|(p, _)| p.clone()).collect();
    print!("{}", openapi_summary(&imported.report, &shown, &a.output));
    ExitStatus::Ok
}

/// The summary printed after an OpenAPI import.
fn openapi_summary(r: &OpenApiReport, files: &[PathBuf], out_dir: &Path) -> String {
    let mut out = String::new();
    for f in files {
        out.push_str(&format!("wrote {}\n", f.display()));
    }
    if r.schemas > 0 {
        out.push_str(&format!(
            "wrote {} response schema{} under {}\n",
            r.schemas,
            if r.schemas == 1 { "" } else { "s" },
            if out_dir == Path::new(".") {
                PathBuf::from("collections/schemas")
            } else {
                out_dir.join("collections").join("schemas")
            }
            .display()
        ));
    }
    out.push_str(&format!(
        "operations imported: {}, folders: {}, skipped: {}\n",
        r.operations,
        r.folders,
        r.skipped.len()
    ));
    for (what, why) in &r.skipped {
        out.push_str(&format!("  skipped {what}: {why}\n"));
    }
    out.push_str(&format!(
        "mock examples: {} from the document, {} generated from the schemas (every operation has one)\n",
        r.spec_examples, r.generated_examples
    ));
    if !r.misfits.is_empty() {
        out.push_str(&format!(
            "examples that do not match their response schema (the mock's answer fails `schema:` until they are fixed): {}\n",
            r.misfits.join(", ")
        ));
    }
    if let Some(collection) = files.first() {
        out.push_str(&format!(
            "against the mock: runner run {0} -e {1} --mock (or serve it: runner mock {0} -e {1})\n",
            collection.display(),
            r.mock_env
        ));
    }
    for (note, n) in &r.notes {
        if *n > 1 {
            out.push_str(&format!("note ({n}x): {note}\n"));
        } else {
            out.push_str(&format!("note: {note}\n"));
        }
    }
    if !r.to_set.is_empty() {
        out.push_str(&format!(
            "variables without a value, left undefined (set them with --var or in an environment): {}\n",
            r.to_set.join(", ")
        ));
    }
    credentials(&mut out, &r.secrets, &r.env_vars);
    out
}

fn import_postman(a: ImportPostmanArgs) -> ExitStatus {
    let masker = Masker::new();
    let errors = Errors::new(&masker, &printer(ColorChoice::Auto, false));
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| {
            errors.error(
                &format!("cannot read {}: {e}", path.display()),
                ExitStatus::Invalid,
            )
        })
    };
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
        Err(e) => return errors.error(&e.to_string(), ExitStatus::Invalid),
    };
    let parts = if a.split {
        imported.split()
    } else {
        Vec::new()
    };
    let collections = if a.split {
        parts.iter().collect()
    } else {
        vec![&imported.collection]
    };
    let mut writes: Vec<(PathBuf, &str)> = collections
        .iter()
        .map(|c| {
            (
                a.output.join("collections").join(&c.file_name),
                c.yaml.as_str(),
            )
        })
        .collect();
    for e in &imported.environments {
        writes.push((a.output.join("environments").join(&e.file_name), &e.yaml));
    }
    if let Err(s) = write_files(&writes, a.force, &errors) {
        return s;
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
        "requests imported: {}, folders: {}, scripts translated to expect/capture: {}, kept as scripts: {}\n",
        r.requests, r.folders, r.scripts_translated, r.scripts_kept
    ));
    if !r.unsupported_apis.is_empty() {
        let mut apis: Vec<(&String, &usize)> = r.unsupported_apis.iter().collect();
        apis.sort_by(|a, b| b.1.cmp(a.1));
        let list: Vec<String> = apis
            .iter()
            .map(|(api, n)| format!("{api} \u{d7}{n}"))
            .collect();
        out.push_str(&format!(
            "scripts using APIs runner lacks: {} ({} script{}, kept as written: each fails where it calls one)\n",
            list.join(", "),
            r.scripts_unsupported,
            if r.scripts_unsupported == 1 { "" } else { "s" }
        ));
    }
    if !r.dropped_headers.is_empty() {
        let list: Vec<String> = r
            .dropped_headers
            .iter()
            .map(|(h, n)| format!("{h} ({n})"))
            .collect();
        out.push_str(&format!(
            "headers Postman generates, left out: {}\n",
            list.join(", ")
        ));
    }
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
    if !r.path_vars_unset.is_empty() {
        out.push_str(&format!(
            "path variables without a value, left undefined (give them a value with --var or in an environment): {}\n",
            r.path_vars_unset.join(", ")
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
    credentials(&mut out, &r.secrets, &r.env_vars);
    out
}

/// The summary's lines about secret variables and the environment variables to set.
fn credentials(out: &mut String, secrets: &[String], env_vars: &[String]) {
    if !secrets.is_empty() {
        out.push_str(&format!(
            "secret variables (masked in output): {}\n",
            secrets.join(", ")
        ));
    }
    if !env_vars.is_empty() {
        out.push_str("credentials were not written to the files; set these environment variables (or put them in .env):\n");
        for v in env_vars {
            out.push_str(&format!("  {v}\n"));
        }
    }
}
