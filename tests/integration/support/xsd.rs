//! Checks an XML document against an XML Schema: the subset the JUnit schemas use
//! (global and local elements, `ref`, named and anonymous complex types, `sequence` and
//! `choice` with occurrence bounds, mixed and simple content, required attributes, and
//! simple types restricted by a pattern). Documents and schemas are read with quick-xml.

use std::collections::HashMap;

use quick_xml::XmlVersion;
use quick_xml::events::Event;
use regex::Regex;

/// An element: its name, attributes in document order, child elements and whether it holds
/// text other than white space.
#[derive(Debug)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub has_text: bool,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Its child elements without the `xs:` prefix of schema documents.
    fn child(&self, name: &str) -> impl Iterator<Item = &Element> {
        self.children.iter().filter(move |c| local(&c.name) == name)
    }
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// Parses `text` into its root element; `Err` for XML that is not well formed.
pub fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("at byte {}: {e}", reader.error_position()))?;
        let open = |e: &quick_xml::events::BytesStart| -> Result<Element, String> {
            let mut attrs = Vec::new();
            for a in e.attributes() {
                let a = a.map_err(|e| e.to_string())?;
                let value = a
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| e.to_string())?;
                attrs.push((
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    value.into_owned(),
                ));
            }
            Ok(Element {
                name: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                attrs,
                children: Vec::new(),
                has_text: false,
            })
        };
        let close =
            |done: Element, stack: &mut Vec<Element>, root: &mut Option<Element>| match stack
                .last_mut()
            {
                Some(parent) => parent.children.push(done),
                None => *root = Some(done),
            };
        match event {
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => close(open(&e)?, &mut stack, &mut root),
            Event::End(_) => {
                let done = stack.pop().ok_or("an end tag without a start")?;
                close(done, &mut stack, &mut root);
            }
            Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                stack.last_mut().ok_or("text outside the root")?.has_text = true;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

/// A schema: its global elements, named complex types and named simple types.
pub struct Schema {
    elements: HashMap<String, Element>,
    complex: HashMap<String, Element>,
    patterns: HashMap<String, Regex>,
}

impl Schema {
    /// Reads an XSD document.
    pub fn parse(text: &str) -> Result<Schema, String> {
        let root = parse(text)?;
        let mut schema = Schema {
            elements: HashMap::new(),
            complex: HashMap::new(),
            patterns: HashMap::new(),
        };
        for def in root.children {
            let name = def.attr("name").unwrap_or_default().to_string();
            match local(&def.name) {
                "element" => {
                    schema.elements.insert(name, def);
                }
                "complexType" => {
                    schema.complex.insert(name, def);
                }
                "simpleType" => {
                    let pattern = def
                        .child("restriction")
                        .flat_map(|r| r.child("pattern"))
                        .find_map(|p| p.attr("value"))
                        .ok_or_else(|| format!("simple type {name} has no pattern"))?;
                    let re = Regex::new(&format!("^(?:{pattern})$")).map_err(|e| e.to_string())?;
                    schema.patterns.insert(name, re);
                }
                _ => {}
            }
        }
        Ok(schema)
    }

    /// Every way `doc` breaks the schema, each with the path of the element; empty when
    /// it is valid.
    pub fn check(&self, doc: &Element) -> Vec<String> {
        let mut problems = Vec::new();
        match self.elements.get(&doc.name) {
            Some(decl) => self.element(decl, doc, &doc.name, &mut problems),
            None => problems.push(format!("<{}> is not a root element", doc.name)),
        }
        problems
    }

    /// The declaration an `element` particle stands for: itself, or the global one it refers to.
    fn resolve<'s>(&'s self, decl: &'s Element) -> &'s Element {
        decl.attr("ref")
            .and_then(|r| self.elements.get(r))
            .unwrap_or(decl)
    }

    fn element(&self, decl: &Element, el: &Element, path: &str, problems: &mut Vec<String>) {
        let ty = match decl.attr("type") {
            Some(t) if local(t) == "string" => {
                if !el.attrs.is_empty() || !el.children.is_empty() {
                    problems.push(format!("{path}: holds only text"));
                }
                return;
            }
            Some(t) => match self.complex.get(t) {
                Some(ty) => ty,
                None => return problems.push(format!("{path}: unknown type {t}")),
            },
            None => match decl.child("complexType").next() {
                Some(ty) => ty,
                None => return problems.push(format!("{path}: no type")),
            },
        };
        // Simple content: text plus the attributes of its extension; no elements.
        let (attr_holder, model, text_ok) = match ty.child("simpleContent").next() {
            Some(simple) => {
                let ext = simple.child("extension").next().unwrap_or(simple);
                (ext, None, true)
            }
            None => (
                ty,
                ty.children
                    .iter()
                    .find(|c| matches!(local(&c.name), "sequence" | "choice")),
                ty.attr("mixed") == Some("true"),
            ),
        };
        if el.has_text && !text_ok {
            problems.push(format!("{path}: text is not allowed here"));
        }
        let declared: Vec<&Element> = attr_holder.child("attribute").collect();
        for (name, value) in &el.attrs {
            match declared.iter().find(|a| a.attr("name") == Some(name)) {
                None => problems.push(format!("{path}: undeclared attribute `{name}`")),
                Some(a) => {
                    if let Some(re) = a.attr("type").and_then(|t| self.patterns.get(t))
                        && !re.is_match(value)
                    {
                        problems.push(format!("{path}: `{name}` {value:?} breaks its pattern"));
                    }
                }
            }
        }
        for a in &declared {
            if a.attr("use") == Some("required")
                && let Some(name) = a.attr("name")
                && el.attr(name).is_none()
            {
                problems.push(format!("{path}: no `{name}`"));
            }
        }
        // The children in order, as one string of `<name>` tokens, against the content
        // model as a regular expression over such tokens.
        let mut decls: HashMap<String, &Element> = HashMap::new();
        let pattern = match model {
            Some(m) => self.model(m, &mut decls),
            None => String::new(),
        };
        let tokens: String = el
            .children
            .iter()
            .map(|c| format!("<{}>", c.name))
            .collect();
        match Regex::new(&format!("^(?:{pattern})$")) {
            Ok(re) if re.is_match(&tokens) => {}
            Ok(_) => problems.push(format!("{path}: children {tokens} break the content model")),
            Err(e) => problems.push(format!("{path}: content model: {e}")),
        }
        for child in &el.children {
            if let Some(d) = decls.get(&child.name) {
                self.element(d, child, &format!("{path}/{}", child.name), problems);
            }
        }
    }

    /// The regular expression of a `sequence`, `choice` or `element` particle, noting
    /// each element's declaration.
    fn model<'s>(
        &'s self,
        particle: &'s Element,
        decls: &mut HashMap<String, &'s Element>,
    ) -> String {
        let inner = match local(&particle.name) {
            "element" => {
                let decl = self.resolve(particle);
                let name = decl.attr("name").unwrap_or_default().to_string();
                let token = format!("<{}>", regex::escape(&name));
                decls.insert(name, decl);
                token
            }
            kind @ ("sequence" | "choice") => {
                let parts: Vec<String> = particle
                    .children
                    .iter()
                    .filter(|c| matches!(local(&c.name), "element" | "sequence" | "choice"))
                    .map(|c| format!("(?:{})", self.model(c, decls)))
                    .collect();
                parts.join(if kind == "choice" { "|" } else { "" })
            }
            _ => String::new(),
        };
        let min = particle.attr("minOccurs").unwrap_or("1");
        let max = match particle.attr("maxOccurs").unwrap_or("1") {
            "unbounded" => String::new(),
            n => n.to_string(),
        };
        format!("(?:{inner}){{{min},{max}}}")
    }
}

/// The schemas of strict JUnit consumers: Jenkins' xunit plugin (a whole document) and
/// Maven Surefire 3.0 (one suite); `None` without the shared fixtures.
pub fn junit_schemas() -> Option<(Schema, Schema)> {
    let dir = super::shared_fixtures("junit")?;
    let schema = |name: &str| {
        let text = std::fs::read_to_string(dir.join(name)).expect("schema");
        Schema::parse(&text).expect("schema parses")
    };
    Some((schema("junit-10.xsd"), schema("surefire-3.0.xsd")))
}

/// Asserts that `xml` is valid for both JUnit schemas; returns its number of test suites,
/// or `None` without the shared fixtures.
#[track_caller]
pub fn assert_valid_junit(xml: &str) -> Option<usize> {
    let (jenkins, surefire) = junit_schemas()?;
    let doc = parse(xml).expect("well-formed JUnit");
    assert_eq!(jenkins.check(&doc), Vec::<String>::new());
    for suite in &doc.children {
        assert_eq!(surefire.check(suite), Vec::<String>::new());
    }
    Some(doc.children.len())
}
