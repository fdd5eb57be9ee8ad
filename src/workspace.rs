//! Loading what a command works on: collections, the environment, and each collection's
//! variable scope, checked once for `run`, `validate` and `mock`.

use std::collections::HashSet;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::collection::{
    Collection, Environment, LoadError, environment_names, load_collection, load_environment,
    resolve_environment_path,
};
use crate::diagnostic::{Diagnostic, Sources};
use crate::paths::FileRoot;
use crate::runner::{Selection, check_requests, referenced_names};
use crate::secrets::Masker;
use crate::settings::LoadSettings;
use crate::template::Engine;
use crate::vars::{Layers, Vars, resolve};

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
    for loaded in load_collections(&settings.collections, &sources, &settings.file_root) {
        match loaded {
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

/// Loads the collection files, several at a time when there are several (nothing is sent
/// yet, so every core is free): the results come in the order of `paths`.
fn load_collections(
    paths: &[PathBuf],
    sources: &Sources,
    file_root: &FileRoot,
) -> Vec<Result<Collection, LoadError>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(paths.len());
    if threads <= 1 {
        return paths
            .iter()
            .map(|p| load_collection(p, sources, file_root))
            .collect();
    }
    // Each thread takes the next file not taken yet, so that a large file does not hold
    // back the ones queued behind it.
    let next = AtomicUsize::new(0);
    let mut loaded: Vec<(usize, Result<Collection, LoadError>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = paths.get(i) else { break };
                        done.push((i, load_collection(path, sources, file_root)));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    loaded.sort_by_key(|(i, _)| *i);
    loaded.into_iter().map(|(_, r)| r).collect()
}

/// Hands the pages freed by loading back to the system before the run starts. Reading a
/// large file leaves megabytes of freed parse trees behind, which the allocator keeps
/// resident (it gives back only what lies at the top of its heap); a run of 10,000 requests
/// would carry them to its end. Small files leave little, and skip the walk over the heap.
fn give_back_freed_memory(requests: usize) {
    const LARGE: usize = 2_000;
    if requests < LARGE {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` only releases free memory of glibc's own heap; it takes no
    // pointer and may be called at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Every variable name captured, or set by a script, anywhere in the run.
fn captured_names(collections: &[Collection]) -> HashSet<String> {
    let requests = || collections.iter().flat_map(|c| c.requests.iter());
    requests()
        .flat_map(|r| r.captures.iter().map(|c| c.name.clone()))
        .chain(
            requests()
                .flat_map(|r| r.scripts.all())
                .flat_map(|s| s.sets().map(str::to_string)),
        )
        .collect()
}

fn secret_names(ws: &Workspace) -> HashSet<String> {
    ws.collections
        .iter()
        .flat_map(|c| c.secrets.iter().cloned())
        .chain(ws.env.secrets.iter().cloned())
        .collect()
}

/// When environments exist but none was given, the undefined variables of a collection
/// become one error that lists them and suggests `-e`; other diagnostics stay.
fn without_environment(
    found: Vec<Diagnostic>,
    collection: &str,
    environments: &[String],
) -> Vec<Diagnostic> {
    if environments.is_empty() || found.iter().all(|d| d.undefined.is_none()) {
        return found;
    }
    let mut names: Vec<&str> = found
        .iter()
        .filter_map(|d| d.undefined.as_deref())
        .collect();
    names.sort();
    names.dedup();
    let first = found.iter().position(|d| d.undefined.is_some());
    let summary = Diagnostic::new(
        format!(
            "{} of {collection} {} not defined: {}",
            match names.len() {
                1 => "1 variable".to_string(),
                n => format!("{n} variables"),
            },
            if names.len() == 1 { "is" } else { "are" },
            names.join(", ")
        ),
        None,
    )
    .with_help(format!(
        "no environment was given: pass -e NAME (environments found: {})",
        environments.join(", ")
    ));
    let mut out: Vec<Diagnostic> = found
        .into_iter()
        .filter(|d| d.undefined.is_none())
        .collect();
    out.insert(first.unwrap_or(0).min(out.len()), summary);
    out
}

/// Loads, scopes and checks every collection: the part `run`, `validate` and `mock` share.
pub(crate) struct Prepared {
    pub(crate) ws: Workspace,
    pub(crate) scopes: Vec<Vars>,
    pub(crate) selections: Vec<Vec<usize>>,
    pub(crate) engine: Engine,
    /// Variables no selected request uses that were left unset, as warnings (one each).
    pub(crate) warnings: Vec<Diagnostic>,
}

/// `check_templates` is false for `runner mock`: it sends nothing, and an expression of a
/// request's URL that cannot render (`{{ user_id }}`) is a path variable of its route.
pub(crate) fn prepare(
    settings: &LoadSettings,
    selection: &Selection,
    mock_url: Option<&str>,
    masker: &Arc<Masker>,
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
    let mut warnings: Vec<Diagnostic> = Vec::new();
    let mut scopes = Vec::new();
    let mut selections = Vec::new();
    // Without -e, the variables an environment would define are told once per collection.
    let environments = match settings.env {
        None => environment_names(&settings.collections),
        Some(_) => Vec::new(),
    };
    let mock = mock_url.is_some() || settings.mock;
    for c in &ws.collections {
        let selected = selection.select(c);
        let layers = Layers {
            collection: &c.variables,
            environment: &ws.env.variables,
            cli: &settings.vars,
            // `validate --mock`: the port is not known yet, any URL shape will do.
            mock_url: mock_url.or(settings.mock.then_some("http://127.0.0.1:0")),
            process_env: process_env.clone(),
            secrets: secrets.clone(),
            masker: Some(masker.clone()),
            used: Some(referenced_names(c, &selected, mock, &engine)),
        };
        let found = match resolve(layers, &engine, &captured) {
            Ok(resolved) => {
                let scope = resolved.vars;
                // An environment's variable unused by several collections is told once.
                for w in resolved.warnings {
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
                let mut found = Vec::new();
                if check_templates {
                    // Definitions waiting for captures count as defined, like captures.
                    let mut known = captured.clone();
                    known.extend(scope.derived_names().map(str::to_string));
                    found = check_requests(c, &selected, &scope, &known, &mut engine);
                }
                scopes.push(scope);
                found
            }
            Err(d) => d,
        };
        diags.extend(without_environment(found, &c.file, &environments));
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
        let requests = ws.collections.iter().map(|c| c.requests.len()).sum();
        give_back_freed_memory(requests);
        Ok(Prepared {
            ws,
            scopes,
            selections,
            engine,
            warnings,
        })
    } else {
        // Told with the errors: what is left unset may be part of the same mistake.
        for w in warnings {
            if !diags.contains(&w) {
                diags.push(w);
            }
        }
        Err((diags, ws.sources))
    }
}
