//! Durations and sizes, as a file or a flag writes them.

use std::time::Duration;

use serde_json::Value;

use super::Builder;
use crate::collection::matcher::short;
use crate::collection::raw::Sp;

impl Builder<'_> {
    /// A duration value; `what` names it in the error.
    pub fn duration(&mut self, v: &Sp<Value>, what: &str) -> Option<Duration> {
        let span = self.sp(v);
        match parse_duration(&v.value) {
            Ok(d) => Some(d),
            Err(msg) => {
                self.error_help(
                    format!("invalid {what}: {msg}"),
                    span,
                    Some("write a duration such as 500ms, 2s, 1m".into()),
                );
                None
            }
        }
    }

    /// A size (bytes, or text such as `64MiB`); `what` names it in the error.
    pub(super) fn size(&mut self, v: &Sp<Value>, what: &str) -> Option<u64> {
        let span = self.sp(v);
        match crate::collection::size::parse_size(&v.value) {
            Ok(n) => Some(n),
            Err(msg) => {
                self.error_help(
                    format!("invalid {what}: {msg}"),
                    span,
                    Some("write a number of bytes or a size such as 512KiB, 10MB, 64MiB".into()),
                );
                None
            }
        }
    }
}

/// The longest duration a file or flag may give: a week. Longer is a typo, and far longer
/// would overflow the clock.
pub const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// A duration: text such as `500ms`, `2s`, `1m 30s`. A bare number has no unit and is refused.
pub fn parse_duration(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Number(n) => Err(no_unit(&n.to_string())),
        Value::String(s) => parse_duration_str(s),
        other => Err(format!("expected a duration, found {}", short(other))),
    }
}

/// Why a bare number is not a duration: it could mean seconds or milliseconds.
fn no_unit(n: &str) -> String {
    if n.starts_with('-') {
        format!("`{n}` is negative")
    } else if n.bytes().all(|b| b.is_ascii_digit()) {
        format!("`{n}` has no unit; add a unit: {n}s or {n}ms")
    } else {
        format!("`{n}` has no unit; add a unit: 500ms, 2s or 1m")
    }
}

/// Parses `500ms`, `2s`, `1m`, `1h 30m`; a bare number is refused. At most a week.
pub fn parse_duration_str(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    if !t.is_empty() && t.parse::<f64>().is_ok_and(f64::is_finite) {
        return Err(no_unit(t));
    }
    let d = humantime::parse_duration(t).map_err(|e| match e {
        humantime::DurationError::UnknownUnit { unit, .. } => {
            format!("`{s}` has an unknown unit `{unit}`")
        }
        humantime::DurationError::NumberOverflow => {
            format!("`{s}` is out of range (at most 7d)")
        }
        humantime::DurationError::Empty => "the duration is empty".to_string(),
        _ if t.starts_with('-') => format!("`{s}` is negative"),
        _ => format!("`{s}` is not a duration"),
    })?;
    if d > MAX_DURATION {
        return Err(format!("`{s}` is out of range (at most 7d)"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_str("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration_str("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(
            parse_duration_str("250"),
            Err("`250` has no unit; add a unit: 250s or 250ms".to_string())
        );
        assert_eq!(
            parse_duration(&serde_json::json!(1500)),
            Err("`1500` has no unit; add a unit: 1500s or 1500ms".to_string())
        );
        assert_eq!(
            parse_duration_str("1.5"),
            Err("`1.5` has no unit; add a unit: 500ms, 2s or 1m".to_string())
        );
        assert_eq!(
            parse_duration_str("soon"),
            Err("`soon` is not a duration".to_string())
        );
        assert_eq!(
            parse_duration_str("5 parsecs"),
            Err("`5 parsecs` has an unknown unit `parsecs`".to_string())
        );
        assert_eq!(
            parse_duration(&serde_json::json!(-5)),
            Err("`-5` is negative".to_string())
        );
    }
}
