//! The JSON contract: one document on stdout, every field known, exit_code equal to the real one.

use crate::{outcome, tempdir, tlcheck};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Document {
    #[serde(rename = "$schema")]
    schema: String,
    schema_version: u32,
    tool: Tool,
    command: String,
    run: Run,
    notices: Vec<String>,
    target: Target,
    checks: Vec<Check>,
    findings: Vec<Finding>,
    requests: Vec<RequestRecord>,
    summary: Summary,
    exit_code: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Run {
    started_utc: String,
    os: String,
    arch: String,
    proxies: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Tool {
    name: String,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Target {
    base_url: Option<Value>,
    key: Option<Key>,
    model: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Value {
    value: String,
    source: Source,
    shadowed: Vec<Shadowed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Key {
    fingerprint: String,
    sha256: String,
    source: Source,
    shadowed: Vec<Shadowed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Source {
    kind: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Shadowed {
    kind: String,
    name: String,
    same_value: bool,
    shown: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Check {
    id: String,
    title: String,
    status: String,
    duration_ms: f64,
    note: Option<String>,
    facts: serde_json::Map<String, serde_json::Value>,
    values: serde_json::Map<String, serde_json::Value>,
    timeline: serde_json::Map<String, serde_json::Value>,
    /// With `-v` only.
    trace: Option<Vec<Trace>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Trace {
    request_id: String,
    method: String,
    url: String,
    request: SentRequest,
    response: Option<TraceResponse>,
    failure: Option<String>,
    timing_ms: Timing,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SentRequest {
    sent: bool,
    headers: Vec<(String, String)>,
    body: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct TraceResponse {
    version: Option<String>,
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: String,
    body_bytes: u64,
    body_shown_bytes: u64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Timing {
    dns: Option<f64>,
    dns_cached: bool,
    connect: Option<f64>,
    headers: Option<f64>,
    body: Option<f64>,
    total: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct RequestRecord {
    check: String,
    method: String,
    url: String,
    started_utc: String,
    status: Option<u16>,
    call_id: Option<String>,
    request_id: String,
    duration_ms: f64,
    /// With `--curl` only.
    curl: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Finding {
    code: String,
    severity: String,
    layer: String,
    check: String,
    title: String,
    detail: Option<String>,
    fix: String,
    suggestion: Option<String>,
    evidence: serde_json::Map<String, serde_json::Value>,
    seen_by: Vec<String>,
    occurrences: u32,
    other_sightings: Vec<Sighting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Sighting {
    check: String,
    detail: Option<String>,
    evidence: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Summary {
    fail: usize,
    warn: usize,
    info: usize,
    failing_layer: Option<String>,
}

fn parse(args: &[&str], env: &[(&str, &str)]) -> (i32, Document) {
    let dir = tempdir();
    let mut cmd = tlcheck(dir.path());
    cmd.args(args).arg("--format").arg("json");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = outcome(&mut cmd);
    assert_eq!(stderr, "", "nothing on stderr in JSON mode");
    let doc: Document = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (code, doc)
}

#[test]
fn every_document_matches_the_schema_and_its_exit_code() {
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
    let cases: [Case; 6] = [
        (
            &["url", "--offline", "https://litellm.tensorloop.tech/v1"],
            &[],
        ),
        (
            &["url", "--offline", "https://tensorloop.tech/api/x?y"],
            &[],
        ),
        (&["header", "BEARER sk-abcdefghijklmnopq"], &[]),
        (&["header", "bearer sk-abcdefghijklmnopq", "--strict"], &[]),
        (
            &["header"],
            &[
                ("TENSORLOOP_KEY", "sk-aaaaaaaaaaaaaaaa"),
                ("OPENAI_API_KEY", "x"),
            ],
        ),
        (&["header"], &[]),
    ];
    let expected = [0, 10, 10, 3, 0, 10];
    for ((args, env), want) in cases.iter().zip(expected) {
        let (code, doc) = parse(args, env);
        assert_eq!(code, want, "{args:?}");
        assert_eq!(doc.exit_code, code, "{args:?}");
        assert_eq!(doc.schema_version, 1);
        assert_eq!(doc.tool.name, "tlcheck");
        assert!(!doc.checks.is_empty());
        for f in &doc.findings {
            assert!(["fail", "warn", "info"].contains(&f.severity.as_str()));
            assert!(!f.fix.is_empty());
        }
    }
}

#[test]
fn a_live_document_with_trace_and_curl_matches_the_schema() {
    let server = crate::support::Server::start(crate::support::healthy);
    let base = server.base_url();
    let env = [
        ("TENSORLOOP_KEY", "sk-json-trace-test-key-4321"),
        ("TENSORLOOP_BASE_URL", base.as_str()),
    ];
    let (code, doc) = parse(&["doctor", "-vv", "--curl"], &env);
    assert_eq!((code, doc.exit_code), (0, 0));
    assert_eq!(doc.requests.len(), 5);
    for r in &doc.requests {
        assert!(r.curl.as_deref().is_some_and(|c| c.starts_with("curl ")));
        let trace = doc
            .checks
            .iter()
            .find(|c| c.id == r.check)
            .and_then(|c| c.trace.as_ref())
            .expect("the check's trace");
        assert_eq!(trace[0].request_id, r.request_id);
    }
    let (_, doc) = parse(&["doctor"], &env);
    assert!(doc.checks.iter().all(|c| c.trace.is_none()));
    assert!(doc.requests.iter().all(|r| r.curl.is_none()));
}

/// Facts are values for machines: numbers for money and milliseconds, arrays for lists, RFC 3339
/// times, `null` for "none"; the same facts in words stay in `facts`.
#[test]
fn facts_are_typed_values() {
    let server = crate::support::Server::start(crate::support::healthy);
    let base = server.base_url();
    let env = [
        ("TENSORLOOP_KEY", "sk-json-values-test-key-1111"),
        ("TENSORLOOP_BASE_URL", base.as_str()),
    ];
    let (code, doc) = parse(&["doctor"], &env);
    assert_eq!(code, 0);
    let values = |id: &str| {
        doc.checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no check {id}"))
            .values
            .clone()
    };
    let network = values("network");
    assert_eq!(
        network["dns"]["addresses"],
        serde_json::json!(["127.0.0.1"])
    );
    assert!(network["dns"]["ms"].is_f64());
    assert!(network["connect"]["ms"].is_f64());

    let models = values("models");
    assert_eq!(models["ids"]["ids"], serde_json::json!(["gpt-4o-mini"]));
    assert_eq!(models["ids"]["target_listed"], true);

    let key_info = values("key_info");
    assert!(key_info["spend"]["spend_usd"].is_number(), "{key_info:#?}");
    assert!(key_info["limits"].is_object(), "{key_info:#?}");
    for limit in ["rpm", "tpm", "max_parallel_requests"] {
        let v = &key_info["limits"][limit];
        assert!(v.is_u64() || v.is_null(), "{limit}: {v}");
    }
    assert!(key_info["allowlist"].is_array(), "{key_info:#?}");
    let expires = &key_info["expires"];
    assert!(
        expires.is_null() || expires.as_str().is_some_and(|t| t.ends_with('Z')),
        "{expires}"
    );

    let chat = values("chat");
    assert!(chat["cost"].is_f64(), "{chat:#?}");
    // The words are still there for people.
    let chat_words = &doc.checks.iter().find(|c| c.id == "chat").unwrap().facts;
    assert!(chat_words["cost"].as_str().unwrap().starts_with('$'));
}

#[test]
fn the_key_appears_only_as_a_fingerprint() {
    let key = "sk-json-fingerprint-test-9876";
    let (_, doc) = parse(&["header"], &[("TENSORLOOP_KEY", key)]);
    let k = doc.target.key.unwrap();
    assert_eq!(k.fingerprint, "sk-…9876");
    assert_eq!(
        k.sha256,
        "b26b828a35f3bc9b52c6a852d6d4e9c49267cb74d2cb1b64bc23ccc48940f405"
    );
}

/// `--json-report FILE` writes the same document as `--format json` beside another format.
#[test]
fn json_report_writes_the_document_beside_another_format() {
    let dir = tempdir();
    let report = dir.path().join("report.json");
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args([
                "url",
                "--offline",
                "https://tensorloop.tech",
                "--format",
                "junit",
            ])
            .arg("--json-report")
            .arg(&report),
    );
    assert_eq!(code, 10);
    assert!(stdout.starts_with("<?xml"), "{stdout}");
    let text = std::fs::read_to_string(&report).unwrap();
    let doc: Document = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(doc.exit_code, 10);
    assert_eq!(doc.command, "url");
    let (_, stdout, _) = outcome(tlcheck(dir.path()).args([
        "url",
        "--offline",
        "https://tensorloop.tech",
        "--format",
        "json",
    ]));
    let json: Document = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json.findings.len(),
        doc.findings.len(),
        "the same findings as --format json"
    );
}
