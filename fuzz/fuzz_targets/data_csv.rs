//! A CSV data file (`runner run -d rows.csv`): rows → variables of an iteration.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runner::fuzzing::Vars;

fuzz_target!(|data: &[u8]| {
    let path = runner_fuzz::write("rows.csv", data);
    if let Ok(rows) = runner::fuzzing::load_rows(&path) {
        assert!(!rows.is_empty(), "loaded an empty data file");
        let mut scope = Vars::new(Default::default());
        for name in runner::fuzzing::field_names(&rows) {
            if let Some(v) = rows[0].get(&name) {
                scope.capture(&name, v);
            }
        }
    }
});
