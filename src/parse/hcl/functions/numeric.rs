//! Numeric functions (`min`, `max`, `abs`, `ceil`, `pow`, `parseint`, ...).

use super::{Cx, R};
use crate::value::{Node, Value};

// ---------------------------------------------------------------------------------------
// Numbers

pub(crate) fn num_map(cx: &Cx, a: &[Node], f: impl Fn(f64) -> f64) -> R {
    cx.arity(a, 1)?;
    match cx.num(&a[0])? {
        Some(x) => Ok(cx.node(Value::Number(f(x)))),
        None => cx.unknown(),
    }
}

pub(crate) fn num2(cx: &Cx, a: &[Node], f: impl Fn(f64, f64) -> f64) -> R {
    cx.arity(a, 2)?;
    let (x, y) = (cx.num(&a[0])?, cx.num(&a[1])?);
    match (x, y) {
        (Some(x), Some(y)) => {
            let r = f(x, y);
            if r.is_finite() {
                Ok(cx.node(Value::Number(r)))
            } else {
                cx.err("result is not a finite number")
            }
        }
        _ => cx.unknown(),
    }
}

pub(crate) fn min_max(cx: &Cx, a: &[Node], max: bool) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let mut best: Option<f64> = None;
    let mut unknown = false;
    for n in a {
        match cx.num(n)? {
            Some(x) => {
                best = Some(match best {
                    Some(b) if max => b.max(x),
                    Some(b) => b.min(x),
                    None => x,
                })
            }
            None => unknown = true,
        }
    }
    match best {
        Some(b) if !unknown => Ok(cx.node(Value::Number(b))),
        _ => cx.unknown(),
    }
}

pub(crate) fn parseint(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (s, base) = (cx.text(&a[0])?, cx.int(&a[1])?);
    let (Some(s), Some(base)) = (s, base) else {
        return cx.unknown();
    };
    if !(2..=36).contains(&base) {
        return cx.err("base must be a whole number between 2 and 36");
    }
    match i64::from_str_radix(&s, base as u32) {
        Ok(x) => Ok(cx.node(Value::Number(x as f64))),
        Err(_) => cx.err(format!("cannot parse {s:?} as a base {base} integer")),
    }
}
