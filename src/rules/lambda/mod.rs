//! LAMBDA: who may invoke a function (resource policies and function URLs).

pub mod lambda_permission_missing_source;
pub mod lambda_permission_public;
pub mod lambda_url_no_auth;

use crate::document::Resource;
use crate::value::Node;

/// A Lambda permission's attribute, by its Terraform name, in either format.
pub fn perm_attr<'a>(r: &'a Resource, tf: &str) -> Option<&'a Node> {
    let name = if r.format == crate::document::Format::CloudFormation {
        match tf {
            "principal" => "Principal",
            "action" => "Action",
            "source_arn" => "SourceArn",
            "source_account" => "SourceAccount",
            "principal_org_id" => "PrincipalOrgID",
            "function_url_auth_type" => "FunctionUrlAuthType",
            "function_name" => "FunctionName",
            other => other,
        }
    } else {
        tf
    };
    r.attr(&[name]).filter(|n| !n.is_null())
}

pub fn is_permission(r: &Resource) -> bool {
    matches!(
        r.rtype.as_str(),
        "aws_lambda_permission" | "AWS::Lambda::Permission"
    )
}

/// The function a permission is for, as a message names it.
pub fn function_text(r: &Resource) -> String {
    crate::rules::named(r, &["function_name", "FunctionName"], "the function")
}
