//! `rolegraph graph`: the credential graph drawn for people. Workloads (and the Auto Scaling
//! groups and node groups that launch them) point to the launch templates and instance
//! profiles they go through, to the roles they run as, and roles to their policies. A node
//! with findings (not suppressed) is marked, with the rule IDs in its label.
//!
//! Three renderings of one [`View`]: Graphviz DOT, Mermaid (a `flowchart`, which GitHub
//! renders in Markdown) and JSON. Output is deterministic: nodes sorted by ID, edges by
//! their ends and label. Every text from the scanned files is masked and escaped once, in
//! [`Builder::finish`].

use crate::document::Resource;
use crate::finding::{Finding, Report, Severity};
use crate::graph::EdgeKind;
use crate::model::Model;
use crate::value::Value;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    Workload,
    /// An Auto Scaling group, EKS node group ... that launches instances from a template.
    Launcher,
    LaunchTemplate,
    InstanceProfile,
    Role,
    Policy,
}

#[derive(Clone, Debug, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeFinding {
    pub rule_id: &'static str,
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct ViewNode {
    pub id: String,
    pub kind: NodeKind,
    /// The resource address or logical ID; for a policy outside the scan, its ARN.
    pub label: String,
    /// The resource type (`aws_instance`, `AWS::IAM::Role`); empty for a policy outside the
    /// scan.
    #[serde(rename = "type")]
    pub rtype: String,
    pub location: Option<Location>,
    /// The findings about this resource that are not suppressed, by rule ID.
    pub findings: Vec<NodeFinding>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ViewEdge {
    pub from: String,
    pub to: String,
    pub label: String,
    /// On an attack path (`graph --paths`): highlighted in every rendering.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub path: bool,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct View {
    pub nodes: Vec<ViewNode>,
    pub edges: Vec<ViewEdge>,
}

impl ViewNode {
    /// The worst severity among its findings.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Builds a [`View`] from the models of a scan ([`Builder::add_model`]), then marks the
/// scan's findings on it ([`Builder::mark`]).
#[derive(Default)]
pub struct Builder {
    nodes: BTreeMap<String, ViewNode>,
    edges: BTreeSet<ViewEdge>,
    /// Inline policy documents drawn as nodes of their own: where they are written.
    inline: Vec<(crate::value::Span, String)>,
    /// Every resource of the models added, by address: the files it is declared in (a
    /// finding names its resource by address).
    declared: BTreeMap<String, BTreeSet<Arc<str>>>,
    /// The edges (from, to) on an attack path ([`Builder::add_paths`]).
    path_edges: BTreeSet<(String, String)>,
}

impl Builder {
    fn id(r: &Resource) -> String {
        format!("{}#{}", r.span.file, r.address)
    }

    fn node(&mut self, model: &Model, i: usize, kind: NodeKind) -> String {
        let r = model.resource(i);
        let id = Self::id(r);
        let entry = self.nodes.entry(id.clone()).or_insert_with(|| ViewNode {
            id: id.clone(),
            kind,
            label: r.address.clone(),
            rtype: r.rtype.clone(),
            location: (!r.span.is_none()).then(|| Location {
                file: r.span.file.to_string(),
                line: r.span.line,
            }),
            findings: Vec::new(),
        });
        // A launch template is a workload too; the more specific kind wins.
        if kind != NodeKind::Workload && entry.kind == NodeKind::Workload {
            entry.kind = kind;
        }
        id
    }

    fn edge(&mut self, from: &str, to: &str, label: &str) {
        self.edges.insert(ViewEdge {
            from: from.to_string(),
            to: to.to_string(),
            label: label.to_string(),
            path: false,
        });
    }

    /// Draw the attack paths of one input's model (`graph --paths`): the principals of each
    /// chain with their policies, an access key to its user, a `can assume` edge per role
    /// assumed, and every edge of the chain marked (the workload's way to the role
    /// included).
    pub fn add_paths(&mut self, model: &Model) {
        for p in crate::rules::path::paths(model) {
            let principal = p.entry.principal;
            let pid = self.node(model, principal, NodeKind::Role);
            self.policies(model, principal);
            // Where the entry is: a workload (or what launches from it) that runs as the
            // principal, or an access key of the user.
            let entry = model
                .graph
                .resources
                .iter()
                .position(|r| r.address == p.entry.finding.resource);
            if let Some(e) = entry {
                let mut launchers = vec![e];
                for kind in [
                    EdgeKind::UsesLaunchTemplate,
                    EdgeKind::UsesLaunchConfiguration,
                ] {
                    for (u, _) in model.graph.incoming(e, kind) {
                        let from = Self::id(model.resource(u));
                        self.path_edges.insert((from, Self::id(model.resource(e))));
                        launchers.push(u);
                    }
                }
                for w in model
                    .workloads
                    .iter()
                    .filter(|w| launchers.contains(&w.res))
                {
                    for u in w.roles.iter().filter(|u| u.role == principal) {
                        let mut prev = Self::id(model.resource(w.res));
                        for (step, _) in u.path.iter().skip(1) {
                            let id = Self::id(model.resource(*step));
                            self.path_edges.insert((prev, id.clone()));
                            prev = id;
                        }
                        self.path_edges.insert((prev, pid.clone()));
                    }
                }
                if e == principal {
                    // A trust: who outside can assume the role, as a node of its own.
                    let who = match p.entry.finding.rule_id {
                        "TRUST001" => "any AWS principal".to_string(),
                        "TRUST002" => format!("account {}", p.entry.finding.key),
                        "TRUST003" => "any OIDC subject".to_string(),
                        _ => "any Roles Anywhere certificate".to_string(),
                    };
                    let id = format!("outside#{}#{pid}", p.entry.finding.rule_id);
                    self.nodes.entry(id.clone()).or_insert_with(|| ViewNode {
                        id: id.clone(),
                        kind: NodeKind::Launcher,
                        label: format!("{who} ({})", p.entry.finding.rule_id),
                        rtype: String::new(),
                        location: None,
                        findings: Vec::new(),
                    });
                    self.edge(&id, &pid, "can assume");
                    self.path_edges.insert((id, pid.clone()));
                } else if model.is_principal(principal)
                    && !model.workloads.iter().any(|w| w.res == e)
                {
                    // An access key: drawn as a workload-like node pointing at its user.
                    let kid = self.node(model, e, NodeKind::Workload);
                    self.edge(&kid, &pid, "access key of");
                    self.path_edges.insert((kid, pid.clone()));
                }
            }
            for h in &p.hops {
                let from = self.node(model, h.from, NodeKind::Role);
                let to = self.node(model, h.role, NodeKind::Role);
                self.policies(model, h.role);
                self.edge(&from, &to, "can assume");
                self.path_edges.insert((from, to));
            }
        }
    }

    fn kind_of(rtype: &str) -> NodeKind {
        match rtype {
            "aws_launch_template"
            | "AWS::EC2::LaunchTemplate"
            | "aws_launch_configuration"
            | "AWS::AutoScaling::LaunchConfiguration" => NodeKind::LaunchTemplate,
            "aws_iam_instance_profile" | "AWS::IAM::InstanceProfile" => NodeKind::InstanceProfile,
            "aws_iam_role" | "AWS::IAM::Role" => NodeKind::Role,
            _ => NodeKind::Workload,
        }
    }

    /// Draw one input's model.
    pub fn add_model(&mut self, model: &Model) {
        let g = &model.graph;
        for r in &g.resources {
            self.declared
                .entry(r.address.clone())
                .or_default()
                .insert(r.span.file.clone());
        }
        let mut roles = BTreeSet::new();
        for w in &model.workloads {
            let wid = self.node(model, w.res, Self::kind_of(&model.resource(w.res).rtype));
            for u in &w.roles {
                let mut prev = wid.clone();
                let mut label = EdgeKind::UsesInstanceProfile.describe();
                for (step, _) in u.path.iter().skip(1) {
                    let id = self.node(model, *step, Self::kind_of(&model.resource(*step).rtype));
                    self.edge(&prev, &id, label);
                    prev = id;
                    label = EdgeKind::ProfileHasRole.describe();
                }
                if u.path.len() <= 1 {
                    label = u.kind.describe();
                }
                let rid = self.node(model, u.role, NodeKind::Role);
                self.edge(&prev, &rid, label);
                roles.insert(u.role);
            }
        }
        // What launches from a template: instances, Auto Scaling groups, node groups.
        for i in 0..g.resources.len() {
            for kind in [
                EdgeKind::UsesLaunchTemplate,
                EdgeKind::UsesLaunchConfiguration,
            ] {
                for (t, _) in g.out(i, kind) {
                    let kind_here = match Self::kind_of(&g.resources[i].rtype) {
                        NodeKind::Workload if model.workloads.iter().all(|w| w.res != i) => {
                            NodeKind::Launcher
                        }
                        k => k,
                    };
                    let from = self.node(model, i, kind_here);
                    let to = self.node(model, t, NodeKind::LaunchTemplate);
                    self.edge(&from, &to, kind.describe());
                }
            }
        }
        for role in roles {
            self.policies(model, role);
        }
    }

    /// Add what another builder drew, as if its models had been added to this one after
    /// the models already here (a node drawn first keeps its fields; a workload node takes
    /// the more specific kind the other gives it).
    pub fn merge(&mut self, other: Builder) {
        for (id, n) in other.nodes {
            match self.nodes.entry(id) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(n);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    let here = o.get_mut();
                    if n.kind != NodeKind::Workload && here.kind == NodeKind::Workload {
                        here.kind = n.kind;
                    }
                }
            }
        }
        self.edges.extend(other.edges);
        self.path_edges.extend(other.path_edges);
        self.inline.extend(other.inline);
        for (address, files) in other.declared {
            self.declared.entry(address).or_default().extend(files);
        }
    }

    /// Mark the findings of the scan (those not suppressed) on the nodes of the resources
    /// they are about.
    pub fn mark(&mut self, findings: &[Finding]) {
        for f in findings.iter().filter(|f| f.suppressed.is_none()) {
            let Some(in_files) = self.declared.get(&f.resource) else {
                continue;
            };
            // The same address may be declared in several inputs' files: the one the
            // finding points into, else each of them.
            let files: Vec<Arc<str>> = if in_files.contains(&f.span.file) {
                vec![f.span.file.clone()]
            } else {
                in_files.iter().cloned().collect()
            };
            for file in files {
                // A finding inside an inline policy marks that policy, not its role.
                let within = |s: &crate::value::Span| {
                    s.file == f.span.file && f.span.line >= s.line && f.span.line <= s.end_line
                };
                let id = self
                    .inline
                    .iter()
                    .find(|(s, _)| within(s))
                    .map(|(_, id)| id.clone())
                    .unwrap_or_else(|| format!("{file}#{}", f.resource));
                if let Some(n) = self.nodes.get_mut(&id)
                    && !n.findings.iter().any(|x| x.rule_id == f.rule_id)
                {
                    n.findings.push(NodeFinding {
                        rule_id: f.rule_id,
                        severity: f.severity,
                    });
                    n.findings.sort_by_key(|x| x.rule_id);
                }
            }
        }
    }

    /// A role's policies: attached and inline policy resources, attachments resolved to
    /// the policy they attach, inline documents of the role itself, managed policy ARNs.
    fn policies(&mut self, model: &Model, role: usize) {
        let g = &model.graph;
        let rid = Self::id(model.resource(role));
        for kind in [
            EdgeKind::AttachedPolicy,
            EdgeKind::InlinePolicy,
            EdgeKind::PermissionsBoundary,
        ] {
            for (p, _) in g.out(role, kind) {
                let res = model.resource(p);
                let arn = match res.rtype.as_str() {
                    "aws_iam_role_policy_attachment" | "aws_iam_policy_attachment" => {
                        res.attr(&["policy_arn"])
                    }
                    _ => None,
                };
                let Some(arn) = arn else {
                    let pid = self.node(model, p, NodeKind::Policy);
                    self.edge(&rid, &pid, kind.describe());
                    continue;
                };
                // An attachment: draw the policy it attaches.
                let targets: Vec<usize> = arn
                    .refs()
                    .iter()
                    .flat_map(|r| g.lookup_ref(&r.target))
                    .collect();
                if targets.is_empty() {
                    match &arn.value {
                        Value::String(s) => self.external_policy(&rid, s, kind),
                        _ => {
                            let pid = self.node(model, p, NodeKind::Policy);
                            self.edge(&rid, &pid, kind.describe());
                        }
                    }
                }
                for t in targets {
                    let pid = self.node(model, t, NodeKind::Policy);
                    self.edge(&rid, &pid, kind.describe());
                }
            }
        }
        for ip in model.identity_policies.iter().filter(|p| p.res == role) {
            let id = format!("{rid}#{}", ip.label);
            let label = ip
                .label
                .split(" of ")
                .next()
                .unwrap_or(&ip.label)
                .to_string();
            self.nodes.entry(id.clone()).or_insert_with(|| ViewNode {
                id: id.clone(),
                kind: NodeKind::Policy,
                label,
                rtype: String::new(),
                location: (!ip.span.is_none()).then(|| Location {
                    file: ip.span.file.to_string(),
                    line: ip.span.line,
                }),
                findings: Vec::new(),
            });
            self.edge(&rid, &id, EdgeKind::InlinePolicy.describe());
            // The item may be spanned by its first line only; its document runs further.
            let mut span = ip.span.clone();
            if ip.doc_node.span.file == span.file {
                span.end_line = span.end_line.max(ip.doc_node.span.end_line);
            }
            self.inline.push((span, id));
        }
        let r = model.resource(role);
        for key in ["managed_policy_arns", "ManagedPolicyArns"] {
            if let Some(list) = r.attr(&[key]) {
                for item in list.items() {
                    if let (Value::String(s), true) = (&item.value, item.refs().is_empty()) {
                        self.external_policy(&rid, s, EdgeKind::AttachedPolicy);
                    }
                }
            }
        }
    }

    /// A policy known only by its ARN (an AWS managed policy, one outside the scan).
    fn external_policy(&mut self, role_id: &str, arn: &str, kind: EdgeKind) {
        let id = format!("arn#{arn}");
        let label = arn.rsplit('/').next().unwrap_or(arn).to_string();
        self.nodes.entry(id.clone()).or_insert_with(|| ViewNode {
            id: id.clone(),
            kind: NodeKind::Policy,
            label,
            rtype: String::new(),
            location: None,
            findings: Vec::new(),
        });
        self.edge(role_id, &id, kind.describe());
    }

    /// The view, with every text that comes from the scanned files (addresses, types,
    /// paths, ARNs) masked and its control characters escaped
    /// ([`crate::secrets::sanitize`]): every rendering (DOT, Mermaid, JSON) prints it.
    pub fn finish(self) -> View {
        use crate::secrets::sanitize;
        View {
            nodes: self
                .nodes
                .into_values()
                .map(|n| ViewNode {
                    id: sanitize(&n.id),
                    label: sanitize(&n.label),
                    rtype: sanitize(&n.rtype),
                    location: n.location.map(|l| Location {
                        file: sanitize(&l.file),
                        line: l.line,
                    }),
                    ..n
                })
                .collect(),
            edges: self
                .edges
                .into_iter()
                .map(|e| ViewEdge {
                    path: self.path_edges.contains(&(e.from.clone(), e.to.clone())),
                    from: sanitize(&e.from),
                    to: sanitize(&e.to),
                    label: e.label,
                })
                .collect(),
        }
    }
}

/// Scan the inputs and draw them: the scan's models, with its findings (the same
/// configuration, rules and severities as `rolegraph scan`) marked.
/// With `paths`, the attack paths are drawn and their edges highlighted.
pub fn view(opts: &crate::ScanOptions, progress: crate::Progress, paths: bool) -> (View, Report) {
    // Each input is drawn in the task that parsed it and its model dropped there: memory
    // holds the drawings (nodes and edges), not every input's model.
    let (report, parts) = crate::scan_keeping(opts, progress, |doc| {
        let mut b = Builder::default();
        let model = crate::build_model(doc.resources.clone(), &opts.account_ids);
        b.add_model(&model);
        if paths {
            b.add_paths(&model);
        }
        b
    });
    let mut b = Builder::default();
    for part in parts {
        b.merge(part);
    }
    b.mark(&report.findings);
    (b.finish(), report)
}

fn severity_colors(s: Option<Severity>) -> (&'static str, &'static str) {
    match s {
        Some(Severity::Critical | Severity::High) => ("#fde0dd", "#c0392b"),
        Some(Severity::Medium) => ("#fff1d6", "#d68910"),
        Some(Severity::Low) => ("#e8f1fb", "#2e6da4"),
        None => ("#ffffff", "#555555"),
    }
}

fn findings_line(n: &ViewNode) -> String {
    n.findings
        .iter()
        .map(|f| format!("{} ({})", f.rule_id, f.severity))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Graphviz DOT.
pub fn dot(v: &View) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::from(
        "digraph rolegraph {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11, \
         style=\"filled\", fillcolor=\"#ffffff\", color=\"#555555\"];\n  edge [fontname=\
         \"Helvetica\", fontsize=9, color=\"#777777\"];\n",
    );
    for n in &v.nodes {
        let shape = match n.kind {
            NodeKind::Workload | NodeKind::Launcher => "box",
            NodeKind::LaunchTemplate => "component",
            NodeKind::InstanceProfile => "ellipse",
            NodeKind::Role => "hexagon",
            NodeKind::Policy => "note",
        };
        let mut label = esc(&n.label);
        if !n.rtype.is_empty() {
            let _ = write!(label, "\\n{}", esc(&n.rtype));
        }
        if !n.findings.is_empty() {
            let _ = write!(label, "\\n{}", esc(&findings_line(n)));
        }
        let (fill, stroke) = severity_colors(n.worst());
        let width = if n.findings.is_empty() { "1" } else { "2" };
        let _ = writeln!(
            out,
            "  \"{}\" [shape={shape}, label=\"{label}\", fillcolor=\"{fill}\", color=\"{stroke}\", \
             penwidth={width}];",
            esc(&n.id)
        );
    }
    for e in &v.edges {
        let style = if e.path {
            ", color=\"#c0392b\", penwidth=3, fontcolor=\"#c0392b\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  \"{}\" -> \"{}\" [label=\"{}\"{style}];",
            esc(&e.from),
            esc(&e.to),
            esc(&e.label)
        );
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart.
pub fn mermaid(v: &View) -> String {
    let esc = |s: &str| {
        s.replace('&', "#amp;")
            .replace('"', "#quot;")
            .replace('<', "#lt;")
            .replace('>', "#gt;")
    };
    let ids: BTreeMap<&str, String> = v
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), format!("n{i}")))
        .collect();
    let mut out = String::from("flowchart LR\n");
    for n in &v.nodes {
        let mut label = esc(&n.label);
        if !n.rtype.is_empty() {
            let _ = write!(label, "<br/><small>{}</small>", esc(&n.rtype));
        }
        if !n.findings.is_empty() {
            let _ = write!(label, "<br/>{}", esc(&findings_line(n)));
        }
        let (open, close) = match n.kind {
            NodeKind::Workload | NodeKind::Launcher | NodeKind::LaunchTemplate => ("[\"", "\"]"),
            NodeKind::InstanceProfile => ("([\"", "\"])"),
            NodeKind::Role => ("{{\"", "\"}}"),
            NodeKind::Policy => ("[/\"", "\"/]"),
        };
        let _ = writeln!(out, "  {}{open}{label}{close}", ids[n.id.as_str()]);
    }
    // Edges on an attack path are thick (`==>`) and red (`linkStyle`, by edge index).
    let mut on_path = Vec::new();
    let mut drawn = 0;
    for e in &v.edges {
        if let (Some(a), Some(b)) = (ids.get(e.from.as_str()), ids.get(e.to.as_str())) {
            let arrow = if e.path { "==>" } else { "-->" };
            let _ = writeln!(out, "  {a} {arrow}|{}| {b}", esc(&e.label));
            if e.path {
                on_path.push(drawn.to_string());
            }
            drawn += 1;
        }
    }
    if !on_path.is_empty() {
        let _ = writeln!(
            out,
            "  linkStyle {} stroke:#c0392b,stroke-width:3px",
            on_path.join(",")
        );
    }
    for (class, sev) in [
        ("high", Severity::High),
        ("medium", Severity::Medium),
        ("low", Severity::Low),
    ] {
        let members: Vec<&str> = v
            .nodes
            .iter()
            .filter(|n| {
                n.worst().map(|w| match w {
                    Severity::Critical => Severity::High,
                    s => s,
                }) == Some(sev)
            })
            .map(|n| ids[n.id.as_str()].as_str())
            .collect();
        if members.is_empty() {
            continue;
        }
        let (fill, stroke) = severity_colors(Some(sev));
        let _ = writeln!(
            out,
            "  classDef {class} fill:{fill},stroke:{stroke},stroke-width:2px\n  class {} {class}",
            members.join(",")
        );
    }
    out
}

/// JSON: `{"nodes": [...], "edges": [...]}`.
pub fn json(v: &View) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
