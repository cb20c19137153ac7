//! The monitor soak benchmark (run with `cargo bench --bench monitor`): the release binary's
//! `monitor` against a local gateway that answers at once, driven through `/probe` for 10,000 runs
//! of the free checks (`TLCHECK_SOAK_RUNS` to change it); its resident memory after warm-up and
//! along the way, and the CPU time each run costs (the monitor's own, from /proc).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

const KEY: &str = "sk-benchmark-key-000000000002";
const WARM_UP: usize = 500;

/// Answer the free checks' requests on one connection, at once, until the client closes it.
fn answer(stream: TcpStream) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
        }
        let body = match path.as_str() {
            "/health/liveliness" => "\"I'm alive!\"",
            "/v1/models" => r#"{"data":[{"id":"gpt-4o-mini"}],"object":"list"}"#,
            "/key/info" => {
                r#"{"info":{"spend":1.25,"max_budget":10.0,"expires":null,"models":[],"rpm_limit":60}}"#
            }
            _ => "{}",
        };
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        if writer.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn gateway() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || answer(s));
        }
    });
    addr
}

/// One `/probe` of the monitor; returns whether it succeeded.
fn probe(addr: &str) -> bool {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /probe?target=default HTTP/1.1\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.contains("\nprobe_success 1\n")
}

/// The process's resident set (KiB) and CPU time used so far (user + system, seconds).
fn usage(pid: u32) -> (u64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    (rss, ticks as f64 / per_second)
}

fn main() {
    let runs: usize = std::env::var("TLCHECK_SOAK_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let gateway = gateway();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tlcheck"))
        .args([
            "monitor",
            "--listen",
            "127.0.0.1:0",
            "--no-spend",
            "--interval",
            "86400",
        ])
        .env_clear()
        .env("TENSORLOOP_KEY", KEY)
        .env("TENSORLOOP_BASE_URL", format!("http://{gateway}/v1"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The monitor logs a line per run: keep reading them, and pass on the address it serves.
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving http://").nth(1) {
                let _ = tx.send(rest.split('/').next().unwrap().to_owned());
            }
            assert!(!line.contains(KEY));
        }
    });
    let addr = rx.recv().unwrap();
    let pid = child.id();
    for _ in 0..WARM_UP {
        assert!(probe(&addr));
    }
    let (rss_warm, cpu_warm) = usage(pid);
    let started = Instant::now();
    let mut samples = vec![(0, rss_warm)];
    let mut failed = 0;
    for i in 1..=runs {
        if !probe(&addr) {
            failed += 1;
        }
        if i % (runs / 10).max(1) == 0 {
            samples.push((i, usage(pid).0));
        }
    }
    let wall = started.elapsed();
    let (rss_end, cpu_end) = usage(pid);
    let _ = child.kill();
    let _ = child.wait();
    println!("runs after a warm-up of {WARM_UP}: {runs} ({failed} failed)");
    println!("RSS along the way (runs: KiB): {samples:?}");
    println!(
        "RSS after warm-up: {rss_warm} KiB; at the end: {rss_end} KiB; growth: {} KiB",
        rss_end as i64 - rss_warm as i64
    );
    println!(
        "CPU per run (the monitor's user + system time, /probe included): {:.3} ms",
        (cpu_end - cpu_warm) * 1000.0 / runs as f64
    );
    println!(
        "wall time per run: {:.3} ms",
        wall.as_secs_f64() * 1000.0 / runs as f64
    );
    assert_eq!(failed, 0);
}
