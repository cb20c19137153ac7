//! The live pipeline shared by `doctor`, `models`, `chat` and `url`: offline checks first, then
//! the network, then the independent HTTP checks concurrently, then cross-checks between them.

use super::Context;
use crate::catalog::{Code, DEFAULT_MODEL, Severity};
use crate::checks::live::Gateway;
use crate::checks::url::UrlVerdict;
use crate::checks::{chat, health, ids, key, key_info, models, network, stream, url};
use crate::inputs::{Sourced, Target};
use crate::net::proxy;
use crate::net::{Http, KeyGrant};
use crate::progress::{Progress, Spinner};
use crate::redact::Redactor;
use crate::report::{Outcome, Report};
use crate::secret::ApiKey;
use ::url::Url;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which checks a command runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Plan {
    /// Check the key offline (and send it to the checks that need it).
    pub key: bool,
    /// The HTTP checks to run after the network check (ids from `checks::ids`).
    pub checks: &'static [&'static str],
    /// Skip billed requests (`--no-spend`).
    pub no_spend: bool,
}

/// Every HTTP check, in report order: free ones first.
const HTTP_CHECKS: [(&str, &str); 5] = [
    (ids::HEALTH, "Gateway health"),
    (ids::MODELS, "Models for this key"),
    (ids::KEY_INFO, "Key info"),
    (ids::CHAT, "Chat completion (billed)"),
    (ids::STREAM, "Streamed completion (billed)"),
];

/// Whether a check sends a billed request (`--no-spend` skips it).
pub(crate) fn is_billed(id: &str) -> bool {
    [ids::CHAT, ids::STREAM].contains(&id)
}

/// A check's place in the report: id, title, and how long it took.
struct Ran {
    id: &'static str,
    title: &'static str,
    duration: Duration,
    outcome: Outcome,
}

/// What the concurrent checks share.
struct Shared {
    http: Http,
    gateway: Gateway,
    key: Option<ApiKey>,
    /// Why `key` is absent.
    no_key_because: String,
    /// `--no-key`: the base URL is a route of the customer's own backend that adds the key.
    keyless_route: bool,
    model: String,
    stream_limits: stream::Limits,
}

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

/// Run a plan: offline checks, the network, the HTTP checks; the report is not yet correlated
/// or rendered, and the redactor knows the run's secrets.
pub(crate) fn collect(
    ctx: &Context,
    command: &'static str,
    plan: Plan,
    url_arg: Option<Sourced<String>>,
) -> anyhow::Result<(Report, Redactor)> {
    let mut resolved = ctx.resolve_target()?;
    if plan.key && resolved.key.is_none() && ctx.can_prompt && !ctx.no_key {
        resolved.key = prompt_for_key()?;
    }
    let mut redactor = Redactor::new();
    if let Some(k) = &resolved.key {
        redactor.add_key(&k.value);
    }
    let target = Target {
        base_url: url_arg.or(resolved.base_url.clone()),
        key: if plan.key && !ctx.no_key {
            resolved.key.clone()
        } else {
            None
        },
        // Only the checks that name a model show it.
        model: if plan
            .checks
            .iter()
            .any(|c| [ids::MODELS, ids::CHAT, ids::STREAM].contains(c))
        {
            resolved.model.clone()
        } else {
            None
        },
        empty_key_sources: resolved.empty_key_sources.clone(),
        empty_url_sources: resolved.empty_url_sources.clone(),
        empty_model_sources: resolved.empty_model_sources.clone(),
        warnings: Vec::new(),
    };
    let mut report = Report::new(command, target, ctx.strict);
    report.detail = crate::report::Detail {
        trace: ctx.verbose,
        curl: ctx.curl,
        cacert: ctx.cacert.clone(),
    };
    let progress = Progress::new(ctx.format == crate::cli::Format::Human);

    // Offline: the key and the base URL.
    let mut key_usable = false;
    if plan.key && ctx.no_key {
        report.skip(
            ids::KEY,
            "API key",
            "not used: --no-key checks a route that adds the key itself".to_owned(),
        );
    } else if plan.key {
        let started = Instant::now();
        let findings = key::check(&report.target);
        // A value that is not a key (a placeholder, damaged bytes) is never sent.
        key_usable = report.target.key.is_some() && !key::forbids_sending(&findings);
        let note = report
            .target
            .key
            .as_ref()
            .map(|k| format!("{} {}", k.value.fingerprint().short, describe(&k.source)));
        let mut outcome = Outcome::findings(findings);
        outcome.note = note;
        report.record(ids::KEY, "API key", started.elapsed(), outcome);
    }
    let raw_url = report
        .target
        .base_url
        .as_ref()
        .map(|u| u.value.clone())
        .unwrap_or_default();
    let started = Instant::now();
    let verdict = url::check(&raw_url);
    if let Some(host) = verdict.own_host() {
        report.advice.host = host;
    }
    let base = effective_base(&verdict);
    let mut url_outcome = Outcome::findings(verdict.findings.clone());
    url_outcome.findings.extend(url::provenance(&report.target));
    url_outcome.note = url_note(&verdict);
    report.record(ids::URL, "Base URL", started.elapsed(), url_outcome);

    let base = match base {
        Ok((base, corrected)) => {
            if corrected {
                report.notices.push(format!(
                    "The configured base URL is wrong; the live checks below ran against {base} instead."
                ));
            }
            base
        }
        Err(why) => {
            for (id, title) in live_checks(&plan) {
                report.skip(id, title, why.clone());
            }
            return Ok((report, redactor));
        }
    };

    let gateway = Gateway::new(&base);
    let proxy = proxy::decide(&gateway.base, &crate::inputs::process_env);
    report.proxies = proxy::variables(&crate::inputs::process_env);
    let via_proxy = matches!(proxy, proxy::ProxyDecision::Use(_));
    let (key, no_key_because) = match report.target.key.as_ref().filter(|_| key_usable) {
        None if report.target.key.is_some() => (
            None,
            "the configured value is not a key (see the key check)".to_owned(),
        ),
        None => (None, "there is no key".to_owned()),
        Some(k) => match gateway.may_receive_key(via_proxy) {
            Err(why) => (None, format!("the key is not sent: {why}")),
            Ok(()) => (
                Some(KeyGrant::new(k.value.clone(), &gateway.base)),
                String::new(),
            ),
        },
    };
    let http = client(ctx, &proxy, key.clone())?;
    let key = key.map(|grant| grant.key);
    let model = report
        .target
        .model
        .as_ref()
        .map_or(DEFAULT_MODEL.to_owned(), |m| m.value.clone());

    let stream_limits = stream::Limits {
        total: Duration::from_secs_f64(ctx.stream_timeout),
        idle: Duration::from_secs_f64(ctx.idle_timeout),
        max_bytes: stream::MAX_STREAM_BYTES,
    };
    let shared = Arc::new(Shared {
        http,
        gateway,
        key,
        no_key_because,
        keyless_route: ctx.no_key,
        model,
        stream_limits,
    });
    let mut ran = crate::net::run_to_end(live(shared, plan, proxy, progress))?;
    // A model conflict belongs to the first check that asks for the model.
    if let Some(model) = &report.target.model
        && let Some(first) = ran
            .iter_mut()
            .find(|r| [ids::MODELS, ids::CHAT, ids::STREAM].contains(&r.id))
    {
        first.outcome.findings.extend(crate::checks::conflict(
            Code::ModelConflict,
            first.id,
            model,
            &model.value,
            &report.target.empty_model_sources,
        ));
    }
    for r in ran {
        report.record(r.id, r.title, r.duration, r.outcome);
    }
    Ok((report, redactor))
}

/// The HTTP client for a run: its proxy, the extra CA certificates, the deadline, and the key
/// with the one origin it may go to.
fn client(
    ctx: &Context,
    proxy: &proxy::ProxyDecision,
    key: Option<KeyGrant>,
) -> anyhow::Result<Http> {
    let extra_roots = match &ctx.cacert {
        Some(path) => crate::net::read_ca_file(path)?,
        None => Vec::new(),
    };
    Http::new(
        Duration::from_secs_f64(ctx.timeout),
        proxy,
        extra_roots,
        key,
    )
}

/// The model ids the configured key lists (`GET /v1/models`, free), for a prompt to pick from;
/// `None` when there is no usable key or base URL, or the gateway does not list them.
pub(crate) fn listed_models(ctx: &Context) -> Option<Vec<String>> {
    let target = ctx.resolve_target().ok()?;
    let key = target.key?.value;
    let verdict = url::check(&target.base_url?.value);
    let (base, _) = effective_base(&verdict).ok()?;
    let gateway = Gateway::new(&base);
    let proxy = proxy::decide(&gateway.base, &crate::inputs::process_env);
    gateway
        .may_receive_key(matches!(proxy, proxy::ProxyDecision::Use(_)))
        .ok()?;
    let grant = KeyGrant::new(key.clone(), &gateway.base);
    let http = client(ctx, &proxy, Some(grant)).ok()?;
    let listed =
        crate::net::run_to_end(models::check(&http, &gateway, Some(&key), DEFAULT_MODEL)).ok()?;
    listed.ids.filter(|ids| !ids.is_empty())
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

fn describe(source: &crate::inputs::Source) -> String {
    format!("from {source}")
}

pub(crate) fn url_note(v: &UrlVerdict) -> Option<String> {
    use crate::checks::url::HostKind;
    match v.host {
        HostKind::Gateway => Some("the TensorLoop gateway".to_owned()),
        HostKind::Loopback => Some("a gateway on this machine".to_owned()),
        _ => None,
    }
}

/// The base URL the live checks use: the configured one when the rules pass, else the corrected
/// one they suggest (never a host known to be wrong), else none.
fn effective_base(v: &UrlVerdict) -> Result<(Url, bool), String> {
    let failing = v.findings.iter().any(|f| f.severity == Severity::Fail);
    if !failing {
        return v
            .parsed
            .clone()
            .map(|u| (u, false))
            .ok_or_else(|| "the base URL cannot be used".to_owned());
    }
    v.findings
        .iter()
        .filter(|f| f.severity == Severity::Fail)
        .find_map(|f| f.suggestion.as_deref())
        .and_then(|s| Url::parse(s).ok())
        .map(|u| (u, true))
        .ok_or_else(|| "not run: the base URL is unusable and has no obvious correction".to_owned())
}

fn live_checks(plan: &Plan) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![(ids::NETWORK, "Network")];
    v.extend(
        HTTP_CHECKS
            .into_iter()
            .filter(|(id, _)| plan.checks.contains(id)),
    );
    v
}

async fn live(
    shared: Arc<Shared>,
    plan: Plan,
    proxy: proxy::ProxyDecision,
    progress: Progress,
) -> Vec<Ran> {
    let mut ran = Vec::new();
    let started = Instant::now();
    let net = {
        let _spinner = progress.start("Network: DNS and connect");
        network::check(&shared.http, &shared.gateway.base, &proxy).await
    };
    let network_failed = net.findings.iter().any(|f| f.severity == Severity::Fail);
    ran.push(Ran {
        id: ids::NETWORK,
        title: "Network",
        duration: started.elapsed(),
        outcome: net,
    });
    let rest: Vec<_> = live_checks(&plan).into_iter().skip(1).collect();
    if network_failed {
        for (id, title) in rest {
            ran.push(Ran {
                id,
                title,
                duration: Duration::ZERO,
                outcome: Outcome::skip("not run: the network check failed"),
            });
        }
        return ran;
    }

    // The HTTP checks are independent: run them at once, each in its own task so that a panic
    // in one cannot take the others down.
    let mut tasks = Vec::new();
    for (id, title) in rest {
        let shared = shared.clone();
        let spinner = progress.start(title);
        let handle = tokio::spawn(async move {
            let started = Instant::now();
            let outcome = run_one(id, &shared, plan, spinner).await;
            (started.elapsed(), outcome)
        });
        tasks.push((id, title, handle));
    }
    let nagging = progress.is_visible().then(|| {
        let progress = progress.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(500)).await;
                progress.nag(crate::progress::STILL_WAITING_AFTER);
            }
        })
    });
    let mut listed: Option<Vec<String>> = None;
    for (id, title, handle) in tasks {
        let (duration, outcome) = match handle.await {
            Ok((d, (outcome, ids))) => {
                if ids.is_some() {
                    listed = ids;
                }
                (d, outcome)
            }
            Err(e) => (
                Duration::ZERO,
                Outcome::skip(format!("tlcheck failed inside this check: {e}")),
            ),
        };
        ran.push(Ran {
            id,
            title,
            duration,
            outcome,
        });
    }
    if let Some(task) = nagging {
        task.abort();
    }
    cross_check(&mut ran, listed.as_deref(), &shared.model);
    ran
}

/// A check against a keyless route of the customer's own backend (`--no-key`): models and the
/// stream run without a key, and nothing they get back may carry one.
async fn keyless(id: &'static str, s: &Shared) -> (Outcome, Option<Vec<String>>) {
    let (mut outcome, listed) = match id {
        ids::MODELS => {
            let listed = models::check(&s.http, &s.gateway, None, &s.model).await;
            (listed.outcome, listed.ids)
        }
        ids::STREAM => (
            stream::check(&s.http, &s.gateway, None, &s.model, s.stream_limits).await,
            None,
        ),
        _ => {
            return (
                Outcome::skip(
                    "not run: --no-key checks a route of your own backend, where only the \
                     models and stream checks apply"
                        .to_owned(),
                ),
                None,
            );
        }
    };
    for f in crate::checks::route::leaked_keys(&outcome.requests, id) {
        outcome.push(f);
    }
    (outcome, listed)
}

async fn run_one(
    id: &'static str,
    s: &Shared,
    plan: Plan,
    _spinner: Spinner,
) -> (Outcome, Option<Vec<String>>) {
    if s.keyless_route {
        return keyless(id, s).await;
    }
    if id == ids::HEALTH {
        return (health::check(&s.http, &s.gateway).await, None);
    }
    let Some(key) = &s.key else {
        return (
            Outcome::skip(format!("not run: {}", s.no_key_because)),
            None,
        );
    };
    if plan.no_spend && is_billed(id) {
        return (
            Outcome::skip("not run: --no-spend skips billed requests"),
            None,
        );
    }
    match id {
        ids::MODELS => {
            let listed = models::check(&s.http, &s.gateway, Some(key), &s.model).await;
            (listed.outcome, listed.ids)
        }
        ids::KEY_INFO => (
            key_info::check(&s.http, &s.gateway, key, crate::time::now_unix()).await,
            None,
        ),
        ids::CHAT => (chat::check(&s.http, &s.gateway, key, &s.model).await, None),
        ids::STREAM => (
            stream::check(&s.http, &s.gateway, Some(key), &s.model, s.stream_limits).await,
            None,
        ),
        _ => (Outcome::skip("unknown check"), None),
    }
}

/// What one check learns from another: a model refusal on a free key is the free plan. (The
/// same cause seen by several checks is merged later, by [`crate::correlate`].)
fn cross_check(ran: &mut [Ran], listed: Option<&[String]>, model: &str) {
    let free_key =
        listed.is_some_and(|l| l.len() == 1 && l[0] == DEFAULT_MODEL) && model != DEFAULT_MODEL;
    if free_key {
        for r in ran.iter_mut() {
            for f in r
                .outcome
                .findings
                .iter_mut()
                .filter(|f| f.code == Code::ModelNotAllowed)
            {
                f.code = Code::ModelFreePlan;
                f.suggestion = Some(DEFAULT_MODEL.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        // Each case builds an HTTP client (the system's roots): keep the count moderate.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Whatever the spelling of a known-wrong TensorLoop host, the live checks run against
        /// the gateway, and a client granted the key refuses to send it to the wrong host.
        #[test]
        fn a_wrong_host_in_any_spelling_never_receives_the_key(
            host in proptest::sample::select(vec![
                "tensorloop.tech", "TensorLoop.Tech.", "api.tensorloop.tech.", "WWW.tensorloop.tech",
                "tensorloop%2etech", "tensorloop\u{FF0E}tech.", "api\u{3002}tensorloop.tech",
                "ｔｅｎｓｏｒｌｏｏｐ.tech", "tensorloop.tech%2E",
            ]),
            userinfo in proptest::sample::select(vec!["", "u:p@", "litellm.tensorloop.tech@"]),
            port in proptest::sample::select(vec!["", ":443"]),
            path in proptest::sample::select(vec!["/v1", "", "/api/keys", "/v1/chat/completions"]),
        ) {
            let raw = format!("https://{userinfo}{host}{port}{path}");
            let verdict = url::check(&raw);
            proptest::prop_assert_eq!(verdict.host, crate::host::HostKind::KnownWrong, "{}", raw);
            if let Ok((base, _)) = effective_base(&verdict) {
                let gateway = Gateway::new(&base);
                proptest::prop_assert_eq!(
                    crate::host::canonical(&gateway.base).map(|h| h.to_string()),
                    Some(crate::catalog::GATEWAY_HOST.to_owned())
                );
            }
            let wrong = Url::parse(&raw).unwrap();
            let key = ApiKey::new("sk-proptest-key-000000001");
            let gateway = Url::parse(crate::catalog::CANONICAL_BASE_URL).unwrap();
            let http = Http::new(
                Duration::from_secs(1),
                &proxy::ProxyDecision::None,
                Vec::new(),
                Some(KeyGrant::new(key.clone(), &gateway)),
            )
            .unwrap();
            let refused = http.refuses_key_for(&key, &wrong);
            proptest::prop_assert!(refused, "{}", raw);
        }
    }
}
