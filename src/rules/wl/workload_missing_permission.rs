//! WL005 workload-missing-permission.
//!
//! Derives the actions each workload needs from its own configuration (logs, VPC,
//! dead-letter target, tracing, event sources, ECS image pulls and secrets) and reports
//! those its role's known policies definitely do not allow.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/WL005.yaml`; `docs/rules/WL005.md` and `rolegraph rules WL005` render it.

use crate::document::Resource;
use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::iam::escalation::{Permissions, Scope};
use crate::model::policy::Tri;
use crate::model::{Model, ResourceKind};
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

fn lambda_needs(m: &Model, fi: usize) -> Vec<Need> {
    let r = m.resource(fi);
    let Some(f) = m.lambda_function(fi) else {
        return Vec::new();
    };
    let mut out = vec![Need {
        id: "logs",
        actions: vec!["logs:CreateLogStream", "logs:PutLogEvents"],
        span: r.span.first_line(),
        why: "to write its logs (they are lost otherwise)".into(),
        target: None,
    }];
    if let Some(vpc) = &f.vpc_config {
        let subnets = f.subnet_ids.as_ref();
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
    if let Some(t) = &f.tracing_config
        && f.tracing_mode.as_ref().and_then(Node::as_str) == Some("Active")
    {
        out.push(Need {
            id: "tracing",
            actions: vec!["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
            span: t.span.first_line(),
            why: "to send its active traces to X-Ray".into(),
            target: None,
        });
    }
    if let Some(target) = &f.dead_letter_target {
        let action = match m.arn_service(target) {
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

fn mapping_needs(m: &Model, r: &Resource, source: &Node) -> Option<Need> {
    let actions = match m.arn_service(source)? {
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

fn execution_needs(m: &Model, w: usize) -> Vec<Need> {
    let mut out = Vec::new();
    let containers = m
        .task_definitions
        .iter()
        .filter(|t| t.res == w)
        .flat_map(|t| &t.containers);
    for c in containers {
        let name = c.name.as_deref().unwrap_or("a container");
        if let Some(driver) = &c.log_driver
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
        if let Some(image) = &c.image
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
        for from in &c.secret_sources {
            let (action, target) = match m.arn_service(from) {
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
            for ru in &w.roles {
                match (m.kind(w.res), ru.kind) {
                    (Some(ResourceKind::LambdaFunction), EdgeKind::ServiceRole) => {
                        checks.push((w.res, ru.role, lambda_needs(m, w.res)))
                    }
                    (Some(ResourceKind::EcsTaskDefinition), EdgeKind::ExecutionRole) => {
                        checks.push((w.res, ru.role, execution_needs(m, w.res)))
                    }
                    _ => {}
                }
            }
        }
        // Event source mappings: the function's role reads the source.
        for esm in m.event_source_mappings() {
            let Some(need) = esm
                .source
                .as_ref()
                .and_then(|s| mapping_needs(m, m.resource(esm.res), s))
            else {
                continue;
            };
            for fi in esm.functions {
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
            let service = if m.kind(w) == Some(ResourceKind::EcsTaskDefinition) {
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
                    // A reference is named by the resource's address, as written.
                    Some(t) => format!(" on {}", m.reference_name(&t)),
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
