//! Hostile and broken servers: each gives a clear finding, within its deadline, with bounded
//! memory (bodies are read up to a cap and never decompressed).

use crate::support::{Reply, Seen, Server, Step, chunk, healthy, json_reply, resetting_server};
use crate::{outcome, tempdir, tlcheck};
use serde_json::Value;
use std::time::{Duration, Instant};

const KEY: &str = "sk-hardening-key-97531";

/// `tlcheck models` (key, URL, network, one keyed GET) against `base_url`, in JSON.
fn models(base_url: &str, timeout: &str) -> (i32, Value, Duration) {
    let dir = tempdir();
    let started = Instant::now();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["models", "--format", "json", "--timeout", timeout])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", base_url),
    );
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc, started.elapsed())
}

fn models_finding(doc: &Value) -> (String, String) {
    let f = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "models")
        .unwrap_or_else(|| panic!("no models finding: {doc:#}"));
    (
        f["code"].as_str().unwrap().to_owned(),
        f["detail"].as_str().unwrap_or("").to_owned(),
    )
}

/// A gateway whose `/v1/models` does `steps`.
fn models_does(steps: Vec<Step>) -> Server {
    Server::start(move |req: &Seen| match req.path.as_str() {
        "/v1/models" => Reply::Script(steps.clone()),
        _ => healthy(req),
    })
}

fn write(bytes: &[u8]) -> Step {
    Step::Write(bytes.to_vec())
}

#[test]
fn headers_that_trickle_in_byte_by_byte_time_out() {
    let mut steps = Vec::new();
    for b in b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-slow: "
        .iter()
        .chain([b'a'; 400].iter())
    {
        steps.push(write(&[*b]));
        steps.push(Step::Sleep(Duration::from_millis(50)));
    }
    let (code, doc, elapsed) = models(&models_does(steps).base_url(), "2");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(models_finding(&doc).0, "net.timeout");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn a_body_that_never_ends_times_out() {
    let mut steps = vec![write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
    )];
    for _ in 0..400 {
        steps.push(write(&chunk(b"[1,")));
        steps.push(Step::Sleep(Duration::from_millis(50)));
    }
    let (code, doc, elapsed) = models(&models_does(steps).base_url(), "2");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(models_finding(&doc).0, "net.timeout");
    assert!(elapsed < Duration::from_secs(8), "{elapsed:?}");
}

#[test]
fn a_huge_body_is_read_up_to_the_cap() {
    let piece = vec![b'x'; 64 * 1024];
    let mut steps = vec![write(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 209715200\r\n\r\n",
    )];
    for _ in 0..3200 {
        steps.push(Step::Write(piece.clone()));
    }
    let (code, doc, elapsed) = models(&models_does(steps).base_url(), "10");
    assert_eq!(code, 17, "{doc:#}");
    let (found, detail) = models_finding(&doc);
    assert_eq!(found, "upstream.bad_response");
    assert!(detail.contains("1 MiB"), "{detail}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn invalid_utf8_is_read_as_replacement_characters() {
    let body = b"{\"data\": [{\"id\": \"gpt\xff\xfe-4o\"}]}";
    let mut reply =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-odd: \xc3\x28\r\n".to_vec();
    reply.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    reply.extend_from_slice(body);
    let (code, doc, _) = models(&models_does(vec![Step::Write(reply)]).base_url(), "5");
    assert_eq!(code, 17, "{doc:#}");
    assert_eq!(models_finding(&doc).0, "upstream.bad_response");
}

#[test]
fn a_compressed_bomb_is_never_inflated() {
    // 64 MiB of zeros, gzip-compressed to a few kilobytes; tlcheck asks for no encoding and
    // never decompresses, so it reads the compressed bytes and says what they are.
    let bomb = include_bytes!("../fixtures/bomb.gz");
    let mut reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    reply.extend_from_slice(bomb);
    let (code, doc, _) = models(&models_does(vec![Step::Write(reply)]).base_url(), "5");
    assert_eq!(code, 17, "{doc:#}");
    let (found, detail) = models_finding(&doc);
    assert_eq!(found, "upstream.bad_response");
    assert!(detail.contains("gzip"), "{detail}");
}

#[test]
fn a_redirect_loop_is_one_redirect() {
    let server = Server::start(|req: &Seen| {
        let to = format!("http://{}{}", req.header("host").unwrap_or(""), req.path);
        Reply::Bytes(json_reply(302, "Found", &[("location", &to)], "{}"))
    });
    let (code, doc, _) = models(&server.base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(models_finding(&doc).0, "net.redirect");
    assert_eq!(server.requests().len(), 1, "never followed");
}

#[test]
fn a_reset_on_connect() {
    let addr = resetting_server();
    let (code, doc, _) = models(&format!("http://{addr}/v1"), "5");
    assert_eq!(code, 11, "{doc:#}");
    // The reset may land before the network check's own connect completes (then it is that
    // check's finding and models is not run) or on the models request: `net.connect` either way.
    assert_eq!(crate::failing_codes(&doc), ["net.connect"], "{doc:#}");
}

#[test]
fn a_reset_before_the_headers() {
    let (code, doc, _) = models(&models_does(vec![Step::Reset]).base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    assert_eq!(models_finding(&doc).0, "net.connect");
}

#[test]
fn a_reset_in_the_middle_of_the_body() {
    let steps = vec![
        write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"data\":"),
        Step::Sleep(Duration::from_millis(50)),
        Step::Reset,
    ];
    let (code, doc, _) = models(&models_does(steps).base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    let (found, detail) = models_finding(&doc);
    assert_eq!(found, "net.connect");
    assert!(
        detail.contains("mid-body") || detail.contains("reset") || detail.contains("closed"),
        "{detail}"
    );
}

#[test]
fn a_server_that_closes_before_answering() {
    let (code, doc, _) = models(&models_does(vec![Step::Close]).base_url(), "5");
    assert_eq!(code, 11, "{doc:#}");
    let (found, detail) = models_finding(&doc);
    assert_eq!(found, "net.connect");
    assert!(detail.contains("closed"), "{detail}");
}

#[test]
fn an_http_1_0_reply_is_understood() {
    let body = r#"{"data":[{"id":"gpt-4o-mini","object":"model"}],"object":"list"}"#;
    let reply = format!("HTTP/1.0 200 OK\r\ncontent-type: application/json\r\n\r\n{body}");
    let (code, doc, _) = models(
        &models_does(vec![Step::Write(reply.into_bytes()), Step::Close]).base_url(),
        "5",
    );
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn duplicate_headers_take_the_first() {
    let body = r#"{"data":[{"id":"gpt-4o-mini"}]}"#;
    let reply = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-type: text/html\r\nx-litellm-call-id: first\r\nx-litellm-call-id: second\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let (code, doc, _) = models(
        &models_does(vec![Step::Write(reply.into_bytes())]).base_url(),
        "5",
    );
    assert_eq!(code, 0, "{doc:#}");
    let request = doc["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == "models")
        .unwrap();
    assert_eq!(request["call_id"], "first");
}

#[test]
fn absurd_headers_are_a_bad_response() {
    for head in [
        // Far more headers than any server sends.
        (0..500)
            .map(|i| format!("x-h{i}: v\r\n"))
            .collect::<String>(),
        // A content length that cannot be.
        "content-length: -5\r\n".to_owned(),
        // Two that disagree.
        "content-length: 5\r\ncontent-length: 6\r\n".to_owned(),
    ] {
        let reply = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{head}\r\n{{}}");
        let (code, doc, _) = models(
            &models_does(vec![Step::Write(reply.into_bytes()), Step::Close]).base_url(),
            "5",
        );
        assert_eq!(code, 17, "{doc:#}");
        let (found, detail) = models_finding(&doc);
        assert_eq!(found, "upstream.bad_response", "{detail}");
    }
}

/// `tlcheck url` against a TLS server on loopback, with extra arguments.
fn url_over_tls(port: u16, extra: &[&str]) -> (i32, Value) {
    url_over_tls_with_env(port, extra, &[])
}

fn url_over_tls_with_env(port: u16, extra: &[&str], env: &[(&str, &str)]) -> (i32, Value) {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .envs(env.iter().copied())
            .args(["url", "--format", "json", "--timeout", "5"])
            .arg(format!("https://127.0.0.1:{port}/v1"))
            .args(extra),
    );
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc)
}

fn tls_cert(name: &str) -> String {
    format!(
        "{}/tests/fixtures/tls/{name}.pem",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_self_signed_certificate_is_net_tls_until_trusted_with_cacert() {
    let port = crate::support::tls_server("self-signed");
    let (code, doc) = url_over_tls(port, &[]);
    assert_eq!(code, 11, "{doc:#}");
    let f = crate::finding(&doc, "net.tls");
    let detail = f["detail"].as_str().unwrap();
    assert!(
        detail.contains("does not trust") && detail.contains("--cacert"),
        "{detail}"
    );

    let (code, doc) = url_over_tls(port, &["--cacert", &tls_cert("self-signed")]);
    assert_eq!(code, 0, "{doc:#}");
    let health = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "health")
        .unwrap();
    assert_eq!(health["status"], "pass");
}

#[cfg(target_os = "linux")]
#[test]
fn ssl_cert_file_is_trusted_like_cacert() {
    let port = crate::support::tls_server("self-signed");
    let cert = tls_cert("self-signed");
    let (code, doc) = url_over_tls_with_env(port, &[], &[("SSL_CERT_FILE", &cert)]);
    assert_eq!(code, 0, "{doc:#}");
}

#[test]
fn an_expired_certificate_is_net_tls_even_when_trusted() {
    let port = crate::support::tls_server("expired");
    let (code, doc) = url_over_tls(port, &["--cacert", &tls_cert("expired")]);
    assert_eq!(code, 11, "{doc:#}");
    let f = crate::finding(&doc, "net.tls");
    assert!(f["detail"].as_str().unwrap().contains("expired"), "{f}");
}

#[test]
fn tls_to_a_plain_http_port_says_so() {
    // A plain HTTP server answers the TLS hello with a 400 in clear text, as nginx does.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            use std::io::{Read, Write};
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            );
        }
    });
    let (code, doc) = url_over_tls(port, &[]);
    assert_eq!(code, 11, "{doc:#}");
    let f = crate::finding(&doc, "net.tls");
    assert!(f["detail"].as_str().unwrap().contains("plain http"), "{f}");
}

#[test]
fn an_unreadable_cacert_is_a_usage_error() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(tlcheck(dir.path()).args([
        "url",
        "https://127.0.0.1:1/v1",
        "--cacert",
        "nope.pem",
    ]));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.starts_with("error: --cacert nope.pem:"), "{stderr}");
    std::fs::write(dir.path().join("empty.pem"), "not a certificate").unwrap();
    let (code, _, stderr) = outcome(tlcheck(dir.path()).args([
        "url",
        "https://127.0.0.1:1/v1",
        "--cacert",
        "empty.pem",
    ]));
    assert_eq!(code, 2, "{stderr}");
}
