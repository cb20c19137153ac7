//! For support and CI: the Markdown report, JUnit, GitHub workflow commands, the step summary.

use crate::support::{Reply, Seen, Server, healthy, is_stream, json_reply, recorded};
use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;

const KEY: &str = "sk-report-test-key-2468";

/// A gateway whose non-streamed chat is over budget (422), the recorded LiteLLM answer.
fn over_budget(req: &Seen) -> Reply {
    match req.path.as_str() {
        "/v1/chat/completions" if !is_stream(req) => Reply::Bytes(recorded("vk_14_overbudget.txt")),
        _ => healthy(req),
    }
}

fn run(server: &Server, args: &[&str]) -> String {
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .args(args)
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert!(!t.contains(KEY), "the key leaked:\n{t}");
    server.hide_request_ids(&t)
}

#[test]
fn markdown_report_healthy() {
    let server = Server::start(healthy);
    assert_snapshot!(run(&server, &["report"]));
}

#[test]
fn markdown_report_failing() {
    let server = Server::start(over_budget);
    let t = run(&server, &["doctor", "--format", "markdown"]);
    assert!(t.starts_with("exit: 15"), "{t}");
    assert_snapshot!(t);
}

#[test]
fn junit_healthy_and_failing_validate_as_xml() {
    for (name, server) in [
        ("healthy", Server::start(healthy)),
        ("failing", Server::start(over_budget)),
    ] {
        let dir = tempdir();
        let (code, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["doctor", "--format", "junit"])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", server.base_url()),
        );
        let xml = roxmltree::Document::parse(&stdout)
            .unwrap_or_else(|e| panic!("{name}: not XML: {e}\n{stdout}"));
        let cases: Vec<_> = xml
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), 8, "{name}: one test case per check");
        let failures: Vec<_> = xml
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .collect();
        if name == "healthy" {
            assert_eq!(code, 0);
            assert!(failures.is_empty());
        } else {
            assert_eq!(code, 15);
            assert_eq!(failures.len(), 1);
            assert_eq!(failures[0].attribute("type"), Some("budget.exhausted"));
            let text = failures[0].text().unwrap();
            assert!(
                text.contains("fix: Wait for the budget window to reset"),
                "{text}"
            );
            let suite = xml
                .descendants()
                .find(|n| n.has_tag_name("testsuite"))
                .unwrap();
            assert_eq!(suite.attribute("failures"), Some("1"));
        }
        assert_snapshot!(format!("junit_{name}"), crate::redact_volatile(&stdout));
    }
}

#[test]
fn github_commands_and_the_step_summary() {
    let server = Server::start(over_budget);
    let dir = tempdir();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--format", "github"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url())
            .env("GITHUB_STEP_SUMMARY", &summary),
    );
    assert_eq!(code, 15);
    assert_snapshot!(crate::redact_volatile(&stdout));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("earlier step\n# tlcheck report: ✗ exit 15"),
        "appended: {written}"
    );
    assert!(!written.contains(KEY));
}

#[test]
fn github_healthy_without_a_summary_file() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--format", "github"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_eq!(code, 0);
    assert_eq!(
        crate::redact_volatile(&stdout),
        "tlcheck doctor: no problems found · exit 0\n"
    );
    // Without GITHUB_STEP_SUMMARY nothing else is written: the working directory stays empty.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn output_writes_the_report_to_a_file() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["report", "--no-spend", "--output", "ticket.md"])
            .env("TENSORLOOP_KEY", KEY)
            .env("TENSORLOOP_BASE_URL", server.base_url()),
    );
    assert_eq!(code, 0);
    assert_eq!(stdout, "");
    let written = std::fs::read_to_string(dir.path().join("ticket.md")).unwrap();
    assert!(
        written.starts_with("# tlcheck report: ✓ exit 0\n\n- **Command**: `tlcheck report`"),
        "{written}"
    );
    assert!(written.contains("## Find these calls on the Activity page"));
    assert!(
        server.requests().iter().all(|r| r.method != "POST"),
        "--no-spend"
    );
}

#[test]
fn no_format_shows_the_key_even_when_the_server_echoes_it() {
    let echo = format!(
        r#"{{"error":{{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = {KEY}, again Bearer {KEY}","type":"token_not_found_in_db","param":"key","code":"401"}}}}"#
    );
    let reply = json_reply(401, "Unauthorized", &[("x-echo", KEY)], &echo);
    let server = Server::start(move |req: &Seen| match req.path.as_str() {
        "/health/liveliness" => healthy(req),
        _ => Reply::Bytes(reply.clone()),
    });
    for format in ["human", "json", "markdown", "junit", "github"] {
        let dir = tempdir();
        let summary = dir.path().join("summary.md");
        let (code, stdout, stderr) = outcome(
            tlcheck(dir.path())
                .args(["doctor", "--format", format])
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", server.base_url())
                .env("GITHUB_STEP_SUMMARY", &summary),
        );
        assert_eq!(code, 12, "{format}");
        assert!(stdout.contains("auth.invalid_key"), "{format}: {stdout}");
        assert!(
            !stdout.contains(KEY) && !stderr.contains(KEY),
            "{format} leaked the key"
        );
        if let Ok(written) = std::fs::read_to_string(&summary) {
            assert!(!written.contains(KEY), "the step summary leaked the key");
        }
    }
}

/// A file is a sink of its own: a human report written with `-o` has no colour codes even when
/// stdout would be coloured, unless `--color always` asks for them.
#[test]
fn a_report_written_to_a_file_has_no_colour_unless_asked() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let file = dir.path().join("out.txt");
    let run = |extra: &[&str]| {
        let (code, _, stderr) = outcome(
            tlcheck(dir.path())
                .args(["doctor", "--no-spend", "-o"])
                .arg(&file)
                .args(extra)
                .env("CLICOLOR_FORCE", "1")
                .env("TENSORLOOP_KEY", KEY)
                .env("TENSORLOOP_BASE_URL", server.base_url()),
        );
        assert_eq!(code, 0, "{stderr}");
        std::fs::read_to_string(&file).unwrap()
    };
    let plain = run(&[]);
    assert!(
        plain.contains("Checks") && !plain.contains('\u{1b}'),
        "{plain}"
    );
    let coloured = run(&["--color", "always"]);
    assert!(coloured.contains('\u{1b}'), "{coloured}");
}
