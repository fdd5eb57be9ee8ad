//! Postman test-script idioms → `expect:` and `capture:`. A script is translated only when
//! every statement of it is understood; otherwise it is kept, whole, as a script.

use std::collections::HashMap;
use std::sync::OnceLock;

use indexmap::IndexMap;
use regex::{Captures, Regex};
use serde_json::{Map, Value, json};

use super::js::{Kind, Token, compact, statements, string_value, tokens};

/// One declarative check: matcher keys (`equals`, `exists`, ...) and the name of the
/// `pm.test` it came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matcher {
    pub checks: Map<String, Value>,
    pub name: Option<String>,
}

impl Matcher {
    fn new(key: &str, value: Value, name: Option<&str>) -> Matcher {
        let mut checks = Map::new();
        checks.insert(key.into(), value);
        Matcher {
            checks,
            name: name.map(String::from),
        }
    }

    /// The matcher as YAML: a bare scalar for an unnamed `equals`, a map otherwise.
    pub fn to_value(&self) -> Value {
        if self.name.is_none()
            && self.checks.len() == 1
            && let Some(v) = self.checks.get("equals")
            && !v.is_object()
        {
            return v.clone();
        }
        let mut m = self.checks.clone();
        if let Some(n) = &self.name {
            m.insert("name".into(), json!(n));
        }
        Value::Object(m)
    }

    /// Adds `other`'s checks; `None` when a check or the name disagrees.
    fn merge(&mut self, other: Matcher) -> Option<()> {
        match (&self.name, other.name) {
            (Some(a), Some(b)) if *a != b => return None,
            (None, Some(b)) => self.name = Some(b),
            _ => {}
        }
        for (k, v) in other.checks {
            match self.checks.get(&k) {
                Some(old) if *old != v => return None,
                _ => {
                    self.checks.insert(k, v);
                }
            }
        }
        Some(())
    }
}

/// What a test script says, in runner's terms.
#[derive(Debug, Default)]
pub struct Translation {
    /// The status check (`equals` one code or `in` a list).
    pub status: Option<Matcher>,
    /// Header name → matcher.
    pub headers: IndexMap<String, Matcher>,
    /// JSONPath → matcher.
    pub json: IndexMap<String, Matcher>,
    /// The body check.
    pub body: Option<Matcher>,
    /// The response time check.
    pub duration: Option<Matcher>,
    /// Postman variable name → capture (a JSONPath string or `{header: X}`).
    pub captures: IndexMap<String, Value>,
}

fn add(slot: &mut Option<Matcher>, m: Matcher) -> Option<()> {
    match slot {
        Some(old) => old.merge(m),
        None => {
            *slot = Some(m);
            Some(())
        }
    }
}

fn add_at(map: &mut IndexMap<String, Matcher>, key: String, m: Matcher) -> Option<()> {
    match map.get_mut(&key) {
        Some(old) => old.merge(m),
        None => {
            map.insert(key, m);
            Some(())
        }
    }
}

/// A built-in pattern, compiled on first use. One that does not compile (a mistake in this
/// file, which the unit tests catch) matches nothing, so the script it would have translated
/// is kept as a script: never a panic in a user's import.
struct Pattern {
    src: &'static str,
    /// Whole statement (`^(?:…)$`, with `STR` and `CODE` expanded) or, unanchored, as written.
    anchored: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    const fn new(src: &'static str, anchored: bool) -> Pattern {
        Pattern {
            src,
            anchored,
            compiled: OnceLock::new(),
        }
    }

    fn regex(&self) -> Option<&Regex> {
        self.compiled
            .get_or_init(|| {
                if !self.anchored {
                    return Regex::new(self.src).ok();
                }
                let s = self
                    .src
                    .replace("STR", r#""(?:[^"\\]|\\.)*""#)
                    .replace("CODE", r"(?:pm\.response\.code|responseCode\.code)");
                Regex::new(&format!("^(?:{s})$")).ok()
            })
            .as_ref()
    }

    fn captures<'h>(&self, text: &'h str) -> Option<Captures<'h>> {
        self.regex()?.captures(text)
    }

    fn is_match(&self, text: &str) -> bool {
        self.regex().is_some_and(|r| r.is_match(text))
    }

    fn captures_iter<'p, 'h>(&'p self, text: &'h str) -> impl Iterator<Item = Captures<'h>> + 'p
    where
        'h: 'p,
    {
        self.regex()
            .into_iter()
            .flat_map(move |r| r.captures_iter(text))
    }
}

macro_rules! pattern {
    ($name:ident, $s:expr) => {
        static $name: Pattern = Pattern::new($s, true);
    };
}

pattern!(
    STATUS,
    r"pm\.response\.to\.have\.status\((\d{3})\)|pm\.expect\(CODE\)\.to\.(?:eql|equal|eq|be\.equal|be\.eql)\((\d{3})\)"
);
pattern!(OK, r"pm\.response\.to\.be\.ok(?:\(\))?");
pattern!(ONE_OF, r"pm\.expect\(CODE\)\.to\.be\.oneOf\(\[([\d,]+)\]\)");
pattern!(HEADER, r"pm\.response\.to\.have\.header\((STR)\)");
pattern!(
    HEADER_VALUE,
    r"pm\.response\.to\.have\.header\((STR),(STR)\)"
);
pattern!(
    IS_JSON,
    r"pm\.response\.to\.(?:be\.json|have\.jsonBody\(\))"
);
pattern!(
    BODY_HAS,
    r"pm\.expect\((?:pm\.response\.text\(\)|responseBody)\)\.to\.(?:include|contain|have\.string)\((STR)\)"
);
pattern!(
    DURATION,
    r"pm\.expect\((?:pm\.response\.responseTime|responseTime)\)\.to\.be\.(?:below|lessThan)\((\d+)\)"
);
pattern!(
    SET,
    r"(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\((STR),(.+)\)"
);
pattern!(EXPECT, r"pm\.expect\((.+?)\)\.to\.(.+)");
pattern!(ALIAS, r"(?:(?:var|let|const) )?([A-Za-z_$][\w$]*)=(.+)");
// The right-hand side of a legacy `tests["name"] = …`.
pattern!(LEGACY, r"tests\[(STR)\]=(.+)");
pattern!(L_STATUS, r"\(?CODE===?(\d{3})\)?");
pattern!(
    L_HEADER,
    r"\(?(?:postman\.getResponseHeader|pm\.response\.headers\.has)\((STR)\)\)?"
);
pattern!(L_BODY, r"\(?responseBody\.(?:has|includes)\((STR)\)\)?");
pattern!(L_DURATION, r"\(?responseTime<(\d+)\)?");
pattern!(IN, r"\(?(STR)in (.+?)\)?");
pattern!(L_HAS, r"\(?(.+?)\.has\((STR)\)\)?");
pattern!(L_OWN, r"\(?(.+?)\.hasOwnProperty\((STR)\)\)?");
pattern!(EQ, r"\(?(.+?)===?(.+?)\)?");
pattern!(
    SOURCE,
    r#"(pm\.response\.json\(\)|JSON\.parse\(responseBody\)|JSON\.parse\(pm\.response\.text\(\)\)|(?:pm\.response\.headers\.get|postman\.getResponseHeader)\((STR)\)|[A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\[STR\])*)"#
);
/// One member of a path (not anchored: it walks the members one by one).
static MEMBER: Pattern = Pattern::new(
    r#"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]"#,
    false,
);

/// Where a value in a script comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    /// A JSONPath into the response body.
    Json(String),
    /// A response header.
    Header(String),
}

fn unquote(lit: &str) -> Option<String> {
    serde_json::from_str(lit).ok()
}

/// A JSONPath member: dotted when it is a plain identifier, bracketed otherwise.
fn member(path: &mut String, name: &str) {
    let plain = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        path.push('.');
        path.push_str(name);
    } else {
        path.push_str(&format!(
            "['{}']",
            name.replace('\\', "\\\\").replace('\'', "\\'")
        ));
    }
}

/// A JavaScript expression reading the response (`data.items[0]["x-id"]`), if it is one.
fn source(expr: &str, aliases: &HashMap<String, Source>) -> Option<Source> {
    let c = SOURCE.captures(expr)?;
    let base = &c[1];
    let mut out = if let Some(h) = c.get(2) {
        Source::Header(unquote(h.as_str())?)
    } else if base.ends_with(')') {
        Source::Json("$".into())
    } else {
        aliases.get(base)?.clone()
    };
    let members = c.get(3).map_or("", |m| m.as_str());
    if members.is_empty() {
        return Some(out);
    }
    let Source::Json(path) = &mut out else {
        return None;
    };
    for m in MEMBER.captures_iter(members) {
        if let Some(n) = m.get(1) {
            // `.length` is a count in JavaScript, a key in JSONPath.
            if n.as_str() == "length" {
                return None;
            }
            member(path, n.as_str());
        } else if let Some(i) = m.get(2) {
            path.push_str(&format!("[{}]", i.as_str()));
        } else if let Some(s) = m.get(3) {
            let key = unquote(s.as_str())?;
            if key == "length" {
                return None;
            }
            member(path, &key);
        }
    }
    Some(out)
}

fn value(s: &str) -> Option<Value> {
    serde_json::from_str(s).ok()
}

/// A `pm.test("name", function () { … })` / arrow form: its name and body tokens.
fn pm_test<'t, 'a>(st: &'t [Token<'a>]) -> Option<(String, &'t [Token<'a>], bool)> {
    let text = |i: usize| st.get(i).map(|t| t.text);
    if (text(0), text(1), text(2), text(3)) != (Some("pm"), Some("."), Some("test"), Some("(")) {
        return None;
    }
    let name = st.get(4).filter(|t| t.kind == Kind::Str)?;
    let name = string_value(name.text)?;
    if text(5) != Some(",") || text(st.len() - 1) != Some(")") {
        return None;
    }
    let mut i = 6;
    if text(i) == Some("function") {
        i += 1;
        if st.get(i).is_some_and(|t| t.kind == Kind::Ident) {
            i += 1;
        }
        if (text(i), text(i + 1)) != (Some("("), Some(")")) {
            return None;
        }
        i += 2;
    } else if (text(i), text(i + 1), text(i + 2)) == (Some("("), Some(")"), Some("=>")) {
        i += 3;
    } else {
        return None;
    }
    let last = st.len() - 1;
    if text(i) == Some("{") && text(last - 1) == Some("}") {
        // The brace must close at the end, not earlier (`() => {}.x`).
        let mut depth = 0usize;
        for (j, t) in st.iter().enumerate().take(last).skip(i) {
            if t.kind == Kind::Punct {
                match t.text {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 && j != last - 1 {
                            return None;
                        }
                    }
                    _ => {}
                }
            }
        }
        return Some((name, &st[i + 1..last - 1], true));
    }
    // An arrow function with an expression body.
    (i < last).then(|| (name, &st[i..last], false))
}

struct Translator {
    t: Translation,
    aliases: HashMap<String, Source>,
}

impl Translator {
    fn statements(&mut self, toks: &[Token<'_>], name: Option<&str>) -> Option<()> {
        let list = statements(toks);
        if list.is_empty() && name.is_some() {
            // An empty `pm.test` is a passing test with nothing to translate it into.
            return None;
        }
        for st in list {
            if let Some((n, body, _)) = pm_test(st) {
                if name.is_some() {
                    return None;
                }
                self.statements(body, Some(&n))?;
            } else {
                self.statement(&compact(st), name)?;
            }
        }
        Some(())
    }

    fn statement(&mut self, s: &str, name: Option<&str>) -> Option<()> {
        if let Some(c) = LEGACY.captures(s) {
            if name.is_some() {
                return None;
            }
            let n = unquote(&c[1])?;
            return self.legacy(&c[2], &n);
        }
        let t = &mut self.t;
        if let Some(c) = STATUS.captures(s) {
            let code: u16 = c.iter().skip(1).flatten().next()?.as_str().parse().ok()?;
            return add(&mut t.status, Matcher::new("equals", json!(code), name));
        }
        if OK.is_match(s) {
            return add(&mut t.status, Matcher::new("equals", json!(200), name));
        }
        if let Some(c) = ONE_OF.captures(s) {
            let codes: Vec<u16> = c[1]
                .split(',')
                .map(|s| s.parse().ok())
                .collect::<Option<_>>()?;
            return add(&mut t.status, Matcher::new("in", json!(codes), name));
        }
        if let Some(c) = HEADER_VALUE.captures(s) {
            let m = Matcher::new("equals", json!(unquote(&c[2])?), name);
            return add_at(&mut t.headers, unquote(&c[1])?, m);
        }
        if let Some(c) = HEADER.captures(s) {
            let m = Matcher::new("exists", json!(true), name);
            return add_at(&mut t.headers, unquote(&c[1])?, m);
        }
        if IS_JSON.is_match(s) {
            let m = Matcher::new("contains", json!("json"), name);
            return add_at(&mut t.headers, "content-type".into(), m);
        }
        if let Some(c) = BODY_HAS.captures(s) {
            let m = Matcher::new("contains", json!(unquote(&c[1])?), name);
            return add(&mut t.body, m);
        }
        if let Some(c) = DURATION.captures(s) {
            let ms: u64 = c[1].parse().ok()?;
            return add(&mut t.duration, Matcher::new("lt", json!(ms), name));
        }
        if let Some(c) = SET.captures(s) {
            let var = unquote(&c[1])?;
            let capture = match source(&c[2], &self.aliases)? {
                Source::Json(p) => json!(p),
                Source::Header(h) => json!({ "header": h }),
            };
            if self.t.captures.get(&var).is_some_and(|old| *old != capture) {
                return None;
            }
            self.t.captures.insert(var, capture);
            return Some(());
        }
        if let Some(c) = EXPECT.captures(s) {
            let src = source(&c[1], &self.aliases)?;
            return self.expect(src, &c[2], name);
        }
        if let Some(c) = ALIAS.captures(s) {
            let src = source(&c[2], &self.aliases)?;
            self.aliases.insert(c[1].to_string(), src);
            return Some(());
        }
        None
    }

    /// `tests["name"] = <expression>`.
    fn legacy(&mut self, expr: &str, name: &str) -> Option<()> {
        let n = Some(name);
        let t = &mut self.t;
        if let Some(c) = L_STATUS.captures(expr) {
            let code: u16 = c[1].parse().ok()?;
            return add(&mut t.status, Matcher::new("equals", json!(code), n));
        }
        if let Some(c) = L_HEADER.captures(expr) {
            let m = Matcher::new("exists", json!(true), n);
            return add_at(&mut t.headers, unquote(&c[1])?, m);
        }
        if let Some(c) = L_BODY.captures(expr) {
            let m = Matcher::new("contains", json!(unquote(&c[1])?), n);
            return add(&mut t.body, m);
        }
        if let Some(c) = L_DURATION.captures(expr) {
            let ms: u64 = c[1].parse().ok()?;
            return add(&mut t.duration, Matcher::new("lt", json!(ms), n));
        }
        if let Some(c) = IN.captures(expr) {
            let Source::Json(mut path) = source(&c[2], &self.aliases)? else {
                return None;
            };
            member(&mut path, &unquote(&c[1])?);
            return add_at(
                &mut self.t.json,
                path,
                Matcher::new("exists", json!(true), n),
            );
        }
        if let Some(c) = L_OWN.captures(expr) {
            let src = source(&c[1], &self.aliases)?;
            return self.expect(src, &format!("have.property({})", &c[2]), n);
        }
        if let Some(c) = L_HAS.captures(expr) {
            let src = source(&c[1], &self.aliases)?;
            return self.expect(src, &format!("include({})", &c[2]), n);
        }
        if let Some(c) = EQ.captures(expr) {
            let src = source(&c[1], &self.aliases)?;
            return self.expect(src, &format!("eql({})", &c[2]), n);
        }
        None
    }

    /// `pm.expect(<source>).to.<chain>`.
    fn expect(&mut self, src: Source, chain: &str, name: Option<&str>) -> Option<()> {
        let (key, v) = chain_matcher(chain)?;
        match src {
            Source::Json(path) => {
                let (path, key, v) = match key {
                    "property" => {
                        let (prop, v) = v;
                        let mut p = path;
                        member(&mut p, &prop);
                        match v {
                            Some(v) => (p, "equals", v),
                            None => (p, "exists", json!(true)),
                        }
                    }
                    _ => (path, key, v.1?),
                };
                add_at(&mut self.t.json, path, Matcher::new(key, v, name))
            }
            Source::Header(h) => {
                let v = v.1?;
                if !matches!(key, "equals" | "contains") || !v.is_string() {
                    return None;
                }
                add_at(&mut self.t.headers, h, Matcher::new(key, v, name))
            }
        }
    }
}

pattern!(
    CHAIN_EQ,
    r"(?:eql|equal|eq|be\.equal|be\.eql|deep\.equal|deep\.eql)\((.+)\)"
);
pattern!(
    CHAIN_PROP,
    r"have\.(?:property|ownProperty)\((STR)(?:,(.+))?\)"
);
pattern!(CHAIN_TYPE, r"be\.(?:a|an)\((STR)\)");
pattern!(CHAIN_LITERAL, r"be\.(true|false|null)");
pattern!(
    CHAIN_INCLUDE,
    r"(?:include|contain|have\.string)\((STR|-?[\d.]+)\)"
);
pattern!(CHAIN_LENGTH, r"have\.(?:lengthOf|length)\((\d+)\)");
pattern!(
    CHAIN_CMP,
    r"be\.(above|greaterThan|below|lessThan|at\.least|at\.most)\((-?\d+(?:\.\d+)?)\)"
);

/// The matcher a Chai chain stands for: key and value; `property` carries the property
/// name and an optional value.
fn chain_matcher(chain: &str) -> Option<(&'static str, (String, Option<Value>))> {
    let one = |k: &'static str, v: Option<Value>| Some((k, (String::new(), Some(v?))));
    if chain == "exist" || chain == "not.be.undefined" {
        return one("exists", Some(json!(true)));
    }
    if let Some(c) = CHAIN_EQ.captures(chain) {
        return one("equals", value(&c[1]));
    }
    if let Some(c) = CHAIN_PROP.captures(chain) {
        let v = match c.get(2) {
            Some(v) => Some(value(v.as_str())?),
            None => None,
        };
        return Some(("property", (unquote(&c[1])?, v)));
    }
    if let Some(c) = CHAIN_TYPE.captures(chain) {
        let t = unquote(&c[1])?.to_ascii_lowercase();
        let known = ["string", "number", "boolean", "array", "object", "null"];
        return one("type", known.contains(&t.as_str()).then(|| json!(t)));
    }
    if let Some(c) = CHAIN_LITERAL.captures(chain) {
        return one("equals", value(&c[1]));
    }
    if let Some(c) = CHAIN_INCLUDE.captures(chain) {
        return one("contains", value(&c[1]));
    }
    if let Some(c) = CHAIN_LENGTH.captures(chain) {
        return one("length", value(&c[1]));
    }
    if let Some(c) = CHAIN_CMP.captures(chain) {
        let key = match &c[1] {
            "above" | "greaterThan" => "gt",
            "below" | "lessThan" => "lt",
            "at.least" => "gte",
            _ => "lte",
        };
        return one(key, value(&c[2]));
    }
    None
}

/// Translates one test script; `None` when any statement of it has no declarative form.
pub fn translate(text: &str) -> Option<Translation> {
    let toks = tokens(text);
    // Regular expressions and template literals have no declarative form here.
    if toks
        .iter()
        .any(|t| matches!(t.kind, Kind::Regex | Kind::Template))
    {
        return None;
    }
    let mut tr = Translator {
        t: Translation::default(),
        aliases: HashMap::new(),
    };
    tr.statements(&toks, None)?;
    Some(tr.t)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{Translation, translate};

    /// A pattern that does not compile matches nothing instead of panicking.
    #[test]
    fn a_pattern_that_does_not_compile_matches_nothing() {
        static BAD: super::Pattern = super::Pattern::new("(unclosed", true);
        static BAD_MEMBERS: super::Pattern = super::Pattern::new("[", false);
        assert!(BAD.captures("(unclosed").is_none());
        assert!(!BAD.is_match("(unclosed"));
        assert_eq!(BAD_MEMBERS.captures_iter("[[").count(), 0);
    }

    /// Every built-in pattern compiles: a bad one would silently translate nothing.
    #[test]
    fn every_built_in_pattern_compiles() {
        let patterns: [&super::Pattern; 29] = [
            &super::STATUS,
            &super::OK,
            &super::ONE_OF,
            &super::HEADER,
            &super::HEADER_VALUE,
            &super::IS_JSON,
            &super::BODY_HAS,
            &super::DURATION,
            &super::SET,
            &super::EXPECT,
            &super::ALIAS,
            &super::LEGACY,
            &super::L_STATUS,
            &super::L_HEADER,
            &super::L_BODY,
            &super::L_DURATION,
            &super::IN,
            &super::L_HAS,
            &super::L_OWN,
            &super::EQ,
            &super::SOURCE,
            &super::CHAIN_EQ,
            &super::CHAIN_PROP,
            &super::CHAIN_TYPE,
            &super::CHAIN_LITERAL,
            &super::CHAIN_INCLUDE,
            &super::CHAIN_LENGTH,
            &super::CHAIN_CMP,
            &super::MEMBER,
        ];
        for p in patterns {
            assert!(
                p.regex().is_some(),
                "built-in pattern does not compile: {}",
                p.src
            );
        }
    }

    fn yaml(t: &Translation) -> Value {
        json!({
            "status": t.status.as_ref().map(|m| m.to_value()),
            "headers": t.headers.iter().map(|(k, m)| (k.clone(), m.to_value())).collect::<serde_json::Map<_, _>>(),
            "json": t.json.iter().map(|(k, m)| (k.clone(), m.to_value())).collect::<serde_json::Map<_, _>>(),
            "body": t.body.as_ref().map(|m| m.to_value()),
            "duration": t.duration.as_ref().map(|m| m.to_value()),
            "capture": t.captures,
        })
    }

    #[test]
    fn common_idioms() {
        let t = translate(
            r#"pm.test("Status code is 201", function () {
    pm.response.to.have.status(201);
});
pm.response.to.have.header("Location");
pm.response.to.be.json;
var jsonData = pm.response.json();
pm.environment.set("user_id", jsonData.data[0].id);
postman.setEnvironmentVariable("tok", JSON.parse(responseBody).auth["access-token"]);
pm.expect(jsonData.name).to.eql('Ann');
data = JSON.parse(responseBody)
var id = data.id; pm.collectionVariables.set("id", id)
pm.environment.set("loc", pm.response.headers.get("Location"));
var etag = postman.getResponseHeader("ETag"); pm.globals.set("etag", etag);
pm.test("one line", () => pm.expect(data.echoed.headers["x-signature"]).to.have.property('x-y'));
pm.test("has id", function () { pm.expect(data).to.have.property("id"); pm.expect(data.n).to.be.above(2); });
tests["Body matches"] = responseBody.has("Ann");
tests["auth"] = data.headers.Authorization.has("Basic");
tests["has host"] = 'host' in data.headers;
tests["has user"] = data.hasOwnProperty('user');
tests["kind"] = data.kind === "user""#,
        )
        .expect("translated");
        assert_eq!(
            yaml(&t),
            json!({
                "status": {"equals": 201, "name": "Status code is 201"},
                "headers": {"Location": {"exists": true}, "content-type": {"contains": "json"}},
                "json": {
                    "$.name": "Ann",
                    "$.echoed.headers['x-signature']['x-y']": {"exists": true, "name": "one line"},
                    "$.id": {"exists": true, "name": "has id"},
                    "$.n": {"gt": 2, "name": "has id"},
                    "$.kind": {"equals": "user", "name": "kind"},
                    "$.headers.Authorization": {"contains": "Basic", "name": "auth"},
                    "$.headers.host": {"exists": true, "name": "has host"},
                    "$.user": {"exists": true, "name": "has user"},
                },
                "body": {"contains": "Ann", "name": "Body matches"},
                "duration": null,
                "capture": {
                    "user_id": "$.data[0].id",
                    "tok": "$.auth['access-token']",
                    "id": "$.id",
                    "loc": {"header": "Location"},
                    "etag": {"header": "ETag"},
                },
            })
        );
    }

    #[test]
    fn anything_else_keeps_the_script() {
        for s in [
            "if (x) {\n  pm.response.to.be.ok;\n}",
            "pm.response.to.be.ok;\nconsole.log(1);",
            "var n = 5;",
            "pm.expect(pm.response.json().items.length).to.eql(2)",
            "pm.test('a', () => pm.response.to.have.status(200));\npm.test('b', () => pm.response.to.have.status(201));",
            "pm.test('empty', function () {});",
            "tests['iso'] = /^\\d+$/.test(x)",
        ] {
            assert!(translate(s).is_none(), "{s}");
        }
    }
}
