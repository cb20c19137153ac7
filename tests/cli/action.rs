//! The GitHub Action's step (`action/run.sh`, which `action.yml` runs) against local gateways,
//! with the runner's files (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV`) as temp files:
//! its outputs, annotations, summary and JSON report, how inputs become flags, and that the key
//! reaches none of them.

use crate::support::{Reply, Seen, Server, healthy, is_stream, recorded};
use crate::tempdir;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const KEY: &str = "sk-action-secret-0123456789";

/// One run of the step: its exit code, output streams and the runner's files.
struct Step {
    code: i32,
    stdout: String,
    stderr: String,
    outputs: HashMap<String, String>,
    summary: String,
    env_file: String,
    report: Option<serde_json::Value>,
    report_text: String,
}

fn run_step(inputs: &[(&str, &str)]) -> Step {
    let dir = tempdir();
    let file = |name: &str| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, "").unwrap();
        path
    };
    let (output_file, summary_file, env_file) = (
        file("github_output"),
        file("step_summary"),
        file("github_env"),
    );
    let runner_temp = dir.path().join("runner_temp");
    std::fs::create_dir(&runner_temp).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("action/run.sh");
    let out = Command::new("bash")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CI", "true")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("GITHUB_ENV", &env_file)
        .env("RUNNER_TEMP", &runner_temp)
        .env("TLCHECK_BIN", assert_cmd::cargo::cargo_bin("tlcheck"))
        .envs(inputs.iter().copied())
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    let outputs: HashMap<String, String> = std::fs::read_to_string(&output_file)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let report_text = outputs
        .get("report")
        .filter(|p| !p.is_empty())
        .map(|p| std::fs::read_to_string(p).expect("the report exists"))
        .unwrap_or_default();
    let step = Step {
        code: out.status.code().expect("exited"),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        summary: std::fs::read_to_string(&summary_file).unwrap(),
        env_file: std::fs::read_to_string(&env_file).unwrap(),
        report: (!report_text.is_empty()).then(|| serde_json::from_str(&report_text).unwrap()),
        report_text,
        outputs,
    };
    step.assert_key_hidden();
    step
}

impl Step {
    /// The key appears in no file and no stream, except in the one `::add-mask::` command the
    /// runner consumes (and never shows) to hide it from the log.
    fn assert_key_hidden(&self) {
        let stdout_without_mask: String = self
            .stdout
            .lines()
            .filter(|l| *l != format!("::add-mask::{KEY}"))
            .collect();
        let outputs = format!("{:?}", self.outputs);
        for (what, text) in [
            ("stdout", stdout_without_mask.as_str()),
            ("stderr", &self.stderr),
            ("GITHUB_OUTPUT", &outputs),
            ("GITHUB_STEP_SUMMARY", &self.summary),
            ("GITHUB_ENV", &self.env_file),
            ("report", &self.report_text),
        ] {
            assert!(!text.contains(KEY), "the key is in {what}:\n{text}");
        }
    }

    fn output(&self, name: &str) -> &str {
        self.outputs
            .get(name)
            .unwrap_or_else(|| panic!("no output {name}: {:?}", self.outputs))
    }

    fn report(&self) -> &serde_json::Value {
        self.report.as_ref().expect("a JSON report")
    }
}

#[test]
fn a_healthy_gateway_passes_with_outputs_summary_and_report() {
    let server = Server::start(healthy);
    let base_url = server.base_url();
    let step = run_step(&[("INPUT_KEY", KEY), ("INPUT_BASE_URL", &base_url)]);
    assert_eq!(step.code, 0, "{}{}", step.stdout, step.stderr);
    assert!(
        step.stdout.starts_with(&format!("::add-mask::{KEY}\n")),
        "the key is masked before anything runs: {}",
        step.stdout
    );
    assert_eq!(step.output("exit-code"), "0");
    let report = step.report();
    assert_eq!(report["command"], "doctor");
    assert_eq!(report["exit_code"], 0);
    assert_eq!(report["target"]["key"]["source"]["name"], "TENSORLOOP_KEY");
    assert!(
        step.summary.starts_with("# tlcheck report: ✓ exit 0"),
        "{}",
        step.summary
    );
    assert!(
        step.stdout
            .ends_with("tlcheck doctor: no problems found · exit 0\n"),
        "{}",
        step.stdout
    );
    // The billed probes ran, and the key went out in the documented form.
    let seen = server.requests();
    assert!(seen.iter().any(is_stream));
    assert!(
        seen.iter()
            .filter(|r| r.path == "/v1/models")
            .all(|r| r.header("authorization") == Some(&*format!("Bearer {KEY}")))
    );
    assert!(
        step.env_file.is_empty(),
        "nothing for later steps' environment"
    );
}

#[test]
fn a_refusal_fails_the_step_with_an_annotation() {
    let server = Server::start(|req: &Seen| match req.path.as_str() {
        "/v1/chat/completions" => Reply::Bytes(recorded("vk_14_overbudget.txt")),
        _ => healthy(req),
    });
    let base_url = server.base_url();
    let step = run_step(&[("INPUT_KEY", KEY), ("INPUT_BASE_URL", &base_url)]);
    assert_eq!(step.code, 15, "{}{}", step.stdout, step.stderr);
    assert_eq!(step.output("exit-code"), "15");
    assert!(
        step.stdout
            .contains("::error title=tlcheck budget.exhausted (chat%2C stream)::"),
        "{}",
        step.stdout
    );
    assert_eq!(step.report()["summary"]["failing_layer"], "budget");
    assert!(
        step.summary.contains("`budget.exhausted`"),
        "{}",
        step.summary
    );
}

#[test]
fn inputs_become_flags() {
    let server = Server::start(healthy);
    let base_url = server.base_url();
    let step = run_step(&[
        ("INPUT_KEY", KEY),
        ("INPUT_BASE_URL", &base_url),
        ("INPUT_MODEL", "gpt4o-mini"),
        ("INPUT_NO_SPEND", "true"),
        ("INPUT_STRICT", "true"),
        ("INPUT_ARGS", "--timeout 5  -v"),
    ]);
    // A near-miss model fails; no-spend kept the billed probes from running.
    assert_eq!(step.code, 13, "{}{}", step.stdout, step.stderr);
    let report = step.report();
    assert_eq!(report["target"]["model"]["value"], "gpt4o-mini");
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path != "/v1/chat/completions")
    );
    assert!(report["checks"][3]["trace"].is_array(), "-v reached doctor");
    assert!(step.stderr.contains("> GET /v1/models"), "{}", step.stderr);

    // --strict: a warning alone fails the step (exit 3). A key passed on the command line is a
    // warning (`key.on_argv`) — here a throwaway one, through `args`.
    let step = run_step(&[
        ("INPUT_BASE_URL", &base_url),
        ("INPUT_NO_SPEND", "true"),
        ("INPUT_STRICT", "true"),
        ("INPUT_ARGS", "--key sk-throwaway-on-argv-0000"),
    ]);
    assert_eq!(step.code, 3, "{}{}", step.stdout, step.stderr);
    assert!(step.stdout.contains("::warning title=tlcheck key.on_argv"));
}

#[test]
fn a_bad_input_stops_the_step_before_doctor() {
    let step = run_step(&[("INPUT_KEY", KEY), ("INPUT_NO_SPEND", "maybe")]);
    assert_eq!(step.code, 2);
    assert!(
        step.stdout
            .contains("::error title=tlcheck action::input no-spend must be true or false"),
        "{}",
        step.stdout
    );
    assert!(step.outputs.is_empty(), "{:?}", step.outputs);
}

/// Every input `action.yml` declares reaches the script under the name the script reads.
#[test]
fn action_yml_passes_every_input_to_the_script() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let action = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let script = std::fs::read_to_string(root.join("action/run.sh")).unwrap();
    for input in ["key", "base-url", "model", "no-spend", "strict", "args"] {
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(
            action.contains(&format!("\n  {input}:\n")),
            "{input} declared"
        );
        assert!(
            action.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "{input} passed as {var}"
        );
        assert!(script.contains(&var), "run.sh reads {var}");
    }
    assert!(action.contains("run: bash \"$GITHUB_ACTION_PATH/action/run.sh\""));
}
