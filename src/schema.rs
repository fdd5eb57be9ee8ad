//! `runner schema`: the JSON Schema of the file formats, generated from the serde types
//! that load them (`collection::raw`).

use crate::cli::SchemaKind;
use crate::collection::raw::{RawCollection, RawEnvironment};

/// The schema of a file format, pretty-printed.
pub fn schema_text(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Collection => schemars::schema_for!(RawCollection),
        SchemaKind::Environment => schemars::schema_for!(RawEnvironment),
    };
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
