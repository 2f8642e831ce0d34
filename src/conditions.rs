//! Values chosen by conditions that cannot be decided statically ([`Value::Cond`], from a
//! CloudFormation `Fn::If` over a condition on a parameter without a default) are checked
//! branch by branch, without any rule knowing about conditions.
//!
//! 1. The *base* check replaces every such value by `Unknown`: what it finds holds whatever
//!    the conditions are (an unknown value never produces a finding).
//! 2. Each resource that uses conditions gives a *group*: the set of conditions it uses (at
//!    most [`MAX_CONDITIONS`]; more and its chosen values stay unknown, with a note). For
//!    every distinct group and every choice of true/false for its conditions, the whole
//!    document is checked again with the values of those conditions chosen everywhere
//!    (other conditions stay unknown), so graph edges follow the chosen branches.
//! 3. A finding of a variant that the base check did not make depends on the conditions.
//!    If it appears for every choice of its group it holds either way and is reported
//!    once, as is. Otherwise it is reported once, with " (when condition `X` is true)"
//!    appended to the message and the choice folded into its fingerprint key; when the
//!    choices it appears for are no single conjunction, once per choice.
//!
//! [`Value::Cond`]: crate::value::Value::Cond

use crate::document::{Diagnostic, Resource};
use crate::finding::Finding;
use crate::value::{Node, Span, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The most conditions one resource's values may depend on and still be checked per choice
/// (2^4 = 16 checks of the document).
pub const MAX_CONDITIONS: usize = 4;
/// The most variant checks of one document; groups beyond it stay unknown, with a note.
pub const MAX_VARIANTS: usize = 64;

/// Check a document's resources with `run` (graph, model, rules), once when no value
/// depends on an undecided condition, else as the module documentation describes.
/// Returns the findings and the resources of the base check.
pub fn check(
    resources: Vec<Resource>,
    run: &dyn Fn(Vec<Resource>) -> (Vec<Finding>, Vec<Resource>),
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Finding>, Vec<Resource>) {
    // Each distinct group, with the first resource that uses it (where a note points).
    let mut groups: BTreeMap<Vec<String>, Span> = BTreeMap::new();
    let mut any = false;
    for r in &resources {
        let conds = r.attrs.conditions();
        if conds.is_empty() {
            continue;
        }
        any = true;
        if conds.len() > MAX_CONDITIONS {
            diags.push(Diagnostic::note(
                r.span.first_line(),
                format!(
                    "{} depends on {} undecided conditions ({}); values chosen by them are \
                     treated as unknown (at most {MAX_CONDITIONS} are checked one by one)",
                    r.address,
                    conds.len(),
                    list(conds.iter().copied()),
                ),
            ));
            continue;
        }
        groups
            .entry(conds.iter().map(|c| c.to_string()).collect())
            .or_insert_with(|| r.span.first_line());
    }
    if !any {
        return run(resources);
    }

    let (base_findings, base_resources) = run(choose_all(&resources, &|_| None));
    let base: BTreeSet<Identity> = base_findings.iter().map(identity).collect();
    // Per finding identity, in the order first seen: per group index, the choices (bit i
    // set: condition i of the group is true) it appears for, with the finding of each.
    let mut seen: Vec<(Identity, ByGroup)> = Vec::new();
    // Where each identity is in `seen` (no linear search per finding).
    let mut slots: std::collections::HashMap<Identity, usize> = std::collections::HashMap::new();
    let (groups, first_use): (Vec<Vec<String>>, Vec<Span>) = groups.into_iter().unzip();
    let mut budget = MAX_VARIANTS;
    for (gi, group) in groups.iter().enumerate() {
        let n = 1usize << group.len();
        if n > budget {
            diags.push(Diagnostic::note(
                first_use[gi].clone(),
                format!(
                    "too many undecided conditions to check each choice; values chosen by {} \
                     are treated as unknown",
                    list(group.iter().map(String::as_str)),
                ),
            ));
            continue;
        }
        budget -= n;
        for bits in 0..n {
            let choice = |c: &str| {
                group
                    .iter()
                    .position(|g| g == c)
                    .map(|i| bits & (1 << i) != 0)
            };
            let (findings, _) = run(choose_all(&resources, &choice));
            for f in findings {
                let id = identity(&f);
                if base.contains(&id) {
                    continue;
                }
                let slot = match slots.get(&id) {
                    Some(p) => *p,
                    None => {
                        slots.insert(id.clone(), seen.len());
                        seen.push((id, BTreeMap::new()));
                        seen.len() - 1
                    }
                };
                let per_choice = seen[slot].1.entry(gi).or_default();
                if !per_choice.iter().any(|(b, _)| *b == bits) {
                    per_choice.push((bits, f));
                }
            }
        }
    }

    let mut out = base_findings;
    for (_, by_group) in seen {
        // Prefer a group in which the finding appears for every choice; else the group with
        // the fewest conditions.
        let (gi, found) = by_group
            .iter()
            .min_by_key(|(gi, found)| {
                let all = found.len() == 1 << groups[**gi].len();
                (!all, groups[**gi].len(), **gi)
            })
            .expect("a finding seen in some group");
        out.extend(describe(&groups[*gi], found));
    }
    (out, base_resources)
}

/// The resources with every conditional value resolved by `choice`.
fn choose_all(resources: &[Resource], choice: &dyn Fn(&str) -> Option<bool>) -> Vec<Resource> {
    resources
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if !r.attrs.conditions().is_empty() {
                r.attrs = r
                    .attrs
                    .choose(choice)
                    .unwrap_or_else(|| Node::new(Value::Map(BTreeMap::new()), r.span.clone()));
            }
            r
        })
        .collect()
}

/// Per group index, the choices a finding appears for, with the finding of each.
type ByGroup = BTreeMap<usize, Vec<(usize, Finding)>>;

/// What makes two findings of different variants the same finding.
type Identity = (&'static str, String, Span, String, String);

fn identity(f: &Finding) -> Identity {
    (
        f.rule_id,
        f.resource.clone(),
        f.span.clone(),
        f.message.clone(),
        f.key.clone(),
    )
}

/// The findings to report for one finding seen for these choices of a group's conditions.
fn describe(group: &[String], found: &[(usize, Finding)]) -> Vec<Finding> {
    let all = 1usize << group.len();
    let merged = |mut f: Finding, others: &[(usize, Finding)]| {
        for (_, o) in others {
            for r in &o.related {
                if !f.related.contains(r) {
                    f.related.push(r.clone());
                }
            }
        }
        f
    };
    if found.len() == all {
        return vec![merged(found[0].1.clone(), &found[1..])];
    }
    // Conditions with the same value in every choice the finding appears for.
    let fixed: Vec<(usize, bool)> = (0..group.len())
        .filter_map(|i| {
            let first = found[0].0 & (1 << i) != 0;
            found
                .iter()
                .all(|(b, _)| (b & (1 << i) != 0) == first)
                .then_some((i, first))
        })
        .collect();
    if found.len() == 1 << (group.len() - fixed.len()) {
        // Exactly the choices where the fixed conditions hold.
        let f = merged(found[0].1.clone(), &found[1..]);
        return vec![conditional(f, group, &fixed)];
    }
    found
        .iter()
        .map(|(bits, f)| {
            let every: Vec<(usize, bool)> = (0..group.len())
                .map(|i| (i, bits & (1 << i) != 0))
                .collect();
            conditional(f.clone(), group, &every)
        })
        .collect()
}

/// The finding, said to hold when the conditions have these values.
fn conditional(mut f: Finding, group: &[String], values: &[(usize, bool)]) -> Finding {
    let words: Vec<String> = values
        .iter()
        .map(|(i, v)| format!("condition `{}` is {v}", group[*i]))
        .collect();
    f.message = format!("{} (when {})", f.message, words.join(" and "));
    let key: Vec<String> = values
        .iter()
        .map(|(i, v)| format!("{}={v}", group[*i]))
        .collect();
    f.key = format!("{}|when:{}", f.key, key.join(","));
    f
}

fn list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, Mode};
    use crate::finding::Severity;
    use std::sync::Arc;

    fn at(line: u32) -> Span {
        Span::new(Arc::from("t.yaml"), line, 1, line, 5)
    }

    fn cond(name: &str, then: Option<&str>, otherwise: Option<&str>, line: u32) -> Node {
        let branch = |v: Option<&str>, l| v.map(|v| Box::new(Node::string(v, at(l))));
        Node::new(
            Value::Cond {
                condition: name.into(),
                then: branch(then, line),
                otherwise: branch(otherwise, line + 100),
            },
            at(line),
        )
    }

    fn resource(address: &str, attrs: Vec<(&str, Node)>) -> Resource {
        Resource {
            format: Format::CloudFormation,
            mode: Mode::Managed,
            rtype: "Test".into(),
            address: address.into(),
            ref_address: address.into(),
            attrs: Node::new(
                Value::Map(attrs.into_iter().map(|(k, v)| (k.into(), v)).collect()),
                at(1),
            ),
            span: at(1),
            attr_spans: Default::default(),
            suppressions: vec![],
            construct_path: None,
        }
    }

    /// A rule: every attribute whose value is the string "bad" is a finding at its span;
    /// an absent `guard` attribute is a finding at the resource.
    fn run(resources: Vec<Resource>) -> (Vec<Finding>, Vec<Resource>) {
        let mut out = Vec::new();
        for r in &resources {
            let Value::Map(m) = &r.attrs.value else {
                continue;
            };
            for (k, v) in m {
                if v.as_str() == Some("bad") {
                    out.push(
                        Finding::new("T001", Severity::High, v.span.clone(), &r.address, k)
                            .key(k.as_str()),
                    );
                }
            }
            if !m.contains_key("guard") {
                out.push(Finding::new(
                    "T002",
                    Severity::High,
                    r.span.clone(),
                    &r.address,
                    "no guard",
                ));
            }
        }
        (out, resources)
    }

    fn messages(findings: &[Finding]) -> Vec<String> {
        let mut m: Vec<String> = findings
            .iter()
            .map(|f| format!("{} {} {}", f.rule_id, f.message, f.key))
            .collect();
        m.sort();
        m
    }

    #[test]
    fn without_conditions_one_check() {
        let mut diags = vec![];
        let r = resource("A", vec![("x", Node::string("bad", at(2)))]);
        let (f, _) = check(vec![r], &run, &mut diags);
        assert_eq!(messages(&f), ["T001 x x", "T002 no guard "]);
        assert!(diags.is_empty());
    }

    #[test]
    fn a_finding_of_one_branch_names_it() {
        let mut diags = vec![];
        let r = resource(
            "A",
            vec![
                ("x", cond("IsProd", Some("good"), Some("bad"), 2)),
                ("guard", Node::string("g", at(3))),
            ],
        );
        let (f, _) = check(vec![r], &run, &mut diags);
        assert_eq!(
            messages(&f),
            ["T001 x (when condition `IsProd` is false) x|when:IsProd=false"]
        );
        // It points at the branch.
        assert_eq!(f[0].span.line, 102);
    }

    #[test]
    fn a_finding_of_both_branches_is_reported_once_as_is() {
        let mut diags = vec![];
        // The guard is removed either way: T002 holds whatever the condition, and is
        // reported once, as is. The bad value is written twice (one per branch): two
        // findings, each at its own branch.
        let r = resource(
            "A",
            vec![
                ("guard", cond("C", None, None, 2)),
                ("x", cond("C", Some("bad"), Some("bad"), 4)),
            ],
        );
        let (f, _) = check(vec![r], &run, &mut diags);
        assert_eq!(
            messages(&f),
            [
                "T001 x (when condition `C` is false) x|when:C=false",
                "T001 x (when condition `C` is true) x|when:C=true",
                "T002 no guard ",
            ]
        );
    }

    #[test]
    fn two_conditions() {
        let mut diags = vec![];
        let r = resource(
            "A",
            vec![
                ("x", cond("A", Some("bad"), Some("good"), 2)),
                ("guard", cond("B", Some("g"), None, 4)),
            ],
        );
        let (f, _) = check(vec![r], &run, &mut diags);
        assert_eq!(
            messages(&f),
            [
                "T001 x (when condition `A` is true) x|when:A=true",
                "T002 no guard (when condition `B` is false) |when:B=false",
            ]
        );
    }

    #[test]
    fn choices_that_are_no_conjunction_are_reported_one_by_one() {
        let mut diags = vec![];
        // Bad when exactly one of A and B is true.
        let inner_true = Node::new(
            Value::Cond {
                condition: "B".into(),
                then: Some(Box::new(Node::string("good", at(3)))),
                otherwise: Some(Box::new(Node::string("bad", at(3)))),
            },
            at(3),
        );
        let inner_false = Node::new(
            Value::Cond {
                condition: "B".into(),
                then: Some(Box::new(Node::string("bad", at(3)))),
                otherwise: Some(Box::new(Node::string("good", at(3)))),
            },
            at(3),
        );
        let x = Node::new(
            Value::Cond {
                condition: "A".into(),
                then: Some(Box::new(inner_true)),
                otherwise: Some(Box::new(inner_false)),
            },
            at(2),
        );
        let r = resource("R", vec![("x", x), ("guard", Node::string("g", at(5)))]);
        let (f, _) = check(vec![r], &run, &mut diags);
        assert_eq!(
            messages(&f),
            [
                "T001 x (when condition `A` is false and condition `B` is true) x|when:A=false,B=true",
                "T001 x (when condition `A` is true and condition `B` is false) x|when:A=true,B=false",
            ]
        );
    }

    #[test]
    fn the_number_of_variant_checks_is_bounded() {
        let mut diags = vec![];
        // Five resources with four conditions each: 5 * 16 checks would pass the budget.
        let resources: Vec<Resource> = (0..5)
            .map(|r| {
                let attrs: Vec<(String, Node)> = (0..4)
                    .map(|i| {
                        let name = format!("R{r}C{i}");
                        (format!("x{i}"), cond(&name, Some("bad"), Some("ok"), 2 + i))
                    })
                    .collect();
                resource(
                    &format!("R{r}"),
                    attrs
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.clone()))
                        .chain([("guard", Node::string("g", at(9)))])
                        .collect(),
                )
            })
            .collect();
        let (f, _) = check(resources, &run, &mut diags);
        // The first four groups are checked: one finding per attribute of R0..R3.
        assert_eq!(f.len(), 16, "{:?}", messages(&f));
        assert!(f.iter().all(|f| f.resource != "R4"));
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .message
                .starts_with("too many undecided conditions")
        );
        assert_eq!(diags[0].span.line, 1);
    }

    #[test]
    fn too_many_conditions_stay_unknown_with_a_note() {
        let mut diags = vec![];
        let attrs: Vec<(String, Node)> = (0..5)
            .map(|i| {
                (
                    format!("x{i}"),
                    cond(&format!("C{i}"), Some("bad"), Some("ok"), 2),
                )
            })
            .collect();
        let r = resource(
            "A",
            attrs
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .chain([("guard", Node::string("g", at(9)))])
                .collect(),
        );
        let (f, _) = check(vec![r], &run, &mut diags);
        assert!(f.is_empty(), "{:?}", messages(&f));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("5 undecided conditions"));
    }
}
