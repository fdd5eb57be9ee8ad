//! Integration tests: the real binary against real servers on loopback.

mod support;

mod asserts;
mod examples;
mod mock;
mod requests;
mod run;
mod tls;
