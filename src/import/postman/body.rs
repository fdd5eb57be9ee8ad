//! Request bodies (every Postman body mode) and saved example responses.

use serde_json::{Map, Value, json};

use super::Conv;
use super::model::{PmBody, PmBodyOrList, PmResponse, value_text};
use super::request::kv_enabled;

fn content_type_of(language: &str) -> Option<&'static str> {
    Some(match language {
        "json" => "application/json",
        "xml" => "application/xml",
        "html" => "text/html",
        "javascript" => "application/javascript",
        "text" => "text/plain",
        _ => return None,
    })
}

fn file_src(src: &Option<Value>) -> Option<String> {
    match src.as_ref()? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Array(l) => l.iter().find_map(|v| v.as_str().map(String::from)),
        _ => None,
    }
}

pub fn body(
    c: &mut Conv,
    b: Option<PmBodyOrList>,
    header_ct: Option<&str>,
    notes: &mut Vec<String>,
) -> Option<Value> {
    let has_ct = header_ct.is_some();
    let b: PmBody = match b? {
        PmBodyOrList::Body(b) => *b,
        PmBodyOrList::List(l) if l.is_empty() => return None,
        PmBodyOrList::List(l) => {
            let keys: Vec<&str> = l.iter().filter_map(|kv| kv.key.as_deref()).collect();
            c.note(
                notes,
                format!("a v1 `data` body ({}) is not converted", keys.join(", ")),
            );
            return None;
        }
    };
    if b.disabled == Some(true) {
        return None;
    }
    match b.mode.as_deref()? {
        "raw" => {
            // CRLF line ends become LF so that the body is written as a YAML block.
            let raw = b.raw.unwrap_or_default().replace("\r\n", "\n");
            if raw.trim().is_empty() {
                return None;
            }
            let language = b
                .options
                .as_ref()
                .and_then(|o| o.pointer("/raw/language"))
                .and_then(Value::as_str)
                .unwrap_or("text");
            let json_header = header_ct.is_some_and(|ct| ct.contains("json"));
            if (language == "json" || json_header)
                && !raw.contains("{{")
                && !raw.contains("{%")
                && !raw.contains("{#")
                && let Ok(v) = serde_json::from_str::<Value>(&raw)
                && (v.is_object() || v.is_array())
            {
                return Some(json!({"json": v}));
            }
            let mut out = Map::new();
            out.insert("raw".into(), json!(c.names.template(&raw)));
            if !has_ct && let Some(ct) = content_type_of(language) {
                out.insert("content_type".into(), json!(ct));
            }
            Some(Value::Object(out))
        }
        "urlencoded" => {
            let mut form = Map::new();
            for kv in b.urlencoded.iter().flatten().filter(kv_enabled) {
                let k = kv.key.clone().unwrap_or_default();
                if form.contains_key(&k) {
                    c.note(
                        notes,
                        format!("form field `{k}` is repeated; the last value is kept"),
                    );
                }
                form.insert(k, json!(c.names.template(&value_text(&kv.value))));
            }
            (!form.is_empty()).then(|| json!({"form": form}))
        }
        "formdata" => {
            let mut parts = Map::new();
            for kv in b.formdata.iter().flatten().filter(kv_enabled) {
                let k = kv.key.clone().unwrap_or_default();
                let part = if kv.kind.as_deref() == Some("file") {
                    let path = match file_src(&kv.src) {
                        Some(p) => file_var(c, &format!("{k}_file"), &p, notes),
                        None => {
                            let var = c.names.name(&format!("file_{k}"));
                            c.names.used.insert(var.clone());
                            c.note(notes, format!("file field `{k}` has no file; set the variable `{var}` to its path"));
                            format!("{{{{ {var} }}}}")
                        }
                    };
                    let mut p = Map::new();
                    p.insert("file".into(), json!(path));
                    if let Some(ct) = &kv.content_type {
                        p.insert("content_type".into(), json!(ct));
                    }
                    Value::Object(p)
                } else {
                    json!(c.names.template(&value_text(&kv.value)))
                };
                parts.insert(k, part);
            }
            (!parts.is_empty()).then(|| json!({"multipart": parts}))
        }
        "file" => {
            match b.file.as_ref().and_then(|f| file_src(&f.src)) {
                Some(p) => Some(json!({"file": file_var(c, "body_file", &p, notes)})),
                None => {
                    let content = b.file.and_then(|f| f.content).filter(|s| !s.is_empty());
                    match content {
                        Some(text) => Some(json!({"raw": c.names.template(&text)})),
                        None => {
                            c.names.used.insert("body_file".into());
                            c.note(notes, "binary body without a file; set the variable `body_file` to its path".into());
                            Some(json!({"file": "{{ body_file }}"}))
                        }
                    }
                }
            }
        }
        "graphql" => {
            let g = b.graphql?;
            let query = c.names.template(&g.query.unwrap_or_default());
            let variables = match g.variables {
                Some(Value::String(s)) if !s.trim().is_empty() => {
                    match serde_json::from_str::<Value>(&s) {
                        Ok(v) => v,
                        Err(_) => json!(c.names.template(&s)),
                    }
                }
                Some(v @ Value::Object(_)) => v,
                _ => json!({}),
            };
            let variables = json_templates(c, variables);
            Some(json!({"json": {"query": query, "variables": variables}}))
        }
        other => {
            c.note(
                notes,
                format!("body mode `{other}` is not supported; no body is sent"),
            );
            None
        }
    }
}

/// String leaves of a JSON document converted to templates.
fn json_templates(c: &mut Conv, v: Value) -> Value {
    match v {
        Value::String(s) => json!(c.names.template(&s)),
        Value::Array(l) => Value::Array(l.into_iter().map(|v| json_templates(c, v)).collect()),
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| (k, json_templates(c, v)))
                .collect(),
        ),
        other => other,
    }
}

/// A variable holding a file path from Postman: files live on the exporting machine, so
/// the path is a default the user can override (`--var`, environment).
fn file_var(c: &mut Conv, base: &str, path: &str, notes: &mut Vec<String>) -> String {
    let base = c.names.name(base);
    let value = c.names.template(path);
    let mut name = base.clone();
    let mut i = 2;
    while let Some(v) = c.vars.get(&name) {
        if v.as_str() == Some(value.as_str()) {
            break;
        }
        name = format!("{base}_{i}");
        i += 1;
    }
    c.vars.insert(name.clone(), json!(value));
    c.names.used.insert(name.clone());
    c.note(
        notes,
        format!("the file `{path}` is taken from the variable `{name}`; check the path"),
    );
    format!("{{{{ {name} }}}}")
}

pub fn example(r: &PmResponse) -> Value {
    let mut out = Map::new();
    if let Some(n) = &r.name {
        out.insert("name".into(), json!(n));
    }
    out.insert("status".into(), json!(r.code.unwrap_or(200)));
    let mut headers = Map::new();
    if let Some(Value::Array(list)) = &r.header {
        for h in list {
            if let (Some(k), Some(v)) = (h.get("key").and_then(Value::as_str), h.get("value")) {
                let v = v
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string());
                headers.insert(k.to_string(), json!(crate::import::literal(&v)));
            }
        }
    }
    if !headers.is_empty() {
        out.insert("headers".into(), Value::Object(headers));
    }
    if let Some(body) = r.body.as_ref().filter(|b| !b.is_empty()) {
        let plain = !body.contains("{{") && !body.contains("{%") && !body.contains("{#");
        match serde_json::from_str::<Value>(body) {
            Ok(v) if plain && (v.is_object() || v.is_array()) => {
                out.insert("json".into(), v);
            }
            _ => {
                out.insert("body".into(), json!(crate::import::literal(body)));
            }
        }
    }
    Value::Object(out)
}
