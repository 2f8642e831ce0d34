//! One module per input format; each turns files into a [`crate::document::Document`].

pub mod cfn;
pub mod hcl;
pub mod json;
pub mod lines;
pub mod plan;

use crate::value::Span;
use std::sync::Arc;

/// Where a file stops being valid UTF-8: the line and column of the first bad byte.
pub fn utf8_error_span(file: &Arc<str>, e: &std::string::FromUtf8Error) -> Span {
    let off = e.utf8_error().valid_up_to();
    let valid = std::str::from_utf8(&e.as_bytes()[..off]).unwrap_or("");
    let line = valid.matches('\n').count() as u32 + 1;
    let col = valid
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32
        + 1;
    Span::new(file.clone(), line, col, line, col + 1)
}
