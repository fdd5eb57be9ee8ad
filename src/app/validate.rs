//! `runner validate`: load and check collections for an environment; send nothing.

use std::sync::Arc;

use super::{Errors, ExitStatus};
use crate::cli::ValidateArgs;
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
            let styles = printer.styles();
            for (c, sel) in p.ws.collections.iter().zip(&p.selections) {
                println!("{} {} ({} requests)", styles.green("ok"), c.file, sel.len());
            }
            ExitStatus::Ok
        }
        Err((diags, sources)) => errors.diagnostics(&diags, &sources),
    }
}
