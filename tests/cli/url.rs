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

/// Fix texts speak of the user's own target: a gateway on another host is never told to use
/// TensorLoop's URL, and a TensorLoop host still gets TensorLoop's advice.
#[test]
fn fixes_name_the_users_own_host() {
    let dir = tempdir();
    let json = |args: &[&str]| {
        let (_, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(["url", "--offline", "--format", "json"])
                .args(args),
        );
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap()
    };
    let doc = json(&["http://127.0.0.1:4014"]);
    let f = crate::finding(&doc, "url.missing_v1");
    assert!(
        !f["fix"].as_str().unwrap().contains("tensorloop.tech"),
        "{f:#}"
    );
    assert_eq!(f["suggestion"], "http://127.0.0.1:4014/v1");

    let not_gateway = crate::support::Server::start(|_| {
        crate::support::Reply::Bytes(crate::support::json_reply(
            200,
            "OK",
            &[("content-type", "text/html")],
            "<html>Welcome to the hotel Wi-Fi</html>",
        ))
    });
    let (_, stdout, _) =
        outcome(tlcheck(dir.path()).args(["url", "--format", "json", &not_gateway.base_url()]));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let fix = crate::finding(&doc, "net.not_gateway")["fix"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(fix.contains("allow `127.0.0.1`"), "{fix}");
    assert!(!fix.contains("tensorloop.tech"), "{fix}");
}
