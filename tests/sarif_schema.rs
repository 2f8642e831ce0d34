//! The SARIF of every fixture (and of a scan with a parse error) is valid against the
//! official SARIF 2.1.0 JSON schema. CI also runs Microsoft's validator with GitHub's rules.

mod common;

use rolegraph::report::OutputFormat;
use serde_json::Value;

/// The OASIS SARIF 2.1.0 JSON schema (`sarif-schema-2.1.0.json`, in the draft-07 form
/// schemastore.org serves), as shipped in the serde-sarif 0.8.0 crate (`src/schema.json`).
const SARIF_SCHEMA: &str = include_str!("data/sarif-schema-2.1.0.json");

fn schema_errors(out: &str) -> Vec<String> {
    let mut schema: Value = serde_json::from_str(SARIF_SCHEMA).unwrap();
    // The schema's pattern for `language` (in `run` and `toolComponent`) has a stray `]`
    // that the meta-schema's `format: regex` check rejects once formats are validated.
    // Put the pattern it means in its place, rather than give up format validation.
    assert_eq!(fix_language_patterns(&mut schema), 2);
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let log: Value = serde_json::from_str(out).unwrap();
    validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn fix_language_patterns(v: &mut Value) -> usize {
    const BROKEN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const MEANT: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";
    match v {
        Value::Object(map) => {
            let mut n = 0;
            if map.get("pattern").and_then(Value::as_str) == Some(BROKEN) {
                map.insert("pattern".into(), MEANT.into());
                n += 1;
            }
            n + map.values_mut().map(fix_language_patterns).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(fix_language_patterns).sum(),
        _ => 0,
    }
}

fn sarif_of(path: &str) -> String {
    common::render(&common::scan(&[path], &[]), OutputFormat::Sarif)
}

#[test]
fn every_fixture_gives_schema_valid_sarif() {
    let mut dirs: Vec<String> = common::fixture_cases()
        .into_iter()
        .map(|(_, _, _, d)| d.to_string_lossy().replace('\\', "/"))
        .collect();
    dirs.extend(["testdata/demo".into(), "testdata/cli/parse-error".into()]);
    // Terraform plans: mapped to their configuration, and not (one-line JSON).
    dirs.extend([
        "testdata/plan/modules".into(),
        "testdata/plan/update".into(),
        "testdata/plan/one-line".into(),
        "testdata/plan/registry".into(),
        "testdata/pairs/web-stack/plan".into(),
    ]);
    for d in dirs {
        let errors = schema_errors(&sarif_of(&d));
        assert!(
            errors.is_empty(),
            "{d}: invalid SARIF:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_check_catches_mistakes() {
    let out = sarif_of("testdata/demo");
    for (from, to) in [
        ("\"level\": \"warning\"", "\"level\": \"fatal\""),
        ("\"startLine\": 46", "\"startLine\": 0"),
        (
            "\"uri\": \"testdata/demo/main.tf\"",
            "\"uri\": \"testdata/demo/main file.tf\"",
        ),
    ] {
        assert!(out.contains(from), "{from}");
        let broken = out.replacen(from, to, 1);
        assert!(!schema_errors(&broken).is_empty(), "{to} passed");
    }
}
