use crate::{outcome, tempdir, tlcheck};

const KEY_A: &str = "sk-first-key-aaaaaaaa1111";
const KEY_B: &str = "sk-second-key-bbbbbbb2222";

#[test]
fn key_conflict_names_winner_and_shadowed() {
    let dir = tempdir();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["header", "--format", "json"])
            .env("TENSORLOOP_KEY", KEY_A)
            .env("OPENAI_API_KEY", KEY_B),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains(KEY_A) && !stdout.contains(KEY_B));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["target"]["key"]["source"]["name"], "TENSORLOOP_KEY");
    assert_eq!(doc["target"]["key"]["fingerprint"], "sk-…1111");
    assert_eq!(
        doc["target"]["key"]["shadowed"][0]["name"],
        "OPENAI_API_KEY"
    );
    assert_eq!(doc["target"]["key"]["shadowed"][0]["shown"], "sk-…2222");
    assert_eq!(doc["findings"][0]["code"], "key.conflict");
}

#[test]
fn dotenv_is_read_after_the_environment() {
    let dir = tempdir();
    std::fs::write(
        dir.path().join(".env"),
        format!("TENSORLOOP_KEY=\"{KEY_B}\"\nTENSORLOOP_BASE_URL=https://api.tensorloop.tech/v1\n"),
    )
    .unwrap();
    let (code, stdout, _) = outcome(tlcheck(dir.path()).args(["header", "--format", "json"]));
    assert_eq!(code, 0, "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["target"]["key"]["source"]["kind"], "dot_env");
    assert_eq!(doc["target"]["key"]["fingerprint"], "sk-…2222");

    let (code, stdout, _) = outcome(tlcheck(dir.path()).args(["url", "--offline"]));
    assert_eq!(code, 10, "{stdout}");
    assert!(stdout.contains("TENSORLOOP_BASE_URL in ./.env"), "{stdout}");

    // The environment wins over the file.
    let (_, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["header", "--format", "json"])
            .env("OPENAI_API_KEY", KEY_A),
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["target"]["key"]["source"]["name"], "OPENAI_API_KEY");
}

#[test]
fn key_file_wins_and_its_trailing_newline_is_fine() {
    let dir = tempdir();
    let path = dir.path().join("key.txt");
    std::fs::write(&path, format!("{KEY_A}\n")).unwrap();
    let (code, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["header", "--key-file"])
            .arg(&path)
            .env("TENSORLOOP_KEY", KEY_A),
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("from key file"), "{stdout}");
    assert!(
        !stdout.contains("key.conflict"),
        "same key twice is no conflict: {stdout}"
    );
}

#[test]
fn unreadable_key_file_is_a_usage_error() {
    let dir = tempdir();
    let (code, stdout, stderr) =
        outcome(tlcheck(dir.path()).args(["header", "--key-file", "missing.txt"]));
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("error: cannot read key file missing.txt:"),
        "{stderr}"
    );
}

#[test]
fn key_on_the_command_line_is_flagged_and_never_printed() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(tlcheck(dir.path()).args(["header", "--key", KEY_A]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("key.on_argv"), "{stdout}");
    assert!(!stdout.contains(KEY_A) && !stderr.contains(KEY_A));
}

#[test]
fn key_and_key_file_together_is_a_usage_error() {
    let dir = tempdir();
    let (code, _, stderr) =
        outcome(tlcheck(dir.path()).args(["header", "--key", KEY_A, "--key-file", "k"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot be used with"), "{stderr}");
}

#[test]
fn model_flag_beats_environment() {
    let server = crate::support::Server::start(crate::support::healthy);
    let dir = tempdir();
    let (_, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["models", "--format", "json", "--model", "gpt-4o"])
            .env("TENSORLOOP_KEY", KEY_A)
            .env("TENSORLOOP_BASE_URL", server.base_url())
            .env("TENSORLOOP_MODEL", "x"),
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["target"]["model"]["value"], "gpt-4o");
    assert_eq!(doc["target"]["model"]["source"]["kind"], "flag");
    assert_eq!(
        doc["target"]["model"]["shadowed"][0]["name"],
        "TENSORLOOP_MODEL"
    );
}

/// Each command takes the flags that mean something to it: an offline command given a network
/// or input flag it cannot use is a usage error, not a flag silently ignored.
#[test]
fn flags_belong_to_the_commands_that_use_them() {
    let dir = tempdir();
    for args in [
        &["classify", "--timeout", "5"][..],
        &["explain", "rate", "--timeout", "5"],
        &["explain", "rate", "--curl"],
        &["explain", "rate", "--key", "sk-x"],
        &["explain", "--format", "markdown"],
        &["header", "--base-url", "http://127.0.0.1:1/v1"],
        &["header", "--cacert", "ca.pem"],
        &["url", "--offline", "--model", "gpt-4o"],
        &["models", "--idle-timeout", "5"],
        &["report", "--format", "human"],
    ] {
        let (code, stdout, stderr) = outcome(tlcheck(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains("error:"), "{args:?}: {stderr}");
    }
    // The global ones work everywhere.
    for args in [
        &["explain", "rate", "--color", "never", "--no-input"][..],
        &["classify", "-v", "--status", "429", "-"],
    ] {
        let (code, _, stderr) = outcome(tlcheck(dir.path()).args(args).write_stdin("{}"));
        assert_ne!(code, 2, "{args:?}: {stderr}");
    }
}

/// Help lists only what a command takes.
#[test]
fn offline_help_lists_no_network_flags() {
    let dir = tempdir();
    for command in ["classify", "header", "explain"] {
        let (code, stdout, _) = outcome(tlcheck(dir.path()).args([command, "--help"]));
        assert_eq!(code, 0);
        for flag in [
            "--timeout",
            "--cacert",
            "--curl",
            "--stream-timeout",
            "--model",
        ] {
            assert!(
                !stdout.contains(flag),
                "{command} --help lists {flag}:\n{stdout}"
            );
        }
    }
    let (_, stdout, _) = outcome(tlcheck(dir.path()).args(["explain", "-h"]));
    assert!(
        stdout.contains("[possible values: human, json]"),
        "{stdout}"
    );
}

/// Fix texts speak of the key's own source.
#[test]
fn fixes_name_the_variable_the_key_came_from() {
    let dir = tempdir();
    // Nothing listens there: the key check is offline, the rest fails fast.
    let base = format!("http://127.0.0.1:{}/v1", crate::support::closed_port());
    let (_, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["doctor", "--format", "json", "--base-url", &base])
            .args(["--no-spend", "--timeout", "1"])
            .env("OPENAI_API_KEY", "sk-with-a-space in-it"),
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let fix = crate::finding(&doc, "key.whitespace")["fix"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(fix.contains("export OPENAI_API_KEY="), "{fix}");
}

/// An empty flag is a usage error, never a silent default.
#[test]
fn an_empty_base_url_or_model_flag_is_a_usage_error() {
    let dir = tempdir();
    for flag in ["--base-url", "--model"] {
        let (code, stdout, stderr) =
            outcome(tlcheck(dir.path()).args(["doctor", "--no-spend", flag, ""]));
        assert_eq!(code, 2, "{flag}: {stderr}");
        assert_eq!(stdout, "");
        assert!(stderr.contains(&format!("{flag} is empty")), "{stderr}");
    }
}

fn url_json(dir: &std::path::Path, env: &[(&str, &str)]) -> serde_json::Value {
    let mut cmd = tlcheck(dir);
    cmd.args(["url", "--offline", "--format", "json"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (_, stdout, _) = outcome(&mut cmd);
    serde_json::from_str(&stdout).unwrap()
}

/// Base URLs disagree between sources, or one is set but empty: reported like key conflicts.
#[test]
fn base_url_conflicts_and_empty_variables_are_reported() {
    let dir = tempdir();
    let doc = url_json(
        dir.path(),
        &[
            ("TENSORLOOP_BASE_URL", "https://litellm.tensorloop.tech/v1"),
            ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        ],
    );
    let f = crate::finding(&doc, "url.conflict");
    assert_eq!(f["severity"], "warn");
    let detail = f["detail"].as_str().unwrap();
    assert!(
        detail.contains("environment variable TENSORLOOP_BASE_URL")
            && detail.contains("environment variable OPENAI_BASE_URL (https://api.openai.com/v1)"),
        "{detail}"
    );

    let doc = url_json(dir.path(), &[("TENSORLOOP_BASE_URL", "")]);
    let f = crate::finding(&doc, "url.conflict");
    assert_eq!(
        f["detail"],
        "using default (https://litellm.tensorloop.tech/v1); it shadows environment variable \
         TENSORLOOP_BASE_URL (set but empty)"
    );

    // The same URL in two places is no conflict.
    let same = "https://litellm.tensorloop.tech/v1";
    let doc = url_json(
        dir.path(),
        &[("TENSORLOOP_BASE_URL", same), ("OPENAI_BASE_URL", same)],
    );
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["code"] != "url.conflict"),
        "{doc:#}"
    );
}

/// A model named in two places, differently: `model.conflict` on the first check that asks for
/// the model.
#[test]
fn model_conflicts_are_reported() {
    let server = crate::support::Server::start(crate::support::healthy);
    let dir = tempdir();
    let (_, stdout, _) = outcome(
        tlcheck(dir.path())
            .args(["models", "--format", "json", "--model", "gpt-4o-mini"])
            .env("TENSORLOOP_KEY", KEY_A)
            .env("TENSORLOOP_BASE_URL", server.base_url())
            .env("TENSORLOOP_MODEL", "gpt-4o"),
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let f = crate::finding(&doc, "model.conflict");
    assert_eq!(f["check"], "models");
    assert_eq!(
        f["detail"],
        "using flag --model (gpt-4o-mini); it shadows environment variable TENSORLOOP_MODEL (gpt-4o)"
    );
}
