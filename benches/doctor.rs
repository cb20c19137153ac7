//! The doctor benchmark (run with `cargo bench --bench doctor`): a local gateway that answers every
//! request after an injected latency and streams its answer over time; doctor's wall time against
//! the slowest single request it makes (the floor no doctor can beat) and against the same
//! requests made one after another; doctor's peak memory; the start-up time of an offline command.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tlcheck::net::{Http, Request, proxy::ProxyDecision};
use tlcheck::secret::ApiKey;

/// Latency the gateway adds before answering each request.
const LATENCY: Duration = Duration::from_millis(150);
/// The stream: events this far apart after the headers.
const EVENT_GAP: Duration = Duration::from_millis(30);
const EVENTS: usize = 8;
const KEY: &str = "sk-benchmark-key-000000000001";
const RUNS: usize = 15;

fn respond(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut len = 0;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if h == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        std::thread::sleep(LATENCY);
        let streamed = String::from_utf8_lossy(&body).contains("\"stream\":true");
        let json = |b: &str| {
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{b}",
                b.len()
            )
        };
        let ok = match path.as_str() {
            "/health/liveliness" => stream.write_all(json("\"I'm alive!\"").as_bytes()),
            "/v1/models" => stream.write_all(json(r#"{"data":[{"id":"gpt-4o-mini"}],"object":"list"}"#).as_bytes()),
            "/key/info" => stream.write_all(json(r#"{"info":{"spend":0.0,"max_budget":null,"expires":null,"models":[]}}"#).as_bytes()),
            "/v1/chat/completions" if streamed => {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
                for i in 0..EVENTS {
                    std::thread::sleep(EVENT_GAP);
                    let e = format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{i}\"}}}}]}}\n\n");
                    let _ = stream.write_all(format!("{:x}\r\n{e}\r\n", e.len()).as_bytes());
                }
                let done = "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
                stream.write_all(format!("{:x}\r\n{done}\r\n0\r\n\r\n", done.len()).as_bytes())
            }
            "/v1/chat/completions" => stream.write_all(
                json(r#"{"id":"x","object":"chat.completion","model":"gpt-4o-mini","choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":"OK"}}]}"#)
                    .as_bytes(),
            ),
            _ => stream.write_all(json("{}").as_bytes()),
        };
        if ok.is_err() {
            return;
        }
    }
}

fn gateway() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || respond(s));
        }
    });
    addr
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Time each request doctor makes, one at a time, through tlcheck's own client; a streamed
/// request is timed to its last byte.
fn single_requests(base: &str) -> Vec<(&'static str, Duration)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let key = ApiKey::new(KEY);
    rt.block_on(async {
        let grant = tlcheck::net::KeyGrant::new(key.clone(), &url::Url::parse(base).unwrap());
        let http = Http::new(
            Duration::from_secs(30),
            &ProxyDecision::None,
            Vec::new(),
            Some(grant),
        )
        .unwrap();
        let root = base.trim_end_matches("/v1");
        let requests: [(&str, &str, String, Option<serde_json::Value>, bool); 5] = [
            (
                "health",
                "GET",
                format!("{root}/health/liveliness"),
                None,
                false,
            ),
            ("models", "GET", format!("{base}/models"), None, true),
            ("key_info", "GET", format!("{root}/key/info"), None, true),
            (
                "chat",
                "POST",
                format!("{base}/chat/completions"),
                Some(tlcheck::checks::chat::body("gpt-4o-mini", "max_tokens")),
                true,
            ),
            (
                "stream",
                "POST",
                format!("{base}/chat/completions"),
                Some(tlcheck::checks::stream::body("gpt-4o-mini", "max_tokens")),
                true,
            ),
        ];
        let mut times = Vec::new();
        for (name, method, url, json, keyed) in requests {
            let mut best = Duration::MAX;
            for _ in 0..3 {
                let started = Instant::now();
                let req = Request {
                    method,
                    url: url.parse().unwrap(),
                    key: keyed.then_some(&key),
                    json: json.clone(),
                };
                let mut opened = http.open(req, Duration::from_secs(30)).await.unwrap();
                while opened.next_chunk().await.unwrap().is_some() {}
                best = best.min(started.elapsed());
            }
            times.push((name, best));
        }
        times
    })
}

fn run_doctor(base: &str) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_tlcheck"))
        .args(["doctor", "--format", "json"])
        .env_clear()
        .env("TENSORLOOP_KEY", KEY)
        .env("TENSORLOOP_BASE_URL", base)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(
        status.code(),
        Some(0),
        "doctor against the benchmark gateway must pass"
    );
    elapsed
}

/// The largest resident set of any child process waited for so far, in KiB.
fn peak_rss_kib() -> i64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

fn startup(program: &str, args: &[&str]) -> Option<Duration> {
    let mut times = Vec::new();
    for _ in 0..50 {
        let started = Instant::now();
        let status = Command::new(program)
            .args(args)
            .env_clear()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        times.push(started.elapsed());
        if !status.success() {
            return None;
        }
    }
    Some(median(times))
}

fn main() {
    let addr = gateway();
    let base = format!("http://{addr}/v1");

    let singles = single_requests(&base);
    let floor = singles.iter().map(|(_, d)| *d).max().unwrap();
    let sequential: Duration = singles.iter().map(|(_, d)| *d).sum();
    println!(
        "gateway latency {LATENCY:?} per request; stream: {EVENTS} events {EVENT_GAP:?} apart after the headers"
    );
    for (name, d) in &singles {
        println!("  single request {name:<9} {d:>10.1?}");
    }

    let _ = run_doctor(&base); // warm up
    let runs: Vec<Duration> = (0..RUNS).map(|_| run_doctor(&base)).collect();
    let doctor = median(runs.clone());
    let best = *runs.iter().min().unwrap();
    println!("doctor wall time, median of {RUNS}: {doctor:.1?} (best {best:.1?})");
    println!("  slowest single request (floor):   {floor:.1?}");
    println!("  the same requests one by one:     {sequential:.1?}");
    println!(
        "  ratio doctor / floor: {:.3} (target <= 1.15); sequential / floor: {:.2}",
        doctor.as_secs_f64() / floor.as_secs_f64(),
        sequential.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "doctor peak memory (max RSS): {:.1} MB (target <= 20 MB)",
        peak_rss_kib() as f64 / 1024.0
    );

    let exe = env!("CARGO_BIN_EXE_tlcheck");
    if let Some(d) = startup(exe, &["explain", "key.missing"]) {
        println!("start-up, `tlcheck explain key.missing`, median of 50: {d:.2?}");
    }
    if let Some(d) = startup(exe, &["--version"]) {
        println!("start-up, `tlcheck --version`, median of 50: {d:.2?}");
    }
    match startup("curl", &["--version"]) {
        Some(d) => println!("start-up, `curl --version`, median of 50: {d:.2?}"),
        None => println!("start-up, `curl --version`: curl not found"),
    }
}
