//! Requests written for other tools: `runner curl`.

mod curl;
mod shell;

pub(crate) use curl::CurlContext;
