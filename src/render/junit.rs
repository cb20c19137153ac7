//! The JUnit renderer: one test case per check; failures carry the finding and its fix, skips
//! their reason, warnings go to the case's output.

use crate::catalog::Severity;
use crate::report::{Report, Status};
use crate::time::format_utc;
use std::fmt::Write;

/// Escape text for XML 1.0 content or attributes, dropping characters XML cannot hold.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn seconds(d: std::time::Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Render a report as a JUnit XML document.
pub fn report(r: &Report) -> String {
    let tests = r.checks.len();
    let failures = r.checks.iter().filter(|c| c.status == Status::Fail).count();
    let skipped = r.checks.iter().filter(|c| c.status == Status::Skip).count();
    let total = r
        .checks
        .iter()
        .map(|c| c.duration)
        .max()
        .unwrap_or_default();
    let suite = format!("tlcheck {}", r.command);
    let timestamp = format_utc(r.started_unix)
        .replace(' ', "T")
        .trim_end_matches("TUTC")
        .to_owned();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"tlcheck\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\">",
        seconds(total)
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"{}\" timestamp=\"{timestamp}\">",
        xml(&suite),
        seconds(total)
    );
    out.push_str("    <properties>\n");
    let mut property = |name: &str, value: &str| {
        let _ = writeln!(
            out,
            "      <property name=\"{}\" value=\"{}\"/>",
            xml(name),
            xml(value)
        );
    };
    property("exit_code", &r.exit_code().to_string());
    property("verdict", &r.verdict_line());
    if let Some(u) = &r.target.base_url {
        property(
            "base_url",
            crate::redact::mask_url_credentials(u.value.trim()).as_ref(),
        );
    }
    if let Some(k) = &r.target.key {
        let fp = k.value.fingerprint();
        property("key", &format!("{} sha256 {}", fp.short, fp.sha256));
    }
    if let Some(m) = &r.target.model {
        property("model", &m.value);
    }
    out.push_str("    </properties>\n");

    for c in &r.checks {
        let _ = write!(
            out,
            "    <testcase name=\"{}: {}\" classname=\"tlcheck.{}\" time=\"{}\"",
            xml(c.id),
            xml(&c.title),
            xml(r.command),
            seconds(c.duration)
        );
        let findings: Vec<_> = r.findings_of(c.id).collect();
        let failing: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Fail)
            .collect();
        let others: Vec<_> = findings
            .iter()
            .filter(|f| f.severity != Severity::Fail)
            .collect();
        if failing.is_empty() && others.is_empty() && c.status != Status::Skip {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if c.status == Status::Skip {
            let _ = writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                xml(c.note.as_deref().unwrap_or(""))
            );
        }
        if let Some(first) = failing.first() {
            let e = first.code.entry();
            let mut body = String::new();
            for f in &failing {
                let e = f.code.entry();
                let _ = writeln!(body, "{}: {}", e.code, e.title);
                if let Some(d) = &f.detail {
                    let _ = writeln!(body, "  seen: {d}");
                }
                for (k, v) in f.evidence.iter() {
                    let text = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    let _ = writeln!(body, "  {k}: {text}");
                }
                let _ = writeln!(body, "  fix: {}", e.fix_for(&r.advice));
                if let Some(s) = &f.suggestion {
                    let _ = writeln!(body, "  try: {s}");
                }
            }
            let _ = writeln!(
                out,
                "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                xml(&format!(
                    "{}: {}",
                    e.code,
                    first.detail.as_deref().unwrap_or(e.title)
                )),
                xml(e.code),
                xml(&body)
            );
        }
        if !others.is_empty() {
            let mut text = String::new();
            for f in others {
                let e = f.code.entry();
                let _ = writeln!(
                    text,
                    "{} {}: {}{}",
                    f.severity.as_str(),
                    e.code,
                    e.title,
                    f.detail
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                );
            }
            let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&text));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("x\u{1}y\tz"), "xy\tz");
    }
}
