//! The verbose trace of each request (`-v`, `-vv`): what was sent, what came back, and how long
//! each phase took — as text for stderr and as data for `checks[].trace` in JSON. Secrets in
//! headers are masked here; the key itself never reached the record (only its fingerprint).

use crate::redact::mask_url_credentials;
use crate::report::{Report, RequestRecord, TRACE_BODY_CAP};
use crate::time::ms;
use serde::Serialize;
use std::fmt::Write as _;
use std::time::Duration;

/// How much of a body `-v` shows; `-vv` shows all that was kept ([`TRACE_BODY_CAP`]).
pub const EXCERPT_BYTES: usize = 2048;

/// Headers whose values are credentials or session state: shown as `[masked]`.
const MASKED_HEADERS: [&str; 5] = [
    "cookie",
    "set-cookie",
    "proxy-authorization",
    "x-api-key",
    "api-key",
];

/// A header as the trace shows it: credentials masked, URLs without userinfo or query values.
/// The `authorization` header tlcheck sent already holds only the key's fingerprint.
fn shown_header(name: &str, value: &str) -> String {
    if MASKED_HEADERS.contains(&name) {
        "[masked]".to_owned()
    } else if name == "location" || name == "content-location" {
        mask_url_credentials(value).into_owned()
    } else {
        value.to_owned()
    }
}

/// The bytes of a body shown at `level`.
fn shown_bytes(r: &RequestRecord, level: u8) -> &[u8] {
    let limit = if level >= 2 {
        TRACE_BODY_CAP
    } else {
        EXCERPT_BYTES
    };
    &r.body[..r.body.len().min(limit)]
}

/// The part of the body shown at `level`, and a note on what is left out.
fn body_shown(r: &RequestRecord, level: u8) -> (String, Option<String>) {
    let shown = shown_bytes(r, level);
    let left = r.body_bytes.saturating_sub(shown.len() as u64);
    let note = (left > 0).then(|| {
        if level < 2 && r.body.len() > shown.len() {
            format!(
                "{left} more bytes (-vv shows up to {} KiB)",
                TRACE_BODY_CAP / 1024
            )
        } else {
            format!("{left} more bytes not kept")
        }
    });
    (String::from_utf8_lossy(shown).into_owned(), note)
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The phases in words: `dns 1.2 ms · connect + TLS 30 ms · headers at 120 ms · body 3.0 ms`.
fn phases(r: &RequestRecord) -> String {
    let p = &r.wire.phases;
    let mut parts = Vec::new();
    match (p.dns, p.dns_cached) {
        (Some(_), true) => parts.push("dns cached".to_owned()),
        (Some(d), false) => parts.push(format!("dns {}", ms(d))),
        (None, _) => {}
    }
    let tls = if r.url.starts_with("https:") {
        " + TLS"
    } else {
        ""
    };
    match p.connect {
        Some(c) => parts.push(format!("connect{tls} {}", ms(c))),
        None if p.headers.is_some() => parts.push("connection reused".to_owned()),
        None => {}
    }
    if let Some(h) = p.headers {
        parts.push(format!("headers at {}", ms(h)));
    }
    if let Some(b) = p.body {
        parts.push(format!("body {}", ms(b)));
    }
    parts.push(format!("total {}", ms(r.elapsed)));
    parts.join(" · ")
}

/// The trace of every request in the report, for stderr.
pub fn text(report: &Report) -> String {
    let level = report.detail.trace;
    let mut out = String::new();
    for r in &report.requests {
        let url = mask_url_credentials(&r.url);
        let _ = writeln!(out, "* {}: {} {url}", r.check, r.method);
        let _ = writeln!(out, "* request id {}", r.wire.request_id);
        let _ = writeln!(out, "* {}", phases(r));
        if r.status.is_none() && !r.wire.phases.connected {
            let _ = writeln!(out, "* no connection was made: this request was never sent");
        }
        let target = url::Url::parse(&r.url)
            .map(|u| u.path().to_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "> {} {target} {}",
            r.method,
            r.wire.version.unwrap_or("HTTP/1.1")
        );
        for (name, value) in &r.wire.request_headers {
            let _ = writeln!(out, "> {name}: {}", shown_header(name, value));
        }
        let _ = writeln!(out, ">");
        if let Some(body) = &r.wire.request_body {
            let _ = writeln!(out, "{body}");
        }
        if let Some(status) = r.status {
            let version = r.wire.version.unwrap_or("HTTP/1.1");
            let _ = writeln!(out, "< {version} {status} {}", reason(status));
            for (name, value) in &r.response_headers {
                let _ = writeln!(out, "< {name}: {}", shown_header(name, value));
            }
            let _ = writeln!(out, "<");
            let (body, note) = body_shown(r, level);
            if !body.is_empty() {
                out.push_str(&body);
                if !body.ends_with('\n') {
                    out.push('\n');
                }
            }
            if let Some(note) = note {
                let _ = writeln!(out, "* … {note}");
            }
        }
        if let Some(failure) = &r.failure {
            let _ = writeln!(out, "! {failure}");
        }
        out.push('\n');
    }
    out
}

fn millis(d: Option<Duration>) -> Option<f64> {
    d.map(|d| d.as_secs_f64() * 1000.0)
}

/// One request as data, for `checks[].trace` in JSON.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TraceDoc<'a> {
    request_id: &'a str,
    method: &'a str,
    url: String,
    request: SentDoc<'a>,
    /// Absent (null) when no answer came.
    response: Option<ResponseDoc<'a>>,
    /// Why no answer came, in plain words.
    failure: Option<&'a str>,
    timing_ms: TimingDoc,
}

/// The request as tlcheck sent it (the key only as its fingerprint).
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct SentDoc<'a> {
    /// `[name, value]` pairs in the order sent.
    headers: Vec<(&'a str, String)>,
    body: Option<&'a str>,
    /// Whether the request left this machine (a connection was made).
    sent: bool,
}

#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct ResponseDoc<'a> {
    /// The HTTP version (`HTTP/1.1`, `HTTP/2`).
    version: Option<&'a str>,
    status: u16,
    reason: &'static str,
    /// `[name, value]` pairs in the order received, credentials masked.
    headers: Vec<(&'a str, String)>,
    /// The start of the body (2 KiB; 64 KiB with `-vv`), invalid UTF-8 replaced.
    body: String,
    body_bytes: u64,
    body_shown_bytes: usize,
}

/// Phase durations in milliseconds; null for a phase that did not happen.
#[derive(Serialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
struct TimingDoc {
    dns: Option<f64>,
    dns_cached: bool,
    connect: Option<f64>,
    headers: Option<f64>,
    body: Option<f64>,
    total: f64,
}

/// Headers as `[name, value]` pairs as the trace shows them.
fn shown_pairs(headers: &[(String, String)]) -> Vec<(&str, String)> {
    headers
        .iter()
        .map(|(n, v)| (n.as_str(), shown_header(n, v)))
        .collect()
}

/// One request as JSON, for `checks[].trace`.
pub fn json(r: &RequestRecord, level: u8) -> TraceDoc<'_> {
    let p = &r.wire.phases;
    let response = r.status.map(|status| {
        let shown = shown_bytes(r, level);
        ResponseDoc {
            version: r.wire.version,
            status,
            reason: reason(status),
            headers: shown_pairs(&r.response_headers),
            body: String::from_utf8_lossy(shown).into_owned(),
            body_bytes: r.body_bytes,
            body_shown_bytes: shown.len(),
        }
    });
    TraceDoc {
        request_id: &r.wire.request_id,
        method: r.method,
        url: mask_url_credentials(&r.url).into_owned(),
        request: SentDoc {
            headers: shown_pairs(&r.wire.request_headers),
            body: r.wire.request_body.as_deref(),
            sent: r.status.is_some() || p.connected,
        },
        response,
        failure: r.failure.as_deref(),
        timing_ms: TimingDoc {
            dns: millis(p.dns),
            dns_cached: p.dns_cached,
            connect: millis(p.connect),
            headers: millis(p.headers),
            body: millis(p.body),
            total: r.elapsed.as_secs_f64() * 1000.0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::Wire;

    fn record(body: &[u8], body_bytes: u64) -> RequestRecord {
        RequestRecord {
            check: "models",
            method: "GET",
            url: "https://gw.example.com/v1/models".into(),
            started_unix: 0,
            status: Some(401),
            elapsed: Duration::from_millis(5),
            wire: Wire {
                request_id: "id-1".into(),
                ..Wire::default()
            },
            response_headers: vec![
                ("set-cookie".into(), "session=abc123".into()),
                (
                    "location".into(),
                    "https://u:pw@gw.example.com/?token=zzz".into(),
                ),
            ],
            body: body.to_vec(),
            body_bytes,
            failure: None,
        }
    }

    #[test]
    fn cookies_and_url_credentials_are_masked() {
        let r = record(b"{}", 2);
        let mut report = Report::new("models", Default::default(), false);
        report.requests.push(r.clone());
        let text = text(&report);
        assert!(text.contains("< set-cookie: [masked]"), "{text}");
        assert!(!text.contains("abc123") && !text.contains("pw@") && !text.contains("zzz"));
        let doc = serde_json::to_string(&json(&r, 1)).unwrap();
        assert!(!doc.contains("abc123") && !doc.contains("zzz"), "{doc}");
    }

    #[test]
    fn v_shows_an_excerpt_and_vv_the_kept_body() {
        let body = vec![b'a'; 5000];
        let r = record(&body, 9000);
        let (shown, note) = body_shown(&r, 1);
        assert_eq!(shown.len(), EXCERPT_BYTES);
        assert!(note.unwrap().contains("-vv"));
        let (shown, note) = body_shown(&r, 2);
        assert_eq!(shown.len(), 5000);
        assert_eq!(note.unwrap(), "4000 more bytes not kept");
        let r = record(b"short", 5);
        assert_eq!(body_shown(&r, 1), ("short".to_owned(), None));
    }
}
