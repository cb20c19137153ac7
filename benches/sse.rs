//! Benchmarks for the stream check (run with `cargo bench --bench sse`):
//! 1. parser throughput on a large synthetic chat-completion stream, alone and with the per-event
//!    JSON reading the stream check does;
//! 2. the delay between a local server writing an event and tlcheck recording its arrival, over
//!    real HTTP on loopback, through the same client and parser the stream check uses.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tlcheck::checks::stream::Observed;
use tlcheck::net::{Http, Request, proxy::ProxyDecision};
use tlcheck::sse::Parser;

const EVENT: &str = "data: {\"id\":\"chatcmpl-a794fd12504a4c449434d7e1\",\"created\":1795518864,\"model\":\"gpt-4o-mini\",\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp_fake\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"}}]}\n\n";

fn synthetic_stream(bytes: usize) -> Vec<u8> {
    let mut body = Vec::with_capacity(bytes + EVENT.len());
    while body.len() < bytes {
        body.extend_from_slice(EVENT.as_bytes());
    }
    body.extend_from_slice(b"data: [DONE]\n\n");
    body
}

fn throughput(body: &[u8], chunk: usize, with_json: bool) -> (f64, usize) {
    let started = Instant::now();
    let mut parser = Parser::new();
    let mut events = Vec::new();
    let mut observed = Observed::default();
    let mut count = 0;
    for piece in body.chunks(chunk) {
        parser.feed(piece, Duration::ZERO, &mut events);
        count += events.len();
        if with_json {
            for e in &events {
                observed.absorb(e);
            }
        }
        events.clear();
    }
    let secs = started.elapsed().as_secs_f64();
    (body.len() as f64 / secs / 1e6, count)
}

fn percentile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

/// A server that streams `n` events `gap` apart and records when it wrote each.
fn timed_server(n: usize, gap: Duration) -> (String, Arc<Mutex<Vec<Instant>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(Mutex::new(Vec::new()));
    let log = written.clone();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut len = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; len];
        std::io::Read::read_exact(&mut reader, &mut body).unwrap();
        let mut w = stream;
        w.set_nodelay(true).unwrap();
        w.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n").unwrap();
        for _ in 0..n {
            std::thread::sleep(gap);
            let chunk = format!("{:x}\r\n{EVENT}\r\n", EVENT.len());
            log.lock().unwrap().push(Instant::now());
            w.write_all(chunk.as_bytes()).unwrap();
        }
        w.write_all(b"0\r\n\r\n").unwrap();
    });
    (format!("http://{addr}/v1/chat/completions"), written)
}

fn arrival_overhead(n: usize, gap: Duration) -> Vec<Duration> {
    let (url, written) = timed_server(n, gap);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let arrivals = rt.block_on(async {
        let http = Http::new(
            Duration::from_secs(30),
            &ProxyDecision::None,
            Vec::new(),
            None,
        )
        .unwrap();
        let req = Request {
            method: "POST",
            url: url.parse().unwrap(),
            key: None,
            json: Some(serde_json::json!({"stream": true})),
        };
        let mut opened = http.open(req, Duration::from_secs(60)).await.unwrap();
        let started = opened.started;
        let mut parser = Parser::new();
        let mut events = Vec::new();
        let mut arrivals = Vec::new();
        while let Some(chunk) = opened.next_chunk().await.unwrap() {
            parser.feed(&chunk, started.elapsed(), &mut events);
            arrivals.extend(events.drain(..).map(|e| started + e.at));
        }
        arrivals
    });
    let written = written.lock().unwrap();
    let mut delays: Vec<Duration> = arrivals
        .iter()
        .zip(written.iter())
        .map(|(a, w)| a.saturating_duration_since(*w))
        .collect();
    delays.sort_unstable();
    delays
}

fn main() {
    let body = synthetic_stream(256 * 1024 * 1024);
    println!(
        "parser throughput on a {} MB synthetic stream ({} bytes per event)",
        body.len() / 1_000_000,
        EVENT.len()
    );
    for chunk in [1024, 16 * 1024, 64 * 1024] {
        let (mbps, events) = throughput(&body, chunk, false);
        println!(
            "  parse only,           {:>6} B chunks: {mbps:>8.0} MB/s  ({events} events)",
            chunk
        );
    }
    let (mbps, _) = throughput(&body[..64 * 1024 * 1024], 16 * 1024, true);
    println!("  parse + JSON per event, 16384 B chunks: {mbps:>8.0} MB/s");

    let n = 200;
    let delays = arrival_overhead(n, Duration::from_millis(5));
    println!(
        "arrival delay, server write → event recorded, {n} events 5 ms apart over loopback HTTP"
    );
    println!(
        "  median {:?}, p95 {:?}, p99 {:?}, max {:?}",
        percentile(&delays, 0.5),
        percentile(&delays, 0.95),
        percentile(&delays, 0.99),
        delays.last().unwrap()
    );
}
