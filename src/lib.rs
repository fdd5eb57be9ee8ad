//! runner: run YAML collections of HTTP requests — templates, OAuth2, redirects that keep
//! the bearer token where trusted, assertions, captures and reports.

// Nothing a user, a file or a server controls may panic the tool: outside its unit tests, the
// code reports a failure as an error with a message, never with `unwrap`, `expect` or `panic!`
// (clippy fails the build on one).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented,
        clippy::unreachable
    )
)]

mod app;
mod assert;
mod auth;
pub mod cli;
mod collection;
mod data;
mod diagnostic;
mod export;
mod http;
mod import;
mod mock;
mod output;
mod paths;
mod prompt;
mod report;
mod runner;
mod schema;
mod script;
mod secrets;
mod settings;
mod signals;
mod template;
mod vars;
mod workspace;

pub use app::{ExitStatus, run};

/// The loaders the fuzz targets in `fuzz/` drive directly; not part of any interface.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::collection::{JsonTemplate, Template};
    pub use crate::data::{field_names, load_rows};
    pub use crate::import::postman::import;
    pub use crate::template::Engine;
    pub use crate::vars::Vars;
}
