//! Network failures, for real: a name that does not resolve, a closed port, a server that never
//! answers, a redirect, an HTML page where the API should be.

use crate::support::{Reply, Seen, Server, closed_port, healthy, json_reply, path_recording};
use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;
use serde_json::Value;
use std::time::{Duration, Instant};

const KEY: &str = "sk-network-test-key-4321";

fn doctor(base_url: &str, timeout: &str) -> (i32, Value, Duration) {
    let dir = tempdir();
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--format", "json", "--timeout", timeout])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", base_url),
    );
    let elapsed = started.elapsed();
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, doc, elapsed)
}

#[test]
fn a_name_that_does_not_resolve() {
    let (code, doc, _) = doctor("https://tlcheck-test.invalid/v1", "5");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(crate::failing_codes(&doc), ["net.dns"]);
    for skipped in ["health", "models", "key_info", "chat"] {
        let c = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == skipped)
            .unwrap();
        assert_eq!(c["status"], "skip", "{skipped}");
    }
}

#[test]
fn a_closed_port() {
    let (code, doc, _) = doctor(&format!("http://127.0.0.1:{}/v1", closed_port()), "5");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(crate::failing_codes(&doc), ["net.connect"]);
}

#[test]
fn a_server_that_never_answers_finishes_within_the_deadline() {
    let server = Server::start(|_: &Seen| Reply::Hang);
    let (code, doc, elapsed) = doctor(&server.base_url(), "1");
    assert_eq!(code, 11, "{doc:#}");
    let found = crate::failing_codes(&doc);
    assert_eq!(
        found,
        ["net.timeout"],
        "reported once, however many checks hit it"
    );
    // Four requests wait at once, each with a 1 s deadline.
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
}

#[test]
fn a_redirect_is_reported_and_not_followed() {
    let target = Server::start(healthy);
    let location = format!("http://{}/elsewhere", target.addr);
    let server = Server::start(move |_: &Seen| {
        Reply::Bytes(json_reply(302, "Found", &[("location", &location)], "{}"))
    });
    let (code, doc, _) = doctor(&server.base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    assert!(
        crate::failing_codes(&doc)
            .iter()
            .all(|c| *c == "net.redirect"),
        "{doc:#}"
    );
    let f = crate::finding(&doc, "net.redirect");
    assert_eq!(
        f["evidence"]["location"],
        format!("http://{}/elsewhere", target.addr)
    );
    assert!(
        target.requests().is_empty(),
        "the redirect target received nothing, no Authorization header"
    );
}

#[test]
fn an_html_page_where_the_api_should_be() {
    let page = "<!DOCTYPE html><html><head><title>TensorLoop — Inference for everyone</title></head><body>Hi</body></html>";
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\r\n{page}",
        page.len()
    );
    let server = Server::start(move |_: &Seen| Reply::Bytes(reply.clone().into_bytes()));
    let (code, doc, _) = doctor(&server.base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    assert!(
        crate::failing_codes(&doc).contains(&"net.not_gateway"),
        "{doc:#}"
    );
}

#[test]
fn url_gains_its_network_half() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let t = transcript(tlcheck(dir.path()).args(["url", &server.base_url()]));
    assert_snapshot!(t);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_none()),
        "url never sends the key"
    );
}

#[test]
fn url_offline_opens_no_connection() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, _) =
        outcome(tlcheck(dir.path()).args(["url", "--offline", &server.base_url()]));
    assert_eq!(code, 0, "{stdout}");
    assert!(server.requests().is_empty());
}

#[test]
fn a_proxy_that_refuses_is_a_proxy_problem() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args([
                "url",
                "--format",
                "json",
                "--timeout",
                "5",
                "https://example.com/v1",
            ])
            .env(
                "HTTPS_PROXY",
                format!("http://user:s3cret@127.0.0.1:{}", closed_port()),
            ),
    );
    assert_eq!(code, 11, "{stdout}");
    assert!(stdout.contains("net.proxy"), "{stdout}");
    assert!(
        stdout.contains("user:***@127.0.0.1"),
        "the proxy is named, its password masked: {stdout}"
    );
    assert!(!stdout.contains("s3cret"));
}

/// A gateway whose POSTs get what nginx really answered in front of it (a recording); GETs pass.
fn nginx_page(recording: &'static str) -> Server {
    Server::start(move |req: &Seen| match req.method.as_str() {
        "POST" => Reply::Script(path_recording(recording)),
        _ => healthy(req),
    })
}

#[test]
fn pages_from_nginx_name_nginx_and_what_the_status_means_there() {
    for (recording, status, words) in [
        ("nginx_504_first_byte", 504, "first byte"),
        ("nginx_502_gateway_down", 502, "gateway is down"),
        ("nginx_502_big_header", 502, "too big header"),
        ("nginx_413_body_limit", 413, "client_max_body_size"),
        ("nginx_503_maintenance", 503, "maintenance"),
    ] {
        let server = nginx_page(recording);
        let (code, doc, _) = doctor(&server.base_url(), "5");
        assert_eq!(code, 11, "{recording}: {doc:#}");
        // The chat and the stream probe both met the page, reported once; nothing calls it the gateway's error
        // or a JSON error, and no fix asks for a call id.
        assert_eq!(
            crate::failing_codes(&doc),
            ["net.intermediary"],
            "{recording}"
        );
        let f = crate::finding(&doc, "net.intermediary");
        assert_eq!(f["evidence"]["status"], status, "{recording}");
        assert_eq!(f["evidence"]["answered_by"], "nginx/1.22.1 (server header)");
        let detail = f["detail"].as_str().unwrap();
        assert!(detail.contains(words), "{recording}: {detail}");
        assert!(!f["fix"].as_str().unwrap().contains("report the call ID"));
    }
}

#[test]
fn squids_denial_through_http_proxy_is_a_proxy_problem() {
    // The recorded answer of squid 5.7 to a plain-http request for a denied destination.
    let dir = tempdir();
    let page = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network-path/squid_403_denied.raw"),
    )
    .unwrap();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["classify", "--format", "json"])
            .write_stdin(page),
    );
    assert_eq!(code, 11, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let f = crate::finding(&doc, "net.proxy");
    assert_eq!(f["evidence"]["proxy_error"], "ERR_ACCESS_DENIED 0");
    assert!(
        f["detail"].as_str().unwrap().contains("denies access"),
        "{f}"
    );
}

/// `tlcheck url` for an https gateway through HTTPS_PROXY, a server replaying `recording` as the
/// proxy's answer to CONNECT.
fn through_proxy(recording: &'static str, proxy_user: &str) -> Value {
    let proxy = Server::start(move |_: &Seen| Reply::Script(path_recording(recording)));
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args([
                "url",
                "--format",
                "json",
                "--timeout",
                "5",
                "https://gateway.test/v1",
            ])
            .env(
                "HTTPS_PROXY",
                format!("http://{proxy_user}127.0.0.1:{}", proxy.addr.port()),
            ),
    );
    assert_eq!(code, 11, "{stdout}");
    assert!(!stdout.contains("wrong-pass"));
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn a_connect_refused_by_the_proxy_says_so() {
    let doc = through_proxy("squid_connect_403", "");
    let f = crate::finding(&doc, "net.proxy");
    let detail = f["detail"].as_str().unwrap();
    assert!(detail.contains("refused to open a tunnel"), "{detail}");
}

#[test]
fn proxy_credentials_that_were_given_are_called_rejected() {
    let doc = through_proxy("squid_connect_407_wrong_credentials", "alice:wrong-pass@");
    let detail = crate::finding(&doc, "net.proxy")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("rejected the credentials"), "{detail}");
    let doc = through_proxy("squid_connect_407_wrong_credentials", "");
    let detail = crate::finding(&doc, "net.proxy")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.contains("asks for credentials"), "{detail}");
}

/// A proxy that opens every CONNECT tunnel to `target` on 127.0.0.1, whatever host was asked
/// for: what a TLS-inspecting proxy looks like to the client (its own certificate for any site).
fn tunnel_to(target: u16) -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut client = client;
                let server = std::net::TcpStream::connect(("127.0.0.1", target)).unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let (mut up_r, mut up_w) = (server.try_clone().unwrap(), server);
                let mut down_w = client.try_clone().unwrap();
                std::thread::spawn(move || std::io::copy(&mut up_r, &mut down_w));
                let _ = std::io::copy(&mut reader, &mut up_w);
            });
        }
    });
    port
}

#[test]
fn an_untrusted_certificate_through_a_proxy_names_the_inspecting_proxy() {
    let proxy = tunnel_to(crate::support::tls_server("self-signed"));
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args([
                "url",
                "--format",
                "json",
                "--timeout",
                "5",
                "https://gateway.test/v1",
            ])
            .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy}")),
    );
    assert_eq!(code, 11, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let detail = crate::finding(&doc, "net.tls")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        detail.contains("TLS-inspecting proxy") && detail.contains("HTTPS_PROXY"),
        "{detail}"
    );
}

/// Real nginx and squid, driven live where they are installed (Debian packages `nginx` and
/// `squid`); with `TLCHECK_REQUIRE_PROXIES=1` (as CI sets it) a missing one fails the test instead
/// of skipping it. The recordings above cover the same cases everywhere.
mod live {
    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command};

    fn program(name: &str) -> Option<PathBuf> {
        let found = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
            .iter()
            .map(|d| Path::new(d).join(name))
            .find(|p| p.exists());
        let required = std::env::var_os("TLCHECK_REQUIRE_PROXIES").is_some_and(|v| v == "1");
        assert!(
            found.is_some() || !required,
            "{name} is required (TLCHECK_REQUIRE_PROXIES=1) but not installed"
        );
        found
    }

    /// A program started for one test, killed when the test ends.
    struct Running(Child);

    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    fn wait_for(port: u16) {
        let until = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < until, "nothing listens on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A template from `tests/fixtures/network-path/` with its `@NAME@` placeholders filled.
    fn config(template: &str, values: &[(&str, String)]) -> String {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/network-path")
            .join(template);
        let mut text = std::fs::read_to_string(path).unwrap();
        for (name, value) in values {
            text = text.replace(&format!("@{name}@"), value);
        }
        assert!(!text.contains('@'), "every placeholder filled: {template}");
        text
    }

    /// The stand-in gateway: LiteLLM's recorded head, then each event written on its own, 15 ms
    /// apart, the body ended by closing (as uvicorn answers nginx's default HTTP/1.0 upstream).
    fn gateway() -> Server {
        let recorded = crate::support::recorded("stream_01_ok.raw");
        let text = String::from_utf8(recorded).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let head =
            head.replace("\r\nTransfer-Encoding: chunked", "") + "\r\nconnection: close\r\n\r\n";
        let events: Vec<String> = body.split_inclusive("\n\n").map(str::to_owned).collect();
        Server::start(move |req: &Seen| match req.path.as_str() {
            "/v1/chat/completions" => {
                let mut steps = vec![
                    crate::support::Step::Sleep(Duration::from_millis(300)),
                    crate::support::Step::Write(head.clone().into_bytes()),
                ];
                for e in &events {
                    steps.push(crate::support::Step::Write(e.clone().into_bytes()));
                    steps.push(crate::support::Step::Sleep(Duration::from_millis(15)));
                }
                steps.push(crate::support::Step::Close);
                Reply::Script(steps)
            }
            _ => healthy(req),
        })
    }

    fn stream_findings(base_url: &str) -> Vec<String> {
        stream_over(base_url, "").0
    }

    /// The stream check's finding codes through `base_url` (trusting `cacert` if given), and
    /// its trace.
    fn stream_over(base_url: &str, cacert: &str) -> (Vec<String>, String) {
        let dir = tempdir();
        let mut cmd = tlcheck(dir.path());
        cmd.args(["stream", "-v", "--format", "json", "--timeout", "10"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", base_url);
        if !cacert.is_empty() {
            cmd.args(["--cacert", cacert]);
        }
        let (_, stdout, _) = outcome(&mut cmd);
        let doc: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
        let findings = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "stream")
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        let stream = doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "stream")
            .unwrap();
        (findings, stream["trace"].to_string())
    }

    #[test]
    fn real_nginx_buffering_or_not() {
        let Some(nginx) = program("nginx") else {
            return;
        };
        let upstream = gateway();
        let dir = tempdir();
        let ports: Vec<(&str, String)> = [
            "PASS",
            "BUFFER",
            "PASS_H2",
            "BUFFER_H2",
            "TIMEOUT",
            "DOWN",
            "SMALLBODY",
            "MAINT",
            "SMALLHEAD",
            "CLOSED",
        ]
        .into_iter()
        .map(|name| (name, free_port().to_string()))
        .collect();
        let mut values = ports.clone();
        values.push(("DIR", dir.path().display().to_string()));
        values.push(("UPSTREAM", upstream.addr.port().to_string()));
        let tls = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
        values.push(("CERT", tls.join("self-signed.pem").display().to_string()));
        values.push((
            "CERT_KEY",
            tls.join("self-signed.key").display().to_string(),
        ));
        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, config("nginx/nginx.conf", &values)).unwrap();
        let _nginx = Running(
            Command::new(nginx)
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .spawn()
                .unwrap(),
        );
        let port = |name: &str| ports.iter().find(|(n, _)| *n == name).unwrap().1.clone();
        wait_for(port("PASS").parse().unwrap());
        let pass = stream_findings(&format!("http://127.0.0.1:{}/v1", port("PASS")));
        assert_eq!(
            pass,
            ["stream.finished"],
            "a stock nginx passes the stream on"
        );
        let buffered = stream_findings(&format!("http://127.0.0.1:{}/v1", port("BUFFER")));
        assert_eq!(buffered, ["stream.buffered", "stream.finished"]);
        // Over TLS and HTTP/2: DATA frames instead of chunks, the same verdicts.
        let cacert = tls.join("self-signed.pem").display().to_string();
        let h2 = |name: &str| {
            let (findings, trace) =
                stream_over(&format!("https://127.0.0.1:{}/v1", port(name)), &cacert);
            assert!(trace.contains("HTTP/2"), "{name}: {trace}");
            findings
        };
        assert_eq!(h2("PASS_H2"), ["stream.finished"]);
        assert_eq!(h2("BUFFER_H2"), ["stream.buffered", "stream.finished"]);
    }

    #[test]
    fn real_squid_refusals() {
        let Some(squid) = program("squid") else {
            return;
        };
        let dir = tempdir();
        // squid drops its privileges to `proxy`, which must reach its files.
        let mut perms = std::fs::metadata(dir.path()).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o777);
        std::fs::set_permissions(dir.path(), perms).unwrap();
        let (open, auth) = (free_port(), free_port());
        let conf = dir.path().join("squid.conf");
        std::fs::write(
            &conf,
            config(
                "squid/squid.conf",
                &[
                    ("DIR", dir.path().display().to_string()),
                    ("OPEN", open.to_string()),
                    ("AUTH", auth.to_string()),
                ],
            ),
        )
        .unwrap();
        // alice:right, as `openssl passwd -apr1 right` writes it.
        std::fs::write(
            dir.path().join("passwd"),
            "alice:$apr1$n6Jp2U0d$0.8IJBNeuhjCEiMeyMPWR1\n",
        )
        .unwrap();
        let _squid = Running(
            Command::new(squid)
                .args(["-N", "-f"])
                .arg(&conf)
                .spawn()
                .unwrap(),
        );
        wait_for(open);
        wait_for(auth);
        let through = |proxy: String| {
            let dir = tempdir();
            let (code, stdout, _) = outcome(
                tlcheck(dir.path())
                    .args([
                        "url",
                        "--format",
                        "json",
                        "--timeout",
                        "10",
                        "https://gateway.test/v1",
                    ])
                    .env("HTTPS_PROXY", proxy),
            );
            assert_eq!(code, 11, "{stdout}");
            let doc: Value = serde_json::from_str(&stdout).unwrap();
            crate::finding(&doc, "net.proxy")["detail"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        let denied = through(format!("http://127.0.0.1:{open}"));
        assert!(denied.contains("refused to open a tunnel"), "{denied}");
        let rejected = through(format!("http://alice:wrong@127.0.0.1:{auth}"));
        assert!(rejected.contains("rejected the credentials"), "{rejected}");
    }
}
