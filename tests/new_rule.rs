//! `scripts/new-rule` on every `cargo test`: run into a temporary root seeded with the files it
//! edits, it writes a stub rule that rustfmt accepts as is, the registry lines, a policy file
//! the build's checks accept, and fixtures that parse without errors; it refuses to overwrite
//! and rejects malformed arguments. That the generated rule compiles and its fixtures fail and
//! pass needs a build of a whole copy of the crate: `scripts/check-new-rule` does it in CI
//! (`.ci/run`), since cargo cannot build another copy while `cargo test` holds the target
//! directory.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A root with what the script reads and edits: the rule registry, one family's module and
/// the policy files.
fn seeded_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("src/rules/trust")).unwrap();
    std::fs::create_dir_all(root.join("policies")).unwrap();
    for f in ["src/rules/mod.rs", "src/rules/trust/mod.rs"] {
        std::fs::copy(repo().join(f), root.join(f)).unwrap();
    }
    for e in std::fs::read_dir(repo().join("policies")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, root.join("policies").join(p.file_name().unwrap())).unwrap();
    }
    dir
}

/// Whether Python 3 (which runs the script) is here. `cargo test` otherwise needs only the
/// Rust toolchain, so without it these tests say so and stop, except where `CI` is set
/// (GitHub Actions): there a missing Python is a failure. `.ci/run` needs Python anyway
/// (`scripts/update-iam-data --check`, `scripts/check-new-rule`).
fn have_python() -> bool {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is needed to test scripts/new-rule"
        );
        eprintln!("python3 not found: scripts/new-rule is not tested");
    }
    ok
}

fn new_rule(root: &Path, args: &[&str]) -> Output {
    Command::new("python3")
        .arg(repo().join("scripts/new-rule"))
        .arg("--root")
        .arg(root)
        .args(args)
        .output()
        .expect("python3 runs scripts/new-rule")
}

/// The file as rustfmt (of the toolchain running the tests) would write it.
fn rustfmt(text: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "rustfmt cannot parse the generated code: {}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn read(root: &Path, f: &str) -> String {
    std::fs::read_to_string(root.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
}

#[test]
fn writes_a_rule_in_an_existing_family() {
    if !have_python() {
        return;
    }
    let dir = seeded_root();
    let root = dir.path();
    let out = new_rule(root, &["TRUST901", "trust-new-rule-smoke", "trust"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let rule = read(root, "src/rules/trust/trust_new_rule_smoke.rs");
    assert_eq!(rustfmt(&rule), rule, "the stub is not rustfmt-formatted");
    assert!(rule.starts_with("//! TRUST901 trust-new-rule-smoke.\n"));
    assert!(
        rule.contains("pub struct Trust901;") && rule.contains("const ID: &str = \"TRUST901\";")
    );
    assert!(
        !rule.contains("\"aws_") && !rule.contains("\"AWS::"),
        "a rule reads only the model"
    );

    let family = read(root, "src/rules/trust/mod.rs");
    assert_eq!(rustfmt(&family), family);
    assert_eq!(
        family.replace("pub mod trust_new_rule_smoke;\n", ""),
        read(&repo(), "src/rules/trust/mod.rs"),
        "only the module line is added"
    );
    let registry = read(root, "src/rules/mod.rs");
    assert_eq!(rustfmt(&registry), registry);
    assert_eq!(
        registry.replace("        &trust::trust_new_rule_smoke::Trust901,\n", ""),
        read(&repo(), "src/rules/mod.rs"),
        "only the registry line is added"
    );

    let policy = read(root, "policies/TRUST901.yaml");
    rolegraph::rules::meta::check_policy("TRUST901", &policy)
        .unwrap_or_else(|e| panic!("policies/TRUST901.yaml: {e}"));

    let mut files = Vec::new();
    for case in ["fail", "pass"] {
        files.push(format!("testdata/TRUST901/terraform/{case}/main.tf"));
        for ext in ["yaml", "json"] {
            files.push(format!(
                "testdata/TRUST901/cloudformation/{case}/template.{ext}"
            ));
        }
    }
    for f in &files {
        let path = root.join(f);
        assert!(path.is_file(), "{f} not written");
        let report = rolegraph::scan(&rolegraph::ScanOptions {
            paths: vec![path],
            select: vec!["CRED001".into()],
            ..Default::default()
        });
        assert_eq!(report.files_scanned, 1, "{f}");
        assert!(
            report
                .diagnostics
                .iter()
                .all(|d| d.level != rolegraph::document::DiagLevel::Error),
            "{f}: {:?}",
            report.diagnostics
        );
        // The stub reports identity policies: the fail fixtures have one, the pass ones none.
        let text = read(root, f);
        let has_policy =
            text.contains("aws_iam_policy\"") || text.contains("AWS::IAM::ManagedPolicy");
        assert_eq!(has_policy, f.contains("/fail/"), "{f}");
    }

    // Nothing is overwritten.
    let again = new_rule(root, &["TRUST901", "trust-new-rule-smoke", "trust"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(read(root, "src/rules/mod.rs"), registry);
}

#[test]
fn writes_a_new_family() {
    if !have_python() {
        return;
    }
    let dir = seeded_root();
    let root = dir.path();
    let out = new_rule(root, &["ZZZ001", "zzz-smoke", "zzz"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let family = read(root, "src/rules/zzz/mod.rs");
    assert_eq!(rustfmt(&family), family);
    assert!(family.starts_with("//! ") && family.ends_with("\npub mod zzz_smoke;\n"));
    let registry = read(root, "src/rules/mod.rs");
    assert_eq!(rustfmt(&registry), registry);
    assert!(
        registry.contains("pub mod wl;\npub mod zzz;\n"),
        "{registry}"
    );
    assert!(registry.contains("        &zzz::zzz_smoke::Zzz001,\n    ];"));
    rolegraph::rules::meta::check_policy("ZZZ001", &read(root, "policies/ZZZ001.yaml")).unwrap();
}

#[test]
fn rejects_malformed_arguments_and_taken_names() {
    if !have_python() {
        return;
    }
    let dir = seeded_root();
    let root = dir.path();
    for (args, expected) in [
        (["trust901", "a-b", "trust"], "three digits"),
        (["TRUST901", "Not_Kebab", "trust"], "kebab-case"),
        (["TRUST901", "a-b", "Trust"], "module name"),
        (
            ["TRUST901", "trust-any-principal", "trust"],
            "already used by TRUST001.yaml",
        ),
        (["TRUST001", "a-b", "trust"], "already exists"),
    ] {
        let out = new_rule(root, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    // Nothing was written.
    assert_eq!(
        read(root, "src/rules/mod.rs"),
        read(&repo(), "src/rules/mod.rs")
    );
}
