//! `env` in templates: the process environment (over the dotenv file), read one variable
//! at a time. It cannot be rendered, listed or iterated whole, so that a collection names
//! what it reads and cannot send every variable of the machine.

use std::collections::BTreeMap;
use std::sync::Arc;

use minijinja::value::{Enumerator, Kwargs, Object, ValueKind};
use minijinja::{ErrorKind, State, Value};

/// `env`: one variable at a time (`env.NAME`, `env.NAME is defined`, `env['NAME']`), never
/// all of them. Listing it (rendering it whole, `tojson`, a `for` loop, `items()`) fails:
/// a collection must name what it reads of the process environment.
#[derive(Debug)]
struct ProcessEnv(BTreeMap<String, String>);

/// `env` for templates.
pub fn env_value(vars: BTreeMap<String, String>) -> Value {
    Value::from_object(ProcessEnv(vars))
}

/// Whether `value` is `env` itself.
pub fn is_env(value: &Value) -> bool {
    value.downcast_object_ref::<ProcessEnv>().is_some()
}

/// The error of every attempt to list `env`.
pub fn whole_env_error() -> minijinja::Error {
    minijinja::Error::new(ErrorKind::InvalidOperation, ENV_WHOLE)
}

/// The `tojson` filter, refusing `env` anywhere in its value.
pub fn tojson(
    value: &Value,
    indent: Option<Value>,
    kwargs: Kwargs,
) -> Result<Value, minijinja::Error> {
    if holds_env(value, 0) {
        return Err(whole_env_error());
    }
    minijinja::filters::tojson(value, indent, kwargs)
}

/// Whether `value` is `env` or holds it (a list or map that contains it).
fn holds_env(value: &Value, depth: usize) -> bool {
    if is_env(value) {
        return true;
    }
    if depth > 16 {
        return false;
    }
    match value.kind() {
        ValueKind::Seq | ValueKind::Iterable => value
            .try_iter()
            .is_ok_and(|mut items| items.any(|v| holds_env(&v, depth + 1))),
        ValueKind::Map => value.try_iter().is_ok_and(|mut keys| {
            keys.any(|k| value.get_item(&k).is_ok_and(|v| holds_env(&v, depth + 1)))
        }),
        _ => false,
    }
}

/// Why `env` cannot be listed.
pub const ENV_WHOLE: &str = "the process environment cannot be rendered, listed or iterated whole: read one variable, env.NAME";

impl Object for ProcessEnv {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.0.get(key.as_str()?).map(|v| Value::from(v.as_str()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        // One invalid item: every way of listing the object (loops, filters, serialization)
        // fails with this error instead of showing the variables.
        Enumerator::Values(vec![Value::from(whole_env_error())])
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        None
    }

    fn is_true(self: &Arc<Self>) -> bool {
        true
    }

    fn call_method(
        self: &Arc<Self>,
        _state: &mut State<'_, '_>,
        method: &str,
        _args: &[Value],
    ) -> Result<Value, minijinja::Error> {
        Err(match method {
            "items" | "keys" | "values" => whole_env_error(),
            _ => minijinja::Error::from(ErrorKind::UnknownMethod),
        })
    }

    fn render(self: &Arc<Self>, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<env>")
    }
}
