//! Terraform functions through the evaluator: configuration loaded with `fileset`,
//! `yamldecode(file(...))` and `cidrsubnet` resolves to values, and a function rolegraph does
//! not evaluate is named in a note (once per file and function) with its line.

use rolegraph::document::DiagLevel;
use rolegraph::parse::hcl::module::{VarInputs, scan_root_module};

fn scan(files: &[(&str, &str)]) -> rolegraph::document::Document {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let inputs = VarInputs {
        var_files: vec![],
        vars: Default::default(),
    };
    scan_root_module(dir.path(), dir.path(), &inputs).0
}

#[test]
fn yaml_configuration_over_fileset_resolves() {
    let doc = scan(&[
        (
            "main.tf",
            r#"
locals {
  cfg = { for f in fileset(path.module, "cfg/*.yaml") : f => yamldecode(file(f)) }
}
resource "aws_subnet" "s" {
  for_each   = local.cfg
  cidr_block = cidrsubnet(each.value.cidr, 8, each.value.index)
}
"#,
        ),
        ("cfg/a.yaml", "cidr: 10.0.0.0/16\nindex: 3\n"),
        ("cfg/b.yaml", "cidr: 10.1.0.0/16\nindex: 255\n"),
    ]);
    let mut got: Vec<(String, String)> = doc
        .resources
        .iter()
        .map(|r| {
            let cidr = r
                .attr(&["cidr_block"])
                .and_then(|n| n.as_str().map(str::to_string));
            (r.address.clone(), cidr.unwrap_or_default())
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (
                r#"aws_subnet.s["cfg/a.yaml"]"#.to_string(),
                "10.0.3.0/24".to_string()
            ),
            (
                r#"aws_subnet.s["cfg/b.yaml"]"#.to_string(),
                "10.1.255.0/24".to_string()
            ),
        ]
    );
    let notes: Vec<_> = doc.diagnostics.iter().map(|d| &d.message).collect();
    assert!(notes.is_empty(), "{notes:?}");
}

#[test]
fn unevaluated_function_is_noted_once_per_file_with_its_line() {
    let doc = scan(&[(
        "main.tf",
        r#"
resource "aws_s3_object" "a" {
  etag = md5("x")
}
resource "aws_s3_object" "b" {
  etag = md5("y")
  key  = formatdate("YYYY", "2024-01-01T00:00:00Z")
  id   = uuid()
}
"#,
    )]);
    let notes: Vec<String> = doc
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagLevel::Note)
        .map(|d| format!("{}:{} {}", d.span.line, d.span.col, d.message))
        .collect();
    // md5 twice in the file: one note, at its first use; uuid() is known only when
    // Terraform runs, so it is not noted.
    assert_eq!(
        notes,
        [
            "3:10 unsupported function md5(): its result is treated as unknown",
            "7:10 unsupported function formatdate(): its result is treated as unknown",
        ]
    );
    let a = doc
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_object.a")
        .unwrap();
    assert!(a.attr(&["etag"]).unwrap().has_unknown());
}
