//! Environment files (`environments/<name>.yaml`) and how `-e NAME` finds them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::VarDef;
use super::build::Builder;
use super::load::{LoadError, Redactor, parse_yaml, read_file};
use super::raw::RawEnvironment;
use super::spans::Spans;
use crate::diagnostic::{Diagnostic, Sources, did_you_mean};

/// A loaded environment file.
#[derive(Debug, Clone, Default)]
pub struct Environment {
    /// `variables:`; values may be templates.
    pub variables: Vec<VarDef>,
    /// Names of variables to mask.
    pub secrets: Vec<String>,
}

/// Finds the file for `-e NAME|PATH`: a path to a file as given; otherwise
/// `environments/NAME.yaml` (or `.yml`) in the working directory, then beside the
/// folder of each collection, then inside it.
pub fn resolve_environment_path(
    name_or_path: &str,
    collections: &[PathBuf],
) -> Result<PathBuf, Diagnostic> {
    let given = Path::new(name_or_path);
    if given.is_file() {
        return Ok(given.to_path_buf());
    }
    let looks_like_path = name_or_path.contains(['/', '\\'])
        || name_or_path.ends_with(".yaml")
        || name_or_path.ends_with(".yml");
    if looks_like_path {
        return Err(Diagnostic::new(
            format!("cannot read environment file {name_or_path}: no such file"),
            None,
        ));
    }
    let dirs = environment_dirs(collections);
    for dir in &dirs {
        for ext in ["yaml", "yml"] {
            let candidate = dir.join(format!("{name_or_path}.{ext}"));
            if candidate.is_file() {
                return Ok(clean(&candidate));
            }
        }
    }
    let known = names_in(&dirs);
    let looked: Vec<String> = dirs
        .iter()
        .map(|d| {
            clean(&d.join(format!("{name_or_path}.yaml")))
                .display()
                .to_string()
        })
        .collect();
    let found = (!known.is_empty()).then(|| format!("environments found: {}", known.join(", ")));
    let mut d = Diagnostic::new(format!("environment `{name_or_path}` not found"), None);
    match did_you_mean(name_or_path, known.iter().map(String::as_str)) {
        Some(suggestion) => {
            d = d.with_help(suggestion);
            if let Some(found) = found {
                d = d.with_note(found);
            }
        }
        None => d = d.with_help_opt(found),
    }
    Err(d.with_note(format!("looked for {}", looked.join(", "))))
}

/// Where `-e NAME` looks: `environments/` in the working directory, then beside the
/// folder of each collection, then inside it.
fn environment_dirs(collections: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = vec![PathBuf::from("environments")];
    for c in collections {
        let dir = c.parent().unwrap_or(Path::new(""));
        let beside = clean(&dir.join("..").join("environments"));
        let inside = clean(&dir.join("environments"));
        for d in [beside, inside] {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    dirs
}

/// The names of the environments that `-e NAME` finds for these collections, sorted.
pub fn environment_names(collections: &[PathBuf]) -> Vec<String> {
    names_in(&environment_dirs(collections))
}

fn names_in(dirs: &[PathBuf]) -> Vec<String> {
    let mut known = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml")
                ) && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                    && !known.contains(&stem.to_string())
                {
                    known.push(stem.to_string());
                }
            }
        }
    }
    known.sort();
    known
}

/// `a/b/../c` → `a/c`, for messages and stable file names.
fn clean(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for comp in path.components() {
        match comp {
            std::path::Component::ParentDir
                if out
                    .components()
                    .next_back()
                    .is_some_and(|c| matches!(c, std::path::Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Reads and validates an environment file.
pub fn load_environment(path: &Path, sources: &Sources) -> Result<Environment, LoadError> {
    let file: Arc<str> = Arc::from(path.display().to_string());
    let text: Arc<str> = Arc::from(read_file(path, "environment")?);
    sources.add_masked(
        &file,
        Arc::clone(&text),
        Box::new(Redactor::new(Arc::clone(&text))),
    );
    let spans = Spans::new(&file, Arc::clone(&text));
    let raw: RawEnvironment = parse_yaml(&text, &spans, "environment")?;
    let mut builder = Builder::new(
        Arc::clone(&file),
        path.parent().map(Path::to_path_buf).unwrap_or_default(),
        // An environment names no files.
        crate::paths::FileRoot::default(),
        &spans,
    );
    let mut variables = builder.variables(raw.variables);
    super::numbers::BigIntegers::new(spans.long_integers()).restore_vars(&mut variables);
    let secrets: Vec<String> = raw
        .secrets
        .unwrap_or_default()
        .into_iter()
        .map(|s| s.value)
        .collect();
    if !builder.diags.is_empty() {
        return Err(LoadError {
            diagnostics: builder.diags,
        });
    }
    Ok(Environment { variables, secrets })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_parent_components() {
        assert_eq!(
            clean(Path::new("collections/../environments/local.yaml")),
            PathBuf::from("environments/local.yaml")
        );
    }
}
