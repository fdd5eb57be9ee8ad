//! Positions in source files and the errors that point at them.
//!
//! A [`Diagnostic`] is rendered without colour first; colour is added at the edge
//! ([`Diagnostic::render`] with `color = true`), so reports and tests see plain text.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

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
    files: RwLock<HashMap<Arc<str>, Source>>,
}

/// How the lines of a file are shown when a diagnostic quotes them (credentials masked).
pub trait LineMask: Send + Sync {
    /// The line as it may be shown.
    fn mask(&self, line: &str) -> String;
}

/// One file's text, and the mask its quoted lines go through.
struct Source {
    text: Arc<str>,
    mask: Option<Box<dyn LineMask>>,
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Source")
            .field("len", &self.text.len())
            .field("masked", &self.mask.is_some())
            .finish()
    }
}

impl Sources {
    /// Remember the text of `file`, quoted as it is.
    #[cfg(test)]
    pub fn add(&self, file: &Arc<str>, text: &str) {
        self.insert(file, Arc::from(text), None);
    }

    /// Remember the text of `file`; the lines a diagnostic quotes go through `mask` then
    /// (only those: most files are never quoted).
    pub fn add_masked(&self, file: &Arc<str>, text: Arc<str>, mask: Box<dyn LineMask>) {
        self.insert(file, text, Some(mask));
    }

    fn insert(&self, file: &Arc<str>, text: Arc<str>, mask: Option<Box<dyn LineMask>>) {
        if let Ok(mut files) = self.files.write() {
            files.insert(Arc::clone(file), Source { text, mask });
        }
    }

    /// The `line`-th line (1-based) of `file`, if that file was loaded.
    pub fn line(&self, file: &str, line: u32) -> Option<String> {
        let files = self.files.read().ok()?;
        let source = files.get(file)?;
        let text = source.text.lines().nth(line.checked_sub(1)? as usize)?;
        Some(match &source.mask {
            Some(mask) => mask.mask(text),
            None => text.to_string(),
        })
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
    pub help: Option<Box<str>>,
    /// Further lines of context.
    pub notes: Vec<String>,
    /// The variable that no layer defines, when that is the whole cause: such diagnostics
    /// are told once per collection when no environment was given.
    pub undefined: Option<Box<str>>,
    /// A warning: shown, but the command goes on.
    pub warning: bool,
}

impl Diagnostic {
    /// A diagnostic with a title and a position.
    pub fn new(title: impl Into<String>, span: Option<Span>) -> Diagnostic {
        Diagnostic {
            title: title.into(),
            span,
            help: None,
            notes: Vec::new(),
            undefined: None,
            warning: false,
        }
    }

    /// Makes it a warning.
    pub fn into_warning(mut self) -> Diagnostic {
        self.warning = true;
        self
    }

    /// Marks the diagnostic as caused by an undefined variable.
    pub fn undefined(mut self, name: &str) -> Diagnostic {
        self.undefined = Some(name.into());
        self
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into().into_boxed_str());
        self
    }

    /// Adds a help line when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        if let Some(help) = help {
            self.help = Some(help.into_boxed_str());
        }
        self
    }

    /// Adds a note line.
    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Renders as rustc-style text: title, `--> file:line:col`, the source line with
    /// carets (laid out by annotate-snippets), then help and notes. `color` adds ANSI
    /// styling.
    pub fn render(&self, sources: &Sources, color: bool) -> String {
        let (red, blue, bold, reset) = match (color, self.warning) {
            (true, false) => ("\x1b[1;31m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m"),
            (true, true) => ("\x1b[1;33m", "\x1b[1;34m", "\x1b[1m", "\x1b[0m"),
            (false, _) => ("", "", "", ""),
        };
        let level = if self.warning { "warning" } else { "error" };
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
        let quoted = self
            .span
            .as_ref()
            .and_then(|span| Some((span, sources.line(&span.file, span.line)?)));
        let mut out = match (quoted, &self.span) {
            (Some((span, line)), _) => snippet(&title, span, &line, color, self.warning),
            (None, Some(span)) => {
                let gutter = " ".repeat(span.line.to_string().len());
                format!(
                    "{red}{level}{reset}{bold}: {title}{reset}\n{gutter}{blue}-->{reset} {span}\n"
                )
            }
            (None, None) => format!("{red}{level}{reset}{bold}: {title}{reset}\n"),
        };
        // Help and notes stay right under the carets, two columns in, whatever the gutter.
        if let Some(help) = &self.help {
            out.push_str(&format!("  = {bold}help{reset}: {help}\n"));
        }
        for note in &self.notes {
            out.push_str(&format!("  = note: {note}\n"));
        }
        out
    }
}

/// The title, `--> file:line:col` and the quoted source `line` of `span` with its carets.
fn snippet(title: &str, span: &Span, line: &str, color: bool, warning: bool) -> String {
    // One replacement character per control character keeps the carets aligned.
    let mut text: String = line
        .chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect();
    let start_col = span.col.max(1) as usize - 1;
    // A column past the end of the line (the end of a document, say) is shown as it is.
    let missing = start_col.saturating_sub(text.chars().count());
    text.extend(std::iter::repeat_n(' ', missing));
    // Columns count characters; annotate-snippets takes byte offsets into the line.
    let byte_at = |col: usize| text.char_indices().nth(col).map_or(text.len(), |(i, _)| i);
    let start = byte_at(start_col);
    let end = byte_at(start_col + span.len as usize);
    let level = if warning {
        Level::WARNING
    } else {
        Level::ERROR
    };
    let group = level.primary_title(title).element(
        Snippet::source(text.as_str())
            .line_start(span.line as usize)
            .path(&*span.file)
            .annotation(AnnotationKind::Primary.span(start..end)),
    );
    // Whole lines: the terminal wraps a long one, as it does every other line.
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .term_width(usize::MAX / 2);
    let mut out = renderer.render(&[group]);
    out.push('\n');
    out
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
    // The name itself is never a suggestion for itself.
    for candidate in candidates.into_iter().filter(|c| *c != word) {
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

    /// The rendering of a one-caret diagnostic at `line:col` of `text`, without the title.
    fn at(text: &str, line: u32, col: u32, len: u32) -> String {
        let sources = Sources::default();
        let file: Arc<str> = Arc::from("c.yaml");
        sources.add(&file, text);
        let mut span = Span::new(&file, line, col);
        span.len = len;
        let out = Diagnostic::new("x", Some(span)).render(&sources, false);
        out.strip_prefix("error: x\n").unwrap_or(&out).to_string()
    }

    #[test]
    fn carets_stay_under_wide_characters_tabs_and_control_characters() {
        assert_eq!(
            at("name: 日本語 x\n", 1, 11, 1),
            " --> c.yaml:1:11\n  |\n1 | name: 日本語 x\n  |              ^\n"
        );
        assert_eq!(
            at("\tkey:\tx\n", 1, 7, 1),
            " --> c.yaml:1:7\n  |\n1 |     key:    x\n  |             ^\n"
        );
        assert_eq!(
            at(" k: \u{1b}[31mred\n", 1, 5, 4),
            " --> c.yaml:1:5\n  |\n1 |  k: \u{fffd}[31mred\n  |     ^^^^\n"
        );
    }

    #[test]
    fn a_column_past_the_end_of_its_line_is_kept() {
        assert_eq!(
            at("a: 1\n", 1, 8, 0),
            " --> c.yaml:1:8\n  |\n1 | a: 1   \n  |        ^\n"
        );
        // Without the file's text, the position alone.
        let d =
            Diagnostic::new("x", Some(Span::new(&Arc::from("gone.yaml"), 12, 3))).with_note("n");
        assert_eq!(
            d.render(&Sources::default(), false),
            "error: x\n  --> gone.yaml:12:3\n  = note: n\n"
        );
    }

    #[test]
    fn suggests_only_close_words() {
        assert_eq!(
            did_you_mean("methd", ["method", "url", "name"]),
            Some("did you mean `method`?".to_string())
        );
        assert_eq!(did_you_mean("zzz", ["method", "url"]), None);
        assert_eq!(did_you_mean("idcs_host", ["idcs_host"]), None);
    }
}
