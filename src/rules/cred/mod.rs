//! CRED: long-lived credentials.

pub mod hardcoded_aws_credentials;
pub mod iam_access_key_resource;
pub mod policy_attached_to_user;
