//! EKS: node groups and the roles their pods can reach.

pub mod eks_node_role_overprivileged;
