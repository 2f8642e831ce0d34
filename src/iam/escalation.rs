//! The privilege-escalation catalogue PRIV007 (one policy document) and WL004 (all of a
//! workload's policies together) share: sets of permissions that let a principal gain
//! permissions it was not given.
//!
//! Two shapes:
//! - **pass a role to a launch**: `iam:PassRole` on `"*"` together with an action that starts
//!   compute with a role of the caller's choosing (`ec2:RunInstances`,
//!   `lambda:CreateFunction`, ...): the new workload runs with any role in the account;
//! - **direct**: one action that changes IAM in the caller's favour
//!   (`iam:CreatePolicyVersion`, `iam:AttachRolePolicy`, ...), or `sts:AssumeRole` /
//!   `lambda:UpdateFunctionCode` on `"*"`; an access key or a console password for a user
//!   other than the caller (`user/${aws:username}` is the caller's own).
//!
//! The catalogue is data; [`find`] checks it against any [`Permissions`], so the caller
//! decides how a grant is known (one document, or a role's effective permissions). Not yet
//! wired to rules.

use crate::model::policy::Tri;

/// Which resources a required permission must cover.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Any grant of the action counts.
    AnyResource,
    /// Only a grant on `Resource: "*"` counts (`iam:PassRole` on `*` passes every role).
    Star,
    /// A grant on some resource other than the caller's own IAM user counts: an ARN ending
    /// in `user/${aws:username}` lets each user manage only its own keys and password.
    OtherPrincipal,
}

/// What the catalogue asks of a set of permissions.
pub trait Permissions {
    /// Is `action` (an exact IAM action name) allowed with at least this scope?
    fn allows(&self, action: &str, scope: Scope) -> Tri;
}

/// One escalation path.
#[derive(Debug)]
pub struct Path {
    /// Stable identifier (`passrole-ec2`), for messages and fingerprints.
    pub id: &'static str,
    /// What the holder can do, for the finding's message.
    pub summary: &'static str,
    /// Every entry must be allowed; an entry is satisfied by any one of its actions.
    pub requires: &'static [(&'static [&'static str], Scope)],
}

const PASS_ROLE: (&[&str], Scope) = (&["iam:PassRole"], Scope::Star);

/// The catalogue, in a fixed order.
pub static CATALOGUE: &[Path] = &[
    Path {
        id: "passrole-ec2",
        summary: "launch an EC2 instance with any role and read its credentials from IMDS",
        requires: &[PASS_ROLE, (&["ec2:RunInstances"], Scope::AnyResource)],
    },
    Path {
        id: "passrole-lambda",
        summary: "create a Lambda function with any role and run code as that role",
        requires: &[PASS_ROLE, (&["lambda:CreateFunction"], Scope::AnyResource)],
    },
    Path {
        id: "passrole-ecs",
        summary: "register or run an ECS task with any role as its task role",
        requires: &[
            PASS_ROLE,
            (
                &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
                Scope::AnyResource,
            ),
        ],
    },
    Path {
        id: "passrole-cloudformation",
        summary: "create a CloudFormation stack that deploys with any role",
        requires: &[
            PASS_ROLE,
            (&["cloudformation:CreateStack"], Scope::AnyResource),
        ],
    },
    Path {
        id: "passrole-glue",
        summary: "create a Glue development endpoint with any role and log in to it",
        requires: &[PASS_ROLE, (&["glue:CreateDevEndpoint"], Scope::AnyResource)],
    },
    Path {
        id: "passrole-codebuild",
        summary: "create a CodeBuild project with any role and run its build commands",
        requires: &[
            PASS_ROLE,
            (&["codebuild:CreateProject"], Scope::AnyResource),
        ],
    },
    Path {
        id: "create-policy-version",
        summary: "write a new default version of a managed policy it holds",
        requires: &[(&["iam:CreatePolicyVersion"], Scope::AnyResource)],
    },
    Path {
        id: "set-default-policy-version",
        summary: "switch a managed policy it holds to a more permissive old version",
        requires: &[(&["iam:SetDefaultPolicyVersion"], Scope::AnyResource)],
    },
    Path {
        id: "attach-policy",
        summary: "attach any managed policy (AdministratorAccess) to a principal",
        requires: &[(
            &[
                "iam:AttachGroupPolicy",
                "iam:AttachRolePolicy",
                "iam:AttachUserPolicy",
            ],
            Scope::AnyResource,
        )],
    },
    Path {
        id: "put-inline-policy",
        summary: "write any inline policy into a principal",
        requires: &[(
            &[
                "iam:PutGroupPolicy",
                "iam:PutRolePolicy",
                "iam:PutUserPolicy",
            ],
            Scope::AnyResource,
        )],
    },
    Path {
        id: "update-assume-role-policy",
        summary: "rewrite a role's trust policy so it can assume the role",
        requires: &[(&["iam:UpdateAssumeRolePolicy"], Scope::AnyResource)],
    },
    Path {
        id: "create-access-key",
        summary: "create an access key for another user and act as that user",
        requires: &[(&["iam:CreateAccessKey"], Scope::OtherPrincipal)],
    },
    Path {
        id: "login-profile",
        summary: "set a console password for another user and sign in as that user",
        requires: &[(
            &["iam:CreateLoginProfile", "iam:UpdateLoginProfile"],
            Scope::OtherPrincipal,
        )],
    },
    Path {
        id: "add-user-to-group",
        summary: "add a user to a more privileged group",
        requires: &[(&["iam:AddUserToGroup"], Scope::AnyResource)],
    },
    Path {
        id: "assume-any-role",
        summary: "assume any role whose trust policy trusts the account",
        requires: &[(&["sts:AssumeRole"], Scope::Star)],
    },
    Path {
        id: "update-any-function-code",
        summary: "replace the code of any Lambda function and run as its role",
        requires: &[(&["lambda:UpdateFunctionCode"], Scope::Star)],
    },
];

/// A path the permissions allow, or may allow.
#[derive(Debug)]
pub struct Found {
    pub path: &'static Path,
    /// `Yes` when every requirement is definitely allowed; `Unknown` when some may be.
    pub verdict: Tri,
    /// For each requirement, the action that satisfies it (the first allowed alternative).
    pub actions: Vec<&'static str>,
}

/// Every catalogue path the permissions allow (`Yes`) or may allow (`Unknown`), in
/// catalogue order. A path with any requirement definitely not allowed is left out.
pub fn find(perms: &dyn Permissions) -> Vec<Found> {
    let mut out = Vec::new();
    'paths: for path in CATALOGUE {
        let mut verdict = Tri::Yes;
        let mut actions = Vec::new();
        for (alternatives, scope) in path.requires {
            let mut best: Option<(&'static str, Tri)> = None;
            for a in alternatives.iter() {
                match perms.allows(a, *scope) {
                    Tri::Yes => {
                        best = Some((a, Tri::Yes));
                        break;
                    }
                    Tri::Unknown if best.is_none() => best = Some((a, Tri::Unknown)),
                    _ => {}
                }
            }
            match best {
                None => continue 'paths,
                Some((a, t)) => {
                    if t == Tri::Unknown {
                        verdict = Tri::Unknown;
                    }
                    actions.push(a);
                }
            }
        }
        out.push(Found {
            path,
            verdict,
            actions,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::pattern::pattern_matches;

    /// Grants as `(action pattern, on "*")`, plus patterns whose grant is not known.
    struct Grants {
        known: Vec<(&'static str, bool)>,
        unknown: Vec<&'static str>,
    }

    impl Permissions for Grants {
        fn allows(&self, action: &str, scope: Scope) -> Tri {
            let hit = self
                .known
                .iter()
                .any(|(p, star)| pattern_matches(p, action) && (*star || scope != Scope::Star));
            if hit {
                Tri::Yes
            } else if self.unknown.iter().any(|p| pattern_matches(p, action)) {
                Tri::Unknown
            } else {
                Tri::No
            }
        }
    }

    fn ids(found: &[Found]) -> Vec<&str> {
        found.iter().map(|f| f.path.id).collect()
    }

    fn grants(known: &[(&'static str, bool)]) -> Grants {
        Grants {
            known: known.to_vec(),
            unknown: vec![],
        }
    }

    #[test]
    fn every_catalogue_action_is_a_real_action() {
        let data = crate::iam::dataset::get();
        for p in CATALOGUE {
            assert!(!p.requires.is_empty(), "{}", p.id);
            for (alternatives, _) in p.requires {
                for a in alternatives.iter() {
                    let found = data
                        .get(a)
                        .unwrap_or_else(|| panic!("{}: {a} unknown", p.id));
                    assert_eq!(&found.name, a, "{}: spelled as AWS spells it", p.id);
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        assert!(CATALOGUE.iter().all(|p| seen.insert(p.id)), "unique ids");
    }

    #[test]
    fn pass_role_needs_a_launch_action_and_star() {
        assert!(find(&grants(&[("iam:PassRole", true)])).is_empty());
        assert!(find(&grants(&[("ec2:RunInstances", true)])).is_empty());
        let found = find(&grants(&[
            ("iam:PassRole", true),
            ("ec2:RunInstances", false),
        ]));
        assert_eq!(ids(&found), ["passrole-ec2"]);
        assert_eq!(found[0].verdict, Tri::Yes);
        assert_eq!(found[0].actions, ["iam:PassRole", "ec2:RunInstances"]);
        // PassRole on one role does not pass "any role".
        assert!(
            find(&grants(&[
                ("iam:PassRole", false),
                ("ec2:RunInstances", true)
            ]))
            .is_empty()
        );
    }

    #[test]
    fn wildcards_reach_the_catalogue() {
        let found = find(&grants(&[("iam:*", false)]));
        let ids = ids(&found);
        for id in [
            "create-policy-version",
            "attach-policy",
            "put-inline-policy",
            "create-access-key",
            "add-user-to-group",
        ] {
            assert!(ids.contains(&id), "{id} in {ids:?}");
        }
        // iam:* on one resource does not give PassRole on "*".
        assert!(!ids.iter().any(|i| i.starts_with("passrole-")));
        assert_eq!(find(&grants(&[("*", true)])).len(), CATALOGUE.len());
        assert!(find(&grants(&[("ec2:Describe*", true), ("s3:Get*", true)])).is_empty());
    }

    #[test]
    fn alternatives_and_star_only_paths() {
        let found = find(&grants(&[("iam:PutUserPolicy", false)]));
        assert_eq!(ids(&found), ["put-inline-policy"]);
        assert_eq!(found[0].actions, ["iam:PutUserPolicy"]);
        assert!(find(&grants(&[("sts:AssumeRole", false)])).is_empty());
        assert_eq!(
            ids(&find(&grants(&[("sts:AssumeRole", true)]))),
            ["assume-any-role"]
        );
        assert!(find(&grants(&[("lambda:UpdateFunctionCode", false)])).is_empty());
    }

    #[test]
    fn unknown_grants_give_unknown_verdicts() {
        let g = Grants {
            known: vec![("iam:PassRole", true)],
            unknown: vec!["lambda:*"],
        };
        let found = find(&g);
        let lambda = found
            .iter()
            .find(|f| f.path.id == "passrole-lambda")
            .unwrap();
        assert_eq!(lambda.verdict, Tri::Unknown);
        assert!(found.iter().all(|f| f.verdict == Tri::Unknown));
        // A known grant wins over an unknown alternative.
        let g = Grants {
            known: vec![("iam:AttachRolePolicy", false)],
            unknown: vec!["iam:Attach*"],
        };
        let found = find(&g);
        assert_eq!(found[0].verdict, Tri::Yes);
        assert_eq!(found[0].actions, ["iam:AttachRolePolicy"]);
    }
}
