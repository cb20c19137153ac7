//! One cause, one finding: every single-cause gateway answer gives one finding in every format,
//! the checks it blocked are skipped, and each format leads with the root cause.

use crate::support::{Reply, Seen, Server, healthy, is_stream, json_reply, recorded, streaming};
use crate::{outcome, tempdir, tlcheck};
use serde_json::Value;

const KEY: &str = "sk-correlate-test-key-1357";

/// LiteLLM's answer to a blocked key (`user_api_key_auth`: "Key is blocked").
fn blocked_key() -> Vec<u8> {
    json_reply(
        401,
        "Unauthorized",
        &[],
        r#"{"error":{"message":"Authentication Error - Key is blocked. Update via `/key/unblock` if you're admin.","type":"auth_error","param":"None","code":"401"}}"#,
    )
}

/// A gateway that answers the way one key's single cause makes a real LiteLLM answer.
struct Case {
    name: &'static str,
    code: &'static str,
    exit: i32,
    /// The checks that meet the cause, the first one owning the finding.
    seen_by: &'static [&'static str],
    answer: fn(&Seen) -> Reply,
}

/// Every request refused alike (auth happens before anything else).
fn refuse_all(req: &Seen, bytes: Vec<u8>) -> Reply {
    match req.path.as_str() {
        "/health/liveliness" => Reply::Bytes(recorded("nodb_20_health_liveliness.txt")),
        _ => Reply::Bytes(bytes),
    }
}

/// The billed requests refused alike, the free ones answered.
fn refuse_billed(req: &Seen, bytes: Vec<u8>) -> Reply {
    match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(bytes),
        _ => healthy(req),
    }
}

const AUTH_CHECKS: &[&str] = &["models", "key_info", "chat", "stream"];
const BILLED_CHECKS: &[&str] = &["chat", "stream"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "expired key",
            code: "auth.expired_key",
            exit: 12,
            seen_by: AUTH_CHECKS,
            answer: |r| refuse_all(r, recorded("vk_11_expired.txt")),
        },
        Case {
            name: "unknown key",
            code: "auth.invalid_key",
            exit: 12,
            seen_by: AUTH_CHECKS,
            answer: |r| refuse_all(r, recorded("vk_02_unknown_sk_key.txt")),
        },
        Case {
            name: "blocked key",
            code: "auth.blocked_key",
            exit: 12,
            seen_by: AUTH_CHECKS,
            answer: |r| refuse_all(r, blocked_key()),
        },
        Case {
            name: "over budget",
            code: "budget.exhausted",
            exit: 15,
            seen_by: BILLED_CHECKS,
            answer: |r| {
                let bytes = if is_stream(r) {
                    recorded("vk_15_overbudget_stream.raw")
                } else {
                    recorded("vk_14_overbudget.txt")
                };
                refuse_billed(r, bytes)
            },
        },
        Case {
            name: "free plan",
            code: "model.free_plan",
            exit: 13,
            seen_by: &["models", "chat", "stream"],
            answer: |r| refuse_billed(r, recorded("vk_08_free_denied_model.txt")),
        },
        Case {
            name: "rate limit",
            code: "rate.requests",
            exit: 14,
            seen_by: BILLED_CHECKS,
            answer: |r| refuse_billed(r, recorded("vk_19_rpm1_second.txt")),
        },
    ]
}

fn run(server: &Server, case: &Case, format: &str) -> (i32, String) {
    let dir = tempdir();
    let mut cmd = tlcheck(dir.path());
    cmd.args([
        "doctor",
        "--format",
        format,
        "--color",
        "never",
        "--timeout",
        "5",
    ])
    .env("TENSORLOOP_KEY", KEY)
    .env("TENSORLOOP_BASE_URL", server.base_url());
    if case.code == "model.free_plan" {
        cmd.args(["--model", "gpt-4o"]);
    }
    let (code, stdout, stderr) = outcome(&mut cmd);
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "the key leaked"
    );
    (code, stdout)
}

#[test]
fn each_single_cause_is_one_finding_in_json() {
    for case in cases() {
        let server = Server::start(case.answer);
        let (exit, stdout) = run(&server, &case, "json");
        let doc: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(exit, case.exit, "{}: {doc:#}", case.name);
        let problems: Vec<&Value> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .collect();
        assert_eq!(problems.len(), 1, "{}: {problems:#?}", case.name);
        let f = problems[0];
        assert_eq!(f["code"], case.code, "{}", case.name);
        assert_eq!(f["check"], case.seen_by[0], "{}", case.name);
        assert_eq!(
            f["seen_by"],
            serde_json::json!(case.seen_by),
            "{}",
            case.name
        );
        assert_eq!(doc["summary"]["fail"], 1, "{}", case.name);
        for check in doc["checks"].as_array().unwrap() {
            let id = check["id"].as_str().unwrap();
            if id == case.seen_by[0] {
                assert_eq!(check["status"], "fail", "{}: {id}", case.name);
            } else if case.seen_by.contains(&id) {
                assert_eq!(check["status"], "skip", "{}: {id}", case.name);
                let note = check["note"].as_str().unwrap();
                assert_eq!(
                    note,
                    format!("blocked by `{}` (found by {})", case.code, case.seen_by[0]),
                    "{}",
                    case.name
                );
            } else {
                assert_ne!(check["status"], "fail", "{}: {id}", case.name);
            }
        }
    }
}

#[test]
fn github_gives_one_error_per_cause() {
    for case in cases() {
        let server = Server::start(case.answer);
        let (exit, stdout) = run(&server, &case, "github");
        assert_eq!(exit, case.exit, "{}", case.name);
        let errors: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("::error"))
            .collect();
        assert_eq!(errors.len(), 1, "{}: {stdout}", case.name);
        assert!(
            errors[0].starts_with(&format!("::error title=tlcheck {} (", case.code)),
            "{}: {}",
            case.name,
            errors[0]
        );
    }
}

#[test]
fn junit_leads_with_the_root_cause_and_skips_what_it_blocked() {
    for case in cases() {
        let server = Server::start(case.answer);
        let (_, xml) = run(&server, &case, "junit");
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let failures: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .collect();
        assert_eq!(failures.len(), 1, "{}: {xml}", case.name);
        let first = failures[0];
        assert_eq!(first.attribute("type"), Some(case.code), "{}", case.name);
        let case_name = first.parent().unwrap().attribute("name").unwrap();
        assert!(
            case_name.starts_with(&format!("{}:", case.seen_by[0])),
            "{}: {case_name}",
            case.name
        );
        let skipped = doc
            .descendants()
            .filter(|n| n.has_tag_name("skipped"))
            .filter_map(|n| n.attribute("message"))
            .filter(|m| m.starts_with(&format!("blocked by `{}`", case.code)))
            .count();
        assert_eq!(skipped, case.seen_by.len() - 1, "{}: {xml}", case.name);
    }
}

#[test]
fn markdown_has_one_section_per_cause() {
    for case in cases() {
        let server = Server::start(case.answer);
        let (_, md) = run(&server, &case, "markdown");
        let sections: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
        assert_eq!(sections.len(), 1, "{}: {md}", case.name);
        assert!(
            sections[0].contains(case.code),
            "{}: {}",
            case.name,
            sections[0]
        );
        let checks = format!(
            "- **{}**: {}",
            if case.seen_by.len() > 1 {
                "checks"
            } else {
                "check"
            },
            case.seen_by.join(", ")
        );
        assert!(md.contains(&checks), "{}: {md}", case.name);
    }
}

#[test]
fn human_output_names_the_cause_once() {
    for case in cases() {
        let server = Server::start(case.answer);
        let (_, text) = run(&server, &case, "human");
        let headings = text
            .lines()
            .filter(|l| l.trim_start().starts_with(&format!("✗ {}", case.code)))
            .count();
        assert_eq!(headings, 1, "{}: {text}", case.name);
        assert!(text.contains("✗ 1 failure ·"), "{}: {text}", case.name);
        assert!(
            text.contains(&format!("seen by {}", case.seen_by.join(", ")))
                || case.seen_by.len() == 1,
            "{}: {text}",
            case.name
        );
    }
}

/// A streamed request that meets a refusal nobody else met keeps its `stream.not_sse`: the
/// stream's answer differs from what the other checks explained.
#[test]
fn a_refusal_only_the_stream_met_keeps_not_sse() {
    let server = streaming(Reply::Bytes(recorded("vk_15_overbudget_stream.raw")));
    let case = &cases()[3];
    let (exit, stdout) = run(&server, case, "json");
    assert_eq!(exit, 15);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] != "info")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["budget.exhausted", "stream.not_sse"]);
}
