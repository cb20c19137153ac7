//! The stream check: one small streamed completion, read event by event as the bytes arrive, and
//! one verdict on how it ended (`[DONE]`, an error frame, a cut, no `[DONE]`, not a stream, or a
//! burst that betrays buffering). The verdict is a pure function of what was observed, so a pasted
//! transcript gets the same verdicts, minus timing.

use super::ids;
use super::live::{Gateway, ms, transport_finding};
use crate::catalog::{Code, Severity};
use crate::classify::{self, ErrorInfo};
use crate::net::{Http, Opened, Request, TransportKind};
use crate::report::{Finding, Outcome, RequestRecord, TRACE_BODY_CAP};
use crate::secret::ApiKey;
use crate::sse::{self, Event};
use serde_json::{Value, json};
use std::time::Duration;

/// Limits on one streamed request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The whole stream, from request to last byte (`--stream-timeout`).
    pub total: Duration,
    /// Silence between two pieces of the body (`--idle-timeout`).
    pub idle: Duration,
    /// Bytes read at most.
    pub max_bytes: u64,
}

/// The most of a stream tlcheck reads.
pub const MAX_STREAM_BYTES: u64 = 8 * 1024 * 1024;

/// The burst rule: at least this many data events…
pub const BURST_MIN_EVENTS: usize = 4;
/// …all arriving within this span of the first one…
pub const BURST_MAX_SPAN: Duration = Duration::from_millis(10);
/// …after at least this long with nothing since the request was sent.
pub const BURST_MIN_SILENCE: Duration = Duration::from_secs(1);

/// Proxy and load-balancer time limits often met in the wild, in seconds.
const COMMON_LIMITS: [u64; 4] = [30, 60, 100, 120];

/// How the body ended.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    /// `data: [DONE]` arrived.
    Done,
    /// The body ended cleanly without `[DONE]`.
    Clean,
    /// The connection broke mid-body.
    Cut(String),
    /// Nothing arrived for this long (`--idle-timeout`).
    Idle(Duration),
    /// The stream was still running at the deadline (`--stream-timeout`).
    Deadline(Duration),
    /// The byte cap was reached without `[DONE]`.
    ByteCap(u64),
}

/// Everything seen of a stream, built up event by event.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// Whether arrival times are real (a live stream) or absent (a pasted transcript).
    pub timed: bool,
    pub time_to_headers: Option<Duration>,
    /// Arrival of each data event other than `[DONE]`.
    pub event_times: Vec<Duration>,
    pub first_token: Option<Duration>,
    pub done_at: Option<Duration>,
    /// `[DONE]` came as the stream's last, unterminated event.
    pub done_unterminated: bool,
    pub error_frames: Vec<Value>,
    pub finish_reason: Option<String>,
    pub usage: Option<Value>,
    pub bytes: u64,
    pub comments: u64,
    pub end: Option<End>,
    pub ended_at: Duration,
}

impl Observed {
    /// Take in one event.
    pub fn absorb(&mut self, event: &Event) {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.done_at.get_or_insert(event.at);
            self.done_unterminated = !event.complete;
            return;
        }
        if data.is_empty() {
            return;
        }
        self.event_times.push(event.at);
        let Ok(json) = serde_json::from_str::<Value>(data) else {
            return;
        };
        if let Some(err) = json.get("error") {
            self.error_frames.push(err.clone());
            return;
        }
        if let Some(choice) = json.pointer("/choices/0") {
            let content = choice.pointer("/delta/content").and_then(Value::as_str);
            if content.is_some_and(|c| !c.is_empty()) {
                self.first_token.get_or_insert(event.at);
            }
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                self.finish_reason = Some(reason.to_owned());
            }
        }
        if let Some(usage) = json.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(usage.clone());
        }
    }

    fn data_events(&self) -> usize {
        self.event_times.len()
    }

    /// Median, 95th percentile (nearest rank) and largest gap between consecutive events.
    pub fn gaps(&self) -> Option<(Duration, Duration, Duration)> {
        let mut gaps: Vec<Duration> = self
            .event_times
            .windows(2)
            .map(|w| w[1].saturating_sub(w[0]))
            .collect();
        if gaps.is_empty() {
            return None;
        }
        gaps.sort_unstable();
        let at = |q: f64| gaps[((gaps.len() - 1) as f64 * q).round() as usize];
        Some((at(0.5), at(0.95), *gaps.last().expect("not empty")))
    }

    /// Whether the events came over time rather than together (their span exceeds the burst
    /// span), so that delivery can be called incremental.
    pub fn spread_over_time(&self) -> bool {
        match (self.event_times.first(), self.event_times.last()) {
            (Some(first), Some(last)) => {
                self.data_events() >= 2 && last.saturating_sub(*first) > BURST_MAX_SPAN
            }
            _ => false,
        }
    }

    /// The burst rule: at least [`BURST_MIN_EVENTS`] data events, all within [`BURST_MAX_SPAN`]
    /// of the first, which came [`BURST_MIN_SILENCE`] or more after the request was sent.
    pub fn is_burst(&self) -> bool {
        let (Some(first), Some(last)) = (self.event_times.first(), self.event_times.last()) else {
            return false;
        };
        self.timed
            && self.data_events() >= BURST_MIN_EVENTS
            && last.saturating_sub(*first) <= BURST_MAX_SPAN
            && *first >= BURST_MIN_SILENCE
    }
}

/// The verdict on an observed stream: findings, and facts to show.
pub fn verdict(o: &Observed, headers: &[(String, String)], check: &'static str) -> Outcome {
    let mut out = Outcome::default();
    let events = o.data_events();
    out.fact(
        "events",
        format!(
            "{events} data events, {} bytes{}",
            o.bytes,
            comments(o.comments)
        ),
    );
    if let Some(reason) = &o.finish_reason {
        out.fact("finish_reason", reason.clone());
    }
    if let Some(usage) = &o.usage {
        out.fact("usage", describe_usage(usage));
    }
    if o.timed
        && let Some((median, p95, max)) = o.gaps()
    {
        out.fact(
            "gaps",
            format!("median {}, p95 {}, max {}", ms(median), ms(p95), ms(max)),
        );
    }

    for frame in &o.error_frames {
        out.push(
            Finding::new(Code::StreamErrorEvent, check)
                .detail(format!(
                    "an error frame arrived after {events} data events; the HTTP status stayed 200"
                ))
                .evidence("frame", classify::excerpt(&frame.to_string(), 300)),
        );
        out.push(classify::classify_error_object(frame, headers, check));
    }
    if !o.error_frames.is_empty() {
        return out;
    }

    let elapsed = o.ended_at;
    let stopped = |what: &str, by: &'static str| {
        Finding::new(Code::StreamNoDone, check)
            .detail(what.to_owned())
            .evidence("stopped_by", by)
            .evidence("events", events)
    };
    match o.end.clone().unwrap_or(End::Clean) {
        End::Cut(reason) => {
            let mut detail = format!(
                "the connection broke after {:.1} s and {} bytes ({events} events): {reason}",
                elapsed.as_secs_f64(),
                o.bytes
            );
            if let Some(limit) = near_common_limit(elapsed) {
                detail.push_str(&format!(
                    "; {:.1} s is close to {limit} s, a common proxy or load-balancer time limit",
                    elapsed.as_secs_f64()
                ));
            }
            out.push(
                Finding::new(Code::StreamCut, check)
                    .detail(detail)
                    .evidence("after_ms", elapsed.as_millis() as u64)
                    .evidence("bytes", o.bytes),
            );
        }
        End::Idle(d) => out.push(stopped(
            &format!("nothing arrived for {:.0} s after {events} events (--idle-timeout); the stream stalled", d.as_secs_f64()),
            "idle_timeout",
        )),
        End::Deadline(d) => out.push(stopped(
            &format!("the stream was still running after {:.0} s (--stream-timeout)", d.as_secs_f64()),
            "stream_timeout",
        )),
        End::ByteCap(n) => out.push(stopped(&format!("read {n} bytes without `[DONE]`; stopped reading"), "byte_cap")),
        End::Clean if o.done_at.is_none() => match &o.finish_reason {
            Some(reason) => out.push(
                Finding::new(Code::StreamNoDone, check)
                    .severity(Severity::Warn)
                    .detail(format!(
                        "the stream ended cleanly after `finish_reason: {reason}` but without `data: [DONE]`: the answer is complete, but clients that wait for `[DONE]` will hang"
                    )),
            ),
            None => out.push(
                Finding::new(Code::StreamNoDone, check)
                    .detail(format!("the stream ended after {events} events with neither a `finish_reason` nor `[DONE]`: the answer was cut short")),
            ),
        },
        End::Clean | End::Done => {
            if let Some(reason) = &o.finish_reason {
                out.push(Finding::new(Code::StreamFinished, check).detail(format!("`finish_reason: {reason}`, then `[DONE]`")));
            }
            out.note = Some(match o.done_unterminated {
                true => format!("`[DONE]` after {events} events (without the blank line that should end it)"),
                false => format!("`[DONE]` after {events} events"),
            });
        }
    }

    if o.is_burst() {
        let first = o.event_times[0];
        out.push(
            Finding::new(Code::StreamBuffered, check)
                .detail(format!(
                    "{events} events arrived within {} after {:.1} s of silence: something between the gateway and this machine buffers the stream",
                    ms(o.event_times[events - 1].saturating_sub(first)),
                    first.as_secs_f64()
                ))
                .evidence("first_event_ms", first.as_millis() as u64),
        );
    } else if o.timed && o.end == Some(End::Done) && o.spread_over_time() {
        out.fact(
            "delivery",
            "incremental: if your application sees the events at once, the buffering is in your own client (read the stream with the OpenAI SDK's stream=True, or eventsource-parser in JavaScript)",
        );
    }
    out
}

fn comments(n: u64) -> String {
    match n {
        0 => String::new(),
        1 => ", 1 comment".to_owned(),
        n => format!(", {n} comments"),
    }
}

fn describe_usage(usage: &Value) -> String {
    let n = |k: &str| {
        usage
            .get(k)
            .and_then(Value::as_u64)
            .map_or("?".to_owned(), |v| v.to_string())
    };
    let mut s = format!(
        "{} prompt + {} completion tokens",
        n("prompt_tokens"),
        n("completion_tokens")
    );
    if let Some(cost) = usage.get("cost").and_then(Value::as_f64) {
        s.push_str(&format!(", cost {}", crate::render::facts::usd(cost)));
    }
    s
}

/// The common limit `elapsed` sits near (within 5 %, at least 1 s), if any.
pub fn near_common_limit(elapsed: Duration) -> Option<u64> {
    let secs = elapsed.as_secs_f64();
    COMMON_LIMITS
        .into_iter()
        .find(|limit| (secs - *limit as f64).abs() <= (*limit as f64 * 0.05).max(1.0))
}

/// The request body: a few output tokens, with usage (and so cost) in the stream.
pub fn body(model: &str, cap_name: &str) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": "Count from 1 to 5, separated by spaces."}],
        cap_name: 12,
        "stream": true,
        "stream_options": {"include_usage": true},
    })
}

/// Run the streamed probe.
pub async fn check(
    http: &Http,
    gateway: &Gateway,
    key: &ApiKey,
    model: &str,
    limits: Limits,
) -> Outcome {
    let url = gateway.api("chat/completions");
    let mut cap = "max_tokens";
    loop {
        let req = Request {
            method: "POST",
            url: url.clone(),
            key: Some(key),
            json: Some(body(model, cap)),
        };
        // Headers within the usual deadline; the body within the stream's own.
        let started_unix = crate::time::now_unix();
        let opened = match http.open(req, limits.total).await {
            Ok(o) => o,
            Err(f) => {
                let mut out = Outcome::default();
                out.requests.push(RequestRecord::unanswered(
                    ids::STREAM,
                    "POST",
                    &url,
                    started_unix,
                    &f,
                ));
                out.push(transport_finding(&f, ids::STREAM));
                return out;
            }
        };
        let mut out = read(opened, limits, &url).await;
        if cap == "max_tokens"
            && out.findings.iter().any(|f| f.code == Code::StreamNotSse)
            && asks_for_completion_tokens(&out)
        {
            cap = "max_completion_tokens";
            continue;
        }
        if cap == "max_completion_tokens" {
            out.fact(
                "retried",
                "with max_completion_tokens (the model rejects max_tokens)",
            );
        }
        return out;
    }
}

fn asks_for_completion_tokens(out: &Outcome) -> bool {
    out.findings.iter().any(|f| {
        f.evidence.iter().any(|(k, v)| {
            k == "message"
                && v.as_str()
                    .is_some_and(|m| m.contains("max_completion_tokens"))
        })
    })
}

/// The request as the report keeps it: what was sent, the answer's head, the first bytes of the
/// body, and how many arrived.
fn record(
    url: &url::Url,
    opened: &Opened,
    kept: &[u8],
    bytes: u64,
    ended_at: Duration,
    failure: Option<String>,
) -> RequestRecord {
    let mut wire = opened.wire.clone();
    wire.phases.body = Some(ended_at.saturating_sub(opened.time_to_headers));
    RequestRecord {
        check: ids::STREAM,
        method: "POST",
        url: url.to_string(),
        started_unix: opened.started_unix,
        status: Some(opened.status),
        elapsed: ended_at,
        wire,
        response_headers: opened.headers.clone(),
        body: kept[..kept.len().min(TRACE_BODY_CAP)].to_vec(),
        body_bytes: bytes,
        failure,
    }
}

/// Read an opened stream to its end, a limit, or a break.
async fn read(mut opened: Opened, limits: Limits, url: &url::Url) -> Outcome {
    let started = opened.started;
    let status = opened.status;
    let headers = opened.headers.clone();
    let call_id = opened.header("x-litellm-call-id").map(str::to_owned);
    let content_type = opened.header("content-type").unwrap_or("").to_owned();

    let mut o = Observed {
        timed: true,
        time_to_headers: Some(opened.time_to_headers),
        ..Default::default()
    };
    let is_stream = (200..300).contains(&status) && content_type.contains("text/event-stream");
    if !is_stream {
        // A refusal before the first chunk comes back as a plain JSON error with its real status.
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = opened.next_chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() > crate::net::MAX_BODY_BYTES {
                break;
            }
        }
        let mut out = Outcome::default();
        out.requests.push(record(
            url,
            &opened,
            &body,
            body.len() as u64,
            started.elapsed(),
            None,
        ));
        let response = classify::Response {
            status,
            headers: &headers,
            body: &body,
        };
        let mut embedded = classify::classify(&response, ids::STREAM);
        let what = if ErrorInfo::from_body(&body).is_some() {
            format!("{status} with a JSON error (`{content_type}`) instead of an event stream")
        } else {
            format!("{status} `{content_type}` instead of `text/event-stream`")
        };
        // A redirect, an HTML page or a proxy refusal is the network's problem, not the stream's.
        if !embedded
            .iter()
            .any(|f| f.layer() == crate::catalog::Layer::Network)
        {
            out.push(
                Finding::new(Code::StreamNotSse, ids::STREAM)
                    .detail(what)
                    .evidence("status", status),
            );
        }
        out.findings.append(&mut embedded);
        if let Some(id) = call_id {
            out.fact("call id", id);
        }
        return out;
    }

    let mut parser = sse::Parser::new();
    let mut events = Vec::new();
    let mut kept = Vec::new();
    let end = loop {
        let left = limits.total.saturating_sub(started.elapsed());
        let wait = limits.idle.min(left);
        let next = tokio::time::timeout(wait, opened.next_chunk()).await;
        let at = started.elapsed();
        match next {
            Err(_) if wait < limits.idle => break End::Deadline(limits.total),
            Err(_) => break End::Idle(limits.idle),
            Ok(Err(f)) if f.kind == TransportKind::Timeout => break End::Deadline(limits.total),
            Ok(Err(f)) => break End::Cut(f.detail),
            Ok(Ok(None)) => {
                if let Some(pending) = parser.finish(at) {
                    o.absorb(&pending);
                }
                break if o.done_at.is_some() {
                    End::Done
                } else {
                    End::Clean
                };
            }
            Ok(Ok(Some(chunk))) => {
                o.bytes += chunk.len() as u64;
                let room = TRACE_BODY_CAP.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                parser.feed(&chunk, at, &mut events);
                for e in events.drain(..) {
                    o.absorb(&e);
                }
                if o.done_at.is_some() {
                    break End::Done;
                }
                if o.bytes >= limits.max_bytes {
                    break End::ByteCap(o.bytes);
                }
            }
        }
    };
    o.comments = parser.comments();
    o.ended_at = started.elapsed();
    o.end = Some(end);

    let mut out = verdict(&o, &headers, ids::STREAM);
    let failure = match &o.end {
        Some(End::Cut(detail)) => Some(detail.clone()),
        _ => None,
    };
    out.requests
        .push(record(url, &opened, &kept, o.bytes, o.ended_at, failure));
    out.facts
        .insert(0, ("answer", format!("{status} {content_type}").into()));
    if let Some(id) = call_id {
        out.facts.insert(0, ("call id", id.into()));
    }
    if let Some(cost) = headers
        .iter()
        .find(|(n, _)| n == "x-litellm-response-cost")
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
    {
        out.fact("cost", crate::report::Fact::Usd(cost));
    }
    out.timeline = timeline(&o);
    out
}

/// The phases of a stream, for the timeline view.
pub fn timeline(o: &Observed) -> Vec<(&'static str, Duration)> {
    let mut t = Vec::new();
    if let Some(h) = o.time_to_headers {
        t.push(("headers", h));
    }
    if let Some(first) = o.event_times.first() {
        t.push(("first event", *first));
    }
    if let Some(token) = o.first_token {
        t.push(("first token", token));
    }
    if let Some(last) = o.event_times.last() {
        t.push(("last event", *last));
    }
    t.push(("end", o.ended_at));
    t
}

/// The verdict on a pasted transcript: the same rules, without timing.
pub fn verdict_on_transcript(
    body: &[u8],
    headers: &[(String, String)],
    check: &'static str,
) -> Outcome {
    let (events, pending, comments) = sse::parse_all(body);
    let mut o = Observed {
        timed: false,
        bytes: body.len() as u64,
        comments,
        ..Default::default()
    };
    for e in events.iter().chain(pending.iter()) {
        o.absorb(e);
    }
    o.end = Some(if o.done_at.is_some() {
        End::Done
    } else {
        End::Clean
    });
    verdict(&o, headers, check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn timed(times: &[u64]) -> Observed {
        Observed {
            timed: true,
            event_times: times.iter().map(|t| at(*t)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn burst_rule_edges() {
        // Four events within 10 ms after one second of silence: a burst.
        assert!(timed(&[1000, 1003, 1007, 1010]).is_burst());
        // One more millisecond of span: not a burst.
        assert!(!timed(&[1000, 1003, 1007, 1011]).is_burst());
        // Silence just under a second: not a burst.
        assert!(!timed(&[999, 1000, 1001, 1002]).is_burst());
        // Three events are too few to tell.
        assert!(!timed(&[2000, 2000, 2000]).is_burst());
        // A transcript has no timing.
        let mut o = timed(&[2000, 2000, 2000, 2000]);
        o.timed = false;
        assert!(!o.is_burst());
    }

    #[test]
    fn common_limits() {
        assert_eq!(near_common_limit(Duration::from_secs_f64(59.2)), Some(60));
        assert_eq!(near_common_limit(Duration::from_secs_f64(30.9)), Some(30));
        assert_eq!(near_common_limit(Duration::from_secs_f64(96.0)), Some(100));
        assert_eq!(near_common_limit(Duration::from_secs_f64(45.0)), None);
        assert_eq!(near_common_limit(Duration::from_secs_f64(2.0)), None);
    }

    #[test]
    fn gaps_median_p95_max() {
        let o = timed(&[0, 10, 30, 60, 100]);
        // Nearest rank: gaps are 10, 20, 30, 40 ms.
        assert_eq!(o.gaps(), Some((at(30), at(40), at(40))));
        assert_eq!(timed(&[5]).gaps(), None);
    }

    fn codes(out: &Outcome) -> Vec<(Code, Severity)> {
        out.findings.iter().map(|f| (f.code, f.severity)).collect()
    }

    #[test]
    fn transcripts_get_the_same_verdicts() {
        let done = b"data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        assert_eq!(
            codes(&verdict_on_transcript(done, &[], "t")),
            [(Code::StreamFinished, Severity::Info)]
        );
        let no_done = b"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n";
        assert_eq!(
            codes(&verdict_on_transcript(no_done, &[], "t")),
            [(Code::StreamNoDone, Severity::Warn)]
        );
        let cut_short = b"data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\n";
        assert_eq!(
            codes(&verdict_on_transcript(cut_short, &[], "t")),
            [(Code::StreamNoDone, Severity::Fail)]
        );
        let error = b"data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\ndata: {\"error\": {\"message\": \"boom\", \"type\": null, \"param\": null, \"code\": \"500\"}}\n\n";
        assert_eq!(
            codes(&verdict_on_transcript(error, &[], "t")),
            [
                (Code::StreamErrorEvent, Severity::Fail),
                (Code::UpstreamError, Severity::Fail)
            ]
        );
        // `[DONE]` without the blank line that ends it still counts.
        let unterminated = b"data: {\"choices\":[{\"delta\":{\"content\":\"1\"}}]}\n\ndata: [DONE]";
        let out = verdict_on_transcript(unterminated, &[], "t");
        assert!(codes(&out).is_empty());
        assert!(out.note.unwrap().contains("without the blank line"));
    }

    #[test]
    fn cuts_name_a_nearby_limit() {
        let mut o = timed(&[100, 200]);
        o.end = Some(End::Cut("unexpected EOF".into()));
        o.ended_at = Duration::from_secs_f64(60.4);
        let out = verdict(&o, &[], "t");
        assert_eq!(codes(&out), [(Code::StreamCut, Severity::Fail)]);
        assert!(
            out.findings[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("close to 60 s")
        );
    }
}
