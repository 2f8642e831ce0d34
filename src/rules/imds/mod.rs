//! IMDS: the EC2 instance metadata service.

pub mod imds_hop_limit_too_high;
pub mod imdsv2_not_required;

use crate::finding::Finding;
use crate::graph::EdgeKind;
use crate::model::policy::Tri;
use crate::model::{Ec2Launch, Metadata, Model};

/// Is the metadata endpoint switched off? (Unknown when the value is not known.)
pub fn endpoint_disabled(md: &Metadata) -> Tri {
    match md {
        Metadata::Known {
            endpoint: Some(e), ..
        } => match e.as_str() {
            Some("disabled") => Tri::Yes,
            Some(_) => Tri::No,
            None => Tri::Unknown,
        },
        Metadata::Unknown => Tri::Unknown,
        _ => Tri::No,
    }
}

/// Is the metadata endpoint of this launch switched off, by its own options or, when it
/// sets none and uses no launch template, by the account default?
pub fn launch_endpoint_disabled(m: &Model, l: &Ec2Launch) -> Tri {
    let own = endpoint_disabled(&l.metadata);
    let sets_own = matches!(
        &l.metadata,
        Metadata::Known {
            endpoint: Some(_),
            ..
        }
    );
    if sets_own || own != Tri::No || !l.launch_templates.is_empty() {
        return own;
    }
    match m
        .account_metadata
        .as_ref()
        .and_then(|a| a.endpoint.as_ref())
    {
        Some(e) => match e.as_str() {
            Some("disabled") => Tri::Yes,
            Some(_) => Tri::No,
            None => Tri::Unknown,
        },
        None => Tri::No,
    }
}

/// Add the graph path to a finding about an EC2 launch: the roles whose credentials IMDS
/// hands out, and for a launch template the resources that launch from it.
pub fn with_path(model: &Model, l: &Ec2Launch, mut f: Finding) -> Finding {
    for w in model.workloads.iter().filter(|w| w.res == l.res) {
        for ru in &w.roles {
            for (step, span) in ru.path.iter().skip(1) {
                f = f.related(
                    span.clone(),
                    format!("via {}", model.resource(*step).address),
                );
            }
            let role = model.resource(ru.role);
            f = f.related(
                role.span.first_line(),
                format!("IMDS serves the credentials of {}", role.address),
            );
        }
    }
    for kind in [
        EdgeKind::UsesLaunchTemplate,
        EdgeKind::UsesLaunchConfiguration,
    ] {
        for (user, e) in model.graph.incoming(l.res, kind) {
            f = f.related(
                e.span.clone(),
                format!("{} launches from it", model.resource(user).address),
            );
        }
    }
    f
}
