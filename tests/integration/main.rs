//! Integration tests: the real binary against real servers on loopback.

mod support;

mod asserts;
mod ci;
mod completions;
mod cookies;
mod curl;
mod curl_parity;
mod dotenv;
mod error_output;
mod errors;
mod examples;
mod export_env;
mod fuzz_regressions;
mod hostile;
mod hostile_text;
mod import;
mod import_openapi;
mod import_scripts;
mod inputs;
mod leaks;
#[cfg(unix)]
mod login;
mod mock;
mod newman_parity;
mod not_sent;
mod oauth2;
mod readme;
mod redirects;
mod report_stdout;
mod reports;
mod requests;
mod run;
mod schema;
mod script_assertions;
mod scripts;
mod secrets;
#[cfg(unix)]
mod signals;
mod terminal;
mod tls;
mod token_answers;
mod token_cache;
mod unused_variables;
mod variable_errors;
