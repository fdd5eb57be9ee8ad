//! Showing how an actual value differs from the expected one.

use serde_json::Value;

use super::predicate::json_eq;
use crate::secrets::ELLIPSIS;

/// At most this many differing paths are listed.
const MAX_DIFFERENCES: usize = 20;

/// The JSON paths where `actual` differs from `expected`, as
/// `$.items[2].status: expected "OK", got "FAILED"`.
pub fn json_differences(root: &str, expected: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk(root, expected, actual, &mut out);
    if out.len() > MAX_DIFFERENCES {
        let more = out.len() - MAX_DIFFERENCES;
        out.truncate(MAX_DIFFERENCES);
        out.push(format!("... and {more} more"));
    }
    out
}

fn walk(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    if out.len() > MAX_DIFFERENCES {
        return;
    }
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = child(path, k);
                match a.get(k) {
                    Some(av) => walk(&p, ev, av, out),
                    None => out.push(format!("{p}: expected {}, but it is missing", compact(ev))),
                }
            }
            for (k, av) in a {
                if !e.contains_key(k) {
                    out.push(format!(
                        "{}: not expected, got {}",
                        child(path, k),
                        compact(av)
                    ));
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                walk(&format!("{path}[{i}]"), ev, av, out);
            }
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
            }
        }
        _ if !json_eq(expected, actual) => out.push(format!(
            "{path}: expected {}, got {}",
            compact(expected),
            compact(actual)
        )),
        _ => {}
    }
}

fn child(path: &str, key: &str) -> String {
    if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        format!("{path}.{key}")
    } else {
        format!("{path}[{}]", Value::String(key.to_string()))
    }
}

/// A JSON Pointer (`/items/0/id`, as JSON Schema errors give it) as a path under `root`
/// (`$.items[0].id`).
pub fn pointer_to_path(root: &str, pointer: &str) -> String {
    let mut path = root.to_string();
    for token in pointer.split('/').skip(1) {
        let key = token.replace("~1", "/").replace("~0", "~");
        if !key.is_empty() && key.chars().all(|c| c.is_ascii_digit()) {
            path.push_str(&format!("[{key}]"));
        } else {
            path = child(&path, &key);
        }
    }
    path
}

/// A value on one line, shortened (ending with [`ELLIPSIS`], which lets the masker hide
/// a secret cut in two).
pub fn compact(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}{ELLIPSIS}", s.chars().take(117).collect::<String>())
    } else {
        s
    }
}

/// Pretty JSON with object keys sorted, so that key order does not show as a difference.
pub fn pretty_sorted(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string_pretty(&sort(v)).unwrap_or_else(|_| v.to_string())
}

/// A unified diff of two texts, when either is longer than a line.
pub fn unified(expected: &str, actual: &str) -> Option<String> {
    if expected.lines().count() <= 1
        && actual.lines().count() <= 1
        && expected.len() + actual.len() < 160
    {
        return None;
    }
    // A missing final newline only matters when one side has it.
    let (expected, actual) = if !expected.ends_with('\n') && !actual.ends_with('\n') {
        (format!("{expected}\n"), format!("{actual}\n"))
    } else {
        (expected.to_string(), actual.to_string())
    };
    let diff = similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    (!diff.is_empty()).then_some(diff)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_differing_paths() {
        let e = json!({"items": [{"status": "OK"}, {"status": "OK"}], "total": 2});
        let a =
            json!({"items": [{"status": "OK"}, {"status": "FAILED"}], "total": 2.0, "extra": 1});
        assert_eq!(
            json_differences("$", &e, &a),
            vec![
                "$.items[1].status: expected \"OK\", got \"FAILED\"".to_string(),
                "$.extra: not expected, got 1".to_string(),
            ]
        );
    }

    #[test]
    fn unified_diff_of_long_values() {
        let d = unified("a\nb\nc\n", "a\nx\nc\n").unwrap();
        assert!(d.contains("-b\n+x\n"), "{d}");
        assert_eq!(unified("1", "2"), None);
        let d = unified("{\n  \"a\": 1\n}", "{\n  \"a\": 2\n}").unwrap();
        assert!(!d.contains("No newline"), "{d}");
        let d = unified("a\nb\n", "a\nb").unwrap();
        assert!(d.contains("No newline"), "{d}");
    }

    #[test]
    fn pointers_become_paths() {
        assert_eq!(pointer_to_path("$", ""), "$");
        assert_eq!(pointer_to_path("$", "/count"), "$.count");
        assert_eq!(
            pointer_to_path("$.data", "/items/0/a~1b"),
            "$.data.items[0][\"a/b\"]"
        );
    }
}
