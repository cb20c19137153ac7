//! The JSON Schema of every JSON document tlcheck prints, derived from the JSON renderer's types:
//! the test that fails when `schema/report.schema.json` is stale, and the one that rewrites it.
//!
//! Refresh it with `cargo test --lib render::schema::regenerate -- --ignored`.

use super::json::{CatalogDoc, Document};
use serde_json::Value;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/report.schema.json");

/// Either document: a run's report, or the catalog (`explain`).
#[derive(schemars::JsonSchema)]
#[schemars(untagged)]
#[allow(dead_code)] // only its schema is used
enum AnyDocument<'a> {
    Report(Box<Document<'a>>),
    Catalog(CatalogDoc),
}

/// The schema as checked in: pretty JSON with a trailing newline.
fn generate() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        // Fields the renderer always writes are required, null or not.
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<AnyDocument>();
    let mut schema = schema.to_value();
    close_objects(&mut schema);
    let root = schema.as_object_mut().expect("a schema is an object");
    root.insert("title".into(), "tlcheck JSON document".into());
    root.insert(
        "description".into(),
        "What `tlcheck --format json` prints: a run's report, or the catalog for `explain`. \
         Changes are additive only; `schema_version` changes only if that promise is ever broken."
            .into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

/// Every object with declared properties admits no others: a field the renderer writes but the
/// schema does not declare is then an error in the validation tests, not a silent gap. (Maps with
/// free names — facts, evidence, timelines — declare none and stay open.)
fn close_objects(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), false.into());
            }
            map.values_mut().for_each(close_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

#[test]
fn the_checked_in_schema_is_current() {
    let on_disk = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        on_disk == generate(),
        "schema/report.schema.json is stale: run \
         `cargo test --lib render::schema::regenerate -- --ignored` and commit the result"
    );
}

#[test]
#[ignore = "rewrites schema/report.schema.json"]
fn regenerate() {
    std::fs::create_dir_all(std::path::Path::new(PATH).parent().unwrap()).unwrap();
    std::fs::write(PATH, generate()).unwrap();
}
