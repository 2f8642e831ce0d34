//! The typed view rules read: EC2 launch configurations with their metadata options,
//! workloads with the roles they run as, roles with their trust policies, ECS task
//! definitions. Terraform and CloudFormation land here in the same shape, so a rule is
//! written once; the per-format attribute names live only in this module. What kind a
//! resource is comes from [`kind`]; single-resource views (Lambda permissions, function URLs,
//! access keys, ...) from [`views`]. `tests/architecture.rs` keeps format knowledge out of
//! `src/rules/`.

pub mod kind;
pub mod permissions;
pub mod policy;
pub mod views;

pub use kind::ResourceKind;
pub use views::{
    AccessKey, Container, EventSourceMapping, FunctionUrl, Image, LambdaFunction, LambdaPermission,
    PolicyAttachment, RoleNaming,
};

use crate::document::Resource;
use crate::graph::{EdgeKind, Graph};
use crate::value::{Node, Span, Value};

/// What kind of EC2 launch a resource describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ec2Kind {
    Instance,
    SpotRequest,
    LaunchTemplate,
    LaunchConfiguration,
}

/// Instance metadata options as configured on one resource.
// One value per EC2 launch resource: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Metadata {
    /// No metadata options at all (defaults apply).
    Absent,
    /// Present but not statically known (a dynamic block over a variable, ...).
    Unknown,
    Known {
        /// The block (or object) that holds the options.
        span: Span,
        tokens: Option<Node>,
        endpoint: Option<Node>,
        hop_limit: Option<Node>,
    },
}

#[derive(Clone, Debug)]
pub struct Ec2Launch {
    pub res: usize,
    pub kind: Ec2Kind,
    pub metadata: Metadata,
    /// The resource can carry metadata options of its own (a CloudFormation
    /// `AWS::EC2::Instance` cannot).
    pub has_own_options: bool,
    /// Launch templates it uses (resolved).
    pub launch_templates: Vec<usize>,
    /// It names a launch template that is not in the scan, or one we cannot tell.
    pub launch_template_unresolved: bool,
    /// The AMI declared in the configuration, if it links to one.
    pub amis: Vec<usize>,
    /// The image ID as written on the resource (`ami`, `image_id`, `ImageId`).
    pub image_id: Option<Node>,
    /// How the resource's format spells the metadata attributes, for messages.
    pub names: MetadataNames,
}

/// The metadata attribute names in a resource's own format (`http_tokens`, `HttpTokens`).
#[derive(Clone, Copy, Debug)]
pub struct MetadataNames {
    pub options: &'static str,
    pub tokens: &'static str,
    pub hop_limit: &'static str,
}

/// Where a workload's role is attached.
#[derive(Clone, Debug)]
pub struct RoleUse {
    pub kind: EdgeKind,
    /// The role resource.
    pub role: usize,
    /// The intermediate resources (the instance profile, a launch template) with the
    /// attribute that links each step, workload first.
    pub path: Vec<(usize, Span)>,
    /// The service principal that must be able to assume the role.
    pub service: &'static str,
    /// The actions its trust policy must allow that principal (see [`assume_actions`]).
    pub actions: &'static [&'static str],
}

/// What a service calls on the role it runs as: `sts:AssumeRole`, and for EKS Pod Identity
/// also `sts:TagSession` (the agent tags the session with the cluster, namespace and
/// service account).
pub fn assume_actions(service: &str) -> &'static [&'static str] {
    match service {
        "pods.eks.amazonaws.com" => &["sts:AssumeRole", "sts:TagSession"],
        _ => &["sts:AssumeRole"],
    }
}

#[derive(Clone, Debug)]
pub struct Workload {
    pub res: usize,
    pub roles: Vec<RoleUse>,
}

#[derive(Clone, Debug)]
pub struct TaskDefinition {
    pub res: usize,
    pub task_role: Option<Node>,
    pub execution_role: Option<Node>,
    /// The container definitions (parsed from JSON text when written so).
    pub containers: Vec<views::Container>,
}

/// An identity policy document written in the configuration: an inline policy of a role,
/// user or group, or a customer-managed policy.
#[derive(Clone, Debug)]
pub struct IdentityPolicy {
    /// The resource that holds the document.
    pub res: usize,
    /// The document as written (a map, a JSON string, an `aws_iam_policy_document`'s json).
    pub doc_node: Node,
    /// Where the document is given in the resource (the attribute, or the list item).
    pub span: Span,
    /// How a message names the policy: `aws_iam_policy.ci`, `inline policy "logs" of
    /// aws_iam_role.app`.
    pub label: String,
}

/// Account-level instance metadata defaults: each option that is set (`None`: no
/// preference, the AMI's default applies).
#[derive(Clone, Debug)]
pub struct AccountMetadata {
    pub res: usize,
    pub tokens: Option<Node>,
    pub endpoint: Option<Node>,
    pub hop_limit: Option<Node>,
}

pub struct Model {
    pub graph: Graph,
    /// The kind of each resource, by index (see [`Model::kind`]).
    kinds: Vec<Option<ResourceKind>>,
    pub ec2: Vec<Ec2Launch>,
    pub workloads: Vec<Workload>,
    pub task_definitions: Vec<TaskDefinition>,
    /// Identity policy documents written in the scan, in resource order.
    pub identity_policies: Vec<IdentityPolicy>,
    /// The account's instance metadata defaults (`aws_ec2_instance_metadata_defaults`).
    /// EC2 decides each option in this order: the instance (or its launch template), then
    /// this account default, then the AMI's default.
    pub account_metadata: Option<AccountMetadata>,
    /// The user's own AWS account IDs (`--account-id`, the config file): AWS principals in
    /// them are not another account's.
    pub own_accounts: Vec<String>,
}

impl Model {
    pub fn build(graph: Graph) -> Model {
        let mut m = Model {
            ec2: Vec::new(),
            workloads: Vec::new(),
            task_definitions: Vec::new(),
            identity_policies: Vec::new(),
            account_metadata: None,
            own_accounts: Vec::new(),
            kinds: graph
                .resources
                .iter()
                .map(ResourceKind::of_resource)
                .collect(),
            graph,
        };
        for (i, r) in m.graph.resources.iter().enumerate() {
            if let Some(kind) = ec2_kind(&r.rtype) {
                m.ec2.push(Ec2Launch {
                    res: i,
                    kind,
                    metadata: metadata(r),
                    has_own_options: true,
                    launch_templates: m
                        .graph
                        .out(i, EdgeKind::UsesLaunchTemplate)
                        .into_iter()
                        .map(|(t, _)| t)
                        .collect(),
                    launch_template_unresolved: launch_template_named(r)
                        && m.graph.out(i, EdgeKind::UsesLaunchTemplate).is_empty(),
                    amis: m
                        .graph
                        .out(i, EdgeKind::UsesAmi)
                        .into_iter()
                        .map(|(t, _)| t)
                        .collect(),
                    image_id: r.attr(views::image_id_path(r)).cloned(),
                    names: MetadataNames {
                        options: term(r, "metadata_options"),
                        tokens: term(r, "http_tokens"),
                        hop_limit: term(r, "http_put_response_hop_limit"),
                    },
                });
            }
            if r.rtype == "aws_ec2_instance_metadata_defaults" {
                // `no-preference` (the provider's default) and -1 leave the choice to the AMI.
                let set = |k: &str| {
                    r.attr(&[k]).filter(|n| {
                        !n.is_null()
                            && n.as_str() != Some("no-preference")
                            && n.as_f64() != Some(-1.0)
                    })
                };
                m.account_metadata = Some(AccountMetadata {
                    res: i,
                    tokens: set("http_tokens").cloned(),
                    endpoint: set("http_endpoint").cloned(),
                    hop_limit: set("http_put_response_hop_limit").cloned(),
                });
            }
            if matches!(
                r.rtype.as_str(),
                "aws_ecs_task_definition" | "AWS::ECS::TaskDefinition"
            ) {
                let get = |k: &'static str| r.attr(&[term(r, k)]).filter(|n| !n.is_null()).cloned();
                m.task_definitions.push(TaskDefinition {
                    res: i,
                    task_role: get("task_role_arn"),
                    execution_role: get("execution_role_arn"),
                    containers: views::containers(r),
                });
            }
            m.identity_policies.extend(identity_policies(i, r));
        }
        m.workloads = workloads(&m.graph);
        m
    }

    pub fn resource(&self, i: usize) -> &Resource {
        &self.graph.resources[i]
    }

    /// How a message names a value that is a reference not known as text
    /// (`${aws_iam_openid_connect_provider.github.arn}`, CloudFormation `${GitHubProvider}`):
    /// the address of the resource it refers to, with its URL when the resource has a known
    /// one (an OIDC provider's issuer), as people read it in their code. Any other text is
    /// returned as it is.
    pub fn reference_name(&self, text: &str) -> String {
        let Some(inner) = text
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .filter(|t| !t.contains("${") && !t.contains('}'))
        else {
            return text.to_string();
        };
        let names = |r: &Resource| {
            [r.ref_address.as_str(), r.address.as_str()]
                .into_iter()
                .filter(|a| !a.is_empty())
                .any(|a| {
                    inner == a
                        || inner
                            .strip_prefix(a)
                            .is_some_and(|rest| rest.starts_with('.'))
                })
        };
        let Some(r) = self.graph.resources.iter().find(|r| names(r)) else {
            return text.to_string();
        };
        let name = if r.ref_address.is_empty() {
            &r.address
        } else {
            &r.ref_address
        };
        let url = r
            .attr(&[term(r, "url")])
            .and_then(|n| n.as_str())
            .filter(|u| !u.is_empty());
        match url {
            Some(u) => format!("{name} ({u})"),
            None => name.to_string(),
        }
    }

    /// Who a workload hands its role to, when that is not the resource itself: the pods of
    /// one service account for an EKS Pod Identity association
    /// (`pods of service account jobs/worker in cluster aws_eks_cluster.main`).
    pub fn workload_subject(&self, i: usize) -> Option<String> {
        let r = self.resource(i);
        let (ns, sa, cluster) = match r.rtype.as_str() {
            "aws_eks_pod_identity_association" => ("namespace", "service_account", "cluster_name"),
            "AWS::EKS::PodIdentityAssociation" => ("Namespace", "ServiceAccount", "ClusterName"),
            _ => return None,
        };
        let text = |k: &str| {
            r.attr(&[k])
                .and_then(|n| n.display_text())
                .unwrap_or_else(|| "(not known)".into())
        };
        let cluster = match self.graph.out(i, EdgeKind::InCluster).first() {
            Some((c, _)) => self.resource(*c).address.clone(),
            None => text(cluster),
        };
        Some(format!(
            "pods of service account {}/{} in cluster {cluster}",
            text(ns),
            text(sa)
        ))
    }
}

fn ec2_kind(rtype: &str) -> Option<Ec2Kind> {
    Some(match rtype {
        "aws_instance" | "AWS::EC2::Instance" => Ec2Kind::Instance,
        "aws_spot_instance_request" => Ec2Kind::SpotRequest,
        "aws_launch_template" | "AWS::EC2::LaunchTemplate" => Ec2Kind::LaunchTemplate,
        "aws_launch_configuration" | "AWS::AutoScaling::LaunchConfiguration" => {
            Ec2Kind::LaunchConfiguration
        }
        _ => return None,
    })
}

/// The name an attribute has in the resource's own language: rules speak Terraform's
/// names (`http_tokens`), CloudFormation users read `HttpTokens`.
pub fn term(r: &Resource, tf_name: &'static str) -> &'static str {
    if r.format != crate::document::Format::CloudFormation {
        return tf_name;
    }
    match tf_name {
        "http_tokens" => "HttpTokens",
        "http_endpoint" => "HttpEndpoint",
        "http_put_response_hop_limit" => "HttpPutResponseHopLimit",
        "metadata_options" => "MetadataOptions",
        "task_role_arn" => "TaskRoleArn",
        "execution_role_arn" => "ExecutionRoleArn",
        // Lambda permissions and function URLs.
        "principal" => "Principal",
        "action" => "Action",
        "source_arn" => "SourceArn",
        "source_account" => "SourceAccount",
        "principal_org_id" => "PrincipalOrgID",
        "function_url_auth_type" => "FunctionUrlAuthType",
        "function_name" => "FunctionName",
        "authorization_type" => "AuthType",
        // OIDC providers.
        "url" => "Url",
        other => other,
    }
}

/// Does the resource name a launch template at all (so its metadata comes from there)?
fn launch_template_named(r: &Resource) -> bool {
    let key = match r.format {
        crate::document::Format::CloudFormation => "LaunchTemplate",
        _ => "launch_template",
    };
    r.block(&[key]).is_some_and(|b| !b.is_null())
}

fn metadata(r: &Resource) -> Metadata {
    let path: &[&str] = match r.rtype.as_str() {
        "AWS::EC2::LaunchTemplate" => &["LaunchTemplateData", "MetadataOptions"],
        "AWS::EC2::Instance" | "AWS::AutoScaling::LaunchConfiguration" => &["MetadataOptions"],
        _ => &["metadata_options"],
    };
    let Some(raw) = r.attr(path) else {
        // A launch template whose data is not known as a whole (a condition picks it, an
        // intrinsic builds it): its options may be there. Unknown values elsewhere in the
        // data (an instance type from a parameter) say nothing about them.
        if r.rtype == "AWS::EC2::LaunchTemplate"
            && r.attr(&["LaunchTemplateData"])
                .is_some_and(|d| !matches!(d.value, Value::Map(_)))
        {
            return Metadata::Unknown;
        }
        return Metadata::Absent;
    };
    match &raw.value {
        Value::Null => Metadata::Absent,
        Value::List(l) if l.is_empty() => Metadata::Absent,
        Value::Unknown => Metadata::Unknown,
        _ => match crate::document::block_or_self(raw) {
            Some(b) if matches!(b.value, Value::Map(_)) => {
                let get = |k: &'static str| b.get(term(r, k)).filter(|n| !n.is_null()).cloned();
                Metadata::Known {
                    // A top-level property points at its name; a block at its header.
                    span: match path {
                        [top] if r.attr_spans.contains_key(*top) => r.attr_span(top).first_line(),
                        _ => b.span.clone(),
                    },
                    tokens: get("http_tokens"),
                    endpoint: get("http_endpoint"),
                    hop_limit: get("http_put_response_hop_limit"),
                }
            }
            _ => Metadata::Unknown,
        },
    }
}

/// The service principal that runs each workload type, and how it links to its role.
fn workload_services(rtype: &str) -> &'static [(EdgeKind, &'static str)] {
    const EC2: &[(EdgeKind, &str)] = &[(EdgeKind::UsesInstanceProfile, "ec2.amazonaws.com")];
    const ECS: &[(EdgeKind, &str)] = &[
        (EdgeKind::TaskRole, "ecs-tasks.amazonaws.com"),
        (EdgeKind::ExecutionRole, "ecs-tasks.amazonaws.com"),
    ];
    match rtype {
        "aws_instance"
        | "aws_spot_instance_request"
        | "aws_launch_template"
        | "aws_launch_configuration"
        | "AWS::EC2::Instance"
        | "AWS::EC2::LaunchTemplate"
        | "AWS::AutoScaling::LaunchConfiguration" => EC2,
        "aws_lambda_function" | "AWS::Lambda::Function" => {
            &[(EdgeKind::ServiceRole, "lambda.amazonaws.com")]
        }
        "aws_ecs_task_definition" | "AWS::ECS::TaskDefinition" => ECS,
        "aws_eks_node_group" | "AWS::EKS::Nodegroup" => {
            &[(EdgeKind::NodeRole, "ec2.amazonaws.com")]
        }
        "aws_eks_cluster" | "AWS::EKS::Cluster" => &[(EdgeKind::ServiceRole, "eks.amazonaws.com")],
        "aws_eks_fargate_profile" | "AWS::EKS::FargateProfile" => {
            &[(EdgeKind::ExecutionRole, "eks-fargate-pods.amazonaws.com")]
        }
        "aws_codebuild_project" | "AWS::CodeBuild::Project" => {
            &[(EdgeKind::ServiceRole, "codebuild.amazonaws.com")]
        }
        "aws_sfn_state_machine" | "AWS::StepFunctions::StateMachine" => {
            &[(EdgeKind::ServiceRole, "states.amazonaws.com")]
        }
        // The service role, and the instance profile of the container instances.
        "aws_batch_compute_environment" | "AWS::Batch::ComputeEnvironment" => &[
            (EdgeKind::ServiceRole, "batch.amazonaws.com"),
            (EdgeKind::UsesInstanceProfile, "ec2.amazonaws.com"),
        ],
        // A Batch job runs as an ECS task: job role and execution role.
        "aws_batch_job_definition" | "AWS::Batch::JobDefinition" => ECS,
        "aws_eks_pod_identity_association" | "AWS::EKS::PodIdentityAssociation" => {
            &[(EdgeKind::PodIdentityRole, "pods.eks.amazonaws.com")]
        }
        _ => &[],
    }
}

fn workloads(g: &Graph) -> Vec<Workload> {
    let mut out = Vec::new();
    for (i, r) in g.resources.iter().enumerate() {
        let services = workload_services(&r.rtype);
        if services.is_empty() {
            continue;
        }
        let mut roles = Vec::new();
        for (kind, service) in services {
            if *kind == EdgeKind::UsesInstanceProfile {
                for (p, e) in g.out(i, EdgeKind::UsesInstanceProfile) {
                    for (role, e2) in g.out(p, EdgeKind::ProfileHasRole) {
                        roles.push(RoleUse {
                            kind: EdgeKind::ProfileHasRole,
                            role,
                            path: vec![(i, e.span.clone()), (p, e2.span.clone())],
                            service,
                            actions: assume_actions(service),
                        });
                    }
                }
            } else {
                for (role, e) in g.out(i, *kind) {
                    roles.push(RoleUse {
                        kind: *kind,
                        role,
                        path: vec![(i, e.span.clone())],
                        service,
                        actions: assume_actions(service),
                    });
                }
            }
        }
        out.push(Workload { res: i, roles });
    }
    out
}

/// Where identity policy documents live, per resource type: `(type, list attribute, document
/// attribute, name attribute)`. With a list attribute, each item (an `inline_policy` block, a
/// `Policies` entry) holds a document and a name; without, the resource is the policy.
const IDENTITY_POLICIES: &[(&str, Option<&str>, &str, &str)] = &[
    ("aws_iam_role", Some("inline_policy"), "policy", "name"),
    ("aws_iam_role_policy", None, "policy", "name"),
    ("aws_iam_user_policy", None, "policy", "name"),
    ("aws_iam_group_policy", None, "policy", "name"),
    ("aws_iam_policy", None, "policy", "name"),
    (
        "AWS::IAM::Role",
        Some("Policies"),
        "PolicyDocument",
        "PolicyName",
    ),
    (
        "AWS::IAM::User",
        Some("Policies"),
        "PolicyDocument",
        "PolicyName",
    ),
    (
        "AWS::IAM::Group",
        Some("Policies"),
        "PolicyDocument",
        "PolicyName",
    ),
    ("AWS::IAM::Policy", None, "PolicyDocument", "PolicyName"),
    (
        "AWS::IAM::ManagedPolicy",
        None,
        "PolicyDocument",
        "ManagedPolicyName",
    ),
    ("AWS::IAM::RolePolicy", None, "PolicyDocument", "PolicyName"),
    ("AWS::IAM::UserPolicy", None, "PolicyDocument", "PolicyName"),
    (
        "AWS::IAM::GroupPolicy",
        None,
        "PolicyDocument",
        "PolicyName",
    ),
];

fn identity_policies(i: usize, r: &Resource) -> Vec<IdentityPolicy> {
    // An IAM Identity Center permission set: policies of the people assigned to it (PRIV
    // rules read them; no workload runs as a permission set). Its AWS managed policies are
    // attachments (see `views::policy_attachment`).
    let sso_inline = match r.rtype.as_str() {
        "aws_ssoadmin_permission_set_inline_policy" => Some("inline_policy"),
        "AWS::SSO::PermissionSet" => Some("InlinePolicy"),
        _ => None,
    };
    if let Some(attr) = sso_inline {
        return match r.attr(&[attr]).filter(|n| !n.is_null()) {
            Some(d) => vec![IdentityPolicy {
                res: i,
                doc_node: d.clone(),
                span: r.attr_span(attr),
                label: format!("the inline policy of permission set {}", r.address),
            }],
            None => Vec::new(),
        };
    }
    let Some((_, list, doc, name)) = IDENTITY_POLICIES.iter().find(|row| row.0 == r.rtype) else {
        return Vec::new();
    };
    let Some(list) = list else {
        return match r.attr(&[doc]).filter(|n| !n.is_null()) {
            Some(d) => vec![IdentityPolicy {
                res: i,
                doc_node: d.clone(),
                span: r.attr_span(doc),
                label: r.address.clone(),
            }],
            None => Vec::new(),
        };
    };
    let Some(items) = r.attr(&[list]) else {
        return Vec::new();
    };
    items
        .items()
        .into_iter()
        .filter_map(|item| {
            let d = item.get(doc).filter(|n| !n.is_null())?;
            let policy_name = item.get(name).and_then(|n| n.as_str());
            // Statements SAM writes from a policy template are not the user's to edit.
            if policy_name
                .is_some_and(|n| n.starts_with(crate::parse::cfn::sam::SAM_TEMPLATE_POLICY))
            {
                return None;
            }
            let label = match policy_name {
                Some(n) => format!("inline policy \"{n}\" of {}", r.address),
                None => format!("an inline policy of {}", r.address),
            };
            Some(IdentityPolicy {
                res: i,
                doc_node: d.clone(),
                span: item.span.clone(),
                label,
            })
        })
        .collect()
}

/// The attribute that holds a role's trust policy.
fn trust_attr(r: &Resource) -> Option<&'static str> {
    match r.rtype.as_str() {
        "aws_iam_role" => Some("assume_role_policy"),
        "AWS::IAM::Role" => Some("AssumeRolePolicyDocument"),
        _ => None,
    }
}

/// The trust policy document of a role resource, if it is written in the scan.
/// Does an EC2 instance or launch configuration run without any instance profile (its
/// profile attribute absent or null)? Then IMDS serves no role credentials. `false` for
/// launch templates (what launches from them may bring a role: an EKS node group, an
/// instance with its own profile) and whenever a profile is named, known or not.
pub fn runs_without_profile(l: &Ec2Launch, r: &Resource) -> bool {
    let attr = match l.kind {
        Ec2Kind::LaunchTemplate => return false,
        _ if r.format == crate::document::Format::CloudFormation => "IamInstanceProfile",
        _ => "iam_instance_profile",
    };
    r.attr(&[attr]).is_none_or(|n| n.is_null())
}

/// The issuer (`oidc.circleci.com/org/<id>`, `token.actions.githubusercontent.com`) of the
/// OIDC provider resource a `Federated` principal references (`aws_iam_openid_connect_provider`
/// `url`, `AWS::IAM::OIDCProvider` `Url`), without `https://`; `None` when the principal
/// references no such resource or its URL is not known.
pub fn referenced_oidc_issuer(m: &Model, principal: &Node) -> Option<String> {
    for r in principal.refs() {
        for t in m.graph.lookup_ref(&r.target) {
            let res = m.resource(t);
            let attr = match res.rtype.as_str() {
                "aws_iam_openid_connect_provider" => "url",
                "AWS::IAM::OIDCProvider" => "Url",
                _ => continue,
            };
            if let Some(url) = res.attr(&[attr]).and_then(Node::as_str) {
                let url = url.strip_prefix("https://").unwrap_or(url);
                return Some(url.trim_end_matches('/').to_string());
            }
        }
    }
    None
}

pub fn trust_policy(r: &Resource) -> Option<&Node> {
    r.attr(&[trust_attr(r)?]).filter(|n| !n.is_null())
}

/// Where the trust policy attribute is written.
pub fn trust_attr_span(r: &Resource) -> Span {
    match trust_attr(r) {
        Some(a) => r.attr_span(a),
        None => r.span.clone(),
    }
}
