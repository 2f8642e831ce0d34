//! `rolegraph simulate`, end to end through the built binary: allowed, denied (explicit
//! Deny, boundary, no grant with the closest statement, trust policy), depends on a key,
//! and `--assume` for OIDC, Roles Anywhere, accounts and services; Terraform and
//! CloudFormation.

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

const TF: &str = "testdata/cli/simulate/terraform";
const CFN: &str = "testdata/cli/simulate/cloudformation";

/// Run a simulation, check its exit code, and return its text output.
fn sim(args: &[&str], code: i32) -> String {
    let (c, out, err) = run(&[&["simulate"], args].concat());
    assert_eq!(c, code, "{out}{err}");
    out
}

#[test]
fn allowed_names_the_statement_and_the_boundary() {
    let out = sim(
        &[
            "aws_lambda_function.api",
            "s3:GetObject",
            "arn:aws:s3:::app-data/reports/1.csv",
            TF,
        ],
        0,
    );
    insta::assert_snapshot!("simulate_allowed", out);
}

#[test]
fn explicit_deny_wins() {
    let out = sim(
        &[
            "aws_lambda_function.api",
            "s3:PutObject",
            "arn:aws:s3:::app-data/locked/x",
            TF,
        ],
        1,
    );
    assert!(out.contains("[deny] explicitly denied by aws_iam_role_policy.api (testdata/cli/simulate/terraform/main.tf:28)"), "{out}");
    insta::assert_snapshot!("simulate_explicit_deny", out);
}

#[test]
fn outside_the_boundary() {
    let out = sim(&["aws_lambda_function.api", "kms:Decrypt", TF], 1);
    assert!(
        out.contains("[boundary] outside the permissions boundary aws_iam_policy.boundary"),
        "{out}"
    );
    insta::assert_snapshot!("simulate_boundary", out);
}

#[test]
fn no_grant_lists_the_closest_statement() {
    let out = sim(
        &[
            "aws_lambda_function.api",
            "s3:GetObject",
            "arn:aws:s3:::other/x",
            TF,
        ],
        1,
    );
    assert!(
        out.contains("names another resource: arn:aws:s3:::app-data/*"),
        "{out}"
    );
    insta::assert_snapshot!("simulate_no_grant", out);
}

#[test]
fn a_condition_key_not_given_makes_it_depend() {
    let table = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
    let out = sim(
        &["aws_lambda_function.api", "dynamodb:GetItem", table, TF],
        1,
    );
    assert!(out.starts_with("aws_lambda_function.api: DEPENDS dynamodb:GetItem on arn:aws:dynamodb:eu-west-1:123456789012:table/orders (depends on aws:RequestedRegion)"), "{out}");
    sim(
        &[
            "aws_lambda_function.api",
            "dynamodb:GetItem",
            table,
            "--context",
            "aws:RequestedRegion=eu-west-1",
            TF,
        ],
        0,
    );
    let out = sim(
        &[
            "aws_lambda_function.api",
            "dynamodb:GetItem",
            table,
            "--context",
            "aws:RequestedRegion=us-east-1",
            TF,
        ],
        1,
    );
    assert!(out.contains("its condition does not hold"), "{out}");
    // A closed context: a key not given is absent, so StringEquals fails.
    sim(
        &[
            "aws_lambda_function.api",
            "dynamodb:GetItem",
            table,
            "--closed-context",
            TF,
        ],
        1,
    );
}

#[test]
fn a_resource_of_the_configuration_by_address() {
    sim(
        &[
            "aws_lambda_function.api",
            "sqs:SendMessage",
            "aws_sqs_queue.jobs",
            TF,
        ],
        0,
    );
}

#[test]
fn the_workloads_service_cannot_assume_the_role() {
    let out = sim(&["aws_lambda_function.worker", "logs:PutLogEvents", TF], 1);
    assert!(
        out.contains("[trust] lambda.amazonaws.com cannot assume aws_iam_role.worker"),
        "{out}"
    );
    assert!(out.contains("[unknown-policy]"), "{out}");
    insta::assert_snapshot!("simulate_trust", out);
}

#[test]
fn json_output() {
    let (code, out, err) = run(&[
        "simulate",
        "aws_lambda_function.api",
        "kms:Decrypt",
        TF,
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["verdict"], "denied");
    assert_eq!(v[0]["principals"][0]["reasons"][1]["kind"], "boundary");
    insta::assert_snapshot!("simulate_json", out);
}

#[test]
fn cloudformation_task_role() {
    let allowed = sim(
        &[
            "Task",
            "sqs:SendMessage",
            "Queue",
            CFN,
            "--context",
            "aws:SourceVpc=vpc-0abc",
            "--context",
            "aws:SourceIp=10.1.2.3",
        ],
        0,
    );
    insta::assert_snapshot!("simulate_cfn_allowed", allowed);
    let other = sim(
        &[
            "Task",
            "sqs:SendMessage",
            "Other",
            CFN,
            "--context",
            "aws:SourceVpc=vpc-0abc",
        ],
        1,
    );
    insta::assert_snapshot!("simulate_cfn_other_queue", other);
    let outside = sim(
        &[
            "Task",
            "sqs:SendMessage",
            "Queue",
            CFN,
            "--context",
            "aws:SourceVpc=vpc-0abc",
            "--context",
            "aws:SourceIp=192.0.2.1",
        ],
        1,
    );
    assert!(outside.contains("[deny]"), "{outside}");
}

#[test]
fn assume_from_github_actions() {
    let provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    let main = sim(
        &[
            "--assume",
            "aws_iam_role.deploy",
            "--principal",
            provider,
            "--context",
            "token.actions.githubusercontent.com:sub=repo:example-org/app:ref:refs/heads/main",
            "--context",
            "token.actions.githubusercontent.com:aud=sts.amazonaws.com",
            TF,
        ],
        0,
    );
    insta::assert_snapshot!("simulate_assume_oidc", main);
    let pr = sim(
        &[
            "--assume",
            "aws_iam_role.deploy",
            "--principal",
            provider,
            "--context",
            "token.actions.githubusercontent.com:sub=repo:example-org/app:pull_request",
            "--context",
            "token.actions.githubusercontent.com:aud=sts.amazonaws.com",
            TF,
        ],
        1,
    );
    assert!(pr.contains("its condition does not hold"), "{pr}");
    // Another provider is not trusted.
    sim(
        &[
            "--assume",
            "aws_iam_role.deploy",
            "--principal",
            "arn:aws:iam::123456789012:oidc-provider/gitlab.com",
            TF,
        ],
        1,
    );
}

#[test]
fn assume_from_roles_anywhere_needs_set_source_identity() {
    let out = sim(
        &[
            "--assume",
            "aws_iam_role.rolesanywhere",
            "--principal",
            "rolesanywhere.amazonaws.com",
            "--context",
            "aws:PrincipalTag/x509Subject/CN=build-host",
            TF,
        ],
        1,
    );
    assert!(out.contains("allows sts:SetSourceIdentity"), "{out}");
    insta::assert_snapshot!("simulate_assume_roles_anywhere", out);
}

#[test]
fn assume_from_accounts_and_services() {
    let out = sim(
        &[
            "--assume",
            "aws_iam_role.audit",
            "--principal",
            "arn:aws:iam::111122223333:role/auditor",
            TF,
        ],
        1,
    );
    assert!(
        out.contains("(depends on aws:MultiFactorAuthPresent)"),
        "{out}"
    );
    sim(
        &[
            "--assume",
            "aws_iam_role.audit",
            "--principal",
            "arn:aws:sts::111122223333:assumed-role/auditor/alice",
            "--context",
            "aws:MultiFactorAuthPresent=true",
            TF,
        ],
        0,
    );
    sim(
        &[
            "--assume",
            "aws_iam_role.audit",
            "--principal",
            "444455556666",
            "--context",
            "aws:MultiFactorAuthPresent=true",
            TF,
        ],
        1,
    );
    sim(
        &[
            "--assume",
            "aws_iam_role.api",
            "--principal",
            "lambda.amazonaws.com",
            TF,
        ],
        0,
    );
    sim(
        &[
            "--assume",
            "aws_iam_role.api",
            "--principal",
            "ec2.amazonaws.com",
            TF,
        ],
        1,
    );
}

#[test]
fn errors_exit_2() {
    let (code, _, err) = run(&["simulate", "aws_lambda_function.nope", "s3:GetObject", TF]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no resource aws_lambda_function.nope"),
        "{err}"
    );
    let (code, _, err) = run(&["simulate", "aws_sqs_queue.jobs", "s3:GetObject", TF]);
    assert_eq!(code, 2);
    assert!(err.contains("neither a workload"), "{err}");
    let (code, _, err) = run(&[
        "simulate",
        "aws_lambda_function.api",
        "s3:GetObject",
        "--context",
        "novalue",
        TF,
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--context expects KEY=VALUE"), "{err}");
    let (code, _, _) = run(&["simulate", "aws_lambda_function.api", TF]);
    assert_eq!(code, 2);
    let (code, _, err) = run(&[
        "simulate",
        "--assume",
        "aws_lambda_function.api",
        "--principal",
        "lambda.amazonaws.com",
        TF,
    ]);
    assert_eq!(code, 2, "{err}");
}
