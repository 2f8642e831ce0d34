//! IMDS001 imdsv2-not-required
//!
//! What it does: finds EC2 instances, spot requests, launch templates and launch
//! configurations whose instances answer IMDSv1 requests: metadata `http_tokens` is not
//! `required` while the endpoint is enabled. An instance without options of its own is
//! judged by its launch template; an AMI declared with `imds_support = "v2.0"` or an
//! account default (`aws_ec2_instance_metadata_defaults`) that requires tokens makes it
//! clean. Values that are not statically known never fire.
//!
//! Why is this bad? IMDSv1 answers a plain GET. Any server-side request forgery in software
//! on the instance turns into the instance role's credentials.

use super::{endpoint_disabled, with_path};
use crate::finding::Finding;
use crate::model::policy::Tri;
use crate::model::{Metadata, Model, term};
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
            if endpoint_disabled(&l.metadata) != Tri::No {
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
                            tokens = term(r, "http_tokens"),
                        ),
                    ),
                    None => continue,
                },
                Metadata::Known { tokens: None, .. } | Metadata::Absent => {
                    // The launch template decides; it is checked on its own.
                    if !l.launch_templates.is_empty() || l.launch_template_unresolved {
                        continue;
                    }
                    match ami_requires_v2(m, &l.amis) {
                        Tri::Yes | Tri::Unknown => continue,
                        Tri::No => {}
                    }
                    if m.account_requires_tokens.is_some() {
                        continue;
                    }
                    let span = match &l.metadata {
                        Metadata::Known { span, .. } => span.first_line(),
                        _ => r.span.first_line(),
                    };
                    Finding::new(
                        ID,
                        severity(ID),
                        span,
                        &r.address,
                        format!(
                            "{} accepts IMDSv1: {} does not set {} to \"required\", and the default is \"optional\", so a plain GET to the metadata service returns the instance role's credentials",
                            r.address,
                            term(r, "metadata_options"),
                            term(r, "http_tokens"),
                        ),
                    )
                }
            };
            out.push(with_path(m, l, finding.key("http_tokens")));
        }
        out
    }
}

/// Does an AMI declared in the configuration require IMDSv2 (`imds_support = "v2.0"`)?
fn ami_requires_v2(m: &Model, amis: &[usize]) -> Tri {
    if amis.is_empty() {
        return Tri::No;
    }
    let mut all = Tri::Yes;
    for a in amis {
        match m.resource(*a).attr(&["imds_support"]) {
            Some(v) if v.as_str() == Some("v2.0") => {}
            Some(v) if v.has_unknown() => all = Tri::Unknown,
            _ => return Tri::No,
        }
    }
    all
}
