//! What reaches a principal (role, user or group): every identity policy (inline documents,
//! inline policy resources, customer-managed policies, AWS managed policies, attachment
//! resources) and its permissions boundary, each with where it is attached. From these,
//! [`PrincipalPolicies::set`] gives the [`PolicySet`] the evaluator reads.

use super::policy::PolicyDocument;
use super::{IdentityPolicy, Model};
use crate::document::Mode;
use crate::graph::EdgeKind;
use crate::iam::eval::{Boundary, PolicySet};
use crate::iam::managed::{self, ArnKind, ManagedPolicy};
use crate::value::{Node, Span, Value};
use std::collections::BTreeSet;

/// The three AWS managed policies that make their holder an administrator of the account
/// (or of IAM, which is the same thing one step later).
pub const ADMIN_POLICIES: &[&str] = &["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"];

#[derive(Clone, Debug)]
pub enum Origin {
    /// A document written in the scan: an index into [`Model::identity_policies`].
    Written(usize),
    /// An AWS managed policy.
    Managed(&'static ManagedPolicy),
    /// Attached, but what it grants is not known: an ARN from a variable, a customer policy
    /// outside the scan, an AWS managed policy the embedded data does not have.
    Unknown,
}

/// One policy that reaches a principal.
#[derive(Clone, Debug)]
pub struct Attached {
    pub origin: Origin,
    /// How messages name it: `AWS managed policy AdministratorAccess`, `aws_iam_policy.ci`,
    /// `inline policy "logs" of aws_iam_role.app`.
    pub label: String,
    /// Where it is attached (the ARN in a list, an attachment's attribute) or, for an inline
    /// document, where the document is written.
    pub span: Span,
    /// The resource whose attribute makes the attachment (the principal itself, an attachment
    /// resource, a policy resource that lists its principals).
    pub via: usize,
}

impl Attached {
    pub fn managed_name(&self) -> Option<&'static str> {
        match &self.origin {
            Origin::Managed(p) => Some(p.name),
            _ => None,
        }
    }
}

/// Every policy that reaches one principal.
pub struct PrincipalPolicies {
    pub principal: usize,
    pub policies: Vec<Attached>,
    pub boundary: Option<Attached>,
    /// Parsed documents of `policies` (`None`: not known).
    documents: Vec<Option<Doc>>,
    boundary_doc: Option<Option<Doc>>,
}

enum Doc {
    Owned(PolicyDocument),
    Static(&'static PolicyDocument),
}

impl Doc {
    fn get(&self) -> &PolicyDocument {
        match self {
            Doc::Owned(d) => d,
            Doc::Static(d) => d,
        }
    }
}

fn document(m: &Model, origin: &Origin) -> Option<Doc> {
    match origin {
        Origin::Written(i) => {
            PolicyDocument::parse(&m.identity_policies[*i].doc_node).map(Doc::Owned)
        }
        Origin::Managed(p) => p.document().map(Doc::Static),
        Origin::Unknown => None,
    }
}

impl PrincipalPolicies {
    /// The evaluator's view. Position `k` of `set.policies` is `self.policies[index[k]]`.
    pub fn set(&self) -> (PolicySet<'_>, Vec<usize>) {
        let mut policies = Vec::new();
        let mut index = Vec::new();
        let mut unknown = 0;
        for (i, d) in self.documents.iter().enumerate() {
            match d {
                Some(d) => {
                    policies.push(d.get());
                    index.push(i);
                }
                None => unknown += 1,
            }
        }
        let boundary = match &self.boundary_doc {
            None => Boundary::None,
            Some(None) => Boundary::Unknown,
            Some(Some(d)) => Boundary::Known(d.get()),
        };
        (
            PolicySet {
                policies,
                unknown,
                boundary,
            },
            index,
        )
    }

    /// The parsed document of `policies[i]`, when known.
    pub fn document(&self, i: usize) -> Option<&PolicyDocument> {
        self.documents[i].as_ref().map(Doc::get)
    }

    /// The boundary's document, when there is one and it is known.
    pub fn boundary_document(&self) -> Option<&PolicyDocument> {
        self.boundary_doc.as_ref()?.as_ref().map(Doc::get)
    }
}

const POLICY_TYPES: &[&str] = &["aws_iam_policy", "AWS::IAM::ManagedPolicy"];

/// The attribute of an attachment resource that names the policy.
fn attachment_policy_attr(rtype: &str) -> Option<&'static str> {
    match rtype {
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment"
        | "aws_iam_policy_attachment" => Some("policy_arn"),
        "aws_iam_role_policy_attachments_exclusive" => Some("policy_arns"),
        _ => None,
    }
}

/// The principal's own list of managed policy ARNs.
fn managed_list_attr(rtype: &str) -> Option<&'static str> {
    match rtype {
        "aws_iam_role" => Some("managed_policy_arns"),
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => Some("ManagedPolicyArns"),
        _ => None,
    }
}

fn boundary_attr(rtype: &str) -> Option<&'static str> {
    match rtype {
        "aws_iam_role" | "aws_iam_user" => Some("permissions_boundary"),
        "AWS::IAM::Role" | "AWS::IAM::User" => Some("PermissionsBoundary"),
        _ => None,
    }
}

/// The kinds of principal a policy names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    Role,
    User,
    Group,
}

impl PrincipalKind {
    fn of(rtype: &str) -> Option<PrincipalKind> {
        Some(match rtype {
            "aws_iam_role"
            | "AWS::IAM::Role"
            | "aws_iam_service_linked_role"
            | "AWS::IAM::ServiceLinkedRole" => PrincipalKind::Role,
            "aws_iam_user" | "AWS::IAM::User" => PrincipalKind::User,
            "aws_iam_group" | "AWS::IAM::Group" => PrincipalKind::Group,
            _ => return None,
        })
    }
}

/// The attribute of a policy or attachment resource that names its principals of a kind.
fn names_attr(rtype: &str, kind: PrincipalKind) -> Option<&'static str> {
    use PrincipalKind::*;
    Some(match (rtype, kind) {
        ("aws_iam_role_policy" | "aws_iam_role_policy_attachment", Role) => "role",
        ("aws_iam_user_policy" | "aws_iam_user_policy_attachment", User) => "user",
        ("aws_iam_group_policy" | "aws_iam_group_policy_attachment", Group) => "group",
        ("aws_iam_policy_attachment", Role) => "roles",
        ("aws_iam_policy_attachment", User) => "users",
        ("aws_iam_policy_attachment", Group) => "groups",
        ("AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy", Role) => "Roles",
        ("AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy", User) => "Users",
        ("AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy", Group) => "Groups",
        ("AWS::IAM::RolePolicy", Role) => "RoleName",
        ("AWS::IAM::UserPolicy", User) => "UserName",
        ("AWS::IAM::GroupPolicy", Group) => "GroupName",
        _ => return None,
    })
}

/// Is the resource a principal identity policies attach to?
pub fn is_principal(rtype: &str) -> bool {
    matches!(
        rtype,
        "aws_iam_role"
            | "AWS::IAM::Role"
            | "aws_iam_user"
            | "AWS::IAM::User"
            | "aws_iam_group"
            | "AWS::IAM::Group"
            | "aws_iam_service_linked_role"
            | "AWS::IAM::ServiceLinkedRole"
    )
}

impl Model {
    /// The identity policies written in resource `res`.
    pub fn written_in(&self, res: usize) -> impl Iterator<Item = (usize, &IdentityPolicy)> {
        let start = self.identity_policies.partition_point(|p| p.res < res);
        self.identity_policies[start..]
            .iter()
            .take_while(move |p| p.res == res)
            .enumerate()
            .map(move |(k, p)| (start + k, p))
    }

    /// What an ARN value names, as an attached policy.
    fn arn_origin(&self, item: &Node, via: usize) -> Attached {
        let (origin, label) = match managed::classify(item) {
            ArnKind::Managed(p) => (Origin::Managed(p), format!("AWS managed policy {}", p.name)),
            ArnKind::UnknownManaged(arn) => (
                Origin::Unknown,
                format!("AWS managed policy {arn} (not in rolegraph's data)"),
            ),
            ArnKind::Other => (
                Origin::Unknown,
                format!(
                    "policy {}",
                    item.display_text().unwrap_or_else(|| "(not known)".into())
                ),
            ),
        };
        Attached {
            origin,
            label,
            span: item.span.clone(),
            via,
        }
    }

    /// The AWS managed policy a `data "aws_iam_policy"` lookup finds: by its literal `arn`,
    /// or by its literal `name` (a customer policy of the same name as an AWS managed one
    /// is taken to be the AWS managed one; `path_prefix` lookups are not resolved).
    fn managed_lookup(&self, t: usize) -> Option<&'static ManagedPolicy> {
        let r = self.resource(t);
        if r.mode != Mode::Data {
            return None;
        }
        if let Some(arn) = r.attr(&["arn"]).filter(|n| !n.is_null()) {
            return match managed::classify(arn) {
                ArnKind::Managed(p) => Some(p),
                _ => None,
            };
        }
        let name = r.attr(&["name"]).and_then(Node::as_str)?;
        managed::get().by_name(name)
    }

    /// A policy resource (`aws_iam_policy`) attached at `span`.
    fn policy_resource(&self, t: usize, span: &Span, via: usize, out: &mut Vec<Attached>) {
        if let Some(p) = self.managed_lookup(t) {
            out.push(Attached {
                origin: Origin::Managed(p),
                label: format!("AWS managed policy {}", p.name),
                span: span.clone(),
                via,
            });
            return;
        }
        let before = out.len();
        for (idx, ip) in self.written_in(t) {
            out.push(Attached {
                origin: Origin::Written(idx),
                label: ip.label.clone(),
                span: span.clone(),
                via,
            });
        }
        if out.len() == before {
            out.push(Attached {
                origin: Origin::Unknown,
                label: self.resource(t).address.clone(),
                span: span.clone(),
                via,
            });
        }
    }

    /// The policies an ARN-valued attribute of `via` attaches: each item is a policy resource
    /// in the scan (linked in the graph) or an ARN. `skip` holds spans already counted.
    fn arn_list(&self, via: usize, value: &Node, skip: &BTreeSet<Span>, out: &mut Vec<Attached>) {
        if matches!(value.value, Value::Unknown) {
            out.push(self.arn_origin(value, via));
            return;
        }
        let linked = self.graph.out(via, EdgeKind::AttachedPolicy);
        for item in value.items() {
            if item.is_null() || skip.contains(&item.span) {
                continue;
            }
            let targets: Vec<usize> = linked
                .iter()
                .filter(|(t, e)| {
                    e.span == item.span && POLICY_TYPES.contains(&self.resource(*t).rtype.as_str())
                })
                .map(|(t, _)| *t)
                .collect();
            if targets.is_empty() {
                out.push(self.arn_origin(item, via));
            }
            for t in targets {
                self.policy_resource(t, &item.span, via, out);
            }
        }
    }

    /// Every policy that reaches principal `p`, and its boundary.
    pub fn principal_policies(&self, p: usize) -> PrincipalPolicies {
        let r = self.resource(p);
        let mut policies = Vec::new();
        // Inline documents of the principal itself.
        for (idx, ip) in self.written_in(p) {
            policies.push(Attached {
                origin: Origin::Written(idx),
                label: ip.label.clone(),
                span: ip.span.clone(),
                via: p,
            });
        }
        // Inline policy resources naming the principal.
        for (t, _) in self.graph.out(p, EdgeKind::InlinePolicy) {
            let before = policies.len();
            for (idx, ip) in self.written_in(t) {
                policies.push(Attached {
                    origin: Origin::Written(idx),
                    label: ip.label.clone(),
                    span: ip.span.clone(),
                    via: t,
                });
            }
            if policies.len() == before {
                policies.push(Attached {
                    origin: Origin::Unknown,
                    label: self.resource(t).address.clone(),
                    span: self.resource(t).span.first_line(),
                    via: t,
                });
            }
        }
        // Attachments: the principal's own ARN list (linked items), policies that list the
        // principal, and attachment resources.
        let mut counted = BTreeSet::new();
        for (t, e) in self.graph.out(p, EdgeKind::AttachedPolicy) {
            let tr = self.resource(t);
            if POLICY_TYPES.contains(&tr.rtype.as_str()) {
                counted.insert(e.span.clone());
                // A policy that lists its principals makes the attachment itself.
                let via = if e.span.file == r.span.file
                    && r.attr_spans.values().any(|s| contains(s, &e.span))
                {
                    p
                } else {
                    t
                };
                self.policy_resource(t, &e.span, via, &mut policies);
            } else if let Some(attr) = attachment_policy_attr(&tr.rtype)
                && let Some(v) = tr.attr(&[attr])
            {
                self.arn_list(t, v, &BTreeSet::new(), &mut policies);
            }
        }
        if let Some(attr) = managed_list_attr(&r.rtype)
            && let Some(v) = r.attr(&[attr]).filter(|v| !v.is_null())
        {
            self.arn_list(p, v, &counted, &mut policies);
        }
        // A policy or attachment resource whose principal could not be resolved (a name
        // from an unknown value) may attach to this principal too: what reaches it is then
        // not fully known, so no rule may say "every policy of the role is known".
        if let Some(kind) = PrincipalKind::of(&r.rtype) {
            let linked: BTreeSet<usize> = [EdgeKind::AttachedPolicy, EdgeKind::InlinePolicy]
                .iter()
                .flat_map(|k| self.graph.out(p, *k))
                .map(|(t, _)| t)
                .collect();
            for (i, other) in self.graph.resources.iter().enumerate() {
                if other.format != r.format || linked.contains(&i) {
                    continue;
                }
                let Some(v) = names_attr(&other.rtype, kind).and_then(|a| other.attr(&[a])) else {
                    continue;
                };
                if let Some(item) = v.items().into_iter().find(|n| n.has_unknown()) {
                    policies.push(Attached {
                        origin: Origin::Unknown,
                        label: format!("{} (its principal could not be resolved)", other.address),
                        span: item.span.clone(),
                        via: i,
                    });
                }
            }
        }
        let mut boundary = None;
        if let Some(attr) = boundary_attr(&r.rtype)
            && let Some(v) = r.attr(&[attr]).filter(|v| !v.is_null())
        {
            let mut found = Vec::new();
            let linked = self.graph.out(p, EdgeKind::PermissionsBoundary);
            match linked.first() {
                Some((t, e)) => self.policy_resource(*t, &e.span, p, &mut found),
                None => found.push(self.arn_origin(v, p)),
            }
            boundary = found.into_iter().next();
        }
        let documents = policies.iter().map(|a| document(self, &a.origin)).collect();
        let boundary_doc = boundary.as_ref().map(|b| document(self, &b.origin));
        PrincipalPolicies {
            principal: p,
            policies,
            boundary,
            documents,
            boundary_doc,
        }
    }

    /// The principals in the scan a policy document held by resource `res` reaches: `res`
    /// itself when it is a principal (an inline document), the principals that inline or
    /// attach it, and those an attachment resource attaches it to. In resource order.
    pub fn holders(&self, res: usize) -> Vec<usize> {
        let mut out = BTreeSet::new();
        if is_principal(&self.resource(res).rtype) {
            out.insert(res);
        }
        for kind in [EdgeKind::InlinePolicy, EdgeKind::AttachedPolicy] {
            for (h, _) in self.graph.incoming(res, kind) {
                if is_principal(&self.resource(h).rtype) {
                    out.insert(h);
                } else {
                    for (p, _) in self.graph.incoming(h, kind) {
                        if is_principal(&self.resource(p).rtype) {
                            out.insert(p);
                        }
                    }
                }
            }
        }
        out.into_iter().collect()
    }

    /// Is policy resource `res` used only as a permissions boundary: some principal in the
    /// scan names it as its boundary, and none attaches or inlines it? A boundary limits
    /// what the principal's other policies grant and grants nothing itself, so the rules
    /// that judge grants (PRIV*) leave such a policy alone. A boundary so broad that it
    /// limits nothing gets no finding of its own: the principal's own policies are judged.
    pub fn boundary_only(&self, res: usize) -> bool {
        !self
            .graph
            .incoming(res, EdgeKind::PermissionsBoundary)
            .is_empty()
            && self
                .graph
                .incoming(res, EdgeKind::AttachedPolicy)
                .is_empty()
            && self.graph.incoming(res, EdgeKind::InlinePolicy).is_empty()
    }

    /// The principals of `kind` that policy or attachment resource `i` names only by text
    /// (a name or ARN of something outside the scan): the items of its attribute for that
    /// kind, when no principal of that kind in the scan is linked to it.
    pub fn unlinked_principals(&self, i: usize, kind: PrincipalKind) -> Vec<&Node> {
        let r = self.resource(i);
        let Some(v) = names_attr(&r.rtype, kind).and_then(|a| r.attr(&[a])) else {
            return Vec::new();
        };
        let linked = [EdgeKind::AttachedPolicy, EdgeKind::InlinePolicy]
            .iter()
            .flat_map(|k| self.graph.incoming(i, *k))
            .any(|(p, _)| PrincipalKind::of(&self.resource(p).rtype) == Some(kind));
        if linked { Vec::new() } else { v.items() }
    }

    /// The roles workloads run as, each with the workloads (and how they reach it), in
    /// role order.
    pub fn workload_roles(&self) -> Vec<(usize, Vec<(usize, &super::RoleUse)>)> {
        let mut by_role: std::collections::BTreeMap<usize, Vec<(usize, &super::RoleUse)>> =
            Default::default();
        for w in &self.workloads {
            for u in &w.roles {
                by_role.entry(u.role).or_default().push((w.res, u));
            }
        }
        by_role.into_iter().collect()
    }
}

/// Does span `outer` contain `inner`?
fn contains(outer: &Span, inner: &Span) -> bool {
    outer.file == inner.file
        && (outer.line, outer.col) <= (inner.line, inner.col)
        && (inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col)
}
