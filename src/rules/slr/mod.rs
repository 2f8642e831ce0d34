//! SLR: service-linked roles.

pub mod policy_on_service_linked_role;
