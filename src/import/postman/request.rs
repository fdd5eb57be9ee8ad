//! Folders and requests: headers, body, auth, redirect settings, scripts and saved
//! examples (the URL and its query are read by `url.rs`).

use serde_json::{Map, Value, json};

use super::Conv;
use super::auth::{AuthOut, convert};
use super::body::{body, example};
use super::credentials;
use super::js;
use super::model::{
    PmBehavior, PmEvent, PmHeaders, PmItem, PmKv, PmRequest, PmRequestOrUrl, PmUrl, StrOrList,
    description_text, value_text,
};
use super::script::translate;
use super::url::{unsendable_scheme, url};

/// What a request inherits from its folders, beyond what runner's YAML inherits itself.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    /// An API key declared above: added to each request as a header or query parameter.
    apikey: Option<(String, String, bool)>,
}

/// Applies `auth` and `protocolProfileBehavior` of a collection, folder or request.
pub fn settings(
    c: &mut Conv,
    obj: &mut Map<String, Value>,
    auth: Option<&Value>,
    behavior: Option<&PmBehavior>,
    ctx: &mut Ctx,
    notes: &mut Vec<String>,
) {
    let mut auth_notes = Vec::new();
    match convert(auth, &mut c.names, &mut c.secrets, &mut auth_notes) {
        AuthOut::Inherit => {}
        AuthOut::Auth(v) => {
            obj.insert("auth".into(), v);
            ctx.apikey = None;
        }
        AuthOut::ApiKey { name, value, query } => {
            obj.insert("auth".into(), json!("none"));
            // A plain header or query value is not masked: the key goes through a secret.
            let value = credentials::secret_var(c, value);
            ctx.apikey = Some((name, value, query));
        }
        AuthOut::Unsupported(kind) => {
            obj.insert("auth".into(), json!("none"));
            ctx.apikey = None;
            *c.report.unsupported_auth.entry(kind).or_default() += 1;
        }
    }
    for n in auth_notes {
        if n.starts_with("auth type") {
            notes.push(n);
        } else {
            c.note(notes, n);
        }
    }
    let Some(b) = behavior else { return };
    if let Some(f) = b.follow_redirects {
        obj.insert("follow_redirects".into(), json!(f));
    }
    if let Some(m) = b.max_redirects {
        obj.insert("max_redirects".into(), json!(m));
    }
    if let Some(f) = b.follow_authorization_header {
        obj.insert("follow_authorization_header".into(), json!(f));
    }
    if b.follow_original_http_method == Some(true) {
        c.note(
            notes,
            "followOriginalHttpMethod is not supported: runner turns POST into GET on 301/302/303 redirects".into(),
        );
    }
    if b.remove_referer_header_on_redirect == Some(true) {
        c.note(
            notes,
            "removeRefererHeaderOnRedirect: runner never adds a Referer header".into(),
        );
    }
    if b.disable_url_encoding == Some(true) {
        c.note(
            notes,
            "disableUrlEncoding is not supported: runner encodes query values".into(),
        );
    }
    if b.strict_ssl == Some(false) {
        c.note(
            notes,
            "strictSSL: false is not kept: use `runner run --insecure`".into(),
        );
    }
}

/// The text of an event's script as it is written to YAML: lines joined with `\n` (no
/// CR), trailing spaces and blank first and last lines left out.
fn script_text(e: &PmEvent) -> String {
    let text = match e.script.as_ref().and_then(|s| s.exec.as_ref()) {
        Some(StrOrList::Str(s)) => s.clone(),
        Some(StrOrList::List(l)) => l
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            })
            .collect::<Vec<_>>()
            .join("\n"),
        None => String::new(),
    };
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let first = lines.iter().position(|l| !l.is_empty());
    let last = lines.iter().rposition(|l| !l.is_empty());
    match (first, last) {
        (Some(f), Some(l)) => {
            let mut out = lines[f..=l].join("\n");
            out.push('\n');
            out
        }
        _ => String::new(),
    }
}

/// The `scripts:` key of a Postman event, if runner runs it.
fn script_key(e: &PmEvent) -> Option<&'static str> {
    match e.listen.as_deref() {
        Some("prerequest") => Some("pre_request"),
        Some("test") => Some("test"),
        _ => None,
    }
}

/// Keeps a script as it is under `scripts:`, noting the APIs it uses that runner lacks
/// and the variables it sets.
fn keep_script(
    c: &mut Conv,
    scripts: &mut Map<String, Value>,
    key: &str,
    text: String,
    notes: &mut Vec<String>,
) {
    c.report.scripts_kept += 1;
    // Variables renamed for templates are renamed in the script's variable calls too.
    let text = js::rename_variables(&text, |n| c.names.name(n));
    let toks = js::tokens(&text);
    let apis = js::unsupported_apis(&toks);
    if !apis.is_empty() {
        c.report.scripts_unsupported += 1;
        for api in &apis {
            *c.report.unsupported_apis.entry(api.clone()).or_default() += 1;
        }
        let event = if key == "test" { "test" } else { "pre-request" };
        let list = match apis.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => apis.join(""),
        };
        notes.push(format!(
            "the {event} script uses {list}, which runner's sandbox does not offer: it fails where it calls them"
        ));
    }
    c.script_set.extend(js::variables_set(&toks));
    let text = match scripts.get(key).and_then(Value::as_str) {
        Some(before) => format!("{before}{text}"),
        None => text,
    };
    scripts.insert(key.into(), json!(text));
}

/// Writes `scripts:` (pre-request first) into `obj`.
fn put_scripts(obj: &mut Map<String, Value>, mut scripts: Map<String, Value>) {
    let mut ordered = Map::new();
    for key in ["pre_request", "test"] {
        if let Some(v) = scripts.remove(key) {
            ordered.insert(key.into(), v);
        }
    }
    if !ordered.is_empty() {
        obj.insert("scripts".into(), Value::Object(ordered));
    }
}

/// Scripts of a collection or folder: `scripts:` at that level, as they are.
pub fn folder_scripts(
    c: &mut Conv,
    obj: &mut Map<String, Value>,
    events: Vec<PmEvent>,
    notes: &mut Vec<String>,
) {
    let mut scripts = Map::new();
    for e in events {
        let text = script_text(&e);
        if text.is_empty() || e.disabled == Some(true) {
            continue;
        }
        if let Some(key) = script_key(&e) {
            keep_script(c, &mut scripts, key, text, notes);
        }
    }
    put_scripts(obj, scripts);
}

/// Adds notes to a description.
pub fn append_notes(description: &mut Option<String>, notes: &[String]) {
    if notes.is_empty() {
        return;
    }
    let mut d = description.take().unwrap_or_default();
    for n in notes {
        if !d.is_empty() {
            d.push_str("\n\n");
        }
        if !n.starts_with("Postman ") {
            d.push_str("Postman import: ");
        }
        d.push_str(n);
    }
    *description = Some(d);
}

/// Converts a folder or request.
pub fn item(c: &mut Conv, it: PmItem, parent: &Ctx) -> Option<Value> {
    let mut obj = Map::new();
    let mut notes = Vec::new();
    let mut ctx = parent.clone();
    let name = it.name.clone().unwrap_or_else(|| "Untitled".into());
    let mut description = description_text(&it.description);
    let events = it.event.map(|e| e.into_vec()).unwrap_or_default();
    if let Some(children) = it.item {
        c.report.folders += 1;
        obj.insert("folder".into(), json!(name));
        settings(
            c,
            &mut obj,
            it.auth.as_ref(),
            it.behavior.as_ref(),
            &mut ctx,
            &mut notes,
        );
        folder_scripts(c, &mut obj, events, &mut notes);
        let requests: Vec<Value> = children
            .into_iter()
            .filter_map(|i| item(c, i, &ctx))
            .collect();
        if requests.is_empty() {
            c.report.folders -= 1;
            *c.report
                .notes
                .entry(format!("empty folder `{name}` left out"))
                .or_default() += 1;
            return None;
        }
        append_notes(&mut description, &notes);
        let mut out = Map::new();
        out.insert("folder".into(), json!(name));
        if let Some(d) = description {
            out.insert("description".into(), json!(d));
        }
        obj.shift_remove("folder");
        out.extend(obj);
        out.insert("requests".into(), Value::Array(requests));
        return Some(Value::Object(out));
    }
    c.report.requests += 1;
    obj.insert("name".into(), json!(name));
    let req = match it.request {
        Some(PmRequestOrUrl::Request(r)) => *r,
        Some(PmRequestOrUrl::Url(u)) => PmRequest {
            method: None,
            url: Some(PmUrl::Raw(u)),
            header: None,
            body: None,
            auth: None,
            description: None,
        },
        None => PmRequest {
            method: None,
            url: None,
            header: None,
            body: None,
            auth: None,
            description: None,
        },
    };
    if description.is_none() {
        description = description_text(&req.description);
    }
    let method = req
        .method
        .clone()
        .unwrap_or_else(|| "GET".into())
        .to_uppercase();
    if method != "GET" {
        obj.insert("method".into(), json!(method));
    }
    let mut query: Vec<(String, String)> = Vec::new();
    let mut url = url(c, req.url.as_ref(), &mut query);
    // Postman sends a URL written without a scheme over http, as curl does.
    if !url.contains("://")
        && !url.starts_with("{{")
        && !url.starts_with('/')
        && !url.trim().is_empty()
        && unsendable_scheme(&url).is_none()
    {
        url.insert_str(0, "http://");
    }
    if url.trim().is_empty() {
        obj.insert("skip".into(), json!(true));
        c.note(
            &mut notes,
            "the request has no URL: it is kept, skipped".into(),
        );
    } else if let Some(scheme) = unsendable_scheme(&url) {
        // Postman collections park script-only steps on `about:blank` and the like.
        obj.insert("skip".into(), json!(true));
        c.note(
            &mut notes,
            format!(
                "the URL's scheme `{scheme}` is not http or https: the request is kept, skipped"
            ),
        );
    }
    obj.insert("url".into(), json!(url));
    let mut headers = headers(c, req.header.as_ref());
    let unsendable: Vec<String> = headers
        .keys()
        .filter(|k| reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err())
        .cloned()
        .collect();
    for name in unsendable {
        headers.shift_remove(&name);
        c.note(
            &mut notes,
            format!("the header name `{name}` is not a valid HTTP header name (variables in header names are not supported): left out"),
        );
    }
    let auth_value = req.auth.clone().or(it.auth.clone());
    settings(
        c,
        &mut obj,
        auth_value.as_ref(),
        it.behavior.as_ref(),
        &mut ctx,
        &mut notes,
    );
    if let Some((k, v, in_query)) = &ctx.apikey {
        if *in_query {
            query.push((k.clone(), v.clone()));
        } else {
            headers.insert(k.clone(), json!(v));
        }
    }
    if query.iter().any(|(k, v)| keeps_bytes(k) || keeps_bytes(v)) {
        // runner encodes `query:` values: text already encoded (`%2F`), a `+` or a space
        // goes into the URL as written, so that the bytes Postman sends are sent.
        let pairs: Vec<String> = query.drain(..).map(|(k, v)| format!("{k}={v}")).collect();
        url.push('?');
        url.push_str(&pairs.join("&"));
        obj.insert("url".into(), json!(url));
    }
    if !query.is_empty() {
        let mut q = Map::new();
        for (k, v) in query {
            match q.get_mut(&k) {
                Some(Value::Array(list)) => list.push(json!(v)),
                Some(prev) => *prev = json!([prev.clone(), v]),
                None => {
                    q.insert(k, json!(v));
                }
            }
        }
        obj.insert("query".into(), Value::Object(q));
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str().unwrap_or("").to_string());
    if let Some(b) = body(c, req.body, content_type.as_deref(), &mut notes) {
        obj.insert("body".into(), b);
    }
    if !headers.is_empty() {
        obj.insert("headers".into(), Value::Object(headers));
    }
    scripts(c, &mut obj, events, &mut notes);
    let examples: Vec<Value> = it.response.iter().flatten().map(example).collect();
    if !examples.is_empty() {
        obj.insert("examples".into(), Value::Array(examples));
    }
    append_notes(&mut description, &notes);
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    if let Some(d) = description {
        out.insert("description".into(), json!(d));
    }
    obj.shift_remove("name");
    out.extend(obj);
    Some(Value::Object(out))
}

/// Whether a query key or value has text (outside its templates) that `query:` would
/// encode differently from Postman: `%`, `+` or a space.
fn keeps_bytes(s: &str) -> bool {
    let mut rest = s;
    let mut literal = String::new();
    while let Some(start) = rest.find("{{") {
        literal.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    literal.push_str(rest);
    literal.contains(['%', '+', ' '])
}

pub(super) fn kv_enabled(kv: &&PmKv) -> bool {
    kv.disabled != Some(true) && kv.key.as_deref().is_some_and(|k| !k.is_empty())
}

/// A header Postman adds to every request by itself, saved with its default value.
fn postman_generated(name: &str, value: &str) -> bool {
    let value = value.trim();
    match name.to_ascii_lowercase().as_str() {
        "postman-token" | "content-length" => true,
        "user-agent" => value.starts_with("PostmanRuntime/"),
        "cache-control" => value == "no-cache",
        "accept-encoding" => value == "gzip, deflate, br",
        "connection" => value == "keep-alive",
        _ => false,
    }
}

fn headers(c: &mut Conv, h: Option<&PmHeaders>) -> Map<String, Value> {
    let mut out = Map::new();
    match h {
        None => {}
        Some(PmHeaders::List(list)) => {
            for kv in list.iter().filter(kv_enabled) {
                let k = kv.key.clone().unwrap_or_default();
                let value = value_text(&kv.value);
                if kv.system == Some(true) || postman_generated(&k, &value) {
                    *c.report.dropped_headers.entry(k).or_default() += 1;
                    continue;
                }
                let v = credentials::header(c, &k, &value);
                out.insert(k, json!(v));
            }
        }
        Some(PmHeaders::Text(t)) => {
            for line in t.lines() {
                if let Some((k, v)) = line.split_once(':')
                    && !k.trim().is_empty()
                    && !k.trim_start().starts_with("//")
                {
                    if postman_generated(k.trim(), v.trim()) {
                        *c.report
                            .dropped_headers
                            .entry(k.trim().to_string())
                            .or_default() += 1;
                        continue;
                    }
                    let v = credentials::header(c, k.trim(), v.trim());
                    out.insert(k.trim().to_string(), json!(v));
                }
            }
        }
    }
    out
}

/// Test scripts → `expect:`/`capture:` when every statement translates; every other
/// script is kept, whole, under `scripts:`.
fn scripts(
    c: &mut Conv,
    obj: &mut Map<String, Value>,
    events: Vec<PmEvent>,
    notes: &mut Vec<String>,
) {
    let mut expect = Map::new();
    let mut capture = Map::new();
    let mut kept = Map::new();
    for e in events {
        let text = script_text(&e);
        if text.is_empty() || e.disabled == Some(true) {
            continue;
        }
        let Some(key) = script_key(&e) else { continue };
        let t = (key == "test").then(|| translate(&text)).flatten();
        let Some(t) = t else {
            keep_script(c, &mut kept, key, text, notes);
            continue;
        };
        c.report.scripts_translated += 1;
        if let Some(m) = &t.status {
            let v = match (m.checks.get("in"), &m.name) {
                (Some(list), None) if m.checks.len() == 1 => list.clone(),
                _ => m.to_value(),
            };
            expect.insert("status".into(), v);
        }
        for (field, map) in [("headers", &t.headers), ("json", &t.json)] {
            if map.is_empty() {
                continue;
            }
            if let Value::Object(o) = expect.entry(field).or_insert_with(|| json!({})) {
                o.extend(map.iter().map(|(k, m)| (k.clone(), m.to_value())));
            }
        }
        if let Some(m) = &t.body {
            expect.insert("body".into(), m.to_value());
        }
        if let Some(m) = &t.duration {
            expect.insert("duration".into(), m.to_value());
        }
        for (pm_name, value) in &t.captures {
            let n = c.names.name(pm_name);
            c.captured.insert(n.clone());
            capture.insert(n, value.clone());
        }
    }
    if !expect.is_empty() {
        obj.insert("expect".into(), Value::Object(expect));
    }
    if !capture.is_empty() {
        obj.insert("capture".into(), Value::Object(capture));
    }
    put_scripts(obj, kept);
}
