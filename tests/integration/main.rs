//! Integration tests: the real binary against real servers on loopback.

mod support;

mod asserts;
mod examples;
mod run;
mod tls;
