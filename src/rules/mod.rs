//! The rules: one file per rule, each reading the [`Model`] and returning findings. A rule
//! never looks at syntax, so it fires for every input format alike.

pub mod cred;
mod doc_facts;
pub mod ecs;
pub mod eks;
pub mod grants;
pub mod imds;
pub mod lambda;
pub mod meta;
pub mod privilege;
pub mod slr;
pub mod trust;
pub mod wl;

use crate::finding::{Finding, Severity};
use crate::model::Model;

pub trait Rule: Sync {
    /// The stable rule ID (`IMDS001`); its metadata is `policies/<ID>.yaml`.
    fn id(&self) -> &'static str;
    fn check(&self, model: &Model) -> Vec<Finding>;
}

/// Every rule, in ID order.
pub fn all() -> Vec<&'static dyn Rule> {
    let mut v: Vec<&'static dyn Rule> = vec![
        &cred::hardcoded_aws_credentials::Cred001,
        &cred::iam_access_key_resource::Cred002,
        &cred::policy_attached_to_user::Cred003,
        &lambda::lambda_permission_public::Lambda001,
        &lambda::lambda_permission_missing_source::Lambda002,
        &lambda::lambda_url_no_auth::Lambda003,
        &trust::trust_any_principal::Trust001,
        &trust::trust_cross_account_without_external_id::Trust002,
        &trust::trust_oidc_subject_unscoped::Trust003,
        &trust::roles_anywhere_trust_unscoped::Trust004,
        &wl::role_shared_across_workloads::Wl002,
        &ecs::ecs_task_and_execution_role_same::Ecs001,
        &ecs::ecs_execution_role_overprivileged::Ecs002,
        &eks::eks_node_role_overprivileged::Eks001,
        &privilege::policy_privilege_escalation::Priv007,
        &privilege::admin_managed_policy_attached::Priv008,
        &slr::policy_on_service_linked_role::Slr001,
        &wl::workload_admin_access::Wl003,
        &wl::workload_privilege_escalation::Wl004,
        &wl::workload_missing_permission::Wl005,
        &imds::imdsv2_not_required::Imds001,
        &imds::imds_hop_limit_too_high::Imds002,
        &privilege::policy_full_admin::Priv001,
        &privilege::policy_service_wildcard::Priv002,
        &privilege::policy_write_any_resource::Priv003,
        &privilege::policy_allow_not_action::Priv004,
        &privilege::policy_unknown_action::Priv005,
        &privilege::policy_data_read_any_resource::Priv006,
        &wl::workload_role_not_assumable::Wl001,
    ];
    v.sort_by_key(|r| r.id());
    v
}

/// Whether `s` names a rule (`IMDS001`, any case) or a family of rules (`IMDS`), as
/// `--select` and `--ignore` accept.
pub fn is_rule_or_family(s: &str) -> bool {
    all().iter().any(|r| {
        r.id().eq_ignore_ascii_case(s)
            || (!s.is_empty()
                && s.chars().all(|c| c.is_ascii_alphabetic())
                && r.id().starts_with(&s.to_ascii_uppercase()))
    })
}

/// The default severity of a rule, from its policy file.
pub fn severity(id: &str) -> Severity {
    meta::get(id)
        .map(|m| m.severity)
        .unwrap_or(Severity::Medium)
}

/// How a finding names a resource: its address.
pub fn name(model: &Model, i: usize) -> &str {
    &model.resource(i).address
}
