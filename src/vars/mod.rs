//! Variables: the scopes a template reads, their precedence, and which values are secret.
//!
//! Precedence, lowest first (DESIGN §4): the collection's `variables:`, the environment's,
//! a data file row, values captured during the run, `--var`. `env.NAME` reads the process
//! environment (over the dotenv file) and `mock_url` is set by `--mock` unless a `--var`
//! sets it. A file definition that reads a captured value waits for it and is rendered
//! again as captures arrive. [`Layer`] and [`Vars::insert`] are the only places that
//! decide which value wins; `resolve.rs` builds the variables of a collection.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use minijinja::Value;

use crate::collection::JsonTemplate;
use crate::secrets::Masker;
use crate::template::{Engine, Variables};

mod resolve;

pub(crate) use resolve::{Layers, resolve};

/// Where a value comes from; a later layer replaces an earlier one, never the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// The collection's or the environment's `variables:` (see [`definitions`]).
    File,
    /// A value captured during the run, a data row value, `iteration`.
    Capture,
    /// `--var`, and `mock_url` under `--mock`.
    Cli,
}

/// Which of Postman's variable scopes a value belongs to, as scripts see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The collection's `variables:`.
    Collection,
    /// The environment's `variables:`, `--var`, `mock_url`, values captured or set by a
    /// script.
    Environment,
    /// The data row (`-d`).
    Data,
    /// Values the runner sets for templates only (`iteration`).
    Run,
}

/// One variable's value, where it comes from, and whether it is secret.
#[derive(Debug, Clone)]
struct Var {
    value: Value,
    layer: Layer,
    origin: Origin,
    secret: bool,
}

/// One variable as it stands during a run (see [`Vars::standing`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Its name.
    pub name: String,
    /// Its value.
    pub value: serde_json::Value,
    /// Whether the value is its file definition's (not captured, set by a script or by
    /// `--var`).
    pub defined: bool,
    /// Whether it is listed under `secrets:`.
    pub secret: bool,
}

/// Variables visible to templates.
#[derive(Debug, Clone)]
pub struct Vars {
    values: BTreeMap<String, Var>,
    /// File definitions that read values captured during the run.
    derived: Vec<(String, JsonTemplate)>,
    /// Names listed under `secrets:`; their values are masked everywhere.
    secret_names: Arc<HashSet<String>>,
    masker: Option<Arc<Masker>>,
    env: Value,
    ctx: Value,
}

impl Vars {
    /// No variables; `env` is `process_env` (the process environment over the dotenv file).
    pub fn new(process_env: BTreeMap<String, String>) -> Vars {
        let mut vars = Vars {
            values: BTreeMap::new(),
            derived: Vec::new(),
            secret_names: Arc::default(),
            masker: None,
            env: crate::template::env::env_value(process_env),
            ctx: Value::UNDEFINED,
        };
        vars.rebuild();
        vars
    }

    /// Sets `name` from `layer` unless a later layer set it; a secret value goes to the masker.
    fn insert(&mut self, name: &str, value: Value, layer: Layer) -> bool {
        let origin = match layer {
            Layer::File => self
                .values
                .get(name)
                .map_or(Origin::Collection, |v| v.origin),
            Layer::Capture | Layer::Cli => Origin::Environment,
        };
        self.insert_from(name, value, layer, origin)
    }

    fn insert_from(&mut self, name: &str, value: Value, layer: Layer, origin: Origin) -> bool {
        if self.values.get(name).is_some_and(|v| v.layer > layer) {
            return false;
        }
        let secret = self.secret_names.contains(name);
        if secret && let Some(m) = &self.masker {
            m.add_value(&value);
        }
        self.values.insert(
            name.to_string(),
            Var {
                value,
                layer,
                origin,
                secret,
            },
        );
        self.rebuild();
        true
    }

    /// Marks a file definition as the environment's (definitions are the collection's).
    pub(crate) fn mark_environment(&mut self, name: &str) {
        if let Some(v) = self.values.get_mut(name).filter(|v| v.layer == Layer::File) {
            v.origin = Origin::Environment;
        }
    }

    /// Sets a data row's value: like a capture, in the data scope of scripts.
    pub fn data(&mut self, name: &str, value: &serde_json::Value) {
        self.insert_from(name, json_value(value), Layer::Capture, Origin::Data);
    }

    /// Sets a value of the runner's own (`iteration`), which scripts do not see as a variable.
    pub fn run_value(&mut self, name: &str, value: &serde_json::Value) {
        self.insert_from(name, json_value(value), Layer::Capture, Origin::Run);
    }

    /// Sets the value a script gave `name` (the effective one across its scopes): it wins
    /// over file definitions and data, not over `--var`.
    pub fn script_set(&mut self, name: &str, value: &serde_json::Value) {
        self.insert(name, json_value(value), Layer::Capture);
    }

    /// A script unset `name` and no scope has a value left: the variable goes, unless
    /// `--var` set it.
    pub fn script_unset(&mut self, name: &str) {
        if self.values.get(name).is_some_and(|v| v.layer < Layer::Cli) {
            self.values.remove(name);
            self.derived.retain(|(n, _)| n != name);
            self.rebuild();
        }
    }

    /// The values of each scope scripts see, as JSON: the collection's, the environment's
    /// (`--var` and captured values included) and the data row's.
    pub fn script_scopes(&self) -> [Vec<(String, serde_json::Value)>; 3] {
        let mut out: [Vec<(String, serde_json::Value)>; 3] = Default::default();
        for (name, var) in &self.values {
            let slot = match var.origin {
                Origin::Collection => 0,
                Origin::Environment => 1,
                Origin::Data => 2,
                Origin::Run => continue,
            };
            let json = serde_json::to_value(&var.value).unwrap_or(serde_json::Value::Null);
            out[slot].push((name.clone(), json));
        }
        out
    }

    /// Every variable as it stands, in name order, for `--export-env`: the data row's values
    /// and the runner's own (`iteration`) left out.
    pub fn standing(&self) -> Vec<Standing> {
        self.values
            .iter()
            .filter(|(_, v)| matches!(v.origin, Origin::Collection | Origin::Environment))
            .map(|(name, var)| Standing {
                name: name.clone(),
                value: serde_json::to_value(&var.value).unwrap_or(serde_json::Value::Null),
                defined: var.layer == Layer::File,
                secret: var.secret,
            })
            .collect()
    }

    /// Sets a file definition's value from JSON.
    pub fn set_json(&mut self, name: &str, value: &serde_json::Value) {
        self.insert(name, json_value(value), Layer::File);
    }

    /// Sets a `--var` value: it wins over everything set later.
    pub fn pin(&mut self, name: &str, value: &str) {
        self.insert(name, Value::from(value), Layer::Cli);
    }

    /// Sets a value captured during the run (or a data row's): it wins over file
    /// definitions, not over `--var`.
    pub fn capture(&mut self, name: &str, value: &serde_json::Value) {
        self.insert(name, json_value(value), Layer::Capture);
    }

    /// Keeps a file definition that reads values captured during the run, so that
    /// [`Vars::refresh`] renders it again when they arrive.
    fn derive(&mut self, name: &str, template: JsonTemplate) {
        self.derived.push((name.to_string(), template));
    }

    /// The names of the definitions that wait for captured values.
    pub fn derived_names(&self) -> impl Iterator<Item = &str> {
        self.derived.iter().map(|(n, _)| n.as_str())
    }

    /// The definition of `name`, when it waits for captured values.
    pub fn derived(&self, name: &str) -> Option<&JsonTemplate> {
        self.derived.iter().find(|(n, _)| n == name).map(|(_, t)| t)
    }

    /// Renders the derived definitions again with the current values (captured ones
    /// included). A definition that still cannot render keeps its previous value, if any.
    pub fn refresh(&mut self, engine: &Engine) {
        // Definitions may read each other: repeat until nothing changes.
        for _ in 0..=self.derived.len() {
            let mut changed = false;
            for i in 0..self.derived.len() {
                let name = &self.derived[i].0;
                if self.values.get(name).is_some_and(|v| v.layer > Layer::File) {
                    continue;
                }
                let Ok(rendered) = engine.render_json(&self.derived[i].1, self) else {
                    continue;
                };
                let value = json_value(&rendered);
                if self.values.get(name).map(|v| &v.value) != Some(&value) {
                    let name = name.clone();
                    changed |= self.insert(&name, value, Layer::File);
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Whether a variable was set by `--var`.
    pub fn is_pinned(&self, name: &str) -> bool {
        self.values.get(name).is_some_and(|v| v.layer == Layer::Cli)
    }

    /// Whether a variable is defined.
    pub fn contains(&self, name: &str) -> bool {
        name == "env" || self.values.contains_key(name)
    }

    /// The names of all variables.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// A text value at a dotted path (`token`, `cred.pass`, `env.HOME`), as a template
    /// prints it; `env` as a whole has none.
    pub fn text(&self, path: &str) -> Option<String> {
        let mut parts = path.split('.');
        let root = parts.next()?;
        if path == "env" {
            return None;
        }
        let mut value = if root == "env" {
            self.env.clone()
        } else {
            self.values.get(root)?.value.clone()
        };
        for p in parts {
            value = value.get_attr(p).ok().filter(|v| !v.is_undefined())?;
        }
        Some(value.to_string())
    }

    /// Replaces every string or number leaf of the secret variables with `f(path, leaf)`,
    /// `path` being the leaf's dotted path (`token`, `cred.pass`); a leaf for which `f`
    /// gives `None` stays.
    pub fn replace_secrets(&mut self, f: &mut dyn FnMut(&str, &str) -> Option<String>) {
        let names: Vec<String> = self
            .values
            .iter()
            .filter(|(_, v)| v.secret)
            .map(|(k, _)| k.clone())
            .collect();
        for name in names {
            if let Some(var) = self.values.get_mut(&name) {
                var.value = replace_leaves(&var.value, &name, f);
            }
        }
        self.rebuild();
    }

    /// These variables with `extra` values over them (a mock route's path parameters).
    pub fn with(&self, extra: impl IntoIterator<Item = (String, serde_json::Value)>) -> Vars {
        let mut out = self.clone();
        for (k, v) in extra {
            out.values.insert(
                k,
                Var {
                    value: json_value(&v),
                    layer: Layer::Cli,
                    origin: Origin::Run,
                    secret: false,
                },
            );
        }
        out.rebuild();
        out
    }

    fn rebuild(&mut self) {
        let mut map: BTreeMap<Value, Value> = self
            .values
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.value.clone()))
            .collect();
        map.insert(Value::from("env"), self.env.clone());
        self.ctx = Value::from(map);
    }
}

fn replace_leaves(v: &Value, path: &str, f: &mut dyn FnMut(&str, &str) -> Option<String>) -> Value {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::String | ValueKind::Number => match f(path, &v.to_string()) {
            Some(s) => Value::from(s),
            None => v.clone(),
        },
        ValueKind::Seq => match v.try_iter() {
            Ok(items) => items
                .enumerate()
                .map(|(i, item)| replace_leaves(&item, &format!("{path}.{i}"), f))
                .collect(),
            Err(_) => v.clone(),
        },
        ValueKind::Map => match v.try_iter() {
            Ok(keys) => Value::from(
                keys.map(|k| {
                    let item = v.get_item(&k).unwrap_or_default();
                    let child = replace_leaves(&item, &format!("{path}.{k}"), f);
                    (k, child)
                })
                .collect::<BTreeMap<Value, Value>>(),
            ),
            Err(_) => v.clone(),
        },
        _ => v.clone(),
    }
}

/// A JSON value as templates see it. Integers stay exact up to 128 bits (serde_json keeps
/// their digits; its serde form is not a plain number, hence no `Serde` wrapper here).
fn json_value(v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match v {
        J::Null => Value::from(()),
        J::Bool(b) => Value::from(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Ok(i) = n.as_str().parse::<i128>() {
                Value::from(i)
            } else if let Ok(u) = n.as_str().parse::<u128>() {
                Value::from(u)
            } else {
                Value::from(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        J::String(s) => Value::from(s.as_str()),
        J::Array(items) => items.iter().map(json_value).collect(),
        J::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (Value::from(k.as_str()), json_value(v)))
                .collect::<BTreeMap<Value, Value>>(),
        ),
    }
}

impl Variables for Vars {
    fn context(&self) -> &Value {
        &self.ctx
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::json_leaves;
    use serde_json::json;

    fn get(v: &Vars, n: &str) -> Option<String> {
        v.text(n)
    }

    #[test]
    fn pinned_values_win_over_captures() {
        let mut s = Vars::new(BTreeMap::new());
        s.pin("id", "cli");
        s.capture("id", &json!("captured"));
        s.set_json("id", &json!("file"));
        assert_eq!(get(&s, "id").as_deref(), Some("cli"));
    }

    #[test]
    fn script_values_by_scope_under_cli_values() {
        let mut s = Vars::new(BTreeMap::new());
        s.set_json("coll", &json!("c"));
        s.set_json("envv", &json!("e"));
        s.mark_environment("envv");
        s.pin("cli", "x");
        s.data("row", &json!(1));
        s.run_value("iteration", &json!(0));
        let [collection, environment, data] = s.script_scopes();
        assert_eq!(collection, [("coll".to_string(), json!("c"))]);
        assert_eq!(
            environment,
            [
                ("cli".to_string(), json!("x")),
                ("envv".to_string(), json!("e"))
            ]
        );
        assert_eq!(data, [("row".to_string(), json!(1))]);
        s.script_set("cli", &json!("script"));
        s.script_set("coll", &json!("script"));
        assert_eq!(get(&s, "cli").as_deref(), Some("x"));
        assert_eq!(get(&s, "coll").as_deref(), Some("script"));
        s.script_unset("coll");
        s.script_unset("cli");
        assert!(!s.contains("coll"));
        assert_eq!(get(&s, "cli").as_deref(), Some("x"));
    }

    #[test]
    fn derived_definitions_follow_captures() {
        let mut e = Engine::new();
        let mut s = Vars::new(BTreeMap::new());
        s.set_json("item_id", &json!(0));
        let url = JsonTemplate {
            value: json!("/items/{{ item_id }}"),
            span: None,
        };
        let full = JsonTemplate {
            value: json!("http://h{{ item_url }}?v={{ version }}"),
            span: None,
        };
        for leaf in [&url, &full].into_iter().flat_map(json_leaves) {
            e.compile(&leaf).unwrap();
        }
        s.set_json("item_url", &e.render_json(&url, &s).unwrap());
        s.derive("item_url", url);
        s.derive("full", full);
        s.refresh(&e);
        assert!(get(&s, "full").is_none(), "`version` is not captured yet");
        s.capture("item_id", &json!(42));
        s.capture("version", &json!(3));
        s.refresh(&e);
        assert_eq!(get(&s, "item_url").as_deref(), Some("/items/42"));
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/items/42?v=3"));
        // A captured value wins over a derived definition of the same name.
        s.capture("item_url", &json!("/captured"));
        s.capture("item_id", &json!(7));
        s.refresh(&e);
        assert_eq!(get(&s, "item_url").as_deref(), Some("/captured"));
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/captured?v=3"));
        // And --var wins over both.
        s.pin("version", "cli");
        s.capture("version", &json!(4));
        s.refresh(&e);
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/captured?v=cli"));
    }
}
