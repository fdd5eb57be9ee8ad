//! `expect:` matchers: a bare value means "equals"; a map of matcher keys means
//! "all of these hold".

use std::path::Path;
use std::sync::Arc;

use regex::Regex;
use serde_json::Value;

use super::status::{StatusOption, status_list, status_option};
use crate::diagnostic::did_you_mean;
use crate::paths::FileRoot;

/// Every matcher key, as written in files.
pub const MATCHER_KEYS: &[&str] = &[
    "equals",
    "not_equals",
    "contains",
    "not_contains",
    "matches",
    "exists",
    "type",
    "length",
    "gt",
    "gte",
    "lt",
    "lte",
    "in",
    "schema",
];

/// One test applied to an actual value. Expected values may hold templates, rendered
/// when the assertion runs.
#[derive(Debug, Clone)]
pub enum Predicate {
    /// Deep equality (numbers compare by value).
    Equals(Value),
    /// Not deeply equal.
    NotEquals(Value),
    /// Substring, array element, or object subset.
    Contains(Value),
    /// The negation of `contains`.
    NotContains(Value),
    /// A regex search over the string form.
    Matches(Regex),
    /// Whether the value exists.
    Exists(bool),
    /// The JSON type.
    Type(JsonType),
    /// Length of a string (characters), array or object, tested by the inner predicates.
    Length(Vec<Predicate>),
    /// Greater than.
    Gt(Value),
    /// Greater than or equal.
    Gte(Value),
    /// Less than.
    Lt(Value),
    /// Less than or equal.
    Lte(Value),
    /// Equal to one of the values.
    In(Vec<Value>),
    /// A status equal to one of the codes or within one of the classes (`2xx`).
    Status(Vec<StatusOption>),
    /// Valid against a JSON Schema file.
    Schema {
        /// The file, as written.
        path: String,
        /// The compiled schema.
        validator: Arc<jsonschema::Validator>,
    },
}

impl Predicate {
    /// The one expected value compared with the actual value (`equals`, `contains`,
    /// `gt`, ...); `None` for predicates that hold a list, a regex, a type or a schema.
    pub fn operand(&self) -> Option<&Value> {
        match self {
            Predicate::Equals(v)
            | Predicate::NotEquals(v)
            | Predicate::Contains(v)
            | Predicate::NotContains(v)
            | Predicate::Gt(v)
            | Predicate::Gte(v)
            | Predicate::Lt(v)
            | Predicate::Lte(v) => Some(v),
            _ => None,
        }
    }

    /// Every expected value, to rewrite in place: the operand, or each item of `in`.
    pub fn values_mut(&mut self) -> Vec<&mut Value> {
        match self {
            Predicate::Equals(v)
            | Predicate::NotEquals(v)
            | Predicate::Contains(v)
            | Predicate::NotContains(v)
            | Predicate::Gt(v)
            | Predicate::Gte(v)
            | Predicate::Lt(v)
            | Predicate::Lte(v) => vec![v],
            Predicate::In(items) => items.iter_mut().collect(),
            Predicate::Status(options) => options
                .iter_mut()
                .filter_map(|o| match o {
                    StatusOption::Code(v) => Some(v),
                    StatusOption::Class(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// The types `type:` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    /// A string.
    String,
    /// Any number.
    Number,
    /// A number without a fractional part.
    Integer,
    /// true or false.
    Boolean,
    /// A list.
    Array,
    /// A map.
    Object,
    /// null.
    Null,
}

impl JsonType {
    const NAMES: &[&str] = &[
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];

    fn parse(s: &str) -> Option<JsonType> {
        Some(match s {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" | "bool" => JsonType::Boolean,
            "array" | "list" => JsonType::Array,
            "object" | "map" => JsonType::Object,
            "null" => JsonType::Null,
            _ => return None,
        })
    }

    /// The type's name.
    pub fn name(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Number => "number",
            JsonType::Integer => "integer",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
            JsonType::Null => "null",
        }
    }

    /// Whether `v` is of this type.
    pub fn holds(self, v: &Value) -> bool {
        match self {
            JsonType::String => v.is_string(),
            JsonType::Number => v.is_number(),
            JsonType::Integer => {
                v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
            JsonType::Null => v.is_null(),
        }
    }
}

/// Why a matcher could not be read: a message and an optional hint.
#[derive(Debug)]
pub struct MatcherError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The matcher key the problem is about, so that a message can point at it.
    pub key: Option<String>,
    /// Whether the key's value is wrong (rather than the key itself).
    pub bad_value: bool,
}

impl MatcherError {
    fn new(message: impl Into<String>) -> MatcherError {
        MatcherError {
            message: message.into(),
            help: None,
            key: None,
            bad_value: false,
        }
    }

    fn unknown_key(key: &str, message: String, help: Option<String>) -> MatcherError {
        MatcherError {
            message,
            help,
            key: Some(key.to_string()),
            bad_value: false,
        }
    }
}

/// A regular expression's error on one line: `unclosed group`, not the parser's
/// multi-line drawing of the pattern.
pub fn regex_message(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| one_line(&text))
}

/// Reads a matcher value. `status` reads it as `status:` does: a bare list means `in:`, and
/// codes may be classes (`2xx`). `dir` is where `schema:` paths start; they must lie under
/// `file_root`.
pub fn parse_matcher(
    value: &Value,
    status: bool,
    dir: &Path,
    file_root: &FileRoot,
) -> Result<Vec<Predicate>, MatcherError> {
    match value {
        Value::Object(map) if map.keys().any(|k| MATCHER_KEYS.contains(&k.as_str())) => {
            let mut out = Vec::new();
            for (key, v) in map {
                let one = match (key.as_str(), v) {
                    ("in", Value::Array(items)) if status => status_list(items),
                    _ => parse_one(key, v, dir, file_root),
                };
                out.push(one.map_err(|mut e| {
                    if e.key.is_none() {
                        e.key = Some(key.clone());
                        e.bad_value = true;
                    }
                    e
                })?);
            }
            Ok(out)
        }
        Value::Object(map) if map.len() == 1 => {
            let key = map.keys().next().map(String::as_str).unwrap_or_default();
            match did_you_mean(key, MATCHER_KEYS.iter().copied()) {
                Some(help) => Err(MatcherError::unknown_key(
                    key,
                    format!("unknown matcher `{key}`"),
                    Some(format!(
                        "{help} (to compare with an object, write `equals: {{...}}`)"
                    )),
                )),
                None => Ok(vec![Predicate::Equals(value.clone())]),
            }
        }
        Value::Array(items) if status => Ok(vec![status_list(items)?]),
        Value::String(_) if status => Ok(vec![match status_option(value)? {
            StatusOption::Code(v) => Predicate::Equals(v),
            class => Predicate::Status(vec![class]),
        }]),
        _ => Ok(vec![Predicate::Equals(value.clone())]),
    }
}

fn parse_one(
    key: &str,
    v: &Value,
    dir: &Path,
    file_root: &FileRoot,
) -> Result<Predicate, MatcherError> {
    let number = |v: &Value| -> Result<Value, MatcherError> {
        match v {
            Value::Number(_) => Ok(v.clone()),
            Value::String(s) if crate::collection::has_template_syntax(s) => Ok(v.clone()),
            _ => Err(MatcherError::new(format!(
                "`{key}` needs a number, found {}",
                short(v)
            ))),
        }
    };
    Ok(match key {
        "equals" => Predicate::Equals(v.clone()),
        "not_equals" => Predicate::NotEquals(v.clone()),
        "contains" => Predicate::Contains(v.clone()),
        "not_contains" => Predicate::NotContains(v.clone()),
        "matches" => {
            let Value::String(pattern) = v else {
                return Err(MatcherError::new(format!(
                    "`matches` needs a regular expression string, found {}",
                    short(v)
                )));
            };
            Predicate::Matches(Regex::new(pattern).map_err(|e| {
                MatcherError::new(format!(
                    "invalid regular expression `{pattern}`: {}",
                    regex_message(&e)
                ))
            })?)
        }
        "exists" => match v {
            Value::Bool(b) => Predicate::Exists(*b),
            _ => {
                return Err(MatcherError::new(format!(
                    "`exists` needs true or false, found {}",
                    short(v)
                )));
            }
        },
        "type" => {
            let name = v.as_str().unwrap_or_default();
            match JsonType::parse(name) {
                Some(t) => Predicate::Type(t),
                None => {
                    return Err(MatcherError {
                        message: match v {
                            Value::String(s) => format!("unknown type `{s}`"),
                            other => format!("`type` needs a type name, found {}", short(other)),
                        },
                        help: did_you_mean(name, JsonType::NAMES.iter().copied())
                            .or_else(|| Some(format!("one of: {}", JsonType::NAMES.join(", ")))),
                        key: None,
                        bad_value: false,
                    });
                }
            }
        }
        "length" => match v {
            Value::Number(_) => Predicate::Length(vec![Predicate::Equals(v.clone())]),
            Value::Object(_) => Predicate::Length(parse_matcher(v, false, dir, file_root)?),
            _ => {
                return Err(MatcherError::new(format!(
                    "`length` needs a number or a matcher such as {{ gt: 0 }}, found {}",
                    short(v)
                )));
            }
        },
        "gt" => Predicate::Gt(number(v)?),
        "gte" => Predicate::Gte(number(v)?),
        "lt" => Predicate::Lt(number(v)?),
        "lte" => Predicate::Lte(number(v)?),
        "in" => match v {
            Value::Array(items) => Predicate::In(items.clone()),
            _ => {
                return Err(MatcherError::new(format!(
                    "`in` needs a list, found {}",
                    short(v)
                )));
            }
        },
        "schema" => {
            let Value::String(path) = v else {
                return Err(MatcherError::new(format!(
                    "`schema` needs the path of a JSON Schema file, found {}",
                    short(v)
                )));
            };
            let full = file_root.confine(dir, path).map_err(MatcherError::new)?;
            let text = std::fs::read_to_string(&full).map_err(|e| {
                MatcherError::new(match e.kind() {
                    std::io::ErrorKind::NotFound => {
                        format!("schema file {} does not exist", full.display())
                    }
                    _ => format!("cannot read schema file {}: {e}", full.display()),
                })
            })?;
            let schema: Value = serde_json::from_str(&text).map_err(|e| {
                MatcherError::new(format!(
                    "schema file {} is not valid JSON: {e}",
                    full.display()
                ))
            })?;
            let validator = jsonschema::validator_for(&schema).map_err(|e| {
                MatcherError::new(format!(
                    "schema file {} is not a valid JSON Schema: {e}",
                    full.display()
                ))
            })?;
            Predicate::Schema {
                path: path.clone(),
                validator: Arc::new(validator),
            }
        }
        other => {
            return Err(MatcherError::unknown_key(
                other,
                format!("unknown matcher `{other}`"),
                did_you_mean(other, MATCHER_KEYS.iter().copied())
                    .or_else(|| Some(format!("matchers: {}", MATCHER_KEYS.join(", ")))),
            ));
        }
    })
}

/// A value shown briefly in a message.
pub fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

fn one_line(e: &impl std::fmt::Display) -> String {
    e.to_string()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<Vec<Predicate>, MatcherError> {
        parse_matcher(&v, false, Path::new("."), &FileRoot::default())
    }

    #[test]
    fn bare_values_mean_equals() {
        assert!(matches!(&parse(json!(3)).unwrap()[..], [Predicate::Equals(v)] if v == &json!(3)));
        assert!(
            matches!(&parse(json!({"a": 1, "b": 2})).unwrap()[..], [Predicate::Equals(v)] if v == &json!({"a": 1, "b": 2}))
        );
    }

    #[test]
    fn matcher_maps_and_errors() {
        let preds = parse(json!({"type": "array", "length": {"gt": 0}})).unwrap();
        assert!(
            matches!(&preds[..], [Predicate::Type(JsonType::Array), Predicate::Length(inner)] if matches!(&inner[..], [Predicate::Gt(_)]))
        );
        let e = parse(json!({"type": "array", "lenght": 1})).unwrap_err();
        assert_eq!(e.message, "unknown matcher `lenght`");
        assert_eq!(e.help.as_deref(), Some("did you mean `length`?"));
        let e = parse(json!({"contans": "x"})).unwrap_err();
        assert_eq!(e.message, "unknown matcher `contans`");
        let e = parse(json!({"matches": "(unclosed"})).unwrap_err();
        assert!(
            e.message.starts_with("invalid regular expression"),
            "{}",
            e.message
        );
        let e = parse(json!({"type": "strng"})).unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `string`?"));
    }

    #[test]
    fn status_lists_mean_in() {
        let preds = parse_matcher(
            &json!([200, 201]),
            true,
            Path::new("."),
            &FileRoot::default(),
        )
        .unwrap();
        assert!(matches!(&preds[..], [Predicate::In(v)] if v.len() == 2));
    }

    #[test]
    fn status_classes_and_words() {
        let parse_status = |v: Value| parse_matcher(&v, true, Path::new("."), &FileRoot::default());
        let preds = parse_status(json!("2XX")).unwrap();
        assert!(
            matches!(&preds[..], [Predicate::Status(o)] if matches!(&o[..], [StatusOption::Class(c)] if c.digit == 2 && c.written == "2XX" && c.holds(204) && !c.holds(301)))
        );
        let preds = parse_status(json!(["4xx", 201])).unwrap();
        assert!(matches!(&preds[..], [Predicate::Status(o)] if o.len() == 2));
        let preds = parse_status(json!("201")).unwrap();
        assert!(matches!(&preds[..], [Predicate::Equals(v)] if v == &json!(201)));
        for word in [json!("ok"), json!("6xx"), json!([200, "2x"])] {
            let e = parse_status(word).unwrap_err();
            assert!(
                e.message
                    .starts_with("expected a status code (200) or class (2xx), found"),
                "{}",
                e.message
            );
        }
    }
}
