//! WL: how workloads are wired to their roles.

pub mod role_shared_across_workloads;
pub mod workload_admin_access;
pub mod workload_missing_permission;
pub mod workload_privilege_escalation;
pub mod workload_role_not_assumable;
