//! One cause, one finding: merges what several checks (or one check many times) saw of the same
//! cause, skips the checks an earlier failure left with nothing new to say, and puts the root
//! cause first. Runs on the finished report, before any renderer reads it.

use crate::catalog::{Code, Layer, Severity};
use crate::report::{Finding, Report, Status};

/// Correlate a report in place. Idempotent: a correlated report is left as it is.
pub fn correlate(report: &mut Report) {
    drop_explained_consequences(&mut report.findings);
    report.findings = merge(std::mem::take(&mut report.findings));
    skip_blocked_checks(report);
    lead_with_the_root_cause(&mut report.findings);
}

/// `stream.not_sse` says only "an error came back instead of a stream"; the error itself is a
/// finding of its own. When another check already explained that same error, the stream probe
/// learned nothing new and the consequence is dropped. It stays when the stream's answer
/// differs from everything else (a stream-only refusal, a page only the POST met).
fn drop_explained_consequences(findings: &mut Vec<Finding>) {
    let explained = |check: &str, all: &[Finding]| {
        all.iter()
            .filter(|f| f.check == check && f.code != Code::StreamNotSse)
            .filter(|f| f.severity == Severity::Fail)
            .any(|f| {
                all.iter().any(|other| {
                    other.check != check && other.code == f.code && other.severity == f.severity
                })
            })
    };
    let drop: Vec<&'static str> = findings
        .iter()
        .filter(|f| f.code == Code::StreamNotSse && explained(f.check, findings))
        .map(|f| f.check)
        .collect();
    findings.retain(|f| !(f.code == Code::StreamNotSse && drop.contains(&f.check)));
}

/// One finding per code and severity, in the order first seen: every later sighting is absorbed
/// into the first ([`Finding::absorb`]).
fn merge(findings: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    for mut f in findings {
        match merged
            .iter_mut()
            .find(|m| m.code == f.code && m.severity == f.severity)
        {
            Some(m) => m.absorb(f),
            None => {
                if f.seen_by.is_empty() {
                    f.seen_by.push(f.check);
                }
                merged.push(f);
            }
        }
    }
    merged
}

/// A check whose every failure or warning is a cause another check found first is `skip`,
/// "blocked by" that cause: it ran, but could tell nothing new.
fn skip_blocked_checks(report: &mut Report) {
    for check in report
        .checks
        .iter_mut()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
    {
        let owns_a_problem = report
            .findings
            .iter()
            .any(|f| f.check == check.id && f.severity != Severity::Info);
        if owns_a_problem {
            continue;
        }
        let blockers: Vec<String> = report
            .findings
            .iter()
            .filter(|f| f.severity != Severity::Info && f.seen_by.contains(&check.id))
            .map(|f| format!("`{}` (found by {})", f.code, f.check))
            .collect();
        if blockers.is_empty() {
            continue;
        }
        check.status = Status::Skip;
        check.note = Some(format!("blocked by {}", blockers.join(", ")));
    }
}

/// Failures first, in the order of the layers that decide the exit code, then warnings, then
/// information; the order of discovery within each.
fn lead_with_the_root_cause(findings: &mut [Finding]) {
    findings.sort_by_key(|f| {
        let layer = Layer::PRECEDENCE
            .iter()
            .position(|l| *l == f.layer())
            .unwrap_or(usize::MAX);
        (std::cmp::Reverse(f.severity), layer)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Target;
    use crate::report::Outcome;
    use std::time::Duration;

    fn expired(check: &'static str) -> Finding {
        Finding::new(Code::AuthExpiredKey, check)
            .detail("the key expired")
            .evidence("status", 401)
    }

    fn report(checks: Vec<(&'static str, Vec<Finding>)>) -> Report {
        let mut r = Report::new("doctor", Target::default(), false);
        for (id, findings) in checks {
            r.record(id, id, Duration::ZERO, Outcome::findings(findings));
        }
        r
    }

    #[test]
    fn one_cause_seen_by_four_checks_is_one_finding_and_three_blocked_checks() {
        let mut r = report(vec![
            ("models", vec![expired("models")]),
            ("key_info", vec![expired("key_info")]),
            ("chat", vec![expired("chat")]),
            (
                "stream",
                vec![
                    expired("stream"),
                    Finding::new(Code::StreamNotSse, "stream"),
                ],
            ),
        ]);
        correlate(&mut r);
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        let f = &r.findings[0];
        assert_eq!(f.code, Code::AuthExpiredKey);
        assert_eq!(f.check, "models");
        assert_eq!(f.seen_by, ["models", "key_info", "chat", "stream"]);
        assert!(
            f.other_sightings.is_empty(),
            "identical evidence is listed once"
        );
        let statuses: Vec<_> = r.checks.iter().map(|c| c.status).collect();
        assert_eq!(
            statuses,
            [Status::Fail, Status::Skip, Status::Skip, Status::Skip]
        );
        assert_eq!(
            r.checks[3].note.as_deref(),
            Some("blocked by `auth.expired_key` (found by models)")
        );
        assert_eq!(r.count(Severity::Fail), 1);
        assert_eq!(r.exit_code(), 12);
    }

    #[test]
    fn a_stream_only_refusal_keeps_its_not_sse() {
        let mut r = report(vec![
            ("chat", vec![]),
            (
                "stream",
                vec![
                    Finding::new(Code::RateParallel, "stream"),
                    Finding::new(Code::StreamNotSse, "stream"),
                ],
            ),
        ]);
        correlate(&mut r);
        let codes: Vec<_> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::RateParallel, Code::StreamNotSse]);
        assert_eq!(r.checks[1].status, Status::Fail);
    }

    #[test]
    fn repeats_collapse_into_a_count_with_a_few_differing_examples() {
        let events: Vec<Finding> = (0..1000)
            .map(|i| Finding::new(Code::StreamErrorEvent, "stream").evidence("event", i % 10))
            .collect();
        let mut r = report(vec![("stream", events)]);
        correlate(&mut r);
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].occurrences, 1000);
        assert_eq!(
            r.findings[0].other_sightings.len(),
            crate::report::EXAMPLES_KEPT
        );
    }

    #[test]
    fn the_root_cause_leads_and_a_check_with_its_own_cause_is_not_blocked() {
        let mut r = report(vec![
            ("health", vec![Finding::new(Code::UpstreamNoDb, "health")]),
            (
                "models",
                vec![
                    Finding::new(Code::AuthInvalidKey, "models"),
                    Finding::new(Code::UpstreamNoDb, "models"),
                ],
            ),
        ]);
        correlate(&mut r);
        let codes: Vec<_> = r.findings.iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::AuthInvalidKey, Code::UpstreamNoDb]);
        assert_eq!(r.checks[1].status, Status::Fail);
    }

    #[test]
    fn correlating_twice_changes_nothing() {
        let mut r = report(vec![
            ("models", vec![expired("models")]),
            ("chat", vec![expired("chat").evidence("extra", "x")]),
        ]);
        correlate(&mut r);
        let once = (r.findings.clone(), r.checks.clone());
        correlate(&mut r);
        assert_eq!((r.findings.clone(), r.checks.clone()), once);
        assert_eq!(r.findings[0].occurrences, 2);
        assert_eq!(r.findings[0].other_sightings.len(), 1);
    }
}
