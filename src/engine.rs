//! The engine: runs a plan of checks for a session and returns the report. Stages: the offline
//! rules (key, base URL), then reaching the gateway (network), then the live checks of the plan
//! at once, then what one check learns from another. Correlation and redaction follow when the
//! report is finished (`crate::correlate`, `Report::map_text`).
//!
//! A session holds what does not change between runs (the target, the HTTP client, the key's
//! one origin), so a long-running caller can run the same plan again and again on one session.

use crate::catalog::{Code, DEFAULT_MODEL, Severity};
use crate::checks::live::{self, Gateway};
use crate::checks::url::UrlVerdict;
use crate::checks::{self, Live, ids, key, network, url};
use crate::inputs::{Sourced, Target};
use crate::net::proxy::{self, ProxyDecision};
use crate::net::{Http, KeyGrant};
use crate::progress::Progress;
use crate::report::{Detail, Fact, Outcome, Report};
use crate::secret::ApiKey;
use ::url::Url;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which checks a run makes.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Check the key offline (and send it to the checks that need it).
    pub key: bool,
    /// The live checks to run after the network check.
    pub checks: &'static [Live],
    /// Skip billed requests (`--no-spend`).
    pub no_spend: bool,
}

/// How a session reaches the gateway.
#[derive(Clone, Debug)]
pub struct Options {
    /// Deadline for each network step.
    pub timeout: Duration,
    /// Extra CA certificates to trust (`--cacert`).
    pub cacert: Option<PathBuf>,
    /// The stream probe's deadlines and byte cap.
    pub stream_limits: live::StreamLimits,
    /// `--no-key`: the base URL is a route of the customer's own backend that adds the key.
    pub keyless_route: bool,
    /// With `--no-key` and a key configured: the gateway to stream through as well, with the key,
    /// to compare the route with.
    pub compare_with: Option<Comparison>,
}

/// The gateway a keyless route is compared with, and the key to reach it.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub gateway: Sourced<String>,
    pub key: Sourced<ApiKey>,
}

/// What stays the same from one run to the next: the target and, when the base URL is usable,
/// the way to the gateway.
pub struct Session {
    pub target: Target,
    keyless_route: bool,
    /// The gateway a keyless route is compared with, when there is one.
    comparison: Option<Result<Route, String>>,
    verdict: UrlVerdict,
    /// The way to the gateway, or why there is none (an unusable base URL).
    route: Result<Route, String>,
}

struct Route {
    probe: Arc<live::Session>,
    proxy: ProxyDecision,
    proxies: Vec<(String, String)>,
    /// The base URL was wrong; the live checks run against its correction.
    corrected: bool,
    /// Why the key is not sent, when it is not.
    no_key_because: String,
}

impl Session {
    /// Read the base URL, decide the proxy and where the key may go, and build the client.
    pub fn open(target: Target, options: &Options) -> anyhow::Result<Session> {
        let raw_url = target
            .base_url
            .as_ref()
            .map(|u| u.value.clone())
            .unwrap_or_default();
        let verdict = url::check(&raw_url);
        let route = match effective_base(&verdict) {
            Ok((base, corrected)) => Ok(Route::open(&target, &base, corrected, options)?),
            Err(why) => Err(why),
        };
        let comparison = match &options.compare_with {
            Some(c) if options.keyless_route => Some(Route::to_compare(c, &target, options)?),
            _ => None,
        };
        Ok(Session {
            target,
            keyless_route: options.keyless_route,
            comparison,
            verdict,
            route,
        })
    }
}

impl Route {
    /// The way to the gateway a keyless route is compared with, or why there is none.
    fn to_compare(
        c: &Comparison,
        route_target: &Target,
        o: &Options,
    ) -> anyhow::Result<Result<Route, String>> {
        let target = Target {
            base_url: Some(c.gateway.clone()),
            key: Some(c.key.clone()),
            model: route_target.model.clone(),
            ..Target::default()
        };
        let verdict = url::check(&c.gateway.value);
        Ok(match effective_base(&verdict) {
            Ok((base, _)) => Ok(Route::open(&target, &base, false, o)?),
            Err(why) => Err(format!("the gateway to compare with: {why}")),
        })
    }

    fn open(target: &Target, base: &Url, corrected: bool, o: &Options) -> anyhow::Result<Route> {
        let gateway = Gateway::new(base);
        let proxy = proxy::decide(&gateway.base, &crate::inputs::process_env);
        let via_proxy = matches!(proxy, ProxyDecision::Use(_));
        // A value that is not a key (a placeholder, damaged bytes) is never sent.
        let usable = target
            .key
            .as_ref()
            .filter(|_| !key::forbids_sending(&key::check(target)));
        let (grant, no_key_because) = match usable {
            None if target.key.is_some() => (
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
        let extra_roots = match &o.cacert {
            Some(path) => crate::net::read_ca_file(path)?,
            None => Vec::new(),
        };
        let http = Http::new(o.timeout, &proxy, extra_roots, grant.clone())?;
        let model = target
            .model
            .as_ref()
            .map_or(DEFAULT_MODEL.to_owned(), |m| m.value.clone());
        Ok(Route {
            probe: Arc::new(live::Session {
                http,
                gateway,
                key: grant.map(|g| g.key),
                model,
                stream_limits: o.stream_limits,
            }),
            proxy,
            proxies: proxy::variables(&crate::inputs::process_env),
            corrected,
            no_key_because,
        })
    }
}

/// Run a plan on a session: every check of the plan recorded in a new report, not yet
/// correlated or redacted.
pub fn run(
    command: &'static str,
    plan: Plan,
    session: &Session,
    strict: bool,
    detail: Detail,
    progress: Progress,
) -> anyhow::Result<Report> {
    crate::net::run_to_end(run_async(command, plan, session, strict, detail, progress))
}

/// [`run`] on a runtime the caller keeps: a long-running caller reuses its session, and so the
/// client's connections, run after run.
pub async fn run_async(
    command: &'static str,
    plan: Plan,
    session: &Session,
    strict: bool,
    detail: Detail,
    progress: Progress,
) -> Report {
    let mut report = Report::new(command, session.target.clone(), strict);
    report.detail = detail;

    // Offline: the key and the base URL.
    if plan.key && session.keyless_route {
        report.skip(
            ids::KEY,
            "API key",
            "not used: --no-key checks a route that adds the key itself",
        );
    } else if plan.key {
        let started = Instant::now();
        let findings = key::check(&report.target);
        let note = report
            .target
            .key
            .as_ref()
            .map(|k| format!("{} from {}", k.value.fingerprint().short, k.source));
        let mut outcome = Outcome::findings(findings);
        outcome.note = note;
        report.record(ids::KEY, "API key", started.elapsed(), outcome);
    }
    let started = Instant::now();
    let verdict = &session.verdict;
    if let Some(host) = verdict.own_host() {
        report.advice.host = host;
    }
    let mut url_outcome = Outcome::findings(verdict.findings.clone());
    url_outcome.findings.extend(url::provenance(&report.target));
    url_outcome.note = url_note(verdict);
    report.record(ids::URL, "Base URL", started.elapsed(), url_outcome);

    let route = match &session.route {
        Ok(route) => route,
        Err(why) => {
            report.skip(ids::NETWORK, "Network", why.clone());
            for spec in specs(&plan) {
                report.skip(spec.id, spec.title, why.clone());
            }
            return report;
        }
    };
    if route.corrected {
        report.notices.push(format!(
            "The configured base URL is wrong; the live checks below ran against {} instead.",
            route.probe.gateway.base
        ));
    }
    report.proxies = route.proxies.clone();

    let mut ran = reach_and_probe(route, plan, session.keyless_route, progress).await;
    // A model conflict belongs to the first check that asks for the model.
    if let Some(model) = &report.target.model
        && let Some(first) = ran
            .iter_mut()
            .find(|r| [ids::MODELS, ids::CHAT, ids::STREAM].contains(&r.id))
    {
        first.outcome.findings.extend(checks::conflict(
            Code::ModelConflict,
            first.id,
            model,
            &model.value,
            &report.target.empty_model_sources,
        ));
    }
    if let Some(comparison) = &session.comparison
        && plan.checks.contains(&Live::Stream)
        && !plan.no_spend
    {
        let gateway = compare_with_the_gateway(comparison, &mut ran).await;
        ran.push(gateway);
    }
    for r in ran {
        report.record(r.id, r.title, r.duration, r.outcome);
    }
    report
}

/// The check that streams through the gateway itself, with the key, beside a keyless route.
pub const GATEWAY_STREAM: &str = "gateway_stream";

/// Stream through the gateway with the key, and say on the route's stream check how the two
/// compare.
async fn compare_with_the_gateway(comparison: &Result<Route, String>, ran: &mut [Ran]) -> Ran {
    let started = Instant::now();
    let outcome = match comparison {
        Err(why) => Outcome::skip(format!("not run: {why}")),
        Ok(route) if route.probe.key.is_none() => {
            Outcome::skip(format!("not run: {}", route.no_key_because))
        }
        Ok(route) => {
            let mut o = (Live::Stream.spec().probe)(&route.probe).await;
            // Findings and requests belong to this check, not to the route's stream.
            for f in &mut o.findings {
                f.check = GATEWAY_STREAM;
            }
            for r in &mut o.requests {
                r.check = GATEWAY_STREAM;
            }
            o
        }
    };
    if let Some(stream) = ran.iter_mut().find(|r| r.id == ids::STREAM) {
        let words = checks::route::compare(&stream.outcome, &outcome);
        stream.outcome.fact("compared with the gateway", words);
    }
    Ran {
        id: GATEWAY_STREAM,
        title: "Streamed completion through the gateway (billed, for comparison)",
        duration: started.elapsed(),
        outcome,
    }
}

/// A check's place in the report: id, title, and how long it took.
struct Ran {
    id: &'static str,
    title: &'static str,
    duration: Duration,
    outcome: Outcome,
}

/// The live checks of a plan, in report order.
fn specs(plan: &Plan) -> impl Iterator<Item = &'static checks::Spec> + '_ {
    checks::LIVE
        .iter()
        .filter(|s| plan.checks.contains(&s.check))
}

/// The network first; then, if the gateway can be reached, the plan's live checks at once.
async fn reach_and_probe(
    route: &Route,
    plan: Plan,
    keyless_route: bool,
    progress: Progress,
) -> Vec<Ran> {
    let mut ran = Vec::new();
    let started = Instant::now();
    let net = {
        let _spinner = progress.start("Network: DNS and connect");
        network::check(&route.probe.http, &route.probe.gateway.base, &route.proxy).await
    };
    let network_failed = net.findings.iter().any(|f| f.severity == Severity::Fail);
    ran.push(Ran {
        id: ids::NETWORK,
        title: "Network",
        duration: started.elapsed(),
        outcome: net,
    });
    if network_failed {
        for spec in specs(&plan) {
            ran.push(Ran {
                id: spec.id,
                title: spec.title,
                duration: Duration::ZERO,
                outcome: Outcome::skip("not run: the network check failed"),
            });
        }
        return ran;
    }

    // The live checks are independent: run them at once, each in its own task so that a panic
    // in one cannot take the others down.
    let mut tasks = Vec::new();
    for spec in specs(&plan) {
        let skipped = why_not(spec, route, plan, keyless_route);
        let probe = route.probe.clone();
        let spinner = progress.start(spec.title);
        let handle = tokio::spawn(async move {
            let _spinner = spinner;
            let started = Instant::now();
            let mut outcome = match skipped {
                Some(why) => Outcome::skip(why),
                None => (spec.probe)(&probe).await,
            };
            if keyless_route && spec.keyless {
                checks::route::leaked_keys(&mut outcome, spec.id);
            }
            (started.elapsed(), outcome)
        });
        tasks.push((spec, handle));
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
    for (spec, handle) in tasks {
        let (duration, outcome) = match handle.await {
            Ok(done) => done,
            Err(e) => (
                Duration::ZERO,
                Outcome::skip(format!("tlcheck failed inside this check: {e}")),
            ),
        };
        ran.push(Ran {
            id: spec.id,
            title: spec.title,
            duration,
            outcome,
        });
    }
    if let Some(task) = nagging {
        task.abort();
    }
    cross_check(&mut ran, &route.probe.model);
    ran
}

/// Why a live check does not run here, if it does not.
fn why_not(spec: &checks::Spec, route: &Route, plan: Plan, keyless_route: bool) -> Option<String> {
    // A keyless route's stream is billed too, to the key its backend adds.
    if plan.no_spend && spec.billed {
        return Some("not run: --no-spend skips billed requests".to_owned());
    }
    if keyless_route {
        return (!spec.keyless).then(|| {
            "not run: --no-key checks a route of your own backend, where only the models and \
             stream checks apply"
                .to_owned()
        });
    }
    if spec.needs_key && route.probe.key.is_none() {
        return Some(format!("not run: {}", route.no_key_because));
    }
    None
}

/// What one check learns from another: a model refusal on a free key (one that lists only the
/// free model) is the free plan. The same cause seen by several checks is merged later, by
/// [`crate::correlate`].
fn cross_check(ran: &mut [Ran], model: &str) {
    let listed = ran
        .iter()
        .filter(|r| r.id == ids::MODELS)
        .flat_map(|r| &r.outcome.facts)
        .find_map(|(_, fact)| match fact {
            Fact::Models { ids, .. } => Some(ids.clone()),
            _ => None,
        });
    let free_key =
        listed.is_some_and(|l| l.len() == 1 && l[0] == DEFAULT_MODEL) && model != DEFAULT_MODEL;
    if free_key {
        for f in ran
            .iter_mut()
            .flat_map(|r| r.outcome.findings.iter_mut())
            .filter(|f| f.code == Code::ModelNotAllowed)
        {
            f.code = Code::ModelFreePlan;
            f.suggestion = Some(DEFAULT_MODEL.to_owned());
        }
    }
}

pub fn url_note(v: &UrlVerdict) -> Option<String> {
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

/// The model ids the key lists (`GET /v1/models`, free), for a prompt to pick from; `None` when
/// there is no usable key or base URL, or the gateway does not list them.
pub fn listed_models(session: &Session) -> Option<Vec<String>> {
    let route = session.route.as_ref().ok()?;
    route.probe.key.as_ref()?;
    let outcome = crate::net::run_to_end(checks::models::probe(&route.probe)).ok()?;
    outcome.facts.into_iter().find_map(|(_, fact)| match fact {
        Fact::Models { ids, .. } if !ids.is_empty() => Some(ids),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::ApiKey;

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
