//! Token endpoint exchanges as `-v` shows them: credentials, codes and tokens replaced by
//! the mask in forms and JSON answers.

use serde_json::Value;

use crate::secrets::MASK;

/// Form fields and answer fields whose values are never shown: client credentials,
/// codes, passwords and tokens.
const SECRET_FIELDS: &[&str] = &[
    "client_secret",
    "client_assertion",
    "assertion",
    "code",
    "code_verifier",
    "device_code",
    "password",
    "refresh_token",
    "access_token",
    "id_token",
    "token",
];

/// A form body with the values of [`SECRET_FIELDS`] replaced by the mask.
pub(super) fn shown_form(form: &[(&str, String)]) -> String {
    let mut body = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        let v = if SECRET_FIELDS.contains(k) { MASK } else { v };
        body.append_pair(k, v);
    }
    body.finish()
}

/// An answer with the values of [`SECRET_FIELDS`] (in a JSON object) replaced by the mask.
pub(super) fn shown_answer(bytes: &[u8]) -> bytes::Bytes {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(mut map)) => {
            for (k, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) {
                    *v = Value::String(MASK.to_string());
                }
            }
            bytes::Bytes::from(Value::Object(map).to_string())
        }
        _ => bytes::Bytes::copy_from_slice(bytes),
    }
}
