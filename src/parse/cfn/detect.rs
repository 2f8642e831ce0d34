//! Which YAML / JSON files are CloudFormation templates. Everything else (Kubernetes
//! manifests, GitHub workflows, docker-compose files, package.json, ...) is skipped silently.

use super::raw::{Raw, RawKind};
use std::path::Path;
use std::sync::Arc;

/// The SAM transform.
pub const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// Extensions a template may have (`.template` is the old CloudFormation convention and may
/// hold YAML or JSON).
const EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];

/// True when `path` / `text` is a CloudFormation (or SAM, or CDK-synthesized) template:
/// it has `AWSTemplateFormatVersion`, the SAM `Transform`, or a `Resources` map whose
/// entries have a `Type` like `AWS::...`, `Custom::...` or `Alexa::...`.
///
/// A file that cannot be parsed counts as a template only when it names
/// `AWSTemplateFormatVersion` as a key, so its syntax error gets reported.
pub fn is_template(path: &Path, text: &str) -> bool {
    if !may_be_template(path, text) {
        return false;
    }
    let file: Arc<str> = Arc::from(crate::discover::display(path).as_str());
    match super::load(text, &file) {
        Ok((root, _)) => is_template_tree(&root),
        Err(_) => names_format_version(text),
    }
}

/// The checks before parsing: a template's extension, and the words every template has.
pub fn may_be_template(path: &Path, text: &str) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    EXTENSIONS.contains(&ext.as_str()) && precheck(text)
}

/// A cheap look at the text before parsing: the words every template has.
fn precheck(text: &str) -> bool {
    text.contains("AWSTemplateFormatVersion")
        || text.contains(SAM_TRANSFORM)
        || (text.contains("Resources")
            && (text.contains("AWS::") || text.contains("Custom::") || text.contains("Alexa::")))
}

/// `AWSTemplateFormatVersion` written as a key (`AWSTemplateFormatVersion:` in YAML,
/// `"AWSTemplateFormatVersion" :` in JSON).
pub fn names_format_version(text: &str) -> bool {
    text.match_indices("AWSTemplateFormatVersion")
        .any(|(i, w)| {
            let rest = text[i + w.len()..].trim_start_matches(['"', '\'']);
            rest.trim_start_matches([' ', '\t']).starts_with(':')
        })
}

/// The parsed-tree test.
pub fn is_template_tree(root: &Raw) -> bool {
    if !root.is_map() {
        return false;
    }
    if root.get("AWSTemplateFormatVersion").is_some() || has_sam_transform(root) {
        return true;
    }
    let Some(resources) = root.get("Resources") else {
        return false;
    };
    let RawKind::Map(entries) = &resources.kind else {
        return false;
    };
    // Every entry is a resource (a mapping with a `Type`; macros and Rain modules have types
    // of their own), and at least one has a CloudFormation type, unless a `Transform`
    // (a macro) is declared.
    let mut typed = 0;
    for e in entries {
        if e.key.starts_with("Fn::ForEach::") {
            continue;
        }
        match e.value.get("Type") {
            Some(t) if t.as_str().is_some_and(is_resource_type) => typed += 1,
            Some(_) => {}
            None => return false,
        }
    }
    typed > 0 || (!entries.is_empty() && root.get("Transform").is_some())
}

fn is_resource_type(t: &str) -> bool {
    ["AWS::", "Custom::", "Alexa::"]
        .iter()
        .any(|p| t.starts_with(p) && t.len() > p.len())
}

/// `Transform: AWS::Serverless-2016-10-31`, alone or in a list.
pub fn has_sam_transform(root: &Raw) -> bool {
    match root.get("Transform").map(|t| &t.kind) {
        Some(RawKind::Str(s)) => s == SAM_TRANSFORM,
        Some(RawKind::Seq(items)) => items.iter().any(|i| i.as_str() == Some(SAM_TRANSFORM)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(name: &str, text: &str) {
        assert!(
            is_template(Path::new(name), text),
            "{name} should be a template"
        );
    }
    fn no(name: &str, text: &str) {
        assert!(
            !is_template(Path::new(name), text),
            "{name} should not be a template"
        );
    }

    #[test]
    fn templates() {
        yes(
            "a.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n",
        );
        yes(
            "a.yml",
            "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n  C:\n    Type: Custom::Thing\n",
        );
        yes(
            "sam.yaml",
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n",
        );
        yes(
            "t.yaml",
            "Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]\nResources: {}\n",
        );
        yes(
            "cdk.out/App.template.json",
            r#"{"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {}}}}"#,
        );
        yes(
            "old.template",
            r#"{"AWSTemplateFormatVersion": "2010-09-09"}"#,
        );
        yes(
            "skill.json",
            r#"{"Resources": {"S": {"Type": "Alexa::ASK::Skill"}}}"#,
        );
        // A broken template is still a template: its syntax error is reported.
        yes(
            "bad.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n",
        );
        yes(
            "bad.json",
            "{\"AWSTemplateFormatVersion\" : \"2010-09-09\",,}",
        );
    }

    #[test]
    fn not_templates() {
        no(
            "deploy.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            limits: {cpu: 1}\n",
        );
        no(
            ".github/workflows/ci.yml",
            "name: ci\non: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with: {role-to-assume: 'arn:aws:iam::1:role/x'}\n",
        );
        no(
            "docker-compose.yml",
            "services:\n  web:\n    image: nginx\n    environment:\n      AWS::REGION: x\n    deploy:\n      resources:\n        limits: {cpus: '0.5'}\n",
        );
        no(
            "package.json",
            r#"{"name": "x", "scripts": {"build": "tsc"}, "dependencies": {"aws-cdk-lib": "2"}}"#,
        );
        no(
            "cdk.json",
            r#"{"app": "npx ts-node bin/app.ts", "context": {}}"#,
        );
        no(
            "main.tf",
            "resource \"aws_iam_role\" \"r\" {}\n# AWSTemplateFormatVersion\n",
        );
        no("x.yaml", "Resources:\n  - AWS::S3::Bucket\n");
        no(
            "x.yaml",
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n  B: 3\n",
        );
        no("broken.yaml", "Resources: [AWS::S3::Bucket\n");
        no(
            "notes.yaml",
            "text: mentions AWSTemplateFormatVersion in prose\n",
        );
    }
}
