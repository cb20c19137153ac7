//! Where the key may go, and inputs that must neither hang nor corrupt the output: wrong hosts in
//! any spelling, proxies and loopback, hostile files, echoed keys and control bytes.

use crate::support::{Reply, Seen, Server, healthy, json_reply};
use crate::{outcome, tempdir, tlcheck};
use serde_json::Value;

const KEY: &str = "sk-secrets-test-key-24680";

/// A logging proxy: records where each request went and what it carried, and refuses it.
fn logging_proxy() -> Server {
    Server::start(|_req: &Seen| {
        Reply::Bytes(json_reply(403, "Forbidden", &[], r#"{"proxy":"refused"}"#))
    })
}

fn doctor_json(
    dir: &std::path::Path,
    base_url: &str,
    env: &[(&str, &str)],
) -> (i32, Value, String) {
    let mut cmd = tlcheck(dir);
    cmd.args(["doctor", "--format", "json", "--timeout", "5"])
        .env("TENSORLOOP_KEY", KEY)
        .env("TENSORLOOP_BASE_URL", base_url);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = outcome(&mut cmd);
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc, stderr)
}

#[test]
fn a_loopback_gateway_is_never_reached_through_a_proxy() {
    let gateway = Server::start(healthy);
    let proxy = logging_proxy();
    let proxy_url = format!("http://{}", proxy.addr);
    let port = gateway.addr.port();
    for base in [
        format!("http://127.0.0.1:{port}/v1"),
        format!("http://localhost:{port}/v1"),
        format!("http://LOCALHOST.:{port}/v1"),
    ] {
        let dir = tempdir();
        let (code, doc, stderr) = doctor_json(
            dir.path(),
            &base,
            &[
                ("HTTP_PROXY", &proxy_url),
                ("http_proxy", &proxy_url),
                ("HTTPS_PROXY", &proxy_url),
                ("ALL_PROXY", &proxy_url),
            ],
        );
        assert_eq!(code, 0, "{base}: {doc:#} {stderr}");
    }
    assert!(
        proxy.requests().is_empty(),
        "the proxy saw: {:?}",
        proxy.requests()
    );
    let keyed = gateway
        .requests()
        .iter()
        .filter(|r| r.header("authorization") == Some(&format!("Bearer {KEY}")))
        .count();
    assert!(
        keyed >= 12,
        "models, key info, chat and stream, three times"
    );
}

/// Every spelling of a known-wrong TensorLoop host sends the requests to the gateway instead.
/// A logging proxy stands in for the internet: every CONNECT names the host it would reach.
#[test]
fn no_spelling_of_a_wrong_host_receives_a_request() {
    let proxy = logging_proxy();
    let proxy_url = format!("http://{}", proxy.addr);
    for base in [
        "https://tensorloop.tech./v1",
        "https://TensorLoop.Tech./v1",
        "https://api.tensorloop.tech./v1",
        "https://www.tensorloop.tech./v1",
        "https://tensorloop%2etech/v1",
        "https://tensorloop\u{FF0E}tech./v1",
        "https://user:pw@tensorloop.tech.:443/v1",
    ] {
        let dir = tempdir();
        let (_, doc, _) = doctor_json(dir.path(), base, &[("HTTPS_PROXY", &proxy_url)]);
        let codes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.iter().any(|c| matches!(
                *c,
                "url.marketing_site" | "url.no_such_host" | "url.dashboard_api"
            )),
            "{base}: {codes:?}"
        );
    }
    let targets: Vec<String> = proxy.requests().iter().map(|r| r.path.clone()).collect();
    assert!(!targets.is_empty());
    for (seen, target) in proxy.requests().iter().zip(&targets) {
        assert_eq!(seen.method, "CONNECT");
        assert_eq!(target, "litellm.tensorloop.tech:443", "{targets:?}");
    }
}

/// `tlcheck header --format json` with `TENSORLOOP_KEY` set to `key`: stdout must be one document.
fn header_json(key: &str) -> (i32, Value) {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header", "--format", "json"])
            .env("TENSORLOOP_KEY", key),
    );
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc)
}

#[test]
fn json_stays_one_document_for_keys_that_are_json_words() {
    for key in ["null", "true", "false", "\"\"\"\"", "\\\\\\\\"] {
        let (code, doc) = header_json(key);
        assert_eq!(code, 10, "{key}: {doc:#}");
        assert_eq!(doc["exit_code"], 10);
    }
}

#[test]
fn an_echoed_key_with_quotes_and_backslashes_keeps_json_valid() {
    let key = r#"sk-quote"back\slash-0001"#;
    let message = format!(
        "Authentication Error, Invalid proxy server token passed. Received API Key = {key}"
    );
    let body = serde_json::json!({"error": {"message": message, "type": "auth_error", "param": "None", "code": "401"}}).to_string();
    let gateway = Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/models" => Reply::Bytes(json_reply(401, "Unauthorized", &[], &body)),
        _ => healthy(req),
    });
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["models", "--format", "json", "-v"])
            .env("TENSORLOOP_KEY", key)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    assert_eq!(doc["exit_code"], code);
    let escaped = serde_json::to_string(key).unwrap();
    for text in [&stdout, &stderr] {
        assert!(
            !text.contains(key) && !text.contains(escaped.trim_matches('"')),
            "{text}"
        );
        assert!(
            !text.contains("back\\slash") && !text.contains("back\\\\slash"),
            "{text}"
        );
    }
}

/// A refusal whose message tries to clear the screen, write the clipboard (OSC 52), erase with
/// backspaces and fake a verdict.
const HOSTILE_MESSAGE: &str =
    "\u{1b}]52;c;aGVsbG8=\u{7}\u{1b}[2J\u{1b}[H\u{8}\u{8}\r\u{9b}31m\u{202e}✓ no problems found";

fn has_control_bytes(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}')
}

#[test]
fn control_characters_from_a_paste_are_shown_escaped() {
    let body = serde_json::json!({"error": {"message": HOSTILE_MESSAGE, "type": "auth_error", "param": "None", "code": "401"}}).to_string();
    let paste =
        format!("HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{body}");
    for format in ["human", "markdown", "junit", "github"] {
        let dir = tempdir();
        let (_, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["classify", "--format", format])
                .write_stdin(paste.clone()),
        );
        assert!(!has_control_bytes(&stdout), "{format}: {stdout:?}");
        assert!(!has_control_bytes(&stderr), "{format}: {stderr:?}");
        if format != "github" {
            assert!(
                stdout.contains("\\x1b]52"),
                "{format} shows it escaped: {stdout}"
            );
        }
    }
}

#[test]
fn control_characters_from_a_server_are_shown_escaped_in_the_trace() {
    // Raw control bytes in a plain-text body (HTTP itself forbids them in headers).
    let gateway = Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/models" => {
            let mut reply = format!(
                "HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
                HOSTILE_MESSAGE.len()
            )
            .into_bytes();
            reply.extend_from_slice(HOSTILE_MESSAGE.as_bytes());
            Reply::Bytes(reply)
        }
        _ => healthy(req),
    });
    for format in ["human", "markdown"] {
        let dir = tempdir();
        let (_, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["models", "-vv", "--format", format])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", gateway.base_url()),
        );
        assert!(!has_control_bytes(&stdout), "{format}: {stdout:?}");
        assert!(!has_control_bytes(&stderr), "{format}: {stderr:?}");
        assert!(
            stderr.contains("\\x1b]52"),
            "{format}: the trace shows the body: {stderr}"
        );
    }
}

#[test]
fn backticks_in_a_message_cannot_leave_their_code_span() {
    let message = "x`` ![img](http://evil.example/x.png) [link](http://evil.example) ``y";
    let body = serde_json::json!({"error": {"message": message, "type": "auth_error", "param": "None", "code": "401"}}).to_string();
    let paste =
        format!("HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\n\r\n{body}");
    let dir = tempdir();
    let (_, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["classify", "--format", "markdown"])
            .write_stdin(paste),
    );
    let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("![img]")).collect();
    assert!(!lines.is_empty(), "{stdout}");
    for line in lines {
        // The span that holds the message opens with more backticks than any run inside it.
        let at = line.find("x``").unwrap_or_else(|| panic!("{line}"));
        assert!(line[..at].ends_with("```"), "{line}");
    }
}

#[cfg(unix)]
fn fifo(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    path
}

/// Runs `cmd` and checks it ended as a usage error (exit 2) within a few seconds.
fn usage_error_quickly(cmd: &mut assert_cmd::Command) -> String {
    let started = std::time::Instant::now();
    let (code, _, stderr) = outcome(cmd.timeout(std::time::Duration::from_secs(20)));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
    stderr
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_where_a_file_is_expected_is_a_usage_error() {
    let dir = tempdir();
    let pipe = fifo(dir.path(), "pipe");
    for (flag, path) in [
        ("--key-file", pipe.to_str().unwrap()),
        ("--key-file", "/dev/zero"),
        ("--cacert", pipe.to_str().unwrap()),
        ("--cacert", "/dev/zero"),
    ] {
        let stderr = usage_error_quickly(
            tlcheck(dir.path())
                .args(["models", "--timeout", "2", flag, path])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", "http://127.0.0.1:9/v1"),
        );
        assert!(
            stderr.contains("not a regular file"),
            "{flag} {path}: {stderr}"
        );
    }
    let stderr = usage_error_quickly(
        tlcheck(dir.path())
            .args(["header", "--format", "github"])
            .env("TENSORLOOP_KEY", KEY)
            .env("GITHUB_STEP_SUMMARY", &pipe),
    );
    assert!(stderr.contains("GITHUB_STEP_SUMMARY"), "{stderr}");
    for path in [pipe.to_str().unwrap(), "/dev/zero"] {
        usage_error_quickly(tlcheck(dir.path()).args(["classify", path]));
    }
    let stderr = usage_error_quickly(tlcheck(dir.path()).args(["explain", "-o"]).arg(&pipe));
    assert!(stderr.contains("FIFO that nobody reads"), "{stderr}");
    let dotenv = fifo(dir.path(), ".env");
    let (_, _, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header"])
            .timeout(std::time::Duration::from_secs(20)),
    );
    assert!(
        stderr.contains("./.env is ignored: it is a FIFO"),
        "{dotenv:?}: {stderr}"
    );
}

#[test]
fn a_huge_paste_is_read_up_to_its_cap_and_says_so() {
    let mut paste = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{\"x\": \"".to_vec();
    paste.resize(9 * 1024 * 1024, b'a');
    let dir = tempdir();
    let (_, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["classify", "--format", "json"])
            .write_stdin(paste),
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let notices = doc["notices"].to_string();
    assert!(notices.contains("longer than 8 MiB"), "{doc:#}");
}

#[cfg(unix)]
#[test]
fn a_dotenv_that_cannot_be_read_and_a_key_file_others_can_read_are_said() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    std::fs::create_dir(dir.path().join(".env")).unwrap();
    let key_file = dir.path().join("key");
    std::fs::write(&key_file, KEY).unwrap();
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, _, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header", "--key-file"])
            .arg(&key_file),
    );
    assert!(
        stderr.contains("warning: ./.env is ignored: it is a directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("can be read by others (mode 644)"),
        "{stderr}"
    );

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::remove_dir(dir.path().join(".env")).unwrap();
    let (_, _, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header", "--key-file"])
            .arg(&key_file),
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn explain_writes_to_its_output_file() {
    let dir = tempdir();
    let (code, stdout, _) =
        outcome(tlcheck(dir.path()).args(["explain", "key.missing", "-o", "out.txt"]));
    assert_eq!(code, 0);
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(written.contains("key.missing"), "{written}");
}

#[cfg(target_os = "linux")]
#[test]
fn failing_to_write_the_report_is_exit_1() {
    let dir = tempdir();
    let (code, _, stderr) =
        outcome(tlcheck(dir.path()).args(["explain", "key.missing", "-o", "/dev/full"]));
    assert_eq!(code, 1, "{stderr}");
    let (code, _, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header", "-o", "/dev/full"])
            .env("TENSORLOOP_KEY", KEY),
    );
    assert_eq!(code, 1, "{stderr}");
    // A reader that went away before the report was written: the pipe's read end is closed
    // before tlcheck starts, so the write fails however fast it comes.
    let exe = assert_cmd::cargo::cargo_bin("tlcheck");
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = std::process::Command::new(exe)
        .args(["explain"])
        .env_clear()
        .stdout(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    // A closed standard output (`>&-`), and for contrast /dev/null, where writing succeeds.
    for (redirect, expected) in [(">&-", 1), (">/dev/null", 0)] {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("exec \"$0\" explain key.missing {redirect}"))
            .arg(assert_cmd::cargo::cargo_bin("tlcheck"))
            .env_clear()
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(expected), "{redirect}");
    }
}

#[test]
fn an_output_path_that_cannot_be_written_stops_the_run_before_any_request() {
    let gateway = Server::start(healthy);
    let dir = tempdir();
    let stderr = usage_error_quickly(
        tlcheck(dir.path())
            .args(["doctor", "-o", "missing/report.md"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    assert!(stderr.contains("no directory missing"), "{stderr}");
    assert!(gateway.requests().is_empty(), "{:?}", gateway.requests());
}

#[cfg(unix)]
#[test]
fn a_value_that_is_not_a_key_is_never_sent() {
    use std::os::unix::ffi::OsStrExt;
    let gateway = Server::start(healthy);
    let invalid_utf8 = std::ffi::OsStr::from_bytes(b"sk-abc\xff\xfedefghijk12345");
    let cases: [(&std::ffi::OsStr, &str); 5] = [
        (invalid_utf8, "key.malformed"),
        ("sk-caf\u{e9}-0123456789ab".as_ref(), "key.malformed"),
        ("sk-...".as_ref(), "key.placeholder"),
        ("sk-your-key-here".as_ref(), "key.placeholder"),
        ("<your-key>".as_ref(), "key.placeholder"),
    ];
    for (key, code) in cases {
        let dir = tempdir();
        let (exit, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["doctor", "--format", "json"])
                .env("TENSORLOOP_KEY", key)
                .env("TENSORLOOP_BASE_URL", gateway.base_url()),
        );
        let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        assert_eq!(exit, 10, "{key:?}: {doc:#}");
        crate::finding(&doc, code);
        let (exit, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["header", "--format", "json"])
                .env("TENSORLOOP_KEY", key),
        );
        assert_eq!(exit, 10, "{key:?}: {stdout}");
    }
    let keyed: Vec<_> = gateway
        .requests()
        .into_iter()
        .filter(|r| r.header("authorization").is_some())
        .collect();
    assert!(keyed.is_empty(), "{keyed:?}");
}

#[test]
fn an_absurdly_long_key_is_a_finding_not_a_workload() {
    let gateway = Server::start(healthy);
    // As long as an environment variable may be (128 KiB on Linux).
    let key = format!("sk-{}", "a".repeat(120 * 1024));
    let dir = tempdir();
    let started = std::time::Instant::now();
    let (exit, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--format", "json"])
            .env("TENSORLOOP_KEY", &key)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert_eq!(exit, 10);
    crate::finding(&doc, "key.malformed");
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    assert!(
        gateway
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none())
    );

    // A 10 MB key file is refused before it is read.
    let path = dir.path().join("huge-key");
    std::fs::write(&path, format!("sk-{}", "a".repeat(10 * 1024 * 1024))).unwrap();
    let stderr = usage_error_quickly(
        tlcheck(dir.path())
            .args(["doctor", "--key-file"])
            .arg(&path)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    assert!(stderr.contains("larger than 64 KiB"), "{stderr}");
}

#[test]
fn an_odd_expiry_time_in_a_paste_is_no_panic() {
    let message = "Authentication Error - Expired Key. Key Expiry time 2026-11-23T11:13:39+0é00 and current time 2026-11-24 11:16:43";
    let body = serde_json::json!({"error": {"message": message, "type": "expired_key", "param": "None", "code": "400"}}).to_string();
    let paste = format!("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\r\n{body}");
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["classify", "--format", "json"])
            .write_stdin(paste),
    );
    assert_ne!(code, 101, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    crate::finding(&doc, "auth.expired_key");
}

#[test]
fn a_stream_of_many_error_events_is_one_finding_with_a_count() {
    use crate::support::{chunk, stream_head, streaming};
    let event =
        br#"data: {"error":{"message":"overloaded","type":"rate_limit_error","code":"429"}}"#;
    let mut frames = Vec::new();
    for _ in 0..50_000 {
        frames.extend_from_slice(event);
        frames.extend_from_slice(b"\n\n");
    }
    let mut reply = stream_head();
    for part in frames.chunks(64 * 1024) {
        reply.extend(chunk(part));
    }
    reply.extend(chunk(b"data: [DONE]\n\n"));
    reply.extend_from_slice(b"0\r\n\r\n");
    let gateway = streaming(Reply::Bytes(reply));
    let dir = tempdir();
    let (_, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["stream", "--format", "json"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    assert!(stdout.len() < 256 * 1024, "{} bytes of JSON", stdout.len());
    let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let findings = doc["findings"].as_array().unwrap();
    assert!(findings.len() <= 4, "{doc:#}");
    let events = crate::finding(&doc, "stream.error_event");
    assert_eq!(events["occurrences"], 50_000, "{events:#}");
    assert!(events["other_sightings"].as_array().unwrap().len() <= 3);
}

/// `tlcheck models` against a gateway whose `/v1/models` answers `reply` and closes.
fn models_answering(reply: Vec<u8>) -> (i32, Value) {
    use crate::support::Step;
    let gateway = Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/models" => Reply::Script(vec![Step::Write(reply.clone()), Step::Close]),
        _ => healthy(req),
    });
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["models", "--format", "json", "--timeout", "5"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", gateway.base_url()),
    );
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc)
}

#[test]
fn an_invalid_chunk_size_is_a_bad_response_not_a_network_failure() {
    let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n".to_vec();
    let (code, doc) = models_answering(reply);
    assert_eq!(code, 17, "{doc:#}");
    crate::finding(&doc, "upstream.bad_response");
}

#[test]
fn an_answer_with_101_headers_is_valid() {
    let head: String = (0..99).map(|i| format!("x-h{i}: v\r\n")).collect();
    let body = r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"}]}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{head}\r\n{body}",
        body.len()
    );
    let (code, doc) = models_answering(reply.into_bytes());
    assert_eq!(code, 0, "{doc:#}");
}

/// One content-encoding rule for every check: an encoded stream, and a plain one that only
/// claims to be encoded, are both a bad response (tlcheck asked for none and never inflates).
#[test]
fn an_encoded_stream_is_a_bad_response_whether_or_not_it_is_compressed() {
    use crate::support::{chunk, recorded_stream, streaming};
    let plain = recorded_stream("stream_01_ok.raw");
    let split = plain.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 2;
    let claims_gzip = [
        &plain[..split],
        b"content-encoding: gzip\r\n",
        &plain[split..],
    ]
    .concat();
    let compressed = {
        let mut r = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        r.extend(chunk(include_bytes!("../fixtures/bomb.gz")));
        r.extend_from_slice(b"0\r\n\r\n");
        r
    };
    for reply in [claims_gzip, compressed] {
        let gateway = streaming(Reply::Bytes(reply));
        let dir = tempdir();
        let (code, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["stream", "--format", "json"])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", gateway.base_url()),
        );
        let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        assert_eq!(code, 17, "{doc:#}");
        let f = crate::finding(&doc, "upstream.bad_response");
        assert!(f["detail"].as_str().unwrap().contains("gzip"), "{f:#}");
    }
}

/// Start `tlcheck ARGS` on a pseudo-terminal whose echo and line mode are on, as a person's
/// terminal is (the pty library turns echo off by default).
#[cfg(unix)]
fn on_a_terminal(
    dir: &std::path::Path,
    args: &str,
    env: &[(&str, String)],
) -> rexpect::session::PtySession {
    let exe = assert_cmd::cargo::cargo_bin("tlcheck");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("stty echo icanon; exec \"$0\" {args}"))
        .arg(exe)
        .env_clear()
        .current_dir(dir)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn on a pty")
}

/// Echo and line mode of the pseudo-terminal, read through its master side.
#[cfg(unix)]
fn echo_and_line_mode(p: &rexpect::session::PtySession) -> (bool, bool) {
    use std::os::fd::AsRawFd;
    let master = p.process().get_file_handle().unwrap();
    let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
    assert_eq!(
        unsafe { libc::tcgetattr(master.as_raw_fd(), t.as_mut_ptr()) },
        0
    );
    let t = unsafe { t.assume_init() };
    (t.c_lflag & libc::ECHO != 0, t.c_lflag & libc::ICANON != 0)
}

#[cfg(unix)]
fn wait_for_exit(p: &rexpect::session::PtySession) {
    for _ in 0..200 {
        if !matches!(
            p.process().status(),
            Some(rexpect::process::WaitStatus::StillAlive) | None
        ) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("tlcheck did not exit");
}

#[cfg(unix)]
#[test]
fn ctrl_c_at_the_hidden_key_prompt_leaves_echo_on() {
    let gateway = Server::start(healthy);
    let dir = tempdir();
    let mut p = on_a_terminal(
        dir.path(),
        "doctor",
        &[("TENSORLOOP_BASE_URL", gateway.base_url())],
    );
    p.exp_string("No key found").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!echo_and_line_mode(&p).0, "the prompt hides typing");
    p.send_control('c').unwrap();
    wait_for_exit(&p);
    assert_eq!(echo_and_line_mode(&p), (true, true));
}

#[cfg(unix)]
#[test]
fn an_interrupt_in_the_menu_restores_line_mode_and_the_cursor() {
    for how in ["ctrl-c", "SIGINT", "SIGTERM"] {
        let dir = tempdir();
        let mut p = on_a_terminal(dir.path(), "", &[]);
        p.exp_string("check everything").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert_eq!(
            echo_and_line_mode(&p),
            (false, false),
            "{how}: the menu reads raw keys"
        );
        match how {
            "ctrl-c" => p.send_control('c').unwrap(),
            "SIGINT" => p
                .process_mut()
                .signal(rexpect::process::Signal::SIGINT)
                .unwrap(),
            _ => p
                .process_mut()
                .signal(rexpect::process::Signal::SIGTERM)
                .unwrap(),
        }
        wait_for_exit(&p);
        let rest = p.exp_eof().unwrap_or_default();
        assert_eq!(echo_and_line_mode(&p), (true, true), "{how}");
        assert!(
            rest.contains("\u{1b}[?25h"),
            "{how}: the cursor is shown again: {rest:?}"
        );
    }
}

#[test]
fn a_huge_dotenv_is_ignored_with_a_warning_not_read() {
    let dir = tempdir();
    let mut dotenv = format!("TENSORLOOP_KEY={KEY}\n").into_bytes();
    dotenv.resize(2 * 1024 * 1024, b'#');
    std::fs::write(dir.path().join(".env"), dotenv).unwrap();
    let (code, _, stderr) = outcome(tlcheck(dir.path()).args(["header"]));
    assert!(
        stderr.contains("./.env is ignored: it is larger than 1 MiB"),
        "{stderr}"
    );
    assert_eq!(code, 10, "no key: the .env was not read");
}
