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

/// The ids the embedded links of a SARIF message point at (`[text](id)`), escaped
/// brackets (`\[`) being text.
fn link_targets(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let (mut out, mut depth, mut i) = (Vec::new(), 0, 0);
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => depth += 1,
            ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 && chars.get(i + 1) == Some(&'(') {
                    let rest: String = chars[i + 2..].iter().collect();
                    out.extend(rest.find(')').map(|end| rest[..end].to_string()));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `rolegraph scan <args> --format sarif` through the binary, from the crate root.
fn sarif_of_binary(args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("rolegraph")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("scan")
        .args(args)
        .args([
            "--format",
            "sarif",
            "--fail-on",
            "none",
            "--allow-parse-errors",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// GitHub shows a related location only when the message links it: in the SARIF of every
/// fixture, each related location is linked from `message.text` and `message.markdown`,
/// and each link's id is a related location's.
#[test]
fn every_message_link_resolves_to_a_related_location() {
    let mut dirs: Vec<String> = common::fixture_cases()
        .into_iter()
        .map(|(_, _, _, d)| d.to_string_lossy().replace('\\', "/"))
        .collect();
    dirs.push("testdata/demo".into());
    let mut links = 0;
    for d in dirs {
        let log: Value = serde_json::from_str(&sarif_of(&d)).unwrap();
        for r in log["runs"][0]["results"].as_array().unwrap() {
            let ids: Vec<String> = r["relatedLocations"]
                .as_array()
                .map(|a| a.iter().map(|l| l["id"].to_string()).collect())
                .unwrap_or_default();
            for key in ["text", "markdown"] {
                if let Some(text) = r["message"][key].as_str() {
                    assert_eq!(link_targets(text), ids, "{d}: {key}: {text}");
                    links += ids.len();
                }
            }
            if !ids.is_empty() {
                let flow = &r["codeFlows"][0]["threadFlows"][0]["locations"];
                assert_eq!(flow.as_array().unwrap().len(), ids.len() + 1, "{d}");
            }
        }
    }
    assert!(links > 100, "{links} links");
}

/// A scan of an absolute path gives the same relative URIs as a scan of the relative
/// path (against the repository root, the crate root here); `--sarif-srcroot` writes the
/// base URI, `--sarif-category` the category; the log stays valid.
#[test]
fn absolute_paths_srcroot_and_category() {
    let root = env!("CARGO_MANIFEST_DIR");
    let abs = format!("{root}/testdata/demo");
    let uris = |out: &str| -> Vec<String> {
        let log: Value = serde_json::from_str(out).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let a = &r["locations"][0]["physicalLocation"]["artifactLocation"];
                format!("{} {}", a["uriBaseId"], a["uri"].as_str().unwrap())
            })
            .collect()
    };
    let relative = uris(&sarif_of_binary(&["testdata/demo"]));
    assert!(
        relative[0].ends_with(" testdata/demo/main.tf"),
        "{relative:?}"
    );
    assert!(relative[0].starts_with("\"%SRCROOT%\""), "{relative:?}");
    assert_eq!(uris(&sarif_of_binary(&[&abs])), relative);
    assert_eq!(uris(&sarif_of_binary(&["./testdata/demo/."])), relative);

    let plain = sarif_of_binary(&["testdata/demo"]);
    assert!(!plain.contains("originalUriBaseIds") && !plain.contains(root));
    let out = sarif_of_binary(&[
        "testdata/demo",
        "--sarif-srcroot",
        "testdata",
        "--sarif-category",
        "infra",
    ]);
    assert!(schema_errors(&out).is_empty());
    let log: Value = serde_json::from_str(&out).unwrap();
    let run = &log["runs"][0];
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        format!("file://{root}/testdata/")
    );
    assert_eq!(run["automationDetails"]["id"], "infra/");
    assert_eq!(
        run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "demo/main.tf"
    );
    let out = assert_cmd::Command::cargo_bin("rolegraph")
        .unwrap()
        .current_dir(root)
        .args(["scan", "testdata/demo", "--sarif-srcroot", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --sarif-srcroot no/such/dir: no such directory\n"
    );
}
