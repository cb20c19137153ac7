//! `tlcheck header [VALUE]`: lint a pasted Authorization header, or the one tlcheck would build.

use super::Context;
use crate::UsageError;
use crate::checks::{header, ids, key};
use crate::inputs::{Source, SourceKind, Sourced};
use crate::redact::Redactor;
use crate::report::{Outcome, Report};
use crate::secret::ApiKey;
use anyhow::Context as _;
use std::time::Instant;

pub(super) fn run(ctx: &Context, value: Option<String>) -> anyhow::Result<u8> {
    let mut redactor = Redactor::new();
    let mut report = Report::new("header", Default::default(), ctx.strict);

    let Some(value) = value else {
        // No header given: check the key tlcheck found, and the header it would send.
        let target = ctx.resolve_target()?;
        let started = Instant::now();
        let findings = key::check(&target);
        if let Some(k) = &target.key {
            redactor.add_key(&k.value);
        }
        let note = target.key.as_ref().map(|k| {
            format!(
                "would send `Authorization: Bearer {}`",
                k.value.fingerprint().short
            )
        });
        report.target.key = target.key;
        report.target.empty_key_sources = target.empty_key_sources;
        let mut outcome = Outcome::findings(findings);
        outcome.note = note;
        report.record(ids::KEY, "API key", started.elapsed(), outcome);
        return ctx.finish(report, redactor);
    };

    let (text, source) = if value == "-" {
        (read_stdin()?, Source::new(SourceKind::Stdin, "-"))
    } else {
        (value, Source::new(SourceKind::Argument, "VALUE"))
    };
    let started = Instant::now();
    let lint = header::lint(&text);
    let elapsed = started.elapsed();
    if let Some(k) = &lint.key {
        redactor.add_token(k);
        redactor.add_key(&ApiKey::new(k.as_str()));
        report.target.key = Some(Sourced {
            value: ApiKey::new(k.as_str()),
            source,
            shadowed: Vec::new(),
        });
    }
    let note = match &lint.name {
        Some(name) => format!("read as a {} (`{name}`)", lint.form),
        None => format!("read as a {}", lint.form),
    };
    report.record(
        ids::HEADER,
        "Authorization header",
        elapsed,
        Outcome::findings(lint.findings).note(note),
    );
    ctx.finish(report, redactor)
}

/// A header value on standard input: at most [`crate::files::KEY_FILE_CAP`] bytes.
fn read_stdin() -> anyhow::Result<String> {
    let cap = crate::files::KEY_FILE_CAP;
    let (bytes, truncated) = crate::files::read_capped(std::io::stdin().lock(), cap)
        .context("cannot read standard input")?;
    if truncated {
        return Err(UsageError(format!(
            "standard input is larger than {}: not a header",
            crate::files::size(cap)
        ))
        .into());
    }
    String::from_utf8(bytes)
        .map_err(|_| UsageError("standard input is not valid UTF-8 text".into()).into())
}
