use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;

#[test]
fn canonical_url_passes() {
    let dir = tempdir();
    assert_snapshot!(transcript(tlcheck(dir.path()).args([
        "url",
        "--offline",
        "https://litellm.tensorloop.tech/v1"
    ])));
}

#[test]
fn marketing_site_fails() {
    let dir = tempdir();
    assert_snapshot!(transcript(tlcheck(dir.path()).args([
        "url",
        "--offline",
        "https://tensorloop.tech/v1"
    ])));
}

#[test]
fn several_problems_at_once_json() {
    let dir = tempdir();
    assert_snapshot!(transcript(tlcheck(dir.path()).args([
        "url",
        "--offline",
        "--format",
        "json",
        "http://gateway.example.com/v1/chat/completions"
    ])));
}

#[test]
fn loopback_http_is_fine() {
    let dir = tempdir();
    let (code, stdout, _) =
        outcome(tlcheck(dir.path()).args(["url", "--offline", "http://[::1]:4000/v1"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("url.custom_host"));
    assert!(!stdout.contains("url.not_https"));
}

#[test]
fn without_argument_uses_the_configured_url_and_names_its_source() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["url", "--offline"])
            .env("OPENAI_BASE_URL", "https://litellm.tensorloop.tech"),
    );
    assert_eq!(code, 10, "{stdout}");
    assert!(stdout.contains("url.missing_v1"), "{stdout}");
    assert!(
        stdout.contains("from environment variable OPENAI_BASE_URL"),
        "{stdout}"
    );
}

#[test]
fn credentials_in_the_url_are_masked() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(tlcheck(dir.path()).args([
        "url",
        "--offline",
        "https://bob:hunter2@litellm.tensorloop.tech/v1",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("bob:***@"), "{stdout}");
    assert!(!stdout.contains("hunter2"), "{stdout}");
}
