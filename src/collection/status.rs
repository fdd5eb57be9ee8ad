//! `status:` values: codes, classes such as `2xx`, and lists of both.

use serde_json::Value;

use super::matcher::{MatcherError, Predicate, short};

/// One accepted status: a code (or a template giving one), or a class.
#[derive(Debug, Clone)]
pub enum StatusOption {
    /// A status code, or a template that renders to one.
    Code(Value),
    /// A class such as `2xx`.
    Class(StatusClass),
}

/// A status class: `2xx` holds 200 to 299.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusClass {
    /// The first digit, 1 to 5.
    pub digit: u16,
    /// The class as written (`2xx` or `2XX`).
    pub written: String,
}

impl StatusClass {
    /// Reads `1xx` to `5xx`, in either case.
    pub fn parse(s: &str) -> Option<StatusClass> {
        match s.as_bytes() {
            [d @ b'1'..=b'5', x, y]
                if x.eq_ignore_ascii_case(&b'x') && y.eq_ignore_ascii_case(&b'x') =>
            {
                Some(StatusClass {
                    digit: u16::from(d - b'0'),
                    written: s.to_string(),
                })
            }
            _ => None,
        }
    }

    /// Whether `status` is in the class.
    pub fn holds(&self, status: u64) -> bool {
        status / 100 == u64::from(self.digit)
    }
}

/// A list of status codes and classes: `[200, 201]` or `[2xx, 404]`.
pub(super) fn status_list(items: &[Value]) -> Result<Predicate, MatcherError> {
    let options = items
        .iter()
        .map(status_option)
        .collect::<Result<Vec<_>, _>>()?;
    if options.iter().all(|o| matches!(o, StatusOption::Code(_))) {
        Ok(Predicate::In(
            options
                .into_iter()
                .filter_map(|o| match o {
                    StatusOption::Code(v) => Some(v),
                    StatusOption::Class(_) => None,
                })
                .collect(),
        ))
    } else {
        Ok(Predicate::Status(options))
    }
}

/// One status: a number, a class such as `2xx`, a code written as text, or a template.
pub(super) fn status_option(v: &Value) -> Result<StatusOption, MatcherError> {
    match v {
        Value::String(s) => {
            if let Some(class) = StatusClass::parse(s.trim()) {
                Ok(StatusOption::Class(class))
            } else if crate::collection::has_template_syntax(s) {
                Ok(StatusOption::Code(v.clone()))
            } else if let Some(code) = s
                .trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=999).contains(c))
            {
                Ok(StatusOption::Code(Value::from(code)))
            } else {
                Err(MatcherError {
                    message: format!(
                        "expected a status code (200) or class (2xx), found {}",
                        short(v)
                    ),
                    help: None,
                    key: None,
                    bad_value: false,
                })
            }
        }
        _ => Ok(StatusOption::Code(v.clone())),
    }
}
