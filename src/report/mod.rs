//! Reporters: they read run results and never re-run anything.

pub mod terminal;
mod verbose;

pub use terminal::TerminalReporter;
