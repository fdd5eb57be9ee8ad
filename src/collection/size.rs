//! Byte sizes (`--max-body`, `max_body:`): `64MiB`, `10MB`, `512KiB`, `1000`.
//!
//! Like curl's `--max-filesize`, a bare number is bytes and `k`/`M`/`G` are powers of
//! 1024; `KiB`/`MiB`/`GiB` are too, while `KB`/`MB`/`GB` are powers of 1000.

use serde_json::Value;

use super::matcher::short;

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

/// A size written as a number of bytes or a string such as `64MiB`.
pub fn parse_size(v: &Value) -> Result<u64, String> {
    match v {
        Value::Number(n) => n
            .as_u64()
            .ok_or_else(|| format!("`{n}` is not a whole, non-negative number of bytes")),
        Value::String(s) => parse_size_str(s),
        other => Err(format!("expected a size, found {}", short(other))),
    }
}

/// Parses `1000`, `512KiB`, `10MB`, `64MiB`, `1G`, `2 GiB` (units are case-insensitive).
pub fn parse_size_str(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    if number.is_empty() {
        return Err(format!("`{s}` is not a size"));
    }
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => KIB,
        "m" | "mib" => MIB,
        "g" | "gib" => GIB,
        "kb" => 1000,
        "mb" => 1000 * 1000,
        "gb" => 1000 * 1000 * 1000,
        _ => return Err(format!("`{s}` has an unknown unit `{}`", unit.trim())),
    };
    let value = if number.contains('.') {
        let f: f64 = number.parse().map_err(|_| format!("`{s}` is not a size"))?;
        let bytes = f * factor as f64;
        if !bytes.is_finite() || bytes >= u64::MAX as f64 {
            return Err(format!("`{s}` is too large"));
        }
        bytes.round() as u64
    } else {
        number
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(factor))
            .ok_or_else(|| format!("`{s}` is too large"))?
    };
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_like_curl_with_iec_and_si_units() {
        assert_eq!(parse_size_str("1000"), Ok(1000));
        assert_eq!(parse_size_str("64MiB"), Ok(64 * MIB));
        assert_eq!(parse_size_str("64 mib"), Ok(64 * MIB));
        assert_eq!(parse_size_str("10MB"), Ok(10_000_000));
        assert_eq!(parse_size_str("512KiB"), Ok(512 * KIB));
        assert_eq!(parse_size_str("2k"), Ok(2048));
        assert_eq!(parse_size_str("1G"), Ok(GIB));
        assert_eq!(parse_size_str("1.5MiB"), Ok(MIB + MIB / 2));
        assert_eq!(parse_size(&serde_json::json!(4096)), Ok(4096));
        assert_eq!(
            parse_size_str("5 parsecs"),
            Err("`5 parsecs` has an unknown unit `parsecs`".into())
        );
        assert_eq!(parse_size_str("MiB"), Err("`MiB` is not a size".into()));
        assert_eq!(parse_size_str("-1"), Err("`-1` is not a size".into()));
        assert!(parse_size_str("99999999999999999999G").is_err());
        assert!(parse_size(&serde_json::json!(-5)).is_err());
    }
}
