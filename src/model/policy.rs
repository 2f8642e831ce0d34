//! IAM policy documents as rules read them, from any source: a jsonencode'd object, a heredoc
//! or file() JSON string, an `aws_iam_policy_document`, a CloudFormation mapping.

use crate::parse::hcl::functions;
use crate::value::{Node, Piece, Value};

pub use crate::iam::pattern::pattern_matches;

/// Three-valued answer: statically known yes or no, or cannot tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    /// Both (Kleene logic: a definite No wins over Unknown).
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }
    /// Either (a definite Yes wins over Unknown).
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }
}

impl std::ops::Not for Tri {
    type Output = Tri;
    fn not(self) -> Tri {
        match self {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Statement {
    /// The statement object (its span is the statement's location).
    pub node: Node,
}

impl Statement {
    fn field(&self, name: &str) -> Option<&Node> {
        self.node.get_ci(name).filter(|n| !n.is_null())
    }
    /// `Some(true)` for Allow, `Some(false)` for Deny, `None` when unknown.
    pub fn allows(&self) -> Option<bool> {
        match self.field("Effect").and_then(|e| e.as_str()) {
            Some(e) if e.eq_ignore_ascii_case("allow") => Some(true),
            Some(e) if e.eq_ignore_ascii_case("deny") => Some(false),
            Some(_) => None,
            None => match self.field("Effect") {
                // Effect is required; a missing one makes the policy invalid.
                None => None,
                Some(_) => None,
            },
        }
    }
    pub fn actions(&self) -> Vec<&Node> {
        self.field("Action").map(|a| a.items()).unwrap_or_default()
    }
    pub fn not_actions(&self) -> Option<Vec<&Node>> {
        self.field("NotAction").map(|a| a.items())
    }
    pub fn principal(&self) -> Option<&Node> {
        self.field("Principal")
    }
    pub fn not_principal(&self) -> Option<&Node> {
        self.field("NotPrincipal")
    }
    pub fn condition(&self) -> Option<&Node> {
        self.field("Condition")
    }

    /// Does the statement's Action cover `action`?
    pub fn covers_action(&self, action: &str) -> Tri {
        if let Some(na) = self.not_actions() {
            let mut any_unknown = false;
            for p in na {
                match p.as_str() {
                    Some(p) if pattern_matches(p, action) => return Tri::No,
                    Some(_) => {}
                    None => any_unknown = true,
                }
            }
            return if any_unknown { Tri::Unknown } else { Tri::Yes };
        }
        let mut result = Tri::No;
        for p in self.actions() {
            match p.as_str() {
                Some(p) if pattern_matches(p, action) => return Tri::Yes,
                Some(_) => {}
                None => result = Tri::Unknown,
            }
        }
        result
    }
}

#[derive(Clone, Debug)]
pub struct PolicyDocument {
    pub node: Node,
    pub statements: Vec<Statement>,
    /// Some statements (or the list itself) are not statically known.
    pub partial: bool,
}

impl PolicyDocument {
    /// Read a policy from any of its forms. `None` when it is not known at all.
    pub fn parse(n: &Node) -> Option<PolicyDocument> {
        let doc = match &n.value {
            Value::Json(inner) => (**inner).clone(),
            Value::Map(_) => n.clone(),
            Value::String(_) | Value::Interp(_) => functions::parse_json_with_refs(n)?,
            _ => return None,
        };
        let mut partial = false;
        let mut statements = Vec::new();
        match doc.get_ci("Statement") {
            None => partial = true,
            Some(st) => {
                if matches!(st.value, Value::Unknown) {
                    partial = true;
                }
                for s in st.items() {
                    match &s.value {
                        Value::Map(_) => statements.push(Statement { node: s.clone() }),
                        _ => partial = true,
                    }
                }
            }
        }
        Some(PolicyDocument {
            node: doc,
            statements,
            partial,
        })
    }

    /// The principals Allow statements name, as text (`Service ec2.amazonaws.com`,
    /// `AWS arn:aws:iam::111122223333:root`), sorted and de-duplicated.
    pub fn principals(&self) -> Vec<String> {
        let mut out = std::collections::BTreeSet::new();
        for st in self.statements.iter().filter(|s| s.allows() == Some(true)) {
            let Some(p) = st.principal() else { continue };
            match &p.value {
                Value::Map(m) => {
                    for (k, v) in m {
                        for item in v.items() {
                            out.insert(format!(
                                "{k} {}",
                                item.display_text().unwrap_or("?".into())
                            ));
                        }
                    }
                }
                _ => {
                    out.insert(p.display_text().unwrap_or("?".into()));
                }
            }
        }
        out.into_iter().collect()
    }

    /// Can `service` (`ec2.amazonaws.com`) assume a role with this trust policy?
    pub fn trusts_service(&self, service: &str) -> Tri {
        self.trusts_service_for(service, "sts:AssumeRole")
    }

    /// Does this trust policy allow `service` every one of `actions` (`sts:AssumeRole`,
    /// `sts:TagSession`)?
    pub fn trusts_service_with(&self, service: &str, actions: &[&str]) -> Tri {
        actions.iter().fold(Tri::Yes, |acc, a| {
            acc.and(self.trusts_service_for(service, a))
        })
    }

    /// Does this trust policy allow `service` to call `action` on the role?
    fn trusts_service_for(&self, service: &str, action: &str) -> Tri {
        let mut result = if self.partial { Tri::Unknown } else { Tri::No };
        let mut denied = false;
        for st in &self.statements {
            let covers = st.covers_action(action);
            let principal = match (st.principal(), st.not_principal()) {
                (_, Some(_)) => Tri::Unknown,
                (Some(p), None) => principal_is_service(p, service),
                (None, None) => Tri::No,
            };
            let this = and(covers, principal);
            match st.allows() {
                Some(true) => match this {
                    Tri::Yes => return if denied { Tri::Unknown } else { Tri::Yes },
                    Tri::Unknown => result = Tri::Unknown,
                    Tri::No => {}
                },
                Some(false) => {
                    if this != Tri::No {
                        denied = true;
                    }
                }
                None => result = Tri::Unknown,
            }
        }
        if denied && result == Tri::No {
            return Tri::No;
        }
        result
    }
}

fn and(a: Tri, b: Tri) -> Tri {
    a.and(b)
}

/// Does a Principal element name `service`, or everyone?
pub fn principal_is_service(p: &Node, service: &str) -> Tri {
    if p.as_str() == Some("*") {
        return Tri::Yes;
    }
    let Value::Map(m) = &p.value else {
        return if p.has_unknown() {
            Tri::Unknown
        } else {
            Tri::No
        };
    };
    let mut result = Tri::No;
    for (k, v) in m {
        if k.eq_ignore_ascii_case("AWS") && v.items().iter().any(|i| i.as_str() == Some("*")) {
            // `{"AWS": "*"}` does not admit service principals.
            continue;
        }
        if !k.eq_ignore_ascii_case("Service") {
            continue;
        }
        if matches!(v.value, Value::Unknown) {
            result = Tri::Unknown;
        }
        for item in v.items() {
            match service_matches(item, service) {
                Tri::Yes => return Tri::Yes,
                Tri::Unknown => result = Tri::Unknown,
                Tri::No => {}
            }
        }
    }
    result
}

/// Services whose principal AWS also accepts in a regional form,
/// `states.eu-west-1.amazonaws.com` (Step Functions documents it; older templates use it).
const REGIONAL_SERVICES: &[&str] = &["states"];

/// Is `s` (lowercase) the regional form of `service` (`states.amazonaws.com`):
/// `states.<region>.amazonaws.com`, with a region such as `eu-west-1` or `cn-north-1`
/// (and `.cn` after it)?
fn is_regional_form(s: &str, service: &str) -> bool {
    let Some((prefix, suffix)) = service.split_once('.') else {
        return false;
    };
    if !REGIONAL_SERVICES.contains(&prefix) {
        return false;
    }
    let Some(rest) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
        return false;
    };
    let Some((region, tail)) = rest.split_once('.') else {
        return false;
    };
    let region_shaped = region.split('-').count() >= 3
        && region
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        && region.ends_with(|c: char| c.is_ascii_digit());
    region_shaped && (tail == suffix || tail == format!("{suffix}.cn"))
}

/// `ec2.amazonaws.com`, `ec2.amazonaws.com.cn`, or `ec2.${data.aws_partition.x.dns_suffix}`;
/// for the services in [`REGIONAL_SERVICES`], also `states.eu-west-1.amazonaws.com` and
/// `states.${var.region}.amazonaws.com` (a literal service name before a reference).
fn service_matches(item: &Node, service: &str) -> Tri {
    let prefix = service.split('.').next().unwrap_or(service);
    match &item.value {
        Value::String(s) => {
            let s = s.to_ascii_lowercase();
            if s == service || s == format!("{service}.cn") || is_regional_form(&s, service) {
                Tri::Yes
            } else {
                Tri::No
            }
        }
        Value::Interp(pieces) => match pieces.first() {
            // The service name is literal; only the DNS suffix is a reference.
            Some(Piece::Lit(l)) if l.eq_ignore_ascii_case(&format!("{prefix}.")) => Tri::Yes,
            Some(Piece::Lit(l)) if !format!("{prefix}.").starts_with(&l.to_ascii_lowercase()) => {
                Tri::No
            }
            _ => Tri::Unknown,
        },
        Value::Unknown | Value::Ref(_) => Tri::Unknown,
        _ => Tri::No,
    }
}
