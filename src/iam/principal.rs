//! Principals and conditions of policy statements: who a trust policy or a resource policy
//! admits, and whether its conditions narrow the caller.
//!
//! Principal forms: `"*"`, `{"AWS": "*"}`, account IDs, account root ARNs, role and user
//! ARNs, `Service`, `Federated`, `CanonicalUser`, each a string or a list. Condition blocks:
//! every operator (`StringEquals`, `StringLike`, `ArnLike`, `IpAddress`, `Bool`, `Null`,
//! the `...IfExists` forms, `ForAnyValue:` and `ForAllValues:` prefixes), keys compared
//! case-insensitively.

use crate::model::policy::Tri;
use crate::value::{Node, Piece, Value};

/// One entry of a `Principal` element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// `"*"` or `{"AWS": "*"}`: anyone, in any account.
    Anyone,
    /// An AWS account (`123456789012`, `arn:aws:iam::123456789012:root`) or a principal in
    /// it (a role or user ARN), with whose account it is.
    Aws {
        text: String,
        account: Account,
    },
    Service(String),
    Federated(String),
    CanonicalUser(String),
    /// Not statically known.
    Unknown,
}

/// Whose account an AWS principal belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Account {
    /// The configuration's own account (`data.aws_caller_identity`, `${AWS::AccountId}`), or
    /// one of the IDs given with `--account-id`.
    Own,
    /// Another account, by ID.
    Other(String),
    /// Cannot tell (a variable, a reference to something else).
    Unknown,
}

/// Is a reference the configuration's own account (`data.aws_caller_identity.x.account_id`,
/// `AWS::AccountId`)?
fn is_own_account_ref(target: &str) -> bool {
    target == "AWS::AccountId"
        || target
            .rsplit('.')
            .nth(1)
            .is_some_and(|t| t == "aws_caller_identity")
        || target.contains("data.aws_caller_identity.")
}

/// The account of an AWS principal value, given the user's own account IDs.
pub fn account_of(n: &Node, own: &[String]) -> Account {
    let literal = |s: &str| -> Account {
        let id = if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
            Some(s)
        } else {
            s.strip_prefix("arn:")
                .and_then(|r| r.split(':').nth(3))
                .filter(|id| id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()))
        };
        match id {
            Some(id) if own.iter().any(|o| o == id) => Account::Own,
            Some(id) => Account::Other(id.to_string()),
            None => Account::Unknown,
        }
    };
    match &n.value {
        Value::String(s) => literal(s),
        Value::Ref(r) if is_own_account_ref(&r.target) => Account::Own,
        Value::Interp(pieces) => {
            // `arn:aws:iam::${data.aws_caller_identity.current.account_id}:root`
            let own_ref = pieces
                .iter()
                .any(|p| matches!(p, Piece::Ref(r) if is_own_account_ref(&r.target)));
            if own_ref {
                return Account::Own;
            }
            // A literal account inside a partially known ARN (`arn:${partition}:iam::1234...`).
            let text: String = pieces
                .iter()
                .map(|p| match p {
                    Piece::Lit(l) => l.as_str(),
                    _ => "aws",
                })
                .collect();
            match literal(&text) {
                Account::Other(id) if !pieces.iter().any(|p| matches!(p, Piece::Unknown)) => {
                    Account::Other(id)
                }
                Account::Own => Account::Own,
                _ => Account::Unknown,
            }
        }
        _ => Account::Unknown,
    }
}

/// Every principal a `Principal` element names.
pub fn principals(p: &Node, own: &[String]) -> Vec<(Principal, Node)> {
    if p.as_str() == Some("*") {
        return vec![(Principal::Anyone, p.clone())];
    }
    let Value::Map(m) = &p.value else {
        return vec![(Principal::Unknown, p.clone())];
    };
    let mut out = Vec::new();
    for (k, v) in m {
        if matches!(v.value, Value::Unknown) {
            out.push((Principal::Unknown, v.clone()));
            continue;
        }
        for item in v.items() {
            let text = item.display_text().unwrap_or_default();
            let pr =
                match k.to_ascii_lowercase().as_str() {
                    "aws" if item.as_str() == Some("*") => Principal::Anyone,
                    "aws" => match account_of(item, own) {
                        Account::Unknown if item.has_unknown() || !item.refs().is_empty() => {
                            // A reference to a role of the scan is the scan's own account.
                            if item.refs().iter().any(|r| {
                                r.target.starts_with("aws_iam_") || !r.target.contains('.')
                            }) && !item.has_unknown()
                            {
                                Principal::Aws {
                                    text,
                                    account: Account::Own,
                                }
                            } else {
                                Principal::Unknown
                            }
                        }
                        account => Principal::Aws { text, account },
                    },
                    "service" => Principal::Service(text.to_ascii_lowercase()),
                    "federated" => Principal::Federated(text),
                    "canonicaluser" => Principal::CanonicalUser(text),
                    _ => Principal::Unknown,
                };
            out.push((pr, item.clone()));
        }
    }
    out
}

/// One test of a `Condition` block: `StringLike` on `token.actions.githubusercontent.com:sub`
/// with its values.
#[derive(Clone, Debug)]
pub struct Test {
    /// The operator as written, without `ForAnyValue:`/`ForAllValues:` and `IfExists`.
    pub operator: String,
    pub if_exists: bool,
    /// The key, lowercase.
    pub key: String,
    pub values: Vec<Node>,
    /// The node of the key's entry (for locations).
    pub node: Node,
}

impl Test {
    /// Is it a positive string/ARN match (`StringEquals`, `StringLike`, `ArnLike`, ...), as
    /// opposed to a negated one (`StringNotEquals`) or another family?
    pub fn is_positive_match(&self) -> bool {
        let op = self.operator.to_ascii_lowercase();
        (op.starts_with("string") || op.starts_with("arn")) && !op.contains("not")
    }
}

/// The tests of a statement's `Condition`; `None` when the block is not statically known.
pub fn tests(condition: Option<&Node>) -> Option<Vec<Test>> {
    let Some(c) = condition else {
        return Some(Vec::new());
    };
    let Value::Map(ops) = &c.value else {
        return if c.is_null() { Some(Vec::new()) } else { None };
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let Value::Map(keys) = &keys.value else {
            return None;
        };
        let bare = op
            .split_once(':')
            .filter(|(q, _)| {
                q.eq_ignore_ascii_case("ForAnyValue") || q.eq_ignore_ascii_case("ForAllValues")
            })
            .map_or(op.as_str(), |(_, o)| o);
        let (operator, if_exists) = match bare.strip_suffix("IfExists") {
            Some(o) => (o.to_string(), true),
            None => (bare.to_string(), false),
        };
        for (key, values) in keys {
            out.push(Test {
                operator: operator.clone(),
                if_exists,
                key: key.to_ascii_lowercase(),
                values: values.items().into_iter().cloned().collect(),
                node: values.clone(),
            });
        }
    }
    Some(out)
}

/// The condition keys that narrow who the caller can be (or on whose behalf a service acts).
pub const CALLER_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "sts:externalid",
];

/// Do the tests narrow the caller: a positive match (not `...IfExists`, which passes when
/// the key is absent) on one of `keys`, with values that are not all wildcards?
pub fn narrows(tests: &[Test], keys: &[&str]) -> Tri {
    let mut result = Tri::No;
    for t in tests {
        if !keys.contains(&t.key.as_str()) || !t.is_positive_match() || t.if_exists {
            continue;
        }
        if t.values
            .iter()
            .any(|v| v.has_unknown() || v.as_str().is_none() && v.refs().is_empty())
        {
            result = Tri::Unknown;
            continue;
        }
        if t.values.iter().all(|v| {
            v.as_str()
                .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c == '*'))
        }) {
            continue;
        }
        // `arn:aws:iam::*:role/x`: anyone can create a role of that name in an account of
        // their own, so a principal ARN whose account is a wildcard names no one.
        if matches!(t.key.as_str(), "aws:principalarn" | "aws:sourcearn")
            && t.values
                .iter()
                .all(|v| v.as_str().is_some_and(account_is_wildcard))
        {
            continue;
        }
        return Tri::Yes;
    }
    result
}

/// Is the account segment of an ARN pattern a wildcard (`arn:aws:iam::*:role/x`,
/// `arn:aws:iam::1111*:role/x`)? A pattern with a wildcard before the account (the
/// partition or service spanning it) counts as one too.
fn account_is_wildcard(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        [_, _, _, _, account, _] => account.contains(['*', '?']) || account.is_empty(),
        _ => true,
    }
}

/// Condition keys that limit which resources an `Allow` on `Resource: "*"` reaches: tags of
/// the resource or of the request (attribute-based access control), calls an AWS service
/// makes on the principal's behalf (the service picks the resources), KMS keys named by
/// alias or used through one service.
const RESOURCE_SCOPING_KEYS: &[&str] = &[
    "aws:calledvia",
    "aws:calledviafirst",
    "aws:calledvialast",
    "kms:requestalias",
    "kms:resourcealiases",
    "kms:viaservice",
];

/// Is `key` a tag key of the resource or the request (`aws:ResourceTag/team`,
/// `ec2:ResourceTag/team`, `aws:RequestTag/team`)?
fn is_tag_scope_key(key: &str) -> bool {
    key.split_once(':')
        .is_some_and(|(_, k)| k.starts_with("resourcetag/") || k.starts_with("requesttag/"))
}

/// Do the tests limit the resources a statement reaches: a positive match (not
/// `...IfExists`) on a resource or request tag, a KMS alias or `kms:ViaService`,
/// `aws:CalledVia*`, or `aws:ViaAWSService` true? Values that are all wildcards do not
/// count; `Unknown` when such a test's values are not statically known.
pub fn scopes_resources(tests: &[Test]) -> Tri {
    let mut result = Tri::No;
    for t in tests {
        if t.if_exists {
            continue;
        }
        let known = |v: &Node| !v.has_unknown() && (v.as_str().is_some() || !v.refs().is_empty());
        if t.key == "aws:viaawsservice" {
            if !t.operator.eq_ignore_ascii_case("Bool") {
                continue;
            }
            let truthy = |v: &Node| {
                matches!(v.value, Value::Bool(true))
                    || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
            };
            if t.values.iter().any(|v| v.has_unknown()) {
                result = Tri::Unknown;
            } else if !t.values.is_empty() && t.values.iter().all(truthy) {
                return Tri::Yes;
            }
            continue;
        }
        // `"Null": {"aws:ResourceTag/team": "false"}`: only resources that carry the tag
        // (attribute-based access control).
        if t.operator.eq_ignore_ascii_case("Null") && is_tag_scope_key(&t.key) {
            if t.values.iter().any(|v| v.has_unknown()) {
                result = Tri::Unknown;
            } else if !t.values.is_empty()
                && t.values.iter().all(|v| {
                    matches!(v.value, Value::Bool(false))
                        || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("false"))
                })
            {
                return Tri::Yes;
            }
            continue;
        }
        // `aws:ARN` equal to `${ec2:SourceInstanceARN}` (or the reverse): an instance acting
        // on itself only.
        if t.is_positive_match()
            && matches!(t.key.as_str(), "aws:arn" | "ec2:sourceinstancearn")
            && t.values.iter().any(|v| {
                v.as_str().is_some_and(|s| {
                    let s = s.to_ascii_lowercase();
                    s == "${ec2:sourceinstancearn}" || s == "${aws:arn}"
                })
            })
        {
            return Tri::Yes;
        }
        if !(RESOURCE_SCOPING_KEYS.contains(&t.key.as_str()) || is_tag_scope_key(&t.key))
            || !t.is_positive_match()
        {
            continue;
        }
        if !t.values.iter().all(known) {
            result = Tri::Unknown;
            continue;
        }
        let wildcard = |v: &Node| {
            v.as_str()
                .is_some_and(|s| !s.is_empty() && s.chars().all(|c| c == '*'))
        };
        if !t.values.is_empty() && !t.values.iter().all(wildcard) {
            return Tri::Yes;
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn node(json: &str) -> Node {
        crate::parse::json::parse(json, Arc::from("t.json"), 1, 1).unwrap()
    }

    #[test]
    fn principal_forms() {
        let own = vec!["111122223333".to_string()];
        let kinds = |j: &str| -> Vec<Principal> {
            principals(&node(j), &own)
                .into_iter()
                .map(|(p, _)| p)
                .collect()
        };
        assert_eq!(kinds(r#""*""#), [Principal::Anyone]);
        assert_eq!(kinds(r#"{"AWS": "*"}"#), [Principal::Anyone]);
        assert_eq!(
            kinds(r#"{"AWS": ["444455556666", "arn:aws:iam::111122223333:root"]}"#),
            [
                Principal::Aws {
                    text: "444455556666".into(),
                    account: Account::Other("444455556666".into())
                },
                Principal::Aws {
                    text: "arn:aws:iam::111122223333:root".into(),
                    account: Account::Own
                }
            ]
        );
        assert_eq!(
            kinds(
                r#"{"Service": "Lambda.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"}"#
            ),
            [
                Principal::Federated("cognito-identity.amazonaws.com".into()),
                Principal::Service("lambda.amazonaws.com".into()),
            ]
        );
        assert_eq!(
            kinds(r#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#).len(),
            1
        );
    }

    #[test]
    fn conditions_and_narrowing() {
        let t = tests(Some(&node(
            r#"{"StringEquals": {"sts:ExternalId": "abc"}, "ForAnyValue:StringLike": {"AWS:PrincipalOrgPaths": "o-1/*"}, "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}"#,
        )))
        .unwrap();
        assert_eq!(t.len(), 3);
        assert!(
            t.iter()
                .any(|x| x.key == "aws:principalorgpaths" && x.operator == "StringLike")
        );
        assert!(t.iter().any(|x| x.operator == "Bool" && x.if_exists));
        assert_eq!(narrows(&t, &["sts:externalid"]), Tri::Yes);
        assert_eq!(narrows(&t, CALLER_KEYS), Tri::Yes);
        // A negated match, an IfExists match, or `*` does not narrow.
        for j in [
            r#"{"StringNotEquals": {"aws:PrincipalAccount": "111122223333"}}"#,
            r#"{"StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}"#,
            r#"{"StringLike": {"aws:PrincipalArn": "*"}}"#,
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
        ] {
            let t = tests(Some(&node(j))).unwrap();
            assert_eq!(narrows(&t, CALLER_KEYS), Tri::No, "{j}");
        }
        assert!(tests(Some(&Node::unknown(crate::value::Span::none()))).is_none());
    }

    #[test]
    fn conditions_that_scope_resources() {
        let scope = |j: &str| scopes_resources(&tests(Some(&node(j))).unwrap());
        for j in [
            r#"{"StringEquals": {"aws:ResourceTag/team": "payments"}}"#,
            r#"{"StringEquals": {"ec2:ResourceTag/team": "payments"}}"#,
            r#"{"StringEquals": {"aws:RequestTag/cluster": "${aws:PrincipalTag/cluster}"}, "StringLike": {"aws:RequestTag/pool": "*"}}"#,
            r#"{"Bool": {"aws:ViaAWSService": true}}"#,
            r#"{"Bool": {"aws:ViaAWSService": "true"}}"#,
            r#"{"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}"#,
            r#"{"StringEquals": {"kms:RequestAlias": "alias/replication"}}"#,
            r#"{"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}"#,
        ] {
            assert_eq!(scope(j), Tri::Yes, "{j}");
        }
        for j in [
            r#"{"StringLike": {"aws:ResourceTag/team": "*"}}"#,
            r#"{"StringNotEquals": {"aws:ResourceTag/team": "payments"}}"#,
            r#"{"StringEqualsIfExists": {"aws:ResourceTag/team": "payments"}}"#,
            r#"{"Bool": {"aws:ViaAWSService": "false"}}"#,
            r#"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#,
            r#"{"Bool": {"aws:SecureTransport": "true"}}"#,
        ] {
            assert_eq!(scope(j), Tri::No, "{j}");
        }
    }
}
