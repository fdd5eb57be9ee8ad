//! Paths as the file system resolves them, and the folder a collection's files must lie
//! under (`--file-root`).

use std::path::{Component, Path, PathBuf};
/// The folder a collection's files must lie under: `--file-root`, or else each
/// collection's own folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRoot(Option<PathBuf>);

impl FileRoot {
    /// `--file-root DIR`, resolved.
    pub fn given(dir: &Path) -> Result<FileRoot, String> {
        std::fs::canonicalize(dir)
            .ok()
            .filter(|p| p.is_dir())
            .map(|p| FileRoot(Some(p)))
            .ok_or_else(|| format!("--file-root {} is not a folder", dir.display()))
    }

    /// `rel` (as written in a collection whose folder is `dir`) joined to `dir`, if it lies
    /// under the file root once `..` and symbolic links are resolved. A collection cannot
    /// make runner send or read any other file.
    pub fn confine(&self, dir: &Path, rel: &str) -> Result<PathBuf, String> {
        let root = match &self.0 {
            Some(r) => r.clone(),
            None => resolve(dir),
        };
        let full = dir.join(rel);
        if resolve(&full).starts_with(&root) {
            Ok(full)
        } else {
            Err(format!(
                "file `{rel}` is outside {}: a collection reads only files under {} (widen it with --file-root DIR)",
                root.display(),
                if self.0.is_some() {
                    "--file-root"
                } else {
                    "its folder"
                }
            ))
        }
    }
}

/// `path` as the file system resolves it (absolute, no `.` or `..`, symbolic links
/// followed); for a path that does not exist yet, its nearest existing folder resolved,
/// then the rest as written.
pub fn resolve(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = absolute.as_path();
    loop {
        if let Ok(mut out) = std::fs::canonicalize(base) {
            for c in rest.iter().rev() {
                match c {
                    Component::ParentDir => {
                        out.pop();
                    }
                    Component::CurDir => {}
                    c => out.push(c),
                }
            }
            return out;
        }
        match (base.parent(), base.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                base = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_outside_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("c");
        std::fs::create_dir_all(c.join("data")).unwrap();
        std::fs::write(c.join("data/a.json"), "{}").unwrap();
        std::fs::write(dir.path().join("secret"), "s").unwrap();
        let root = FileRoot::default();
        let confine = |dir: &Path, rel: &str| root.confine(dir, rel);
        assert_eq!(confine(&c, "data/a.json"), Ok(c.join("data/a.json")));
        assert!(confine(&c, "data/../data/a.json").is_ok());
        assert!(confine(&c, "not/yet.json").is_ok());
        assert!(confine(&c, "../secret").is_err());
        assert!(confine(&c, "data/../../secret").is_err());
        assert!(confine(&c, "/etc/hostname").is_err());
        assert!(confine(&c, "missing/../../secret").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret"), c.join("link")).unwrap();
            assert!(confine(&c, "link").is_err());
        }
        // --file-root widens the folder to the one given, and only to it.
        let wide = FileRoot::given(dir.path()).unwrap();
        assert_eq!(wide.confine(&c, "../secret"), Ok(c.join("../secret")));
        assert!(wide.confine(&c, "../../etc/hostname").is_err());
        assert!(FileRoot::given(&dir.path().join("secret")).is_err());
    }
}
