//! Applying one predicate to one actual value.

use std::borrow::Cow;

use serde_json::Value;

use super::diff::{compact, json_differences, pointer_to_path, pretty_sorted, unified};
use crate::collection::{Predicate, StatusOption};

/// The result of one predicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Whether it held.
    pub passed: bool,
    /// What was expected, in words: `equals 200`, `length > 0`.
    pub expected: String,
    /// What was found.
    pub actual: String,
    /// For failed structural comparisons: the paths that differ.
    pub differences: Vec<String>,
    /// For failed comparisons of long values: a unified diff.
    pub diff: Option<String>,
}

impl Check {
    fn new(passed: bool, expected: String, actual: String) -> Check {
        Check {
            passed,
            expected,
            actual,
            differences: Vec::new(),
            diff: None,
        }
    }
}

/// Renders the templates in an expected value.
pub type Resolve<'a> = &'a dyn Fn(&Value) -> Result<Value, String>;

/// Applies `pred` to `actual` (`None`: nothing was found). `root` names the subject in
/// difference paths. An expected value that fails to render fails the check.
pub fn check(pred: &Predicate, actual: Option<&Value>, root: &str, resolve: Resolve<'_>) -> Check {
    let expected = |v: &Value| -> Result<Value, Check> {
        resolve(v).map_err(|e| {
            Check::new(
                false,
                describe(pred, v),
                format!("(expected value could not be rendered: {e})"),
            )
        })
    };
    if let Predicate::Exists(want) = pred {
        let found = actual.is_some();
        return Check::new(
            found == *want,
            if *want {
                "to exist".into()
            } else {
                "not to exist".into()
            },
            match actual {
                Some(v) => compact(v),
                None => "nothing".into(),
            },
        );
    }
    let Some(actual) = actual else {
        let what = describe(pred, pred.operand().unwrap_or(&Value::Null));
        return Check::new(false, what, "nothing (no match)".into());
    };
    let result = match pred {
        Predicate::Equals(e) => expected(e).map(|e| equals(&e, actual, root, true)),
        Predicate::NotEquals(e) => expected(e).map(|e| {
            let mut c = equals(&e, actual, root, false);
            c.passed = !c.passed;
            c.expected = format!("not {}", compact(&e));
            c
        }),
        Predicate::Contains(e) => expected(e).map(|e| {
            Check::new(
                contains(actual, &e),
                format!("to contain {}", compact(&e)),
                compact(actual),
            )
        }),
        Predicate::NotContains(e) => expected(e).map(|e| {
            Check::new(
                !contains(actual, &e),
                format!("not to contain {}", compact(&e)),
                compact(actual),
            )
        }),
        Predicate::Matches(re) => Ok(Check::new(
            re.is_match(&text_of(actual)),
            format!("to match /{}/", re.as_str()),
            compact(actual),
        )),
        Predicate::Exists(_) => unreachable_exists(),
        Predicate::Type(t) => Ok(Check::new(
            t.holds(actual),
            format!("type {}", t.name()),
            format!("{} ({})", type_name(actual), compact(actual)),
        )),
        Predicate::Length(preds) => {
            let len = match actual {
                Value::String(s) => Some(s.chars().count()),
                Value::Array(a) => Some(a.len()),
                Value::Object(o) => Some(o.len()),
                _ => None,
            };
            // Without a length the inner predicates still run, to say what was wanted.
            let n_value = Value::from(len.unwrap_or(0));
            let mut passed = len.is_some();
            let mut wanted = Vec::new();
            for p in preds {
                let c = check(p, Some(&n_value), root, resolve);
                passed &= c.passed;
                wanted.push(c.expected);
            }
            Ok(Check::new(
                passed,
                format!("length {}", wanted.join(" and ")),
                match len {
                    Some(n) => format!("length {n}"),
                    None => format!(
                        "{} ({}), which has no length",
                        type_name(actual),
                        compact(actual)
                    ),
                },
            ))
        }
        Predicate::Gt(e) | Predicate::Gte(e) | Predicate::Lt(e) | Predicate::Lte(e) => {
            expected(e).map(|e| compare(pred, &e, actual))
        }
        Predicate::In(options) => {
            let mut resolved = Vec::with_capacity(options.len());
            for o in options {
                match expected(o) {
                    Ok(v) => resolved.push(v),
                    Err(c) => return c,
                }
            }
            Ok(Check::new(
                resolved.iter().any(|o| loose_eq(o, actual)),
                format!("one of {}", compact(&Value::Array(resolved.clone()))),
                compact(actual),
            ))
        }
        Predicate::Status(options) => {
            let mut passed = false;
            for o in options {
                passed |= match o {
                    StatusOption::Code(v) => match expected(v) {
                        Ok(v) => loose_eq(&v, actual),
                        Err(c) => return c,
                    },
                    StatusOption::Class(class) => actual.as_u64().is_some_and(|s| class.holds(s)),
                };
            }
            Ok(Check::new(
                passed,
                describe(pred, &Value::Null),
                compact(actual),
            ))
        }
        Predicate::Schema { path, validator } => {
            let parsed;
            let instance = match actual {
                Value::String(s) => match serde_json::from_str::<Value>(s) {
                    Ok(v) => {
                        parsed = v;
                        &parsed
                    }
                    Err(_) => actual,
                },
                other => other,
            };
            let errors: Vec<String> = validator
                .iter_errors(instance)
                .take(10)
                .map(|e| {
                    format!(
                        "{}: {e}",
                        pointer_to_path(root, &e.instance_path().to_string())
                    )
                })
                .collect();
            let mut c = Check::new(
                errors.is_empty(),
                format!("to match schema {path}"),
                if errors.is_empty() {
                    "valid".into()
                } else {
                    format!("{} schema error(s)", errors.len())
                },
            );
            c.differences = errors;
            Ok(c)
        }
    };
    result.unwrap_or_else(|c| c)
}

fn unreachable_exists() -> Result<Check, Check> {
    // Handled before: `exists` is the one predicate that accepts a missing value.
    Ok(Check::new(false, "to exist".into(), "nothing".into()))
}

fn describe(pred: &Predicate, v: &Value) -> String {
    match pred {
        Predicate::Equals(_) => compact(v),
        Predicate::NotEquals(_) => format!("not {}", compact(v)),
        Predicate::Contains(_) => format!("to contain {}", compact(v)),
        Predicate::NotContains(_) => format!("not to contain {}", compact(v)),
        Predicate::Gt(_) => format!("> {}", compact(v)),
        Predicate::Gte(_) => format!(">= {}", compact(v)),
        Predicate::Lt(_) => format!("< {}", compact(v)),
        Predicate::Lte(_) => format!("<= {}", compact(v)),
        Predicate::Matches(re) => format!("to match /{}/", re.as_str()),
        Predicate::Type(t) => format!("type {}", t.name()),
        Predicate::Length(_) => "a length".into(),
        Predicate::In(_) => "one of the listed values".into(),
        Predicate::Status(options) => {
            let written: Vec<String> = options
                .iter()
                .map(|o| match o {
                    StatusOption::Code(v) => compact(v),
                    StatusOption::Class(class) => class.written.clone(),
                })
                .collect();
            match &written[..] {
                [one] => one.clone(),
                _ => format!("one of [{}]", written.join(",")),
            }
        }
        Predicate::Schema { path, .. } => format!("to match schema {path}"),
        Predicate::Exists(b) => {
            if *b {
                "to exist".into()
            } else {
                "not to exist".into()
            }
        }
    }
}

fn equals(expected: &Value, actual: &Value, root: &str, explain: bool) -> Check {
    // A structured expectation against a text body: compare as JSON when the text parses.
    let parsed;
    let actual = match (expected, actual) {
        (Value::Object(_) | Value::Array(_), Value::String(s)) => {
            match serde_json::from_str::<Value>(s) {
                Ok(v) => {
                    parsed = v;
                    &parsed
                }
                Err(_) => actual,
            }
        }
        _ => actual,
    };
    let passed = loose_eq(expected, actual);
    let mut c = Check::new(passed, compact(expected), compact(actual));
    if !passed && explain {
        if expected.is_object() || expected.is_array() {
            c.differences = json_differences(root, expected, actual);
            c.diff = unified(&pretty_sorted(expected), &pretty_sorted(actual));
        } else if let (Value::String(e), Value::String(a)) = (expected, actual) {
            c.diff = unified(e, a);
        }
    }
    c
}

fn compare(pred: &Predicate, expected: &Value, actual: &Value) -> Check {
    let (Some(e), Some(a)) = (number(expected), number(actual)) else {
        return Check::new(
            false,
            describe(pred, expected),
            format!("{} (not a number)", compact(actual)),
        );
    };
    let passed = match pred {
        Predicate::Gt(_) => a > e,
        Predicate::Gte(_) => a >= e,
        Predicate::Lt(_) => a < e,
        _ => a <= e,
    };
    Check::new(passed, describe(pred, expected), compact(actual))
}

/// A number, or a string holding one (header values).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Deep equality where numbers compare by value (1 == 1.0).
pub fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            // Integers compare digit by digit, however long; others as floats.
            let integer = |s: &str| {
                s.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            };
            if integer(x.as_str()) && integer(y.as_str()) {
                x.as_str() == y.as_str()
            } else {
                x.as_f64() == y.as_f64()
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `json_eq`, and a scalar expectation also matches the same text (for headers and bodies).
fn loose_eq(expected: &Value, actual: &Value) -> bool {
    json_eq(expected, actual)
        || match (expected, actual) {
            (Value::Number(n), Value::String(s)) if s.trim() == n.as_str() => true,
            (Value::Number(n), Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .is_some_and(|f| Some(f) == n.as_f64()),
            (Value::Bool(b), Value::String(s)) => s.trim() == if *b { "true" } else { "false" },
            _ => false,
        }
}

/// Substring, array element, or object subset.
fn contains(actual: &Value, expected: &Value) -> bool {
    match actual {
        Value::String(s) => s.contains(text_of(expected).as_ref()),
        Value::Array(items) => items.iter().any(|i| {
            json_eq(i, expected) || (expected.is_object() && i.is_object() && subset(expected, i))
        }),
        Value::Object(_) => subset(expected, actual),
        other => json_eq(other, expected),
    }
}

fn subset(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .all(|(k, v)| w.get(k).is_some_and(|wv| subset(v, wv))),
        _ => json_eq(part, whole),
    }
}

fn text_of(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn id(v: &Value) -> Result<Value, String> {
        Ok(v.clone())
    }

    fn run(pred: Predicate, actual: Option<Value>) -> Check {
        check(&pred, actual.as_ref(), "$.x", &id)
    }

    #[test]
    fn equality_is_numeric_and_deep() {
        assert!(run(Predicate::Equals(json!(3)), Some(json!(3.0))).passed);
        assert!(
            run(Predicate::Equals(json!(42)), Some(json!("42"))).passed,
            "headers are text"
        );
        let c = run(
            Predicate::Equals(json!({"a": [1, 2]})),
            Some(json!({"a": [1, 3]})),
        );
        assert!(!c.passed);
        assert_eq!(
            c.differences,
            vec!["$.x.a[1]: expected 2, got 3".to_string()]
        );
    }

    #[test]
    fn contains_on_strings_arrays_objects() {
        assert!(
            run(
                Predicate::Contains(json!("json")),
                Some(json!("application/json"))
            )
            .passed
        );
        assert!(run(Predicate::Contains(json!(2)), Some(json!([1, 2]))).passed);
        assert!(
            run(
                Predicate::Contains(json!({"a": 1})),
                Some(json!({"a": 1, "b": 2}))
            )
            .passed
        );
        assert!(
            run(
                Predicate::Contains(json!({"id": 2})),
                Some(json!([{"id": 2, "n": 1}]))
            )
            .passed
        );
        assert!(!run(Predicate::NotContains(json!("x")), Some(json!("xyz"))).passed);
    }

    #[test]
    fn missing_values_fail_everything_but_exists_false() {
        assert!(run(Predicate::Exists(false), None).passed);
        assert!(!run(Predicate::Exists(true), None).passed);
        let c = run(Predicate::Equals(json!(1)), None);
        assert!(!c.passed);
        assert_eq!(c.actual, "nothing (no match)");
    }

    #[test]
    fn comparisons_and_lengths() {
        assert!(run(Predicate::Lt(json!(2000)), Some(json!(12))).passed);
        assert!(run(Predicate::Gte(json!(10)), Some(json!("10"))).passed);
        let c = run(
            Predicate::Length(vec![Predicate::Gt(json!(0))]),
            Some(json!([])),
        );
        assert!(!c.passed);
        assert_eq!(
            (c.expected.as_str(), c.actual.as_str()),
            ("length > 0", "length 0")
        );
        let c = run(
            Predicate::Length(vec![Predicate::Equals(json!(1))]),
            Some(json!(3)),
        );
        assert!(!c.passed);
        assert_eq!(
            (c.expected.as_str(), c.actual.as_str()),
            ("length 1", "number (3), which has no length")
        );
        assert!(
            run(
                Predicate::In(vec![json!(200), json!(201)]),
                Some(json!(201))
            )
            .passed
        );
    }
}
