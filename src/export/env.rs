//! `runner run --export-env PATH`: the variables as a run left them, written as an
//! environment file that `runner run -e PATH` reads back.
//!
//! What is written, in order: each of the environment file's definitions, then the other
//! variables that the run set (captured, set by a script, or by `--var`), by name.
//! - A definition whose value did not change is written as it was: templates stay
//!   templates, so `{{ env.NAME }}` references are kept and nothing they read is written.
//! - A value that changed is written as data: text that would read as a template is wrapped
//!   in `{% raw %}`, so that it is not rendered again.
//! - A variable whose definition reads the process environment (`{{ env.NAME }}`, directly
//!   or through another definition) is written as that definition, never as its value,
//!   whatever the run made of it.
//! - A secret (listed under `secrets:`) whose value is written in the environment file is
//!   written as `{{ env.NAME }}`, NAME being its name in capitals, with a comment saying which
//!   variable to set. Any other secret (captured, set by `--var` or a script), and any value
//!   that holds a secret the run knows (a token, say), is left out and named in a comment:
//!   the next run captures it again.
//! - A variable a script unset is left out, and named in a comment.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::collection::{JsonTemplate, VarDef};
use crate::secrets::Masker;
use crate::template::{Engine, json_leaves};
use crate::vars::Standing;

/// What the file is written from.
pub(crate) struct ExportedEnv<'a> {
    /// The environment file's definitions, in file order.
    pub definitions: &'a [VarDef],
    /// The names listed under `secrets:` (the environment's and the collections').
    pub secrets: &'a HashSet<String>,
    /// The definitions that read the process environment (see [`env_sourced`]).
    pub env_sourced: &'a HashSet<String>,
    /// The variables as they stand at the end of the run.
    pub standing: Vec<Standing>,
    /// Names never written (`mock_url` set by `--mock`: a port of this run only).
    pub skip: &'a [&'a str],
    /// Knows every secret value of the run.
    pub masker: &'a Masker,
}

/// Why a variable is not in the file.
const LEFT_OUT_SECRET: &str = "secret, with no {{ env.NAME }} reference to write";
const LEFT_OUT_UNSET: &str = "unset by a script";
const LEFT_OUT_RAW: &str = "its text holds {% endraw %}, so it cannot be written as data";

impl ExportedEnv<'_> {
    /// The environment file's text.
    pub(crate) fn render(&self) -> String {
        let mut variables = Map::new();
        let mut left_out: Vec<(String, &str)> = Vec::new();
        let mut placeholders: Vec<(String, String)> = Vec::new();
        let mut done: HashSet<&str> = HashSet::new();
        for def in self.definitions {
            done.insert(&def.name);
            if self.skip.contains(&def.name.as_str()) {
                continue;
            }
            let standing = self.standing.iter().find(|s| s.name == def.name);
            let secret = self.secrets.contains(&def.name);
            let written = match standing {
                None => Err(LEFT_OUT_UNSET),
                // An `{{ env.NAME }}` source: the reference, whatever the run made of it.
                Some(_) if self.env_sourced.contains(&def.name) => Ok(def.value.clone()),
                // A secret written in the file: a reference the user can satisfy.
                Some(_) if secret => {
                    let env_name = env_name(&def.name);
                    placeholders.push((def.name.clone(), env_name.clone()));
                    Ok(Value::String(format!("{{{{ env.{env_name} }}}}")))
                }
                Some(s) if s.defined => Ok(def.value.clone()),
                Some(s) => self.data(&s.value),
            };
            match written {
                Ok(v) => {
                    variables.insert(def.name.clone(), v);
                }
                Err(why) => left_out.push((def.name.clone(), why)),
            }
        }
        for s in &self.standing {
            // Definitions of the collections stay in the collections.
            if done.contains(s.name.as_str()) || self.skip.contains(&s.name.as_str()) || s.defined {
                continue;
            }
            let written = if s.secret || self.secrets.contains(&s.name) {
                Err(LEFT_OUT_SECRET)
            } else {
                self.data(&s.value)
            };
            match written {
                Ok(v) => {
                    variables.insert(s.name.clone(), v);
                }
                Err(why) => left_out.push((s.name.clone(), why)),
            }
        }
        let mut doc = Map::new();
        doc.insert("variables".into(), Value::Object(variables.clone()));
        let secrets: Vec<Value> = variables
            .keys()
            .filter(|n| self.secrets.contains(*n))
            .map(|n| Value::String(n.clone()))
            .collect();
        if !secrets.is_empty() {
            doc.insert("secrets".into(), Value::Array(secrets));
        }
        let mut out = String::from(
            "# The variables as `runner run --export-env` left them at the end of the run.\n\
             # Secrets are written as their {{ env.NAME }} references, never as values.\n",
        );
        for (name, env_name) in &placeholders {
            out.push_str(&format!(
                "# {name}: its value is not written: set the environment variable {env_name}\n"
            ));
        }
        for (name, why) in &left_out {
            out.push_str(&format!("# left out: {name} ({why})\n"));
        }
        if variables.is_empty() {
            out.push_str("variables: {}\n");
        } else {
            out.push_str(&crate::import::yaml::to_yaml(&Value::Object(doc)));
        }
        out
    }

    /// A value set during the run, as data that renders to itself; `Err` when it holds a
    /// secret or cannot be written so.
    fn data(&self, value: &Value) -> Result<Value, &'static str> {
        let mut holds_secret = false;
        let mut unwritable = false;
        let out = map_strings(value, &mut |s| {
            holds_secret |= self.masker.mask(s) != s;
            if s.contains("{{") || s.contains("{%") || s.contains("{#") {
                unwritable |= s.contains("endraw");
                format!("{{% raw %}}{s}{{% endraw %}}")
            } else {
                s.to_string()
            }
        });
        // Numbers are text a masker may know too (a numeric secret).
        holds_secret |= leaves_text(value)
            .iter()
            .any(|t| self.masker.mask(t) != t.as_str());
        if holds_secret {
            Err(LEFT_OUT_SECRET)
        } else if unwritable {
            Err(LEFT_OUT_RAW)
        } else {
            Ok(out)
        }
    }
}

/// The environment variable that stands for a secret written in the file: `client_secret`
/// → `CLIENT_SECRET`.
fn env_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The environment definitions that read the process environment (`env.NAME`), directly
/// or through another of them.
pub(crate) fn env_sourced(definitions: &[VarDef], engine: &Engine) -> HashSet<String> {
    let reads: Vec<(&str, HashSet<String>)> = definitions
        .iter()
        .map(|d| {
            let template = JsonTemplate {
                value: d.value.clone(),
                span: d.span.clone(),
            };
            let names = json_leaves(&template)
                .iter()
                .flat_map(|leaf| engine.variables(leaf))
                .collect();
            (d.name.as_str(), names)
        })
        .collect();
    let mut found: HashSet<String> = HashSet::new();
    loop {
        let before = found.len();
        for (name, names) in &reads {
            if names.iter().any(|n| n == "env" || found.contains(n)) {
                found.insert((*name).to_string());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// `value` with every string (keys aside) replaced by `f(string)`.
fn map_strings(value: &Value, f: &mut dyn FnMut(&str) -> String) -> Value {
    match value {
        Value::String(s) => Value::String(f(s)),
        Value::Array(items) => Value::Array(items.iter().map(|i| map_strings(i, f)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), map_strings(v, f)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The text of every number leaf.
fn leaves_text(value: &Value) -> Vec<String> {
    match value {
        Value::Number(n) => vec![n.to_string()],
        Value::Array(items) => items.iter().flat_map(leaves_text).collect(),
        Value::Object(map) => map.values().flat_map(leaves_text).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn def(name: &str, value: Value) -> VarDef {
        VarDef {
            name: name.into(),
            value,
            span: None,
        }
    }

    fn standing(name: &str, value: Value, defined: bool, secret: bool) -> Standing {
        Standing {
            name: name.into(),
            value,
            defined,
            secret,
        }
    }

    #[test]
    fn writes_definitions_references_and_run_values() {
        let masker = Masker::new();
        masker.add_value(&minijinja::Value::from("tok-123"));
        let secrets: HashSet<String> = ["key", "session", "literal"].map(String::from).into();
        let definitions = [
            def("base", json!("{{ env.BASE }}")),
            def("site", json!("{{ base }}/site")),
            def("key", json!("{{ env.KEY }}")),
            def("literal", json!("s3cret")),
            def("page", json!(1)),
            def("gone", json!("x")),
            def("mock_url", json!("http://127.0.0.1:1")),
        ];
        let env_sourced = env_sourced(&definitions, &Engine::new());
        assert_eq!(
            env_sourced,
            ["base", "site", "key"].map(String::from).into()
        );
        let env = ExportedEnv {
            definitions: &definitions,
            secrets: &secrets,
            env_sourced: &env_sourced,
            standing: vec![
                standing("base", json!("http://h"), true, false),
                // Captured over: still written as the definition that reads env.BASE.
                standing("site", json!("http://captured"), false, false),
                standing("key", json!("captured-key"), false, true),
                standing("literal", json!("s3cret"), true, true),
                standing("page", json!(2), false, false),
                standing("mock_url", json!("http://127.0.0.1:1"), false, false),
                standing("a_collection_value", json!("c"), true, false),
                standing("name", json!("{{ x }}"), false, false),
                standing("nested", json!({"list": [1, "{% y %}"]}), false, false),
                standing("session", json!("sess"), false, true),
                standing("token_copy", json!("Bearer tok-123"), false, false),
                standing("odd", json!("{{ a }}{% endraw %}"), false, false),
            ],
            skip: &["mock_url"],
            masker: &masker,
        };
        assert_eq!(
            env.render(),
            "# The variables as `runner run --export-env` left them at the end of the run.\n\
             # Secrets are written as their {{ env.NAME }} references, never as values.\n\
             # literal: its value is not written: set the environment variable LITERAL\n\
             # left out: gone (unset by a script)\n\
             # left out: session (secret, with no {{ env.NAME }} reference to write)\n\
             # left out: token_copy (secret, with no {{ env.NAME }} reference to write)\n\
             # left out: odd (its text holds {% endraw %}, so it cannot be written as data)\n\
             variables:\n  \
               base: \"{{ env.BASE }}\"\n  \
               site: \"{{ base }}/site\"\n  \
               key: \"{{ env.KEY }}\"\n  \
               literal: \"{{ env.LITERAL }}\"\n  \
               page: 2\n  \
               name: \"{% raw %}{{ x }}{% endraw %}\"\n  \
               nested:\n    \
                 list:\n      \
                   - 1\n      \
                   - \"{% raw %}{% y %}{% endraw %}\"\n\
             secrets:\n  \
               - key\n  \
               - literal\n"
        );
    }
}
