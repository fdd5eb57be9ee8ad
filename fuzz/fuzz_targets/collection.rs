//! A collection file, through `runner validate`: YAML → model → template checks →
//! rendered diagnostics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runner_fuzz::{validate, write};

fuzz_target!(|data: &[u8]| {
    let path = write("collection.yaml", data);
    validate(&path, None);
});
