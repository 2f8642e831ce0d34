//! LAMBDA003 lambda-url-no-auth.
//!
//! Reports Lambda function URLs whose authorization type is `NONE`.
//!
//! Its documentation (what it finds, why it matters, how to fix it) has one source,
//! `policies/LAMBDA003.yaml`; `docs/rules/LAMBDA003.md` and `rolegraph rules LAMBDA003` render it.

use crate::finding::Finding;
use crate::model::Model;
use crate::rules::{Rule, severity};

pub struct Lambda003;

const ID: &str = "LAMBDA003";

impl Rule for Lambda003 {
    fn id(&self) -> &'static str {
        ID
    }

    fn check(&self, m: &Model) -> Vec<Finding> {
        let mut out = Vec::new();
        for url in m.function_urls() {
            let r = m.resource(url.res);
            let key = url.auth_type_attr;
            let Some(auth) = &url.auth_type else { continue };
            if auth.as_str() != Some("NONE") {
                continue;
            }
            let target = &url.target;
            out.push(Finding::new(
                ID,
                severity(ID),
                auth.span.clone(),
                &r.address,
                format!(
                    "{} is a public URL for {target}: {key} is NONE, so anyone on the internet can invoke it without credentials. Use AWS_IAM (and sign requests), or put the function behind an API with an authorizer",
                    r.address
                ),
            ));
        }
        out
    }
}
