//! Terminal styling: ANSI colour when enabled, plain text otherwise.

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

    /// Whether colour is on.
    pub fn color(&self) -> bool {
        self.color
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
