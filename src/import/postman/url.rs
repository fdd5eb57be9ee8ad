//! A Postman URL as runner writes it: the address without its query, the query pairs
//! (credentials among them moved to secret variables), and `:name` path variables as
//! templates.

use serde_json::{Value, json};

use super::Conv;
use super::credentials;
use super::model::{PmUrl, StrOrList, value_text};
use super::request::kv_enabled;

/// The scheme of a literal URL that no HTTP client can send (`about:blank`, `file:...`).
pub(super) fn unsendable_scheme(url: &str) -> Option<&str> {
    if url.contains("{{") {
        return None;
    }
    let (scheme, _) = url.split_once(':')?;
    let is_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let http = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    // `localhost:8080/x` reads as scheme `localhost`: a port after the colon is no scheme.
    let port = url[scheme.len() + 1..].starts_with(|c: char| c.is_ascii_digit());
    (is_scheme && !http && !port).then_some(scheme)
}

/// The URL without its query, and the query pairs.
pub(super) fn url(c: &mut Conv, u: Option<&PmUrl>, query: &mut Vec<(String, String)>) -> String {
    let (base, raw_query, variables) = match u {
        None => (String::new(), None, None),
        Some(PmUrl::Raw(s)) => {
            let (b, q) = split_query(s);
            (b, q, None)
        }
        Some(PmUrl::Object(o)) => {
            let base = match &o.raw {
                Some(r) => split_query(r).0,
                None => {
                    let mut s = String::new();
                    if let Some(p) = &o.protocol {
                        s.push_str(p);
                        s.push_str("://");
                    }
                    s.push_str(&segments(o.host.as_ref(), "."));
                    let port = value_text(&o.port.clone());
                    if !port.is_empty() {
                        s.push(':');
                        s.push_str(&port);
                    }
                    let path = segments(o.path.as_ref(), "/");
                    if !path.is_empty() {
                        if !path.starts_with('/') {
                            s.push('/');
                        }
                        s.push_str(&path);
                    }
                    s
                }
            };
            match &o.query {
                Some(q) => {
                    for kv in q.iter().filter(kv_enabled) {
                        let k = kv.key.clone().unwrap_or_default();
                        let v = credentials::query(c, &k, &value_text(&kv.value));
                        query.push((k, v));
                    }
                    (base, None, o.variable.as_ref())
                }
                None => {
                    let q = o.raw.as_deref().map(split_query).and_then(|(_, q)| q);
                    (base, q, o.variable.as_ref())
                }
            }
        }
    };
    if let Some(q) = raw_query {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = credentials::query(c, k, v);
            query.push((k.to_string(), v));
        }
    }
    // Path variables: `:id` → `{{ id }}`, the declared value a collection variable.
    let mut out = Vec::new();
    for (i, seg) in base.split('/').enumerate() {
        match seg.strip_prefix(':').filter(|n| i > 0 && !n.is_empty()) {
            Some(pm_name) => {
                let declared = variables
                    .into_iter()
                    .flatten()
                    .find(|v| v.key.as_deref() == Some(pm_name))
                    .map(|v| value_text(&v.value))
                    .unwrap_or_default();
                let name = match c.names.sole_reference(&declared) {
                    Some(n) => n,
                    None => {
                        let n = c.names.name(pm_name);
                        if declared.is_empty() {
                            c.path_vars.insert(n.clone());
                        }
                        if !declared.is_empty() && !c.vars.contains_key(&n) {
                            let v = c.names.template(&declared);
                            c.vars.insert(n.clone(), json!(v));
                        }
                        n
                    }
                };
                c.names.used.insert(name.clone());
                out.push(format!("{{{{ {name} }}}}"));
            }
            None => out.push(c.names.template(seg)),
        }
    }
    out.join("/")
}

fn split_query(s: &str) -> (String, Option<String>) {
    let s = s.split('#').next().unwrap_or(s);
    match s.split_once('?') {
        Some((b, q)) => (b.to_string(), Some(q.to_string())),
        None => (s.to_string(), None),
    }
}

fn segments(v: Option<&StrOrList>, sep: &str) -> String {
    match v {
        None => String::new(),
        Some(StrOrList::Str(s)) => s.clone(),
        Some(StrOrList::List(l)) => l
            .iter()
            .map(|s| match s {
                Value::String(s) => s.clone(),
                Value::Object(m) => m
                    .get("value")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(sep),
    }
}

#[cfg(test)]
mod tests {
    use super::unsendable_scheme;

    #[test]
    fn only_non_http_schemes_are_unsendable() {
        assert_eq!(unsendable_scheme("about:blank"), Some("about"));
        assert_eq!(unsendable_scheme("ftp://h/x"), Some("ftp"));
        assert_eq!(unsendable_scheme("https://h/x"), None);
        assert_eq!(unsendable_scheme("HTTP://h/x"), None);
        assert_eq!(unsendable_scheme("localhost:8080/x"), None);
        assert_eq!(unsendable_scheme("mockbin.org/request"), None);
        assert_eq!(unsendable_scheme("{{base}}:x"), None);
    }
}
