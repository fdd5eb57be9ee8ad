//! The command line (clap). Nothing below `settings` sees these types.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Run YAML collections of HTTP requests: variables, OAuth2, redirects, assertions, reports.
#[derive(Debug, Parser)]
#[command(name = "runner", version, about, long_about = None, propagate_version = true)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run collections (exit 0 passed, 1 assertion failed, 2 invalid input, 3 runtime error).
    Run(RunArgs),
    /// Check collections, templates and variables for an environment; send nothing.
    Validate(ValidateArgs),
    /// Serve the collection's saved examples on a local port.
    Mock(MockArgs),
}

/// Options shared by commands that load collections and an environment.
#[derive(Debug, clap::Args)]
pub struct LoadArgs {
    /// Environment: a name (environments/<NAME>.yaml) or a path.
    #[arg(short = 'e', long = "env", value_name = "NAME|PATH")]
    pub env: Option<String>,
    /// Set a variable; beats every file (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// dotenv file read into env.* (default: ./.env when present).
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_file: Option<PathBuf>,
}

/// `runner run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Collection files, run in order.
    #[arg(required = true, value_name = "COLLECTION")]
    pub collections: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Run only requests whose "Folder/Request" path or name matches this glob (repeatable).
    #[arg(long, value_name = "NAME-GLOB")]
    pub only: Vec<String>,
    /// Run only requests with this tag (repeatable).
    #[arg(long, value_name = "TAG")]
    pub tag: Vec<String>,
    /// Stop at the first request that fails.
    #[arg(long)]
    pub bail: bool,
    /// Timeout of each request ("500ms", "30s", "2m").
    #[arg(long, value_name = "DURATION", default_value = "30s")]
    pub timeout: String,
    /// Accept any TLS certificate.
    #[arg(long, short = 'k')]
    pub insecure: bool,
    /// Also trust the CA certificates in this PEM file.
    #[arg(long, value_name = "PEM")]
    pub cacert: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS.
    #[arg(long, value_name = "PEM")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of --cert.
    #[arg(long, value_name = "PEM", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Send every request through this proxy.
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Reporter: cli (default). Repeatable.
    #[arg(long = "reporter", value_name = "NAME[=PATH]")]
    pub reporters: Vec<String>,
    /// Serve the collections' examples on a free loopback port for this run; its URL is
    /// the variable mock_url.
    #[arg(long)]
    pub mock: bool,
    /// Print each exchange like `curl -v`, secrets masked.
    #[arg(short, long)]
    pub verbose: bool,
    /// Colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `runner validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Collection files.
    #[arg(required = true, value_name = "COLLECTION")]
    pub collections: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Treat mock_url as defined (for environments meant for --mock).
    #[arg(long)]
    pub mock: bool,
    /// Colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `runner mock`.
#[derive(Debug, clap::Args)]
pub struct MockArgs {
    /// Collection files whose examples are served.
    #[arg(required = true, value_name = "COLLECTION")]
    pub collections: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Port on 127.0.0.1 (default: a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Colour output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}
