//! TRUST: who may assume a role. Each rule reads the `Allow` statements of role trust
//! policies that cover an `sts:AssumeRole*` action.

pub mod roles_anywhere_trust_unscoped;
pub mod trust_any_principal;
pub mod trust_cross_account_without_external_id;
pub mod trust_oidc_subject_unscoped;
pub mod trust_principal_malformed;

use crate::iam::principal::{Principal, Test, principals, tests};
use crate::model::policy::{PolicyDocument, Statement, Tri};
use crate::model::{Model, trust_policy};
use crate::value::Node;

/// One trust statement that may let someone assume a role.
pub struct TrustStatement<'a> {
    pub role: usize,
    pub st: Statement,
    pub principals: Vec<(Principal, Node)>,
    /// `None` when the condition block is not statically known.
    pub tests: Option<Vec<Test>>,
    pub model: &'a Model,
}

const ASSUME: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRoleWithSAML",
];

/// Every definite `Allow` statement of every trust policy in the scan that covers one of the
/// assume actions, with its principals and conditions.
pub fn trust_statements(m: &Model) -> Vec<TrustStatement<'_>> {
    let mut out = Vec::new();
    for (i, r) in m.graph.resources.iter().enumerate() {
        let Some(doc) = trust_policy(r).and_then(PolicyDocument::parse) else {
            continue;
        };
        for st in doc.statements {
            if st.allows() != Some(true) || !ASSUME.iter().any(|a| st.covers_action(a) == Tri::Yes)
            {
                continue;
            }
            let principals = match (st.principal(), st.not_principal()) {
                (Some(p), _) => principals(p, &m.own_accounts),
                // Allow with NotPrincipal: everyone but the listed ones.
                (None, Some(np)) => vec![(Principal::Anyone, np.clone())],
                (None, None) => continue,
            };
            let tests = tests(st.condition());
            out.push(TrustStatement {
                role: i,
                st,
                principals,
                tests,
                model: m,
            });
        }
    }
    out
}

impl TrustStatement<'_> {
    pub fn role_address(&self) -> &str {
        &self.model.resource(self.role).address
    }

    /// Does the statement cover this action?
    pub fn covers(&self, action: &str) -> bool {
        self.st.covers_action(action) == Tri::Yes
    }
}
