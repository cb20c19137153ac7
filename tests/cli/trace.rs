//! The wire: the verbose trace (`-v`, `-vv`, JSON `checks[].trace`), request ids, and curl
//! reproductions that a shell can run.

use crate::support::{
    Reply, Seen, Server, Step, chunk, delta, healthy, json_reply, recorded, stream_head,
};
use crate::{outcome, redact_volatile, tempdir, tlcheck};
use serde_json::Value;

const KEY: &str = "sk-trace-test-key-0123456789";

/// Run tlcheck against `server` with the key in the environment; returns the outcome with the
/// request ids the server received replaced by `[request-id]` (an id that differs from the one
/// sent would stay visible and break the snapshot).
fn run(server: &Server, args: &[&str]) -> (i32, String, String) {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url())
            .args(["--timeout", "5", "--color", "never"])
            .args(args),
    );
    (
        code,
        server.hide_request_ids(&stdout),
        server.hide_request_ids(&stderr),
    )
}

fn answering(reply: fn(&Seen) -> Reply) -> Server {
    Server::start(reply)
}

#[test]
fn trace_of_a_successful_call() {
    let server = answering(healthy);
    let (code, _, stderr) = run(&server, &["models", "-v"]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(redact_volatile(&stderr));
}

#[test]
fn trace_of_a_401() {
    let server = answering(|_| Reply::Bytes(recorded("vk_02_unknown_sk_key.txt")));
    let (code, _, stderr) = run(&server, &["models", "-v"]);
    assert_eq!(code, 12);
    insta::assert_snapshot!(redact_volatile(&stderr));
}

#[test]
fn trace_of_a_429() {
    let server = answering(|_| Reply::Bytes(recorded("vk_19_rpm1_second.txt")));
    let (code, _, stderr) = run(&server, &["chat", "-v"]);
    assert_eq!(code, 14);
    insta::assert_snapshot!(redact_volatile(&stderr));
}

#[test]
fn trace_of_a_cut_stream() {
    let server = Server::start(|_| {
        Reply::Script(vec![
            Step::Write(stream_head()),
            Step::Write(chunk(&delta("1 2"))),
            Step::Close,
        ])
    });
    let (code, _, stderr) = run(&server, &["stream", "-v"]);
    assert_eq!(code, 16);
    insta::assert_snapshot!(redact_volatile(&stderr));
}

/// A server that echoes the key back in a header, a cookie and the body.
fn echoing(_: &Seen) -> Reply {
    let body = format!(
        r#"{{"error":{{"message":"Authentication Error, Invalid proxy server token passed. valid_token=None. key={KEY}","type":"auth_error","param":"None","code":"401"}}}}"#
    );
    let split = format!("{}\\n{}", &KEY[..14], &KEY[14..]);
    Reply::Bytes(json_reply(
        401,
        "Unauthorized",
        &[
            ("x-echo-key", KEY),
            ("x-echo-split", &split),
            ("set-cookie", &format!("session={KEY}; HttpOnly")),
        ],
        &body,
    ))
}

#[test]
fn no_key_in_the_trace_even_when_the_server_echoes_it() {
    let server = answering(echoing);
    for args in [
        &["models", "-v"][..],
        &["models", "-vv"],
        &["models", "-v", "--format", "json"],
        &["models", "-vv", "--curl", "--format", "markdown"],
    ] {
        let (code, stdout, stderr) = run(&server, args);
        assert_eq!(code, 12, "{args:?}");
        let all = format!("{stdout}{stderr}");
        assert!(!all.contains(KEY), "{args:?} shows the key:\n{all}");
        assert!(!all.contains(&KEY[3..20]), "{args:?} shows part of the key");
        assert!(all.contains("sk-…6789"), "{args:?} shows the fingerprint");
    }
    let (_, _, stderr) = run(&server, &["models", "-v"]);
    assert!(stderr.contains("< set-cookie: [masked]"), "{stderr}");
    assert!(stderr.contains("> authorization: Bearer sk-…6789 (sha256 "));
}

#[test]
fn json_carries_the_trace_per_check_only_when_asked() {
    let server = answering(healthy);
    let (code, stdout, _) = run(&server, &["doctor", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c.get("trace").is_none())
    );
    assert!(
        doc["requests"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r.get("curl").is_none())
    );

    let server = answering(healthy);
    let (code, stdout, stderr) = run(&server, &["doctor", "--format", "json", "-v"]);
    assert_eq!(code, 0);
    assert_eq!(stderr, "", "the trace is in the document, not on stderr");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    for c in doc["checks"].as_array().unwrap() {
        let http =
            ["health", "models", "key_info", "chat", "stream"].contains(&c["id"].as_str().unwrap());
        let trace = c["trace"].as_array().unwrap();
        assert_eq!(trace.len(), usize::from(http), "{c:#}");
        for t in trace {
            assert_eq!(t["request_id"], "[request-id]", "{t:#}");
            assert!(t["response"]["status"].is_u64());
            assert!(t["timing_ms"]["headers"].is_f64());
            assert!(t["timing_ms"]["total"].is_f64());
        }
    }
    let chat = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "chat")
        .unwrap();
    let sent: Value =
        serde_json::from_str(chat["trace"][0]["request"]["body"].as_str().unwrap()).unwrap();
    assert_eq!(sent["max_tokens"], 1);
}

#[test]
fn every_request_has_its_own_id_shown_next_to_the_call_id() {
    let server = answering(healthy);
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url())
            .args(["report"]),
    );
    assert_eq!(code, 0);
    let seen = server.requests();
    assert_eq!(seen.len(), 5);
    let mut ids: Vec<&str> = seen
        .iter()
        .map(|s| s.header("x-request-id").unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5, "one id per request");
    for id in ids {
        let row = stdout
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id} is not in the report:\n{stdout}"));
        assert!(row.starts_with('|'), "in the Activity table: {row}");
    }
    assert!(stdout.contains("<summary>Reproduce these requests with curl</summary>"));
}

/// The curl command printed for a check's request, from `--format json --curl`.
fn curl_for(server: &Server, command: &str) -> (u16, String) {
    let (_, stdout, _) = run(server, &[command, "--format", "json", "--curl"]);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let r = doc["requests"]
        .as_array()
        .unwrap()
        .iter()
        .rfind(|r| r["check"] == command)
        .unwrap();
    (
        r["status"].as_u64().unwrap() as u16,
        r["curl"].as_str().unwrap().to_owned(),
    )
}

fn curl_installed() -> bool {
    std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn the_printed_curl_command_reproduces_the_request() {
    let server = answering(|req| {
        if req.header("authorization") == Some(&format!("Bearer {KEY}")) {
            healthy(req)
        } else {
            Reply::Bytes(recorded("vk_02_unknown_sk_key.txt"))
        }
    });
    for command in ["models", "chat"] {
        let (status, curl) = curl_for(&server, command);
        assert!(!curl.contains(KEY), "the key is never inlined: {curl}");
        assert!(
            curl.contains(r#"-H "Authorization: Bearer $TENSORLOOP_KEY""#),
            "{curl}"
        );
        if !curl_installed() {
            // Without curl, check the arguments: the URL and the exact body tlcheck sent.
            let sent = server.requests().last().unwrap().clone();
            assert!(curl.contains(&format!(
                "{}{}",
                server.base_url().trim_end_matches("/v1"),
                sent.path
            )));
            if !sent.body.is_empty() {
                assert!(
                    curl.contains(&String::from_utf8(sent.body).unwrap()),
                    "{curl}"
                );
            }
            continue;
        }
        let before = server.requests().len();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&curl)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TENSORLOOP_KEY", KEY)
            .output()
            .expect("sh runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let replayed: u16 = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "no status line from curl:\n{text}{}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
        assert_eq!(replayed, status, "{command}: {curl}");
        let seen = server.requests();
        assert_eq!(seen.len(), before + 1);
        let (original, again) = (&seen[before - 1], &seen[before]);
        assert_eq!(again.method, original.method);
        assert_eq!(again.path, original.path);
        assert_eq!(again.body, original.body, "the exact body");
        assert_eq!(
            again.header("authorization"),
            original.header("authorization")
        );
    }
}

#[test]
fn a_stream_is_reproduced_with_no_buffering() {
    let server = answering(healthy);
    let (_, curl) = curl_for(&server, "stream");
    assert!(curl.starts_with("curl -sS -i -N"), "{curl}");
    assert!(curl.contains(r#""stream":true"#), "{curl}");
}

#[test]
fn human_output_ends_with_the_curl_commands_when_asked() {
    let server = answering(healthy);
    let (code, stdout, _) = run(&server, &["models", "--curl"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(redact_volatile(&stdout));
}

#[test]
fn a_request_that_never_left_says_so() {
    let port = crate::support::tls_server("self-signed");
    let dir = tempdir();
    let (code, _, stderr) = outcome(
        tlcheck(dir.path())
            .args(["url", "-v", "--timeout", "5"])
            .arg(format!("https://127.0.0.1:{port}/v1")),
    );
    assert_eq!(code, 11);
    assert!(
        stderr.contains("* no connection was made: this request was never sent"),
        "{stderr}"
    );
    assert!(
        stderr.contains("! the certificate is signed by an authority"),
        "{stderr}"
    );

    let server = answering(healthy);
    let (_, _, stderr) = run(&server, &["models", "-v"]);
    assert!(!stderr.contains("never sent"), "{stderr}");
}

#[test]
fn beside_a_document_the_trace_and_curl_commands_go_to_stderr() {
    let server = answering(healthy);
    for format in ["markdown", "junit", "github"] {
        let (code, stdout, stderr) = run(&server, &["models", "-v", "--format", format]);
        assert_eq!(code, 0, "{format}");
        assert!(stderr.starts_with("* models: GET "), "{format}: {stderr}");
        assert!(
            !stdout.contains("> x-request-id"),
            "{format}: the trace stays off stdout"
        );
    }
    for format in ["junit", "github"] {
        let (code, stdout, stderr) = run(&server, &["models", "--curl", "--format", format]);
        assert_eq!(code, 0, "{format}");
        assert!(
            stderr.starts_with("# models\ncurl -sS -i"),
            "{format}: {stderr}"
        );
        assert!(!stdout.contains("curl -sS"), "{format}: {stdout}");
    }
}
