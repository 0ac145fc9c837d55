//! The content of the span details panel, as plain data: sections of (key, value) rows, with
//! JSON-looking strings pretty-printed and exception events unpacked. Invariant: values are
//! plain text for the shell to show as text (never markup).

use crate::model::{time::format_iso8601, AttrValue, Attribute, SpanFlags, SpanIdx, Trace};

/// One key/value row.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Key.
    pub key: String,
    /// Value as text.
    pub value: String,
    /// True for multi-line text (pretty JSON, stack traces): shown preformatted.
    pub is_block: bool,
    /// A span this row links to (parent, link target), if loaded.
    pub target: Option<SpanIdx>,
}

/// A span event, unpacked.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDetails {
    /// Offset from the span start, e.g. `+1.50ms`.
    pub offset: String,
    /// Event name.
    pub name: String,
    /// True for an `exception` event.
    pub is_exception: bool,
    /// Attributes.
    pub fields: Vec<Field>,
}

/// A log line joined to the span.
#[derive(Debug, Clone, PartialEq)]
pub struct LogDetails {
    /// Offset from the span start, e.g. `+1.50ms`.
    pub offset: String,
    /// Level as written.
    pub level: String,
    /// Message.
    pub message: String,
    /// Other fields.
    pub fields: Vec<Field>,
}

/// Everything the details panel shows.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanDetails {
    /// Span name.
    pub name: String,
    /// True when the span failed.
    pub is_error: bool,
    /// Ids, times, status, source.
    pub overview: Vec<Field>,
    /// Span attributes.
    pub attributes: Vec<Field>,
    /// Events.
    pub events: Vec<EventDetails>,
    /// Links.
    pub links: Vec<Field>,
    /// Log lines joined to the span.
    pub logs: Vec<LogDetails>,
    /// Resource attributes.
    pub resource: Vec<Field>,
}

fn field(key: &str, value: String) -> Field {
    let is_block = value.contains('\n');
    Field { key: key.to_string(), value, is_block, target: None }
}

/// Text of an attribute value; JSON objects/arrays (also inside strings) pretty-printed.
pub fn value_text(trace: &Trace, v: AttrValue) -> String {
    match v {
        AttrValue::Str(s) => {
            let text = trace.text(s);
            let t = text.trim_start();
            if (t.starts_with('{') || t.starts_with('[')) && t.len() > 2 {
                if let Ok(j) = serde_json::from_str::<serde_json::Value>(text) {
                    return serde_json::to_string_pretty(&j).unwrap_or_else(|_| text.to_string());
                }
            }
            text.to_string()
        }
        AttrValue::Json(s) => {
            let text = trace.text(s);
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(j @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
                    let compact = j.to_string();
                    if compact.len() <= 60 {
                        compact
                    } else {
                        serde_json::to_string_pretty(&j).unwrap_or(compact)
                    }
                }
                _ => text.to_string(),
            }
        }
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Float(f) => f.to_string(),
        AttrValue::Bool(b) => b.to_string(),
    }
}

fn fields(trace: &Trace, attrs: &[Attribute]) -> Vec<Field> {
    attrs.iter().map(|a| field(trace.text(a.key), value_text(trace, a.value))).collect()
}

/// Builds the details of span `s`.
pub fn span_details(trace: &Trace, s: SpanIdx) -> SpanDetails {
    let span = trace.span(s);
    let mut overview = vec![field("trace id", trace.trace_id(s).to_string()), field("span id", span.span_id.to_string())];
    if span.parent_span_id.0 != 0 {
        let mut f = field("parent id", span.parent_span_id.to_string());
        f.target = span.parent;
        if span.parent.is_none() {
            f.value.push_str(" (not loaded)");
        }
        overview.push(f);
    }
    overview.push(field("service", trace.service_name(s).to_string()));
    overview.push(field("kind", span.kind.label().to_string()));
    if span.span_type.0 != 0 {
        overview.push(field("type", trace.text(span.span_type).to_string()));
    }
    overview.push(field("start", format!("+{} ({})", span.start.since(trace.start), format_iso8601(span.start))));
    overview.push(field("end", format!("+{} ({})", span.end.since(trace.start), format_iso8601(span.end))));
    overview.push(field("duration", span.duration().to_string()));
    overview.push(field("self time", trace.self_time(s).to_string()));
    overview.push(field("status", span.status.label().to_string()));
    if span.status_message.0 != 0 {
        overview.push(field("status description", trace.text(span.status_message).to_string()));
    }
    let notes: Vec<&str> = [
        (SpanFlags::ORPHAN, "parent not loaded: shown as a root"),
        (SpanFlags::CYCLE_CUT, "parent link cut (cycle)"),
        (SpanFlags::STARTS_BEFORE_PARENT, "starts before its parent (clock skew?)"),
        (SpanFlags::END_REPAIRED, "ended before it started: end set to start"),
    ]
    .into_iter()
    .filter(|(bit, _)| span.flags.has(*bit))
    .map(|(_, note)| note)
    .collect();
    if !notes.is_empty() {
        overview.push(field("repairs", notes.join("; ")));
    }
    overview.push(field("source", format!("{}:{}", trace.source_name(span.source), span.line)));
    let events = trace
        .span_events(s)
        .iter()
        .map(|e| {
            let name = trace.text(e.name).to_string();
            let attrs = trace.attribute_slice(&e.attributes);
            let is_exception = name == "exception";
            let mut fs = fields(trace, attrs);
            if is_exception {
                // type and message first, the stack trace last
                let rank = |k: &str| match k {
                    "exception.type" => 0,
                    "exception.message" => 1,
                    "exception.stacktrace" => 3,
                    _ => 2,
                };
                fs.sort_by_key(|f| rank(&f.key));
            }
            EventDetails { offset: format!("+{}", e.time.since(span.start)), name, is_exception, fields: fs }
        })
        .collect();
    let links = trace
        .span_links(s)
        .iter()
        .map(|l| {
            let target = trace.find_span(l.span_id).filter(|t| trace.trace_id(*t) == l.trace_id);
            let mut f = field(&format!("span {}", l.span_id), format!("trace {}", l.trace_id));
            if target.is_none() {
                f.value.push_str(" (not loaded)");
            }
            f.target = target;
            f
        })
        .collect();
    let resource = fields(trace, &trace.resource(span.resource).attributes);
    let logs = trace
        .span_logs(s)
        .map(|l| LogDetails {
            offset: format!("+{}", l.time.since(span.start)),
            level: trace.text(l.level).to_string(),
            message: trace.text(l.message).to_string(),
            fields: fields(trace, trace.attribute_slice(&l.attributes)),
        })
        .collect();
    SpanDetails {
        name: trace.name(s).to_string(),
        is_error: span.is_error(),
        overview,
        attributes: fields(trace, trace.span_attributes(s)),
        events,
        links,
        logs,
        resource,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;

    #[test]
    fn json_strings_are_pretty_and_exceptions_unpacked() {
        let line = r#"{"name": "gen", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z", "status": {"status_code": "ERROR", "description": "boom"}, "attributes": {"payload": "{\"a\": [1, 2]}", "ids": ["x", "y"], "html": "<img src=x onerror=alert(1)>"}, "events": [{"name": "exception", "timestamp": "2026-01-01T00:00:00.5Z", "attributes": {"exception.stacktrace": "Traceback\n  line 1", "exception.type": "RuntimeError", "exception.message": "boom"}}]}"#;
        let t = ingest_sources([("t.jsonl", line.as_bytes())]);
        let d = span_details(&t, SpanIdx(0));
        assert!(d.is_error);
        let payload = d.attributes.iter().find(|f| f.key == "payload").unwrap();
        assert!(payload.is_block && payload.value.contains("\"a\": [\n"), "{}", payload.value);
        assert_eq!(d.attributes.iter().find(|f| f.key == "ids").unwrap().value, r#"["x","y"]"#);
        assert_eq!(d.attributes.iter().find(|f| f.key == "html").unwrap().value, "<img src=x onerror=alert(1)>");
        let e = &d.events[0];
        assert!(e.is_exception);
        assert_eq!(e.offset, "+500ms");
        let keys: Vec<&str> = e.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["exception.type", "exception.message", "exception.stacktrace"]);
        assert!(e.fields[2].is_block);
    }
}
