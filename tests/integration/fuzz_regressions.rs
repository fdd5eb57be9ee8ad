//! Inputs found by fuzzing the loaders (scripts/fuzz.sh), run through the real binary:
//! each ends in exit 2 with a message naming the file and the problem, never in a panic.

use std::path::PathBuf;

use crate::support::{Output, repo_root, runner};

fn fuzz_dir() -> PathBuf {
    repo_root().join("tests/fixtures/fuzz")
}

/// Runs the binary in tests/fixtures/fuzz, so that files are named as written.
fn run_in_fuzz(args: &[&str]) -> Output {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("OUT", &out_dir.path().display().to_string()))
        .collect();
    Output::from(
        runner()
            .current_dir(fuzz_dir())
            .args(&args)
            .output()
            .expect("run runner"),
    )
}

#[track_caller]
fn assert_clean_error(out: &Output, title: &str) {
    out.assert_code(2).assert_not_contains("panicked");
    let first = out.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error: {title}")),
        "first line {first:?} does not start with {title:?}\n{}",
        out.stderr
    );
}

#[test]
fn collection_with_a_vertical_tab_is_refused_at_its_position() {
    let out = run_in_fuzz(&["validate", "collection-vertical-tab.yaml"]);
    assert_clean_error(&out, "unexpected character: `\\u{b}'");
    out.assert_contains(" --> collection-vertical-tab.yaml:7:1");
}

#[test]
fn collection_with_a_misplaced_bracket_is_refused_at_its_position() {
    let out = run_in_fuzz(&["validate", "collection-misplaced-bracket.yaml"]);
    assert_clean_error(&out, "misplaced bracket");
    out.assert_contains(" --> collection-misplaced-bracket.yaml:1:7");
}

#[test]
fn environment_with_a_nul_byte_is_refused_at_its_position() {
    let out = run_in_fuzz(&["validate", "ok.yaml", "-e", "environment-nul.yaml"]);
    assert_clean_error(&out, "unexpected character: `\\u{0}'");
    out.assert_contains(" --> environment-nul.yaml:2:11");
    // The quoted source line shows the NUL bytes as replacement characters.
    assert!(
        !out.all()
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "a control byte from the file reached the terminal: {:?}",
        out.stderr
    );
    out.assert_contains("\u{fffd}");
}

#[test]
fn report_with_a_duplicate_field_is_not_merged() {
    let out = run_in_fuzz(&[
        "report",
        "merge",
        "report-duplicate-field.json",
        "--reporter",
        "json=OUT/merged.json",
    ]);
    assert_clean_error(
        &out,
        "report-duplicate-field.json is not a runner JSON report",
    );
    out.assert_contains("duplicate field `file`");
}

#[test]
fn postman_file_with_a_control_character_is_not_imported() {
    let out = run_in_fuzz(&[
        "import",
        "postman",
        "postman-control-char.json",
        "-o",
        "OUT",
    ]);
    assert_clean_error(
        &out,
        "postman-control-char.json: not a valid Postman collection",
    );
    out.assert_contains(
        "control character (\\u0000-\\u001F) found while parsing a string at line 22 column 16",
    );
}

#[test]
fn data_file_that_is_not_utf8_is_refused_before_sending() {
    // ok.yaml's only request goes to a closed port: reaching it would be exit 3, not 2.
    let out = run_in_fuzz(&["run", "ok.yaml", "-d", "data-not-utf8.csv"]);
    assert_clean_error(&out, "cannot read data file data-not-utf8.csv");
    out.assert_contains("stream did not contain valid UTF-8");
}
