//! Terraform addresses and reference strings as the plan writes them:
//! `module.svc["api"].aws_iam_role.this`, `aws_instance.web[0]`, `data.aws_iam_role.x.arn`.

/// One step of a traversal: a name, or an instance key with its source text (`[0]`,
/// `["api"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Name(String),
    Key(String),
}

/// Split a traversal into steps; `None` when it is not one (unbalanced brackets, an empty
/// name).
pub fn steps(s: &str) -> Option<Vec<Step>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => {
                // A dot separates names; it may not start the traversal or follow a dot.
                if i == 0 || b[i - 1] == b'.' {
                    return None;
                }
                i += 1;
            }
            b'[' => {
                let start = i;
                i += 1;
                let mut in_str = false;
                let mut esc = false;
                loop {
                    let c = *b.get(i)?;
                    i += 1;
                    if in_str {
                        if esc {
                            esc = false;
                        } else if c == b'\\' {
                            esc = true;
                        } else if c == b'"' {
                            in_str = false;
                        }
                    } else if c == b'"' {
                        in_str = true;
                    } else if c == b']' {
                        break;
                    }
                }
                out.push(Step::Key(s[start..i].to_string()));
            }
            _ => {
                let start = i;
                while i < b.len() && b[i] != b'.' && b[i] != b'[' {
                    i += 1;
                }
                out.push(Step::Name(s[start..i].to_string()));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The address with every instance key removed: `module.svc["api"].aws_iam_role.this[0]`
/// -> `module.svc.aws_iam_role.this`.
pub fn strip_keys(address: &str) -> String {
    match steps(address) {
        Some(st) => st
            .iter()
            .filter_map(|s| match s {
                Step::Name(n) => Some(n.as_str()),
                Step::Key(_) => None,
            })
            .collect::<Vec<_>>()
            .join("."),
        None => address.to_string(),
    }
}

/// The module calls of a module address, with their instance keys:
/// `module.a["x"].module.b` -> `[("a", "[\"x\"]"), ("b", "")]`.
pub fn module_path(module_address: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let Some(st) = steps(module_address) else {
        return out;
    };
    let mut it = st.into_iter().peekable();
    while let Some(s) = it.next() {
        if s != Step::Name("module".into()) {
            continue;
        }
        let Some(Step::Name(name)) = it.next() else {
            break;
        };
        let key = match it.peek() {
            Some(Step::Key(k)) => {
                let k = k.clone();
                it.next();
                k
            }
            _ => String::new(),
        };
        out.push((name, key));
    }
    out
}

/// A reference to a resource: the resource (`aws_iam_role.app`, `data.aws_iam_role.x`), its
/// instance key if given (`["a"]`), and the attribute path after it (`arn`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    pub resource: String,
    pub key: String,
    pub attr: String,
}

/// Read the steps of a reference to a resource (not `var.`, `module.`, `local.` ...).
pub fn resource_ref(st: &[Step]) -> Option<ResourceRef> {
    let name = |i: usize| match st.get(i) {
        Some(Step::Name(n)) => Some(n.as_str()),
        _ => None,
    };
    let (resource, mut i) = if name(0)? == "data" {
        (format!("data.{}.{}", name(1)?, name(2)?), 3)
    } else {
        (format!("{}.{}", name(0)?, name(1)?), 2)
    };
    let mut key = String::new();
    if let Some(Step::Key(k)) = st.get(i) {
        key = k.clone();
        i += 1;
    }
    let mut attr = String::new();
    for s in &st[i..] {
        match s {
            Step::Name(n) => {
                if !attr.is_empty() {
                    attr.push('.');
                }
                attr.push_str(n);
            }
            Step::Key(k) => attr.push_str(k),
        }
    }
    Some(ResourceRef {
        resource,
        key,
        attr,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_traversals_with_quoted_keys() {
        assert_eq!(
            steps(r#"module.svc["a.b]"].aws_iam_role.this[0].arn"#).unwrap(),
            vec![
                Step::Name("module".into()),
                Step::Name("svc".into()),
                Step::Key(r#"["a.b]"]"#.into()),
                Step::Name("aws_iam_role".into()),
                Step::Name("this".into()),
                Step::Key("[0]".into()),
                Step::Name("arn".into()),
            ]
        );
        assert_eq!(steps("a..b"), None);
        assert_eq!(steps(r#"a["x"#), None);
        assert_eq!(steps(""), None);
    }

    #[test]
    fn strips_instance_keys() {
        assert_eq!(
            strip_keys(r#"module.svc["api"].aws_iam_role.this[0]"#),
            "module.svc.aws_iam_role.this"
        );
        assert_eq!(strip_keys("aws_instance.web"), "aws_instance.web");
    }

    #[test]
    fn module_paths() {
        assert_eq!(
            module_path(r#"module.a["x"].module.b"#),
            vec![("a".into(), r#"["x"]"#.into()), ("b".into(), String::new())]
        );
        assert!(module_path("").is_empty());
    }

    #[test]
    fn resource_references() {
        let r = resource_ref(&steps(r#"aws_iam_role.r["a"].arn"#).unwrap()).unwrap();
        assert_eq!(
            r,
            ResourceRef {
                resource: "aws_iam_role.r".into(),
                key: r#"["a"]"#.into(),
                attr: "arn".into()
            }
        );
        let r = resource_ref(&steps("data.aws_iam_role.x").unwrap()).unwrap();
        assert_eq!(r.resource, "data.aws_iam_role.x");
        assert_eq!((r.key.as_str(), r.attr.as_str()), ("", ""));
        assert_eq!(resource_ref(&steps("aws_iam_role").unwrap()), None);
    }
}
