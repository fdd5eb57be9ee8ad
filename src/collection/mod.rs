//! The collection model: what the files say, validated, with templates kept raw.
//!
//! Loading (`load.rs`) turns YAML into [`raw`] serde types; `build.rs` checks them and
//! flattens folders into a list of [`RequestDef`] that carry their inherited settings.

mod build;
mod environment;
mod fast_yaml;
mod grant;
mod load;
mod matcher;
mod numbers;
pub mod raw;
mod size;
mod spans;
mod status;
mod syntax;
mod yaml_error;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use jsonpath_rust::parser::model::JpQuery;
use regex::Regex;
use serde_json::Value;

use crate::diagnostic::Span;
use crate::paths::FileRoot;

pub use build::parse_duration_str;
pub use environment::{Environment, environment_names, load_environment, resolve_environment_path};
pub use grant::{ClientAuth, Grant};
pub(crate) use load::yaml_options;
pub use load::{LoadError, load_collection};
pub use matcher::Predicate;
pub use size::parse_size_str;
pub use status::StatusOption;

/// A string that may contain `{{ ... }}` expressions, and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// The source text.
    pub src: String,
    /// Its position, when it came from a file.
    pub span: Option<Span>,
}

impl Template {
    /// A template from source text.
    pub fn new(src: impl Into<String>, span: Option<Span>) -> Template {
        Template {
            src: src.into(),
            span,
        }
    }

    /// Whether the text has no template syntax, so rendering is the identity.
    pub fn is_literal(&self) -> bool {
        !has_template_syntax(&self.src)
    }
}

/// Whether `s` contains `{{`, `{%` or `{#`.
pub fn has_template_syntax(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// A JSON document whose string leaves are templates. A leaf that is exactly one
/// `{{ expr }}` keeps the expression's JSON type.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonTemplate {
    /// The document as written.
    pub value: Value,
    /// Where it starts.
    pub span: Option<Span>,
}

/// A loaded collection file.
#[derive(Debug, Clone)]
pub struct Collection {
    /// `name:`, or the file stem.
    pub name: String,
    /// The file as named on the command line.
    pub file: Arc<str>,
    /// The folder of the file; relative paths in the collection start here.
    pub dir: PathBuf,
    /// The folder files named in the collection must lie under.
    pub file_root: FileRoot,
    /// `variables:` (lowest precedence), values may be templates.
    pub variables: Vec<VarDef>,
    /// Variable names whose values are masked.
    pub secrets: Vec<String>,
    /// Every request, folders flattened, in file order.
    pub requests: Vec<RequestDef>,
}

impl Collection {
    /// Whether any request runs a script.
    pub fn has_scripts(&self) -> bool {
        self.requests.iter().any(|r| !r.scripts.is_empty())
    }
}

/// One variable definition in a collection or environment file.
#[derive(Debug, Clone)]
pub struct VarDef {
    /// Its name.
    pub name: String,
    /// Its value; string leaves are templates.
    pub value: Value,
    /// Where it is defined.
    pub span: Option<Span>,
}

/// One request with everything it inherited from its folders and collection.
#[derive(Debug, Clone)]
pub struct RequestDef {
    /// `name:`.
    pub name: String,
    /// The folders it sits in, outermost first.
    pub folders: Vec<String>,
    /// Where the request starts.
    pub span: Option<Span>,
    /// Upper-case method.
    pub method: String,
    /// `url:`.
    pub url: Template,
    /// `query:` pairs (a list value gives repeated pairs).
    pub query: Vec<(String, Template)>,
    /// Headers, inherited ones first; a later name replaces an earlier one.
    pub headers: Vec<(String, Template)>,
    /// `body:` (boxed: many requests have none).
    pub body: Option<Box<BodyDef>>,
    /// The effective `auth:`, shared by the requests that inherit it.
    pub auth: Arc<AuthDef>,
    /// `follow_redirects:` (default true).
    pub follow_redirects: bool,
    /// `follow_authorization_header:`.
    pub trust: TrustDef,
    /// `max_redirects:` (default 10).
    pub max_redirects: u32,
    /// `timeout:`; the command line's default applies when absent.
    pub timeout: Option<Duration>,
    /// `max_body:` in bytes; the command line's default applies when absent.
    pub max_body: Option<u64>,
    /// `delay:` before sending.
    pub delay: Option<Duration>,
    /// `retry:`.
    pub retry: Option<Box<RetryDef>>,
    /// `skip: true`.
    pub skip: bool,
    /// `skip_if:`, a template whose truthy result skips the request.
    pub skip_if: Option<Box<Template>>,
    /// Own and inherited tags.
    pub tags: Vec<String>,
    /// `expect:`, in file order.
    pub asserts: Vec<AssertDef>,
    /// `capture:`, in file order.
    pub captures: Vec<CaptureDef>,
    /// `examples:`.
    pub examples: Vec<ExampleDef>,
    /// `scripts:` of the collection, its folders and the request, in the order they run;
    /// shared by the requests that inherit them and add none.
    pub scripts: Arc<Scripts>,
}

impl RequestDef {
    /// `Folder/Sub/Request`, the name used by `--only` and reports.
    pub fn path(&self) -> String {
        let mut path = self.folders.join("/");
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(&self.name);
        path
    }

    /// Every template of the request, for checking and compiling before the run.
    pub fn templates(&self) -> Vec<&Template> {
        let mut out = vec![&self.url];
        out.extend(self.query.iter().map(|(_, t)| t));
        out.extend(self.headers.iter().map(|(_, t)| t));
        if let Some(t) = &self.skip_if {
            out.push(t);
        }
        match self.body.as_deref() {
            Some(BodyDef::Form(fields)) => out.extend(fields.iter().map(|(_, t)| t)),
            Some(BodyDef::Raw { text, content_type }) => {
                out.push(text);
                out.extend(content_type);
            }
            Some(BodyDef::File { path, content_type }) => {
                out.push(path);
                out.extend(content_type);
            }
            Some(BodyDef::Multipart(parts)) => {
                for part in parts {
                    match &part.kind {
                        PartKind::Text(t) => out.push(t),
                        PartKind::File {
                            path,
                            filename,
                            content_type,
                        } => {
                            out.push(path);
                            out.extend(filename);
                            out.extend(content_type);
                        }
                    }
                }
            }
            Some(BodyDef::Json(_)) | None => {}
        }
        match &*self.auth {
            AuthDef::Bearer(t) => out.push(t),
            AuthDef::Basic { username, password } => {
                out.push(username);
                out.push(password);
            }
            AuthDef::OAuth2(o) => out.extend(o.templates()),
            AuthDef::None => {}
        }
        if let TrustDef::Hosts(hosts) = &self.trust {
            out.extend(hosts);
        }
        out
    }
}

/// One script of `scripts:`, and where its text is in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptDef {
    /// The JavaScript text.
    pub text: Arc<str>,
    /// Where the script's first line starts: a position in the script (line L, column C)
    /// is at `start.line + L - 1`, column `C + start.col - 1` of the file.
    pub start: Option<Span>,
}

impl ScriptDef {
    /// The variable names the script sets with a literal name (`pm.environment.set("id", ..)`,
    /// `postman.setEnvironmentVariable('id', ..)`): templates may read them, like captures.
    pub fn sets(&self) -> impl Iterator<Item = &str> {
        static SET: std::sync::LazyLock<Option<Regex>> = std::sync::LazyLock::new(|| {
            Regex::new(
                r#"(?:\.(?:environment|collectionVariables|variables|globals)\.set|\bset(?:Environment|Global)Variable)\s*\(\s*(?:"([^"\\]+)"|'([^'\\]+)'|`([^`\\$]+)`)"#,
            )
            .ok()
        });
        SET.as_ref()
            .into_iter()
            .flat_map(|re| re.captures_iter(&self.text))
            .filter_map(|c| c.get(1).or_else(|| c.get(2)).or_else(|| c.get(3)))
            .map(|m| m.as_str())
    }

    /// The file position of 1-based line `line`, column `col` of the script.
    pub fn position(&self, line: Option<u32>, col: Option<u32>) -> Option<Span> {
        let start = self.start.as_ref()?;
        let mut span = start.clone();
        span.len = 1;
        if let Some(line) = line.filter(|l| *l > 0) {
            span.line = start.line + line - 1;
            span.col = start.col + col.unwrap_or(1).max(1) - 1;
        }
        Some(span)
    }
}

/// The scripts a request runs: its collection's, its folders' (outermost first), its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scripts {
    /// `pre_request:` scripts.
    pub pre_request: Vec<ScriptDef>,
    /// `test:` scripts.
    pub test: Vec<ScriptDef>,
}

impl Scripts {
    /// Whether there is no script at all.
    pub fn is_empty(&self) -> bool {
        self.pre_request.is_empty() && self.test.is_empty()
    }

    /// Every script, pre-request ones first.
    pub fn all(&self) -> impl Iterator<Item = &ScriptDef> {
        self.pre_request.iter().chain(&self.test)
    }
}

/// `body:`.
#[derive(Debug, Clone)]
pub enum BodyDef {
    /// `json:` — sent with `content-type: application/json`.
    Json(JsonTemplate),
    /// `form:` — `application/x-www-form-urlencoded`.
    Form(Vec<(String, Template)>),
    /// `multipart:` — `multipart/form-data`.
    Multipart(Vec<PartDef>),
    /// `raw:` with an optional `content_type:` (default `text/plain`).
    Raw {
        /// The text.
        text: Template,
        /// `content_type:`.
        content_type: Option<Template>,
    },
    /// `file:` — the bytes of a file, relative to the collection.
    File {
        /// The path.
        path: Template,
        /// `content_type:`; guessed from the extension when absent.
        content_type: Option<Template>,
    },
}

/// One field of a multipart body.
#[derive(Debug, Clone)]
pub struct PartDef {
    /// Field name.
    pub name: String,
    /// Text or file.
    pub kind: PartKind,
}

/// What a multipart field carries.
#[derive(Debug, Clone)]
pub enum PartKind {
    /// A text value.
    Text(Template),
    /// A file, relative to the collection.
    File {
        /// Path of the file.
        path: Template,
        /// File name sent (default: the path's file name).
        filename: Option<Template>,
        /// Content type (default: guessed from the extension).
        content_type: Option<Template>,
    },
}

/// The effective `auth:` of a request.
#[derive(Debug, Clone)]
pub enum AuthDef {
    /// No Authorization header is added.
    None,
    /// `Authorization: Bearer <token>`.
    Bearer(Template),
    /// `Authorization: Basic base64(user:password)`.
    Basic {
        /// User name.
        username: Template,
        /// Password.
        password: Template,
    },
    /// An OAuth2 grant.
    OAuth2(Box<OAuth2Def>),
}

/// The `oauth2:` block, templates unrendered.
#[derive(Debug, Clone)]
pub struct OAuth2Def {
    /// Where the block is.
    pub span: Option<Span>,
    /// `grant:`.
    pub grant: Grant,
    /// `auth_url:`.
    pub auth_url: Option<Template>,
    /// `token_url:`.
    pub token_url: Template,
    /// `device_url:`.
    pub device_url: Option<Template>,
    /// `revocation_url:` (RFC 7009), used by `runner auth logout`.
    pub revocation_url: Option<Template>,
    /// `client_id:`.
    pub client_id: Template,
    /// `client_secret:`.
    pub client_secret: Option<Template>,
    /// `scope:`.
    pub scope: Option<Template>,
    /// `callback_url:`.
    pub callback_url: Option<Template>,
    /// `client_auth:` — basic (default), body or none.
    pub client_auth: ClientAuth,
    /// `pkce:` (default true).
    pub pkce: bool,
    /// `refresh_token:`.
    pub refresh_token: Option<Template>,
    /// `username:`.
    pub username: Option<Template>,
    /// `password:`.
    pub password: Option<Template>,
    /// `extra_params:`.
    pub extra_params: Vec<(String, Template)>,
}

impl OAuth2Def {
    /// Every template of the block.
    pub fn templates(&self) -> Vec<&Template> {
        let mut out = vec![&self.token_url, &self.client_id];
        for t in [
            &self.auth_url,
            &self.device_url,
            &self.revocation_url,
            &self.client_secret,
            &self.scope,
            &self.callback_url,
            &self.refresh_token,
            &self.username,
            &self.password,
        ]
        .into_iter()
        .flatten()
        {
            out.push(t);
        }
        out.extend(self.extra_params.iter().map(|(_, t)| t));
        out
    }
}

/// `follow_authorization_header:`.
#[derive(Debug, Clone)]
pub enum TrustDef {
    /// `false` (default): Authorization is dropped on a cross-origin redirect.
    Never,
    /// `true`: Authorization follows every redirect (never from https to http).
    Always,
    /// A list of host patterns (`*` matches one label) that may receive it.
    Hosts(Vec<Template>),
}

/// `retry:`.
#[derive(Debug, Clone)]
pub struct RetryDef {
    /// How many times to retry after the first attempt.
    pub count: u32,
    /// Pause between attempts.
    pub delay: Duration,
    /// Which outcomes are retried.
    pub on: Vec<RetryOn>,
}

/// One `retry.on` condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryOn {
    /// A status code, e.g. `429`.
    Status(u16),
    /// A status class, e.g. `5xx` is `Class(5)`.
    Class(u16),
    /// The request timed out.
    Timeout,
    /// The connection failed.
    Connection,
    /// An assertion failed.
    Assertion,
}

/// One assertion: a subject of the response and the predicates it must satisfy.
#[derive(Debug, Clone)]
pub struct AssertDef {
    /// Where it is written.
    pub span: Option<Span>,
    /// What it looks at.
    pub subject: Subject,
    /// Each must hold.
    pub predicates: Vec<Predicate>,
    /// `name:`, shown with the outcome (an import keeps the name of the test it comes from).
    pub name: Option<String>,
}

/// The part of a response an assertion or capture reads.
#[derive(Debug, Clone)]
pub enum Subject {
    /// The status code of the final response.
    Status,
    /// A response header (case-insensitive).
    Header(String),
    /// A JSONPath over the JSON body.
    Json(JsonPathDef),
    /// The body as text.
    Body,
    /// Total time in milliseconds, redirects included.
    Duration,
}

impl Subject {
    /// How the subject is named in messages: `status`, `header etag`, `$.items`, ...
    pub fn describe(&self) -> String {
        match self {
            Subject::Status => "status".into(),
            Subject::Header(h) => format!("header {h}"),
            Subject::Json(p) => p.src.clone(),
            Subject::Body => "body".into(),
            Subject::Duration => "duration".into(),
        }
    }
}

/// A JSONPath, parsed when the collection loads.
#[derive(Debug, Clone)]
pub struct JsonPathDef {
    /// As written.
    pub src: String,
    /// Parsed.
    pub query: Arc<JpQuery>,
}

/// One `capture:` entry.
#[derive(Debug, Clone)]
pub struct CaptureDef {
    /// The variable it sets.
    pub name: String,
    /// Where it is written.
    pub span: Option<Span>,
    /// Where the value comes from.
    pub source: CaptureSource,
}

/// Where a captured value comes from.
#[derive(Debug, Clone)]
pub enum CaptureSource {
    /// A JSONPath over the body; one node gives the node, several give a list.
    Json(JsonPathDef),
    /// A response header.
    Header(String),
    /// The first group of a regex over the body (the whole match when it has no group).
    Regex(Regex),
    /// The status code.
    Status,
    /// The whole body as text.
    Body,
}

/// A saved response (`examples:`), used as documentation and by `runner mock`.
#[derive(Debug, Clone)]
pub struct ExampleDef {
    /// `name:`.
    pub name: Option<String>,
    /// `when.host`: answer only requests for this host (glob, templated).
    pub host: Option<Template>,
    /// Status code (templated; default 200).
    pub status: Template,
    /// Headers (templated).
    pub headers: Vec<(String, Template)>,
    /// Body.
    pub body: ExampleBody,
}

/// The body of a saved response.
#[derive(Debug, Clone)]
pub enum ExampleBody {
    /// No body.
    Empty,
    /// `json:`.
    Json(JsonTemplate),
    /// `body:` text.
    Text(Template),
}
