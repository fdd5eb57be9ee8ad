//! Reporters: they read run results and never re-run anything.

pub mod files;
pub mod github;
pub mod html;
pub mod model;
pub mod terminal;
mod verbose;
pub mod writers;

pub use terminal::{Stats, TerminalReporter};
pub use writers::{ReporterSpec, Reports};
