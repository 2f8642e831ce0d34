//! The resource graph: every resource is a node; typed edges say how a workload reaches its
//! credentials (instance -> launch template -> instance profile -> role -> policy).
//!
//! Edges come from a table of (resource type, attribute, edge kind, target types). A value
//! links by symbolic reference (`aws_iam_role.app.arn`, `!GetAtt AppRole.Arn`) or by a
//! literal name or ARN that matches a resource in the same scan.

use crate::document::Resource;
use crate::value::{Node, Span, Value};
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    UsesLaunchTemplate,
    UsesLaunchConfiguration,
    UsesInstanceProfile,
    UsesAmi,
    ProfileHasRole,
    /// Lambda function role, EKS cluster role, CodeBuild service role ...
    ServiceRole,
    ExecutionRole,
    TaskRole,
    NodeRole,
    /// An EKS Pod Identity association's role (pods of one service account get it).
    PodIdentityRole,
    /// The EKS cluster a Pod Identity association belongs to.
    InCluster,
    AttachedPolicy,
    InlinePolicy,
    PermissionsBoundary,
}

impl EdgeKind {
    pub fn describe(self) -> &'static str {
        match self {
            EdgeKind::UsesLaunchTemplate => "launch template",
            EdgeKind::UsesLaunchConfiguration => "launch configuration",
            EdgeKind::UsesInstanceProfile => "instance profile",
            EdgeKind::UsesAmi => "AMI",
            EdgeKind::ProfileHasRole => "role",
            EdgeKind::ServiceRole => "role",
            EdgeKind::ExecutionRole => "execution role",
            EdgeKind::TaskRole => "task role",
            EdgeKind::NodeRole => "node role",
            EdgeKind::PodIdentityRole => "Pod Identity role",
            EdgeKind::InCluster => "cluster",
            EdgeKind::AttachedPolicy => "attached policy",
            EdgeKind::InlinePolicy => "inline policy",
            EdgeKind::PermissionsBoundary => "permissions boundary",
        }
    }
}

/// How a literal string identifies a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The target's name attribute (or an ARN ending in `/<name>`).
    NameOrArn,
    /// Only symbolic references link.
    RefOnly,
}

/// One row of the link table.
pub struct Link {
    pub from: &'static str,
    /// Attribute path; nested blocks are looked through (first instance).
    pub path: &'static [&'static str],
    pub kind: EdgeKind,
    pub to: &'static [&'static str],
    pub by: Match,
    /// The edge points from the target to the source (`aws_iam_role_policy.role` makes
    /// role -> policy).
    pub reverse: bool,
}

const ROLE: &[&str] = &[
    "aws_iam_role",
    "AWS::IAM::Role",
    "aws_iam_service_linked_role",
    "AWS::IAM::ServiceLinkedRole",
];
const USER: &[&str] = &["aws_iam_user", "AWS::IAM::User"];
const GROUP: &[&str] = &["aws_iam_group", "AWS::IAM::Group"];
const PROFILE: &[&str] = &["aws_iam_instance_profile", "AWS::IAM::InstanceProfile"];
const LT: &[&str] = &["aws_launch_template", "AWS::EC2::LaunchTemplate"];
const LC: &[&str] = &[
    "aws_launch_configuration",
    "AWS::AutoScaling::LaunchConfiguration",
];
const POLICY: &[&str] = &["aws_iam_policy", "AWS::IAM::ManagedPolicy"];
const CLUSTER: &[&str] = &["aws_eks_cluster", "AWS::EKS::Cluster"];
/// Where an image ID comes from: an AMI registered or looked up (`aws_ami`, `data.aws_ami`),
/// or a Parameter Store parameter holding one (`data.aws_ssm_parameter`).
const AMI: &[&str] = &["aws_ami", "aws_ssm_parameter"];

macro_rules! link {
    ($from:expr, [$($p:expr),*], $kind:ident, $to:expr, $by:ident) => {
        Link { from: $from, path: &[$($p),*], kind: EdgeKind::$kind, to: $to, by: Match::$by, reverse: false }
    };
    (rev $from:expr, [$($p:expr),*], $kind:ident, $to:expr, $by:ident) => {
        Link { from: $from, path: &[$($p),*], kind: EdgeKind::$kind, to: $to, by: Match::$by, reverse: true }
    };
}

/// The attribute that holds a resource's name, for matching literal names and ARNs.
fn name_attr(rtype: &str) -> &'static str {
    match rtype {
        "AWS::IAM::Role" => "RoleName",
        "AWS::IAM::InstanceProfile" => "InstanceProfileName",
        "AWS::EC2::LaunchTemplate" => "LaunchTemplateName",
        "AWS::AutoScaling::LaunchConfiguration" => "LaunchConfigurationName",
        "AWS::IAM::ManagedPolicy" => "ManagedPolicyName",
        "AWS::IAM::User" => "UserName",
        "AWS::IAM::Group" => "GroupName",
        "AWS::EKS::Cluster" => "Name",
        _ => "name",
    }
}

/// Which attribute of which resource type links to what, for Terraform and CloudFormation.
pub static LINKS: &[Link] = &[
    link!(
        "aws_instance",
        ["iam_instance_profile"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "aws_instance",
        ["launch_template", "id"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "aws_instance",
        ["launch_template", "name"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!("aws_instance", ["ami"], UsesAmi, AMI, RefOnly),
    link!(
        "aws_spot_instance_request",
        ["iam_instance_profile"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "aws_spot_instance_request",
        ["launch_template", "id"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "aws_spot_instance_request",
        ["launch_template", "name"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!("aws_spot_instance_request", ["ami"], UsesAmi, AMI, RefOnly),
    link!(
        "aws_launch_template",
        ["iam_instance_profile", "name"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "aws_launch_template",
        ["iam_instance_profile", "arn"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!("aws_launch_template", ["image_id"], UsesAmi, AMI, RefOnly),
    link!(
        "aws_launch_configuration",
        ["iam_instance_profile"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "aws_launch_configuration",
        ["image_id"],
        UsesAmi,
        AMI,
        RefOnly
    ),
    link!(
        "aws_autoscaling_group",
        ["launch_template", "id"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "aws_autoscaling_group",
        ["launch_template", "name"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "aws_autoscaling_group",
        ["launch_configuration"],
        UsesLaunchConfiguration,
        LC,
        NameOrArn
    ),
    link!(
        "aws_autoscaling_group",
        [
            "mixed_instances_policy",
            "launch_template",
            "launch_template_specification",
            "launch_template_id"
        ],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "aws_autoscaling_group",
        [
            "mixed_instances_policy",
            "launch_template",
            "launch_template_specification",
            "launch_template_name"
        ],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "aws_eks_node_group",
        ["launch_template", "id"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "aws_eks_node_group",
        ["launch_template", "name"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "aws_eks_node_group",
        ["node_role_arn"],
        NodeRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_iam_instance_profile",
        ["role"],
        ProfileHasRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_lambda_function",
        ["role"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_ecs_task_definition",
        ["task_role_arn"],
        TaskRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_ecs_task_definition",
        ["execution_role_arn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_eks_cluster",
        ["role_arn"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_eks_fargate_profile",
        ["pod_execution_role_arn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_codebuild_project",
        ["service_role"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_sfn_state_machine",
        ["role_arn"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_batch_compute_environment",
        ["service_role"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_batch_compute_environment",
        ["compute_resources", "instance_role"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    // Batch job definitions: the job role and execution role inside the container
    // properties (a JSON document in Terraform), like an ECS task's.
    link!(
        "aws_batch_job_definition",
        ["container_properties", "jobRoleArn"],
        TaskRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_batch_job_definition",
        ["container_properties", "executionRoleArn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_eks_pod_identity_association",
        ["role_arn"],
        PodIdentityRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "aws_eks_pod_identity_association",
        ["cluster_name"],
        InCluster,
        CLUSTER,
        NameOrArn
    ),
    link!(
        "AWS::Batch::ComputeEnvironment",
        ["ServiceRole"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::Batch::ComputeEnvironment",
        ["ComputeResources", "InstanceRole"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "AWS::Batch::JobDefinition",
        ["ContainerProperties", "JobRoleArn"],
        TaskRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::Batch::JobDefinition",
        ["ContainerProperties", "ExecutionRoleArn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::EKS::PodIdentityAssociation",
        ["RoleArn"],
        PodIdentityRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::EKS::PodIdentityAssociation",
        ["ClusterName"],
        InCluster,
        CLUSTER,
        NameOrArn
    ),
    link!(
        "aws_iam_role",
        ["permissions_boundary"],
        PermissionsBoundary,
        POLICY,
        NameOrArn
    ),
    link!(
        "aws_iam_role",
        ["managed_policy_arns"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(rev "aws_iam_role_policy", ["role"], InlinePolicy, ROLE, NameOrArn),
    link!(rev "aws_iam_user_policy", ["user"], InlinePolicy, USER, NameOrArn),
    link!(rev "aws_iam_group_policy", ["group"], InlinePolicy, GROUP, NameOrArn),
    // Attachment resources: principal -> attachment, then attachment -> policy.
    link!(rev "aws_iam_role_policy_attachment", ["role"], AttachedPolicy, ROLE, NameOrArn),
    link!(rev "aws_iam_user_policy_attachment", ["user"], AttachedPolicy, USER, NameOrArn),
    link!(rev "aws_iam_group_policy_attachment", ["group"], AttachedPolicy, GROUP, NameOrArn),
    link!(rev "aws_iam_policy_attachment", ["roles"], AttachedPolicy, ROLE, NameOrArn),
    link!(rev "aws_iam_policy_attachment", ["users"], AttachedPolicy, USER, NameOrArn),
    link!(rev "aws_iam_policy_attachment", ["groups"], AttachedPolicy, GROUP, NameOrArn),
    link!(rev "aws_iam_role_policy_attachments_exclusive", ["role_name"], AttachedPolicy, ROLE, NameOrArn),
    link!(
        "aws_iam_role_policy_attachment",
        ["policy_arn"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "aws_iam_user_policy_attachment",
        ["policy_arn"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "aws_iam_group_policy_attachment",
        ["policy_arn"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "aws_iam_policy_attachment",
        ["policy_arn"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "aws_iam_role_policy_attachments_exclusive",
        ["policy_arns"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    // CloudFormation
    link!(
        "AWS::EC2::Instance",
        ["IamInstanceProfile"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "AWS::EC2::Instance",
        ["LaunchTemplate", "LaunchTemplateId"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "AWS::EC2::Instance",
        ["LaunchTemplate", "LaunchTemplateName"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "AWS::EC2::LaunchTemplate",
        ["LaunchTemplateData", "IamInstanceProfile", "Arn"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "AWS::EC2::LaunchTemplate",
        ["LaunchTemplateData", "IamInstanceProfile", "Name"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "AWS::AutoScaling::LaunchConfiguration",
        ["IamInstanceProfile"],
        UsesInstanceProfile,
        PROFILE,
        NameOrArn
    ),
    link!(
        "AWS::AutoScaling::AutoScalingGroup",
        ["LaunchTemplate", "LaunchTemplateId"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "AWS::AutoScaling::AutoScalingGroup",
        ["LaunchTemplate", "LaunchTemplateName"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "AWS::AutoScaling::AutoScalingGroup",
        ["LaunchConfigurationName"],
        UsesLaunchConfiguration,
        LC,
        NameOrArn
    ),
    link!(
        "AWS::AutoScaling::AutoScalingGroup",
        [
            "MixedInstancesPolicy",
            "LaunchTemplate",
            "LaunchTemplateSpecification",
            "LaunchTemplateId"
        ],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "AWS::AutoScaling::AutoScalingGroup",
        [
            "MixedInstancesPolicy",
            "LaunchTemplate",
            "LaunchTemplateSpecification",
            "LaunchTemplateName"
        ],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "AWS::EKS::Nodegroup",
        ["NodeRole"],
        NodeRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::EKS::Nodegroup",
        ["LaunchTemplate", "Id"],
        UsesLaunchTemplate,
        LT,
        RefOnly
    ),
    link!(
        "AWS::EKS::Nodegroup",
        ["LaunchTemplate", "Name"],
        UsesLaunchTemplate,
        LT,
        NameOrArn
    ),
    link!(
        "AWS::IAM::InstanceProfile",
        ["Roles"],
        ProfileHasRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::Lambda::Function",
        ["Role"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::ECS::TaskDefinition",
        ["TaskRoleArn"],
        TaskRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::ECS::TaskDefinition",
        ["ExecutionRoleArn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::EKS::Cluster",
        ["RoleArn"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::EKS::FargateProfile",
        ["PodExecutionRoleArn"],
        ExecutionRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::CodeBuild::Project",
        ["ServiceRole"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::StepFunctions::StateMachine",
        ["RoleArn"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::Batch::ComputeEnvironment",
        ["ServiceRole"],
        ServiceRole,
        ROLE,
        NameOrArn
    ),
    link!(
        "AWS::IAM::Role",
        ["ManagedPolicyArns"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "AWS::IAM::Role",
        ["PermissionsBoundary"],
        PermissionsBoundary,
        POLICY,
        NameOrArn
    ),
    link!(
        "AWS::IAM::User",
        ["ManagedPolicyArns"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(
        "AWS::IAM::Group",
        ["ManagedPolicyArns"],
        AttachedPolicy,
        POLICY,
        NameOrArn
    ),
    link!(rev "AWS::IAM::Policy", ["Roles"], InlinePolicy, ROLE, NameOrArn),
    link!(rev "AWS::IAM::Policy", ["Users"], InlinePolicy, USER, NameOrArn),
    link!(rev "AWS::IAM::Policy", ["Groups"], InlinePolicy, GROUP, NameOrArn),
    link!(rev "AWS::IAM::ManagedPolicy", ["Roles"], AttachedPolicy, ROLE, NameOrArn),
    link!(rev "AWS::IAM::ManagedPolicy", ["Users"], AttachedPolicy, USER, NameOrArn),
    link!(rev "AWS::IAM::ManagedPolicy", ["Groups"], AttachedPolicy, GROUP, NameOrArn),
    link!(rev "AWS::IAM::RolePolicy", ["RoleName"], InlinePolicy, ROLE, NameOrArn),
    link!(rev "AWS::IAM::UserPolicy", ["UserName"], InlinePolicy, USER, NameOrArn),
    link!(rev "AWS::IAM::GroupPolicy", ["GroupName"], InlinePolicy, GROUP, NameOrArn),
];

#[derive(Clone, Debug)]
pub struct EdgeInfo {
    pub kind: EdgeKind,
    /// The attribute that makes the link (on the source resource of the link row).
    pub span: Span,
}

/// The resources of a scan and the edges between them.
pub struct Graph {
    pub resources: Vec<Resource>,
    pub g: DiGraph<usize, EdgeInfo>,
    by_address: HashMap<String, usize>,
    by_ref: HashMap<String, Vec<usize>>,
    /// Resources by the literal value of their name attribute (see [`name_attr`]), in
    /// resource order: a literal name or ARN finds its target without a pass over all
    /// resources.
    by_name: HashMap<String, Vec<usize>>,
}

/// The link rows of each source resource type.
fn links_from(rtype: &str) -> &'static [&'static Link] {
    static BY_TYPE: std::sync::OnceLock<HashMap<&'static str, Vec<&'static Link>>> =
        std::sync::OnceLock::new();
    BY_TYPE
        .get_or_init(|| {
            let mut m: HashMap<&'static str, Vec<&'static Link>> = HashMap::new();
            for l in LINKS {
                m.entry(l.from).or_default().push(l);
            }
            m
        })
        .get(rtype)
        .map_or(&[], Vec::as_slice)
}

impl Graph {
    pub fn build(resources: Vec<Resource>) -> Graph {
        let mut g = DiGraph::new();
        let mut by_address = HashMap::new();
        let mut by_ref: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            g.add_node(i);
            by_address.insert(r.address.clone(), i);
            by_ref.entry(r.ref_address.clone()).or_default().push(i);
            if let Some(name) = r.attr(&[name_attr(&r.rtype)]).and_then(|n| n.as_str()) {
                by_name.entry(name.to_string()).or_default().push(i);
            }
        }
        let mut graph = Graph {
            resources,
            g,
            by_address,
            by_ref,
            by_name,
        };
        let mut edges = Vec::new();
        for (i, r) in graph.resources.iter().enumerate() {
            for link in links_from(&r.rtype) {
                let Some(value) = r.attr(link.path) else {
                    continue;
                };
                for item in value.items() {
                    if item.is_null() {
                        continue;
                    }
                    let targets = graph.resolve(item, link);
                    for t in targets {
                        let (a, b) = if link.reverse { (t, i) } else { (i, t) };
                        edges.push((
                            a,
                            b,
                            EdgeInfo {
                                kind: link.kind,
                                span: item.span.clone(),
                            },
                        ));
                    }
                }
            }
        }
        for (a, b, e) in edges {
            graph.g.add_edge(NodeIndex::new(a), NodeIndex::new(b), e);
        }
        graph
    }

    /// The resource a symbolic reference points to (exact instance, or all instances).
    pub fn lookup_ref(&self, target: &str) -> Vec<usize> {
        if let Some(i) = self.by_address.get(target) {
            return vec![*i];
        }
        if let Some(v) = self.by_ref.get(target) {
            return v.clone();
        }
        // `aws_iam_role.r[0]` when the resource was not expanded (unknown count).
        if let Some(base) = target
            .strip_suffix(']')
            .and_then(|t| t.rsplit_once('['))
            .map(|(b, _)| b)
            && let Some(v) = self.by_ref.get(base)
        {
            return v.clone();
        }
        vec![]
    }

    fn resolve(&self, v: &Node, link: &Link) -> Vec<usize> {
        let of_type = |i: &usize| link.to.contains(&self.resources[*i].rtype.as_str());
        // Any symbolic reference inside the value (`"${aws_iam_role.r.arn}"`, `!GetAtt R.Arn`).
        let mut out: Vec<usize> = v
            .refs()
            .iter()
            .flat_map(|r| self.lookup_ref(&r.target))
            .filter(of_type)
            .collect();
        if out.is_empty()
            && link.by == Match::NameOrArn
            && let Some(name) = literal_name(v)
        {
            out = self
                .by_name
                .get(name)
                .map(|v| v.iter().copied().filter(of_type).collect())
                .unwrap_or_default();
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Edges of a kind leaving resource `i`, with their targets.
    pub fn out(&self, i: usize, kind: EdgeKind) -> Vec<(usize, &EdgeInfo)> {
        let mut v: Vec<(usize, &EdgeInfo)> = self
            .g
            .edges(NodeIndex::new(i))
            .filter(|e| e.weight().kind == kind)
            .map(|e| (e.target().index(), e.weight()))
            .collect();
        v.sort_by_key(|(t, _)| *t);
        v
    }

    /// Edges of a kind arriving at resource `i`, with their sources.
    pub fn incoming(&self, i: usize, kind: EdgeKind) -> Vec<(usize, &EdgeInfo)> {
        let mut v: Vec<(usize, &EdgeInfo)> = self
            .g
            .edges_directed(NodeIndex::new(i), petgraph::Direction::Incoming)
            .filter(|e| e.weight().kind == kind)
            .map(|e| (e.source().index(), e.weight()))
            .collect();
        v.sort_by_key(|(s, _)| *s);
        v
    }
}

/// The name a literal value gives: a plain name, the last part of an ARN, or the literal
/// tail of an ARN built from pseudo parameters (`arn:${AWS::Partition}:iam::...:role/app`).
fn literal_name(v: &Node) -> Option<&str> {
    match &v.value {
        Value::String(s) => Some(arn_name(s)),
        Value::Interp(pieces) => match pieces.last() {
            Some(crate::value::Piece::Lit(tail)) if tail.contains('/') => {
                tail.rsplit('/').next().filter(|n| !n.is_empty())
            }
            _ => None,
        },
        _ => None,
    }
}

/// The name part of an IAM ARN (`arn:aws:iam::1:role/path/name` -> `name`), or the string.
pub fn arn_name(s: &str) -> &str {
    if s.starts_with("arn:") {
        s.rsplit('/').next().unwrap_or(s)
    } else {
        s
    }
}
