//! Requests that are not sent because what they need failed earlier: the failure is told
//! once, where it happened, and each request that needed it says so in a few words.

use std::collections::HashSet;

use super::result::{RunError, RunErrorKind};
use crate::collection::{Collection, RequestDef};
use crate::template::{Engine, json_leaves};
use crate::vars::Vars;

/// Why `req` is not sent, when rendering it failed with `error`: a login that failed for
/// an earlier request, or a variable that the request meant to capture it did not. The
/// request may be in `collection` or in one of `earlier`, the collections run before it
/// whose captures reach it. `None` when the error is the request's own.
pub(super) fn cause(
    collection: &Collection,
    earlier: &[Collection],
    req: &RequestDef,
    error: &RunError,
    scope: &Vars,
    engine: &Engine,
) -> Option<String> {
    match &error.kind {
        RunErrorKind::NotSent(why) => Some(why.clone()),
        RunErrorKind::Template(e) => {
            let name = e.undefined.as_deref()?;
            let root = name.split(['.', '[']).next().unwrap_or(name);
            let sources: Vec<&Collection> = std::iter::once(collection)
                .chain(earlier.iter().rev())
                .collect();
            let missing = missing_capture(&sources, root, scope, engine, &mut HashSet::new())?;
            if let Some((by, verb, before)) = setter(collection, req, &missing) {
                return Some(if before {
                    format!("needs {missing}, which request \"{by}\" did not {verb}")
                } else {
                    format!("needs {missing}, which request \"{by}\" {verb}s only later")
                });
            }
            // The last request to set it ran last: that is the one that did not.
            earlier.iter().rev().find_map(|c| {
                let (by, _, verb) = sets(c).filter(|(_, n, _)| *n == missing).last()?;
                Some(format!(
                    "needs {missing}, which request \"{}\" ({}) did not {verb}",
                    by.path(),
                    c.file
                ))
            })
        }
        _ => None,
    }
}

/// The variable a request of one of `sources` sets (by `capture:` or a script) that
/// `name` is, or that its definition waits for, and that is not set yet.
fn missing_capture(
    sources: &[&Collection],
    name: &str,
    scope: &Vars,
    engine: &Engine,
    seen: &mut HashSet<String>,
) -> Option<String> {
    if scope.contains(name) || !seen.insert(name.to_string()) {
        return None;
    }
    if sources.iter().any(|c| sets(c).any(|(_, n, _)| n == name)) {
        return Some(name.to_string());
    }
    let definition = scope.derived(name)?;
    json_leaves(definition)
        .iter()
        .flat_map(|leaf| engine.variables(leaf))
        .find_map(|read| missing_capture(sources, &read, scope, engine, seen))
}

/// Every (request, variable, verb) of `collection` where a request sets a variable.
fn sets(collection: &Collection) -> impl Iterator<Item = (&RequestDef, &str, &'static str)> {
    collection.requests.iter().flat_map(|r| {
        let captures = r
            .captures
            .iter()
            .map(move |c| (r, c.name.as_str(), "capture"));
        let scripts = r
            .scripts
            .all()
            .flat_map(move |s| s.sets().map(move |n| (r, n, "set")));
        captures.chain(scripts)
    })
}

/// The request meant to set `name` for `req`: the last one before it, or else the first
/// one; with the verb that says how, and whether it comes before `req`.
fn setter(
    collection: &Collection,
    req: &RequestDef,
    name: &str,
) -> Option<(String, &'static str, bool)> {
    let position = |r: &RequestDef| collection.requests.iter().position(|x| std::ptr::eq(x, r));
    let at = position(req);
    let candidates: Vec<(&RequestDef, &'static str)> = sets(collection)
        .filter(|(r, n, _)| *n == name && !std::ptr::eq(*r, req))
        .map(|(r, _, verb)| (r, verb))
        .collect();
    let before = candidates
        .iter()
        .rev()
        .find(|(r, _)| at.is_some_and(|at| position(r).is_some_and(|p| p < at)));
    match before {
        Some((r, verb)) => Some((r.path(), *verb, true)),
        None => candidates.first().map(|(r, verb)| (r.path(), *verb, false)),
    }
}
