//! The report: checks and their findings as plain data, and the one rule that turns a report into
//! an exit code.

use crate::catalog::{Code, Layer, Severity};
use crate::inputs::Target;
use crate::net::Wire;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use std::time::Duration;

/// Process exit codes other than the per-layer ones in the catalog.
pub mod exit {
    /// Every check passed (warnings allowed).
    pub const OK: u8 = 0;
    /// tlcheck itself could not run the checks.
    pub const ERROR: u8 = 1;
    /// Bad flags or arguments.
    pub const USAGE: u8 = 2;
    /// Only warnings, and `--strict` was given.
    pub const WARNINGS_STRICT: u8 = 3;
}

/// Ordered key/value evidence behind a finding: status, headers, excerpts, positions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence(Vec<(&'static str, serde_json::Value)>);

impl Evidence {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add an entry; a list longer than [`EVIDENCE_LIST_CAP`] keeps its first items and says how
    /// many more there were, a text longer than [`EVIDENCE_TEXT_CAP`] is cut.
    pub fn push(&mut self, name: &'static str, value: impl Into<serde_json::Value>) {
        self.0.push((name, capped(value.into())));
    }

    pub fn get(&self, name: &str) -> Option<&serde_json::Value> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Apply `f` to every text in the evidence, names of nested objects included.
    pub fn map_text(&mut self, f: &dyn Fn(&str) -> String) {
        self.0.iter_mut().for_each(|(_, v)| map_json_text(v, f));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &serde_json::Value)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
}

/// The most items a list in a finding's evidence keeps.
pub const EVIDENCE_LIST_CAP: usize = 20;
/// The most bytes a text in a finding's evidence keeps.
pub const EVIDENCE_TEXT_CAP: usize = 4096;
/// How many other details a finding that happened many times keeps as examples.
pub const EXAMPLES_KEPT: usize = 3;

fn capped(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Array(mut items) if items.len() > EVIDENCE_LIST_CAP => {
            let more = items.len() - EVIDENCE_LIST_CAP;
            items.truncate(EVIDENCE_LIST_CAP);
            items.push(Value::String(format!("… and {more} more")));
            Value::Array(items)
        }
        Value::String(s) if s.len() > EVIDENCE_TEXT_CAP => {
            let mut end = EVIDENCE_TEXT_CAP;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            Value::String(format!("{}… ({} bytes in all)", &s[..end], s.len()))
        }
        other => other,
    }
}

/// Add `f` to `findings`, collapsing repeats: a finding with the same code, check and severity
/// as one already there is absorbed into it ([`Finding::absorb`]). A hostile stream of many error
/// events is one finding with a count, not a finding per event.
pub fn add_collapsed(findings: &mut Vec<Finding>, f: Finding) {
    match findings
        .iter_mut()
        .find(|g| g.code == f.code && g.check == f.check && g.severity == f.severity)
    {
        Some(first) => first.absorb(f),
        None => findings.push(f),
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One diagnosis: a catalog code, how bad it is here, and what was seen.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The id of the check that produced it.
    pub check: &'static str,
    /// What exactly was seen in this case, in one line.
    pub detail: Option<String>,
    /// A corrected value to use instead (a URL, a header), when one can be given safely.
    pub suggestion: Option<String>,
    pub evidence: Evidence,
    /// Every check that met this cause, in report order, `check` first (filled in when the
    /// report is correlated; see [`crate::correlate`]).
    pub seen_by: Vec<&'static str>,
    /// How many times the cause was met, across checks and within one (a stream's repeated
    /// error events).
    pub occurrences: u32,
    /// Where the same cause showed with other details, as examples (a few at most).
    pub other_sightings: Vec<Sighting>,
}

/// One more place a cause showed, when what was seen there differs from the finding's own.
#[derive(Clone, Debug, PartialEq)]
pub struct Sighting {
    pub check: &'static str,
    pub detail: Option<String>,
    pub evidence: Evidence,
}

impl Finding {
    /// A finding with the catalog's default severity.
    pub fn new(code: Code, check: &'static str) -> Self {
        Finding {
            code,
            severity: code.entry().severity,
            check,
            detail: None,
            suggestion: None,
            evidence: Evidence::new(),
            seen_by: Vec::new(),
            occurrences: 1,
            other_sightings: Vec::new(),
        }
    }

    /// Take in another sighting of the same cause: it counts, its checks join `seen_by`, and,
    /// while there are few, what it saw differently is kept as an example. The one rule for
    /// repeats within a check and for the same cause across checks.
    pub fn absorb(&mut self, other: Finding) {
        if self.seen_by.is_empty() {
            self.seen_by.push(self.check);
        }
        self.occurrences = self.occurrences.max(1) + other.occurrences.max(1);
        for check in other.checks() {
            if !self.seen_by.contains(&check) {
                self.seen_by.push(check);
            }
        }
        if self.suggestion.is_none() {
            self.suggestion = other.suggestion.clone();
        }
        let sightings = std::iter::once(Sighting {
            check: other.check,
            detail: other.detail,
            evidence: other.evidence,
        })
        .chain(other.other_sightings);
        for s in sightings {
            let known = (self.detail == s.detail && self.evidence == s.evidence)
                || self
                    .other_sightings
                    .iter()
                    .any(|o| o.detail == s.detail && o.evidence == s.evidence);
            if !known && self.other_sightings.len() < EXAMPLES_KEPT {
                self.other_sightings.push(s);
            }
        }
    }

    /// The checks that met this cause: `seen_by`, or only `check` before correlation.
    pub fn checks(&self) -> Vec<&'static str> {
        if self.seen_by.is_empty() {
            vec![self.check]
        } else {
            self.seen_by.clone()
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into());
        self
    }

    pub fn evidence(mut self, name: &'static str, value: impl Into<serde_json::Value>) -> Self {
        self.evidence.push(name, value);
        self
    }

    pub fn layer(&self) -> Layer {
        self.code.layer()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Status {
    /// The status a check earns from its findings: the worst severity among them.
    pub fn from_findings<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Status {
        match findings.into_iter().map(|f| f.severity).max() {
            Some(Severity::Fail) => Status::Fail,
            Some(Severity::Warn) => Status::Warn,
            Some(Severity::Info) | None => Status::Pass,
        }
    }
}

/// What a check read or measured, as data: JSON gives machines the values
/// (`checks[].values`), and renderers word them ([`crate::render::words`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Fact {
    /// Words with no value beneath them (a proxy decision, a finish reason).
    Text(String),
    /// A price in US dollars (`x-litellm-response-cost`).
    Usd(f64),
    /// A host name and the addresses it resolved to, and how long that took.
    Resolved {
        host: String,
        addresses: Vec<String>,
        took: Duration,
    },
    /// The address a connection was opened to, and how long that took.
    Connected { address: String, took: Duration },
    /// The model ids a key lists, with the one asked for.
    Models { ids: Vec<String>, target: String },
    /// The models a key may call; empty means every model of its plan.
    Allowlist(Vec<String>),
    /// When the key expires (Unix seconds, UTC), seen at `now`; `None` is never.
    Expires { at: Option<i64>, now: i64 },
    /// The key's spend against its budget (USD), its window and next reset, seen at `now`.
    Spend {
        spend: f64,
        max_budget: Option<f64>,
        window: Option<String>,
        resets: Option<i64>,
        now: i64,
    },
    /// The key's own limits; `None` is no limit.
    Limits {
        rpm: Option<u64>,
        tpm: Option<u64>,
        parallel: Option<u64>,
    },
}

impl Fact {
    /// Apply `f` to every text the fact holds (names, ids, addresses), for redaction.
    pub fn map_text(&mut self, f: &dyn Fn(&str) -> String) {
        let all = |list: &mut Vec<String>| list.iter_mut().for_each(|s| *s = f(s));
        match self {
            Fact::Text(text) => *text = f(text),
            Fact::Usd(_) | Fact::Expires { .. } | Fact::Limits { .. } => {}
            Fact::Resolved {
                host, addresses, ..
            } => {
                *host = f(host);
                all(addresses);
            }
            Fact::Connected { address, .. } => *address = f(address),
            Fact::Models { ids, target } => {
                all(ids);
                *target = f(target);
            }
            Fact::Allowlist(models) => all(models),
            Fact::Spend { window, .. } => *window = window.as_deref().map(f),
        }
    }
}

impl From<String> for Fact {
    fn from(text: String) -> Self {
        Fact::Text(text)
    }
}

impl From<&str> for Fact {
    fn from(text: &str) -> Self {
        Fact::Text(text.to_owned())
    }
}

/// One step of the tree that ran (or was skipped).
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub id: &'static str,
    pub title: String,
    pub status: Status,
    pub duration: Duration,
    /// One line on what the check saw, or why it was skipped.
    pub note: Option<String>,
    /// What the check measured or read, in display order (latency, limits, model ids…).
    pub facts: Vec<(&'static str, Fact)>,
    /// Phases and when each was reached, from the request (the stream's headers, first event…).
    pub timeline: Vec<(&'static str, Duration)>,
}

/// How much of the wire a report shows: the trace (`-v`, `-vv`) and curl reproductions
/// (`--curl`), which name the `--cacert` file the requests trusted.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Detail {
    pub trace: u8,
    pub curl: bool,
    pub cacert: Option<std::path::PathBuf>,
}

/// One HTTP request tlcheck made: for the report's list of calls to find on the Activity page,
/// the verbose trace and the curl reproduction.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestRecord {
    pub check: &'static str,
    pub method: &'static str,
    pub url: String,
    /// When it started, Unix seconds (UTC).
    pub started_unix: i64,
    pub status: Option<u16>,
    pub elapsed: Duration,
    /// tlcheck's request id, the headers and body sent, and the time of each phase.
    pub wire: Wire,
    /// The answer's headers (lowercase names, in order); empty without an answer.
    pub response_headers: Vec<(String, String)>,
    /// The first [`TRACE_BODY_CAP`] bytes of the answer's body.
    pub body: Vec<u8>,
    /// How many body bytes were read in all.
    pub body_bytes: u64,
    /// Why there was no answer, or why the body stopped short.
    pub failure: Option<String>,
}

/// The most of each answer's body a report keeps for the trace (`-vv` shows up to this much).
pub const TRACE_BODY_CAP: usize = 64 * 1024;

impl RequestRecord {
    /// A request that got no answer (or none recorded), with what was sent if known.
    pub fn unanswered(
        check: &'static str,
        method: &'static str,
        url: &url::Url,
        started_unix: i64,
        failure: &crate::net::TransportFailure,
    ) -> RequestRecord {
        RequestRecord {
            check,
            method,
            url: url.to_string(),
            started_unix,
            status: None,
            elapsed: failure.elapsed,
            wire: failure.wire.as_deref().cloned().unwrap_or_default(),
            response_headers: Vec::new(),
            body: Vec::new(),
            body_bytes: 0,
            failure: Some(failure.detail.clone()),
        }
    }

    /// The gateway's id for this call (`x-litellm-call-id`), from the answer's headers.
    pub fn call_id(&self) -> Option<&str> {
        self.response_headers
            .iter()
            .find(|(n, _)| n == crate::gateway::litellm::CALL_ID)
            .map(|(_, v)| v.as_str())
    }

    /// A request that was answered and read to its end (or the body cap).
    pub fn answered(check: &'static str, x: &crate::net::Exchange) -> RequestRecord {
        RequestRecord {
            check,
            method: x.method,
            url: x.url.clone(),
            started_unix: x.started_unix,
            status: Some(x.status),
            elapsed: x.elapsed,
            wire: x.wire.clone(),
            response_headers: x.headers.clone(),
            body: x.body[..x.body.len().min(TRACE_BODY_CAP)].to_vec(),
            body_bytes: x.body.len() as u64,
            failure: None,
        }
    }
}

/// Secrets found on the way (a key a server echoed), for the run's redactor; shown to no one,
/// not even in a debug print.
#[derive(Clone, Default, PartialEq)]
pub struct Secrets(pub Vec<String>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{} secrets]", self.0.len())
    }
}

/// What a check produced: findings, a note, facts, and the requests it made.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub note: Option<String>,
    pub facts: Vec<(&'static str, Fact)>,
    pub timeline: Vec<(&'static str, Duration)>,
    pub requests: Vec<RequestRecord>,
    /// Set when the check did not run; the reason.
    pub skipped: Option<String>,
    /// Secrets the check found (a key an answer carried), to be hidden from every output.
    pub secrets: Secrets,
}

impl Outcome {
    pub fn findings(findings: Vec<Finding>) -> Self {
        Outcome {
            findings,
            ..Default::default()
        }
    }

    pub fn skip(why: impl Into<String>) -> Self {
        Outcome {
            skipped: Some(why.into()),
            ..Default::default()
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn fact(&mut self, name: &'static str, value: impl Into<Fact>) {
        self.facts.push((name, value.into()));
    }

    /// Add a finding; repeats collapse into one ([`add_collapsed`]).
    pub fn push(&mut self, finding: Finding) {
        add_collapsed(&mut self.findings, finding);
    }
}

/// Everything a run found. Renderers only read it.
#[derive(Clone, Debug)]
pub struct Report {
    /// The subcommand that produced it (`header`, `url`, `doctor`…).
    pub command: &'static str,
    pub target: Target,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    /// Every HTTP request made, in the order the checks were recorded.
    pub requests: Vec<RequestRecord>,
    /// Lines the reader should see before the checks (the URL doctor continued against, say).
    pub notices: Vec<String>,
    pub strict: bool,
    /// When the run started, Unix seconds (UTC).
    pub started_unix: i64,
    /// Proxy variables in effect for the run, credentials masked: (variable, value).
    pub proxies: Vec<(String, String)>,
    pub detail: Detail,
    /// What fix texts name of the user's own setup (host, key variable).
    pub advice: crate::catalog::Advice,
    /// Secrets the checks found, for the run's redactor before anything is rendered.
    pub secrets: Secrets,
}

impl Report {
    pub fn new(command: &'static str, target: Target, strict: bool) -> Self {
        Report {
            command,
            advice: advice_for(&target),
            target,
            checks: Vec::new(),
            findings: Vec::new(),
            requests: Vec::new(),
            notices: Vec::new(),
            strict,
            started_unix: crate::time::now_unix(),
            proxies: Vec::new(),
            detail: Detail::default(),
            secrets: Secrets::default(),
        }
    }

    /// The report with `f` applied to every text in it that came from outside tlcheck or may carry
    /// a secret: inputs and their sources, notes, facts, findings and their evidence, requests and
    /// answers. The renderers then only ever see the result (redacted, made printable).
    pub fn map_text(mut self, f: &dyn Fn(&str) -> String) -> Report {
        let sources = |s: &mut crate::inputs::Source| s.name = f(&s.name);
        let shadowed = |list: &mut Vec<crate::inputs::Shadowed>| {
            for s in list {
                s.shown = f(&s.shown);
                s.source.name = f(&s.source.name);
            }
        };
        let t = &mut self.target;
        for v in [&mut t.base_url, &mut t.model].into_iter().flatten() {
            v.value = f(&v.value);
            sources(&mut v.source);
            shadowed(&mut v.shadowed);
        }
        if let Some(k) = &mut t.key {
            sources(&mut k.source);
            shadowed(&mut k.shadowed);
        }
        for list in [
            &mut t.empty_key_sources,
            &mut t.empty_url_sources,
            &mut t.empty_model_sources,
        ] {
            list.iter_mut().for_each(sources);
        }
        for c in &mut self.checks {
            c.title = f(&c.title);
            c.note = c.note.as_deref().map(f);
            c.facts.iter_mut().for_each(|(_, v)| v.map_text(f));
        }
        for finding in &mut self.findings {
            finding.detail = finding.detail.as_deref().map(f);
            finding.suggestion = finding.suggestion.as_deref().map(f);
            finding.evidence.map_text(f);
            for other in &mut finding.other_sightings {
                other.detail = other.detail.as_deref().map(f);
                other.evidence.map_text(f);
            }
        }
        for r in &mut self.requests {
            r.url = f(&r.url);
            r.failure = r.failure.as_deref().map(f);
            r.wire.request_body = r.wire.request_body.as_deref().map(f);
            for (n, v) in r
                .wire
                .request_headers
                .iter_mut()
                .chain(&mut r.response_headers)
            {
                *n = f(n);
                *v = f(v);
            }
            if !r.body.is_empty() {
                r.body = f(&String::from_utf8_lossy(&r.body)).into_bytes();
            }
        }
        self.notices.iter_mut().for_each(|n| *n = f(n));
        self.proxies.iter_mut().for_each(|(_, v)| *v = f(v));
        self
    }

    /// The first HTTP status and `error.type` a check met, and its gateway call id.
    pub fn http_summary(&self, check: &str) -> (Option<u16>, Option<String>, Option<&str>) {
        let request = self.requests.iter().rfind(|r| r.check == check);
        let error_type = self
            .findings_of(check)
            .find_map(|f| f.evidence.iter().find(|(k, _)| *k == "error_type"))
            .and_then(|(_, v)| v.as_str().map(str::to_owned));
        (
            request.and_then(|r| r.status),
            error_type,
            request.and_then(RequestRecord::call_id),
        )
    }

    /// A one-line verdict: `✗ 1 failure · first failing layer: budget exhausted`.
    pub fn verdict_line(&self) -> String {
        let fails = self.count(Severity::Fail);
        let warns = self.count(Severity::Warn);
        let mut parts = Vec::new();
        if fails > 0 {
            parts.push(plural(fails, "failure"));
        }
        if warns > 0 {
            parts.push(plural(warns, "warning"));
        }
        let counts = if parts.is_empty() {
            "no problems found".to_owned()
        } else {
            parts.join(", ")
        };
        match self.failing_layer() {
            Some(layer) => format!("{counts} · first failing layer: {}", layer.describe()),
            None if self.exit_code() == exit::WARNINGS_STRICT => format!("{counts} · --strict"),
            None => counts,
        }
    }

    /// Record a check with what it produced; its status follows from its findings.
    pub fn record(
        &mut self,
        id: &'static str,
        title: impl Into<String>,
        duration: Duration,
        outcome: Outcome,
    ) {
        let status = match &outcome.skipped {
            Some(_) => Status::Skip,
            None => Status::from_findings(&outcome.findings),
        };
        self.checks.push(Check {
            id,
            title: title.into(),
            status,
            duration,
            note: outcome.skipped.or(outcome.note),
            facts: outcome.facts,
            timeline: outcome.timeline,
        });
        for f in outcome.findings {
            add_collapsed(&mut self.findings, f);
        }
        self.requests.extend(outcome.requests);
        self.secrets.0.extend(outcome.secrets.0);
    }

    pub fn skip(&mut self, id: &'static str, title: impl Into<String>, why: impl Into<String>) {
        self.record(id, title, Duration::ZERO, Outcome::skip(why));
    }

    pub fn findings_of(&self, check: &str) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.check == check)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// The first failing layer in BRIEF's order, if any.
    pub fn failing_layer(&self) -> Option<Layer> {
        Layer::PRECEDENCE.into_iter().find(|layer| {
            self.findings
                .iter()
                .any(|f| f.severity == Severity::Fail && f.layer() == *layer)
        })
    }

    /// The exit code: the first failing layer's code; else 3 for warnings under `--strict`; else 0.
    pub fn exit_code(&self) -> u8 {
        if let Some(code) = self.failing_layer().and_then(Layer::exit_code) {
            return code;
        }
        if self.strict && self.count(Severity::Warn) > 0 {
            exit::WARNINGS_STRICT
        } else {
            exit::OK
        }
    }
}

/// Advice for a target: the key's own variable when it came from one; the host is set once the
/// base-URL rules have read it (`UrlVerdict::own_host`).
fn advice_for(target: &Target) -> crate::catalog::Advice {
    let mut advice = crate::catalog::Advice::default();
    if let Some(k) = &target.key
        && k.source.kind == crate::inputs::SourceKind::Env
    {
        advice.key_var = k.source.name.clone();
    }
    advice
}

/// Apply `f` to every string inside a JSON value, object keys included.
fn map_json_text(v: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    use serde_json::Value;
    match v {
        Value::String(s) => *s = f(s),
        Value::Array(items) => items.iter_mut().for_each(|i| map_json_text(i, f)),
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (k, mut item) in entries {
                map_json_text(&mut item, f);
                map.insert(f(&k), item);
            }
        }
        _ => {}
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Target;

    fn report(findings: &[(Code, Severity)], strict: bool) -> Report {
        let mut r = Report::new("test", Target::default(), strict);
        let fs = findings
            .iter()
            .map(|(c, s)| Finding::new(*c, "t").severity(*s))
            .collect();
        r.record("t", "test", Duration::ZERO, Outcome::findings(fs));
        r
    }

    #[test]
    fn first_failing_layer_wins_in_brief_order() {
        use Code::*;
        let f = Severity::Fail;
        assert_eq!(
            report(&[(StreamCut, f), (RateRequests, f)], false).exit_code(),
            14
        );
        assert_eq!(
            report(&[(RateRequests, f), (BudgetExhausted, f)], false).exit_code(),
            15
        );
        assert_eq!(
            report(&[(UpstreamError, f), (StreamCut, f)], false).exit_code(),
            17
        );
        assert_eq!(
            report(&[(AuthInvalidKey, f), (NetDns, f)], false).exit_code(),
            11
        );
        assert_eq!(
            report(&[(ModelUnknown, f), (UrlInvalid, f)], false).exit_code(),
            10
        );
    }

    #[test]
    fn warnings_pass_unless_strict() {
        let w = [(Code::KeyOnArgv, Severity::Warn)];
        assert_eq!(report(&w, false).exit_code(), 0);
        assert_eq!(report(&w, true).exit_code(), 3);
        let info = [(Code::UrlCustomHost, Severity::Info)];
        assert_eq!(report(&info, true).exit_code(), 0);
    }

    #[test]
    fn a_warning_never_hides_a_failure_under_strict() {
        let r = report(
            &[
                (Code::KeyOnArgv, Severity::Warn),
                (Code::NetTls, Severity::Fail),
            ],
            true,
        );
        assert_eq!(r.exit_code(), 11);
    }

    #[test]
    fn repeated_findings_collapse_and_evidence_is_capped() {
        let mut o = Outcome::default();
        for i in 0..100_000 {
            o.push(
                Finding::new(Code::StreamErrorEvent, "stream")
                    .detail(format!("event {}", i % 7))
                    .evidence("ids", (0..50).collect::<Vec<u32>>()),
            );
        }
        o.push(Finding::new(Code::UpstreamError, "stream"));
        assert_eq!(o.findings.len(), 2);
        let f = &o.findings[0];
        assert_eq!(f.occurrences, 100_000);
        let examples: Vec<_> = f
            .other_sightings
            .iter()
            .map(|s| s.detail.as_deref().unwrap())
            .collect();
        assert_eq!(examples, ["event 1", "event 2", "event 3"]);
        let ids = f.evidence.get("ids").unwrap().as_array().unwrap();
        assert_eq!(ids.len(), EVIDENCE_LIST_CAP + 1);
        assert_eq!(ids.last().unwrap(), "… and 30 more");
        let mut r = Report::new("test", Target::default(), false);
        r.record("stream", "Stream", Duration::ZERO, o.clone());
        r.record("stream", "Stream", Duration::ZERO, o);
        assert_eq!(r.findings.len(), 2);
    }

    #[test]
    fn check_status_is_the_worst_finding() {
        let r = report(
            &[
                (Code::KeyOnArgv, Severity::Warn),
                (Code::UrlCustomHost, Severity::Info),
            ],
            false,
        );
        assert_eq!(r.checks[0].status, Status::Warn);
        assert_eq!(report(&[], false).checks[0].status, Status::Pass);
    }
}
