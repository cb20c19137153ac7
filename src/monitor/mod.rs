//! `tlcheck monitor`: the doctor's checks on a schedule, per target, with the last result of
//! every check kept for Prometheus. Runs for one target never overlap; each run logs one line.

pub mod config;
pub mod server;

use crate::render::openmetrics::{self, Flavor, Probe, Runs, TargetView};
use crate::report::{Report, Status, exit};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Runs one target's checks and returns the report, redacted but not yet correlated: the target's
/// name, whether to include the billed probes, and a deadline for each network step (a probe's).
pub type Runner =
    Arc<dyn Fn(&str, bool, Option<Duration>) -> anyhow::Result<Report> + Send + Sync + 'static>;

/// How each run is logged on stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// What the monitor was asked to do.
pub struct Settings {
    pub interval: Duration,
    /// `None`: never run the billed probes (`--no-spend`).
    pub spend_interval: Option<Duration>,
    pub log: LogFormat,
    /// The checks only a billed run runs: a free run keeps their last billed result.
    pub billed_checks: Vec<&'static str>,
}

/// One target's state: its runs are serialized by `running`; `last` is what `/metrics` shows.
pub struct TargetState {
    pub name: String,
    running: Arc<tokio::sync::Mutex<()>>,
    last: Mutex<Last>,
}

#[derive(Default)]
struct Last {
    /// The last billed run's report, raw, for the checks a free run skips.
    billed: Option<Report>,
    /// Every check's last result, correlated: what the metrics show.
    shown: Option<Report>,
    runs: Runs,
}

/// The monitor: its targets, how to run them, and how it logs.
pub struct Monitor {
    pub targets: Vec<TargetState>,
    runner: Runner,
    pub settings: Settings,
}

/// What one run ended with.
pub struct Ran {
    /// The exit code of the run's own checks; `None` when tlcheck could not run them.
    pub exit_code: Option<u8>,
    pub duration: Duration,
}

impl Monitor {
    pub fn new(names: Vec<String>, runner: Runner, settings: Settings) -> Monitor {
        Monitor {
            targets: names
                .into_iter()
                .map(|name| TargetState {
                    name,
                    running: Arc::new(tokio::sync::Mutex::new(())),
                    last: Mutex::new(Last::default()),
                })
                .collect(),
            runner,
            settings,
        }
    }

    pub fn find(&self, name: &str) -> Option<usize> {
        self.targets.iter().position(|t| t.name == name)
    }

    /// Run target `i` once, after any run of it still going. The run itself happens on a
    /// blocking thread that holds the target's lock to its end and records its own result, so a
    /// caller that stops waiting (a probe's deadline) neither loses it nor lets another overlap.
    pub async fn run(self: &Arc<Self>, i: usize, billed: bool, deadline: Option<Duration>) -> Ran {
        let guard = self.targets[i].running.clone().lock_owned().await;
        let me = self.clone();
        let task = tokio::task::spawn_blocking(move || {
            let _running = guard;
            me.run_now(i, billed, deadline)
        });
        task.await.unwrap_or(Ran {
            exit_code: None,
            duration: Duration::ZERO,
        })
    }

    fn run_now(&self, i: usize, billed: bool, deadline: Option<Duration>) -> Ran {
        let target = &self.targets[i];
        let started = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            (self.runner)(&target.name, billed, deadline)
        }))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("tlcheck failed inside this run")));
        let duration = started.elapsed();
        let mut last = target.last.lock().unwrap_or_else(|e| e.into_inner());
        let (exit_code, error) = match outcome {
            Ok(mut report) => {
                // The metrics read checks and findings; the wire (bodies, headers) is not kept.
                report.requests = Vec::new();
                if billed {
                    last.runs.cost_usd += openmetrics::cost_of(&report);
                }
                let mut shown = match (&last.billed, billed) {
                    (Some(prev), false) => {
                        merge(report.clone(), prev, &self.settings.billed_checks)
                    }
                    _ => report.clone(),
                };
                if billed {
                    last.billed = Some(report);
                }
                crate::correlate::correlate(&mut shown);
                let code = shown.exit_code();
                last.shown = Some(shown);
                (Some(code), None)
            }
            Err(e) => (
                None,
                Some(crate::redact::redact(&format!("{e:#}")).into_owned()),
            ),
        };
        let runs = &mut last.runs;
        if billed {
            runs.billed += 1;
        } else {
            runs.free += 1;
        }
        if !exit_code.is_some_and(passes) {
            runs.failed += 1;
        }
        runs.last_end_unix = unix_now();
        runs.last_duration = duration;
        let findings: Vec<String> = last
            .shown
            .iter()
            .flat_map(|r| &r.findings)
            .map(|f| f.code.as_str().to_owned())
            .collect();
        drop(last);
        self.log(&target.name, billed, exit_code, duration, &findings, error);
        Ran {
            exit_code,
            duration,
        }
    }

    fn log(
        &self,
        name: &str,
        billed: bool,
        exit_code: Option<u8>,
        duration: Duration,
        findings: &[String],
        error: Option<String>,
    ) {
        let plan = if billed { "billed" } else { "free" };
        let up = exit_code.is_some_and(passes);
        let line = match self.settings.log {
            LogFormat::Json => serde_json::json!({
                "time": crate::time::format_utc(crate::time::now_unix()),
                "target": name,
                "plan": plan,
                "up": up,
                "exit_code": exit_code,
                "duration_ms": duration.as_secs_f64() * 1000.0,
                "findings": findings,
                "error": error,
            })
            .to_string(),
            LogFormat::Text => {
                let mut line = format!(
                    "{} target={name} plan={plan} up={} exit={} duration={:.3}s",
                    crate::time::format_utc(crate::time::now_unix()),
                    u8::from(up),
                    exit_code.map_or("-".to_owned(), |c| c.to_string()),
                    duration.as_secs_f64(),
                );
                if !findings.is_empty() {
                    line.push_str(&format!(" findings={}", findings.join(",")));
                }
                if let Some(e) = error {
                    line.push_str(&format!(" error={:?}", e));
                }
                line
            }
        };
        let out = crate::output::Output::new(crate::redact::Redactor::new())
            .json(self.settings.log == LogFormat::Json);
        let _ = out.stderr(&format!("{}\n", crate::render::printable(&line)));
    }

    /// `/metrics`: every target's last results and counts.
    pub fn metrics(&self, flavor: Flavor) -> String {
        let lasts: Vec<_> = self
            .targets
            .iter()
            .map(|t| t.last.lock().unwrap_or_else(|e| e.into_inner()))
            .collect();
        let views: Vec<TargetView> = self
            .targets
            .iter()
            .zip(&lasts)
            .filter_map(|(t, last)| {
                last.shown.as_ref().map(|report| TargetView {
                    name: &t.name,
                    report,
                    runs: Some(&last.runs),
                })
            })
            .collect();
        let text = openmetrics::exposition(&views, None, flavor);
        crate::redact::redact(&text).into_owned()
    }

    /// `/probe`: one target's results after a run just made, with the probe's own success and
    /// duration; a run that missed the deadline is a failed probe.
    pub fn probe_metrics(
        &self,
        i: usize,
        ran: Option<Ran>,
        took: Duration,
        flavor: Flavor,
    ) -> String {
        let success = ran.and_then(|r| r.exit_code).is_some_and(passes);
        let probe = Probe {
            success,
            duration: took,
        };
        let last = self.targets[i]
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let views: Vec<TargetView> = last
            .shown
            .as_ref()
            .map(|report| TargetView {
                name: &self.targets[i].name,
                report,
                runs: Some(&last.runs),
            })
            .into_iter()
            .collect();
        let text = openmetrics::exposition(&views, Some(probe), flavor);
        crate::redact::redact(&text).into_owned()
    }
}

/// Whether an exit code is a pass: 0, or 3 (warnings, under `--strict`).
fn passes(code: u8) -> bool {
    code == exit::OK || code == exit::WARNINGS_STRICT
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// A free run's report with the billed checks' last results put back: every check shows its last
/// result. Both reports are raw (not yet correlated), so each finding still names its check.
fn merge(mut free: Report, billed: &Report, billed_checks: &[&str]) -> Report {
    for id in billed_checks {
        let Some(prev) = billed
            .checks
            .iter()
            .find(|c| c.id == *id && c.status != Status::Skip)
        else {
            continue;
        };
        if let Some(slot) = free.checks.iter_mut().find(|c| c.id == *id) {
            *slot = prev.clone();
        }
        free.findings.retain(|f| f.check != *id);
        free.findings
            .extend(billed.findings.iter().filter(|f| f.check == *id).cloned());
    }
    free
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Code;
    use crate::checks::ids;
    use crate::inputs::Target;
    use crate::report::{Finding, Outcome};

    #[test]
    fn a_free_run_keeps_the_last_billed_result_of_the_billed_checks() {
        let mut billed = Report::new("monitor", Target::default(), false);
        billed.record(
            ids::STREAM,
            "Stream",
            Duration::from_millis(900),
            Outcome::findings(vec![Finding::new(Code::StreamBuffered, ids::STREAM)]),
        );
        let mut free = Report::new("monitor", Target::default(), false);
        free.record(
            ids::MODELS,
            "Models",
            Duration::from_millis(5),
            Outcome::findings(Vec::new()),
        );
        free.skip(
            ids::STREAM,
            "Stream",
            "not run: --no-spend skips billed requests",
        );
        let merged = merge(free, &billed, &[ids::CHAT, ids::STREAM]);
        let stream = merged.checks.iter().find(|c| c.id == ids::STREAM).unwrap();
        assert_eq!(stream.status, Status::Warn);
        assert_eq!(merged.findings.len(), 1);
        assert_eq!(merged.findings[0].code, Code::StreamBuffered);
        assert!(merged.checks.iter().any(|c| c.id == ids::MODELS));
    }
}
