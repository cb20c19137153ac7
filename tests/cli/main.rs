//! Integration tests: the real binary, a cleared environment, a fresh working directory, and
//! snapshots of exit code, stdout and stderr.

mod explain;
mod header;
mod inputs;
mod json;
mod offline;
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

pub fn redact_volatile(text: &str) -> String {
    let ms = regex_lite_replace(text, "\"duration_ms\": ", |_| {
        "\"duration_ms\": \"[ms]\"".to_owned()
    });
    let ms = replace_ms_suffix(&ms);
    ms.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// Replace a JSON number after `prefix` (durations) with a fixed text.
fn regex_lite_replace(text: &str, prefix: &str, with: impl Fn(&str) -> String) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e' || c == '-'))
            .unwrap_or(after.len());
        out.push_str(&with(&after[..end]));
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Human output shows `12 ms` after slow checks; make it `[ms]`.
fn replace_ms_suffix(text: &str) -> String {
    text.lines()
        .map(|line| match line.rfind(" ms") {
            Some(end) if end + 3 == line.len() => {
                let start = line[..end].rfind(' ').map_or(0, |s| s + 1);
                if line[start..end].chars().all(|c| c.is_ascii_digit()) {
                    format!("{}[ms]", &line[..start])
                } else {
                    line.to_owned()
                }
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}
