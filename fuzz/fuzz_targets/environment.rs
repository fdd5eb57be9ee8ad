//! An environment file, through `runner validate` of a collection that reads its variables.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use runner_fuzz::{validate, write};

const COLLECTION: &str = r#"name: env fuzz
variables:
  page: 1
requests:
  - name: get
    method: POST
    url: "{{ base_url }}/items/{{ id }}?page={{ page }}"
    headers:
      Authorization: "Bearer {{ token }}"
    body:
      json: { user: "{{ user }}", n: "{{ n }}" }
"#;

fuzz_target!(|data: &[u8]| {
    static COLLECTION_PATH: OnceLock<PathBuf> = OnceLock::new();
    let collection =
        COLLECTION_PATH.get_or_init(|| write("env-target.yaml", COLLECTION.as_bytes()));
    let env = write("environment.yaml", data);
    validate(collection, Some(&env));
});
