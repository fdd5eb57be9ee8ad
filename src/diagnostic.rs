//! Positions in source files and the errors that point at them.
//!
//! A [`Diagnostic`] is rendered without colour first; colour is added at the edge
//! ([`Diagnostic::render`] with `color = true`), so reports and tests see plain text.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

/// A position in a source file: 1-based line and column, and the length to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The file as the user named it (relative paths stay relative).
    pub file: Arc<str>,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// How many characters to underline; 0 means "one caret".
    pub len: u32,
}

impl Span {
    /// A span at `line:col` of `file`.
    pub fn new(file: &Arc<str>, line: u32, col: u32) -> Span {
        Span {
            file: Arc::clone(file),
            line,
            col,
            len: 0,
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// The text of every file loaded, so diagnostics can quote the offending line.
#[derive(Debug, Default)]
pub struct Sources {
    files: RwLock<HashMap<Arc<str>, Arc<str>>>,
}

impl Sources {
    /// Remember the text of `file`.
    pub fn add(&self, file: &Arc<str>, text: &str) {
        if let Ok(mut files) = self.files.write() {
            files.insert(Arc::clone(file), Arc::from(text));
        }
    }

    /// The `line`-th line (1-based) of `file`, if that file was loaded.
    pub fn line(&self, file: &str, line: u32) -> Option<String> {
        let files = self.files.read().ok()?;
        let text = files.get(file)?;
        text.lines()
            .nth(line.checked_sub(1)? as usize)
            .map(str::to_string)
    }
}

/// An error (or warning) with an optional position, help and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// One line saying what is wrong.
    pub title: String,
    /// Where, when known.
    pub span: Option<Span>,
    /// A suggestion such as "did you mean `method`?".
    pub help: Option<String>,
    /// Further lines of context.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic with a title and a position.
    pub fn new(title: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            title: title.into(),
            span,
            help: None,
            notes: Vec::new(),
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Renders as rustc-style text: title, `--> file:line:col`, the source line with a
    /// caret, then help and notes. `color` adds ANSI styling.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let (red, blue, bold, reset) = if color {
            ("\x1b[1;31m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        // Titles and source lines quote the file: its control bytes must not reach a terminal.
        let title: String = self
            .title
            .chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        let mut out = format!("{red}error{reset}{bold}: {title}{reset}\n");
        if let Some(span) = &self.span {
            let gutter = " ".repeat(span.line.to_string().len());
            out.push_str(&format!("{gutter}{blue}-->{reset} {span}\n"));
            if let Some(text) = sources.line(&span.file, span.line) {
                // One replacement character per control character keeps the caret aligned.
                let text: String = text
                    .chars()
                    .map(|c| {
                        if c.is_control() && c != '\t' {
                            '\u{fffd}'
                        } else {
                            c
                        }
                    })
                    .collect();
                let col = span.col.max(1) as usize;
                let prefix: String = text
                    .chars()
                    .take(col - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let carets = "^".repeat(span.len.max(1) as usize);
                out.push_str(&format!("{gutter} {blue}|{reset}\n"));
                out.push_str(&format!(
                    "{blue}{}{reset} {blue}|{reset} {text}\n",
                    span.line
                ));
                out.push_str(&format!(
                    "{gutter} {blue}|{reset} {prefix}{red}{carets}{reset}\n"
                ));
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("  = {bold}help{reset}: {help}\n"));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.span {
            Some(span) => write!(f, "{span}: {}", self.title)?,
            None => write!(f, "{}", self.title)?,
        }
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &candidate.to_lowercase());
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_position_snippet_and_help() {
        let sources = Sources::default();
        let file: Arc<str> = Arc::from("c.yaml");
        sources.add(&file, "name: x\nrequests:\n  - methd: GET\n");
        let mut span = Span::new(&file, 3, 5);
        span.len = 5;
        let d = Diagnostic::new("unknown field `methd`", Some(span))
            .with_help("did you mean `method`?");
        let text = d.render(&sources, false);
        assert_eq!(
            text,
            "error: unknown field `methd`\n --> c.yaml:3:5\n  |\n3 |   - methd: GET\n  |     ^^^^^\n  = help: did you mean `method`?\n"
        );
    }

    #[test]
    fn suggests_only_close_words() {
        assert_eq!(
            did_you_mean("methd", ["method", "url", "name"]),
            Some("did you mean `method`?".to_string())
        );
        assert_eq!(did_you_mean("zzz", ["method", "url"]), None);
    }
}
