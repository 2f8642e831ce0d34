//! WL: how workloads are wired to their roles.

pub mod workload_role_not_assumable;
