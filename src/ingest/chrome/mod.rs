//! Chrome Trace Event Format (FORMATS.md §8): a JSON array of events, a `{traceEvents}` object,
//! or an array cut off mid-way (legal for crash-safe writers: salvaged event by event). Rules:
//!
//! - `X` (ts + dur) and matched `B`/`E` pairs are slices; `E` closes the latest open `B` of its
//!   (pid, tid) whatever its name (LIFO, as the format says; a name mismatch is reported); an `E`
//!   with nothing open and a `B` never closed are reported (the latter ends at the thread's last
//!   timestamp); an `X` without `dur` is an instant (reported);
//! - slices nest by time per (pid, tid), by `dur` rather than file order; when an event carries
//!   `args.span_id` / `args.parent_id` (OTel converters, our generator) those ids and links win;
//! - a thread-scoped instant (`i`/`I`/`R`) inside a slice is an event of the innermost one;
//!   other instants, and instants that carry `args.span_id`, are zero-duration spans (markers);
//! - nestable async `b`/`e` and legacy `S`/`F` pairs (matched by cat + id + name) are spans;
//! - `M` process/thread names name services and threads; counters, samples, objects, flows and
//!   clock syncs are not spans and are skipped; an element that is no event object, or an event
//!   without `ts`, is skipped (reported);
//! - `ts`/`dur` are µs (integers exact, floats rounded to ns); the trace id is
//!   `otherData.trace_id` when given, else derived from the source name.

mod gather;

use super::builder::TraceBuilder;
use super::detect::Keys;
use super::formats::Reader;
use super::toolkit::{attr_from_json, push_json_attrs, RecordCx};
use crate::model::{
    AttrValue, DiagnosticKind, ResourceIdx, SpanId, StatusCode, TimestampNs, TraceId,
};
use gather::{Event, Gathered, Slice};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The Chrome reader: `{traceEvents}` documents, event arrays, single events (`ph`).
pub const READER: Reader = Reader {
    salvage: Some(salvage),
    ..Reader::new(
        "Chrome trace",
        |k: &Keys| k.has_any(&["traceEvents", "ph"]),
        read_record,
    )
};

/// An object-shaped trace: `traceEvents` (kept as text, read event by event) and `otherData`.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "traceEvents", borrow, default)]
    trace_events: Option<Vec<&'a RawValue>>,
    #[serde(rename = "otherData", default)]
    other_data: Option<Map<String, Value>>,
}

/// Reads one Chrome record (array or object).
fn read_record(cx: &mut RecordCx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    if super::detect::is_array(bytes) {
        let raw: Vec<&RawValue> = serde_json::from_slice(bytes)?;
        let events = typed(cx, raw.iter().map(|r| r.get()));
        read_events(cx, events, &Map::new());
        return Ok(());
    }
    let doc: Document<'_> = serde_json::from_slice(bytes)?;
    let events = match &doc.trace_events {
        Some(raw) => typed(cx, raw.iter().map(|r| r.get())),
        // one event per record (JSON Lines of events)
        None => vec![serde_json::from_slice::<Event>(bytes)?],
    };
    read_events(cx, events, &doc.other_data.unwrap_or_default());
    Ok(())
}

/// Reads the complete events of an event array cut off mid-way; false when the bytes are no
/// array of Chrome events.
fn salvage(cx: &mut RecordCx<'_>, bytes: &[u8]) -> bool {
    if !super::detect::is_array(bytes) {
        return false;
    }
    let raw = complete_elements(bytes);
    let first_is_event = raw
        .first()
        .and_then(|r| serde_json::from_str::<Event>(r.get()).ok())
        .is_some_and(|e| e.ph.is_some());
    if !first_is_event {
        return false;
    }
    let n = raw.len();
    cx.repair(
        DiagnosticKind::Truncated,
        format!("the event array is cut off (allowed by the Trace Event Format); read the {n} complete events"),
    );
    let events = typed(cx, raw.iter().map(|r| r.get()));
    read_events(cx, events, &Map::new());
    true
}

/// Every complete element of a possibly truncated array, as raw JSON.
pub fn complete_elements(bytes: &[u8]) -> Vec<Box<RawValue>> {
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
        let mut it = serde_json::Deserializer::from_slice(rest).into_iter::<Box<RawValue>>();
        match it.next() {
            Some(Ok(v)) => {
                out.push(v);
                rest = &rest[it.byte_offset()..];
            }
            _ => return out,
        }
    }
}

/// Typed events of raw event texts; an element that is not an event object is skipped
/// (reported, once per record with its count).
fn typed<'a>(cx: &mut RecordCx<'_>, raw: impl Iterator<Item = &'a str>) -> Vec<Event> {
    let mut skipped = 0usize;
    let events = raw
        .filter_map(|r| {
            let e = serde_json::from_str::<Event>(r).ok();
            skipped += usize::from(e.is_none());
            e
        })
        .collect();
    if skipped > 0 {
        cx.repair(
            DiagnosticKind::BadValue,
            format!("{skipped} element(s) of the event array are not event objects; skipped"),
        );
    }
    events
}

fn read_events(cx: &mut RecordCx<'_>, events: Vec<Event>, other: &Map<String, Value>) {
    let source_name = cx.b.source_name(cx.source).to_string();
    let trace_id = other
        .get("trace_id")
        .and_then(Value::as_str)
        .and_then(TraceId::from_external)
        .unwrap_or_else(|| {
            TraceId::from_external(&format!("chrome:{source_name}")).unwrap_or_default()
        });
    let mut g = Gathered::default();
    for (order, e) in events.into_iter().enumerate() {
        g.add(order, e);
    }
    g.close_all();
    for p in std::mem::take(&mut g.problems) {
        cx.repair(DiagnosticKind::BadValue, p);
    }
    // nest by time per thread: longest first among equal starts, then file order
    g.slices.sort_by(|a, c| {
        (&a.pid, &a.tid, a.start, std::cmp::Reverse(a.end), a.order).cmp(&(
            &c.pid,
            &c.tid,
            c.start,
            std::cmp::Reverse(c.end),
            c.order,
        ))
    });
    let own_id = |s: &Slice| {
        s.span_id.unwrap_or_else(|| {
            SpanId::from_external(&format!("chrome:{source_name}:{}", s.order)).unwrap_or(SpanId(1))
        })
    };
    let ids: Vec<SpanId> = g.slices.iter().map(own_id).collect();
    let parents = nest(&g.slices);
    let markers = attach_instants(&mut g.slices, std::mem::take(&mut g.instants));
    let mut spans = Spans {
        trace_id,
        source_name: &source_name,
        names: &g,
        resources: BTreeMap::new(),
    };
    for (i, s) in g.slices.iter().enumerate() {
        let parent = s
            .parent
            .or_else(|| parents[i].map(|p| ids[p]))
            .unwrap_or(SpanId(0));
        spans.emit(cx, s, ids[i], parent);
    }
    for m in &markers {
        spans.emit(cx, m, own_id(m), m.parent.unwrap_or(SpanId(0)));
    }
}

/// The enclosing slice of each slice on its thread (slices sorted by thread, start, longest).
fn nest(slices: &[Slice]) -> Vec<Option<usize>> {
    let mut parents = vec![None; slices.len()];
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..slices.len() {
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
    parents
}

/// Instants become events of the innermost enclosing slice on their thread; the others (and
/// those carrying their own span id) are returned, to be markers.
fn attach_instants(slices: &mut [Slice], instants: Vec<Slice>) -> Vec<Slice> {
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
            Some(j) => slices[j].events.push((inst.start, inst.name, inst.args)),
            None => markers.push(inst),
        }
    }
    markers
}

/// Turns slices into spans: one service resource per process, thread names as attributes.
struct Spans<'a> {
    trace_id: TraceId,
    source_name: &'a str,
    names: &'a Gathered,
    resources: BTreeMap<String, ResourceIdx>,
}

impl Spans<'_> {
    fn resource(&mut self, b: &mut TraceBuilder, pid: &str) -> ResourceIdx {
        if let Some(r) = self.resources.get(pid) {
            return *r;
        }
        let service = self
            .names
            .process_names
            .get(pid)
            .cloned()
            .unwrap_or_else(|| format!("pid {pid}"));
        let scope = format!("chrome\u{0}{}\u{0}{pid}", self.source_name);
        let r = b.service_resource(&scope, &service);
        self.resources.insert(pid.to_string(), r);
        r
    }

    fn emit(&mut self, cx: &mut RecordCx<'_>, s: &Slice, id: SpanId, parent: SpanId) {
        let name = cx.span_name(Some(&s.name), id);
        let times = (TimestampNs(s.start), TimestampNs(s.end));
        let mut d = cx.draft((self.trace_id, id), name, times);
        d.parent_span_id = parent;
        d.resource = self.resource(cx.b, &s.pid);
        let b = &mut *cx.b;
        let a0 = b.attr_mark();
        for (k, v) in &s.args {
            if k == "span_id" || k == "parent_id" {
                continue;
            }
            if k == "status" {
                d.status = v
                    .as_str()
                    .and_then(StatusCode::parse_name)
                    .unwrap_or(d.status);
            }
            let key = b.intern(k);
            if let Some(value) = attr_from_json(b, v) {
                b.push_attr(key, value);
            }
        }
        // the thread id, so a lanes layout can give each thread its own lane
        if !s.tid.is_empty() {
            let (key, value) = (b.intern("thread.id"), b.intern(&s.tid));
            b.push_attr(key, AttrValue::Str(value));
        }
        if let Some(t) = self.names.thread_names.get(&(s.pid.clone(), s.tid.clone())) {
            let key = b.intern("thread.name");
            let value = b.intern(t);
            b.push_attr(key, AttrValue::Str(value));
        }
        d.attributes = a0..b.attr_mark();
        for (t, name, args) in &s.events {
            let name = b.intern(name);
            let attributes = push_json_attrs(b, args);
            b.add_event(TimestampNs(*t), name, attributes);
        }
        cx.add(d);
    }
}
