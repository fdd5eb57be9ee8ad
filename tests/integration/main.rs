//! Integration tests: the real binary against real servers on loopback.

mod support;

mod errors;
mod examples;
mod tls;
