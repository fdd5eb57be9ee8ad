//! Templates: minijinja with strict undefined, compiled once, rendered with data-only context.
//!
//! Captured and data values are passed as context data and never rendered again, so a
//! value such as `{{ 7 * 7 }}` coming from a server stays text.

use std::collections::{BTreeMap, HashSet};

use base64::Engine as _;
use minijinja::value::ValueKind;
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior, Value};

use crate::collection::{JsonTemplate, Template, has_template_syntax};
use crate::diagnostic::Span;

/// A template that could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The undefined variable, when that is the cause (`connection_id`, `env.TOKEN`).
    pub undefined: Option<String>,
    /// What went wrong, without the template's values.
    pub message: String,
    /// Where the template is written.
    pub span: Option<Span>,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The template engine: functions, filters and every compiled template of a run.
pub struct Engine {
    env: Environment<'static>,
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

impl Engine {
    /// An engine with strict undefined, the built-in functions and filters, no auto-escaping.
    pub fn new() -> Engine {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
        env.set_fuel(Some(100_000));
        env.set_formatter(format_value);
        env.add_function("uuid", || uuid::Uuid::new_v4().to_string());
        env.add_function("now", || {
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        });
        env.add_function("timestamp", || chrono::Utc::now().timestamp());
        env.add_function("timestamp_ms", || chrono::Utc::now().timestamp_millis());
        env.add_function("random_int", random_int);
        env.add_filter(JSON_LEAF_FILTER, json_leaf);
        env.add_filter("tojson", crate::process_env::tojson);
        env.add_filter("base64", |s: String| {
            base64::engine::general_purpose::STANDARD.encode(s)
        });
        env.add_filter("base64_decode", |s: String| {
            base64::engine::general_purpose::STANDARD
                .decode(s.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    minijinja::Error::new(ErrorKind::InvalidOperation, "not valid base64 text")
                })
        });
        Engine { env }
    }

    /// Compiles `t` ahead of rendering; a syntax error is reported with the template's span.
    pub fn compile(&mut self, t: &Template) -> Result<(), TemplateError> {
        if t.is_literal() || self.env.get_template(&t.src).is_ok() {
            return Ok(());
        }
        self.env
            .add_template_owned(t.src.clone(), t.src.clone())
            .map_err(|e| error(&e, t))
    }

    /// Renders `t` with `ctx`.
    pub fn render(&self, t: &Template, ctx: &Value) -> Result<String, TemplateError> {
        if t.is_literal() {
            return Ok(t.src.clone());
        }
        let result = match self.env.get_template(&t.src) {
            Ok(compiled) => compiled.render(ctx),
            Err(_) => self.env.render_str(&t.src, ctx),
        };
        result.map_err(|e| error(&e, t))
    }

    /// Renders a JSON template: string leaves are rendered; a leaf that is exactly one
    /// `{{ expr }}` keeps the expression's JSON type.
    pub fn render_json(
        &self,
        t: &JsonTemplate,
        ctx: &Value,
    ) -> Result<serde_json::Value, TemplateError> {
        self.render_value(&t.value, t, ctx)
    }

    fn render_value(
        &self,
        v: &serde_json::Value,
        t: &JsonTemplate,
        ctx: &Value,
    ) -> Result<serde_json::Value, TemplateError> {
        use serde_json::Value as J;
        Ok(match v {
            J::String(s) if has_template_syntax(s) => {
                let leaf = leaf_template(s, t);
                let out = self.render(&leaf, ctx).map_err(|mut e| {
                    e.message = e.message.replace(&leaf.src, s);
                    e
                })?;
                if single_expression(s).is_some() {
                    serde_json::from_str(&out).unwrap_or(J::String(out))
                } else {
                    J::String(out)
                }
            }
            J::Array(items) => J::Array(
                items
                    .iter()
                    .map(|i| self.render_value(i, t, ctx))
                    .collect::<Result<_, _>>()?,
            ),
            J::Object(map) => {
                let mut out = serde_json::Map::with_capacity(map.len());
                for (k, v) in map {
                    let key = if has_template_syntax(k) {
                        self.render(&Template::new(k.as_str(), t.span.clone()), ctx)?
                    } else {
                        k.clone()
                    };
                    out.insert(key, self.render_value(v, t, ctx)?);
                }
                J::Object(out)
            }
            other => other.clone(),
        })
    }

    /// The root names a template reads (`env` for `env.X`), for checks before the run.
    pub fn variables(&self, t: &Template) -> HashSet<String> {
        if t.is_literal() {
            return HashSet::new();
        }
        match self.env.template_from_str(&t.src) {
            Ok(compiled) => compiled.undeclared_variables(false),
            Err(_) => HashSet::new(),
        }
    }
}

/// Renders values in text: booleans and none as JSON (`true`, `null`), lists and maps as JSON.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if crate::process_env::is_env(value) {
        return Err(crate::process_env::whole_env_error());
    }
    match value.kind() {
        ValueKind::Bool => out.write_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::None => out.write_str("null"),
        ValueKind::Seq | ValueKind::Map => {
            let json = serde_json::to_string(value)
                .map_err(|e| minijinja::Error::new(ErrorKind::BadSerialization, e.to_string()))?;
            out.write_str(&json)
        }
        _ => return minijinja::escape_formatter(out, state, value),
    }
    .map_err(|_| minijinja::Error::new(ErrorKind::WriteFailure, "write failed"))
}

/// The filter that renders a JSON leaf that is exactly one expression. Unlike `tojson`,
/// it refuses an undefined value (a capture that did not happen) instead of sending `null`.
const JSON_LEAF_FILTER: &str = "__json_leaf";

fn json_leaf(value: Value) -> Result<Value, minijinja::Error> {
    if value.is_undefined() {
        return Err(minijinja::Error::new(
            ErrorKind::UndefinedError,
            "undefined value",
        ));
    }
    serde_json::to_string(&value)
        .map(Value::from_safe_string)
        .map_err(|e| minijinja::Error::new(ErrorKind::BadSerialization, e.to_string()))
}

fn random_int(low: i64, high: i64) -> Result<i64, minijinja::Error> {
    if high < low {
        return Err(minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("random_int({low}, {high}): the first bound is above the second"),
        ));
    }
    let span = (high as i128 - low as i128 + 1) as u128;
    let r = uuid::Uuid::new_v4().as_u128() % span;
    Ok((low as i128 + r as i128) as i64)
}

/// The template that renders one string leaf of a JSON template: a leaf that is exactly
/// one expression renders as JSON, so it keeps its type.
fn leaf_template(s: &str, t: &JsonTemplate) -> Template {
    match single_expression(s) {
        Some(expr) => Template::new(
            format!("{{{{ ({expr}) | {JSON_LEAF_FILTER} }}}}"),
            t.span.clone(),
        ),
        None => Template::new(s, t.span.clone()),
    }
}

/// Every template a JSON template renders (string leaves and templated keys).
pub fn json_leaves(t: &JsonTemplate) -> Vec<Template> {
    let mut out = Vec::new();
    visit_strings(&t.value, &mut |s| out.push(leaf_template(s, t)));
    out
}

/// The expression of a template made by [`leaf_template`].
fn leaf_expression(src: &str) -> Option<&str> {
    src.strip_prefix("{{ (")?
        .strip_suffix(&format!(") | {JSON_LEAF_FILTER} }}}}"))
}

/// `{{ expr }}` with nothing around it → `expr`.
fn single_expression(s: &str) -> Option<&str> {
    let inner = s.trim().strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.trim_start_matches('-').trim_end_matches('-');
    if inner.contains("{{") || inner.contains("}}") {
        return None;
    }
    Some(inner.trim())
}

fn visit_strings(v: &serde_json::Value, f: &mut dyn FnMut(&str)) {
    match v {
        serde_json::Value::String(s) if has_template_syntax(s) => f(s),
        serde_json::Value::Array(items) => items.iter().for_each(|i| visit_strings(i, f)),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if has_template_syntax(k) {
                    f(k);
                }
                visit_strings(v, f);
            }
        }
        _ => {}
    }
}

fn error(e: &minijinja::Error, t: &Template) -> TemplateError {
    let detail = e.detail().unwrap_or_default();
    let expr = e
        .range()
        .and_then(|r| t.src.get(r))
        .map(|s| s.trim().to_string());
    match e.kind() {
        ErrorKind::UndefinedError => {
            let name = backticked(detail)
                .filter(|n| {
                    // `env` is always defined; the failing expression names the missing key.
                    *n != "env"
                })
                .map(str::to_string)
                .or(expr)
                .map(|n| {
                    // The JSON leaf filter refused an undefined value: name the expression.
                    match leaf_expression(&t.src) {
                        Some(inner) if n == JSON_LEAF_FILTER => inner.to_string(),
                        _ => n,
                    }
                })
                .unwrap_or_else(|| "a variable".into());
            TemplateError {
                message: format!("undefined variable `{name}`"),
                undefined: Some(name),
                span: t.span.clone(),
            }
        }
        ErrorKind::SyntaxError => TemplateError {
            message: format!("template syntax error: {detail}"),
            undefined: None,
            span: t.span.clone(),
        },
        _ => TemplateError {
            message: match expr {
                Some(x) if !detail.is_empty() => format!("template error in `{x}`: {detail}"),
                _ if !detail.is_empty() => format!("template error: {detail}"),
                _ => format!("template error: {}", e.kind()),
            },
            undefined: None,
            span: t.span.clone(),
        },
    }
}

fn backticked(s: &str) -> Option<&str> {
    let start = s.find('`')? + 1;
    let len = s[start..].find('`')?;
    Some(&s[start..start + len])
}

/// Variables visible to templates, in the precedence of DESIGN §4: `--var`, then values
/// captured in the run, then the data row, the environment file, the collection.
#[derive(Debug, Clone)]
pub struct Scope {
    values: BTreeMap<String, Value>,
    pinned: HashSet<String>,
    /// File definitions that read values captured during the run.
    derived: Vec<(String, JsonTemplate)>,
    /// Names set by captures; file definitions no longer replace them.
    captured: HashSet<String>,
    env: Value,
    ctx: Value,
}

impl Scope {
    /// An empty scope whose `env` is `process_env` (the process environment over the dotenv file).
    pub fn new(process_env: BTreeMap<String, String>) -> Scope {
        let env = crate::process_env::env_value(process_env);
        let mut scope = Scope {
            values: BTreeMap::new(),
            pinned: HashSet::new(),
            derived: Vec::new(),
            captured: HashSet::new(),
            env,
            ctx: Value::UNDEFINED,
        };
        scope.rebuild();
        scope
    }

    /// Sets a value over lower layers (collection < environment < data row), unless pinned.
    pub fn set(&mut self, name: &str, value: Value) {
        if !self.pinned.contains(name) {
            self.values.insert(name.to_string(), value);
            self.rebuild();
        }
    }

    /// Sets a value from JSON.
    pub fn set_json(&mut self, name: &str, value: &serde_json::Value) {
        self.set(name, json_value(value));
    }

    /// Sets a `--var` value: it wins over everything set later.
    pub fn pin(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
        self.pinned.insert(name.to_string());
        self.rebuild();
    }

    /// Sets a value captured during the run: it wins over file definitions, not over `--var`.
    pub fn capture(&mut self, name: &str, value: &serde_json::Value) {
        if !self.pinned.contains(name) {
            self.captured.insert(name.to_string());
            self.set_json(name, value);
        }
    }

    /// Keeps a file definition that reads values captured during the run, so that
    /// [`Scope::refresh`] renders it again when they arrive.
    pub fn derive(&mut self, name: &str, template: JsonTemplate) {
        self.derived.push((name.to_string(), template));
    }

    /// The names of the definitions kept by [`Scope::derive`].
    pub fn derived_names(&self) -> impl Iterator<Item = &str> {
        self.derived.iter().map(|(n, _)| n.as_str())
    }

    /// Renders the derived definitions again with the current values (captured ones
    /// included). A definition that still cannot render keeps its previous value, if any.
    pub fn refresh(&mut self, engine: &Engine) {
        // Definitions may read each other: repeat until nothing changes.
        for _ in 0..=self.derived.len() {
            let mut changed = false;
            for i in 0..self.derived.len() {
                let name = &self.derived[i].0;
                if self.pinned.contains(name) || self.captured.contains(name) {
                    continue;
                }
                let Ok(rendered) = engine.render_json(&self.derived[i].1, &self.ctx) else {
                    continue;
                };
                let value = json_value(&rendered);
                if self.values.get(name) != Some(&value) {
                    let name = name.clone();
                    self.values.insert(name, value);
                    self.rebuild();
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
    }

    /// Whether a variable was set by [`Scope::pin`] (`--var`).
    pub fn is_pinned(&self, name: &str) -> bool {
        self.pinned.contains(name)
    }

    /// Whether a variable is defined.
    pub fn contains(&self, name: &str) -> bool {
        name == "env" || self.values.contains_key(name)
    }

    /// The value of a variable.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// The names of all variables.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// The context passed to templates.
    pub fn context(&self) -> &Value {
        &self.ctx
    }

    /// A context with `extra` values over this scope's.
    pub fn context_with(&self, extra: impl IntoIterator<Item = (String, Value)>) -> Value {
        let mut map: BTreeMap<Value, Value> = self
            .values
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
            .collect();
        map.insert(Value::from("env"), self.env.clone());
        for (k, v) in extra {
            map.insert(Value::from(k), v);
        }
        Value::from(map)
    }

    fn rebuild(&mut self) {
        let mut map: BTreeMap<Value, Value> = self
            .values
            .iter()
            .map(|(k, v)| (Value::from(k.as_str()), v.clone()))
            .collect();
        map.insert(Value::from("env"), self.env.clone());
        self.ctx = Value::from(map);
    }
}

/// A JSON value as templates see it. Integers stay exact up to 128 bits (serde_json keeps
/// their digits; its serde form is not a plain number, hence no `Serde` wrapper here).
pub fn json_value(v: &serde_json::Value) -> Value {
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

/// Whether a rendered `skip_if` result counts as true.
pub fn truthy(s: &str) -> bool {
    !matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "" | "false" | "0" | "no" | "none" | "null" | "undefined"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Scope {
        let mut env = BTreeMap::new();
        env.insert("HOME_X".to_string(), "/home/x".to_string());
        let mut s = Scope::new(env);
        s.set_json("id", &json!(42));
        s.set_json("name", &json!("{{ 7 * 7 }}"));
        s.set_json("flag", &json!(true));
        s.set_json("obj", &json!({"a": [1, 2]}));
        s
    }

    fn render(src: &str) -> Result<String, TemplateError> {
        let mut e = Engine::new();
        let t = Template::new(src, None);
        e.compile(&t)?;
        e.render(&t, scope().context())
    }

    #[test]
    fn renders_values_as_data() {
        assert_eq!(render("a/{{ id }}/{{ name }}").unwrap(), "a/42/{{ 7 * 7 }}");
        assert_eq!(
            render("{{ flag }} {{ obj }}").unwrap(),
            "true {\"a\":[1,2]}"
        );
        assert_eq!(render("{{ env.HOME_X }}").unwrap(), "/home/x");
        assert_eq!(
            render("{{ 'a b&c' | urlencode }} {{ 'u:p' | base64 }}").unwrap(),
            "a%20b%26c dTpw"
        );
        assert_eq!(render("{{ env.MISSING is defined }}").unwrap(), "false");
    }

    #[test]
    fn names_undefined_variables() {
        let e = render("{{ connection_id }}").unwrap_err();
        assert_eq!(e.undefined.as_deref(), Some("connection_id"));
        assert_eq!(e.message, "undefined variable `connection_id`");
        let e = render("x {{ env.NOPE }}").unwrap_err();
        assert_eq!(e.undefined.as_deref(), Some("env.NOPE"));
        let e = render("{{ a. }}").unwrap_err();
        assert!(
            e.message.starts_with("template syntax error"),
            "{}",
            e.message
        );
    }

    #[test]
    fn json_leaves_keep_their_type() {
        let e = Engine::new();
        let t = JsonTemplate {
            value: json!({"id": "{{ id }}", "s": "id={{ id }}", "f": "{{ flag }}", "o": "{{ obj }}", "n": 1}),
            span: None,
        };
        let v = e.render_json(&t, scope().context()).unwrap();
        assert_eq!(
            v,
            json!({"id": 42, "s": "id=42", "f": true, "o": {"a": [1, 2]}, "n": 1})
        );
    }

    #[test]
    fn json_leaves_refuse_undefined_values() {
        let e = Engine::new();
        for (leaf, name) in [
            ("{{ missing }}", "missing"),
            ("{{ env.NOPE }}", "env.NOPE"),
            ("{{ obj.nope }}", "obj.nope"),
        ] {
            let t = JsonTemplate {
                value: json!({ "id": leaf }),
                span: None,
            };
            let err = e.render_json(&t, scope().context()).unwrap_err();
            assert_eq!(err.undefined.as_deref(), Some(name), "{leaf}");
            assert_eq!(
                err.message,
                format!("undefined variable `{name}`"),
                "{leaf}"
            );
        }
    }

    #[test]
    fn pinned_values_win_over_captures() {
        let mut s = scope();
        s.pin("id", Value::from("cli"));
        s.set("id", Value::from("captured"));
        assert_eq!(s.get("id").map(|v| v.to_string()), Some("cli".to_string()));
    }

    #[test]
    fn derived_definitions_follow_captures() {
        let mut e = Engine::new();
        let mut s = Scope::new(BTreeMap::new());
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
        s.set_json("item_url", &e.render_json(&url, s.context()).unwrap());
        s.derive("item_url", url);
        s.derive("full", full);
        s.refresh(&e);
        assert!(s.get("full").is_none(), "`version` is not captured yet");
        s.capture("item_id", &json!(42));
        s.capture("version", &json!(3));
        s.refresh(&e);
        let get = |s: &Scope, n: &str| s.get(n).map(|v| v.to_string());
        assert_eq!(get(&s, "item_url").as_deref(), Some("/items/42"));
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/items/42?v=3"));
        // A captured value wins over a derived definition of the same name.
        s.capture("item_url", &json!("/captured"));
        s.capture("item_id", &json!(7));
        s.refresh(&e);
        assert_eq!(get(&s, "item_url").as_deref(), Some("/captured"));
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/captured?v=3"));
        // And --var wins over both.
        s.pin("version", Value::from("cli"));
        s.capture("version", &json!(4));
        s.refresh(&e);
        assert_eq!(get(&s, "full").as_deref(), Some("http://h/captured?v=cli"));
    }

    #[test]
    fn env_is_read_one_variable_at_a_time() {
        use crate::process_env::ENV_WHOLE;
        assert_eq!(
            render("{{ env.HOME_X }}|{{ env['HOME_X'] }}").unwrap(),
            "/home/x|/home/x"
        );
        assert_eq!(render("{{ env.HOME_X is defined }}").unwrap(), "true");
        assert_eq!(render("{{ env.NOPE | default('d') }}").unwrap(), "d");
        for whole in [
            "{{ env }}",
            "{{ env | tojson }}",
            "{% for k in env %}{{ k }}{% endfor %}",
            "{% for k, v in env.items() %}{{ v }}{% endfor %}",
            "{{ env | list }}",
            "{{ env | dictsort }}",
            "{{ [env] }}",
            "{{ {'e': env} | tojson }}",
            "{{ env | string }}",
        ] {
            match render(whole) {
                Err(e) => assert!(e.message.contains(ENV_WHOLE), "{whole}: {}", e.message),
                Ok(out) => assert!(!out.contains("/home/x"), "{whole}: {out}"),
            }
        }
    }

    #[test]
    fn random_int_stays_in_bounds() {
        for _ in 0..100 {
            let v = random_int(3, 5).unwrap();
            assert!((3..=5).contains(&v));
        }
        assert!(random_int(5, 3).is_err());
    }
}
