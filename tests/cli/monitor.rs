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
    try_get(addr, path, headers).unwrap_or_else(|| panic!("no answer from {addr}{path}"))
}

fn try_get(addr: &str, path: &str, headers: &[(&str, &str)]) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        request.push_str(&format!("{n}: {v}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_owned(), body.to_owned()))
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
    let server = crate::support::streaming(Reply::Script(steps));
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
        vec!["monitor", "--curl"],
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

#[test]
fn doctor_prints_the_same_metrics_once_for_a_textfile_collector() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let env = key_env(&server);
    let mut cmd = crate::tlcheck(dir.path());
    cmd.args(["doctor", "--no-spend", "--format", "openmetrics"]);
    for (k, v) in &env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = crate::outcome(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(value(&stdout, "tlcheck_up{target=\"default\"}"), 1.0);
    assert_eq!(
        value(
            &stdout,
            "tlcheck_check_success{target=\"default\",check=\"key_info\"}"
        ),
        1.0
    );
    // One shot: no counters, nothing about a monitor.
    assert!(!stdout.contains("_total"), "{stdout}");
    assert!(stdout.ends_with("# EOF\n"));
    assert_no_key(&[&stdout, &stderr]);
    // The other commands do not take it.
    let (code, _, stderr) =
        crate::outcome(crate::tlcheck(dir.path()).args(["models", "--format", "openmetrics"]));
    assert_eq!(code, 2, "{stderr}");
}

/// Prometheus's own programs (Debian package `prometheus`): with `TLCHECK_REQUIRE_PROMETHEUS=1`
/// (as CI sets it) a missing one fails the test instead of skipping it.
fn prometheus_program(name: &str) -> Option<std::path::PathBuf> {
    let found = ["/usr/bin", "/usr/local/bin", "/usr/sbin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.exists());
    let required = std::env::var_os("TLCHECK_REQUIRE_PROMETHEUS").is_some_and(|v| v == "1");
    assert!(
        found.is_some() || !required,
        "{name} is required (TLCHECK_REQUIRE_PROMETHEUS=1) but not installed"
    );
    found
}

/// Whether `promtool check metrics` accepts `text` (lint included).
fn promtool_accepts(promtool: &Path, text: &str) {
    let mut child = Command::new(promtool)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_exposition_passes_promtool_check_metrics() {
    let Some(promtool) = prometheus_program("promtool") else {
        return;
    };
    let expired = Server::start(|req: &Seen| match req.path.as_str() {
        "/health/liveliness" => healthy(req),
        _ => Reply::Bytes(recorded("vk_11_expired.txt")),
    });
    let healthy_gateway = Server::start(healthy);
    let dir = tempdir();
    for server in [&healthy_gateway, &expired] {
        let monitor = start(server, dir.path(), &["--interval", "3600"]);
        monitor.metrics_with("tlcheck_runs_total{target=\"default\",plan=\"billed\"} 1");
        let (_, _, metrics) = monitor.get("/metrics", &[]);
        promtool_accepts(&promtool, &metrics);
        let (_, _, probe) = monitor.get("/probe?target=default", &[]);
        promtool_accepts(&promtool, &probe);
        let (_, _, openmetrics) = monitor.get(
            "/metrics",
            &[("Accept", "application/openmetrics-text; version=1.0.0")],
        );
        assert!(openmetrics.ends_with("# EOF\n"));
        assert_eq!(monitor.terminate().0, 0);
    }
}

#[test]
fn the_example_alerting_rules_pass_their_unit_tests() {
    let Some(promtool) = prometheus_program("promtool") else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prometheus");
    for args in [
        vec!["check", "rules", "rules.yml"],
        vec!["test", "rules", "rules.test.yml"],
        vec!["check", "config", "--syntax-only", "prometheus.yml"],
    ] {
        let out = Command::new(&promtool)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A real Prometheus (Debian package `prometheus`) on its own port, scraping the monitor's
/// `/metrics` and, through relabelling, its `/probe`; reads the results back from its HTTP API.
#[test]
fn a_real_prometheus_scrapes_the_monitor_and_its_probe() {
    let Some(prometheus) = prometheus_program("prometheus") else {
        return;
    };
    let server = Server::start(healthy);
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend", "--interval", "1"]);
    let port = crate::support::closed_port();
    let config = dir.path().join("prometheus.yml");
    std::fs::write(
        &config,
        format!(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n\
             rule_files:\n  - {rules}\n\
             scrape_configs:\n\
             \x20 - job_name: tlcheck\n    static_configs:\n      - targets: ['{addr}']\n\
             \x20 - job_name: tlcheck-probe\n    metrics_path: /probe\n\
             \x20   static_configs:\n      - targets: ['default']\n\
             \x20   relabel_configs:\n\
             \x20     - source_labels: [__address__]\n        target_label: __param_target\n\
             \x20     - source_labels: [__param_target]\n        target_label: instance\n\
             \x20     - target_label: __address__\n        replacement: '{addr}'\n",
            rules = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples/prometheus/rules.yml")
                .display(),
            addr = monitor.addr,
        ),
    )
    .unwrap();
    let mut child = Command::new(prometheus)
        .arg(format!("--config.file={}", config.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            dir.path().join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prometheus starts");
    struct Running<'a>(&'a mut Child);
    impl Drop for Running<'_> {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _running = Running(&mut child);
    let api = format!("127.0.0.1:{port}");
    let read = |query: &str| -> Option<String> {
        let path = format!("/api/v1/query?query={query}");
        let (status, _, body) = try_get(&api, &path, &[])?;
        (status == 200).then_some(())?;
        // Prometheus answers in chunks: the JSON is the one line between the chunk sizes.
        let doc: serde_json::Value = body.lines().find_map(|l| serde_json::from_str(l).ok())?;
        doc["data"]["result"][0]["value"][1]
            .as_str()
            .map(str::to_owned)
    };
    let started = Instant::now();
    let wanted = [
        "probe_success%7Bjob%3D%22tlcheck-probe%22%2Cinstance%3D%22default%22%7D",
        "up%7Bjob%3D%22tlcheck%22%7D",
        "tlcheck_up%7Bjob%3D%22tlcheck%22%2Ctarget%3D%22default%22%7D",
    ];
    for query in wanted {
        loop {
            if read(query).as_deref() == Some("1") {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "Prometheus never read {query} = 1"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn an_input_warning_is_said_once_and_a_missing_key_file_stops_the_start() {
    use std::os::unix::fs::PermissionsExt;
    let server = Server::start(healthy);
    let dir = tempdir();
    let key_file = dir.path().join("shared.key");
    std::fs::write(&key_file, KEY).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let base_url = server.base_url();
    let monitor = Monitor::start(
        dir.path(),
        &[
            "--no-spend",
            "--interval",
            "1",
            "--key-file",
            key_file.to_str().unwrap(),
        ],
        &[("TENSORLOOP_BASE_URL", base_url.as_str())],
    );
    monitor.metrics_with("tlcheck_runs_total{target=\"default\",plan=\"free\"} 2");
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0);
    let warnings = stderr.lines().filter(|l| l.starts_with("warning:")).count();
    assert_eq!(warnings, 1, "{stderr}");
    // One line per run, and nothing else but the start and the stop.
    let runs = stderr
        .lines()
        .filter(|l| l.contains(" target=default "))
        .count();
    assert_eq!(stderr.lines().count(), runs + 3, "{stderr}");
    assert_no_key(&[&stderr]);

    let missing = dir.path().join("missing.key");
    let (code, _, stderr) = crate::outcome(crate::tlcheck(dir.path()).args([
        "monitor",
        "--key-file",
        missing.to_str().unwrap(),
    ]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("missing.key"), "{stderr}");
}

#[test]
fn runs_of_one_target_never_overlap_and_probes_at_once_are_bounded() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (now, peak) = (in_flight.clone(), most.clone());
    let server = Server::start(move |req: &Seen| {
        if req.path == "/v1/models" {
            let n = now.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(n, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(700));
            now.fetch_sub(1, Ordering::SeqCst);
        }
        healthy(req)
    });
    let dir = tempdir();
    let monitor = start(&server, dir.path(), &["--no-spend", "--interval", "1"]);
    // Six at once: four probes run (one after another), two more are refused at once.
    let probes: Vec<_> = (0..6)
        .map(|_| {
            let addr = monitor.addr.clone();
            std::thread::spawn(move || get(&addr, "/probe?target=default", &[]))
        })
        .collect();
    let mut statuses: Vec<u16> = probes.into_iter().map(|p| p.join().unwrap().0).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 200, 200, 200, 503, 503]);
    assert_eq!(most.load(Ordering::SeqCst), 1, "runs overlapped");
    assert_eq!(monitor.terminate().0, 0);
}

#[test]
fn a_run_that_cannot_start_is_a_failure_with_an_error_and_no_key() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let key_file = dir.path().join("rotating.key");
    std::fs::write(&key_file, KEY).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let base_url = server.base_url();
    let monitor = Monitor::start(
        dir.path(),
        &[
            "--no-spend",
            "--interval",
            "1",
            "--key-file",
            key_file.to_str().unwrap(),
            "--log-format",
            "json",
        ],
        &[("TENSORLOOP_BASE_URL", base_url.as_str())],
    );
    monitor.metrics_with("tlcheck_up{target=\"default\"} 1");
    std::fs::remove_file(&key_file).unwrap();
    let metrics = monitor.metrics_with("tlcheck_run_failures_total{target=\"default\"} 1");
    let (code, stderr) = monitor.terminate();
    assert_eq!(code, 0);
    let failed: serde_json::Value = stderr
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|run| run["error"].is_string())
        .unwrap_or_else(|| panic!("no failed run: {stderr}"));
    assert_eq!(failed["up"], false);
    assert!(failed["exit_code"].is_null());
    assert!(
        failed["error"].as_str().unwrap().contains("rotating.key"),
        "{failed}"
    );
    assert_no_key(&[&metrics, &stderr]);
}

#[test]
fn an_address_taken_is_exit_1_with_the_address_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempdir();
    let (code, _, stderr) = crate::outcome(
        crate::tlcheck(dir.path())
            .args(["monitor", "--listen", &addr])
            .env("TENSORLOOP_KEY", KEY),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert_no_key(&[&stderr]);
}
