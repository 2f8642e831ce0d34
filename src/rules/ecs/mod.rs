//! ECS: task definitions and their roles.

pub mod ecs_execution_role_overprivileged;
pub mod ecs_task_and_execution_role_same;
