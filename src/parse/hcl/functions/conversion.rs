//! Type conversion functions (`tostring`, `tonumber`, `tolist`, `toset`, `tomap`, ...).

use super::collection::{to_set, unify};
use super::{Cx, R};
use crate::value::{Node, Value, format_number};

// ---------------------------------------------------------------------------------------
// Type conversions

pub(crate) fn tostring(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::String(_) | Value::Ref(_) | Value::Interp(_) | Value::Json(_) | Value::Null => {
            Ok(n.clone())
        }
        Value::Number(x) => Ok(Node::string(format_number(*x), n.span.clone())),
        Value::Bool(b) => Ok(Node::string(b.to_string(), n.span.clone())),
        Value::Unknown => cx.unknown(),
        _ => cx.err("cannot convert a list or map to a string"),
    }
}

pub(crate) fn tonumber(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::Null => Ok(n.clone()),
        Value::Bool(_) => cx.err("cannot convert a bool to a number"),
        _ => match cx.num(n)? {
            Some(x) => Ok(Node::new(Value::Number(x), n.span.clone())),
            None => cx.unknown(),
        },
    }
}

pub(crate) fn tobool(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    match &n.value {
        Value::Null => Ok(n.clone()),
        Value::String(s) if s != "true" && s != "false" => {
            cx.err(format!("cannot convert {s:?} to a bool"))
        }
        _ => match cx.boolean(n)? {
            Some(b) => Ok(Node::new(Value::Bool(b), n.span.clone())),
            None => cx.unknown(),
        },
    }
}

pub(crate) fn tolist(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    let Some(l) = cx.list(n)? else {
        return cx.unknown();
    };
    Ok(Node::new(Value::List(unify(l)), n.span.clone()))
}

pub(crate) fn toset(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    let Some(l) = cx.list(n)? else {
        return cx.unknown();
    };
    let mut set = to_set(cx, l)?;
    if !matches!(set.value, Value::Unknown) {
        set.span = n.span.clone();
    }
    Ok(set)
}

pub(crate) fn tomap(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let n = &a[0];
    if n.is_null() {
        return Ok(n.clone());
    }
    match cx.map(n)? {
        Some(_) => Ok(n.clone()),
        None => cx.unknown(),
    }
}

/// `sensitive`, `nonsensitive`, `ephemeralasnull`: the value itself (sensitivity is not
/// tracked; masking happens at output).
pub(crate) fn identity(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    Ok(a[0].clone())
}
