//! The interactive mode, through a pseudo-terminal; and proof that without a terminal tlcheck
//! neither prompts nor waits.

use crate::support::{Server, healthy};
use crate::tempdir;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "sk-interactive-key-1357";

fn binary() -> String {
    assert_cmd::cargo::cargo_bin("tlcheck")
        .display()
        .to_string()
}

/// Start tlcheck with no arguments on a pseudo-terminal, with only the given environment.
#[cfg(unix)]
fn spawn_on_pty(dir: &std::path::Path, env: &[(&str, String)]) -> rexpect::session::PtySession {
    let mut cmd = Command::new(binary());
    cmd.env_clear()
        .current_dir(dir)
        .env("TERM", "xterm")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    rexpect::session::spawn_command(cmd, Some(20_000)).expect("spawn on a pty")
}

/// tlcheck on a pseudo-terminal with a key and a healthy local gateway: the gateway, the working
/// directory (kept alive as long as the session) and the session.
#[cfg(unix)]
fn with_a_healthy_gateway() -> (Server, tempfile::TempDir, rexpect::session::PtySession) {
    let server = Server::start(healthy);
    let dir = tempdir();
    let p = spawn_on_pty(
        dir.path(),
        &[
            ("TENSORLOOP_KEY", KEY.to_owned()),
            ("TENSORLOOP_BASE_URL", server.base_url()),
        ],
    );
    (server, dir, p)
}

const DOWN: &str = "\x1b[B";

/// Wait for the whole menu, then press `key` `times` times and Enter, a little apart as a person
/// would (keys sent before the terminal is in raw mode would be lost).
#[cfg(unix)]
fn choose(p: &mut rexpect::session::PtySession, key: &str, times: usize) {
    p.exp_string("What are you seeing?").unwrap();
    p.exp_string("check everything").unwrap();
    for _ in 0..times {
        std::thread::sleep(Duration::from_millis(50));
        p.send(key).unwrap();
        p.flush().unwrap();
    }
    std::thread::sleep(Duration::from_millis(50));
    p.send("\r").unwrap();
    p.flush().unwrap();
}

#[cfg(unix)]
#[test]
fn a_chosen_symptom_runs_just_its_checks() {
    let (server, _dir, mut p) = with_a_healthy_gateway();
    // "The OpenAI SDK can't find the model" is the sixth symptom.
    choose(&mut p, DOWN, 5);
    // It asks which model, from the key's own list (the configured model first).
    p.exp_string("Which model does your code ask for?").unwrap();
    p.exp_string("Another model").unwrap();
    press(&mut p, "\r");
    p.exp_string("Runs models (free).").unwrap();
    p.exp_string("Models for this key").unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("no problems found"), "{rest}");
    assert!(!rest.contains(KEY));
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        ["/v1/models", "/v1/models"],
        "the list to pick from, then only the models check"
    );
}

#[cfg(unix)]
fn press(p: &mut rexpect::session::PtySession, keys: &str) {
    std::thread::sleep(Duration::from_millis(50));
    p.send(keys).unwrap();
    p.flush().unwrap();
}

/// The model the customer's code asks for need not be listed: it can be typed, and it is the one
/// checked (here a free key: only `gpt-4o-mini` is allowed).
#[cfg(unix)]
#[test]
fn a_model_can_be_typed_and_is_the_one_checked() {
    let (_server, _dir, mut p) = with_a_healthy_gateway();
    choose(&mut p, DOWN, 5);
    p.exp_string("Another model").unwrap();
    press(&mut p, DOWN);
    press(&mut p, "\r");
    p.exp_string("Which model does your code ask for?").unwrap();
    // Clear the default and type the id.
    for _ in 0.."gpt-4o-mini".len() {
        press(&mut p, "\x7f");
    }
    press(&mut p, "gpt-4o\r");
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("model.free_plan"), "{rest}");
    assert!(rest.contains("exit 13"), "{rest}");
}

#[cfg(unix)]
#[test]
fn a_missing_key_is_asked_for_at_a_hidden_prompt() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let mut p = spawn_on_pty(dir.path(), &[("TENSORLOOP_BASE_URL", server.base_url())]);
    // "Every call returns 401" is the first symptom.
    choose(&mut p, DOWN, 0);
    p.exp_string("No key found").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    p.send(KEY).unwrap();
    p.flush().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    p.send("\r").unwrap();
    p.flush().unwrap();
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("from the prompt"), "{rest}");
    assert!(!rest.contains(KEY), "the typed key is never echoed: {rest}");
    let seen = server.requests();
    assert!(
        seen.iter()
            .all(|r| r.header("authorization") == Some(&*format!("Bearer {KEY}")))
    );
    let mut paths: Vec<String> = seen.iter().map(|r| r.path.clone()).collect();
    paths.sort();
    assert_eq!(paths, ["/key/info", "/v1/models"]);
}

#[cfg(unix)]
#[test]
fn explanations_for_spend() {
    let dir = tempdir();
    let mut p = spawn_on_pty(dir.path(), &[]);
    // "My spend looks wrong" is the fourth symptom.
    choose(&mut p, DOWN, 3);
    let rest = p.exp_eof().unwrap();
    assert!(
        rest.contains("spend.streaming") && rest.contains("spend.rounding"),
        "{rest}"
    );
}

#[cfg(unix)]
#[test]
fn ci_on_a_terminal_never_prompts() {
    let dir = tempdir();
    let mut p = spawn_on_pty(dir.path(), &[("CI", "true".to_owned())]);
    let all = p.exp_eof().unwrap();
    assert!(all.contains("Usage: tlcheck"), "{all}");
    assert!(!all.contains("What are you seeing?"));
}

/// Run with stdin an open pipe that never delivers anything: a prompt would wait forever.
fn run_with_silent_stdin(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String, Duration) {
    let dir = tempdir();
    let mut cmd = Command::new(binary());
    cmd.env_clear().current_dir(dir.path()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("tlcheck {args:?} waited for input");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        started.elapsed(),
    )
}

#[test]
fn without_a_terminal_tlcheck_alone_prints_help_and_exits_2() {
    let (code, stdout, stderr, _) = run_with_silent_stdin(&[], &[]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(stderr.contains("Usage: tlcheck"), "{stderr}");
}

#[test]
fn without_a_terminal_a_missing_key_is_a_finding_not_a_prompt() {
    let server = Server::start(healthy);
    let url = server.base_url();
    let (code, stdout, stderr, _) = run_with_silent_stdin(
        &["doctor", "--format", "json"],
        &[("TENSORLOOP_BASE_URL", &url)],
    );
    assert_eq!(code, 10, "{stdout}{stderr}");
    assert!(stdout.contains("key.missing"));
    assert!(!stderr.contains("No key found"));
}

#[cfg(unix)]
#[test]
fn no_input_on_a_terminal_never_prompts() {
    let server = Server::start(healthy);
    let dir = tempdir();
    let mut cmd = Command::new(binary());
    cmd.env_clear()
        .current_dir(dir.path())
        .env("TERM", "xterm")
        .env("TENSORLOOP_BASE_URL", server.base_url())
        .args(["doctor", "--no-input", "--no-spend"]);
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    let all = p.exp_eof().unwrap();
    assert!(all.contains("key.missing"), "{all}");
    assert!(!all.contains("No key found"), "{all}");
}

/// Before anything is sent, the choice says what it runs and which requests are billed.
#[cfg(unix)]
#[test]
fn a_choice_names_its_billed_requests_before_sending_them() {
    let (_server, _dir, mut p) = with_a_healthy_gateway();
    // "429 Too Many Requests" is the third symptom.
    choose(&mut p, DOWN, 2);
    p.exp_string("Runs key_info (free), then chat (billed")
        .unwrap();
    p.exp_eof().unwrap();
}
