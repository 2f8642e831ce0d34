//! The rules: one file per rule, registered in [`all`]. There are two kinds:
//!
//! - a [`Rule`] reads the [`Model`] of one input and returns findings. It never looks at
//!   syntax, so it fires for every input format alike. Almost every rule is one.
//! - a [`FileRule`] reads the text of each scanned file once ([`SourceFile`]), for what is
//!   written anywhere in a file whether or not it belongs to a resource (a credential in
//!   `variables.tf`, a comment, a tfvars file). The pipeline calls it once per file, after
//!   every input is parsed, so a file that several inputs read is searched once.
//!
//! Both kinds are listed by [`all`] and chosen by `--select` / `--ignore` alike
//! (`select`); only the pipeline tells them apart.

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

/// A rule that reads the model of one input.
pub trait Rule: Sync {
    /// The stable rule ID (`IMDS001`); its metadata is `policies/<ID>.yaml`.
    fn id(&self) -> &'static str;
    fn check(&self, model: &Model) -> Vec<Finding>;
}

/// A rule that reads the text of each scanned file once (oxc's `run_once`, ruff's
/// physical-line checkers): for what can be written anywhere in a file.
pub trait FileRule: Sync {
    /// The stable rule ID; its metadata is `policies/<ID>.yaml`.
    fn id(&self) -> &'static str;
    fn check_file(&self, file: &SourceFile) -> Vec<Finding>;
}

/// One scanned file as a [`FileRule`] sees it. Plans are not given: they hold what
/// Terraform will write (values read from a vault included), not what someone wrote.
pub struct SourceFile<'a> {
    /// The path as findings show it.
    pub path: &'a std::sync::Arc<str>,
    pub text: &'a str,
    /// The lines and addresses of the scan's resources declared in the file, for naming
    /// the resource a finding is in.
    pub resources: &'a [(u32, String)],
}

/// A registered rule of either kind.
#[derive(Clone, Copy)]
pub enum AnyRule {
    Model(&'static dyn Rule),
    File(&'static dyn FileRule),
}

impl AnyRule {
    pub fn id(&self) -> &'static str {
        match self {
            AnyRule::Model(r) => r.id(),
            AnyRule::File(r) => r.id(),
        }
    }
}

/// Every rule, in ID order.
pub fn all() -> Vec<AnyRule> {
    let files: [&'static dyn FileRule; 1] = [&cred::hardcoded_aws_credentials::Cred001];
    let models: Vec<&'static dyn Rule> = vec![
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
        &privilege::policy_invalid::Priv009,
        &trust::trust_principal_malformed::Trust005,
    ];
    let mut v: Vec<AnyRule> = files
        .into_iter()
        .map(AnyRule::File)
        .chain(models.into_iter().map(AnyRule::Model))
        .collect();
    v.sort_by_key(|r| r.id());
    v
}

/// Whether `name` (as `--select` and `--ignore` take it) names the rule `id`: the ID in
/// any case (`imds001`), or its family, the letters before the digits (`IMDS`, `imds`).
fn names(name: &str, id: &str) -> bool {
    name.eq_ignore_ascii_case(id)
        || (!name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphabetic())
            && id.starts_with(&name.to_ascii_uppercase()))
}

/// Whether `s` names a rule (`IMDS001`, any case) or a family of rules (`IMDS`), as
/// `--select` and `--ignore` accept.
pub(crate) fn is_rule_or_family(s: &str) -> bool {
    all().iter().any(|r| names(s, r.id()))
}

/// The rules a scan runs: those `select` names (all when it is empty), less those
/// `ignore` names.
pub(crate) fn select(select: &[String], ignore: &[String]) -> Vec<AnyRule> {
    let named = |list: &[String], id: &str| list.iter().any(|s| names(s, id));
    all()
        .into_iter()
        .filter(|r| select.is_empty() || named(select, r.id()))
        .filter(|r| !named(ignore, r.id()))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(rules: &[AnyRule]) -> Vec<&'static str> {
        rules.iter().map(|r| r.id()).collect()
    }

    #[test]
    fn selection_takes_ids_and_families_in_any_case() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(ids(&select(&s(&["imds"]), &[])), ["IMDS001", "IMDS002"]);
        assert_eq!(
            ids(&select(&s(&["CRED", "wl001"]), &s(&["cred002"]))),
            ["CRED001", "CRED003", "WL001"]
        );
        // A file rule is selected and ignored like any other.
        assert!(
            ids(&select(&[], &s(&["CRED001"])))
                .iter()
                .all(|id| *id != "CRED001")
        );
        assert_eq!(ids(&select(&[], &[])), ids(&all()));
        // A family is letters only: `IMDS0` is neither a rule nor a family.
        assert!(is_rule_or_family("imds") && is_rule_or_family("Imds002"));
        assert!(!is_rule_or_family("IMDS0") && !is_rule_or_family("") && !is_rule_or_family("XYZ"));
        assert!(select(&s(&["IMDS0"]), &[]).is_empty());
    }

    #[test]
    fn both_kinds_are_registered_once_in_id_order() {
        let all = all();
        let mut sorted = ids(&all);
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids(&all), sorted);
        let files: Vec<&str> = all
            .iter()
            .filter(|r| matches!(r, AnyRule::File(_)))
            .map(|r| r.id())
            .collect();
        assert_eq!(files, ["CRED001"]);
    }
}
