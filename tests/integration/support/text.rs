//! Comparing terminal output line by line, with times replaced by `N`.

use regex::Regex;

/// The output with every duration (`12 ms`, `10.3 s`) written as `N ms` / `N s`.
pub fn normalize(text: &str) -> String {
    let ms = Regex::new(r"\b\d+ ms\b").expect("regex");
    let s = Regex::new(r"\b\d+\.\d s\b").expect("regex");
    let text = ms.replace_all(text, "N ms");
    s.replace_all(&text, "N s").into_owned()
}

/// The normalized lines of `text`.
pub fn lines(text: &str) -> Vec<String> {
    normalize(text).lines().map(str::to_string).collect()
}

/// Asserts that `text` has a line exactly equal to `line` (after normalizing times).
#[track_caller]
pub fn assert_line(text: &str, line: &str) {
    assert!(
        lines(text).iter().any(|l| l == line),
        "expected the line {line:?} in\n{}",
        normalize(text)
    );
}

/// Asserts that `expected` appear as consecutive lines of `text` (after normalizing times).
#[track_caller]
pub fn assert_block(text: &str, expected: &[&str]) {
    let all = lines(text);
    let found = all
        .windows(expected.len())
        .any(|w| w.iter().zip(expected).all(|(a, b)| a == b));
    assert!(
        found,
        "expected these consecutive lines\n{}\nin\n{}",
        expected.join("\n"),
        normalize(text)
    );
}
