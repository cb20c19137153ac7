//! The live commands' side of the engine (`doctor`, `report`, `models`, `chat`, `stream`, `url`
//! and the interactive choices): the inputs resolved (asking for a missing key where someone can
//! answer), the run's secrets registered, a session opened, the plan run, the report rendered.

use super::Context;
use crate::catalog::CANONICAL_BASE_URL;
use crate::checks::ids;
use crate::engine::{self, Comparison, Options, Plan, Session};
use crate::inputs::{Source, SourceKind};
use crate::inputs::{Sourced, Target};
use crate::progress::Progress;
use crate::redact::Redactor;
use crate::report::Report;
use crate::secret::ApiKey;
use std::time::Duration;

/// Run a plan and render its report: the whole of `doctor`, `models`, `chat`, `stream` and `url`.
pub(crate) fn run(
    ctx: &Context,
    command: &'static str,
    plan: Plan,
    url_arg: Option<Sourced<String>>,
) -> anyhow::Result<u8> {
    let (report, redactor) = collect(ctx, command, plan, url_arg)?;
    ctx.finish(report, redactor)
}

/// Run a plan: offline checks, the network, the live checks; the report is not yet correlated
/// or rendered, and the redactor knows the run's secrets.
pub(crate) fn collect(
    ctx: &Context,
    command: &'static str,
    plan: Plan,
    url_arg: Option<Sourced<String>>,
) -> anyhow::Result<(Report, Redactor)> {
    let (target, redactor, unused_key) = target(ctx, plan, url_arg)?;
    let compare_with = unused_key.map(|key| Comparison {
        gateway: match &ctx.gateway {
            Some(url) => Sourced {
                value: url.clone(),
                source: Source::new(SourceKind::Flag, "--gateway"),
                shadowed: Vec::new(),
            },
            None => Sourced {
                value: CANONICAL_BASE_URL.to_owned(),
                source: Source::new(SourceKind::Default, ""),
                shadowed: Vec::new(),
            },
        },
        key,
    });
    let session = Session::open(
        target,
        &Options {
            compare_with,
            ..options(ctx)
        },
    )?;
    let detail = crate::report::Detail {
        trace: ctx.verbose,
        curl: ctx.curl,
        cacert: ctx.cacert.clone(),
    };
    let progress = Progress::new(ctx.format == crate::cli::Format::Human);
    let report = engine::run(command, plan, &session, ctx.strict, detail, progress)?;
    Ok((report, redactor))
}

/// How a session reaches the gateway, from the command line.
pub(crate) fn options(ctx: &Context) -> Options {
    Options {
        timeout: Duration::from_secs_f64(ctx.timeout),
        cacert: ctx.cacert.clone(),
        stream_limits: crate::checks::live::StreamLimits {
            total: Duration::from_secs_f64(ctx.stream_timeout),
            idle: Duration::from_secs_f64(ctx.idle_timeout),
            max_bytes: crate::checks::stream::MAX_STREAM_BYTES,
        },
        keyless_route: ctx.no_key,
        compare_with: None,
    }
}

/// The target of a run, and a redactor that knows its key: the inputs resolved, a missing key
/// asked for where someone can answer, and only what the plan uses kept (the checks that name a
/// model show it; a keyless route has no key). The third value is a key configured beside
/// `--no-key`, which the route does not get: the gateway it is compared with does.
pub(crate) fn target(
    ctx: &Context,
    plan: Plan,
    url_arg: Option<Sourced<String>>,
) -> anyhow::Result<(Target, Redactor, Option<Sourced<ApiKey>>)> {
    let mut resolved = ctx.resolve_target()?;
    if plan.key && resolved.key.is_none() && ctx.can_prompt && !ctx.no_key {
        resolved.key = prompt_for_key()?;
    }
    let mut redactor = Redactor::new();
    if let Some(k) = &resolved.key {
        redactor.add_key(&k.value);
    }
    let names_a_model = plan
        .checks
        .iter()
        .any(|c| [ids::MODELS, ids::CHAT, ids::STREAM].contains(&c.id()));
    let unused_key = resolved.key.clone().filter(|_| ctx.no_key);
    let target = Target {
        base_url: url_arg.or(resolved.base_url),
        key: resolved.key.filter(|_| plan.key && !ctx.no_key),
        model: resolved.model.filter(|_| names_a_model),
        warnings: Vec::new(),
        ..resolved
    };
    Ok((target, redactor, unused_key))
}

/// The model ids the configured key lists (`GET /v1/models`, free), for a prompt to pick from;
/// `None` when there is no usable key or base URL, or the gateway does not list them.
pub(crate) fn listed_models(ctx: &Context, target: Target) -> Option<Vec<String>> {
    let target = Target {
        model: None,
        ..target
    };
    let session = Session::open(target, &options(ctx)).ok()?;
    engine::listed_models(&session)
}

/// Ask for the key at a hidden prompt (only where someone can answer); empty means none.
fn prompt_for_key() -> anyhow::Result<Option<Sourced<ApiKey>>> {
    let _terminal = crate::terminal::guard();
    let typed = dialoguer::Password::new()
        .with_prompt("No key found. TensorLoop key (typing is hidden; Enter to go on without)")
        .allow_empty_password(true)
        .interact_on(&console::Term::stderr())?;
    Ok((!typed.trim().is_empty()).then(|| Sourced {
        value: ApiKey::new(typed),
        source: crate::inputs::Source::new(crate::inputs::SourceKind::Prompt, ""),
        shadowed: Vec::new(),
    }))
}
