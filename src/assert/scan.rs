//! Singular JSONPath queries (member names and non-negative indexes only, such as
//! `$.items[0].id`) answered while scanning the body, without building the document.
//!
//! The scan reads the whole body through the same deserializer as a full parse, so it
//! accepts exactly the documents a full parse accepts (strings, escapes, number ranges,
//! nesting depth, trailing characters; the caller checks UTF-8 once for the whole body),
//! and the selected node is built by that deserializer too. Duplicate keys resolve as in a
//! parsed document: the last one wins. When the scan fails, the caller parses the body
//! fully and reports that error.

use std::fmt;

use jsonpath_rust::parser::model::{JpQuery, Segment, Selector};
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// One step of a singular query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'q> {
    /// A member of an object.
    Name(&'q str),
    /// An element of an array, counted from 0.
    Index(usize),
}

/// The steps of `query` when it is singular and not the bare root `$`.
pub fn steps(query: &JpQuery) -> Option<Vec<Step<'_>>> {
    if query.segments.is_empty() {
        return None;
    }
    query
        .segments
        .iter()
        .map(|segment| match segment {
            Segment::Selector(Selector::Name(name)) => Some(Step::Name(name)),
            Segment::Selector(Selector::Index(i)) => usize::try_from(*i).ok().map(Step::Index),
            _ => None,
        })
        .collect()
}

/// The node `steps` select in the JSON document `body`, or the parse error.
pub fn find(body: &str, steps: &[Step<'_>]) -> Result<Option<Value>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(body);
    let found = Find(steps).deserialize(&mut de)?;
    de.end()?;
    Ok(found)
}

/// Follows the remaining steps through one value.
struct Find<'s, 'q>(&'s [Step<'q>]);

impl<'de> DeserializeSeed<'de> for Find<'_, '_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        match self.0.split_first() {
            None => Value::deserialize(d).map(Some),
            Some((step, rest)) => d.deserialize_any(FindVisitor { step: *step, rest }),
        }
    }
}

struct FindVisitor<'s, 'q> {
    step: Step<'q>,
    rest: &'s [Step<'q>],
}

impl<'de> Visitor<'de> for FindVisitor<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    // A step into a scalar selects nothing.
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        if let Step::Index(wanted) = self.step {
            let mut i = 0;
            while i < wanted && seq.next_element::<Skip>()?.is_some() {
                i += 1;
            }
            if i == wanted {
                found = seq.next_element_seed(Find(self.rest))?.flatten();
            }
        }
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(found)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = None;
        let wanted = match self.step {
            Step::Name(name) => Some(name),
            Step::Index(_) => None,
        };
        while let Some(matched) = map.next_key_seed(KeyIs(wanted))? {
            if matched {
                found = map.next_value_seed(Find(self.rest))?;
            } else {
                map.next_value::<Skip>()?;
            }
        }
        Ok(found)
    }
}

/// Reads an object key; whether it is the wanted one.
struct KeyIs<'q>(Option<&'q str>);

impl<'de> DeserializeSeed<'de> for KeyIs<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIs<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, key: &str) -> Result<bool, E> {
        Ok(self.0 == Some(key))
    }
}

/// Any JSON value, checked as a full parse checks it and then dropped.
struct Skip;

impl<'de> Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Skip, D::Error> {
        d.deserialize_any(Skip)
    }
}

impl<'de> Visitor<'de> for Skip {
    type Value = Skip;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_str<E>(self, _: &str) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_unit<E>(self) -> Result<Skip, E> {
        Ok(Skip)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Skip, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Skip)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Skip, A::Error> {
        while map.next_key_seed(KeyIs(None))?.is_some() {
            map.next_value::<Skip>()?;
        }
        Ok(Skip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan agrees with a full parse and the query engine: same node, or both fail.
    fn same_as_full_parse(body: &str, path: &str) {
        let query = jsonpath_rust::parser::parse_json_path(path).unwrap();
        let steps = steps(&query).expect("singular");
        let full: Result<Value, _> = serde_json::from_str(body);
        let scanned = find(body, &steps);
        match full {
            Ok(doc) => {
                let nodes = jsonpath_rust::query::js_path_process(&query, &doc).unwrap();
                let expected = nodes.first().map(|n| n.val.clone());
                assert!(nodes.len() <= 1);
                let got = scanned.unwrap_or_else(|e| panic!("{path} on {body}: {e}"));
                assert_eq!(got, expected, "{path} on {body}");
                if let Some(v) = got {
                    // Same member order as the parsed document, not only equal.
                    assert_eq!(v.to_string(), expected.unwrap().to_string());
                }
            }
            Err(_) => assert!(scanned.is_err(), "{path} on {body} should fail"),
        }
    }

    #[test]
    fn only_names_and_non_negative_indexes_are_singular() {
        let q = |p: &str| jsonpath_rust::parser::parse_json_path(p).unwrap();
        assert_eq!(
            steps(&q("$.a[2]['b c']")),
            Some(vec![Step::Name("a"), Step::Index(2), Step::Name("b c")])
        );
        for p in [
            "$",
            "$.a[-1]",
            "$.a[*]",
            "$..a",
            "$.a[0,1]",
            "$.a[0:2]",
            "$.a[?@.b]",
            "$['a','b']",
        ] {
            assert_eq!(steps(&q(p)), None, "{p}");
        }
    }

    #[test]
    fn selects_what_the_query_engine_selects() {
        let doc = r#"{"items":[{"id":1,"status":"OK","tags":["a","b"]},{"id":2,"status":"FAILED","n":null}],
            "totalResults":2,"nested":{"deep":{"x":[[1,2],[3,{"y":"z"}]]}},"esc\"aped":"\u00e9\n",
            "big":18446744073709551615,"neg":-5,"float":1.5e3,"t":true,"dup":1,"dup":{"k":"last"}}"#;
        for path in [
            "$.totalResults",
            "$.items",
            "$.items[0]",
            "$.items[1].status",
            "$.items[0].tags[1]",
            "$.items[2]",
            "$.items[1].n",
            "$.items[1].n.x",
            "$.items.id",
            "$.totalResults.x",
            "$.totalResults[0]",
            "$.nested.deep.x[1][1].y",
            "$.nested.deep.x[5][0]",
            "$['esc\"aped']",
            "$.big",
            "$.neg",
            "$.float",
            "$.t",
            "$.dup",
            "$.dup.k",
            "$.missing",
            "$[0]",
        ] {
            same_as_full_parse(doc, path);
        }
        same_as_full_parse("[10,[20,30]]", "$[1][0]");
        same_as_full_parse("[10,[20,30]]", "$.a");
        same_as_full_parse("\"text\"", "$.a");
        same_as_full_parse("{\"a\":1,\"a\":2}", "$.a");
        same_as_full_parse("{\"a\":{\"b\":1},\"a\":3}", "$.a.b");
    }

    #[test]
    fn rejects_what_a_full_parse_rejects() {
        for body in [
            "",
            "   ",
            "<html>",
            "{\"a\":1",
            "{\"a\":1} trailing",
            "{\"a\":1,\"b\":1e400}",
            "{\"a\":1,\"b\":\"\\ud800\"}",
            "{\"a\":1,\"b\":\"\\x\"}",
            "{\"a\":1,\"b\":[1,]}",
            "{\"a\":1,2:3}",
            "{\"a\":1,\"b\":\"tab\there\"}",
            "{\"a\":1,\"b\":01}",
            "{\"a\":1,\"b\":nul}",
        ] {
            same_as_full_parse(body, "$.a");
        }
        let deep = format!("{{\"a\":1,\"b\":{}{}}}", "[".repeat(200), "]".repeat(200));
        same_as_full_parse(&deep, "$.a");
    }
}
