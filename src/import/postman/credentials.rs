//! Credentials written literally in request headers (`Authorization: Bearer …`,
//! `X-Api-Key: …`) and query parameters (`access_token=…`, `api_key=…`): each becomes a
//! collection variable listed in `secrets:` whose value is an `{{ env.NAME }}` reference,
//! so the literal stays out of the files and the value is masked in every output.

use serde_json::json;

use super::Conv;

/// Whether a header or query parameter of this name carries a credential.
fn is_credential_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(['-', '_', '.', ' '], "");
    matches!(n.as_str(), "key" | "sig" | "signature" | "auth")
        || [
            "token",
            "secret",
            "password",
            "passwd",
            "apikey",
            "accesskey",
            "subscriptionkey",
            "privatekey",
        ]
        .iter()
        .any(|w| n.contains(w))
}

/// The runner template for a header value written in Postman.
pub(super) fn header(c: &mut Conv, name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower == "authorization" || lower == "proxy-authorization" {
        let trimmed = value.trim();
        return match trimmed.split_once(' ') {
            Some((scheme, credential))
                if !scheme.is_empty() && scheme.chars().all(|ch| ch.is_ascii_alphanumeric()) =>
            {
                let hint = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => "token".to_string(),
                    "basic" => "basic_credentials".to_string(),
                    other => format!("{other}_credentials"),
                };
                format!(
                    "{scheme} {}",
                    credential_template(c, credential.trim(), &hint)
                )
            }
            _ => credential_template(c, trimmed, "authorization"),
        };
    }
    if is_credential_name(name) {
        return credential_template(c, value.trim(), name);
    }
    c.names.template(value)
}

/// The runner template for a query parameter value written in Postman.
pub(super) fn query(c: &mut Conv, name: &str, value: &str) -> String {
    if is_credential_name(name) {
        return credential_template(c, value, name);
    }
    c.names.template(value)
}

/// A credential's template: a literal moves to a secret variable; a variable standing
/// alone is marked secret; text mixing both is kept as written.
fn credential_template(c: &mut Conv, value: &str, hint: &str) -> String {
    if let Some(n) = c.names.sole_reference(value) {
        c.names.used.insert(n.clone());
        c.secrets.vars.insert(n.clone());
        return format!("{{{{ {n} }}}}");
    }
    if value.is_empty() || value.contains("{{") {
        return c.names.template(value);
    }
    let reference = c.secrets.reference(&mut c.names, value, hint);
    secret_var(c, reference)
}

/// `{{ var }}` for a collection variable listed in `secrets:` that holds `reference` (an
/// `{{ env.NAME }}` reference), named after the environment variable; other templates are
/// returned as they are.
pub(super) fn secret_var(c: &mut Conv, reference: String) -> String {
    let Some(env) = reference
        .strip_prefix("{{ env.")
        .and_then(|r| r.strip_suffix(" }}"))
    else {
        return reference;
    };
    let base = env.to_ascii_lowercase();
    let mut var = base.clone();
    let mut i = 2;
    // A name the environments define, or a reference to a variable defined nowhere yet
    // (set by a script), means something else: take the next one.
    while c
        .vars
        .get(&var)
        .is_some_and(|v| v.as_str() != Some(&reference))
        || ((c.reserved.contains(&var) || c.names.used.contains(&var))
            && !c.vars.contains_key(&var))
    {
        var = format!("{base}_{i}");
        i += 1;
    }
    c.vars.insert(var.clone(), json!(reference));
    c.secrets.vars.insert(var.clone());
    c.names.used.insert(var.clone());
    format!("{{{{ {var} }}}}")
}

#[cfg(test)]
mod tests {
    use super::{header, is_credential_name, query};
    use crate::import::postman::Conv;

    #[test]
    fn literals_become_secret_variables() {
        let mut c = Conv::default();
        assert_eq!(
            header(&mut c, "Authorization", "Bearer abc"),
            "Bearer {{ token }}"
        );
        assert_eq!(
            header(&mut c, "authorization", "Bearer abc"),
            "Bearer {{ token }}"
        );
        assert_eq!(
            header(&mut c, "Authorization", "Basic dTpw"),
            "Basic {{ basic_credentials }}"
        );
        assert_eq!(header(&mut c, "X-Api-Key", "k1"), "{{ x_api_key }}");
        assert_eq!(query(&mut c, "access_token", "t1"), "{{ access_token }}");
        assert_eq!(query(&mut c, "page", "2"), "2");
        assert_eq!(
            header(&mut c, "Authorization", "Bearer {{myTok}}"),
            "Bearer {{ myTok }}"
        );
        assert_eq!(header(&mut c, "Accept", "text/plain"), "text/plain");
        let secrets: Vec<&String> = c.secrets.vars.iter().collect();
        assert_eq!(
            secrets,
            [
                "token",
                "basic_credentials",
                "x_api_key",
                "access_token",
                "myTok"
            ]
        );
        assert_eq!(c.vars["token"], "{{ env.TOKEN }}");
        c.names.used.insert("api_key".into());
        assert_eq!(query(&mut c, "api_key", "k2"), "{{ api_key_2 }}");
        assert!(is_credential_name("apiKey") && !is_credential_name("monkey"));
    }
}
