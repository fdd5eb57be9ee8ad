//! `jsonSchema` assertions (`pm.response.to.have.jsonSchema(schema)`,
//! `pm.expect(x).to.have.jsonSchema(schema)`): a value validated against a JSON Schema
//! (draft 7 unless `$schema` says otherwise, formats checked, as Postman's Ajv 6 does) by
//! the crate `schema:` assertions use, with every error worded as Ajv words it.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, JsonType, ValidationError};
use rquickjs::{Ctx, Exception, Function, Value};
use serde_json::Value as Json;

use super::convert;

/// Defines `__runner_schema(schema, data)` (taken away by the prelude): the errors, Ajv's
/// `errorsText` items (`data.a should be string`); an invalid schema throws.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let globals = ctx.globals();
    globals.set("__runner_schema", Function::new(ctx.clone(), validate)?)?;
    globals.set(
        "__runner_ajv_errors",
        Function::new(ctx.clone(), ajv_errors_js)?,
    )
}

/// `__runner_ajv_errors(schema, data, allErrors)` (taken away by the prelude): Ajv 6's
/// error objects, in the order Ajv finds them, only the first unless `allErrors`; an
/// invalid schema throws.
fn ajv_errors_js<'js>(
    ctx: Ctx<'js>,
    schema: Value<'js>,
    data: Value<'js>,
    all: bool,
) -> rquickjs::Result<Value<'js>> {
    let schema = convert::from_js(&ctx, schema)?;
    let data = convert::from_js(&ctx, data)?;
    let errors = ajv_errors(&schema, &data, all).map_err(|e| Exception::throw_message(&ctx, &e))?;
    convert::to_js(&ctx, &Json::Array(errors))
}

fn validate<'js>(
    ctx: Ctx<'js>,
    schema: Value<'js>,
    data: Value<'js>,
) -> rquickjs::Result<Vec<String>> {
    let schema = convert::from_js(&ctx, schema)?;
    let data = convert::from_js(&ctx, data)?;
    errors(&schema, &data).map_err(|e| Exception::throw_message(&ctx, &e))
}

fn validator(schema: &Json) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("schema is invalid: {e}"))
}

/// The errors of `data` against `schema`, or why the schema is invalid.
pub(super) fn errors(schema: &Json, data: &Json) -> Result<Vec<String>, String> {
    Ok(validator(schema)?
        .iter_errors(data)
        .map(|e| ajv_text(&e, schema))
        .collect())
}

/// Ajv 6's error objects (`keyword`, `dataPath`, `schemaPath`, `params`, `message`) in the
/// order Ajv 6 checks keywords; only the first unless `all` (Ajv's `allErrors`).
pub(super) fn ajv_errors(schema: &Json, data: &Json, all: bool) -> Result<Vec<Json>, String> {
    let mut found: Vec<(Vec<(usize, usize)>, Json)> = Vec::new();
    for e in validator(schema)?.iter_errors(data) {
        let order = ajv_order(&e, schema);
        let base = serde_json::json!({
            "keyword": e.kind().keyword(),
            "dataPath": data_path(&e),
            "schemaPath": format!("#{}", e.schema_path()),
            "params": {},
            "message": message(&e, schema),
        });
        for (params, message) in ajv_params(&e, schema, all) {
            let mut error = base.clone();
            error["params"] = params;
            if let Some(m) = message {
                error["message"] = Json::String(m);
            }
            found.push((order.clone(), error));
        }
    }
    // A stable sort: errors of one keyword keep the order the data gave them.
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut errors: Vec<Json> = found.into_iter().map(|(_, e)| e).collect();
    if !all {
        errors.truncate(1);
    }
    Ok(errors)
}

/// Where Ajv 6 checks the keyword that failed, segment by segment of the schema path:
/// `type` first, then its rules for numbers, strings, arrays and objects, then those for
/// any type; properties in the schema's order.
fn ajv_order(e: &ValidationError<'_>, schema: &Json) -> Vec<(usize, usize)> {
    const RULES: &[&str] = &[
        "type",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "multipleOf",
        "maxLength",
        "minLength",
        "pattern",
        "format",
        "maxItems",
        "minItems",
        "items",
        "additionalItems",
        "contains",
        "uniqueItems",
        "maxProperties",
        "minProperties",
        "required",
        "dependencies",
        "propertyNames",
        "additionalProperties",
        "patternProperties",
        "properties",
        "$ref",
        "const",
        "enum",
        "not",
        "anyOf",
        "oneOf",
        "allOf",
        "if",
        "then",
        "else",
    ];
    let mut order = Vec::new();
    let mut at = Some(schema);
    let mut keyword = true;
    for segment in e.schema_path().to_string().split('/').skip(1) {
        let name = segment.replace("~1", "/").replace("~0", "~");
        let node = at;
        at = match node {
            Some(Json::Object(map)) => map.get(&name),
            Some(Json::Array(items)) => name.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let rank = if keyword {
            RULES.iter().position(|r| *r == name).unwrap_or(RULES.len())
        } else {
            // A property's name, or an index under `items`/`allOf`: the schema's order.
            match node {
                Some(Json::Object(map)) => {
                    map.keys().position(|k| *k == name).unwrap_or(usize::MAX)
                }
                _ => name.parse().unwrap_or(usize::MAX),
            }
        };
        order.push((usize::from(!keyword), rank));
        // Under these keywords comes a name or an index, then a keyword again.
        keyword = !(keyword
            && matches!(
                name.as_str(),
                "properties"
                    | "patternProperties"
                    | "dependencies"
                    | "definitions"
                    | "allOf"
                    | "anyOf"
                    | "oneOf"
            )
            || keyword && name == "items" && at.is_some_and(Json::is_array));
    }
    order.extend(e.instance_path().into_iter().map(|s| match s {
        jsonschema::paths::LocationSegment::Index(i) => (2, i),
        jsonschema::paths::LocationSegment::Property(_) => (2, 0),
    }));
    order
}

/// Ajv 6's `params` of an error, and its message where it differs from [`message`]: one
/// error per additional property, and without `allErrors` a missing property named as a
/// path (`.email`), as Ajv 6 does.
fn ajv_params(e: &ValidationError<'_>, schema: &Json, all: bool) -> Vec<(Json, Option<String>)> {
    use ValidationErrorKind as K;
    use serde_json::json;
    let one = |params: Json| vec![(params, None)];
    let limit = |comparison: &str, limit: &Json, exclusive: bool| {
        one(json!({"comparison": comparison, "limit": limit, "exclusive": exclusive}))
    };
    match e.kind() {
        K::Type { .. } => {
            let text = message(e, schema);
            one(json!({"type": text.trim_start_matches("should be ")}))
        }
        K::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let name = if all { name } else { property_path(&name) };
            vec![(
                json!({"missingProperty": name}),
                Some(format!("should have required property '{name}'")),
            )]
        }
        K::AdditionalProperties { unexpected } | K::UnevaluatedProperties { unexpected } => {
            unexpected
                .iter()
                .map(|p| (json!({"additionalProperty": p}), None))
                .collect()
        }
        K::Minimum { limit: l } => limit(">=", l, false),
        K::Maximum { limit: l } => limit("<=", l, false),
        K::ExclusiveMinimum { limit: l } => limit(">", l, true),
        K::ExclusiveMaximum { limit: l } => limit("<", l, true),
        K::AdditionalItems { limit: l } => one(json!({"limit": l})),
        K::MinLength { limit: l }
        | K::MaxLength { limit: l }
        | K::MinItems { limit: l }
        | K::MaxItems { limit: l }
        | K::MinProperties { limit: l }
        | K::MaxProperties { limit: l } => one(json!({"limit": l})),
        K::Enum { options } => one(json!({"allowedValues": **options})),
        K::Constant { expected_value } => one(json!({"allowedValue": **expected_value})),
        K::Pattern { pattern } => one(json!({"pattern": pattern})),
        K::Format { format } => one(json!({"format": format})),
        K::MultipleOf { multiple_of } => one(json!({"multipleOf": multiple_of})),
        _ => one(json!({})),
    }
}

/// `.items[0].id`: where an error is in the data, as Ajv 6's `dataPath` writes it.
fn data_path(e: &ValidationError<'_>) -> String {
    let mut path = String::new();
    for segment in e.instance_path() {
        match segment {
            jsonschema::paths::LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
            jsonschema::paths::LocationSegment::Property(p) => path.push_str(&property_path(&p)),
        }
    }
    path
}

/// `.name` for a name JavaScript allows after a dot, else `['odd-key']`.
fn property_path(name: &str) -> String {
    let ident = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident {
        format!(".{name}")
    } else {
        format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// `data.items[0].id should be string`, as Ajv 6 words an error.
fn ajv_text(e: &ValidationError<'_>, schema: &Json) -> String {
    format!("data{} {}", data_path(e), message(e, schema))
}

fn message(e: &ValidationError<'_>, schema: &Json) -> String {
    use ValidationErrorKind as K;
    let number = |v: &Json| v.to_string();
    match e.kind() {
        K::Type { kind } => {
            // Several types in the schema's order, as Ajv lists them.
            let written = schema
                .pointer(&e.schema_path().to_string())
                .and_then(Json::as_array)
                .map(|types| {
                    types
                        .iter()
                        .filter_map(Json::as_str)
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                });
            let names: Vec<String> = match kind {
                TypeKind::Single(t) => vec![type_name(*t)],
                TypeKind::Multiple(set) => {
                    written.unwrap_or_else(|| set.iter().map(type_name).collect())
                }
            };
            format!("should be {}", names.join(","))
        }
        K::Required { property } => match property {
            Json::String(name) => format!("should have required property '{name}'"),
            other => format!("should have required property '{other}'"),
        },
        K::Minimum { limit } => format!("should be >= {}", number(limit)),
        K::Maximum { limit } => format!("should be <= {}", number(limit)),
        K::ExclusiveMinimum { limit } => format!("should be > {}", number(limit)),
        K::ExclusiveMaximum { limit } => format!("should be < {}", number(limit)),
        K::MinLength { limit } => format!("should NOT be shorter than {limit} characters"),
        K::MaxLength { limit } => format!("should NOT be longer than {limit} characters"),
        K::MinItems { limit } => format!("should NOT have fewer than {limit} items"),
        K::MaxItems { limit } => format!("should NOT have more than {limit} items"),
        K::AdditionalItems { limit } => format!("should NOT have more than {limit} items"),
        K::MinProperties { limit } => format!("should NOT have fewer than {limit} properties"),
        K::MaxProperties { limit } => format!("should NOT have more than {limit} properties"),
        K::Enum { .. } => "should be equal to one of the allowed values".to_string(),
        K::Constant { .. } => "should be equal to constant".to_string(),
        K::Pattern { pattern } => format!("should match pattern \"{pattern}\""),
        K::Format { format } => format!("should match format \"{format}\""),
        K::AdditionalProperties { .. } | K::UnevaluatedProperties { .. } => {
            "should NOT have additional properties".to_string()
        }
        K::UniqueItems => "should NOT have duplicate items".to_string(),
        K::MultipleOf { multiple_of } => format!("should be multiple of {multiple_of}"),
        K::AnyOf { .. } => "should match some schema in anyOf".to_string(),
        K::OneOfNotValid { .. } | K::OneOfMultipleValid { .. } => {
            "should match exactly one schema in oneOf".to_string()
        }
        K::Not { .. } => "should NOT be valid".to_string(),
        K::Contains => "should contain a valid item".to_string(),
        K::FalseSchema => "boolean schema is false".to_string(),
        _ => e.to_string(),
    }
}

fn type_name(t: JsonType) -> String {
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::{ajv_errors, errors};
    use serde_json::json;

    #[test]
    fn ajv_errors_come_in_ajvs_order_with_its_params() {
        let schema = json!({
            "properties": {
                "b": {"type": "string"},
                "odd-key": {"enum": [1, 2]},
                "a": {"minLength": 3, "type": "string"}
            },
            "required": ["z"],
            "maxProperties": 2
        });
        let data = json!({"a": "x", "odd-key": 3, "b": 1});
        let all = ajv_errors(&schema, &data, true).unwrap_or_default();
        let brief: Vec<(String, String, String)> = all
            .iter()
            .map(|e| {
                (
                    e["keyword"].as_str().unwrap_or_default().to_string(),
                    e["dataPath"].as_str().unwrap_or_default().to_string(),
                    e["params"].to_string(),
                )
            })
            .collect();
        let expected = [
            ("maxProperties", "", r#"{"limit":2}"#),
            ("required", "", r#"{"missingProperty":"z"}"#),
            ("type", ".b", r#"{"type":"string"}"#),
            ("enum", "['odd-key']", r#"{"allowedValues":[1,2]}"#),
            ("minLength", ".a", r#"{"limit":3}"#),
        ];
        let expected: Vec<(String, String, String)> = expected
            .iter()
            .map(|(k, p, q)| (k.to_string(), p.to_string(), q.to_string()))
            .collect();
        assert_eq!(brief, expected);
        let first = ajv_errors(&schema, &data, false).unwrap_or_default();
        assert_eq!(first.len(), 1);
        assert_eq!(first[0]["keyword"], "maxProperties");
        assert_eq!(ajv_errors(&schema, &json!({"z": 1}), true), Ok(vec![]));
    }

    #[test]
    fn errors_are_worded_as_ajv_words_them() {
        let schema = json!({
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "name": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
                "odd-key": {"enum": ["a", "b"]},
                "email": {"format": "email"},
                "kind": {"type": ["string", "null"]}
            },
            "additionalProperties": false
        });
        let data = json!({"id": 0, "tags": ["a", 2, "c"], "odd-key": "z", "email": "x", "kind": 1, "extra": true});
        let mut got = errors(&schema, &data).unwrap_or_default();
        got.sort();
        assert_eq!(
            got,
            [
                "data should NOT have additional properties",
                "data should have required property 'name'",
                "data.email should match format \"email\"",
                "data.id should be >= 1",
                "data.kind should be string,null",
                "data.tags should NOT have more than 2 items",
                "data.tags[1] should be string",
                "data['odd-key'] should be equal to one of the allowed values",
            ]
        );
        assert_eq!(errors(&schema, &json!({"id": 3, "name": "n"})), Ok(vec![]));
        assert!(
            errors(&json!({"type": 5}), &json!(1))
                .is_err_and(|e| e.starts_with("schema is invalid: "))
        );
    }
}
