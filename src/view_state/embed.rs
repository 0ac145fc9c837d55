//! Trace data carried inside a share link's fragment (which never reaches a server): small
//! local files, deflated and base64url-encoded. Invariants: decoding never allocates beyond
//! `MAX_DECODED_BYTES` and refuses fragments over `MAX_FRAGMENT_CHARS`, so a hostile link
//! cannot make the tab allocate gigabytes; `decode(encode(x)) == x`.
//!
//! ```text
//! #data=1~<percent-encoded name>~<base64url deflate(bytes)>~<name>~<data>...
//! ```

use base64::Engine;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};
use std::io::{Read, Write};

/// Named byte buffers (file name, contents) as carried by a link.
pub type NamedFiles = Vec<(String, Vec<u8>)>;

/// Largest embedded payload a link may carry (compressed, encoded), characters.
pub const MAX_EMBED_CHARS: usize = 64 * 1024;
/// Largest fragment accepted when opening a link, characters.
pub const MAX_FRAGMENT_CHARS: usize = 256 * 1024;
/// Largest total decoded size accepted from a link, bytes.
pub const MAX_DECODED_BYTES: u64 = 32 * 1024 * 1024;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Encodes files as fragment text (`data=...`); `None` when it would exceed `MAX_EMBED_CHARS`.
pub fn encode(files: &[(String, Vec<u8>)]) -> Option<String> {
    let mut parts = vec!["data=1".to_string()];
    let mut total = 0;
    for (name, bytes) in files {
        let mut z = DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(bytes).ok()?;
        let packed = B64.encode(z.finish().ok()?);
        total += packed.len() + name.len();
        if total > MAX_EMBED_CHARS {
            return None;
        }
        parts.push(utf8_percent_encode(name, NON_ALPHANUMERIC).to_string());
        parts.push(packed);
    }
    Some(parts.join("~"))
}

/// Why a fragment could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmbedError {
    /// Longer than `MAX_FRAGMENT_CHARS`.
    TooLong(usize),
    /// Not `data=1~name~data...`.
    Malformed,
    /// Inflates beyond `MAX_DECODED_BYTES`.
    TooLarge,
    /// Bad base64 or deflate data.
    Corrupt(String),
}

impl std::fmt::Display for EmbedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EmbedError::TooLong(n) => write!(
                f,
                "the link's embedded data is {n} characters, over the {MAX_FRAGMENT_CHARS} limit"
            ),
            EmbedError::Malformed => {
                write!(f, "the link's embedded data is not in the expected form")
            }
            EmbedError::TooLarge => write!(
                f,
                "the link's embedded data inflates beyond {} MB",
                MAX_DECODED_BYTES / (1024 * 1024)
            ),
            EmbedError::Corrupt(why) => write!(f, "the link's embedded data is corrupt ({why})"),
        }
    }
}

/// Decodes fragment text (with or without `#`); `Ok(None)` when it carries no data.
pub fn decode(fragment: &str) -> Result<Option<NamedFiles>, EmbedError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    if !f.starts_with("data=") {
        return Ok(None);
    }
    if f.len() > MAX_FRAGMENT_CHARS {
        return Err(EmbedError::TooLong(f.len()));
    }
    let mut parts = f.split('~');
    if parts.next() != Some("data=1") {
        return Err(EmbedError::Malformed);
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(EmbedError::Malformed);
    }
    let mut budget = MAX_DECODED_BYTES;
    let mut out = Vec::new();
    for pair in rest.chunks(2) {
        let name = percent_decode_str(pair[0]).decode_utf8_lossy().into_owned();
        let packed = B64
            .decode(pair[1])
            .map_err(|e| EmbedError::Corrupt(e.to_string()))?;
        let mut bytes = Vec::new();
        // read one byte past the budget to tell "exactly at the limit" from "over it"
        DeflateDecoder::new(packed.as_slice())
            .take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| EmbedError::Corrupt(e.to_string()))?;
        if bytes.len() as u64 > budget {
            return Err(EmbedError::TooLarge);
        }
        budget -= bytes.len() as u64;
        out.push((name, bytes));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_names_and_bytes() {
        let files = vec![
            ("spans (1).jsonl".to_string(), b"{\"a\": 1}\n".repeat(50)),
            ("ünï~code.json".to_string(), vec![0, 255, 7]),
        ];
        let text = encode(&files).unwrap();
        assert_eq!(decode(&format!("#{text}")).unwrap(), Some(files));
        assert_eq!(decode("#t=1,2").unwrap(), None);
    }

    #[test]
    fn oversized_payloads_are_refused_both_ways() {
        // incompressible data over the embed limit is not embedded
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<u8> = (0..200_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 32) as u8
            })
            .collect();
        assert_eq!(encode(&[("n".into(), noise)]), None);
        // a small link that inflates to more than the limit (a "zip bomb") is refused
        let mut z = DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![b'a'; (MAX_DECODED_BYTES + 10) as usize])
            .unwrap();
        let bomb = format!("data=1~x~{}", B64.encode(z.finish().unwrap()));
        assert!(bomb.len() < MAX_FRAGMENT_CHARS);
        assert_eq!(decode(&bomb), Err(EmbedError::TooLarge));
        assert!(matches!(
            decode(&format!("data=1~x~{}", "A".repeat(MAX_FRAGMENT_CHARS))),
            Err(EmbedError::TooLong(_))
        ));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for bad in [
            "data=2~a~b",
            "data=1~a",
            "data=1~a~!!!",
            "data=1~a~AAAA",
            "data=1",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
