//! `tlcheck monitor`: the real binary on an ephemeral port, against local gateways; its metrics,
//! probes, logs and signals, and the key nowhere in them.

use crate::support::{
    Reply, Seen, Server, Step, chunk, delta, finish, healthy, json_reply, recorded, stream_head,
};
use crate::tempdir;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const KEY: &str = "sk-monitor-test-key-4242";

/// A monitor process, its address and everything it wrote on stderr so far.
struct Monitor {
    child: Child,
    addr: String,
    stderr: Arc<Mutex<String>>,
}

impl Monitor {
    /// Start `tlcheck monitor ARGS` on an ephemeral port, in `dir`, with only `env`.
    fn start(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Monitor {
        let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("tlcheck"));
        cmd.env_clear()
            .current_dir(dir)
            .arg("monitor")
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("monitor starts");
        let stderr = Arc::new(Mutex::new(String::new()));
        let log = stderr.clone();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let started = Instant::now();
        let addr = loop {
            let text = stderr.lock().unwrap().clone();
            if let Some(rest) = text.split("serving http://").nth(1) {
                break rest.split('/').next().unwrap().to_owned();
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("monitor exited with {status}: {text}");
            }
            assert!(started.elapsed() < Duration::from_secs(20), "{text}");
            std::thread::sleep(Duration::from_millis(20));
        };
        Monitor {
            child,
            addr,
            stderr,
        }
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
        get(&self.addr, path, headers)
    }

    /// `/metrics` once `line` is in it (within 20 s).
    fn metrics_with(&self, line: &str) -> String {
        let started = Instant::now();
        loop {
            let (status, _, body) = self.get("/metrics", &[]);
            assert_eq!(status, 200);
            if body.lines().any(|l| l == line) {
                return body;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no `{line}` in:\n{body}\nstderr:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Send SIGTERM and wait for the exit (within 10 s); returns the exit code and stderr.
    fn terminate(mut self) -> (i32, String) {
        signal(&self.child, libc::SIGTERM);
        let code = wait(&mut self.child);
        std::thread::sleep(Duration::from_millis(50));
        (code, self.stderr())
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn signal(child: &Child, sig: libc::c_int) {
    // SAFETY: sends a signal to the child this test started.
    let sent = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(sent, 0);
}

fn wait(child: &mut Child) -> i32 {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code().expect("exited, not killed");
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One HTTP/1.1 GET: status, head, body.
fn get(addr: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the monitor");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n");
    for (n, v) in headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, head.to_owned(), body.to_owned())
}

/// The value of the sample that starts with `series` (name and labels).
fn value(metrics: &str, series: &str) -> f64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in:\n{metrics}"))
        .parse()
        .unwrap()
}

fn key_env(server: &Server) -> Vec<(&'static str, String)> {
    vec![
        ("TENSORLOOP_KEY", KEY.to_owned()),
        ("TENSORLOOP_BASE_URL", server.base_url()),
    ]
}

fn start(server: &Server, dir: &Path, args: &[&str]) -> Monitor {
    let env = key_env(server);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    Monitor::start(dir, args, &env)
}

/// The key, in any form a leak could take, is in none of these texts.
fn assert_no_key(texts: &[&str]) {
    for text in texts {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("monitor-test-key"), "{text}");
    }
}

/// `/key/info` answering with the recorded healthy key, changed by `edit`.
fn key_info(edit: impl Fn(String) -> String + Send + Sync + 'static) -> Server {
    Server::start(move |req: &Seen| match req.path.as_str() {
        "/key/info" => {
            let recorded = String::from_utf8(recorded("vk_24_key_info_good.txt")).unwrap();
            let body = edit(recorded.split_once("\r\n\r\n").unwrap().1.to_owned());
            Reply::Bytes(json_reply(200, "OK", &[], &body))
        }
        _ => healthy(req),
    })
}

#[test]
fn a_healthy_gateway_is_up_with_every_check_and_the_stream_timed() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--interval", "1"]);
    let metrics = monitor.metrics_with("tlcheck_up{target=\"default\"} 1");
    for check in [
        "key", "url", "network", "health", "models", "key_info", "chat", "stream",
    ] {
        assert_eq!(
            value(
                &metrics,
                &format!("tlcheck_check_success{{target=\"default\",check=\"{check}\"}}")
            ),
            1.0,
            "{check}"
        );
    }
    assert_eq!(
        value(&metrics, "tlcheck_exit_code{target=\"default\"}"),
        0.0
    );
    assert_eq!(
        value(
            &metrics,
            "tlcheck_runs_total{target=\"default\",plan=\"billed\"}"
        ),
        1.0
    );
    let model =
        "target=\"default\",gen_ai_operation_name=\"chat\",gen_ai_request_model=\"gpt-4o-mini\"";
    let first = value(
        &metrics,
        &format!("tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds{{{model}}}"),
    );
    let done = value(
        &metrics,
        &format!("tlcheck_stream_time_to_done_seconds{{{model}}}"),
    );
    assert!(first > 0.0 && first <= done, "{metrics}");
    assert!(
        value(&metrics, "tlcheck_probe_cost_usd_total{target=\"default\"}") > 0.0,
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE tlcheck_runs_total counter"),
        "{metrics}"
    );
    // A second run, free this time, keeps the stream's last billed result.
    let metrics = monitor.metrics_with("tlcheck_runs_total{target=\"default\",plan=\"free\"} 1");
    assert_eq!(
        value(
            &metrics,
            "tlcheck_check_success{target=\"default\",check=\"stream\"}"
        ),
        1.0
    );
    let (status, _, health) = monitor.get("/healthz", &[]);
    assert_eq!((status, health.as_str()), (200, "ok\n"));
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("target=default plan=billed up=1 exit=0"),
        "{stderr}"
    );
    assert!(
        stderr.contains("target=default plan=free up=1 exit=0"),
        "{stderr}"
    );
    assert_no_key(&[&metrics, &stderr]);
    // Only the billed run sent the chat and stream probes.
    let chats = server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .count();
    assert_eq!(chats, 2);
}

#[test]
fn a_key_that_expires_soon_shows_its_expiry_and_a_warning() {
    let expires = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3 * 86_400;
    let server = key_info(move |body| {
        body.replace(
            "\"expires\":null",
            &format!("\"expires\":\"{}\"", iso(expires)),
        )
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend"]);
    let metrics = monitor.metrics_with(
        "tlcheck_finding{target=\"default\",code=\"key.expiring\",severity=\"warn\",check=\"key_info\"} 1",
    );
    assert_eq!(
        value(
            &metrics,
            "tlcheck_key_expiry_timestamp_seconds{target=\"default\"}"
        ),
        expires as f64
    );
    // A warning is still up.
    assert_eq!(value(&metrics, "tlcheck_up{target=\"default\"}"), 1.0);
    // --no-spend: no billed probe ran, none is shown.
    assert!(!metrics.contains("check=\"chat\""), "{metrics}");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path != "/v1/chat/completions")
    );
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0);
    assert_no_key(&[&metrics, &stderr]);
}

/// `2026-11-30T06:00:00+00:00` for Unix seconds.
fn iso(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[test]
fn a_budget_nearly_spent_shows_spend_and_budget_in_dollars() {
    let server = key_info(|body| {
        body.replace("\"spend\":0.0", "\"spend\":9.5")
            .replace("\"max_budget\":null", "\"max_budget\":10.0")
            .replace("\"rpm_limit\":null", "\"rpm_limit\":60")
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend"]);
    let metrics = monitor.metrics_with(
        "tlcheck_finding{target=\"default\",code=\"budget.low\",severity=\"warn\",check=\"key_info\"} 1",
    );
    assert_eq!(
        value(&metrics, "tlcheck_key_spend_usd{target=\"default\"}"),
        9.5
    );
    assert_eq!(
        value(&metrics, "tlcheck_key_max_budget_usd{target=\"default\"}"),
        10.0
    );
    assert_eq!(
        value(
            &metrics,
            "tlcheck_key_requests_per_minute_limit{target=\"default\"}"
        ),
        60.0
    );
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn an_expired_key_is_down_with_its_exit_code_and_one_finding() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/health/liveliness" => healthy(req),
        _ => Reply::Bytes(recorded("vk_11_expired.txt")),
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--interval", "1"]);
    let metrics = monitor.metrics_with("tlcheck_up{target=\"default\"} 0");
    assert_eq!(
        value(&metrics, "tlcheck_exit_code{target=\"default\"}"),
        12.0
    );
    let findings: Vec<&str> = metrics
        .lines()
        .filter(|l| l.starts_with("tlcheck_finding{") && l.contains("severity=\"fail\""))
        .collect();
    assert_eq!(
        findings,
        [
            "tlcheck_finding{target=\"default\",code=\"auth.expired_key\",severity=\"fail\",check=\"models\"} 1"
        ],
        "one finding per cause"
    );
    assert_eq!(
        value(
            &metrics,
            "tlcheck_check_success{target=\"default\",check=\"chat\"}"
        ),
        0.0
    );
    // The billed probes failing carry the cause as the GenAI error type.
    assert!(
        metrics.contains("check=\"chat\",gen_ai_operation_name=\"chat\",gen_ai_request_model=\"gpt-4o-mini\",error_type=\"auth.expired_key\"}"),
        "{metrics}"
    );
    monitor.metrics_with("tlcheck_run_failures_total{target=\"default\"} 2");
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0);
    assert!(stderr.contains("up=0 exit=12"), "{stderr}");
    assert!(stderr.contains("findings=auth.expired_key"), "{stderr}");
    assert_no_key(&[&metrics, &stderr]);
}

#[test]
fn a_buffered_stream_is_a_warning_with_its_timings() {
    let mut body = Vec::new();
    for e in [
        delta("1"),
        delta(" 2"),
        delta(" 3"),
        finish("stop"),
        b"data: [DONE]\n\n".to_vec(),
    ] {
        body.extend_from_slice(&e);
    }
    let steps = vec![
        Step::Write(stream_head()),
        Step::Sleep(Duration::from_millis(1200)),
        Step::Write(chunk(&body)),
        Step::Write(b"0\r\n\r\n".to_vec()),
    ];
    let server = Server::start(move |req: &Seen| {
        if crate::support::is_stream(req) {
            Reply::Script(steps.clone())
        } else {
            healthy(req)
        }
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &[]);
    let metrics = monitor.metrics_with(
        "tlcheck_finding{target=\"default\",code=\"stream.buffered\",severity=\"warn\",check=\"stream\"} 1",
    );
    let model =
        "target=\"default\",gen_ai_operation_name=\"chat\",gen_ai_request_model=\"gpt-4o-mini\"";
    let first = value(
        &metrics,
        &format!("tlcheck_gen_ai_client_operation_time_to_first_chunk_seconds{{{model}}}"),
    );
    assert!(
        first >= 1.1,
        "the first chunk came after the silence: {first}"
    );
    assert_eq!(value(&metrics, "tlcheck_up{target=\"default\"}"), 1.0);
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn probe_runs_one_target_now_in_blackbox_style() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend", "--interval", "3600"]);
    monitor.metrics_with("tlcheck_runs_total{target=\"default\",plan=\"free\"} 1");
    let (status, head, body) = monitor.get("/probe?target=default", &[]);
    assert_eq!(status, 200, "{body}");
    assert!(head.contains("text/plain; version=0.0.4"), "{head}");
    assert_eq!(value(&body, "probe_success"), 1.0, "{body}");
    assert!(value(&body, "probe_duration_seconds") > 0.0);
    assert_eq!(
        value(
            &body,
            "tlcheck_runs_total{target=\"default\",plan=\"free\"}"
        ),
        2.0
    );
    // OpenMetrics when asked for it.
    let (_, head, body) = monitor.get(
        "/probe?target=default",
        &[("Accept", "application/openmetrics-text; version=1.0.0")],
    );
    assert!(head.contains("application/openmetrics-text"), "{head}");
    assert!(body.ends_with("# EOF\n"), "{body}");
    // A name that is not configured is not run, nor echoed.
    let (status, _, body) = monitor.get("/probe?target=%3Cscript%3E", &[]);
    assert_eq!(status, 404);
    assert!(!body.contains("script"));
    let (status, _, _) = monitor.get("/probe", &[]);
    assert_eq!(status, 400);
    let (status, _, _) = monitor.get("/nowhere", &[]);
    assert_eq!(status, 404);
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn a_probe_answers_within_prometheus_scrape_timeout() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/models" => Reply::Hang,
        _ => healthy(req),
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend", "--interval", "3600"]);
    let started = Instant::now();
    let (status, _, body) = monitor.get(
        "/probe?target=default",
        &[("X-Prometheus-Scrape-Timeout-Seconds", "2")],
    );
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert_eq!(value(&body, "probe_success"), 0.0, "{body}");
    assert!(took < Duration::from_millis(1900), "{took:?}");
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn targets_from_a_config_file_take_their_keys_from_a_file_or_the_environment() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let key_file = dir.path().join("staging.key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let config = dir.path().join("targets.toml");
    std::fs::write(
        &config,
        format!(
            "[[target]]\nname = \"prod\"\nbase_url = \"{url}\"\nmodel = \"gpt-4o-mini\"\nkey_env = \"PROD_KEY\"\n\n\
             [[target]]\nname = \"staging\"\nbase_url = \"{url}\"\nkey_file = \"{file}\"\n",
            url = server.base_url(),
            file = key_file.display()
        ),
    )
    .unwrap();
    let monitor = Monitor::start(
        dir.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "--no-spend",
            "--log-format",
            "json",
        ],
        &[("PROD_KEY", KEY)],
    );
    monitor.metrics_with("tlcheck_up{target=\"prod\"} 1");
    let metrics = monitor.metrics_with("tlcheck_up{target=\"staging\"} 1");
    let (_, _, probe) = monitor.get("/probe?target=staging", &[]);
    assert_eq!(value(&probe, "probe_success"), 1.0, "{probe}");
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0);
    let runs: Vec<serde_json::Value> = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert!(runs.len() >= 3, "{stderr}");
    for run in &runs {
        assert_eq!(run["up"], true, "{run}");
        assert_eq!(run["plan"], "free");
    }
    assert_no_key(&[&metrics, &probe, &stderr]);
    // Every request carried the key, and only in its header.
    for seen in server.requests() {
        assert!(!seen.path.contains(KEY));
        if seen.path != "/health/liveliness" {
            assert_eq!(
                seen.header("authorization"),
                Some(format!("Bearer {KEY}").as_str())
            );
        }
    }
}

#[test]
fn bad_monitor_inputs_are_usage_errors_that_never_echo_a_key() {
    let dir = tempdir();
    let config = dir.path().join("targets.toml");
    std::fs::write(
        &config,
        format!("[[target]]\nname = \"prod\"\nkey = \"{KEY}\"\n"),
    )
    .unwrap();
    for args in [
        vec!["monitor", "--config", config.to_str().unwrap()],
        vec!["monitor", "--interval", "0"],
        vec!["monitor", "--listen", "localhost"],
        vec![
            "monitor",
            "--config",
            config.to_str().unwrap(),
            "--model",
            "gpt-4o",
        ],
    ] {
        let (code, stdout, stderr) = crate::outcome(crate::tlcheck(dir.path()).args(&args));
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_no_key(&[&stdout, &stderr]);
    }
    // A variable named by key_env that is not set.
    std::fs::write(
        &config,
        "[[target]]\nname = \"prod\"\nkey_env = \"PROD_KEY\"\n",
    )
    .unwrap();
    let (code, _, stderr) = crate::outcome(crate::tlcheck(dir.path()).args([
        "monitor",
        "--config",
        config.to_str().unwrap(),
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("PROD_KEY"), "{stderr}");
}

#[test]
fn sigint_stops_the_monitor_cleanly_too() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend"]);
    monitor.metrics_with("tlcheck_up{target=\"default\"} 1");
    signal(&monitor.child, libc::SIGINT);
    let mut monitor = monitor;
    assert_eq!(wait(&mut monitor.child), 0);
}
