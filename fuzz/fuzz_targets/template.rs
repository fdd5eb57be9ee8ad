//! The template renderer: compile a template, then render it (as text and as a JSON
//! leaf) against a small set of variables, within the engine's fuel.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::fuzzing::{JsonTemplate, Template};
use runner::fuzzing::{Engine, Vars};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut scope = Vars::new([("HOME".to_string(), "/home/ann".to_string())].into());
    scope.set_json("name", &serde_json::json!("ann"));
    scope.set_json("n", &serde_json::json!(3));
    scope.set_json("big", &serde_json::json!(u64::MAX));
    scope.set_json("items", &serde_json::json!([1, "two", null, 4.5]));
    scope.set_json("user", &serde_json::json!({"id": 7, "tags": ["a", "b"]}));
    let mut engine = Engine::new();
    let t = Template::new(src, None);
    let _ = engine.variables(&t);
    if engine.compile(&t).is_err() {
        return;
    }
    let _ = engine.render(&t, &scope);
    let json = JsonTemplate {
        value: serde_json::json!({ "k": src, "list": [src] }),
        span: None,
    };
    let _ = engine.render_json(&json, &scope);
});
