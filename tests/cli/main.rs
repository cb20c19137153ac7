//! Integration tests: the real binary, a cleared environment, a fresh working directory, and
//! snapshots of exit code, stdout and stderr.

#[cfg(unix)]
mod action;
mod classify;
mod correlate;
mod doctor;
mod explain;
mod generated;
mod hardening;
mod header;
mod inputs;
mod interactive;
mod json;
#[cfg(unix)]
mod monitor;
mod network;
mod offline;
mod report;
mod schema;
mod secrets;
mod stream;
mod support;
mod trace;
mod url;

use assert_cmd::Command;
use std::path::Path;

/// A command for the tlcheck binary with an empty environment, run in `dir`.
pub fn tlcheck(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("tlcheck").expect("binary builds");
    cmd.env_clear().current_dir(dir);
    cmd
}

/// Run and describe the whole outcome: exit code, stdout, stderr.
pub fn outcome(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().expect("exited normally"),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    )
}

/// The outcome as one text for a snapshot, with timings and the version redacted.
pub fn transcript(cmd: &mut Command) -> String {
    let (code, stdout, stderr) = outcome(cmd);
    let text = format!("exit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}");
    redact_volatile(&text)
}

/// Replace what changes from run to run (timings, ports, times, the version) with placeholders.
pub fn redact_volatile(text: &str) -> String {
    let rules = [
        (r#""duration_ms": [0-9.e-]+"#, r#""duration_ms": "[ms]""#),
        (r#""started_utc": "[^"]+""#, r#""started_utc": "[time]""#),
        // The run's own times: in the Markdown summary and at the start of a table cell.
        (
            r"(\| |\*\*Run at\*\*: )\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
            "$1[time]",
        ),
        (r#"timestamp="[^"]+""#, r#"timestamp="[time]""#),
        (r#"time="[0-9.]+""#, r#"time="[s]""#),
        (r"\[version\] \(\w+/\w+\)", "[version] ([os]/[arch])"),
        (r"\b\d+(\.\d+)? ms\b", "[ms]"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[port]"),
        // A check's duration shows only from 1 ms on: drop it wherever it stands last on a line.
        (r"(?m)  \[ms\]$", ""),
        // Right-aligned timings pad differently by length.
        (r" +\[ms\]", " [ms]"),
        // Timeline bars are drawn to scale.
        (r"[█·]{24}", "[bar]"),
        (r#""os": "[^"]+""#, r#""os": "[os]""#),
        (r#""arch": "[^"]+""#, r#""arch": "[arch]""#),
        // Markdown tables pad their columns to the widest (timed) cell.
        (r"(?m) +\|", " |"),
        (r"(?m)\| -{3,}", "| ---"),
    ];
    let mut out = text.replace(env!("CARGO_PKG_VERSION"), "[version]");
    for (pattern, with) in rules {
        out = regex::Regex::new(pattern)
            .unwrap()
            .replace_all(&out, with)
            .into_owned();
    }
    out
}

/// The finding with `code` in a JSON document; panics, showing the document, when there is none.
pub fn finding<'a>(doc: &'a serde_json::Value, code: &str) -> &'a serde_json::Value {
    doc["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no {code} finding: {doc:#}"))
}

/// The codes of a JSON document's failing findings, in order.
pub fn failing_codes(doc: &serde_json::Value) -> Vec<&str> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "fail")
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}
