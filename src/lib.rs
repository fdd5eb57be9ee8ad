//! runner: run YAML collections of HTTP requests — templates, OAuth2, redirects that keep
//! the bearer token where trusted, assertions, captures and reports.

pub mod app;
pub mod assert;
pub mod auth;
pub mod batch;
pub mod cli;
pub mod collection;
pub mod curl;
pub mod data;
pub mod diagnostic;
pub mod http;
pub mod import;
pub mod interop;
pub mod merge;
pub mod mock;
pub mod output;
pub mod paths;
pub mod process_env;
pub mod prompt;
pub mod report;
pub mod runner;
pub mod schema;
pub mod secrets;
pub mod settings;
pub mod signals;
pub mod template;
pub mod workspace;

pub use app::{ExitStatus, run};
