//! `runner import openapi`: an OpenAPI 3.0 or 3.1 document (JSON or YAML) in; a collection
//! with one request per operation and contract assertions, the response schemas beside
//! it, and an environment for the mock out. Nothing is sent.

mod auth;
mod doc;
mod pattern;
mod sample;
mod schema;

use std::collections::{HashMap, HashSet};

use indexmap::{IndexMap, IndexSet};
use serde_json::{Map, Value, json};

use self::auth::{Effective, Place, Schemes};
pub use self::doc::Doc;
use self::sample::{Direction, sample, written_example};
use super::{ImportError, ident, literal, literal_value, slug};

/// The HTTP methods a path item may describe, in the order requests are written.
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// A file the import writes, relative to the output folder.
#[derive(Debug)]
pub struct Written {
    /// `collections/<name>.yaml`, `environments/<name>-mock.yaml`, or a schema under
    /// `collections/schemas/<name>/`.
    pub path: String,
    /// The file's text.
    pub text: String,
}

/// What an import produced and what the user should know about it.
#[derive(Debug, Default)]
pub struct OpenApiReport {
    /// Operations written as requests.
    pub operations: usize,
    /// Folders (one per tag).
    pub folders: usize,
    /// What was left out, and why.
    pub skipped: Vec<(String, String)>,
    /// Operations whose success example comes from the specification.
    pub spec_examples: usize,
    /// Operations whose success example was generated from the schema.
    pub generated_examples: usize,
    /// Response schemas written for `schema:` assertions.
    pub schemas: usize,
    /// Requests whose success example does not match the response schema.
    pub misfits: Vec<String>,
    /// Variables without a value: the user sets them (`--var`, an environment).
    pub to_set: Vec<String>,
    /// Process environment variables the credentials are read from.
    pub env_vars: Vec<String>,
    /// Variables treated as secrets.
    pub secrets: Vec<String>,
    /// Notes → how many times each applies.
    pub notes: IndexMap<String, usize>,
    /// The name of the mock environment (`-e NAME`).
    pub mock_env: String,
}

/// The result of an import.
#[derive(Debug)]
pub struct Imported {
    /// The collection first, then the mock environment, then the schemas.
    pub files: Vec<Written>,
    /// The summary.
    pub report: OpenApiReport,
}

/// Shared state of one import.
pub(super) struct Conv<'a> {
    doc: &'a Doc,
    /// Collection `variables:`.
    vars: Map<String, Value>,
    /// Variables referenced and defined nowhere.
    to_set: IndexSet<String>,
    /// Variables listed in `secrets:`.
    secrets: IndexSet<String>,
    /// Process environment variables the secrets come from.
    env_vars: IndexSet<String>,
    /// Values of the mock environment.
    mock_vars: Map<String, Value>,
    notes: IndexMap<String, usize>,
    /// Each parameter name's variable, and the variables parameters took.
    param_names: HashMap<String, String>,
    param_vars: HashSet<String>,
}

impl Conv<'_> {
    fn note(&mut self, text: String) {
        *self.notes.entry(text).or_default() += 1;
    }

    /// `components.<kind>` of the document.
    fn doc_components(&self, kind: &str) -> Option<&Value> {
        self.doc.root.get("components").and_then(|c| c.get(kind))
    }

    /// `v` with its `$ref` followed (`v` itself when the reference is broken: the broken
    /// reference is reported where it matters).
    fn resolved(&self, v: &Value) -> Value {
        self.doc.resolve(v).cloned().unwrap_or_else(|_| v.clone())
    }

    /// Defines `var` with `value`, or records it as one to set; returns `{{ var }}`.
    fn param_var(&mut self, name: &str, value: Option<Value>, mock: Value) -> String {
        let var = match self.param_names.get(name) {
            Some(var) => var.clone(),
            None => {
                // A parameter never takes a credential's variable, nor one of another
                // parameter whose name renames alike (`a-b`, `a.b`).
                let base = ident(name);
                let base = if self.secrets.contains(&base) {
                    format!("{base}_param")
                } else {
                    base
                };
                let mut var = base.clone();
                let mut n = 1;
                while self.param_vars.contains(&var) {
                    n += 1;
                    var = format!("{base}_{n}");
                }
                self.param_vars.insert(var.clone());
                self.param_names.insert(name.to_string(), var.clone());
                var
            }
        };
        let var = var.as_str();
        if !self.vars.contains_key(var) {
            match value {
                Some(v) => {
                    self.to_set.shift_remove(var);
                    self.mock_vars.remove(var);
                    self.vars
                        .insert(var.into(), json!(literal(&text_value(&v))));
                }
                None => {
                    self.to_set.insert(var.into());
                    self.mock_vars
                        .entry(var.to_string())
                        .or_insert_with(|| json!(literal(&text_value(&mock))));
                }
            }
        }
        format!("{{{{ {var} }}}}")
    }
}

/// A parameter value as text: strings as they are, lists and objects (`k,v,...`) joined
/// with commas (the `form` style), other values as JSON.
fn text_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(text_value).collect::<Vec<_>>().join(","),
        Value::Object(m) => m
            .iter()
            .flat_map(|(k, v)| [k.clone(), text_value(v)])
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// Whether a media type carries JSON.
fn is_json(media: &str) -> bool {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    m == "application/json" || m.ends_with("+json")
}

/// Converts an OpenAPI document. `server` replaces the document's server URL.
pub fn import(file: &str, text: &str, server: Option<&str>) -> Result<Imported, ImportError> {
    let doc = Doc::parse(file, text)?;
    let mut c = Conv {
        doc: &doc,
        vars: Map::new(),
        to_set: IndexSet::new(),
        secrets: IndexSet::new(),
        env_vars: IndexSet::new(),
        mock_vars: Map::new(),
        notes: IndexMap::new(),
        param_names: HashMap::new(),
        param_vars: HashSet::new(),
    };
    let info = doc.root.get("info").cloned().unwrap_or_default();
    let title = info
        .get("title")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or("Imported API")
        .trim()
        .to_string();
    let stem = slug(&title);
    let mut report = OpenApiReport::default();

    // base_url first among the variables.
    match server.map(String::from).or_else(|| server_url(&doc.root)) {
        Some(u) if u.contains("://") => {
            c.vars
                .insert("base_url".into(), json!(literal(u.trim_end_matches('/'))));
        }
        Some(u) => {
            c.note(format!(
                "the server URL `{u}` is relative: set base_url to the absolute URL (--server, --var or an environment)"
            ));
            c.to_set.insert("base_url".into());
        }
        None => {
            c.note(
                "the document names no server: set base_url (--server, --var or an environment)"
                    .into(),
            );
            c.to_set.insert("base_url".into());
        }
    }
    c.mock_vars
        .insert("base_url".into(), json!("{{ mock_url }}"));

    let mut schemes = Schemes::default();
    let global = schemes.effective(&mut c, doc.root.get("security").unwrap_or(&Value::Null));

    let mut names: IndexSet<String> = IndexSet::new();
    let mut schema_files: IndexSet<String> = IndexSet::new();
    let mut files = Vec::new();
    let mut loose = Vec::new();
    let mut folders: IndexMap<String, Vec<Value>> = IndexMap::new();
    for t in doc
        .root
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(n) = t.get("name").and_then(Value::as_str) {
            folders.entry(n.to_string()).or_default();
        }
    }

    let empty = Map::new();
    let paths = doc
        .root
        .get("paths")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for (path, item) in paths {
        let item = doc.resolve(item)?;
        let Some(item_map) = item.as_object() else {
            continue;
        };
        for (key, _) in item_map {
            if !METHODS.contains(&key.as_str())
                && !["parameters", "servers", "summary", "description", "$ref"]
                    .contains(&key.as_str())
                && !key.starts_with("x-")
            {
                report.skipped.push((
                    format!("{} {path}", key.to_uppercase()),
                    "not an HTTP method OpenAPI describes".into(),
                ));
            }
        }
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            if item.get("servers").is_some() || op.get("servers").is_some() {
                c.note("operations with servers of their own are sent to base_url too: give them a --var base_url=... run of their own".into());
            }
            if let Some(cb) = op.get("callbacks").and_then(Value::as_object) {
                for name in cb.keys() {
                    report.skipped.push((
                        format!("callback `{name}` of {} {path}", method.to_uppercase()),
                        "runner sends requests; it does not receive them".into(),
                    ));
                }
            }
            let ctx = OpCtx {
                path,
                method,
                item,
                op,
                global: &global,
            };
            let (mut request, resp) = operation(&mut c, &mut schemes, &ctx, &mut names)?;
            if !resp.example_fits {
                report.misfits.push(
                    request
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                );
            }
            if let Some(schema) = resp.schema {
                let base = slug(request.get("name").and_then(Value::as_str).unwrap_or("op"));
                // Long summaries make long file names: the first words are enough.
                let base = match base.char_indices().nth(48) {
                    Some((i, _)) => base[..i].trim_end_matches('-').to_string(),
                    None => base,
                };
                let file = super::unique_file(&mut schema_files, &base, "json");
                let rel = format!("schemas/{stem}/{file}");
                if let Some(Value::Object(expect)) = request.get_mut("expect") {
                    expect.insert("json".into(), json!({"$": {"schema": rel}}));
                }
                let text = serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n";
                files.push(Written {
                    path: format!("collections/{rel}"),
                    text,
                });
                report.schemas += 1;
            }
            if resp.from_spec {
                report.spec_examples += 1;
            } else {
                report.generated_examples += 1;
            }
            report.operations += 1;
            match op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
            {
                Some(tag) => folders.entry(tag.to_string()).or_default().push(request),
                None => loose.push(request),
            }
        }
    }
    if let Some(hooks) = doc.root.get("webhooks").and_then(Value::as_object) {
        for name in hooks.keys() {
            report.skipped.push((
                format!("webhook `{name}`"),
                "runner sends requests; it does not receive them".into(),
            ));
        }
    }

    if report.operations == 0 {
        let skipped: Vec<String> = report
            .skipped
            .iter()
            .map(|(what, why)| format!("{what} ({why})"))
            .collect();
        return Err(ImportError {
            file: file.to_string(),
            message: if skipped.is_empty() {
                "the document describes no operations: nothing to import".into()
            } else {
                format!(
                    "the document describes no operations runner can send; skipped: {}",
                    skipped.join(", ")
                )
            },
        });
    }
    let mut requests = loose;
    for (tag, list) in folders {
        if list.is_empty() {
            continue;
        }
        report.folders += 1;
        requests.push(json!({"folder": tag, "requests": list}));
    }

    let mut d = Map::new();
    d.insert("name".into(), json!(title));
    let version = info.get("version").and_then(Value::as_str).unwrap_or("");
    let source = std::path::Path::new(file)
        .file_name()
        .map_or(file.into(), |f| f.to_string_lossy());
    let mut description = format!(
        "Imported from the OpenAPI {} document {source}{}.",
        doc.root
            .get("openapi")
            .and_then(Value::as_str)
            .unwrap_or("3"),
        if version.is_empty() {
            String::new()
        } else {
            format!(" (API version {version})")
        }
    );
    if let Some(desc) = info.get("description").and_then(Value::as_str) {
        description.push_str("\n\n");
        description.push_str(desc.trim());
    }
    d.insert("description".into(), json!(description));
    if !c.vars.is_empty() {
        d.insert("variables".into(), Value::Object(c.vars.clone()));
    }
    if !c.secrets.is_empty() {
        d.insert("secrets".into(), json!(c.secrets));
    }
    if let Some(a) = &global.auth {
        d.insert("auth".into(), a.clone());
    }
    d.insert("requests".into(), Value::Array(requests));

    let mock_env = format!("{stem}-mock");
    let mut env = Map::new();
    env.insert("name".into(), json!(format!("{title} (mock)")));
    env.insert("variables".into(), Value::Object(c.mock_vars.clone()));
    let env_secrets: Vec<&String> = c
        .secrets
        .iter()
        .filter(|s| c.mock_vars.contains_key(*s))
        .collect();
    if !env_secrets.is_empty() {
        env.insert("secrets".into(), json!(env_secrets));
    }
    let mut out = vec![
        Written {
            path: format!("collections/{stem}.yaml"),
            text: super::yaml::to_yaml(&Value::Object(d)),
        },
        Written {
            path: format!("environments/{mock_env}.yaml"),
            text: format!(
                "# `runner run collections/{stem}.yaml -e {mock_env} --mock`: the requests against\n# the mock, which serves the examples and is the OAuth2 server.\n{}",
                super::yaml::to_yaml(&Value::Object(env))
            ),
        },
    ];
    out.extend(files);
    report.to_set = c.to_set.into_iter().collect();
    report.env_vars = c.env_vars.into_iter().collect();
    report.secrets = c.secrets.into_iter().collect();
    report.notes = c.notes;
    report.mock_env = mock_env;
    Ok(Imported { files: out, report })
}

/// The first server's URL with its variables at their defaults.
fn server_url(root: &Value) -> Option<String> {
    let s = root.get("servers")?.as_array()?.first()?;
    let mut url = s.get("url")?.as_str()?.to_string();
    if let Some(vars) = s.get("variables").and_then(Value::as_object) {
        for (name, v) in vars {
            let value = v
                .get("default")
                .map(text_value)
                .or_else(|| v.get("enum")?.as_array()?.first().map(text_value))
                .unwrap_or_default();
            url = url.replace(&format!("{{{name}}}"), &value);
        }
    }
    Some(url)
}

/// One operation and where it is.
struct OpCtx<'a> {
    path: &'a str,
    method: &'a str,
    item: &'a Value,
    op: &'a Value,
    global: &'a Effective,
}

/// A request's name: the summary, else the operation id, else `METHOD /path`; unique.
fn request_name(ctx: &OpCtx, names: &mut IndexSet<String>) -> String {
    let summary = ctx
        .op
        .get("summary")
        .and_then(Value::as_str)
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty() && s.chars().count() <= 100);
    let base = summary
        .or_else(|| {
            ctx.op
                .get("operationId")
                .and_then(Value::as_str)
                .map(String::from)
        })
        .unwrap_or_else(|| format!("{} {}", ctx.method.to_uppercase(), ctx.path));
    super::unique(names, |n| match n {
        1 => base.clone(),
        n => format!("{base} ({n})"),
    })
}

/// The example of a parameter, from the parameter or its schema.
fn param_example(c: &Conv, p: &Value) -> Option<Value> {
    if let Some(e) = p.get("example") {
        return Some(e.clone());
    }
    if let Some(first) = p
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|m| m.values().next())
        && let Some(v) = c.resolved(first).get("value")
    {
        return Some(v.clone());
    }
    let schema = c.resolved(p.get("schema")?);
    written_example(&schema).or_else(|| {
        schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|a| a.first().cloned())
    })
}

/// The example of a media type: `example`, the first of `examples`, or the schema's.
fn media_example(c: &Conv, media: &Value) -> Option<Value> {
    if let Some(e) = media.get("example") {
        return Some(e.clone());
    }
    if let Some(m) = media.get("examples").and_then(Value::as_object) {
        for e in m.values() {
            if let Some(v) = c.resolved(e).get("value") {
                return Some(v.clone());
            }
        }
    }
    written_example(&c.resolved(media.get("schema")?))
}

/// The request, and what its responses gave it (the schema its JSON response is checked
/// against, where its success example came from).
fn operation(
    c: &mut Conv,
    schemes: &mut Schemes,
    ctx: &OpCtx,
    names: &mut IndexSet<String>,
) -> Result<(Value, Responses), ImportError> {
    let name = request_name(ctx, names);
    let mut r = Map::new();
    r.insert("name".into(), json!(name));
    r.insert("method".into(), json!(ctx.method.to_uppercase()));
    if let Some(d) = ctx
        .op
        .get("description")
        .and_then(Value::as_str)
        .filter(|d| !d.trim().is_empty())
    {
        r.insert("description".into(), json!(d.trim()));
    }

    // Parameters: the path item's, replaced by the operation's of the same name and place.
    let mut params: IndexMap<(String, String), Value> = IndexMap::new();
    for list in [ctx.item.get("parameters"), ctx.op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let p = c.doc.resolve(p)?.clone();
            let (Some(n), Some(place)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            params.insert((n.to_string(), place.to_string()), p);
        }
    }
    let mut url = format!("{{{{ base_url }}}}{}", ctx.path);
    let mut query = Map::new();
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for ((pname, place), p) in &params {
        // OpenAPI ignores these header parameters: the media types and security say them.
        if place == "header"
            && ["accept", "content-type", "authorization"]
                .contains(&pname.to_ascii_lowercase().as_str())
        {
            continue;
        }
        let required = place == "path" || p.get("required") == Some(&Value::Bool(true));
        let example = param_example(c, p);
        if !required && example.is_none() {
            continue;
        }
        let mock = p
            .get("schema")
            .map(|s| sample(c.doc, s, Direction::Request))
            .unwrap_or(json!("value"));
        let var = c.param_var(pname, example, mock);
        match place.as_str() {
            "path" => url = url.replace(&format!("{{{pname}}}"), &var),
            "query" => {
                query.insert(pname.clone(), json!(var));
            }
            "header" => {
                headers.insert(pname.clone(), json!(var));
            }
            "cookie" => cookies.push(format!("{pname}={var}")),
            _ => {}
        }
    }
    // Security: the operation's own list replaces the document's; `[]` means none.
    let effective = match ctx.op.get("security") {
        Some(s) => schemes.effective(c, s),
        None => ctx.global.clone(),
    };
    for k in &effective.keys {
        let v = format!("{{{{ {} }}}}", k.var);
        match k.place {
            Place::Header => {
                headers.insert(k.name.clone(), json!(v));
            }
            Place::Query => {
                query.insert(k.name.clone(), json!(v));
            }
            Place::Cookie => cookies.push(format!("{}={v}", k.name)),
        }
    }
    if !cookies.is_empty() {
        headers.insert("Cookie".into(), json!(cookies.join("; ")));
    }
    // Path templates the parameters do not declare: required, with no value.
    for name in undeclared(ctx.path) {
        if !url.contains(&format!("{{{name}}}")) {
            continue;
        }
        let var = c.param_var(&name, None, json!("value"));
        url = url.replace(&format!("{{{name}}}"), &var);
    }
    r.insert("url".into(), json!(url));
    if !query.is_empty() {
        r.insert("query".into(), Value::Object(query));
    }
    if !headers.is_empty() {
        r.insert("headers".into(), Value::Object(headers));
    }
    if effective.auth != ctx.global.auth {
        r.insert(
            "auth".into(),
            effective.auth.clone().unwrap_or(json!("none")),
        );
    }
    if let Some(body) = request_body(c, ctx)? {
        r.insert("body".into(), body);
    }

    let mut resp = responses(c, ctx)?;
    r.insert("expect".into(), std::mem::take(&mut resp.expect));
    r.insert(
        "examples".into(),
        Value::Array(std::mem::take(&mut resp.examples)),
    );
    Ok((Value::Object(r), resp))
}

/// The `{name}` templates of a path.
fn undeclared(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        let tail = &rest[i + 1..];
        match tail.find('}') {
            Some(j) if !tail[..j].is_empty() && !tail[..j].contains('{') => {
                out.push(tail[..j].to_string());
                rest = &tail[j + 1..];
            }
            _ => rest = tail,
        }
    }
    out
}

/// The request body: the example, or a minimal valid body built from the schema.
fn request_body(c: &mut Conv, ctx: &OpCtx) -> Result<Option<Value>, ImportError> {
    let Some(rb) = ctx.op.get("requestBody") else {
        return Ok(None);
    };
    let rb = c.doc.resolve(rb)?.clone();
    let Some(content) = rb.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let pick = content
        .iter()
        .find(|(m, _)| is_json(m))
        .or_else(|| content.iter().next());
    let Some((media, m)) = pick else {
        return Ok(None);
    };
    let value = media_example(c, m).unwrap_or_else(|| match m.get("schema") {
        Some(s) => sample(c.doc, s, Direction::Request),
        None => json!(""),
    });
    let lower = media.to_ascii_lowercase();
    let mut body = Map::new();
    if value.is_null() && is_json(&lower) {
        // `json:` needs a value: an optional body is left out, a required one is the text.
        if rb.get("required").and_then(Value::as_bool) != Some(true) {
            return Ok(None);
        }
        body.insert("raw".into(), json!("null"));
        body.insert("content_type".into(), json!(media));
        return Ok(Some(Value::Object(body)));
    }
    let value = literal_value(&value);
    if is_json(&lower) {
        body.insert("json".into(), value);
        if !lower.starts_with("application/json") {
            body.insert("content_type".into(), json!(media));
        }
    } else if lower.starts_with("application/x-www-form-urlencoded")
        || lower.starts_with("multipart/form-data")
    {
        let fields: Map<String, Value> = value
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), json!(text_value(v))))
                    .collect()
            })
            .unwrap_or_default();
        let key = if lower.starts_with("multipart") {
            if fields.is_empty() {
                c.note(
                    "a multipart body without fields: add them, or files with `{file: PATH}`"
                        .into(),
                );
            }
            "multipart"
        } else {
            "form"
        };
        body.insert(key.into(), Value::Object(fields));
    } else {
        let text = match &value {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        body.insert("raw".into(), json!(text));
        body.insert("content_type".into(), json!(media));
    }
    Ok(Some(Value::Object(body)))
}

/// A 1xx status other than 101 Switching Protocols: an interim response.
fn is_interim(status: u16) -> bool {
    (100..200).contains(&status) && status != 101
}

/// What an operation's responses give its request.
struct Responses {
    /// `expect:` with the success status.
    expect: Value,
    /// The examples the mock serves, the success one first.
    examples: Vec<Value>,
    /// Whether the success example is the document's.
    from_spec: bool,
    /// The JSON response's schema, for `schema:`.
    schema: Option<Value>,
    /// Whether the success example is valid against that schema.
    example_fits: bool,
}

fn responses(c: &mut Conv, ctx: &OpCtx) -> Result<Responses, ImportError> {
    let empty = Map::new();
    let all = ctx
        .op
        .get("responses")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // The lowest documented 2xx; a `2XX` range; `default` alone means any 2xx.
    // Interim (1xx) responses are never an exchange's final answer (101 is, for an upgrade):
    // they can neither be expected nor served.
    let mut codes: Vec<(u16, &String)> = all
        .keys()
        .filter_map(|k| Some((k.parse::<u16>().ok()?, k)))
        .filter(|(n, _)| !is_interim(*n))
        .collect();
    codes.sort();
    let success = codes.iter().find(|(n, _)| (200..300).contains(n));
    let (status, key, mock_status): (Value, Option<&String>, u16) = match success {
        Some((n, k)) => (json!(n), Some(*k), *n),
        None => match all.keys().find(|k| k.eq_ignore_ascii_case("2XX")) {
            Some(k) => (json!("2xx"), Some(k), 200),
            None if all.contains_key("default") || codes.is_empty() => {
                (json!("2xx"), all.keys().find(|k| *k == "default"), 200)
            }
            None => {
                let (n, k) = codes[0];
                c.note("operations that document no success (2xx or default) response expect their lowest documented status".into());
                (json!(n), Some(k), n)
            }
        },
    };
    let mut expect = Map::new();
    expect.insert("status".into(), status);
    let mut examples = Vec::new();
    let mut from_spec = false;
    let mut schema_out = None;
    let mut example_fits = true;
    let response = match key {
        Some(k) => c.doc.resolve(&all[k])?.clone(),
        None => Value::Null,
    };
    let content = response.get("content").and_then(Value::as_object);
    let json_media = content.and_then(|m| m.iter().find(|(k, _)| is_json(k)));
    let mut first = Map::new();
    first.insert("status".into(), json!(mock_status));
    match (json_media, content.and_then(|m| m.iter().next())) {
        (Some((media, m)), _) => {
            if let Some(s) = m.get("schema") {
                schema_out = Some(schema::contract(c.doc, s)?);
            }
            let value = match media_example(c, m) {
                Some(v) => {
                    from_spec = true;
                    v
                }
                None => m
                    .get("schema")
                    .map(|s| sample(c.doc, s, Direction::Response))
                    .unwrap_or(json!({})),
            };
            if !media.eq_ignore_ascii_case("application/json") {
                first.insert("headers".into(), json!({"content-type": media}));
            }
            example_fits = schema_out
                .as_ref()
                .and_then(|s| jsonschema::validator_for(s).ok())
                .is_none_or(|v| v.is_valid(&value));
            first.insert("json".into(), literal_value(&value));
        }
        (None, Some((media, m))) => {
            let text = match media_example(c, m) {
                Some(Value::String(s)) => {
                    from_spec = true;
                    s
                }
                Some(other) => {
                    from_spec = true;
                    other.to_string()
                }
                None => match m
                    .get("schema")
                    .map(|s| sample(c.doc, s, Direction::Response))
                {
                    Some(Value::String(s)) => s,
                    _ => String::new(),
                },
            };
            first.insert("headers".into(), json!({"content-type": media}));
            first.insert("body".into(), json!(literal(&text)));
        }
        (None, None) => {}
    }
    examples.push(Value::Object(first));
    // The document's other named examples, selectable with x-mock-response-name/-code.
    for (k, resp) in all {
        let resp = c.doc.resolve(resp)?;
        let Some(status) = k.parse::<u16>().ok().filter(|n| !is_interim(*n)) else {
            continue;
        };
        let Some((media, m)) = resp
            .get("content")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().find(|(k, _)| is_json(k)))
        else {
            continue;
        };
        let mut named: Vec<(String, Value)> = Vec::new();
        if let Some(map) = m.get("examples").and_then(Value::as_object) {
            for (n, e) in map {
                if let Some(v) = c.resolved(e).get("value") {
                    named.push((n.clone(), v.clone()));
                }
            }
        } else if let Some(e) = m.get("example")
            && Some(k) != key
        {
            named.push((format!("{status}"), e.clone()));
        }
        for (i, (n, v)) in named.into_iter().enumerate() {
            // The success response's first example is already served by default.
            if Some(k) == key && i == 0 {
                continue;
            }
            let mut e = Map::new();
            e.insert("name".into(), json!(n));
            e.insert("status".into(), json!(status));
            if !media.eq_ignore_ascii_case("application/json") {
                e.insert("headers".into(), json!({"content-type": media}));
            }
            e.insert("json".into(), literal_value(&v));
            examples.push(Value::Object(e));
        }
    }
    Ok(Responses {
        expect: Value::Object(expect),
        examples,
        from_spec,
        schema: schema_out,
        example_fits,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::import;

    const FIXTURE: &str = include_str!("../../../tests/fixtures/openapi/security.yaml");

    /// Every node of `v` replaced in turn by each of `with`.
    fn variants(v: &Value, with: &[Value], out: &mut Vec<Value>) {
        out.extend(with.iter().cloned());
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    let mut inner = Vec::new();
                    variants(child, with, &mut inner);
                    for c in inner {
                        let mut m2 = m.clone();
                        m2.insert(k.clone(), c);
                        out.push(Value::Object(m2));
                    }
                }
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    let mut inner = Vec::new();
                    variants(child, with, &mut inner);
                    for c in inner {
                        let mut a2 = a.clone();
                        a2[i] = c;
                        out.push(Value::Array(a2));
                    }
                }
            }
            _ => {}
        }
    }

    #[test]
    fn odd_shapes_and_cut_files_never_panic() {
        let doc: Value = serde_saphyr::from_str(FIXTURE).unwrap_or_default();
        assert!(doc.get("paths").is_some());
        let with = [
            Value::from(5),
            Value::from("x"),
            Value::Array(vec![]),
            Value::Null,
            serde_json::json!({"$ref": "#/components/schemas/Item"}),
        ];
        let mut all = Vec::new();
        variants(&doc, &with, &mut all);
        let (mut ok, mut errors) = (0, 0);
        for v in &all {
            match import("s.json", &v.to_string(), None) {
                Ok(_) => ok += 1,
                Err(_) => errors += 1,
            }
        }
        assert!(ok > 1000 && errors > 10, "ok {ok}, errors {errors}");
        for cut in (0..FIXTURE.len()).step_by(7) {
            let text = FIXTURE.get(..cut).unwrap_or("");
            let _ = import("s.yaml", text, None);
        }
    }
}
