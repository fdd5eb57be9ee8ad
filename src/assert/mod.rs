//! Assertions and captures: pure functions of a definition and a response. Never panics,
//! never does IO, never prints.

mod diff;
mod predicate;
mod scan;

use std::cell::{Cell, OnceCell};
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::collection::{AssertDef, CaptureDef, CaptureSource, JsonPathDef, Subject};
use crate::diagnostic::Span;

pub use predicate::{Check, Resolve};

/// The outcome of one predicate of one assertion.
#[derive(Debug, Clone)]
pub struct AssertOutcome {
    /// Where the assertion is written.
    pub span: Option<Span>,
    /// What was tested: `status`, `header content-type`, `$.items`, `body`, `duration`.
    pub subject: String,
    /// The result.
    pub check: Check,
    /// Its name: a script test's, or the `name:` of a matcher.
    pub name: Option<String>,
    /// A script test skipped with `pm.test.skip`: it neither held nor failed.
    pub skipped: bool,
}

/// The subject of a script's test (`pm.test`, `tests[...]`).
pub const TEST: &str = "test";

impl AssertOutcome {
    /// A script's test: `error` is why it failed.
    pub fn script_test(
        name: &str,
        passed: bool,
        skipped: bool,
        error: Option<&str>,
        span: Option<Span>,
    ) -> AssertOutcome {
        let actual = match (skipped, passed, error) {
            (true, _, _) => "skipped".to_string(),
            (false, true, _) => "passed".to_string(),
            (false, false, Some(e)) => e.to_string(),
            (false, false, None) => "failed".to_string(),
        };
        AssertOutcome {
            span,
            subject: TEST.to_string(),
            check: Check {
                passed: passed && !skipped,
                expected: "to pass".to_string(),
                actual,
                differences: Vec::new(),
                diff: None,
            },
            name: Some(name.to_string()),
            skipped,
        }
    }

    /// Whether it failed (a skipped test did not).
    pub fn failed(&self) -> bool {
        !self.skipped && !self.check.passed
    }

    /// One line: `status: expected 200, got 404`; a named assertion starts with its name
    /// (`Status is 200 (status): expected 200, got 404`), a script's test is its name and
    /// why it failed (`Status is 200: AssertionError: expected 404 to equal 200`).
    pub fn message(&self) -> String {
        message(
            &self.subject,
            self.name.as_deref(),
            &self.check.expected,
            &self.check.actual,
        )
    }
}

/// The one line of an assertion's outcome (see [`AssertOutcome::message`]).
pub fn message(subject: &str, name: Option<&str>, expected: &str, actual: &str) -> String {
    match name {
        Some(name) if subject == TEST => format!("{name}: {actual}"),
        Some(name) => format!("{name} ({subject}): expected {expected}, got {actual}"),
        None => format!("{subject}: expected {expected}, got {actual}"),
    }
}

/// Singular JSONPath queries a view answers by scanning the body before it parses the
/// document: a scan costs a fraction of a parse, which later queries share.
const SCANS_BEFORE_PARSE: u8 = 3;

/// The parts of the final response that assertions read. The body is parsed as JSON at
/// most once; singular queries (`$.items[0].id`) first only scan it.
pub struct ResponseView<'a> {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Body bytes.
    pub body: &'a [u8],
    /// Total time, redirects included.
    pub duration: Duration,
    json: OnceCell<Result<Value, String>>,
    scans: Cell<u8>,
}

impl<'a> ResponseView<'a> {
    /// A view of a response.
    pub fn new(status: u16, headers: &'a HeaderMap, body: &'a [u8], duration: Duration) -> Self {
        ResponseView {
            status,
            headers,
            body,
            duration,
            json: OnceCell::new(),
            scans: Cell::new(0),
        }
    }

    /// The body as JSON, or why it is not JSON.
    pub fn json(&self) -> Result<&Value, &str> {
        self.json
            .get_or_init(|| {
                if self.body.is_empty() {
                    return Err("the body is empty".to_string());
                }
                serde_json::from_slice(self.body).map_err(|e| format!("the body is not JSON ({e})"))
            })
            .as_ref()
            .map_err(String::as_str)
    }

    fn header(&self, name: &str) -> Option<Value> {
        let values: Vec<String> = self
            .headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        (!values.is_empty()).then(|| Value::String(values.join(", ")))
    }

    fn body_text(&self) -> Value {
        Value::String(String::from_utf8_lossy(self.body).into_owned())
    }

    fn query(&self, path: &JsonPathDef) -> Result<Option<Value>, String> {
        if self.json.get().is_none()
            && self.scans.get() < SCANS_BEFORE_PARSE
            && let Some(steps) = scan::steps(&path.query)
        {
            self.scans.set(self.scans.get() + 1);
            // A body the scan rejects is parsed below, for the same error as ever.
            if let Ok(text) = std::str::from_utf8(self.body)
                && let Ok(found) = scan::find(text, &steps)
            {
                return Ok(found);
            }
        }
        let doc = self.json().map_err(str::to_string)?;
        let nodes = jsonpath_rust::query::js_path_process(&path.query, doc)
            .map_err(|e| format!("JSONPath {} failed: {e}", path.src))?;
        Ok(match nodes.len() {
            0 => None,
            1 => Some(nodes[0].val.clone()),
            _ => Some(Value::Array(
                nodes.into_iter().map(|n| n.val.clone()).collect(),
            )),
        })
    }
}

/// Evaluates every predicate of `def`; one outcome each.
pub fn eval(def: &AssertDef, view: &ResponseView<'_>, resolve: Resolve<'_>) -> Vec<AssertOutcome> {
    let subject = def.subject.describe();
    let actual: Result<Option<Value>, String> = match &def.subject {
        Subject::Status => Ok(Some(Value::from(view.status))),
        Subject::Header(name) => Ok(view.header(name)),
        Subject::Json(path) => view.query(path),
        Subject::Body => Ok(Some(view.body_text())),
        Subject::Duration => Ok(Some(Value::from(view.duration.as_millis() as u64))),
    };
    let root = match &def.subject {
        Subject::Json(p) => p.src.clone(),
        _ => "$".to_string(),
    };
    def.predicates
        .iter()
        .map(|p| {
            let check = match &actual {
                Ok(v) => predicate::check(p, v.as_ref(), &root, resolve),
                Err(why) => Check {
                    passed: false,
                    expected: "a JSON body".into(),
                    actual: why.clone(),
                    differences: Vec::new(),
                    diff: None,
                },
            };
            AssertOutcome {
                span: def.span.clone(),
                subject: subject.clone(),
                check,
                name: def.name.clone(),
                skipped: false,
            }
        })
        .collect()
}

/// The value a capture takes from the response, or why there is none.
pub fn capture(def: &CaptureDef, view: &ResponseView<'_>) -> Result<Value, String> {
    match &def.source {
        CaptureSource::Json(path) => view
            .query(path)?
            .ok_or_else(|| format!("{} matched nothing", path.src)),
        CaptureSource::Header(name) => view
            .header(name)
            .ok_or_else(|| format!("no header {name} in the response")),
        CaptureSource::Regex(re) => {
            let text = String::from_utf8_lossy(view.body);
            let caps = re
                .captures(&text)
                .ok_or_else(|| format!("/{}/ found nothing in the body", re.as_str()))?;
            let m = caps.get(1).or_else(|| caps.get(0));
            Ok(Value::String(
                m.map(|m| m.as_str().to_string()).unwrap_or_default(),
            ))
        }
        CaptureSource::Status => Ok(Value::from(view.status)),
        CaptureSource::Body => Ok(view.body_text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::Predicate;
    use serde_json::json;
    use std::sync::Arc;

    fn path(s: &str) -> JsonPathDef {
        JsonPathDef {
            src: s.into(),
            query: Arc::new(jsonpath_rust::parser::parse_json_path(s).unwrap()),
        }
    }

    fn id(v: &Value) -> Result<Value, String> {
        Ok(v.clone())
    }

    #[test]
    fn jsonpath_one_many_none() {
        let headers = HeaderMap::new();
        let body = br#"{"items":[{"id":1,"s":"OK"},{"id":2,"s":"FAILED"}]}"#;
        let view = ResponseView::new(200, &headers, body, Duration::from_millis(5));
        let def = |p: &str, pred| AssertDef {
            span: None,
            subject: Subject::Json(path(p)),
            predicates: vec![pred],
            name: None,
        };
        let out = eval(
            &def("$.items[1].s", Predicate::Equals(json!("OK"))),
            &view,
            &id,
        );
        assert_eq!(
            out[0].message(),
            "$.items[1].s: expected \"OK\", got \"FAILED\""
        );
        let out = eval(
            &def("$.items[*].id", Predicate::Equals(json!([1, 2]))),
            &view,
            &id,
        );
        assert!(out[0].check.passed);
        let out = eval(&def("$.nope", Predicate::Exists(false)), &view, &id);
        assert!(out[0].check.passed);
    }

    #[test]
    fn scanned_and_parsed_answers_agree() {
        let headers = HeaderMap::new();
        let body = br#"{"items":[{"id":1,"s":"OK"},{"id":2,"s":"FAILED"}],"n":2}"#;
        let view = ResponseView::new(200, &headers, body, Duration::ZERO);
        // More singular queries than the view scans, then one that needs the parse.
        let paths = [
            "$.n",
            "$.items[1].s",
            "$.nope",
            "$.items[0]",
            "$.items[1].id",
            "$.items[*].id",
            "$.n",
        ];
        let answers: Vec<_> = paths.iter().map(|p| view.query(&path(p))).collect();
        assert_eq!(
            answers,
            vec![
                Ok(Some(json!(2))),
                Ok(Some(json!("FAILED"))),
                Ok(None),
                Ok(Some(json!({"id": 1, "s": "OK"}))),
                Ok(Some(json!(2))),
                Ok(Some(json!([1, 2]))),
                Ok(Some(json!(2))),
            ]
        );
    }

    #[test]
    fn non_json_body_fails_json_assertions() {
        let headers = HeaderMap::new();
        let view = ResponseView::new(200, &headers, b"<html>", Duration::ZERO);
        let def = AssertDef {
            span: None,
            subject: Subject::Json(path("$.a")),
            predicates: vec![Predicate::Exists(true)],
            name: None,
        };
        let out = eval(&def, &view, &id);
        assert!(!out[0].check.passed);
        assert!(
            out[0].check.actual.starts_with("the body is not JSON"),
            "{}",
            out[0].check.actual
        );
        // Invalid UTF-8 in a string the query does not select.
        let body = b"{\"a\":1,\"b\":\"\xff\"}";
        let view = ResponseView::new(200, &headers, body, Duration::ZERO);
        let out = eval(&def, &view, &id);
        assert!(!out[0].check.passed);
        assert_eq!(
            out[0].check.actual,
            "the body is not JSON (invalid unicode code point at line 1 column 13)"
        );
    }

    #[test]
    fn captures_by_regex_and_header() {
        let mut headers = HeaderMap::new();
        headers.insert("etag", "\"v1\"".parse().unwrap());
        let view = ResponseView::new(200, &headers, b"sid=abc123; x", Duration::ZERO);
        let re = CaptureDef {
            name: "s".into(),
            span: None,
            source: CaptureSource::Regex(regex::Regex::new(r"sid=(\w+)").unwrap()),
        };
        assert_eq!(capture(&re, &view), Ok(json!("abc123")));
        let h = CaptureDef {
            name: "e".into(),
            span: None,
            source: CaptureSource::Header("etag".into()),
        };
        assert_eq!(capture(&h, &view), Ok(json!("\"v1\"")));
    }
}
