//! WL005 workload-missing-permission
//!
//! What it does: works out what each workload needs from its own configuration and checks
//! that its role allows it:
//!
//! - a Lambda function writes logs (`logs:CreateLogStream`, `logs:PutLogEvents`); in a VPC
//!   it manages network interfaces (`ec2:CreateNetworkInterface`,
//!   `ec2:DescribeNetworkInterfaces`, `ec2:DeleteNetworkInterface`); with a dead-letter
//!   target it sends to it (`sqs:SendMessage` or `sns:Publish`); with active tracing it
//!   writes traces (`xray:PutTraceSegments`, `xray:PutTelemetryRecords`); an event source
//!   mapping reads its queue or stream (SQS: `sqs:ReceiveMessage`, `sqs:DeleteMessage`,
//!   `sqs:GetQueueAttributes`; Kinesis: `kinesis:GetRecords`, `kinesis:GetShardIterator`,
//!   `kinesis:DescribeStream`, `kinesis:ListShards`; DynamoDB streams:
//!   `dynamodb:GetRecords`, `dynamodb:GetShardIterator`, `dynamodb:DescribeStream`,
//!   `dynamodb:ListStreams`);
//! - an ECS execution role ships `awslogs` logs (`logs:CreateLogStream`,
//!   `logs:PutLogEvents`), pulls private ECR images (`ecr:GetAuthorizationToken`,
//!   `ecr:BatchGetImage`, `ecr:GetDownloadUrlForLayer`) and reads the container `secrets`
//!   it injects (`secretsmanager:GetSecretValue`, `ssm:GetParameters`).
//!
//! It fires only when every policy of the role (and its boundary) is statically known, and
//! an action counts as missing only when the evaluator says it is definitely not allowed.
//! Grants are checked for the action, not for the one resource (a grant on another queue
//! counts as a grant).
//!
//! Why is this bad? The deploy succeeds and the workload fails at runtime with AccessDenied:
//! a function that cannot create its network interface never starts, messages pile up in a
//! queue nobody can read, a task never pulls its image.

use crate::document::{Format, Resource};
use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::iam::escalation::{Permissions, Scope};
use crate::model::Model;
use crate::model::policy::Tri;
use crate::rules::{Rule, severity};
use crate::value::{Node, Span, Value};

pub struct Wl005;

const ID: &str = "WL005";

/// One thing a workload needs, and the configuration that needs it.
struct Need {
    id: &'static str,
    actions: Vec<&'static str>,
    span: Span,
    why: String,
    /// The one resource the actions are for, when the configuration names it (the event
    /// source's queue or stream, the dead-letter target, the secret): a grant on another
    /// resource does not count.
    target: Option<Node>,
}

fn attr<'a>(r: &'a Resource, tf: &str, cfn: &str) -> Option<&'a Node> {
    let name = if r.format == Format::CloudFormation {
        cfn
    } else {
        tf
    };
    r.attr(&[name]).filter(|n| !n.is_null())
}

/// What kind of AWS resource an ARN-valued attribute points at: `sqs`, `sns`, `kinesis`,
/// `dynamodb`, `secretsmanager`, `ssm`, from the ARN text or the referenced resource type.
fn arn_service(m: &Model, n: &Node) -> Option<&'static str> {
    const BY_TYPE: &[(&str, &str)] = &[
        ("aws_sqs_queue", "sqs"),
        ("AWS::SQS::Queue", "sqs"),
        ("aws_sns_topic", "sns"),
        ("AWS::SNS::Topic", "sns"),
        ("aws_kinesis_stream", "kinesis"),
        ("AWS::Kinesis::Stream", "kinesis"),
        ("aws_dynamodb_table", "dynamodb"),
        ("AWS::DynamoDB::Table", "dynamodb"),
        ("aws_secretsmanager_secret", "secretsmanager"),
        ("AWS::SecretsManager::Secret", "secretsmanager"),
        ("aws_ssm_parameter", "ssm"),
        ("AWS::SSM::Parameter", "ssm"),
    ];
    for r in n.refs() {
        for t in m.graph.lookup_ref(&r.target) {
            if let Some((_, svc)) = BY_TYPE.iter().find(|(ty, _)| *ty == m.resource(t).rtype) {
                return Some(svc);
            }
        }
    }
    let text = match &n.value {
        Value::String(s) => s.clone(),
        Value::Interp(_) => n.display_text()?,
        _ => return None,
    };
    // `arn:<partition>:<service>:...`; the partition may be a reference
    // (`arn:${AWS::Partition}:ssm:...`), so look for the service between colons.
    if !text.starts_with("arn:") {
        return None;
    }
    ["sqs", "sns", "kinesis", "dynamodb", "secretsmanager", "ssm"]
        .into_iter()
        .find(|s| text.contains(&format!(":{s}:")))
}

fn lambda_needs(m: &Model, fi: usize) -> Vec<Need> {
    let r = m.resource(fi);
    let mut out = vec![Need {
        id: "logs",
        actions: vec!["logs:CreateLogStream", "logs:PutLogEvents"],
        span: r.span.first_line(),
        why: "to write its logs (they are lost otherwise)".into(),
        target: None,
    }];
    if let Some(vpc) = attr(r, "vpc_config", "VpcConfig").and_then(crate::document::block_or_self) {
        let subnets = vpc.get("subnet_ids").or_else(|| vpc.get("SubnetIds"));
        let in_vpc = match subnets {
            Some(s) if matches!(s.value, Value::Unknown) => None,
            Some(s) => Some(!s.items().is_empty()),
            None => Some(false),
        };
        if in_vpc == Some(true) {
            out.push(Need {
                id: "vpc",
                actions: vec![
                    "ec2:CreateNetworkInterface",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DeleteNetworkInterface",
                ],
                span: vpc.span.first_line(),
                why: "to attach to its VPC (the function cannot start otherwise)".into(),
                target: None,
            });
        }
    }
    if let Some(t) =
        attr(r, "tracing_config", "TracingConfig").and_then(crate::document::block_or_self)
        && t.get("mode")
            .or_else(|| t.get("Mode"))
            .and_then(Node::as_str)
            == Some("Active")
    {
        out.push(Need {
            id: "tracing",
            actions: vec!["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            span: t.span.first_line(),
            why: "to send its active traces to X-Ray".into(),
            target: None,
        });
    }
    if let Some(d) =
        attr(r, "dead_letter_config", "DeadLetterConfig").and_then(crate::document::block_or_self)
        && let Some(target) = d.get("target_arn").or_else(|| d.get("TargetArn"))
    {
        let action = match arn_service(m, target) {
            Some("sqs") => Some("sqs:SendMessage"),
            Some("sns") => Some("sns:Publish"),
            _ => None,
        };
        if let Some(action) = action {
            out.push(Need {
                id: "dead-letter",
                actions: vec![action],
                span: target.span.clone(),
                why: "to send failed events to its dead-letter target (they are dropped otherwise)"
                    .into(),
                target: Some(target.clone()),
            });
        }
    }
    out
}

fn mapping_needs(m: &Model, r: &Resource) -> Option<Need> {
    let source = attr(r, "event_source_arn", "EventSourceArn")?;
    let actions = match arn_service(m, source)? {
        "sqs" => vec![
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        ],
        "kinesis" => vec![
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:DescribeStream",
            "kinesis:ListShards",
        ],
        "dynamodb" => vec![
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:DescribeStream",
            "dynamodb:ListStreams",
        ],
        _ => return None,
    };
    Some(Need {
        id: "event-source",
        actions,
        span: source.span.clone(),
        why: format!("to read the event source of {}", r.address),
        target: Some(source.clone()),
    })
}

/// The container definitions of a task definition, as a list of maps.
fn containers(r: &Resource) -> Vec<Node> {
    let Some(defs) = attr(r, "container_definitions", "ContainerDefinitions") else {
        return Vec::new();
    };
    let parsed = match &defs.value {
        Value::Json(inner) => Some((**inner).clone()),
        Value::String(_) | Value::Interp(_) => {
            crate::parse::hcl::functions::parse_json_with_refs(defs)
        }
        Value::List(_) => Some(defs.clone()),
        _ => None,
    };
    parsed
        .map(|p| p.items().into_iter().cloned().collect())
        .unwrap_or_default()
}

fn get_ci<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    n.get_ci(key).filter(|v| !v.is_null())
}

/// The secret a `valueFrom` names: a secret ARN may carry a JSON key, version stage and
/// version id after it (`arn:aws:secretsmanager:r:a:secret:name-AbCdEf:password::`), which
/// are not part of the resource. References are kept as they are.
fn secret_arn(from: &Node) -> Option<Node> {
    let Value::String(s) = &from.value else {
        return Some(from.clone());
    };
    let secret: Vec<&str> = s.splitn(8, ':').take(7).collect();
    let mut n = from.clone();
    n.value = Value::String(secret.join(":"));
    Some(n)
}

fn execution_needs(m: &Model, r: &Resource) -> Vec<Need> {
    let mut out = Vec::new();
    for c in containers(r) {
        let name = get_ci(&c, "name")
            .and_then(Node::as_str)
            .unwrap_or("a container")
            .to_string();
        if let Some(lc) = get_ci(&c, "logConfiguration")
            && let Some(driver) = get_ci(lc, "logDriver")
            && driver.as_str() == Some("awslogs")
        {
            out.push(Need {
                id: "awslogs",
                actions: vec!["logs:CreateLogStream", "logs:PutLogEvents"],
                span: driver.span.clone(),
                why: format!("to ship the awslogs logs of {name}"),
                target: None,
            });
        }
        if let Some(image) = get_ci(&c, "image")
            && image
                .display_text()
                .is_some_and(|t| t.contains(".dkr.ecr.") && t.contains(".amazonaws.com"))
        {
            out.push(Need {
                id: "ecr",
                actions: vec![
                    "ecr:GetAuthorizationToken",
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                ],
                span: image.span.clone(),
                why: format!("to pull the private ECR image of {name}"),
                target: None,
            });
        }
        for s in get_ci(&c, "secrets").map(|s| s.items()).unwrap_or_default() {
            let Some(from) = get_ci(s, "valueFrom") else {
                continue;
            };
            let (action, target) = match arn_service(m, from) {
                Some("secretsmanager") => ("secretsmanager:GetSecretValue", secret_arn(from)),
                Some("ssm") => ("ssm:GetParameters", Some(from.clone())),
                // A bare parameter name is an SSM parameter of the same account.
                None if from.as_str().is_some_and(|v| !v.starts_with("arn:")) => {
                    ("ssm:GetParameters", None)
                }
                _ => continue,
            };
            out.push(Need {
                id: "secrets",
                actions: vec![action],
                span: from.span.clone(),
                why: format!("to inject the secrets of {name}"),
                target,
            });
        }
    }
    out.dedup_by(|a, b| a.id == b.id && a.actions == b.actions);
    out
}

impl Rule for Wl005 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        // (workload, role, needs)
        let mut checks: Vec<(usize, usize, Vec<Need>)> = Vec::new();
        for w in &m.workloads {
            let r = m.resource(w.res);
            for ru in &w.roles {
                match (r.rtype.as_str(), ru.kind) {
                    ("aws_lambda_function" | "AWS::Lambda::Function", EdgeKind::ServiceRole) => {
                        checks.push((w.res, ru.role, lambda_needs(m, w.res)))
                    }
                    (
                        "aws_ecs_task_definition" | "AWS::ECS::TaskDefinition",
                        EdgeKind::ExecutionRole,
                    ) => checks.push((w.res, ru.role, execution_needs(m, r))),
                    _ => {}
                }
            }
        }
        // Event source mappings: the function's role reads the source.
        for r in &m.graph.resources {
            if !matches!(
                r.rtype.as_str(),
                "aws_lambda_event_source_mapping" | "AWS::Lambda::EventSourceMapping"
            ) {
                continue;
            }
            let Some(need) = mapping_needs(m, r) else {
                continue;
            };
            let Some(f) = attr(r, "function_name", "FunctionName") else {
                continue;
            };
            let functions: Vec<usize> = f
                .refs()
                .iter()
                .flat_map(|x| m.graph.lookup_ref(&x.target))
                .filter(|i| {
                    matches!(
                        m.resource(*i).rtype.as_str(),
                        "aws_lambda_function" | "AWS::Lambda::Function"
                    )
                })
                .collect();
            for fi in functions {
                for (role, _) in m.graph.out(fi, EdgeKind::ServiceRole) {
                    checks.push((
                        fi,
                        role,
                        vec![Need {
                            id: need.id,
                            actions: need.actions.clone(),
                            span: need.span.clone(),
                            why: need.why.clone(),
                            target: need.target.clone(),
                        }],
                    ));
                }
            }
        }
        let mut out = Vec::new();
        for (w, role_i, needs) in checks {
            if needs.is_empty() {
                continue;
            }
            let role = m.resource(role_i);
            // A role the workload cannot assume at all is WL001's finding.
            let service =
                if m.resource(w).rtype.contains("ecs") || m.resource(w).rtype.contains("ECS") {
                    "ecs-tasks.amazonaws.com"
                } else {
                    "lambda.amazonaws.com"
                };
            if crate::model::trust_policy(role)
                .and_then(crate::model::policy::PolicyDocument::parse)
                .is_some_and(|d| d.trusts_service(service) == Tri::No)
            {
                continue;
            }
            let pp = m.principal_policies(role_i);
            let (set, _) = pp.set();
            if !set.complete() {
                continue;
            }
            let workload = m.resource(w);
            for need in needs {
                let missing: Vec<&str> = need
                    .actions
                    .iter()
                    .copied()
                    .filter(|a| match &need.target {
                        Some(t) => set.allows_on(a, t) == Tri::No,
                        None => set.allows(a, Scope::AnyResource) == Tri::No,
                    })
                    .collect();
                if missing.is_empty() {
                    continue;
                }
                let on = match need.target.as_ref().and_then(Node::display_text) {
                    Some(t) => format!(" on {t}"),
                    None => String::new(),
                };
                out.push(
                    Finding::new(
                        ID,
                        severity(ID),
                        need.span.clone(),
                        &workload.address,
                        format!(
                            "{} needs {} {}, but its role {} does not allow {}{} (every policy of the role is known): it fails with AccessDenied at runtime. Grant {} to the role{}",
                            workload.address,
                            need.actions.join(", "),
                            need.why,
                            role.address,
                            if missing.len() == 1 { "it" } else { "them" },
                            on,
                            missing.join(", "),
                            if on.is_empty() { "" } else { " on that resource" },
                        ),
                    )
                    .key(format!("{}:{}", need.id, missing.join(",")))
                    .related(role.span.first_line(), "the role"),
                );
            }
        }
        out
    }
}
