//! `runner import postman`: Postman Collection v2.0/v2.1 and environment JSON in, runner
//! YAML out. Nothing is sent; a test script is translated to `expect:`/`capture:` when
//! every statement of it is understood and kept as a script otherwise, and credentials are
//! replaced by references.

mod auth;
mod body;
mod credentials;
mod js;
mod model;
mod names;
mod request;
mod script;
mod url;

use indexmap::{IndexMap, IndexSet};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use self::auth::Secrets;
use self::model::{PmCollection, PmEnvironment, description_text, value_text};
use self::names::Names;

pub use super::{ImportError, OutputFile, slug};

/// What an import produced and what the user should know about it.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// Requests written.
    pub requests: usize,
    /// Folders written.
    pub folders: usize,
    /// Test scripts turned entirely into `expect:`/`capture:`.
    pub scripts_translated: usize,
    /// Scripts kept, whole, under `scripts:`.
    pub scripts_kept: usize,
    /// Kept scripts that use an API runner's sandbox does not offer.
    pub scripts_unsupported: usize,
    /// Each such API → how many scripts use it.
    pub unsupported_apis: IndexMap<String, usize>,
    /// Postman variable → runner variable, where a name had to change.
    pub renamed: IndexMap<String, String>,
    /// Variables referenced but defined nowhere, declared empty in `variables:`.
    pub declared_empty: Vec<String>,
    /// Path variables without a value, defined nowhere: left undefined, so that `validate`
    /// names them instead of a request going to `/users//items`.
    pub path_vars_unset: Vec<String>,
    /// Auth types runner cannot send → how many blocks.
    pub unsupported_auth: IndexMap<String, usize>,
    /// Headers Postman generates itself, left out → how many.
    pub dropped_headers: IndexMap<String, usize>,
    /// Other notes → how many times each was written.
    pub notes: IndexMap<String, usize>,
    /// Process environment variables that stand for credentials written in the files.
    pub env_vars: Vec<String>,
    /// Postman dynamic variables (`$randomEmail`) with no runner function; declared empty.
    pub unknown_dynamic: Vec<String>,
    /// Variables treated as secrets.
    pub secrets: Vec<String>,
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The collection.
    pub collection: OutputFile,
    /// The collection before it is written, for `split`.
    document: Map<String, Value>,
    /// One per Postman environment, in order.
    pub environments: Vec<OutputFile>,
    /// The summary.
    pub report: ImportReport,
}

/// Reads JSON with the path of the first bad value in the error.
fn parse<T: DeserializeOwned>(file: &str, text: &str, what: &str) -> Result<T, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." || path.is_empty() {
            String::new()
        } else {
            format!(" at `{path}`")
        };
        ImportError {
            file: file.to_string(),
            message: format!("not a valid Postman {what}{at}: {inner}"),
        }
    })
}

/// Shared state of one import.
#[derive(Default)]
struct Conv {
    names: Names,
    secrets: Secrets,
    /// Collection `variables:` (runner names).
    vars: Map<String, Value>,
    /// Names captured by some request.
    captured: IndexSet<String>,
    /// Path variables (`:id`) declared without a value.
    path_vars: IndexSet<String>,
    /// Names that a kept script sets at run time.
    script_set: IndexSet<String>,
    /// Names the environments define: not free for new variables.
    reserved: IndexSet<String>,
    report: ImportReport,
}

impl Conv {
    fn note(&mut self, notes: &mut Vec<String>, text: String) {
        *self.report.notes.entry(text.clone()).or_default() += 1;
        notes.push(text);
    }
}

/// Whether a variable name suggests a credential.
fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_', '.'], "");
    ["secret", "password", "passwd", "token", "apikey"]
        .iter()
        .any(|w| n.contains(w))
        || n.ends_with("pw")
        || n.ends_with("pwd")
}

/// Converts a collection and its environments. `collection` and each environment are
/// `(file name for messages, JSON text)`.
pub fn import(
    collection: (&str, &str),
    environments: &[(&str, &str)],
) -> Result<Imported, ImportError> {
    let (file, text) = collection;
    let raw: Value = parse(file, text, "collection")?;
    if raw.get("requests").is_some() && raw.get("item").is_none() {
        return Err(ImportError {
            file: file.into(),
            message: "this is a Postman Collection v1 file; export it from Postman as v2.1".into(),
        });
    }
    if raw.get("item").is_none() && raw.get("info").is_none() {
        return Err(ImportError {
            file: file.into(),
            message: "not a Postman collection: it has neither `info` nor `item`".into(),
        });
    }
    let pm: PmCollection = parse(file, text, "collection")?;
    let envs: Vec<PmEnvironment> = environments
        .iter()
        .map(|(f, t)| parse::<PmEnvironment>(f, t, "environment"))
        .collect::<Result<_, _>>()?;

    let mut c = Conv::default();
    // A separate `Names`: the renames are reported in the order the collection uses them.
    let mut probe = Names::default();
    for e in &envs {
        for key in e.values.iter().filter_map(|v| v.key.as_ref()) {
            c.reserved.insert(probe.name(key));
        }
    }
    let name = pm
        .info
        .as_ref()
        .and_then(|i| i.name.clone())
        .or(pm.name.clone())
        .unwrap_or_else(|| "Imported collection".into());

    for v in pm.variable.iter().flatten() {
        if v.disabled == Some(true) {
            continue;
        }
        let Some(key) = v.key.clone().or(v.id.clone()) else {
            continue;
        };
        let n = c.names.name(&key);
        let value = value_text(&v.value);
        if looks_secret(&n) && !value.is_empty() && !value.contains("{{") {
            c.secrets.adopt(&value, &n);
        }
        let value = c.names.template(&value);
        c.vars.insert(n, json!(value));
    }

    let mut doc = Map::new();
    doc.insert("name".into(), json!(name));
    let mut notes = Vec::new();
    let mut description = description_text(
        &pm.info
            .as_ref()
            .and_then(|i| i.description.clone())
            .or(pm.description.clone()),
    );
    let mut root = Map::new();
    let mut ctx = request::Ctx::default();
    request::settings(
        &mut c,
        &mut root,
        pm.auth.as_ref(),
        pm.behavior.as_ref(),
        &mut ctx,
        &mut notes,
    );
    let events = pm.event.map(|e| e.into_vec()).unwrap_or_default();
    request::folder_scripts(&mut c, &mut root, events, &mut notes);
    let requests: Vec<Value> = pm
        .item
        .into_iter()
        .filter_map(|it| request::item(&mut c, it, &ctx))
        .collect();
    request::append_notes(&mut description, &notes);
    if let Some(d) = description {
        doc.insert("description".into(), json!(d));
    }

    // Environments: converted now, so their names count as defined.
    let mut env_files = Vec::new();
    let mut env_defined = IndexSet::new();
    for (i, e) in envs.iter().enumerate() {
        let mut vars = Map::new();
        let mut secrets = Vec::new();
        for v in &e.values {
            if v.enabled == Some(false) || v.disabled == Some(true) {
                continue;
            }
            let Some(key) = &v.key else { continue };
            let n = c.names.name(key);
            let value = value_text(&v.value);
            let secret = v.kind.as_deref() == Some("secret") || looks_secret(&n);
            let out = if secret && !value.is_empty() && c.names.sole_reference(&value).is_none() {
                c.secrets.for_var(&n, &value)
            } else {
                c.names.template(&value)
            };
            if secret && !secrets.contains(&n) {
                secrets.push(n.clone());
            }
            env_defined.insert(n.clone());
            vars.insert(n, json!(out));
        }
        let ename = e
            .name
            .clone()
            .unwrap_or_else(|| format!("{} environment {}", name, i + 1));
        env_files.push((ename, vars, secrets));
    }

    // Collection variables that hold credentials.
    let mut secret_vars: IndexSet<String> = c.secrets.vars.clone();
    let keys: Vec<String> = c.vars.keys().cloned().collect();
    for k in keys {
        let is_secret = secret_vars.contains(&k) || looks_secret(&k);
        let value = c
            .vars
            .get(&k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if is_secret && !value.is_empty() && !crate::collection::has_template_syntax(&value) {
            let env = names::env_name(&k);
            c.secrets.env.insert(env.clone());
            c.vars
                .insert(k.clone(), json!(format!("{{{{ env.{env} }}}}")));
        }
        if is_secret {
            secret_vars.insert(k);
        }
    }

    // Referenced but defined nowhere: declared empty so the collection validates.
    let used: Vec<String> = c.names.used.iter().cloned().collect();
    for n in used {
        if !c.vars.contains_key(&n)
            && !env_defined.contains(&n)
            && !c.captured.contains(&n)
            // A name a script sets is set at run time.
            && !c.script_set.contains(&n)
        {
            if c.path_vars.contains(&n) {
                c.report.path_vars_unset.push(n);
                continue;
            }
            c.vars.insert(n.clone(), json!(""));
            c.report.declared_empty.push(n);
        }
    }
    if !c.vars.is_empty() {
        doc.insert(
            "variables".into(),
            Value::Object(std::mem::take(&mut c.vars)),
        );
    }
    if !secret_vars.is_empty() {
        doc.insert(
            "secrets".into(),
            json!(secret_vars.iter().collect::<Vec<_>>()),
        );
    }
    for (k, v) in root {
        doc.insert(k, v);
    }
    doc.insert("requests".into(), Value::Array(requests));

    let slug_name = slug(&name);
    let collection = OutputFile {
        file_name: format!("{slug_name}.yaml"),
        yaml: super::yaml::to_yaml(&Value::Object(doc.clone())),
    };
    let environments = env_files
        .into_iter()
        .map(|(ename, vars, mut secrets)| {
            for s in &secret_vars {
                if vars.contains_key(s) && !secrets.contains(s) {
                    secrets.push(s.clone());
                }
            }
            let mut d = Map::new();
            d.insert("name".into(), json!(ename));
            d.insert("variables".into(), Value::Object(vars));
            if !secrets.is_empty() {
                d.insert("secrets".into(), json!(secrets));
            }
            OutputFile {
                file_name: format!("{}.yaml", slug(&ename)),
                yaml: super::yaml::to_yaml(&Value::Object(d)),
            }
        })
        .collect();
    let mut report = c.report;
    report.renamed = c.names.renamed;
    report.renamed.retain(|k, _| !k.starts_with('$'));
    report.unknown_dynamic = c.names.unknown_dynamic.into_iter().collect();
    report.env_vars = c.secrets.env.into_iter().collect();
    report.secrets = secret_vars.into_iter().collect();
    Ok(Imported {
        collection,
        document: doc,
        environments,
        report,
    })
}

impl Imported {
    /// The collection as one file per top-level folder (`<name>-<folder>.yaml`, named
    /// "<name> / <folder>"), plus one for the requests outside folders. Each file keeps the
    /// collection's variables, secrets, auth, settings and scripts.
    pub fn split(&self) -> Vec<OutputFile> {
        let name = self
            .document
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let requests = match self.document.get("requests") {
            Some(Value::Array(r)) => r.clone(),
            _ => Vec::new(),
        };
        let (folders, loose): (Vec<Value>, Vec<Value>) = requests
            .into_iter()
            .partition(|r| r.get("folder").is_some());
        let part = |title: String, file: String, requests: Vec<Value>| {
            let mut d = self.document.clone();
            d.insert("name".into(), json!(title));
            d.insert("requests".into(), Value::Array(requests));
            OutputFile {
                file_name: file,
                yaml: super::yaml::to_yaml(&Value::Object(d)),
            }
        };
        let mut out = Vec::new();
        if !loose.is_empty() || folders.is_empty() {
            out.push(part(
                name.to_string(),
                self.collection.file_name.clone(),
                loose,
            ));
        }
        let stem = slug(name);
        let mut used: IndexSet<String> = out.iter().map(|f| f.file_name.clone()).collect();
        for f in folders {
            let folder = f.get("folder").and_then(Value::as_str).unwrap_or("folder");
            let base = format!("{stem}-{}", slug(folder));
            let file = super::unique_file(&mut used, &base, "yaml");
            out.push(part(format!("{name} / {folder}"), file, vec![f]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::import;

    const FIXTURE: &str =
        include_str!("../../../tests/fixtures/postman/mappings.postman_collection.json");

    /// Every node of `v` replaced in turn by each of `with`.
    fn variants(v: &Value, with: &[Value]) -> Vec<Value> {
        let mut out = Vec::new();
        for w in with {
            out.push(w.clone());
        }
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    for c in variants(child, with) {
                        let mut m2 = m.clone();
                        m2.insert(k.clone(), c);
                        out.push(Value::Object(m2));
                    }
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    for c in variants(child, with) {
                        let mut a2 = a.clone();
                        a2[i] = c;
                        out.push(Value::Array(a2));
                    }
                }
            }
            _ => {}
        }
        out
    }

    #[test]
    fn odd_shapes_and_cut_files_never_panic() {
        let doc: Value = serde_json::from_str(FIXTURE).unwrap_or_default();
        let with = [
            Value::from(5),
            Value::from("x"),
            Value::Array(vec![]),
            Value::Null,
        ];
        let mut errors = 0;
        for v in variants(&doc, &with) {
            let text = v.to_string();
            if import(("c.json", &text), &[]).is_err() {
                errors += 1;
            }
        }
        assert!(errors > 100, "shape errors are reported: {errors}");
        for cut in (0..FIXTURE.len()).step_by(13) {
            let text = FIXTURE.get(..cut).unwrap_or("");
            assert!(
                import(("c.json", text), &[]).is_err(),
                "cut at {cut} accepted"
            );
        }
    }
}
