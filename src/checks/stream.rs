//! The stream check: one small streamed completion, read frame by frame as the bytes arrive, and
//! one verdict on how it ended (`[DONE]`, an error frame, a cut, no `[DONE]`, not a stream) and how
//! it was delivered (incremental, produced at once, re-framed by a buffering hop, or too little to
//! tell). The verdict is a pure function of what was observed, so a pasted transcript gets the same
//! verdicts, minus timing and framing.

use super::ids;
use super::live::StreamLimits;
use super::live::{Gateway, ms, transport_finding};
use crate::catalog::{Code, Severity};
use crate::classify::{self, ErrorInfo};
use crate::gateway::litellm;
use crate::net::hop::{self, IDLE_LIMITS, known_limit};
use crate::net::{Http, Opened, Request, TransportKind};
use crate::report::{Finding, Outcome, RequestRecord, TRACE_BODY_CAP};
use crate::secret::ApiKey;
use crate::sse::{self, Event};
use serde_json::{Value, json};
use std::time::Duration;

/// The most of a stream tlcheck reads.
pub const MAX_STREAM_BYTES: u64 = 8 * 1024 * 1024;

/// Fewer events than this cannot show how the stream was delivered.
pub const MIN_EVENTS_TO_TELL: usize = 4;
/// A frame (HTTP/1.1 chunk, HTTP/2 DATA frame, or read of an unframed body) that completes this
/// many events was assembled by a buffer when it carried the whole answer or such frames came
/// apart in time: LiteLLM writes each event as its own frame, and hops that pass a paced stream
/// through deliver at most two to a frame. (A pass-through hop that reads an instant burst in one
/// go re-chunks it too, which is why an answer that arrived at one instant in several frames is
/// left inconclusive.)
pub const BUFFERED_EVENTS_PER_FRAME: usize = 4;
/// Events that all arrive within this span of the first one were produced at once.
pub const AT_ONCE_SPAN: Duration = Duration::from_millis(10);

/// How the body ended.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    /// `data: [DONE]` arrived.
    Done,
    /// The body ended cleanly without `[DONE]`.
    Clean,
    /// The connection broke mid-body.
    Cut(String),
    /// No event arrived for this long (`--idle-timeout`).
    Idle(Duration),
    /// The stream was still running at the deadline (`--stream-timeout`).
    Deadline(Duration),
    /// The byte cap was reached without `[DONE]`.
    ByteCap(u64),
}

/// One piece of the body as the HTTP client delivered it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// When it arrived, from the start of the request.
    pub at: Duration,
    pub bytes: usize,
    /// Events with data (`[DONE]` included) that this frame completed.
    pub events: usize,
}

/// How the events were delivered, read from their framing first and their timing second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// One or two events to a frame, spread over time.
    Incremental,
    /// One or two events to a frame, but all within [`AT_ONCE_SPAN`]: the model or the gateway
    /// produced the answer at once, and the path passed it on as it came.
    ProducedAtOnce { span: Duration },
    /// A frame completed [`BUFFERED_EVENTS_PER_FRAME`] or more events, and it carried the whole
    /// answer or such frames came apart in time: a hop re-framed the stream.
    Buffered { most: usize, frames: usize },
    /// The evidence cannot tell; why.
    Inconclusive(String),
}

/// Everything seen of a stream, built up frame by frame.
#[derive(Clone, Debug, Default)]
pub struct Observed {
    /// Whether arrival times are real (a live stream) or absent (a pasted transcript).
    pub timed: bool,
    pub time_to_headers: Option<Duration>,
    /// The body as it arrived (live streams only).
    pub frames: Vec<Frame>,
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
    /// Comment lines (`: ping` keepalives).
    pub comments: u64,
    pub end: Option<End>,
    pub ended_at: Duration,
}

impl Observed {
    /// Take in one piece of the body, which arrived at `at` and completed `events`.
    pub fn absorb_frame(&mut self, at: Duration, bytes: usize, events: &[Event]) {
        self.bytes += bytes as u64;
        self.frames.push(Frame {
            at,
            bytes,
            events: events.iter().filter(|e| !e.data.trim().is_empty()).count(),
        });
        for e in events {
            self.absorb(e);
        }
    }

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

    /// Arrival of every event with data, `[DONE]` included.
    fn all_event_times(&self) -> Vec<Duration> {
        let mut t = self.event_times.clone();
        t.extend(self.done_at);
        t
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

    /// The longest time without an event: from the request to the first event, between two
    /// events, and from the last event to the end.
    pub fn longest_event_silence(&self) -> Duration {
        longest_gap(
            std::iter::once(Duration::ZERO)
                .chain(self.all_event_times())
                .chain([self.ended_at]),
        )
    }

    /// The longest time without a byte, from the headers on (keepalives count as bytes).
    pub fn longest_byte_silence(&self) -> Duration {
        longest_gap(
            std::iter::once(self.time_to_headers.unwrap_or_default())
                .chain(self.frames.iter().map(|f| f.at))
                .chain([self.ended_at]),
        )
    }

    /// The silence right before the end: since the last byte (or the headers).
    pub fn silence_before_end(&self) -> Duration {
        let last = self
            .frames
            .last()
            .map(|f| f.at)
            .or(self.time_to_headers)
            .unwrap_or_default();
        self.ended_at.saturating_sub(last)
    }

    /// How the events were delivered; `None` for a transcript, which has neither framing nor
    /// timing.
    pub fn delivery(&self) -> Option<Delivery> {
        if !self.timed {
            return None;
        }
        let times = self.all_event_times();
        if times.len() < MIN_EVENTS_TO_TELL {
            return Some(Delivery::Inconclusive(format!(
                "only {} events arrived: too few to tell how the path delivers a stream",
                times.len()
            )));
        }
        let most = self.frames.iter().map(|f| f.events).max().unwrap_or(0);
        let frames = self.frames.iter().filter(|f| f.events > 0).count();
        let first = times.iter().min().copied().unwrap_or_default();
        let span = times
            .iter()
            .max()
            .copied()
            .unwrap_or_default()
            .saturating_sub(first);
        let at_once = span <= AT_ONCE_SPAN;
        if most >= BUFFERED_EVENTS_PER_FRAME && (frames == 1 || !at_once) {
            // The whole answer in one frame, or batches released over time: a buffer.
            return Some(Delivery::Buffered { most, frames });
        }
        if most >= BUFFERED_EVENTS_PER_FRAME {
            // A pass-through hop that reads a burst in one go passes it on as one chunk too.
            return Some(Delivery::Inconclusive(format!(
                "the whole answer arrived within {}, up to {most} events to a frame: the model \
                 or the gateway produced it at once, and whether a hop also merged the frames \
                 cannot be told",
                ms(span)
            )));
        }
        if most == BUFFERED_EVENTS_PER_FRAME - 1 {
            return Some(Delivery::Inconclusive(format!(
                "up to {most} events arrived in one frame: more than a hop that passes the stream \
                 through delivers (2), fewer than a buffer collects"
            )));
        }
        Some(if at_once {
            Delivery::ProducedAtOnce { span }
        } else {
            Delivery::Incremental
        })
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
    if o.timed {
        if let Some((median, p95, max)) = o.gaps() {
            out.fact(
                "gaps",
                format!("median {}, p95 {}, max {}", ms(median), ms(p95), ms(max)),
            );
        }
        out.fact("keepalives", keepalives(o));
    }
    let delivery = o.delivery();
    match &delivery {
        Some(Delivery::Incremental) => out.fact(
            "delivery",
            "incremental: one or two events to a frame, spread over time. If your application \
             sees the events at once, the buffering is in your own client (read the stream with \
             the OpenAI SDK's stream=True, or eventsource-parser in JavaScript)",
        ),
        Some(Delivery::ProducedAtOnce { span }) => out.fact(
            "delivery",
            format!(
                "produced at once: {} events within {}, still one or two to a frame: the model or \
                 the gateway produced the answer in one go (a fast model, or a provider whose \
                 streaming the gateway simulates), and the path passed it on unbuffered",
                o.all_event_times().len(),
                ms(*span)
            ),
        ),
        Some(Delivery::Buffered { .. }) => {}
        Some(Delivery::Inconclusive(why)) => {
            out.fact("delivery", format!("inconclusive: {why}"));
        }
        None => {}
    }

    let content_events = events - o.error_frames.len();
    for frame in &o.error_frames {
        let mut detail = format!(
            "an error frame arrived after {content_events} data events; the HTTP status stayed 200"
        );
        if o.done_at.is_some() {
            detail.push_str(
                ", and `[DONE]` followed: a client that only waits for `[DONE]` sees a complete, \
                 empty answer",
            );
        }
        out.push(
            Finding::new(Code::StreamErrorEvent, check)
                .detail(detail)
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
            let silence = o.silence_before_end();
            let mut detail = format!(
                "the connection broke after {:.1} s, {:.1} s after the last byte arrived ({} \
                 bytes, {events} events): {reason}",
                elapsed.as_secs_f64(),
                silence.as_secs_f64(),
                o.bytes
            );
            if let Some(limit) = known_limit(&IDLE_LIMITS, silence) {
                detail.push_str(&format!(
                    "; {:.1} s of silence matches {}, {}: a hop closed the stream for being idle",
                    silence.as_secs_f64(),
                    limit.shown(),
                    limit.who
                ));
            } else if let Some(limit) = known_limit(&IDLE_LIMITS, elapsed) {
                detail.push_str(&format!(
                    "; the whole stream lasted {:.1} s, close to {} ({}): a limit on the total \
                     time of a request would end it there",
                    elapsed.as_secs_f64(),
                    limit.shown(),
                    limit.who
                ));
            }
            let mut f = Finding::new(Code::StreamCut, check)
                .detail(detail)
                .evidence("after_ms", elapsed.as_millis() as u64)
                .evidence("silence_before_cut_ms", silence.as_millis() as u64)
                .evidence("bytes", o.bytes);
            if o.timed {
                f = f.evidence(
                    "longest_event_silence_ms",
                    o.longest_event_silence().as_millis() as u64,
                );
            }
            out.push(f);
        }
        End::Idle(d) => {
            let mut what = format!(
                "no event arrived for {:.0} s after {events} events (--idle-timeout); the stream \
                 stalled",
                d.as_secs_f64()
            );
            if o.comments > 0 && o.silence_before_end() < d {
                what.push_str(
                    ", though keepalive comments kept arriving: the gateway is alive, the model \
                     is silent",
                );
            }
            out.push(stopped(&what, "idle_timeout"));
        }
        End::Deadline(d) => out.push(stopped(
            &format!(
                "the stream was still running after {:.0} s (--stream-timeout)",
                d.as_secs_f64()
            ),
            "stream_timeout",
        )),
        End::ByteCap(n) => out.push(stopped(
            &format!("read {n} bytes without `[DONE]`; stopped reading"),
            "byte_cap",
        )),
        End::Clean if o.done_at.is_none() => match &o.finish_reason {
            Some(reason) => {
                out.push(
                    Finding::new(Code::StreamFinished, check)
                        .detail(format!("`finish_reason: {reason}`, then a clean end")),
                );
                out.push(
                    Finding::new(Code::StreamNoDone, check)
                        .severity(Severity::Warn)
                        .detail(format!(
                            "the stream ended cleanly after `finish_reason: {reason}` but \
                             without `data: [DONE]`: the answer is complete, but clients that \
                             wait for `[DONE]` will hang"
                        )),
                );
            }
            None => out.push(Finding::new(Code::StreamNoDone, check).detail(format!(
                "the stream ended after {events} events with neither a `finish_reason` nor \
                 `[DONE]`: the answer was cut short"
            ))),
        },
        End::Clean | End::Done => {
            if let Some(reason) = &o.finish_reason {
                out.push(
                    Finding::new(Code::StreamFinished, check)
                        .detail(format!("`finish_reason: {reason}`, then `[DONE]`")),
                );
            }
            out.note = Some(match o.done_unterminated {
                true => format!(
                    "`[DONE]` after {events} events (without the blank line that should end it)"
                ),
                false => format!("`[DONE]` after {events} events"),
            });
        }
    }

    if let Some(Delivery::Buffered { most, frames }) = delivery {
        let all = o.all_event_times().len();
        let first = o.all_event_times().into_iter().min().unwrap_or_default();
        out.push(
            Finding::new(Code::StreamBuffered, check)
                .detail(format!(
                    "{}: the gateway writes each event as its own frame, so something between it \
                     and this machine collected them before passing them on",
                    match frames {
                        1 => format!("all {all} events arrived in a single frame"),
                        _ => format!(
                            "up to {most} events arrived in one frame ({all} events in {frames} \
                             frames)"
                        ),
                    }
                ))
                .evidence("most_events_per_frame", most)
                .evidence("frames_with_events", frames)
                .evidence("first_event_ms", first.as_millis() as u64),
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

/// Whether keepalive comments flowed, and the silences they did and did not fill.
fn keepalives(o: &Observed) -> String {
    let silences = format!(
        "longest silence {} without an event, {} without a byte",
        ms(o.longest_event_silence()),
        ms(o.longest_byte_silence())
    );
    match o.comments {
        0 => format!("none (no `: ping` comments); {silences}"),
        n => format!("{n} `: ping` comments kept the connection busy; {silences}"),
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

/// The output tokens the probe asks for at most: enough events (about 20, one per token) that
/// their pacing and framing show, at a cost of a few thousandths of a cent.
pub const PROBE_MAX_TOKENS: u64 = 40;

/// The request body: about twenty output tokens, with usage (and so cost) in the stream.
pub fn body(model: &str, cap_name: &str) -> Value {
    json!({
        "model": model,
        "messages": [{"role": "user", "content": "Count from 1 to 20, separated by spaces."}],
        cap_name: PROBE_MAX_TOKENS,
        "stream": true,
        "stream_options": {"include_usage": true},
    })
}

/// The longest time between two consecutive marks.
fn longest_gap(marks: impl Iterator<Item = Duration>) -> Duration {
    let marks: Vec<Duration> = marks.collect();
    marks
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .max()
        .unwrap_or_default()
}

/// The stream probe as a live check of the table.
pub fn probe(s: &super::live::Session) -> super::live::Running<'_> {
    Box::pin(check(
        &s.http,
        &s.gateway,
        s.key.as_ref(),
        &s.model,
        s.stream_limits,
    ))
}

/// Run the streamed probe.
pub async fn check(
    http: &Http,
    gateway: &Gateway,
    key: Option<&ApiKey>,
    model: &str,
    limits: StreamLimits,
) -> Outcome {
    let url = gateway.api("chat/completions");
    let mut cap = litellm::TOKEN_CAP;
    loop {
        let req = Request {
            method: "POST",
            url: url.clone(),
            key,
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
                let mut finding = transport_finding(&f, ids::STREAM);
                if f.kind == TransportKind::Timeout
                    && f.wire.as_ref().is_some_and(|w| w.phases.connected)
                {
                    // LiteLLM sends a stream's headers with the model's first token.
                    finding = finding.detail(format!(
                        "{}: the gateway sends a stream's headers only with the model's first \
                         token, so a slow first token looks like this; a hop in front answers \
                         504 at its own limit (60 s for nginx), which --timeout longer than that \
                         would show",
                        f.detail
                    ));
                }
                out.push(finding);
                return out;
            }
        };
        let mut out = read(opened, limits, &url).await;
        if cap == litellm::TOKEN_CAP
            && out.findings.iter().any(|f| f.code == Code::StreamNotSse)
            && asks_for_completion_tokens(&out)
        {
            cap = litellm::REASONING_TOKEN_CAP;
            continue;
        }
        if cap == litellm::REASONING_TOKEN_CAP {
            out.fact("retried", litellm::RETRIED_WITH_REASONING_CAP);
        }
        return out;
    }
}

fn asks_for_completion_tokens(out: &Outcome) -> bool {
    out.findings.iter().any(|f| {
        f.evidence
            .iter()
            .any(|(k, v)| k == "message" && v.as_str().is_some_and(litellm::asks_for_reasoning_cap))
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
async fn read(mut opened: Opened, limits: StreamLimits, url: &url::Url) -> Outcome {
    let started = opened.started;
    let status = opened.status;
    let headers = opened.headers.clone();
    let call_id = opened.header(litellm::CALL_ID).map(str::to_owned);
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
        let envelope = ErrorInfo::from_body(&body).is_some();
        // The stream's own failure is a refusal in JSON (the gateway's, before the first chunk)
        // or a success that is not a stream. An intermediary's page, a redirect or a proxy
        // refusal is named by the embedded finding alone.
        let network = embedded
            .iter()
            .any(|f| f.layer() == crate::catalog::Layer::Network);
        if !network && (envelope || (200..300).contains(&status)) {
            let what = if envelope {
                format!("{status} with a JSON error (`{content_type}`) instead of an event stream")
            } else {
                format!("{status} `{content_type}` instead of `text/event-stream`")
            };
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
        if let Some(limit) = hop::known_limit(&hop::FIRST_BYTE_LIMITS, opened.time_to_headers) {
            out.fact(
                "first byte",
                format!(
                    "the answer came after {:.1} s, at {} ({})",
                    opened.time_to_headers.as_secs_f64(),
                    limit.shown(),
                    limit.who
                ),
            );
        }
        out.fact("path", path(&headers));
        return out;
    }

    let mut parser = sse::Parser::new();
    let mut events = Vec::new();
    let mut kept = Vec::new();
    // Idleness is measured on events: keepalive comments keep bytes flowing while the model
    // says nothing.
    let mut last_event = Duration::ZERO;
    let end = loop {
        let now = started.elapsed();
        let left = limits.total.saturating_sub(now);
        let idle_left = limits.idle.saturating_sub(now.saturating_sub(last_event));
        let next = tokio::time::timeout(idle_left.min(left), opened.next_chunk()).await;
        let at = started.elapsed();
        match next {
            Err(_) if left <= idle_left => break End::Deadline(limits.total),
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
                let room = TRACE_BODY_CAP.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
                parser.feed(&chunk, at, &mut events);
                o.absorb_frame(at, chunk.len(), &events);
                if events.iter().any(|e| !e.data.trim().is_empty()) {
                    last_event = at;
                }
                events.clear();
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
    match call_id {
        Some(id) => out.facts.insert(0, ("call id", id.into())),
        // With keepalives on, LiteLLM sends its headers before the model answers, without any
        // `x-litellm-*` header; it still takes the id tlcheck sent as the call's id.
        None if !o.error_frames.is_empty() => out.facts.insert(
            0,
            (
                "call id",
                format!(
                    "{} (none in the answer's headers; tlcheck sent this id as \
                     x-litellm-call-id, which LiteLLM takes as the call's id)",
                    opened.wire.request_id
                )
                .into(),
            ),
        ),
        None => {}
    }
    if let Some(cost) = headers
        .iter()
        .find(|(n, _)| n == crate::gateway::litellm::RESPONSE_COST)
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
    {
        out.fact("cost", crate::report::Fact::Usd(cost));
    }
    out.fact("path", path(&headers));
    out.timeline = timeline(&o);
    out
}

/// The intermediaries the answer's headers reveal, with what each is known to limit.
fn path(headers: &[(String, String)]) -> String {
    let hops = hop::revealed(headers);
    if hops.is_empty() {
        return "no intermediary revealed by the answer's headers (one that adds none may still be \
                there)"
            .to_owned();
    }
    hops.iter()
        .map(|h| match h.product.limits() {
            "" => h.shown(),
            limits => format!("{}: {limits}", h.shown()),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The phases of a stream, for the timeline view.
pub fn timeline(o: &Observed) -> Vec<(&'static str, Duration)> {
    let mut t = Vec::new();
    if let Some(h) = o.time_to_headers {
        t.push(("headers", h));
    }
    if let Some(first) = o.frames.first() {
        t.push(("first byte", first.at));
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

    fn event(data: &str, ms: u64) -> Event {
        Event {
            kind: "message".into(),
            data: data.into(),
            id: None,
            at: at(ms),
            complete: true,
        }
    }

    const TOKEN: &str = r#"{"choices":[{"delta":{"content":"1"}}]}"#;

    /// A live stream: each frame `(ms, events)` completes that many content events.
    fn framed(frames: &[(u64, usize)]) -> Observed {
        let mut o = Observed {
            timed: true,
            ..Default::default()
        };
        for (t, n) in frames {
            let events: Vec<Event> = (0..*n).map(|_| event(TOKEN, *t)).collect();
            o.absorb_frame(at(*t), 60 * n, &events);
        }
        o.ended_at = o.frames.last().map_or(Duration::ZERO, |f| f.at);
        o
    }

    #[test]
    fn delivery_is_read_from_framing_first() {
        // A paced model, one event per chunk.
        let paced: Vec<(u64, usize)> = (0..9).map(|i| (500 + 15 * i, 1)).collect();
        assert_eq!(framed(&paced).delivery(), Some(Delivery::Incremental));
        // A fast model after a 2 s first token: a burst in time, but one event per chunk.
        let fast: Vec<(u64, usize)> = (0..9).map(|_| (2000, 1)).collect();
        assert!(matches!(
            framed(&fast).delivery(),
            Some(Delivery::ProducedAtOnce { .. })
        ));
        // A pass-through hop sometimes delivers two events together.
        let pairs: Vec<(u64, usize)> = (0..5).map(|i| (500 + 20 * i, 2)).collect();
        assert_eq!(framed(&pairs).delivery(), Some(Delivery::Incremental));
        // nginx buffering a short answer after a 0.5 s first token: nine events in one chunk,
        // well under a second: timing alone would not tell.
        assert_eq!(
            framed(&[(677, 9)]).delivery(),
            Some(Delivery::Buffered { most: 9, frames: 1 })
        );
        // 4k buffers on a long answer: bursts of about twenty events.
        assert_eq!(
            framed(&[(900, 20), (1250, 21), (1600, 19)]).delivery(),
            Some(Delivery::Buffered {
                most: 21,
                frames: 3
            })
        );
        // A burst read in one go by a pass-through hop: several frames, one with many events,
        // all at one instant. Inconclusive rather than a warning.
        assert!(matches!(
            framed(&[(2003, 1), (2003, 1), (2003, 7)]).delivery(),
            Some(Delivery::Inconclusive(_))
        ));
        // Three to a frame, or too few events: inconclusive rather than a warning.
        assert!(matches!(
            framed(&[(500, 3), (520, 3)]).delivery(),
            Some(Delivery::Inconclusive(_))
        ));
        assert!(matches!(
            framed(&[(2000, 3)]).delivery(),
            Some(Delivery::Inconclusive(_))
        ));
        // A transcript has neither framing nor timing.
        let mut o = framed(&[(677, 9)]);
        o.timed = false;
        assert_eq!(o.delivery(), None);
    }

    #[test]
    fn gaps_median_p95_max() {
        let o = framed(&[(0, 1), (10, 1), (30, 1), (60, 1), (100, 1)]);
        // Nearest rank: gaps are 10, 20, 30, 40 ms.
        assert_eq!(o.gaps(), Some((at(30), at(40), at(40))));
        assert_eq!(framed(&[(5, 1)]).gaps(), None);
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
            [
                (Code::StreamFinished, Severity::Info),
                (Code::StreamNoDone, Severity::Warn)
            ]
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
    fn a_rate_limit_in_a_keepalive_stream_is_a_rate_limit() {
        // LiteLLM 1.106.2 with keepalive pings: the provider's 429 arrives as a frame under 200,
        // followed by `[DONE]`, with no `x-litellm-*` headers.
        let body = b": ping\n\n: ping\n\ndata: {\"error\": {\"message\": \"litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for gpt-4o-mini\", \"type\": \"throttling_error\", \"param\": null, \"code\": \"429\"}}\n\ndata: [DONE]\n\n";
        let out = verdict_on_transcript(body, &[], "t");
        assert_eq!(
            codes(&out),
            [
                (Code::StreamErrorEvent, Severity::Fail),
                (Code::RateUpstream, Severity::Fail)
            ]
        );
        let detail = out.findings[0].detail.as_deref().unwrap();
        assert!(detail.contains("after 0 data events"), "{detail}");
        assert!(detail.contains("`[DONE]` followed"), "{detail}");
    }

    #[test]
    fn a_cut_names_the_silence_before_it_and_the_limit_it_matches() {
        // Two events in the first 2 s, then 30 s of silence, then the cut at 32 s.
        let mut o = framed(&[(1000, 1), (2000, 1)]);
        o.end = Some(End::Cut("unexpected EOF".into()));
        o.ended_at = Duration::from_secs_f64(31.98);
        let out = verdict(&o, &[], "t");
        assert_eq!(codes(&out), [(Code::StreamCut, Severity::Fail)]);
        let detail = out.findings[0].detail.as_deref().unwrap();
        assert!(detail.contains("30.0 s after the last byte"), "{detail}");
        assert!(detail.contains("matches 30 s"), "{detail}");
        // A cut at 60 s while bytes kept flowing is not an idle cut; the total time is named.
        let mut o = framed(&(0..60).map(|i| (i * 1000, 1)).collect::<Vec<_>>());
        o.end = Some(End::Cut("unexpected EOF".into()));
        o.ended_at = Duration::from_secs_f64(59.5);
        let detail = verdict(&o, &[], "t").findings[0].detail.clone().unwrap();
        assert!(
            detail.contains("the whole stream lasted 59.5 s"),
            "{detail}"
        );
    }

    #[test]
    fn keepalives_do_not_hide_a_stalled_model() {
        let mut o = framed(&[(500, 1)]);
        for i in 1..=30 {
            o.absorb_frame(at(500 + i * 1000), 8, &[]);
        }
        o.comments = 30;
        o.ended_at = at(30_600);
        assert_eq!(o.longest_byte_silence(), at(1000));
        assert_eq!(o.longest_event_silence(), at(30_100));
        assert!(keepalives(&o).starts_with("30 `: ping` comments"));
    }
}
