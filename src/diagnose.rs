//! `rolegraph diagnose --cloudtrail FILE...`: CloudTrail AccessDenied events mapped onto the
//! configuration, each with the line to change.
//!
//! Input: the documented `{"Records": [...]}` files CloudTrail delivers to S3 (gzipped or
//! not), a single event as the console and `lookup-events` show it, and the
//! `lookup-events` output (`{"Events": [{"CloudTrailEvent": "<json>"}]}`). The files are
//! attacker-controllable: they are read through [`crate::fsread`] with a size limit (and a
//! limit on the decompressed size), parsed without recursion beyond serde_json's limit, and
//! a file or event that cannot be read is a note, never a panic.
//!
//! For each event whose `errorCode` is `AccessDenied`, `AccessDeniedException`,
//! `UnauthorizedOperation` or `Client.UnauthorizedOperation`: the role is found in the
//! configuration from `userIdentity.sessionContext.sessionIssuer` (ARN or name) or the
//! assumed-role ARN, by its name (a literal `name`/`RoleName`; a CloudFormation role
//! without one by its logical ID inside the generated name `STACK-LogicalId-SUFFIX`), and
//! the request is simulated with the one engine ([`crate::simulate`]), the event's own
//! context (source IP, region, MFA, time) as known keys. An `AssumeRole*` event is checked
//! against the target role's trust policy instead. Events for principals not in the
//! configuration are counted and listed.

use crate::ScanOptions;
use crate::iam::condition::Context;
use crate::iam::eval::Request;
use crate::model::Model;
use crate::simulate::{Caller, PrincipalAnswer, Reason};
use crate::value::{Node, Span};
use serde::Serialize;
use serde_json::Value as J;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most bytes of one event file, compressed or not.
pub const MAX_EVENT_FILE: u64 = 64 * 1024 * 1024;

/// Why `diagnose` cannot run at all.
#[derive(Debug, thiserror::Error)]
pub enum DiagnoseError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One denied event, as read.
#[derive(Clone, Debug)]
struct Event {
    source: String,
    time: String,
    name: String,
    service: String,
    error_code: String,
    /// The role ARN (`arn:aws:iam::ACCOUNT:role/path/NAME`) or name the caller acted as.
    role_arn: Option<String>,
    role_name: Option<String>,
    /// The caller's ARN as the event gives it.
    caller: String,
    resource: Option<String>,
    context: Context,
    /// For `AssumeRole*`: the role asked for.
    target_role: Option<String>,
}

/// The diagnosis of one event.
#[derive(Serialize, Debug)]
pub struct Diagnosis {
    /// `FILE#N`: the file and the event's position in it.
    pub event: String,
    pub time: String,
    pub action: String,
    pub resource: String,
    pub error_code: String,
    /// The role in the configuration (address).
    pub role: String,
    pub role_location: String,
    /// `not-granted`, `explicit-deny`, `boundary`, `resource-not-covered`,
    /// `condition-not-met`, `depends`, `trust-policy`, `unknown-policy`,
    /// `allowed-by-configuration`.
    pub kind: &'static str,
    pub message: String,
    /// The file:line to change.
    pub location: String,
    /// The minimal change: a statement to add, the principal to trust.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub proposal: String,
    pub reasons: Vec<Reason>,
}

/// An event for a principal the configuration does not have.
#[derive(Serialize, Debug)]
pub struct Unmatched {
    pub event: String,
    pub action: String,
    pub principal: String,
}

#[derive(Serialize, Debug, Default)]
pub struct DiagnoseReport {
    pub events_read: usize,
    pub denied: usize,
    pub diagnoses: Vec<Diagnosis>,
    pub unmatched: Vec<Unmatched>,
    /// Files or events that could not be read (with why).
    pub notes: Vec<String>,
}

/// The service prefix of an `eventSource` (`s3.amazonaws.com` -> `s3`), where IAM's prefix
/// differs from the endpoint's.
fn service_prefix(source: &str) -> String {
    let first = source.split('.').next().unwrap_or(source);
    match first {
        "monitoring" => "cloudwatch",
        "email" => "ses",
        "elasticloadbalancing" => "elasticloadbalancing",
        "states" => "states",
        other => other,
    }
    .to_string()
}

const DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "Client.UnauthorizedOperation",
];

fn s(v: &J, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str().map(String::from)
}

/// `... perform: s3:GetObject on resource: "arn:aws:s3:::b/k" because ...`: the resource
/// the error message names.
fn resource_from_message(msg: &str) -> Option<String> {
    let (_, rest) = msg.split_once(" on resource: ")?;
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .unwrap_or(rest.len());
    let r = &rest[..end];
    r.starts_with("arn:").then(|| r.to_string())
}

/// The role name of an assumed-role ARN (`arn:aws:sts::1:assumed-role/NAME/session`) or a
/// role ARN (`arn:aws:iam::1:role/path/NAME`).
fn role_name_of(arn: &str) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    if let Some(r) = resource.strip_prefix("assumed-role/") {
        return r.split('/').next().map(String::from);
    }
    resource
        .strip_prefix("role/")
        .and_then(|r| r.rsplit('/').next())
        .map(String::from)
}

fn read_event(v: &J, source: String) -> Option<Event> {
    let error_code = s(v, &["errorCode"])?;
    let event_source = s(v, &["eventSource"]).unwrap_or_default();
    let name = s(v, &["eventName"]).unwrap_or_default();
    let service = service_prefix(&event_source);
    // The caller: an IAM ARN; for a web identity or SAML user its provider; for a service
    // its principal.
    let caller = match s(v, &["userIdentity", "type"]).as_deref() {
        Some("WebIdentityUser" | "SAMLUser") => s(v, &["userIdentity", "identityProvider"]),
        Some("AWSService") => s(v, &["userIdentity", "invokedBy"]),
        _ => s(v, &["userIdentity", "arn"]),
    }
    .unwrap_or_default();
    let issuer = s(
        v,
        &["userIdentity", "sessionContext", "sessionIssuer", "arn"],
    );
    let role_arn = issuer.or_else(|| (caller.contains(":assumed-role/")).then(|| caller.clone()));
    let role_name = s(
        v,
        &[
            "userIdentity",
            "sessionContext",
            "sessionIssuer",
            "userName",
        ],
    )
    .or_else(|| role_arn.as_deref().and_then(role_name_of));
    let error_message = s(v, &["errorMessage"]).unwrap_or_default();
    let resource = v
        .get("resources")
        .and_then(J::as_array)
        .and_then(|r| r.iter().find_map(|x| s(x, &["ARN"])))
        .or_else(|| resource_from_message(&error_message));
    let mut context = Context::new();
    if let Some(ip) = s(v, &["sourceIPAddress"]).filter(|ip| ip.parse::<std::net::IpAddr>().is_ok())
    {
        context.insert("aws:SourceIp", &ip);
    }
    if let Some(r) = s(v, &["awsRegion"]) {
        context.insert("aws:RequestedRegion", &r);
    }
    if let Some(t) = s(v, &["eventTime"]) {
        context.insert("aws:CurrentTime", &t);
        context.insert(
            "aws:EpochTime",
            &crate::iam::condition::parse_date(&t)
                .map(|x| x.to_string())
                .unwrap_or_default(),
        );
    }
    if let Some(m) = s(
        v,
        &[
            "userIdentity",
            "sessionContext",
            "attributes",
            "mfaAuthenticated",
        ],
    ) {
        context.insert("aws:MultiFactorAuthPresent", &m);
    }
    if let Some(vpc) = s(v, &["vpcEndpointId"]) {
        context.insert("aws:SourceVpce", &vpc);
    }
    if !caller.is_empty() {
        if let Some(r) = &role_arn {
            context.insert("aws:PrincipalArn", r);
        }
        if let Some(a) = s(v, &["userIdentity", "accountId"]) {
            context.insert("aws:PrincipalAccount", &a);
        }
    }
    // A web identity's subject is its user name: the provider's `:sub` claim.
    if let Some(host) = caller
        .split_once(":oidc-provider/")
        .map(|(_, h)| h.to_string())
        && let Some(sub) = s(v, &["userIdentity", "userName"])
    {
        context.insert(&format!("{host}:sub"), &sub);
    }
    let target_role = name
        .starts_with("AssumeRole")
        .then(|| s(v, &["requestParameters", "roleArn"]))
        .flatten();
    Some(Event {
        source,
        time: s(v, &["eventTime"]).unwrap_or_default(),
        name,
        service,
        error_code,
        role_arn,
        role_name,
        caller,
        resource,
        context,
        target_role,
    })
}

/// Read one file's events: `{"Records": [...]}`, `{"Events": [{"CloudTrailEvent": ...}]}`,
/// a list, or one event.
fn read_file(path: &Path, report: &mut DiagnoseReport) -> Vec<Event> {
    let bytes = match crate::fsread::read(path, MAX_EVENT_FILE, crate::fsread::Links::Follow) {
        Ok(b) => b,
        Err(e) => {
            report
                .notes
                .push(format!("{}: {}", path.display(), e.into_io()));
            return Vec::new();
        }
    };
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        let dec = flate2::read::MultiGzDecoder::new(&bytes[..]);
        match dec.take(MAX_EVENT_FILE + 1).read_to_end(&mut out) {
            Ok(_) if out.len() as u64 > MAX_EVENT_FILE => {
                report.notes.push(format!(
                    "{}: more than {MAX_EVENT_FILE} bytes once decompressed; not read",
                    path.display()
                ));
                return Vec::new();
            }
            Ok(_) => out,
            Err(e) => {
                report
                    .notes
                    .push(format!("{}: not a valid gzip file: {e}", path.display()));
                return Vec::new();
            }
        }
    } else {
        bytes
    };
    let v: J = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            report
                .notes
                .push(format!("{}: not CloudTrail JSON: {e}", path.display()));
            return Vec::new();
        }
    };
    let mut raw: Vec<J> = Vec::new();
    if let Some(records) = v.get("Records").and_then(J::as_array) {
        raw.extend(records.iter().cloned());
    } else if let Some(events) = v.get("Events").and_then(J::as_array) {
        for e in events {
            match e
                .get("CloudTrailEvent")
                .and_then(J::as_str)
                .map(serde_json::from_str::<J>)
            {
                Some(Ok(inner)) => raw.push(inner),
                _ => raw.push(e.clone()),
            }
        }
    } else if let Some(list) = v.as_array() {
        raw.extend(list.iter().cloned());
    } else {
        raw.push(v);
    }
    report.events_read += raw.len();
    let name = path.display().to_string();
    raw.iter()
        .enumerate()
        .filter_map(|(i, e)| read_event(e, format!("{name}#{}", i + 1)))
        .filter(|e| DENIED.contains(&e.error_code.as_str()))
        .collect()
}

/// Does role resource `r` have this name (its literal name; for CloudFormation without a
/// name, the logical ID inside the generated `STACK-LogicalId-SUFFIX`)?
fn role_named(m: &Model, i: usize, name: &str) -> bool {
    let r = m.resource(i);
    if r.rtype != "aws_iam_role" && r.rtype != "AWS::IAM::Role" {
        return false;
    }
    match r.attr(&["name"]).or(r.attr(&["RoleName"])) {
        Some(n) if !n.is_null() => n.as_str() == Some(name),
        _ => {
            r.format == crate::document::Format::CloudFormation
                && name.split('-').any(|part| part == r.address)
        }
    }
}

fn find_role(m: &Model, name: &str) -> Option<usize> {
    (0..m.graph.resources.len()).find(|&i| role_named(m, i, name))
}

/// `rolegraph diagnose --cloudtrail`.
pub fn cloudtrail(opts: &ScanOptions, files: &[PathBuf]) -> Result<DiagnoseReport, DiagnoseError> {
    let mut report = DiagnoseReport::default();
    let mut events = Vec::new();
    for f in files {
        if !f.exists() {
            return Err(DiagnoseError::Read {
                path: f.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        events.extend(read_file(f, &mut report));
    }
    report.denied = events.len();
    // Each event is diagnosed in the first input whose model has its role.
    let (diagnoses, done) = first_answer(opts, &events, diagnose_one);
    report.diagnoses.extend(diagnoses);
    for (k, e) in events.iter().enumerate() {
        if !done[k] {
            report.unmatched.push(Unmatched {
                event: e.source.clone(),
                action: action_of(e),
                principal: e
                    .target_role
                    .clone()
                    .or(e.role_arn.clone())
                    .unwrap_or_else(|| e.caller.clone()),
            });
        }
    }
    report.diagnoses.sort_by(|a, b| a.event.cmp(&b.event));
    clean(&mut report);
    Ok(report)
}

fn action_of(e: &Event) -> String {
    format!("{}:{}", e.service, e.name)
}

fn loc(span: &Span) -> String {
    if span.is_none() {
        String::new()
    } else {
        format!("{}:{}", span.file, span.line)
    }
}

fn diagnose_one(m: &Model, e: &Event) -> Option<Diagnosis> {
    let action = action_of(e);
    if let Some(target) = &e.target_role {
        let role = find_role(m, &role_name_of(target)?)?;
        return Some(diagnose_assume(m, e, role, &action));
    }
    let role = find_role(m, e.role_name.as_deref()?)?;
    let node = e.resource.as_deref().map(|r| Node::string(r, Span::none()));
    let req = Request {
        action: &action,
        resource: node.as_ref(),
        context: &e.context,
    };
    let answer = crate::simulate::principal_answer(m, role, &req);
    Some(classify(m, e, role, &action, answer))
}

fn statement_json(action: &str, resource: Option<&str>) -> String {
    format!(
        "{{\"Effect\": \"Allow\", \"Action\": \"{action}\", \"Resource\": \"{}\"}}",
        resource.unwrap_or("*")
    )
}

fn classify(m: &Model, e: &Event, role: usize, action: &str, a: PrincipalAnswer) -> Diagnosis {
    let r = m.resource(role);
    let first = |kind: &str| a.reasons.iter().find(|x| x.kind == kind);
    let definite_deny = a
        .reasons
        .iter()
        .find(|x| (x.kind == "deny" || x.kind == "boundary-deny") && x.depends_on.is_empty());
    let boundary_out = a
        .reasons
        .iter()
        .find(|x| x.kind == "boundary" && x.message.starts_with("outside"));
    let closest = |k: &str| a.reasons.iter().find(|x| x.closest == Some(k));
    let resource = e.resource.as_deref();
    let (kind, message, location, proposal) = if let Some(d) = definite_deny {
        (
            "explicit-deny",
            format!("{action} is {}", d.message),
            d.location.clone(),
            "narrow or remove this Deny statement (or its Resource), if the request is meant to succeed".to_string(),
        )
    } else if a.verdict == "allowed" {
        (
            "allowed-by-configuration",
            format!(
                "the configuration allows {action}: the deployed policies differ from the code, or a resource policy, SCP or session policy denies it"
            ),
            loc(&r.span),
            String::new(),
        )
    } else if let Some(c) = closest("condition") {
        (
            "condition-not-met",
            c.message.clone(),
            c.location.clone(),
            "widen the condition to admit this request, if it is meant to succeed".to_string(),
        )
    } else if let Some(c) = closest("resource") {
        (
            "resource-not-covered",
            c.message.clone(),
            c.location.clone(),
            format!("add {} to its Resource", resource.unwrap_or("the resource")),
        )
    } else if let Some(b) = boundary_out.filter(|_| first("allow").is_some()) {
        (
            "boundary",
            b.message.clone(),
            b.location.clone(),
            format!("add {action} to the boundary's Allow statements"),
        )
    } else if a.verdict == "depends" {
        let allow = first("allow").or(first("unknown-policy"));
        (
            if first("unknown-policy").is_some() {
                "unknown-policy"
            } else {
                "depends"
            },
            format!(
                "{action} may be allowed: it depends on {}",
                a.depends_on.join(", ")
            ),
            allow
                .map(|x| x.location.clone())
                .unwrap_or_else(|| loc(&r.span)),
            String::new(),
        )
    } else {
        // Where to add it: the role's first written policy, else the role.
        let pp = m.principal_policies(role);
        let at = pp
            .policies
            .iter()
            .enumerate()
            .find(|(k, _)| {
                pp.document(*k).is_some()
                    && matches!(
                        pp.policies[*k].origin,
                        crate::model::permissions::Origin::Written(_)
                    )
            })
            .map(|(_, p)| (p.label.clone(), loc(&p.span)))
            .unwrap_or_else(|| (r.address.clone(), loc(&r.span)));
        (
            "not-granted",
            format!("no identity policy of {} grants {action}", r.address),
            at.1,
            format!(
                "add to {}: {}{}",
                at.0,
                statement_json(action, resource),
                boundary_out
                    .map(|b| format!(
                        " (and to the permissions boundary's Allow statements at {})",
                        b.location
                    ))
                    .unwrap_or_default()
            ),
        )
    };
    Diagnosis {
        event: e.source.clone(),
        time: e.time.clone(),
        action: action.to_string(),
        resource: resource.unwrap_or("*").to_string(),
        error_code: e.error_code.clone(),
        role: r.address.clone(),
        role_location: loc(&r.span),
        kind,
        message,
        location,
        proposal,
        reasons: a.reasons,
    }
}

fn diagnose_assume(m: &Model, e: &Event, role: usize, action: &str) -> Diagnosis {
    let r = m.resource(role);
    // Who asked: a role session, a user, a web identity, a service.
    let principal = if !e.caller.is_empty() {
        e.role_arn.clone().unwrap_or_else(|| e.caller.clone())
    } else {
        String::new()
    };
    let caller = Caller::parse(&principal);
    let (kind, message, location, proposal, reasons) = match caller {
        Some(c) => match crate::simulate::assume_one(m, role, &c, &e.context) {
            Ok(sim) => {
                let p = sim.principals.into_iter().next();
                let (verdict, reasons) = p
                    .map(|p| (p.verdict, p.reasons))
                    .unwrap_or(("depends", Vec::new()));
                let at = loc(&crate::model::trust_attr_span(r));
                match verdict {
                    "allowed" => (
                        "allowed-by-configuration",
                        format!(
                            "the trust policy of {} allows {principal}: the deployed trust policy differs, or the caller's own policies do not allow {action}",
                            r.address
                        ),
                        at,
                        String::new(),
                        reasons,
                    ),
                    _ => (
                        "trust-policy",
                        format!(
                            "the trust policy of {} does not let {principal} {action}",
                            r.address
                        ),
                        at,
                        trust_proposal(&c, &principal, action, &reasons),
                        reasons,
                    ),
                }
            }
            Err(err) => (
                "trust-policy",
                err.to_string(),
                loc(&r.span),
                String::new(),
                Vec::new(),
            ),
        },
        None => (
            "trust-policy",
            format!(
                "{action} on {} was denied to a caller the event does not name",
                r.address
            ),
            loc(&crate::model::trust_attr_span(r)),
            String::new(),
            Vec::new(),
        ),
    };
    Diagnosis {
        event: e.source.clone(),
        time: e.time.clone(),
        action: action.to_string(),
        resource: e.target_role.clone().unwrap_or_default(),
        error_code: e.error_code.clone(),
        role: r.address.clone(),
        role_location: loc(&r.span),
        kind,
        message,
        location,
        proposal,
        reasons,
    }
}

/// The minimal change to a trust policy: the principal to add, or, when a statement names
/// the principal but its condition fails, the condition to widen.
fn trust_proposal(c: &Caller, principal: &str, action: &str, reasons: &[Reason]) -> String {
    if let Some(r) = reasons.iter().find(|r| r.closest == Some("condition")) {
        return format!(
            "the statement at {} names this principal: widen its Condition to admit this request",
            r.location
        );
    }
    let key = match c {
        Caller::Service(_) => "Service",
        Caller::Federated { .. } => "Federated",
        _ => "AWS",
    };
    format!("add to a statement allowing {action}: \"Principal\": {{\"{key}\": \"{principal}\"}}")
}

fn clean(report: &mut DiagnoseReport) {
    use crate::secrets::sanitize;
    let f = |x: &mut String| *x = sanitize(x);
    for d in &mut report.diagnoses {
        for x in [
            &mut d.event,
            &mut d.time,
            &mut d.action,
            &mut d.resource,
            &mut d.error_code,
            &mut d.role,
            &mut d.role_location,
            &mut d.message,
            &mut d.location,
            &mut d.proposal,
        ] {
            f(x);
        }
        for r in &mut d.reasons {
            f(&mut r.message);
            f(&mut r.location);
        }
    }
    for u in &mut report.unmatched {
        f(&mut u.event);
        f(&mut u.action);
        f(&mut u.principal);
    }
    report.notes.iter_mut().for_each(f);
}

/// The report as text.
pub fn render_text(report: &DiagnoseReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} events read, {} denied: {} diagnosed, {} for principals not in the configuration",
        report.events_read,
        report.denied,
        report.diagnoses.len(),
        report.unmatched.len()
    );
    for d in &report.diagnoses {
        let _ = writeln!(
            s,
            "\n{} {} {} on {} as {} ({})",
            d.event, d.error_code, d.action, d.resource, d.role, d.role_location
        );
        let _ = writeln!(s, "  {}: {}", d.kind, d.message);
        if !d.location.is_empty() {
            let _ = writeln!(s, "  change: {}", d.location);
        }
        if !d.proposal.is_empty() {
            let _ = writeln!(s, "  proposal: {}", d.proposal);
        }
    }
    if !report.unmatched.is_empty() {
        let _ = writeln!(s, "\nnot in the configuration:");
        for u in &report.unmatched {
            let _ = writeln!(s, "  {} {} by {}", u.event, u.action, u.principal);
        }
    }
    for n in &report.notes {
        let _ = writeln!(s, "note: {n}");
    }
    crate::secrets::guard_lines(&s)
}

/// One unused permission mapped onto the configuration.
#[derive(Serialize, Debug)]
pub struct UnusedGrant {
    /// `FILE#N`: the finding's file and position.
    pub finding: String,
    /// `UnusedPermission` or `UnusedIAMRole`.
    pub finding_type: String,
    pub role: String,
    pub role_location: String,
    /// The statement that grants the unused actions (file:line), for an unused permission;
    /// the role's location for an unused role.
    pub location: String,
    pub message: String,
    /// The statement's Action list with the unused actions taken out (empty: the statement
    /// can go).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narrowed_actions: Option<Vec<String>>,
}

#[derive(Serialize, Debug, Default)]
pub struct AnalyzerReport {
    pub findings_read: usize,
    pub mapped: Vec<UnusedGrant>,
    /// Findings for roles not in the configuration, or of other types.
    pub unmatched: Vec<Unmatched>,
    pub notes: Vec<String>,
}

/// One Access Analyzer finding, as read: its type, the role ARN, and per service the
/// unused actions (`None`: the whole service is unused).
struct AaFinding {
    source: String,
    kind: String,
    role_arn: String,
    unused: Vec<(String, Option<Vec<String>>)>,
}

fn read_analyzer_file(path: &Path, report: &mut AnalyzerReport) -> Vec<AaFinding> {
    let bytes = match crate::fsread::read(path, MAX_EVENT_FILE, crate::fsread::Links::Follow) {
        Ok(b) => b,
        Err(e) => {
            report
                .notes
                .push(format!("{}: {}", path.display(), e.into_io()));
            return Vec::new();
        }
    };
    let v: J = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            report
                .notes
                .push(format!("{}: not Access Analyzer JSON: {e}", path.display()));
            return Vec::new();
        }
    };
    // `list-findings-v2` gives {"findings": [...]}; `get-finding-v2` one finding.
    let list: Vec<J> = match v.get("findings").and_then(J::as_array) {
        Some(l) => l.clone(),
        None => vec![v],
    };
    report.findings_read += list.len();
    let name = path.display().to_string();
    let mut out = Vec::new();
    for (i, f) in list.iter().enumerate() {
        let kind = s(f, &["findingType"]).unwrap_or_default();
        let role_arn = s(f, &["resource"]).unwrap_or_default();
        let mut unused = Vec::new();
        for d in f
            .get("findingDetails")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let Some(p) = d.get("unusedPermissionDetails") else {
                continue;
            };
            let Some(svc) = s(p, &["serviceNamespace"]) else {
                continue;
            };
            let actions = p.get("actions").and_then(J::as_array).map(|a| {
                a.iter()
                    .filter_map(|x| s(x, &["action"]))
                    .map(|x| {
                        if x.contains(':') {
                            x
                        } else {
                            format!("{svc}:{x}")
                        }
                    })
                    .collect()
            });
            unused.push((svc, actions));
        }
        out.push(AaFinding {
            source: format!("{name}#{}", i + 1),
            kind,
            role_arn,
            unused,
        });
    }
    out
}

/// `rolegraph diagnose --access-analyzer`.
pub fn access_analyzer(
    opts: &ScanOptions,
    files: &[PathBuf],
) -> Result<AnalyzerReport, DiagnoseError> {
    let mut report = AnalyzerReport::default();
    let mut findings = Vec::new();
    for f in files {
        if !f.exists() {
            return Err(DiagnoseError::Read {
                path: f.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
            });
        }
        findings.extend(read_analyzer_file(f, &mut report));
    }
    let (mapped, done) = first_answer(opts, &findings, |model, f| {
        let role = find_role(model, &role_name_of(&f.role_arn)?)?;
        Some(map_unused(model, f, role))
    });
    report.mapped.extend(mapped.into_iter().flatten());
    for (k, f) in findings.iter().enumerate() {
        if !done[k] {
            report.unmatched.push(Unmatched {
                event: f.source.clone(),
                action: f.kind.clone(),
                principal: f.role_arn.clone(),
            });
        }
    }
    let s = crate::secrets::sanitize;
    for g in &mut report.mapped {
        for x in [
            &mut g.finding,
            &mut g.finding_type,
            &mut g.role,
            &mut g.role_location,
            &mut g.location,
            &mut g.message,
        ] {
            *x = s(x);
        }
        for a in g.narrowed_actions.iter_mut().flatten() {
            *a = s(a);
        }
    }
    for u in &mut report.unmatched {
        u.event = s(&u.event);
        u.action = s(&u.action);
        u.principal = s(&u.principal);
    }
    report.notes.iter_mut().for_each(|n| *n = s(n));
    Ok(report)
}

/// Is `action` unused according to the finding?
fn is_unused(f: &AaFinding, action: &str) -> bool {
    let svc = action.split(':').next().unwrap_or("");
    f.unused.iter().any(|(s, actions)| {
        s.eq_ignore_ascii_case(svc)
            && actions
                .as_ref()
                .is_none_or(|list| list.iter().any(|a| a.eq_ignore_ascii_case(action)))
    })
}

fn map_unused(m: &Model, f: &AaFinding, role: usize) -> Vec<UnusedGrant> {
    let r = m.resource(role);
    let base = |location: String, message: String, narrowed| UnusedGrant {
        finding: f.source.clone(),
        finding_type: f.kind.clone(),
        role: r.address.clone(),
        role_location: loc(&r.span),
        location,
        message,
        narrowed_actions: narrowed,
    };
    if f.kind == "UnusedIAMRole" {
        return vec![base(
            loc(&r.span),
            format!(
                "{} is not used: remove the role (and what attaches to it)",
                r.address
            ),
            None,
        )];
    }
    let data = crate::iam::dataset::get();
    let pp = m.principal_policies(role);
    let mut out = Vec::new();
    for (k, a) in pp.policies.iter().enumerate() {
        let Some(doc) = pp.document(k) else { continue };
        for st in doc.statements.iter().filter(|s| s.allows() == Some(true)) {
            if st.not_actions().is_some() {
                continue;
            }
            let entries: Vec<&str> = st.actions().iter().filter_map(|n| n.as_str()).collect();
            let granted: Vec<&str> = entries
                .iter()
                .flat_map(|e| data.expand(e))
                .map(|a| a.name)
                .collect();
            let unused: Vec<&str> = granted
                .iter()
                .copied()
                .filter(|a| is_unused(f, a))
                .collect();
            if unused.is_empty() {
                continue;
            }
            // Keep what is used: the entries none of whose actions is unused as written, the
            // others expanded to their used actions.
            let mut narrowed: Vec<String> = Vec::new();
            for e in &entries {
                let acts = data.expand(e);
                if acts.iter().all(|a| !is_unused(f, a.name)) {
                    narrowed.push(e.to_string());
                } else {
                    narrowed.extend(
                        acts.iter()
                            .filter(|a| !is_unused(f, a.name))
                            .map(|a| a.name.to_string()),
                    );
                }
            }
            narrowed.sort();
            narrowed.dedup();
            let shown: Vec<&str> = unused.iter().copied().take(5).collect();
            out.push(base(
                loc(&st.node.span),
                format!(
                    "a statement of {} grants {} unused action{} ({}{})",
                    a.label,
                    unused.len(),
                    if unused.len() == 1 { "" } else { "s" },
                    shown.join(", "),
                    if unused.len() > shown.len() {
                        ", ..."
                    } else {
                        ""
                    }
                ),
                Some(narrowed),
            ));
        }
    }
    if out.is_empty() {
        out.push(base(
            loc(&r.span),
            format!(
                "no statement written for {} grants the unused actions (an AWS managed policy or one not in the scan does)",
                r.address
            ),
            None,
        ));
    }
    out
}

/// The Access Analyzer mapping as text.
pub fn render_analyzer_text(report: &AnalyzerReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} findings read: {} grants to remove or narrow, {} findings for roles not in the configuration",
        report.findings_read,
        report.mapped.len(),
        report.unmatched.len()
    );
    for g in &report.mapped {
        let _ = writeln!(
            s,
            "\n{} {} {} ({})",
            g.finding, g.finding_type, g.role, g.role_location
        );
        let _ = writeln!(s, "  {}", g.message);
        let _ = writeln!(s, "  change: {}", g.location);
        match &g.narrowed_actions {
            Some(a) if a.is_empty() => {
                let _ = writeln!(
                    s,
                    "  proposal: remove the statement (nothing it grants is used)"
                );
            }
            Some(a) => {
                let _ = writeln!(
                    s,
                    "  proposal: Action = [{}]",
                    a.iter()
                        .map(|x| format!("\"{x}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            None => {}
        }
    }
    if !report.unmatched.is_empty() {
        let _ = writeln!(s, "\nnot in the configuration:");
        for u in &report.unmatched {
            let _ = writeln!(s, "  {} {} for {}", u.event, u.action, u.principal);
        }
    }
    for n in &report.notes {
        let _ = writeln!(s, "note: {n}");
    }
    crate::secrets::guard_lines(&s)
}

/// Answer each item in the first input (root module, template, plan) whose model can
/// answer it: the answers in item order, and which items got one.
fn first_answer<T: Sync, R: Send>(
    opts: &ScanOptions,
    items: &[T],
    answer: impl Fn(&crate::model::Model, &T) -> Option<R> + Sync,
) -> (Vec<R>, Vec<bool>) {
    let parsed = crate::parse_each(opts, &|_, _| {}, |p| {
        let model = crate::build_model(p.doc.resources, &opts.account_ids);
        items
            .iter()
            .enumerate()
            .filter_map(|(k, item)| answer(&model, item).map(|r| (k, r)))
            .collect::<Vec<_>>()
    });
    let mut answers: Vec<Option<R>> = items.iter().map(|_| None).collect();
    for (k, r) in parsed.results.into_iter().flatten().flatten() {
        if answers[k].is_none() {
            answers[k] = Some(r);
        }
    }
    let done = answers.iter().map(Option::is_some).collect();
    (answers.into_iter().flatten().collect(), done)
}
