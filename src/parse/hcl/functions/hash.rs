//! Hash and crypto functions (`sha256`, `sha512`, `base64sha256`, `filesha256`,
//! `filebase64sha256`, ...). `md5`, `sha1` and their file forms are not evaluated (no digest
//! crate for them here): the evaluator notes them.

use super::filesystem::read_file;
use super::{Cx, R};
use crate::value::Value;
use base64::Engine as _;

pub(crate) fn raw_digest(sha256: bool, data: &[u8]) -> Vec<u8> {
    use sha2::Digest as _;
    if sha256 {
        sha2::Sha256::digest(data).to_vec()
    } else {
        sha2::Sha512::digest(data).to_vec()
    }
}

pub(crate) fn hex_digest(sha256: bool, data: &[u8]) -> String {
    raw_digest(sha256, data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn base64_digest(sha256: bool, data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(raw_digest(sha256, data))
}

/// `filesha256`/`filesha512` (hex) and `filebase64sha256`/`filebase64sha512` (base64) of a
/// file's bytes.
pub(crate) fn file_digest(cx: &Cx, a: &[crate::value::Node], sha256: bool, b64: bool) -> R {
    cx.arity(a, 1)?;
    let Some(path) = cx.text(&a[0])? else {
        return cx.unknown();
    };
    let (_, bytes) = read_file(cx, &path)?;
    let text = if b64 {
        base64_digest(sha256, &bytes)
    } else {
        hex_digest(sha256, &bytes)
    };
    Ok(cx.node(Value::String(text)))
}
