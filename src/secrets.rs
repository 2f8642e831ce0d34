//! Finding AWS credentials in text, and masking them. Used by CRED001 (over every scanned
//! file, plain and base64-decoded) and by every renderer that prints source text.
//!
//! - access key IDs: `AKIA` (long-term) or `ASIA` (temporary) and 16 more upper-case letters
//!   or digits, not inside a longer word;
//! - secret access keys: 40 characters of `A-Za-z0-9/+`, not inside a longer such run, on a
//!   line that binds them to a key-like name (`secret`, `aws_secret_access_key`,
//!   `SecretAccessKey`, ...) before them;
//! - base64 blobs (user data): decoded (and gunzipped) and searched once more.

use base64::Engine;
use std::io::Read;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretKind {
    AccessKeyId,
    SecretAccessKey,
}

impl SecretKind {
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::AccessKeyId => "an AWS access key ID",
            SecretKind::SecretAccessKey => "an AWS secret access key",
        }
    }
}

/// One credential found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hit {
    pub kind: SecretKind,
    /// Byte range in the searched text (for a hit inside a base64 blob: the blob's range).
    pub start: usize,
    pub end: usize,
    /// The credential itself (never printed: see [`mask`]).
    pub secret: String,
    /// It is one of AWS's documented example keys (`AKIAIOSFODNN7EXAMPLE`, ...).
    pub example: bool,
    /// Found by decoding a base64 blob.
    pub encoded: bool,
}

/// `AKIA****************`: the first four characters, then asterisks.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    secret
        .chars()
        .take(4)
        .chain(std::iter::repeat_n('*', n.saturating_sub(4)))
        .collect()
}

fn is_example(s: &str) -> bool {
    s.contains("EXAMPLE")
}

fn secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'/' || b == b'+'
}

const KEY_NAMES: &[&str] = &["secret", "aws_secret", "secretaccesskey", "secret_key"];

/// Every credential in `text`, in order.
pub fn find(text: &str) -> Vec<Hit> {
    let mut out = find_plain(text);
    // Base64 blobs of user data: decode and look again (once).
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'+' || bytes[i] == b'/') {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len()
            && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'+' | b'/' | b'='))
        {
            i += 1;
        }
        if i - start >= 40
            && let Some(decoded) = decode(&text[start..i])
        {
            for h in find_plain(&decoded) {
                if !out.iter().any(|o| o.secret == h.secret) {
                    out.push(Hit {
                        start,
                        end: i,
                        encoded: true,
                        ..h
                    });
                }
            }
        }
    }
    out.sort_by_key(|h| (h.start, h.end));
    out
}

/// Decode a base64 blob to text (gunzipping it when it is gzip), bounded in size.
fn decode(blob: &str) -> Option<String> {
    const LIMIT: u64 = 4 << 20;
    let raw = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(blob.trim_end_matches('='))
        .ok()?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(LIMIT)
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        raw
    };
    String::from_utf8(bytes).ok()
}

fn find_plain(text: &str) -> Vec<Hit> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Access key IDs.
    for prefix in ["AKIA", "ASIA"] {
        let mut from = 0;
        while let Some(pos) = text[from..].find(prefix) {
            let start = from + pos;
            let end = start + 20;
            from = start + 1;
            if end > bytes.len() {
                break;
            }
            let body = &bytes[start + 4..end];
            let before_ok = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
            let after_ok = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
            if before_ok
                && after_ok
                && body
                    .iter()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                let secret = text[start..end].to_string();
                out.push(Hit {
                    kind: SecretKind::AccessKeyId,
                    start,
                    end,
                    example: is_example(&secret),
                    secret,
                    encoded: false,
                });
            }
        }
    }
    // Secret access keys: a 40-character run bound to a key-like name on its line.
    let mut i = 0;
    while i < bytes.len() {
        if !secret_char(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && secret_char(bytes[i]) {
            i += 1;
        }
        if i - start != 40 {
            continue;
        }
        let token = &text[start..i];
        let mixed = token.bytes().any(|b| b.is_ascii_lowercase())
            && token.bytes().any(|b| b.is_ascii_uppercase())
            && token
                .bytes()
                .any(|b| b.is_ascii_digit() || b == b'/' || b == b'+');
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let before = text[line_start..start].to_ascii_lowercase();
        let named = KEY_NAMES.iter().any(|k| before.contains(k));
        if mixed && named {
            out.push(Hit {
                kind: SecretKind::SecretAccessKey,
                start,
                end: i,
                example: is_example(token),
                secret: token.to_string(),
                encoded: false,
            });
        }
    }
    out.sort_by_key(|h| h.start);
    out
}

/// `line` with every credential in it masked, and every base64 blob that holds one (for
/// printing source).
pub fn redact(line: &str) -> String {
    let hits = find(line);
    if hits.is_empty() {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    for h in hits {
        if h.start < at {
            continue;
        }
        out.push_str(&line[at..h.start]);
        out.push_str(&mask(&line[h.start..h.end]));
        at = h.end;
    }
    out.push_str(&line[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_keys_and_secrets() {
        let t = "access_key = \"AKIA2E0A8F3B244C9986\"\nsecret_key = \"Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\"\nother = \"XAKIA2E0A8F3B244C9986\"";
        let hits = find(t);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].kind, SecretKind::AccessKeyId);
        assert_eq!(&t[hits[0].start..hits[0].end], "AKIA2E0A8F3B244C9986");
        assert_eq!(hits[1].kind, SecretKind::SecretAccessKey);
        assert!(!hits[0].example);
        assert_eq!(mask("AKIA2E0A8F3B244C9986"), "AKIA****************");
        let r = redact("key: AKIA2E0A8F3B244C9986 end");
        assert_eq!(r, "key: AKIA**************** end");
    }

    #[test]
    fn examples_and_unbound_strings() {
        let hits = find("AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        assert_eq!(hits.len(), 2);
        assert!(hits.iter().all(|h| h.example));
        // A 40-character hash not bound to a key-like name is not a secret.
        assert!(find("commit = \"3f786850e387550fdab836ed7e6dc881de23001b\"").is_empty());
        assert!(find("digest = \"Zx9+Qw/Lr3Tn8Vb2Mc5Kd7Hf1Gj4Sa6Pe0Yu2Io8\"").is_empty());
    }

    #[test]
    fn base64_and_gzip_user_data() {
        let script = "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=AKIA2E0A8F3B244C9986\n";
        let b64 = base64::engine::general_purpose::STANDARD.encode(script);
        let text = format!("user_data_base64 = \"{b64}\"");
        let hits = find(&text);
        assert_eq!(hits.len(), 1);
        assert!(hits[0].encoded);
        assert_eq!(&text[hits[0].start..hits[0].end], b64);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, script.as_bytes()).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(gz.finish().unwrap());
        assert_eq!(find(&b64).len(), 1);
    }
}
