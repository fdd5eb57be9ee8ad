//! `runner import postman`: a Postman collection (and, after a NUL byte, an environment)
//! → runner YAML, which must then load through `runner validate` without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::fuzzing::import;
use runner_fuzz::{validate, write};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (collection, env) = match text.split_once('\0') {
        Some((c, e)) => (c, Some(e)),
        None => (text, None),
    };
    let envs: Vec<(&str, &str)> = env.map(|e| ("env.json", e)).into_iter().collect();
    let Ok(imported) = import(("collection.json", collection), &envs) else {
        return;
    };
    let path = write("imported.yaml", imported.collection.yaml.as_bytes());
    let env_path = imported
        .environments
        .first()
        .map(|e| write("imported-env.yaml", e.yaml.as_bytes()));
    validate(&path, env_path.as_deref());
});
