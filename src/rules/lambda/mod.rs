//! LAMBDA: who may invoke a function (resource policies and function URLs).

pub mod lambda_permission_missing_source;
pub mod lambda_permission_public;
pub mod lambda_url_no_auth;
