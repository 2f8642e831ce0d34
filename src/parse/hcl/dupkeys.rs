//! Object literals with a key written twice. Terraform accepts them (the last value wins),
//! `hcl-edit` rejects the whole file. Each repeated key is renamed to a unique quoted key
//! that carries the original name ([`MARK`]); the syntax tree maps it back
//! ([`original_key`]), so evaluation sees the key twice and keeps the last value, and the
//! caller warns. Columns after a renamed key on its line shift by the marker's length.

use std::borrow::Cow;

/// The prefix of a renamed key: `rolegraph-duplicate-key-3:Name`.
const MARK: &str = "rolegraph-duplicate-key-";

/// At most this many repeated keys are renamed in one file; past that the file stays a
/// syntax error (each renaming parses the file again).
pub const MAX_RENAMES: usize = 64;

/// The key as written in the configuration, for a key that may have been renamed.
pub fn original_key(key: &str) -> &str {
    key.strip_prefix(MARK)
        .and_then(|rest| rest.split_once(':'))
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(key, |(_, k)| k)
}

/// Rename the key that starts at 1-based `line` and `col` (in characters) to a unique
/// quoted key numbered `n`. Returns the new text and the key as written, or `None` when
/// no identifier or quoted string starts there.
pub fn rename(text: &str, line: usize, col: usize, n: usize) -> Option<(String, String)> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &text[line_start..];
    let start = line_start
        + rest
            .char_indices()
            .nth(col.checked_sub(1)?)
            .map(|(i, _)| i)?;
    let tail = &text[start..];
    let (end, key): (usize, Cow<str>) = if let Some(body) = tail.strip_prefix('"') {
        // A quoted key: up to the closing quote, escapes skipped.
        let mut escaped = false;
        let mut close = None;
        for (i, c) in body.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    close = Some(i);
                    break;
                }
                '\n' => return None,
                _ => {}
            }
        }
        let close = close?;
        (start + 1 + close + 1, Cow::Borrowed(&body[..close]))
    } else {
        let len = tail
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '-'))
            .map_or(tail.len(), |(i, _)| i);
        if len == 0 {
            return None;
        }
        (start + len, Cow::Borrowed(&tail[..len]))
    };
    let renamed = format!("\"{MARK}{n}:{key}\"");
    let mut out = String::with_capacity(text.len() + renamed.len());
    out.push_str(&text[..start]);
    out.push_str(&renamed);
    out.push_str(&text[end..]);
    Some((out, key.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_an_identifier_or_a_quoted_key_and_maps_it_back() {
        let (t, k) = rename("x = {\n  a = 1\n  a = 2\n}\n", 3, 3, 0).unwrap();
        assert_eq!(k, "a");
        assert_eq!(
            t,
            "x = {\n  a = 1\n  \"rolegraph-duplicate-key-0:a\" = 2\n}\n"
        );
        let (t, k) = rename("{ \"k.io/x\" = 1, \"k.io/x\" = 2 }", 1, 17, 4).unwrap();
        assert_eq!(k, "k.io/x");
        assert!(t.contains("\"rolegraph-duplicate-key-4:k.io/x\" = 2"));
        assert_eq!(original_key("rolegraph-duplicate-key-4:k.io/x"), "k.io/x");
        assert_eq!(
            original_key("rolegraph-duplicate-key-x:k"),
            "rolegraph-duplicate-key-x:k"
        );
        assert_eq!(original_key("plain"), "plain");
        assert!(rename("a = 1", 1, 3, 0).is_none());
        assert!(rename("a = 1", 9, 1, 0).is_none());
    }
}
