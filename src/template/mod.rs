//! Templates: minijinja with strict undefined, compiled once, rendered with data-only context.
//!
//! Captured and data values are passed as context data and never rendered again, so a
//! value such as `{{ 7 * 7 }}` coming from a server stays text.

use std::collections::HashSet;

use base64::Engine as _;
use minijinja::value::ValueKind;
use minijinja::{Environment, ErrorKind, State, UndefinedBehavior, Value};

use crate::collection::{JsonTemplate, Template, has_template_syntax};
use crate::diagnostic::Span;

pub(crate) mod env;

/// What templates read: every variable of a scope, as one map.
pub trait Variables {
    /// The map templates are rendered with.
    fn context(&self) -> &Value;
}

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
        // Debug mode (on by default only in debug builds) makes an undefined value remember
        // the expression it came from, so that `{{ x | replace(..) }}` names `x` and not the
        // filter: release builds must word their errors as the tested debug builds do.
        env.set_debug(true);
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
        env.add_function("dynamic", dynamic);
        env.add_filter(JSON_LEAF_FILTER, json_leaf);
        env.add_filter("tojson", env::tojson);
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

    /// Renders `t` with `vars`.
    pub fn render(&self, t: &Template, vars: &dyn Variables) -> Result<String, TemplateError> {
        self.render_ctx(t, vars.context())
    }

    fn render_ctx(&self, t: &Template, ctx: &Value) -> Result<String, TemplateError> {
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
        vars: &dyn Variables,
    ) -> Result<serde_json::Value, TemplateError> {
        self.render_value(&t.value, t, vars.context())
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
                let out = self.render_ctx(&leaf, ctx).map_err(|mut e| {
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
                        self.render_ctx(&Template::new(k.as_str(), t.span.clone()), ctx)?
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

    /// The dotted paths a template reads (`token`, `cred.pass`, `env.API_KEY`).
    pub fn variable_paths(&self, t: &Template) -> HashSet<String> {
        if t.is_literal() {
            return HashSet::new();
        }
        match self.env.template_from_str(&t.src) {
            Ok(compiled) => compiled.undeclared_variables(true),
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
    if env::is_env(value) {
        return Err(env::whole_env_error());
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

/// `dynamic("$randomEmail")`: a fresh value of a Postman dynamic variable (the `$` may be
/// left out), for collections imported from Postman.
fn dynamic(name: &str) -> Result<String, minijinja::Error> {
    crate::script::dynamic::value(name.strip_prefix('$').unwrap_or(name)).ok_or_else(|| {
        let offered: Vec<String> = crate::script::dynamic::NAMES
            .iter()
            .map(|n| format!("${n}"))
            .collect();
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "dynamic({name:?}): runner has no such Postman dynamic variable; it has {}",
                offered.join(", ")
            ),
        )
    })
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

    fn scope() -> crate::vars::Vars {
        let mut env = std::collections::BTreeMap::new();
        env.insert("HOME_X".to_string(), "/home/x".to_string());
        let mut s = crate::vars::Vars::new(env);
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
        e.render(&t, &scope())
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
        let v = e.render_json(&t, &scope()).unwrap();
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
            let err = e.render_json(&t, &scope()).unwrap_err();
            assert_eq!(err.undefined.as_deref(), Some(name), "{leaf}");
            assert_eq!(
                err.message,
                format!("undefined variable `{name}`"),
                "{leaf}"
            );
        }
    }

    #[test]
    fn env_is_read_one_variable_at_a_time() {
        use env::ENV_WHOLE;
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

    #[test]
    fn dynamic_gives_postmans_dynamic_variables() {
        let email = dynamic("$randomEmail").unwrap();
        assert!(
            regex::Regex::new(r"^user\d{6}@example\.com$")
                .unwrap()
                .is_match(&email),
            "{email}"
        );
        assert_eq!(dynamic("randomBankAccount").unwrap().len(), 8);
        let e = dynamic("$randomColor").unwrap_err().to_string();
        assert!(
            e.contains(
                "dynamic(\"$randomColor\"): runner has no such Postman dynamic variable; it has $guid, $randomUUID,"
            ),
            "{e}"
        );
    }
}
