//! The native functions the prelude calls (`__runner_host`, removed from the global object
//! by the prelude): variables, response data, console lines and `pm.sendRequest`.

use std::cell::RefCell;
use std::rc::Rc;

use indexmap::IndexMap;
use rquickjs::function::Opt;
use rquickjs::{Ctx, Function, Object, Value};

use super::{Level, Scopes, SendRequest};
use super::{convert, dynamic};

use super::engine::Bridge;

/// The scope numbers the prelude uses.
const GLOBALS: i32 = 0;
const COLLECTION: i32 = 1;
const ENVIRONMENT: i32 = 2;
const DATA: i32 = 3;
const LOCAL: i32 = 4;
/// `pm.variables`: reads see the effective value, writes go to the local scope.
const EFFECTIVE: i32 = 5;

fn scope(scopes: &Scopes, which: i32) -> Option<&IndexMap<String, serde_json::Value>> {
    match which {
        GLOBALS => Some(&scopes.globals),
        COLLECTION => Some(&scopes.collection),
        ENVIRONMENT => Some(&scopes.environment),
        DATA => Some(&scopes.data),
        LOCAL => Some(&scopes.local),
        _ => None,
    }
}

fn scope_mut(scopes: &mut Scopes, which: i32) -> Option<&mut IndexMap<String, serde_json::Value>> {
    match which {
        GLOBALS => Some(&mut scopes.globals),
        COLLECTION => Some(&mut scopes.collection),
        ENVIRONMENT => Some(&mut scopes.environment),
        LOCAL | EFFECTIVE => Some(&mut scopes.local),
        _ => None,
    }
}

fn lookup<'a>(scopes: &'a Scopes, which: i32, name: &str) -> Option<&'a serde_json::Value> {
    if which == EFFECTIVE {
        scopes.effective(name)
    } else {
        scope(scopes, which).and_then(|s| s.get(name))
    }
}

/// All names of a scope with their values; for `pm.variables`, the effective values.
fn all(scopes: &Scopes, which: i32) -> IndexMap<String, serde_json::Value> {
    if which == EFFECTIVE {
        let mut merged = IndexMap::new();
        for s in [
            &scopes.globals,
            &scopes.collection,
            &scopes.environment,
            &scopes.data,
            &scopes.local,
        ] {
            for (k, v) in s {
                merged.insert(k.clone(), v.clone());
            }
        }
        merged
    } else {
        scope(scopes, which).cloned().unwrap_or_default()
    }
}

/// Replaces each `{{name}}` (spaces allowed inside the braces) with the value the scope
/// has for it, or a dynamic variable's (`{{$guid}}`); unknown names stay as written.
pub(super) fn replace_in(scopes: &Scopes, which: i32, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = after[..close].trim();
        let value = (!name.is_empty() && !name.contains('{'))
            .then(|| lookup(scopes, which, name))
            .flatten();
        match value {
            Some(value) => out.push_str(&convert::display(value)),
            // A dynamic variable, unless a scope has a value of that name.
            None => match name.strip_prefix('$').and_then(dynamic::value) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&rest[open..open + 2 + close + 2]),
            },
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

fn pairs(flat: Vec<String>) -> Vec<(String, String)> {
    let mut out = Vec::with_capacity(flat.len() / 2);
    let mut it = flat.into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        out.push((k, v));
    }
    out
}

fn flat(pairs: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::with_capacity(pairs.len() * 2);
    for (k, v) in pairs {
        out.push(k.clone());
        out.push(v.clone());
    }
    out
}

/// Installs `__runner_host` on the global object.
pub(super) fn install<'js>(ctx: &Ctx<'js>, bridge: &Rc<RefCell<Bridge>>) -> rquickjs::Result<()> {
    let host = Object::new(ctx.clone())?;

    let b = bridge.clone();
    host.set(
        "get",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, which: i32, name: String| -> rquickjs::Result<Value<'js>> {
                let bridge = b.borrow();
                match lookup(&bridge.scopes, which, &name) {
                    Some(v) => convert::to_js(&ctx, v),
                    None => Ok(Value::new_undefined(ctx)),
                }
            },
        )?,
    )?;

    let b = bridge.clone();
    host.set(
        "set",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  which: i32,
                  name: String,
                  value: Value<'js>|
                  -> rquickjs::Result<()> {
                let value = convert::from_js(&ctx, value)?;
                let mut bridge = b.borrow_mut();
                if let Some(s) = scope_mut(&mut bridge.scopes, which) {
                    s.insert(name.clone(), value);
                    bridge.scopes.changed.insert(name);
                }
                Ok(())
            },
        )?,
    )?;

    let b = bridge.clone();
    host.set(
        "unset",
        Function::new(ctx.clone(), move |which: i32, name: String| {
            let mut bridge = b.borrow_mut();
            if let Some(s) = scope_mut(&mut bridge.scopes, which) {
                s.shift_remove(&name);
                bridge.scopes.changed.insert(name);
            }
        })?,
    )?;

    let b = bridge.clone();
    host.set(
        "has",
        Function::new(ctx.clone(), move |which: i32, name: String| {
            lookup(&b.borrow().scopes, which, &name).is_some()
        })?,
    )?;

    let b = bridge.clone();
    host.set(
        "all",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, which: i32| -> rquickjs::Result<Object<'js>> {
                let values = all(&b.borrow().scopes, which);
                let object = Object::new(ctx.clone())?;
                for (k, v) in &values {
                    object.set(k.as_str(), convert::to_js(&ctx, v)?)?;
                }
                Ok(object)
            },
        )?,
    )?;

    let b = bridge.clone();
    host.set(
        "clear",
        Function::new(ctx.clone(), move |which: i32| {
            let mut bridge = b.borrow_mut();
            let names: Vec<String> = match scope_mut(&mut bridge.scopes, which) {
                Some(s) => s.drain(..).map(|(k, _)| k).collect(),
                None => Vec::new(),
            };
            bridge.scopes.changed.extend(names);
        })?,
    )?;

    let b = bridge.clone();
    host.set(
        "replaceIn",
        Function::new(ctx.clone(), move |which: i32, text: String| {
            replace_in(&b.borrow().scopes, which, &text)
        })?,
    )?;

    let b = bridge.clone();
    host.set(
        "log",
        Function::new(ctx.clone(), move |level: i32, text: String| {
            let level = match level {
                1 => Level::Info,
                2 => Level::Warn,
                3 => Level::Error,
                _ => Level::Log,
            };
            b.borrow_mut().console.push((level, text));
        })?,
    )?;

    // [code, status, time, size] of a response, or undefined.
    let b = bridge.clone();
    host.set(
        "meta",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32| -> rquickjs::Result<Value<'js>> {
                let bridge = b.borrow();
                let Some(r) = bridge.responses.get(&id) else {
                    return Ok(Value::new_undefined(ctx));
                };
                let meta = rquickjs::Array::new(ctx.clone())?;
                meta.set(0, r.code)?;
                meta.set(1, r.status.as_str())?;
                meta.set(2, r.time_ms as f64)?;
                meta.set(3, r.size as f64)?;
                Ok(meta.into_value())
            },
        )?,
    )?;

    let b = bridge.clone();
    host.set(
        "body",
        Function::new(ctx.clone(), move |id: u32| {
            b.borrow()
                .responses
                .get(&id)
                .map(|r| String::from_utf8_lossy(&r.body).into_owned())
                .unwrap_or_default()
        })?,
    )?;

    let b = bridge.clone();
    host.set(
        "headers",
        Function::new(ctx.clone(), move |id: u32| {
            b.borrow()
                .responses
                .get(&id)
                .map(|r| flat(&r.headers))
                .unwrap_or_default()
        })?,
    )?;

    // The request as [method, url, flat headers, body or null].
    let b = bridge.clone();
    host.set(
        "request",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>| -> rquickjs::Result<Object<'js>> {
                let bridge = b.borrow();
                let r = &bridge.request;
                let object = Object::new(ctx)?;
                object.set("name", r.name.as_str())?;
                object.set("method", r.method.as_str())?;
                object.set("url", r.url.as_str())?;
                object.set("headers", flat(&r.headers))?;
                object.set("body", r.body.as_deref())?;
                Ok(object)
            },
        )?,
    )?;

    let b = bridge.clone();
    host.set(
        "cookies",
        Function::new(ctx.clone(), move || flat(&b.borrow().cookies))?,
    )?;

    let b = bridge.clone();
    host.set(
        "send",
        Function::new(
            ctx.clone(),
            move |method: String, url: String, headers: Vec<String>, body: Opt<Option<String>>| {
                let mut bridge = b.borrow_mut();
                let id = bridge.next_send;
                bridge.next_send += 1;
                bridge.sends.push((
                    id,
                    SendRequest {
                        method,
                        url,
                        headers: pairs(headers),
                        body: body.0.flatten().map(bytes::Bytes::from),
                    },
                ));
                id
            },
        )?,
    )?;

    host.set(
        "uuid",
        Function::new(ctx.clone(), || uuid::Uuid::new_v4().to_string())?,
    )?;

    ctx.globals().set("__runner_host", host)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_in_offers_dynamic_variables_unless_a_scope_has_the_name() {
        let mut scopes = Scopes::default();
        let text = replace_in(&scopes, EFFECTIVE, "{{$guid}}|{{$randomInt}}|{{$nope}}");
        let parts: Vec<&str> = text.split('|').collect();
        assert_eq!(parts[0].len(), 36, "{text}");
        assert!(parts[1].parse::<u32>().is_ok_and(|n| n <= 1000), "{text}");
        assert_eq!(parts[2], "{{$nope}}");
        scopes
            .environment
            .insert("$guid".into(), serde_json::json!("mine"));
        assert_eq!(replace_in(&scopes, ENVIRONMENT, "{{ $guid }}"), "mine");
        assert_eq!(replace_in(&scopes, GLOBALS, "{{$guid}}").len(), 36);
    }
}
