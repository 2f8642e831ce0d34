//! String functions (`format`, `join`, `split`, `replace`, `substr`, ...) and the text
//! pieces that keep references inside concatenated strings.

use super::encoding::{json_pieces, push_lit};
use super::{Cx, R};
use crate::value::{Node, Piece, Value, format_number, pieces_to_value};

/// Widest padding or precision `format()` accepts (a guard against huge allocations).
const MAX_WIDTH: usize = 10_000;

/// Largest string `replace()` / `indent()` build (a guard against huge allocations).
const MAX_OUTPUT: usize = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------
// Strings with references

/// Append the text pieces of a string-like value; false when it is not string-like.
pub(crate) fn push_pieces(n: &Node, out: &mut Vec<Piece>) -> bool {
    match &n.value {
        Value::String(s) => out.push(Piece::Lit(s.clone())),
        Value::Number(x) => out.push(Piece::Lit(format_number(*x))),
        Value::Bool(b) => out.push(Piece::Lit(b.to_string())),
        Value::Ref(r) => out.push(Piece::Ref(r.clone())),
        Value::Interp(p) => out.extend(p.iter().cloned()),
        Value::Unknown | Value::Cond { .. } => out.push(Piece::Unknown),
        Value::Json(inner) => json_pieces(inner, out),
        Value::Null | Value::List(_) | Value::Map(_) => return false,
    }
    true
}

/// The concatenation of string-like values: a String when all parts are literal, an Interp
/// when references are present (unknown parts become [`Piece::Unknown`]), `None` if some
/// part is not string-like (null, list, map).
#[cfg(test)]
pub(crate) fn concat_pieces(parts: &[&Node]) -> Option<Value> {
    let mut pieces = Vec::new();
    for p in parts {
        if !push_pieces(p, &mut pieces) {
            return None;
        }
    }
    Some(pieces_to_value(pieces))
}

// ---------------------------------------------------------------------------------------
// Strings

/// Apply a text function to one string argument; unknown text gives Unknown.
pub(crate) fn str_map(cx: &Cx, a: &[Node], f: impl Fn(&str) -> String) -> R {
    cx.arity(a, 1)?;
    match cx.text(&a[0])? {
        Some(s) => Ok(cx.node(Value::String(f(&s)))),
        None => cx.unknown(),
    }
}

pub(crate) fn str2(cx: &Cx, a: &[Node], f: impl Fn(&str, &str) -> Result<String, String>) -> R {
    cx.arity(a, 2)?;
    let (s, t) = (cx.text(&a[0])?, cx.text(&a[1])?);
    match (s, t) {
        (Some(s), Some(t)) => Ok(cx.node(Value::String(f(&s, &t)?))),
        _ => cx.unknown(),
    }
}

pub(crate) fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        prev_sep = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        };
    }
    out
}

pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub(crate) fn basename(s: &str) -> String {
    if s.is_empty() {
        return ".".into();
    }
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

pub(crate) fn dirname(s: &str) -> String {
    let (dir, _) = match s.rfind('/') {
        Some(i) => (&s[..=i], &s[i + 1..]),
        None => ("", s),
    };
    // Clean the directory part the way Go's filepath.Dir does (enough for common paths).
    let rooted = dir.starts_with('/');
    let parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, true) => "/".into(),
        (true, false) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

pub(crate) fn split(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (sep, s) = (cx.text(&a[0])?, cx.text(&a[1])?);
    let (Some(sep), Some(s)) = (sep, s) else {
        return cx.unknown();
    };
    let parts: Vec<Node> = if sep.is_empty() {
        s.chars()
            .map(|c| Node::string(c.to_string(), cx.span()))
            .collect()
    } else {
        s.split(sep.as_str())
            .map(|p| Node::string(p, cx.span()))
            .collect()
    };
    Ok(cx.node(Value::List(parts)))
}

pub(crate) fn replace(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let (s, sub, rep) = (cx.text(&a[0])?, cx.text(&a[1])?, cx.text(&a[2])?);
    let (Some(s), Some(sub), Some(rep)) = (s, sub, rep) else {
        return cx.unknown();
    };
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile(cx, &sub[1..sub.len() - 1])?;
        // `$1` / `${name}` in the replacement expand as in Go's Regexp.ReplaceAllString.
        let out = re.replace_all(&s, rep.as_str());
        if out.len() > MAX_OUTPUT {
            return cx.err("the result would be too large");
        }
        return Ok(cx.node(Value::String(out.into_owned())));
    }
    let count = if sub.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(sub.as_str()).count()
    };
    if s.len().saturating_add(count.saturating_mul(rep.len())) > MAX_OUTPUT {
        return cx.err("the result would be too large");
    }
    Ok(cx.node(Value::String(s.replace(sub.as_str(), &rep))))
}

pub(crate) fn substr(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let s = cx.text(&a[0])?;
    let (off, len) = (cx.int(&a[1])?, cx.int(&a[2])?);
    let (Some(s), Some(off), Some(len)) = (s, off, len) else {
        return cx.unknown();
    };
    let chars: Vec<char> = s.chars().collect();
    let total = chars.len() as i64;
    let mut off = off;
    if off < 0 {
        off = (total + off).max(0);
    }
    if off >= total {
        return Ok(cx.node(Value::String(String::new())));
    }
    let end = if len < 0 {
        total
    } else {
        (off + len).min(total)
    };
    let out: String = chars[off as usize..end.max(off) as usize].iter().collect();
    Ok(cx.node(Value::String(out)))
}

pub(crate) fn str_test(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(needle) = cx.text(&a[1])? else {
        return cx.unknown();
    };
    let test = |s: &str| match cx.name {
        "startswith" => s.starts_with(needle.as_str()),
        "endswith" => s.ends_with(needle.as_str()),
        _ => s.contains(needle.as_str()),
    };
    if let Some(s) = cx.text(&a[0])? {
        return Ok(cx.node(Value::Bool(test(&s))));
    }
    // A partly known string may still decide it from its literal ends.
    if let Value::Interp(p) = &a[0].value {
        let lit = match cx.name {
            "startswith" => p.first(),
            "endswith" => p.last(),
            _ => None,
        };
        if let Some(Piece::Lit(l)) = lit {
            let known = match cx.name {
                "startswith" if l.starts_with(needle.as_str()) => Some(true),
                "startswith" if !needle.starts_with(l.as_str()) => Some(false),
                "endswith" if l.ends_with(needle.as_str()) => Some(true),
                "endswith" if !needle.ends_with(l.as_str()) => Some(false),
                _ => None,
            };
            if let Some(b) = known {
                return Ok(cx.node(Value::Bool(b)));
            }
        }
        if cx.name == "strcontains"
            && p.iter()
                .any(|p| matches!(p, Piece::Lit(l) if l.contains(needle.as_str())))
        {
            return Ok(cx.node(Value::Bool(true)));
        }
    }
    cx.unknown()
}

pub(crate) fn indent(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (n, s) = (cx.int(&a[0])?, cx.text(&a[1])?);
    let (Some(n), Some(s)) = (n, s) else {
        return cx.unknown();
    };
    if !(0..=MAX_WIDTH as i64).contains(&n) {
        return cx.err("invalid number of spaces");
    }
    let lines = s.matches('\n').count();
    if s.len().saturating_add(lines.saturating_mul(n as usize)) > MAX_OUTPUT {
        return cx.err("the result would be too large");
    }
    let pad = " ".repeat(n as usize);
    Ok(cx.node(Value::String(s.replace('\n', &format!("\n{pad}")))))
}

pub(crate) fn join(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 2, usize::MAX)?;
    let sep = &a[0];
    let mut sep_pieces = Vec::new();
    if !push_pieces(sep, &mut sep_pieces) {
        return cx.err("the separator must be a string");
    }
    let mut pieces = Vec::new();
    let mut first = true;
    let mut unknown = false;
    for l in &a[1..] {
        let Some(l) = cx.list(l)? else {
            unknown = true;
            continue;
        };
        for it in l {
            if !first {
                pieces.extend(sep_pieces.iter().cloned());
            }
            first = false;
            if it.is_null() {
                return cx.err("elements must not be null");
            }
            if !push_pieces(it, &mut pieces) {
                return cx.err("elements must be strings");
            }
        }
    }
    if unknown {
        return cx.unknown();
    }
    Ok(cx.node(pieces_to_value(pieces)))
}

/// One `%` verb of a format string.
pub(crate) struct Verb {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
    verb: char,
}

pub(crate) fn pad(v: &Verb, s: String, numeric: bool) -> String {
    let Some(w) = v.width else { return s };
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if v.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if v.zero && numeric {
        let (sign, digits) = match s.chars().next() {
            Some(c @ ('-' | '+' | ' ')) => (c.to_string(), &s[1..]),
            _ => (String::new(), s.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

pub(crate) fn sign(v: &Verb, x: f64, body: String) -> String {
    if x.is_sign_negative() && x != 0.0 {
        format!("-{body}")
    } else if v.plus {
        format!("+{body}")
    } else if v.space {
        format!(" {body}")
    } else {
        body
    }
}

/// Go's %e: mantissa with `prec` decimals, exponent with sign and at least two digits.
pub(crate) fn fmt_exp(x: f64, prec: Option<usize>, upper: bool) -> String {
    let s = match prec {
        Some(p) => format!("{:.*e}", p, x),
        None => format!("{:e}", x),
    };
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let es = if e < 0 { '-' } else { '+' };
    let out = format!("{m}e{es}{:02}", e.abs());
    if upper { out.to_uppercase() } else { out }
}

/// Go's %g with the shortest representation.
pub(crate) fn fmt_g(x: f64, upper: bool) -> String {
    let e = format!("{:e}", x);
    let exp: i32 = e
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    if !(-4..6).contains(&exp) {
        fmt_exp(x, None, upper)
    } else {
        format!("{x}")
    }
}

/// Go's strconv.Quote for a string.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Render one verb with its argument into pieces.
pub(crate) fn format_verb(
    cx: &Cx,
    v: &Verb,
    arg: &Node,
    out: &mut Vec<Piece>,
) -> Result<(), String> {
    if matches!(arg.value, Value::Unknown) {
        out.push(Piece::Unknown);
        return Ok(());
    }
    let symbolic = matches!(arg.value, Value::Ref(_) | Value::Interp(_));
    match v.verb {
        's' | 'v' | 'q' => {
            if v.verb == 'v' && v.sharp {
                let mut p = Vec::new();
                json_pieces(arg, &mut p);
                out.extend(p);
                return Ok(());
            }
            let text = match &arg.value {
                Value::Null if v.verb == 'v' => Some("null".to_string()),
                Value::Null => {
                    return cx.err(format!(
                        "unsupported value for %{}: null value cannot be formatted",
                        v.verb
                    ));
                }
                Value::List(_) | Value::Map(_) if v.verb == 'v' => {
                    let mut p = Vec::new();
                    json_pieces(arg, &mut p);
                    if v.width.is_some() {
                        out.push(Piece::Unknown);
                    } else {
                        out.extend(p);
                    }
                    return Ok(());
                }
                Value::List(_) | Value::Map(_) => {
                    return cx.err(format!(
                        "unsupported value for %{}: string required",
                        v.verb
                    ));
                }
                _ => cx.text(arg)?,
            };
            match text {
                Some(t) => {
                    let t = match v.prec {
                        Some(p) if v.verb != 'q' => t.chars().take(p).collect(),
                        _ => t,
                    };
                    let t = if v.verb == 'q' { go_quote(&t) } else { t };
                    push_lit(out, &pad(v, t, false));
                }
                None if v.width.is_some() || v.prec.is_some() => out.push(Piece::Unknown),
                None if v.verb == 'q' => {
                    push_lit(out, "\"");
                    push_pieces(arg, out);
                    push_lit(out, "\"");
                }
                None => {
                    push_pieces(arg, out);
                }
            }
        }
        'd' | 'b' | 'o' | 'x' | 'X' => {
            if v.verb != 'd'
                && let Value::String(s) = &arg.value
                && s.trim().parse::<f64>().is_err()
                && matches!(v.verb, 'x' | 'X')
            {
                let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                let hex = if v.verb == 'X' {
                    hex.to_uppercase()
                } else {
                    hex
                };
                push_lit(out, &pad(v, hex, false));
                return Ok(());
            }
            if symbolic {
                out.push(Piece::Unknown);
                return Ok(());
            }
            let Some(x) = cx.num(arg)? else {
                out.push(Piece::Unknown);
                return Ok(());
            };
            if x.fract() != 0.0 {
                return cx.err(format!(
                    "%{} requires an integer, got {}",
                    v.verb,
                    format_number(x)
                ));
            }
            let m = x.abs();
            let body = if m < 1.8e19 {
                let u = m as u64;
                match v.verb {
                    'b' => format!("{u:b}"),
                    'o' => format!("{}{u:o}", if v.sharp { "0" } else { "" }),
                    'x' => format!("{}{u:x}", if v.sharp { "0x" } else { "" }),
                    'X' => format!("{}{u:X}", if v.sharp { "0X" } else { "" }),
                    _ => u.to_string(),
                }
            } else {
                format!("{m:.0}")
            };
            push_lit(out, &pad(v, sign(v, x, body), true));
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            if symbolic {
                out.push(Piece::Unknown);
                return Ok(());
            }
            let Some(x) = cx.num(arg)? else {
                out.push(Piece::Unknown);
                return Ok(());
            };
            let m = x.abs();
            let body = match v.verb {
                'f' | 'F' => format!("{:.*}", v.prec.unwrap_or(6), m),
                'e' | 'E' => fmt_exp(m, Some(v.prec.unwrap_or(6)), v.verb == 'E'),
                _ => fmt_g(m, v.verb == 'G'),
            };
            push_lit(out, &pad(v, sign(v, x, body), true));
        }
        't' => match cx.boolean(arg)? {
            Some(b) => push_lit(out, &pad(v, b.to_string(), false)),
            None => out.push(Piece::Unknown),
        },
        c => return cx.err(format!("unsupported format verb %{c}")),
    }
    Ok(())
}

/// Run a format string over arguments, producing text pieces.
pub(crate) fn format_pieces(cx: &Cx, fmt: &str, args: &[&Node]) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut max_used = 0usize;
    let mut lit = String::new();
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c != '%' {
            lit.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            lit.push('%');
            i += 1;
            continue;
        }
        let verb_at = i - 1;
        let mut v = Verb {
            minus: false,
            plus: false,
            sharp: false,
            zero: false,
            space: false,
            width: None,
            prec: None,
            verb: ' ',
        };
        while let Some(&f) = chars.get(i) {
            match f {
                '-' => v.minus = true,
                '+' => v.plus = true,
                '#' => v.sharp = true,
                '0' => v.zero = true,
                ' ' => v.space = true,
                _ => break,
            }
            i += 1;
        }
        let number = |i: &mut usize| -> Option<usize> {
            let s = *i;
            while chars.get(*i).is_some_and(|c| c.is_ascii_digit()) {
                *i += 1;
            }
            if *i == s {
                return None;
            }
            chars[s..*i].iter().collect::<String>().parse().ok()
        };
        if chars.get(i) == Some(&'[') {
            i += 1;
            let n = number(&mut i);
            if chars.get(i) != Some(&']') {
                return cx.err(format!("invalid argument index at offset {verb_at}"));
            }
            i += 1;
            match n {
                Some(n) if n >= 1 => next_arg = n - 1,
                _ => return cx.err(format!("invalid argument index at offset {verb_at}")),
            }
        }
        v.width = number(&mut i);
        if chars.get(i) == Some(&'.') {
            i += 1;
            v.prec = Some(number(&mut i).unwrap_or(0));
        }
        if v.width.unwrap_or(0) > MAX_WIDTH || v.prec.unwrap_or(0) > MAX_WIDTH {
            return cx.err("width or precision too large");
        }
        let Some(&verb) = chars.get(i) else {
            return cx.err(format!("unterminated format verb at offset {verb_at}"));
        };
        i += 1;
        v.verb = verb;
        let Some(arg) = args.get(next_arg) else {
            return cx.err(format!(
                "not enough arguments for \"%{verb}\" at offset {verb_at}"
            ));
        };
        if !lit.is_empty() {
            push_lit(&mut out, &std::mem::take(&mut lit));
        }
        format_verb(cx, &v, arg, &mut out)?;
        next_arg += 1;
        max_used = max_used.max(next_arg);
    }
    if !lit.is_empty() {
        push_lit(&mut out, &lit);
    }
    if max_used < args.len() {
        return if max_used == 0 {
            cx.err("too many arguments; no verbs in format string")
        } else {
            cx.err(format!(
                "too many arguments; only {max_used} used by format string"
            ))
        };
    }
    Ok(out)
}

pub(crate) fn format(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(fmt) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let args: Vec<&Node> = a[1..].iter().collect();
    let pieces = format_pieces(cx, &fmt, &args)?;
    Ok(cx.node(pieces_to_value(pieces)))
}

pub(crate) fn formatlist(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(fmt) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let args = &a[1..];
    let mut n: Option<usize> = None;
    for arg in args {
        match &arg.value {
            Value::Unknown => return cx.unknown(),
            Value::List(l) => match n {
                Some(k) if k != l.len() => {
                    return cx.err(format!(
                        "all list arguments must have the same length ({k} and {})",
                        l.len()
                    ));
                }
                _ => n = Some(l.len()),
            },
            _ => {}
        }
    }
    let mut out = Vec::new();
    for i in 0..n.unwrap_or(1) {
        let row: Vec<&Node> = args
            .iter()
            .map(|arg| match &arg.value {
                Value::List(l) => &l[i],
                _ => arg,
            })
            .collect();
        let pieces = format_pieces(cx, &fmt, &row)?;
        out.push(cx.node(pieces_to_value(pieces)));
    }
    Ok(cx.node(Value::List(out)))
}

/// Longest regular expression accepted (patterns come from the scanned repository).
const MAX_PATTERN: usize = 4096;

/// Compile a pattern (RE2 syntax, as Terraform's; the `regex` crate matches in linear time,
/// so a hostile pattern cannot make the scan hang), bounding its size.
fn compile(cx: &Cx, pattern: &str) -> Result<regex::Regex, String> {
    if pattern.len() > MAX_PATTERN {
        return cx.err(format!("pattern longer than {MAX_PATTERN} bytes"));
    }
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map_err(|e| format!("{}: invalid regular expression: {e}", cx.name))
}

/// `regex(pattern, string)` (`all` false) and `regexall(pattern, string)` (`all` true).
/// One match gives: the matched text when the pattern has no capture group, a list of the
/// groups when they are unnamed, a map when they are named (mixing both is an error, as in
/// Terraform); a group that took no part in the match is null. `regex` without a match is
/// an error; `regexall` gives the list of all matches (maybe empty).
pub(crate) fn regex(cx: &Cx, a: &[Node], all: bool) -> R {
    cx.arity(a, 2)?;
    let (p, s) = (cx.text(&a[0])?, cx.text(&a[1])?);
    let (Some(p), Some(s)) = (p, s) else {
        return cx.unknown();
    };
    let re = compile(cx, &p)?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().filter(|n| n.is_some()).count();
    if named > 0 && named < names.len() {
        return cx.err("the pattern must not mix named and unnamed capture groups");
    }
    let one = |c: regex::Captures| -> Node {
        let group = |i: usize| match c.get(i) {
            Some(m) => cx.node(Value::String(m.as_str().to_string())),
            None => cx.node(Value::Null),
        };
        if names.is_empty() {
            return group(0);
        }
        if named > 0 {
            let m = names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| Some(((*n)?.to_string(), group(i + 1))))
                .collect();
            return cx.node(Value::Map(m));
        }
        cx.node(Value::List((1..=names.len()).map(group).collect()))
    };
    if all {
        let matches: Vec<Node> = re.captures_iter(&s).map(one).collect();
        return Ok(cx.node(Value::List(matches)));
    }
    match re.captures(&s) {
        Some(c) => Ok(one(c)),
        None => cx.err("pattern did not match any part of the given string"),
    }
}
