//! ECS001 ecs-task-and-execution-role-same.
//!
//! Compares each ECS task definition's task role with its execution role: the same role
//! resource in the graph, or the same statically known ARN text.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/ECS001.yaml`; `docs/rules/ECS001.md` and `rolegraph rules ECS001` render it.

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::model::Model;
use crate::rules::{Rule, severity};
use crate::value::Value;

pub struct Ecs001;

const ID: &str = "ECS001";

impl Rule for Ecs001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for td in &m.task_definitions {
            let (Some(task), Some(exec)) = (&td.task_role, &td.execution_role) else {
                continue;
            };
            let task_roles: Vec<usize> = m
                .graph
                .out(td.res, EdgeKind::TaskRole)
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            let exec_roles: Vec<usize> = m
                .graph
                .out(td.res, EdgeKind::ExecutionRole)
                .into_iter()
                .map(|(t, _)| t)
                .collect();
            let same_resource = !task_roles.is_empty() && task_roles == exec_roles;
            // The same ARN text (`arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x` twice).
            let same_string = !task.has_unknown()
                && matches!(task.value, Value::String(_) | Value::Interp(_))
                && task.value == exec.value;
            if !same_resource && !same_string {
                continue;
            }
            let r = m.resource(td.res);
            let role = if same_resource {
                m.resource(task_roles[0]).address.clone()
            } else {
                task.display_text().unwrap_or_default()
            };
            let mut f = Finding::new(
                ID,
                severity(ID),
                exec.span.clone(),
                &r.address,
                format!(
                    "{} uses {role} as both task role and execution role: the application gets every permission the ECS agent needs (image pull, logs, secrets for injection); give the task its own role",
                    r.address
                ),
            )
            .key("execution_role")
            .related(task.span.clone(), "the task role is the same role");
            if same_resource {
                let rr = m.resource(task_roles[0]);
                f = f.related(
                    rr.span.first_line(),
                    format!("{} is defined here", rr.address),
                );
            }
            out.push(f);
        }
        out
    }
}
