//! Postman `{{var}}` references → runner templates, renaming names that are not
//! identifiers, and remembering every name used.

use indexmap::{IndexMap, IndexSet};

/// Names seen during one import.
#[derive(Debug, Default)]
pub struct Names {
    /// Postman name → runner name, for names that had to change.
    pub renamed: IndexMap<String, String>,
    /// Every runner variable referenced by a template.
    pub used: IndexSet<String>,
    /// Postman dynamic variables (`{{$name}}`) with no runner equivalent.
    pub unknown_dynamic: IndexSet<String>,
}

impl Names {
    /// The runner name of a Postman variable.
    pub fn name(&mut self, pm: &str) -> String {
        let pm = pm.trim();
        if let Some(n) = self.renamed.get(pm) {
            return n.clone();
        }
        let out = crate::import::ident(pm);
        if out != pm {
            self.renamed.insert(pm.to_string(), out.clone());
        }
        out
    }

    /// Converts Postman text to a runner template. Literal `{%`, `{#` and unmatched
    /// `{{` are escaped so the text means what it meant in Postman.
    pub fn template(&mut self, s: &str) -> String {
        let mut out = String::with_capacity(s.len() + 8);
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            out.push_str(&rest[..i]);
            let tail = &rest[i..];
            if let Some(inner) = tail.strip_prefix("{{")
                && let Some(end) = inner.find("}}")
                && !inner[..end].contains(['{', '}', '\n'])
                && !inner[..end].trim().is_empty()
            {
                let name = inner[..end].trim();
                out.push_str(&self.expression(name));
                rest = &inner[end + 2..];
            } else if tail.starts_with("{{") || tail.starts_with("{%") || tail.starts_with("{#") {
                out.push_str(&format!("{{{{ \"{}\" }}}}", &tail[..2]));
                rest = &tail[2..];
            } else {
                out.push('{');
                rest = &tail[1..];
            }
        }
        out.push_str(rest);
        out
    }

    /// `{{ name }}` for a Postman reference, dynamic variables mapped to functions.
    fn expression(&mut self, pm: &str) -> String {
        if let Some(dynamic) = pm.strip_prefix('$') {
            let f = match dynamic {
                "guid" | "randomUUID" => Some("uuid()"),
                "timestamp" => Some("timestamp()"),
                "isoTimestamp" => Some("now()"),
                "randomInt" => Some("random_int(0, 1000)"),
                _ => None,
            };
            if let Some(f) = f {
                return format!("{{{{ {f} }}}}");
            }
            if crate::script::dynamic::value(dynamic).is_some() {
                return format!("{{{{ dynamic('{pm}') }}}}");
            }
            self.unknown_dynamic.insert(pm.to_string());
        }
        let name = self.name(pm);
        self.used.insert(name.clone());
        format!("{{{{ {name} }}}}")
    }

    /// When the text is exactly one Postman reference, its runner name.
    pub fn sole_reference(&mut self, s: &str) -> Option<String> {
        let inner = s.trim().strip_prefix("{{")?.strip_suffix("}}")?;
        if inner.contains(['{', '}']) || inner.trim().is_empty() || inner.trim().starts_with('$') {
            return None;
        }
        Some(self.name(inner))
    }
}

pub use crate::import::env_name;

#[cfg(test)]
mod tests {
    use super::{Names, env_name};

    #[test]
    fn references_renames_and_escapes() {
        let mut n = Names::default();
        assert_eq!(
            n.template("{{base-url}}/a/{{id}}?t={{$timestamp}}&x={{$randomColor}}"),
            "{{ base_url }}/a/{{ id }}?t={{ timestamp() }}&x={{ _randomColor }}"
        );
        assert_eq!(
            n.template("{{$randomEmail}} {{ $randomPhoneNumberExt }}"),
            "{{ dynamic('$randomEmail') }} {{ dynamic('$randomPhoneNumberExt') }}"
        );
        assert!(!n.unknown_dynamic.contains("$randomEmail"));
        assert_eq!(
            n.renamed.get("base-url").map(String::as_str),
            Some("base_url")
        );
        assert!(n.unknown_dynamic.contains("$randomColor"));
        assert_eq!(
            n.template("{% x %} {# y {{"),
            "{{ \"{%\" }} x %} {{ \"{#\" }} y {{ \"{{\" }}"
        );
        assert_eq!(n.template("{{env}} {{2fa}}"), "{{ env_var }} {{ _2fa }}");
        assert_eq!(
            n.sole_reference(" {{client_secret}} "),
            Some("client_secret".into())
        );
        assert_eq!(n.sole_reference("Bearer {{t}}"), None);
    }

    #[test]
    fn environment_names() {
        assert_eq!(env_name("clientSecret"), "CLIENT_SECRET");
        assert_eq!(env_name("x-api.key"), "X_API_KEY");
        assert_eq!(env_name("CLIENT_ID"), "CLIENT_ID");
    }
}
