//! The SAM transform (`Transform: AWS::Serverless-2016-10-31`), for the parts that decide
//! how a function gets its credentials. It runs on the template as written, before
//! intrinsic functions are resolved, like SAM itself:
//!
//! - `AWS::Serverless::Function` -> `AWS::Lambda::Function` (same logical ID), with
//!   `Globals.Function` merged in (maps merge, lists concatenate, the function's own scalars
//!   win).
//! - No `Role`: a generated `AWS::IAM::Role` `<LogicalId>Role` trusting
//!   `lambda.amazonaws.com`, with AWSLambdaBasicExecutionRole, the VPC / X-Ray / event-source
//!   managed policies SAM adds, the function's `Policies` (managed policy names or ARNs, inline
//!   policy documents, SAM policy templates) and a dead-letter-queue policy. The policy
//!   templates in [`sam_policies::TEMPLATES`] (`S3ReadPolicy: {BucketName: ...}`, ...) expand
//!   to the statements SAM writes; any other template becomes an unknown policy, and a note
//!   says so.
//! - `Events` of type SQS, Kinesis, DynamoDB, MSK -> `AWS::Lambda::EventSourceMapping`
//!   `<LogicalId><EventId>`. Push sources (Api, HttpApi, S3, SNS, Schedule, EventBridgeRule,
//!   ...) create invoke permissions and APIs in SAM; they are not generated here.
//! - `FunctionUrlConfig` -> `AWS::Lambda::Url` `<LogicalId>Url`, plus the public
//!   `AWS::Lambda::Permission` `<LogicalId>UrlPublicPermissions` when `AuthType` is `NONE`.
//!
//! Other `AWS::Serverless::*` resources are kept as they are.

use super::raw::{Entry, Raw, RawKind};
use super::sam_policies::{self, ExpandError};

/// The name prefix of an inline policy SAM writes from a policy template. The user picks the
/// template and its parameters but not its statements, so least-privilege rules that judge
/// statements one by one skip these (as they skip AWS managed policies).
pub const SAM_TEMPLATE_POLICY: &str = "SamPolicyTemplate:";
use crate::document::Diagnostic;
use crate::value::Span;

const BASIC_EXECUTION: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const VPC_ACCESS: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const XRAY: &str = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess";

/// AWS managed policies whose ARN has the `service-role/` path (a name in `Policies` is
/// turned into an ARN).
const SERVICE_ROLE_POLICIES: &[&str] = &[
    "AWSLambdaBasicExecutionRole",
    "AWSLambdaVPCAccessExecutionRole",
    "AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaKinesisExecutionRole",
    "AWSLambdaDynamoDBExecutionRole",
    "AWSLambdaMSKExecutionRole",
    "AWSLambdaRole",
    "AWSLambdaENIManagementAccess",
];

/// Lambda properties SAM passes through under the same name.
const SAME_NAME: &[&str] = &[
    "Role",
    "Runtime",
    "Handler",
    "Environment",
    "VpcConfig",
    "FunctionName",
    "Description",
    "MemorySize",
    "Timeout",
    "Layers",
    "Architectures",
    "KmsKeyArn",
    "ReservedConcurrentExecutions",
    "PackageType",
    "EphemeralStorage",
    "FileSystemConfigs",
    "ImageConfig",
    "CodeSigningConfigArn",
    "LoggingConfig",
    "SnapStart",
    "RuntimeManagementConfig",
    "RecursiveLoop",
];

/// Resource attributes copied to every resource generated from a function (`Metadata`
/// carries the function's `rolegraph` suppressions to its generated role, URL, ...).
const ATTRIBUTES: &[&str] = &["Condition", "DependsOn", "Metadata"];

/// Expand the SAM resources of a template.
pub fn transform(
    resources: Vec<Entry>,
    globals: Option<&Raw>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    let global_fn = globals.and_then(|g| g.get("Function"));
    let taken: std::collections::HashSet<String> =
        resources.iter().map(|e| e.key.clone()).collect();
    let mut out = Vec::with_capacity(resources.len());
    for e in resources {
        if e.value.get("Type").and_then(Raw::as_str) == Some("AWS::Serverless::Function") {
            for g in function(&e, global_fn, diags) {
                if g.key != e.key && taken.contains(&g.key) {
                    diags.push(Diagnostic::warning(
                        e.key_span.clone(),
                        format!(
                            "SAM would generate `{}`, which the template already declares; the \
                             declared resource is used",
                            g.key
                        ),
                    ));
                    continue;
                }
                out.push(g);
            }
        } else {
            out.push(e);
        }
    }
    out
}

/// A resource entry `{Type, Properties, ...attributes of the function}`.
fn resource(key: String, source: &Entry, rtype: &str, props: Vec<(&str, Raw)>) -> Entry {
    let span = source.value.span.clone();
    let mut entries = vec![("Type", Raw::str(rtype, source.key_span.clone()))];
    for attr in ATTRIBUTES {
        if let Some(v) = source.value.get(attr) {
            entries.push((attr, v.clone()));
        }
    }
    entries.push(("Properties", Raw::map(props, span.clone())));
    Entry {
        key,
        key_span: source.key_span.clone(),
        value: Raw::map(entries, span),
    }
}

fn function(e: &Entry, global_fn: Option<&Raw>, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    let id = e.key.as_str();
    let here = e.key_span.clone();
    let own = e
        .value
        .get("Properties")
        .cloned()
        .unwrap_or_else(|| Raw::new(RawKind::Map(Vec::new()), e.value.span.clone()));
    let props = match global_fn {
        Some(g) => merge(g, &own),
        None => own,
    };
    let mut out = Vec::new();

    // The function.
    let mut lambda: Vec<(&str, Raw)> = Vec::new();
    for name in SAME_NAME {
        if let Some(v) = props.get(name) {
            lambda.push((name, v.clone()));
        }
    }
    let has_role = props.get("Role").is_some();
    if !has_role {
        let role_id = format!("{id}Role");
        let arn = Raw::new(
            RawKind::Seq(vec![
                Raw::str(role_id, here.clone()),
                Raw::str("Arn", here.clone()),
            ]),
            here.clone(),
        );
        lambda.push(("Role", Raw::call("Fn::GetAtt", arn, here.clone())));
    }
    if let Some(dlq) = props.get("DeadLetterQueue")
        && let Some(target) = dlq.get("TargetArn")
    {
        let cfg = Raw::map(vec![("TargetArn", target.clone())], dlq.span.clone());
        lambda.push(("DeadLetterConfig", cfg));
    }
    let tracing = props.get("Tracing");
    if let Some(t) = tracing
        && t.as_str() != Some("Disabled")
    {
        lambda.push((
            "TracingConfig",
            Raw::map(vec![("Mode", t.clone())], t.span.clone()),
        ));
    }
    if let Some(code) = code(&props) {
        lambda.push(("Code", code));
    }
    if let Some(tags) = props.get("Tags") {
        lambda.push(("Tags", tag_list(tags)));
    }
    out.push(resource(id.to_string(), e, "AWS::Lambda::Function", lambda));

    // Event sources.
    let mut event_policies: Vec<&str> = Vec::new();
    if let Some(events) = props.get("Events") {
        for ev in events.entries() {
            let ty = ev.value.get("Type").and_then(Raw::as_str).unwrap_or("");
            let (source_key, policy) = match ty {
                "SQS" => ("Queue", "AWSLambdaSQSQueueExecutionRole"),
                "Kinesis" => ("Stream", "AWSLambdaKinesisExecutionRole"),
                "DynamoDB" => ("Stream", "AWSLambdaDynamoDBExecutionRole"),
                "MSK" => ("Stream", "AWSLambdaMSKExecutionRole"),
                // Push sources create permissions / APIs: not generated (see the module doc).
                _ => continue,
            };
            let Some(ep) = ev.value.get("Properties") else {
                continue;
            };
            let mut esm: Vec<(&str, Raw)> = vec![(
                "FunctionName",
                Raw::call("Ref", Raw::str(id, here.clone()), here.clone()),
            )];
            if let Some(src) = ep.get(source_key) {
                esm.push(("EventSourceArn", src.clone()));
            }
            for e2 in ep.entries() {
                if e2.key != source_key {
                    esm.push((e2.key.as_str(), e2.value.clone()));
                }
            }
            let mut mapping = resource(
                format!("{id}{}", ev.key),
                e,
                "AWS::Lambda::EventSourceMapping",
                esm,
            );
            mapping.key_span = ev.key_span.clone();
            mapping.value.span = ev.value.span.clone();
            out.push(mapping);
            event_policies.push(policy);
        }
    }

    // The function URL.
    if let Some(url) = props.get("FunctionUrlConfig") {
        let target = Raw::call("Ref", Raw::str(id, here.clone()), here.clone());
        let mut u: Vec<(&str, Raw)> = vec![("TargetFunctionRef", target.clone())];
        for e2 in url.entries() {
            u.push((e2.key.as_str(), e2.value.clone()));
        }
        out.push(resource(format!("{id}Url"), e, "AWS::Lambda::Url", u));
        if let Some(auth) = url.get("AuthType").filter(|a| a.as_str() == Some("NONE")) {
            let perm = vec![
                (
                    "Action",
                    Raw::str("lambda:InvokeFunctionUrl", auth.span.clone()),
                ),
                ("FunctionName", target),
                ("Principal", Raw::str("*", auth.span.clone())),
                ("FunctionUrlAuthType", auth.clone()),
            ];
            out.push(resource(
                format!("{id}UrlPublicPermissions"),
                e,
                "AWS::Lambda::Permission",
                perm,
            ));
        }
    }

    // The role.
    if !has_role {
        let mut managed: Vec<Raw> = vec![Raw::str(BASIC_EXECUTION, here.clone())];
        if let Some(v) = props.get("VpcConfig") {
            managed.push(Raw::str(VPC_ACCESS, v.span.clone()));
        }
        if let Some(t) = tracing.filter(|t| t.as_str() == Some("Active")) {
            managed.push(Raw::str(XRAY, t.span.clone()));
        }
        for p in event_policies {
            let arn = managed_arn(p);
            if !managed.iter().any(|m| m.as_str() == Some(arn.as_str())) {
                managed.push(Raw::str(arn, here.clone()));
            }
        }
        let mut inline: Vec<Raw> = Vec::new();
        if let Some(pol) = props.get("Policies") {
            policies(id, pol, &mut managed, &mut inline, diags);
        }
        if let Some(dlq) = props.get("DeadLetterQueue")
            && let Some(doc) = dlq_policy(dlq)
        {
            let name = format!("{id}RoleDeadLetterQueuePolicy");
            inline.push(Raw::map(
                vec![
                    ("PolicyName", Raw::str(name, dlq.span.clone())),
                    ("PolicyDocument", doc),
                ],
                dlq.span.clone(),
            ));
        }
        let trust = props
            .get("AssumeRolePolicyDocument")
            .cloned()
            .unwrap_or_else(|| lambda_trust(&here));
        let mut role: Vec<(&str, Raw)> = vec![
            ("AssumeRolePolicyDocument", trust),
            (
                "ManagedPolicyArns",
                Raw::new(RawKind::Seq(managed), here.clone()),
            ),
        ];
        if !inline.is_empty() {
            role.push(("Policies", Raw::new(RawKind::Seq(inline), here.clone())));
        }
        if let Some(b) = props.get("PermissionsBoundary") {
            role.push(("PermissionsBoundary", b.clone()));
        }
        if let Some(p) = props.get("RolePath") {
            role.push(("Path", p.clone()));
        }
        if let Some(tags) = props.get("Tags") {
            role.push(("Tags", tag_list(tags)));
        }
        out.push(resource(format!("{id}Role"), e, "AWS::IAM::Role", role));
    }
    out
}

/// The trust policy SAM writes: `lambda.amazonaws.com` may assume the role.
fn lambda_trust(span: &Span) -> Raw {
    let s = |t: &str| Raw::str(t, span.clone());
    let list = |items: Vec<Raw>| Raw::new(RawKind::Seq(items), span.clone());
    let statement = Raw::map(
        vec![
            ("Effect", s("Allow")),
            (
                "Principal",
                Raw::map(
                    vec![("Service", list(vec![s("lambda.amazonaws.com")]))],
                    span.clone(),
                ),
            ),
            ("Action", list(vec![s("sts:AssumeRole")])),
        ],
        span.clone(),
    );
    Raw::map(
        vec![
            ("Version", s("2012-10-17")),
            ("Statement", list(vec![statement])),
        ],
        span.clone(),
    )
}

fn managed_arn(name: &str) -> String {
    if SERVICE_ROLE_POLICIES.contains(&name) {
        format!("arn:aws:iam::aws:policy/service-role/{name}")
    } else {
        format!("arn:aws:iam::aws:policy/{name}")
    }
}

/// The function's `Policies`: a name, an ARN, an inline document, a SAM policy template, or
/// a list of those.
fn policies(
    id: &str,
    pol: &Raw,
    managed: &mut Vec<Raw>,
    inline: &mut Vec<Raw>,
    diags: &mut Vec<Diagnostic>,
) {
    let items: Vec<&Raw> = match &pol.kind {
        RawKind::Seq(items) => items.iter().collect(),
        _ => vec![pol],
    };
    for p in items {
        match &p.kind {
            RawKind::Str(s) => {
                let arn = if s.starts_with("arn:") {
                    s.clone()
                } else {
                    managed_arn(s)
                };
                managed.push(Raw::str(arn, p.span.clone()));
            }
            RawKind::Map(_) if p.as_call().is_some() => {
                // `!Ref PolicyArnParam`, `!Sub arn:...`, `!ImportValue ...`: a managed policy.
                managed.push(p.clone());
            }
            RawKind::Map(_) if p.get("Statement").is_some() => {
                let name = format!("{id}RolePolicy{}", inline.len());
                inline.push(Raw::map(
                    vec![
                        ("PolicyName", Raw::str(name, p.span.clone())),
                        ("PolicyDocument", p.clone()),
                    ],
                    p.span.clone(),
                ));
            }
            RawKind::Map(entries) => {
                for t in entries {
                    let name = format!("{id}RolePolicy{}", inline.len());
                    let expanded = match sam_policies::find(&t.key) {
                        Some(template) => {
                            match sam_policies::expand(template, &t.value, &t.key_span) {
                                Ok(doc) => Some(doc),
                                Err(e) => {
                                    let why = match e {
                                        ExpandError::NotAMapping => {
                                            "its parameters are not a mapping".to_string()
                                        }
                                        ExpandError::Missing(p) => {
                                            format!("it needs the parameter `{p}`")
                                        }
                                    };
                                    diags.push(Diagnostic::warning(
                                        t.key_span.clone(),
                                        format!(
                                            "SAM policy template `{}` cannot be expanded: {why}; \
                                             the permissions it grants are treated as unknown",
                                            t.key
                                        ),
                                    ));
                                    None
                                }
                            }
                        }
                        None => {
                            diags.push(Diagnostic::note(
                                t.key_span.clone(),
                                format!(
                                    "SAM policy template `{}` is not expanded; the permissions \
                                     it grants are treated as unknown",
                                    t.key
                                ),
                            ));
                            None
                        }
                    };
                    if let Some(doc) = expanded {
                        let name = format!("{SAM_TEMPLATE_POLICY}{}", t.key);
                        inline.push(Raw::map(
                            vec![
                                ("PolicyName", Raw::str(name, t.key_span.clone())),
                                ("PolicyDocument", doc),
                            ],
                            p.span.clone(),
                        ));
                        continue;
                    }
                    // `Fn::Transform` evaluates to an unknown document.
                    let unknown = Raw::call(
                        "Fn::Transform",
                        Raw::map(
                            vec![
                                ("Name", Raw::str(t.key.clone(), t.key_span.clone())),
                                ("Parameters", t.value.clone()),
                            ],
                            t.key_span.clone(),
                        ),
                        t.key_span.clone(),
                    );
                    inline.push(Raw::map(
                        vec![
                            ("PolicyName", Raw::str(name, t.key_span.clone())),
                            ("PolicyDocument", unknown),
                        ],
                        p.span.clone(),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The statement SAM adds for a dead-letter queue or topic.
fn dlq_policy(dlq: &Raw) -> Option<Raw> {
    let target = dlq.get("TargetArn")?;
    let action = match dlq.get("Type").and_then(Raw::as_str) {
        Some("SQS") => "sqs:SendMessage",
        Some("SNS") => "sns:Publish",
        _ => return None,
    };
    let span = dlq.span.clone();
    let statement = Raw::map(
        vec![
            ("Effect", Raw::str("Allow", span.clone())),
            ("Action", Raw::str(action, span.clone())),
            ("Resource", target.clone()),
        ],
        span.clone(),
    );
    Some(Raw::map(
        vec![
            ("Version", Raw::str("2012-10-17", span.clone())),
            (
                "Statement",
                Raw::new(RawKind::Seq(vec![statement]), span.clone()),
            ),
        ],
        span,
    ))
}

/// `Code` from `InlineCode`, `ImageUri` or an S3 `CodeUri` object.
fn code(props: &Raw) -> Option<Raw> {
    if let Some(c) = props.get("InlineCode") {
        return Some(Raw::map(vec![("ZipFile", c.clone())], c.span.clone()));
    }
    if let Some(c) = props.get("ImageUri") {
        return Some(Raw::map(vec![("ImageUri", c.clone())], c.span.clone()));
    }
    let c = props.get("CodeUri")?;
    let mut m = Vec::new();
    for (from, to) in [
        ("Bucket", "S3Bucket"),
        ("Key", "S3Key"),
        ("Version", "S3ObjectVersion"),
    ] {
        if let Some(v) = c.get(from) {
            m.push((to, v.clone()));
        }
    }
    (!m.is_empty()).then(|| Raw::map(m, c.span.clone()))
}

/// SAM tags are a map; CloudFormation's are a list of `{Key, Value}`.
fn tag_list(tags: &Raw) -> Raw {
    match &tags.kind {
        RawKind::Map(entries) if tags.as_call().is_none() => Raw::new(
            RawKind::Seq(
                entries
                    .iter()
                    .map(|e| {
                        Raw::map(
                            vec![
                                ("Key", Raw::str(e.key.clone(), e.key_span.clone())),
                                ("Value", e.value.clone()),
                            ],
                            e.key_span.clone(),
                        )
                    })
                    .collect(),
            ),
            tags.span.clone(),
        ),
        _ => tags.clone(),
    }
}

/// Globals merged under a resource's properties: maps merge key by key, lists concatenate
/// (globals first), anything else takes the resource's value.
pub fn merge(global: &Raw, local: &Raw) -> Raw {
    match (&global.kind, &local.kind) {
        (RawKind::Map(g), RawKind::Map(l))
            if global.as_call().is_none() && local.as_call().is_none() =>
        {
            let mut out: Vec<Entry> = Vec::with_capacity(g.len() + l.len());
            for ge in g {
                match l.iter().find(|le| le.key == ge.key) {
                    Some(le) => out.push(Entry {
                        key: le.key.clone(),
                        key_span: le.key_span.clone(),
                        value: merge(&ge.value, &le.value),
                    }),
                    None => out.push(ge.clone()),
                }
            }
            for le in l {
                if !g.iter().any(|ge| ge.key == le.key) {
                    out.push(le.clone());
                }
            }
            Raw::new(RawKind::Map(out), local.span.clone())
        }
        (RawKind::Seq(g), RawKind::Seq(l)) => Raw::new(
            RawKind::Seq(g.iter().chain(l).cloned().collect()),
            local.span.clone(),
        ),
        _ => local.clone(),
    }
}
