//! A value built from a schema: its example where it has one, otherwise a minimal valid
//! value (required properties, the first enum value, a value of the format), with
//! recursion cut off at a fixed depth.

use serde_json::{Map, Value, json};

use super::doc::Doc;

/// How deep references and nesting are followed before an empty value stands in.
const MAX_DEPTH: usize = 8;

/// How many values one sample may hold: wide schemas nested deep stay small.
const MAX_NODES: usize = 2000;

/// Which way the value travels: read-only properties are not sent, write-only ones are
/// not returned.
#[derive(Clone, Copy, PartialEq)]
pub enum Direction {
    Request,
    Response,
}

/// The example of `schema`, or a minimal value valid against it.
pub fn sample(doc: &Doc, schema: &Value, dir: Direction) -> Value {
    let mut g = Gen { doc, dir, nodes: 0 };
    g.build(schema, 0)
}

/// One sample being built.
struct Gen<'a> {
    doc: &'a Doc,
    dir: Direction,
    /// Values built so far.
    nodes: usize,
}

/// The example written on a schema (`example`, `examples[0]`, `default`, `const`).
pub fn written_example(schema: &Value) -> Option<Value> {
    if let Some(e) = schema.get("example") {
        return Some(e.clone());
    }
    if let Some(Value::Array(list)) = schema.get("examples")
        && let Some(first) = list.first()
    {
        return Some(first.clone());
    }
    schema
        .get("default")
        .or_else(|| schema.get("const"))
        .cloned()
}

impl Gen<'_> {
    fn build(&mut self, schema: &Value, depth: usize) -> Value {
        self.nodes += 1;
        // Past the limits (a schema that only refers to itself, or one too wide): nothing.
        if depth > 2 * MAX_DEPTH || self.nodes > MAX_NODES {
            return Value::Null;
        }
        let doc = self.doc;
        let Ok(s) = doc.resolve(schema) else {
            return Value::Null;
        };
        if let Some(e) = written_example(s) {
            return e;
        }
        if let Some(Value::Array(list)) = s.get("enum")
            && let Some(first) = list.iter().find(|v| !v.is_null()).or(list.first())
        {
            return first.clone();
        }
        let deeper = depth + 1;
        if let Some(Value::Array(all)) = s.get("allOf") {
            let mut merged = Map::new();
            let mut other = None;
            for part in all {
                match self.build(part, deeper) {
                    Value::Object(m) => merged.extend(m),
                    v => other = Some(v),
                }
            }
            if let Some(Value::Object(m)) = self.object(s, depth) {
                merged.extend(m);
            }
            return match other {
                Some(v) if merged.is_empty() => v,
                _ => Value::Object(merged),
            };
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(list)) = s.get(key) {
                // Alternatives other than `null` first.
                let is_null = |o: &Value| {
                    doc.resolve(o).ok().and_then(|o| o.get("type")) == Some(&json!("null"))
                };
                let order: Vec<&Value> = list
                    .iter()
                    .filter(|o| !is_null(o))
                    .chain(list.iter().filter(|o| is_null(o)))
                    .collect();
                // A value of `oneOf` must match exactly one alternative: the first that does.
                let check = if key == "oneOf" && order.len() > 1 {
                    super::schema::contract(doc, schema)
                        .ok()
                        .and_then(|c| jsonschema::validator_for(&c).ok())
                } else {
                    None
                };
                let mut first = None;
                for p in order {
                    let mut v = self.build(p, deeper);
                    // Properties beside the alternatives apply too.
                    if let (Value::Object(m), Some(Value::Object(extra))) =
                        (&mut v, self.object(s, depth))
                    {
                        m.extend(extra);
                    }
                    match &check {
                        Some(validator) if !validator.is_valid(&v) => {
                            first.get_or_insert(v);
                        }
                        _ => return v,
                    }
                }
                if let Some(v) = first {
                    return v;
                }
            }
        }
        let kind = match s.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .unwrap_or("null"),
            _ if s.get("properties").is_some() || s.get("required").is_some() => "object",
            _ if s.get("items").is_some() => "array",
            _ => "",
        };
        match kind {
            "object" => self.object(s, depth).unwrap_or_else(|| json!({})),
            "array" => {
                let min = s
                    .get("minItems")
                    .and_then(Value::as_u64)
                    .unwrap_or(1)
                    .max(1);
                match s.get("items") {
                    Some(items) if depth < MAX_DEPTH && min <= 16 => {
                        Value::Array((0..min).map(|_| self.build(items, deeper)).collect())
                    }
                    _ => json!([]),
                }
            }
            "string" => string(s),
            "integer" => number(s, true),
            "number" => number(s, false),
            "boolean" => json!(true),
            "null" => Value::Null,
            _ => json!({}),
        }
    }

    /// The required properties of an object schema, or `None` when it is too deep.
    fn object(&mut self, s: &Value, depth: usize) -> Option<Value> {
        let doc = self.doc;
        let props = s.get("properties").and_then(Value::as_object);
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if depth >= MAX_DEPTH {
            return Some(Value::Object(out));
        }
        for name in required {
            let schema = props
                .and_then(|p| p.get(name))
                .cloned()
                .unwrap_or(json!({}));
            let resolved = doc.resolve(&schema).cloned().unwrap_or_default();
            let hidden = match self.dir {
                Direction::Request => resolved.get("readOnly"),
                Direction::Response => resolved.get("writeOnly"),
            };
            if hidden == Some(&Value::Bool(true)) {
                continue;
            }
            out.insert(name.to_string(), self.build(&schema, depth + 1));
        }
        Some(Value::Object(out))
    }
}

fn string(s: &Value) -> Value {
    let format = s.get("format").and_then(Value::as_str).unwrap_or("");
    let base = match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "00:00:00Z",
        "duration" => "P1D",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" => "https://example.com/",
        "uri-reference" | "iri-reference" | "uriref" => "/",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c3RyaW5n",
        "binary" => "",
        "password" => "password",
        _ => "string",
    };
    let min = s.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = s
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    if let Some(p) = s.get("pattern").and_then(Value::as_str)
        && !regex::Regex::new(p).is_ok_and(|re| re.is_match(base))
        && let Some(m) = super::pattern::matching(p, min, max)
    {
        return json!(m);
    }
    let mut out = base.to_string();
    while out.chars().count() < min.min(4096) {
        out.push('x');
    }
    if let Some(max) = max {
        out = out.chars().take(max).collect();
    }
    json!(out)
}

fn number(s: &Value, integer: bool) -> Value {
    let f = |k: &str| s.get(k).and_then(Value::as_f64);
    let exclusive_bool = |k: &str| s.get(k) == Some(&Value::Bool(true));
    let step = if integer { 1.0 } else { 0.5 };
    let mut v = 0.0_f64;
    if let Some(min) = f("minimum") {
        v = if exclusive_bool("exclusiveMinimum") {
            min + step
        } else {
            min
        };
    }
    if let Some(min) = f("exclusiveMinimum") {
        v = min + step;
    }
    if let Some(max) = f("maximum")
        && v > max
    {
        v = max;
    }
    if let Some(max) = f("exclusiveMaximum")
        && v >= max
    {
        v = max - step;
    }
    if let Some(m) = f("multipleOf")
        && m > 0.0
    {
        v = (v / m).ceil() * m;
    }
    if integer {
        json!(v.ceil() as i64)
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Direction, sample};
    use crate::import::openapi::doc::Doc;

    #[test]
    fn minimal_values_and_cycles() {
        let text = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {
            "Node": {"type": "object", "required": ["id", "next", "at"], "properties": {
                "id": {"type": "string", "format": "uuid", "readOnly": true},
                "next": {"$ref": "#/components/schemas/Node"},
                "at": {"type": "string", "format": "date-time"},
                "skip": {"type": "integer"},
            }},
        }}})
        .to_string();
        let Ok(d) = Doc::parse("s.json", &text) else {
            panic!("parse")
        };
        let node = json!({"$ref": "#/components/schemas/Node"});
        let v = sample(&d, &node, Direction::Response);
        assert_eq!(v["id"], "00000000-0000-4000-8000-000000000000");
        assert_eq!(v["at"], "2024-01-01T00:00:00Z");
        assert!(v.get("skip").is_none());
        let req = sample(&d, &node, Direction::Request);
        assert!(req.get("id").is_none(), "read-only left out of requests");
        let n = sample(
            &d,
            &json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true}),
            Direction::Request,
        );
        assert_eq!(n, json!(6));
        let e = sample(
            &d,
            &json!({"type": "string", "enum": ["a", "b"]}),
            Direction::Request,
        );
        assert_eq!(e, json!("a"));
        // `oneOf`: 2 matches both alternatives, 1 only the second.
        let one = sample(
            &d,
            &json!({"oneOf": [{"type": "integer", "minimum": 2},
                {"type": "integer", "minimum": 1, "maximum": 3}]}),
            Direction::Response,
        );
        assert_eq!(one, json!(1));
    }

    #[test]
    fn self_reference_and_width_stay_bounded() {
        let props: serde_json::Map<String, serde_json::Value> = (0..30)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": "#/components/schemas/Wide"}),
                )
            })
            .collect();
        let names: Vec<String> = props.keys().cloned().collect();
        let text = json!({"openapi": "3.1.0", "paths": {}, "components": {"schemas": {
            "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}]},
            "Either": {"oneOf": [{"$ref": "#/components/schemas/Either"}]},
            "Wide": {"type": "object", "required": names, "properties": props},
        }}})
        .to_string();
        let Ok(d) = Doc::parse("s.json", &text) else {
            panic!("parse")
        };
        for name in ["Loop", "Either", "Wide"] {
            let v = sample(
                &d,
                &json!({"$ref": format!("#/components/schemas/{name}")}),
                Direction::Response,
            );
            assert!(v.to_string().len() < 100_000, "{name}");
        }
    }
}
