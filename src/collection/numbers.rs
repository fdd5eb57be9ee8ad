//! Integers beyond 64 bits, as written. The YAML parser reads `123456789012345678901234567890`
//! as the nearest float; the digits, kept by the span index, replace it, so that such a value
//! is sent, compared and captured exactly.

use std::collections::{HashMap, VecDeque};

use serde_json::{Number, Value};

use super::{BodyDef, Collection, VarDef};

/// Integer literals of a text too long for 64 bits, by the bits of the float the parser
/// made of them, in the order they are written.
#[derive(Debug, Default)]
pub struct BigIntegers {
    by_float: HashMap<u64, VecDeque<Number>>,
}

impl BigIntegers {
    /// The literals among `literals` (digits, `-` allowed) too long for 64 bits.
    pub fn new(literals: &[String]) -> BigIntegers {
        let mut out = BigIntegers::default();
        for literal in literals {
            let fits = literal.parse::<i64>().is_ok() || literal.parse::<u64>().is_ok();
            if let (false, Ok(f), Ok(n)) = (fits, literal.parse::<f64>(), literal.parse::<Number>())
            {
                out.by_float.entry(f.to_bits()).or_default().push_back(n);
            }
        }
        out
    }

    /// Replaces each float of `v` that stands for one of the literals by the literal.
    pub fn restore(&mut self, v: &mut Value) {
        if self.by_float.is_empty() {
            return;
        }
        match v {
            Value::Number(n) if n.is_f64() => {
                let Some(f) = n.as_f64() else { return };
                if let Some(exact) = self
                    .by_float
                    .get_mut(&f.to_bits())
                    .and_then(VecDeque::pop_front)
                {
                    *n = exact;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.restore(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.restore(i)),
            _ => {}
        }
    }

    /// Restores the literals of variables.
    pub fn restore_vars(&mut self, vars: &mut [VarDef]) {
        for var in vars {
            self.restore(&mut var.value);
        }
    }

    /// Restores the literals of a collection: variables, JSON bodies, expected values.
    pub fn restore_collection(&mut self, c: &mut Collection) {
        self.restore_vars(&mut c.variables);
        for r in &mut c.requests {
            if let Some(BodyDef::Json(t)) = r.body.as_deref_mut() {
                self.restore(&mut t.value);
            }
            for a in &mut r.asserts {
                for p in &mut a.predicates {
                    for v in p.values_mut() {
                        self.restore(v);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn long_integers_are_found_again() {
        let literals = [
            "123456789012345678901234567890",
            "-99999999999999999999999",
            "18446744073709551615",
        ]
        .map(String::from);
        let mut big = BigIntegers::new(&literals);
        let mut v =
            json!({"a": 1.2345678901234568e29, "b": [-1e23, 18446744073709551615u64], "c": 1.5});
        big.restore(&mut v);
        assert_eq!(
            v.to_string(),
            r#"{"a":123456789012345678901234567890,"b":[-99999999999999999999999,18446744073709551615],"c":1.5}"#
        );
    }
}
