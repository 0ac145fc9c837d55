//! The domain model: ids, integer-ns time, interned strings, spans and the immutable `Trace`.
//! Nothing here knows about files, browsers or drawing.

pub mod assessment;
pub mod attr;
pub mod diagnostic;
pub mod ids;
pub mod iso8601;
pub mod records;
pub mod span;
pub mod span_type;
pub mod strings;
pub mod time;
pub mod trace;

pub use assessment::{Assessment, AssessmentKind};
pub use attr::{AttrValue, Attribute};
pub use diagnostic::{Diagnostic, DiagnosticKind, Severity};
pub use ids::{DagNodeIdx, FileIdx, ResourceIdx, SpanId, SpanIdx, StrIdx, TraceId, TraceIdx};
pub use records::{AssetRow, Clock, Completion, LineageEdge, LogEntry, Resource, Source};
pub use span::{Span, SpanEvent, SpanFlags, SpanKind, SpanLink, StatusCode};
pub use span_type::SpanType;
pub use strings::Strings;
pub use time::{DurationNs, TimestampNs};
pub use trace::{BadTrace, Trace, TraceIndex, TraceTables};
