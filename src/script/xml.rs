//! XML for `require('xml2js')` and `xml2Json`: the text parsed (quick-xml, strict: one
//! root, matching end tags, known entities) into a plain tree that the prelude shapes as
//! xml2js does, its options and name/value processors included.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use rquickjs::{Ctx, Exception, Function, Value};
use serde_json::Value as Json;

use super::convert;

/// Defines `__runner_xml(text)` (taken away by the prelude): the document's root element,
/// or a thrown error saying why the text is not XML.
pub(super) fn register(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    ctx.globals()
        .set("__runner_xml", Function::new(ctx.clone(), parse_js)?)
}

fn parse_js<'js>(ctx: Ctx<'js>, text: String) -> rquickjs::Result<Value<'js>> {
    match parse(&text) {
        Ok(root) => convert::to_js(&ctx, &root),
        Err(e) => Err(Exception::throw_message(&ctx, &e)),
    }
}

/// One element being read: `[name, [attribute, value, ...], has CDATA, child...]`, a child
/// being text or an element.
struct Open {
    name: String,
    attributes: Vec<Json>,
    cdata: bool,
    children: Vec<Json>,
}

impl Open {
    fn close(self) -> Json {
        let mut out = vec![
            Json::String(self.name),
            Json::Array(self.attributes),
            Json::Bool(self.cdata),
        ];
        out.extend(self.children);
        Json::Array(out)
    }
}

/// The root element of `text` as `[name, attributes, has CDATA, child...]`.
pub(super) fn parse(text: &str) -> Result<Json, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Json> = None;
    let mut chars = String::new();
    let at = |reader: &Reader<&[u8]>, what: &str| {
        format!("{what} (at byte {})", reader.buffer_position())
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|e| at(&reader, &format!("invalid XML: {e}")))?;
        let text_event = matches!(
            event,
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_)
        );
        if !text_event && !chars.is_empty() {
            let text = std::mem::take(&mut chars);
            match stack.last_mut() {
                Some(open) => open.children.push(Json::String(text)),
                None if text.trim().is_empty() => {}
                None if root.is_none() => {
                    return Err(at(&reader, "Non-whitespace before first tag"));
                }
                None => return Err(at(&reader, "Text data outside of root node")),
            }
        }
        match event {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let element = open(&e)?.close();
                place(&mut stack, &mut root, element).map_err(|m| at(&reader, m))?;
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err(at(&reader, "Unmatched closing tag"));
                };
                place(&mut stack, &mut root, element.close()).map_err(|m| at(&reader, m))?;
            }
            Event::Text(t) => chars.push_str(&t.xml10_content().map_err(|e| e.to_string())?),
            Event::CData(c) => {
                chars.push_str(&c.decode().map_err(|e| e.to_string())?);
                match stack.last_mut() {
                    Some(open) => open.cdata = true,
                    None => return Err(at(&reader, "CDATA outside of root node")),
                }
            }
            Event::GeneralRef(r) => {
                let resolved = r.resolve_char_ref().map_err(|e| e.to_string())?;
                let c = match resolved {
                    Some(c) => c,
                    None => match r.decode().map_err(|e| e.to_string())?.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(at(
                                &reader,
                                &format!("Invalid character entity &{other};"),
                            ));
                        }
                    },
                };
                chars.push(c);
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(at(&reader, "Unclosed root tag"));
    }
    root.ok_or_else(|| "Non-whitespace before first tag".to_string())
}

fn open(e: &BytesStart<'_>) -> Result<Open, String> {
    let mut attributes = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("invalid XML attribute: {e}"))?;
        attributes.push(Json::String(
            String::from_utf8_lossy(a.key.as_ref()).into_owned(),
        ));
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| format!("invalid XML attribute value: {e}"))?;
        attributes.push(Json::String(value.into_owned()));
    }
    Ok(Open {
        name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
        attributes,
        cdata: false,
        children: Vec::new(),
    })
}

/// Puts a closed element into its parent, or makes it the root.
fn place(stack: &mut [Open], root: &mut Option<Json>, element: Json) -> Result<(), &'static str> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err("Text data outside of root node"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn elements_attributes_text_and_entities() {
        assert_eq!(
            parse(
                "<?xml version=\"1.0\"?>\n<!-- c --><a x=\"1 &amp; 2\"><b>t&lt;&#65;</b><c><![CDATA[<raw>]]></c><d/></a>\n"
            ),
            Ok(json!([
                "a",
                ["x", "1 & 2"],
                false,
                ["b", [], false, "t<A"],
                ["c", [], true, "<raw>"],
                ["d", [], false]
            ]))
        );
        for bad in [
            "bad",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<a>&nope;</a>",
            "",
            "<a/>tail",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
