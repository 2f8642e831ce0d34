//! LAMBDA003 lambda-url-no-auth
//!
//! What it does: finds Lambda function URLs whose authorization type is `NONE`
//! (`aws_lambda_function_url.authorization_type`, `AWS::Lambda::Url.AuthType`, SAM
//! `FunctionUrlConfig.AuthType`).
//!
//! Why is this bad? The URL is a public HTTPS endpoint: anyone on the internet can invoke the
//! function without credentials. Unless the function authenticates every request itself,
//! its code and role are open to the world.

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
