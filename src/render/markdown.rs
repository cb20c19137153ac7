//! The Markdown renderer: a report a customer pastes into a support ticket as is. Tables are padded
//! so they read as well in a plain-text ticket system as they render on GitHub.

use crate::catalog::Severity;
use crate::inputs::{SourceKind, Sourced};
use crate::redact::mask_url_credentials;
use crate::report::{Finding, Report, Status};
use crate::time::format_utc;
use std::fmt::Write;

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓ pass",
        Status::Warn => "! warn",
        Status::Fail => "✗ fail",
        Status::Skip => "- skip",
    }
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Fail => "✗ fail",
        Severity::Warn => "! warn",
        Severity::Info => "i info",
    }
}

/// Inline code that survives backticks inside it: the fence is one backtick longer than the
/// longest run of backticks in the text, so nothing inside can close it.
fn code(text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    let fence = "`".repeat(longest_backtick_run(text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// A fenced block for `text`: a fence longer than any run of backticks in it (three at least).
fn fenced(text: &str, info: &str) -> (String, String) {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    (format!("{fence}{info}\n"), format!("{fence}\n"))
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

/// A table with columns padded to their widest cell.
fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count(), 3])
                .max()
                .unwrap_or(3)
        })
        .collect();
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        format!("| {} |\n", padded.join(" | "))
    };
    out.push_str(&line(header.iter().map(|h| h.to_string()).collect()));
    out.push_str(&line(widths.iter().map(|w| "-".repeat(*w)).collect()));
    for r in rows {
        out.push_str(&line(r.clone()));
    }
}

fn source(v: &Sourced<impl Sized>) -> String {
    let mut s = match v.source.kind {
        SourceKind::Default => "default".to_owned(),
        _ => v.source.to_string(),
    };
    let shadowed: Vec<String> = v
        .shadowed
        .iter()
        .filter(|s| !s.same_value)
        .map(|s| format!("{} ({})", s.source, s.shown))
        .collect();
    if !shadowed.is_empty() {
        s.push_str(&format!("; shadows {}", shadowed.join(", ")));
    }
    s
}

fn millis(d: std::time::Duration) -> String {
    crate::time::ms(d)
}

/// Render a report as Markdown.
pub fn report(r: &Report) -> String {
    let mut out = String::new();
    let code_ = r.exit_code();
    let symbol = match r.failing_layer() {
        Some(_) => "✗",
        None if code_ == crate::report::exit::WARNINGS_STRICT => "!",
        None => "✓",
    };
    let _ = writeln!(out, "# tlcheck report: {symbol} exit {code_}\n");
    let _ = writeln!(out, "- **Command**: `tlcheck {}`", r.command);
    let _ = writeln!(out, "- **Verdict**: {symbol} {}", r.verdict_line());
    let _ = writeln!(out, "- **Exit code**: {code_}");
    let _ = writeln!(
        out,
        "- **tlcheck**: {} ({}/{})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    let _ = writeln!(out, "- **Run at**: {}", format_utc(r.started_unix));

    for n in &r.notices {
        let _ = writeln!(out, "\n> {}", cell(n));
    }

    let t = &r.target;
    let mut rows = Vec::new();
    if let Some(u) = &t.base_url {
        rows.push(vec![
            "base URL".into(),
            cell(&code(mask_url_credentials(u.value.trim()).as_ref())),
            cell(&source(u)),
        ]);
    }
    if let Some(k) = &t.key {
        let fp = k.value.fingerprint();
        rows.push(vec![
            "key".into(),
            format!("{} sha256 {}", code(&fp.short), code(&fp.sha256)),
            cell(&source(k)),
        ]);
    }
    if let Some(m) = &t.model {
        rows.push(vec![
            "model".into(),
            cell(&code(&m.value)),
            cell(&source(m)),
        ]);
    }
    if !rows.is_empty() {
        out.push_str("\n## Target\n\n");
        table(&mut out, &["input", "value", "source"], &rows);
    }
    if !r.requests.is_empty() {
        out.push('\n');
        if r.proxies.is_empty() {
            out.push_str("Proxy variables: none set.\n");
        } else {
            let list: Vec<String> = r
                .proxies
                .iter()
                .map(|(k, v)| code(&format!("{k}={v}")))
                .collect();
            let _ = writeln!(out, "Proxy variables: {}.", list.join(", "));
        }
    }

    if !r.checks.is_empty() {
        out.push_str("\n## Checks\n\n");
        let rows: Vec<Vec<String>> = r
            .checks
            .iter()
            .map(|c| {
                let (status, error_type, call_id) = r.http_summary(c.id);
                vec![
                    c.id.to_owned(),
                    status_word(c.status).to_owned(),
                    if c.status == Status::Skip {
                        String::new()
                    } else {
                        millis(c.duration)
                    },
                    status.map(|s| s.to_string()).unwrap_or_default(),
                    cell(&code(error_type.as_deref().unwrap_or(""))),
                    cell(&code(call_id.unwrap_or(""))),
                    cell(&note(r, c)),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "check",
                "status",
                "duration",
                "HTTP",
                "error.type",
                "call id",
                "note",
            ],
            &rows,
        );
    }

    let findings: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .collect();
    if !findings.is_empty() {
        out.push_str("\n## Findings\n");
        for f in findings {
            finding(&mut out, f, &r.advice);
        }
    }
    let info: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .collect();
    if !info.is_empty() {
        out.push_str("\n## Notes\n\n");
        for f in info {
            let _ = writeln!(
                out,
                "- {} {}{}",
                code(f.code.as_str()),
                f.code.entry().title,
                f.detail
                    .as_deref()
                    .map(|d| format!(": {d}"))
                    .unwrap_or_default()
            );
        }
    }

    for c in r.checks.iter().filter(|c| !c.timeline.is_empty()) {
        let _ = writeln!(out, "\n## Timeline of {}\n", c.id);
        out.push_str("```\n");
        let width = c.timeline.iter().map(|(p, _)| p.len()).max().unwrap_or(0);
        let mut previous = std::time::Duration::ZERO;
        for (phase, at) in &c.timeline {
            let _ = writeln!(
                out,
                "{phase:<width$}  {:>9}  (+{})",
                millis(*at),
                millis(at.saturating_sub(previous))
            );
            previous = *at;
        }
        out.push_str("```\n");
    }

    if !r.requests.is_empty() {
        out.push_str("\n## Find these calls on the Activity page\n\n");
        let rows: Vec<Vec<String>> = r
            .requests
            .iter()
            .map(|q| {
                let path = url::Url::parse(&q.url)
                    .map(|u| u.path().to_owned())
                    .unwrap_or_else(|_| q.url.clone());
                vec![
                    format_utc(q.started_unix),
                    format!("{} {}", q.method, code(&path)),
                    q.status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "no answer".into()),
                    cell(&code(q.call_id().unwrap_or(""))),
                    cell(&code(&q.wire.request_id)),
                ]
            })
            .collect();
        table(
            &mut out,
            &[
                "time (UTC)",
                "request",
                "status",
                "call id",
                "tlcheck request id",
            ],
            &rows,
        );
        out.push_str("\n<details>\n<summary>Reproduce these requests with curl</summary>\n\n");
        out.push_str(super::curl::PREAMBLE);
        let commands = super::curl::commands(r);
        let (open, close) = fenced(&commands, "sh");
        out.push_str("\n\n");
        out.push_str(&open);
        out.push_str(&commands);
        out.push_str(&close);
        out.push_str("\n</details>\n");
    }
    out.push_str("\n_The key is shown only as its fingerprint: `sk-…` + last 4 characters and its SHA-256._\n");
    out
}

/// A check's note, or for a check that failed or warned without one, its finding codes.
fn note(r: &Report, c: &crate::report::Check) -> String {
    if let Some(n) = &c.note {
        return n.clone();
    }
    let codes: Vec<&str> = r
        .findings_of(c.id)
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code.as_str())
        .collect();
    codes.join(", ")
}

fn finding(out: &mut String, f: &Finding, advice: &crate::catalog::Advice) {
    let e = f.code.entry();
    let _ = writeln!(
        out,
        "\n### {} {}: {}\n",
        severity_word(f.severity),
        code(e.code),
        e.title
    );
    let checks = f.checks();
    let label = if checks.len() > 1 { "checks" } else { "check" };
    let _ = write!(out, "- **{label}**: {}", checks.join(", "));
    if f.occurrences as usize > checks.len() {
        let _ = write!(out, " ({} times)", f.occurrences);
    }
    out.push('\n');
    if let Some(d) = &f.detail {
        let _ = writeln!(out, "- **seen**: {d}");
    }
    evidence(out, "- **evidence**:", &f.evidence);
    for other in &f.other_sightings {
        if let Some(d) = &other.detail {
            let _ = writeln!(out, "- **seen by {}**: {d}", other.check);
        }
        evidence(
            out,
            &format!("- **evidence from {}**:", other.check),
            &other.evidence,
        );
    }
    let _ = writeln!(out, "- **fix**: {}", e.fix_for(advice));
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "- **try**: {}", code(s));
    }
}

fn evidence(out: &mut String, heading: &str, evidence: &crate::report::Evidence) {
    if evidence.is_empty() {
        return;
    }
    let _ = writeln!(out, "{heading}");
    for (k, v) in evidence.iter() {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let _ = writeln!(out, "  - {k}: {}", code(&text));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(
            code("x`` ![img](http://evil/x.png) ``y"),
            "```x`` ![img](http://evil/x.png) ``y```"
        );
        assert_eq!(fenced("a\n````\nb", "sh").0, "`````sh\n");
        assert_eq!(code(""), "");
    }

    #[test]
    fn tables_pad_and_escape() {
        let mut out = String::new();
        table(
            &mut out,
            &["a", "bb"],
            &[vec!["x|y".replace('|', "\\|"), "1".into()]],
        );
        assert_eq!(out, "| a    | bb  |\n| ---- | --- |\n| x\\|y | 1   |\n");
    }
}
