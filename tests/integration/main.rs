//! Integration tests: the real binary against real servers on loopback.

mod support;

mod asserts;
mod curl;
mod errors;
mod examples;
mod fuzz_regressions;
mod import;
mod mock;
mod oauth2;
mod redirects;
mod reports;
mod requests;
mod run;
mod schema;
mod secrets;
mod tls;
