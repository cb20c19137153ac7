//! `schema/report.schema.json` against real output: doctor over every single-cause LiteLLM
//! recording and a healthy gateway (with `-v --curl`, so the optional trace and curl fields are
//! checked too), `classify` of each recording, the offline commands and `explain`. The schema
//! itself is derived from the renderer's types and kept current by a unit test (`render::schema`).

use crate::support::{Reply, Seen, Server, healthy, recorded, recorded_stream};
use crate::{outcome, tempdir, tlcheck};
use serde_json::{Value, json};
use std::path::Path;

const KEY: &str = "sk-vk-schema-0123456789";

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn load() -> Validator {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/report.schema.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let url = "https://tlcheck.invalid/report.schema.json";
        compiler.add_resource(url, schema).unwrap();
        let index = compiler.compile(url, &mut schemas).unwrap();
        Validator { schemas, index }
    }

    fn check(&self, doc: &Value) -> Result<(), String> {
        self.schemas
            .validate(doc, self.index)
            .map_err(|e| format!("{e:#}"))
    }

    /// Run tlcheck with `args` in JSON and check its document; return it.
    fn run(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&[u8]>) -> Value {
        let dir = tempdir();
        let mut cmd = tlcheck(dir.path());
        cmd.args(args)
            .args(["--format", "json"])
            .envs(env.iter().copied());
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let (code, stdout, stderr) = outcome(&mut cmd);
        let doc: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {stdout}\n{stderr}"));
        assert_eq!(doc["exit_code"], code, "{args:?}");
        assert!(
            doc["$schema"]
                .as_str()
                .is_some_and(|s| s.ends_with("/schema/report.schema.json")),
            "{args:?}: $schema names the schema"
        );
        if let Err(e) = self.check(&doc) {
            panic!("{args:?}: the document does not match the schema:\n{e}\n{doc:#}");
        }
        doc
    }

    /// doctor with the full trace and curl commands against `server`.
    fn doctor(&self, server: &Server) -> Value {
        let base_url = server.base_url();
        let env = [
            ("TENSORLOOP_KEY", KEY),
            ("TENSORLOOP_BASE_URL", base_url.as_str()),
        ];
        self.run(&["doctor", "-vv", "--curl", "--timeout", "5"], &env, None)
    }
}

fn recordings() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/litellm-1.106.2");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 18, "{names:?}");
    names
}

/// The recording as a gateway sends it: streams event by event, the rest as recorded.
fn replayed(name: &str) -> Vec<u8> {
    if name.starts_with("stream_") {
        recorded_stream(name)
    } else {
        recorded(name)
    }
}

#[test]
fn doctor_over_every_recording_matches_the_schema() {
    let v = Validator::load();
    let doc = v.doctor(&Server::start(healthy));
    assert_eq!(doc["exit_code"], 0, "{doc:#}");
    assert!(doc["checks"][4]["trace"].is_array(), "-v adds the trace");
    assert!(doc["requests"][0]["curl"].is_string(), "--curl adds curl");
    for name in recordings() {
        let bytes = replayed(&name);
        // Every endpoint but the liveliness probe answers with the recording, so each check that
        // reads it meets this one cause.
        let server = Server::start(move |req: &Seen| match req.path.as_str() {
            "/health/liveliness" => Reply::Bytes(recorded("nodb_20_health_liveliness.txt")),
            _ => Reply::Bytes(bytes.clone()),
        });
        let doc = v.doctor(&server);
        assert!(!doc["requests"].as_array().unwrap().is_empty(), "{name}");
    }
}

#[test]
fn classify_of_every_recording_matches_the_schema() {
    let v = Validator::load();
    for name in recordings() {
        let doc = v.run(&["classify"], &[], Some(&recorded(&name)));
        assert_eq!(doc["command"], "classify", "{name}");
    }
}

#[test]
fn offline_commands_and_the_catalog_match_the_schema() {
    let v = Validator::load();
    let key = [("TENSORLOOP_KEY", " sk-bad key")];
    v.run(&["header", "Authorization: bearer sk-x"], &[], None);
    v.run(&["url", "--offline", "http://example.com"], &[], None);
    v.run(
        &[
            "doctor",
            "--no-spend",
            "--base-url",
            "http://127.0.0.1:9/v1",
        ],
        &key,
        None,
    );
    let all = v.run(&["explain"], &[], None);
    assert!(all["codes"].as_array().unwrap().len() > 40);
    v.run(&["explain", "rate"], &[], None);
    v.run(&["explain", "key.missing"], &[], None);
}

/// The schema is strict where the renderer is: a document with a field it does not declare, a
/// field missing, a wrong type or an unknown code fails, so the tests above prove something.
#[test]
fn the_schema_rejects_what_tlcheck_never_prints() {
    let v = Validator::load();
    let good = v.run(&["explain", "key.missing"], &[], None);
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        change(&mut doc);
        v.check(&doc)
    };
    assert!(broken(&|_| {}).is_ok());
    assert!(
        broken(&|d| d["surprise"] = json!(1)).is_err(),
        "extra field"
    );
    assert!(
        broken(&|d| d["codes"][0]["hint"] = json!("x")).is_err(),
        "nested extra"
    );
    assert!(
        broken(&|d| {
            d.as_object_mut().unwrap().remove("exit_code");
        })
        .is_err(),
        "missing field"
    );
    assert!(
        broken(&|d| d["exit_code"] = json!("0")).is_err(),
        "wrong type"
    );
    assert!(
        broken(&|d| d["codes"][0]["code"] = json!("key.nope")).is_err(),
        "unknown code"
    );
    assert!(
        broken(&|d| d["codes"][0]["severity"] = json!("fatal")).is_err(),
        "bad enum"
    );
}
