//! IAM action patterns: `*` matches any run of characters, `?` exactly one; comparison
//! ignores ASCII case (`S3:getobject` is `s3:GetObject`).

/// Does `pattern` match `action`?
pub fn pattern_matches(pattern: &str, action: &str) -> bool {
    let (p, a) = (pattern.as_bytes(), action.as_bytes());
    let (mut pi, mut ai) = (0, 0);
    // The last `*` seen and the position in `action` it currently stands for.
    let mut backtrack: Option<(usize, usize)> = None;
    while ai < a.len() {
        match p.get(pi) {
            Some(b'*') => {
                backtrack = Some((pi, ai));
                pi += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&a[ai]) => {
                pi += 1;
                ai += 1;
            }
            _ => match backtrack {
                // Let the star swallow one more character and retry.
                Some((star, from)) => {
                    backtrack = Some((star, from + 1));
                    pi = star + 1;
                    ai = from + 1;
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// Does the text contain a wildcard?
pub fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(pattern_matches("sts:AssumeRole", "sts:assumerole"));
        assert!(pattern_matches("sts:*", "sts:AssumeRole"));
        assert!(pattern_matches("*", "sts:AssumeRole"));
        assert!(pattern_matches("sts:Assume?ole", "sts:AssumeRole"));
        assert!(!pattern_matches("sts:AssumeRoleWith*", "sts:AssumeRole"));
        assert!(pattern_matches("sts:AssumeRole*", "sts:AssumeRole"));
        assert!(!pattern_matches("s3:*", "sts:AssumeRole"));
    }

    #[test]
    fn stars_in_the_middle_and_repeated() {
        assert!(pattern_matches("s3:*Object*", "s3:GetObjectAcl"));
        assert!(pattern_matches("s3:*Object", "s3:PutObject"));
        assert!(!pattern_matches("s3:*Object", "s3:PutObjectAcl"));
        assert!(pattern_matches("**", ""));
        assert!(pattern_matches("*:*", "ec2:DescribeInstances"));
        assert!(pattern_matches("ec2:*Instance?", "ec2:DescribeInstances"));
        assert!(!pattern_matches("ec2:*Instance?", "ec2:DescribeInstance"));
        assert!(pattern_matches("a*b*c", "aXbYbZc"));
        assert!(!pattern_matches("a*b*c", "aXbYbZ"));
    }

    #[test]
    fn exact_and_empty() {
        assert!(pattern_matches("", ""));
        assert!(!pattern_matches("", "s3:GetObject"));
        assert!(!pattern_matches("s3:GetObject", "s3:GetObjectAcl"));
        assert!(!pattern_matches("?", ""));
        assert!(is_pattern("s3:Get*") && is_pattern("s3:Get?bject") && !is_pattern("s3:x"));
    }
}
