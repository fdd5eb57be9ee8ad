//! Values between serde_json and JavaScript.

use rquickjs::{Array, Ctx, Object, Value};

/// A JSON value as a JavaScript value.
pub(super) fn to_js<'js>(
    ctx: &Ctx<'js>,
    value: &serde_json::Value,
) -> rquickjs::Result<Value<'js>> {
    Ok(match value {
        serde_json::Value::Null => Value::new_null(ctx.clone()),
        serde_json::Value::Bool(b) => Value::new_bool(ctx.clone(), *b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => Value::new_int(ctx.clone(), i as i32),
            _ => Value::new_float(ctx.clone(), n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => rquickjs::String::from_str(ctx.clone(), s)?.into_value(),
        serde_json::Value::Array(items) => {
            let array = Array::new(ctx.clone())?;
            for (i, item) in items.iter().enumerate() {
                array.set(i, to_js(ctx, item)?)?;
            }
            array.into_value()
        }
        serde_json::Value::Object(map) => {
            let object = Object::new(ctx.clone())?;
            for (k, v) in map {
                object.set(k.as_str(), to_js(ctx, v)?)?;
            }
            object.into_value()
        }
    })
}

/// A JavaScript value as JSON, the way `JSON.stringify` sees it (`undefined` and functions
/// become null).
pub(super) fn from_js<'js>(
    ctx: &Ctx<'js>,
    value: Value<'js>,
) -> rquickjs::Result<serde_json::Value> {
    if let Some(s) = value.as_string() {
        return Ok(serde_json::Value::String(s.to_string()?));
    }
    if let Some(b) = value.as_bool() {
        return Ok(serde_json::Value::Bool(b));
    }
    if value.is_undefined() || value.is_null() {
        return Ok(serde_json::Value::Null);
    }
    let Some(text) = ctx.json_stringify(value)? else {
        return Ok(serde_json::Value::Null);
    };
    Ok(serde_json::from_str(&text.to_string()?).unwrap_or(serde_json::Value::Null))
}

/// How a value prints in a template: strings as they are, everything else as JSON.
pub(super) fn display(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}
