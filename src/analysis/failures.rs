//! Every failed span (status ERROR), in trace then start order, with what went wrong: the
//! exception type and message from its first `exception` event, else its status description.
//! A failure "caused by" a failed child is still listed: the list is what failed, the tree
//! says why.

use crate::model::{AttrValue, SpanIdx, Trace};

/// One failed span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The span.
    pub span: SpanIdx,
    /// Exception type (`exception.type`), if an exception was recorded.
    pub error_type: Option<String>,
    /// Exception message, else the status description ("" when neither is given).
    pub message: String,
    /// True when a child of this span failed too (the cause may be further down).
    pub has_failed_child: bool,
}

fn event_attr(trace: &Trace, range: &std::ops::Range<u32>, key: &str) -> Option<String> {
    trace
        .attribute_slice(range)
        .iter()
        .find(|a| trace.text(a.key) == key)
        .map(|a| match a.value {
            AttrValue::Str(t) | AttrValue::Json(t) => trace.text(t).to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Float(f) => f.to_string(),
            AttrValue::Bool(b) => b.to_string(),
        })
}

/// The failed spans of the whole trace.
pub fn failures(trace: &Trace) -> Vec<Failure> {
    let mut out: Vec<Failure> = (0..trace.span_count() as u32)
        .map(SpanIdx)
        .filter(|&s| trace.span(s).is_error())
        .map(|s| {
            let exception = trace
                .span_events(s)
                .iter()
                .find(|e| trace.text(e.name) == "exception");
            let error_type =
                exception.and_then(|e| event_attr(trace, &e.attributes, "exception.type"));
            let status = trace.span(s).status_message;
            let message = exception
                .and_then(|e| event_attr(trace, &e.attributes, "exception.message"))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| {
                    if status.0 == 0 {
                        String::new()
                    } else {
                        trace.text(status).to_string()
                    }
                });
            let has_failed_child = trace.children(s).iter().any(|&c| trace.span(c).is_error());
            Failure {
                span: s,
                error_type,
                message,
                has_failed_child,
            }
        })
        .collect();
    out.sort_by_key(|f| {
        let span = trace.span(f.span);
        (span.trace, span.start, f.span)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    #[test]
    fn failures_carry_exception_or_status_and_know_failed_children() {
        let lines = [
            r#"{"name": "run", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:02Z", "status": {"status_code": "ERROR", "description": "child failed"}}"#,
            r#"{"name": "call", "context": {"trace_id": "0x01", "span_id": "0x0b"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:01Z", "end_time": "2026-01-01T00:00:02Z", "status": {"status_code": "ERROR", "description": "TimeoutError: late"}, "events": [{"name": "exception", "timestamp": "2026-01-01T00:00:02Z", "attributes": {"exception.type": "TimeoutError", "exception.message": "late"}}]}"#,
            r#"{"name": "ok", "context": {"trace_id": "0x01", "span_id": "0x0c"}, "parent_id": "0x0a", "start_time": "2026-01-01T00:00:00.5Z", "end_time": "2026-01-01T00:00:01Z"}"#,
        ]
        .join("\n");
        let t = ingest_sources([("t.jsonl", lines.as_bytes())]);
        let f = failures(&t);
        let names: Vec<&str> = f.iter().map(|x| t.name(x.span)).collect();
        assert_eq!(
            names,
            ["run", "call"],
            "by start, the healthy span left out"
        );
        assert_eq!(
            (
                f[0].error_type.as_deref(),
                f[0].message.as_str(),
                f[0].has_failed_child
            ),
            (None, "child failed", true)
        );
        assert_eq!(
            (
                f[1].error_type.as_deref(),
                f[1].message.as_str(),
                f[1].has_failed_child
            ),
            (Some("TimeoutError"), "late", false)
        );
    }
}
