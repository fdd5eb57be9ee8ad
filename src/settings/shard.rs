//! `--shard K/N`, and `--shard auto`: K/N read from the variables a CI service sets in each
//! job of a parallel matrix.

use crate::diagnostic::Diagnostic;
use crate::runner::Shard;

/// A pair of variables that name a job's slice, and how the index counts.
struct CiPair {
    /// The variable of the index.
    index: &'static str,
    /// The variable of the number of jobs.
    total: &'static str,
    /// The first index: 1 (GitLab, ours) or 0 (Buildkite).
    first: usize,
    /// Who sets it, for messages.
    who: &'static str,
}

/// The pairs `--shard auto` reads, the one that wins first: ours (set in a GitHub Actions
/// matrix, or anywhere else), GitLab's `parallel:`, Buildkite's `parallelism:`.
const PAIRS: [CiPair; 3] = [
    CiPair {
        index: "RUNNER_SHARD_INDEX",
        total: "RUNNER_SHARD_TOTAL",
        first: 1,
        who: "runner's own, e.g. from a GitHub Actions matrix",
    },
    CiPair {
        index: "CI_NODE_INDEX",
        total: "CI_NODE_TOTAL",
        first: 1,
        who: "GitLab CI `parallel:`",
    },
    CiPair {
        index: "BUILDKITE_PARALLEL_JOB",
        total: "BUILDKITE_PARALLEL_JOB_COUNT",
        first: 0,
        who: "Buildkite `parallelism:`",
    },
];

/// A shard and, for `--shard auto`, the variables it was read from (`CI_NODE_INDEX=2,
/// CI_NODE_TOTAL=3`).
pub(crate) type Resolved = (Shard, Option<String>);

/// Parses `--shard K/N` or `--shard auto`, reading variables with `var`.
pub(crate) fn resolve(
    text: &str,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Resolved, Diagnostic> {
    if text.trim() == "auto" {
        return from_ci(&var);
    }
    let shard = parse_shard(text).map_err(|m| {
        Diagnostic::new(m, None)
            .with_help("for example --shard 2/3, or --shard auto in a CI matrix")
    })?;
    Ok((shard, None))
}

/// Parses `--shard K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<Shard, String> {
    let bad =
        || format!("--shard must be K/N with 1 <= K <= N, such as 2/3, or auto: got `{text}`");
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let index: usize = k.trim().parse().map_err(|_| bad())?;
    let count: usize = n.trim().parse().map_err(|_| bad())?;
    if index == 0 || count == 0 || index > count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// `--shard auto`: the first pair of [`PAIRS`] of which a variable is set.
fn from_ci(var: &dyn Fn(&str) -> Option<String>) -> Result<Resolved, Diagnostic> {
    let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    for pair in &PAIRS {
        let (index, total) = (get(pair.index), get(pair.total));
        let total = match (&index, total) {
            (None, None) => continue,
            // GitLab sets CI_NODE_TOTAL=1, and no index, in a job without `parallel:`.
            (None, Some(t)) if pair.index == "CI_NODE_INDEX" && t.trim() == "1" => {
                let source = format!("{}=1", pair.total);
                return Ok((Shard { index: 1, count: 1 }, Some(source)));
            }
            (_, None) | (None, Some(_)) => {
                let (set, unset) = if index.is_some() {
                    (pair.index, pair.total)
                } else {
                    (pair.total, pair.index)
                };
                return Err(Diagnostic::new(
                    format!("--shard auto: {set} is set but {unset} is not"),
                    None,
                )
                .with_help(format!(
                    "set both {} and {} ({}), or give --shard K/N",
                    pair.index, pair.total, pair.who
                )));
            }
            (Some(_), Some(t)) => t,
        };
        let index = index.unwrap_or_default();
        return pair_shard(pair, &index, &total);
    }
    let names: Vec<String> = PAIRS
        .iter()
        .map(|p| format!("{}/{} ({})", p.index, p.total, p.who))
        .collect();
    Err(
        Diagnostic::new("--shard auto: no CI shard variables are set".to_string(), None)
            .with_note(format!("looked for {}", names.join(", ")))
            .with_help(
                "in a GitHub Actions matrix set RUNNER_SHARD_INDEX (1-based) and RUNNER_SHARD_TOTAL, or give --shard K/N",
            ),
    )
}

/// The shard that `index` and `total`, read from `pair`, name.
fn pair_shard(pair: &CiPair, index: &str, total: &str) -> Result<Resolved, Diagnostic> {
    let last = |n: usize| n + pair.first - 1;
    let invalid = |why: String| {
        Diagnostic::new(
            format!(
                "--shard auto: {}=`{}` and {}=`{}` {why}",
                pair.index,
                index.escape_debug(),
                pair.total,
                total.escape_debug()
            ),
            None,
        )
        .with_help(if pair.first == 1 {
            format!(
                "{} counts from 1 to {} ({})",
                pair.index, pair.total, pair.who
            )
        } else {
            format!(
                "{} counts from 0 to {} - 1 ({})",
                pair.index, pair.total, pair.who
            )
        })
    };
    let Ok(count) = total.trim().parse::<usize>() else {
        return Err(invalid(format!(
            "do not name a slice: {} is not a number",
            pair.total
        )));
    };
    if count == 0 {
        return Err(invalid(format!("do not name a slice: {} is 0", pair.total)));
    }
    let Ok(raw) = index.trim().parse::<usize>() else {
        return Err(invalid(format!(
            "do not name a slice: {} is not a number",
            pair.index
        )));
    };
    if raw < pair.first || raw > last(count) {
        return Err(invalid(format!(
            "do not name a slice: the index must be between {} and {}",
            pair.first,
            last(count)
        )));
    }
    let shard = Shard {
        index: raw + 1 - pair.first,
        count,
    };
    let source = format!(
        "{}={}, {}={}",
        pair.index,
        index.trim(),
        pair.total,
        total.trim()
    );
    Ok((shard, Some(source)))
}

#[cfg(test)]
mod tests {
    use super::{Shard, parse_shard, resolve};

    fn with(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn auto(vars: &[(&str, &str)]) -> Result<Shard, String> {
        resolve("auto", with(vars))
            .map(|(s, _)| s)
            .map_err(|d| d.title)
    }

    #[test]
    fn shard_parse_rejects_out_of_range() {
        assert_eq!(parse_shard("2/3"), Ok(Shard { index: 2, count: 3 }));
        assert!(parse_shard("0/3").is_err());
        assert!(parse_shard("4/3").is_err());
        assert!(parse_shard("x").is_err());
    }

    #[test]
    fn auto_reads_each_ci() {
        let two_of_three = Ok(Shard { index: 2, count: 3 });
        assert_eq!(
            auto(&[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")]),
            two_of_three
        );
        assert_eq!(
            auto(&[
                ("BUILDKITE_PARALLEL_JOB", "1"),
                ("BUILDKITE_PARALLEL_JOB_COUNT", "3")
            ]),
            two_of_three
        );
        assert_eq!(
            auto(&[
                ("RUNNER_SHARD_INDEX", "2"),
                ("RUNNER_SHARD_TOTAL", "3"),
                ("CI_NODE_TOTAL", "1")
            ]),
            two_of_three
        );
        assert_eq!(
            auto(&[("CI_NODE_TOTAL", "1")]),
            Ok(Shard { index: 1, count: 1 })
        );
    }

    #[test]
    fn auto_refuses_missing_and_invalid_values() {
        assert!(auto(&[]).is_err_and(|m| m.contains("no CI shard variables")));
        assert!(auto(&[("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "3")]).is_err());
        assert!(auto(&[("CI_NODE_INDEX", "4"), ("CI_NODE_TOTAL", "3")]).is_err());
        assert!(
            auto(&[
                ("BUILDKITE_PARALLEL_JOB", "3"),
                ("BUILDKITE_PARALLEL_JOB_COUNT", "3")
            ])
            .is_err()
        );
        assert!(auto(&[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "0")]).is_err());
        assert!(auto(&[("RUNNER_SHARD_INDEX", "x"), ("RUNNER_SHARD_TOTAL", "3")]).is_err());
        assert!(
            auto(&[("RUNNER_SHARD_INDEX", "1")]).is_err_and(
                |m| m.contains("RUNNER_SHARD_INDEX is set but RUNNER_SHARD_TOTAL is not")
            )
        );
    }
}
