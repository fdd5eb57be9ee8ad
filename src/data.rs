//! Data files of data-driven runs (`-d`): CSV with a header line, or a JSON array of
//! objects. Each row's fields become variables of one iteration.

use std::path::Path;

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;

/// One row: field name → value (CSV values are strings).
pub type Row = Map<String, Value>;

/// Reads a data file. Errors are input errors (exit 2).
pub fn load_rows(path: &Path) -> Result<Vec<Row>, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(
            format!("cannot read data file {}: {e}", path.display()),
            None,
        )
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let rows = match ext.as_deref() {
        Some("csv") => csv_rows(&text, path)?,
        Some("json") => json_rows(&text, path)?,
        _ => {
            return Err(Diagnostic::new(
                format!("data file {} must end in .csv or .json", path.display()),
                None,
            ));
        }
    };
    if rows.is_empty() {
        return Err(Diagnostic::new(
            format!("data file {} has no rows", path.display()),
            None,
        ));
    }
    Ok(rows)
}

fn csv_rows(text: &str, path: &Path) -> Result<Vec<Row>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::new(format!("data file {}: {e}", path.display()), None))?
        .clone();
    if let Some(i) = headers.iter().position(|h| h.is_empty()) {
        return Err(Diagnostic::new(
            format!(
                "data file {}: column {} of the header line has no name",
                path.display(),
                i + 1
            ),
            None,
        ));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e
                .position()
                .map(|p| format!(" line {}", p.line()))
                .unwrap_or_default();
            Diagnostic::new(format!("data file {}{line}: {e}", path.display()), None)
        })?;
        let row: Row = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
            .collect();
        rows.push(row);
    }
    Ok(rows)
}

fn json_rows(text: &str, path: &Path) -> Result<Vec<Row>, Diagnostic> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::new(
            format!(
                "data file {} line {} column {}: {e}",
                path.display(),
                e.line(),
                e.column()
            ),
            None,
        )
    })?;
    let Value::Array(items) = value else {
        return Err(Diagnostic::new(
            format!(
                "data file {} must hold a JSON array of objects",
                path.display()
            ),
            None,
        ));
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(map) => Ok(map),
            _ => Err(Diagnostic::new(
                format!(
                    "data file {}: item {} is not an object",
                    path.display(),
                    i + 1
                ),
                None,
            )),
        })
        .collect()
}

/// Every field name of the rows, for checking templates before the run.
pub fn field_names(rows: &[Row]) -> Vec<String> {
    let mut names: Vec<String> = rows.iter().flat_map(|r| r.keys().cloned()).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_strings_by_header() {
        let rows = csv_rows("id, name\n1,ann\n2,\"b,c\"\n", Path::new("d.csv")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["name"], Value::String("b,c".into()));
        assert_eq!(rows[0]["id"], Value::String("1".into()));
    }

    #[test]
    fn json_rows_must_be_objects() {
        let rows = json_rows(r#"[{"id":1},{"id":2}]"#, Path::new("d.json")).unwrap();
        assert_eq!(rows[1]["id"], Value::from(2));
        let err = json_rows("[1]", Path::new("d.json")).unwrap_err();
        assert!(err.title.contains("item 1 is not an object"));
    }
}
