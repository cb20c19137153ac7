//! `tlcheck url [URL]`: the base-URL rules, then (unless `--offline`) DNS, connect and "is this
//! the gateway?" without the key.

use super::Context;
use super::live::{self, Plan};
use crate::checks::ids;
use crate::checks::url;
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
            checks: &[ids::HEALTH],
            no_spend: true,
        };
        return live::run(ctx, "url", plan, from_arg);
    }
    let base_url = match from_arg {
        Some(u) => u,
        None => ctx
            .resolve_target()?
            .base_url
            .expect("the base URL always resolves, to the default at least"),
    };
    let started = Instant::now();
    let verdict = url::check(&base_url.value);
    let note = live::url_note(&verdict);
    let mut report = Report::new("url", Default::default(), ctx.strict);
    report.target.base_url = Some(base_url);
    report.advise_host(&verdict);
    let mut outcome = Outcome::findings(verdict.findings);
    outcome.note = note;
    report.record(ids::URL, "Base URL", started.elapsed(), outcome);
    ctx.finish(report, Redactor::new())
}
