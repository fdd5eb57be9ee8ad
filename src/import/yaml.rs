//! A small YAML writer for the JSON trees the importers build: block style, plain scalars
//! where that is unambiguous, literal blocks for multi-line text, JSON quoting otherwise.

use serde_json::Value;

/// Renders a JSON value as a YAML document.
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit(&mut out, v, 0),
        Value::Array(a) if !a.is_empty() => emit(&mut out, v, 0),
        _ => {
            out.push_str(&scalar(v, 0));
            out.push('\n');
        }
    }
    out
}

fn emit(out: &mut String, v: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                match v {
                    Value::Object(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(out, v, indent + 2);
                    }
                    Value::Array(c) if !c.is_empty() => {
                        out.push('\n');
                        emit(out, v, indent + 2);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(v, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        Value::Array(a) => {
            for v in a {
                match v {
                    Value::Object(c) if !c.is_empty() => item(out, v, indent),
                    Value::Array(c) if !c.is_empty() => item(out, v, indent),
                    _ => {
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&scalar(v, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&pad);
            out.push_str(&scalar(v, indent));
            out.push('\n');
        }
    }
}

/// A container inside a sequence: rendered two columns deeper, its first line then
/// starts with the dash.
fn item(out: &mut String, v: &Value, indent: usize) {
    let mut inner = String::new();
    emit(&mut inner, v, indent + 2);
    out.push_str(&" ".repeat(indent));
    out.push_str("- ");
    out.push_str(&inner[indent + 2..]);
}

fn key(k: &str) -> String {
    if is_plain(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn scalar(v: &Value, indent: usize) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, indent),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

fn string(s: &str, indent: usize) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    if let Some(block) = literal_block(s, indent) {
        return block;
    }
    quoted(s)
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Multi-line text as `|`, `|-` or `|+`, when it can be written back exactly.
fn literal_block(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let printable = s
        .chars()
        .all(|c| c == '\n' || c == '\t' || (!c.is_control() && c != '\u{feff}'));
    if !printable || s.trim().is_empty() {
        return None;
    }
    let (body, chomp) = if s.ends_with("\n\n") {
        (&s[..s.len() - 1], "+")
    } else if let Some(b) = s.strip_suffix('\n') {
        (b, "")
    } else {
        (s, "-")
    };
    let pad = " ".repeat(indent.max(2));
    // Text whose first line starts with a space needs its indentation stated: the content's
    // indentation relative to the key's (always 2 here).
    let first = s.split('\n').find(|l| !l.is_empty()).unwrap_or("");
    let mut out = String::from("|");
    if first.starts_with(' ') || s.starts_with('\n') {
        if indent < 2 {
            return None;
        }
        out.push('2');
    }
    out.push_str(chomp);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

/// Whether a string can be written without quotes and read back as the same string.
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/') {
        return false;
    }
    if s.ends_with([' ', ':']) || s.contains(": ") || s.contains(" #") {
        return false;
    }
    let reserved = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    if reserved.contains(&s.to_ascii_lowercase().as_str()) {
        return false;
    }
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || " _-./:".contains(c))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_yaml;

    #[test]
    fn nested_containers_and_quoting() {
        let v = json!({
            "name": "A b",
            "list": [{"a": 1, "b": [true, "yes"]}, "x: y", []],
            "text": "line 1\n  line 2\n",
            "empty": {},
            "q": "{{ x }}",
            "script": "  if (a) {\n\tb();\n  }\n",
        });
        assert_eq!(
            to_yaml(&v),
            "name: A b\nlist:\n  - a: 1\n    b:\n      - true\n      - \"yes\"\n  - \"x: y\"\n  - []\ntext: |\n  line 1\n    line 2\nempty: {}\nq: \"{{ x }}\"\nscript: |2\n    if (a) {\n  \tb();\n    }\n"
        );
        let back: serde_json::Value =
            serde_saphyr::from_str(&to_yaml(&v)).unwrap_or(serde_json::Value::Null);
        assert_eq!(back, v);
        let nested = json!({"a": {"b": "  x\ny\n"}, "l": ["  x\ny\n", {"k": "  z\n w"}],
            "lead": "\n\n  a\nb\n\n\n", "tail": "a\n\n", "plain": "a\nb"});
        let back: serde_json::Value =
            serde_saphyr::from_str(&to_yaml(&nested)).unwrap_or(serde_json::Value::Null);
        assert_eq!(back, nested, "{}", to_yaml(&nested));
    }
}
