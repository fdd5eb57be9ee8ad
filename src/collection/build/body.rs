//! `body:`: exactly one of json, form, multipart, raw and file.

use serde_json::Value;

use super::Builder;
use crate::collection::raw::{RawBody, Sp};
use crate::collection::{BodyDef, JsonTemplate, PartDef, PartKind, Template};
use crate::diagnostic::did_you_mean;

impl Builder<'_> {
    /// `body:`: exactly one form, with its content type.
    pub(super) fn body(&mut self, body: Sp<RawBody>) -> Option<BodyDef> {
        let span = self.sp(&body);
        let b = body.value;
        let forms = [
            b.json.is_some(),
            b.form.is_some(),
            b.multipart.is_some(),
            b.raw.is_some(),
            b.file.is_some(),
        ];
        match forms.iter().filter(|x| **x).count() {
            0 => {
                self.error_help(
                    "body needs one of json, form, multipart, raw, file",
                    span,
                    None,
                );
                return None;
            }
            1 => {}
            _ => {
                let names = ["json", "form", "multipart", "raw", "file"];
                let present: Vec<&str> = names
                    .iter()
                    .zip(forms)
                    .filter_map(|(n, p)| p.then_some(*n))
                    .collect();
                let second = present.get(1).copied().unwrap_or("body");
                let at = self
                    .find_key(&body.referenced, second)
                    .map(|(k, _)| k)
                    .or(span);
                self.error_help(
                    format!("body has both `{}` and `{second}`", present[0]),
                    at,
                    Some("a body is exactly one of json, form, multipart, raw, file".into()),
                );
                return None;
            }
        }
        let content_type = self.opt_template(b.content_type);
        if let Some(json) = b.json {
            return Some(BodyDef::Json(JsonTemplate {
                span: self.sp(&json),
                value: json.value,
            }));
        }
        if let Some(form) = b.form {
            let mut fields = Vec::new();
            for (k, v) in form {
                if let Some(t) = self.scalar_template(&v, &format!("form field `{k}`")) {
                    fields.push((k, t));
                }
            }
            return Some(BodyDef::Form(fields));
        }
        if let Some(parts) = b.multipart {
            let mut out = Vec::new();
            for (name, v) in parts {
                let pspan = self.sp(&v);
                let kind = match &v.value {
                    Value::Object(map) => {
                        let text = |k: &str| {
                            map.get(k)
                                .and_then(Value::as_str)
                                .map(|s| Template::new(s, pspan.clone()))
                        };
                        for key in map.keys() {
                            if !["file", "filename", "content_type"].contains(&key.as_str()) {
                                self.error_help(
                                    format!("unknown key `{key}` in multipart field `{name}`"),
                                    pspan.clone(),
                                    did_you_mean(key, ["file", "filename", "content_type"]),
                                );
                            }
                        }
                        match text("file") {
                            Some(path) => PartKind::File {
                                path,
                                filename: text("filename"),
                                content_type: text("content_type"),
                            },
                            None => {
                                self.error(
                                    format!(
                                        "multipart field `{name}` needs `file:` or a text value"
                                    ),
                                    pspan,
                                );
                                continue;
                            }
                        }
                    }
                    _ => match self.scalar_template(&v, &format!("multipart field `{name}`")) {
                        Some(t) => PartKind::Text(t),
                        None => continue,
                    },
                };
                out.push(PartDef { name, kind });
            }
            return Some(BodyDef::Multipart(out));
        }
        if let Some(raw) = b.raw {
            return Some(BodyDef::Raw {
                text: self.template(raw),
                content_type,
            });
        }
        let path = self.template(b.file?);
        Some(BodyDef::File { path, content_type })
    }
}
