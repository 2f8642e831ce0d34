//! ECS002 ecs-execution-role-overprivileged
//!
//! What it does: finds ECS task definitions whose execution role is granted actions beyond
//! what the ECS agent uses it for: pulling images (the actions of the AWS managed policy
//! AmazonECSTaskExecutionRolePolicy), writing logs (`logs:CreateLogStream`,
//! `logs:PutLogEvents`, `logs:CreateLogGroup` for `awslogs-create-group`) and reading the
//! secrets it injects (`secretsmanager:GetSecretValue`, `ssm:GetParameters`,
//! `kms:Decrypt`). Grants are taken from every policy of the role together (Deny and the
//! permissions boundary applied); what is not statically known never fires. A role that is
//! also the task role is ECS001's finding.
//!
//! Why is this bad? The execution role's credentials are handed to the agent, not the
//! application; permissions parked there are never needed at runtime, and make the role a
//! richer target for whoever can register a task definition with it.

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::model::{Model, ResourceKind};
use crate::rules::grants::{Extra, beyond, extras_finding, managed_actions};
use crate::rules::{Rule, severity};

pub struct Ecs002;

const ID: &str = "ECS002";

/// What the agent may use, beyond AmazonECSTaskExecutionRolePolicy.
const AGENT_EXTRA: &[&str] = &[
    "logs:createloggroup",
    "secretsmanager:getsecretvalue",
    "ssm:getparameters",
    "kms:decrypt",
];

impl Rule for Ecs002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut needed = managed_actions(&["AmazonECSTaskExecutionRolePolicy"]);
        needed.extend(AGENT_EXTRA.iter().map(|s| s.to_string()));
        let mut out = Vec::new();
        for (role_i, uses) in m.workload_roles() {
            let uses: Vec<_> = uses
                .into_iter()
                .filter(|(w, ru)| {
                    ru.kind == EdgeKind::ExecutionRole
                        && m.kind(*w) == Some(ResourceKind::EcsTaskDefinition)
                })
                .collect();
            if uses.is_empty() {
                continue;
            }
            // Also a task role: ECS001 (same task definition) or a role shared on purpose.
            if m.workloads
                .iter()
                .flat_map(|w| &w.roles)
                .any(|ru| ru.role == role_i && ru.kind == EdgeKind::TaskRole)
            {
                continue;
            }
            let pp = m.principal_policies(role_i);
            let extras: Vec<Extra> =
                beyond(&pp, &|a| needed.contains(&a.name.to_ascii_lowercase()));
            out.extend(extras_finding(
                m,
                ID,
                severity(ID),
                role_i,
                &uses,
                &extras,
                "the ECS agent does not use",
                ". The agent only pulls images, writes logs and reads the secrets it injects; move the application's permissions to the task role",
            ));
        }
        out
    }
}
