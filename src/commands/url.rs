//! `tlcheck url [URL]`: the base-URL rules, on an argument or the configured base URL.

use super::Context;
use crate::checks::ids;
use crate::checks::url::{self, HostKind};
use crate::inputs::{Source, SourceKind, Sourced};
use crate::redact::Redactor;
use crate::report::Report;
use std::time::Instant;

pub(super) fn run(ctx: &Context, arg: Option<String>) -> anyhow::Result<u8> {
    let base_url = match arg {
        Some(u) => Sourced {
            value: u,
            source: Source::new(SourceKind::Argument, "URL"),
            shadowed: Vec::new(),
        },
        None => ctx
            .resolve_target()?
            .base_url
            .expect("the base URL always resolves, to the default at least"),
    };
    let started = Instant::now();
    let verdict = url::check(&base_url.value);
    let note = match verdict.host {
        HostKind::Gateway => Some("the TensorLoop gateway".to_owned()),
        HostKind::Loopback => Some("a gateway on this machine".to_owned()),
        _ => None,
    };
    let mut report = Report::new("url", Default::default(), ctx.strict);
    report.target.base_url = Some(base_url);
    report.record(
        ids::URL,
        "Base URL rules",
        started.elapsed(),
        verdict.findings,
        note,
    );
    ctx.finish(&report, Redactor::new())
}
