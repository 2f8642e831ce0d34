//! EKS001 eks-node-role-overprivileged.
//!
//! Takes the effective grants of each EKS node role and reports the actions beyond the
//! AWS managed node policies (see `rules/grants.rs`); raises the severity when IMDS001 or
//! IMDS002 fires on the node group's launch template.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/EKS001.yaml`; `docs/rules/EKS001.md` and `rolegraph rules EKS001` render it.

use crate::finding::{Finding, Severity};
use crate::graph::EdgeKind;
use crate::model::Model;
use crate::rules::grants::{Extra, beyond, extras_finding, managed_actions};
use crate::rules::imds::{imds_hop_limit_too_high::Imds002, imdsv2_not_required::Imds001};
use crate::rules::{Rule, severity};
use std::collections::BTreeSet;

pub struct Eks001;

const ID: &str = "EKS001";

const NODE_POLICIES: &[&str] = &[
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
];

impl Rule for Eks001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let node_roles: Vec<_> = m
            .workload_roles()
            .into_iter()
            .map(|(r, uses)| {
                let uses: Vec<_> = uses
                    .into_iter()
                    .filter(|(_, ru)| ru.kind == EdgeKind::NodeRole)
                    .collect();
                (r, uses)
            })
            .filter(|(_, uses)| !uses.is_empty())
            .collect();
        if node_roles.is_empty() {
            return Vec::new();
        }
        let mut needed = managed_actions(NODE_POLICIES);
        // The VPC CNI in IPv6 clusters (AWS documents it as a policy of your own).
        needed.insert("ec2:assignipv6addresses".into());
        // Launch templates whose IMDS settings let pods reach the node's credentials.
        let open_imds: BTreeSet<String> = Imds001
            .check(m)
            .into_iter()
            .chain(Imds002.check(m))
            .filter(|f| f.suppressed.is_none())
            .map(|f| f.resource)
            .collect();
        let mut out = Vec::new();
        for (role_i, uses) in node_roles {
            let pp = m.principal_policies(role_i);
            let extras: Vec<Extra> =
                beyond(&pp, &|a| needed.contains(&a.name.to_ascii_lowercase()));
            if extras.is_empty() {
                continue;
            }
            let exposed: Vec<&str> = uses
                .iter()
                .flat_map(|(w, _)| m.graph.out(*w, EdgeKind::UsesLaunchTemplate))
                .map(|(t, _)| m.resource(t).address.as_str())
                .filter(|a| open_imds.contains(*a))
                .collect();
            let (sev, imds) = match exposed.first() {
                Some(lt) => (
                    Severity::High,
                    format!(
                        "; {lt} lets pods reach the metadata service, so every pod on these nodes can use them"
                    ),
                ),
                None => (
                    severity(ID),
                    "; pods reach them through the instance metadata service unless IMDS is locked down (http_tokens = \"required\", hop limit 1)".to_string(),
                ),
            };
            out.extend(extras_finding(
                m,
                ID,
                sev,
                role_i,
                &uses,
                &extras,
                "beyond the EKS node policies",
                &format!("{imds}. Give pods their own roles (IRSA or EKS Pod Identity) and keep the node role to the node policies"),
            ));
        }
        out
    }
}
