//! TRUST003 trust-oidc-subject-unscoped.
//!
//! Reports web-identity trusts of OIDC providers whose `:sub` condition is missing or
//! admits any subject; single-tenant issuers count as scoped.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/TRUST003.yaml`; `docs/rules/TRUST003.md` and `rolegraph rules TRUST003` render it.

use super::trust_statements;
use crate::finding::Finding;
use crate::iam::principal::{Principal, Test};
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Trust003;

const ID: &str = "TRUST003";

/// Does a `:sub` value admit any subject of the provider?
fn admits_anyone(value: &str, wildcards: bool) -> bool {
    if !wildcards {
        return false;
    }
    let v = value.to_ascii_lowercase();
    v.chars().all(|c| c == '*')
        || v.starts_with("repo:*")
        || v.starts_with("system:serviceaccount:*")
        || v == "repo:"
}

/// Is the provider's issuer one organization's own (CircleCI, Bitbucket Pipelines), so
/// that every token it issues comes from that organization?
fn tenant_issuer(provider: &str) -> bool {
    let p = provider.to_ascii_lowercase();
    let Some((_, issuer)) = p.split_once("oidc-provider/") else {
        return false;
    };
    let tenant = |prefix: &str| {
        issuer
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('/').next())
            .is_some_and(|t| !t.is_empty() && !t.contains(['*', '?', '$']))
    };
    tenant("oidc.circleci.com/org/") || tenant("api.bitbucket.org/2.0/workspaces/")
}

/// Which provider a trust is about, for the message and the GitHub subject rule.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    GitHub,
    Eks,
    Generic,
}

impl Kind {
    fn of(provider: &str) -> Kind {
        let p = provider.to_ascii_lowercase();
        if p.contains("token.actions.githubusercontent.com") {
            Kind::GitHub
        } else if p.contains("oidc.eks.") {
            Kind::Eks
        } else {
            Kind::Generic
        }
    }

    /// Who gets tokens from the provider, for the message.
    fn audience(self) -> &'static str {
        match self {
            Kind::GitHub => "any GitHub repository",
            Kind::Eks => "any pod of the cluster",
            Kind::Generic => "anyone the provider issues tokens to",
        }
    }
}

/// Is a GitHub `:sub` value scoped to one organization: `repo:ORG/...` with a literal
/// organization? A value that does not start that way (`environment:prod`,
/// `*:ref:refs/heads/main`) can be produced by any repository that customises its subject
/// template, and `repo:acme*` also matches `repo:acme-evil/...`.
fn github_scoped(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let Some(rest) = v.strip_prefix("repo:") else {
        return false;
    };
    match rest.split_once('/') {
        Some((org, _)) => !org.is_empty() && !org.contains(['*', '?']),
        None => false,
    }
}

fn is_oidc(provider: &str) -> bool {
    !provider.contains(":saml-provider/") && !provider.starts_with("cognito-identity.")
}

impl Rule for Trust003 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for ts in trust_statements(m) {
            if !ts.covers("sts:AssumeRoleWithWebIdentity") {
                continue;
            }
            let Some(tests) = &ts.tests else { continue };
            let Some((provider, pnode)) = ts.principals.iter().find_map(|(p, n)| match p {
                Principal::Federated(f) if is_oidc(f) => Some((f.clone(), n)),
                _ => None,
            }) else {
                continue;
            };
            // A reference to a provider resource of the scan: judge its URL.
            let issuer = crate::model::referenced_oidc_issuer(m, pnode)
                .map(|url| format!("oidc-provider/{url}"));
            let judged = issuer.as_deref().unwrap_or(&provider);
            if tenant_issuer(judged) {
                continue;
            }
            let kind = Kind::of(judged);
            // An immutable claim (the organization's or repository's ID) scopes a GitHub
            // trust whatever the subject template.
            if kind == Kind::GitHub
                && tests.iter().any(|t| {
                    t.is_positive_match()
                        && !t.if_exists
                        && (t.key.ends_with(":repository_owner_id")
                            || t.key.ends_with(":repository_id"))
                })
            {
                continue;
            }
            let subs: Vec<&Test> = tests
                .iter()
                .filter(|t| t.key.ends_with(":sub") && t.is_positive_match())
                .collect();
            let (span, why) = if subs.is_empty() {
                // A key built from something unknown might be the `:sub` one.
                if tests
                    .iter()
                    .any(|t| t.key.contains("${") || t.key.is_empty())
                {
                    continue;
                }
                (
                    pnode.span.clone(),
                    "has no condition on the token's subject (:sub)".to_string(),
                )
            } else {
                let wild = |t: &Test| t.operator.to_ascii_lowercase().contains("like");
                let open: Vec<(&Test, &str)> = subs
                    .iter()
                    .flat_map(|t| {
                        t.values
                            .iter()
                            .filter_map(|v| v.as_str())
                            .filter(|v| {
                                admits_anyone(v, wild(t))
                                    || (kind == Kind::GitHub && !github_scoped(v))
                            })
                            .map(move |v| (*t, v))
                    })
                    .collect();
                let Some((t, v)) = open.first() else { continue };
                let why = if admits_anyone(v, wild(t)) {
                    format!(
                        "allows the subject \"{v}\", which matches any {}",
                        match v {
                            v if v.starts_with("repo:") => "repository",
                            v if v.starts_with("system:serviceaccount:") => "namespace",
                            _ => "subject",
                        }
                    )
                } else {
                    format!(
                        "allows the subject \"{v}\", which does not start with repo:ORG/ naming one organization: a repository of another organization can produce it (a customised subject template, or an organization whose name starts the same)"
                    )
                };
                (t.node.span.clone(), why)
            };
            // A reference is named by its address (and the provider's URL), as written.
            let provider = m.reference_name(&provider);
            out.push(
                Finding::new(
                    ID,
                    severity(ID),
                    span,
                    ts.role_address(),
                    format!(
                        "the web-identity trust of {} for {provider} {why}: {} can assume the role. {}",
                        ts.role_address(),
                        kind.audience(),
                        match kind {
                            Kind::GitHub => "Add a StringEquals or StringLike condition on token.actions.githubusercontent.com:sub starting with repo:ORG/REPO (the repository and branch or environment)",
                            Kind::Eks => "Add a StringEquals condition on the provider's :sub naming the namespace and service account (system:serviceaccount:NS:SA)",
                            Kind::Generic => "Add a StringEquals or StringLike condition on the provider's :sub naming the identities that may assume the role",
                        }
                    ),
                )
                .related(ts.st.node.span.first_line(), "in this statement"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::admits_anyone;

    #[test]
    fn tenant_issuers() {
        use super::tenant_issuer;
        let arn = |i: &str| format!("arn:aws:iam::111122223333:oidc-provider/{i}");
        assert!(tenant_issuer(&arn("oidc.circleci.com/org/0f5b1b9e-2c4d")));
        assert!(tenant_issuer(&arn(
            "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc"
        )));
        assert!(!tenant_issuer(&arn("oidc.circleci.com/org/")));
        assert!(!tenant_issuer(&arn("oidc.circleci.com/org/*")));
        assert!(!tenant_issuer(&arn("token.actions.githubusercontent.com")));
        assert!(!tenant_issuer(&arn("gitlab.com")));
    }

    #[test]
    fn github_subjects() {
        use super::github_scoped;
        assert!(github_scoped("repo:acme/app:ref:refs/heads/main"));
        assert!(github_scoped("repo:acme/*"));
        assert!(!github_scoped("repo:acme*"));
        assert!(!github_scoped("repo:acme*/app:*"));
        assert!(!github_scoped("environment:prod"));
        assert!(!github_scoped("*:ref:refs/heads/main"));
        assert!(!github_scoped("repo:/app"));
    }

    #[test]
    fn open_subjects() {
        for v in [
            "*",
            "repo:*",
            "repo:*/app:*",
            "system:serviceaccount:*:*",
            "system:serviceaccount:*:app",
        ] {
            assert!(admits_anyone(v, true), "{v}");
        }
        for v in [
            "repo:org/*",
            "repo:org/app:ref:refs/heads/main",
            "system:serviceaccount:prod:*",
        ] {
            assert!(!admits_anyone(v, true), "{v}");
        }
        assert!(!admits_anyone("*", false), "StringEquals takes * literally");
    }
}
