//! Libraries vendored from npm, their licences kept beside them (vendor/): lodash 4 (`_`
//! and `require('lodash')`), moment 2.30.1 without locales (`require('moment')`), buffer
//! 6.0.3 with base64-js and ieee754 (`Buffer` and `require('buffer')`) and tv4 1.3.0
//! (`tv4` and `require('tv4')`), the builds Postman's sandbox ships. Each is compiled once per process and loaded into a runtime on
//! its first use there, so that scripts that never use it pay nothing.

use std::sync::OnceLock;

use rquickjs::{Ctx, Exception, Function, Value};

use super::engine::{load, prelude_error, to_bytecode};

/// One library: its CommonJS modules in the order they load (the last is the library; a
/// module's `require` gets those before it), and its bytecode once a runtime needed it.
struct Library {
    file: &'static str,
    modules: &'static [(&'static str, &'static str)],
    code: OnceLock<Result<Vec<u8>, String>>,
}

static LODASH: Library = Library {
    file: "lodash.js",
    modules: &[("lodash", include_str!("vendor/lodash.min.js"))],
    code: OnceLock::new(),
};

static MOMENT: Library = Library {
    file: "moment.js",
    modules: &[("moment", include_str!("vendor/moment.min.js"))],
    code: OnceLock::new(),
};

static BUFFER: Library = Library {
    file: "buffer.js",
    modules: &[
        ("base64-js", include_str!("vendor/base64-js.js")),
        ("ieee754", include_str!("vendor/ieee754.js")),
        ("buffer", include_str!("vendor/buffer.js")),
    ],
    code: OnceLock::new(),
};

static TV4: Library = Library {
    file: "tv4.js",
    modules: &[("tv4", include_str!("vendor/tv4.js"))],
    code: OnceLock::new(),
};

/// Where a library's value is left for the native to take; the library sees a CommonJS
/// `module` and so defines no global of its own.
const RESULT: &str = "__runner_vendored_module";

/// Defines `__runner_lodash()`, `__runner_moment()`, `__runner_buffer()` and
/// `__runner_tv4()` (taken away by the prelude), which return the library.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let globals = ctx.globals();
    for (name, vendored) in [
        ("__runner_lodash", &LODASH),
        ("__runner_moment", &MOMENT),
        ("__runner_buffer", &BUFFER),
        ("__runner_tv4", &TV4),
    ] {
        globals.set(
            name,
            Function::new(ctx.clone(), move |ctx| library(ctx, vendored))?,
        )?;
    }
    Ok(())
}

/// The script that defines the library's modules in order and leaves the last one's
/// exports in `RESULT`. Each module's source is a function body of its own, so that its
/// `'use strict'` stays a directive.
fn wrapped(library: &Library) -> String {
    let mut out = format!(
        "globalThis.{RESULT} = (function () {{ var defined = {{}}, last;\n\
         function require(name) {{ if (name in defined) return defined[name]; throw new Error(\"Cannot find module '\" + name + \"'\"); }}\n"
    );
    for (name, source) in library.modules {
        out.push_str(&format!(
            "last = {{ exports: {{}} }};\n(function (module, exports, require) {{\n{source}\n}})(last, last.exports, require);\ndefined[{name:?}] = last.exports;\n"
        ));
    }
    out.push_str("return last.exports; })();");
    out
}

fn library<'js>(ctx: Ctx<'js>, library: &'static Library) -> rquickjs::Result<Value<'js>> {
    let code = library.code.get_or_init(|| {
        to_bytecode(&ctx, library.file, &wrapped(library))
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
