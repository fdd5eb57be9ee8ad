//! The terminal side of logging in: URLs, device codes and warnings go to stderr (stdout
//! stays for results and `runner auth token`), and pasted redirect URLs come from stdin.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget};
use tokio::sync::oneshot;

use crate::auth::{Notice, Ui};
use crate::http::Exchange;
use crate::secrets::Masker;

/// The longest line read: a redirected URL is far shorter.
const MAX_LINE: u64 = 64 * 1024;

/// Renders a token endpoint exchange (named by its first argument) for `-v`.
pub type ExchangeText = Box<dyn Fn(&str, &Exchange) -> String + Send + Sync>;

/// [`Ui`] on stderr and stdin.
pub struct TerminalUi {
    masker: Arc<Masker>,
    bar: Option<ProgressBar>,
    exchanges: Option<ExchangeText>,
}

impl TerminalUi {
    /// Warnings pass through `masker`; a progress `bar` is hidden while writing or reading;
    /// token endpoint exchanges are printed as `exchanges` renders them (under `-v`).
    pub fn new(
        masker: Arc<Masker>,
        bar: Option<ProgressBar>,
        exchanges: Option<ExchangeText>,
    ) -> TerminalUi {
        TerminalUi {
            masker,
            bar,
            exchanges,
        }
    }

    fn eprint(&self, text: &str) {
        self.suspended(|| {
            crate::output::flush_stdout();
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        });
    }

    fn suspended<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }
}

impl Ui for TerminalUi {
    fn notice(&self, notice: Notice) {
        let text = match notice {
            Notice::OpenBrowser { url } => {
                format!("Log in with your browser. If it does not open, visit this URL:\n  {url}\n")
            }
            Notice::MockConsent { url } => {
                format!(
                    "Logging in at the mock's consent page (approved automatically):\n  {url}\n"
                )
            }
            Notice::PasteRedirect { url } => format!(
                "Open this URL in a browser and log in:\n  {url}\nThen paste the URL you were redirected to (or just the code) and press Enter:\n"
            ),
            Notice::DeviceCode {
                verification_uri,
                user_code,
                complete,
            } => {
                let mut t =
                    format!("To log in, visit {verification_uri} and enter the code {user_code}\n");
                if let Some(c) = complete {
                    t.push_str(&format!("  or open {c}\n"));
                }
                t
            }
            Notice::Warning(w) => format!("warning: {}\n", self.masker.mask(&w)),
        };
        self.eprint(&text);
    }

    fn exchange(&self, what: &str, exchange: &Exchange) {
        if let Some(render) = &self.exchanges {
            self.eprint(&self.masker.mask(&render(what, exchange)));
        }
    }

    fn read_line(&self) -> oneshot::Receiver<Option<String>> {
        let (tx, rx) = oneshot::channel();
        if !std::io::stdin().is_terminal() {
            let _ = tx.send(None);
            return rx;
        }
        // A detached thread, not `spawn_blocking`: the runtime waits for its blocking tasks
        // when it shuts down, so a login that times out would wait for a line forever.
        // The bar is hidden until `end_read` (not suspended: that would hold its lock, and a
        // request finishing elsewhere would block the runtime until the user pressed Enter).
        if let Some(bar) = &self.bar {
            bar.set_draw_target(ProgressDrawTarget::hidden());
            // The bar's last drawing stays on the cursor's line: clear it, as indicatif does.
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[2K");
            let _ = err.flush();
        }
        let spawned = std::thread::Builder::new()
            .name("runner-stdin".into())
            .spawn(move || {
                let mut line = String::new();
                let read = std::io::stdin().lock().take(MAX_LINE).read_line(&mut line);
                let _ = tx.send(match read {
                    Ok(n) if n > 0 => Some(line),
                    _ => None,
                });
            });
        // Without the thread the sender is gone, and the receiver reads that as no line.
        drop(spawned);
        rx
    }

    fn end_read(&self) {
        if let Some(bar) = &self.bar {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn is_terminal(&self) -> bool {
        std::io::stdin().is_terminal()
    }
}
