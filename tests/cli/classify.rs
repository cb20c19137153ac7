//! `classify`: pasted responses, diagnosed offline.

use crate::support::recorded;
use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;

fn classify(input: &[u8], args: &[&str]) -> (i32, serde_json::Value) {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .arg("classify")
            .args(args)
            .args(["--format", "json"])
            .write_stdin(input.to_vec()),
    );
    let doc = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, doc)
}

fn codes(doc: &serde_json::Value) -> Vec<&str> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[test]
fn every_recorded_response() {
    let cases = [
        (
            "nodb_01_missing_authorization.txt",
            12,
            vec!["auth.no_key_sent"],
        ),
        ("nodb_05_uppercase_BEARER.txt", 12, vec!["auth.malformed"]),
        ("nodb_20_health_liveliness.txt", 0, vec![]),
        ("nodb_25_upstream_500.txt", 17, vec!["upstream.error"]),
        ("nodb_27_upstream_429.txt", 14, vec!["rate.upstream"]),
        (
            "nodb_28_upstream_404.txt",
            13,
            vec!["model.upstream_missing"],
        ),
        ("vk_01_good_ok.txt", 0, vec![]),
        ("vk_02_unknown_sk_key.txt", 12, vec!["auth.invalid_key"]),
        ("vk_08_free_denied_model.txt", 13, vec!["model.not_allowed"]),
        ("vk_10_good_unknown_model.txt", 13, vec!["model.unknown"]),
        ("vk_11_expired.txt", 12, vec!["auth.expired_key"]),
        ("vk_14_overbudget.txt", 15, vec!["budget.exhausted"]),
        ("vk_15_overbudget_stream.raw", 15, vec!["budget.exhausted"]),
        ("vk_19_rpm1_second.txt", 14, vec!["rate.requests"]),
        ("vk_22_models_free.txt", 0, vec![]),
        ("vk_24_key_info_good.txt", 0, vec![]),
        (
            "stream_06_upstream_midstream_error.raw",
            17,
            vec!["upstream.error", "stream.error_event"],
        ),
    ];
    for (name, exit, expected) in cases {
        let (code, doc) = classify(&recorded(name), &[]);
        assert_eq!(code, exit, "{name}: {doc:#}");
        assert_eq!(codes(&doc), expected, "{name}");
    }
}

#[test]
fn a_recorded_refusal_in_human_form() {
    let dir = tempdir();
    assert_snapshot!(transcript(
        tlcheck(dir.path())
            .arg("classify")
            .write_stdin(recorded("vk_19_rpm1_second.txt"))
    ));
}

#[test]
fn a_file_argument_works_like_stdin() {
    let dir = tempdir();
    let path = dir.path().join("paste.txt");
    std::fs::write(&path, recorded("vk_14_overbudget.txt")).unwrap();
    let (code, stdout, _) = outcome(tlcheck(dir.path()).arg("classify").arg(&path));
    assert_eq!(code, 15, "{stdout}");
    assert!(stdout.contains("spent $1.5 of a $1.0 budget"), "{stdout}");
}

#[test]
fn http2_lf_and_a_proxy_block() {
    let paste = b"HTTP/1.1 200 Connection established\n\nHTTP/2 403\ncontent-type: application/json\n\n{\"error\":{\"message\":\"not available\",\"type\":\"key_model_access_denied\",\"param\":\"model\",\"code\":\"403\"}}\n";
    let (code, doc) = classify(paste, &[]);
    assert_eq!(code, 13);
    assert_eq!(codes(&doc), ["model.not_allowed"]);
}

#[test]
fn a_bare_body_takes_its_status_from_the_flag_or_the_code() {
    let body = br#"{"error":{"message":"Budget has been exceeded!","type":"budget_exceeded","param":null}}"#;
    let (code, doc) = classify(body, &["--status", "400"]);
    assert_eq!(code, 15);
    assert_eq!(doc["findings"][0]["evidence"]["status"], 400);
    let with_code =
        br#"{"error":{"message":"No connected db.","type":"no_db_connection","code":"400"}}"#;
    let (code, doc) = classify(with_code, &[]);
    assert_eq!(code, 17);
    assert_eq!(codes(&doc), ["upstream.no_db"]);
}

#[test]
fn bad_input_is_a_usage_error() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(tlcheck(dir.path()).arg("classify").write_stdin("hello"));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.starts_with("error: cannot classify the input: expected raw `curl -i` output"),
        "{stderr}"
    );
    let (code, _, stderr) = outcome(tlcheck(dir.path()).args(["classify", "missing.txt"]));
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: cannot read missing.txt"),
        "{stderr}"
    );
    let (code, _, stderr) = outcome(
        tlcheck(dir.path())
            .arg("classify")
            .write_stdin(r#"{"error":{"type":"budget_exceeded"}}"#),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("pass --status N"), "{stderr}");
    let (code, _, _) = outcome(
        tlcheck(dir.path())
            .args(["classify", "--status", "99"])
            .write_stdin("{}"),
    );
    assert_eq!(code, 2);
}

#[test]
fn a_key_echoed_in_the_paste_is_not_printed_back() {
    let key = "sk-pasted-secret-abcdefgh1234";
    let body = format!(
        r#"{{"error":{{"message":"Invalid proxy server token passed. Received API Key = {key}","type":"token_not_found_in_db","code":"401"}}}}"#
    );
    for format in ["human", "json"] {
        let dir = tempdir();
        let (code, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["classify", "--format", format])
                .write_stdin(body.clone()),
        );
        assert_eq!(code, 12);
        assert!(!stdout.contains(key), "{stdout}");
        assert!(stdout.contains("sk-…1234"), "{stdout}");
    }
}

/// Run every row of a paste table (`file`, …, `expected_codes`, `expected_exit`, `detail_in_paste`)
/// through `classify` and list the rows it gets wrong. `a|b` means either. With
/// `detail_in_paste=no` the client threw the cause away, so a finding of the right family (the part
/// before the dot) and the right exit are what a correct answer can say.
fn paste_table_mismatches(dir: &str, table: &str) -> (usize, Vec<String>) {
    let cases = if table == "cases.tsv" { "cases" } else { "own" };
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let tsv = std::fs::read_to_string(root.join(table)).unwrap();
    let column = |name: &str| {
        tsv.lines()
            .next()
            .unwrap()
            .split('\t')
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{table} has no column {name}"))
    };
    let (file, codes_at, exit_at, detail_at) = (
        column("file"),
        column("expected_codes"),
        column("expected_exit"),
        column("detail_in_paste"),
    );
    let mut rows = 0;
    let mut wrong = Vec::new();
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        rows += 1;
        let cols: Vec<&str> = line.split('\t').collect();
        let name = cols[file];
        let expected: Vec<&str> = cols[codes_at].split('|').collect();
        let exits: Vec<i32> = cols[exit_at]
            .split('|')
            .map(|e| e.parse().unwrap())
            .collect();
        let detail = cols[detail_at] == "yes";
        let paste = std::fs::read(root.join(cases).join(name)).unwrap();
        let tmp = tempdir();
        let (code, stdout, stderr) = outcome(
            tlcheck(tmp.path())
                .args(["classify", "--format", "json"])
                .write_stdin(paste),
        );
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
        let failing: Vec<&str> = doc["findings"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter(|f| matches!(f["severity"].as_str(), Some("fail" | "warn")))
            .map(|f| f["code"].as_str().unwrap())
            .collect();
        let family = |c: &str| c.split('.').next().unwrap_or("").to_owned();
        let right = failing.iter().any(|got| {
            expected
                .iter()
                .any(|want| got == want || (!detail && family(got) == family(want)))
        });
        if !right || !exits.contains(&code) {
            wrong.push(format!(
                "{name}: got exit {code} {failing:?}, want exit {} {} {}",
                cols[exit_at],
                cols[codes_at],
                stderr.lines().next().unwrap_or("")
            ));
        }
    }
    (rows, wrong)
}

#[test]
fn every_sampled_customer_paste() {
    let (rows, wrong) = paste_table_mismatches("tests/fixtures/pastes", "cases.tsv");
    assert_eq!(rows, 53);
    assert!(
        wrong.is_empty(),
        "{} of {rows} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_own_capture() {
    let (rows, wrong) = paste_table_mismatches("tests/fixtures/pastes", "own.tsv");
    assert!(rows >= 140, "{rows}");
    assert!(
        wrong.is_empty(),
        "{} of {rows} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

fn paste(name: &str) -> Vec<u8> {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pastes");
    std::fs::read(root.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn a_client_dump_gives_its_facts_in_json() {
    let (code, doc) = classify(&paste("cases/ai-sdk__tpm_limit.txt"), &[]);
    assert_eq!(code, 14);
    let facts = &doc["checks"][0]["facts"];
    assert_eq!(facts["status"], "429");
    assert_eq!(facts["call id"], "396f60ff-7720-43f9-bd98-378da1e9a103");
    assert_eq!(facts["client"], "Vercel AI SDK (Node.js v20.20.2)");
    assert_eq!(facts["url"], "http://127.0.0.1:4014/v1/chat/completions");
    assert_eq!(facts["model"], "gpt-4o-mini");
    assert!(
        facts["attempts"].as_str().unwrap().starts_with("3:"),
        "{facts}"
    );
    assert!(
        facts["client behaviour"]
            .as_str()
            .unwrap()
            .contains("retries 429s"),
        "{facts}"
    );
    let finding = &doc["findings"][0];
    assert_eq!(finding["code"], "rate.tokens");
    assert_eq!(finding["evidence"]["retry_after"], "60");
}

#[test]
fn the_url_in_a_paste_feeds_the_base_url_rules() {
    let (code, doc) = classify(&paste("cases/openai-node__dns_wrong_host.txt"), &[]);
    assert_eq!(
        (code, codes(&doc)),
        (10, vec!["url.no_such_host", "net.dns"])
    );
    assert_eq!(doc["checks"][0]["facts"]["host"], "api.tensorloop.tech");
    let (code, doc) = classify(&paste("own/ai-sdk__endpoint_path.txt"), &[]);
    assert_eq!(code, 10);
    assert_eq!(codes(&doc)[0], "url.endpoint_path");
}

#[test]
fn a_paste_that_lost_the_cause_says_so() {
    let (code, doc) = classify(&paste("own/requests__expired_key.txt"), &[]);
    assert_eq!((code, codes(&doc)), (12, vec!["auth.refused"]));
    let detail = doc["findings"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("tlcheck doctor"), "{detail}");
    let (code, doc) = classify(&paste("own/httpx__rpm_limit.txt"), &[]);
    assert_eq!((code, codes(&doc)), (14, vec!["rate.limited"]));
    let (code, doc) = classify(
        b"2026-11-30 06:24:32 ERROR chat-worker chat request failed: Connection error.\n",
        &[],
    );
    assert_eq!((code, codes(&doc)), (11, vec!["net.connect"]));
    let detail = doc["findings"][0]["detail"].as_str().unwrap();
    assert!(detail.contains("does not say why"), "{detail}");
}

#[test]
fn an_unrelated_traceback_is_a_usage_error() {
    let dir = tempdir();
    let traceback = "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    x = int(\"a\")\nValueError: invalid literal for int() with base 10: 'a'\n";
    let (code, stdout, stderr) =
        outcome(tlcheck(dir.path()).arg("classify").write_stdin(traceback));
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("what a client printed for a failed request"),
        "{stderr}"
    );
}

#[test]
fn a_key_in_a_traceback_is_not_printed_back() {
    let key = "sk-live-traceback-secret-9876";
    let traceback = format!(
        "Traceback (most recent call last):\n  File \"app.py\", line 9, in <module>\nopenai.AuthenticationError: Error code: 401 - {{'error': {{'message': 'Authentication Error, Invalid proxy server token passed. Received API Key = {key}, Key Hash (Token) =9b25', 'type': 'token_not_found_in_db', 'param': 'key', 'code': '401'}}}}\n"
    );
    for format in ["human", "json", "markdown"] {
        let dir = tempdir();
        let (code, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["classify", "--format", format])
                .write_stdin(traceback.clone()),
        );
        assert_eq!(code, 12, "{stdout}");
        assert!(!stdout.contains(key), "{format}: {stdout}");
        assert!(stdout.contains("auth.invalid_key"), "{format}: {stdout}");
    }
}

#[test]
fn a_cut_stream_and_a_pretty_printed_error_frame() {
    let (code, doc) = classify(&paste("cases/curl-v__stream_conn_cut.txt"), &[]);
    assert_eq!((code, codes(&doc)), (16, vec!["stream.cut"]));
    let (code, doc) = classify(&paste("cases/httpie__stream_error_frame.txt"), &[]);
    assert_eq!(code, 17);
    assert_eq!(codes(&doc), ["upstream.error", "stream.error_event"]);
    let behaviour = doc["checks"][0]["facts"]["client behaviour"].as_str();
    assert!(
        behaviour.is_some_and(|b| b.contains("the status stays 200")),
        "{doc:#}"
    );
}

#[test]
fn a_stream_without_done_says_what_the_sdks_do() {
    let transcript = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n";
    let (code, doc) = classify(transcript, &[]);
    assert_eq!((code, codes(&doc)), (16, vec!["stream.no_done"]));
    let behaviour = doc["checks"][0]["facts"]["client behaviour"].as_str();
    assert!(
        behaviour.is_some_and(|b| b.contains("do not raise")),
        "{doc:#}"
    );
    let (code, doc) = classify(&paste("own/ai-sdk__stream_error_frame.txt"), &[]);
    assert_eq!(code, 17);
    let behaviour = doc["checks"][0]["facts"]["client behaviour"].as_str();
    assert!(behaviour.is_some_and(|b| b.contains("exits 0")), "{doc:#}");
}
