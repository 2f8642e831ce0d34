//! IMDS001 imdsv2-not-required.
//!
//! Walks the model's EC2 launches (instances, spot requests, launch templates and
//! configurations) and judges their metadata options, falling back to the launch template,
//! the AMI and the account default; unknown values never fire.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/IMDS001.yaml`; `docs/rules/IMDS001.md` and `rolegraph rules IMDS001` render it.

use super::{launch_endpoint_disabled, with_path};
use crate::finding::Finding;
use crate::model::policy::Tri;
use crate::model::{Image, Metadata, Model};
use crate::rules::{Rule, severity};

pub struct Imds001;

const ID: &str = "IMDS001";

impl Rule for Imds001 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for l in &m.ec2 {
            let r = m.resource(l.res);
            if launch_endpoint_disabled(m, l) != Tri::No {
                continue;
            }
            let finding = match &l.metadata {
                Metadata::Unknown => continue,
                Metadata::Known {
                    tokens: Some(t), ..
                } => match t.as_str() {
                    Some("required") => continue,
                    Some(v) => Finding::new(
                        ID,
                        severity(ID),
                        t.span.clone(),
                        &r.address,
                        format!(
                            "{} accepts IMDSv1: {tokens} is \"{v}\", so any request to the metadata service, without a session token, gets the instance role's credentials; set {tokens} to \"required\"",
                            r.address,
                            tokens = l.names.tokens,
                        ),
                    ),
                    None => continue,
                },
                Metadata::Known { tokens: None, .. } | Metadata::Absent => {
                    // The launch template decides; it is checked on its own.
                    if !l.launch_templates.is_empty() || l.launch_template_unresolved {
                        continue;
                    }
                    let span = match &l.metadata {
                        Metadata::Known { span, .. } => span.first_line(),
                        _ => r.span.first_line(),
                    };
                    // The account default comes before the AMI's.
                    if let Some(a) = &m.account_metadata
                        && let Some(t) = &a.tokens
                    {
                        match t.as_str() {
                            Some("optional") => {
                                let acct = m.resource(a.res);
                                let f = Finding::new(
                                    ID,
                                    severity(ID),
                                    span,
                                    &r.address,
                                    format!(
                                        "{} accepts IMDSv1: {} does not set {}, so the account default of {} applies, \"optional\" (it overrides the AMI's own default), and a plain GET to the metadata service returns the instance role's credentials",
                                        r.address, l.names.options, l.names.tokens, acct.address,
                                    ),
                                )
                                .related(t.span.clone(), format!("the account default in {}", acct.address));
                                out.push(with_path(m, l, f.key("http_tokens")));
                                continue;
                            }
                            // "required", or not known.
                            _ => continue,
                        }
                    }
                    match image_requires_v2(m, l) {
                        Tri::Yes | Tri::Unknown => continue,
                        Tri::No => {}
                    }
                    Finding::new(
                        ID,
                        severity(ID),
                        span,
                        &r.address,
                        format!(
                            "{} accepts IMDSv1: {} does not set {} to \"required\", and the default is \"optional\", so a plain GET to the metadata service returns the instance role's credentials",
                            r.address, l.names.options, l.names.tokens,
                        ),
                    )
                }
            };
            // Without an instance profile IMDS serves user data and metadata, but no
            // credentials: say so, at medium.
            let finding = if crate::model::runs_without_profile(l, r) {
                let mut f = finding;
                f.message = f.message.replace(
                    "gets the instance role's credentials",
                    "gets the user data and instance metadata (the instance has no instance profile, so no credentials are exposed; attaching a role later would expose them)",
                ).replace(
                    "returns the instance role's credentials",
                    "returns the user data and instance metadata (the instance has no instance profile, so no credentials are exposed; attaching a role later would expose them)",
                );
                f.severity = crate::finding::Severity::Medium;
                f
            } else {
                finding
            };
            out.push(with_path(m, l, finding.key("http_tokens")));
        }
        out
    }
}

/// The Parameter Store path prefix of the Amazon Linux 2023 AMIs AWS publishes
/// (`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`, ...). AWS
/// documents that instances launched from the AL2023 AMI require IMDSv2 by default: the AMIs
/// are registered with `ImdsSupport` `v2.0`.
const AL2023_PARAMETER: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-";

/// The account that owns the Amazon Linux AMIs (`owners = ["amazon"]` names it too).
const AMAZON_OWNERS: &[&str] = &["amazon", "137112412989"];

/// The parameter an image ID reads from Parameter Store: a CloudFormation dynamic reference
/// `{{resolve:ssm:NAME}}` (an `AWS::SSM::Parameter::Value<...>` parameter evaluates to
/// one) or a launch template's `resolve:ssm:NAME`, without a `:version` suffix.
fn ssm_image_parameter(s: &str) -> Option<&str> {
    let inner = s
        .strip_prefix("{{resolve:ssm:")
        .and_then(|r| r.strip_suffix("}}"))
        .or_else(|| s.strip_prefix("resolve:ssm:"))?;
    Some(inner.split_once(':').map_or(inner, |(name, _)| name))
}

fn is_al2023_parameter(name: &str) -> bool {
    name.starts_with(AL2023_PARAMETER)
}

/// Does the launch's image require IMDSv2 by default? `Yes` for an AMI declared in the
/// configuration with `imds_support = "v2.0"`, and for an Amazon Linux 2023 AMI: read from
/// AWS's public `al2023-ami-*` parameter (a dynamic reference, an SSM-typed parameter's
/// default, `resolve:ssm:`, a `data.aws_ssm_parameter`), or looked up with a `data.aws_ami`
/// owned by Amazon whose name filter only matches `al2023-ami-*`. Any other image (one
/// that is not known included) leaves the default, `optional`.
fn image_requires_v2(m: &Model, l: &crate::model::Ec2Launch) -> Tri {
    if let Some(s) = l.image_id.as_ref().and_then(|n| n.as_str())
        && ssm_image_parameter(s).is_some_and(is_al2023_parameter)
    {
        return Tri::Yes;
    }
    if l.amis.is_empty() {
        return Tri::No;
    }
    let mut all = Tri::Yes;
    for a in &l.amis {
        let verdict = match m.image(*a) {
            Image::Parameter { name } => match name {
                Some(name) if is_al2023_parameter(name) => Tri::Yes,
                _ => Tri::No,
            },
            Image::Lookup {
                owners,
                name_filters,
                name_regex,
            } => al2023_lookup(owners, &name_filters, name_regex),
            Image::Declared { imds_support } => match imds_support {
                Some(v) if v.as_str() == Some("v2.0") => Tri::Yes,
                Some(v) if v.has_unknown() => Tri::Unknown,
                _ => Tri::No,
            },
            Image::Other => Tri::No,
        };
        match verdict {
            Tri::Yes => {}
            Tri::Unknown => all = Tri::Unknown,
            Tri::No => return Tri::No,
        }
    }
    all
}

/// Does a `data.aws_ami` look up an Amazon Linux 2023 AMI: owned by Amazon, with a `name`
/// filter whose every value starts with `al2023-ami-` or a `name_regex` anchored on it?
fn al2023_lookup(
    owners: Option<&crate::value::Node>,
    names: &[&crate::value::Node],
    name_regex: Option<&str>,
) -> Tri {
    let owned_by_amazon = owners.is_some_and(|o| {
        let items = o.items();
        !items.is_empty()
            && items
                .iter()
                .all(|i| i.as_str().is_some_and(|s| AMAZON_OWNERS.contains(&s)))
    });
    if !owned_by_amazon {
        return Tri::No;
    }
    let regex = name_regex.is_some_and(|r| r.starts_with("^al2023-ami-"));
    let filtered = !names.is_empty()
        && names
            .iter()
            .all(|n| n.as_str().is_some_and(|s| s.starts_with("al2023-ami-")));
    if regex || filtered { Tri::Yes } else { Tri::No }
}
