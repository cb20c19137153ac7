//! `tlcheck stream` against local servers that stream, stall, buffer and break, byte for byte.

use crate::support::{
    Reply, Seen, Server, Step, chunk, delta, finish, healthy, path_recording, recorded,
    recorded_stream, stream_head,
};
use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;
use serde_json::Value;
use std::time::{Duration, Instant};

const KEY: &str = "sk-stream-test-key-5678";

/// A gateway whose streamed chat answers with `steps` (after the stream's head).
fn streaming(steps: Vec<Step>) -> Server {
    Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Script(steps.clone()),
        _ => healthy(req),
    })
}

fn write(bytes: Vec<u8>) -> Step {
    Step::Write(bytes)
}

fn ms(n: u64) -> Step {
    Step::Sleep(Duration::from_millis(n))
}

/// Events as chunks, one write each, `gap` apart.
fn events_every(gap: u64, events: &[Vec<u8>]) -> Vec<Step> {
    let mut steps = vec![write(stream_head())];
    for e in events {
        steps.push(write(chunk(e)));
        steps.push(ms(gap));
    }
    steps
}

fn run(server: &Server, extra: &[&str]) -> (i32, Value, Duration) {
    let dir = tempdir();
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["stream", "--format", "json", "--timeout", "5"])
            .args(extra)
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    assert_eq!(doc["exit_code"], code);
    (code, doc, started.elapsed())
}

fn stream_check(doc: &Value) -> &Value {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "stream")
        .unwrap()
}

fn findings(doc: &Value) -> Vec<(String, String)> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "stream")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pair(code: &str, severity: &str) -> (String, String) {
    (code.to_owned(), severity.to_owned())
}

#[test]
fn the_recorded_litellm_stream_reaches_done() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded_stream("stream_01_ok.raw")),
        _ => healthy(req),
    });
    let (code, doc, _) = run(&server, &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    let check = stream_check(&doc);
    assert_eq!(check["status"], "pass");
    assert_eq!(
        check["facts"]["call id"],
        "20c25c49-32ff-4bbe-9e77-71e2f9e769a7"
    );
    assert_eq!(check["facts"]["finish_reason"], "stop");
    let t = &check["timeline"];
    let phases: Vec<f64> = ["headers", "first_event", "first_token", "last_event", "end"]
        .iter()
        .map(|p| t[p].as_f64().unwrap_or_else(|| panic!("no {p} in {t}")))
        .collect();
    assert!(
        phases.windows(2).all(|w| w[0] <= w[1]),
        "phases in order: {t}"
    );
    // The request asked for a stream with usage.
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"]["include_usage"], true);
}

#[test]
fn the_recorded_midstream_error_is_an_error_event() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => {
            Reply::Bytes(recorded_stream("stream_06_upstream_midstream_error.raw"))
        }
        _ => healthy(req),
    });
    let (code, doc, _) = run(&server, &[]);
    // The embedded error is the provider's: upstream comes before stream in the exit order.
    assert_eq!(code, 17, "{doc:#}");
    assert_eq!(
        findings(&doc),
        [
            pair("upstream.error", "fail"),
            pair("stream.error_event", "fail")
        ]
    );
}

#[test]
fn a_json_refusal_instead_of_a_stream() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded("vk_15_overbudget_stream.raw")),
        _ => healthy(req),
    });
    let (code, doc, _) = run(&server, &[]);
    assert_eq!(code, 15, "{doc:#}");
    assert_eq!(
        findings(&doc),
        [
            pair("budget.exhausted", "fail"),
            pair("stream.not_sse", "fail")
        ]
    );
}

#[test]
fn a_cut_connection() {
    // Two events, then the connection closes without the chunked body's last chunk.
    let mut steps = events_every(20, &[delta("1"), delta(" 2")]);
    steps.push(Step::Close);
    let server = streaming(steps);
    let (code, doc, _) = run(&server, &[]);
    assert_eq!(code, 16, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.cut", "fail")]);
    let f = crate::finding(&doc, "stream.cut");
    assert!(f["detail"].as_str().unwrap().contains("2 events"), "{f}");
}

#[test]
fn a_cut_in_the_middle_of_a_chunk() {
    let mut steps = vec![write(stream_head()), write(chunk(&delta("1")))];
    // Announce 100 bytes, send 10, close.
    steps.push(write(b"64\r\ndata: {\"ch".to_vec()));
    steps.push(Step::Close);
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 16, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.cut", "fail")]);
}

#[test]
fn no_done_after_a_finish_reason_is_a_warning() {
    let mut steps = events_every(5, &[delta("1"), finish("stop")]);
    steps.push(write(b"0\r\n\r\n".to_vec()));
    let server = streaming(steps);
    let (code, doc, _) = run(&server, &[]);
    assert_eq!(code, 0, "{doc:#}");
    // The model ended the answer itself, and the missing `[DONE]` is a warning beside it.
    assert_eq!(
        findings(&doc),
        [
            pair("stream.no_done", "warn"),
            pair("stream.finished", "info")
        ]
    );
    let (code, _, _) = run(&server, &["--strict"]);
    assert_eq!(code, 3);
}

#[test]
fn no_done_without_a_finish_reason_fails() {
    let mut steps = events_every(5, &[delta("1"), delta(" 2")]);
    steps.push(write(b"0\r\n\r\n".to_vec()));
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 16, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.no_done", "fail")]);
}

#[test]
fn crlf_stream_with_ping_comments_passes() {
    let mut steps = vec![write(stream_head())];
    for part in [
        b": ping\r\n\r\n".to_vec(),
        b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1\"}}]}\r\n\r\n".to_vec(),
        b": ping\r\n\r\n".to_vec(),
        b"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\r\n\r\n"
            .to_vec(),
        b"data: [DONE]\r\n\r\n".to_vec(),
    ] {
        steps.push(write(chunk(&part)));
        steps.push(ms(10));
    }
    steps.push(write(b"0\r\n\r\n".to_vec()));
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    assert!(
        stream_check(&doc)["facts"]["events"]
            .as_str()
            .unwrap()
            .contains("2 comments")
    );
}

#[test]
fn events_in_one_burst_after_silence_are_buffered() {
    let mut body = Vec::new();
    for e in [
        delta("1"),
        delta(" 2"),
        delta(" 3"),
        delta(" 4"),
        finish("stop"),
        b"data: [DONE]\n\n".to_vec(),
    ] {
        body.extend_from_slice(&e);
    }
    let steps = vec![
        write(stream_head()),
        ms(1200),
        write(chunk(&body)),
        write(b"0\r\n\r\n".to_vec()),
    ];
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 0, "a warning: {doc:#}");
    let found = findings(&doc);
    assert!(
        found.contains(&pair("stream.buffered", "warn")),
        "{found:?}"
    );
}

#[test]
fn events_arriving_over_time_are_incremental() {
    let mut steps = events_every(
        80,
        &[
            delta("1"),
            delta(" 2"),
            delta(" 3"),
            delta(" 4"),
            finish("stop"),
        ],
    );
    steps.push(write(chunk(b"data: [DONE]\n\n")));
    steps.push(write(b"0\r\n\r\n".to_vec()));
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    let check = stream_check(&doc);
    assert!(
        check["facts"]["delivery"]
            .as_str()
            .unwrap()
            .starts_with("incremental")
    );
    // Five events 80 ms apart: the median gap is about 80 ms, measured as the bytes arrived.
    let gaps = check["facts"]["gaps"].as_str().unwrap();
    let median: f64 = gaps
        .trim_start_matches("median ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((60.0..400.0).contains(&median), "{gaps}");
}

#[test]
fn a_stalled_stream_stops_at_the_idle_timeout() {
    let mut steps = events_every(10, &[delta("1")]);
    steps.push(ms(30_000));
    let (code, doc, elapsed) = run(&streaming(steps), &["--idle-timeout", "1"]);
    assert_eq!(code, 16, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.no_done", "fail")]);
    let f = crate::finding(&doc, "stream.no_done");
    assert_eq!(f["evidence"]["stopped_by"], "idle_timeout");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn a_stream_that_never_ends_stops_at_the_stream_timeout() {
    let mut steps = vec![write(stream_head())];
    for _ in 0..200 {
        steps.push(write(chunk(&delta("1"))));
        steps.push(ms(100));
    }
    let (code, doc, elapsed) = run(
        &streaming(steps),
        &["--stream-timeout", "2", "--idle-timeout", "1"],
    );
    assert_eq!(code, 16, "{doc:#}");
    let f = crate::finding(&doc, "stream.no_done");
    assert_eq!(f["evidence"]["stopped_by"], "stream_timeout");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn an_endless_body_stops_at_the_byte_cap() {
    let comment = vec![b':'; 64 * 1024 - 1]
        .into_iter()
        .chain([b'\n'])
        .collect::<Vec<u8>>();
    let mut steps = vec![write(stream_head())];
    for _ in 0..200 {
        steps.push(write(chunk(&comment)));
    }
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 16, "{doc:#}");
    let f = crate::finding(&doc, "stream.no_done");
    assert_eq!(f["evidence"]["stopped_by"], "byte_cap");
}

#[test]
fn the_timeline_in_human_form() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded_stream("stream_01_ok.raw")),
        _ => healthy(req),
    });
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .arg("stream")
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_snapshot!(t);
}

#[test]
fn doctor_no_spend_skips_the_stream() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--no-spend", "--format", "json"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(stream_check(&doc)["status"], "skip");
    assert!(server.requests().iter().all(|r| r.method != "POST"));
}

#[test]
fn classify_gives_transcripts_the_same_verdicts() {
    let dir = tempdir();
    let cases: [(&[u8], i32, &[&str]); 4] = [
        (
            b"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n",
            0,
            &[],
        ),
        (
            b"data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\n\n",
            0,
            &["stream.no_done", "stream.finished"],
        ),
        (
            b"data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
            16,
            &["stream.no_done"],
        ),
        (&recorded("stream_01_ok.raw"), 0, &["stream.finished"]),
    ];
    for (input, exit, expected) in cases {
        let (code, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["classify", "--format", "json"])
                .write_stdin(input.to_vec()),
        );
        assert_eq!(code, exit, "{stdout}");
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        let codes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, expected, "{stdout}");
    }
}

#[test]
fn keepalive_pings_do_not_hide_a_silent_model() {
    // LiteLLM with `sse_keepalive_ping_interval_seconds`: one event, then only `: ping` every
    // 200 ms. Bytes keep flowing; no event does.
    let mut steps = events_every(10, &[delta("1")]);
    for _ in 0..100 {
        steps.push(write(chunk(b": ping\n\n")));
        steps.push(ms(200));
    }
    let (code, doc, elapsed) = run(&streaming(steps), &["--idle-timeout", "1"]);
    assert_eq!(code, 16, "{doc:#}");
    let f = crate::finding(&doc, "stream.no_done");
    assert_eq!(f["evidence"]["stopped_by"], "idle_timeout");
    assert!(f["detail"].as_str().unwrap().contains("keepalive"), "{f}");
    let keepalives = stream_check(&doc)["facts"]["keepalives"].as_str().unwrap();
    assert!(keepalives.contains("`: ping` comments"), "{keepalives}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

/// The 5-event answer as LiteLLM frames it: one chunk per event.
fn answer_events() -> Vec<Vec<u8>> {
    vec![
        delta("1"),
        delta(" 2"),
        delta(" 3"),
        delta(" 4"),
        delta(" 5"),
        finish("stop"),
        b"data: [DONE]\n\n".to_vec(),
    ]
}

#[test]
fn a_fast_model_after_a_slow_first_token_is_not_buffering() {
    // Every event in its own chunk, all written at once after 1.2 s: a model that answers fast,
    // or a provider whose streaming the gateway simulates. Timing alone looks like a burst.
    let mut all = Vec::new();
    for e in answer_events() {
        all.extend_from_slice(&chunk(&e));
    }
    all.extend_from_slice(b"0\r\n\r\n");
    let steps = vec![write(stream_head()), ms(1200), write(all)];
    let (code, doc, _) = run(&streaming(steps), &["--strict"]);
    assert_eq!(code, 0, "no warning, even with --strict: {doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    let delivery = stream_check(&doc)["facts"]["delivery"].as_str().unwrap();
    assert!(delivery.starts_with("produced at once"), "{delivery}");
    assert!(delivery.contains("not the path") || delivery.contains("unbuffered"));
}

#[test]
fn a_buffering_hop_is_seen_without_any_silence() {
    // A buffering hop in front of a fast first token: the whole answer in one chunk after
    // 100 ms, far too soon for a rule on silence.
    let mut body = Vec::new();
    for e in answer_events() {
        body.extend_from_slice(&e);
    }
    let steps = vec![
        write(stream_head()),
        ms(100),
        write(chunk(&body)),
        write(b"0\r\n\r\n".to_vec()),
    ];
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 0, "a warning: {doc:#}");
    assert_eq!(
        findings(&doc),
        [
            pair("stream.buffered", "warn"),
            pair("stream.finished", "info")
        ]
    );
    let f = crate::finding(&doc, "stream.buffered");
    assert_eq!(f["evidence"]["most_events_per_frame"], 7);
}

#[test]
fn too_few_events_are_inconclusive() {
    let mut all = Vec::new();
    for e in [delta("1"), b"data: [DONE]\n\n".to_vec()] {
        all.extend_from_slice(&e);
    }
    let steps = vec![
        write(stream_head()),
        ms(50),
        write(chunk(&all)),
        write(b"0\r\n\r\n".to_vec()),
    ];
    let (code, doc, _) = run(&streaming(steps), &["--strict"]);
    assert_eq!(code, 0, "{doc:#}");
    let delivery = stream_check(&doc)["facts"]["delivery"].as_str().unwrap();
    assert!(delivery.starts_with("inconclusive"), "{delivery}");
}

#[test]
fn the_probe_asks_for_enough_tokens_to_see_pacing() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded_stream("stream_01_ok.raw")),
        _ => healthy(req),
    });
    run(&server, &[]);
    let sent: Value = serde_json::from_slice(&server.requests().last().unwrap().body).unwrap();
    let cap = sent["max_tokens"].as_u64().unwrap();
    assert!(
        (20..=64).contains(&cap),
        "tiny but enough for ~20 events: {cap}"
    );
}

#[test]
fn an_error_frame_after_keepalives_is_classified_by_its_content() {
    // LiteLLM 1.106.2 with keepalive pings and a provider 429: headers without any
    // `x-litellm-*`, pings, then the error as a frame under 200, then `[DONE]`.
    let head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\nx-accel-buffering: no\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let frame = br#"data: {"error": {"message": "litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached for gpt-4o-mini", "type": "throttling_error", "param": null, "code": "429"}}

"#;
    let mut steps = vec![write(head)];
    for _ in 0..3 {
        steps.push(write(chunk(b": ping\n\n")));
        steps.push(ms(50));
    }
    steps.push(write(chunk(frame)));
    steps.push(write(chunk(b"data: [DONE]\n\n")));
    steps.push(write(b"0\r\n\r\n".to_vec()));
    let server = streaming(steps);
    let (code, doc, _) = run(&server, &[]);
    assert_eq!(code, 14, "a rate limit: {doc:#}");
    assert_eq!(
        findings(&doc),
        [
            pair("rate.upstream", "fail"),
            pair("stream.error_event", "fail")
        ]
    );
    let f = crate::finding(&doc, "stream.error_event");
    assert!(
        f["detail"].as_str().unwrap().contains("`[DONE]` followed"),
        "{f}"
    );
    // No call id came back; the one tlcheck sent is the call's id.
    let sent = server
        .requests()
        .last()
        .unwrap()
        .header("x-litellm-call-id")
        .unwrap()
        .to_owned();
    let call = stream_check(&doc)["facts"]["call id"].as_str().unwrap();
    assert!(call.starts_with(&sent), "{call}");
    assert!(
        stream_check(&doc)["facts"]["keepalives"]
            .as_str()
            .unwrap()
            .starts_with("3 `: ping`")
    );
}

#[test]
fn a_cut_after_silence_names_the_silence() {
    // Two events, 1.5 s of silence, then the chunked body is closed without its last chunk.
    let mut steps = events_every(10, &[delta("1"), delta(" 2")]);
    steps.push(ms(1500));
    steps.push(Step::Close);
    let (code, doc, _) = run(&streaming(steps), &[]);
    assert_eq!(code, 16, "{doc:#}");
    let f = crate::finding(&doc, "stream.cut");
    let silence = f["evidence"]["silence_before_cut_ms"].as_u64().unwrap();
    assert!((1400..3000).contains(&silence), "{f}");
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("after the last byte"),
        "{f}"
    );
}

/// A gateway whose streamed chat answer is what nginx or squid really sent (a recording).
fn behind(recording: &'static str) -> Server {
    Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Script(path_recording(recording)),
        _ => healthy(req),
    })
}

#[test]
fn behind_a_stock_nginx_the_stream_is_incremental() {
    let (code, doc, _) = run(&behind("nginx_pass_paced"), &["--strict"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    let facts = &stream_check(&doc)["facts"];
    assert!(
        facts["delivery"]
            .as_str()
            .unwrap()
            .starts_with("incremental"),
        "{facts}"
    );
    let path = facts["path"].as_str().unwrap();
    assert!(
        path.starts_with("nginx/1.22.1 (server header): proxy_read_timeout 60 s"),
        "{path}"
    );
}

#[test]
fn behind_a_buffering_hop_the_stream_is_buffered_even_when_fast() {
    // nginx ignoring X-Accel-Buffering over HTTP/1.0: all nine events in one chunk at 0.64 s,
    // with a 0.5 s first token. No rule on silence could see it.
    // mitmproxy as a reverse proxy holds the whole answer, headers included, and sends it as one
    // chunk.
    for recording in [
        "nginx_buffered_paced",
        "nginx_buffered_burst",
        "mitmproxy_reverse_paced",
    ] {
        let (code, doc, _) = run(&behind(recording), &[]);
        assert_eq!(code, 0, "{recording}: {doc:#}");
        assert_eq!(
            findings(&doc),
            [
                pair("stream.buffered", "warn"),
                pair("stream.finished", "info")
            ],
            "{recording}"
        );
        let f = crate::finding(&doc, "stream.buffered");
        assert_eq!(f["evidence"]["most_events_per_frame"], 9, "{recording}");
    }
}

#[test]
fn a_burst_through_a_stock_nginx_is_not_called_buffering() {
    // The upstream wrote its whole answer at once; nginx read it in one go and passed it on as
    // three chunks, one with seven events. The path may not be blamed for that.
    let (code, doc, _) = run(&behind("nginx_pass_burst"), &["--strict"]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.finished", "info")]);
    let delivery = stream_check(&doc)["facts"]["delivery"].as_str().unwrap();
    assert!(delivery.starts_with("inconclusive"), "{delivery}");
}

#[test]
fn nginx_read_timeout_mid_stream_is_a_cut_after_its_silence() {
    // proxy_read_timeout 1s and a model that stalls after two events: nginx closes the chunked
    // body without its last chunk, 1 s after the last byte.
    let (code, doc, _) = run(&behind("nginx_read_timeout_midstream"), &[]);
    assert_eq!(code, 16, "{doc:#}");
    assert_eq!(findings(&doc), [pair("stream.cut", "fail")]);
    let f = crate::finding(&doc, "stream.cut");
    let silence = f["evidence"]["silence_before_cut_ms"].as_u64().unwrap();
    assert!((900..2500).contains(&silence), "{f}");
}

/// `tlcheck doctor --no-key` against a route of the customer's own backend, with a key also in
/// the environment (which must stay unused).
fn keyless_route(server: &Server) -> (i32, Value, String) {
    // The gateway itself, streamed through with the key, for comparison.
    let gateway = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args([
                "doctor",
                "--no-key",
                "-vv",
                "--format",
                "json",
                "--timeout",
                "5",
                "--gateway",
                &gateway.base_url(),
            ])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "no request to the route carried a key"
    );
    // Only the comparison stream went to the gateway, with the key.
    let to_gateway = gateway.requests();
    assert_eq!(to_gateway.len(), 1, "one stream to the gateway");
    assert!(crate::support::is_stream(&to_gateway[0]));
    assert_eq!(
        to_gateway[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(doc["exit_code"], code);
    (code, doc, stdout)
}

fn status_of<'a>(doc: &'a Value, id: &str) -> &'a str {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()["status"]
        .as_str()
        .unwrap()
}

#[test]
fn no_key_checks_the_customers_own_route_without_a_key() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Script(path_recording("nginx_pass_paced")),
        _ => healthy(req),
    });
    let (code, doc, _) = keyless_route(&server);
    assert_eq!(code, 0, "{doc:#}");
    for (id, status) in [
        ("key", "skip"),
        ("health", "skip"),
        ("key_info", "skip"),
        ("chat", "skip"),
        ("models", "pass"),
        ("stream", "pass"),
        ("gateway_stream", "pass"),
    ] {
        assert_eq!(status_of(&doc, id), status, "{id}: {doc:#}");
    }
    assert_eq!(
        stream_check(&doc)["facts"]["compared with the gateway"],
        "your route passes the stream on as the gateway sends it (route: incremental; gateway: \
         produced at once; [DONE] reached)"
    );
    let facts = &stream_check(&doc)["facts"];
    assert!(
        facts["delivery"]
            .as_str()
            .unwrap()
            .starts_with("incremental")
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 2, "models and the stream only: {paths:?}");
}

/// A route that buffers what the gateway streams: the comparison puts the buffering on the route.
#[test]
fn a_route_compared_with_the_gateway_shows_what_the_route_changes() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Script(path_recording("nginx_buffered_paced")),
        _ => healthy(req),
    });
    let (_, doc, _) = keyless_route(&server);
    let compared = stream_check(&doc)["facts"]["compared with the gateway"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        compared.contains("your route's buffered: the buffering is in your route"),
        "{compared}"
    );
    assert!(
        compared.starts_with("the gateway's stream arrives unbuffered here"),
        "{compared}"
    );
    assert_eq!(status_of(&doc, "gateway_stream"), "pass");
}

#[test]
fn a_route_that_echoes_a_key_is_caught_and_the_key_never_shown() {
    const LEAKED: &str = "sk-leaked0route0key0123456789";
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/models" => Reply::Bytes(crate::support::json_reply(
            401,
            "Unauthorized",
            &[],
            &format!(
                r#"{{"error":{{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = {LEAKED}","type":"auth_error","param":"None","code":"401"}}}}"#
            ),
        )),
        "/v1/chat/completions" => Reply::Bytes(recorded_stream("stream_01_ok.raw")),
        _ => healthy(req),
    });
    let (code, doc, stdout) = keyless_route(&server);
    assert_eq!(code, 10, "{doc:#}");
    let f = crate::finding(&doc, "key.leaked");
    assert_eq!(f["evidence"]["where"], "body");
    assert!(!stdout.contains(LEAKED), "the leaked key is never shown");
    assert!(!stdout.contains("0route0key0123456789"));
}

#[test]
fn no_headers_before_the_deadline_names_the_slow_first_token() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Hang,
        _ => healthy(req),
    });
    let dir = tempdir();
    let started = Instant::now();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["stream", "--format", "json", "--timeout", "1"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    let elapsed = started.elapsed();
    assert_eq!(code, 11, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let f = crate::finding(&doc, "net.timeout");
    let detail = f["detail"].as_str().unwrap();
    assert!(detail.contains("first token"), "{detail}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

/// `--no-spend` holds for a keyless route too: its stream is billed to the key the backend adds,
/// and the comparison with the gateway is billed to yours.
#[test]
fn no_spend_skips_the_routes_stream_and_the_comparison() {
    let route = Server::start(healthy);
    let gateway = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--no-key", "--no-spend", "--format", "json"])
            .args(["--gateway", &gateway.base_url()])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", route.base_url()),
    );
    assert_eq!(code, 0, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(status_of(&doc, "models"), "pass");
    assert_eq!(status_of(&doc, "stream"), "skip");
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"] != "gateway_stream"),
        "{doc:#}"
    );
    assert!(gateway.requests().is_empty(), "nothing sent to the gateway");
    let paths: Vec<String> = route.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths, ["/v1/models"]);
}
