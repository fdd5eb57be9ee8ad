//! What a command prints and how: the [`Printer`] (which stream is coloured, whether a
//! progress bar is drawn, whether the output is read by a CI service), terminal styling
//! (ANSI colour when enabled, plain text otherwise) and making outside text safe to
//! print: no escape sequences, no forged lines, no CI workflow commands.

use std::borrow::Cow;
use std::io::{BufWriter, IsTerminal, Write};
use std::sync::{LazyLock, Mutex};

use indicatif::ProgressDrawTarget;

/// Standard output of the run's lines. On a terminal each write goes out at once; otherwise
/// (a file, a pipe) writes are kept in a 64 KiB buffer, written out when it fills, before
/// anything is written to stderr ([`flush_stdout`]) and when the command ends.
static STDOUT: LazyLock<(bool, Mutex<BufWriter<std::io::Stdout>>)> = LazyLock::new(|| {
    let stdout = std::io::stdout();
    (
        stdout.is_terminal(),
        Mutex::new(BufWriter::with_capacity(64 * 1024, stdout)),
    )
});

/// A handle on the run's standard output (see [`STDOUT`]).
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf).map(|()| buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        let (terminal, out) = &*STDOUT;
        let mut out = out
            .lock()
            .map_err(|_| std::io::Error::other("stdout lock"))?;
        out.write_all(buf)?;
        if *terminal { out.flush() } else { Ok(()) }
    }

    /// Does nothing off a terminal: the buffer is written when full, before stderr is
    /// written to and at the end ([`flush_stdout`]).
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes out what [`Stdout`] holds: before writing to stderr (so that the two streams stay
/// in order on a terminal or in one file), before a prompt, and when the command ends.
pub fn flush_stdout() {
    if let Ok(mut out) = STDOUT.1.lock() {
        let _ = out.flush();
    }
}

/// The output decisions of one command, made once from the command line and the
/// environment (see `settings::printer`) and passed down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Colour on stdout.
    pub color: bool,
    /// Colour on stderr (errors and diagnostics).
    pub err_color: bool,
    /// `-v`: print each exchange.
    pub verbose: bool,
    /// `-q`: print only failures, errors and the summary.
    pub quiet: bool,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// A CI service reads the output: lines that look like workflow commands are escaped.
    pub ci: bool,
}

impl Printer {
    /// Styles for stdout.
    pub fn styles(&self) -> Styles {
        Styles::new(self.color)
    }

    /// These decisions with `-q` applied: only failures, errors and the summary, so no
    /// progress bar. `-v` wins over `-q`, as in `curl -sv`.
    pub fn with_quiet(self, quiet: bool) -> Printer {
        let quiet = quiet && !self.verbose;
        Printer {
            quiet,
            progress: self.progress && !quiet,
            ..self
        }
    }

    /// Where a progress bar draws: stderr, or nowhere.
    pub fn progress_target(&self) -> Option<ProgressDrawTarget> {
        self.progress.then(ProgressDrawTarget::stderr)
    }
}

/// Styles text for the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    color: bool,
}

impl Styles {
    /// Styles that colour only when `color` is true.
    pub fn new(color: bool) -> Styles {
        Styles { color }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Success.
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }

    /// Failure.
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }

    /// Warnings and skips.
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }

    /// Secondary information.
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    /// Emphasis.
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}

/// Whether `c` must not reach a terminal as it is: C0 and C1 controls, DEL, and the
/// bidirectional overrides that reorder what is shown.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Text from a server (or any outside source) made safe for one line of the terminal:
/// escape sequences, line breaks and other controls shown escaped (`\x1b`, `\n`); tabs
/// are kept.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if c != '\t' && is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text from a server shown as several lines (a body): line breaks and tabs are kept (a
/// `\r\n` as `\n`), every other control is shown escaped, a lone `\r` included, so that
/// no line can be overwritten or recoloured.
pub fn text_block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\t' => out.push(c),
            c if is_unsafe(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` with every line that a CI service would read as a command (GitHub's
/// `::error::…`, Azure's `##vso[…]` and `##[…]`, after any indentation) shown with its
/// first character escaped (`\x3a:error::…`), so it prints as text.
pub fn neutralise_commands(text: &str) -> Cow<'_, str> {
    let is_command = |line: &str| {
        let t = line.trim_start();
        t.starts_with("::") || t.starts_with("##[") || t.starts_with("##vso[")
    };
    if !text.split('\n').any(is_command) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if is_command(line) {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            let t = &line[indent..];
            let first = if t.starts_with(':') { "\\x3a" } else { "\\x23" };
            out.push_str(first);
            out.push_str(&t[1..]);
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{neutralise_commands, one_line, text_block};

    #[test]
    fn controls_are_shown_escaped() {
        assert_eq!(
            one_line("a\x1b[31mb\r\n  PASS\tc"),
            "a\\x1b[31mb\\r\\n  PASS\tc"
        );
        assert_eq!(one_line("\u{9b}2J \u{202e}x é"), "\\u{9b}2J \\u{202e}x é");
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(text_block("a\r\nb\rc\x07\n"), "a\nb\\rc\\x07\n");
        assert_eq!(text_block("a\nb\tc"), "a\nb\tc");
    }

    #[test]
    fn workflow_commands_print_as_text() {
        assert_eq!(
            neutralise_commands("ok\n  ::error::forged\n##vso[task.x]y\na::b"),
            "ok\n  \\x3a:error::forged\n\\x23#vso[task.x]y\na::b"
        );
        assert_eq!(neutralise_commands("none here"), "none here");
    }
}
