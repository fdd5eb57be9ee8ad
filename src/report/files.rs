//! Report files: which file each reporter writes, and the paths refused before a run
//! starts (two reports on one file, a report over an input).

use std::path::{Path, PathBuf};

use super::ReporterSpec;

impl ReporterSpec {
    /// The file this reporter writes, if any (`-`, standard output, is no file).
    pub fn path(&self) -> Option<&Path> {
        match self {
            ReporterSpec::Junit(p) | ReporterSpec::Json(p) | ReporterSpec::Html(p)
                if p.as_os_str() != "-" =>
            {
                Some(p)
            }
            _ => None,
        }
    }

    /// Whether this report is written to standard output (`json=-`, `junit=-`, `html=-`).
    pub fn to_stdout(&self) -> bool {
        match self {
            ReporterSpec::Junit(p) | ReporterSpec::Json(p) | ReporterSpec::Html(p) => {
                p.as_os_str() == "-"
            }
            ReporterSpec::Cli | ReporterSpec::Github => false,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            ReporterSpec::Cli => "cli",
            ReporterSpec::Junit(_) => "junit",
            ReporterSpec::Json(_) => "json",
            ReporterSpec::Html(_) => "html",
            ReporterSpec::Github => "github",
        }
    }
}

/// Refuses report files that would overwrite each other (or each other's `.part` files)
/// or one of the run's `inputs` (each named by what it is: `collection`, `data file`...),
/// and a second report on standard output (`-`).
/// Paths are compared as the file system resolves them (`..`, symbolic links, `./`); a
/// report that does not exist yet is resolved through its folder.
pub fn check_report_paths(specs: &[ReporterSpec], inputs: &[(&str, &Path)]) -> Result<(), String> {
    let mut claimed: Vec<(PathBuf, String)> = inputs
        .iter()
        .map(|(what, p)| {
            (
                crate::paths::resolve(p),
                format!("the {what} {}", p.display()),
            )
        })
        .collect();
    let input_count = claimed.len();
    let mut on_stdout: Option<&ReporterSpec> = None;
    for spec in specs {
        if spec.to_stdout() {
            if let Some(first) = on_stdout {
                return Err(format!(
                    "--reporter {}=- and --reporter {}=- both write to standard output: only one report can",
                    first.name(),
                    spec.name()
                ));
            }
            on_stdout = Some(spec);
        }
        let Some(path) = spec.path() else { continue };
        let label = format!("--reporter {}={}", spec.name(), path.display());
        let mut own = vec![crate::paths::resolve(path)];
        if matches!(spec, ReporterSpec::Junit(_) | ReporterSpec::Html(_)) {
            own.push(crate::paths::resolve(&part_path(path)));
        }
        for (i, (taken, owner)) in claimed.iter().enumerate() {
            if own.contains(taken) {
                return Err(if i < input_count {
                    format!("{label} would overwrite {owner}")
                } else {
                    format!("{label} and {owner} write the same file")
                });
            }
        }
        claimed.extend(own.into_iter().map(|p| (p, label.clone())));
    }
    Ok(())
}

pub(super) fn part_path(report: &Path) -> PathBuf {
    let mut name = report.as_os_str().to_os_string();
    name.push(".part");
    PathBuf::from(name)
}
