//! `runner validate`: load and check collections for an environment; send nothing.

use std::sync::Arc;

use super::{Errors, ExitStatus};
use crate::cli::ValidateArgs;
use crate::collection::Collection;
use crate::diagnostic::Diagnostic;
use crate::runner::Selection;
use crate::secrets::Masker;
use crate::settings::{LoadSettings, printer};
use crate::workspace::prepare;

/// Runs `runner validate`.
pub(super) async fn command(args: ValidateArgs) -> ExitStatus {
    let masker = Arc::new(Masker::new());
    let printer = printer(args.color, false);
    let errors = Errors::new(&masker, &printer);
    let settings = match LoadSettings::resolve(args.collections, args.load, args.mock) {
        Ok(s) => s,
        Err(d) => return errors.diagnostic(d),
    };
    match prepare(&settings, &Selection::default(), None, &masker, true) {
        Ok(p) => {
            let diags: Vec<Diagnostic> = p.ws.collections.iter().flat_map(check_scripts).collect();
            if !diags.is_empty() {
                return errors.diagnostics(&diags, &p.ws.sources);
            }
            errors.warnings(&p.warnings, &p.ws.sources);
            let styles = printer.styles();
            for (c, sel) in p.ws.collections.iter().zip(&p.selections) {
                println!("{} {} ({} requests)", styles.green("ok"), c.file, sel.len());
            }
            ExitStatus::Ok
        }
        Err((diags, sources)) => errors.diagnostics(&diags, &sources),
    }
}

/// Compiles every script of `collection` once; a syntax error is reported at its line.
fn check_scripts(collection: &Collection) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in &collection.requests {
        let events = [
            ("pre-request script", &r.scripts.pre_request),
            ("test script", &r.scripts.test),
        ];
        for (what, scripts) in events {
            for def in scripts {
                if !seen.insert(std::sync::Arc::as_ptr(&def.text)) {
                    continue;
                }
                if let Err(e) = crate::script::check(&def.text) {
                    out.push(Diagnostic::new(
                        format!("{what}: {}", e.message),
                        def.position(e.line, e.col),
                    ));
                }
            }
        }
    }
    out
}
