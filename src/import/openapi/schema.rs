//! OpenAPI schema objects → standalone JSON Schema 2020-12 documents, the draft the
//! `schema:` matcher validates: every `$ref` the schema reaches is copied under `$defs`
//! (references rewritten, so recursive schemas stay finite), and OpenAPI 3.0's dialect is
//! converted (`nullable`, boolean `exclusiveMinimum`/`exclusiveMaximum`, `example`).

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::super::ImportError;
use super::doc::Doc;

/// The dialect the written schemas declare.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords whose value is one schema.
const ONE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
];
/// Keywords whose value is a list of schemas.
const LIST: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of schemas.
const MAP: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];
/// OpenAPI annotations with no meaning in JSON Schema.
const DROP: &[&str] = &["discriminator", "xml", "externalDocs"];

/// Converts the schema `schema` of `doc` into a standalone 2020-12 document.
pub fn contract(doc: &Doc, schema: &Value) -> Result<Value, ImportError> {
    let mut defs = Defs::default();
    let root = convert(doc, schema, &mut defs)?;
    let mut done = Map::new();
    while let Some((pointer, name)) = defs.queue.pop() {
        let target = doc.pointer(&pointer)?;
        let converted = convert(doc, target, &mut defs)?;
        done.insert(name, converted);
    }
    let mut out = Map::new();
    out.insert("$schema".into(), json!(DRAFT_2020_12));
    match root {
        Value::Object(m) => out.extend(m),
        Value::Bool(false) => {
            out.insert("not".into(), json!({}));
        }
        _ => {}
    }
    if !done.is_empty() {
        // Sorted: the file does not change with the order references were met.
        done.sort_keys();
        out.insert("$defs".into(), Value::Object(done));
    }
    Ok(Value::Object(out))
}

/// References met: document pointer → `$defs` name; and those still to copy.
#[derive(Default)]
struct Defs {
    names: IndexMap<String, String>,
    queue: Vec<(String, String)>,
}

impl Defs {
    fn name(&mut self, pointer: &str) -> String {
        if let Some(n) = self.names.get(pointer) {
            return n.clone();
        }
        let decoded = percent_encoding::percent_decode_str(pointer).decode_utf8_lossy();
        let base = match decoded.strip_prefix("#/components/schemas/") {
            Some(n) if !n.contains('/') => n.replace("~1", "/").replace("~0", "~"),
            _ => decoded
                .trim_start_matches("#/")
                .replace("~1", "_")
                .replace("~0", "_")
                .replace('/', "."),
        };
        let mut name = base.clone();
        let mut i = 2;
        while self.names.values().any(|n| *n == name) {
            name = format!("{base}_{i}");
            i += 1;
        }
        self.names.insert(pointer.to_string(), name.clone());
        self.queue.push((pointer.to_string(), name.clone()));
        name
    }
}

/// The `$ref` to a `$defs` entry, escaped as a JSON pointer and a URI fragment.
fn def_ref(name: &str) -> String {
    let escaped = name.replace('~', "~0").replace('/', "~1");
    let encoded: String =
        percent_encoding::utf8_percent_encode(&escaped, percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%7E", "~")
            .replace("%2D", "-")
            .replace("%5F", "_")
            .replace("%2E", ".");
    format!("#/$defs/{encoded}")
}

fn convert(doc: &Doc, v: &Value, defs: &mut Defs) -> Result<Value, ImportError> {
    let Value::Object(m) = v else {
        // `true`/`false` schemas, or something that is not a schema: kept as written.
        return Ok(v.clone());
    };
    let mut out = Map::new();
    if let Some(Value::String(r)) = m.get("$ref") {
        // Checks that it points somewhere.
        doc.pointer(r)?;
        out.insert("$ref".into(), json!(def_ref(&defs.name(r))));
        if doc.v30 {
            // OpenAPI 3.0: the siblings of `$ref` are ignored.
            return Ok(Value::Object(out));
        }
    }
    for (k, val) in m {
        if k == "$ref" || DROP.contains(&k.as_str()) || k.starts_with("x-") {
            continue;
        }
        let converted = if ONE.contains(&k.as_str()) {
            convert(doc, val, defs)?
        } else if LIST.contains(&k.as_str()) {
            match val {
                Value::Array(a) => Value::Array(
                    a.iter()
                        .map(|s| convert(doc, s, defs))
                        .collect::<Result<_, _>>()?,
                ),
                other => other.clone(),
            }
        } else if MAP.contains(&k.as_str()) {
            match val {
                Value::Object(props) => Value::Object(
                    props
                        .iter()
                        .map(|(n, s)| Ok((n.clone(), convert(doc, s, defs)?)))
                        .collect::<Result<_, ImportError>>()?,
                ),
                other => other.clone(),
            }
        } else {
            val.clone()
        };
        out.insert(k.clone(), converted);
    }
    if let Some(example) = out.remove("example") {
        match out.get_mut("examples") {
            Some(Value::Array(list)) => list.push(example),
            _ => {
                out.insert("examples".into(), json!([example]));
            }
        }
    }
    if doc.v30 {
        dialect_30(&mut out);
    }
    Ok(Value::Object(out))
}

/// OpenAPI 3.0's schema keywords that mean something else in 2020-12.
fn dialect_30(out: &mut Map<String, Value>) {
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(b)) = out.get(flag).cloned() {
            out.remove(flag);
            if b && let Some(limit) = out.remove(bound) {
                out.insert(flag.into(), limit);
            }
        }
    }
    // `nullable`: `null` joins the type (and the enum); without a type, the schema becomes
    // one alternative of two.
    if out.remove("nullable") == Some(Value::Bool(true)) {
        let typed = match out.get("type").cloned() {
            Some(Value::String(t)) => {
                out.insert("type".into(), json!([t, "null"]));
                true
            }
            _ => false,
        };
        if let Some(Value::Array(list)) = out.get_mut("enum")
            && !list.contains(&Value::Null)
        {
            list.push(Value::Null);
        }
        if !typed {
            let inner = std::mem::take(out);
            let mut inner_schema = Map::new();
            let mut annotations = Map::new();
            for (k, v) in inner {
                if [
                    "title",
                    "description",
                    "examples",
                    "default",
                    "readOnly",
                    "writeOnly",
                    "deprecated",
                ]
                .contains(&k.as_str())
                {
                    annotations.insert(k, v);
                } else {
                    inner_schema.insert(k, v);
                }
            }
            *out = annotations;
            out.insert(
                "anyOf".into(),
                json!([Value::Object(inner_schema), {"type": "null"}]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Doc, contract};

    fn doc(v: &str, components: serde_json::Value) -> Doc {
        let text =
            json!({"openapi": v, "paths": {}, "components": {"schemas": components}}).to_string();
        match Doc::parse("s.json", &text) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn dialect_30_converted() {
        let d = doc("3.0.3", json!({}));
        let s = json!({"type": "object", "properties": {
            "a": {"type": "string", "nullable": true, "example": "x"},
            "b": {"type": "integer", "minimum": 1, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": false},
            "c": {"allOf": [{"type": "string"}], "nullable": true, "description": "d"},
            "e": {"type": "string", "enum": ["p", "q"], "nullable": true},
        }, "xml": {"name": "x"}, "x-internal": true});
        let out = contract(&d, &s).unwrap_or_default();
        assert_eq!(
            out,
            json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "properties": {
                "a": {"type": ["string", "null"], "examples": ["x"]},
                "b": {"type": "integer", "exclusiveMinimum": 1, "maximum": 9},
                "c": {"description": "d", "anyOf": [{"allOf": [{"type": "string"}]}, {"type": "null"}]},
                "e": {"type": ["string", "null"], "enum": ["p", "q", null]},
            }})
        );
        let v = jsonschema::validator_for(&out);
        let Ok(v) = v else { panic!("invalid") };
        assert!(v.is_valid(&json!({"a": null, "b": 2, "c": null, "e": null})));
        assert!(!v.is_valid(&json!({"b": 1})));
    }

    #[test]
    fn dialect_31_kept() {
        let d = doc("3.1.0", json!({"Id": {"type": "integer"}}));
        let s = json!({"type": ["string", "null"], "exclusiveMinimum": 1, "examples": ["a"],
            "example": "b", "properties": {"id": {"$ref": "#/components/schemas/Id", "minimum": 3}},
            "nullable": true});
        let out = contract(&d, &s).unwrap_or_default();
        assert_eq!(out["type"], json!(["string", "null"]));
        assert_eq!(out["exclusiveMinimum"], 1);
        assert_eq!(out["examples"], json!(["a", "b"]));
        // 3.1: a `$ref` keeps its siblings; `nullable` is not a 3.1 keyword and stays inert.
        assert_eq!(
            out["properties"]["id"],
            json!({"$ref": "#/$defs/Id", "minimum": 3})
        );
        assert_eq!(out["nullable"], true);
    }

    #[test]
    fn recursive_refs_become_defs() {
        let d = doc(
            "3.1.0",
            json!({
                "Node": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "integer"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node", "description": "up"},
                }},
            }),
        );
        let out = contract(&d, &json!({"$ref": "#/components/schemas/Node"})).unwrap_or_default();
        assert_eq!(out["$ref"], "#/$defs/Node");
        assert_eq!(
            out["$defs"]["Node"]["properties"]["children"]["items"],
            json!({"$ref": "#/$defs/Node"})
        );
        assert_eq!(
            out["$defs"]["Node"]["properties"]["parent"],
            json!({"$ref": "#/$defs/Node", "description": "up"})
        );
        let Ok(v) = jsonschema::validator_for(&out) else {
            panic!("invalid")
        };
        assert!(v.is_valid(&json!({"id": 1, "children": [{"id": 2, "children": []}]})));
        let errors: Vec<String> = v
            .iter_errors(&json!({"id": 1, "children": [{"id": "x"}]}))
            .map(|e| e.instance_path().to_string())
            .collect();
        assert_eq!(errors, ["/children/0/id"]);
    }
}
