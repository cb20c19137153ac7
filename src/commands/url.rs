//! `tlcheck url [URL]`: the base-URL rules, then (unless `--offline`) DNS, connect and "is this
//! the gateway?" without the key.

use super::Context;
use super::live;
use crate::checks::ids;
use crate::checks::url;
use crate::engine::{Plan, url_note};
use crate::inputs::{Source, SourceKind, Sourced};
use crate::redact::Redactor;
use crate::report::{Outcome, Report};
use std::time::Instant;

pub(super) fn run(ctx: &Context, arg: Option<String>, offline: bool) -> anyhow::Result<u8> {
    let from_arg = arg.map(|u| Sourced {
        value: u,
        source: Source::new(SourceKind::Argument, "URL"),
        shadowed: Vec::new(),
    });
    if !offline {
        let plan = Plan {
            key: false,
            checks: &[crate::checks::Live::Health],
            no_spend: true,
        };
        return live::run(ctx, "url", plan, from_arg);
    }
    let mut report = Report::new("url", Default::default(), ctx.strict);
    match from_arg {
        Some(u) => report.target.base_url = Some(u),
        None => {
            let resolved = ctx.resolve_target()?;
            report.target.base_url = resolved.base_url;
            report.target.empty_url_sources = resolved.empty_url_sources;
        }
    }
    let base_url = report
        .target
        .base_url
        .as_ref()
        .expect("the base URL always resolves, to the default at least");
    let started = Instant::now();
    let verdict = url::check(&base_url.value);
    let note = url_note(&verdict);
    if let Some(host) = verdict.own_host() {
        report.advice.host = host;
    }
    let mut outcome = Outcome::findings(verdict.findings);
    outcome.findings.extend(url::provenance(&report.target));
    outcome.note = note;
    report.record(ids::URL, "Base URL", started.elapsed(), outcome);
    ctx.finish(report, Redactor::new())
}
