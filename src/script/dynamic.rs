//! Postman's dynamic variables (`{{$guid}}`, `{{$timestamp}}`, ...) as `replaceIn`, the
//! texts a script sets into the request and the templates' `dynamic("$name")` resolve them:
//! the common ones, built on the same crates as the templates' `uuid()`, `timestamp()`,
//! `now()` and `random_int(a, b)`.

/// The dynamic variables runner offers, by their Postman names (without the `$`).
pub const NAMES: &[&str] = &[
    "guid",
    "randomUUID",
    "timestamp",
    "isoTimestamp",
    "randomInt",
    "randomBoolean",
    "randomAlphaNumeric",
    "randomBankAccount",
    "randomPhoneNumber",
    "randomPhoneNumberExt",
    "randomEmail",
    "randomHexColor",
];

/// A fresh value of the dynamic variable `name` (without its `$`), if Postman defines it
/// and runner offers it.
pub fn value(name: &str) -> Option<String> {
    Some(match name {
        "guid" | "randomUUID" => uuid::Uuid::new_v4().to_string(),
        "timestamp" => chrono::Utc::now().timestamp().to_string(),
        "isoTimestamp" => chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "randomInt" => below(1001).to_string(),
        "randomBoolean" => (below(2) == 1).to_string(),
        "randomAlphaNumeric" => alphanumeric(1),
        "randomBankAccount" => digits(8),
        "randomPhoneNumber" => format!("{}-{}-{}", digits(3), digits(3), digits(4)),
        "randomPhoneNumberExt" => {
            // Postman: an extension of 1 to 99, unpadded, then the number.
            let ext = 1 + below(99);
            format!("{ext}-{}-{}-{}", digits(3), digits(3), digits(4))
        }
        "randomEmail" => format!("user{}@example.com", digits(6)),
        "randomHexColor" => format!("#{:06x}", below(0x100_0000)),
        _ => return None,
    })
}

/// A random number in `0..n`, from the same source as `uuid()`.
fn below(n: u64) -> u64 {
    (uuid::Uuid::new_v4().as_u128() % u128::from(n.max(1))) as u64
}

fn digits(n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + below(10) as u8)).collect()
}

fn alphanumeric(n: usize) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..n)
        .map(|_| char::from(CHARS[below(CHARS.len() as u64) as usize]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::value;

    #[test]
    fn values_have_postmans_shapes() {
        let shape = |name: &str, re: &str| {
            let v = value(name).unwrap_or_default();
            assert!(regex::Regex::new(re).unwrap().is_match(&v), "{name}: {v}");
        };
        shape(
            "guid",
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
        );
        shape("randomUUID", "^[0-9a-f-]{36}$");
        shape("timestamp", "^[0-9]{10}$");
        shape("isoTimestamp", r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$");
        shape("randomInt", "^([0-9]|[1-9][0-9]{1,2}|1000)$");
        shape("randomBoolean", "^(true|false)$");
        shape("randomAlphaNumeric", "^[a-z0-9]$");
        shape("randomBankAccount", "^[0-9]{8}$");
        shape("randomPhoneNumber", r"^\d{3}-\d{3}-\d{4}$");
        shape("randomPhoneNumberExt", r"^[1-9]\d?-\d{3}-\d{3}-\d{4}$");
        shape("randomEmail", r"^user\d{6}@example\.com$");
        shape("randomHexColor", "^#[0-9a-f]{6}$");
        assert_eq!(value("nope"), None);
        for name in super::NAMES {
            assert!(value(name).is_some(), "{name} is listed but has no value");
        }
        assert_ne!(value("guid"), value("guid"));
    }
}
