//! Command line + environment variables → typed settings, resolved once.
//! Precedence: command line, then environment variables (NO_COLOR), then defaults.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::cli::{ColorChoice, LoadArgs, RunArgs, TokenArgs};
use crate::collection::resolve_environment_path;
use crate::diagnostic::Diagnostic;
use crate::http::ClientOptions;
use crate::output::Printer;
use crate::paths::FileRoot;
use crate::report::ReporterSpec;
use crate::runner::{Selection, Shard};

mod shard;

/// Where collections, environment and variables come from.
#[derive(Debug, Clone)]
pub struct LoadSettings {
    /// Collection files.
    pub collections: Vec<PathBuf>,
    /// `-e`.
    pub env: Option<String>,
    /// `--var` pairs, in order.
    pub vars: Vec<(String, String)>,
    /// The dotenv files to read, the one that wins first: `--env-file` alone, or the `.env`
    /// files found in the working directory, beside the environment file and beside each
    /// collection.
    pub env_files: Vec<PathBuf>,
    /// Whether mock_url is defined (the mock runs).
    pub mock: bool,
    /// Names set for each iteration (data fields, `iteration`): defined for checks.
    pub iteration_names: Vec<String>,
    /// `--file-root`.
    pub file_root: FileRoot,
}

/// Everything `runner run` needs, resolved.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Loading.
    pub load: LoadSettings,
    /// Selection.
    pub selection: Selection,
    /// `--bail`.
    pub bail: bool,
    /// `--timeout`.
    pub timeout: Duration,
    /// `--max-body`, in bytes.
    pub max_body: u64,
    /// TLS and proxy.
    pub client: ClientOptions,
    /// Output.
    pub output: Printer,
    /// OAuth2 token options.
    pub tokens: TokenSettings,
    /// Reporters, data, iterations, parallelism and shard.
    pub batch: BatchSettings,
    /// `--export-env`.
    pub export_env: Option<PathBuf>,
}

/// `--reporter`, `-d`, `-n`, `-j`, `--shard`.
#[derive(Debug, Clone)]
pub struct BatchSettings {
    /// Reporters besides the terminal.
    pub reporters: Vec<ReporterSpec>,
    /// `-d`.
    pub data: Option<PathBuf>,
    /// `-n` (passes over the data rows with `-d`).
    pub iterations: usize,
    /// `-j`.
    pub parallel: usize,
    /// `--shard`.
    pub shard: Option<Shard>,
    /// With `--shard auto`, the CI variables it was read from (`CI_NODE_INDEX=2,
    /// CI_NODE_TOTAL=3`).
    pub shard_source: Option<String>,
}

impl BatchSettings {
    fn resolve(args: &RunArgs) -> Result<BatchSettings, UsageError> {
        let usage = |m: String, help: &str| Diagnostic::new(m, None).with_help(help.to_string());
        let mut reporters = Vec::new();
        for r in &args.reporters {
            let spec = ReporterSpec::parse(r).map_err(|m| {
                usage(
                    m,
                    "available: cli, junit=PATH, json=PATH, html=PATH, github",
                )
            })?;
            if !reporters.contains(&spec) {
                reporters.push(spec);
            }
        }
        if args.iterations == 0 || args.parallel == 0 {
            return Err(usage(
                "--iterations and --parallel must be at least 1".into(),
                "for example -n 10 -j 4",
            ));
        }
        let (shard, shard_source) = match &args.shard {
            Some(s) => {
                let (shard, source) = shard::resolve(s, |name| std::env::var(name).ok())?;
                (Some(shard), source)
            }
            None => (None, None),
        };
        Ok(BatchSettings {
            reporters,
            data: args.data.clone(),
            iterations: args.iterations,
            parallel: args.parallel,
            shard,
            shard_source,
        })
    }
}

/// OAuth2 token options (`run` and `auth`).
#[derive(Debug, Clone)]
pub struct TokenSettings {
    /// The token cache file; `None` with `--no-token-cache`.
    pub cache: Option<PathBuf>,
    /// `RUNNER_CACHE_LOCK_TIMEOUT`: how long to wait for another run's lock on the cache.
    pub lock_timeout: Duration,
    /// `--login-timeout`.
    pub login_timeout: Duration,
    /// `--save-refresh-token`.
    pub save_refresh_token: Option<PathBuf>,
}

impl TokenSettings {
    /// Resolves token options: `--no-token-cache`, then `RUNNER_TOKEN_CACHE`, then the user
    /// cache directory (`runner/tokens.json`).
    pub fn resolve(args: TokenArgs) -> Result<TokenSettings, UsageError> {
        let login_timeout = crate::collection::parse_duration_str(&args.login_timeout)
            .map_err(|e| Diagnostic::new(format!("invalid --login-timeout: {e}"), None))?;
        let cache = if args.no_token_cache {
            None
        } else if let Some(p) = std::env::var_os("RUNNER_TOKEN_CACHE").filter(|v| !v.is_empty()) {
            Some(PathBuf::from(p))
        } else {
            directories::ProjectDirs::from("", "", "runner")
                .map(|d| d.cache_dir().join("tokens.json"))
        };
        let lock_timeout = match std::env::var("RUNNER_CACHE_LOCK_TIMEOUT") {
            Ok(v) if !v.is_empty() => crate::collection::parse_duration_str(&v).map_err(|e| {
                Diagnostic::new(format!("invalid RUNNER_CACHE_LOCK_TIMEOUT: {e}"), None)
            })?,
            _ => crate::auth::cache::LOCK_TIMEOUT,
        };
        Ok(TokenSettings {
            cache,
            lock_timeout,
            login_timeout,
            save_refresh_token: args.save_refresh_token,
        })
    }
}

/// A command-line mistake (exit 2).
pub type UsageError = Diagnostic;

impl LoadSettings {
    /// Resolves the loading options of any command.
    pub fn resolve(
        collections: Vec<PathBuf>,
        args: LoadArgs,
        mock: bool,
    ) -> Result<LoadSettings, UsageError> {
        let mut vars = Vec::with_capacity(args.vars.len());
        for (n, v) in args.vars.into_iter().enumerate() {
            // The text may be a value (a token pasted without its name): name it by its
            // position unless it is plainly a variable name.
            let which = if !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_alphanumeric() || c == '_')
            {
                format!("`{v}`")
            } else {
                format!("--var number {}", n + 1)
            };
            let Some((k, val)) = v.split_once('=') else {
                return Err(Diagnostic::new(
                    format!("--var must be KEY=VALUE: {which} has no `=`"),
                    None,
                )
                .with_help("for example --var base_url=http://localhost:8080"));
            };
            if k.trim().is_empty() {
                return Err(Diagnostic::new(
                    format!("--var must be KEY=VALUE: {which} has no name before `=`"),
                    None,
                )
                .with_help("for example --var base_url=http://localhost:8080"));
            }
            vars.push((k.trim().to_string(), val.to_string()));
        }
        let file_root = match &args.file_root {
            Some(root) => FileRoot::given(root).map_err(|m| {
                Diagnostic::new(m, None)
                    .with_help("give an existing folder, such as --file-root ..")
            })?,
            None => FileRoot::default(),
        };
        let env_files = match args.env_file {
            Some(p) => {
                if !p.is_file() {
                    return Err(Diagnostic::new(
                        format!("cannot read --env-file {}: no such file", p.display()),
                        None,
                    ));
                }
                vec![p]
            }
            None => dotenv_files(args.env.as_deref(), &collections),
        };
        Ok(LoadSettings {
            collections,
            env: args.env,
            vars,
            env_files,
            mock,
            iteration_names: vec!["iteration".to_string()],
            file_root,
        })
    }

    /// The process environment with the dotenv files underneath: real variables win, then
    /// the first dotenv file that sets a name.
    pub fn process_env(&self) -> Result<BTreeMap<String, String>, UsageError> {
        let mut map = BTreeMap::new();
        for path in self.env_files.iter().rev() {
            let iter = dotenvy::from_path_iter(path).map_err(|e| {
                Diagnostic::new(format!("cannot read {}: {e}", path.display()), None)
            })?;
            for item in iter {
                let (k, v) = item.map_err(|e| dotenv_error(path, &e))?;
                map.insert(k, v);
            }
        }
        for (k, v) in std::env::vars_os() {
            if let (Some(k), Some(v)) = (k.to_str(), v.to_str()) {
                map.insert(k.to_string(), v.to_string());
            }
        }
        Ok(map)
    }
}

/// The `.env` files read without `--env-file`, the one that wins first: the working
/// directory's, the one beside the environment file (when `-e` finds it), then the one beside
/// each collection. A file reached twice is read once, at its first place.
fn dotenv_files(env: Option<&str>, collections: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::new()];
    if let Some(path) = env.and_then(|name| resolve_environment_path(name, collections).ok()) {
        dirs.push(path.parent().map(Path::to_path_buf).unwrap_or_default());
    }
    dirs.extend(
        collections
            .iter()
            .map(|c| c.parent().map(Path::to_path_buf).unwrap_or_default()),
    );
    let mut files: Vec<PathBuf> = Vec::new();
    let mut seen: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let file = dir.join(".env");
        if !file.is_file() {
            continue;
        }
        let key = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
        if !seen.contains(&key) {
            seen.push(key);
            files.push(file);
        }
    }
    files
}

/// The line of a dotenv file that failed to parse is named by its number and key only:
/// its value is likely a secret, and nothing is known yet to mask it.
fn dotenv_error(path: &Path, e: &dotenvy::Error) -> Diagnostic {
    match e {
        dotenvy::Error::LineParse(line, _) => {
            let first = line.lines().next().unwrap_or_default();
            let number = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| text.lines().position(|l| l == first))
                .map(|i| format!(" at line {}", i + 1))
                .unwrap_or_default();
            let what = match first.split_once('=') {
                Some((key, _)) => format!("`{}=...`", key.trim()),
                None => "a line without `=`".to_string(),
            };
            Diagnostic::new(
                format!(
                    "cannot parse {}{number}: {what} (values are not shown)",
                    path.display()
                ),
                None,
            )
            .with_help("write each line as KEY=value, and quote a value with spaces or special characters: KEY='value'")
        }
        other => Diagnostic::new(format!("cannot read {}: {other}", path.display()), None),
    }
}

/// Whether to colour output on a stream that is (or is not) a terminal.
fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether the process runs on a CI service (`CI` or `GITHUB_ACTIONS` set to anything but
/// `false`/`0`), whose log reads workflow commands from the output.
fn on_ci() -> bool {
    ["CI", "GITHUB_ACTIONS"].iter().any(|name| {
        std::env::var(name)
            .map(|v| !v.is_empty() && v != "false" && v != "0")
            .unwrap_or(false)
    })
}

/// The output decisions of a command: `--color` (or `auto` for commands without it) for
/// stdout and stderr, `-v`, and a progress bar only on a terminal, without `-v` and
/// outside CI.
pub fn printer(color: ColorChoice, verbose: bool) -> Printer {
    let stderr_tty = std::io::stderr().is_terminal();
    Printer {
        color: color_enabled(color, std::io::stdout().is_terminal()),
        err_color: color_enabled(color, stderr_tty),
        verbose,
        quiet: false,
        progress: stderr_tty && !verbose && std::env::var_os("CI").is_none(),
        ci: on_ci(),
    }
}

impl RunSettings {
    /// Resolves `runner run` arguments.
    pub fn resolve(args: RunArgs) -> Result<RunSettings, UsageError> {
        let timeout = crate::collection::parse_duration_str(&args.timeout).map_err(|e| {
            Diagnostic::new(format!("invalid --timeout: {e}"), None)
                .with_help("write a duration such as 500ms, 30s or 2m")
        })?;
        let max_body = crate::collection::parse_size_str(&args.max_body).map_err(|e| {
            Diagnostic::new(format!("invalid --max-body: {e}"), None)
                .with_help("write a size such as 512KiB, 10MB or 64MiB, or a number of bytes")
        })?;
        let batch = BatchSettings::resolve(&args)?;
        let export_env = args.export_env.clone();
        let output = printer(args.color, args.verbose).with_quiet(args.quiet);
        let tokens = TokenSettings::resolve(args.tokens)?;
        Ok(RunSettings {
            batch,
            export_env,
            tokens,
            load: LoadSettings::resolve(args.collections, args.load, args.mock)?,
            selection: Selection {
                only: args.only,
                tags: args.tag,
            },
            bail: args.bail,
            timeout,
            max_body,
            client: ClientOptions {
                insecure: args.insecure,
                cacert: args.cacert,
                cert: args.cert,
                key: args.key,
                proxy: args.proxy,
            },
            output,
        })
    }

    /// Report files and the `--export-env` file may neither overwrite one another nor an
    /// input of the run.
    pub fn check_report_paths(&self) -> Result<(), String> {
        let load = &self.load;
        let env = load
            .env
            .as_ref()
            .and_then(|name| resolve_environment_path(name, &load.collections).ok());
        let mut inputs: Vec<(&str, &Path)> = load
            .collections
            .iter()
            .map(|p| ("collection", p.as_path()))
            .collect();
        inputs.extend(env.as_deref().map(|p| ("environment", p)));
        inputs.extend(self.batch.data.as_deref().map(|p| ("data file", p)));
        inputs.extend(load.env_files.iter().map(|p| ("env file", p.as_path())));
        crate::report::files::check_report_paths(&self.batch.reporters, &inputs)?;
        let Some(export) = &self.export_env else {
            return Ok(());
        };
        let own = crate::paths::resolve(export);
        let label = format!("--export-env {}", export.display());
        if let Some((what, p)) = inputs.iter().find(|(_, p)| crate::paths::resolve(p) == own) {
            return Err(format!(
                "{label} would overwrite the {what} {}: write it to another file",
                p.display()
            ));
        }
        if self.batch.reporters.iter().any(|r| {
            r.path()
                .is_some_and(|p| !r.to_stdout() && crate::paths::resolve(p) == own)
        }) {
            return Err(format!("{label} and a --reporter write the same file"));
        }
        Ok(())
    }
}
