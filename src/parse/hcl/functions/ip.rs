//! IP network functions (`cidrhost`, `cidrnetmask`, `cidrsubnet`, `cidrsubnets`).
//!
//! Addresses are held as `u128` with their width (32 or 128 bits), so IPv4 and IPv6 share
//! one arithmetic. Results are in canonical form (the network address, RFC 5952 for IPv6),
//! and the argument errors are Terraform's.

use super::{Cx, R};
use crate::value::{Node, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A parsed prefix: its network address, prefix length and address width in bits.
#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    len: u32,
    bits: u32,
}

impl Net {
    /// How many addresses the prefix holds; 0 stands for 2^128 (an IPv6 /0).
    fn size(&self) -> u128 {
        let host = self.bits - self.len;
        if host >= 128 { 0 } else { 1u128 << host }
    }
    fn show(&self, addr: u128) -> String {
        if self.bits == 32 {
            Ipv4Addr::from(addr as u32).to_string()
        } else {
            Ipv6Addr::from(addr).to_string()
        }
    }
}

/// Mask keeping the top `len` bits of a `bits`-wide address.
fn mask(len: u32, bits: u32) -> u128 {
    let all = if bits == 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    };
    if len == 0 {
        0
    } else {
        all & !((1u128 << (bits - len)) - 1)
    }
}

fn parse(cx: &Cx, n: &Node) -> Result<Option<Net>, String> {
    let Some(s) = cx.text(n)? else {
        return Ok(None);
    };
    let bad = || format!("{}: invalid CIDR expression: {s:?}", cx.name);
    let (ip, len) = s.split_once('/').ok_or_else(bad)?;
    let ip: IpAddr = ip.parse().map_err(|_| bad())?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) || len.len() > 3 {
        return Err(bad());
    }
    let len: u32 = len.parse().map_err(|_| bad())?;
    let (addr, bits) = match ip {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    };
    if len > bits {
        return Err(bad());
    }
    Ok(Some(Net {
        addr: addr & mask(len, bits),
        len,
        bits,
    }))
}

/// The subnet `netnum` of `newbits` more bits inside `net`.
fn subnet(cx: &Cx, net: Net, newbits: i64, netnum: i64) -> Result<Net, String> {
    if newbits < 0 {
        return cx.err("newbits must not be negative");
    }
    let len = i64::from(net.len) + newbits;
    if len > i64::from(net.bits) {
        return cx.err(format!(
            "insufficient address space to extend prefix of {} by {newbits}",
            net.len
        ));
    }
    let len = len as u32;
    let newbits = newbits as u32;
    if netnum < 0 || (newbits < 64 && (netnum as u128) >= (1u128 << newbits)) {
        return cx.err(format!(
            "prefix extension of {newbits} does not accommodate a subnet numbered {netnum}"
        ));
    }
    let shift = net.bits - len;
    let offset = if shift >= 128 {
        0
    } else {
        (netnum as u128) << shift
    };
    Ok(Net {
        addr: net.addr | offset,
        len,
        bits: net.bits,
    })
}

fn show_net(n: Net) -> String {
    format!("{}/{}", n.show(n.addr), n.len)
}

/// `cidrsubnet(prefix, newbits, netnum)`.
pub(crate) fn cidrsubnet(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 3)?;
    let (net, newbits, netnum) = (parse(cx, &a[0])?, cx.int(&a[1])?, cx.int(&a[2])?);
    let (Some(net), Some(newbits), Some(netnum)) = (net, newbits, netnum) else {
        return cx.unknown();
    };
    let sub = subnet(cx, net, newbits, netnum)?;
    Ok(cx.node(Value::String(show_net(sub))))
}

/// `cidrhost(prefix, hostnum)`: a negative number counts back from the last address.
pub(crate) fn cidrhost(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 2)?;
    let (net, hostnum) = (parse(cx, &a[0])?, cx.int(&a[1])?);
    let (Some(net), Some(hostnum)) = (net, hostnum) else {
        return cx.unknown();
    };
    let size = net.size();
    let host = u128::from(hostnum.unsigned_abs());
    let offset = match (hostnum >= 0, size) {
        // A /0 IPv6 prefix holds every i64.
        (true, 0) => Some(host),
        (true, _) if host < size => Some(host),
        (false, 0) => Some(0u128.wrapping_sub(host)),
        (false, _) if host <= size => Some(size - host),
        _ => None,
    };
    let Some(offset) = offset else {
        return cx.err(format!(
            "prefix of {} bits cannot accommodate a host numbered {hostnum}",
            net.len
        ));
    };
    Ok(cx.node(Value::String(net.show(net.addr | offset))))
}

/// `cidrnetmask(prefix)`: IPv4 only, as in Terraform.
pub(crate) fn cidrnetmask(cx: &Cx, a: &[Node]) -> R {
    cx.arity(a, 1)?;
    let Some(net) = parse(cx, &a[0])? else {
        return cx.unknown();
    };
    if net.bits != 32 {
        return cx.err("only IPv4 networks are supported");
    }
    Ok(cx.node(Value::String(net.show(mask(net.len, 32)))))
}

/// `cidrsubnets(prefix, newbits...)`: consecutive subnets, each aligned on its own size,
/// allocated in order from the start of the prefix.
pub(crate) fn cidrsubnets(cx: &Cx, a: &[Node]) -> R {
    cx.arity_range(a, 1, usize::MAX)?;
    let Some(net) = parse(cx, &a[0])? else {
        return cx.unknown();
    };
    let mut widths = Vec::with_capacity(a.len() - 1);
    for (i, n) in a[1..].iter().enumerate() {
        let Some(w) = cx.int(n)? else {
            return cx.unknown();
        };
        if w < 1 {
            return cx.err(format!(
                "argument {}: must extend prefix by at least one bit",
                i + 2
            ));
        }
        let len = i64::from(net.len) + w;
        if len > i64::from(net.bits) {
            let family = if net.bits == 32 { "IPv4" } else { "IPv6" };
            return cx.err(format!(
                "argument {}: would extend prefix to {len} bits, which is too long for an {family} address",
                i + 2
            ));
        }
        widths.push(len as u32);
    }
    // The first address not yet allocated, as an offset into the prefix (u128 plus a flag
    // for "the whole prefix is used", which an IPv6 /0 needs).
    let mut next: u128 = 0;
    let mut full = false;
    let mut out = Vec::with_capacity(widths.len());
    let end = net.size().wrapping_sub(1);
    for len in widths {
        let step_bits = net.bits - len;
        let step = if step_bits >= 128 {
            0
        } else {
            1u128 << step_bits
        };
        let aligned = if step == 0 || next.is_multiple_of(step) {
            Some(next)
        } else {
            (next / step + 1).checked_mul(step)
        };
        let fits = !full
            && aligned.is_some_and(|s| {
                let last = if step == 0 {
                    Some(u128::MAX)
                } else {
                    s.checked_add(step - 1)
                };
                (step != 0 || s == 0) && last.is_some_and(|l| l <= end)
            });
        let (Some(start), true) = (aligned, fits) else {
            return cx.err(format!(
                "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                out.last()
                    .and_then(|n: &Node| n.as_str().map(str::to_string))
                    .unwrap_or_else(|| show_net(net))
            ));
        };
        let sub = Net {
            addr: net.addr | start,
            len,
            bits: net.bits,
        };
        out.push(cx.node(Value::String(show_net(sub))));
        match start.checked_add(step) {
            Some(n) if step != 0 && n <= end => next = n,
            _ => full = true,
        }
    }
    Ok(cx.node(Value::List(out)))
}
