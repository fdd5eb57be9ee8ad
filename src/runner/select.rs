//! `--only` and `--tag`: which requests of a collection run.

use crate::collection::{Collection, RequestDef};

/// Request selection from the command line.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Globs over `Folder/Request` (a folder name selects everything in it).
    pub only: Vec<String>,
    /// Tags; a request with any of them is selected.
    pub tags: Vec<String>,
}

impl Selection {
    /// Indexes of the selected requests, in file order.
    pub fn select(&self, collection: &Collection) -> Vec<usize> {
        collection
            .requests
            .iter()
            .enumerate()
            .filter(|(_, r)| self.matches(r))
            .map(|(i, _)| i)
            .collect()
    }

    fn matches(&self, r: &RequestDef) -> bool {
        let path = r.path();
        let by_name = self.only.is_empty()
            || self.only.iter().any(|g| {
                glob_match(g, &path)
                    || glob_match(g, &r.name)
                    || (1..=r.folders.len()).any(|n| glob_match(g, &r.folders[..n].join("/")))
            });
        let by_tag = self.tags.is_empty() || self.tags.iter().any(|t| r.tags.contains(t));
        by_name && by_tag
    }
}

/// Glob matching: `*` any run of characters, `?` one character; the rest literal.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("Admin/*", "Admin/Test a connection"));
        assert!(glob_match("*connection*", "Admin/Test a connection"));
        assert!(glob_match("Get ?", "Get A"));
        assert!(!glob_match("Admin", "Admin/Test"));
        assert!(glob_match("", ""));
        assert!(!glob_match("a*b", "a/c"));
    }
}
