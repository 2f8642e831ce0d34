//! Evaluating a statement's `Condition` block against a request context (the keys given to
//! `rolegraph simulate --context KEY=VALUE`, or read from a CloudTrail event).
//!
//! The answer is three-valued like the rest of the evaluation: a condition holds, does not
//! hold, or *depends* on keys the context does not give (named, so the caller can say
//! "depends on aws:SourceIp" rather than guess). When the context is *closed*, a key it
//! does not give is absent from the request (as a simulator with a full request would
//! treat it), and the AWS rules for absent keys apply: a positive operator fails, a negated
//! operator holds, `...IfExists` holds, `Null: true` holds, `ForAllValues:` holds and
//! `ForAnyValue:` fails.
//!
//! Operators: `String*` (Equals, NotEquals, EqualsIgnoreCase, NotEqualsIgnoreCase, Like,
//! NotLike), `Arn*` (Equals, Like, NotEquals, NotLike), `Numeric*`, `Date*`, `Bool`,
//! `BinaryEquals`, `IpAddress`/`NotIpAddress`, `Null`, each with `...IfExists` and the
//! `ForAnyValue:`/`ForAllValues:` set prefixes. An operator rolegraph does not know makes
//! the block depend on its key. Keys are compared case-insensitively; values as AWS does
//! (case-sensitive except the `IgnoreCase` forms). Policy variables (`${aws:username}`) in
//! condition values are replaced from the context.

use crate::value::{Node, Value};
use std::collections::BTreeMap;

/// The request context: each key (lowercase) with its values (a multivalued key, such as
/// `aws:TagKeys`, has several).
#[derive(Clone, Debug, Default)]
pub struct Context {
    values: BTreeMap<String, Vec<String>>,
    /// Keys not given are absent from the request (not merely unknown).
    pub closed: bool,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }
    /// Add a value to a key.
    pub fn insert(&mut self, key: &str, value: &str) {
        self.values
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.to_string());
    }
    /// Add a value unless the key is already given (values implied by the request, such as
    /// `aws:PrincipalArn`, never override what the user typed).
    pub fn insert_default(&mut self, key: &str, value: &str) {
        if !self.has(key) {
            self.insert(key, value);
        }
    }
    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(&key.to_ascii_lowercase())
    }
    pub fn get(&self, key: &str) -> Option<&[String]> {
        self.values
            .get(&key.to_ascii_lowercase())
            .map(Vec::as_slice)
    }
    /// Parse `KEY=VALUE` (the value may contain `=`).
    pub fn parse_pair(s: &str) -> Option<(String, String)> {
        let (k, v) = s.split_once('=')?;
        let k = k.trim();
        if k.is_empty() {
            return None;
        }
        Some((k.to_string(), v.to_string()))
    }
}

/// Whether a condition holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Holds {
    Yes,
    No,
    /// It depends on these keys (as the policy writes them, sorted), which the
    /// context does not give; or the block is not statically known (`keys` empty).
    Depends(Vec<String>),
}

impl Holds {
    /// Either holds (a definite Yes wins; keys of both otherwise).
    pub fn or(self, other: Holds) -> Holds {
        match (self, other) {
            (Holds::Yes, _) | (_, Holds::Yes) => Holds::Yes,
            (Holds::No, h) | (h, Holds::No) => h,
            (Holds::Depends(a), Holds::Depends(b)) => Holds::Depends(merge(a, b)),
        }
    }
    /// The opposite (what it depends on stays).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Holds {
        match self {
            Holds::Yes => Holds::No,
            Holds::No => Holds::Yes,
            d => d,
        }
    }
    /// Both hold (a definite No wins).
    pub fn and(self, other: Holds) -> Holds {
        match (self, other) {
            (Holds::No, _) | (_, Holds::No) => Holds::No,
            (Holds::Yes, h) | (h, Holds::Yes) => h,
            (Holds::Depends(a), Holds::Depends(b)) => Holds::Depends(merge(a, b)),
        }
    }
}

fn merge(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
    a.extend(b);
    a.sort();
    a.dedup();
    a
}

/// Evaluate a whole `Condition` block: every operator and every key must hold.
pub fn evaluate(condition: Option<&Node>, ctx: &Context) -> Holds {
    let Some(c) = condition.filter(|c| !c.is_null()) else {
        return Holds::Yes;
    };
    let Value::Map(ops) = &c.value else {
        return Holds::Depends(Vec::new());
    };
    let mut result = Holds::Yes;
    for (op, keys) in ops {
        let Value::Map(keys) = &keys.value else {
            return result.and(Holds::Depends(Vec::new()));
        };
        for (key, values) in keys {
            result = result.and(evaluate_one(op, key, values, ctx));
            if result == Holds::No {
                return Holds::No;
            }
        }
    }
    result
}

/// The tests of a condition block that do not hold for the context, each as
/// `OPERATOR KEY VALUES (the request has VALUE)`, for messages.
pub fn failing(condition: Option<&Node>, ctx: &Context) -> Vec<String> {
    let mut out = Vec::new();
    let Some(Value::Map(ops)) = condition.map(|c| &c.value) else {
        return out;
    };
    for (op, keys) in ops {
        let Value::Map(keys) = &keys.value else {
            continue;
        };
        for (key, values) in keys {
            if evaluate_one(op, key, values, ctx) != Holds::No {
                continue;
            }
            let wanted: Vec<String> = values
                .items()
                .iter()
                .filter_map(|v| value_text(v))
                .collect();
            let have = ctx
                .get(key)
                .map(|v| v.join(", "))
                .unwrap_or_else(|| "none".to_string());
            out.push(format!(
                "{op} {key} {} (the request has {have})",
                wanted.join(", ")
            ));
        }
    }
    out
}

/// The operator family, and whether it is negated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    StringEq { ignore_case: bool },
    StringLike,
    Arn,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// `(family, negated)` of an operator name without prefix and `IfExists`.
fn family(op: &str) -> Option<(Family, bool)> {
    let op = op.to_ascii_lowercase();
    let cmp = |rest: &str| -> Option<(Cmp, bool)> {
        Some(match rest {
            "equals" => (Cmp::Eq, false),
            "notequals" => (Cmp::Eq, true),
            "lessthan" => (Cmp::Lt, false),
            "lessthanequals" => (Cmp::Le, false),
            "greaterthan" => (Cmp::Gt, false),
            "greaterthanequals" => (Cmp::Ge, false),
            _ => return None,
        })
    };
    Some(match op.as_str() {
        "stringequals" => (Family::StringEq { ignore_case: false }, false),
        "stringnotequals" => (Family::StringEq { ignore_case: false }, true),
        "stringequalsignorecase" => (Family::StringEq { ignore_case: true }, false),
        "stringnotequalsignorecase" => (Family::StringEq { ignore_case: true }, true),
        "stringlike" => (Family::StringLike, false),
        "stringnotlike" => (Family::StringLike, true),
        "arnequals" | "arnlike" => (Family::Arn, false),
        "arnnotequals" | "arnnotlike" => (Family::Arn, true),
        "bool" => (Family::Bool, false),
        "binaryequals" => (Family::Binary, false),
        "ipaddress" => (Family::Ip, false),
        "notipaddress" => (Family::Ip, true),
        _ => {
            if let Some(rest) = op.strip_prefix("numeric") {
                let (c, n) = cmp(rest)?;
                (Family::Numeric(c), n)
            } else if let Some(rest) = op.strip_prefix("date") {
                let (c, n) = cmp(rest)?;
                (Family::Date(c), n)
            } else {
                return None;
            }
        }
    })
}

/// A condition value as text (`true` and numbers may be written unquoted). `None` when not
/// statically known.
fn value_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(x) => Some(crate::value::format_number(*x)),
        _ => None,
    }
}

/// Replace the policy variables of a condition value (`${aws:username}`, `${*}`, `${?}`,
/// `${$}`) from the context; `Err(key)` for a variable the context does not give.
fn substitute(s: &str, ctx: &Context) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let var = &after[..end];
        match var {
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            _ => {
                // `${aws:username, 'default'}`: the default when the key is absent.
                let (key, default) = match var.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
                    None => (var.trim(), None),
                };
                match ctx.get(key).and_then(|v| v.first()) {
                    Some(v) => out.push_str(v),
                    None => match default {
                        Some(d) if ctx.closed => out.push_str(&d),
                        _ => return Err(key.to_string()),
                    },
                }
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Evaluate one `operator: {key: values}` entry.
fn evaluate_one(op: &str, key: &str, values: &Node, ctx: &Context) -> Holds {
    // Named as the policy writes it.
    let depends = || Holds::Depends(vec![key.to_string()]);
    let (set, bare) = match op.split_once(':') {
        Some((q, o)) if q.eq_ignore_ascii_case("ForAnyValue") => (Some(false), o),
        Some((q, o)) if q.eq_ignore_ascii_case("ForAllValues") => (Some(true), o),
        _ => (None, op),
    };
    let (bare, if_exists) = match bare
        .len()
        .checked_sub(8)
        .filter(|&i| bare.is_char_boundary(i) && bare[i..].eq_ignore_ascii_case("IfExists"))
    {
        Some(i) => (&bare[..i], true),
        None => (bare, false),
    };
    // The policy's values, with variables replaced.
    let mut wanted = Vec::new();
    for item in values.items() {
        let Some(text) = value_text(item) else {
            return depends();
        };
        match substitute(&text, ctx) {
            Ok(t) => wanted.push(t),
            Err(var) => return Holds::Depends(vec![var]),
        }
    }
    if bare.eq_ignore_ascii_case("Null") {
        // `Null: true`: the key is absent.
        let Some(want_absent) = wanted.first().map(|w| w.eq_ignore_ascii_case("true")) else {
            return depends();
        };
        return match (ctx.has(key), ctx.closed) {
            (true, _) => yes_no(!want_absent),
            (false, true) => yes_no(want_absent),
            (false, false) => depends(),
        };
    }
    let Some((fam, negated)) = family(bare) else {
        return depends();
    };
    let Some(given) = ctx.get(key) else {
        if !ctx.closed {
            return depends();
        }
        // The key is absent from the request.
        return match set {
            Some(true) => Holds::Yes,
            Some(false) => Holds::No,
            None => yes_no(if_exists || negated),
        };
    };
    // Does one request value match one of the policy's values (positive sense)?
    let mut any_unknown = false;
    let mut matches_one = |v: &str| -> bool {
        wanted.iter().any(|w| match compare(fam, w, v) {
            Some(m) => m,
            None => {
                any_unknown = true;
                false
            }
        })
    };
    let result = match set {
        // Every request value must satisfy the operator.
        Some(true) => given.iter().all(|v| matches_one(v) != negated),
        // Some request value must.
        Some(false) => given.iter().any(|v| matches_one(v) != negated),
        // A single-valued key: for a negated operator, no value may match.
        None => {
            let any = given.iter().any(|v| matches_one(v));
            any != negated
        }
    };
    if any_unknown && !result {
        // A value of the request could not be read as the operator's type: no definite
        // answer (a policy value that is not a number never matches).
        return depends();
    }
    yes_no(result)
}

fn yes_no(b: bool) -> Holds {
    if b { Holds::Yes } else { Holds::No }
}

/// Does request value `have` satisfy policy value `want` for `fam` (positive sense)?
/// `None` when one of them is not of the operator's type.
fn compare(fam: Family, want: &str, have: &str) -> Option<bool> {
    Some(match fam {
        Family::StringEq { ignore_case: false } | Family::Binary => want == have,
        Family::StringEq { ignore_case: true } => want.eq_ignore_ascii_case(have),
        Family::StringLike => glob(want, have, false),
        Family::Arn => arn_like(want, have),
        Family::Bool => want.eq_ignore_ascii_case(have),
        Family::Numeric(c) => {
            let (w, h) = (
                want.trim().parse::<f64>().ok()?,
                have.trim().parse::<f64>().ok()?,
            );
            cmp(c, h.partial_cmp(&w)?)
        }
        Family::Date(c) => {
            let (w, h) = (parse_date(want)?, parse_date(have)?);
            cmp(c, h.cmp(&w))
        }
        Family::Ip => {
            let (net, len) = parse_cidr(want)?;
            let (ip, _) = parse_cidr(have)?;
            in_network(&net, len, &ip)?
        }
    })
}

fn cmp(c: Cmp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match c {
        Cmp::Eq => o == Equal,
        Cmp::Lt => o == Less,
        Cmp::Le => o != Greater,
        Cmp::Gt => o == Greater,
        Cmp::Ge => o != Less,
    }
}

/// `*` any run of characters, `?` one character; case-sensitive unless `ignore_case`.
/// Iterative with backtracking to the last `*`: linear in practice, never recursive.
pub fn glob(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// ARN matching: the six colon-separated parts compared one by one, wildcards within each
/// (a `*` in the resource part may span colons and slashes).
fn arn_like(want: &str, have: &str) -> bool {
    let w: Vec<&str> = want.splitn(6, ':').collect();
    let h: Vec<&str> = have.splitn(6, ':').collect();
    if w.len() != 6 || h.len() != 6 {
        return glob(want, have, false);
    }
    w.iter().zip(&h).all(|(a, b)| glob(a, b, false))
}

/// Seconds since 1970 of `2024-01-31`, `2024-01-31T12:00:00Z`, with fractional seconds or
/// an offset (`+02:00`), or of an epoch number.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    let num = |r: &str| r.parse::<i64>().ok();
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let (y, m, day) = (num(d.next()?)?, num(d.next()?)?, num(d.next()?)?);
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = 0;
    let mut offset = 0;
    if let Some(t) = time {
        let (clock, zone) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, None)
        } else if let Some(i) = t.rfind(['+', '-']) {
            (&t[..i], Some(&t[i..]))
        } else {
            (t, None)
        };
        let clock = clock.split('.').next()?;
        let mut c = clock.split(':');
        let h = num(c.next()?)?;
        let mi = c.next().map(num).unwrap_or(Some(0))?;
        let sec = c.next().map(num).unwrap_or(Some(0))?;
        secs = h * 3600 + mi * 60 + sec;
        if let Some(z) = zone {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let z = &z[1..];
            let (zh, zm) = z.split_once(':').unwrap_or((z, "0"));
            offset = sign * (num(zh)? * 3600 + num(zm)? * 60);
        }
    }
    Some(days_from_civil(y, m, day) * 86400 + secs - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// An IPv4 or IPv6 address with an optional `/len`, as bytes.
fn parse_cidr(s: &str) -> Option<(Vec<u8>, u32)> {
    let (addr, len) = match s.trim().split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u32>().ok()?)),
        None => (s.trim(), None),
    };
    let bytes: Vec<u8> = match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v) => v.octets().to_vec(),
        std::net::IpAddr::V6(v) => v.octets().to_vec(),
    };
    let max = bytes.len() as u32 * 8;
    let len = len.unwrap_or(max);
    (len <= max).then_some((bytes, len))
}

/// Is `ip` in `net/len`? `None` when the families differ.
fn in_network(net: &[u8], len: u32, ip: &[u8]) -> Option<bool> {
    if net.len() != ip.len() {
        return Some(false);
    }
    let full = (len / 8) as usize;
    if net[..full] != ip[..full] {
        return Some(false);
    }
    let rest = len % 8;
    if rest == 0 {
        return Some(true);
    }
    let mask = 0xffu8 << (8 - rest);
    Some(net[full] & mask == ip[full] & mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn cond(json: &str) -> Node {
        crate::parse::json::parse(json, Arc::from("t.json"), 1, 1).unwrap()
    }

    fn ctx(pairs: &[(&str, &str)], closed: bool) -> Context {
        let mut c = Context::new();
        for (k, v) in pairs {
            c.insert(k, v);
        }
        c.closed = closed;
        c
    }

    fn eval(json: &str, pairs: &[(&str, &str)], closed: bool) -> Holds {
        evaluate(Some(&cond(json)), &ctx(pairs, closed))
    }

    #[test]
    fn strings_and_unknown_keys() {
        let c = r#"{"StringEquals":{"aws:PrincipalTag/team":"data"}}"#;
        assert_eq!(
            eval(c, &[("aws:PrincipalTag/team", "data")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(c, &[("aws:principaltag/team", "Data")], false),
            Holds::No
        );
        assert_eq!(
            eval(c, &[], false),
            Holds::Depends(vec!["aws:PrincipalTag/team".into()])
        );
        assert_eq!(eval(c, &[], true), Holds::No);
        let not = r#"{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}"#;
        assert_eq!(
            eval(not, &[("aws:RequestedRegion", "us-east-1")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(not, &[("aws:RequestedRegion", "eu-west-1")], false),
            Holds::No
        );
        assert_eq!(eval(not, &[], true), Holds::Yes);
        let like = r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:org/app:*"}}"#;
        assert_eq!(
            eval(
                like,
                &[(
                    "token.actions.githubusercontent.com:sub",
                    "repo:org/app:ref:refs/heads/main"
                )],
                false
            ),
            Holds::Yes
        );
        assert_eq!(
            eval(
                like,
                &[(
                    "token.actions.githubusercontent.com:sub",
                    "repo:org/other:ref"
                )],
                false
            ),
            Holds::No
        );
        let ic = r#"{"StringEqualsIgnoreCase":{"s3:prefix":"Home"}}"#;
        assert_eq!(eval(ic, &[("s3:prefix", "HOME")], false), Holds::Yes);
    }

    #[test]
    fn if_exists_null_and_sets() {
        let c = r#"{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}"#;
        assert_eq!(eval(c, &[], true), Holds::Yes);
        assert_eq!(
            eval(c, &[("ec2:InstanceType", "m5.large")], true),
            Holds::No
        );
        let null = r#"{"Null":{"aws:TokenIssueTime":"true"}}"#;
        assert_eq!(eval(null, &[], true), Holds::Yes);
        assert_eq!(eval(null, &[("aws:TokenIssueTime", "x")], false), Holds::No);
        assert_eq!(
            eval(null, &[], false),
            Holds::Depends(vec!["aws:TokenIssueTime".into()])
        );
        let all = r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}"#;
        assert_eq!(
            eval(
                all,
                &[("aws:TagKeys", "env"), ("aws:TagKeys", "team")],
                false
            ),
            Holds::Yes
        );
        assert_eq!(
            eval(
                all,
                &[("aws:TagKeys", "env"), ("aws:TagKeys", "cost")],
                false
            ),
            Holds::No
        );
        assert_eq!(eval(all, &[], true), Holds::Yes);
        let any = r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}"#;
        assert_eq!(
            eval(
                any,
                &[("aws:TagKeys", "cost"), ("aws:TagKeys", "env")],
                false
            ),
            Holds::Yes
        );
        assert_eq!(eval(any, &[], true), Holds::No);
    }

    #[test]
    fn numbers_dates_bools_ips_arns() {
        let n = r#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#;
        assert_eq!(eval(n, &[("s3:max-keys", "10")], false), Holds::Yes);
        assert_eq!(eval(n, &[("s3:max-keys", "11")], false), Holds::No);
        let d = r#"{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#;
        assert_eq!(
            eval(d, &[("aws:CurrentTime", "2025-12-31T23:59:59Z")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(d, &[("aws:CurrentTime", "2026-01-01")], false),
            Holds::No
        );
        assert_eq!(parse_date("1970-01-02"), Some(86400));
        assert_eq!(
            parse_date("2024-03-01T01:00:00+01:00"),
            parse_date("2024-03-01")
        );
        let b = r#"{"Bool":{"aws:SecureTransport":true}}"#;
        assert_eq!(
            eval(b, &[("aws:SecureTransport", "true")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(b, &[("aws:SecureTransport", "false")], false),
            Holds::No
        );
        let ip = r#"{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}"#;
        assert_eq!(
            eval(ip, &[("aws:SourceIp", "203.0.113.7")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(ip, &[("aws:SourceIp", "198.51.100.1")], false),
            Holds::No
        );
        assert_eq!(
            eval(ip, &[("aws:SourceIp", "2001:db8::1")], false),
            Holds::Yes
        );
        let notip = r#"{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#;
        assert_eq!(
            eval(notip, &[("aws:SourceIp", "10.1.2.3")], false),
            Holds::No
        );
        let arn = r#"{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket-*"}}"#;
        assert_eq!(
            eval(arn, &[("aws:SourceArn", "arn:aws:s3:::bucket-logs")], false),
            Holds::Yes
        );
        assert_eq!(
            eval(arn, &[("aws:SourceArn", "arn:aws:s3:::other")], false),
            Holds::No
        );
    }

    #[test]
    fn variables_and_unknown_operators() {
        let v = r#"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#;
        assert_eq!(
            eval(v, &[("s3:prefix", "home/alice/x")], false),
            Holds::Depends(vec!["aws:username".into()])
        );
        assert_eq!(
            eval(
                v,
                &[("s3:prefix", "home/alice/x"), ("aws:username", "alice")],
                false
            ),
            Holds::Yes
        );
        let weird = r#"{"StringSortOf":{"a:b":"c"}}"#;
        assert_eq!(
            eval(weird, &[("a:b", "c")], false),
            Holds::Depends(vec!["a:b".into()])
        );
        // Every block must hold: a definite No beats a key that is not given.
        let two = r#"{"StringEquals":{"a:x":"1","a:y":"2"}}"#;
        assert_eq!(eval(two, &[("a:x", "0")], false), Holds::No);
        assert!(glob("a*b?d", "aXXbcd", false));
        assert!(!glob("a*b?d", "aXXbd", false));
    }
}
