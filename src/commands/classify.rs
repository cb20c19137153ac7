//! `tlcheck classify [FILE]`: diagnose a pasted response offline.

use super::Context;
use crate::UsageError;
use crate::checks::stream;
use crate::classify::{self, ErrorInfo, paste};
use crate::files;
use crate::redact::Redactor;
use crate::report::{Outcome, Report};
use anyhow::Context as _;
use std::path::PathBuf;
use std::time::Instant;

pub(super) fn run(ctx: &Context, file: Option<PathBuf>, status: Option<u16>) -> anyhow::Result<u8> {
    let (bytes, truncated) = match file.as_deref() {
        None => read_stdin()?,
        Some(p) if p.as_os_str() == "-" => read_stdin()?,
        Some(p) => files::read_regular_capped(p, files::PASTE_CAP).map_err(|e| {
            UsageError(format!(
                "cannot read {}: {e} (pipe it on standard input instead)",
                p.display()
            ))
        })?,
    };
    let pasted =
        paste::parse(&bytes).map_err(|e| UsageError(format!("cannot classify the input: {e}")))?;

    let mut redactor = Redactor::new();
    if let Ok(target) = ctx.resolve_target()
        && let Some(k) = target.key
    {
        redactor.add_key(&k.value);
    }
    // A key echoed by a server and pasted here is never printed back.
    redactor.hide_key_like_words();

    let started = Instant::now();
    let mut outcome = Outcome::default();
    if !pasted.skipped.is_empty() {
        outcome.fact("skipped", pasted.skipped.join("; "));
    }
    if pasted.is_sse() {
        let verdict = stream::verdict_on_transcript(&pasted.body, &pasted.headers, "classify");
        outcome.findings = verdict.findings;
        outcome.facts.extend(verdict.facts);
        outcome.note = verdict.note;
    } else {
        let info = ErrorInfo::from_body(&pasted.body);
        let (status, origin) = match (
            pasted.status,
            status,
            info.as_ref().and_then(ErrorInfo::status_from_code),
        ) {
            (Some(s), _, _) => (s, "status line"),
            (None, Some(s), _) => (s, "--status"),
            (None, None, Some(s)) => (s, "the body's error.code"),
            (None, None, None) if info.is_some() => {
                return Err(UsageError(
                    "the body carries an error but no status: pass --status N".to_owned(),
                )
                .into());
            }
            (None, None, None) => (200, "no error in the body"),
        };
        outcome.fact("status", format!("{status} (from {origin})"));
        if let Some(id) = pasted.header("x-litellm-call-id") {
            outcome.fact("call id", id);
        }
        let response = classify::Response {
            status,
            headers: &pasted.headers,
            body: &pasted.body,
        };
        outcome.findings = classify::classify(&response, "classify");
        if outcome.findings.is_empty() {
            outcome.note = Some(format!("{status}: a successful answer"));
        }
    }
    let mut report = Report::new("classify", Default::default(), ctx.strict);
    if truncated {
        report.notices.push(format!(
            "The input is longer than {}: only its first {} were classified.",
            files::size(files::PASTE_CAP),
            files::size(files::PASTE_CAP)
        ));
    }
    report.record("classify", "Pasted response", started.elapsed(), outcome);
    ctx.finish(report, redactor)
}

/// Standard input up to [`files::PASTE_CAP`], and whether there was more.
fn read_stdin() -> anyhow::Result<(Vec<u8>, bool)> {
    files::read_capped(std::io::stdin().lock(), files::PASTE_CAP)
        .context("cannot read standard input")
}
