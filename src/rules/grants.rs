//! Helpers for the rules that judge what a principal is allowed to do (WL003, WL004,
//! PRIV007, PRIV008, ECS002, EKS001, SLR001): where a grant is written, how a finding names
//! the workloads that run as a role, and which granted actions fall outside an allowed set.

use crate::finding::Finding;
use crate::iam::dataset::{self, Action};
use crate::iam::escalation::{self, Found, Permissions, Scope};
use crate::iam::eval::{PolicySet, Witness, statement_allows};
use crate::iam::pattern::pattern_matches;
use crate::model::permissions::{ADMIN_POLICIES, Origin, PrincipalPolicies};
use crate::model::policy::{PolicyDocument, Statement, Tri};
use crate::model::{Model, RoleUse};
use crate::value::{Span, Value};
use std::collections::BTreeSet;

/// The workloads that run as a role, with how each reaches it.
pub type Uses<'a> = [(usize, &'a RoleUse)];

/// `the task role of aws_ecs_task_definition.app, the role of aws_lambda_function.api`.
pub fn users_text(m: &Model, uses: &Uses) -> String {
    uses.iter()
        .map(|(w, ru)| format!("{} of {}", ru.kind.describe(), m.resource(*w).address))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ")
}

/// `aws_lambda_function.api, aws_instance.web`: the workloads, by address.
pub fn workloads_text(m: &Model, uses: &Uses) -> String {
    uses.iter()
        .map(|(w, _)| m.resource(*w).address.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Add each workload's path to the role as related locations.
pub fn with_uses(m: &Model, uses: &Uses, mut f: Finding) -> Finding {
    for (w, ru) in uses {
        for (step, span) in &ru.path {
            let what = if step == w {
                format!("{} attaches it", m.resource(*step).address)
            } else {
                format!("via {}", m.resource(*step).address)
            };
            f = f.related(span.clone(), what);
        }
    }
    f
}

/// How a message names a statement: `statement "Sid" of aws_iam_policy.ci`, `statement 2
/// of inline policy "x" of aws_iam_role.app`, `AWS managed policy AdministratorAccess`.
pub fn statement_label(label: &str, st: &Statement, index: usize) -> String {
    match st
        .node
        .get_ci("Sid")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty())
    {
        Some(sid) => format!("statement \"{sid}\" of {label}"),
        None => format!("statement {} of {label}", index + 1),
    }
}

/// Where a grant is, and how to name it. For a document written in the scan: the `Action`
/// entry that grants `action` (or the statement); for an AWS managed policy: where it is
/// attached.
pub fn grant_site(
    pp: &PrincipalPolicies,
    index: &[usize],
    w: Witness,
    action: &str,
) -> (Span, String) {
    let attached = &pp.policies[index[w.policy]];
    let doc = pp.document(index[w.policy]);
    match (&attached.origin, doc) {
        (Origin::Written(_), Some(doc)) => {
            let st = &doc.statements[w.statement];
            (
                action_span(st, action),
                statement_label(&attached.label, st, w.statement),
            )
        }
        _ => (attached.span.clone(), attached.label.clone()),
    }
}

/// The `Action` entry of a statement that matches `action`, else the statement.
pub fn action_span(st: &Statement, action: &str) -> Span {
    st.node
        .get_ci("Action")
        .map(|a| a.items())
        .unwrap_or_default()
        .into_iter()
        .find(|n| n.as_str().is_some_and(|p| pattern_matches(p, action)))
        .map(|n| n.span.clone())
        .unwrap_or_else(|| st.node.span.clone())
}

/// One document on its own, as a policy set.
pub fn single(doc: &PolicyDocument) -> PolicySet<'_> {
    PolicySet {
        policies: vec![doc],
        unknown: 0,
        boundary: crate::iam::eval::Boundary::None,
    }
}

/// The escalation paths a set definitely allows.
pub fn escalations(set: &PolicySet) -> Vec<Found> {
    escalation::find(set)
        .into_iter()
        .filter(|f| f.verdict == Tri::Yes)
        .collect()
}

/// The scope each action of a path is required with.
pub fn scope_of(found: &Found, k: usize) -> Scope {
    let action = found.actions[k];
    found
        .path
        .requires
        .iter()
        .find(|(alts, _)| alts.contains(&action))
        .map(|(_, s)| *s)
        .unwrap_or(Scope::AnyResource)
}

/// A statement that allows `*` on `*` (PRIV001 reports it).
pub fn is_full_admin(st: &Statement) -> bool {
    st.allows() == Some(true)
        && st.node.get_ci("Action").is_some_and(|a| {
            a.items().iter().any(|i| {
                i.as_str()
                    .is_some_and(crate::rules::privilege::is_everything)
            })
        })
        && st
            .node
            .get_ci("Resource")
            .is_some_and(|r| r.items().iter().any(|i| i.as_str() == Some("*")))
}

/// Granted actions outside an allowed set, per granting entry.
pub struct Extra {
    /// Where the entry is (the `Action` entry, the statement, the managed attachment).
    pub span: Span,
    /// `s3:* (140 actions)`, `AWS managed policy AmazonS3FullAccess (s3:*, ...)`.
    pub text: String,
    pub actions: usize,
}

/// The actions a principal is definitely granted (per the evaluator: Deny and boundary
/// applied) that `allowed` does not accept, grouped by the entry that grants them, in policy
/// order. Unknown grants are left out.
pub fn beyond(pp: &PrincipalPolicies, allowed: &dyn Fn(&Action) -> bool) -> Vec<Extra> {
    let data = dataset::get();
    let (set, index) = pp.set();
    let mut out = Vec::new();
    for (k, doc) in set.policies.iter().enumerate() {
        let attached = &pp.policies[index[k]];
        let managed = matches!(attached.origin, Origin::Managed(_));
        let mut managed_entries: Vec<String> = Vec::new();
        let mut managed_count = 0;
        for st in &doc.statements {
            if st.allows() != Some(true) {
                continue;
            }
            // Each entry (an Action pattern, or the whole NotAction) with what it grants.
            let entries: Vec<(String, Span, Vec<&Action>)> = match st.not_actions() {
                Some(na) => {
                    let excluded: Vec<&str> = na.iter().filter_map(|n| n.as_str()).collect();
                    let grants = data
                        .actions()
                        .iter()
                        .filter(|a| !excluded.iter().any(|p| pattern_matches(p, a.name)))
                        .collect();
                    let text = format!("NotAction {}", excluded.join(", "));
                    vec![(text, st.node.span.clone(), grants)]
                }
                None => st
                    .actions()
                    .into_iter()
                    .filter_map(|n| match &n.value {
                        Value::String(p) => Some((p.clone(), n.span.clone(), data.expand(p))),
                        _ => None,
                    })
                    .collect(),
            };
            for (entry, span, grants) in entries {
                let extra: Vec<&Action> = grants
                    .into_iter()
                    .filter(|a| !allowed(a))
                    .filter(|a| statement_allows(st, a.name, Scope::AnyResource) == Tri::Yes)
                    .filter(|a| set.allows(a.name, Scope::AnyResource) == Tri::Yes)
                    .collect();
                if extra.is_empty() {
                    continue;
                }
                if managed {
                    managed_count += extra.len();
                    managed_entries.push(entry);
                } else {
                    out.push(Extra {
                        span,
                        text: crate::rules::privilege::entry_text(&entry, &extra, "extra"),
                        actions: extra.len(),
                    });
                }
            }
        }
        if managed && managed_count > 0 {
            managed_entries.dedup();
            let shown: Vec<&str> = managed_entries.iter().take(3).map(String::as_str).collect();
            out.push(Extra {
                span: attached.span.clone(),
                text: format!(
                    "{} ({}{})",
                    attached.label,
                    shown.join(", "),
                    if managed_entries.len() > 3 {
                        ", ..."
                    } else {
                        ""
                    }
                ),
                actions: managed_count,
            });
        }
    }
    out
}

/// Every action the named AWS managed policies allow (their `Action` patterns expanded
/// against the dataset), lowercase. Used as "what a service needs" baselines.
pub fn managed_actions(names: &[&str]) -> BTreeSet<String> {
    let data = dataset::get();
    let mut out = BTreeSet::new();
    for name in names {
        let Some(doc) = crate::iam::managed::get()
            .by_name(name)
            .and_then(|p| p.document())
        else {
            continue;
        };
        for st in doc.statements.iter().filter(|s| s.allows() == Some(true)) {
            for n in st.actions() {
                if let Some(p) = n.as_str() {
                    out.extend(data.expand(p).iter().map(|a| a.name.to_ascii_lowercase()));
                }
            }
        }
    }
    out
}

/// `s3:* (140 extra actions); AWS managed policy AmazonS3FullAccess (s3:*, ...)`, at most
/// `limit` entries, and the total.
pub fn extras_text(extras: &[Extra], limit: usize) -> (String, usize) {
    let total: usize = extras.iter().map(|e| e.actions).sum();
    let mut shown: Vec<&str> = extras.iter().take(limit).map(|e| e.text.as_str()).collect();
    if extras.len() > limit {
        shown.push("...");
    }
    (shown.join("; "), total)
}

/// How to fix an escalation path, for messages.
pub fn escalation_fix(found: &Found) -> &'static str {
    if found.path.id.starts_with("passrole-") {
        "scope iam:PassRole to the roles that must be passed, with an iam:PassedToService condition"
    } else if found.path.id.starts_with("assume-") || found.path.id.starts_with("update-any-") {
        "name the resources instead of \"*\""
    } else {
        "scope the IAM actions to the resources they must manage, or remove them"
    }
}

/// A finding about a role granted more than its job needs: at the first extra grant, with
/// the other grants and the workloads as related locations. The message reads "`role` is the
/// `users` and is granted N actions `beyond`: `list``tail`".
#[allow(clippy::too_many_arguments)]
pub fn extras_finding(
    m: &Model,
    id: &'static str,
    severity: crate::finding::Severity,
    role_i: usize,
    uses: &Uses,
    extras: &[Extra],
    beyond: &str,
    tail: &str,
) -> Option<Finding> {
    let first = extras.first()?;
    let role = m.resource(role_i);
    let (text, total) = extras_text(extras, 4);
    let mut f = Finding::new(
        id,
        severity,
        first.span.clone(),
        &role.address,
        format!(
            "{} is the {} and is granted {total} action{} {beyond}: {text}{tail}",
            role.address,
            users_text(m, uses),
            if total == 1 { "" } else { "s" },
        ),
    );
    for e in extras.iter().skip(1) {
        f = f.related(e.span.clone(), format!("also grants {}", e.text));
    }
    Some(with_uses(m, uses, f))
}

/// Actions each admin policy grants that a boundary meant to contain it would take away.
fn probes(policy: &str) -> &'static [&'static str] {
    match policy {
        "AdministratorAccess" => &["iam:PutRolePolicy", "ec2:RunInstances", "s3:GetObject"],
        "PowerUserAccess" => &["ec2:RunInstances", "lambda:CreateFunction", "s3:GetObject"],
        _ => &["iam:PutRolePolicy", "iam:CreateAccessKey"],
    }
}

/// Where a principal's administrator access comes from.
pub struct AdminGrant {
    /// The attachment (AWS managed) or the `Action` entry that grants it (written).
    pub span: Span,
    /// `AdministratorAccess`, or for a written policy the managed policy it amounts to.
    pub name: &'static str,
    /// `AWS managed policy AdministratorAccess`, `statement 1 of aws_iam_policy.ci`.
    pub label: String,
}

/// The admin access a principal has, whose grants survive its boundary and Deny
/// statements: an AWS managed admin policy attached, else effective permissions from any
/// source (a `*`-on-`*` or `iam:*`-on-`*` statement in a customer or inline policy) that
/// allow every probe of AdministratorAccess or IAMFullAccess on every resource.
pub fn admin_grant(pp: &PrincipalPolicies) -> Option<AdminGrant> {
    let (set, index) = pp.set();
    if let Some(a) = pp.policies.iter().find(|a| {
        a.managed_name().is_some_and(|name| {
            ADMIN_POLICIES.contains(&name)
                && probes(name)
                    .iter()
                    .all(|p| set.allows(p, Scope::AnyResource) == Tri::Yes)
        })
    }) {
        return Some(AdminGrant {
            span: a.span.clone(),
            name: a.managed_name().unwrap_or_default(),
            label: a.label.clone(),
        });
    }
    for name in ["AdministratorAccess", "IAMFullAccess"] {
        if probes(name)
            .iter()
            .all(|p| set.allows(p, Scope::Star) == Tri::Yes)
        {
            let first = probes(name)[0];
            let w = set.decide(first, Scope::Star).by?;
            let (span, label) = grant_site(pp, &index, w, first);
            return Some(AdminGrant { span, name, label });
        }
    }
    None
}

/// What a principal's credentials let their holder do, as the PATH rules join it to an
/// entry: the worst a thief of the credentials gains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImpactKind {
    /// Administrator access (WL003's judgement).
    Admin,
    /// A privilege-escalation path (WL004's judgement), by catalogue ID.
    Escalation(&'static str),
    /// Read of data or secrets on every resource (PRIV006's actions, on effective
    /// permissions).
    DataRead,
    /// Write or delete on every resource of some services (comma-separated).
    ServiceWrite(String),
}

/// One impact, with where it is granted and how to remove it.
#[derive(Clone, Debug)]
pub struct Impact {
    pub kind: ImpactKind,
    /// `administers the account: AWS managed policy AdministratorAccess allows every action
    /// on every resource`.
    pub summary: String,
    /// The grants, first the one to change.
    pub sites: Vec<(Span, String)>,
    /// How to remove this link.
    pub fix: String,
}

/// The impacts of a principal's effective permissions (identity policies, Deny statements
/// and the boundary applied): administrator access, else the first escalation path; read of
/// data on every resource; write or delete on every resource of a service (one impact per
/// service). Only what is definitely allowed counts; an unknown grant never makes an
/// impact.
pub fn impacts(pp: &PrincipalPolicies) -> Vec<Impact> {
    let mut out = Vec::new();
    if let Some(admin) = admin_grant(pp) {
        out.push(Impact {
            kind: ImpactKind::Admin,
            summary: format!(
                "administers the account ({} allows {})",
                admin.label,
                match admin.name {
                    "IAMFullAccess" => "full control of IAM",
                    "PowerUserAccess" => "every action outside IAM and Organizations",
                    _ => "every action on every resource",
                }
            ),
            sites: vec![(admin.span, admin.label)],
            fix: "attach a policy that names the actions and resources it uses instead".into(),
        });
    }
    let (set, index) = pp.set();
    if out.is_empty()
        && let Some(first) = escalations(&set).into_iter().next()
    {
        let mut sites = Vec::new();
        for (k, action) in first.actions.iter().enumerate() {
            if let Some(w) = set.decide(action, scope_of(&first, k)).by {
                let (span, label) = grant_site(pp, &index, w, action);
                sites.push((span, format!("{action} from {label}")));
            }
        }
        if !sites.is_empty() {
            out.push(Impact {
                kind: ImpactKind::Escalation(first.path.id),
                summary: format!(
                    "can make itself an administrator: it can {} ({})",
                    first.path.summary,
                    sites
                        .iter()
                        .map(|(_, t)| t.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
                sites,
                fix: escalation_fix(&first).to_string(),
            });
        }
    }
    // Admin and escalation imply everything below: one finding says it.
    if !out.is_empty() {
        return out;
    }
    let read: Vec<(&str, Witness)> =
        crate::rules::privilege::policy_data_read_any_resource::DATA_READ
            .iter()
            .filter_map(|a| {
                let d = set.decide(a, Scope::Star);
                (d.verdict == Tri::Yes).then_some((*a, d.by?))
            })
            .collect();
    if let Some((first, w)) = read.first() {
        let (span, label) = grant_site(pp, &index, *w, first);
        let names: Vec<&str> = read.iter().map(|(a, _)| *a).collect();
        out.push(Impact {
            kind: ImpactKind::DataRead,
            summary: format!(
                "can read data or secrets on every resource of the account ({} on \"*\", from {label})",
                names.join(", ")
            ),
            sites: vec![(span, format!("{first} on \"*\" from {label}"))],
            fix: "put the ARNs it reads in Resource".into(),
        });
    }
    // One impact for every service so written: the services are listed.
    let writes = service_writes(&set);
    if let Some((_, actions)) = writes.first() {
        let (first, w) = actions[0];
        let (span, label) = grant_site(pp, &index, w, first);
        let services: Vec<&str> = writes.iter().map(|(s, _)| s.as_str()).collect();
        let listed: Vec<String> = writes
            .iter()
            .map(|(s, a)| {
                format!(
                    "{s}: {} action{}, {}{}",
                    a.len(),
                    if a.len() == 1 { "" } else { "s" },
                    a.iter()
                        .take(2)
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                    if a.len() > 2 { ", ..." } else { "" }
                )
            })
            .collect();
        out.push(Impact {
            kind: ImpactKind::ServiceWrite(services.join(",")),
            summary: format!(
                "can write or delete every resource of {} in the account ({}; on \"*\", from {label})",
                services.join(", "),
                listed.join("; "),
            ),
            sites: vec![(span, format!("{first} on \"*\" from {label}"))],
            fix: format!("name the {} resources it changes in Resource", services.join(", ")),
        });
    }
    out
}

/// The services on every resource of which the set definitely allows every Write action
/// that can be scoped to resources (`dynamodb:*`, or `Put*`, `Delete*`, ... together), each
/// with the actions and the statement granting the first. A few writes of a service on
/// `"*"` (the ENI actions every EKS node needs) are PRIV003's finding, not an impact on
/// the whole service. Only services an `Allow` statement names (or `*`, or a `NotAction`)
/// are evaluated.
fn service_writes(set: &PolicySet) -> Vec<(String, Vec<(&'static str, Witness)>)> {
    let data = dataset::get();
    let mut services: BTreeSet<String> = BTreeSet::new();
    let mut every = false;
    for doc in &set.policies {
        for st in doc.statements.iter().filter(|s| s.allows() == Some(true)) {
            if st.not_actions().is_some() {
                every = true;
            }
            for a in st.actions() {
                match a.as_str().and_then(|p| p.split_once(':')) {
                    Some((s, _)) if !s.contains(['*', '?']) => {
                        services.insert(s.to_ascii_lowercase());
                    }
                    _ => every |= a.as_str().is_some(),
                }
            }
        }
    }
    // Per service: how many scopable Write actions it has, and those allowed on "*".
    type Writes = (usize, Vec<(&'static str, Witness)>);
    let mut by_service: std::collections::BTreeMap<&str, Writes> = Default::default();
    for a in data.actions() {
        if a.level != dataset::AccessLevel::Write || !a.has_resource_types() {
            continue;
        }
        let service = a.service();
        if !every && !services.contains(&service.to_ascii_lowercase()) {
            continue;
        }
        let entry = by_service.entry(service).or_default();
        entry.0 += 1;
        let d = set.decide(a.name, Scope::Star);
        if d.verdict == Tri::Yes
            && let Some(w) = d.by
        {
            entry.1.push((a.name, w));
        }
    }
    by_service
        .into_iter()
        .filter(|(_, (total, allowed))| *total > 0 && allowed.len() == *total)
        .map(|(s, (_, allowed))| (s.to_string(), allowed))
        .collect()
}
