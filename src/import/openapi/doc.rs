//! The OpenAPI document as a JSON tree: read from JSON or YAML, its version checked, and
//! its internal `$ref`s followed. A reference to another file is an error that names it.

use serde_json::Value;

use super::super::ImportError;

/// How many `$ref` hops are followed before a chain counts as a loop.
const MAX_HOPS: usize = 32;

/// A parsed OpenAPI document.
pub struct Doc {
    /// The document.
    pub root: Value,
    /// OpenAPI 3.0 (its schema dialect differs from JSON Schema 2020-12).
    pub v30: bool,
    /// The file as named on the command line.
    pub file: String,
}

impl Doc {
    /// Parses `text`: JSON when it starts with `{`, YAML otherwise.
    pub fn parse(file: &str, text: &str) -> Result<Doc, ImportError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let err = |file: String, message: String| ImportError { file, message };
        let root: Value = if text.trim_start().starts_with('{') {
            serde_json::from_str(text).map_err(|e| {
                let at = format!("{file}:{}:{}", e.line(), e.column());
                // serde_json stops at its 128th level of nesting, which protects the stack; the
                // text itself may be valid JSON.
                if e.to_string().starts_with("recursion limit exceeded") {
                    return err(
                        at,
                        "the document nests too deeply: runner reads up to 127 levels".to_string(),
                    );
                }
                err(at, format!("invalid JSON: {e}"))
            })?
        } else {
            // YAML 1.2 scalars, as OpenAPI documents are written: `on` stays a string.
            serde_saphyr::from_str_with_options(text, crate::collection::yaml_options(text.len()))
                .map_err(|e| {
                let at = e
                    .location()
                    .map(|l| format!("{file}:{}:{}", l.line(), l.column()))
                    .unwrap_or_else(|| file.to_string());
                let message = e.without_snippet().to_string();
                let first = message.lines().next().unwrap_or("");
                // The position is already in front: `error: line 5 column 13: unclosed ...`.
                let first = first.strip_prefix("error: ").unwrap_or(first);
                let first = match first.split_once(": ") {
                    Some((at, rest)) if at.starts_with("line ") => rest,
                    _ => first,
                };
                let first = match first.rsplit_once(" at line ") {
                    Some((m, _)) => m,
                    None => first,
                };
                err(at, format!("invalid YAML: {first}"))
            })?
        };
        let not_openapi = |why: &str| {
            err(
                file.to_string(),
                format!("not an OpenAPI 3.0 or 3.1 document: {why}"),
            )
        };
        let Some(obj) = root.as_object() else {
            return Err(not_openapi("the top level is not a map"));
        };
        let version = match obj.get("openapi") {
            Some(Value::String(v)) => v.clone(),
            Some(other) => other.to_string(),
            None if obj.contains_key("swagger") => {
                return Err(not_openapi(
                    "this is Swagger 2.0; convert it to OpenAPI 3 first (e.g. with swagger2openapi)",
                ));
            }
            None => return Err(not_openapi("it has no `openapi` version field")),
        };
        let v30 = version.starts_with("3.0");
        if !v30 && !version.starts_with("3.1") {
            return Err(not_openapi(&format!(
                "version `{version}` is not supported (3.0.x and 3.1.x are)"
            )));
        }
        if !obj.get("paths").is_none_or(Value::is_object) {
            return Err(not_openapi("`paths` is not a map"));
        }
        if let Some((at, reference)) = external_ref(&root, "") {
            return Err(err(
                file.to_string(),
                format!(
                    "external reference `{reference}` at `{}`: only references inside the document (`#/...`) are supported; bundle the specification into one file first",
                    if at.is_empty() { "/" } else { &at }
                ),
            ));
        }
        Ok(Doc {
            root,
            v30,
            file: file.to_string(),
        })
    }

    /// The node a `#/...` pointer names.
    pub fn pointer(&self, reference: &str) -> Result<&Value, ImportError> {
        let fragment = reference.strip_prefix('#').unwrap_or(reference);
        let decoded = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        self.root.pointer(&decoded).ok_or_else(|| ImportError {
            file: self.file.clone(),
            message: format!("`$ref: {reference}` points at nothing in the document"),
        })
    }

    /// `v` itself, or what its `$ref` (chain) points at.
    pub fn resolve<'a>(&'a self, v: &'a Value) -> Result<&'a Value, ImportError> {
        let mut cur = v;
        for _ in 0..MAX_HOPS {
            match cur.get("$ref").and_then(Value::as_str) {
                Some(r) => cur = self.pointer(r)?,
                None => return Ok(cur),
            }
        }
        Err(ImportError {
            file: self.file.clone(),
            message: format!(
                "`$ref` chain of more than {MAX_HOPS} references (a loop?) starting at {}",
                v.get("$ref").and_then(Value::as_str).unwrap_or("?")
            ),
        })
    }
}

/// The first `$ref` that leaves the document, with its JSON pointer.
fn external_ref(v: &Value, at: &str) -> Option<(String, String)> {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && !r.starts_with('#')
            {
                return Some((at.to_string(), r.clone()));
            }
            m.iter().find_map(|(k, c)| {
                external_ref(
                    c,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                )
            })
        }
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, c)| external_ref(c, &format!("{at}/{i}"))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::Doc;

    #[test]
    fn errors_name_the_problem() {
        let e = Doc::parse("s.yaml", "openapi: 3.0.0\npaths:\n  /a: [\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.starts_with("s.yaml:"), "{e}");
        assert!(e.contains("invalid YAML"), "{e}");
        let e = Doc::parse("s.yaml", "name: x\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(
            e,
            "s.yaml: not an OpenAPI 3.0 or 3.1 document: it has no `openapi` version field"
        );
        let e = Doc::parse(
            "s.json",
            r##"{"openapi":"3.1.0","paths":{"/a":{"get":{"responses":{"200":{"$ref":"common.yaml#/R"}}}}}}"##,
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
        assert!(
            e.contains("external reference `common.yaml#/R` at `/paths/~1a/get/responses/200`"),
            "{e}"
        );
    }

    #[test]
    fn ref_loops_stop() {
        let d = Doc::parse(
            "s.yaml",
            "openapi: 3.1.0\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
        );
        let Ok(d) = d else { panic!("parse") };
        let a = serde_json::json!({"$ref": "#/components/schemas/A"});
        assert!(d.resolve(&a).is_err());
    }
}
