//! Checks before anything is sent: every template compiles and every variable it reads
//! is defined (captured names count as defined), and literal body files exist.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::collection::{
    BodyDef, Collection, ExampleBody, JsonTemplate, PartKind, Predicate, RequestDef, StatusOption,
    Template, has_template_syntax,
};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::template::{Engine, json_leaves};
use crate::vars::Vars;

/// Names templates may use that are not variables.
const GLOBALS: &[&str] = &[
    "uuid",
    "now",
    "timestamp",
    "timestamp_ms",
    "random_int",
    "dynamic",
    "range",
    "dict",
    "namespace",
    "debug",
    "loop",
];

/// Every template a request renders, assertion expectations included: the request's own,
/// and those made for the string leaves of JSON values.
pub fn request_templates(req: &RequestDef) -> Vec<Cow<'_, Template>> {
    let mut out: Vec<Cow<'_, Template>> = req.templates().into_iter().map(Cow::Borrowed).collect();
    if let Some(BodyDef::Json(t)) = req.body.as_deref() {
        out.extend(json_leaves(t).into_iter().map(Cow::Owned));
    }
    for a in &req.asserts {
        for v in expected_values(&a.predicates) {
            if contains_template(v) {
                let leaves = json_leaves(&JsonTemplate {
                    value: v.clone(),
                    span: a.span.clone(),
                });
                out.extend(leaves.into_iter().map(Cow::Owned));
            }
        }
    }
    out
}

fn expected_values(preds: &[Predicate]) -> Vec<&Value> {
    let mut out = Vec::new();
    for p in preds {
        match p {
            Predicate::In(vs) => out.extend(vs),
            Predicate::Status(options) => out.extend(options.iter().filter_map(|o| match o {
                StatusOption::Code(v) => Some(v),
                StatusOption::Class(_) => None,
            })),
            Predicate::Length(inner) => out.extend(expected_values(inner)),
            other => out.extend(other.operand()),
        }
    }
    out
}

/// The variables the `selected` requests of `collection` read in their templates (auth
/// blocks included). With `mock`, every request and its saved examples count: the mock
/// serves them all. Scripts read variables by names computed at run time: they are not
/// counted.
pub fn referenced_names(
    collection: &Collection,
    selected: &[usize],
    mock: bool,
    engine: &Engine,
) -> HashSet<String> {
    let all: Vec<usize> = (0..collection.requests.len()).collect();
    let requests = if mock { &all[..] } else { selected };
    let mut templates: Vec<Cow<'_, Template>> = Vec::new();
    for req in requests.iter().filter_map(|&i| collection.requests.get(i)) {
        templates.extend(request_templates(req));
        if mock {
            for e in &req.examples {
                templates.extend(e.host.iter().map(Cow::Borrowed));
                templates.push(Cow::Borrowed(&e.status));
                templates.extend(e.headers.iter().map(|(_, t)| Cow::Borrowed(t)));
                match &e.body {
                    ExampleBody::Empty => {}
                    ExampleBody::Json(t) => {
                        templates.extend(json_leaves(t).into_iter().map(Cow::Owned));
                    }
                    ExampleBody::Text(t) => templates.push(Cow::Borrowed(t)),
                }
            }
        }
    }
    // Requests repeat the same few texts: each is analysed once.
    let mut seen: HashSet<&str> = HashSet::new();
    let mut names = HashSet::new();
    for t in &templates {
        if !t.is_literal() && seen.insert(t.src.as_str()) {
            names.extend(engine.variables(t));
        }
    }
    names
}

/// Whether a JSON value has a string (or key) with template syntax.
pub fn contains_template(v: &Value) -> bool {
    match v {
        Value::String(s) => has_template_syntax(s),
        Value::Array(items) => items.iter().any(contains_template),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| has_template_syntax(k) || contains_template(v)),
        _ => false,
    }
}

/// Compiles the templates of the selected requests into `engine` and reports every
/// problem. `captured` holds the names any request of the run captures.
pub fn check_requests(
    collection: &Collection,
    selected: &[usize],
    scope: &Vars,
    captured: &HashSet<String>,
    engine: &mut Engine,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    // The names each template text reads: requests repeat the same few texts.
    let mut read: HashMap<String, HashSet<String>> = HashMap::new();
    // Texts that rendered with this scope: rendering them again would tell nothing new.
    let mut rendered: HashSet<String> = HashSet::new();
    for &i in selected {
        let req = &collection.requests[i];
        for t in request_templates(req) {
            if let Err(e) = engine.compile(&t) {
                let title = match e.message.strip_prefix("template syntax error: ") {
                    Some(detail) => {
                        format!(
                            "template syntax error in request `{}`: {detail}",
                            req.path()
                        )
                    }
                    None => format!("{} in request `{}`", e.message, req.path()),
                };
                diags.push(Diagnostic::new(title, e.span));
                continue;
            }
            if !read.contains_key(&t.src) {
                read.insert(t.src.clone(), engine.variables(&t));
            }
            let Some(names) = read.get(&t.src) else {
                continue;
            };
            let mut undefined: Vec<&String> = names
                .iter()
                .filter(|n| {
                    !scope.contains(n) && !captured.contains(*n) && !GLOBALS.contains(&n.as_str())
                })
                .collect();
            undefined.sort();
            for name in &undefined {
                let d = Diagnostic::new(
                    format!("undefined variable `{name}` in request `{}`", req.path()),
                    t.span.clone(),
                );
                diags.push(if name.as_str() == "mock_url" {
                    d.with_help("`mock_url` is set by `--mock`: run with --mock, or use another environment")
                } else {
                    let help = did_you_mean(name, scope.names().chain(captured.iter().map(String::as_str)))
                        .unwrap_or_else(|| format!("define it in the environment or the collection's `variables:`, or pass --var {name}=..."));
                    d.with_help(help).undefined(name)
                });
            }
            let uses_capture = names
                .iter()
                .any(|n| captured.contains(n) && !scope.contains(n));
            if undefined.is_empty() && !uses_capture && !rendered.contains(&t.src) {
                match engine.render(&t, scope) {
                    Ok(_) => {
                        rendered.insert(t.src.clone());
                    }
                    Err(e) => {
                        let mut d = Diagnostic::new(
                            format!("{} in request `{}`", e.message, req.path()),
                            e.span.clone(),
                        );
                        if let Some(name) =
                            e.undefined.as_deref().and_then(|n| n.strip_prefix("env."))
                        {
                            d = d.with_help(format!(
                                "set the environment variable {name}, or add it to the .env file"
                            ));
                        }
                        diags.push(d);
                    }
                }
            }
        }
        // A request marked `skip: true` is never sent, so what it would send cannot be wrong.
        if !req.skip {
            diags.extend(super::check_literals(req));
        }
        for path in file_paths(req) {
            // A templated path is checked when it renders before the run.
            let src = if path.is_literal() {
                path.src.clone()
            } else {
                match engine.render(path, scope) {
                    Ok(src) => src,
                    Err(_) => continue,
                }
            };
            let full = match collection.file_root.confine(&collection.dir, &src) {
                Ok(full) => full,
                Err(m) => {
                    diags.push(Diagnostic::new(
                        format!("body file of request `{}`: {m}", req.path()),
                        path.span.clone(),
                    ));
                    continue;
                }
            };
            if path.is_literal() && !full.is_file() {
                diags.push(Diagnostic::new(
                    format!(
                        "body file {} of request `{}` does not exist",
                        full.display(),
                        req.path()
                    ),
                    path.span.clone(),
                ));
            }
        }
    }
    diags
}

fn file_paths(req: &RequestDef) -> Vec<&Template> {
    let mut out = Vec::new();
    match req.body.as_deref() {
        Some(BodyDef::File { path, .. }) => out.push(path),
        Some(BodyDef::Multipart(parts)) => {
            for p in parts {
                if let PartKind::File { path, .. } = &p.kind {
                    out.push(path);
                }
            }
        }
        _ => {}
    }
    out
}
