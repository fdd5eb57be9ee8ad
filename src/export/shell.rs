//! Values written as shell references: templates render with stand-ins for the values that
//! stay out of a printed script (process environment, secrets, captured values), and the
//! stand-ins become `${NAME}` or `$(...)` when the script is written.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Mutex;

use regex::Regex;

use crate::collection::{JsonTemplate, Template, has_template_syntax};
use crate::runner::Export;
use crate::template::{Engine, TemplateError};
use crate::vars::Vars;

/// Stand-ins are `_rref<n>ref_`: characters that URL, form and JSON encoding keep as they
/// are, lower case as URL hosts are.
const START: &str = "_rref";
const END: &str = "ref_";

/// The shell text of each stand-in, and the variables the script reads.
#[derive(Default)]
struct Table {
    /// Shell text (`${NAME}`, `$(...)`) and, for a variable, its name and why it is read.
    refs: Vec<(String, Option<(String, String)>)>,
    /// Stand-ins written into the script.
    used: BTreeSet<usize>,
    /// Values without a shell equivalent, each a variable the user sets (`VALUE_1`).
    opaque: usize,
}

/// Stand-ins for shell variables and expressions.
#[derive(Default)]
pub(crate) struct ShellRefs {
    table: Mutex<Table>,
}

/// A piece of rendered text: literal text, or shell text for a stand-in.
enum Piece<'a> {
    Text(&'a str),
    Shell(usize),
}

/// Shell variable names for variable and environment names (`OIC_CLIENT_SECRET`).
pub(crate) fn shell_name(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

impl ShellRefs {
    fn add(&self, shell: String, var: Option<(String, String)>) -> String {
        let Ok(mut t) = self.table.lock() else {
            return String::new();
        };
        let i = match t.refs.iter().position(|(s, _)| *s == shell) {
            Some(i) => i,
            None => {
                t.refs.push((shell, var));
                t.refs.len() - 1
            }
        };
        format!("{START}{i}{END}")
    }

    /// A stand-in for the shell variable `name`; the script's header says `why` it is read.
    pub(crate) fn var(&self, name: &str, why: String) -> String {
        self.add(format!("${{{name}}}"), Some((name.to_string(), why)))
    }

    /// A stand-in for shell text (`$(printf ...)`, a variable the script sets itself).
    pub(crate) fn expr(&self, shell: String) -> String {
        self.add(shell, None)
    }

    /// Whether `s` holds a stand-in.
    pub(crate) fn holds_ref(s: &str) -> bool {
        s.contains(START)
    }

    /// The variables the written script reads, with why.
    pub(crate) fn inputs(&self) -> BTreeMap<String, String> {
        let Ok(t) = self.table.lock() else {
            return BTreeMap::new();
        };
        t.used
            .iter()
            .filter_map(|i| t.refs.get(*i).and_then(|(_, v)| v.clone()))
            .collect()
    }

    fn pieces<'a>(&self, s: &'a str) -> Vec<Piece<'a>> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(start) = rest.find(START) {
            let after = &rest[start + START.len()..];
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            match after[digits..]
                .starts_with(END)
                .then(|| after[..digits].parse::<usize>().ok())
                .flatten()
            {
                Some(i) => {
                    out.push(Piece::Text(&rest[..start]));
                    out.push(Piece::Shell(i));
                    rest = &after[digits + END.len()..];
                }
                None => {
                    out.push(Piece::Text(&rest[..start + START.len()]));
                    rest = after;
                }
            }
        }
        out.push(Piece::Text(rest));
        out
    }

    /// The text as one double-quoted shell word, stand-ins written as their shell text.
    pub(crate) fn quote(&self, s: &str) -> String {
        let mut out = String::from("\"");
        let Ok(mut t) = self.table.lock() else {
            return out;
        };
        for piece in self.pieces(s) {
            match piece {
                Piece::Text(text) => escape_into(&mut out, text),
                Piece::Shell(i) => {
                    if let Some((shell, _)) = t.refs.get(i) {
                        out.push_str(shell);
                    }
                    t.used.insert(i);
                }
            }
        }
        out.push('"');
        out
    }

    /// The stand-ins in `s`.
    fn refs_in(&self, s: &str) -> HashSet<usize> {
        self.pieces(s)
            .into_iter()
            .filter_map(|p| match p {
                Piece::Shell(i) => Some(i),
                Piece::Text(_) => None,
            })
            .collect()
    }

    /// `{{ path | filter | ... }}` over a value holding stand-ins, as a shell expression;
    /// `None` for a filter without a shell equivalent.
    fn filtered(&self, value: &str, filters: &[&str]) -> Option<String> {
        let mut cmd = format!("$(printf '%s' {}", self.quote(value));
        for f in filters {
            cmd.push_str(match *f {
                "upper" => " | tr '[:lower:]' '[:upper:]'",
                "lower" => " | tr '[:upper:]' '[:lower:]'",
                "trim" => " | sed 's/^[[:space:]]*//;s/[[:space:]]*$//'",
                "base64" => " | base64 | tr -d '\\n'",
                "string" => "",
                _ => return None,
            });
        }
        cmd.push(')');
        Some(self.expr(cmd))
    }

    /// Renders a template whose expressions are `path | filter...` one by one, writing a
    /// filter applied to a stand-in as a shell expression.
    fn render_pieces(&self, engine: &Engine, t: &Template, vars: &Vars) -> Option<String> {
        if t.src.contains("{%") || t.src.contains("{#") {
            return None;
        }
        let expression = Regex::new(r"\{\{-?\s*(.*?)\s*-?\}\}").ok()?;
        let simple = Regex::new(r"^([A-Za-z_]\w*(?:\.\w+)*)((?:\s*\|\s*[a-z_0-9]+)*)$").ok()?;
        let mut out = String::new();
        let mut last = 0;
        for m in expression.captures_iter(&t.src) {
            let whole = m.get(0)?;
            out.push_str(&t.src[last..whole.start()]);
            last = whole.end();
            let part = Template::new(whole.as_str(), t.span.clone());
            let text = engine.render(&part, vars).ok()?;
            let Some(c) = simple.captures(m.get(1)?.as_str()) else {
                // Not `path | filter...`: fine as long as no hidden value is read.
                if ShellRefs::holds_ref(&text) {
                    return None;
                }
                out.push_str(&text);
                continue;
            };
            let filters: Vec<&str> = c
                .get(2)
                .map_or("", |f| f.as_str())
                .split('|')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect();
            let path = Template::new(format!("{{{{ {} }}}}", c.get(1)?.as_str()), None);
            let value = engine.render(&path, vars).ok()?;
            if filters.is_empty() || !ShellRefs::holds_ref(&value) {
                out.push_str(&text);
            } else {
                out.push_str(&self.filtered(&value, &filters)?);
            }
        }
        out.push_str(&t.src[last..]);
        Some(out)
    }
}

impl ShellRefs {
    fn json_value(
        &self,
        engine: &Engine,
        v: &serde_json::Value,
        t: &JsonTemplate,
        vars: &Vars,
    ) -> Result<serde_json::Value, TemplateError> {
        use serde_json::Value as J;
        let text = |s: &str| Export::render(self, engine, &Template::new(s, t.span.clone()), vars);
        Ok(match v {
            J::String(s) if has_template_syntax(s) => {
                // A leaf keeps the type it renders to; a text leaf is rendered as text
                // so that filters applied to hidden values become shell expressions.
                let leaf = JsonTemplate {
                    value: v.clone(),
                    span: t.span.clone(),
                };
                match engine.render_json(&leaf, vars)? {
                    J::String(_) => J::String(text(s)?),
                    typed => typed,
                }
            }
            J::Array(items) => J::Array(
                items
                    .iter()
                    .map(|i| self.json_value(engine, i, t, vars))
                    .collect::<Result<_, _>>()?,
            ),
            J::Object(map) => {
                let mut out = serde_json::Map::with_capacity(map.len());
                for (k, v) in map {
                    let key = if has_template_syntax(k) {
                        text(k)?
                    } else {
                        k.clone()
                    };
                    out.insert(key, self.json_value(engine, v, t, vars)?);
                }
                J::Object(out)
            }
            other => other.clone(),
        })
    }
}

impl Export for ShellRefs {
    fn render_json(
        &self,
        engine: &Engine,
        t: &JsonTemplate,
        vars: &Vars,
    ) -> Result<serde_json::Value, TemplateError> {
        self.json_value(engine, &t.value, t, vars)
    }

    fn render(&self, engine: &Engine, t: &Template, vars: &Vars) -> Result<String, TemplateError> {
        let out = engine.render(t, vars)?;
        let read: HashSet<usize> = engine
            .variable_paths(t)
            .iter()
            .filter_map(|p| vars.text(p))
            .flat_map(|v| self.refs_in(&v))
            .collect();
        if read.is_empty() {
            return Ok(out);
        }
        // A template reading hidden values is taken apart expression by expression; one
        // with blocks passes when each hidden value it reads is in the text unchanged.
        if let Some(out) = self.render_pieces(engine, t, vars) {
            return Ok(out);
        }
        let blocks = t.src.contains("{%") || t.src.contains("{#");
        if blocks && read.is_subset(&self.refs_in(&out)) {
            return Ok(out);
        }
        let why = format!(
            "`{}`, computed from the values it reads: no shell equivalent",
            t.src.trim()
        );
        let Ok(name) = self.table.lock().map(|mut t| {
            let known = t.refs.iter().find_map(|(_, v)| {
                v.as_ref()
                    .filter(|(_, w)| *w == why)
                    .map(|(n, _)| n.clone())
            });
            known.unwrap_or_else(|| {
                t.opaque += 1;
                format!("VALUE_{}", t.opaque)
            })
        }) else {
            return Ok(out);
        };
        Ok(self.var(&name, why))
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::ShellRefs;
    use crate::collection::Template;
    use crate::runner::Export;
    use crate::template::Engine;
    use crate::vars::Vars;

    #[test]
    fn quoting_keeps_references_and_escapes_the_rest() {
        let refs = ShellRefs::default();
        let s = format!("a \"b\" $c `d` {}", refs.var("SECRET", "x".into()));
        assert_eq!(refs.quote(&s), r#""a \"b\" \$c \`d\` ${SECRET}""#);
        assert_eq!(refs.quote("_rref9x _rref"), r#""_rref9x _rref""#);
        assert_eq!(
            refs.inputs().into_iter().collect::<Vec<_>>(),
            [("SECRET".to_string(), "x".to_string())]
        );
    }

    #[test]
    fn hidden_values_render_as_references_or_expressions() {
        let refs = ShellRefs::default();
        let mut env = BTreeMap::new();
        env.insert(
            "T".to_string(),
            refs.var("T", "from the environment".into()),
        );
        let mut vars = Vars::new(env);
        vars.set_json("plain", &serde_json::json!("p"));
        let engine = Engine::new();
        let render = |src: &str| {
            let out = Export::render(&refs, &engine, &Template::new(src, None), &vars).unwrap();
            refs.quote(&out)
        };
        assert_eq!(render("a {{ env.T }} {{ plain | upper }}"), r#""a ${T} P""#);
        assert_eq!(render("{{ env['T'] }}"), r#""${T}""#);
        assert_eq!(
            render("Bearer {{ env.T | trim | base64 }}"),
            r#""Bearer $(printf '%s' "${T}" | sed 's/^[[:space:]]*//;s/[[:space:]]*$//' | base64 | tr -d '\n')""#
        );
        assert_eq!(render("{{ env.T | length }}"), r#""${VALUE_1}""#);
        assert_eq!(render("{{ env.T ~ 'x' }}"), r#""${VALUE_2}""#);
        assert_eq!(render("{% if plain %}{{ env.T }}{% endif %}"), r#""${T}""#);
    }
}
