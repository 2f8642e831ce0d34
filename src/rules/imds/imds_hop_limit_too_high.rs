//! IMDS002 imds-hop-limit-too-high.
//!
//! Walks the model's EC2 launches and reports a metadata hop limit above 1 while the
//! endpoint is enabled.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/IMDS002.yaml`; `docs/rules/IMDS002.md` and `rolegraph rules IMDS002` render it.

use super::{launch_endpoint_disabled, with_path};
use crate::finding::Finding;
use crate::model::policy::Tri;
use crate::model::{Metadata, Model};
use crate::rules::{Rule, severity};
use crate::value::format_number;

pub struct Imds002;

const ID: &str = "IMDS002";

impl Rule for Imds002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for l in &m.ec2 {
            if launch_endpoint_disabled(m, l) != Tri::No {
                continue;
            }
            let r = m.resource(l.res);
            let h = match &l.metadata {
                Metadata::Known {
                    hop_limit: Some(h), ..
                } => h,
                Metadata::Unknown => continue,
                // No hop limit of its own: the launch template decides (checked on its
                // own), else the account default, else the AMI's (1 unless set).
                _ => {
                    if !l.launch_templates.is_empty() || l.launch_template_unresolved {
                        continue;
                    }
                    let Some(a) = &m.account_metadata else {
                        continue;
                    };
                    let Some(h) = &a.hop_limit else { continue };
                    let Some(n) = h.as_f64().filter(|n| *n > 1.0 && !h.has_unknown()) else {
                        continue;
                    };
                    let acct = m.resource(a.res);
                    let f = Finding::new(
                        ID,
                        severity(ID),
                        h.span.clone(),
                        &r.address,
                        format!(
                            "{} sets no {}, so the account default of {} applies: {}; the metadata token response crosses {} network hops, so containers on the host can reach IMDS and the instance role's credentials; use 1 unless pods need IMDS",
                            r.address,
                            l.names.hop_limit,
                            acct.address,
                            format_number(n),
                            format_number(n)
                        ),
                    )
                    .related(r.span.first_line(), format!("{} launches with it", r.address))
                    .key("http_put_response_hop_limit");
                    out.push(with_path(m, l, f));
                    continue;
                }
            };
            if h.has_unknown() {
                continue;
            }
            let Some(n) = h.as_f64() else { continue };
            if n <= 1.0 {
                continue;
            }
            let f = Finding::new(
                ID,
                severity(ID),
                h.span.clone(),
                &r.address,
                format!(
                    "{} sets {} to {}: the metadata token response crosses {} network hops, so containers on the host can reach IMDS and the instance role's credentials; use 1 unless pods need IMDS",
                    r.address,
                    l.names.hop_limit,
                    format_number(n),
                    format_number(n)
                ),
            )
            .key("http_put_response_hop_limit");
            out.push(with_path(m, l, f));
        }
        out
    }
}
