//! Loading what a command works on: collections, the environment, and each collection's
//! variable scope, checked once for `run`, `validate` and `mock`.

use std::collections::HashSet;

use minijinja::Value;

use crate::collection::{
    Collection, Environment, VarDef, load_collection, load_environment, resolve_environment_path,
};
use crate::diagnostic::{Diagnostic, Sources, did_you_mean};
use crate::runner::{Selection, check_requests};
use crate::secrets::Masker;
use crate::settings::LoadSettings;
use crate::template::{Engine, Scope, json_leaves};

/// Collections and environment loaded from files.
pub(crate) struct Workspace {
    pub(crate) collections: Vec<Collection>,
    pub(crate) env: Environment,
    pub(crate) sources: Sources,
}

pub(crate) fn load(settings: &LoadSettings) -> Result<Workspace, (Vec<Diagnostic>, Sources)> {
    let sources = Sources::default();
    let mut diags = Vec::new();
    let mut collections = Vec::new();
    for path in &settings.collections {
        match load_collection(path, &sources) {
            Ok(c) => collections.push(c),
            Err(e) => diags.extend(e.diagnostics),
        }
    }
    let env = match &settings.env {
        None => Environment::default(),
        Some(name) => match resolve_environment_path(name, &settings.collections) {
            Ok(path) => match load_environment(&path, &sources) {
                Ok(env) => env,
                Err(e) => {
                    diags.extend(e.diagnostics);
                    Environment::default()
                }
            },
            Err(d) => {
                diags.push(d);
                Environment::default()
            }
        },
    };
    if diags.is_empty() {
        Ok(Workspace {
            collections,
            env,
            sources,
        })
    } else {
        Err((diags, sources))
    }
}

/// Variables of one collection: collection < environment < earlier captures < `--var`.
fn scope_for(
    collection: &Collection,
    ws: &Workspace,
    settings: &LoadSettings,
    process_env: &std::collections::BTreeMap<String, String>,
    mock_url: Option<&str>,
    engine: &Engine,
    captured: &HashSet<String>,
) -> Result<Scope, Vec<Diagnostic>> {
    let mut scope = Scope::new(process_env.clone());
    for (k, v) in &settings.vars {
        scope.pin(k, Value::from(v.as_str()));
    }
    if let Some(url) = mock_url {
        if !settings.vars.iter().any(|(k, _)| k == "mock_url") {
            scope.pin("mock_url", Value::from(url));
        }
    } else if settings.mock {
        // `validate --mock`: the port is not known yet, any URL shape will do.
        scope.pin("mock_url", Value::from("http://127.0.0.1:0"));
    }
    // One definition per name: the environment's replaces the collection's, and a
    // `--var` replaces both (its definitions are not even rendered). They are resolved
    // together, so a collection variable may refer to an environment variable and sees
    // the environment's value of a name both define.
    let defs: Vec<&VarDef> = collection
        .variables
        .iter()
        .filter(|c| !ws.env.variables.iter().any(|e| e.name == c.name))
        .chain(&ws.env.variables)
        .filter(|d| !scope.is_pinned(&d.name))
        .collect();
    let diags = resolve_vars(&defs, &mut scope, engine, captured);
    if diags.is_empty() {
        Ok(scope)
    } else {
        Err(diags)
    }
}

/// Renders variable definitions into the scope. Values may refer to each other in any
/// order; what still fails after every other value is set is reported. A definition that
/// reads a `captured` name, directly or through another definition, is also kept in the
/// scope to be rendered again as captures arrive; until then it may stay undefined.
fn resolve_vars(
    defs: &[&VarDef],
    scope: &mut Scope,
    engine: &Engine,
    captured: &HashSet<String>,
) -> Vec<Diagnostic> {
    let template = |def: &VarDef| crate::collection::JsonTemplate {
        value: def.value.clone(),
        span: def.span.clone(),
    };
    let reads: Vec<(&VarDef, HashSet<String>)> = defs
        .iter()
        .map(|def| {
            let names = json_leaves(&template(def))
                .iter()
                .flat_map(|leaf| engine.variables(leaf))
                .collect();
            (*def, names)
        })
        .collect();
    let mut dynamic: HashSet<String> = HashSet::new();
    loop {
        let before = dynamic.len();
        for (def, names) in &reads {
            if names
                .iter()
                .any(|n| captured.contains(n) || dynamic.contains(n))
            {
                dynamic.insert(def.name.clone());
            }
        }
        if dynamic.len() == before {
            break;
        }
    }
    for def in defs.iter().filter(|d| dynamic.contains(&d.name)) {
        scope.derive(&def.name, template(def));
    }
    let mut pending: Vec<&VarDef> = defs.to_vec();
    loop {
        let mut failed = Vec::new();
        let mut errors = Vec::new();
        let before = pending.len();
        for def in pending {
            let t = crate::collection::JsonTemplate {
                value: def.value.clone(),
                span: def.span.clone(),
            };
            match engine.render_json(&t, scope.context()) {
                Ok(v) => scope.set_json(&def.name, &v),
                Err(e) => {
                    failed.push(def);
                    errors.push((def, e));
                }
            }
        }
        if failed.is_empty() {
            return Vec::new();
        }
        if failed.len() == before {
            return errors
                .into_iter()
                .filter(|(_, e)| {
                    // Waits for a capture: not an error before the run.
                    !e.undefined
                        .as_ref()
                        .is_some_and(|n| captured.contains(n) || dynamic.contains(n))
                })
                .map(|(def, e)| {
                    let mut d = Diagnostic::new(format!("variable `{}`: {}", def.name, e.message), def.span.clone());
                    if let Some(name) = e.undefined.as_deref().and_then(|n| n.strip_prefix("env.")) {
                        d = d.with_help(format!("set the environment variable {name}, or add it to the .env file"));
                    } else if e.undefined.as_deref() == Some("mock_url") {
                        d = d.with_help("`mock_url` is set by `--mock`: run with --mock, or use another environment");
                    } else if let Some(name) = e.undefined.as_deref() {
                        let known = scope
                            .names()
                            .chain(defs.iter().map(|v| v.name.as_str()))
                            .filter(|n| *n != def.name);
                        d = d.with_help_opt(did_you_mean(name, known).or_else(|| {
                            Some(format!("define `{name}` in the environment or the collection's `variables:`, or pass --var {name}=..."))
                        }));
                    }
                    d
                })
                .collect();
        }
        pending = failed;
    }
}

/// Every variable name captured anywhere in the run.
fn captured_names(collections: &[Collection]) -> HashSet<String> {
    collections
        .iter()
        .flat_map(|c| c.requests.iter())
        .flat_map(|r| r.captures.iter().map(|c| c.name.clone()))
        .collect()
}

/// Adds the values of secret variables (and `--var`s of those names) to the masker.
fn register_secrets(names: &HashSet<String>, scope: &Scope, masker: &Masker) {
    for name in names {
        if let Some(v) = scope.get(name) {
            masker.add_value(v);
        }
    }
}

pub(crate) fn secret_names(ws: &Workspace) -> HashSet<String> {
    ws.collections
        .iter()
        .flat_map(|c| c.secrets.iter().cloned())
        .chain(ws.env.secrets.iter().cloned())
        .collect()
}

/// Loads, scopes and checks every collection: the part `run`, `validate` and `mock` share.
pub(crate) struct Prepared {
    pub(crate) ws: Workspace,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) selections: Vec<Vec<usize>>,
    pub(crate) engine: Engine,
}

/// `check_templates` is false for `runner mock`: it sends nothing, and an expression of a
/// request's URL that cannot render (`{{ user_id }}`) is a path variable of its route.
pub(crate) fn prepare(
    settings: &LoadSettings,
    selection: &Selection,
    mock_url: Option<&str>,
    masker: &Masker,
    check_templates: bool,
) -> Result<Prepared, (Vec<Diagnostic>, Sources)> {
    let ws = load(settings)?;
    let process_env = match settings.process_env() {
        Ok(e) => e,
        Err(d) => return Err((vec![d], ws.sources)),
    };
    let mut engine = Engine::new();
    let mut captured = captured_names(&ws.collections);
    captured.extend(settings.iteration_names.iter().cloned());
    let secrets = secret_names(&ws);
    let mut diags = Vec::new();
    let mut scopes = Vec::new();
    let mut selections = Vec::new();
    for c in &ws.collections {
        let selected = selection.select(c);
        match scope_for(c, &ws, settings, &process_env, mock_url, &engine, &captured) {
            Ok(scope) => {
                register_secrets(&secrets, &scope, masker);
                if check_templates {
                    // Definitions waiting for captures count as defined, like captures.
                    let mut known = captured.clone();
                    known.extend(scope.derived_names().map(str::to_string));
                    diags.extend(check_requests(c, &selected, &scope, &known, &mut engine));
                }
                scopes.push(scope);
            }
            Err(d) => diags.extend(d),
        }
        selections.push(selected);
    }
    if diags.is_empty() && selections.iter().all(Vec::is_empty) {
        let mut d = Diagnostic::new("no request matches the selection", None);
        if !selection.only.is_empty() {
            d = d.with_note(format!("--only {}", selection.only.join(", ")));
        }
        if !selection.tags.is_empty() {
            d = d.with_note(format!("--tag {}", selection.tags.join(", ")));
        }
        diags.push(d);
    }
    if diags.is_empty() {
        Ok(Prepared {
            ws,
            scopes,
            selections,
            engine,
        })
    } else {
        Err((diags, ws.sources))
    }
}
