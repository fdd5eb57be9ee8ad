//! Reporters: they read run results and never re-run anything.

mod feed;
pub mod files;
pub mod github;
pub mod html;
pub mod merge;
pub mod model;
pub mod terminal;
mod verbose;
pub mod writers;

pub use feed::ReportFeed;
pub use terminal::TerminalReporter;
pub use verbose::token_exchange_text;
pub use writers::{ReporterSpec, Reports};
