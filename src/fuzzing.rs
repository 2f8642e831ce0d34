//! In-memory entry points for the fuzz targets (`fuzz/`, see docs/fuzzing.md): one input
//! text through a whole pipeline (parse, evaluate, graph, model, every rule) and every
//! output format, with no file system involved. Each returns the JSON report, so a target
//! (or a regression test) can look at what came out.

use crate::document::Document;
use crate::report::{OutputFormat, RenderOptions};
use crate::rules::meta;
use crate::{check, check_file, finish, parse, rules};
use std::sync::Arc;

/// The name a plan given as text is read under.
const PLAN: &str = "plan.json";

/// A Terraform file (`main.tf`) given as text.
pub fn terraform(text: &str) -> String {
    report(
        "main.tf",
        text,
        parse::hcl::module::scan_text("main.tf", text),
    )
}

/// A Terraform JSON file (`main.tf.json`) given as text.
pub fn terraform_json(text: &str) -> String {
    report(
        "main.tf.json",
        text,
        parse::hcl::module::scan_text("main.tf.json", text),
    )
}

/// A CloudFormation template read as YAML (even when it starts with `{`).
pub fn cloudformation_yaml(text: &str) -> String {
    let file: Arc<str> = Arc::from("template.yaml");
    let loaded = parse::cfn::yaml::load(text, &file).map(|l| (l.root, l.warnings));
    report("template.yaml", text, parse::cfn::document(loaded))
}

/// A CloudFormation template read as JSON.
pub fn cloudformation_json(text: &str) -> String {
    let file: Arc<str> = Arc::from("template.json");
    let loaded = parse::cfn::jsonsrc::load(text, &file);
    report("template.json", text, parse::cfn::document(loaded))
}

/// A Terraform plan (the JSON of `terraform show -json PLANFILE`) given as text, with no
/// configuration beside it (findings point into the plan).
pub fn terraform_plan(text: &str) -> String {
    let locations = parse::plan::Locations {
        tf_dir: Some(std::path::PathBuf::from(
            "/nonexistent/rolegraph-in-memory-plan",
        )),
    };
    let path = std::path::Path::new(PLAN);
    let doc = parse::plan::load(path, text, &locations, true).unwrap_or_default();
    report(PLAN, text, doc)
}

/// Check the document (with one account ID of the organisation) and, unless it is a
/// plan, run the file rules over `text` as a scan does; render it in every format (text
/// with snippets of `text`), and return the JSON.
fn report(name: &str, text: &str, doc: Document) -> String {
    let rules = rules::all();
    let file: Arc<str> = Arc::from(name);
    let declared: Vec<(u32, String)> = doc
        .resources
        .iter()
        .filter(|r| r.span.file == file)
        .map(|r| (r.span.line, r.address.clone()))
        .collect();
    // A plan holds what Terraform will write, not what someone wrote: file rules skip it.
    let is_plan = name == PLAN;
    let (mut findings, diagnostics) = check(doc, &rules, &["123456789012".to_string()]);
    if !is_plan {
        findings.extend(check_file(&rules, &file, text, &declared));
    }
    let report = finish(findings, diagnostics, 1, &rules, &[]);
    let metas: Vec<&meta::RuleMeta> = report
        .rules_run
        .iter()
        .filter_map(|id| meta::get(id))
        .collect();
    let sources = |f: &str| (f == name).then(|| text.to_string());
    let opts = RenderOptions {
        color: true,
        tool_version: env!("CARGO_PKG_VERSION"),
        ruleset_version: meta::RULESET_VERSION,
        rules: &metas,
        sources: &sources,
        link_base: Some("https://example.com/o/r/blob/0"),
        sarif: Default::default(),
        show_notes: false,
    };
    for format in [
        OutputFormat::Text,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Junit,
        OutputFormat::Markdown,
    ] {
        crate::report::render(&report, format, &opts);
    }
    crate::report::render(&report, OutputFormat::Json, &opts)
}

#[cfg(test)]
mod tests {
    /// The rule IDs of a JSON report.
    fn ids(json: &str) -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn file_rules_run_over_written_text_not_plans() {
        let tf = "provider \"aws\" {\n  access_key = \"AKIAQWERTYUIOPASDFGH\"\n}\n";
        assert_eq!(ids(&super::terraform(tf)), ["CRED001"]);
        let plan = r#"{"format_version": "1.2", "planned_values": {"root_module": {}}, "variables": {"k": {"value": "AKIAQWERTYUIOPASDFGH"}}}"#;
        assert!(ids(&super::terraform_plan(plan)).is_empty());
    }
}
