//! One span, compact (about 90 bytes): ids, interned name, integer-ns times, and ranges into
//! the trace's shared attribute/event/link tables. Invariant: `start <= end` after ingest.

use super::ids::{FileIdx, ResourceIdx, SpanId, SpanIdx, StrIdx, TraceIdx};
use super::time::{DurationNs, TimestampNs};
use std::ops::Range;

/// OpenTelemetry span kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SpanKind {
    /// Not given.
    #[default]
    Unspecified,
    /// In-process operation.
    Internal,
    /// Handles a remote request.
    Server,
    /// Makes a remote request.
    Client,
    /// Sends a message.
    Producer,
    /// Receives a message.
    Consumer,
}

impl SpanKind {
    /// Lowercase name as shown to users.
    pub fn label(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }

    /// The OTLP enum number: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer,
    /// 5 consumer.
    pub fn from_number(n: u64) -> Option<SpanKind> {
        Some(match n {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// Reads `SpanKind.SERVER`, `SPAN_KIND_SERVER`, `server`, `SERVER` and similar.
    pub fn parse_name(text: &str) -> Option<SpanKind> {
        let t = text.rsplit(['.', '_']).next().unwrap_or(text);
        Some(match t.to_ascii_lowercase().as_str() {
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            "unspecified" => SpanKind::Unspecified,
            _ => return None,
        })
    }
}

/// Span status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StatusCode {
    /// Not set.
    #[default]
    Unset,
    /// Explicitly OK.
    Ok,
    /// Failed.
    Error,
}

impl StatusCode {
    /// Reads `ERROR`, `STATUS_CODE_ERROR`, `StatusCode.ERROR`, `error`, `Ok`, `UNSET` and similar
    /// (the last word decides, any case).
    pub fn parse_name(text: &str) -> Option<StatusCode> {
        let t = text.rsplit(['.', '_']).next().unwrap_or(text);
        Some(match t.to_ascii_lowercase().as_str() {
            "error" => StatusCode::Error,
            "ok" => StatusCode::Ok,
            "unset" => StatusCode::Unset,
            _ => return None,
        })
    }

    /// The OTLP enum number: 0 unset, 1 ok, 2 error.
    pub fn from_number(n: u64) -> Option<StatusCode> {
        match n {
            0 => Some(StatusCode::Unset),
            1 => Some(StatusCode::Ok),
            2 => Some(StatusCode::Error),
            _ => None,
        }
    }

    /// Uppercase name as shown to users.
    pub fn label(self) -> &'static str {
        match self {
            StatusCode::Unset => "UNSET",
            StatusCode::Ok => "OK",
            StatusCode::Error => "ERROR",
        }
    }
}

/// Repairs and marks applied to a span: a typed set of the flags below (the bits are private,
/// so no other byte can be stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SpanFlags(u8);

impl SpanFlags {
    /// The parent id is not in the loaded data; shown as a root.
    pub const ORPHAN: SpanFlags = SpanFlags(1);
    /// Starts before its parent (clock skew).
    pub const STARTS_BEFORE_PARENT: SpanFlags = SpanFlags(2);
    /// End was before start; end set to start.
    pub const END_REPAIRED: SpanFlags = SpanFlags(4);
    /// Its parent link closed a cycle and was cut.
    pub const CYCLE_CUT: SpanFlags = SpanFlags(8);
    /// Its parent is a `FOLLOWS_FROM` reference (asynchronous follow-up): nested under it, but
    /// never on its critical path.
    pub const FOLLOWS_FROM: SpanFlags = SpanFlags(16);
    /// Still running when the source was read: no end was recorded, so its end is the latest
    /// time the source had reached (a node started but never finished, a run without its
    /// completion record).
    pub const RUNNING: SpanFlags = SpanFlags(32);
    /// Every flag, in the order details list them.
    pub const ALL: [SpanFlags; 6] = [
        SpanFlags::ORPHAN,
        SpanFlags::CYCLE_CUT,
        SpanFlags::STARTS_BEFORE_PARENT,
        SpanFlags::END_REPAIRED,
        SpanFlags::FOLLOWS_FROM,
        SpanFlags::RUNNING,
    ];

    /// True when every flag of `other` is set.
    pub fn has(self, other: SpanFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the flags of `other`.
    pub fn insert(&mut self, other: SpanFlags) {
        self.0 |= other.0;
    }

    /// This set with the flags of `other` added.
    pub fn with(self, other: SpanFlags) -> SpanFlags {
        SpanFlags(self.0 | other.0)
    }

    /// True when no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as a byte (for the transfer format).
    pub fn bits(self) -> u8 {
        self.0
    }

    /// The set a byte names; bits of no flag are dropped.
    pub fn from_bits(bits: u8) -> SpanFlags {
        let known = SpanFlags::ALL.iter().fold(0, |m, f| m | f.0);
        SpanFlags(bits & known)
    }
}

/// A timestamped event on a span (OTel event, Jaeger log, Zipkin annotation).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanEvent {
    /// When it happened.
    pub time: TimestampNs,
    /// Event name, e.g. `exception`.
    pub name: StrIdx,
    /// Range into `Trace::attributes`.
    pub attributes: Range<u32>,
}

/// A link from a span to another span (possibly in another trace).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanLink {
    /// Linked trace id.
    pub trace_id: super::ids::TraceId,
    /// Linked span id.
    pub span_id: SpanId,
    /// Range into `Trace::attributes`.
    pub attributes: Range<u32>,
}

/// One span.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// Which trace id it belongs to.
    pub trace: TraceIdx,
    /// External span id.
    pub span_id: SpanId,
    /// External parent span id as read (`SpanId(0)` = none).
    pub parent_span_id: SpanId,
    /// Linked parent, if it is loaded and the link is sound.
    pub parent: Option<SpanIdx>,
    /// Span name.
    pub name: StrIdx,
    /// Span type for colouring and analysis (`flowmesh.type`/`flowmesh.kind`; 0 = none).
    pub span_type: StrIdx,
    /// Span kind.
    pub kind: SpanKind,
    /// Status code.
    pub status: StatusCode,
    /// Status description (0 = none).
    pub status_message: StrIdx,
    /// Start time.
    pub start: TimestampNs,
    /// End time (>= start).
    pub end: TimestampNs,
    /// Range into `Trace::attributes`.
    pub attributes: Range<u32>,
    /// Range into `Trace::events`.
    pub events: Range<u32>,
    /// Range into `Trace::links`.
    pub links: Range<u32>,
    /// Deduplicated resource (service) it came from.
    pub resource: ResourceIdx,
    /// Source it was read from.
    pub source: FileIdx,
    /// 1-based line of its first byte in the source.
    pub line: u32,
    /// Repairs and marks.
    pub flags: SpanFlags,
}

impl Span {
    /// `end - start`.
    pub fn duration(&self) -> DurationNs {
        self.end.since(self.start)
    }

    /// True when the span has zero duration (drawn as a marker).
    pub fn is_instant(&self) -> bool {
        self.end == self.start
    }

    /// True when the status is ERROR.
    pub fn is_error(&self) -> bool {
        self.status == StatusCode::Error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_from_every_producer() {
        assert_eq!(
            SpanKind::parse_name("SpanKind.SERVER"),
            Some(SpanKind::Server)
        );
        assert_eq!(
            SpanKind::parse_name("SPAN_KIND_CLIENT"),
            Some(SpanKind::Client)
        );
        assert_eq!(SpanKind::parse_name("producer"), Some(SpanKind::Producer));
        assert_eq!(SpanKind::parse_name("SPAN_KIND_INVALID_TYPE"), None);
    }

    #[test]
    fn status_names_from_every_producer() {
        for (text, want) in [
            ("ERROR", StatusCode::Error),
            ("STATUS_CODE_ERROR", StatusCode::Error),
            ("StatusCode.ERROR", StatusCode::Error),
            ("ok", StatusCode::Ok),
            ("STATUS_CODE_UNSET", StatusCode::Unset),
        ] {
            assert_eq!(StatusCode::parse_name(text), Some(want), "{text}");
        }
        assert_eq!(StatusCode::parse_name("TERROR"), None);
        assert_eq!(StatusCode::from_number(2), Some(StatusCode::Error));
        assert_eq!(StatusCode::from_number(7), None);
    }

    #[test]
    fn flags_are_a_set() {
        let mut f = SpanFlags::default();
        assert!(f.is_empty() && !f.has(SpanFlags::ORPHAN));
        f.insert(SpanFlags::ORPHAN);
        let g = f.with(SpanFlags::CYCLE_CUT);
        assert!(f.has(SpanFlags::ORPHAN) && !f.has(SpanFlags::CYCLE_CUT));
        assert!(g.has(SpanFlags::ORPHAN.with(SpanFlags::CYCLE_CUT)));
        let distinct: std::collections::BTreeSet<u8> = SpanFlags::ALL.iter().map(|f| f.0).collect();
        assert_eq!(distinct.len(), SpanFlags::ALL.len());
    }

    #[test]
    fn span_stays_compact() {
        assert!(
            std::mem::size_of::<Span>() <= 112,
            "{}",
            std::mem::size_of::<Span>()
        );
    }
}
