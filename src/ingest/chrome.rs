//! Chrome Trace Event Format (FORMATS.md §8): a JSON array of events, a `{traceEvents}` object,
//! or an array cut off mid-way (legal for crash-safe writers: salvaged event by event). Rules:
//!
//! - `X` (ts + dur) and matched `B`/`E` pairs are slices; `E` closes the latest open `B` of its
//!   (pid, tid) whatever its name (LIFO, as the format says; a name mismatch is reported); an `E`
//!   with nothing open and a `B` never closed are reported (the latter ends at the thread's last
//!   timestamp);
//! - slices nest by time per (pid, tid), by `dur` rather than file order; when an event carries
//!   `args.span_id` / `args.parent_id` (OTel converters, our generator) those ids and links win;
//! - a thread-scoped instant (`i`/`I`/`R`) inside a slice is an event of the innermost one;
//!   other instants, and instants that carry `args.span_id`, are zero-duration spans (markers);
//! - nestable async `b`/`e` and legacy `S`/`F` pairs (matched by cat + id + name) are spans;
//! - `M` process/thread names name services and threads; counters, samples, objects, flows and
//!   clock syncs are not spans and are skipped;
//! - `ts`/`dur` are µs (integers exact, floats rounded to ns); the trace id is
//!   `otherData.trace_id` when given, else derived from the source name.

use super::builder::{SpanDraft, TraceBuilder};
use super::json_value::{push_value_attrs, value_attr};
use crate::model::{
    AttrValue, DiagnosticKind, FileIdx, ResourceIdx, Severity, SpanEvent, SpanId, StatusCode,
    TimestampNs, TraceId,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// µs (integer or float JSON number) to ns, exact for integers.
fn ns(v: Option<&Value>) -> Option<i64> {
    let n = v?.as_number()?;
    match n.as_i64() {
        Some(i) => i.checked_mul(1000),
        None => n.as_f64().map(|f| (f * 1000.0).round() as i64),
    }
}

fn key_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Events of a possibly truncated array: every complete element before the cut.
pub fn salvage_array(bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    let Some(open) = bytes.iter().position(|b| *b == b'[') else {
        return out;
    };
    let mut rest = &bytes[open + 1..];
    loop {
        let skip = rest
            .iter()
            .position(|b| !(b.is_ascii_whitespace() || *b == b','))
            .unwrap_or(rest.len());
        rest = &rest[skip..];
        if rest.is_empty() || rest[0] == b']' {
            return out;
        }
        let mut it = serde_json::Deserializer::from_slice(rest).into_iter::<Value>();
        match it.next() {
            Some(Ok(v)) => {
                out.push(v);
                rest = &rest[it.byte_offset()..];
            }
            _ => return out,
        }
    }
}

struct Slice {
    name: String,
    start: i64,
    end: i64,
    pid: String,
    tid: String,
    args: Map<String, Value>,
    order: usize,
    events: Vec<(i64, String, Map<String, Value>)>,
    span_id: Option<SpanId>,
    parent: Option<SpanId>,
}

/// One trace event: the fields the reader uses, typed (no JSON tree per event but `args`).
#[derive(Deserialize, Default)]
pub struct Event {
    #[serde(default)]
    ph: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    cat: Option<Value>,
    #[serde(default)]
    ts: Option<Value>,
    #[serde(default)]
    dur: Option<Value>,
    #[serde(default)]
    pid: Option<Value>,
    #[serde(default)]
    tid: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    id2: Option<Value>,
    #[serde(default)]
    s: Option<Value>,
    #[serde(default)]
    args: Option<Value>,
}

/// An object-shaped trace: `traceEvents` (kept as text, read event by event) and `otherData`.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "traceEvents", borrow, default)]
    trace_events: Option<Vec<&'a RawValue>>,
    #[serde(rename = "otherData", default)]
    other_data: Option<Map<String, Value>>,
}

/// Typed events of raw event texts; elements that are not event objects are skipped.
fn typed(raw: &[&RawValue]) -> Vec<Event> {
    raw.iter()
        .filter_map(|r| serde_json::from_str::<Event>(r.get()).ok())
        .collect()
}

/// Reads a whole Chrome trace (array or object), already parsed (the salvage path).
pub fn read_events(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    doc: Value,
) -> Result<(), serde_json::Error> {
    let convert = |v: Vec<Value>| {
        v.into_iter()
            .filter_map(|e| serde_json::from_value::<Event>(e).ok())
            .collect::<Vec<_>>()
    };
    let (events, other) = match doc {
        Value::Array(ev) => (convert(ev), Map::new()),
        Value::Object(mut o) => {
            let ev = match o.remove("traceEvents") {
                Some(Value::Array(ev)) => convert(ev),
                _ => convert(vec![Value::Object(o.clone())]),
            };
            let other = match o.remove("otherData") {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            };
            (ev, other)
        }
        _ => return Err(serde::de::Error::custom("not a Chrome trace")),
    };
    read_typed(b, source, line, events, &other);
    Ok(())
}

fn read_typed(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    events: Vec<Event>,
    other: &Map<String, Value>,
) {
    let source_name = b.source_name(source).to_string();
    let trace_id = other
        .get("trace_id")
        .and_then(Value::as_str)
        .and_then(TraceId::from_external)
        .unwrap_or_else(|| {
            TraceId::from_external(&format!("chrome:{source_name}")).unwrap_or_default()
        });
    let mut process_names: HashMap<String, String> = HashMap::new();
    let mut thread_names: HashMap<(String, String), String> = HashMap::new();
    let mut slices: Vec<Slice> = Vec::new();
    let mut open: HashMap<(String, String), Vec<Slice>> = HashMap::new();
    let mut open_async: HashMap<(String, String, String), Vec<Slice>> = HashMap::new();
    let mut instants: Vec<Slice> = Vec::new();
    let mut last_ts: HashMap<(String, String), i64> = HashMap::new();
    let mut problems: Vec<String> = Vec::new();
    for (order, e) in events.into_iter().enumerate() {
        let ph = e.ph.unwrap_or_default();
        let pid = key_of(e.pid.as_ref());
        let tid = key_of(e.tid.as_ref());
        let name = e.name.unwrap_or_default();
        let args = match e.args {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        if ph == "M" {
            let label = args
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            match name.as_str() {
                "process_name" => {
                    process_names.insert(pid, label);
                }
                "thread_name" => {
                    thread_names.insert((pid, tid), label);
                }
                _ => {}
            }
            continue;
        }
        let Some(ts) = ns(e.ts.as_ref()) else {
            continue;
        };
        let thread = (pid.clone(), tid.clone());
        let lt = last_ts.entry(thread.clone()).or_insert(ts);
        *lt = (*lt).max(ts);
        let span_id = args
            .get("span_id")
            .and_then(Value::as_str)
            .and_then(SpanId::from_external);
        let parent = args
            .get("parent_id")
            .and_then(Value::as_str)
            .and_then(SpanId::from_external);
        let slice = |start: i64, end: i64, args: Map<String, Value>| Slice {
            name: name.clone(),
            start,
            end,
            pid: pid.clone(),
            tid: tid.clone(),
            args,
            order,
            events: Vec::new(),
            span_id,
            parent,
        };
        match ph.as_str() {
            "X" => {
                let dur = ns(e.dur.as_ref()).unwrap_or(0).max(0);
                *last_ts.entry(thread).or_insert(ts) = (ts + dur).max(ts);
                slices.push(slice(ts, ts + dur, args));
            }
            "B" => open.entry(thread).or_default().push(slice(ts, ts, args)),
            "E" => match open.get_mut(&thread).and_then(Vec::pop) {
                Some(mut s) => {
                    if !name.is_empty() && name != s.name {
                        problems.push(format!("E event {name:?} at {ts} ns closes B event {:?} (matched by order)", s.name));
                    }
                    s.end = ts.max(s.start);
                    s.args.extend(args);
                    slices.push(s);
                }
                None => problems.push(format!("E event {name:?} at {ts} ns has no open B event on pid {pid} tid {tid}; ignored")),
            },
            "b" | "S" => {
                let key = (key_of(e.cat.as_ref()), key_of(e.id.as_ref().or(e.id2.as_ref())), name.clone());
                open_async.entry(key).or_default().push(slice(ts, ts, args));
            }
            "e" | "F" => {
                let key = (key_of(e.cat.as_ref()), key_of(e.id.as_ref().or(e.id2.as_ref())), name.clone());
                match open_async.get_mut(&key).and_then(Vec::pop) {
                    Some(mut s) => {
                        s.end = ts.max(s.start);
                        s.tid = format!("async {}", key.0);
                        slices.push(s);
                    }
                    None => problems.push(format!("async end {name:?} at {ts} ns has no matching begin; ignored")),
                }
            }
            "i" | "I" | "R" | "n" => {
                let scope = e.s.as_ref().and_then(Value::as_str).unwrap_or("t");
                let mut s = slice(ts, ts, args);
                if scope != "t" {
                    s.tid = String::new();
                }
                instants.push(s);
            }
            _ => {}
        }
    }
    for (thread, stack) in open {
        for mut s in stack {
            s.end = last_ts
                .get(&thread)
                .copied()
                .unwrap_or(s.start)
                .max(s.start);
            problems.push(format!(
                "B event {:?} on pid {} tid {} never ends; ended at the thread's last timestamp",
                s.name, thread.0, thread.1
            ));
            slices.push(s);
        }
    }
    for (_, stack) in open_async {
        for s in stack {
            problems.push(format!("async begin {:?} never ends; skipped", s.name));
        }
    }
    for p in problems {
        b.diagnose(
            Severity::Repaired,
            DiagnosticKind::BadValue,
            source,
            Some(line),
            p,
        );
    }
    // nest by time per thread: longest first among equal starts, then file order
    slices.sort_by(|a, c| {
        (&a.pid, &a.tid, a.start, std::cmp::Reverse(a.end), a.order).cmp(&(
            &c.pid,
            &c.tid,
            c.start,
            std::cmp::Reverse(c.end),
            c.order,
        ))
    });
    let mut ids: Vec<SpanId> = Vec::with_capacity(slices.len());
    let mut parents: Vec<Option<usize>> = vec![None; slices.len()];
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..slices.len() {
        let id = slices[i].span_id.unwrap_or_else(|| {
            SpanId::from_external(&format!("chrome:{source_name}:{}", slices[i].order))
                .unwrap_or(SpanId(1))
        });
        ids.push(id);
        while let Some(&top) = stack.last() {
            let (t, s) = (&slices[top], &slices[i]);
            if t.pid == s.pid && t.tid == s.tid && t.start <= s.start && s.end <= t.end {
                break;
            }
            stack.pop();
        }
        parents[i] = stack.last().copied();
        stack.push(i);
    }
    // instants: events of the innermost enclosing slice on their thread, else markers
    let mut markers = Vec::new();
    for inst in instants {
        let host = if inst.span_id.is_some() || inst.tid.is_empty() {
            None
        } else {
            let lo = slices.partition_point(|s| {
                (&s.pid, &s.tid, s.start) <= (&inst.pid, &inst.tid, inst.start)
            });
            // innermost: the last slice starting at or before it that still contains it
            (0..lo)
                .rev()
                .take_while(|&j| slices[j].pid == inst.pid && slices[j].tid == inst.tid)
                .find(|&j| slices[j].end >= inst.start)
        };
        match host {
            Some(j) => slices[j]
                .events
                .push((inst.start, inst.name.clone(), inst.args.clone())),
            None => markers.push(inst),
        }
    }
    let mut resources: BTreeMap<String, ResourceIdx> = BTreeMap::new();
    let mut emit = |b: &mut TraceBuilder, s: &Slice, id: SpanId, parent: SpanId| {
        let resource = *resources.entry(s.pid.clone()).or_insert_with(|| {
            let service = process_names
                .get(&s.pid)
                .cloned()
                .unwrap_or_else(|| format!("pid {}", s.pid));
            b.service_resource(&format!("chrome\u{0}{source_name}\u{0}{}", s.pid), &service)
        });
        let a0 = b.attr_mark();
        let mut status = StatusCode::Unset;
        for (k, v) in &s.args {
            if k == "span_id" || k == "parent_id" {
                continue;
            }
            if k == "status" && v.as_str() == Some("ERROR") {
                status = StatusCode::Error;
            }
            let key = b.intern(k);
            if let Some(value) = value_attr(b, v) {
                b.push_attr(key, value);
            }
        }
        if let Some(t) = thread_names.get(&(s.pid.clone(), s.tid.clone())) {
            let key = b.intern("thread.name");
            let value = b.intern(t);
            b.push_attr(key, AttrValue::Str(value));
        }
        let attributes = a0..b.attr_mark();
        let e0 = b.event_mark();
        for (t, name, args) in &s.events {
            let name = b.intern(name);
            let attributes = push_value_attrs(b, args);
            b.push_event(SpanEvent {
                time: TimestampNs(*t),
                name,
                attributes,
            });
        }
        let events = e0..b.event_mark();
        let name = b.intern(if s.name.is_empty() {
            "(unnamed)"
        } else {
            &s.name
        });
        let draft = SpanDraft::new(
            b,
            (trace_id, id),
            name,
            (TimestampNs(s.start), TimestampNs(s.end)),
            (source, line),
        );
        b.add_span(SpanDraft {
            parent_span_id: parent,
            status,
            attributes,
            events,
            resource,
            ..draft
        });
    };
    for (i, s) in slices.iter().enumerate() {
        let parent = s
            .parent
            .or_else(|| parents[i].map(|p| ids[p]))
            .unwrap_or(SpanId(0));
        emit(b, s, ids[i], parent);
    }
    for m in &markers {
        let id = m.span_id.unwrap_or_else(|| {
            SpanId::from_external(&format!("chrome:{source_name}:{}", m.order)).unwrap_or(SpanId(1))
        });
        emit(b, m, id, m.parent.unwrap_or(SpanId(0)));
    }
}

/// Reads one Chrome record (array or object).
pub fn read_record(
    b: &mut TraceBuilder,
    source: FileIdx,
    line: u32,
    bytes: &[u8],
) -> Result<(), serde_json::Error> {
    if super::detect::is_array(bytes) {
        let raw: Vec<&RawValue> = serde_json::from_slice(bytes)?;
        read_typed(b, source, line, typed(&raw), &Map::new());
        return Ok(());
    }
    let doc: Document<'_> = serde_json::from_slice(bytes)?;
    let events = match &doc.trace_events {
        Some(raw) => typed(raw),
        // one event per record (JSON Lines of events)
        None => vec![serde_json::from_slice::<Event>(bytes)?],
    };
    read_typed(b, source, line, events, &doc.other_data.unwrap_or_default());
    Ok(())
}
