//! `tlcheck stream` against local servers that stream, stall, buffer and break, byte for byte.

use crate::support::{
    Reply, Seen, Server, Step, chunk, delta, finish, healthy, recorded, recorded_stream,
    stream_head,
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
    assert_eq!(findings(&doc), [pair("stream.no_done", "warn")]);
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
        steps.push(write(chunk(b": ping\n\n")));
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
            &["stream.no_done"],
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
