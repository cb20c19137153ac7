//! The Prometheus and OpenMetrics text expositions of finished reports: what `monitor` serves on
//! `/metrics` and `/probe`, and `doctor --format openmetrics` prints. Pure functions of a
//! correlated, redacted report and the monitor's own counts.
//!
//! Names follow the Prometheus conventions (base units: seconds, a Unix timestamp in seconds,
//! `_total` on counters), and the OpenTelemetry GenAI semantic conventions where they name the
//! quantity: `gen_ai.client.operation.duration` is `tlcheck_gen_ai_client_operation_duration_seconds`,
//! `gen_ai.client.operation.time_to_first_chunk` is
//! `tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds`, and the attributes
//! `gen_ai.operation.name`, `gen_ai.request.model` and `error.type` are the labels
//! `gen_ai_operation_name`, `gen_ai_request_model` and `error_type`. Where OpenTelemetry defines a
//! histogram, these are gauges of the last probe. Every label value comes from a bounded set: the
//! target's configured name and model, check ids, catalog codes and severities.

use crate::catalog::{DEFAULT_MODEL, Severity};
use crate::checks::ids;
use crate::report::{Fact, Report, Status};
use std::fmt::Write;
use std::time::Duration;

/// The content type of the Prometheus text format.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";
/// The content type of the OpenMetrics text format.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Which text format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Prometheus,
    OpenMetrics,
}

impl Flavor {
    /// The format an `Accept` header asks for: OpenMetrics only when it names it.
    pub fn from_accept(accept: Option<&str>) -> Flavor {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Flavor::OpenMetrics,
            _ => Flavor::Prometheus,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Flavor::Prometheus => PROMETHEUS_CONTENT_TYPE,
            Flavor::OpenMetrics => OPENMETRICS_CONTENT_TYPE,
        }
    }
}

/// What a monitor counted for one target since it started.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Runs {
    /// Runs of the free checks only, and runs that included the billed probes.
    pub free: u64,
    pub billed: u64,
    /// Runs whose exit code was not a pass (anything but 0 and 3), or that could not run.
    pub failed: u64,
    /// What the billed probes cost, as the gateway reported it (USD).
    pub cost_usd: f64,
    /// When the last run ended (Unix seconds), and how long it took.
    pub last_end_unix: f64,
    pub last_duration: Duration,
}

/// One target's last results: its name, the report of every check's last result, and the
/// monitor's counts (absent for a one-shot `doctor`).
pub struct TargetView<'a> {
    pub name: &'a str,
    pub report: &'a Report,
    pub runs: Option<&'a Runs>,
}

/// A blackbox-style probe's own result (`/probe`).
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    pub success: bool,
    pub duration: Duration,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Gauge,
    Counter,
    /// A constant 1 whose labels are the information (a gauge in the Prometheus format).
    Info,
}

/// Every family, in exposition order: name, kind, help.
const FAMILIES: &[(&str, Kind, &str)] = &[
    (
        "probe_success",
        Kind::Gauge,
        "Whether the probe succeeded (the checks run now all passed)",
    ),
    (
        "probe_duration_seconds",
        Kind::Gauge,
        "How long the probe took to complete in seconds",
    ),
    (
        "tlcheck_build_info",
        Kind::Info,
        "The tlcheck version serving these metrics",
    ),
    (
        "tlcheck_up",
        Kind::Gauge,
        "1 when the last result of every check passes (exit code 0 or 3)",
    ),
    (
        "tlcheck_exit_code",
        Kind::Gauge,
        "The exit code doctor would return for the last results (tlcheck explain)",
    ),
    (
        "tlcheck_check_success",
        Kind::Gauge,
        "1 when a check's last run passed (warnings allowed), 0 when it failed; skipped checks have no series",
    ),
    (
        "tlcheck_check_duration_seconds",
        Kind::Gauge,
        "How long a check's last run took",
    ),
    (
        "tlcheck_finding",
        Kind::Gauge,
        "1 for each active finding: its catalog code, severity and the check that first met it",
    ),
    (
        "tlcheck_key_expiry_timestamp_seconds",
        Kind::Gauge,
        "When the key expires (Unix time); no series for a key that never expires",
    ),
    (
        "tlcheck_key_spend_usd",
        Kind::Gauge,
        "The key's spend in its budget window, in US dollars",
    ),
    (
        "tlcheck_key_max_budget_usd",
        Kind::Gauge,
        "The key's budget, in US dollars; no series without a budget",
    ),
    (
        "tlcheck_key_budget_reset_timestamp_seconds",
        Kind::Gauge,
        "When the key's budget resets (Unix time)",
    ),
    (
        "tlcheck_key_requests_per_minute_limit",
        Kind::Gauge,
        "The key's requests-per-minute limit",
    ),
    (
        "tlcheck_key_tokens_per_minute_limit",
        Kind::Gauge,
        "The key's tokens-per-minute limit",
    ),
    (
        "tlcheck_key_parallel_requests_limit",
        Kind::Gauge,
        "The key's limit on parallel requests",
    ),
    (
        "tlcheck_dns_duration_seconds",
        Kind::Gauge,
        "How long resolving the gateway's host took",
    ),
    (
        "tlcheck_connect_duration_seconds",
        Kind::Gauge,
        "How long connecting to the gateway took",
    ),
    (
        "tlcheck_gen_ai_client_operation_duration_seconds",
        Kind::Gauge,
        "The last billed probe's duration (gen_ai.client.operation.duration); error_type is the failing finding code",
    ),
    (
        "tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds",
        Kind::Gauge,
        "Time to the first event of the last stream probe (gen_ai.client.operation.time_to_first_chunk)",
    ),
    (
        "tlcheck_stream_time_to_first_token_seconds",
        Kind::Gauge,
        "Time to the first content token of the last stream probe",
    ),
    (
        "tlcheck_stream_time_to_done_seconds",
        Kind::Gauge,
        "Time to data: [DONE] of the last stream probe; no series when it did not arrive",
    ),
    (
        "tlcheck_probe_cost_usd",
        Kind::Gauge,
        "What the last billed probe cost, as the gateway reported it (US dollars)",
    ),
    (
        "tlcheck_probe_cost_usd_total",
        Kind::Counter,
        "What the monitor's billed probes have cost since it started (US dollars)",
    ),
    (
        "tlcheck_runs_total",
        Kind::Counter,
        "Runs since the monitor started, by plan: free checks only, or with the billed probes",
    ),
    (
        "tlcheck_run_failures_total",
        Kind::Counter,
        "Runs whose result was a failure (exit code other than 0 and 3)",
    ),
    (
        "tlcheck_last_run_timestamp_seconds",
        Kind::Gauge,
        "When the last run ended (Unix time)",
    ),
    (
        "tlcheck_run_duration_seconds",
        Kind::Gauge,
        "How long the last run took",
    ),
];

/// Samples gathered per family, written in [`FAMILIES`] order.
struct Exposition {
    samples: Vec<Vec<(String, f64)>>,
}

impl Exposition {
    fn new() -> Self {
        Exposition {
            samples: vec![Vec::new(); FAMILIES.len()],
        }
    }

    fn add(&mut self, family: &str, labels: &[(&str, &str)], value: f64) {
        if !value.is_finite() {
            return;
        }
        let i = FAMILIES
            .iter()
            .position(|(name, _, _)| *name == family)
            .expect("a declared family");
        let mut text = String::new();
        for (n, v) in labels {
            if !text.is_empty() {
                text.push(',');
            }
            let _ = write!(text, "{n}=\"{}\"", escape(v));
        }
        self.samples[i].push((text, value));
    }

    fn render(&self, flavor: Flavor) -> String {
        let mut out = String::new();
        for ((name, kind, help), samples) in FAMILIES.iter().zip(&self.samples) {
            if samples.is_empty() {
                continue;
            }
            // OpenMetrics names a family without the suffix of its samples (`_total`, `_info`).
            let (family, kind) = match (flavor, kind) {
                (Flavor::OpenMetrics, Kind::Counter) => {
                    (name.trim_end_matches("_total"), "counter")
                }
                (Flavor::OpenMetrics, Kind::Info) => (name.trim_end_matches("_info"), "info"),
                (Flavor::Prometheus, Kind::Counter) => (*name, "counter"),
                (_, _) => (*name, "gauge"),
            };
            let _ = writeln!(out, "# HELP {family} {help}");
            let _ = writeln!(out, "# TYPE {family} {kind}");
            if flavor == Flavor::OpenMetrics
                && let Some(unit) = unit_of(name)
            {
                let _ = writeln!(out, "# UNIT {family} {unit}");
            }
            for (labels, value) in samples {
                if labels.is_empty() {
                    let _ = writeln!(out, "{name} {value}");
                } else {
                    let _ = writeln!(out, "{name}{{{labels}}} {value}");
                }
            }
        }
        if flavor == Flavor::OpenMetrics {
            out.push_str("# EOF\n");
        }
        out
    }
}

/// The unit OpenMetrics declares for a family whose name ends with one.
fn unit_of(name: &str) -> Option<&'static str> {
    let base = name.trim_end_matches("_total");
    if base.ends_with("_seconds") {
        Some("seconds")
    } else if base.ends_with("_usd") {
        Some("usd")
    } else {
        None
    }
}

/// A label value as the text formats quote it.
fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The exposition of a monitor's targets (and of a probe, for `/probe`).
pub fn exposition(targets: &[TargetView], probe: Option<Probe>, flavor: Flavor) -> String {
    let mut x = Exposition::new();
    if let Some(p) = probe {
        x.add("probe_success", &[], f64::from(u8::from(p.success)));
        x.add("probe_duration_seconds", &[], p.duration.as_secs_f64());
    }
    if targets.iter().any(|t| t.runs.is_some()) {
        x.add(
            "tlcheck_build_info",
            &[("version", env!("CARGO_PKG_VERSION"))],
            1.0,
        );
    }
    for t in targets {
        target(&mut x, t);
    }
    x.render(flavor)
}

/// `doctor --format openmetrics`: one report's gauges, for node_exporter's textfile collector or
/// a Pushgateway. Only gauges, and `# EOF` at the end: valid as OpenMetrics and as Prometheus text.
pub fn report(report: &Report) -> String {
    exposition(
        &[TargetView {
            name: "default",
            report,
            runs: None,
        }],
        None,
        Flavor::OpenMetrics,
    )
}

fn target(x: &mut Exposition, t: &TargetView) {
    let name = t.name;
    let report = t.report;
    let code = report.exit_code();
    let passed = code == crate::report::exit::OK || code == crate::report::exit::WARNINGS_STRICT;
    x.add(
        "tlcheck_up",
        &[("target", name)],
        f64::from(u8::from(passed)),
    );
    x.add("tlcheck_exit_code", &[("target", name)], f64::from(code));
    let model = report
        .target
        .model
        .as_ref()
        .map_or(DEFAULT_MODEL, |m| m.value.as_str());
    for check in &report.checks {
        let labels = [("target", name), ("check", check.id)];
        let status = ran_status(report, check);
        if status != Status::Skip {
            let ok = status != Status::Fail;
            x.add("tlcheck_check_success", &labels, f64::from(u8::from(ok)));
            x.add(
                "tlcheck_check_duration_seconds",
                &labels,
                check.duration.as_secs_f64(),
            );
        }
        for (_, fact) in &check.facts {
            fact_samples(x, name, check.id, fact);
        }
        if status != Status::Skip && [ids::CHAT, ids::STREAM].contains(&check.id) {
            let failing = report
                .findings
                .iter()
                .find(|f| f.severity == Severity::Fail && f.seen_by.contains(&check.id))
                .map(|f| f.code.as_str());
            let mut labels = vec![
                ("target", name),
                ("check", check.id),
                ("gen_ai_operation_name", "chat"),
                ("gen_ai_request_model", model),
            ];
            if let Some(code) = failing {
                labels.push(("error_type", code));
            }
            x.add(
                "tlcheck_gen_ai_client_operation_duration_seconds",
                &labels,
                check.duration.as_secs_f64(),
            );
        }
        if check.id == ids::STREAM && status != Status::Skip {
            let at = |phase: &str| {
                check
                    .timeline
                    .iter()
                    .find(|(p, _)| *p == phase)
                    .map(|(_, d)| d.as_secs_f64())
            };
            let labels = [
                ("target", name),
                ("gen_ai_operation_name", "chat"),
                ("gen_ai_request_model", model),
            ];
            if let Some(s) = at("first event") {
                x.add(
                    "tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds",
                    &labels,
                    s,
                );
            }
            if let Some(s) = at("first token") {
                x.add("tlcheck_stream_time_to_first_token_seconds", &labels, s);
            }
            // `[DONE]` arrived unless the stream failed (a buffered stream still ends with it).
            if status != Status::Fail
                && let Some(s) = at("end")
            {
                x.add("tlcheck_stream_time_to_done_seconds", &labels, s);
            }
        }
    }
    for f in &report.findings {
        x.add(
            "tlcheck_finding",
            &[
                ("target", name),
                ("code", f.code.as_str()),
                ("severity", f.severity.as_str()),
                ("check", f.check),
            ],
            1.0,
        );
    }
    if let Some(runs) = t.runs {
        let labels = [("target", name)];
        x.add("tlcheck_probe_cost_usd_total", &labels, runs.cost_usd);
        x.add(
            "tlcheck_runs_total",
            &[("target", name), ("plan", "free")],
            runs.free as f64,
        );
        x.add(
            "tlcheck_runs_total",
            &[("target", name), ("plan", "billed")],
            runs.billed as f64,
        );
        x.add("tlcheck_run_failures_total", &labels, runs.failed as f64);
        x.add(
            "tlcheck_last_run_timestamp_seconds",
            &labels,
            runs.last_end_unix,
        );
        x.add(
            "tlcheck_run_duration_seconds",
            &labels,
            runs.last_duration.as_secs_f64(),
        );
    }
}

/// How a check ended, for its series: a check the correlation skipped because a cause another
/// check found first blocked it did run, and failed (or warned) with that cause.
fn ran_status(report: &Report, check: &crate::report::Check) -> Status {
    if check.status != Status::Skip {
        return check.status;
    }
    let blockers: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info && f.seen_by.contains(&check.id))
        .collect();
    if blockers.is_empty() {
        return Status::Skip;
    }
    Status::from_findings(blockers)
}

fn fact_samples(x: &mut Exposition, name: &str, check: &'static str, fact: &Fact) {
    let labels = [("target", name)];
    match fact {
        Fact::Expires { at: Some(at), .. } => {
            x.add("tlcheck_key_expiry_timestamp_seconds", &labels, *at as f64);
        }
        Fact::Spend {
            spend,
            max_budget,
            resets,
            ..
        } => {
            x.add("tlcheck_key_spend_usd", &labels, *spend);
            if let Some(max) = max_budget {
                x.add("tlcheck_key_max_budget_usd", &labels, *max);
            }
            if let Some(at) = resets {
                x.add(
                    "tlcheck_key_budget_reset_timestamp_seconds",
                    &labels,
                    *at as f64,
                );
            }
        }
        Fact::Limits { rpm, tpm, parallel } => {
            for (family, limit) in [
                ("tlcheck_key_requests_per_minute_limit", rpm),
                ("tlcheck_key_tokens_per_minute_limit", tpm),
                ("tlcheck_key_parallel_requests_limit", parallel),
            ] {
                if let Some(n) = limit {
                    x.add(family, &labels, *n as f64);
                }
            }
        }
        Fact::Resolved { took, .. } => {
            x.add("tlcheck_dns_duration_seconds", &labels, took.as_secs_f64());
        }
        Fact::Connected { took, .. } => {
            x.add(
                "tlcheck_connect_duration_seconds",
                &labels,
                took.as_secs_f64(),
            );
        }
        Fact::Usd(cost) => {
            x.add(
                "tlcheck_probe_cost_usd",
                &[("target", name), ("check", check)],
                *cost,
            );
        }
        _ => {}
    }
}

/// What a run's billed probes cost, as the gateway reported it (USD).
pub fn cost_of(report: &Report) -> f64 {
    report
        .checks
        .iter()
        .flat_map(|c| &c.facts)
        .filter_map(|(_, f)| match f {
            Fact::Usd(cost) => Some(*cost),
            _ => None,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Code;
    use crate::inputs::Target;
    use crate::report::{Finding, Outcome};

    fn sample() -> Report {
        let mut r = Report::new("monitor", Target::default(), false);
        let mut info = Outcome::findings(vec![
            Finding::new(Code::BudgetLow, ids::KEY_INFO).detail("spent $9.5 of $10.00"),
        ]);
        info.fact(
            "expires",
            Fact::Expires {
                at: Some(1_900_000_000),
                now: 1_800_000_000,
            },
        );
        info.fact(
            "spend",
            Fact::Spend {
                spend: 9.5,
                max_budget: Some(10.0),
                window: None,
                resets: None,
                now: 0,
            },
        );
        info.fact(
            "limits",
            Fact::Limits {
                rpm: Some(60),
                tpm: None,
                parallel: Some(2),
            },
        );
        r.record(ids::KEY_INFO, "Key info", Duration::from_millis(12), info);
        let mut stream = Outcome::findings(Vec::new());
        stream.fact("cost", Fact::Usd(0.000_002));
        stream.timeline = vec![
            ("first event", Duration::from_millis(200)),
            ("first token", Duration::from_millis(250)),
            ("end", Duration::from_millis(900)),
        ];
        r.record(ids::STREAM, "Stream", Duration::from_millis(910), stream);
        r.skip(
            ids::CHAT,
            "Chat",
            "not run: --no-spend skips billed requests",
        );
        crate::correlate::correlate(&mut r);
        r
    }

    #[test]
    fn the_exposition_carries_the_last_results_in_base_units() {
        let report = sample();
        let runs = Runs {
            free: 3,
            billed: 1,
            failed: 0,
            cost_usd: 0.000_002,
            last_end_unix: 1_800_000_000.5,
            last_duration: Duration::from_millis(950),
        };
        let text = exposition(
            &[TargetView {
                name: "prod",
                report: &report,
                runs: Some(&runs),
            }],
            None,
            Flavor::Prometheus,
        );
        for line in [
            "tlcheck_up{target=\"prod\"} 1",
            "tlcheck_check_success{target=\"prod\",check=\"key_info\"} 1",
            "tlcheck_check_duration_seconds{target=\"prod\",check=\"key_info\"} 0.012",
            "tlcheck_finding{target=\"prod\",code=\"budget.low\",severity=\"warn\",check=\"key_info\"} 1",
            "tlcheck_key_expiry_timestamp_seconds{target=\"prod\"} 1900000000",
            "tlcheck_key_spend_usd{target=\"prod\"} 9.5",
            "tlcheck_key_max_budget_usd{target=\"prod\"} 10",
            "tlcheck_key_requests_per_minute_limit{target=\"prod\"} 60",
            "tlcheck_key_parallel_requests_limit{target=\"prod\"} 2",
            "tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds{target=\"prod\",gen_ai_operation_name=\"chat\",gen_ai_request_model=\"gpt-4o-mini\"} 0.2",
            "tlcheck_stream_time_to_done_seconds{target=\"prod\",gen_ai_operation_name=\"chat\",gen_ai_request_model=\"gpt-4o-mini\"} 0.9",
            "tlcheck_runs_total{target=\"prod\",plan=\"billed\"} 1",
            "# TYPE tlcheck_runs_total counter",
        ] {
            assert!(text.lines().any(|l| l == line), "{line}\n{text}");
        }
        // No series for what was not measured: a skipped check, a limit that is not set.
        assert!(!text.contains("check=\"chat\""), "{text}");
        assert!(!text.contains("tokens_per_minute_limit{"), "{text}");
        assert!(!text.contains("# EOF"));
    }

    #[test]
    fn openmetrics_names_counter_families_without_total_and_ends_with_eof() {
        let report = sample();
        let runs = Runs::default();
        let text = exposition(
            &[TargetView {
                name: "prod",
                report: &report,
                runs: Some(&runs),
            }],
            Some(Probe {
                success: false,
                duration: Duration::from_millis(1500),
            }),
            Flavor::OpenMetrics,
        );
        assert!(text.contains("# TYPE tlcheck_runs counter\n"), "{text}");
        assert!(
            text.contains("# UNIT tlcheck_key_spend_usd usd\n"),
            "{text}"
        );
        assert!(text.contains("\nprobe_success 0\n"), "{text}");
        assert!(text.contains("\nprobe_duration_seconds 1.5\n"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn label_values_are_escaped_and_the_accept_header_picks_the_format() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(Flavor::from_accept(None), Flavor::Prometheus);
        assert_eq!(
            Flavor::from_accept(Some(
                "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
            )),
            Flavor::OpenMetrics
        );
    }
}
