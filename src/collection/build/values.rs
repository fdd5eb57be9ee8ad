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
                    Some(
                        "write a number of milliseconds or a duration such as 500ms, 2s, 1m".into(),
                    ),
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

/// A duration: a number of milliseconds, or text such as `500ms`, `2s`, `1m 30s`.
pub fn parse_duration(v: &Value) -> Result<Duration, String> {
    match v {
        Value::Number(n) => {
            let ms = n.as_f64().unwrap_or(f64::INFINITY);
            if ms < 0.0 {
                Err(format!("`{n}` is negative"))
            } else if ms > MAX_DURATION.as_millis() as f64 {
                Err(format!("`{n}` is out of range (at most 7d)"))
            } else {
                Ok(n.as_u64().map_or_else(
                    || Duration::from_secs_f64(ms / 1000.0),
                    Duration::from_millis,
                ))
            }
        }
        Value::String(s) => parse_duration_str(s),
        other => Err(format!("expected a duration, found {}", short(other))),
    }
}

/// Parses `500ms`, `2s`, `1m`, `1h 30m`; a bare number is milliseconds. At most a week.
pub fn parse_duration_str(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let d = match t.parse::<u64>() {
        Ok(ms) => Ok(Duration::from_millis(ms)),
        Err(_) => humantime::parse_duration(t).map_err(|e| match e {
            humantime::DurationError::UnknownUnit { unit, .. } => {
                format!("`{s}` has an unknown unit `{unit}`")
            }
            humantime::DurationError::NumberOverflow => {
                format!("`{s}` is out of range (at most 7d)")
            }
            humantime::DurationError::Empty => "the duration is empty".to_string(),
            _ if t.starts_with('-') => format!("`{s}` is negative"),
            _ => format!("`{s}` is not a duration"),
        }),
    }?;
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
        assert_eq!(parse_duration_str("250"), Ok(Duration::from_millis(250)));
        assert_eq!(
            parse_duration(&serde_json::json!(1500)),
            Ok(Duration::from_millis(1500))
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
