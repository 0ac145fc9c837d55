//! OTLP/JSON `ExportTraceServiceRequest` (FORMATS.md §5), one document or JSON Lines of them
//! (the Collector's file exporter). Accepts the spec form (hex ids, `kind` as an integer,
//! `intValue` as a string) and the common protojson form (base64 ids, enum names), times as
//! strings or numbers (kept exact as integers), every `AnyValue` kind, and the pre-1.0
//! `instrumentationLibrarySpans` name.

use super::builder::TraceBuilder;
use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{
    attr_from_json, hex_or_base64_parent_id, hex_or_base64_span_id, hex_or_base64_trace_id,
    json_int, json_status, RecordCx, TimeField,
};
use crate::model::{
    AttrValue, Attribute, DiagnosticKind, ResourceIdx, SpanId, SpanKind, TimestampNs,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// The OTLP/JSON reader: documents with `resourceSpans`.
pub const READER: Reader =
    Reader::new("OTLP/JSON", |k: &Keys| k.has("resourceSpans"), read_request);

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(rename = "resourceSpans", borrow, default)]
    resource_spans: Vec<ResourceSpans<'a>>,
}

#[derive(Deserialize)]
struct ResourceSpans<'a> {
    /// Kept as text: deduplicated by it, parsed once per distinct resource.
    #[serde(borrow, default)]
    resource: Option<&'a RawValue>,
    #[serde(rename = "scopeSpans", alias = "instrumentationLibrarySpans", default)]
    scope_spans: Vec<ScopeSpans>,
}

#[derive(Deserialize)]
struct ScopeSpans {
    /// Kept as text: each span is parsed on its own, so one bad span loses only itself.
    #[serde(default)]
    spans: Vec<Box<RawValue>>,
}

#[derive(Deserialize)]
struct OResource {
    #[serde(default)]
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize)]
struct KeyValue {
    key: String,
    #[serde(default)]
    value: Option<AnyValue>,
}

/// `AnyValue`: one of its fields is set. Scalars are read directly (the common case, no JSON
/// tree); arrays and key-value lists are kept as JSON and flattened by `plain`.
#[derive(Deserialize)]
struct AnyValue {
    #[serde(rename = "stringValue", default)]
    string: Option<String>,
    #[serde(rename = "boolValue", default)]
    boolean: Option<bool>,
    #[serde(rename = "intValue", default)]
    int: Option<Value>,
    #[serde(rename = "doubleValue", default)]
    double: Option<Value>,
    #[serde(rename = "bytesValue", default)]
    bytes: Option<String>,
    #[serde(rename = "arrayValue", default)]
    array: Option<Value>,
    #[serde(rename = "kvlistValue", default)]
    kvlist: Option<Value>,
}

#[derive(Deserialize)]
struct OSpan {
    #[serde(rename = "traceId", default)]
    trace_id: Option<String>,
    #[serde(rename = "spanId", default)]
    span_id: Option<String>,
    #[serde(rename = "parentSpanId", default)]
    parent_span_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<Value>,
    #[serde(rename = "startTimeUnixNano", default)]
    start: Option<Value>,
    #[serde(rename = "endTimeUnixNano", default)]
    end: Option<Value>,
    #[serde(default)]
    attributes: Vec<KeyValue>,
    #[serde(default)]
    events: Vec<OEvent>,
    #[serde(default)]
    links: Vec<OLink>,
    #[serde(default)]
    status: Option<OStatus>,
}

#[derive(Deserialize)]
struct OEvent {
    #[serde(rename = "timeUnixNano", default)]
    time: Option<Value>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize)]
struct OLink {
    #[serde(rename = "traceId", default)]
    trace_id: Option<String>,
    #[serde(rename = "spanId", default)]
    span_id: Option<String>,
    #[serde(default)]
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize)]
struct OStatus {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default)]
    message: Option<String>,
}

/// `AnyValue` -> plain JSON (for nested arrays and kvlists).
fn plain(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return v.clone();
    };
    if let Some(s) = o.get("stringValue") {
        return s.clone();
    }
    if let Some(b) = o.get("boolValue") {
        return b.clone();
    }
    if let Some(i) = o.get("intValue") {
        return json_int(i).map_or(i.clone(), Value::from);
    }
    if let Some(d) = o.get("doubleValue") {
        return d.clone();
    }
    if let Some(b) = o.get("bytesValue") {
        return b.clone();
    }
    if let Some(a) = o.get("arrayValue") {
        return Value::Array(
            a.get("values")
                .and_then(Value::as_array)
                .map(|vs| vs.iter().map(plain).collect())
                .unwrap_or_default(),
        );
    }
    if let Some(k) = o.get("kvlistValue") {
        let mut m = serde_json::Map::new();
        for kv in k
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(key) = kv.get("key").and_then(Value::as_str) {
                m.insert(
                    key.to_string(),
                    kv.get("value").map(plain).unwrap_or(Value::Null),
                );
            }
        }
        return Value::Object(m);
    }
    Value::Null
}

fn any_value(b: &mut TraceBuilder, v: &AnyValue) -> Option<AttrValue> {
    if let Some(text) = &v.string {
        return Some(AttrValue::Str(b.intern(text)));
    }
    if let Some(x) = v.boolean {
        return Some(AttrValue::Bool(x));
    }
    if let Some(i) = &v.int {
        return attr_from_json(b, &json_int(i).map_or_else(|| i.clone(), Value::from));
    }
    if let Some(d) = &v.double {
        return attr_from_json(b, d);
    }
    if let Some(text) = &v.bytes {
        return Some(AttrValue::Str(b.intern(text)));
    }
    if let Some(a) = &v.array {
        return attr_from_json(b, &plain(&serde_json::json!({ "arrayValue": a })));
    }
    if let Some(k) = &v.kvlist {
        return attr_from_json(b, &plain(&serde_json::json!({ "kvlistValue": k })));
    }
    None
}

fn key_values(b: &mut TraceBuilder, kvs: &[KeyValue]) -> Vec<Attribute> {
    let mut out = Vec::with_capacity(kvs.len());
    for kv in kvs {
        let key = b.intern(&kv.key);
        if let Some(value) = kv.value.as_ref().and_then(|v| any_value(b, v)) {
            out.push(Attribute { key, value });
        }
    }
    out
}

fn push_kvs(b: &mut TraceBuilder, kvs: &[KeyValue]) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    for a in key_values(b, kvs) {
        b.push_attr(a.key, a.value);
    }
    a0..b.attr_mark()
}

/// The resource of a `resourceSpans` entry, made once per distinct text (an unreadable one is
/// reported and kept empty).
fn resource(cx: &mut RecordCx<'_>, raw: Option<&RawValue>) -> ResourceIdx {
    let Some(raw) = raw else {
        return ResourceIdx(0);
    };
    let text = format!("otlp\u{0}{}", raw.get());
    if cx.b.has_resource(&text) {
        return cx.b.resource_from(&text, |_| Vec::new());
    }
    let parsed: OResource = serde_json::from_str(raw.get()).unwrap_or_else(|e| {
        cx.repair(
            DiagnosticKind::BadValue,
            format!("resource is not an object with attributes ({e}); spans keep no resource attributes"),
        );
        OResource {
            attributes: Vec::new(),
        }
    });
    cx.b.resource_from(&text, |b| key_values(b, &parsed.attributes))
}

fn kind_of(v: &Value) -> Option<SpanKind> {
    match v {
        Value::Number(n) => SpanKind::from_number(n.as_u64()?),
        Value::String(s) => SpanKind::parse_name(s),
        _ => None,
    }
}

/// Reads one `ExportTraceServiceRequest`; the serde error is returned for classification.
fn read_request(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    let req: Request = serde_json::from_slice(bytes)?;
    for rs in &req.resource_spans {
        let res = resource(cx, rs.resource);
        for ss in &rs.scope_spans {
            for raw in &ss.spans {
                read_span(cx, raw, res);
            }
        }
    }
    Ok(())
}

/// The ids and times a span needs, or `None` (skipped, reported).
fn identity(cx: &mut RecordCx<'_>, s: &OSpan) -> Option<(crate::model::TraceId, SpanId, i64, i64)> {
    let skip = |cx: &mut RecordCx<'_>, kind: DiagnosticKind, what: String| {
        cx.skip(kind, format!("OTLP span {what}; span skipped"));
        None
    };
    let shown = |t: &Option<String>| t.as_deref().unwrap_or("(missing)").to_string();
    let Some(trace_id) = s.trace_id.as_deref().and_then(hex_or_base64_trace_id) else {
        let m = format!(
            "traceId {:?} is neither 32 hex digits nor base64 of 16 bytes",
            shown(&s.trace_id)
        );
        return skip(cx, DiagnosticKind::BadValue, m);
    };
    let Some(span_id) = s.span_id.as_deref().and_then(hex_or_base64_span_id) else {
        let m = format!(
            "spanId {:?} is neither 16 hex digits nor base64 of 8 bytes",
            shown(&s.span_id)
        );
        return skip(cx, DiagnosticKind::BadValue, m);
    };
    let (start, end) = (
        TimeField::from_json(s.start.as_ref(), 1),
        TimeField::from_json(s.end.as_ref(), 1),
    );
    if start == TimeField::Missing || end == TimeField::Missing {
        let m = format!("{span_id}: needs startTimeUnixNano and endTimeUnixNano");
        return skip(cx, DiagnosticKind::MissingField, m);
    }
    let start = cx.required_time(start, &format!("OTLP span {span_id}: startTimeUnixNano"))?;
    let end = cx.required_time(end, &format!("OTLP span {span_id}: endTimeUnixNano"))?;
    Some((trace_id, span_id, start.0, end.0))
}

fn read_span(cx: &mut RecordCx<'_>, raw: &RawValue, res: ResourceIdx) {
    let s: OSpan = match serde_json::from_str(raw.get()) {
        Ok(s) => s,
        Err(e) => {
            let m = format!("OTLP span has a field of the wrong type ({e}); span skipped");
            return cx.skip(DiagnosticKind::MissingField, m);
        }
    };
    let Some((trace_id, span_id, start, end)) = identity(cx, &s) else {
        return;
    };
    let parent = cx.parent_id(
        s.parent_span_id.as_deref(),
        hex_or_base64_parent_id,
        span_id,
        "parentSpanId",
    );
    let kind = match &s.kind {
        None => SpanKind::Unspecified,
        Some(k) => kind_of(k).unwrap_or_else(|| {
            cx.repair(
                DiagnosticKind::BadValue,
                format!("span {span_id}: unknown kind {k}; read as unspecified"),
            );
            SpanKind::Unspecified
        }),
    };
    let name = cx.span_name(s.name.as_deref(), span_id);
    let times = (TimestampNs(start), TimestampNs(end));
    let mut d = cx.draft((trace_id, span_id), name, times);
    d.parent_span_id = parent;
    d.kind = kind;
    d.resource = res;
    d.attributes = push_kvs(cx.b, &s.attributes);
    for e in &s.events {
        let t = TimeField::from_json(e.time.as_ref(), 1);
        let time = cx.event_time_field(t, span_id, TimestampNs(start));
        let name = cx.optional_event_name(e.name.as_deref());
        let attributes = push_kvs(cx.b, &e.attributes);
        cx.b.add_event(time, name, attributes);
    }
    for l in &s.links {
        let ids = l
            .trace_id
            .as_deref()
            .and_then(hex_or_base64_trace_id)
            .zip(l.span_id.as_deref().and_then(hex_or_base64_span_id));
        cx.link(span_id, ids, |b| push_kvs(b, &l.attributes));
    }
    if let Some(st) = &s.status {
        let code = st.code.as_ref().and_then(json_status);
        cx.set_status(&mut d, code, st.message.as_deref());
    }
    cx.add(d);
}
