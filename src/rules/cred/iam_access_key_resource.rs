//! CRED002 iam-access-key-resource
//!
//! What it does: finds resources that create a long-lived IAM access key
//! (`aws_iam_access_key`, `AWS::IAM::AccessKey`).
//!
//! Why is this bad? An access key does not expire. It ends up in state files, CI variables
//! and laptops, and whoever copies it acts as the user until someone rotates it. Workloads on
//! AWS get temporary credentials from their role; outside AWS, OIDC federation or IAM Roles
//! Anywhere do the same. The Terraform state of an `aws_iam_access_key` holds the secret.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Cred002;

const ID: &str = "CRED002";

impl Rule for Cred002 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        m.access_keys()
            .into_iter()
            .map(|key| {
                let r = m.resource(key.res);
                let user = key.user;
                Finding::new(
                    ID,
                    severity(ID),
                    r.span.first_line(),
                    &r.address,
                    format!(
                        "{} creates a long-lived access key for {user}: it never expires and is copied wherever it is used. Give the workload a role (or use OIDC federation or IAM Roles Anywhere outside AWS) instead",
                        r.address
                    ),
                )
            })
            .collect()
    }
}
