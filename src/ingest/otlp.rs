//! OTLP/JSON `ExportTraceServiceRequest` (FORMATS.md §5), one document or JSON Lines of them
//! (the Collector's file exporter). Accepts the spec form (hex ids, `kind` as an integer,
//! `intValue` as a string) and the common protojson form (base64 ids, enum names), times as
//! strings or numbers (kept exact as integers), every `AnyValue` kind, and the pre-1.0
//! `instrumentationLibrarySpans` name.

use super::builder::{SpanDraft, TraceBuilder};
use crate::model::{
    AttrValue, Attribute, DiagnosticKind, FileIdx, Resource, ResourceIdx, Severity, SpanEvent,
    SpanId, SpanKind, SpanLink, StatusCode, StrIdx, TimestampNs, TraceId,
};
use base64::Engine;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Deserialize)]
struct Request {
    #[serde(rename = "resourceSpans", default)]
    resource_spans: Vec<ResourceSpans>,
}

#[derive(Deserialize)]
struct ResourceSpans {
    #[serde(default)]
    resource: Option<Value>,
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

/// Hex of `bytes` digits (any case), or base64 of `bytes` raw bytes (protojson).
pub(crate) fn id_bits(text: &str, bytes: usize) -> Option<u128> {
    let t = text.trim();
    if t.len() == bytes * 2 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        return u128::from_str_radix(t, 16).ok();
    }
    let raw = base64::engine::general_purpose::STANDARD.decode(t).ok()?;
    if raw.len() != bytes {
        return None;
    }
    Some(raw.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b)))
}

fn nanos(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().and_then(|u| i64::try_from(u).ok())),
        _ => None,
    }
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
        return nanos(i).map_or(i.clone(), Value::from);
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
    use super::json_value::value_attr;
    if let Some(text) = &v.string {
        return Some(AttrValue::Str(b.intern(text)));
    }
    if let Some(x) = v.boolean {
        return Some(AttrValue::Bool(x));
    }
    if let Some(i) = &v.int {
        return value_attr(b, &nanos(i).map_or_else(|| i.clone(), Value::from));
    }
    if let Some(d) = &v.double {
        return value_attr(b, d);
    }
    if let Some(text) = &v.bytes {
        return Some(AttrValue::Str(b.intern(text)));
    }
    if let Some(a) = &v.array {
        return value_attr(b, &plain(&serde_json::json!({ "arrayValue": a })));
    }
    if let Some(k) = &v.kvlist {
        return value_attr(b, &plain(&serde_json::json!({ "kvlistValue": k })));
    }
    None
}

fn push_kvs(b: &mut TraceBuilder, kvs: &[KeyValue]) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    for kv in kvs {
        let key = b.intern(&kv.key);
        if let Some(value) = kv.value.as_ref().and_then(|v| any_value(b, v)) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}

fn resource(b: &mut TraceBuilder, r: Option<&Value>) -> ResourceIdx {
    let Some(r) = r else { return ResourceIdx(0) };
    let text = format!("otlp\u{0}{r}");
    b.resource(&text, |b| {
        let kvs: Vec<KeyValue> = r
            .get("attributes")
            .cloned()
            .and_then(|a| serde_json::from_value(a).ok())
            .unwrap_or_default();
        let service_key = b.intern("service.name");
        let mut service_name = StrIdx(0);
        let mut attributes = Vec::new();
        for kv in &kvs {
            let key = b.intern(&kv.key);
            if let Some(value) = kv.value.as_ref().and_then(|v| any_value(b, v)) {
                if let (true, AttrValue::Str(s)) = (key == service_key, value) {
                    service_name = s;
                }
                attributes.push(Attribute { key, value });
            }
        }
        Resource {
            service_name,
            attributes,
        }
    })
}

fn kind_of(v: &Value) -> Option<SpanKind> {
    match v {
        Value::Number(n) => match n.as_u64()? {
            0 => Some(SpanKind::Unspecified),
            1 => Some(SpanKind::Internal),
            2 => Some(SpanKind::Server),
            3 => Some(SpanKind::Client),
            4 => Some(SpanKind::Producer),
            5 => Some(SpanKind::Consumer),
            _ => None,
        },
        Value::String(s) => SpanKind::parse_name(s),
        _ => None,
    }
}

/// Reads one `ExportTraceServiceRequest`; the serde error is returned for classification.
pub fn read_request(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    let req: Request = serde_json::from_slice(bytes)?;
    for rs in &req.resource_spans {
        let res = resource(b, rs.resource.as_ref());
        for ss in &rs.scope_spans {
            for raw in &ss.spans {
                read_span(b, source, line, raw, res);
            }
        }
    }
    Ok(())
}

fn read_span(b: &mut TraceBuilder, source: FileIdx, line: u32, raw: &RawValue, res: ResourceIdx) {
    let reject = |b: &mut TraceBuilder, kind: DiagnosticKind, what: String| {
        b.diagnose(
            Severity::Error,
            kind,
            source,
            Some(line),
            format!("OTLP span {what}; span skipped"),
        );
    };
    let s: OSpan = match serde_json::from_str(raw.get()) {
        Ok(s) => s,
        Err(e) => {
            return reject(
                b,
                DiagnosticKind::MissingField,
                format!("has a field of the wrong type ({e})"),
            )
        }
    };
    let Some(trace_id) = s
        .trace_id
        .as_deref()
        .and_then(|t| id_bits(t, 16))
        .map(TraceId)
    else {
        return reject(
            b,
            DiagnosticKind::BadValue,
            format!(
                "traceId {:?} is neither 32 hex digits nor base64 of 16 bytes",
                s.trace_id.as_deref().unwrap_or("(missing)")
            ),
        );
    };
    let Some(span_id) = s
        .span_id
        .as_deref()
        .and_then(|t| id_bits(t, 8))
        .map(|v| SpanId(v as u64))
        .filter(|s| s.0 != 0)
    else {
        return reject(
            b,
            DiagnosticKind::BadValue,
            format!(
                "spanId {:?} is neither 16 hex digits nor base64 of 8 bytes",
                s.span_id.as_deref().unwrap_or("(missing)")
            ),
        );
    };
    let (Some(start), Some(end)) = (
        s.start.as_ref().and_then(nanos),
        s.end.as_ref().and_then(nanos),
    ) else {
        return reject(
            b,
            DiagnosticKind::MissingField,
            format!("{span_id}: needs startTimeUnixNano and endTimeUnixNano"),
        );
    };
    let parent = match s.parent_span_id.as_deref().map(str::trim) {
        None | Some("") => SpanId(0),
        Some(p) => id_bits(p, 8).map(|v| SpanId(v as u64)).unwrap_or_else(|| {
            b.diagnose(
                Severity::Repaired,
                DiagnosticKind::BadValue,
                source,
                Some(line),
                format!("span {span_id}: parentSpanId {p:?} is not an id; shown as a root"),
            );
            SpanId(0)
        }),
    };
    let kind = match &s.kind {
        None => SpanKind::Unspecified,
        Some(k) => kind_of(k).unwrap_or_else(|| {
            b.diagnose(
                Severity::Repaired,
                DiagnosticKind::BadValue,
                source,
                Some(line),
                format!("span {span_id}: unknown kind {k}; read as unspecified"),
            );
            SpanKind::Unspecified
        }),
    };
    let name = b.intern(s.name.as_deref().unwrap_or("(unnamed)"));
    let (m_event, m_link) = (b.event_mark(), b.link_mark());
    let attributes = push_kvs(b, &s.attributes);
    let type_keys = [b.intern("flowmesh.type"), b.intern("flowmesh.kind")];
    let span_type = type_keys
        .iter()
        .find_map(|k| b_attr(b, &attributes, *k))
        .unwrap_or(StrIdx(0));
    for e in &s.events {
        let time = e
            .time
            .as_ref()
            .and_then(nanos)
            .map_or(TimestampNs(start), TimestampNs);
        let name = b.intern(e.name.as_deref().unwrap_or("(unnamed event)"));
        let attributes = push_kvs(b, &e.attributes);
        b.push_event(SpanEvent {
            time,
            name,
            attributes,
        });
    }
    for l in &s.links {
        let (Some(t), Some(sp)) = (
            l.trace_id.as_deref().and_then(|t| id_bits(t, 16)),
            l.span_id.as_deref().and_then(|t| id_bits(t, 8)),
        ) else {
            continue;
        };
        let attributes = push_kvs(b, &l.attributes);
        b.push_link(SpanLink {
            trace_id: TraceId(t),
            span_id: SpanId(sp as u64),
            attributes,
        });
    }
    let (mut status, mut status_message) = (StatusCode::Unset, StrIdx(0));
    if let Some(st) = &s.status {
        status = match &st.code {
            Some(Value::Number(n)) if n.as_u64() == Some(2) => StatusCode::Error,
            Some(Value::Number(n)) if n.as_u64() == Some(1) => StatusCode::Ok,
            Some(Value::String(c)) if c.ends_with("ERROR") => StatusCode::Error,
            Some(Value::String(c)) if c.ends_with("OK") => StatusCode::Ok,
            _ => StatusCode::Unset,
        };
        if let Some(m) = st.message.as_deref().filter(|m| !m.is_empty()) {
            status_message = b.intern(m);
        }
    }
    let draft = SpanDraft::new(
        b,
        (trace_id, span_id),
        name,
        (TimestampNs(start), TimestampNs(end)),
        (source, line),
    );
    b.add_span(SpanDraft {
        parent_span_id: parent,
        span_type,
        kind,
        status,
        status_message,
        attributes,
        events: m_event..b.event_mark(),
        links: m_link..b.link_mark(),
        resource: res,
        ..draft
    });
}

/// The string value of attribute `key` among the attributes in `range`.
fn b_attr(b: &TraceBuilder, range: &std::ops::Range<u32>, key: StrIdx) -> Option<StrIdx> {
    b.attributes_in(range)
        .iter()
        .find(|a| a.key == key)
        .and_then(|a| match a.value {
            AttrValue::Str(s) => Some(s),
            _ => None,
        })
}
