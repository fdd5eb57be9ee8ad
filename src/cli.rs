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
#[allow(clippy::large_enum_variant)] // parsed once
pub enum Command {
    /// Run collections (exit 0 passed, 1 assertion failed, 2 invalid input, 3 runtime error).
    #[command(
        after_help = "Examples:\n  runner run collections/connections.yaml -e prod\n  runner run collections/connections.yaml -e local --mock --only 'Admin/*'"
    )]
    Run(RunArgs),
    /// Check collections, templates and variables for an environment; send nothing.
    #[command(after_help = "Example:\n  runner validate collections/*.yaml -e prod")]
    Validate(ValidateArgs),
    /// Serve the collection's saved examples and a local OAuth2 server on a local port.
    #[command(after_help = "Example:\n  runner mock collections/connections.yaml --port 8080")]
    Mock(MockArgs),
    /// Log in, print or forget the OAuth2 tokens of a collection.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Work with report files.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Convert collections from other tools (Postman, OpenAPI) to runner YAML.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print each request as a runnable curl command; secrets stay shell variables.
    #[command(
        after_help = "Example:\n  runner curl collections/connections.yaml -e prod --only 'List connections' > calls.sh\n\nValues from the process environment, secret variables and captured values are written\nas \"$NAME\" references. An OAuth2 request is preceded by its token request\n(ACCESS_TOKEN=$(curl ... | jq -r .access_token))."
    )]
    Curl(CurlArgs),
    /// Print the JSON Schema of the collection or environment file format.
    #[command(after_help = "Example:\n  runner schema collection > schema/collection.schema.json")]
    Schema(SchemaArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  runner completions bash > ~/.local/share/bash-completion/completions/runner"
    )]
    Completions(CompletionsArgs),
}

/// `runner report`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Combine JSON reports (e.g. of shards) and write them with other reporters.
    #[command(
        after_help = "Examples:\n  runner run collections/*.yaml -e prod --shard 1/2 --reporter json=shard1.json\n  runner run collections/*.yaml -e prod --shard 2/2 --reporter json=shard2.json\n  runner report merge shard1.json shard2.json --reporter junit=junit.xml --reporter html=report.html\n\nThe reports are combined in plan order, as one run without --shard would write them."
    )]
    Merge(MergeArgs),
}

/// `runner report merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// JSON reports written by `--reporter json=PATH`.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    /// junit=PATH, json=PATH, html=PATH (repeatable); a PATH of `-` is stdout.
    #[arg(long = "reporter", value_name = "NAME=PATH", required = true)]
    pub reporters: Vec<String>,
}

/// `runner import`.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Convert a Postman Collection v2.0/v2.1 (and its environments) to YAML; sends nothing.
    #[command(
        after_help = "Example:\n  runner import postman api.postman_collection.json --environment prod.postman_environment.json -o .\n\nWrites DIR/collections/<name>.yaml and DIR/environments/<name>.yaml, then prints\nwhat was translated, kept as notes, renamed, and which environment variables to set."
    )]
    Postman(ImportPostmanArgs),
    /// Generate a collection with contract assertions from an OpenAPI 3.0/3.1 document
    /// (JSON or YAML); sends nothing.
    #[command(
        after_help = "Example:\n  runner import openapi openapi.yaml -o . --server https://staging.example.com/v1\n\nWrites DIR/collections/<title>.yaml (one request per operation, in folders by tag, each\nexpecting its success status and, for JSON, its response schema), the schemas under\nDIR/collections/schemas/<title>/, and DIR/environments/<title>-mock.yaml for\n`runner run ... -e <title>-mock --mock`; then prints the variables to set."
    )]
    Openapi(ImportOpenapiArgs),
}

/// `runner import openapi`.
#[derive(Debug, clap::Args)]
pub struct ImportOpenapiArgs {
    /// The OpenAPI document (JSON or YAML).
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// Output folder: collections/ and environments/ are written inside it.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// The API's base URL, instead of the document's first server (the `base_url` variable).
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
}

/// `runner import postman`.
#[derive(Debug, clap::Args)]
pub struct ImportPostmanArgs {
    /// The Postman collection (JSON).
    #[arg(value_name = "COLLECTION.json")]
    pub collection: PathBuf,
    /// A Postman environment (JSON); repeatable.
    #[arg(long, value_name = "ENV.json")]
    pub environment: Vec<PathBuf>,
    /// Output folder: collections/ and environments/ are written inside it.
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Write one collection per top-level folder (and one for the requests outside folders).
    #[arg(long)]
    pub split: bool,
}

/// `runner curl`.
#[derive(Debug, clap::Args)]
pub struct CurlArgs {
    /// The collection.
    #[arg(value_name = "COLLECTION")]
    pub collection: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Only requests whose "Folder/Request" path or name matches this glob (repeatable).
    #[arg(long, value_name = "NAME-GLOB")]
    pub only: Vec<String>,
}

/// `runner schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which file format.
    #[arg(value_enum, default_value_t = SchemaKind::Collection)]
    pub kind: SchemaKind,
}

/// The file formats with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// A collection file.
    Collection,
    /// An environment file.
    Environment,
}

/// `runner completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `runner auth`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Obtain tokens (a browser or device login where the grant needs one) and cache them.
    #[command(after_help = "Example:\n  runner auth login collections/connections.yaml -e prod")]
    Login(AuthArgs),
    /// Print a valid access token on stdout, refreshing it if needed.
    #[command(
        after_help = "Examples:\n  runner auth token collections/connections.yaml -e prod\n  runner auth token collections/connections.yaml -e prod --refresh-token   # for a CI secret"
    )]
    Token(AuthTokenArgs),
    /// Forget the cached tokens of the collection.
    #[command(after_help = "Example:\n  runner auth logout collections/connections.yaml -e prod")]
    Logout(AuthArgs),
}

/// Options of `runner auth` commands.
#[derive(Debug, clap::Args)]
pub struct AuthArgs {
    /// The collection whose `oauth2:` blocks are used.
    #[arg(value_name = "COLLECTION")]
    pub collection: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub tokens: TokenArgs,
}

/// `runner auth token`.
#[derive(Debug, clap::Args)]
pub struct AuthTokenArgs {
    #[command(flatten)]
    pub auth: AuthArgs,
    /// Print the refresh token instead (to store as a CI secret).
    #[arg(long)]
    pub refresh_token: bool,
}

/// Token options shared by `run` and `auth`.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// How long to wait for a browser or device login ("5m", "90s").
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub login_timeout: String,
    /// Neither read nor write the token cache.
    #[arg(long)]
    pub no_token_cache: bool,
    /// Write the newest refresh token to this file (mode 0600), e.g. to store a rotated
    /// one back into a CI secret.
    #[arg(long, value_name = "PATH")]
    pub save_refresh_token: Option<PathBuf>,
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
    /// dotenv file read into env.* (default: the `.env` files of the working directory, the
    /// environment file's folder and the collection's folder; the first that sets a name wins).
    #[arg(long = "env-file", value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// Files a collection sends or reads (bodies, multipart parts, schemas) must lie under
    /// this folder (default: the collection's folder).
    #[arg(long = "file-root", value_name = "DIR")]
    pub file_root: Option<PathBuf>,
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
    /// Largest decoded response body read ("512KiB", "10MB", "64MiB", bytes); past it the
    /// request fails (exit 3). A request's `max_body:` wins.
    #[arg(long, value_name = "SIZE", default_value = "64MiB")]
    pub max_body: String,
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
    /// Reporter: cli (default), junit=PATH, json=PATH, html=PATH, github. Repeatable.
    /// A PATH of `-` writes the report to stdout (the terminal's lines then go to stderr).
    #[arg(long = "reporter", value_name = "NAME[=PATH]")]
    pub reporters: Vec<String>,
    /// Run each collection once per row of this CSV or JSON file (fields are variables).
    #[arg(short = 'd', long = "data", value_name = "FILE.csv|.json")]
    pub data: Option<PathBuf>,
    /// Iterations; with --data, passes over the rows.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 1)]
    pub iterations: usize,
    /// Run independent collections and iterations N at a time.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 1)]
    pub parallel: usize,
    /// Run the K-th of N deterministic slices of (collection, iteration) units. `auto` reads
    /// K and N from the CI: RUNNER_SHARD_INDEX/RUNNER_SHARD_TOTAL (1-based, e.g. set from a
    /// GitHub Actions matrix), GitLab's CI_NODE_INDEX/CI_NODE_TOTAL, Buildkite's
    /// BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT.
    #[arg(long, value_name = "K/N|auto")]
    pub shard: Option<String>,
    /// Serve the collections' examples and a local OAuth2 server on a free loopback port
    /// for this run; its URL is the variable mock_url.
    #[arg(long)]
    pub mock: bool,
    /// Write the variables as the run leaves them (captures and script values included) as
    /// an environment file for `-e PATH`; secrets as their {{ env.NAME }} references.
    #[arg(long, value_name = "PATH")]
    pub export_env: Option<PathBuf>,
    #[command(flatten)]
    pub tokens: TokenArgs,
    /// Print each exchange like `curl -v`, secrets masked.
    #[arg(short, long)]
    pub verbose: bool,
    /// Print only failures, errors and the summary: no line per passing or skipped request,
    /// no progress bar. With -v, -v wins (as in `curl -sv`).
    #[arg(short, long)]
    pub quiet: bool,
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
    /// Lifetime of the access tokens of the embedded OAuth2 server ("1h", "30s").
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub token_lifetime: String,
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
