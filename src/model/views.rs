//! Typed views of single resources the rules read: Lambda permissions, function URLs,
//! functions, event source mappings, access keys, standalone policy attachments, role
//! names, the images EC2 launches from. Each view reads the attribute under its name in the
//! resource's own format, so a rule never maps a Terraform name to a CloudFormation one.

use super::kind::ResourceKind;
use super::{Model, term};
use crate::document::{Format, Mode, Resource, block_or_self};
use crate::value::{Node, Value};

/// An attribute by its name in the resource's own format, when it is set (not null).
fn set<'a>(r: &'a Resource, tf: &str, cfn: &str) -> Option<&'a Node> {
    let name = if r.format == Format::CloudFormation {
        cfn
    } else {
        tf
    };
    r.attr(&[name]).filter(|n| !n.is_null())
}

/// How a message names what an attribute points at: the resource it references
/// (`aws_iam_user.ci`, `Api`), else its text; the first of `attrs` the resource sets.
pub fn named(r: &Resource, attrs: &[&str], otherwise: &str) -> String {
    attrs
        .iter()
        .filter_map(|k| r.attr(&[k]).filter(|n| !n.is_null()))
        .find_map(|n| {
            n.refs()
                .first()
                .map(|x| x.target.clone())
                .or_else(|| n.display_text())
        })
        .unwrap_or_else(|| otherwise.to_string())
}

/// A Lambda resource policy statement (`aws_lambda_permission`, `AWS::Lambda::Permission`).
/// Attributes that are null count as not set.
#[derive(Clone, Debug)]
pub struct LambdaPermission {
    pub res: usize,
    pub principal: Option<Node>,
    pub action: Option<Node>,
    pub source_arn: Option<Node>,
    pub source_account: Option<Node>,
    pub principal_org_id: Option<Node>,
    pub function_url_auth_type: Option<Node>,
    /// The function, as a message names it.
    pub function: String,
    /// How the resource's format spells `source_arn`, `source_account` and
    /// `principal_org_id`, for messages.
    pub source_arn_attr: &'static str,
    pub source_account_attr: &'static str,
    pub principal_org_id_attr: &'static str,
}

/// A Lambda function URL (`aws_lambda_function_url`, `AWS::Lambda::Url`).
#[derive(Clone, Debug)]
pub struct FunctionUrl {
    pub res: usize,
    /// The authorization type as written (null included).
    pub auth_type: Option<Node>,
    /// How the resource's format spells the authorization type attribute.
    pub auth_type_attr: &'static str,
    /// The function, as a message names it.
    pub target: String,
}

/// A long-lived IAM access key (`aws_iam_access_key`, `AWS::IAM::AccessKey`).
#[derive(Clone, Debug)]
pub struct AccessKey {
    pub res: usize,
    /// The user it is for, as a message names it.
    pub user: String,
}

/// The configuration of a Lambda function that decides what its role needs.
#[derive(Clone, Debug)]
pub struct LambdaFunction {
    pub res: usize,
    /// The VPC configuration block, when set.
    pub vpc_config: Option<Node>,
    /// Its subnet IDs.
    pub subnet_ids: Option<Node>,
    /// The tracing configuration block, when set.
    pub tracing_config: Option<Node>,
    /// Its mode (`Active`, `PassThrough`).
    pub tracing_mode: Option<Node>,
    /// The dead-letter target ARN.
    pub dead_letter_target: Option<Node>,
}

/// A Lambda event source mapping: a queue or stream the function reads.
#[derive(Clone, Debug)]
pub struct EventSourceMapping {
    pub res: usize,
    /// The source ARN.
    pub source: Option<Node>,
    /// The Lambda functions in the scan it invokes.
    pub functions: Vec<usize>,
}

/// A standalone attachment of a managed policy (`aws_iam_role_policy_attachment`, ...).
#[derive(Clone, Debug)]
pub struct PolicyAttachment {
    pub res: usize,
    /// The managed policy ARN as written.
    pub policy_arn: Option<Node>,
    /// The principals it names, as written (role, user and group names).
    pub principals: Vec<String>,
}

/// How an IAM role is named, for telling service-linked roles.
#[derive(Clone, Copy, Debug)]
pub enum RoleNaming<'a> {
    /// Declared as a service-linked role.
    ServiceLinked,
    /// A role with its path and name as written (empty when not given).
    Role { path: &'a str, name: &'a str },
}

/// The image an EC2 launch uses, as the configuration declares it.
#[derive(Clone, Debug)]
pub enum Image<'a> {
    /// A Parameter Store parameter read by a data source, with its name.
    Parameter { name: Option<&'a str> },
    /// An AMI looked up by a data source: its owners, the values of its `name` filters and
    /// its name regex.
    Lookup {
        owners: Option<&'a Node>,
        name_filters: Vec<&'a Node>,
        name_regex: Option<&'a str>,
    },
    /// An AMI declared in the configuration, with its IMDS support.
    Declared { imds_support: Option<&'a Node> },
    /// Anything else.
    Other,
}

/// The attribute path of the image ID a launch resource is declared with.
pub(super) fn image_id_path(r: &Resource) -> &'static [&'static str] {
    match r.rtype.as_str() {
        "AWS::EC2::LaunchTemplate" => &["LaunchTemplateData", "ImageId"],
        "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => &["ImageId"],
        "aws_instance" | "aws_spot_instance_request" => &["ami"],
        _ => &["image_id"],
    }
}

/// One container of an ECS task definition: what decides what its execution role needs.
/// Keys are matched without regard to case: the ECS API spells them `logConfiguration`,
/// CloudFormation `LogConfiguration`. Null values count as not set.
#[derive(Clone, Debug)]
pub struct Container {
    pub name: Option<String>,
    /// `logConfiguration.logDriver`.
    pub log_driver: Option<Node>,
    pub image: Option<Node>,
    /// The `valueFrom` of each of its `secrets`.
    pub secret_sources: Vec<Node>,
}

fn get_ci<'a>(n: &'a Node, key: &str) -> Option<&'a Node> {
    n.get_ci(key).filter(|v| !v.is_null())
}

impl Container {
    fn read(c: &Node) -> Container {
        Container {
            name: get_ci(c, "name").and_then(Node::as_str).map(str::to_string),
            log_driver: get_ci(c, "logConfiguration")
                .and_then(|lc| get_ci(lc, "logDriver"))
                .cloned(),
            image: get_ci(c, "image").cloned(),
            secret_sources: get_ci(c, "secrets")
                .map(|s| s.items())
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| get_ci(s, "valueFrom").cloned())
                .collect(),
        }
    }
}

/// The container definitions of a task definition: Terraform writes them as a JSON string
/// (`jsonencode(...)`, a heredoc), CloudFormation as a list.
pub(super) fn containers(r: &Resource) -> Vec<Container> {
    let Some(defs) = set(r, "container_definitions", "ContainerDefinitions") else {
        return Vec::new();
    };
    let parsed = match &defs.value {
        Value::Json(inner) => Some((**inner).clone()),
        Value::String(_) | Value::Interp(_) => {
            crate::parse::hcl::functions::parse_json_with_refs(defs)
        }
        Value::List(_) => Some(defs.clone()),
        _ => None,
    };
    parsed
        .map(|p| p.items().into_iter().map(Container::read).collect())
        .unwrap_or_default()
}

fn lambda_permission(i: usize, r: &Resource) -> LambdaPermission {
    let get = |tf: &'static str| r.attr(&[term(r, tf)]).filter(|n| !n.is_null()).cloned();
    LambdaPermission {
        res: i,
        principal: get("principal"),
        action: get("action"),
        source_arn: get("source_arn"),
        source_account: get("source_account"),
        principal_org_id: get("principal_org_id"),
        function_url_auth_type: get("function_url_auth_type"),
        function: named(r, &["function_name", "FunctionName"], "the function"),
        source_arn_attr: term(r, "source_arn"),
        source_account_attr: term(r, "source_account"),
        principal_org_id_attr: term(r, "principal_org_id"),
    }
}

fn lambda_function(i: usize, r: &Resource) -> LambdaFunction {
    let vpc_config = set(r, "vpc_config", "VpcConfig")
        .and_then(block_or_self)
        .cloned();
    // Either spelling inside the block, as before the view existed.
    let subnet_ids = vpc_config
        .as_ref()
        .and_then(|v| v.get("subnet_ids").or_else(|| v.get("SubnetIds")))
        .cloned();
    let tracing_config = set(r, "tracing_config", "TracingConfig")
        .and_then(block_or_self)
        .cloned();
    let tracing_mode = tracing_config
        .as_ref()
        .and_then(|t| t.get("mode").or_else(|| t.get("Mode")))
        .cloned();
    let dead_letter_target = set(r, "dead_letter_config", "DeadLetterConfig")
        .and_then(block_or_self)
        .and_then(|d| d.get("target_arn").or_else(|| d.get("TargetArn")))
        .cloned();
    LambdaFunction {
        res: i,
        vpc_config,
        subnet_ids,
        tracing_config,
        tracing_mode,
        dead_letter_target,
    }
}

fn policy_attachment(i: usize, r: &Resource) -> Vec<PolicyAttachment> {
    // A CloudFormation permission set lists its AWS managed policies: one attachment each,
    // to the permission set itself.
    if r.rtype == "AWS::SSO::PermissionSet" {
        return r
            .attr(&["ManagedPolicies"])
            .map(|v| v.items())
            .unwrap_or_default()
            .into_iter()
            .map(|arn| PolicyAttachment {
                res: i,
                policy_arn: Some(arn.clone()),
                principals: vec![format!("permission set {}", r.address)],
            })
            .collect();
    }
    if r.rtype == "aws_ssoadmin_managed_policy_attachment" {
        let set = r.attr(&["permission_set_arn"]);
        let who = match set.map(|n| &n.value) {
            Some(crate::value::Value::Ref(rf)) => rf.target.clone(),
            _ => set
                .and_then(|n| n.display_text())
                .unwrap_or_else(|| "(not known)".into()),
        };
        return vec![PolicyAttachment {
            res: i,
            policy_arn: r.attr(&["managed_policy_arn"]).cloned(),
            principals: vec![format!("permission set {who}")],
        }];
    }
    vec![PolicyAttachment {
        res: i,
        policy_arn: r.attr(&["policy_arn"]).cloned(),
        principals: ["role", "user", "group", "roles", "users", "groups"]
            .iter()
            .filter_map(|k| r.attr(&[k]))
            .flat_map(|n| n.items())
            .filter_map(|n| n.display_text())
            .collect(),
    }]
}

impl Model {
    /// What kind of resource resource `i` is.
    pub fn kind(&self, i: usize) -> Option<ResourceKind> {
        self.kinds.get(i).copied().flatten()
    }

    /// Is resource `i` a principal identity policies attach to (a role, user or group)?
    pub fn is_principal(&self, i: usize) -> bool {
        super::permissions::is_principal(&self.resource(i).rtype)
    }

    /// The Lambda permissions in the scan, in resource order.
    pub fn lambda_permissions(&self) -> Vec<LambdaPermission> {
        self.of_kind(ResourceKind::LambdaPermission)
            .map(|(i, r)| lambda_permission(i, r))
            .collect()
    }

    /// The Lambda function URLs in the scan, in resource order.
    pub fn function_urls(&self) -> Vec<FunctionUrl> {
        self.of_kind(ResourceKind::FunctionUrl)
            .map(|(i, r)| FunctionUrl {
                res: i,
                auth_type: r.attr(&[term(r, "authorization_type")]).cloned(),
                auth_type_attr: term(r, "authorization_type"),
                target: named(
                    r,
                    &["function_name", "TargetFunctionArn", "TargetFunctionRef"],
                    "the function",
                ),
            })
            .collect()
    }

    /// The IAM access keys in the scan, in resource order.
    pub fn access_keys(&self) -> Vec<AccessKey> {
        self.of_kind(ResourceKind::AccessKey)
            .map(|(i, r)| AccessKey {
                res: i,
                user: named(r, &["user", "UserName"], "a user"),
            })
            .collect()
    }

    /// The function configuration of resource `i`, if it is a Lambda function.
    pub fn lambda_function(&self, i: usize) -> Option<LambdaFunction> {
        (self.kind(i) == Some(ResourceKind::LambdaFunction))
            .then(|| lambda_function(i, self.resource(i)))
    }

    /// The event source mappings in the scan, in resource order.
    pub fn event_source_mappings(&self) -> Vec<EventSourceMapping> {
        self.of_kind(ResourceKind::EventSourceMapping)
            .map(|(i, r)| EventSourceMapping {
                res: i,
                source: set(r, "event_source_arn", "EventSourceArn").cloned(),
                functions: set(r, "function_name", "FunctionName")
                    .map(|f| {
                        f.refs()
                            .iter()
                            .flat_map(|x| self.graph.lookup_ref(&x.target))
                            .filter(|t| self.kind(*t) == Some(ResourceKind::LambdaFunction))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// The standalone managed-policy attachments in the scan, in resource order.
    pub fn policy_attachments(&self) -> Vec<PolicyAttachment> {
        self.of_kind(ResourceKind::PolicyAttachment)
            .flat_map(|(i, r)| policy_attachment(i, r))
            .collect()
    }

    /// How resource `i` is named as a role (None when it is not a role).
    pub fn role_naming(&self, i: usize) -> Option<RoleNaming<'_>> {
        let r = self.resource(i);
        let text = |k: &str| r.attr(&[k]).and_then(Node::as_str).unwrap_or("");
        match self.kind(i)? {
            ResourceKind::ServiceLinkedRole => Some(RoleNaming::ServiceLinked),
            ResourceKind::IamRole if r.format == Format::CloudFormation => Some(RoleNaming::Role {
                path: text("Path"),
                name: text("RoleName"),
            }),
            ResourceKind::IamRole => Some(RoleNaming::Role {
                path: text("path"),
                name: text("name"),
            }),
            _ => None,
        }
    }

    /// The image resource `i` is, as an EC2 launch's AMI.
    pub fn image(&self, i: usize) -> Image<'_> {
        let r = self.resource(i);
        match (r.mode, self.kind(i)) {
            (Mode::Data, Some(ResourceKind::SsmParameter)) => Image::Parameter {
                name: r.attr(&["name"]).and_then(|n| n.as_str()),
            },
            (Mode::Data, Some(ResourceKind::Ami)) => {
                let mut name_filters = Vec::new();
                if let Some(filters) = r.attr(&["filter"]) {
                    for f in filters.items() {
                        if f.get("name").and_then(|n| n.as_str()) == Some("name") {
                            name_filters
                                .extend(f.get("values").map(|v| v.items()).unwrap_or_default());
                        }
                    }
                }
                Image::Lookup {
                    owners: r.attr(&["owners"]),
                    name_filters,
                    name_regex: r.attr(&["name_regex"]).and_then(|n| n.as_str()),
                }
            }
            (_, Some(ResourceKind::Ami)) => Image::Declared {
                imds_support: r.attr(&["imds_support"]),
            },
            _ => Image::Other,
        }
    }

    /// The service whose resource an ARN-valued attribute points at (`sqs`, `sns`,
    /// `kinesis`, `dynamodb`, `secretsmanager`, `ssm`): from the type of the resource it
    /// references, else from the ARN text.
    pub fn arn_service(&self, n: &Node) -> Option<&'static str> {
        for r in n.refs() {
            for t in self.graph.lookup_ref(&r.target) {
                if let Some(svc) = self.kind(t).and_then(ResourceKind::arn_service) {
                    return Some(svc);
                }
            }
        }
        let text = match &n.value {
            Value::String(s) => s.clone(),
            Value::Interp(_) => n.display_text()?,
            _ => return None,
        };
        // `arn:<partition>:<service>:...`; the partition may be a reference
        // (`arn:${AWS::Partition}:ssm:...`), so look for the service between colons.
        if !text.starts_with("arn:") {
            return None;
        }
        ["sqs", "sns", "kinesis", "dynamodb", "secretsmanager", "ssm"]
            .into_iter()
            .find(|s| text.contains(&format!(":{s}:")))
    }

    fn of_kind(&self, kind: ResourceKind) -> impl Iterator<Item = (usize, &Resource)> {
        self.graph
            .resources
            .iter()
            .enumerate()
            .filter(move |(i, _)| self.kind(*i) == Some(kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;
    use std::sync::Arc;

    fn terraform(text: &str) -> Model {
        let doc = crate::parse::hcl::module::scan_text("main.tf", text);
        Model::build(Graph::build(doc.resources))
    }

    fn cloudformation(text: &str) -> Model {
        let file: Arc<str> = Arc::from("template.yaml");
        let doc = crate::parse::cfn::parse_template(std::path::Path::new("t.yaml"), file, text);
        Model::build(Graph::build(doc.resources))
    }

    fn text(n: &Option<Node>) -> Option<&str> {
        n.as_ref().and_then(Node::as_str)
    }

    /// One Lambda permission written in both formats reads the same, and each names its
    /// attributes in its own format.
    #[test]
    fn lambda_permission_in_both_formats() {
        let tf = terraform(
            r#"
resource "aws_lambda_permission" "p" {
  function_name  = "api"
  principal      = "s3.amazonaws.com"
  action         = "lambda:InvokeFunction"
  source_account = "111122223333"
}
"#,
        );
        let cfn = cloudformation(
            r#"
Resources:
  P:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: api
      Principal: s3.amazonaws.com
      Action: lambda:InvokeFunction
      SourceAccount: "111122223333"
"#,
        );
        let (tf, cfn) = (tf.lambda_permissions(), cfn.lambda_permissions());
        assert_eq!((tf.len(), cfn.len()), (1, 1));
        for p in [&tf[0], &cfn[0]] {
            assert_eq!(text(&p.principal), Some("s3.amazonaws.com"));
            assert_eq!(text(&p.action), Some("lambda:InvokeFunction"));
            assert_eq!(text(&p.source_account), Some("111122223333"));
            assert!(p.source_arn.is_none() && p.principal_org_id.is_none());
            assert_eq!(p.function, "api");
        }
        assert_eq!(
            (tf[0].source_arn_attr, tf[0].principal_org_id_attr),
            ("source_arn", "principal_org_id")
        );
        assert_eq!(
            (cfn[0].source_arn_attr, cfn[0].principal_org_id_attr),
            ("SourceArn", "PrincipalOrgID")
        );
    }

    /// A function URL and an access key: found by kind, attribute read by its own name.
    #[test]
    fn function_url_and_access_key() {
        let tf = terraform(
            r#"
resource "aws_lambda_function_url" "u" {
  function_name      = "api"
  authorization_type = "NONE"
}
resource "aws_iam_access_key" "k" {
  user = "ci"
}
"#,
        );
        let cfn = cloudformation(
            r#"
Resources:
  U:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: api
      AuthType: NONE
  K:
    Type: AWS::IAM::AccessKey
    Properties:
      UserName: ci
"#,
        );
        for (m, attr) in [(&tf, "authorization_type"), (&cfn, "AuthType")] {
            let urls = m.function_urls();
            assert_eq!(urls.len(), 1);
            assert_eq!(text(&urls[0].auth_type), Some("NONE"));
            assert_eq!(urls[0].auth_type_attr, attr);
            assert_eq!(urls[0].target, "api");
            let keys = m.access_keys();
            assert_eq!(keys.len(), 1);
            assert_eq!(keys[0].user, "ci");
        }
    }

    /// The container definitions of a task definition: a JSON string in Terraform, a list in
    /// CloudFormation (keys in either case).
    #[test]
    fn task_definition_containers() {
        let tf = terraform(
            r#"
resource "aws_ecs_task_definition" "t" {
  family = "app"
  container_definitions = jsonencode([{
    name  = "web"
    image = "1.dkr.ecr.us-east-1.amazonaws.com/web:1"
    logConfiguration = { logDriver = "awslogs" }
    secrets = [{ name = "DB", valueFrom = "arn:aws:ssm:us-east-1:1:parameter/db" }]
  }])
}
"#,
        );
        let cfn = cloudformation(
            r#"
Resources:
  T:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: 1.dkr.ecr.us-east-1.amazonaws.com/web:1
          LogConfiguration:
            LogDriver: awslogs
          Secrets:
            - Name: DB
              ValueFrom: arn:aws:ssm:us-east-1:1:parameter/db
"#,
        );
        for m in [&tf, &cfn] {
            assert_eq!(m.task_definitions.len(), 1);
            let c = &m.task_definitions[0].containers;
            assert_eq!(c.len(), 1);
            assert_eq!(c[0].name.as_deref(), Some("web"));
            assert_eq!(text(&c[0].log_driver), Some("awslogs"));
            assert!(c[0].image.is_some());
            assert_eq!(c[0].secret_sources.len(), 1);
            assert_eq!(m.arn_service(&c[0].secret_sources[0]), Some("ssm"));
        }
    }
}
