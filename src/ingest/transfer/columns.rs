//! The big tables of a trace in the transfer format, column by column (every span's trace, then
//! every span's id, ...): varints, deltas where neighbours are close (start times, lines, ranges
//! that follow each other), raw words for ids. Invariant: decoding gives back exactly the rows
//! encoded; a column shorter than its table is an error, never a panic.

use super::wire::{Reader, WireError, Writer};
use crate::model::{
    AttrValue, Attribute, FileIdx, ResourceIdx, Span, SpanEvent, SpanFlags, SpanId, SpanIdx,
    SpanKind, StatusCode, StrIdx, TimestampNs, TraceIdx,
};
use std::ops::Range;

pub fn value(w: &mut Writer, v: AttrValue) {
    match v {
        AttrValue::Str(s) => {
            w.uint(0);
            w.uint(s.0.into());
        }
        AttrValue::Int(n) => {
            w.uint(1);
            w.int(n);
        }
        AttrValue::Float(f) => {
            w.uint(2);
            w.word(f.to_bits());
        }
        AttrValue::Bool(b) => w.uint(3 + u64::from(b)),
        AttrValue::Json(s) => {
            w.uint(5);
            w.uint(s.0.into());
        }
    }
}

pub fn read_value(r: &mut Reader<'_>) -> Result<AttrValue, WireError> {
    Ok(match r.uint()? {
        0 => AttrValue::Str(StrIdx(r.u32()?)),
        1 => AttrValue::Int(r.int()?),
        2 => AttrValue::Float(f64::from_bits(r.word()?)),
        3 => AttrValue::Bool(false),
        4 => AttrValue::Bool(true),
        5 => AttrValue::Json(StrIdx(r.u32()?)),
        _ => return Err(WireError("an attribute value of no known kind")),
    })
}

/// A range written as its distance from where the previous one ended, and its length.
pub fn range(w: &mut Writer, r: &Range<u32>, prev_end: &mut u32) {
    w.int(i64::from(r.start) - i64::from(*prev_end));
    w.uint(u64::from(r.end.saturating_sub(r.start)));
    *prev_end = r.end;
}

pub fn read_range(r: &mut Reader<'_>, prev_end: &mut u32) -> Result<Range<u32>, WireError> {
    let start = i64::from(*prev_end) + r.int()?;
    let start = u32::try_from(start).map_err(|_| WireError("a range starts out of bounds"))?;
    let end = start
        .checked_add(r.u32()?)
        .ok_or(WireError("a range ends out of bounds"))?;
    *prev_end = end;
    Ok(start..end)
}

/// The span columns.
pub fn spans(spans: &[Span]) -> Writer {
    let mut w = Writer::with_capacity(spans.len() * 40);
    let column = |w: &mut Writer, put: &dyn Fn(&mut Writer, usize, &Span)| {
        w.block(|b| {
            for (i, s) in spans.iter().enumerate() {
                put(b, i, s);
            }
        })
    };
    column(&mut w, &|b, _, s| b.uint(s.trace.0.into()));
    column(&mut w, &|b, _, s| b.word(s.span_id.0));
    column(&mut w, &|b, _, s| {
        b.uint(s.parent.map_or(0, |p| u64::from(p.0) + 1));
    });
    // the parent's id is implied when the parent is linked (most spans)
    column(&mut w, &|b, _, s| {
        let implied = match s.parent {
            Some(p) => spans.get(p.ix()).map(|p| p.span_id) == Some(s.parent_span_id),
            None => s.parent_span_id.0 == 0,
        };
        if implied {
            b.uint(0);
        } else {
            b.uint(1);
            b.word(s.parent_span_id.0);
        }
    });
    column(&mut w, &|b, _, s| b.uint(s.name.0.into()));
    column(&mut w, &|b, _, s| b.uint(s.span_type.0.into()));
    column(&mut w, &|b, _, s| {
        let packed = (u64::from(s.flags.bits()) << 5) | ((s.status as u64) << 3) | s.kind as u64;
        b.uint(packed);
    });
    column(&mut w, &|b, _, s| b.uint(s.status_message.0.into()));
    column(&mut w, &|b, i, s| {
        let prev = i.checked_sub(1).map_or(0, |p| spans[p].start.0);
        b.int(s.start.0.wrapping_sub(prev));
    });
    column(&mut w, &|b, _, s| {
        b.uint(s.end.0.wrapping_sub(s.start.0) as u64)
    });
    w.block(|b| {
        let (mut a, mut e, mut l) = (0, 0, 0);
        for s in spans {
            range(b, &s.attributes, &mut a);
            range(b, &s.events, &mut e);
            range(b, &s.links, &mut l);
        }
    });
    column(&mut w, &|b, _, s| b.uint(s.resource.0.into()));
    column(&mut w, &|b, _, s| b.uint(s.source.0.into()));
    column(&mut w, &|b, i, s| {
        let prev = i.checked_sub(1).map_or(0, |p| spans[p].line);
        b.int(i64::from(s.line) - i64::from(prev));
    });
    w
}

/// The attribute columns.
pub fn attribute_columns(attrs: &[Attribute]) -> Writer {
    let mut w = Writer::with_capacity(attrs.len() * 4);
    w.block(|b| attrs.iter().for_each(|a| b.uint(a.key.0.into())));
    w.block(|b| attrs.iter().for_each(|a| value(b, a.value)));
    w
}

/// The event columns.
pub fn events(events: &[SpanEvent]) -> Writer {
    let mut w = Writer::with_capacity(events.len() * 8);
    w.block(|b| {
        let mut prev = 0i64;
        for e in events {
            b.int(e.time.0.wrapping_sub(prev));
            prev = e.time.0;
        }
    });
    w.block(|b| events.iter().for_each(|e| b.uint(e.name.0.into())));
    w.block(|b| {
        let mut end = 0;
        events
            .iter()
            .for_each(|e| range(b, &e.attributes, &mut end));
    });
    w
}

/// A reader over each column of a table, checking each holds `n` items of at least a byte.
fn columns<'a>(bytes: &'a [u8], n: usize, count: usize) -> Result<Vec<Reader<'a>>, WireError> {
    let mut r = Reader::new(bytes);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let c = r.block()?;
        if c.remaining() < n {
            return Err(WireError("a column is shorter than its table"));
        }
        out.push(c);
    }
    Ok(out)
}

/// Reads `n` spans.
pub fn read_spans(bytes: &[u8], n: usize) -> Result<Vec<Span>, WireError> {
    let mut c = columns(bytes, n, 14)?;
    let mut ids = Vec::with_capacity(n);
    for _ in 0..n {
        ids.push(SpanId(c[1].word()?));
    }
    let mut spans = Vec::with_capacity(n);
    let (mut start, mut line) = (0i64, 0i64);
    let (mut a, mut e, mut l) = (0, 0, 0);
    for &span_id in &ids {
        let trace = TraceIdx(c[0].u32()?);
        let parent = c[2].u32()?.checked_sub(1).map(SpanIdx);
        let parent_span_id = match c[3].uint()? {
            0 => match parent {
                Some(p) => *ids.get(p.ix()).ok_or(WireError("a parent out of range"))?,
                None => SpanId(0),
            },
            _ => SpanId(c[3].word()?),
        };
        let name = StrIdx(c[4].u32()?);
        let span_type = StrIdx(c[5].u32()?);
        let packed = c[6].uint()?;
        let kind = SpanKind::from_number(packed & 7).ok_or(WireError("a span kind"))?;
        let status = StatusCode::from_number((packed >> 3) & 3).ok_or(WireError("a status"))?;
        let flags = SpanFlags::from_bits((packed >> 5) as u8);
        let status_message = StrIdx(c[7].u32()?);
        start = start.wrapping_add(c[8].int()?);
        let end = start.wrapping_add(c[9].uint()? as i64);
        let attributes = read_range(&mut c[10], &mut a)?;
        let events = read_range(&mut c[10], &mut e)?;
        let links = read_range(&mut c[10], &mut l)?;
        let resource = ResourceIdx(c[11].u32()?);
        let source = FileIdx(c[12].u32()?);
        line += c[13].int()?;
        spans.push(Span {
            trace,
            span_id,
            parent_span_id,
            parent,
            name,
            span_type,
            kind,
            status,
            status_message,
            start: TimestampNs(start),
            end: TimestampNs(end),
            attributes,
            events,
            links,
            resource,
            source,
            line: u32::try_from(line).map_err(|_| WireError("a line number"))?,
            flags,
        });
    }
    Ok(spans)
}

/// Reads `n` attributes.
pub fn read_attribute_columns(bytes: &[u8], n: usize) -> Result<Vec<Attribute>, WireError> {
    let mut c = columns(bytes, n, 2)?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let key = StrIdx(c[0].u32()?);
        out.push(Attribute {
            key,
            value: read_value(&mut c[1])?,
        });
    }
    Ok(out)
}

/// Reads `n` events.
pub fn read_events(bytes: &[u8], n: usize) -> Result<Vec<SpanEvent>, WireError> {
    let mut c = columns(bytes, n, 3)?;
    let mut out = Vec::with_capacity(n);
    let (mut time, mut end) = (0i64, 0u32);
    for _ in 0..n {
        time = time.wrapping_add(c[0].int()?);
        out.push(SpanEvent {
            time: TimestampNs(time),
            name: StrIdx(c[1].u32()?),
            attributes: read_range(&mut c[2], &mut end)?,
        });
    }
    Ok(out)
}
