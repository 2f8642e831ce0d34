//! Rule metadata and documentation, one YAML file per rule under `policies/`, embedded in the
//! binary at build time. The README rule table and `rolegraph rules` are generated from it.

use crate::document::SuppressionSyntax;
use crate::finding::Severity;
use serde::Deserialize;
use std::sync::OnceLock;

/// The version of the rule set (bumped when rules are added or their semantics change).
pub const RULESET_VERSION: &str = "1.0.0";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub terraform: String,
    pub cloudformation: String,
}

/// One `policies/<ID>.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable ID (`IMDS001`).
    pub id: String,
    /// Stable slug (`imdsv2-not-required`).
    pub slug: String,
    /// Family (`IMDS`, `WL`, ...).
    pub family: String,
    pub severity: Severity,
    /// One line, shown in tables and as SARIF shortDescription.
    pub title: String,
    /// What it does: when the rule fires (SARIF fullDescription).
    pub description: String,
    /// Why is this bad: what happens at runtime.
    pub why: String,
    /// How to fix it, per format.
    pub remediation: Remediation,
    /// Documentation links.
    pub references: Vec<String>,
    /// SARIF `properties.tags`.
    pub tags: Vec<String>,
    /// SARIF `properties.precision`: very-high, high, medium, low.
    pub precision: String,
    /// The checks of other scanners that test the same thing. Their inline suppressions
    /// (`checkov:skip=...`, `tfsec:ignore:...`, ...) suppress this rule too.
    #[serde(default)]
    pub equivalents: Equivalents,
}

/// Check IDs of other scanners equivalent to a rule, per tool. Only checks that fire on the
/// same condition are listed: a broader or narrower check is not an equivalent.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Equivalents {
    /// Checkov (`CKV_AWS_79`).
    #[serde(default)]
    pub checkov: Vec<String>,
    /// tfsec long IDs and legacy codes (`aws-ec2-enforce-http-token-imds`, `AWS079`).
    #[serde(default)]
    pub tfsec: Vec<String>,
    /// Trivy AVD IDs (`AVD-AWS-0028`).
    #[serde(default)]
    pub trivy: Vec<String>,
    /// cfn_nag rule IDs (`W16`).
    #[serde(default)]
    pub cfn_nag: Vec<String>,
    /// cfn-lint rule IDs (`W3037`).
    #[serde(default, rename = "cfn-lint")]
    pub cfn_lint: Vec<String>,
}

impl Equivalents {
    pub fn is_empty(&self) -> bool {
        self.rows().iter().all(|(_, ids)| ids.is_empty())
    }

    /// `(tool, IDs)` in a fixed order.
    pub fn rows(&self) -> [(&'static str, &[String]); 5] {
        [
            ("checkov", &self.checkov),
            ("tfsec", &self.tfsec),
            ("trivy", &self.trivy),
            ("cfn_nag", &self.cfn_nag),
            ("cfn-lint", &self.cfn_lint),
        ]
    }

    /// Whether a suppression of `id` in another tool's syntax suppresses this rule. tfsec
    /// and Trivy read each other's IDs (both accept the AVD ID and the long ID); cfn-lint's
    /// `ignore_checks` entries are prefixes (`W3` ignores every W3xxx check).
    pub fn matches(&self, syntax: SuppressionSyntax, id: &str) -> bool {
        let any = |list: &[String]| list.iter().any(|e| e.eq_ignore_ascii_case(id));
        match syntax {
            SuppressionSyntax::Rolegraph => false,
            SuppressionSyntax::Checkov => any(&self.checkov),
            SuppressionSyntax::Tfsec | SuppressionSyntax::Trivy => {
                any(&self.tfsec) || any(&self.trivy)
            }
            SuppressionSyntax::CfnNag => any(&self.cfn_nag),
            SuppressionSyntax::CfnLint => {
                !id.is_empty()
                    && self
                        .cfn_lint
                        .iter()
                        .any(|e| e.len() >= id.len() && e[..id.len()].eq_ignore_ascii_case(id))
            }
        }
    }
}

/// The `policies/*.yaml` files, embedded by `build.rs`: `(file stem, contents)`, sorted.
mod embedded {
    include!(concat!(env!("OUT_DIR"), "/policies.rs"));
}

/// The folder of the generated rule pages, relative to the repository root.
pub const DOCS_DIR: &str = "docs/rules";

/// The values `precision` may take (SARIF `properties.precision`).
pub const PRECISIONS: &[&str] = &["very-high", "high", "medium", "low"];

impl RuleMeta {
    /// The rule name for SARIF `reportingDescriptor.name`: the slug in PascalCase, a version
    /// suffix kept as its own word (`imdsv2-not-required` -> `ImdsV2NotRequired`).
    pub fn sarif_name(&self) -> String {
        let mut out = String::with_capacity(self.slug.len());
        for word in self.slug.split('-').filter(|w| !w.is_empty()) {
            let split = word
                .rfind('v')
                .filter(|&i| {
                    i > 0 && i + 1 < word.len() && word[i + 1..].bytes().all(|b| b.is_ascii_digit())
                })
                .unwrap_or(word.len());
            for part in [&word[..split], &word[split..]] {
                let mut chars = part.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            }
        }
        out
    }

    /// The full documentation as Markdown (SARIF `help.markdown`).
    pub fn help_markdown(&self) -> String {
        let mut out = format!(
            "**{} {}** ({} severity)\n\n{}\n\n",
            self.id, self.slug, self.severity, self.title
        );
        out.push_str("### What it does\n\n");
        push_block(&mut out, &self.description);
        out.push_str("### Why is this bad?\n\n");
        push_block(&mut out, &self.why);
        out.push_str("### How to fix it\n\n#### Terraform\n\n");
        push_block(&mut out, &self.remediation.terraform);
        out.push_str("#### CloudFormation\n\n");
        push_block(&mut out, &self.remediation.cloudformation);
        if !self.equivalents.is_empty() {
            out.push_str("### Equivalent checks\n\n");
            out.push_str(EQUIVALENTS_INTRO);
            out.push_str("\n\n| Tool | Check IDs |\n|---|---|\n");
            for (tool, ids) in self.equivalents.rows() {
                if !ids.is_empty() {
                    let ids: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
                    out.push_str(&format!("| {tool} | {} |\n", ids.join(", ")));
                }
            }
            out.push('\n');
        }
        out.push_str("### References\n\n");
        for r in &self.references {
            out.push_str(&format!("- <{r}>\n"));
        }
        out
    }

    /// Where the rule's generated documentation page lives in the repository (SARIF
    /// `helpUri` points at it).
    pub fn doc_path(&self) -> String {
        format!("{DOCS_DIR}/{}.md", self.id)
    }

    /// The web address of [`Self::doc_path`] (SARIF `helpUri`, JSON `doc_url`).
    pub fn doc_url(&self) -> String {
        format!("{REPOSITORY_URL}/blob/main/{}", self.doc_path())
    }

    /// The page `docs/rules/<ID>.md`: the same documentation as [`Self::help_markdown`]
    /// (references included) under a title, generated so that it never drifts from
    /// `policies/<ID>.yaml` (`rule_docs_are_current` checks it).
    pub fn doc_page_markdown(&self) -> String {
        let mut out = format!(
            "<!-- Generated from policies/{id}.yaml: edit that file, then run \
             `UPDATE_DOCS=1 cargo test --lib rule_docs`. -->\n\n# {id} {slug}\n\n",
            id = self.id,
            slug = self.slug
        );
        out.push_str(&format!(
            "{}\n\nFamily: {} · Severity: {} · Precision: {} · Tags: {}\n\n",
            self.title,
            self.family,
            self.severity,
            self.precision,
            self.tags.join(", ")
        ));
        // The sections of the SARIF help, without its bold first line (the title is above).
        let help = self.help_markdown();
        let sections = help.find("### ").map_or(help.as_str(), |i| &help[i..]);
        out.push_str(
            &sections
                .replace("\n### ", "\n## ")
                .replacen("### ", "## ", 1)
                .replace("\n#### ", "\n### "),
        );
        out
    }

    /// The documentation as plain text (SARIF `help.text`, `rolegraph explain`).
    pub fn help_text(&self) -> String {
        let mut out = format!(
            "{} {} ({})\n{}\n\n",
            self.id, self.slug, self.severity, self.title
        );
        for (heading, body) in [
            ("What it does", &self.description),
            ("Why is this bad?", &self.why),
            ("How to fix it (Terraform)", &self.remediation.terraform),
            (
                "How to fix it (CloudFormation)",
                &self.remediation.cloudformation,
            ),
        ] {
            out.push_str(heading);
            out.push('\n');
            out.push_str(&"-".repeat(heading.len()));
            out.push_str("\n\n");
            push_block(&mut out, body);
        }
        if !self.equivalents.is_empty() {
            out.push_str("Equivalent checks\n-----------------\n\n");
            out.push_str(EQUIVALENTS_INTRO);
            out.push_str("\n\n");
            for (tool, ids) in self.equivalents.rows() {
                if !ids.is_empty() {
                    out.push_str(&format!("  {tool:<9} {}\n", ids.join(", ")));
                }
            }
            out.push('\n');
        }
        out.push_str("References\n----------\n\n");
        for r in &self.references {
            out.push_str(&format!("  {r}\n"));
        }
        out
    }
}

/// The project's repository, where the rule pages are.
pub const REPOSITORY_URL: &str = "https://github.com/rolegraph/rolegraph";

/// What the equivalents section of a rule's documentation says first.
const EQUIVALENTS_INTRO: &str = "These checks of other scanners test the same thing. An inline suppression of\n\
one of them (`checkov:skip=`, `tfsec:ignore:`, `trivy:ignore:`, cfn_nag\n\
`rules_to_suppress`, cfn-lint `ignore_checks`) also suppresses this rule.";

/// Append a text block followed by exactly one blank line.
fn push_block(out: &mut String, text: &str) {
    out.push_str(text.trim_end());
    out.push_str("\n\n");
}

/// Every rule's metadata, sorted by ID.
///
/// The policy files are embedded at build time and checked by this module's tests, so a
/// malformed file is a build defect: it panics here with the file and the reason.
pub fn all() -> &'static [RuleMeta] {
    static ALL: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    ALL.get_or_init(|| {
        load(embedded::POLICY_FILES).unwrap_or_else(|e| panic!("invalid rule metadata: {e}"))
    })
}

pub fn get(id: &str) -> Option<&'static RuleMeta> {
    all().iter().find(|m| m.id == id)
}

/// The documentation `rolegraph rules ID` prints.
pub fn explain_text(meta: &RuleMeta) -> String {
    meta.help_text()
}

/// A rule by ID (any case) or slug.
pub fn find(rule: &str) -> Option<&'static RuleMeta> {
    all()
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(rule) || m.slug == rule)
}

/// The rules a suppression of `id` in another tool's syntax stands for.
pub fn rules_for_peer(syntax: SuppressionSyntax, id: &str) -> Vec<&'static str> {
    all()
        .iter()
        .filter(|m| m.equivalents.matches(syntax, id))
        .map(|m| m.id.as_str())
        .collect()
}

/// Parse and check every policy file; the result is sorted by ID.
fn load(files: &[(&str, &str)]) -> Result<Vec<RuleMeta>, String> {
    let mut metas = Vec::with_capacity(files.len());
    for (stem, text) in files {
        let meta = parse_policy(stem, text).map_err(|e| format!("policies/{stem}.yaml: {e}"))?;
        metas.push(meta);
    }
    metas.sort_by(|a, b| a.id.cmp(&b.id));
    for pair in metas.windows(2) {
        if pair[0].id == pair[1].id {
            return Err(format!("rule ID {} is defined twice", pair[0].id));
        }
    }
    let mut slugs: Vec<(&str, &str)> = metas
        .iter()
        .map(|m| (m.slug.as_str(), m.id.as_str()))
        .collect();
    slugs.sort();
    for pair in slugs.windows(2) {
        if pair[0].0 == pair[1].0 {
            return Err(format!(
                "slug {} is used by both {} and {}",
                pair[0].0, pair[0].1, pair[1].1
            ));
        }
    }
    Ok(metas)
}

/// Check a policy file's text as the build's embedding would (`scripts/new-rule`'s output is
/// tested with it).
pub fn check_policy(stem: &str, text: &str) -> Result<(), String> {
    parse_policy(stem, text).map(|_| ())
}

/// Parse one policy file and check its invariants against its file name.
fn parse_policy(stem: &str, text: &str) -> Result<RuleMeta, String> {
    let meta: RuleMeta = serde_yaml_ng::from_str(text).map_err(|e| e.to_string())?;
    validate(stem, &meta)?;
    Ok(meta)
}

fn validate(stem: &str, m: &RuleMeta) -> Result<(), String> {
    if m.id != stem {
        return Err(format!(
            "id {:?} does not match the file name {stem:?}",
            m.id
        ));
    }
    let family = m.id.trim_end_matches(|c: char| c.is_ascii_digit());
    let number = &m.id[family.len()..];
    if family.is_empty() || !family.chars().all(|c| c.is_ascii_uppercase()) || number.len() != 3 {
        return Err(format!(
            "id {:?} is not a family in capitals followed by three digits (IMDS001)",
            m.id
        ));
    }
    if m.family != family {
        return Err(format!(
            "family {:?} is not the ID's letter prefix {family:?}",
            m.family
        ));
    }
    if !is_kebab_case(&m.slug) {
        return Err(format!(
            "slug {:?} is not kebab-case (lowercase words and digits joined by '-')",
            m.slug
        ));
    }
    if !PRECISIONS.contains(&m.precision.as_str()) {
        return Err(format!(
            "precision {:?} is not one of {}",
            m.precision,
            PRECISIONS.join(", ")
        ));
    }
    let title = m.title.trim();
    if title.is_empty() || title.contains('\n') || title != m.title || title.ends_with('.') {
        return Err(format!(
            "title {:?} must be one non-empty line without surrounding spaces or a final period",
            m.title
        ));
    }
    for (field, value) in [
        ("description", &m.description),
        ("why", &m.why),
        ("remediation.terraform", &m.remediation.terraform),
        ("remediation.cloudformation", &m.remediation.cloudformation),
    ] {
        if value.trim().is_empty() {
            return Err(format!("{field} is empty"));
        }
    }
    if m.references.is_empty() {
        return Err("references is empty".into());
    }
    if let Some(r) = m
        .references
        .iter()
        .find(|r| !r.starts_with("https://") || r.contains(char::is_whitespace))
    {
        return Err(format!("reference {r:?} is not an https URL"));
    }
    if m.tags.is_empty() {
        return Err("tags is empty".into());
    }
    if let Some(t) = m.tags.iter().find(|t| !is_kebab_case(t)) {
        return Err(format!("tag {t:?} is not lowercase kebab-case"));
    }
    validate_equivalents(&m.equivalents)
}

/// Each tool's IDs have a shape; a typo would silently map nothing.
fn validate_equivalents(e: &Equivalents) -> Result<(), String> {
    fn shaped(id: &str, prefixes: &[&str], digits: Option<usize>) -> bool {
        prefixes.iter().any(|p| {
            id.strip_prefix(p).is_some_and(|rest| {
                !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_digit())
                    && digits.is_none_or(|n| rest.len() == n)
            })
        })
    }
    type Check<'a> = (&'a str, &'a [String], &'a dyn Fn(&str) -> bool, &'a str);
    let checks: [Check; 5] = [
        (
            "checkov",
            &e.checkov,
            &|id| {
                let (prefix, number) = id.rsplit_once('_').unwrap_or(("", ""));
                prefix.starts_with("CKV")
                    && prefix
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    && !number.is_empty()
                    && number.chars().all(|c| c.is_ascii_digit())
            },
            "CKV_AWS_79",
        ),
        (
            "tfsec",
            &e.tfsec,
            &|id| is_kebab_case(id) || shaped(id, &["AWS"], Some(3)),
            "aws-ec2-enforce-http-token-imds or AWS079",
        ),
        (
            "trivy",
            &e.trivy,
            &|id| shaped(id, &["AVD-AWS-"], Some(4)),
            "AVD-AWS-0028",
        ),
        (
            "cfn_nag",
            &e.cfn_nag,
            &|id| shaped(id, &["F", "W"], None),
            "W16",
        ),
        (
            "cfn-lint",
            &e.cfn_lint,
            &|id| shaped(id, &["E", "W", "I"], Some(4)),
            "W3037",
        ),
    ];
    for (tool, ids, ok, example) in checks {
        if let Some(id) = ids.iter().find(|id| !ok(id)) {
            return Err(format!(
                "equivalents.{tool}: {id:?} is not a {tool} check ID (like {example})"
            ));
        }
    }
    Ok(())
}

fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// Escape text for a Markdown table cell.
fn table_cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// A Markdown table of every rule, each ID linking to `link(ID)`.
fn rule_table(link: impl Fn(&str) -> String) -> String {
    let mut out = String::from("| ID | Slug | Severity | Title |\n|---|---|---|---|\n");
    for m in all() {
        out.push_str(&format!(
            "| [{id}]({link}) | {slug} | {severity} | {title} |\n",
            id = m.id,
            link = link(&m.id),
            slug = table_cell(&m.slug),
            severity = m.severity,
            title = table_cell(&m.title),
        ));
    }
    out
}

/// The rule table of README.md (between `<!-- rules:start -->` and `<!-- rules:end -->`).
pub fn rule_table_markdown() -> String {
    rule_table(|id| format!("{DOCS_DIR}/{id}.md"))
}

/// The index page `docs/rules/README.md`: every rule, linking to its page.
pub fn rule_index_markdown() -> String {
    let mut out = String::from(
        "<!-- Generated from policies/*.yaml: run `UPDATE_DOCS=1 cargo test --lib rule_docs`. -->\n\n\
         # Rules\n\n",
    );
    out.push_str(&rule_table(|id| format!("{id}.md")));
    out
}

/// The listing `rolegraph rules` prints: one rule a line, in aligned columns.
pub fn rules_text() -> String {
    let all: Vec<&RuleMeta> = all().iter().collect();
    rules_text_of(&all)
}

/// The rules of a family (`IMDS`, any case); empty when there is no such family.
pub fn family(name: &str) -> Vec<&'static RuleMeta> {
    all()
        .iter()
        .filter(|m| m.family.eq_ignore_ascii_case(name))
        .collect()
}

/// `rolegraph rules --format json`: every rule (or those given) with its metadata, for
/// tooling. Pretty-printed, fields in a fixed order, ends with a newline.
pub fn rules_json(rules: &[&RuleMeta]) -> String {
    #[derive(serde::Serialize)]
    struct Doc<'a> {
        ruleset_version: &'a str,
        rules: Vec<Rule<'a>>,
    }
    #[derive(serde::Serialize)]
    struct Rule<'a> {
        id: &'a str,
        slug: &'a str,
        family: &'a str,
        severity: Severity,
        title: &'a str,
        description: &'a str,
        why: &'a str,
        remediation: Fix<'a>,
        references: &'a [String],
        tags: &'a [String],
        precision: &'a str,
        /// Per tool, only the tools with equivalents.
        equivalents: std::collections::BTreeMap<&'static str, &'a [String]>,
        doc_url: String,
    }
    #[derive(serde::Serialize)]
    struct Fix<'a> {
        terraform: &'a str,
        cloudformation: &'a str,
    }
    let doc = Doc {
        ruleset_version: RULESET_VERSION,
        rules: rules
            .iter()
            .map(|m| Rule {
                id: &m.id,
                slug: &m.slug,
                family: &m.family,
                severity: m.severity,
                title: m.title.trim(),
                description: m.description.trim(),
                why: m.why.trim(),
                remediation: Fix {
                    terraform: m.remediation.terraform.trim(),
                    cloudformation: m.remediation.cloudformation.trim(),
                },
                references: &m.references,
                tags: &m.tags,
                precision: &m.precision,
                equivalents: m
                    .equivalents
                    .rows()
                    .into_iter()
                    .filter(|(_, ids)| !ids.is_empty())
                    .collect(),
                doc_url: m.doc_url(),
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// The `rolegraph rules` listing of these rules.
pub fn rules_text_of(rules: &[&RuleMeta]) -> String {
    let header = ["ID", "SEVERITY", "SLUG", "TITLE"];
    let rows: Vec<[&str; 4]> = rules
        .iter()
        .map(|m| {
            [
                m.id.as_str(),
                m.severity.as_str(),
                m.slug.as_str(),
                m.title.as_str(),
            ]
        })
        .collect();
    let mut widths = [0usize; 3];
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (w, cell) in widths.iter_mut().zip(row.iter()) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(rows.iter()) {
        for (w, cell) in widths.iter().zip(row.iter()) {
            out.push_str(cell);
            out.push_str(&" ".repeat(w - cell.chars().count() + 2));
        }
        out.push_str(row[3]);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const README_START: &str = "<!-- rules:start -->";
    const README_END: &str = "<!-- rules:end -->";

    #[test]
    fn every_policy_file_is_valid() {
        if let Err(e) = load(embedded::POLICY_FILES) {
            panic!("invalid rule metadata: {e}");
        }
        let metas = all();
        assert!(!metas.is_empty(), "no policies/*.yaml embedded");
        assert_eq!(metas.len(), embedded::POLICY_FILES.len());
        assert!(
            metas.windows(2).all(|p| p[0].id < p[1].id),
            "not sorted by ID"
        );
        for m in metas {
            assert!(std::ptr::eq(get(&m.id).unwrap(), m));
        }
    }

    /// IDs, slugs and severities are part of the interface (suppressions, baselines,
    /// `--select`): once shipped they stay.
    #[test]
    fn shipped_rules_keep_their_identity() {
        let shipped = [
            (
                "ECS001",
                "ecs-task-and-execution-role-same",
                Severity::Medium,
            ),
            ("IMDS001", "imdsv2-not-required", Severity::High),
            ("IMDS002", "imds-hop-limit-too-high", Severity::Medium),
            ("WL001", "workload-role-not-assumable", Severity::High),
            ("PRIV001", "policy-full-admin", Severity::Critical),
            ("PRIV002", "policy-service-wildcard", Severity::Medium),
            ("PRIV003", "policy-write-any-resource", Severity::Medium),
            ("PRIV004", "policy-allow-not-action", Severity::Medium),
            ("PRIV005", "policy-unknown-action", Severity::Low),
            ("PRIV006", "policy-data-read-any-resource", Severity::Medium),
            ("PRIV007", "policy-privilege-escalation", Severity::High),
            ("PRIV008", "admin-managed-policy-attached", Severity::High),
            ("WL003", "workload-admin-access", Severity::Critical),
            ("WL004", "workload-privilege-escalation", Severity::High),
            (
                "ECS002",
                "ecs-execution-role-overprivileged",
                Severity::Medium,
            ),
            ("EKS001", "eks-node-role-overprivileged", Severity::Medium),
            ("SLR001", "policy-on-service-linked-role", Severity::High),
            ("TRUST001", "trust-any-principal", Severity::Critical),
            (
                "TRUST002",
                "trust-cross-account-without-external-id",
                Severity::Medium,
            ),
            (
                "TRUST003",
                "trust-oidc-subject-unscoped",
                Severity::Critical,
            ),
            ("TRUST004", "roles-anywhere-trust-unscoped", Severity::High),
            ("LAMBDA001", "lambda-permission-public", Severity::High),
            (
                "LAMBDA002",
                "lambda-permission-missing-source",
                Severity::Medium,
            ),
            ("LAMBDA003", "lambda-url-no-auth", Severity::Medium),
            ("CRED001", "hardcoded-aws-credentials", Severity::Critical),
            ("CRED002", "iam-access-key-resource", Severity::Medium),
            ("CRED003", "policy-attached-to-user", Severity::Low),
            ("WL002", "role-shared-across-workloads", Severity::Low),
            ("WL005", "workload-missing-permission", Severity::Medium),
            ("PRIV009", "policy-invalid", Severity::Low),
            ("TRUST005", "trust-principal-malformed", Severity::Low),
        ];
        for (id, slug, severity) in shipped {
            let m = get(id).unwrap_or_else(|| panic!("{id} has no policies/{id}.yaml"));
            assert_eq!(m.slug, slug, "{id} slug");
            assert_eq!(m.severity, severity, "{id} severity");
        }
    }

    #[test]
    fn docs_cover_both_formats() {
        for m in all() {
            assert!(
                m.remediation.terraform.contains("```hcl"),
                "{}: the Terraform fix has no ```hcl example",
                m.id
            );
            assert!(
                m.remediation.cloudformation.contains("```yaml"),
                "{}: the CloudFormation fix has no ```yaml example",
                m.id
            );
        }
    }

    fn sample(id: &str) -> String {
        format!(
            "id: {id}\nslug: some-rule\nfamily: IMDS\nseverity: high\ntitle: A title\n\
             description: d\nwhy: w\nremediation:\n  terraform: t\n  cloudformation: c\n\
             references: [https://example.com/]\ntags: [security]\nprecision: high\n"
        )
    }

    #[test]
    fn equivalents_match_peer_ids() {
        let m = parse_policy(
            "IMDS009",
            &(sample("IMDS009")
                + "equivalents:\n  checkov: [CKV_AWS_79]\n  tfsec: [aws-ec2-x, AWS079]\n  \
                   trivy: [AVD-AWS-0028]\n  cfn_nag: [W16]\n  cfn-lint: [W3037]\n"),
        )
        .unwrap();
        let e = &m.equivalents;
        use SuppressionSyntax::*;
        assert!(e.matches(Checkov, "ckv_aws_79"));
        assert!(!e.matches(Checkov, "CKV_AWS_7"));
        // tfsec and Trivy accept each other's IDs.
        assert!(e.matches(Trivy, "aws-ec2-x") && e.matches(Tfsec, "AVD-AWS-0028"));
        assert!(e.matches(Tfsec, "AWS079"));
        assert!(e.matches(CfnNag, "W16") && !e.matches(CfnNag, "W1"));
        assert!(e.matches(CfnLint, "W3037") && e.matches(CfnLint, "W3"));
        assert!(!e.matches(CfnLint, "E3") && !e.matches(CfnLint, ""));
        assert!(!e.matches(Rolegraph, "IMDS009"));
        let text = m.help_text();
        assert!(
            text.contains("Equivalent checks\n-----------------\n"),
            "{text}"
        );
        assert!(text.contains("  checkov   CKV_AWS_79\n"), "{text}");
        assert!(m.help_markdown().contains("| cfn-lint | `W3037` |\n"),);
        // Without equivalents, no section.
        let plain = parse_policy("IMDS009", &sample("IMDS009")).unwrap();
        assert!(!plain.help_text().contains("Equivalent checks"));
    }

    #[test]
    fn validation_accepts_a_good_file() {
        let m = parse_policy("IMDS009", &sample("IMDS009")).unwrap();
        assert_eq!(m.sarif_name(), "SomeRule");
    }

    #[test]
    fn validation_rejects_malformed_files() {
        let good = sample("IMDS009");
        let cases = [
            ("IMDS008", good.clone(), "does not match the file name"),
            (
                "IMDS009",
                good.replace("some-rule", "Some_Rule"),
                "kebab-case",
            ),
            (
                "IMDS009",
                good.replace("family: IMDS", "family: WL"),
                "letter prefix",
            ),
            (
                "IMDS009",
                good.replace("severity: high", "severity: severe"),
                "unknown variant",
            ),
            (
                "IMDS009",
                good.replace("precision: high", "precision: exact"),
                "precision",
            ),
            (
                "IMDS009",
                good.replace("title: A title", "title: A title."),
                "title",
            ),
            ("IMDS009", good.replace("why: w", "why: ''"), "why is empty"),
            (
                "IMDS009",
                good.replace("https://example.com/", "example.com"),
                "https",
            ),
            (
                "IMDS009",
                good.replace("tags: [security]", "tags: []"),
                "tags",
            ),
            ("IMDS009", good.clone() + "extra: 1\n", "unknown field"),
            (
                "IMDS009",
                good.clone() + "equivalents:\n  checkov: [CKV-AWS-79]\n",
                "equivalents.checkov",
            ),
            (
                "IMDS009",
                good.clone() + "equivalents:\n  trivy: [AVD-AWS-28]\n",
                "equivalents.trivy",
            ),
            (
                "IMDS009",
                good.clone() + "equivalents:\n  snyk: [SNYK-CC-1]\n",
                "unknown field",
            ),
            (
                "IMDS009",
                good.replace("precision: high\n", ""),
                "missing field",
            ),
        ];
        for (stem, text, expected) in cases {
            let err = parse_policy(stem, &text).expect_err(expected);
            assert!(err.contains(expected), "{expected:?} not in {err:?}");
        }
        let bad_id = sample("IMDS9").replace("id: IMDS9", "id: imds9");
        assert!(
            parse_policy("imds9", &bad_id)
                .unwrap_err()
                .contains("three digits")
        );
    }

    #[test]
    fn duplicate_slugs_are_rejected() {
        let a = sample("IMDS008");
        let b = sample("IMDS009");
        let err = load(&[("IMDS008", &a), ("IMDS009", &b)]).unwrap_err();
        assert!(err.contains("slug some-rule"), "{err}");
    }

    #[test]
    fn sarif_name_is_pascal_case() {
        let m = get("IMDS001").unwrap();
        assert_eq!(m.sarif_name(), "ImdsV2NotRequired");
        assert_eq!(
            get("WL001").unwrap().sarif_name(),
            "WorkloadRoleNotAssumable"
        );
    }

    #[test]
    fn rules_text_is_aligned() {
        let text = rules_text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), all().len() + 1);
        assert!(lines[0].starts_with("ID "));
        let col = lines[0].find("SEVERITY").unwrap();
        for (line, m) in lines[1..].iter().zip(all()) {
            assert!(line.starts_with(&m.id));
            assert_eq!(
                &line[col..col + m.severity.as_str().len()],
                m.severity.as_str()
            );
            assert!(line.ends_with(&m.title));
        }
    }

    #[test]
    fn help_has_every_section() {
        for m in all() {
            let md = m.help_markdown();
            for part in [
                &m.description,
                &m.why,
                &m.remediation.terraform,
                &m.references[0],
            ] {
                assert!(
                    md.contains(part.trim_end()),
                    "{}: help lacks {part:?}",
                    m.id
                );
            }
            assert!(explain_text(m).starts_with(&format!("{} {}", m.id, m.slug)));
        }
    }

    /// `docs/rules/<ID>.md` and `docs/rules/README.md` are generated from the policy files:
    /// `UPDATE_DOCS=1 cargo test --lib rule_docs` rewrites them (and deletes the page of a
    /// rule that no longer exists).
    #[test]
    fn rule_docs_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(DOCS_DIR);
        let update = std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1");
        let mut expected: Vec<(String, String)> = all()
            .iter()
            .map(|m| (format!("{}.md", m.id), m.doc_page_markdown()))
            .collect();
        expected.push(("README.md".into(), rule_index_markdown()));
        let mut stale = Vec::new();
        if update {
            std::fs::create_dir_all(&dir).unwrap();
        }
        for (name, text) in &expected {
            let path = dir.join(name);
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current.replace("\r\n", "\n") == *text {
                continue;
            }
            if update {
                std::fs::write(&path, text)
                    .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            } else {
                stale.push(name.clone());
            }
        }
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if !expected.iter().any(|(n, _)| *n == name) {
                if update {
                    std::fs::remove_file(e.path()).unwrap();
                } else {
                    stale.push(format!("{name} (no such rule)"));
                }
            }
        }
        stale.sort();
        assert!(
            stale.is_empty(),
            "{DOCS_DIR}/ is out of date with policies/*.yaml: {stale:?}; regenerate it with \
             `UPDATE_DOCS=1 cargo test --lib rule_docs`"
        );
    }

    #[test]
    fn doc_pages_carry_the_references() {
        for m in all() {
            let page = m.doc_page_markdown();
            for r in &m.references {
                assert!(page.contains(&format!("<{r}>")), "{}: {r}", m.id);
            }
            assert!(page.contains(&format!("# {} {}\n", m.id, m.slug)));
        }
    }

    /// The README rule table is generated: `UPDATE_README=1 cargo test readme` rewrites it.
    #[test]
    fn readme_rule_table_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let start = readme
            .find(README_START)
            .unwrap_or_else(|| panic!("README.md has no {README_START} marker"))
            + README_START.len();
        let end = start
            + readme[start..]
                .find(README_END)
                .unwrap_or_else(|| panic!("README.md has no {README_END} after {README_START}"));
        let expected = format!("\n{}", rule_table_markdown());
        if readme[start..end].replace("\r\n", "\n") == expected {
            return;
        }
        if std::env::var_os("UPDATE_README").is_some_and(|v| v == "1") {
            let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
            std::fs::write(&path, updated)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            return;
        }
        panic!(
            "the rule table in README.md is out of date with policies/*.yaml; \
             regenerate it with `UPDATE_README=1 cargo test readme`"
        );
    }
}
