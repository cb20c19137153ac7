//! Offline commands open no socket, and the CLI's own contract (help, usage errors).

use crate::{outcome, tempdir, tlcheck};
use std::net::TcpListener;

/// Run an offline command with the base URL and every proxy variable pointing at a listener of
/// ours; if tlcheck tried to reach the network, the listener would have a connection waiting.
#[test]
fn offline_commands_open_no_socket() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let dir = tempdir();
    let runs: [&[&str]; 5] = [
        &["url", "--offline"],
        &["url", "--offline", &format!("{addr}/v1")],
        &["header", "Bearer sk-abcdefghijklmnop"],
        &["header"],
        &["explain"],
    ];
    for args in runs {
        let (code, stdout, _) = outcome(
            tlcheck(dir.path())
                .args(args)
                .env("TENSORLOOP_BASE_URL", format!("{addr}/v1"))
                .env("TENSORLOOP_KEY", "sk-abcdefghijklmnop")
                .env("HTTPS_PROXY", &addr)
                .env("HTTP_PROXY", &addr)
                .env("ALL_PROXY", &addr),
        );
        assert_eq!(code, 0, "{args:?}: {stdout}");
        match listener.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("{args:?} opened a connection: {other:?}"),
        }
    }
}

#[test]
fn help_lists_the_exit_codes() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(tlcheck(dir.path()).arg("--help"));
    assert_eq!(code, 0);
    for line in [
        "0  every check passed",
        "2  usage error",
        "3  only warnings, and --strict was given",
        "10  configuration",
        "13  model not available to this key",
        "15  budget exhausted, not retryable",
        "17  gateway or upstream provider failed",
        "config, network, auth, model, budget, rate, upstream, stream",
    ] {
        assert!(stdout.contains(line), "--help lacks {line:?}:\n{stdout}");
    }
}

#[test]
fn no_arguments_prints_help_and_exits_2() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(&mut tlcheck(dir.path()));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("Usage: tlcheck"), "{stderr}");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(tlcheck(dir.path()).args(["url", "--frobnicate"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("unexpected argument '--frobnicate'"),
        "{stderr}"
    );
}

#[test]
fn unknown_format_is_a_usage_error() {
    let dir = tempdir();
    let (code, _, stderr) = outcome(tlcheck(dir.path()).args(["url", "--format", "yaml"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("possible values: human, json"), "{stderr}");
}

#[test]
fn color_always_colours_and_never_does_not() {
    let dir = tempdir();
    let (_, coloured, _) = outcome(tlcheck(dir.path()).args([
        "--color",
        "always",
        "url",
        "--offline",
        "https://tensorloop.tech",
    ]));
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    let (_, plain, _) = outcome(
        tlcheck(dir.path())
            .args(["url", "--offline", "https://tensorloop.tech"])
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1"),
    );
    assert!(!plain.contains("\u{1b}["), "{plain}");
    let (_, forced, _) = outcome(
        tlcheck(dir.path())
            .args(["url", "--offline", "https://tensorloop.tech"])
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(forced.contains("\u{1b}["), "{forced}");
}
