//! Libraries vendored as their minified npm builds, licences kept beside them (vendor/):
//! lodash 4 (`_` and `require('lodash')`) and moment 2.30.1 without locales
//! (`require('moment')`, the build Postman's sandbox ships). Each is compiled once per process
//! and loaded into a runtime on its first use there, so that scripts that never use it pay
//! nothing.

use std::sync::OnceLock;

use rquickjs::{Ctx, Exception, Function, Value};

use super::engine::{load, prelude_error, to_bytecode};

/// One library: its source, and its bytecode once a runtime first needed it.
struct Library {
    file: &'static str,
    source: &'static str,
    code: OnceLock<Result<Vec<u8>, String>>,
}

static LODASH: Library = Library {
    file: "lodash.js",
    source: include_str!("vendor/lodash.min.js"),
    code: OnceLock::new(),
};

static MOMENT: Library = Library {
    file: "moment.js",
    source: include_str!("vendor/moment.min.js"),
    code: OnceLock::new(),
};

/// Where a module's value is left for the native to take; the library sees a CommonJS
/// `module` and so defines no global of its own.
const RESULT: &str = "__runner_vendored_module";

/// Defines `__runner_lodash()` and `__runner_moment()` (taken away by the prelude), which
/// return the library.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let globals = ctx.globals();
    globals.set(
        "__runner_lodash",
        Function::new(ctx.clone(), |ctx| library(ctx, &LODASH))?,
    )?;
    globals.set(
        "__runner_moment",
        Function::new(ctx.clone(), |ctx| library(ctx, &MOMENT))?,
    )
}

fn library<'js>(ctx: Ctx<'js>, library: &'static Library) -> rquickjs::Result<Value<'js>> {
    let code = library.code.get_or_init(|| {
        let wrapped = format!(
            "globalThis.{RESULT} = (function () {{ var module = {{ exports: {{}} }}, exports = module.exports;\n{}\nreturn module.exports; }})();",
            library.source
        );
        to_bytecode(&ctx, library.file, &wrapped)
            .map_err(|e| prelude_error(&ctx, library.file, e))
    });
    let code = code
        .as_ref()
        .map_err(|e| Exception::throw_internal(&ctx, e))?;
    load(&ctx, code)?;
    let globals = ctx.globals();
    let value: Value = globals.get(RESULT)?;
    globals.remove(RESULT)?;
    Ok(value)
}
