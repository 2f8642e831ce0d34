//! Collection functions (`merge`, `concat`, `lookup`, `distinct`, sets, ...) and the
//! equality and ordering they rest on.

use super::encoding::to_json_text;
use super::{Cx, R};
use crate::value::{Node, Piece, Value, format_number};
use std::collections::{BTreeMap, BTreeSet};

/// Most elements `range()` produces (Terraform's own limit).
const MAX_RANGE: usize = 1024;

// ---------------------------------------------------------------------------------------
// Equality

pub(crate) fn has_unknown_piece(v: &Value) -> bool {
    matches!(v, Value::Interp(p) if p.iter().any(|p| matches!(p, Piece::Unknown)))
}

/// Whether an interpolated string certainly differs from the text `s` (its literal prefix
/// or suffix does not match).
pub(crate) fn interp_excludes(pieces: &[Piece], s: &str) -> bool {
    if let Some(Piece::Lit(first)) = pieces.first()
        && !s.starts_with(first.as_str())
    {
        return true;
    }
    if let Some(Piece::Lit(last)) = pieces.last()
        && !s.ends_with(last.as_str())
    {
        return true;
    }
    false
}

/// Equality where it can be decided; `None` when it cannot. With `symbolic_distinct`,
/// references and interpolations (without unknown parts) are compared as symbols: two
/// different ones count as different values (used to deduplicate sets).
pub(crate) fn eq(a: &Node, b: &Node, symbolic_distinct: bool) -> Option<bool> {
    use Value::*;
    match (&a.value, &b.value) {
        (Unknown, _) | (_, Unknown) => None,
        (Null, Null) => Some(true),
        (Null, _) | (_, Null) => Some(false),
        (Ref(x), Ref(y)) if x == y => Some(true),
        (Interp(x), Interp(y)) if x == y && !has_unknown_piece(&a.value) => Some(true),
        (Interp(p), String(s)) | (String(s), Interp(p)) if interp_excludes(p, s) => Some(false),
        (Ref(_) | Interp(_), List(_) | Map(_)) | (List(_) | Map(_), Ref(_) | Interp(_)) => {
            Some(false)
        }
        (Ref(_) | Interp(_), _) | (_, Ref(_) | Interp(_)) => {
            if symbolic_distinct && !has_unknown_piece(&a.value) && !has_unknown_piece(&b.value) {
                Some(false)
            } else {
                None
            }
        }
        (List(x), List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            all_eq(x.iter().zip(y), symbolic_distinct)
        }
        (Map(x), Map(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Some(false);
            }
            all_eq(x.values().zip(y.values()), symbolic_distinct)
        }
        (Json(x), Json(y)) => eq(x, y, symbolic_distinct),
        (Json(_), String(s)) | (String(s), Json(_)) => {
            let j = if let Json(_) = &a.value { a } else { b };
            to_json_text(j).map(|t| t == *s)
        }
        (String(x), String(y)) => Some(x == y),
        (Number(x), Number(y)) => Some(x == y),
        (Bool(x), Bool(y)) => Some(x == y),
        (String(s), Number(n)) | (Number(n), String(s)) => Some(*s == format_number(*n)),
        (String(s), Bool(x)) | (Bool(x), String(s)) => Some(*s == x.to_string()),
        _ => Some(false),
    }
}

pub(crate) fn all_eq<'a>(
    pairs: impl Iterator<Item = (&'a Node, &'a Node)>,
    sym: bool,
) -> Option<bool> {
    let mut all = true;
    for (p, q) in pairs {
        match eq(p, q, sym) {
            Some(false) => return Some(false),
            None => all = false,
            Some(true) => {}
        }
    }
    if all { Some(true) } else { None }
}

/// Remove duplicates keeping first occurrences; `None` when equality cannot be decided.
pub(crate) fn dedupe(items: &[Node]) -> Option<Vec<Node>> {
    if items.iter().all(|n| matches!(n.value, Value::String(_))) {
        let mut seen = BTreeSet::new();
        return Some(
            items
                .iter()
                .filter(|n| seen.insert(n.as_str().unwrap_or_default()))
                .cloned()
                .collect(),
        );
    }
    let mut out: Vec<Node> = Vec::new();
    for it in items {
        let mut undecided = false;
        let mut dup = false;
        for k in &out {
            match eq(it, k, true) {
                Some(true) => {
                    dup = true;
                    break;
                }
                None => undecided = true,
                Some(false) => {}
            }
        }
        if dup {
            continue;
        }
        if undecided {
            return None;
        }
        out.push(it.clone());
    }
    Some(out)
}

/// Terraform gives a list of mixed primitives one element type: with any string present,
/// numbers and bools become strings.
pub(crate) fn unify(items: &[Node]) -> Vec<Node> {
    let stringy = items
        .iter()
        .any(|n| matches!(n.value, Value::String(_) | Value::Ref(_) | Value::Interp(_)));
    let all_primitive = items
        .iter()
        .all(|n| !matches!(n.value, Value::List(_) | Value::Map(_) | Value::Json(_)));
    if !(stringy && all_primitive) {
        return items.to_vec();
    }
    items
        .iter()
        .map(|n| match &n.value {
            Value::Number(x) => Node::string(format_number(*x), n.span.clone()),
            Value::Bool(b) => Node::string(b.to_string(), n.span.clone()),
            _ => n.clone(),
        })
        .collect()
}

/// Order a set's elements like Terraform: strings lexically, numbers numerically, bools
/// false first. Symbolic strings (whose text is unknown) come after the known ones.
pub(crate) fn sort_set(items: &mut [Node]) {
    if items.iter().all(|n| matches!(n.value, Value::Number(_))) {
        items.sort_by(|a, b| {
            let (x, y) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        });
    } else if items.iter().all(|n| matches!(n.value, Value::Bool(_))) {
        items.sort_by_key(|n| n.as_bool());
    } else if items
        .iter()
        .all(|n| matches!(n.value, Value::String(_) | Value::Ref(_) | Value::Interp(_)))
    {
        items.sort_by(|a, b| match (a.as_str(), b.as_str()) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
}

pub(crate) fn to_set(cx: &Cx, items: &[Node]) -> R {
    match dedupe(&unify(items)) {
        Some(mut v) => {
            sort_set(&mut v);
            Ok(cx.node(Value::List(v)))
        }
        None => cx.unknown(),
    }
}

// ---------------------------------------------------------------------------------------
// Collection functions

pub(crate) fn merge(cx: &Cx, a: &[Node]) -> R {
    let mut out = BTreeMap::new();
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::Map(m) => out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Value::Ref(_) | Value::Unknown => return cx.unknown(),
            _ => return cx.err("arguments must be maps or objects"),
        }
    }
    Ok(cx.node(Value::Map(out)))
}

pub(crate) fn concat(cx: &Cx, a: &[Node]) -> R {
    let mut out = Vec::new();
    let mut unknown = false;
    for n in a {
        match cx.list(n)? {
            Some(l) => out.extend(l.iter().cloned()),
            None => unknown = true,
        }
    }
    if unknown {
        return cx.unknown();
    }
    Ok(cx.node(Value::List(out)))
}

pub(crate) fn flatten_into(items: &[Node], out: &mut Vec<Node>) -> bool {
    for it in items {
        match &it.value {
            Value::List(l) => {
                if !flatten_into(l, out) {
                    return false;
                }
            }
            Value::Unknown => return false,
            _ => out.push(it.clone()),
        }
    }
    true
}

pub(crate) fn flatten(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    if !flatten_into(l, &mut out) {
        return cx.unknown();
    }
    Ok(cx.node(Value::List(out)))
}

pub(crate) fn distinct(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    match dedupe(l) {
        Some(v) => Ok(cx.node(Value::List(v))),
        None => cx.unknown(),
    }
}

pub(crate) fn lookup(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 2, 3)?;
    let Some(m) = cx.map(&a[0])? else {
        return cx.unknown();
    };
    let Some(key) = cx.text(&a[1])? else {
        return cx.unknown();
    };
    match (m.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => cx.err(format!("the map has no key {key:?}")),
    }
}

pub(crate) fn element(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let l = cx.list(&a[0])?;
    let i = cx.int(&a[1])?;
    if let Some(i) = i
        && i < 0
    {
        return cx.err("cannot use element function with a negative index");
    }
    let (Some(l), Some(i)) = (l, i) else {
        return cx.unknown();
    };
    if l.is_empty() {
        return cx.err("cannot use element function with an empty list");
    }
    Ok(l[(i as usize) % l.len()].clone())
}

pub(crate) fn index(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    for (i, it) in l.iter().enumerate() {
        match eq(it, &a[1], false) {
            Some(true) => return Ok(cx.node(Value::Number(i as f64))),
            Some(false) => {}
            None => return cx.unknown(),
        }
    }
    cx.err("item not found")
}

pub(crate) fn slice(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let l = cx.list(&a[0])?;
    let (s, e) = (cx.int(&a[1])?, cx.int(&a[2])?);
    let (Some(l), Some(s), Some(e)) = (l, s, e) else {
        return cx.unknown();
    };
    if s < 0 || e < s || e as usize > l.len() {
        return cx.err(format!(
            "invalid indices {s}..{e} for a list of length {}",
            l.len()
        ));
    }
    Ok(cx.node(Value::List(l[s as usize..e as usize].to_vec())))
}

pub(crate) fn sort(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut texts = Vec::with_capacity(l.len());
    for it in l {
        match cx.text(it)? {
            Some(t) => texts.push((t, it.span.clone())),
            None => return cx.unknown(),
        }
    }
    texts.sort_by(|x, y| x.0.cmp(&y.0));
    Ok(cx.node(Value::List(
        texts.into_iter().map(|(t, s)| Node::string(t, s)).collect(),
    )))
}

pub(crate) fn zipmap(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (k, v) = (cx.list(&a[0])?, cx.list(&a[1])?);
    let (Some(k), Some(v)) = (k, v) else {
        return cx.unknown();
    };
    if k.len() != v.len() {
        return cx.err(format!(
            "{} keys but {} values: the lists must have the same length",
            k.len(),
            v.len()
        ));
    }
    let mut out = BTreeMap::new();
    for (key, val) in k.iter().zip(v) {
        let Some(key) = cx.text(key)? else {
            return cx.unknown();
        };
        out.insert(key, val.clone());
    }
    Ok(cx.node(Value::Map(out)))
}

pub(crate) fn contains(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut undecided = false;
    for it in l {
        match eq(it, &a[1], false) {
            Some(true) => return Ok(cx.node(Value::Bool(true))),
            None => undecided = true,
            Some(false) => {}
        }
    }
    if undecided {
        return cx.unknown();
    }
    Ok(cx.node(Value::Bool(false)))
}

pub(crate) fn length(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = match &a[0].value {
        Value::List(l) => l.len(),
        Value::Map(m) => m.len(),
        Value::Null => return cx.err("argument must not be null"),
        _ => match cx.text(&a[0])? {
            Some(t) => t.chars().count(),
            None => return cx.unknown(),
        },
    };
    Ok(cx.node(Value::Number(n as f64)))
}

pub(crate) fn coalesce(cx: &Cx, a: &[Node]) -> R {
    if a.is_empty() {
        return cx.err("expected at least 1 argument, got 0");
    }
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Unknown => return cx.unknown(),
            // A partly known string: empty only if all its literal text is and its unknown
            // parts are.
            Value::Interp(p) if p.iter().all(|p| matches!(p, Piece::Unknown)) => {
                return cx.unknown();
            }
            // Resource attributes referenced exist and are not empty.
            _ => return Ok(n.clone()),
        }
    }
    cx.err("no non-null, non-empty-string arguments")
}

pub(crate) fn coalescelist(cx: &Cx, a: &[Node]) -> R {
    if a.is_empty() {
        return cx.err("expected at least 1 argument, got 0");
    }
    for n in a {
        match &n.value {
            Value::Null => {}
            Value::List(l) if l.is_empty() => {}
            Value::List(_) => return Ok(n.clone()),
            Value::Ref(_) | Value::Unknown => return cx.unknown(),
            _ => return cx.err("arguments must be lists"),
        }
    }
    cx.err("no non-null arguments")
}

pub(crate) fn compact(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for it in l {
        match &it.value {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Unknown => return cx.unknown(),
            Value::List(_) | Value::Map(_) => return cx.err("elements must be strings"),
            _ => out.push(it.clone()),
        }
    }
    Ok(cx.node(Value::List(out)))
}

pub(crate) fn one(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    match l.as_slice() {
        [] => Ok(cx.node(Value::Null)),
        [x] => Ok(x.clone()),
        _ => cx.err(format!(
            "must be a list, set, or tuple value with either zero or one elements, not {}",
            l.len()
        )),
    }
}

pub(crate) fn range(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, 3)?;
    let mut nums = Vec::new();
    for n in a {
        match cx.num(n)? {
            Some(x) => nums.push(x),
            None => return cx.unknown(),
        }
    }
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if s <= e { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return cx.err("expected 1 to 3 arguments"),
    };
    if step == 0.0 {
        return cx.err("step must not be zero");
    }
    if step > 0.0 && end < start {
        return cx.err("when step is positive, start must be less than or equal to end");
    }
    if step < 0.0 && end > start {
        return cx.err("when step is negative, start must be greater than or equal to end");
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        if out.len() >= MAX_RANGE {
            return cx.err(format!("more than {MAX_RANGE} values"));
        }
        out.push(cx.node(Value::Number(x)));
        x += step;
    }
    Ok(cx.node(Value::List(out)))
}

pub(crate) fn chunklist(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let l = cx.list(&a[0])?;
    let size = cx.int(&a[1])?;
    if let Some(s) = size
        && s < 0
    {
        return cx.err("the size argument must be positive");
    }
    let (Some(l), Some(size)) = (l, size) else {
        return cx.unknown();
    };
    let chunks: Vec<Node> = if size == 0 || l.is_empty() {
        if l.is_empty() {
            vec![]
        } else {
            vec![cx.node(Value::List(l.clone()))]
        }
    } else {
        l.chunks(size as usize)
            .map(|c| cx.node(Value::List(c.to_vec())))
            .collect()
    };
    Ok(cx.node(Value::List(chunks)))
}

pub(crate) fn lists<'n>(cx: &Cx, a: &'n [Node]) -> Result<Option<Vec<&'n Vec<Node>>>, String> {
    let mut out = Vec::new();
    let mut unknown = false;
    for n in a {
        match cx.list(n)? {
            Some(l) => out.push(l),
            None => unknown = true,
        }
    }
    Ok(if unknown { None } else { Some(out) })
}

pub(crate) fn setunion(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let all: Vec<Node> = ls.into_iter().flatten().cloned().collect();
    to_set(cx, &all)
}

/// Whether `x` is in `l` (strict equality); `None` when undecidable.
pub(crate) fn member(x: &Node, l: &[Node]) -> Option<bool> {
    let mut undecided = false;
    for it in l {
        match eq(x, it, false) {
            Some(true) => return Some(true),
            None => undecided = true,
            Some(false) => {}
        }
    }
    if undecided { None } else { Some(false) }
}

pub(crate) fn setintersection(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for x in ls[0] {
        let mut keep = true;
        for other in &ls[1..] {
            match member(x, other) {
                Some(true) => {}
                Some(false) => {
                    keep = false;
                    break;
                }
                None => return cx.unknown(),
            }
        }
        if keep {
            out.push(x.clone());
        }
    }
    to_set(cx, &out)
}

pub(crate) fn setsubtract(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let mut out = Vec::new();
    for x in ls[0] {
        match member(x, ls[1]) {
            Some(true) => {}
            Some(false) => out.push(x.clone()),
            None => return cx.unknown(),
        }
    }
    to_set(cx, &out)
}

pub(crate) fn alltrue_anytrue(cx: &Cx, a: &[Node], all: bool) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    let mut undecided = false;
    for it in l {
        match cx.boolean(it)? {
            Some(b) if b != all => return Ok(cx.node(Value::Bool(!all))),
            Some(_) => {}
            None => undecided = true,
        }
    }
    if undecided {
        return cx.unknown();
    }
    Ok(cx.node(Value::Bool(all)))
}

pub(crate) fn sum(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    if l.is_empty() {
        return cx.err("cannot sum an empty list");
    }
    let mut total = 0.0;
    for it in l {
        match cx.num(it)? {
            Some(x) => total += x,
            None => return cx.unknown(),
        }
    }
    Ok(cx.node(Value::Number(total)))
}

pub(crate) fn reverse(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(l) = cx.list(&a[0])? else {
        return cx.unknown();
    };
    Ok(cx.node(Value::List(l.iter().rev().cloned().collect())))
}

pub(crate) fn keys(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(m) = cx.map(&a[0])? else {
        return cx.unknown();
    };
    let keys = m
        .keys()
        .map(|k| Node::string(k.clone(), cx.span()))
        .collect();
    Ok(cx.node(Value::List(keys)))
}

pub(crate) fn values(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(m) = cx.map(&a[0])? else {
        return cx.unknown();
    };
    Ok(cx.node(Value::List(m.values().cloned().collect())))
}

/// Most combinations `setproduct()` builds (a guard against huge products).
const MAX_PRODUCT: usize = 10_000;

/// `setproduct(a, b, ...)`: every combination taking one element from each argument, in
/// order (the first argument varies slowest).
pub(crate) fn setproduct(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 2, usize::MAX)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let mut total: usize = 1;
    for l in &ls {
        total = total.saturating_mul(l.len());
    }
    if total > MAX_PRODUCT {
        return cx.err(format!("more than {MAX_PRODUCT} combinations"));
    }
    let mut out: Vec<Vec<Node>> = vec![Vec::new()];
    for l in ls {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                l.iter().map(move |x| {
                    let mut p = prefix.clone();
                    p.push(x.clone());
                    p
                })
            })
            .collect();
    }
    let items = out
        .into_iter()
        .map(|combo| cx.node(Value::List(combo)))
        .collect();
    Ok(cx.node(Value::List(items)))
}

/// `matchkeys(values, keys, searchset)`: the elements of `values` whose element at the same
/// index in `keys` is in `searchset`.
pub(crate) fn matchkeys(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let Some(ls) = lists(cx, a)? else {
        return cx.unknown();
    };
    let (values, keys, search) = (ls[0], ls[1], ls[2]);
    if values.len() != keys.len() {
        return cx.err("length of keys and values should be equal");
    }
    let mut out = Vec::new();
    for (v, k) in values.iter().zip(keys) {
        match member(k, search) {
            Some(true) => out.push(v.clone()),
            Some(false) => {}
            None => return cx.unknown(),
        }
    }
    Ok(cx.node(Value::List(out)))
}

/// `transpose(map of lists of strings)`: each string becomes a key listing the keys it
/// appeared under (in key order).
pub(crate) fn transpose(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(m) = cx.map(&a[0])? else {
        return cx.unknown();
    };
    let mut out: BTreeMap<String, Vec<Node>> = BTreeMap::new();
    for (k, v) in m {
        let Some(l) = cx.list(v)? else {
            return cx.unknown();
        };
        for item in l {
            let Some(s) = cx.text(item)? else {
                return cx.unknown();
            };
            out.entry(s)
                .or_default()
                .push(Node::string(k.clone(), cx.span()));
        }
    }
    let m = out
        .into_iter()
        .map(|(k, v)| (k, cx.node(Value::List(v))))
        .collect();
    Ok(cx.node(Value::Map(m)))
}
