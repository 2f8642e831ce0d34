//! Policy evaluation: does a set of identity policies (with Deny statements and an optional
//! permissions boundary) allow an action? The answer is three-valued: `Yes` only when the
//! documents written in the scan say so and nothing unknown could change it.
//!
//! Semantics, as IAM evaluates a request from a principal in its own account:
//! - an explicit `Deny` in any identity policy or in the boundary wins;
//! - otherwise some identity policy must `Allow` it;
//! - with a permissions boundary, the boundary must `Allow` it too.
//!
//! Statements are matched on `Action`/`NotAction` (wildcards, any case) and
//! `Resource`/`NotResource` against a [`Scope`]: "some resource" or "every resource" (for
//! `iam:PassRole` on `*`, which passes any role). Resources are matched per action: an entry
//! counts only if it can name a resource of one of the action's resource types (the ARN
//! formats of the dataset, see [`super::arn`]), so `Action: "*"` on `arn:aws:s3:::*` grants
//! S3 actions on buckets and objects and nothing else. A statement with a `Condition` is neither
//! a definite grant nor a definite denial: it gives `Unknown` (a condition may hold or not).
//! A policy whose content is not known makes every `Yes` an `Unknown` (it might deny), and
//! every `No` an `Unknown` (it might allow).

use super::arn::without_variables;
use super::condition::{self, Context, Holds};
use super::dataset::{self, Action};
use super::escalation::{Permissions, Scope};
use crate::model::policy::{PolicyDocument, Statement, Tri};
use crate::value::{Node, Piece, Value};

/// Does a `Resource` pattern cover every resource an action can name? `*`, or an ARN whose
/// resource part is all wildcards after its type (`arn:aws:iam::*:role/*`,
/// `arn:aws:lambda:*:*:function:*`).
pub fn is_broad_resource(pattern: &str) -> bool {
    if pattern.chars().all(|c| c == '*') && !pattern.is_empty() {
        return true;
    }
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, _partition, service, _region, _account, resource] = parts.as_slice() else {
        return false;
    };
    if *arn != "arn" {
        return false;
    }
    // An S3 ARN names a bucket, not a type: only `*` is every bucket.
    if *service == "s3" {
        return resource.chars().all(|c| c == '*');
    }
    let tail = resource
        .rsplit_once(['/', ':'])
        .map_or(*resource, |(_, tail)| tail);
    tail == "*" && !resource[..resource.len() - 1].contains('*')
}

/// Does a `Resource` entry name only the calling user itself (an ARN ending in
/// `user/${aws:username}`, the policy variable IAM replaces with the caller's user name)?
/// `Unknown` when the entry is not statically known.
pub fn self_only(item: &Node) -> Tri {
    let text = match &item.value {
        Value::String(s) => s.clone(),
        // `arn:aws:iam::${AWS::AccountId}:user/${aws:username}`: the account may stay a
        // reference, the user part must be literal.
        Value::Interp(pieces) if matches!(pieces.last(), Some(Piece::Lit(_))) => pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => l.as_str(),
                _ => "?",
            })
            .collect(),
        _ => return Tri::Unknown,
    };
    let text = text.to_ascii_lowercase();
    let user_part = text.rsplit_once(":user/").map(|(_, u)| u);
    if user_part.is_some_and(|u| u == "${aws:username}" || u.ends_with("/${aws:username}")) {
        Tri::Yes
    } else {
        Tri::No
    }
}

fn field<'a>(st: &'a Statement, name: &str) -> Option<&'a Node> {
    st.node.get_ci(name).filter(|n| !n.is_null())
}

/// What a `Resource` entry stands for, as a pattern, and whether that pattern is exact: a
/// literal string (policy variables such as `${aws:username}` become `*`, they are known
/// only at request time), or literal text around references and unknown parts, each of
/// which becomes `*` (then `false`: the entry names some ARN the pattern covers).
pub fn resource_pattern(item: &Node) -> (String, bool) {
    match &item.value {
        Value::String(s) => (without_variables(s), true),
        Value::Interp(pieces) => (
            pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(l) => without_variables(l),
                    _ => "*".to_string(),
                })
                .collect(),
            false,
        ),
        _ => ("*".to_string(), false),
    }
}

/// Is `pattern` a resource `action` acts on (see [`Action::applies_to`])? An action the
/// dataset does not know accepts every pattern.
fn applies(action: Option<&Action>, pattern: &str) -> bool {
    action.is_none_or(|a| a.applies_to(pattern))
}

/// Does the statement name any resource at all (`Resource` or `NotResource`)? Used to skip
/// statements before expanding their actions.
pub fn has_resources(st: &Statement) -> bool {
    field(st, "Resource").is_some() || field(st, "NotResource").is_some()
}

/// Does the statement apply to `action` on resources in `scope`? A `Resource` entry counts
/// only when it can name a resource the action acts on (its resource types' ARN formats,
/// from the dataset; `*` for all): `arn:aws:s3:::*` grants no `iam:PassRole`.
pub fn covers_resources(st: &Statement, action: &str, scope: Scope) -> Tri {
    let act = dataset::get().get(action);
    if let Some(not) = field(st, "NotResource") {
        // Everything but the listed resources: some resource always, every resource never.
        let items = not.items();
        if items.iter().any(|i| i.as_str() == Some("*")) {
            return Tri::No;
        }
        return match scope {
            Scope::AnyResource | Scope::OtherPrincipal => Tri::Yes,
            Scope::Star => {
                let mut result = Tri::Yes;
                for i in items {
                    let (pattern, exact) = resource_pattern(i);
                    if !applies(act, &pattern) {
                        // Excludes nothing this action acts on.
                        continue;
                    }
                    // All resources but a few named ones: not "every" one.
                    result = if exact {
                        Tri::No
                    } else {
                        result.and(Tri::Unknown)
                    };
                    if result == Tri::No {
                        break;
                    }
                }
                result
            }
        };
    }
    let Some(res) = field(st, "Resource") else {
        return Tri::No;
    };
    if matches!(res.value, Value::Unknown) {
        return Tri::Unknown;
    }
    let items = res.items();
    match scope {
        Scope::AnyResource => {
            let any = items.iter().any(|i| applies(act, &resource_pattern(i).0));
            if any { Tri::Yes } else { Tri::No }
        }
        Scope::OtherPrincipal => {
            let mut result = Tri::No;
            for i in items {
                if !applies(act, &resource_pattern(i).0) {
                    continue;
                }
                match self_only(i) {
                    Tri::No => return Tri::Yes,
                    Tri::Unknown => result = Tri::Unknown,
                    Tri::Yes => {}
                }
            }
            result
        }
        Scope::Star => {
            let mut result = Tri::No;
            for i in items {
                let (pattern, exact) = resource_pattern(i);
                if !applies(act, &pattern) {
                    continue;
                }
                match &i.value {
                    Value::String(s) if is_broad_resource(s) => return Tri::Yes,
                    _ if exact => {}
                    _ => result = Tri::Unknown,
                }
            }
            result
        }
    }
}

/// A `Resource` entry or a resource's ARN as text where each reference to another
/// resource's attribute is a token of its own (`\u{1}aws_sqs_queue.jobs.arn\u{1}`), so two
/// values built from the same references compare equal; unknown parts are `None`.
fn symbolic(n: &Node) -> Option<String> {
    let token = |r: &crate::value::Ref| format!("\u{1}{r}\u{1}");
    match &n.value {
        Value::String(s) => Some(s.clone()),
        Value::Ref(r) => Some(token(r)),
        Value::Interp(pieces) => pieces
            .iter()
            .map(|p| match p {
                Piece::Lit(l) => Some(l.clone()),
                Piece::Ref(r) => Some(token(r)),
                Piece::Unknown => None,
            })
            .collect(),
        _ => None,
    }
}

/// Does a `Resource` entry name the one resource `target` (its ARN as the configuration
/// gives it: a literal, a reference such as `aws_sqs_queue.jobs.arn`, or text around
/// references)? `*` names everything; a literal pattern is matched against a literal ARN;
/// an entry built from the same references as the target names it (`${aws_sqs_queue.jobs.arn}`
/// and `${aws_sqs_queue.jobs.arn}*` do), one built from a reference to another resource's
/// ARN does not; anything else is `Unknown`.
pub fn entry_names(item: &Node, target: &Node) -> Tri {
    let (pattern, exact) = resource_pattern(item);
    if exact && super::arn::is_star(&pattern) {
        return Tri::Yes;
    }
    let (Some(entry), Some(arn)) = (symbolic(item), symbolic(target)) else {
        return Tri::Unknown;
    };
    let entry = without_variables(&entry);
    let literal_target = !arn.contains('\u{1}');
    let literal_entry = !entry.contains('\u{1}');
    if literal_target && literal_entry {
        return if super::pattern::pattern_matches(&entry, &arn) {
            Tri::Yes
        } else {
            Tri::No
        };
    }
    if !literal_target && !literal_entry {
        if super::pattern::pattern_matches(&entry, &arn) {
            return Tri::Yes;
        }
        // Two plain references to the ARNs of two different resources: two resources.
        let plain =
            |n: &Node| matches!(&n.value, Value::Ref(r) if r.attr.eq_ignore_ascii_case("arn"));
        if plain(item) && plain(target) {
            return Tri::No;
        }
    }
    Tri::Unknown
}

/// Does the statement apply to `action` on the one resource `target`?
pub fn covers_target(st: &Statement, action: &str, target: &Node) -> Tri {
    let act = dataset::get().get(action);
    if let Some(not) = field(st, "NotResource") {
        let mut result = Tri::Yes;
        for i in not.items() {
            result = result.and(!entry_names(i, target));
        }
        return result;
    }
    let Some(res) = field(st, "Resource") else {
        return Tri::No;
    };
    if matches!(res.value, Value::Unknown) {
        return Tri::Unknown;
    }
    let mut result = Tri::No;
    for i in res.items() {
        if !applies(act, &resource_pattern(i).0) {
            continue;
        }
        result = result.or(entry_names(i, target));
    }
    result
}

/// Apply a statement's effect and condition to whether it covers a request.
fn effect(st: &Statement, allow: bool, covers: Tri) -> Tri {
    let matches_effect = match st.allows() {
        Some(a) if a == allow => Tri::Yes,
        Some(_) => return Tri::No,
        None => Tri::Unknown,
    };
    match (matches_effect.and(covers), is_conditional(st)) {
        (Tri::No, _) => Tri::No,
        (t, Tri::No) => t,
        _ => Tri::Unknown,
    }
}

/// Does the statement carry a condition (so it applies only sometimes)?
pub fn is_conditional(st: &Statement) -> Tri {
    match field(st, "Condition") {
        None => Tri::No,
        Some(c) => match &c.value {
            Value::Map(m) if m.is_empty() => Tri::No,
            _ => Tri::Yes,
        },
    }
}

/// What an `Allow` statement contributes: `Yes` when it grants the action on `scope`
/// unconditionally, `Unknown` when it may.
pub fn statement_allows(st: &Statement, action: &str, scope: Scope) -> Tri {
    let effect = match st.allows() {
        Some(true) => Tri::Yes,
        Some(false) => return Tri::No,
        None => Tri::Unknown,
    };
    let applies = effect
        .and(st.covers_action(action))
        .and(covers_resources(st, action, scope));
    match (applies, is_conditional(st)) {
        (Tri::No, _) => Tri::No,
        (t, Tri::No) => t,
        _ => Tri::Unknown,
    }
}

/// Does a `Deny` statement take the action away on every resource of `scope` (a Deny on a
/// few resources leaves the grant on the others)?
pub fn statement_denies(st: &Statement, action: &str) -> Tri {
    let effect = match st.allows() {
        Some(false) => Tri::Yes,
        Some(true) => return Tri::No,
        None => Tri::Unknown,
    };
    let applies =
        effect
            .and(st.covers_action(action))
            .and(covers_resources(st, action, Scope::Star));
    match (applies, is_conditional(st)) {
        (Tri::No, _) => Tri::No,
        (t, Tri::No) => t,
        _ => Tri::Unknown,
    }
}

/// Where a grant comes from: a policy of the set and a statement of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Witness {
    pub policy: usize,
    pub statement: usize,
}

/// The answer to "is this allowed?", with the statement that grants it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Tri,
    /// The first statement that allows it (for `Yes`, the grant; for `Unknown`, a
    /// statement that may grant it).
    pub by: Option<Witness>,
    /// The first statement that denies it, or may.
    pub denied_by: Option<Witness>,
}

/// A permissions boundary as evaluation sees it.
#[derive(Clone, Copy, Debug)]
pub enum Boundary<'a> {
    None,
    Known(&'a PolicyDocument),
    /// Set, but its content is not known.
    Unknown,
}

/// A principal's identity policies and boundary.
pub struct PolicySet<'a> {
    /// Documents whose content is known (a document with unknown statements counts as
    /// partly unknown).
    pub policies: Vec<&'a PolicyDocument>,
    /// Policies attached whose content is not known at all.
    pub unknown: usize,
    pub boundary: Boundary<'a>,
}

impl PolicySet<'_> {
    /// Is anything in the set not statically known?
    pub fn complete(&self) -> bool {
        self.unknown == 0
            && self.policies.iter().all(|p| !p.partial)
            && !matches!(
                self.boundary,
                Boundary::Unknown | Boundary::Known(PolicyDocument { partial: true, .. })
            )
    }

    /// Evaluate one action on `scope`.
    pub fn decide(&self, action: &str, scope: Scope) -> Decision {
        // A policy not known at all may allow it, and may deny it.
        let unknown = if self.unknown > 0 {
            Tri::Unknown
        } else {
            Tri::No
        };
        let mut allow = unknown;
        let mut deny = unknown;
        let mut by = None;
        let mut denied_by = None;
        for (pi, doc) in self.policies.iter().enumerate() {
            if doc.partial {
                allow = allow.or(Tri::Unknown);
                deny = deny.or(Tri::Unknown);
            }
            for (si, st) in doc.statements.iter().enumerate() {
                let w = Witness {
                    policy: pi,
                    statement: si,
                };
                let a = statement_allows(st, action, scope);
                if a != Tri::No && (by.is_none() || (a == Tri::Yes && allow != Tri::Yes)) {
                    by = Some(w);
                }
                allow = allow.or(a);
                let d = statement_denies(st, action);
                if d != Tri::No && denied_by.is_none() {
                    denied_by = Some(w);
                }
                deny = deny.or(d);
            }
        }
        let bounded = match self.boundary {
            Boundary::None => Tri::Yes,
            Boundary::Unknown => Tri::Unknown,
            Boundary::Known(doc) => {
                let mut b = if doc.partial { Tri::Unknown } else { Tri::No };
                for st in &doc.statements {
                    b = b.or(statement_allows(st, action, scope));
                    deny = deny.or(statement_denies(st, action));
                }
                b
            }
        };
        Decision {
            verdict: allow.and(!deny).and(bounded),
            by,
            denied_by,
        }
    }
}

impl PolicySet<'_> {
    /// Is `action` allowed on the one resource `target` (see [`entry_names`])? The same
    /// evaluation as [`PolicySet::decide`]: explicit Deny wins, some identity policy must
    /// allow, the boundary must allow too.
    pub fn allows_on(&self, action: &str, target: &Node) -> Tri {
        let covers = |st: &Statement| {
            st.covers_action(action)
                .and(covers_target(st, action, target))
        };
        let mut allow = if self.unknown > 0 {
            Tri::Unknown
        } else {
            Tri::No
        };
        let mut deny = allow;
        for doc in &self.policies {
            if doc.partial {
                allow = allow.or(Tri::Unknown);
                deny = deny.or(Tri::Unknown);
            }
            for st in &doc.statements {
                let c = covers(st);
                allow = allow.or(effect(st, true, c));
                deny = deny.or(effect(st, false, c));
            }
        }
        let bounded = match self.boundary {
            Boundary::None => Tri::Yes,
            Boundary::Unknown => Tri::Unknown,
            Boundary::Known(doc) => {
                let mut b = if doc.partial { Tri::Unknown } else { Tri::No };
                for st in &doc.statements {
                    let c = covers(st);
                    b = b.or(effect(st, true, c));
                    deny = deny.or(effect(st, false, c));
                }
                b
            }
        };
        allow.and(!deny).and(bounded)
    }
}

/// A request to simulate: an action, the one resource it acts on (an ARN, or a reference
/// to a resource of the configuration), or any resource when `None`, and its context.
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: Option<&'a Node>,
    pub context: &'a Context,
}

/// Does a statement match a request, whatever its effect: its action, its resource and
/// its condition (evaluated against the request's context)? The same matching the rules
/// use ([`Statement::covers_action`], [`covers_target`], [`covers_resources`]), with the
/// condition evaluated instead of taken as "may or may not". A part not statically known
/// gives `Depends` with no key.
pub fn statement_matches(st: &Statement, req: &Request) -> Holds {
    let resource = match req.resource {
        Some(target) => covers_target(st, req.action, target),
        None => covers_resources(st, req.action, Scope::AnyResource),
    };
    let static_part = st.covers_action(req.action).and(resource);
    let static_part = match static_part {
        Tri::Yes => Holds::Yes,
        Tri::No => return Holds::No,
        Tri::Unknown => Holds::Depends(Vec::new()),
    };
    static_part.and(condition::evaluate(st.condition(), req.context))
}

/// One statement that decides (or may decide) a simulated request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub at: Witness,
    /// `Yes`: it applies; `Depends`: it applies if the named keys say so.
    pub holds: Holds,
}

/// The outcome of a simulated request, with every statement that takes part.
#[derive(Clone, Debug)]
pub struct Simulated {
    /// Allowed (`Yes`), denied (`No`), or depends on keys (or on what is not known).
    pub verdict: Holds,
    /// Allow statements of the identity policies that match.
    pub allows: Vec<Match>,
    /// Deny statements (identity policies and boundary) that match; a boundary statement
    /// has `policy == usize::MAX`.
    pub denies: Vec<Match>,
    /// The boundary: `None` when there is none; else whether it allows, with its matching
    /// Allow statements (`policy == usize::MAX`).
    pub boundary: Option<(Holds, Vec<Match>)>,
    /// Identity policies whose content is not known (or partly known, by index in the set).
    pub unknown: usize,
    pub partial: Vec<usize>,
}

/// The policy index [`Simulated`] gives boundary statements.
pub const BOUNDARY: usize = usize::MAX;

/// Why a verdict depends on something that is not a key: a policy not known.
pub const NOT_KNOWN: &str = "(a policy not statically known)";

impl PolicySet<'_> {
    /// Simulate one request: the same evaluation as [`PolicySet::decide`] (explicit Deny
    /// wins, an identity policy must allow, the boundary must allow too), with conditions
    /// evaluated against the context and every matching statement kept for the
    /// explanation.
    pub fn simulate(&self, req: &Request) -> Simulated {
        let unknown_part = || Holds::Depends(vec![NOT_KNOWN.to_string()]);
        let mut allow = if self.unknown > 0 {
            unknown_part()
        } else {
            Holds::No
        };
        let mut deny = allow.clone();
        let mut allows = Vec::new();
        let mut denies = Vec::new();
        let mut partial = Vec::new();
        let visit = |policy: usize,
                     doc: &PolicyDocument,
                     allow: &mut Holds,
                     deny: &mut Holds,
                     allows: &mut Vec<Match>,
                     denies: &mut Vec<Match>| {
            for (statement, st) in doc.statements.iter().enumerate() {
                let h = statement_matches(st, req);
                if h == Holds::No {
                    continue;
                }
                let at = Witness { policy, statement };
                let (acc, list, h) = match st.allows() {
                    Some(true) => (&mut *allow, &mut *allows, h),
                    Some(false) => (&mut *deny, &mut *denies, h),
                    // An effect not known: it may allow and may deny.
                    None => {
                        let u = h.and(unknown_part());
                        *allow = allow.clone().or(u.clone());
                        (&mut *deny, &mut *denies, u)
                    }
                };
                *acc = acc.clone().or(h.clone());
                list.push(Match { at, holds: h });
            }
        };
        for (pi, doc) in self.policies.iter().enumerate() {
            if doc.partial {
                partial.push(pi);
                allow = allow.or(unknown_part());
                deny = deny.or(unknown_part());
            }
            visit(pi, doc, &mut allow, &mut deny, &mut allows, &mut denies);
        }
        let boundary = match self.boundary {
            Boundary::None => None,
            Boundary::Unknown => Some((unknown_part(), Vec::new())),
            Boundary::Known(doc) => {
                let mut b = if doc.partial {
                    unknown_part()
                } else {
                    Holds::No
                };
                let mut b_allows = Vec::new();
                visit(BOUNDARY, doc, &mut b, &mut deny, &mut b_allows, &mut denies);
                Some((b, b_allows))
            }
        };
        let bounded = boundary.as_ref().map_or(Holds::Yes, |(b, _)| b.clone());
        Simulated {
            verdict: allow.and(deny.not()).and(bounded),
            allows,
            denies,
            boundary,
            unknown: self.unknown,
            partial,
        }
    }
}

impl Permissions for PolicySet<'_> {
    fn allows(&self, action: &str, scope: Scope) -> Tri {
        self.decide(action, scope).verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Span;
    use std::sync::Arc;

    fn doc(json: &str) -> PolicyDocument {
        let n = crate::parse::json::parse(json, Arc::from("t.json"), 1, 1).unwrap();
        PolicyDocument::parse(&n).unwrap()
    }

    fn set<'a>(docs: &[&'a PolicyDocument]) -> PolicySet<'a> {
        PolicySet {
            policies: docs.to_vec(),
            unknown: 0,
            boundary: Boundary::None,
        }
    }

    const ADMIN: &str = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

    #[test]
    fn own_user_resources() {
        let own = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":["iam:*AccessKey*","iam:*LoginProfile"],"Resource":["arn:aws:iam::111122223333:user/${aws:username}","arn:aws:iam::111122223333:user/*/${aws:username}"]}]}"#,
        );
        let s = set(&[&own]);
        assert_eq!(
            s.allows("iam:CreateAccessKey", Scope::AnyResource),
            Tri::Yes
        );
        assert_eq!(
            s.allows("iam:CreateAccessKey", Scope::OtherPrincipal),
            Tri::No
        );
        assert_eq!(
            s.allows("iam:UpdateLoginProfile", Scope::OtherPrincipal),
            Tri::No
        );
        let others = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":["arn:aws:iam::111122223333:user/${aws:username}","arn:aws:iam::111122223333:user/ci-*"]}]}"#,
        );
        assert_eq!(
            set(&[&others]).allows("iam:CreateAccessKey", Scope::OtherPrincipal),
            Tri::Yes
        );
        let star = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*"}]}"#,
        );
        assert_eq!(
            set(&[&star]).allows("iam:CreateAccessKey", Scope::OtherPrincipal),
            Tri::Yes
        );
    }

    #[test]
    fn broad_resources() {
        for p in [
            "*",
            "arn:aws:iam::*:role/*",
            "arn:aws:iam::123456789012:role/*",
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:s3:::*",
        ] {
            assert!(is_broad_resource(p), "{p}");
        }
        for p in [
            "arn:aws:iam::*:role/app-*",
            "arn:aws:iam::1:role/app",
            "arn:aws:s3:::bucket/*",
            "bucket",
        ] {
            assert!(!is_broad_resource(p), "{p}");
        }
    }

    #[test]
    fn wildcards_and_case() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":["S3:get*","ec2:Describe?nstances"],"Resource":"*"}]}"#,
        );
        let s = set(&[&d]);
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::Yes);
        assert_eq!(
            s.allows("ec2:DescribeInstances", Scope::AnyResource),
            Tri::Yes
        );
        assert_eq!(s.allows("ec2:DescribeImages", Scope::AnyResource), Tri::No);
        assert_eq!(s.allows("s3:PutObject", Scope::AnyResource), Tri::No);
    }

    #[test]
    fn not_action_allows_everything_else() {
        let d = doc(
            r#"{"Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}"#,
        );
        let s = set(&[&d]);
        assert_eq!(s.allows("ec2:RunInstances", Scope::Star), Tri::Yes);
        assert_eq!(s.allows("iam:PassRole", Scope::Star), Tri::No);
        assert_eq!(s.allows("IAM:PASSROLE", Scope::Star), Tri::No);
    }

    #[test]
    fn explicit_deny_wins_across_policies() {
        let admin = doc(ADMIN);
        let deny = doc(r#"{"Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}"#);
        let s = set(&[&admin, &deny]);
        let d = s.decide("iam:CreateUser", Scope::AnyResource);
        assert_eq!(d.verdict, Tri::No);
        assert_eq!(
            d.denied_by,
            Some(Witness {
                policy: 1,
                statement: 0
            })
        );
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::Yes);
        // A Deny on one resource leaves the others.
        let narrow = doc(
            r#"{"Statement":[{"Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/admin"}]}"#,
        );
        assert_eq!(
            set(&[&admin, &narrow]).allows("iam:PassRole", Scope::Star),
            Tri::Yes
        );
        // A conditional Deny may or may not apply.
        let cond = doc(
            r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}"#,
        );
        assert_eq!(
            set(&[&admin, &cond]).allows("s3:GetObject", Scope::Star),
            Tri::Unknown
        );
    }

    #[test]
    fn boundary_intersects() {
        let admin = doc(ADMIN);
        let boundary =
            doc(r#"{"Statement":[{"Effect":"Allow","Action":["s3:*","logs:*"],"Resource":"*"}]}"#);
        let mut s = set(&[&admin]);
        s.boundary = Boundary::Known(&boundary);
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::Yes);
        assert_eq!(s.allows("iam:CreateUser", Scope::AnyResource), Tri::No);
        // The boundary alone grants nothing.
        let none = doc(r#"{"Statement":[]}"#);
        let mut s = set(&[&none]);
        s.boundary = Boundary::Known(&boundary);
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::No);
        // A boundary not known: no definite answer either way.
        let mut s = set(&[&admin]);
        s.boundary = Boundary::Unknown;
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::Unknown);
        assert!(!s.complete());
    }

    #[test]
    fn unknown_policies_make_answers_unknown() {
        let admin = doc(ADMIN);
        let mut s = set(&[&admin]);
        s.unknown = 1;
        assert_eq!(s.allows("s3:GetObject", Scope::Star), Tri::Unknown);
        let logs = doc(
            r#"{"Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}"#,
        );
        let mut s = set(&[&logs]);
        assert_eq!(s.allows("sqs:ReceiveMessage", Scope::AnyResource), Tri::No);
        s.unknown = 1;
        assert_eq!(
            s.allows("sqs:ReceiveMessage", Scope::AnyResource),
            Tri::Unknown
        );
    }

    #[test]
    fn conditions_and_scopes() {
        let d = doc(r#"{"Statement":[
                {"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}},
                {"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:us-east-1:1:function:app"},
                {"Effect":"Allow","Action":"sts:AssumeRole","NotResource":"arn:aws:iam::1:role/admin"}
            ]}"#);
        let s = set(&[&d]);
        assert_eq!(s.allows("iam:PassRole", Scope::Star), Tri::Unknown);
        assert_eq!(
            s.allows("lambda:UpdateFunctionCode", Scope::AnyResource),
            Tri::Yes
        );
        assert_eq!(s.allows("lambda:UpdateFunctionCode", Scope::Star), Tri::No);
        assert_eq!(s.allows("sts:AssumeRole", Scope::AnyResource), Tri::Yes);
        assert_eq!(s.allows("sts:AssumeRole", Scope::Star), Tri::No);
        let w = s.decide("lambda:UpdateFunctionCode", Scope::AnyResource).by;
        assert_eq!(
            w,
            Some(Witness {
                policy: 0,
                statement: 1
            })
        );
        let _ = Span::none();
    }

    #[test]
    fn unknown_parts_of_a_statement() {
        let n = Node::new(
            Value::Map(
                [
                    ("Effect".to_string(), Node::string("Allow", Span::none())),
                    ("Action".to_string(), Node::unknown(Span::none())),
                    ("Resource".to_string(), Node::string("*", Span::none())),
                ]
                .into_iter()
                .collect(),
            ),
            Span::none(),
        );
        let st = Statement { node: n };
        assert_eq!(
            statement_allows(&st, "s3:GetObject", Scope::Star),
            Tri::Unknown
        );
    }
}
