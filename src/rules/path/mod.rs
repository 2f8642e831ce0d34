//! PATH: attack paths. Each finding joins an **entry** (a finding of IMDS001, IMDS002,
//! TRUST001-004 or CRED002 that hands someone outside the credentials of a role or user)
//! with the **impact** of those credentials (`grants::impacts` on the principal's effective
//! permissions), directly or through a chain of roles the principal can assume
//! (`sts:AssumeRole` granted on the role, and the role's trust policy admitting the
//! caller). [`paths`] finds every path once; PATH001-003 each report one impact kind, and
//! `rolegraph paths` lists them all.

pub mod path_to_admin;
pub mod path_to_data_read;
pub mod path_to_service_write;

use crate::finding::{Finding, Severity};
use crate::iam::eval::{Witness, covers_target};
use crate::iam::principal::Principal;
use crate::model::Model;
use crate::model::kind::ResourceKind;
use crate::model::policy::Tri;
use crate::rules::Rule;
use crate::rules::grants::{Impact, ImpactKind, grant_site, impacts};
use crate::rules::trust::{TrustStatement, trust_statements};
use crate::value::Span;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How many roles a chain may assume after the entry's principal. PMapper follows chains
/// without a bound on a live account; three hops cover the chains written in one
/// configuration and keep the search small.
pub const MAX_HOPS: usize = 3;

/// A way for someone outside to get a principal's credentials.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The entry rule's finding: its location, message and related locations.
    pub finding: Finding,
    /// The role or user whose credentials it hands out.
    pub principal: usize,
    /// Can anyone on the internet use it (an SSRF, any AWS account, any GitHub
    /// repository), rather than someone with a foothold or a third party?
    pub reachable: bool,
    /// `IMDSv1 on aws_instance.web lets a server-side request forgery read the credentials
    /// of aws_iam_role.web`.
    pub how: String,
    /// How to break this link.
    pub fix: String,
}

/// One role assumed along a chain.
#[derive(Clone, Debug)]
pub struct Hop {
    pub from: usize,
    pub role: usize,
    /// Where `from` is granted `sts:AssumeRole` on the role, and how it is named.
    pub grant: (Span, String),
    /// The trust statement of the role that admits `from`.
    pub trust: Span,
}

/// An entry, the roles assumed after it, and the impact at the end.
#[derive(Clone, Debug)]
pub struct AttackPath {
    pub entry: Entry,
    pub hops: Vec<Hop>,
    pub impact: Impact,
}

impl AttackPath {
    /// The principal whose permissions make the impact.
    pub fn end(&self) -> usize {
        self.hops.last().map_or(self.entry.principal, |h| h.role)
    }

    /// The rule that reports the path.
    pub fn rule(&self) -> &'static str {
        match self.impact.kind {
            ImpactKind::Admin | ImpactKind::Escalation(_) => "PATH001",
            ImpactKind::DataRead => "PATH002",
            ImpactKind::ServiceWrite(_) => "PATH003",
        }
    }

    /// Critical when an internet-reachable entry meets administrator access or escalation;
    /// otherwise a step below for a reachable entry, two for one that needs a foothold or
    /// a third party.
    pub fn severity(&self) -> Severity {
        let admin = self.rule() == "PATH001";
        match (admin, self.entry.reachable) {
            (true, true) => Severity::Critical,
            (true, false) | (false, true) => Severity::High,
            (false, false) => Severity::Medium,
        }
    }

    /// The principals from the entry's to the end, by address.
    pub fn chain(&self, m: &Model) -> Vec<String> {
        std::iter::once(self.entry.principal)
            .chain(self.hops.iter().map(|h| h.role))
            .map(|i| m.resource(i).address.clone())
            .collect()
    }

    /// The finding: at the entry's location, with the chain as related locations in order
    /// (entry, credentials, each assumed role, the grant of the impact) and the fix of every
    /// link in the message.
    pub fn finding(&self, m: &Model) -> Finding {
        let e = &self.entry;
        let end = m.resource(self.end()).address.clone();
        let mut chain = String::new();
        for h in &self.hops {
            chain.push_str(&format!(
                ", which can assume {} ({})",
                m.resource(h.role).address,
                h.grant.1
            ));
        }
        let mut fixes = vec![e.fix.clone()];
        for h in &self.hops {
            fixes.push(format!(
                "remove sts:AssumeRole on {to} from {} or {from} from the trust policy of {to}",
                h.grant.1,
                to = m.resource(h.role).address,
                from = m.resource(h.from).address,
            ));
        }
        fixes.push(format!("for {end}, {}", self.impact.fix));
        let message = format!(
            "attack path: {}{chain}; {end} {}. Breaking any link breaks the path: {}",
            e.how,
            self.impact.summary,
            fixes.join("; or "),
        );
        let mut f = Finding::new(
            self.rule(),
            self.severity(),
            e.finding.span.clone(),
            &e.finding.resource,
            message,
        )
        .key(format!(
            "{}:{}:{}:{}",
            e.finding.rule_id,
            e.finding.key,
            self.chain(m).join(">"),
            match &self.impact.kind {
                ImpactKind::Admin => "admin".to_string(),
                ImpactKind::Escalation(id) => format!("escalation:{id}"),
                ImpactKind::DataRead => "data-read".to_string(),
                ImpactKind::ServiceWrite(s) => format!("write:{s}"),
            }
        ));
        let mut seen = BTreeSet::new();
        let mut add = |f: Finding, span: Span, text: String| {
            if seen.insert((span.clone(), text.clone())) {
                f.related(span, text)
            } else {
                f
            }
        };
        for r in &e.finding.related {
            f = add(f, r.span.clone(), r.message.clone());
        }
        let p = m.resource(e.principal);
        f = add(
            f,
            p.span.first_line(),
            format!("{} ({}): its credentials", p.address, e.finding.rule_id),
        );
        for h in &self.hops {
            let (to, from) = (m.resource(h.role), m.resource(h.from));
            f = add(
                f,
                h.grant.0.clone(),
                format!("{} may call sts:AssumeRole on {}", from.address, to.address),
            );
            f = add(
                f,
                h.trust.clone(),
                format!("the trust policy of {} admits {}", to.address, from.address),
            );
        }
        for (span, text) in &self.impact.sites {
            f = add(f, span.clone(), format!("{end}: {text}"));
        }
        f
    }
}

/// The entries of a configuration, in the order of the entry rules.
pub fn entries(m: &Model) -> Vec<Entry> {
    use crate::rules::cred::iam_access_key_resource::Cred002;
    use crate::rules::imds::imds_hop_limit_too_high::Imds002;
    use crate::rules::imds::imdsv2_not_required::Imds001;
    use crate::rules::trust::{
        roles_anywhere_trust_unscoped::Trust004, trust_any_principal::Trust001,
        trust_cross_account_without_external_id::Trust002, trust_oidc_subject_unscoped::Trust003,
    };
    let mut out = Vec::new();
    for (rule, hop_limit) in [(&Imds001 as &dyn Rule, false), (&Imds002, true)] {
        for f in rule.check(m) {
            let Some(l) = m
                .ec2
                .iter()
                .find(|l| m.resource(l.res).address == f.resource)
            else {
                continue;
            };
            // The hop limit matters where containers run next to the instance's role.
            if hop_limit && !m.runs_containers(l) {
                continue;
            }
            let r = m.resource(l.res);
            for role in m.launch_roles(l) {
                let role_address = &m.resource(role).address;
                let (how, fix) = if hop_limit {
                    (
                        format!(
                            "the metadata hop limit of {} lets any container on the node read the credentials of {role_address}",
                            r.address
                        ),
                        format!("set {} of {} to 1", l.names.hop_limit, r.address),
                    )
                } else {
                    (
                        format!(
                            "IMDSv1 on {} lets a server-side request forgery read the credentials of {role_address}",
                            r.address
                        ),
                        format!("set {} of {} to \"required\"", l.names.tokens, r.address),
                    )
                };
                out.push(Entry {
                    finding: f.clone(),
                    principal: role,
                    reachable: !hop_limit,
                    how,
                    fix,
                });
            }
        }
    }
    let trusts: [(&dyn Rule, bool, &str, &str); 4] = [
        (
            &Trust001,
            true,
            "any AWS principal in any account can assume {role}",
            "name the accounts or roles that may assume {role} in its trust policy",
        ),
        (
            &Trust002,
            false,
            "account {key} can assume {role} without an external ID",
            "add an sts:ExternalId condition to the trust policy of {role}",
        ),
        (
            &Trust003,
            true,
            "a web identity token of any subject of the OIDC provider (any repository, any pod) can assume {role}",
            "require a :sub condition naming the repositories or service accounts in the trust policy of {role}",
        ),
        (
            &Trust004,
            false,
            "any certificate of a Roles Anywhere trust anchor of the account can assume {role}",
            "add conditions on the certificate and the trust anchor to the trust policy of {role}",
        ),
    ];
    for (rule, reachable, how, fix) in trusts {
        for f in rule.check(m) {
            let Some(role) = m
                .graph
                .lookup_ref(&f.resource)
                .into_iter()
                .find(|i| m.kind(*i) == Some(ResourceKind::IamRole))
            else {
                continue;
            };
            let fill = |t: &str| t.replace("{role}", &f.resource).replace("{key}", &f.key);
            out.push(Entry {
                how: fill(how),
                fix: fill(fix),
                finding: f,
                principal: role,
                reachable,
            });
        }
    }
    let keys = m.access_keys();
    for f in Cred002.check(m) {
        let Some(user) = keys
            .iter()
            .find(|k| m.resource(k.res).address == f.resource)
            .and_then(|k| k.user_res)
        else {
            continue;
        };
        let user_address = &m.resource(user).address;
        out.push(Entry {
            how: format!(
                "the long-lived access key {} of {user_address}, once it leaks, gives anyone the credentials of {user_address}",
                f.resource
            ),
            fix: format!(
                "remove {} and give what uses it a role",
                f.resource
            ),
            finding: f,
            principal: user,
            reachable: false,
        });
    }
    out
}

/// Does a trust statement admit principal `from` for `sts:AssumeRole`: it names `from`
/// (a reference to it) or the configuration's own account, or anyone, with no condition?
fn admits(m: &Model, ts: &TrustStatement, from: usize) -> bool {
    if !ts.covers("sts:AssumeRole") || ts.tests.as_ref().is_none_or(|t| !t.is_empty()) {
        return false;
    }
    ts.principals.iter().any(|(p, node)| {
        let names_from = node
            .refs()
            .iter()
            .any(|r| m.graph.lookup_ref(&r.target).contains(&from));
        names_from
            || match p {
                Principal::Anyone => true,
                Principal::Aws {
                    text,
                    account: crate::iam::principal::Account::Own,
                } => {
                    // The account itself (`arn:...:root`, the bare ID): every principal of
                    // the account its policies allow.
                    text.ends_with(":root") || text.chars().all(|c| c.is_ascii_digit())
                }
                _ => false,
            }
    })
}

/// The roles of the scan `from` can assume: its effective permissions definitely allow
/// `sts:AssumeRole` on the role's ARN, and the role's trust policy admits it.
fn assumable(m: &Model, from: usize, trusts: &BTreeMap<usize, Vec<TrustStatement>>) -> Vec<Hop> {
    const ASSUME: &str = "sts:AssumeRole";
    let pp = m.principal_policies(from);
    let (set, index) = pp.set();
    let mut out = Vec::new();
    for (role, statements) in trusts {
        if *role == from {
            continue;
        }
        let Some(ts) = statements.iter().find(|ts| admits(m, ts, from)) else {
            continue;
        };
        let target = m.arn_of(*role);
        if set.allows_on(ASSUME, &target) != Tri::Yes {
            continue;
        }
        // The statement that grants it, for the location to change.
        let witness = set.policies.iter().enumerate().find_map(|(pi, doc)| {
            doc.statements.iter().enumerate().find_map(|(si, st)| {
                (st.allows() == Some(true)
                    && st.covers_action(ASSUME) == Tri::Yes
                    && covers_target(st, ASSUME, &target) == Tri::Yes)
                    .then_some(Witness {
                        policy: pi,
                        statement: si,
                    })
            })
        });
        let Some(w) = witness else { continue };
        out.push(Hop {
            from,
            role: *role,
            grant: grant_site(&pp, &index, w, ASSUME),
            trust: ts.st.node.span.first_line(),
        });
    }
    out
}

/// Every attack path of the configuration: for each entry, the nearest principal of the
/// chain (breadth first, at most [`MAX_HOPS`] roles, each role once) with each impact
/// kind, admin and escalation counting as one.
pub fn paths(m: &Model) -> Vec<AttackPath> {
    let entries = entries(m);
    if entries.is_empty() {
        return Vec::new();
    }
    let mut trusts: BTreeMap<usize, Vec<TrustStatement>> = BTreeMap::new();
    for ts in trust_statements(m) {
        trusts.entry(ts.role).or_default().push(ts);
    }
    let mut impacts_of: BTreeMap<usize, Vec<Impact>> = BTreeMap::new();
    let mut hops_of: BTreeMap<usize, Vec<Hop>> = BTreeMap::new();
    let mut out = Vec::new();
    for entry in entries {
        let mut found: BTreeSet<&'static str> = BTreeSet::new();
        let mut visited = BTreeSet::from([entry.principal]);
        let mut queue = VecDeque::from([(entry.principal, Vec::<Hop>::new())]);
        while let Some((p, hops)) = queue.pop_front() {
            let here = impacts_of
                .entry(p)
                .or_insert_with(|| impacts(&m.principal_policies(p)));
            for impact in here.iter() {
                let path = AttackPath {
                    entry: entry.clone(),
                    hops: hops.clone(),
                    impact: impact.clone(),
                };
                if found.insert(path.rule()) {
                    out.push(path);
                }
            }
            if hops.len() >= MAX_HOPS || found.len() == 3 {
                continue;
            }
            let next = hops_of
                .entry(p)
                .or_insert_with(|| assumable(m, p, &trusts))
                .clone();
            for h in next {
                if visited.insert(h.role) {
                    let mut longer = hops.clone();
                    longer.push(h.clone());
                    queue.push_back((h.role, longer));
                }
            }
        }
    }
    out
}

/// The findings of one PATH rule.
pub fn findings(m: &Model, id: &str) -> Vec<Finding> {
    paths(m)
        .iter()
        .filter(|p| p.rule() == id)
        .map(|p| p.finding(m))
        .collect()
}
