use crate::{outcome, tempdir, tlcheck, transcript};
use insta::assert_snapshot;

#[test]
fn whole_catalog() {
    let dir = tempdir();
    assert_snapshot!(transcript(tlcheck(dir.path()).arg("explain")));
}

#[test]
fn one_code() {
    let dir = tempdir();
    assert_snapshot!(transcript(
        tlcheck(dir.path()).args(["explain", "budget.exhausted"])
    ));
}

#[test]
fn one_family() {
    let dir = tempdir();
    assert_snapshot!(transcript(tlcheck(dir.path()).args(["explain", "rate"])));
}

#[test]
fn unknown_code_exits_2_with_the_nearest() {
    let dir = tempdir();
    assert_snapshot!(transcript(
        tlcheck(dir.path()).args(["explain", "auth.expired"])
    ));
}

#[test]
fn json_catalog_lists_every_code_with_its_exit_code() {
    let dir = tempdir();
    let (code, stdout, stderr) = outcome(tlcheck(dir.path()).args(["explain", "--format", "json"]));
    assert_eq!(code, 0);
    assert_eq!(stderr, "");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes = doc["codes"].as_array().unwrap();
    assert_eq!(codes.len(), 59);
    let budget = codes
        .iter()
        .find(|c| c["code"] == "budget.exhausted")
        .unwrap();
    assert_eq!(budget["exit_code"], 15);
    assert_eq!(budget["layer"], "budget");
    let cors = codes.iter().find(|c| c["code"] == "cors.browser").unwrap();
    assert_eq!(cors["exit_code"], serde_json::Value::Null);
}
