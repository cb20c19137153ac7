//! The GitHub Actions renderer: one workflow command (`::error`, `::warning`) per finding, which is
//! one per cause, and a closing line with the verdict. The Markdown summary for `$GITHUB_STEP_SUMMARY` is the Markdown
//! report.

use crate::catalog::Severity;
use crate::report::Report;
use std::fmt::Write;

/// Escape a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Render a report as workflow commands.
pub fn report(r: &Report) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let command = match f.severity {
            Severity::Fail => "error",
            Severity::Warn => "warning",
            Severity::Info => continue,
        };
        let e = f.code.entry();
        let mut message = e.title.to_owned();
        if let Some(d) = &f.detail {
            message.push_str(&format!(": {d}"));
        }
        message.push_str(&format!("\nFix: {}", e.fix_for(&r.advice)));
        if let Some(s) = &f.suggestion {
            message.push_str(&format!("\nTry: {s}"));
        }
        let _ = writeln!(
            out,
            "::{command} title={}::{}",
            property(&format!("tlcheck {} ({})", e.code, f.checks().join(", "))),
            data(&message)
        );
    }
    let _ = writeln!(
        out,
        "tlcheck {}: {} · exit {}",
        r.command,
        r.verdict_line(),
        r.exit_code()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_the_workflow_command_rules() {
        assert_eq!(data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
