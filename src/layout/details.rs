//! The content of the span details panel, as plain data: sections of (key, value) rows, with
//! JSON-looking strings pretty-printed and exception events unpacked. Invariant: values are
//! plain text for the shell to show as text (never markup).

use super::json_tree::{json_tree, JsonNode};
use crate::analysis::llm::{format_cost, span_model, span_usage};
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
    /// JSON objects and arrays of some size, as a collapsible tree (`value` keeps the text).
    pub tree: Option<JsonNode>,
    /// For long text: the start shown while the rest is folded.
    pub preview: Option<String>,
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
    /// A long name's start (`NAME_CHARS` characters), shown while the rest is folded.
    pub name_preview: Option<String>,
    /// True when the span failed.
    pub is_error: bool,
    /// The span's known type (LLM, tool, ...), shown with its icon.
    pub span_type: Option<crate::model::SpanType>,
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

/// A span name longer than this (characters) is folded behind its start in the title.
pub const NAME_CHARS: usize = 160;

/// The start of a name longer than `NAME_CHARS`, with an ellipsis (`None` when it is short).
pub fn name_preview(name: &str) -> Option<String> {
    let mut chars = name.char_indices();
    let (cut, _) = chars.nth(NAME_CHARS)?;
    Some(format!("{}…", &name[..cut]))
}

/// Text longer than this (characters or lines) is folded behind a preview.
const FOLD_CHARS: usize = 1_200;
/// Lines shown before folding.
const FOLD_LINES: usize = 16;

/// The start of a long text, shown while the rest is folded (`None` when it is short).
pub fn fold_preview(text: &str) -> Option<String> {
    (text.len() > FOLD_CHARS || text.lines().count() > FOLD_LINES).then(|| {
        let head: String = text.lines().take(FOLD_LINES).collect::<Vec<_>>().join("\n");
        let head: String = head.chars().take(FOLD_CHARS / 3).collect();
        format!("{head}…")
    })
}

fn field(key: &str, value: String) -> Field {
    let is_block = value.contains('\n');
    let preview = fold_preview(&value);
    Field {
        key: key.to_string(),
        value,
        is_block,
        target: None,
        tree: None,
        preview,
    }
}

/// The JSON object or array an attribute holds (also inside a string), when it is big enough
/// to be worth a tree (more than 60 characters compact).
fn json_of(trace: &Trace, v: AttrValue) -> Option<serde_json::Value> {
    let text = match v {
        AttrValue::Str(s) | AttrValue::Json(s) => trace.text(s),
        _ => return None,
    };
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) || text.len() <= 60 {
        return None;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j @ (serde_json::Value::Array(_) | serde_json::Value::Object(_)))
            if j.to_string().len() > 60 =>
        {
            Some(j)
        }
        _ => None,
    }
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
    attrs
        .iter()
        .map(|a| {
            let key = trace.text(a.key);
            match json_of(trace, a.value) {
                // parsed once: the tree folds it, the pretty text is what `value_text` would give
                Some(j) => Field {
                    key: key.to_string(),
                    value: serde_json::to_string_pretty(&j).unwrap_or_default(),
                    is_block: true,
                    target: None,
                    tree: Some(json_tree(&j)),
                    preview: None,
                },
                None => field(key, value_text(trace, a.value)),
            }
        })
        .collect()
}

/// Builds the details of span `s`.
pub fn span_details(trace: &Trace, s: SpanIdx) -> SpanDetails {
    let span = trace.span(s);
    let mut overview = vec![
        field("trace id", trace.trace_id(s).to_string()),
        field("span id", span.span_id.to_string()),
    ];
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
        let text = trace.text(span.span_type);
        overview.push(field(
            "type",
            match trace.span_type(s) {
                Some(t) if !t.label().eq_ignore_ascii_case(text) => {
                    format!("{text} ({})", t.label())
                }
                _ => text.to_string(),
            },
        ));
    }
    overview.push(field(
        "start",
        format!(
            "+{} ({})",
            span.start.since(trace.start_time()),
            format_iso8601(span.start)
        ),
    ));
    overview.push(field(
        "end",
        format!(
            "+{} ({})",
            span.end.since(trace.start_time()),
            format_iso8601(span.end)
        ),
    ));
    overview.push(field("duration", span.duration().to_string()));
    overview.push(field("self time", trace.self_time(s).to_string()));
    overview.push(field("status", span.status.label().to_string()));
    if span.status_message.0 != 0 {
        overview.push(field(
            "status description",
            trace.text(span.status_message).to_string(),
        ));
    }
    if let Some(model) = span_model(trace, s) {
        overview.push(field("model", model));
    }
    if let Some(u) = span_usage(trace, s) {
        let mut tokens = format!("in {} / out {} / total {}", u.input, u.output, u.total);
        if u.cached > 0 {
            tokens.push_str(&format!(" (cached {})", u.cached));
        }
        overview.push(field("tokens", tokens));
        if u.cost > 0.0 {
            overview.push(field("cost", format_cost(u.cost)));
        }
    }
    let notes: Vec<&str> = [
        (SpanFlags::ORPHAN, "parent not loaded: shown as a root"),
        (SpanFlags::CYCLE_CUT, "parent link cut (cycle)"),
        (
            SpanFlags::STARTS_BEFORE_PARENT,
            "starts before its parent (clock skew?)",
        ),
        (
            SpanFlags::END_REPAIRED,
            "ended before it started: end set to start",
        ),
        (
            SpanFlags::RUNNING,
            "still running when read: drawn up to the latest time its source reached",
        ),
    ]
    .into_iter()
    .filter(|(bit, _)| span.flags.has(*bit))
    .map(|(_, note)| note)
    .collect();
    if !notes.is_empty() {
        overview.push(field("repairs", notes.join("; ")));
    }
    overview.push(field(
        "source",
        format!("{}:{}", trace.source_name(span.source), span.line),
    ));
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
            EventDetails {
                offset: format!("+{}", e.time.since(span.start)),
                name,
                is_exception,
                fields: fs,
            }
        })
        .collect();
    let links = trace
        .span_links(s)
        .iter()
        .map(|l| {
            let target = trace.find_span_in(l.trace_id, l.span_id);
            let mut f = field(
                &format!("span {}", l.span_id),
                format!("trace {}", l.trace_id),
            );
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
        name_preview: name_preview(trace.name(s)),
        is_error: span.is_error(),
        span_type: trace.span_type(s),
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
        assert!(
            payload.is_block && payload.value.contains("\"a\": [\n"),
            "{}",
            payload.value
        );
        assert_eq!(
            d.attributes.iter().find(|f| f.key == "ids").unwrap().value,
            r#"["x","y"]"#
        );
        assert_eq!(
            d.attributes.iter().find(|f| f.key == "html").unwrap().value,
            "<img src=x onerror=alert(1)>"
        );
        assert!(payload.tree.is_none(), "small JSON stays text");
        let e = &d.events[0];
        assert!(e.is_exception);
        assert_eq!(e.offset, "+500ms");
        let keys: Vec<&str> = e.fields.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "exception.type",
                "exception.message",
                "exception.stacktrace"
            ]
        );
        assert!(e.fields[2].is_block);
    }

    #[test]
    fn big_json_becomes_a_tree_and_long_text_folds() {
        let big = serde_json::json!({"messages": (0..5).map(|i| serde_json::json!({"role": "user", "content": format!("message {i}")})).collect::<Vec<_>>()});
        let long = "line\n".repeat(100);
        let line =
            serde_json::json!({"name": "gen", "context": {"trace_id": "0x01", "span_id": "0x0a"}, "start_time": "2026-01-01T00:00:00Z",
            "end_time": "2026-01-01T00:00:01Z", "attributes": {"input": big.to_string(), "log": long, "short": "ok"}})
            .to_string();
        let t = ingest_sources([("t.jsonl", line.as_bytes())]);
        let d = span_details(&t, SpanIdx(0));
        let get = |k: &str| d.attributes.iter().find(|f| f.key == k).unwrap();
        let Some(JsonNode::Branch { summary, .. }) = &get("input").tree else {
            panic!("a tree")
        };
        assert_eq!(summary, "{1 key}");
        let log = get("log");
        assert!(log.tree.is_none());
        let preview = log.preview.as_deref().unwrap();
        assert_eq!(preview.lines().count(), FOLD_LINES);
        assert_eq!(log.value, long, "the whole text is kept for unfolding");
        assert!(get("short").preview.is_none() && get("short").tree.is_none());
    }

    #[test]
    fn a_long_name_is_folded_behind_its_start() {
        // a 100,000-character name (multi-byte characters, so the cut is by character)
        let long: String = "é".repeat(100_000);
        let line = format!(
            r#"{{"name": "{long}", "context": {{"trace_id": "0x01", "span_id": "0x0a"}}, "start_time": "2026-01-01T00:00:00Z", "end_time": "2026-01-01T00:00:01Z"}}"#
        );
        let t = crate::ingest::ingest_sources([("t.jsonl", line.as_bytes())]);
        let d = span_details(&t, crate::model::SpanIdx(0));
        assert_eq!(
            d.name.chars().count(),
            100_000,
            "the whole name is kept for unfolding"
        );
        let preview = d.name_preview.unwrap();
        assert_eq!(preview.chars().count(), NAME_CHARS + 1);
        assert!(preview.ends_with("é…"));
        assert_eq!(
            name_preview(&"x".repeat(NAME_CHARS)),
            None,
            "a short name is shown whole"
        );
    }
}
