//! `rolegraph simulate`: is a request of a workload or principal of the configuration
//! allowed, and why, read from the code alone.
//!
//! - `simulate ADDRESS ACTION [RESOURCE]`: the identity policies, Deny statements and
//!   permissions boundary of each role the resource runs as (or of the principal itself),
//!   evaluated by the one engine ([`PolicySet::simulate`], the evaluation the rules and
//!   `explain` use) with conditions evaluated against the `--context` keys; for a workload,
//!   whether its service can assume the role (the trust policy).
//! - `simulate --assume ROLE --principal P`: can a service, account, role, user, OIDC or
//!   SAML provider (with its claims as context keys) or IAM Roles Anywhere (certificate
//!   attributes as `aws:PrincipalTag/x509...` keys) assume the role?
//!
//! Every answer is `allowed`, `denied`, or `depends` (on condition keys the context does
//! not give, or on a policy whose content is not known), each with the statements that
//! decide it (file:line). What comes from the scanned files is masked and escaped before
//! rendering ([`crate::secrets::sanitize`]).

use crate::ScanOptions;
use crate::document::Resource;
use crate::iam::condition::{self, Context, Holds};
use crate::iam::eval::{BOUNDARY, Match, NOT_KNOWN, Request, Simulated};
use crate::model::Model;
use crate::model::permissions::{PrincipalPolicies, is_principal};
use crate::model::policy::{PolicyDocument, Statement, Tri};
use crate::value::{Node, Ref, Span, Value};
use serde::Serialize;

/// Why a simulation cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    #[error(
        "no resource {0} in the scanned files (give a Terraform address such as aws_lambda_function.api or a CloudFormation logical ID)"
    )]
    NoResource(String),
    #[error("{0} is neither a workload rolegraph links to a role nor a role, user or group")]
    NoPrincipal(String),
    #[error("{0} is not a role (--assume takes a role's address)")]
    NotARole(String),
    #[error("--context expects KEY=VALUE, got {0:?}")]
    Context(String),
    #[error("{0:?} is not an action (service:Action)")]
    Action(String),
    #[error(
        "{0:?} is not a principal (a service such as lambda.amazonaws.com, an account ID, or an ARN)"
    )]
    Principal(String),
}

/// The answer, as the output names it.
fn verdict_name(h: &Holds) -> &'static str {
    match h {
        Holds::Yes => "allowed",
        Holds::No => "denied",
        Holds::Depends(_) => "depends",
    }
}

fn depends_on(h: &Holds) -> Vec<String> {
    match h {
        Holds::Depends(k) if k.is_empty() => vec![NOT_KNOWN.to_string()],
        Holds::Depends(k) => k.clone(),
        _ => Vec::new(),
    }
}

fn loc(span: &Span) -> String {
    if span.is_none() {
        String::new()
    } else {
        format!("{}:{}", span.file, span.line)
    }
}

/// One reason for an answer: a statement, a policy, the boundary, the trust policy.
#[derive(Serialize, Clone, Debug)]
pub struct Reason {
    /// `allow`, `deny`, `boundary`, `boundary-deny`, `no-grant`, `closest`, `unknown-policy`,
    /// `trust`.
    pub kind: &'static str,
    pub message: String,
    /// file:line, when there is one.
    pub location: String,
    /// Condition keys the statement depends on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// For `closest`: `resource` (another resource), `condition` (a condition that does not
    /// hold) or `service` (other actions of the service); what `diagnose` classifies by.
    #[serde(skip)]
    pub(crate) closest: Option<&'static str>,
}

/// The answer for one principal.
#[derive(Serialize, Debug)]
pub struct PrincipalAnswer {
    pub address: String,
    pub location: String,
    /// How the workload reaches it (`instance profile aws_iam_instance_profile.app`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<String>,
    pub verdict: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    pub reasons: Vec<Reason>,
}

/// The answer for one resource the address names.
#[derive(Serialize, Debug)]
pub struct Simulation {
    pub address: String,
    pub resource_type: String,
    pub location: String,
    pub action: String,
    /// The resource the request acts on (`*`: any resource the statements name).
    pub resource: String,
    /// `allowed` when one of the principals is allowed, else `depends` when one may be,
    /// else `denied`.
    pub verdict: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    pub principals: Vec<PrincipalAnswer>,
}

impl Simulation {
    pub fn allowed(&self) -> bool {
        self.verdict == "allowed"
    }
}

fn matches(r: &Resource, target: &str) -> bool {
    r.address == target || r.ref_address == target
}

/// The request's resource: an ARN, `*`, or the address of a resource of the configuration
/// (its ARN as the configuration gives it, so `aws_sqs_queue.jobs` matches statements that
/// name `aws_sqs_queue.jobs.arn`).
fn resource_node(resource: Option<&str>) -> Option<Node> {
    let r = resource.filter(|r| *r != "*")?;
    if r.starts_with("arn:") {
        return Some(Node::string(r, Span::none()));
    }
    let attr = if r.contains('.') { "arn" } else { "Arn" };
    Some(Node::new(
        Value::Ref(Ref {
            target: r.to_string(),
            attr: attr.to_string(),
        }),
        Span::none(),
    ))
}

/// Parse `--context KEY=VALUE` pairs.
pub fn context(pairs: &[String], closed: bool) -> Result<Context, SimulateError> {
    let mut ctx = Context::new();
    for p in pairs {
        let (k, v) = Context::parse_pair(p).ok_or_else(|| SimulateError::Context(p.clone()))?;
        ctx.insert(&k, &v);
    }
    ctx.closed = closed;
    Ok(ctx)
}

/// Load the model of every document that holds `target`, and answer with `each`.
fn with_models<T: Send>(
    opts: &ScanOptions,
    target: &str,
    each: impl Fn(&Model, usize) -> Result<T, SimulateError> + Sync,
) -> Result<Vec<T>, SimulateError> {
    let parsed = crate::parse_each(opts, &|_, _| {}, |p| {
        if !p.doc.resources.iter().any(|r| matches(r, target)) {
            return Vec::new();
        }
        let model = crate::build_model(p.doc.resources, &opts.account_ids);
        (0..model.graph.resources.len())
            .filter(|&i| matches(model.resource(i), target))
            .map(|i| each(&model, i))
            .collect()
    });
    let out: Result<Vec<T>, SimulateError> =
        parsed.results.into_iter().flatten().flatten().collect();
    let out = out?;
    if out.is_empty() {
        return Err(SimulateError::NoResource(target.to_string()));
    }
    Ok(out)
}

/// `rolegraph simulate ADDRESS ACTION [RESOURCE]`.
pub fn simulate(
    opts: &ScanOptions,
    target: &str,
    action: &str,
    resource: Option<&str>,
    ctx: &Context,
) -> Result<Vec<Simulation>, SimulateError> {
    if !action.contains(':') || action.starts_with(':') {
        return Err(SimulateError::Action(action.to_string()));
    }
    let node = resource_node(resource);
    let mut out = with_models(opts, target, |m, i| {
        let req = Request {
            action,
            resource: node.as_ref(),
            context: ctx,
        };
        simulate_one(m, i, &req)
    })?;
    for s in &mut out {
        s.resource = resource.unwrap_or("*").to_string();
        clean(s);
    }
    out.sort_by(|a, b| a.address.cmp(&b.address).then(a.location.cmp(&b.location)));
    Ok(out)
}

fn simulate_one(m: &Model, i: usize, req: &Request) -> Result<Simulation, SimulateError> {
    let r = m.resource(i);
    let mut principals = Vec::new();
    if let Some(w) = m.workloads.iter().find(|w| w.res == i) {
        for ru in &w.roles {
            let via: Vec<String> = ru
                .path
                .iter()
                .skip(1)
                .map(|(step, _)| m.resource(*step).address.clone())
                .collect();
            let mut answer = principal_answer(m, ru.role, req);
            answer.via = via;
            // The workload acts as the role only if its service can assume it.
            let role = m.resource(ru.role);
            let trust = crate::model::trust_policy(role).and_then(PolicyDocument::parse);
            let at = loc(&crate::model::trust_attr_span(role));
            let trusted = match &trust {
                Some(d) => d.trusts_service(ru.service),
                None => Tri::Unknown,
            };
            match trusted {
                Tri::Yes => {}
                Tri::No => {
                    answer.verdict = "denied";
                    answer.depends_on.clear();
                    answer.reasons.insert(
                        0,
                        Reason {
                            kind: "trust",
                            message: format!(
                                "{} cannot assume {}: its trust policy does not trust {} (add it as a Service principal allowed sts:AssumeRole)",
                                ru.service, role.address, ru.service
                            ),
                            location: at,
                            depends_on: Vec::new(),
 closest: None,
                        },
                    );
                }
                Tri::Unknown => {
                    if answer.verdict == "allowed" {
                        answer.verdict = "depends";
                        answer.depends_on = vec![NOT_KNOWN.to_string()];
                    }
                    answer.reasons.insert(
                        0,
                        Reason {
                            kind: "trust",
                            message: format!(
                                "whether {} can assume {} is not statically known (its trust policy)",
                                ru.service, role.address
                            ),
                            location: at,
                            depends_on: Vec::new(),
 closest: None,
                        },
                    );
                }
            }
            principals.push(answer);
        }
    } else if is_principal(&r.rtype) {
        principals.push(principal_answer(m, i, req));
    } else {
        return Err(SimulateError::NoPrincipal(r.address.clone()));
    }
    let verdict = if principals.iter().any(|p| p.verdict == "allowed") {
        "allowed"
    } else if principals.iter().any(|p| p.verdict == "depends") {
        "depends"
    } else {
        "denied"
    };
    let mut keys: Vec<String> = principals
        .iter()
        .flat_map(|p| p.depends_on.iter().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    Ok(Simulation {
        address: r.address.clone(),
        resource_type: r.rtype.clone(),
        location: loc(&r.span),
        action: req.action.to_string(),
        resource: String::new(),
        verdict,
        depends_on: if verdict == "depends" {
            keys
        } else {
            Vec::new()
        },
        principals,
    })
}

/// What a [`Match`] points at: the policy's label and the statement's location.
fn statement_of<'a>(
    pp: &'a PrincipalPolicies,
    index: &[usize],
    at: &crate::iam::eval::Witness,
) -> Option<(String, &'a Statement)> {
    if at.policy == BOUNDARY {
        let b = pp.boundary.as_ref()?;
        let st = pp.boundary_document()?.statements.get(at.statement)?;
        return Some((format!("the permissions boundary {}", b.label), st));
    }
    let k = *index.get(at.policy)?;
    let st = pp.document(k)?.statements.get(at.statement)?;
    Some((pp.policies[k].label.clone(), st))
}

pub(crate) fn principal_answer(m: &Model, p: usize, req: &Request) -> PrincipalAnswer {
    let r = m.resource(p);
    let pp = m.principal_policies(p);
    let (set, index) = pp.set();
    let sim = set.simulate(req);
    let reasons = reasons(&pp, &index, &sim, req);
    PrincipalAnswer {
        address: r.address.clone(),
        location: loc(&r.span),
        via: Vec::new(),
        verdict: verdict_name(&sim.verdict),
        depends_on: depends_on(&sim.verdict),
        reasons,
    }
}

fn with_keys(h: &Holds) -> String {
    match h {
        Holds::Depends(k) if !k.is_empty() => format!(" (depends on {})", k.join(", ")),
        Holds::Depends(_) => " (a part of it is not statically known)".to_string(),
        _ => String::new(),
    }
}

fn reasons(pp: &PrincipalPolicies, index: &[usize], sim: &Simulated, req: &Request) -> Vec<Reason> {
    let mut out = Vec::new();
    let reason = |kind, m: &Match, verb: &str| {
        let (label, st) = statement_of(pp, index, &m.at)?;
        Some(Reason {
            kind,
            message: format!("{verb} {label}{}", with_keys(&m.holds)),
            location: loc(&st.node.span),
            depends_on: match &m.holds {
                Holds::Depends(k) => k.clone(),
                _ => Vec::new(),
            },
            closest: None,
        })
    };
    for m in &sim.denies {
        let kind = if m.at.policy == BOUNDARY {
            "boundary-deny"
        } else {
            "deny"
        };
        out.extend(reason(kind, m, "explicitly denied by"));
    }
    for m in &sim.allows {
        out.extend(reason("allow", m, "allowed by"));
    }
    if let Some((b, b_allows)) = &sim.boundary {
        let label = pp
            .boundary
            .as_ref()
            .map(|b| (b.label.clone(), loc(&b.span)))
            .unwrap_or_default();
        match b {
            Holds::No => out.push(Reason {
                kind: "boundary",
                message: format!(
                    "outside the permissions boundary {}: no statement of it allows {}",
                    label.0, req.action
                ),
                location: label.1,
                depends_on: Vec::new(),
                closest: None,
            }),
            Holds::Depends(k) if b_allows.is_empty() => out.push(Reason {
                kind: "boundary",
                message: format!(
                    "the permissions boundary {} is not statically known: it may not allow {}",
                    label.0, req.action
                ),
                location: label.1,
                depends_on: k.clone(),
                closest: None,
            }),
            _ => {
                for m in b_allows {
                    out.extend(reason("boundary", m, "within"));
                }
            }
        }
    }
    for (k, a) in pp.policies.iter().enumerate() {
        if pp.document(k).is_none() {
            out.push(Reason {
                kind: "unknown-policy",
                message: format!(
                    "{} is attached but its content is not known: it might allow or deny {}",
                    a.label, req.action
                ),
                location: loc(&a.span),
                depends_on: Vec::new(),
                closest: None,
            });
        }
    }
    if sim.allows.is_empty() {
        out.push(Reason {
            kind: "no-grant",
            message: format!(
                "no statement of {} grants {}{}",
                if pp.policies.is_empty() {
                    "any policy (none is attached)".to_string()
                } else {
                    "its identity policies".to_string()
                },
                req.action,
                req.resource
                    .map(|r| format!(
                        " on {}",
                        match &r.value {
                            Value::Ref(x) => x.target.clone(),
                            _ => r.display_text().unwrap_or_default(),
                        }
                    ))
                    .unwrap_or_default()
            ),
            location: String::new(),
            depends_on: Vec::new(),
            closest: None,
        });
        out.extend(closest(pp, req));
    }
    out
}

/// The Allow statements nearest to granting the request: the same action on another
/// resource or under a condition that does not hold, else actions of the same service.
fn closest(pp: &PrincipalPolicies, req: &Request) -> Vec<Reason> {
    const MAX: usize = 5;
    let service = req
        .action
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut same_action = Vec::new();
    let mut same_service = Vec::new();
    for (k, a) in pp.policies.iter().enumerate() {
        let Some(doc) = pp.document(k) else { continue };
        for st in doc.statements.iter().filter(|s| s.allows() == Some(true)) {
            let location = loc(&st.node.span);
            if st.covers_action(req.action) == Tri::Yes {
                let cond = condition::evaluate(st.condition(), req.context);
                let kind = if cond == Holds::No {
                    "condition"
                } else {
                    "resource"
                };
                let why = if cond == Holds::No {
                    format!(
                        "its condition does not hold: {}",
                        condition::failing(st.condition(), req.context).join("; ")
                    )
                } else {
                    let names: Vec<String> = st
                        .node
                        .get_ci("Resource")
                        .map(|r| {
                            r.items()
                                .iter()
                                .map(|n| n.display_text().unwrap_or_else(|| "?".into()))
                                .collect()
                        })
                        .unwrap_or_else(|| vec!["all but its NotResource".into()]);
                    format!("it names another resource: {}", names.join(", "))
                };
                same_action.push(Reason {
                    kind: "closest",
                    message: format!("{} allows {} but {why}", a.label, req.action),
                    location,
                    depends_on: Vec::new(),
                    closest: Some(kind),
                });
            } else if st.actions().iter().any(|n| {
                n.as_str().is_some_and(|s| {
                    s.split(':')
                        .next()
                        .is_some_and(|p| p.eq_ignore_ascii_case(&service))
                })
            }) {
                let acts: Vec<String> = st
                    .actions()
                    .iter()
                    .filter_map(|n| n.as_str().map(String::from))
                    .collect();
                same_service.push(Reason {
                    kind: "closest",
                    message: format!(
                        "{} allows other {service} actions: {}",
                        a.label,
                        acts.join(", ")
                    ),
                    location,
                    depends_on: Vec::new(),
                    closest: Some("service"),
                });
            }
        }
    }
    same_action.extend(same_service);
    same_action.truncate(MAX);
    same_action
}

fn clean(s: &mut Simulation) {
    use crate::secrets::sanitize;
    let f = |x: &mut String| *x = sanitize(x);
    f(&mut s.address);
    f(&mut s.resource_type);
    f(&mut s.location);
    f(&mut s.action);
    f(&mut s.resource);
    s.depends_on.iter_mut().for_each(f);
    for p in &mut s.principals {
        f(&mut p.address);
        f(&mut p.location);
        p.via.iter_mut().for_each(f);
        p.depends_on.iter_mut().for_each(f);
        for r in &mut p.reasons {
            f(&mut r.message);
            f(&mut r.location);
            r.depends_on.iter_mut().for_each(f);
        }
    }
}

/// The simulation as text.
pub fn render_text(list: &[Simulation]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (k, sim) in list.iter().enumerate() {
        if k > 0 {
            s.push('\n');
        }
        let _ = writeln!(
            s,
            "{}: {} {} on {}{}",
            sim.address,
            sim.verdict.to_uppercase(),
            sim.action,
            sim.resource,
            if sim.depends_on.is_empty() {
                String::new()
            } else {
                format!(" (depends on {})", sim.depends_on.join(", "))
            }
        );
        let _ = writeln!(
            s,
            "  {} ({}) at {}",
            sim.address, sim.resource_type, sim.location
        );
        for p in &sim.principals {
            render_principal(&mut s, p);
        }
    }
    crate::secrets::guard_lines(&s)
}

fn render_principal(s: &mut String, p: &PrincipalAnswer) {
    use std::fmt::Write;
    let via = if p.via.is_empty() {
        String::new()
    } else {
        format!(" via {}", p.via.join(" -> "))
    };
    let _ = writeln!(s, "  {}{via} at {}: {}", p.address, p.location, p.verdict);
    for r in &p.reasons {
        let at = if r.location.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.location)
        };
        let _ = writeln!(s, "    - [{}] {}{at}", r.kind, r.message);
    }
}

/// Who asks to assume a role (`--principal`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    Service(String),
    /// An account (its root, or any principal in it the account lets).
    Account(String),
    /// A role, user or role session, with its account, kind and name.
    Iam {
        arn: String,
        account: String,
        name: String,
    },
    /// An OIDC or SAML provider (its ARN), or a provider name (`cognito-identity.amazonaws.com`).
    Federated {
        arn: String,
        host: String,
        saml: bool,
    },
}

const FEDERATED_NAMES: &[&str] = &[
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
];

impl Caller {
    pub fn parse(s: &str) -> Option<Caller> {
        let s = s.trim();
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Caller::Account(s.to_string()));
        }
        if let Some(rest) = s.strip_prefix("arn:") {
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let [_partition, service, _region, account, resource] = parts.as_slice() else {
                return None;
            };
            let account = account.to_string();
            if *resource == "root" {
                return Some(Caller::Account(account));
            }
            if let Some(host) = resource.strip_prefix("oidc-provider/") {
                return Some(Caller::Federated {
                    arn: s.to_string(),
                    host: host.to_string(),
                    saml: false,
                });
            }
            if resource.starts_with("saml-provider/") {
                return Some(Caller::Federated {
                    arn: s.to_string(),
                    host: String::new(),
                    saml: true,
                });
            }
            // A session of a role is the role (by name: the session ARN has no path).
            if *service == "sts"
                && let Some(r) = resource.strip_prefix("assumed-role/")
            {
                let name = r.split('/').next().unwrap_or(r).to_string();
                return Some(Caller::Iam {
                    arn: format!("arn:aws:iam::{account}:role/{name}"),
                    account,
                    name,
                });
            }
            let name = resource.rsplit('/').next().unwrap_or(resource).to_string();
            return Some(Caller::Iam {
                arn: s.to_string(),
                account,
                name,
            });
        }
        let lower = s.to_ascii_lowercase();
        if FEDERATED_NAMES.contains(&lower.as_str()) {
            return Some(Caller::Federated {
                arn: lower.clone(),
                host: lower,
                saml: false,
            });
        }
        if lower.contains('.') && !lower.contains('/') && !lower.contains(' ') {
            return Some(Caller::Service(lower));
        }
        None
    }

    /// The actions the caller needs the trust policy to allow. IAM Roles Anywhere needs
    /// the session tags and source identity too.
    fn actions(&self) -> &'static [&'static str] {
        match self {
            Caller::Federated { saml: true, .. } => &["sts:AssumeRoleWithSAML"],
            Caller::Federated { .. } => &["sts:AssumeRoleWithWebIdentity"],
            Caller::Service(s) if s == "rolesanywhere.amazonaws.com" => {
                &["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
            }
            _ => &["sts:AssumeRole"],
        }
    }

    /// The context keys the request carries by itself (never over what was given).
    fn implied_context(&self, ctx: &mut Context) {
        match self {
            Caller::Iam { arn, account, .. } => {
                ctx.insert_default("aws:PrincipalArn", arn);
                ctx.insert_default("aws:PrincipalAccount", account);
            }
            Caller::Account(a) => {
                ctx.insert_default("aws:PrincipalAccount", a);
            }
            Caller::Service(s) => {
                ctx.insert_default("aws:PrincipalServiceName", s);
            }
            Caller::Federated { .. } => {}
        }
    }
}

/// Does one item of a `Principal` element name the caller?
fn item_names(m: &Model, key: &str, item: &Node, caller: &Caller) -> Tri {
    let key = key.to_ascii_lowercase();
    match (key.as_str(), caller) {
        ("aws", Caller::Iam { .. } | Caller::Account(_)) => {
            if item.as_str() == Some("*") {
                return Tri::Yes;
            }
            let (c_account, c_arn, c_name) = match caller {
                Caller::Iam { arn, account, name } => {
                    (account.as_str(), Some(arn.as_str()), Some(name.as_str()))
                }
                Caller::Account(a) => (a.as_str(), None, None),
                _ => return Tri::No,
            };
            if let Some(text) = item.as_str() {
                let account = if text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()) {
                    Some(text)
                } else {
                    text.strip_suffix(":root")
                        .and_then(|t| t.rsplit(':').next())
                };
                return match account {
                    // The account trusts; its own IAM policies decide who in it may.
                    Some(a) => yes_no(a == c_account),
                    None => yes_no(c_arn == Some(text)),
                };
            }
            // A reference to a role or user of the configuration: by its literal name.
            for r in item.refs() {
                for t in m.graph.lookup_ref(&r.target) {
                    let res = m.resource(t);
                    if let Some(n) = ["name", "RoleName", "UserName"]
                        .iter()
                        .find_map(|a| res.attr(&[a]))
                        .and_then(Node::as_str)
                    {
                        return yes_no(c_name == Some(n));
                    }
                }
            }
            match crate::iam::principal::account_of(item, &m.own_accounts) {
                crate::iam::principal::Account::Own
                    if m.own_accounts.iter().any(|a| a == c_account) =>
                {
                    if item.display_text().is_some_and(|t| t.ends_with(":root")) {
                        Tri::Yes
                    } else {
                        Tri::Unknown
                    }
                }
                crate::iam::principal::Account::Other(a) if a != c_account => Tri::No,
                _ => Tri::Unknown,
            }
        }
        ("service", Caller::Service(s)) => {
            let mut map = std::collections::BTreeMap::new();
            map.insert("Service".to_string(), item.clone());
            crate::model::policy::principal_is_service(&Node::new(Value::Map(map), Span::none()), s)
        }
        ("federated", Caller::Federated { arn, host, .. }) => {
            if let Some(text) = item.as_str() {
                return yes_no(
                    text == arn || (!host.is_empty() && text.eq_ignore_ascii_case(host)),
                );
            }
            if !host.is_empty()
                && let Some(issuer) = crate::model::referenced_oidc_issuer(m, item)
            {
                return yes_no(issuer.eq_ignore_ascii_case(host));
            }
            Tri::Unknown
        }
        _ => Tri::No,
    }
}

fn yes_no(b: bool) -> Tri {
    if b { Tri::Yes } else { Tri::No }
}

/// Does a statement's `Principal` name the caller?
fn names_caller(m: &Model, st: &Statement, caller: &Caller) -> Tri {
    if st.not_principal().is_some() {
        return Tri::Unknown;
    }
    let Some(p) = st.principal() else {
        return Tri::No;
    };
    if p.as_str() == Some("*") {
        return Tri::Yes;
    }
    let Value::Map(map) = &p.value else {
        return if p.has_unknown() {
            Tri::Unknown
        } else {
            Tri::No
        };
    };
    let mut result = Tri::No;
    for (k, v) in map {
        if matches!(v.value, Value::Unknown) {
            result = result.or(Tri::Unknown);
            continue;
        }
        for item in v.items() {
            result = result.or(item_names(m, k, item, caller));
        }
    }
    result
}

/// `rolegraph simulate --assume ROLE --principal P`.
pub fn assume(
    opts: &ScanOptions,
    role: &str,
    principal: &str,
    ctx: &Context,
) -> Result<Vec<Simulation>, SimulateError> {
    let caller =
        Caller::parse(principal).ok_or_else(|| SimulateError::Principal(principal.to_string()))?;
    let mut ctx = ctx.clone();
    caller.implied_context(&mut ctx);
    let mut out = with_models(opts, role, |m, i| assume_one(m, i, &caller, &ctx))?;
    for s in &mut out {
        s.resource = principal.to_string();
        clean(s);
    }
    Ok(out)
}

pub(crate) fn assume_one(
    m: &Model,
    i: usize,
    caller: &Caller,
    ctx: &Context,
) -> Result<Simulation, SimulateError> {
    let r = m.resource(i);
    let Some(trust_node) = crate::model::trust_policy(r) else {
        return Err(SimulateError::NotARole(r.address.clone()));
    };
    let at = loc(&crate::model::trust_attr_span(r));
    let mut reasons = Vec::new();
    let mut verdict = Holds::Yes;
    match PolicyDocument::parse(trust_node) {
        None => {
            verdict = Holds::Depends(Vec::new());
            reasons.push(Reason {
                kind: "trust",
                message: format!("the trust policy of {} is not statically known", r.address),
                location: at.clone(),
                depends_on: Vec::new(),
                closest: None,
            });
        }
        Some(doc) => {
            for action in caller.actions() {
                let (h, mut rs) = trust_decides(m, &doc, caller, action, ctx);
                if h == Holds::No && !rs.iter().any(|r| r.kind == "deny") {
                    rs.push(Reason {
                        kind: "no-grant",
                        message: format!(
                            "no statement of the trust policy of {} allows {action} to this principal (add it to a statement's Principal)",
                            r.address
                        ),
                        location: at.clone(),
                        depends_on: Vec::new(),
 closest: None,
                    });
                }
                reasons.extend(rs);
                verdict = verdict.and(h);
            }
        }
    }
    let depends = depends_on(&verdict);
    Ok(Simulation {
        address: r.address.clone(),
        resource_type: r.rtype.clone(),
        location: loc(&r.span),
        action: caller.actions().join(", "),
        resource: String::new(),
        verdict: verdict_name(&verdict),
        depends_on: depends.clone(),
        principals: vec![PrincipalAnswer {
            address: r.address.clone(),
            location: at,
            via: Vec::new(),
            verdict: verdict_name(&verdict),
            depends_on: depends,
            reasons,
        }],
    })
}

/// Does the trust policy allow `action` to the caller: some Allow statement names it, its
/// action and its condition hold, and no Deny statement does?
fn trust_decides(
    m: &Model,
    doc: &PolicyDocument,
    caller: &Caller,
    action: &str,
    ctx: &Context,
) -> (Holds, Vec<Reason>) {
    let not_known = || Holds::Depends(vec![NOT_KNOWN.to_string()]);
    let mut allow = if doc.partial { not_known() } else { Holds::No };
    let mut deny = allow.clone();
    let mut reasons = Vec::new();
    for st in &doc.statements {
        let static_part = st.covers_action(action).and(names_caller(m, st, caller));
        let h = match static_part {
            Tri::No => continue,
            Tri::Yes => Holds::Yes,
            Tri::Unknown => not_known(),
        }
        .and(condition::evaluate(st.condition(), ctx));
        let location = loc(&st.node.span);
        let keys = match &h {
            Holds::Depends(k) => k.clone(),
            _ => Vec::new(),
        };
        match (st.allows(), &h) {
            (Some(true), Holds::No) => reasons.push(Reason {
                kind: "closest",
                message: format!(
                    "a statement allows {action} to this principal but its condition does not hold: {}",
                    condition::failing(st.condition(), ctx).join("; ")
                ),
                location,
                depends_on: keys,
                closest: Some("condition"),
            }),
            (Some(true), _) => {
                reasons.push(Reason {
                    kind: "allow",
                    message: format!("the trust policy allows {action}{}", with_keys(&h)),
                    location,
                    depends_on: keys,
                    closest: None,
                });
                allow = allow.or(h);
            }
            (_, Holds::No) => {}
            (Some(false), _) => {
                reasons.push(Reason {
                    kind: "deny",
                    message: format!("the trust policy denies {action}{}", with_keys(&h)),
                    location,
                    depends_on: keys,
                    closest: None,
                });
                deny = deny.or(h);
            }
            (None, _) => {
                allow = allow.or(not_known());
                deny = deny.or(not_known());
            }
        }
    }
    (allow.and(deny.not()), reasons)
}
