//! Every rule's fixtures: `testdata/<ID>/<format>/<case>/` scanned with only that rule,
//! the exact text output pinned as a snapshot. Cases named `fail*` must produce findings,
//! cases named `pass*` none, cases named `suppressed*` findings that are all suppressed in
//! source (the text output does not print those, so their snapshot lists them after it).
//!
//! Each case's expected output lives beside it, as `testdata/<ID>/<format>/<case>.snap`
//! (the way clippy keeps a UI test's `.stderr` next to the test), so a rule's fixtures and
//! what they must produce are reviewed together.

mod common;

use rolegraph::report::OutputFormat;

#[test]
fn fixtures_match_snapshots() {
    let cases = common::fixture_cases();
    assert!(!cases.is_empty(), "no fixtures under testdata/");
    for (id, format, case, dir) in cases {
        let dir_s = dir.to_string_lossy().replace('\\', "/");
        let report = common::scan(&[&dir_s], &[&id]);
        let errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.level == rolegraph::document::DiagLevel::Error)
            .collect();
        assert!(errors.is_empty(), "{dir_s}: parse errors {errors:?}");
        if case.starts_with("fail") {
            assert!(
                !report.findings.is_empty(),
                "{dir_s}: expected findings for {id}"
            );
        }
        if case.starts_with("pass") {
            assert!(
                report.findings.is_empty(),
                "{dir_s}: expected no findings for {id}, got {:#?}",
                report.findings
            );
        }
        if case.starts_with("suppressed") {
            assert!(
                !report.findings.is_empty() && report.active().next().is_none(),
                "{dir_s}: expected only suppressed findings for {id}, got {:#?}",
                report.findings
            );
        }
        assert!(
            report.findings.iter().all(|f| f.rule_id == id),
            "{dir_s}: only {id} was selected"
        );
        let mut text = common::render(&report, OutputFormat::Text);
        for f in report.findings.iter() {
            if let Some(s) = &f.suppressed {
                text.push_str(&format!(
                    "\nsuppressed[{}]: {} at {}\n  by {} ({})\n",
                    f.rule_id,
                    f.message,
                    f.span,
                    s.span,
                    if s.reason.is_empty() {
                        "no reason given"
                    } else {
                        &s.reason
                    }
                ));
            }
        }
        let mut settings = insta::Settings::clone_current();
        // Relative to this file: `tests/../testdata/<ID>/<format>/<case>.snap`.
        settings.set_snapshot_path(format!("../testdata/{id}/{format}"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(case.as_str(), text));
    }
}

/// Every `.snap` under `testdata/<ID>/` is the expected output of a case that exists (a
/// renamed or deleted case leaves none behind), and no per-rule snapshot is left in the
/// old `tests/snapshots/` folder.
#[test]
fn no_orphaned_fixture_snapshots() {
    let cases = common::fixture_cases();
    let mut orphans = Vec::new();
    for (id, format, _, _) in &cases {
        let dir = std::path::Path::new("testdata").join(id).join(format);
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let Some(case) = name
                .strip_suffix(".snap")
                .or_else(|| name.strip_suffix(".snap.new"))
            else {
                continue;
            };
            if !cases
                .iter()
                .any(|(i, f, c, _)| i == id && f == format && c == case)
            {
                orphans.push(path.display().to_string());
            }
        }
    }
    for e in std::fs::read_dir("tests/snapshots").unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name.starts_with("fixtures__") {
            orphans.push(format!("tests/snapshots/{name}"));
        }
    }
    orphans.sort();
    orphans.dedup();
    assert!(orphans.is_empty(), "orphaned snapshots: {orphans:#?}");
}

#[test]
fn every_rule_has_failing_and_passing_fixtures_in_each_language() {
    let cases = common::fixture_cases();
    for rule in rolegraph::rules::all() {
        for format in ["terraform", "cloudformation"] {
            for kind in ["fail", "pass"] {
                assert!(
                    cases
                        .iter()
                        .any(|(id, f, c, _)| id == rule.id() && f == format && c.starts_with(kind)),
                    "{} has no {format}/{kind}* fixture",
                    rule.id()
                );
            }
        }
    }
}

#[test]
fn cloudformation_fixtures_come_in_yaml_and_json() {
    for (id, format, case, dir) in common::fixture_cases() {
        if format != "cloudformation" {
            continue;
        }
        for ext in ["yaml", "json"] {
            let found = std::fs::read_dir(&dir)
                .unwrap()
                .any(|e| e.unwrap().path().extension().is_some_and(|x| x == ext));
            assert!(found, "{id}/{format}/{case} has no .{ext} template");
        }
    }
}

#[test]
fn every_rule_has_a_policy_file_and_every_policy_a_rule() {
    let rules: Vec<&str> = rolegraph::rules::all().iter().map(|r| r.id()).collect();
    let policies: Vec<&str> = rolegraph::rules::meta::all()
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(rules, policies);
}

#[test]
fn fingerprints_survive_moving_a_resource() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("main.tf");
    let src = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/demo/main.tf"),
    )
    .unwrap();
    let scan = |text: &str| {
        std::fs::write(&file, text).unwrap();
        let r = rolegraph::scan(&rolegraph::ScanOptions {
            paths: vec![dir.path().to_path_buf()],
            ..Default::default()
        });
        r.findings
            .iter()
            .map(|f| (f.rule_id, f.fingerprint.clone(), f.span.line))
            .collect::<Vec<_>>()
    };
    let before = scan(&src);
    let after = scan(&format!("\n\n\n# moved down\n{src}"));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((b.0, &b.1), (a.0, &a.1), "same finding, same fingerprint");
        assert_eq!(b.2 + 4, a.2, "lines moved");
    }
}
