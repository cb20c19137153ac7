//! The JSON renderer: one document on stdout, described by `schema/report.schema.json` (derived
//! from these types by `render::schema`). Additive changes only.

use super::trace::TraceDoc;
use super::{SCHEMA_URL, SCHEMA_VERSION};
use crate::catalog::{Code, Layer, Severity};
use crate::inputs::{Shadowed, Source, Sourced};
use crate::redact::mask_url_credentials;
use crate::report::{Evidence, Fact, Report, Status};
use serde::Serialize;

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: "tlcheck",
    version: env!("CARGO_PKG_VERSION"),
};

/// A run's report: what was checked, every check, every finding, every request, the exit code.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Report"))]
pub(super) struct Document<'a> {
    /// The JSON Schema of this version's documents.
    #[serde(rename = "$schema")]
    schema: &'static str,
    /// 1. Changes only if the additive-only promise is ever broken.
    schema_version: u32,
    tool: Tool,
    /// The command that ran (`doctor`, `report`, `models`, `chat`, `stream`, `classify`, `header`,
    /// `url`).
    command: &'a str,
    target: TargetDoc<'a>,
    run: RunDoc<'a>,
    notices: &'a [String],
    checks: Vec<CheckDoc<'a>>,
    findings: Vec<FindingDoc<'a>>,
    requests: Vec<RequestDoc<'a>>,
    summary: Summary,
    /// The process's exit code (0, 3, or 10-17 for the first failing layer).
    exit_code: u8,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct RunDoc<'a> {
    started_utc: String,
    os: &'static str,
    arch: &'static str,
    /// Proxy variables in effect, credentials masked.
    #[cfg_attr(test, schemars(with = "StringMap"))]
    proxies: Facts<'a, String>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct TargetDoc<'a> {
    base_url: Option<ValueDoc<'a>>,
    key: Option<KeyDoc<'a>>,
    model: Option<ValueDoc<'a>>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct ValueDoc<'a> {
    value: String,
    source: &'a Source,
    shadowed: &'a [Shadowed],
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct KeyDoc<'a> {
    fingerprint: String,
    sha256: String,
    source: &'a Source,
    shadowed: &'a [Shadowed],
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct CheckDoc<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
    duration_ms: f64,
    note: Option<&'a str>,
    /// Each fact in words, as the human report shows it, in display order.
    #[cfg_attr(test, schemars(with = "StringMap"))]
    facts: FactWords<'a>,
    /// Each fact as a value: numbers (USD, milliseconds), arrays, RFC 3339 times, `null`.
    #[cfg_attr(test, schemars(with = "serde_json::Map<String, serde_json::Value>"))]
    values: FactValues<'a>,
    /// Milliseconds from the start of the check to each phase, in order.
    #[cfg_attr(test, schemars(with = "std::collections::BTreeMap<String, f64>"))]
    timeline: Timeline<'a>,
    /// The check's requests on the wire, with `-v` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    trace: Option<Vec<TraceDoc<'a>>>,
}

/// Names and values as an object, in the schema.
#[cfg(test)]
type StringMap = std::collections::BTreeMap<String, String>;

/// Phases as an object of milliseconds, in order.
struct Timeline<'a>(&'a [(&'static str, std::time::Duration)]);

impl Serialize for Timeline<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(&k.replace(' ', "_"), &millis(*v))?;
        }
        map.end()
    }
}

/// Pairs as an object, in their order.
struct Facts<'a, K = &'static str>(&'a [(K, String)]);

impl<K: AsRef<str>> Serialize for Facts<'_, K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

/// Facts in words, by their names.
struct FactWords<'a>(&'a [(&'static str, Fact)]);

impl Serialize for FactWords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &super::facts::words(v))?;
        }
        map.end()
    }
}

/// Facts as values, by their names in snake case.
struct FactValues<'a>(&'a [(&'static str, Fact)]);

impl Serialize for FactValues<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(&k.replace(' ', "_"), &super::facts::value(v))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct RequestDoc<'a> {
    check: &'a str,
    method: &'a str,
    url: &'a str,
    started_utc: String,
    status: Option<u16>,
    call_id: Option<&'a str>,
    /// tlcheck's own id for the request (sent as `x-request-id` and `x-litellm-call-id`).
    request_id: &'a str,
    duration_ms: f64,
    /// A curl command that reproduces the request, with `--curl` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    curl: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct FindingDoc<'a> {
    code: Code,
    severity: Severity,
    layer: Layer,
    check: &'a str,
    title: &'static str,
    detail: Option<&'a str>,
    fix: String,
    suggestion: Option<&'a str>,
    /// What was seen, in the order found: status, headers, excerpts, positions.
    #[cfg_attr(test, schemars(with = "serde_json::Map<String, serde_json::Value>"))]
    evidence: &'a Evidence,
    /// Every check that met this cause, `check` first.
    seen_by: Vec<&'a str>,
    /// How many times the cause was met, across checks and within one.
    occurrences: u32,
    /// Where the same cause showed with other details (a few examples).
    other_sightings: Vec<SightingDoc<'a>>,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct SightingDoc<'a> {
    check: &'a str,
    detail: Option<&'a str>,
    #[cfg_attr(test, schemars(with = "serde_json::Map<String, serde_json::Value>"))]
    evidence: &'a Evidence,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct Summary {
    fail: usize,
    warn: usize,
    info: usize,
    /// The first failing layer, which decides the exit code; null when nothing failed.
    failing_layer: Option<Layer>,
}

fn value_doc(v: &Sourced<String>) -> ValueDoc<'_> {
    ValueDoc {
        value: mask_url_credentials(&v.value).into_owned(),
        source: &v.source,
        shadowed: &v.shadowed,
    }
}

/// Render a report as one JSON document (with a trailing newline).
pub fn report(report: &Report) -> String {
    let t = &report.target;
    let doc = Document {
        schema: SCHEMA_URL,
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: report.command,
        run: RunDoc {
            started_utc: crate::time::format_utc(report.started_unix),
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            proxies: Facts(&report.proxies),
        },
        notices: &report.notices,
        target: TargetDoc {
            base_url: t.base_url.as_ref().map(value_doc),
            key: t.key.as_ref().map(|k| {
                let fp = k.value.fingerprint();
                KeyDoc {
                    fingerprint: fp.short,
                    sha256: fp.sha256,
                    source: &k.source,
                    shadowed: &k.shadowed,
                }
            }),
            model: t.model.as_ref().map(value_doc),
        },
        checks: report
            .checks
            .iter()
            .map(|c| CheckDoc {
                id: c.id,
                title: &c.title,
                status: c.status,
                duration_ms: millis(c.duration),
                note: c.note.as_deref(),
                facts: FactWords(&c.facts),
                values: FactValues(&c.facts),
                timeline: Timeline(&c.timeline),
                trace: (report.detail.trace > 0).then(|| {
                    report
                        .requests
                        .iter()
                        .filter(|r| r.check == c.id)
                        .map(|r| super::trace::json(r, report.detail.trace))
                        .collect()
                }),
            })
            .collect(),
        findings: report
            .findings
            .iter()
            .map(|f| {
                let e = f.code.entry();
                FindingDoc {
                    code: f.code,
                    severity: f.severity,
                    layer: e.layer,
                    check: f.check,
                    title: e.title,
                    detail: f.detail.as_deref(),
                    fix: e.fix_for(&report.advice),
                    suggestion: f.suggestion.as_deref(),
                    evidence: &f.evidence,
                    seen_by: f.checks(),
                    occurrences: f.occurrences,
                    other_sightings: f
                        .other_sightings
                        .iter()
                        .map(|s| SightingDoc {
                            check: s.check,
                            detail: s.detail.as_deref(),
                            evidence: &s.evidence,
                        })
                        .collect(),
                }
            })
            .collect(),
        requests: report
            .requests
            .iter()
            .map(|r| RequestDoc {
                check: r.check,
                method: r.method,
                url: &r.url,
                started_utc: crate::time::format_utc(r.started_unix),
                status: r.status,
                call_id: r.call_id(),
                request_id: &r.wire.request_id,
                duration_ms: millis(r.elapsed),
                curl: report
                    .detail
                    .curl
                    .then(|| super::curl::command(r, report.detail.cacert.as_deref())),
            })
            .collect(),
        summary: Summary {
            fail: report.count(Severity::Fail),
            warn: report.count(Severity::Warn),
            info: report.count(Severity::Info),
            failing_layer: report.failing_layer(),
        },
        exit_code: report.exit_code(),
    };
    to_string(&doc)
}

/// The catalog of finding codes (`explain`).
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[cfg_attr(test, schemars(rename = "Catalog"))]
pub(super) struct CatalogDoc {
    /// The JSON Schema of this version's documents.
    #[serde(rename = "$schema")]
    schema: &'static str,
    /// As in the report.
    schema_version: u32,
    tool: Tool,
    /// `explain`.
    command: &'static str,
    codes: Vec<EntryDoc>,
    exit_code: u8,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct EntryDoc {
    code: Code,
    layer: Layer,
    /// The exit code a failure of this layer gives; null for advice that never fails a run.
    exit_code: Option<u8>,
    /// The severity the finding has unless a check decides otherwise.
    severity: Severity,
    title: &'static str,
    cause: &'static str,
    fix: String,
}

/// Render catalog entries as one JSON document.
pub fn catalog(codes: &[Code]) -> String {
    let doc = CatalogDoc {
        schema: SCHEMA_URL,
        schema_version: SCHEMA_VERSION,
        tool: TOOL,
        command: "explain",
        codes: codes
            .iter()
            .map(|c| {
                let e = c.entry();
                EntryDoc {
                    code: *c,
                    layer: e.layer,
                    exit_code: e.layer.exit_code(),
                    severity: e.severity,
                    title: e.title,
                    cause: e.cause,
                    fix: e.fix_for(&crate::catalog::Advice::default()),
                }
            })
            .collect(),
        exit_code: 0,
    };
    to_string(&doc)
}

/// Milliseconds with microsecond precision.
fn millis(d: std::time::Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

fn to_string(doc: &impl Serialize) -> String {
    // Serializing these plain structs cannot fail: every map key is a string.
    let mut s = serde_json::to_string_pretty(doc).expect("report serializes");
    s.push('\n');
    s
}
