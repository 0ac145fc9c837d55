//! Trace data carried inside a share link's fragment (which never reaches a server): small
//! local files, deflated and base64url-encoded. Invariants: decoding never allocates beyond
//! `MAX_DECODED_BYTES` and refuses fragments over `MAX_FRAGMENT_CHARS`, so a hostile link
//! cannot make the tab allocate gigabytes; `decode(encode(x)) == x`.
//!
//! ```text
//! #data=1~<percent-encoded name>~<base64url deflate(bytes)>~<name>~<data>...
//! #data=1~...&vsdata=1~<name>~<data>...     a comparison's baseline files too (or alone)
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
    encode_sides(Some(files), None)
}

/// Encodes the loaded sources' files (`data=...`) and a comparison's baseline files
/// (`vsdata=...`), either or both; `None` when together they exceed `MAX_EMBED_CHARS` (or
/// neither is given).
pub fn encode_sides(
    sources: Option<&[(String, Vec<u8>)]>,
    baseline: Option<&[(String, Vec<u8>)]>,
) -> Option<String> {
    let mut total = 0;
    let mut parts = Vec::new();
    for (head, files) in [("data=1", sources), ("vsdata=1", baseline)] {
        if let Some(files) = files {
            parts.push(encode_list(head, files, &mut total)?);
        }
    }
    (!parts.is_empty()).then(|| parts.join("&"))
}

fn encode_list(head: &str, files: &[(String, Vec<u8>)], total: &mut usize) -> Option<String> {
    let mut parts = vec![head.to_string()];
    for (name, bytes) in files {
        let mut z = DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(bytes).ok()?;
        let packed = B64.encode(z.finish().ok()?);
        *total += packed.len() + name.len();
        if *total > MAX_EMBED_CHARS {
            return None;
        }
        parts.push(utf8_percent_encode(name, NON_ALPHANUMERIC).to_string());
        parts.push(packed);
    }
    Some(parts.join("~"))
}

/// The files a fragment carries for each side of a view.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Embedded {
    /// The loaded sources' files (`data=`).
    pub sources: Option<NamedFiles>,
    /// A comparison's baseline files (`vsdata=`).
    pub baseline: Option<NamedFiles>,
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
    decode_sides(fragment).map(|e| e.sources)
}

/// Decodes both sides' files; the limits hold for the fragment as a whole.
pub fn decode_sides(fragment: &str) -> Result<Embedded, EmbedError> {
    let f = fragment.strip_prefix('#').unwrap_or(fragment);
    let lists: Vec<&str> = f
        .split('&')
        .filter(|p| p.starts_with("data=") || p.starts_with("vsdata="))
        .collect();
    if lists.is_empty() {
        return Ok(Embedded::default());
    }
    if f.len() > MAX_FRAGMENT_CHARS {
        return Err(EmbedError::TooLong(f.len()));
    }
    let baselines = lists.iter().filter(|l| l.starts_with("vsdata=")).count();
    if baselines > 1 || lists.len() - baselines > 1 {
        return Err(EmbedError::Malformed);
    }
    let mut budget = MAX_DECODED_BYTES;
    let mut out = Embedded::default();
    for list in lists {
        let (head, slot) = match list.starts_with("vsdata=") {
            true => ("vsdata=1", &mut out.baseline),
            false => ("data=1", &mut out.sources),
        };
        *slot = Some(decode_list(head, list, &mut budget)?);
    }
    Ok(out)
}

fn decode_list(head: &str, list: &str, budget: &mut u64) -> Result<NamedFiles, EmbedError> {
    let mut parts = list.split('~');
    if parts.next() != Some(head) {
        return Err(EmbedError::Malformed);
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || !rest.len().is_multiple_of(2) {
        return Err(EmbedError::Malformed);
    }
    let mut out = Vec::new();
    for pair in rest.chunks(2) {
        let name = percent_decode_str(pair[0]).decode_utf8_lossy().into_owned();
        let packed = B64
            .decode(pair[1])
            .map_err(|e| EmbedError::Corrupt(e.to_string()))?;
        let mut bytes = Vec::new();
        // read one byte past the budget to tell "exactly at the limit" from "over it"
        DeflateDecoder::new(packed.as_slice())
            .take(*budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| EmbedError::Corrupt(e.to_string()))?;
        if bytes.len() as u64 > *budget {
            return Err(EmbedError::TooLarge);
        }
        *budget -= bytes.len() as u64;
        out.push((name, bytes));
    }
    Ok(out)
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
    fn both_sides_of_a_comparison_travel_in_one_fragment() {
        let b = vec![("b.jsonl".to_string(), b"{\"b\": 1}\n".repeat(20))];
        let a = vec![("a.jsonl".to_string(), b"{\"a\": 2}\n".repeat(30))];
        let both = encode_sides(Some(&b), Some(&a)).unwrap();
        assert!(
            both.starts_with("data=1~") && both.contains("&vsdata=1~"),
            "{both}"
        );
        let e = decode_sides(&format!("#{both}")).unwrap();
        assert_eq!((e.sources, e.baseline), (Some(b.clone()), Some(a.clone())));
        // the baseline alone (B came from a URL); plain `decode` sees no sources there
        let only_a = encode_sides(None, Some(&a)).unwrap();
        assert_eq!(decode(&only_a).unwrap(), None);
        assert_eq!(decode_sides(&only_a).unwrap().baseline, Some(a));
        assert_eq!(
            decode(&both).unwrap(),
            Some(b),
            "a link's sources as before"
        );
        assert_eq!(encode_sides(None, None), None);
        assert_eq!(
            decode_sides("data=1~x~AA&data=1~y~AA"),
            Err(EmbedError::Malformed),
            "one list per side"
        );
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
            "vsdata=2~a~b",
            "data=1~a~b&vsdata=1",
            "data=1~a",
            "data=1~a~!!!",
            "data=1~a~AAAA",
            "data=1",
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }
}
