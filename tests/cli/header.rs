use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;

const KEY: &str = "sk-tlcheck-test-0123456789abcd";

#[test]
fn uppercase_scheme_fails_with_config_exit() {
    let dir = tempdir();
    let t =
        transcript(tlcheck(dir.path()).args(["header", &format!("Authorization: BEARER {KEY}")]));
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
}

#[test]
fn lowercase_scheme_is_a_warning_and_strict_makes_it_exit_3() {
    let dir = tempdir();
    let value = format!("Authorization: bearer {KEY}");
    let t = transcript(tlcheck(dir.path()).args(["header", &value]));
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
    let (code, _, _) = outcome(tlcheck(dir.path()).args(["header", "--strict", &value]));
    assert_eq!(code, 3);
}

#[test]
fn a_correct_header_passes() {
    let dir = tempdir();
    let t =
        transcript(tlcheck(dir.path()).args(["header", &format!("Authorization: Bearer {KEY}")]));
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
}

#[test]
fn bare_key_json() {
    let dir = tempdir();
    let t = transcript(tlcheck(dir.path()).args(["header", KEY, "--format", "json"]));
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
}

#[test]
fn curl_argument_with_unexpanded_variable() {
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path()).args(["header", "-H 'Authorization: Bearer $TENSORLOOP_KEY'"]),
    );
    assert_snapshot!(t);
}

#[test]
fn reads_stdin_with_dash() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["header", "-"])
            .write_stdin(format!("x-api-key: {KEY}\n")),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("header.wrong_name"), "{stdout}");
    assert!(stdout.contains("standard input"), "{stdout}");
    assert!(!stdout.contains(KEY));
}

#[test]
fn invalid_utf8_on_stdin_is_a_usage_error() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(
        tlcheck(dir.path())
            .args(["header", "-"])
            .write_stdin(vec![b'B', 0xff, 0xfe, b'\n']),
    );
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert_eq!(stderr, "error: standard input is not valid UTF-8 text\n");
}

#[test]
fn without_value_checks_the_configured_key() {
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .args(["header"])
            .env("TENSORLOOP_KEY", format!("{KEY}\r")),
    );
    assert!(!t.contains(KEY));
    assert_snapshot!(t);
}

#[test]
fn without_value_and_without_key_is_key_missing() {
    let dir = tempdir();
    let t = transcript(
        tlcheck(dir.path())
            .args(["header"])
            .env("TENSORLOOP_KEY", ""),
    );
    assert_snapshot!(t);
}
