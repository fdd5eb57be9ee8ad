//! The variables of one collection, resolved from its definitions, the environment's and
//! `--var` before the run.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use super::Vars;
use crate::collection::{JsonTemplate, VarDef};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::secrets::Masker;
use crate::template::{Engine, json_leaves};

/// What [`resolve`] builds variables from.
pub(crate) struct Layers<'a> {
    /// The collection's `variables:`.
    pub collection: &'a [VarDef],
    /// The environment's `variables:`.
    pub environment: &'a [VarDef],
    /// `--var` values.
    pub cli: &'a [(String, String)],
    /// `mock_url`, when `--mock` sets it.
    pub mock_url: Option<&'a str>,
    /// The process environment over the dotenv file, read as `env.NAME`.
    pub process_env: BTreeMap<String, String>,
    /// Names listed under `secrets:`.
    pub secrets: HashSet<String>,
    /// Learns the values of secret variables.
    pub masker: Option<Arc<Masker>>,
    /// The names the selected requests read. A definition none of them needs, directly or
    /// through other definitions, may fail to render: it is then left unset, with a
    /// warning. `None`: every definition must render.
    pub used: Option<HashSet<String>>,
}

/// What [`resolve`] gives: the variables, and a warning for each definition that was not
/// needed and did not render.
pub(crate) struct Resolved {
    /// The variables.
    pub vars: Vars,
    /// The definitions left unset.
    pub warnings: Vec<Diagnostic>,
}

/// One definition per name: the environment's replaces the collection's. They are resolved
/// together, so a collection variable may refer to an environment variable and sees the
/// environment's value of a name both define.
fn definitions<'a>(collection: &'a [VarDef], environment: &'a [VarDef]) -> Vec<&'a VarDef> {
    collection
        .iter()
        .filter(|c| !environment.iter().any(|e| e.name == c.name))
        .chain(environment)
        .collect()
}

/// The variables of one collection, with every layer but data rows and captures, which
/// the run adds. `captured` holds the names captured anywhere in the run. An `Err` holds
/// the errors, then the warnings.
pub(crate) fn resolve(
    layers: Layers<'_>,
    engine: &Engine,
    captured: &HashSet<String>,
) -> Result<Resolved, Vec<Diagnostic>> {
    let mut vars = Vars::new(layers.process_env);
    vars.secret_names = Arc::new(layers.secrets);
    vars.masker = layers.masker;
    for (k, v) in layers.cli {
        vars.pin(k, v);
    }
    if let Some(url) = layers.mock_url
        && !vars.is_pinned("mock_url")
    {
        vars.pin("mock_url", url);
    }
    // A `--var` replaces a definition, which is then not even rendered.
    let defs: Vec<&VarDef> = definitions(layers.collection, layers.environment)
        .into_iter()
        .filter(|d| !vars.is_pinned(&d.name))
        .collect();
    let (mut diags, warnings) =
        render_definitions(&defs, &mut vars, engine, captured, layers.used.as_ref());
    for def in layers.environment {
        vars.mark_environment(&def.name);
    }
    if diags.is_empty() {
        Ok(Resolved { vars, warnings })
    } else {
        diags.extend(warnings);
        Err(diags)
    }
}

fn template(def: &VarDef) -> JsonTemplate {
    JsonTemplate {
        value: def.value.clone(),
        span: def.span.clone(),
    }
}

/// Renders variable definitions. Values may refer to each other in any order; what still
/// fails after every other value is set is reported: as an error when a name of `used`
/// needs it (every definition without `used`), as a warning otherwise. A definition that
/// reads a `captured` name, directly or through another definition, is also kept to be
/// rendered again as captures arrive; until then it may stay undefined.
fn render_definitions(
    defs: &[&VarDef],
    vars: &mut Vars,
    engine: &Engine,
    captured: &HashSet<String>,
    used: Option<&HashSet<String>>,
) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
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
        vars.derive(&def.name, template(def));
    }
    let needed = used.map(|used| needed(used, &reads));
    let mut pending: Vec<&VarDef> = defs.to_vec();
    loop {
        let mut failed = Vec::new();
        let mut errors = Vec::new();
        let before = pending.len();
        for def in pending {
            match engine.render_json(&template(def), vars) {
                Ok(v) => vars.set_json(&def.name, &v),
                Err(e) => {
                    failed.push(def);
                    errors.push((def, e));
                }
            }
        }
        if failed.is_empty() {
            return (Vec::new(), Vec::new());
        }
        if failed.len() == before {
            // Why each failing definition failed, for the definitions that read it.
            let causes: Vec<(String, String)> = errors
                .iter()
                .map(|(def, e)| (def.name.clone(), e.message.clone()))
                .collect();
            let mut out = (Vec::new(), Vec::new());
            for (def, e) in errors {
                // Waits for a capture: not an error before the run.
                if e.undefined
                    .as_ref()
                    .is_some_and(|n| captured.contains(n) || dynamic.contains(n))
                {
                    continue;
                }
                let unused = needed.as_ref().is_some_and(|n| !n.contains(&def.name));
                let title = if unused {
                    format!(
                        "variable `{}` is not used by any request's templates, so it is left unset: {}",
                        def.name, e.message
                    )
                } else {
                    format!("variable `{}`: {}", def.name, e.message)
                };
                let mut d = Diagnostic::new(title, def.span.clone());
                if let Some(name) = e.undefined.as_deref() {
                    d = undefined_help(d, name, &def.name, &causes, vars, defs);
                }
                if unused {
                    // Not a missing definition of the run: never listed as one.
                    d.undefined = None;
                    out.1.push(d.into_warning());
                } else {
                    out.0.push(d);
                }
            }
            return out;
        }
        pending = failed;
    }
}

/// The names of definitions that `used` needs: those it names and, in turn, the names
/// their definitions read.
fn needed(used: &HashSet<String>, reads: &[(&VarDef, HashSet<String>)]) -> HashSet<String> {
    let mut out: HashSet<String> = used.clone();
    let mut todo: Vec<&String> = used.iter().collect();
    while let Some(name) = todo.pop() {
        for (_, names) in reads.iter().filter(|(d, _)| d.name == *name) {
            for n in names {
                if out.insert(n.clone()) {
                    todo.push(n);
                }
            }
        }
    }
    out
}

/// The help for a definition that read `name`, which did not render: the environment
/// variable to set, why the definition of `name` failed, or the definition to add.
fn undefined_help(
    d: Diagnostic,
    name: &str,
    reader: &str,
    causes: &[(String, String)],
    vars: &Vars,
    defs: &[&VarDef],
) -> Diagnostic {
    let root = name.split(['.', '[']).next().unwrap_or(name);
    if let Some(env_name) = name.strip_prefix("env.") {
        return d.with_help(format!(
            "set the environment variable {env_name}, or add it to the .env file"
        ));
    }
    if name == "mock_url" {
        return d.with_help(
            "`mock_url` is set by `--mock`: run with --mock, or use another environment",
        );
    }
    if let Some((_, cause)) = causes.iter().find(|(n, _)| n == root) {
        return d.with_help(format!("`{root}` is not set: {cause}"));
    }
    let known: Vec<&str> = vars
        .names()
        .chain(defs.iter().map(|v| v.name.as_str()))
        .filter(|n| *n != reader)
        .collect();
    if root != name && known.contains(&root) {
        let rest = name[root.len()..].trim_start_matches('.');
        return d.with_help(format!("`{root}` is defined, but has no `{rest}`"));
    }
    let help = did_you_mean(name, known).unwrap_or_else(|| {
        format!(
            "define `{name}` in the environment or the collection's `variables:`, or pass --var {name}=..."
        )
    });
    d.with_help(help).undefined(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Vars, n: &str) -> Option<String> {
        v.text(n)
    }

    fn def(name: &str, value: serde_json::Value) -> VarDef {
        VarDef {
            name: name.into(),
            value,
            span: None,
        }
    }

    #[test]
    fn layers_and_secrets() {
        let masker = Arc::new(Masker::new());
        let collection = [
            def("a", json!("c-{{ b }}")),
            def("b", json!("coll")),
            def("cred", json!({"user": "u", "pass": "hunter2"})),
        ];
        let environment = [def("b", json!("env")), def("c", json!("{{ env.C }}"))];
        let mut process_env = BTreeMap::new();
        process_env.insert("C".to_string(), "from-env".to_string());
        let vars = resolve(
            Layers {
                collection: &collection,
                environment: &environment,
                cli: &[("c".into(), "from-cli".into())],
                mock_url: Some("http://127.0.0.1:1"),
                process_env,
                secrets: ["cred".to_string(), "c".to_string()].into(),
                masker: Some(masker.clone()),
                used: None,
            },
            &Engine::new(),
            &HashSet::new(),
        )
        .unwrap()
        .vars;
        assert_eq!(text(&vars, "a").as_deref(), Some("c-env"));
        assert_eq!(text(&vars, "c").as_deref(), Some("from-cli"));
        assert_eq!(text(&vars, "cred.pass").as_deref(), Some("hunter2"));
        assert_eq!(
            text(&vars, "mock_url").as_deref(),
            Some("http://127.0.0.1:1")
        );
        assert_eq!(masker.mask("x hunter2 from-cli coll"), "x ***** ***** coll");
    }

    #[test]
    fn only_what_the_used_names_need_must_render() {
        let collection = [
            def("url", json!("{{ base }}/x")),
            def("base", json!("{{ env.BASE }}")),
            def("password", json!("{{ env.PASSWORD }}")),
        ];
        let layers = |used: &[&str]| Layers {
            collection: &collection,
            environment: &[],
            cli: &[],
            mock_url: None,
            process_env: BTreeMap::new(),
            secrets: HashSet::new(),
            masker: None,
            used: Some(used.iter().map(|s| s.to_string()).collect()),
        };
        let engine = Engine::new();
        let resolved = resolve(layers(&[]), &engine, &HashSet::new()).unwrap();
        let titles: Vec<&str> = resolved.warnings.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(resolved.warnings.iter().all(|d| d.warning));
        // `url` needs `base`, which is then an error; `password` stays a warning.
        let Err(diags) = resolve(layers(&["url"]), &engine, &HashSet::new()) else {
            panic!("base is needed");
        };
        let errors: Vec<&str> = diags
            .iter()
            .filter(|d| !d.warning)
            .map(|d| d.title.as_str())
            .collect();
        assert_eq!(
            errors,
            [
                "variable `url`: undefined variable `base`",
                "variable `base`: undefined variable `env.BASE`"
            ]
        );
        assert_eq!(diags.iter().filter(|d| d.warning).count(), 1);
    }
}
