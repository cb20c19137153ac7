//! `doctor`, `models` and `chat` against local gateways that replay what LiteLLM 1.106.2 sent.

use crate::support::{Reply, Seen, Server, healthy, is_stream, json_reply, recorded};
use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;
use serde_json::Value;

const KEY: &str = "sk-vk-good-0123456789";

/// Run a command against a server with a good-looking key, in JSON; return exit code and document.
fn run_json(server: &Server, args: &[&str]) -> (i32, Value) {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(args)
            .args(["--format", "json", "--timeout", "5"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "the key leaked"
    );
    let doc: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    assert_eq!(
        doc["exit_code"], code,
        "exit_code in JSON matches the process"
    );
    (code, doc)
}

fn codes(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

fn status_of(doc: &Value, check: &str) -> String {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == check)
        .unwrap_or_else(|| panic!("no check {check}"))["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_healthy_gateway_passes_every_check() {
    let server = Server::start(healthy);
    let (code, doc) = run_json(&server, &["doctor"]);
    assert_eq!(code, 0, "{doc:#}");
    for check in doc["checks"].as_array().unwrap() {
        assert_eq!(check["status"], "pass", "{check}");
    }
    let ids: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "key", "url", "network", "health", "models", "key_info", "chat", "stream"
        ]
    );
    let chat = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "chat")
        .unwrap();
    assert_eq!(
        chat["facts"]["call id"],
        "78716cc3-3589-4650-aa89-e9ddf406a68d"
    );
    assert!(
        chat["facts"]["cost"]
            .as_str()
            .unwrap()
            .starts_with("$0.0000 (4.95e-6 USD")
    );
    // Every request the checks made is listed, with its call id where the gateway gave one.
    let requests = doc["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 5);
    assert!(
        requests
            .iter()
            .any(|r| r["call_id"] == "78716cc3-3589-4650-aa89-e9ddf406a68d")
    );
    // The key went out in the documented form, to the configured host only.
    let seen = server.requests();
    let chat_req = seen
        .iter()
        .find(|r| r.path == "/v1/chat/completions" && !is_stream(r))
        .unwrap();
    assert_eq!(
        chat_req.header("authorization"),
        Some(&*format!("Bearer {KEY}"))
    );
    let body: Value = serde_json::from_slice(&chat_req.body).unwrap();
    assert_eq!(body["max_tokens"], 1);
    assert!(
        seen.iter().all(|r| r.path != "/health"),
        "never call /health"
    );
    assert!(
        seen.iter()
            .find(|r| r.path == "/health/liveliness")
            .unwrap()
            .header("authorization")
            .is_none()
    );
}

#[test]
fn a_healthy_gateway_in_human_form() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .arg("doctor")
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
}

#[test]
fn no_spend_sends_no_chat_request() {
    let server = Server::start(healthy);
    let (code, doc) = run_json(&server, &["doctor", "--no-spend"]);
    assert_eq!(code, 0);
    assert_eq!(status_of(&doc, "chat"), "skip");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path != "/v1/chat/completions")
    );
    assert!(
        server.requests().iter().any(|r| r.path == "/v1/models"),
        "free checks still run"
    );
}

/// A gateway that answers every keyed endpoint with the same recorded refusal.
fn refusing(name: &'static str) -> impl Fn(&Seen) -> Reply {
    move |req| match req.path.as_str() {
        "/health/liveliness" => Reply::Bytes(recorded("nodb_20_health_liveliness.txt")),
        _ => Reply::Bytes(recorded(name)),
    }
}

/// A healthy gateway whose (non-streamed) chat endpoint answers with a recorded response.
fn chat_answers(bytes: Vec<u8>) -> impl Fn(&Seen) -> Reply {
    move |req| match req.path.as_str() {
        "/v1/chat/completions" if !is_stream(req) => Reply::Bytes(bytes.clone()),
        _ => healthy(req),
    }
}

#[test]
fn auth_refusals_exit_12() {
    for (name, code) in [
        ("vk_02_unknown_sk_key.txt", "auth.invalid_key"),
        ("vk_11_expired.txt", "auth.expired_key"),
        ("nodb_01_missing_authorization.txt", "auth.no_key_sent"),
        ("nodb_05_uppercase_BEARER.txt", "auth.malformed"),
    ] {
        let server = Server::start(refusing(name));
        let (exit, doc) = run_json(&server, &["doctor"]);
        assert_eq!(exit, 12, "{name}: {doc:#}");
        // One cause, one finding: models met it first; key info, chat and stream saw the same
        // refusal and are blocked by it, not failures of their own. The streamed request's
        // JSON refusal is the same error, so no separate `stream.not_sse`.
        assert_eq!(codes(&doc), [code], "{name}: {doc:#}");
        let f = crate::finding(&doc, code);
        assert_eq!(f["check"], "models", "{name}");
        assert_eq!(
            f["seen_by"],
            serde_json::json!(["models", "key_info", "chat", "stream"]),
            "{name}"
        );
        assert_eq!(status_of(&doc, "models"), "fail", "{name}");
        for blocked in ["key_info", "chat", "stream"] {
            assert_eq!(status_of(&doc, blocked), "skip", "{name}: {blocked}");
            let note = doc["checks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["id"] == blocked)
                .unwrap()["note"]
                .as_str()
                .unwrap()
                .to_owned();
            assert!(note.starts_with(&format!("blocked by `{code}`")), "{note}");
        }
    }
}

#[test]
fn chat_failures_exit_with_their_class() {
    let cases: [(&str, Vec<u8>, i32, &[&str]); 8] = [
        (
            "vk_10 unknown model",
            recorded("vk_10_good_unknown_model.txt"),
            13,
            &["model.unknown"],
        ),
        (
            "vk_14 over budget (422)",
            recorded("vk_14_overbudget.txt"),
            15,
            &["budget.exhausted"],
        ),
        (
            "vk_19 rpm limit",
            recorded("vk_19_rpm1_second.txt"),
            14,
            &["rate.requests"],
        ),
        (
            "nodb_25 upstream 500",
            recorded("nodb_25_upstream_500.txt"),
            17,
            &["upstream.error"],
        ),
        (
            "nodb_27 upstream 429",
            recorded("nodb_27_upstream_429.txt"),
            14,
            &["rate.upstream"],
        ),
        (
            "nodb_28 upstream 404",
            recorded("nodb_28_upstream_404.txt"),
            13,
            &["model.upstream_missing"],
        ),
        (
            "page: 429 rate_limit_error",
            json_reply(
                429,
                "Too Many Requests",
                &[],
                r#"{ "error": { "type": "rate_limit_error", "message": "..." } }"#,
            ),
            14,
            &["rate.requests"],
        ),
        (
            "page: 429 budget_exceeded",
            json_reply(
                429,
                "Too Many Requests",
                &[],
                r#"{ "error": { "type": "budget_exceeded", "message": "..." } }"#,
            ),
            15,
            &["budget.exhausted"],
        ),
    ];
    for (what, bytes, exit, expected) in cases {
        let server = Server::start(chat_answers(bytes));
        let (code, doc) = run_json(&server, &["doctor"]);
        assert_eq!(code, exit, "{what}: {doc:#}");
        assert_eq!(codes(&doc), expected, "{what}");
        assert_eq!(status_of(&doc, "chat"), "fail", "{what}");
    }
}

#[test]
fn free_key_asking_for_another_model_is_the_free_plan() {
    let server = Server::start(chat_answers(recorded("vk_08_free_denied_model.txt")));
    let (code, doc) = run_json(&server, &["doctor", "--model", "gpt-4o"]);
    assert_eq!(code, 13, "{doc:#}");
    assert_eq!(codes(&doc), ["model.free_plan"]);
    let f = crate::finding(&doc, "model.free_plan");
    assert_eq!(f["seen_by"], serde_json::json!(["models", "chat"]));
}

#[test]
fn upstream_failure_keeps_the_call_id_as_evidence() {
    let server = Server::start(chat_answers(recorded("nodb_25_upstream_500.txt")));
    let (_, doc) = run_json(&server, &["chat"]);
    let f = crate::finding(&doc, "upstream.error");
    assert_eq!(
        f["evidence"]["call_id"],
        "d169e728-16b0-4a37-8d36-23926776205e"
    );
    assert_eq!(f["evidence"]["status"], 500);
    assert_eq!(f["evidence"]["error_type"], "internal_server_error");
}

#[test]
fn models_marks_the_target_and_names_near_misses() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .args(["models", "--model", "GPT-4o-Mini"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_snapshot!(t);
    let (code, doc) = run_json(&server, &["models"]);
    assert_eq!(code, 0);
    let models = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "models")
        .unwrap();
    assert_eq!(models["facts"]["ids"], "gpt-4o-mini (target)");
    assert!(
        server.requests().iter().all(|r| r.path == "/v1/models"),
        "models makes one kind of request"
    );
}

#[test]
fn chat_reports_latency_call_id_and_cost() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .arg("chat")
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_snapshot!(t);
}

#[test]
fn a_model_that_rejects_max_tokens_is_asked_again() {
    let server = Server::start(|req: &Seen| {
        if req.path == "/v1/chat/completions" {
            let body: Value = serde_json::from_slice(&req.body).unwrap();
            if body.get("max_tokens").is_some() {
                return Reply::Bytes(json_reply(
                    400,
                    "Bad Request",
                    &[],
                    r#"{"error":{"message":"litellm.BadRequestError: Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.","type":"invalid_request_error","param":"max_tokens","code":"400"}}"#,
                ));
            }
            // A reasoning model spends its one token thinking.
            return Reply::Bytes(json_reply(
                200,
                "OK",
                &[],
                r#"{"id":"x","object":"chat.completion","model":"o3-mini","choices":[{"index":0,"finish_reason":"length","message":{"role":"assistant","content":""}}],"usage":{"completion_tokens":1,"completion_tokens_details":{"reasoning_tokens":1}}}"#,
            ));
        }
        healthy(req)
    });
    let (code, doc) = run_json(&server, &["chat", "--model", "o3-mini"]);
    assert_eq!(code, 0, "{doc:#}");
    let chat = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "chat")
        .unwrap();
    assert!(
        chat["note"].as_str().unwrap().contains("reasoning model"),
        "{chat}"
    );
    let sent: Vec<Value> = server
        .requests()
        .iter()
        .filter(|r| r.path == "/v1/chat/completions")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1]["max_completion_tokens"], 1);
}

#[test]
fn the_key_is_never_printed_even_when_the_server_echoes_it() {
    let echo = format!(
        r#"{{"error":{{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = {KEY}","type":"token_not_found_in_db","param":"key","code":"401"}}}}"#
    );
    let reply = json_reply(401, "Unauthorized", &[("x-echo", KEY)], &echo);
    let server = Server::start(move |req: &Seen| match req.path.as_str() {
        "/health/liveliness" => healthy(req),
        _ => Reply::Bytes(reply.clone()),
    });
    for format in ["human", "json"] {
        let dir = tempdir();
        let (code, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["doctor", "--format", format])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", server.base_url()),
        );
        assert_eq!(code, 12);
        assert!(stdout.contains("auth.invalid_key"), "{stdout}");
        assert!(!stdout.contains(KEY) && !stderr.contains(KEY), "{stdout}");
        assert!(
            stdout.contains("sk-…6789"),
            "the key is shown as its fingerprint: {stdout}"
        );
    }
}

#[test]
fn expired_key_reported_by_key_info_even_behind_a_model_refusal() {
    // An expired key asking for a model outside its allowlist gets the 403 first; /key/info
    // still says expired.
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded("vk_08_free_denied_model.txt")),
        "/key/info" | "/v1/models" => Reply::Bytes(recorded("vk_11_expired.txt")),
        _ => healthy(req),
    });
    let (code, doc) = run_json(&server, &["doctor", "--model", "gpt-4o"]);
    assert_eq!(code, 12, "auth comes before model: {doc:#}");
    assert!(codes(&doc).contains(&"auth.expired_key".to_owned()));
}
