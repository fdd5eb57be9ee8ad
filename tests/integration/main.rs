//! Integration tests: the real binary against real servers on loopback.

mod support;

mod asserts;
mod errors;
mod examples;
mod mock;
mod oauth2;
mod redirects;
mod reports;
mod requests;
mod run;
mod secrets;
mod tls;
