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
    ctx.globals()
        .set("__runner_schema", Function::new(ctx.clone(), validate)?)
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

/// The errors of `data` against `schema`, or why the schema is invalid.
pub(super) fn errors(schema: &Json, data: &Json) -> Result<Vec<String>, String> {
    let validator = jsonschema::options()
        .with_draft(Draft::Draft7)
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| format!("schema is invalid: {e}"))?;
    Ok(validator
        .iter_errors(data)
        .map(|e| ajv_text(&e, schema))
        .collect())
}

/// `data.items[0].id should be string`, as Ajv 6 words an error.
fn ajv_text(e: &ValidationError<'_>, schema: &Json) -> String {
    let mut path = String::from("data");
    for segment in e.instance_path() {
        match segment {
            jsonschema::paths::LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
            jsonschema::paths::LocationSegment::Property(p) => {
                let ident = p
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
                if ident {
                    path.push('.');
                    path.push_str(&p);
                } else {
                    path.push_str(&format!(
                        "['{}']",
                        p.replace('\\', "\\\\").replace('\'', "\\'")
                    ));
                }
            }
        }
    }
    format!("{path} {}", message(e, schema))
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
    use super::errors;
    use serde_json::json;

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
