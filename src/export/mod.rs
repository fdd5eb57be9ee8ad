//! What runner writes for other tools and later runs: `runner curl`'s commands, and
//! `runner run --export-env`'s environment file.

mod curl;
mod env;
mod shell;

pub(crate) use curl::CurlContext;
pub(crate) use env::{ExportedEnv, env_sourced};
