//! `rolegraph explain ADDRESS`: a workload's credential chain (workload -> profile -> role ->
//! policies, each with its file and line) and the role's effective permissions, grouped by
//! service and access level with the resources they apply to. A role, user or group can be
//! explained too: its policies, its permissions, and the workloads that run as it.
//!
//! What comes from the scanned files is masked and escaped ([`crate::secrets::sanitize`])
//! before either rendering sees it.

use crate::ScanOptions;
use crate::document::Resource;
use crate::graph::EdgeKind;
use crate::iam::dataset::{self, AccessLevel};
use crate::iam::escalation::Scope;
use crate::iam::eval::{has_resources, resource_pattern, statement_allows};
use crate::model::Model;
use crate::model::permissions::{Origin, PrincipalPolicies, is_principal};
use crate::model::policy::{PolicyDocument, Tri};
use crate::value::{Span, Value};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Serialize)]
pub struct Explanation {
    pub(crate) address: String,
    pub(crate) resource_type: String,
    pub(crate) location: String,
    /// The roles the resource runs as (a workload), or the principal itself.
    pub(crate) principals: Vec<PrincipalView>,
    /// For a principal: the workloads that run as it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) used_by: Vec<Step>,
    /// The findings of the scan about this resource and its credential chain (the
    /// resources on the path, the principals, their policies), as `rolegraph scan` reports
    /// them (suppressed ones left out).
    pub(crate) findings: Vec<FindingView>,
    /// Who the workload hands its role to, when not itself (an EKS Pod Identity
    /// association: the pods of one service account in one cluster).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) gives_role_to: Option<String>,
}

#[derive(Serialize)]
pub struct FindingView {
    pub(crate) rule_id: &'static str,
    pub(crate) severity: crate::finding::Severity,
    pub(crate) resource: String,
    pub(crate) location: String,
    pub(crate) message: String,
}

#[derive(Serialize, Clone)]
pub struct Step {
    pub(crate) address: String,
    /// How it links to the next step (`instance profile`, `task role`).
    pub(crate) link: String,
    pub(crate) location: String,
}

#[derive(Serialize)]
pub struct PrincipalView {
    pub(crate) address: String,
    pub(crate) location: String,
    /// The steps from the workload to the principal (workload first), when explaining a
    /// workload.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) path: Vec<Step>,
    /// The principals the trust policy names (roles only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) trusts: Vec<String>,
    pub(crate) policies: Vec<PolicyView>,
    pub(crate) boundary: Option<PolicyView>,
    /// False when a policy or the boundary is not statically known: the permissions below
    /// may be more or fewer.
    pub(crate) complete: bool,
    /// service -> access level -> what is granted.
    pub(crate) permissions: BTreeMap<String, BTreeMap<String, Grant>>,
}

#[derive(Serialize)]
pub struct PolicyView {
    pub(crate) name: String,
    /// `written`, `aws-managed`, `unknown`.
    pub(crate) kind: &'static str,
    pub(crate) location: String,
}

#[derive(Serialize, Default)]
pub struct Grant {
    pub(crate) actions: Vec<String>,
    pub(crate) resources: Vec<String>,
    /// Granted only under a condition (or the statement has parts not statically known).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) conditional: bool,
}

fn loc(span: &Span) -> String {
    if span.is_none() {
        String::new()
    } else {
        format!("{}:{}", span.file, span.line)
    }
}

fn matches(r: &Resource, target: &str) -> bool {
    r.address == target || r.ref_address == target
}

/// Why there is nothing to explain.
#[derive(Debug, thiserror::Error)]
pub enum ExplainError {
    #[error(
        "no resource {0} in the scanned files (give a Terraform address such as aws_lambda_function.api or a CloudFormation logical ID)"
    )]
    NoResource(String),
}

/// Explain every resource that `target` names in the scan `opts` describes (its paths,
/// variables and configuration, as `rolegraph scan` reads them).
pub fn explain(opts: &ScanOptions, target: &str) -> Result<Vec<Explanation>, ExplainError> {
    let parsed = crate::parse_each(opts, &|_, _| {}, |p| {
        if !p.doc.resources.iter().any(|r| matches(r, target)) {
            return Vec::new();
        }
        // The findings of this input, as `scan` makes them (the model rules: what is
        // about the chain).
        let (findings, _) = crate::check(p.doc.clone(), &opts.rules(), &opts.account_ids);
        let model = crate::build_model(p.doc.resources, &opts.account_ids);
        (0..model.graph.resources.len())
            .filter(|&i| matches(model.resource(i), target))
            .map(|i| {
                let mut e = explain_one(&model, i);
                e.findings = findings_of(&e, &findings);
                e
            })
            .collect()
    });
    let mut out: Vec<Explanation> = parsed.results.into_iter().flatten().flatten().collect();
    if out.is_empty() {
        return Err(ExplainError::NoResource(target.to_string()));
    }
    out.sort_by(|a, b| a.address.cmp(&b.address).then(a.location.cmp(&b.location)));
    out.iter_mut().for_each(clean);
    Ok(out)
}

/// Mask every text of an explanation that comes from the scanned files and escape its
/// control characters ([`crate::secrets::sanitize`]): the text and JSON renderings print
/// it as it is.
fn clean(e: &mut Explanation) {
    use crate::secrets::sanitize;
    let s = |x: &mut String| *x = sanitize(x);
    let step = |st: &mut Step| {
        s(&mut st.address);
        s(&mut st.link);
        s(&mut st.location);
    };
    let policy = |p: &mut PolicyView| {
        s(&mut p.name);
        s(&mut p.location);
    };
    s(&mut e.address);
    s(&mut e.resource_type);
    s(&mut e.location);
    e.used_by.iter_mut().for_each(step);
    for f in &mut e.findings {
        s(&mut f.resource);
        s(&mut f.location);
        s(&mut f.message);
    }
    for p in &mut e.principals {
        s(&mut p.address);
        s(&mut p.location);
        p.path.iter_mut().for_each(step);
        p.trusts.iter_mut().for_each(s);
        p.policies.iter_mut().for_each(policy);
        p.boundary.iter_mut().for_each(policy);
        for grant in p.permissions.values_mut().flat_map(|m| m.values_mut()) {
            grant.actions.iter_mut().for_each(s);
            grant.resources.iter_mut().for_each(s);
        }
    }
}

/// The findings about an explained resource: those whose resource is it, a step of its
/// chain or one of its principals, or that point at one of their policies.
fn findings_of(e: &Explanation, findings: &[crate::finding::Finding]) -> Vec<FindingView> {
    let mut addresses: BTreeSet<&str> = BTreeSet::new();
    let mut places: BTreeSet<&str> = BTreeSet::new();
    addresses.insert(&e.address);
    for p in &e.principals {
        addresses.insert(&p.address);
        addresses.extend(p.path.iter().map(|s| s.address.as_str()));
        places.extend(
            p.policies
                .iter()
                .chain(&p.boundary)
                .map(|pol| pol.location.as_str())
                .filter(|l| !l.is_empty()),
        );
    }
    addresses.extend(e.used_by.iter().map(|s| s.address.as_str()));
    let mut out: Vec<FindingView> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| {
            addresses.contains(f.resource.as_str()) || places.contains(loc(&f.span).as_str())
        })
        .map(|f| FindingView {
            rule_id: f.rule_id,
            severity: f.severity,
            resource: f.resource.clone(),
            location: if f.span.is_none() {
                String::new()
            } else {
                f.span.to_string()
            },
            message: f.message.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        (b.severity, a.rule_id, &a.location, &a.message).cmp(&(
            a.severity,
            b.rule_id,
            &b.location,
            &b.message,
        ))
    });
    out.dedup_by(|a, b| {
        a.rule_id == b.rule_id && a.location == b.location && a.message == b.message
    });
    out
}

/// The steps from a workload to each of its roles (workload first), as the model links
/// them: the same links the rules follow.
fn role_paths(m: &Model, w: &crate::model::Workload) -> Vec<(usize, Vec<Step>)> {
    w.roles
        .iter()
        .map(|ru| {
            let mut path: Vec<Step> = ru
                .path
                .iter()
                .enumerate()
                .map(|(k, (step, span))| Step {
                    address: m.resource(*step).address.clone(),
                    link: if k + 1 == ru.path.len() {
                        ru.kind.describe().to_string()
                    } else {
                        EdgeKind::UsesInstanceProfile.describe().to_string()
                    },
                    location: loc(span),
                })
                .collect();
            path.dedup_by(|a, b| a.address == b.address && a.link == b.link);
            (ru.role, path)
        })
        .collect()
}

fn explain_one(m: &Model, i: usize) -> Explanation {
    let r = m.resource(i);
    let mut principals = Vec::new();
    let mut used_by = Vec::new();
    // An instance (or group) that launches from a launch template or configuration runs
    // with the profile that one names: the rules follow that link, and so does explain.
    let launched_from: Vec<(usize, Span, EdgeKind)> = [
        EdgeKind::UsesLaunchTemplate,
        EdgeKind::UsesLaunchConfiguration,
    ]
    .into_iter()
    .flat_map(|k| {
        m.graph
            .out(i, k)
            .into_iter()
            .map(move |(t, e)| (t, e.span.clone(), k))
    })
    .collect();
    let own = m
        .workloads
        .iter()
        .find(|w| w.res == i && !w.roles.is_empty());
    if let Some(w) = own {
        for (role, path) in role_paths(m, w) {
            principals.push(principal_view(m, role, path));
        }
    } else if let Some((w, span, kind)) = launched_from.iter().find_map(|(t, span, k)| {
        m.workloads
            .iter()
            .find(|w| w.res == *t && !w.roles.is_empty())
            .map(|w| (w, span, k))
    }) {
        for (role, rest) in role_paths(m, w) {
            let mut path = vec![Step {
                address: r.address.clone(),
                link: kind.describe().to_string(),
                location: loc(span),
            }];
            path.extend(rest);
            principals.push(principal_view(m, role, path));
        }
    } else if is_principal(&r.rtype) {
        principals.push(principal_view(m, i, Vec::new()));
        for w in &m.workloads {
            for ru in w.roles.iter().filter(|ru| ru.role == i) {
                used_by.push(Step {
                    address: m.resource(w.res).address.clone(),
                    link: ru.kind.describe().to_string(),
                    location: loc(&ru.path[0].1),
                });
            }
        }
    }
    Explanation {
        address: r.address.clone(),
        resource_type: r.rtype.clone(),
        location: loc(&r.span),
        principals,
        used_by,
        findings: Vec::new(),
        gives_role_to: m.workload_subject(i),
    }
}

fn policy_view(a: &crate::model::permissions::Attached) -> PolicyView {
    PolicyView {
        name: a.label.clone(),
        kind: match a.origin {
            Origin::Written(_) => "written",
            Origin::Managed(_) => "aws-managed",
            Origin::Unknown => "unknown",
        },
        location: loc(&a.span),
    }
}

fn principal_view(m: &Model, p: usize, path: Vec<Step>) -> PrincipalView {
    let r = m.resource(p);
    let pp = m.principal_policies(p);
    let trusts = crate::model::trust_policy(r)
        .and_then(PolicyDocument::parse)
        .map(|d| d.principals())
        .unwrap_or_default();
    let (set, _) = pp.set();
    PrincipalView {
        address: r.address.clone(),
        location: loc(&r.span),
        path,
        trusts,
        policies: pp.policies.iter().map(policy_view).collect(),
        boundary: pp.boundary.as_ref().map(policy_view),
        complete: set.complete(),
        permissions: permissions(&pp),
    }
}

/// What each Allow statement grants, as the evaluator decides it for the whole set.
fn permissions(pp: &PrincipalPolicies) -> BTreeMap<String, BTreeMap<String, Grant>> {
    let data = dataset::get();
    let (set, _) = pp.set();
    let mut out: BTreeMap<String, BTreeMap<String, Grant>> = BTreeMap::new();
    let mut seen: BTreeMap<(String, String), (BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    for doc in &set.policies {
        for st in doc.statements.iter().filter(|s| s.allows() == Some(true)) {
            if !has_resources(st) {
                continue;
            }
            let candidates: Vec<&dataset::Action> = match st.not_actions() {
                Some(_) => data.actions().iter().collect(),
                None => st
                    .actions()
                    .into_iter()
                    .filter_map(|n| n.as_str())
                    .flat_map(|p| data.expand(p))
                    .collect(),
            };
            for a in candidates {
                if statement_allows(st, a.name, Scope::AnyResource) == Tri::No {
                    continue;
                }
                let verdict = set.decide(a.name, Scope::AnyResource).verdict;
                if verdict == Tri::No {
                    continue;
                }
                let key = (a.service().to_string(), level_name(a.level).to_string());
                let e = seen.entry(key.clone()).or_default();
                e.0.insert(a.name.to_string());
                // The resources of the statement this action acts on (the same per-action
                // test the evaluator applies).
                e.1.extend(resource_text(st, a));
                let g = out.entry(key.0).or_default().entry(key.1).or_default();
                // A condition (or an unknown part) of the statement itself; what unknown
                // policies might change is said once, for the whole principal.
                if statement_allows(st, a.name, Scope::AnyResource) == Tri::Unknown {
                    g.conditional = true;
                }
            }
        }
    }
    for ((svc, level), (actions, resources)) in seen {
        let g = out.entry(svc).or_default().entry(level).or_default();
        g.actions = actions.into_iter().collect();
        g.resources = resources.into_iter().collect();
    }
    out
}

const LEVEL_ORDER: &[&str] = &["List", "Read", "Write", "Permissions management", "Tagging"];

fn level_name(l: AccessLevel) -> &'static str {
    l.as_str()
}

fn resource_text(st: &crate::model::policy::Statement, action: &dataset::Action) -> Vec<String> {
    let text = |n: &crate::value::Node| match &n.value {
        Value::String(s) => s.clone(),
        _ => n.display_text().unwrap_or_else(|| "(not known)".into()),
    };
    if let Some(nr) = st.node.get_ci("NotResource") {
        return vec![format!(
            "all but {}",
            nr.items()
                .iter()
                .map(|n| text(n))
                .collect::<Vec<_>>()
                .join(", ")
        )];
    }
    st.node
        .get_ci("Resource")
        .map(|r| {
            r.items()
                .iter()
                .filter(|n| action.applies_to(&resource_pattern(n).0))
                .map(|n| text(n))
                .collect()
        })
        .unwrap_or_default()
}

/// The explanation as text.
pub fn render_text(list: &[Explanation]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (k, e) in list.iter().enumerate() {
        if k > 0 {
            s.push('\n');
        }
        let _ = writeln!(s, "{} ({}) at {}", e.address, e.resource_type, e.location);
        if e.principals.is_empty() {
            let _ = writeln!(
                s,
                "  no role: it is not a workload rolegraph links to a role, nor a role, user or group"
            );
        }
        if let Some(to) = &e.gives_role_to {
            let _ = writeln!(s, "  gives its role to {to}");
        }
        for u in &e.used_by {
            let _ = writeln!(
                s,
                "  used as the {} of {} at {}",
                u.link, u.address, u.location
            );
        }
        for p in &e.principals {
            for step in &p.path {
                let _ = writeln!(
                    s,
                    "  -> {} {} (at {})",
                    step.link,
                    next_name(p, step),
                    step.location
                );
            }
            let _ = writeln!(s, "  {} at {}", p.address, p.location);
            if !p.trusts.is_empty() {
                let _ = writeln!(s, "    trusts: {}", p.trusts.join(", "));
            }
            if p.policies.is_empty() {
                let _ = writeln!(s, "    policies: none in the scan");
            } else {
                let _ = writeln!(s, "    policies:");
                for pol in &p.policies {
                    let _ = writeln!(s, "      - {} ({}) at {}", pol.name, pol.kind, pol.location);
                }
            }
            if let Some(b) = &p.boundary {
                let _ = writeln!(
                    s,
                    "    permissions boundary: {} ({}) at {}",
                    b.name, b.kind, b.location
                );
            }
            let _ = writeln!(
                s,
                "    effective permissions{}:",
                if p.complete {
                    ""
                } else {
                    " (incomplete: a policy or the boundary is not statically known)"
                }
            );
            if p.permissions.is_empty() {
                let _ = writeln!(s, "      none");
            }
            if let Some(line) = every_action(p) {
                let _ = writeln!(s, "      {line}");
                continue;
            }
            const MAX_SERVICES: usize = 40;
            for (svc, by_name) in p.permissions.iter().take(MAX_SERVICES) {
                // List, Read, Write, Permissions management, Tagging.
                let mut levels: Vec<(&String, &Grant)> = by_name.iter().collect();
                levels.sort_by_key(|(l, _)| LEVEL_ORDER.iter().position(|o| o == l));
                let total = dataset::get().expand(&format!("{svc}:*")).len();
                let parts: Vec<String> = levels
                    .iter()
                    .copied()
                    .map(|(level, g)| {
                        let shown = if g.actions.len() <= 3 {
                            g.actions
                                .iter()
                                .map(|a| a.split_once(':').map_or(a.as_str(), |x| x.1))
                                .collect::<Vec<_>>()
                                .join(", ")
                        } else {
                            format!("{} actions", g.actions.len())
                        };
                        format!(
                            "{level}: {shown} on {}{}",
                            g.resources.join(", "),
                            if g.conditional { " (conditional)" } else { "" }
                        )
                    })
                    .collect();
                let n: usize = levels.iter().map(|(_, g)| g.actions.len()).sum();
                let _ = writeln!(
                    s,
                    "      {svc} ({n} of {total} actions{})",
                    if n == total { ", all" } else { "" }
                );
                for part in parts {
                    let _ = writeln!(s, "        {part}");
                }
            }
            if p.permissions.len() > MAX_SERVICES {
                let _ = writeln!(
                    s,
                    "      ... and {} more services (--format json lists them all)",
                    p.permissions.len() - MAX_SERVICES
                );
            }
        }
        if e.findings.is_empty() {
            let _ = writeln!(s, "  findings: none");
        } else {
            let _ = writeln!(s, "  findings:");
            for f in &e.findings {
                let _ = writeln!(
                    s,
                    "    {}[{}] at {}: {}",
                    f.severity, f.rule_id, f.location, f.message
                );
            }
        }
    }
    crate::secrets::guard_lines(&s)
}

/// One line for a principal that may call every action of every service (`"Action": "*"`,
/// AdministratorAccess) instead of a block per service: `None` when some action is not
/// granted.
fn every_action(p: &PrincipalView) -> Option<String> {
    let data = dataset::get();
    let services: BTreeSet<&str> = data.actions().iter().map(|a| a.service()).collect();
    if p.permissions.len() != services.len() {
        return None;
    }
    let mut resources: BTreeSet<&str> = BTreeSet::new();
    let mut conditional = false;
    for (svc, by_level) in &p.permissions {
        let n: usize = by_level.values().map(|g| g.actions.len()).sum();
        if n != data.expand(&format!("{svc}:*")).len() {
            return None;
        }
        for g in by_level.values() {
            resources.extend(g.resources.iter().map(String::as_str));
            conditional |= g.conditional;
        }
    }
    Some(format!(
        "every action of every service (*) on {}{}",
        resources.into_iter().collect::<Vec<_>>().join(", "),
        if conditional { " (conditional)" } else { "" }
    ))
}

fn next_name<'a>(p: &'a PrincipalView, step: &Step) -> &'a str {
    // The step after `step` in the path, or the principal.
    let pos = p
        .path
        .iter()
        .position(|s| s.address == step.address && s.link == step.link);
    match pos.and_then(|i| p.path.get(i + 1)) {
        Some(next) => &next.address,
        None => &p.address,
    }
}
