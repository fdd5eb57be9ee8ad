//! The HTML report: one self-contained file (no external scripts, fonts or styles) with a
//! summary, a "failures only" filter, an inline SVG timing chart of every request, and each
//! request's masked hops and failed-assertion diffs. Sections are rendered as iterations
//! arrive; only their text is kept.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::model::{IterationReport, Outcome, RequestReport, RunMeta};
use super::writers::{PartFile, ReportWriter, Sink, create, shown};
use crate::runner::Totals;

/// Bars drawn in the timing chart at most; the rest are counted below it.
const MAX_BARS: usize = 5000;

/// Writes the HTML report.
pub struct HtmlWriter {
    file: Option<Sink>,
    path: PathBuf,
    iterations: usize,
    sections: Option<PartFile>,
    bars: Vec<(String, f64, Outcome, bool)>,
    bars_left_out: usize,
}

impl HtmlWriter {
    /// Creates the file.
    pub fn open(path: &Path, iterations: usize) -> anyhow::Result<HtmlWriter> {
        Ok(HtmlWriter {
            file: Some(create(path)?),
            path: path.to_path_buf(),
            iterations,
            sections: Some(PartFile::create(path)?),
            bars: Vec::new(),
            bars_left_out: 0,
        })
    }
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut plain = 0;
    // The five characters are ASCII, so every index found is a character boundary; the text
    // between them is copied in one piece.
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        out.push_str(entity);
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out
}

fn class(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "passed",
        Outcome::Failed => "failed",
        Outcome::Errored => "errored",
        Outcome::Skipped => "skipped",
        Outcome::NotSent => "notsent",
    }
}

fn badge(o: Outcome) -> &'static str {
    match o {
        Outcome::Passed => "PASSED",
        Outcome::Failed => "FAILED",
        Outcome::Errored => "ERRORED",
        Outcome::Skipped => "SKIPPED",
        Outcome::NotSent => "NOT SENT",
    }
}

fn diff_html(diff: &str) -> String {
    let mut out = String::from("<pre class=\"diff\">");
    for l in diff.lines() {
        let cls = if l.starts_with('+') && !l.starts_with("+++") {
            "add"
        } else if l.starts_with('-') && !l.starts_with("---") {
            "del"
        } else {
            "ctx"
        };
        let _ = writeln!(out, "<span class=\"{cls}\">{}</span>", esc(l));
    }
    out.push_str("</pre>");
    out
}

fn request_html(out: &mut String, r: &RequestReport) {
    let failing = matches!(r.status, Outcome::Failed | Outcome::Errored);
    let _ = write!(
        out,
        "<details class=\"req {}\"{}><summary><span class=\"badge {}\">{}</span> <b>{}</b> <span class=\"dim\">{}</span></summary>",
        class(r.status),
        if failing { " open" } else { "" },
        class(r.status),
        badge(r.status),
        esc(&r.path),
        match r.response_status {
            Some(code) => format!("{} {code} · {} ms", esc(&r.method), r.duration_ms),
            None => esc(&r.method),
        }
    );
    if let Some(why) = &r.skipped {
        let _ = write!(out, "<p class=\"dim\">skipped: {}</p>", esc(why));
    }
    if let Some(why) = &r.not_sent {
        let _ = write!(out, "<p class=\"dim\">not sent: {}</p>", esc(why));
    }
    for a in &r.assertions {
        let (class, mark, text) = if a.skipped {
            (
                "skip",
                "○",
                format!("{} (skipped)", a.name.as_deref().unwrap_or(&a.subject)),
            )
        } else if a.passed {
            ("ok", "✓", a.name.clone().unwrap_or_else(|| a.message()))
        } else {
            ("ko", "✗", a.message())
        };
        let _ = write!(out, "<div class=\"assert {class}\">{mark} {}", esc(&text));
        if let Some(p) = a.position.as_ref().filter(|_| a.failed()) {
            let _ = write!(
                out,
                " <span class=\"dim\">at {}:{}:{}</span>",
                esc(&p.file),
                p.line,
                p.col
            );
        }
        out.push_str("</div>");
        if a.failed() {
            for d in &a.differences {
                let _ = write!(out, "<div class=\"path\">{}</div>", esc(d));
            }
            if let Some(diff) = &a.diff {
                out.push_str(&diff_html(diff));
            }
        }
    }
    for e in &r.errors {
        let _ = write!(out, "<div class=\"assert ko\">✗ {}</div>", esc(&e.message));
    }
    for line in &r.console {
        let _ = write!(out, "<div class=\"dim\">console {}</div>", esc(line));
    }
    if !r.captures.is_empty() {
        out.push_str("<div class=\"dim\">captured: ");
        let list: Vec<String> = r
            .captures
            .iter()
            .map(|c| format!("{} = {}", esc(&c.name), esc(&c.value.to_string())))
            .collect();
        out.push_str(&list.join(", "));
        out.push_str("</div>");
    }
    for (i, h) in r.hops.iter().enumerate() {
        let _ = write!(
            out,
            "<div class=\"hop\"><div class=\"hoptitle\">{}{} {} → {} <span class=\"dim\">{} ms</span></div>",
            if i > 0 { "↪ redirect: " } else { "" },
            esc(&h.method),
            esc(&h.url),
            h.status,
            h.total_ms
        );
        if let Some(note) = &h.redirect_note {
            let _ = write!(out, "<div class=\"note\">{}</div>", esc(note));
        }
        let mut sent = String::new();
        for (k, v) in &h.request_headers {
            let _ = writeln!(sent, "{}: {}", esc(k), esc(v));
        }
        if let Some(b) = &h.request_body {
            let _ = writeln!(sent, "\n{}", esc(b));
        }
        if !sent.is_empty() {
            let _ = write!(out, "<div class=\"lbl\">request</div><pre>{sent}</pre>");
        }
        out.push_str("<div class=\"lbl\">response</div><pre>");
        for (k, v) in &h.response_headers {
            let _ = writeln!(out, "{}: {}", esc(k), esc(v));
        }
        if let Some(b) = &h.response_body {
            let _ = writeln!(out, "\n{}", esc(b));
        }
        out.push_str("</pre></div>");
    }
    out.push_str("</details>\n");
}

fn chart(bars: &[(String, f64, Outcome, bool)], left_out: usize) -> String {
    const ROW: usize = 16;
    const LABEL: f64 = 320.0;
    const WIDTH: f64 = 1000.0;
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1e-6);
    let height = bars.len() * ROW + 8;
    let mut out = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"request timings\">"
    );
    for (i, (label, ms, outcome, sent)) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let w = if *sent {
            ((WIDTH - LABEL - 90.0) * ms / max).max(1.0)
        } else {
            0.0
        };
        let value = if *sent {
            format!("{ms} ms")
        } else {
            "not sent".to_string()
        };
        let _ = write!(
            out,
            "<g class=\"bar {}\"><title>{} — {} ms</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" rx=\"2\"/><text x=\"{:.1}\" y=\"{}\">{}</text></g>",
            class(*outcome),
            esc(label),
            ms,
            LABEL - 6.0,
            y + 11,
            esc(&truncate(label, 48)),
            ROW - 4,
            LABEL + w + 4.0,
            y + 11,
            value
        );
    }
    out.push_str("</svg>");
    if left_out > 0 {
        let _ = write!(
            out,
            "<p class=\"dim\">{left_out} more requests are not drawn.</p>"
        );
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let cut: String = s.chars().take(n - 1).collect();
        format!("{cut}…")
    }
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 8px}
.dim{color:#6b7280;font-weight:normal}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #d9dee7;border-radius:6px;padding:8px 14px;min-width:90px}
.card b{display:block;font-size:20px}
.card.failed b,.card.errored b{color:#c0262d}.card.passed b{color:#1a7f37}.card.skipped b,.card.notsent b{color:#9a6700}
.badge{display:inline-block;font-size:11px;font-weight:bold;padding:1px 6px;border-radius:3px;color:#fff;min-width:56px;text-align:center}
.badge.passed{background:#1a7f37}.badge.failed{background:#c0262d}.badge.errored{background:#8250df}.badge.skipped{background:#9a6700}.badge.notsent{background:#6b7280}
details.req{border:1px solid #d9dee7;border-radius:6px;margin:4px 0;padding:4px 8px}
details.req.failed,details.req.errored{border-color:#e5a3a6;background:#fff8f8}
summary{cursor:pointer}
.iter{margin:16px 0}.iter>h3{font-size:15px;margin:0 0 4px}
.assert{font-family:ui-monospace,monospace;font-size:12.5px;margin:2px 0 2px 8px}
.assert.ok{color:#1a7f37}.assert.ko{color:#c0262d}.assert.skip{color:#9a6700}
.path{font-family:ui-monospace,monospace;font-size:12px;margin-left:28px;color:#6e3a00}
pre{background:#f6f8fa;border-radius:4px;padding:6px 8px;font-size:12px;overflow:auto;max-height:320px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
pre.diff{margin-left:24px}.diff .add{color:#1a7f37;background:#e6ffec}.diff .del{color:#c0262d;background:#ffebe9}
.hop{margin:6px 0 6px 8px}.lbl{font-size:11px;color:#6b7280;text-transform:uppercase;letter-spacing:.04em;margin-top:4px}.hoptitle{font-family:ui-monospace,monospace;font-size:12.5px}.note{color:#9a6700;font-size:12px}
.chart text{font:11px ui-monospace,monospace;fill:#1d2330}
.chart .passed rect{fill:#4ac26b}.chart .failed rect{fill:#e5534b}.chart .errored rect{fill:#a371f7}.chart .skipped rect{fill:#d4a72c}.chart .notsent rect{fill:#afb8c1}
.filter{margin:8px 0;user-select:none}
body:has(#only-failures:checked) details.req.passed,body:has(#only-failures:checked) details.req.skipped,body:has(#only-failures:checked) details.req.notsent,body:has(#only-failures:checked) .iter.clean{display:none}
";

impl ReportWriter for HtmlWriter {
    fn iteration(&mut self, it: &IterationReport) -> anyhow::Result<()> {
        let clean = it.requests.iter().all(|r| {
            matches!(
                r.status,
                Outcome::Passed | Outcome::Skipped | Outcome::NotSent
            )
        });
        let name = it.suite_name(self.iterations);
        let mut section = String::new();
        let _ = write!(
            section,
            "<section class=\"iter{}\"><h3>{} <span class=\"dim\">{} · {} ms</span></h3>",
            if clean { " clean" } else { "" },
            esc(&name),
            esc(&it.file),
            it.duration_ms
        );
        if let Some(data) = &it.data {
            let _ = write!(
                section,
                "<div class=\"dim\">data: {}</div>",
                esc(&serde_json::Value::Object(data.clone()).to_string())
            );
        }
        for r in &it.requests {
            request_html(&mut section, r);
            if self.bars.len() < MAX_BARS {
                let label = if self.iterations > 1 {
                    format!("{} #{}", r.path, it.iteration)
                } else {
                    r.path.clone()
                };
                self.bars
                    .push((label, r.duration_ms, r.status, !r.hops.is_empty()));
            } else {
                self.bars_left_out += 1;
            }
        }
        section.push_str("</section>\n");
        match &mut self.sections {
            Some(part) => part.write(&section),
            None => Ok(()),
        }
    }

    fn finish(&mut self, meta: &RunMeta, t: &Totals) -> anyhow::Result<()> {
        let (Some(file), Some(sections)) = (self.file.take(), self.sections.take()) else {
            return Ok(());
        };
        let mut page = String::new();
        let _ = write!(
            page,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>runner report</title><style>{STYLE}</style></head><body>\n<h1>runner report</h1><div class=\"dim\">started {} · {} ms · runner {}{}{}</div>",
            esc(&meta.started_at),
            meta.duration_ms,
            esc(&meta.runner_version),
            meta.shard
                .as_deref()
                .map(|s| format!(" · shard {}", esc(s)))
                .unwrap_or_default(),
            if meta.interrupted {
                " · <b>interrupted</b>"
            } else {
                ""
            }
        );
        let _ = write!(
            page,
            "<div class=\"cards\"><div class=\"card\"><b>{}</b>requests</div><div class=\"card passed\"><b>{}</b>passed</div><div class=\"card failed\"><b>{}</b>failed</div><div class=\"card errored\"><b>{}</b>errors</div><div class=\"card skipped\"><b>{}</b>skipped</div>{}<div class=\"card\"><b>{} / {}</b>assertions passed</div><div class=\"card\"><b>{}</b>iterations</div></div>",
            t.requests,
            t.passed,
            t.failed,
            t.errored,
            t.skipped,
            if t.not_sent > 0 {
                format!(
                    "<div class=\"card notsent\"><b>{}</b>not sent</div>",
                    t.not_sent
                )
            } else {
                String::new()
            },
            t.assertions_passed,
            t.assertions_passed + t.assertions_failed,
            t.iterations
        );
        page.push_str("<label class=\"filter\"><input type=\"checkbox\" id=\"only-failures\"> Show failures only</label>");
        page.push_str("<h2>Timings</h2>");
        page.push_str(&chart(&self.bars, self.bars_left_out));
        page.push_str("<h2>Requests</h2>\n");
        let mut out = std::io::BufWriter::new(file);
        out.write_all(page.as_bytes())?;
        sections.copy_into(&mut out)?;
        out.write_all(b"</body></html>\n")?;
        out.flush()
            .with_context(|| format!("cannot write report {}", shown(&self.path)))
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn esc_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            esc("a<b & 'c' \"d\" >é\u{1F600}"),
            "a&lt;b &amp; &#39;c&#39; &quot;d&quot; &gt;é\u{1F600}"
        );
        assert_eq!(esc("plain"), "plain");
        assert_eq!(esc(""), "");
        assert_eq!(esc("&&"), "&amp;&amp;");
    }
}
