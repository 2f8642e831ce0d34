//! What kind of AWS resource a resource is, whatever format declared it. The table below is
//! the one place that maps Terraform types (`aws_lambda_function`) and CloudFormation types
//! (`AWS::Lambda::Function`) to a kind, so rules ask `model.kind(i)` and never compare type
//! strings.

use crate::document::Resource;

/// The kinds of resource the rules reason about. A type not listed has no kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    IamUser,
    IamRole,
    ServiceLinkedRole,
    AccessKey,
    /// A standalone attachment of a managed policy to principals named in it (Terraform's
    /// `aws_iam_*_policy_attachment`).
    PolicyAttachment,
    LambdaFunction,
    LambdaPermission,
    FunctionUrl,
    EventSourceMapping,
    EcsTaskDefinition,
    SqsQueue,
    SnsTopic,
    KinesisStream,
    DynamoDbTable,
    SecretsManagerSecret,
    SsmParameter,
    /// An AMI (declared, or looked up by a `data "aws_ami"`).
    Ami,
}

/// Resource type -> kind, both formats.
const KINDS: &[(&str, ResourceKind)] = &[
    ("aws_iam_user", ResourceKind::IamUser),
    ("AWS::IAM::User", ResourceKind::IamUser),
    ("aws_iam_role", ResourceKind::IamRole),
    ("AWS::IAM::Role", ResourceKind::IamRole),
    (
        "aws_iam_service_linked_role",
        ResourceKind::ServiceLinkedRole,
    ),
    (
        "AWS::IAM::ServiceLinkedRole",
        ResourceKind::ServiceLinkedRole,
    ),
    ("aws_iam_access_key", ResourceKind::AccessKey),
    ("AWS::IAM::AccessKey", ResourceKind::AccessKey),
    (
        "aws_iam_role_policy_attachment",
        ResourceKind::PolicyAttachment,
    ),
    (
        "aws_iam_user_policy_attachment",
        ResourceKind::PolicyAttachment,
    ),
    (
        "aws_iam_group_policy_attachment",
        ResourceKind::PolicyAttachment,
    ),
    ("aws_iam_policy_attachment", ResourceKind::PolicyAttachment),
    // An IAM Identity Center permission set's AWS managed policy: the people assigned the
    // permission set hold it in every account they are assigned to.
    (
        "aws_ssoadmin_managed_policy_attachment",
        ResourceKind::PolicyAttachment,
    ),
    ("AWS::SSO::PermissionSet", ResourceKind::PolicyAttachment),
    ("aws_lambda_function", ResourceKind::LambdaFunction),
    ("AWS::Lambda::Function", ResourceKind::LambdaFunction),
    ("aws_lambda_permission", ResourceKind::LambdaPermission),
    ("AWS::Lambda::Permission", ResourceKind::LambdaPermission),
    ("aws_lambda_function_url", ResourceKind::FunctionUrl),
    ("AWS::Lambda::Url", ResourceKind::FunctionUrl),
    (
        "aws_lambda_event_source_mapping",
        ResourceKind::EventSourceMapping,
    ),
    (
        "AWS::Lambda::EventSourceMapping",
        ResourceKind::EventSourceMapping,
    ),
    ("aws_ecs_task_definition", ResourceKind::EcsTaskDefinition),
    ("AWS::ECS::TaskDefinition", ResourceKind::EcsTaskDefinition),
    ("aws_sqs_queue", ResourceKind::SqsQueue),
    ("AWS::SQS::Queue", ResourceKind::SqsQueue),
    ("aws_sns_topic", ResourceKind::SnsTopic),
    ("AWS::SNS::Topic", ResourceKind::SnsTopic),
    ("aws_kinesis_stream", ResourceKind::KinesisStream),
    ("AWS::Kinesis::Stream", ResourceKind::KinesisStream),
    ("aws_dynamodb_table", ResourceKind::DynamoDbTable),
    ("AWS::DynamoDB::Table", ResourceKind::DynamoDbTable),
    (
        "aws_secretsmanager_secret",
        ResourceKind::SecretsManagerSecret,
    ),
    (
        "AWS::SecretsManager::Secret",
        ResourceKind::SecretsManagerSecret,
    ),
    ("aws_ssm_parameter", ResourceKind::SsmParameter),
    ("AWS::SSM::Parameter", ResourceKind::SsmParameter),
    ("aws_ami", ResourceKind::Ami),
];

impl ResourceKind {
    /// The kind of a resource type, if the model knows it.
    pub fn of(rtype: &str) -> Option<ResourceKind> {
        KINDS.iter().find(|(t, _)| *t == rtype).map(|(_, k)| *k)
    }

    /// The kind of a resource.
    pub fn of_resource(r: &Resource) -> Option<ResourceKind> {
        Self::of(&r.rtype)
    }

    /// The service an ARN of a resource of this kind names (`arn:aws:sqs:...`), for the
    /// kinds whose ARNs rules read.
    pub fn arn_service(self) -> Option<&'static str> {
        Some(match self {
            ResourceKind::SqsQueue => "sqs",
            ResourceKind::SnsTopic => "sns",
            ResourceKind::KinesisStream => "kinesis",
            ResourceKind::DynamoDbTable => "dynamodb",
            ResourceKind::SecretsManagerSecret => "secretsmanager",
            ResourceKind::SsmParameter => "ssm",
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_map_to_one_kind() {
        assert_eq!(
            ResourceKind::of("aws_lambda_permission"),
            ResourceKind::of("AWS::Lambda::Permission")
        );
        assert_eq!(
            ResourceKind::of("AWS::Lambda::Url"),
            Some(ResourceKind::FunctionUrl)
        );
        assert_eq!(ResourceKind::of("aws_s3_bucket"), None);
    }

    #[test]
    fn each_type_is_listed_once() {
        let mut types: Vec<&str> = KINDS.iter().map(|(t, _)| *t).collect();
        types.sort_unstable();
        let n = types.len();
        types.dedup();
        assert_eq!(types.len(), n);
    }
}
