//! lodash 4 (MIT, vendored as its minified build with its licence header): `_` and
//! `require('lodash')`. It is compiled once per process and loaded into a runtime on the
//! first use of `_` there, so that scripts that never use it pay nothing.

use std::sync::OnceLock;

use rquickjs::{Ctx, Exception, Function, Value};

use super::engine::{load, prelude_error, to_bytecode};

const SOURCE: &str = include_str!("vendor/lodash.min.js");
/// Where the module's value is left for the native to take; lodash sees a CommonJS
/// `module` and so defines no global of its own.
const RESULT: &str = "__runner_lodash_module";

static CODE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// Defines `__runner_lodash()` (taken away by the prelude), which returns lodash.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    ctx.globals()
        .set("__runner_lodash", Function::new(ctx.clone(), lodash)?)
}

fn lodash<'js>(ctx: Ctx<'js>) -> rquickjs::Result<Value<'js>> {
    let code = CODE.get_or_init(|| {
        let wrapped = format!(
            "globalThis.{RESULT} = (function () {{ var module = {{ exports: {{}} }}, exports = module.exports;\n{SOURCE}\nreturn module.exports; }})();"
        );
        to_bytecode(&ctx, "lodash.js", &wrapped).map_err(|e| prelude_error(&ctx, "lodash.js", e))
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
