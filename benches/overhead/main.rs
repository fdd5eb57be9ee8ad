//! End-to-end benchmark of the `runner` binary: what it costs per request on top of the
//! HTTP exchange itself, how long it takes to start, and how much memory it uses.
//!
//! An in-process server on 127.0.0.1 serves a small and a ~100 KB JSON document. The same
//! sequential GETs are made directly with one reqwest client (the floor), then by the real
//! binary running generated collections. Every scenario runs several times; medians are
//! reported next to the targets.
//!
//! Usage: `scripts/bench.sh [--runs N] [--runner PATH] [--serve SECONDS]`; see
//! benches/README.md.

mod process;
mod server;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use process::Run;
use server::{BenchServer, SMALL_ITEMS};

/// Per-request time the binary may add to the HTTP exchange, in milliseconds.
const OVERHEAD_TARGET_MS: f64 = 0.2;
/// Peak resident set size the binary may reach, in MB.
const RSS_TARGET_MB: f64 = 30.0;
/// Requests of the small-document scenario.
const SMALL_REQUESTS: usize = 1000;
/// Requests of the large-document scenario.
const LARGE_REQUESTS: usize = 100;
/// Runs of each scenario unless `--runs` says otherwise.
const DEFAULT_RUNS: usize = 5;

struct Options {
    runner: PathBuf,
    runs: usize,
    /// Only serve the documents for this long (to profile the binary by hand).
    serve: Option<Duration>,
}

fn options() -> Result<Options, String> {
    let mut opts = Options {
        runner: PathBuf::from(env!("CARGO_BIN_EXE_runner")),
        runs: DEFAULT_RUNS,
        serve: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // Passed by `cargo bench`.
            "--bench" => {}
            "--runs" => {
                opts.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=100).contains(n))
                    .ok_or("--runs needs a number from 1 to 100")?;
            }
            "--runner" => opts.runner = args.next().ok_or("--runner needs a path")?.into(),
            "--serve" => {
                let secs: u64 = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=3600).contains(n))
                    .ok_or("--serve needs a number of seconds from 1 to 3600")?;
                opts.serve = Some(Duration::from_secs(secs));
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --runs N, --runner PATH, --serve SECONDS)"
                ));
            }
        }
    }
    Ok(opts)
}

/// The two documents the server serves.
#[derive(Debug, Clone, Copy)]
enum Doc {
    Small,
    Large,
}

impl Doc {
    fn path(self) -> &'static str {
        match self {
            Doc::Small => "/small",
            Doc::Large => "/large",
        }
    }
}

/// A collection run by the binary.
struct Scenario {
    title: String,
    file: PathBuf,
    requests: usize,
    /// The document of the raw floor it is compared with.
    floor: Option<Doc>,
    runs: Vec<Run>,
    connections: usize,
}

fn main() -> ExitCode {
    match bench() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("benchmark failed: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs everything and prints the table; `Ok(false)` when a target is missed.
fn bench() -> Result<bool, String> {
    let mut opts = options()?;
    // Runs happen in a temporary folder: the path must not be relative.
    opts.runner = std::fs::canonicalize(&opts.runner).map_err(|e| {
        format!(
            "{}: {e}; build it with `cargo build --release`",
            opts.runner.display()
        )
    })?;
    let server = BenchServer::start();
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let large_check = format!("$.totalResults: {}", server.large_items);
    let small_check = format!("$.totalResults: {SMALL_ITEMS}");
    let mut scenarios = vec![
        Scenario {
            title: "start-up (1 GET)".into(),
            file: write(dir.path(), "startup.yaml", 1, Doc::Small, &small_check)?,
            requests: 1,
            floor: None,
            runs: Vec::new(),
            connections: 0,
        },
        Scenario {
            title: format!("{SMALL_REQUESTS} GETs, small JSON, status + JSONPath"),
            file: write(
                dir.path(),
                "small.yaml",
                SMALL_REQUESTS,
                Doc::Small,
                &small_check,
            )?,
            requests: SMALL_REQUESTS,
            floor: Some(Doc::Small),
            runs: Vec::new(),
            connections: 0,
        },
        Scenario {
            title: format!(
                "{LARGE_REQUESTS} GETs, {} KB JSON, JSONPath",
                server.large_len / 1024
            ),
            file: write(
                dir.path(),
                "large.yaml",
                LARGE_REQUESTS,
                Doc::Large,
                &large_check,
            )?,
            requests: LARGE_REQUESTS,
            floor: Some(Doc::Large),
            runs: Vec::new(),
            connections: 0,
        },
    ];
    if let Some(how_long) = opts.serve {
        println!(
            "serving {url}/small and {url}/large ({} bytes) for {how_long:?}; collections:",
            server.large_len,
            url = server.url()
        );
        for s in &scenarios {
            println!(
                "  {} run {} --var base_url={}",
                opts.runner.display(),
                s.file.display(),
                server.url()
            );
        }
        std::thread::sleep(how_long);
        return Ok(true);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let var = format!("base_url={}", server.url());
    let args = |s: &Scenario| -> Vec<String> {
        vec![
            "run".into(),
            s.file.display().to_string(),
            "--var".into(),
            var.clone(),
            "--color".into(),
            "never".into(),
        ]
    };
    eprintln!(
        "runner: {}; {} runs of each scenario; server at {}",
        opts.runner.display(),
        opts.runs,
        server.url()
    );
    // One untimed round: page cache, lazy statics, the server's first accept.
    for s in &scenarios {
        check(process::run(&opts.runner, dir.path(), &args(s))?, s)?;
    }
    let mut raw_small = Vec::new();
    let mut raw_large = Vec::new();
    let mut raw_connections = 0;
    // Rounds interleave the scenarios so that background noise spreads over all of them.
    for round in 1..=opts.runs {
        eprint!("round {round}/{}\r", opts.runs);
        let before = server.connections();
        raw_small.push(rt.block_on(raw(&server.url(), Doc::Small, SMALL_REQUESTS))?);
        raw_connections = raw_connections.max(server.connections() - before);
        let before = server.connections();
        raw_large.push(rt.block_on(raw(&server.url(), Doc::Large, LARGE_REQUESTS))?);
        raw_connections = raw_connections.max(server.connections() - before);
        for s in &mut scenarios {
            let before = server.connections();
            let run = check(process::run(&opts.runner, dir.path(), &args(s))?, s)?;
            s.connections = s.connections.max(server.connections() - before);
            s.runs.push(run);
        }
    }
    eprintln!();
    let raw_small = median(&raw_small);
    let raw_large = median(&raw_large);
    let startup = median(&walls(&scenarios[0]));
    Ok(report(
        &opts,
        &scenarios,
        startup,
        Floor {
            small: raw_small,
            large: raw_large,
            connections: raw_connections,
        },
    ))
}

/// Writes a collection of `n` GETs of `doc`, each with a status and a JSONPath assertion.
fn write(dir: &Path, name: &str, n: usize, doc: Doc, json: &str) -> Result<PathBuf, String> {
    let mut text = format!("name: bench {name}\nrequests:\n");
    let path = doc.path();
    for i in 1..=n {
        text.push_str(&format!(
            "  - name: get {i}\n    url: \"{{{{ base_url }}}}{path}\"\n    expect:\n      status: 200\n      json:\n        {json}\n"
        ));
    }
    let file = dir.join(name);
    std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    Ok(file)
}

/// The run, if every request of the scenario passed.
fn check(run: Run, s: &Scenario) -> Result<Run, String> {
    let want = format!("{} passed, 0 failed", s.requests);
    if run.stdout.contains(&want) {
        Ok(run)
    } else {
        Err(format!(
            "{}: expected `{want}` in the output\n{}{}",
            s.title, run.stdout, run.stderr
        ))
    }
}

/// The floor: `n` sequential GETs with one reqwest client, reading each body.
async fn raw(base: &str, doc: Doc, n: usize) -> Result<Duration, String> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("client: {e}"))?;
    let url = format!("{base}{}", doc.path());
    let start = Instant::now();
    for _ in 0..n {
        let response = client
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("GET {url}: {}", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        std::hint::black_box(body);
    }
    Ok(start.elapsed())
}

fn walls(s: &Scenario) -> Vec<Duration> {
    s.runs.iter().map(|r| r.wall).collect()
}

/// The median of `values`, in milliseconds.
fn median(values: &[Duration]) -> f64 {
    median_f64(values.iter().map(|d| d.as_secs_f64() * 1000.0).collect())
}

fn median_f64(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

/// Medians of the raw exchanges, in milliseconds.
struct Floor {
    small: f64,
    large: f64,
    connections: usize,
}

/// Prints the table; whether every target holds.
fn report(opts: &Options, scenarios: &[Scenario], startup: f64, raw: Floor) -> bool {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "runner benchmark: {} ({cores} cores), median of {} runs",
        opts.runner.display(),
        opts.runs
    );
    println!();
    println!(
        "raw reqwest floor: {SMALL_REQUESTS} × small in {:.1} ms ({:.3} ms/request), {LARGE_REQUESTS} × large in {:.1} ms ({:.3} ms/request)",
        raw.small,
        raw.small / SMALL_REQUESTS as f64,
        raw.large,
        raw.large / LARGE_REQUESTS as f64,
    );
    println!(
        "                   {} TCP connection(s) per run at most",
        raw.connections
    );
    println!();
    let mut all = true;
    for s in scenarios {
        let walls = walls(s);
        let wall = median(&walls);
        let (min, max) = (
            walls.iter().min().copied().unwrap_or_default(),
            walls.iter().max().copied().unwrap_or_default(),
        );
        let rss_mb = median_f64(
            s.runs
                .iter()
                .map(|r| r.max_rss as f64 / (1024.0 * 1024.0))
                .collect(),
        );
        let rss_ok = rss_mb < RSS_TARGET_MB;
        all &= rss_ok;
        println!("{}", s.title);
        println!(
            "  wall time        {:>9.1} ms   (min {:.1}, max {:.1})",
            wall,
            ms(min),
            ms(max)
        );
        println!(
            "  requests/s       {:>9.0}",
            s.requests as f64 / (wall / 1000.0)
        );
        if let Some(doc) = s.floor {
            let raw = match doc {
                Doc::Small => raw.small,
                Doc::Large => raw.large,
            };
            let n = s.requests as f64;
            let overhead = (wall - startup) / n - raw / n;
            let ok = overhead < OVERHEAD_TARGET_MS;
            all &= ok;
            println!(
                "  overhead/request {overhead:>9.3} ms   target < {OVERHEAD_TARGET_MS} ms    {}",
                verdict(ok)
            );
        }
        println!(
            "  peak RSS         {rss_mb:>9.1} MB   target < {RSS_TARGET_MB} MB     {}",
            verdict(rss_ok)
        );
        let reused = s.connections == 1;
        all &= reused;
        println!(
            "  TCP connections  {:>9}      target 1 per run      {}",
            s.connections,
            verdict(reused)
        );
        println!();
    }
    println!(
        "overhead/request = (wall - start-up wall) / N - raw floor / N; {}",
        if all {
            "every target met"
        } else {
            "a target was missed"
        }
    );
    all
}
