//! The human renderer: a readable report with ✓ ! ✗ symbols, each finding with its fix.

use super::wrap;
use crate::catalog::{Advice, Code, Entry, Layer, Severity};
use crate::inputs::{Shadowed, Source, SourceKind, Sourced};
use crate::report::{Check, Evidence, Finding, Report, Status, exit};
use colored::{ColoredString, Colorize};
use std::fmt::Write;

/// Text width for wrapped prose.
const WIDTH: usize = 100;

fn status_symbol(status: Status) -> ColoredString {
    match status {
        Status::Pass => "✓".green().bold(),
        Status::Warn => "!".yellow().bold(),
        Status::Fail => "✗".red().bold(),
        Status::Skip => "-".dimmed(),
    }
}

fn severity_symbol(severity: Severity) -> ColoredString {
    match severity {
        Severity::Fail => "✗".red().bold(),
        Severity::Warn => "!".yellow().bold(),
        Severity::Info => "i".blue().bold(),
    }
}

/// Render a report.
pub fn report(report: &Report) -> String {
    let mut out = String::new();
    target(&mut out, report);
    notices(&mut out, &report.notices);
    checks(&mut out, &report.checks);
    findings(&mut out, &report.findings, &report.advice);
    if report.detail.curl && !report.requests.is_empty() {
        reproduce(&mut out, report);
    }
    verdict(&mut out, report);
    out
}

/// The curl commands that reproduce each request (`--curl`).
fn reproduce(out: &mut String, report: &Report) {
    let _ = writeln!(out, "{}", "Reproduce with curl".bold());
    let _ = writeln!(out, "  {}\n", super::curl::PREAMBLE.dimmed());
    for line in super::curl::commands(report).lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push('\n');
}

fn describe_source(source: &Source, shadowed: &[Shadowed]) -> String {
    let mut s = match source.kind {
        SourceKind::Default => "default".to_owned(),
        _ => format!("from {source}"),
    };
    let differing: Vec<String> = shadowed
        .iter()
        .filter(|s| !s.same_value)
        .map(|s| format!("{} ({})", s.source, s.shown))
        .collect();
    if !differing.is_empty() {
        let _ = write!(s, "; shadows {}", differing.join(", "));
    }
    s
}

fn target_line<T>(out: &mut String, label: &str, shown: &str, v: &Sourced<T>) {
    let _ = writeln!(
        out,
        "  {label:<9} {shown}  {}",
        describe_source(&v.source, &v.shadowed).dimmed()
    );
}

fn target(out: &mut String, report: &Report) {
    let t = &report.target;
    if t.base_url.is_none() && t.key.is_none() && t.model.is_none() {
        return;
    }
    let _ = writeln!(out, "{}", "Target".bold());
    if let Some(url) = &t.base_url {
        let shown = crate::redact::mask_url_credentials(&url.value).into_owned();
        target_line(out, "base URL", shown.trim(), url);
    }
    if let Some(key) = &t.key {
        target_line(out, "key", &key.value.fingerprint().display(), key);
    }
    if let Some(model) = &t.model {
        target_line(out, "model", &model.value, model);
    }
    out.push('\n');
}

fn checks(out: &mut String, checks: &[Check]) {
    if checks.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", "Checks".bold());
    let id_width = checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in checks {
        let _ = write!(
            out,
            "  {} {:<id_width$}  {}",
            status_symbol(c.status),
            c.id,
            c.title
        );
        if let Some(note) = &c.note {
            let _ = write!(out, "  {}", note.dimmed());
        }
        let ms = c.duration.as_secs_f64() * 1000.0;
        if ms >= 1.0 {
            let _ = write!(out, "  {}", format!("{ms:.0} ms").dimmed());
        }
        out.push('\n');
        timeline(out, &c.timeline);
        let fact_width = c.facts.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (name, value) in &c.facts {
            let _ = writeln!(
                out,
                "      {} {}",
                format!("{name:<fact_width$}").dimmed(),
                wrap(&super::facts::words(value), WIDTH, 7 + fact_width)
            );
        }
    }
    out.push('\n');
}

/// Width of the timeline's bars at the end of the stream.
const BAR: usize = 24;

/// One line per phase: when it was reached, the time since the phase before, and a bar.
fn timeline(out: &mut String, phases: &[(&'static str, std::time::Duration)]) {
    let Some(end) = phases
        .iter()
        .map(|(_, t)| *t)
        .max()
        .filter(|t| !t.is_zero())
    else {
        return;
    };
    let width = phases.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut previous = std::time::Duration::ZERO;
    for (name, at) in phases {
        let filled = ((at.as_secs_f64() / end.as_secs_f64()) * BAR as f64).round() as usize;
        let bar = format!(
            "{}{}",
            "█".repeat(filled),
            "·".repeat(BAR - filled.min(BAR))
        );
        let step = at.saturating_sub(previous);
        previous = *at;
        let _ = writeln!(
            out,
            "      {} {} {:>9} {}",
            format!("{name:<width$}").dimmed(),
            bar.cyan(),
            crate::time::ms(*at),
            format!("+{}", crate::time::ms(step)).dimmed()
        );
    }
}

fn notices(out: &mut String, notices: &[String]) {
    for n in notices {
        let _ = writeln!(out, "{} {}", "!".yellow().bold(), wrap(n, WIDTH, 2));
    }
    if !notices.is_empty() {
        out.push('\n');
    }
}

fn findings(out: &mut String, findings: &[Finding], advice: &Advice) {
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "{}", "Findings".bold());
    // The report is correlated: one finding per cause, the root cause first.
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        finding(out, f, advice);
    }
    out.push('\n');
}

/// Evidence indent: the width of "    evidence  ".
const INDENT: usize = 14;

fn finding(out: &mut String, f: &Finding, advice: &Advice) {
    let entry = f.code.entry();
    let _ = writeln!(
        out,
        "  {} {}  {}",
        severity_symbol(f.severity),
        f.code.as_str().bold(),
        entry.title
    );
    if let Some(detail) = &f.detail {
        let _ = writeln!(out, "    {}", wrap(detail, WIDTH, 4));
    }
    let checks = f.checks();
    if checks.len() > 1 || f.occurrences > 1 {
        let mut seen = format!("seen by {}", checks.join(", "));
        if f.occurrences as usize > checks.len() {
            let _ = write!(seen, " · {} times", f.occurrences);
        }
        let _ = writeln!(out, "    {}", wrap(&seen, WIDTH, 4).dimmed());
    }
    evidence(out, &f.evidence);
    for other in &f.other_sightings {
        let detail = match &other.detail {
            Some(d) => format!("{}: {d}", other.check),
            None => format!("{}:", other.check),
        };
        let _ = writeln!(out, "    {}", wrap(&detail, WIDTH, 4));
        evidence(out, &other.evidence);
    }
    let _ = writeln!(
        out,
        "    {:<9} {}",
        "fix".cyan().bold(),
        wrap(&entry.fix_for(advice), WIDTH, INDENT)
    );
    if let Some(s) = &f.suggestion {
        let _ = writeln!(out, "    {:<9} {}", "try".cyan().bold(), s.bold());
    }
}

fn evidence(out: &mut String, evidence: &Evidence) {
    for (i, (name, value)) in evidence.iter().enumerate() {
        let text = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) => items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect::<Vec<_>>()
                .join("; "),
            other => other.to_string(),
        };
        let _ = writeln!(
            out,
            "    {:<9} {}",
            if i == 0 { "evidence" } else { "" }.dimmed(),
            wrap(&format!("{name}: {text}"), WIDTH, INDENT)
        );
    }
}

fn verdict(out: &mut String, report: &Report) {
    let code = report.exit_code();
    let symbol = if report.failing_layer().is_some() {
        "✗".red().bold()
    } else if code == exit::WARNINGS_STRICT {
        "!".yellow().bold()
    } else {
        "✓".green().bold()
    };
    let _ = writeln!(out, "{symbol} {} · exit {code}", report.verdict_line());
    if report.count(Severity::Fail) + report.count(Severity::Warn) > 0 {
        let _ = writeln!(
            out,
            "{}",
            "`tlcheck explain <code>` tells what causes a finding.".dimmed()
        );
    }
}

fn layer_heading(layer: Layer) -> String {
    match layer.exit_code() {
        Some(code) => format!("{} · {} · exit {code}", layer.as_str(), layer.describe()),
        None => format!(
            "{} · reachable through explain, never a failure",
            layer.as_str()
        ),
    }
}

/// The catalog, or part of it, grouped by layer: one line per code.
pub fn catalog(codes: &[Code]) -> String {
    let mut out = String::new();
    let width = codes.iter().map(|c| c.as_str().len()).max().unwrap_or(0);
    for layer in Layer::ALL {
        let in_layer: Vec<&Code> = codes.iter().filter(|c| c.layer() == layer).collect();
        if in_layer.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", layer_heading(layer).bold());
        for code in in_layer {
            let e = code.entry();
            let _ = writeln!(
                out,
                "  {} {:<width$}  {}",
                severity_symbol(e.severity),
                e.code,
                e.title
            );
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "{}",
        "`tlcheck explain <code>` gives a code's cause and fix; `tlcheck explain <family>` one family.".dimmed()
    );
    out
}

/// One code in full: title, layer, cause and fix.
pub fn entry(e: &Entry) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}  {}",
        severity_symbol(e.severity),
        e.code.bold(),
        e.title
    );
    let _ = writeln!(out, "  {}", layer_heading(e.layer).dimmed());
    out.push('\n');
    let _ = writeln!(out, "{}", "Cause".bold());
    let _ = writeln!(out, "  {}", wrap(e.cause, WIDTH, 2));
    out.push('\n');
    let _ = writeln!(out, "{}", "Fix".bold());
    let _ = writeln!(out, "  {}", wrap(&e.fix_for(&Advice::default()), WIDTH, 2));
    out
}

/// The message for an unknown code: the nearest known ones.
pub fn unknown_code(asked: &str, nearest: &[Code]) -> String {
    let mut out = format!("error: `{asked}` is not a finding code or family\n");
    if !nearest.is_empty() {
        out.push_str("\nNearest codes:\n");
        for c in nearest {
            let _ = writeln!(out, "  {:<24} {}", c.as_str(), c.entry().title);
        }
    }
    out.push_str("\nRun `tlcheck explain` for the whole catalog.\n");
    out
}
