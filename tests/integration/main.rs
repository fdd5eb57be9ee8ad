//! Integration tests: the real binary against real servers on loopback.

mod support;

mod examples;
mod redirects;
mod secrets;
mod tls;
