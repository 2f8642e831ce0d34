//! SAM policy templates (`Policies: [{S3ReadPolicy: {BucketName: !Ref Bucket}}]`) expanded
//! into the statements SAM writes into the function's generated role.
//!
//! The templates are data: [`TEMPLATES`] lists, per template, its parameters and its
//! statements (actions and resource patterns). A resource pattern is `Fn::Sub` text in
//! which `${AWS::...}` are pseudo parameters and `${Name}` is the template parameter `Name`;
//! the expansion is the same `Fn::Sub` call SAM makes, with the parameter values as
//! written (a literal, `!Ref Bucket`, `!GetAtt Queue.QueueName`, ...) in its variable map, so
//! the evaluator resolves them like any other intrinsic: pseudo parameters and resources
//! stay symbolic, template parameters take their defaults.
//!
//! The facts (actions, ARN shapes) follow the SAM policy template list in the AWS SAM
//! developer guide.

use super::raw::{Raw, RawKind};
use crate::value::Span;

/// One statement of a template: `Effect: Allow`, these actions on these resources.
pub struct Statement {
    pub actions: &'static [&'static str],
    /// `*`, or `Fn::Sub` patterns over pseudo parameters and the template's parameters.
    pub resources: &'static [&'static str],
}

pub struct Template {
    pub name: &'static str,
    /// The parameters the template requires, by the name the user writes.
    pub params: &'static [&'static str],
    pub statements: &'static [Statement],
}

const S3_BUCKET: &[&str] = &[
    "arn:${AWS::Partition}:s3:::${BucketName}",
    "arn:${AWS::Partition}:s3:::${BucketName}/*",
];
const DDB_TABLE: &[&str] = &[
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}",
    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/index/*",
];
const SQS_QUEUE: &[&str] =
    &["arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}"];
const SNS_TOPIC: &[&str] =
    &["arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${TopicName}"];
const KMS_KEY: &[&str] =
    &["arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}"];
const STATE_MACHINE: &[&str] = &[
    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${StateMachineName}",
];
const KINESIS_STREAM: &[&str] =
    &["arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${StreamName}"];
const ANY: &[&str] = &["*"];
const SECRET_VALUE: &[Statement] = &[Statement {
    actions: &["secretsmanager:GetSecretValue"],
    resources: &["${SecretArn}"],
}];
const SSM_DESCRIBE: Statement = Statement {
    actions: &["ssm:DescribeParameters"],
    resources: ANY,
};
const SSM_GET: &[&str] = &[
    "ssm:GetParameters",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
];

/// The policy templates rolegraph expands. Others stay unknown (with a note).
pub static TEMPLATES: &[Template] = &[
    Template {
        name: "S3ReadPolicy",
        params: &["BucketName"],
        statements: &[Statement {
            actions: &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ],
            resources: S3_BUCKET,
        }],
    },
    Template {
        name: "S3CrudPolicy",
        params: &["BucketName"],
        statements: &[Statement {
            actions: &[
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:DeleteObject",
            ],
            resources: S3_BUCKET,
        }],
    },
    Template {
        name: "S3WritePolicy",
        params: &["BucketName"],
        statements: &[Statement {
            actions: &[
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:PutLifecycleConfiguration",
            ],
            resources: S3_BUCKET,
        }],
    },
    Template {
        name: "S3FullAccessPolicy",
        params: &["BucketName"],
        statements: &[
            Statement {
                actions: &[
                    "s3:GetObject",
                    "s3:GetObjectAcl",
                    "s3:GetObjectVersion",
                    "s3:PutObject",
                    "s3:PutObjectAcl",
                    "s3:DeleteObject",
                    "s3:DeleteObjectTagging",
                    "s3:DeleteObjectVersionTagging",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersionTagging",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging",
                ],
                resources: &["arn:${AWS::Partition}:s3:::${BucketName}/*"],
            },
            Statement {
                actions: &[
                    "s3:ListBucket",
                    "s3:GetBucketLocation",
                    "s3:GetLifecycleConfiguration",
                    "s3:PutLifecycleConfiguration",
                ],
                resources: &["arn:${AWS::Partition}:s3:::${BucketName}"],
            },
        ],
    },
    Template {
        name: "DynamoDBReadPolicy",
        params: &["TableName"],
        statements: &[Statement {
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ],
            resources: DDB_TABLE,
        }],
    },
    Template {
        name: "DynamoDBCrudPolicy",
        params: &["TableName"],
        statements: &[Statement {
            actions: &[
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ],
            resources: DDB_TABLE,
        }],
    },
    Template {
        name: "DynamoDBWritePolicy",
        params: &["TableName"],
        statements: &[Statement {
            actions: &[
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
            ],
            resources: DDB_TABLE,
        }],
    },
    Template {
        name: "DynamoDBStreamReadPolicy",
        params: &["TableName", "StreamName"],
        statements: &[
            Statement {
                actions: &[
                    "dynamodb:DescribeStream",
                    "dynamodb:GetRecords",
                    "dynamodb:GetShardIterator",
                ],
                resources: &[
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/stream/${StreamName}",
                ],
            },
            Statement {
                actions: &["dynamodb:ListStreams"],
                resources: &[
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}/stream/*",
                ],
            },
        ],
    },
    Template {
        name: "SQSPollerPolicy",
        params: &["QueueName"],
        statements: &[Statement {
            actions: &[
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ],
            resources: SQS_QUEUE,
        }],
    },
    Template {
        name: "SQSSendMessagePolicy",
        params: &["QueueName"],
        statements: &[Statement {
            actions: &["sqs:SendMessage*"],
            resources: SQS_QUEUE,
        }],
    },
    Template {
        name: "SNSPublishMessagePolicy",
        params: &["TopicName"],
        statements: &[Statement {
            actions: &["sns:Publish"],
            resources: SNS_TOPIC,
        }],
    },
    Template {
        name: "KinesisStreamReadPolicy",
        params: &["StreamName"],
        statements: &[
            Statement {
                actions: &["kinesis:ListStreams", "kinesis:DescribeLimits"],
                resources: &[
                    "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/*",
                ],
            },
            Statement {
                actions: &[
                    "kinesis:DescribeStream",
                    "kinesis:DescribeStreamSummary",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                ],
                resources: KINESIS_STREAM,
            },
        ],
    },
    Template {
        name: "LambdaInvokePolicy",
        params: &["FunctionName"],
        statements: &[Statement {
            actions: &["lambda:InvokeFunction"],
            // The trailing `*` covers the function's versions and aliases.
            resources: &[
                "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${FunctionName}*",
            ],
        }],
    },
    Template {
        name: "KMSDecryptPolicy",
        params: &["KeyId"],
        statements: &[Statement {
            actions: &["kms:Decrypt"],
            resources: KMS_KEY,
        }],
    },
    Template {
        name: "KMSEncryptPolicy",
        params: &["KeyId"],
        statements: &[Statement {
            actions: &["kms:Encrypt"],
            resources: KMS_KEY,
        }],
    },
    Template {
        name: "SSMParameterReadPolicy",
        params: &["ParameterName"],
        statements: &[
            SSM_DESCRIBE,
            Statement {
                actions: SSM_GET,
                // The name is given without its leading slash.
                resources: &[
                    "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${ParameterName}",
                ],
            },
        ],
    },
    Template {
        name: "SSMParameterWithSlashPrefixReadPolicy",
        params: &["ParameterName"],
        statements: &[
            SSM_DESCRIBE,
            Statement {
                actions: SSM_GET,
                resources: &[
                    "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ParameterName}",
                ],
            },
        ],
    },
    Template {
        name: "AWSSecretsManagerGetSecretValuePolicy",
        params: &["SecretArn"],
        statements: SECRET_VALUE,
    },
    // Not a SAM name, but written for the one above often enough to read it the same way.
    Template {
        name: "SecretsManagerGetSecretValuePolicy",
        params: &["SecretArn"],
        statements: SECRET_VALUE,
    },
    Template {
        name: "StepFunctionsExecutionPolicy",
        params: &["StateMachineName"],
        statements: &[Statement {
            actions: &["states:StartExecution"],
            resources: STATE_MACHINE,
        }],
    },
    Template {
        name: "EventBridgePutEventsPolicy",
        params: &["EventBusName"],
        statements: &[Statement {
            actions: &["events:PutEvents"],
            resources: &[
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}",
            ],
        }],
    },
    Template {
        name: "CloudWatchPutMetricPolicy",
        params: &[],
        statements: &[Statement {
            actions: &["cloudwatch:PutMetricData"],
            resources: ANY,
        }],
    },
    Template {
        name: "VPCAccessPolicy",
        params: &[],
        statements: &[Statement {
            actions: &[
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DetachNetworkInterface",
            ],
            resources: ANY,
        }],
    },
];

pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// Why a template entry could not be expanded.
pub enum ExpandError {
    /// The parameters are not a mapping (or are an intrinsic function).
    NotAMapping,
    /// A parameter the template needs is not given.
    Missing(&'static str),
}

/// The policy document `{Version, Statement}` of a template, its parameters substituted.
/// Every generated node takes `span` (the template's name in the function's `Policies`).
pub fn expand(t: &Template, params: &Raw, span: &Span) -> Result<Raw, ExpandError> {
    let given = match &params.kind {
        RawKind::Map(_) if params.as_call().is_none() => params.entries(),
        // `CloudWatchPutMetricPolicy: {}` is the usual form; tolerate a null.
        RawKind::Null => &[],
        _ => return Err(ExpandError::NotAMapping),
    };
    let mut vars: Vec<(&str, Raw)> = Vec::new();
    for p in t.params {
        match given.iter().find(|e| e.key == *p) {
            Some(e) => vars.push((p, e.value.clone())),
            None => return Err(ExpandError::Missing(p)),
        }
    }
    let s = |text: &str| Raw::str(text, span.clone());
    let list = |items: Vec<Raw>| Raw::new(RawKind::Seq(items), span.clone());
    let statements = t
        .statements
        .iter()
        .map(|st| {
            let resources: Vec<Raw> = st
                .resources
                .iter()
                .map(|pattern| resource(pattern, &vars, span))
                .collect();
            Raw::map(
                vec![
                    ("Effect", s("Allow")),
                    ("Action", list(st.actions.iter().map(|a| s(a)).collect())),
                    ("Resource", list(resources)),
                ],
                span.clone(),
            )
        })
        .collect();
    Ok(Raw::map(
        vec![
            ("Version", s("2012-10-17")),
            ("Statement", list(statements)),
        ],
        span.clone(),
    ))
}

/// `*` as it is; a pattern as `Fn::Sub`, with a variable map of the parameters it uses.
fn resource(pattern: &str, vars: &[(&str, Raw)], span: &Span) -> Raw {
    if !pattern.contains("${") {
        return Raw::str(pattern, span.clone());
    }
    let used: Vec<(&str, Raw)> = vars
        .iter()
        .filter(|(name, _)| pattern.contains(&format!("${{{name}}}")))
        .cloned()
        .collect();
    let text = Raw::str(pattern, span.clone());
    let arg = if used.is_empty() {
        text
    } else {
        Raw::new(
            RawKind::Seq(vec![text, Raw::map(used, span.clone())]),
            span.clone(),
        )
    };
    Raw::call("Fn::Sub", arg, span.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_a_pseudo_parameter_or_a_parameter_of_its_template() {
        for t in TEMPLATES {
            for st in t.statements {
                assert!(!st.actions.is_empty(), "{}", t.name);
                for r in st.resources {
                    let mut rest = *r;
                    while let Some(i) = rest.find("${") {
                        let end = rest[i..].find('}').expect("closed placeholder") + i;
                        let name = &rest[i + 2..end];
                        assert!(
                            name.starts_with("AWS::") || t.params.contains(&name),
                            "{}: unknown placeholder {name}",
                            t.name
                        );
                        rest = &rest[end + 1..];
                    }
                }
            }
            assert_eq!(
                TEMPLATES.iter().filter(|o| o.name == t.name).count(),
                1,
                "{} listed twice",
                t.name
            );
        }
    }
}
