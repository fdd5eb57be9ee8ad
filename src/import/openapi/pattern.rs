//! A short string that matches a JSON Schema `pattern`, built from the regex's syntax tree:
//! literals as written, a class's first letter or digit, each repetition its minimum, an
//! alternation's first branch. The result is checked against the regex and the lengths.

use regex_syntax::hir::{Class, Hir, HirKind};

/// How deep the syntax tree is followed, and how long the string may grow.
const MAX_DEPTH: usize = 64;
const MAX_LEN: usize = 4096;

/// A string matching `pattern` with `min..=max` characters, when one is found.
pub fn matching(pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    build(&hir, &mut out, 0)?;
    let re = regex::Regex::new(pattern).ok()?;
    let n = out.chars().count();
    (re.is_match(&out) && n >= min && max.is_none_or(|m| n <= m)).then_some(out)
}

fn build(h: &Hir, out: &mut String, depth: usize) -> Option<()> {
    if depth > MAX_DEPTH || out.len() > MAX_LEN {
        return None;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(l) => out.push_str(std::str::from_utf8(&l.0).ok()?),
        HirKind::Class(Class::Unicode(c)) => {
            let ranges = c.ranges();
            let pick = ['a', '0', 'A', '-', '_']
                .into_iter()
                .find(|ch| ranges.iter().any(|r| r.start() <= *ch && *ch <= r.end()))
                .or_else(|| {
                    ranges
                        .iter()
                        .flat_map(|r| [r.start(), r.end()])
                        .find(|ch| !ch.is_control())
                })?;
            out.push(pick);
        }
        HirKind::Class(Class::Bytes(c)) => {
            let b = c.ranges().first()?.start();
            out.push(char::from(b).is_ascii_graphic().then_some(char::from(b))?);
        }
        HirKind::Repetition(r) => {
            for _ in 0..r.min.min(256) {
                build(&r.sub, out, depth + 1)?;
            }
        }
        HirKind::Capture(c) => build(&c.sub, out, depth + 1)?,
        HirKind::Concat(parts) => {
            for p in parts {
                build(p, out, depth + 1)?;
            }
        }
        HirKind::Alternation(branches) => build(branches.first()?, out, depth + 1)?,
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::matching;

    #[test]
    fn strings_for_patterns() {
        assert_eq!(matching(r"rdme_\w+", 0, None).as_deref(), Some("rdme_a"));
        assert_eq!(
            matching(
                r"\/projects\/(me|[a-zA-Z0-9]+)\/apikeys\/[a-f\d]{24}",
                0,
                None
            )
            .as_deref(),
            Some("/projects/me/apikeys/aaaaaaaaaaaaaaaaaaaaaaaa")
        );
        assert_eq!(
            matching(r"^[0-9]{3}-[0-9]{4}$", 0, None).as_deref(),
            Some("000-0000")
        );
        assert_eq!(matching(r"^a+$", 3, None), None, "too short");
        assert_eq!(matching(r"(?<=a)b", 0, None), None, "unsupported syntax");
    }
}
