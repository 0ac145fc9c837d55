//! Identifiers. External ids (`TraceId`, `SpanId`) come from files and go in links; dense
//! indices (`SpanIdx`, `TraceIdx`, `StrIdx`, `FileIdx`, `ResourceIdx`) index our own tables.
//! Normalisation (FORMATS.md §1): ids become integers, printed as lowercase zero-padded hex.

use std::fmt;

/// An OpenTelemetry trace id (128 bits; 64-bit ids occupy the low half).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TraceId(pub u128);

/// An OpenTelemetry span id (64 bits). Zero is the invalid id and means "none".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SpanId(pub u64);

macro_rules! dense_index {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for slicing.
            pub fn ix(self) -> usize {
                self.0 as usize
            }
        }
    };
}

dense_index!(
    /// Dense index of a span in `Trace::spans`.
    SpanIdx
);
dense_index!(
    /// Dense index of a trace id in `Trace::trace_ids`.
    TraceIdx
);
dense_index!(
    /// Dense index of an interned string in `Trace::strings`; 0 is the empty string.
    StrIdx
);
dense_index!(
    /// Dense index of a source (file or URL) in `Trace::sources`.
    FileIdx
);
dense_index!(
    /// Dense index of a deduplicated resource in `Trace::resources`.
    ResourceIdx
);
dense_index!(
    /// Dense index of a node of the lineage DAG (a FlowMesh data id) in the analysis' node list.
    DagNodeIdx
);

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Parses hex with an optional `0x`/`0X` prefix, either case, at most `max_digits` digits.
fn parse_hex(text: &str, max_digits: usize) -> Option<u128> {
    let t = text.trim();
    let t = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if t.is_empty() || t.len() > max_digits || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u128::from_str_radix(t, 16).ok()
}

impl TraceId {
    /// Hex trace id (`0x` prefix optional, 1..=32 digits, any case).
    pub fn parse_hex(text: &str) -> Option<TraceId> {
        parse_hex(text, 32).map(TraceId)
    }
}

impl SpanId {
    /// Hex span id (`0x` prefix optional, 1..=16 digits, any case). Zero is rejected.
    pub fn parse_hex(text: &str) -> Option<SpanId> {
        parse_hex(text, 16)
            .map(|v| SpanId(v as u64))
            .filter(|s| s.0 != 0)
    }
}

/// FNV-1a, 64 bits, fed incrementally: the one hash of the project (ids that are not hex, file
/// fingerprints, colour slots). Stable across runs and platforms; not a security hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    /// Feeds one byte.
    pub fn write_byte(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }

    /// Feeds bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_byte(b);
        }
    }

    /// The hash so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes`. The documented rule for ids that are not hex (e.g. `span-1` in
/// hand-written Jaeger files): they are hashed into the id space and shown as hex.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::default();
    h.write(bytes);
    h.finish()
}

impl SpanId {
    /// Hex when it is hex, otherwise the FNV-1a hash of the text (never 0).
    pub fn from_external(text: &str) -> Option<SpanId> {
        if text.trim().is_empty() {
            return None;
        }
        SpanId::parse_hex(text).or_else(|| Some(SpanId(fnv1a64(text.as_bytes()).max(1))))
    }
}

impl TraceId {
    /// Hex when it is hex, otherwise the FNV-1a hash of the text.
    pub fn from_external(text: &str) -> Option<TraceId> {
        if text.trim().is_empty() {
            return None;
        }
        TraceId::parse_hex(text).or_else(|| Some(TraceId(u128::from(fnv1a64(text.as_bytes())))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_normalise() {
        let t = TraceId::parse_hex("0x7c1e5b0f3a2d4e6f8091a2b3c4d5e6f7").unwrap();
        assert_eq!(t.to_string(), "7c1e5b0f3a2d4e6f8091a2b3c4d5e6f7");
        assert_eq!(
            TraceId::parse_hex("5B8EFFF798038103D269B633813FC60C")
                .unwrap()
                .to_string(),
            "5b8efff798038103d269b633813fc60c"
        );
        assert_eq!(
            TraceId::parse_hex("0000000000000001").unwrap().to_string(),
            "00000000000000000000000000000001"
        );
        assert_eq!(
            SpanId::parse_hex("0xaca917d13b2d6950").unwrap().to_string(),
            "aca917d13b2d6950"
        );
    }

    #[test]
    fn fnv1a_matches_its_reference_values() {
        // the FNV reference: "" -> offset basis, "a" -> 0xaf63dc4c8601ec8c
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(
            SpanId::from_external("span-1"),
            Some(SpanId(fnv1a64(b"span-1")))
        );
    }

    #[test]
    fn bad_ids_rejected() {
        assert!(SpanId::parse_hex("zzz").is_none());
        assert!(SpanId::parse_hex("").is_none());
        assert!(SpanId::parse_hex("0x").is_none());
        assert!(SpanId::parse_hex("00000000000000000").is_none());
        assert!(SpanId::parse_hex("0000000000000000").is_none());
    }
}
