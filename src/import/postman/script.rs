//! Common Postman test-script idioms → `expect:` and `capture:`. A script with any line
//! left over is kept, whole, as a note beside the request.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value;

/// What a test script says, in runner's terms.
#[derive(Debug, Default)]
pub struct Translation {
    /// Expected status codes (all of them must be one value to be kept as one).
    pub status: Vec<u16>,
    /// Header name → matcher.
    pub headers: IndexMap<String, Value>,
    /// JSONPath → matcher.
    pub json: IndexMap<String, Value>,
    /// Substrings the body must contain.
    pub body_contains: Vec<String>,
    /// Upper bound of the response time in milliseconds.
    pub duration_lt: Option<u64>,
    /// Postman variable name → JSONPath.
    pub captures: IndexMap<String, String>,
    /// Lines that were not understood.
    pub leftover: Vec<String>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("bad built-in pattern {s}: {e}"))
}

const PATH: &str = r#"((?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["[^"\]]*"\]|\['[^'\]]*'\])*)"#;
const Q: &str = r#"["']([^"']+)["']"#;

static NEUTRAL: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"^$",
        r"^//.*$",
        r"^[})\];\s]*$",
        r"^\{$",
        r#"^pm\.test\(\s*["'`].*["'`]\s*,\s*(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{$"#,
        r"^(?:var|let|const)\s+[A-Za-z_$][\w$]*\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(responseBody\))\s*;?$",
    ]
    .iter()
    .map(|s| re(s))
    .collect()
});

static JSON_ALIAS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(responseBody\))",
    )
});
static STATUS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"^pm\.response\.to\.have\.status\((\d{3})\);?$",
        r"^pm\.expect\(pm\.response\.(?:code|status)\)\.to\.(?:eql|equal|eq|be\.equal|be\.eql)\((\d{3})\);?$",
        r#"^tests\[.*\]\s*=\s*\(?responseCode\.code\s*===?\s*(\d{3})\)?;?$"#,
        r"^pm\.response\.to\.(?:be\.ok|have\.status\(200\))\(?\)?;?$()",
    ]
    .iter()
    .map(|s| re(s))
    .collect()
});
static ONE_OF: LazyLock<Regex> =
    LazyLock::new(|| re(r"^pm\.expect\(pm\.response\.code\)\.to\.be\.oneOf\(\[([\d,\s]+)\]\);?$"));
static HEADER: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"^pm\.response\.to\.have\.header\(\s*{Q}\s*\);?$")));
static HEADER_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^pm\.response\.to\.have\.header\(\s*{Q}\s*,\s*{Q}\s*\);?$"
    ))
});
static IS_JSON: LazyLock<Regex> =
    LazyLock::new(|| re(r"^pm\.response\.to\.(?:be\.json|have\.jsonBody\(\))\s*;?$"));
static BODY_HAS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"^(?:tests\[.*\]\s*=\s*responseBody\.has\(|pm\.expect\(pm\.response\.text\(\)\)\.to\.include\()\s*"([^"]*)"\s*\);?$"#,
    )
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^pm\.expect\(pm\.response\.responseTime\)\.to\.be\.(?:below|lessThan)\((\d+)\);?$")
});
static SET: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*{Q}\s*,\s*(pm\.response\.json\(\)|JSON\.parse\(responseBody\)|[A-Za-z_$][\w$]*){PATH}\s*\);?$"
    ))
});
static EXPECT_EQ: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^pm\.expect\((pm\.response\.json\(\)|[A-Za-z_$][\w$]*){PATH}\)\.to\.(?:eql|equal|eq|be\.equal)\((.+)\);?$"
    ))
});
static EXPECT_PROP: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^pm\.expect\((pm\.response\.json\(\)|[A-Za-z_$][\w$]*){PATH}\)\.to\.have\.(?:property|ownProperty)\(\s*{Q}\s*\);?$"
    ))
});

/// A JavaScript member path (`.a[0]["b"]`) as JSONPath.
fn json_path(members: &str) -> String {
    let mut out = String::from("$");
    let seg = re(r#"\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\["([^"\]]*)"\]|\['([^'\]]*)'\]"#);
    for c in seg.captures_iter(members) {
        if let Some(m) = c.get(1) {
            out.push('.');
            out.push_str(m.as_str());
        } else if let Some(m) = c.get(2) {
            out.push_str(&format!("[{}]", m.as_str()));
        } else if let Some(m) = c.get(3).or(c.get(4)) {
            out.push_str(&format!("['{}']", m.as_str().replace('\'', "\\'")));
        }
    }
    out
}

/// Translates one test script.
pub fn translate(lines: &[String]) -> Translation {
    let mut t = Translation::default();
    let mut aliases: Vec<String> = Vec::new();
    let is_json_source = |s: &str, aliases: &[String]| {
        s == "pm.response.json()"
            || s == "JSON.parse(responseBody)"
            || aliases.iter().any(|a| a == s)
    };
    for line in lines.iter().flat_map(|l| l.split('\n')) {
        let line = line.trim();
        if let Some(c) = JSON_ALIAS.captures(line) {
            aliases.push(c[1].to_string());
        }
        if NEUTRAL.iter().any(|r| r.is_match(line)) {
            continue;
        }
        if let Some(c) = STATUS.iter().find_map(|r| r.captures(line)) {
            t.status.push(c[1].parse().unwrap_or(200));
        } else if let Some(c) = ONE_OF.captures(line) {
            t.status
                .extend(c[1].split(',').filter_map(|s| s.trim().parse::<u16>().ok()));
        } else if let Some(c) = HEADER_VALUE.captures(line) {
            t.headers
                .insert(c[1].to_string(), Value::String(c[2].to_string()));
        } else if let Some(c) = HEADER.captures(line) {
            t.headers
                .insert(c[1].to_string(), serde_json::json!({"exists": true}));
        } else if IS_JSON.is_match(line) {
            t.headers.insert(
                "content-type".into(),
                serde_json::json!({"contains": "json"}),
            );
        } else if let Some(c) = BODY_HAS.captures(line) {
            t.body_contains.push(c[1].to_string());
        } else if let Some(c) = DURATION.captures(line) {
            t.duration_lt = c[1].parse().ok();
        } else if let Some(c) = SET.captures(line)
            && is_json_source(&c[2], &aliases)
        {
            t.captures.insert(c[1].to_string(), json_path(&c[3]));
        } else if let Some(c) = EXPECT_EQ.captures(line)
            && is_json_source(&c[1], &aliases)
            && let Ok(v) = serde_json::from_str::<Value>(&c[3].replace('\'', "\""))
        {
            t.json.insert(json_path(&c[2]), v);
        } else if let Some(c) = EXPECT_PROP.captures(line)
            && is_json_source(&c[1], &aliases)
        {
            let path = format!("{}.{}", json_path(&c[2]), &c[3]);
            t.json.insert(path, serde_json::json!({"exists": true}));
        } else {
            t.leftover.push(line.to_string());
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::translate;

    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn common_idioms() {
        let t = translate(&lines(
            r#"pm.test("Status code is 201", function () {
    pm.response.to.have.status(201);
});
pm.response.to.have.header("Location");
pm.response.to.be.json;
var jsonData = pm.response.json();
pm.environment.set("user_id", jsonData.data[0].id);
postman.setEnvironmentVariable("tok", JSON.parse(responseBody).auth["access-token"]);
pm.expect(jsonData.name).to.eql("Ann");
tests["ok"] = responseCode.code === 201;"#,
        ));
        assert_eq!(t.status, vec![201, 201]);
        assert_eq!(t.headers.get("Location"), Some(&json!({"exists": true})));
        assert_eq!(
            t.headers.get("content-type"),
            Some(&json!({"contains": "json"}))
        );
        assert_eq!(
            t.captures.get("user_id").map(String::as_str),
            Some("$.data[0].id")
        );
        assert_eq!(
            t.captures.get("tok").map(String::as_str),
            Some("$.auth['access-token']")
        );
        assert_eq!(t.json.get("$.name"), Some(&json!("Ann")));
        assert!(t.leftover.is_empty(), "{:?}", t.leftover);
    }

    #[test]
    fn anything_else_is_left_over() {
        let t = translate(&lines(
            "if (x) {\n  pm.response.to.be.ok;\n}\nconsole.log(1);",
        ));
        assert_eq!(t.leftover, vec!["if (x) {", "console.log(1);"]);
        assert_eq!(t.status, vec![200]);
    }
}
