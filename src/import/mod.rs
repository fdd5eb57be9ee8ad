//! Importers: other tools' files in, runner's YAML out. Nothing here sends a request.

pub mod postman;
pub mod yaml;
