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

/// FNV-1a over bytes, 64 bits: the documented rule for ids that are not hex (e.g. `span-1`
/// in hand-written Jaeger files): they are hashed into the id space and shown as hex.
fn fnv1a64(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl SpanId {
    /// Hex when it is hex, otherwise the FNV-1a hash of the text (never 0).
    pub fn from_external(text: &str) -> Option<SpanId> {
        if text.trim().is_empty() {
            return None;
        }
        SpanId::parse_hex(text).or_else(|| Some(SpanId(fnv1a64(text).max(1))))
    }
}

impl TraceId {
    /// Hex when it is hex, otherwise the FNV-1a hash of the text.
    pub fn from_external(text: &str) -> Option<TraceId> {
        if text.trim().is_empty() {
            return None;
        }
        TraceId::parse_hex(text).or_else(|| Some(TraceId(u128::from(fnv1a64(text)))))
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
    fn bad_ids_rejected() {
        assert!(SpanId::parse_hex("zzz").is_none());
        assert!(SpanId::parse_hex("").is_none());
        assert!(SpanId::parse_hex("0x").is_none());
        assert!(SpanId::parse_hex("00000000000000000").is_none());
        assert!(SpanId::parse_hex("0000000000000000").is_none());
    }
}
