//! The transfer format: a built trace as a handful of byte buffers, so the parse worker can hand
//! it to the page as transferable `ArrayBuffer`s (moved, not copied, and not millions of
//! structured-clone objects). Tables are columns of varints (`tables`), the derived indices
//! follow in one more buffer, so the page only checks and copies, never re-derives.
//!
//! ```text
//!  buffer   meta | arena | lengths | spans | attributes | events | index
//!  holds    counts, small tables | texts | text lengths | columns ... | roots, children, depths, id order
//! ```
//!
//! Invariant: `decode_trace(encode_trace(t))` equals `t`, and any malformed input is an error
//! (`Trace::from_parts` checks every reference), never a panic.

mod columns;
mod records;
pub mod tables;
pub mod wire;

use super::builder::{InputRows, ProblemParts};
use super::merge::Partial;
use crate::model::{Diagnostic, SpanIdx, TimestampNs, Trace, TraceIndex};
use tables::TableBuffers;
use wire::{Reader, WireError, Writer};

/// The buffers of an encoded trace, in the order they are handed over.
pub struct TraceBuffers {
    /// The tables.
    pub tables: TableBuffers,
    /// The derived indices.
    pub index: Vec<u8>,
}

impl TraceBuffers {
    /// The buffers as one list (meta, arena, lengths, spans, attributes, events, index), for
    /// handing over.
    pub fn into_list(self) -> Vec<Vec<u8>> {
        let t = self.tables;
        vec![
            t.meta,
            t.arena,
            t.lengths,
            t.spans,
            t.attributes,
            t.events,
            self.index,
        ]
    }

    /// Total bytes.
    pub fn len(&self) -> usize {
        let t = &self.tables;
        t.meta.len()
            + t.arena.len()
            + t.lengths.len()
            + t.spans.len()
            + t.attributes.len()
            + t.events.len()
            + self.index.len()
    }

    /// True when there is nothing (never for an encoded trace).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why handed-over buffers do not make a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferError(pub String);

impl std::fmt::Display for TransferError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the parsed trace could not be read back: {}", self.0)
    }
}

impl From<WireError> for TransferError {
    fn from(e: WireError) -> Self {
        TransferError(e.0.to_string())
    }
}

/// Encodes a built trace.
pub fn encode_trace(trace: &Trace) -> TraceBuffers {
    let (tables, index) = trace.parts();
    TraceBuffers {
        tables: tables::encode(tables),
        index: encode_index(index).0,
    }
}

fn spans(w: &mut Writer, list: &[SpanIdx]) {
    w.uint(list.len() as u64);
    list.iter().for_each(|s| w.uint(s.0.into()));
}

fn read_spans(r: &mut Reader<'_>) -> Result<Vec<SpanIdx>, WireError> {
    let n = r.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(SpanIdx(r.u32()?));
    }
    Ok(out)
}

fn encode_index(x: &TraceIndex) -> Writer {
    let mut w = Writer::with_capacity(x.depth.len() * 8);
    spans(&mut w, &x.roots);
    w.uint(x.first_roots.len() as u64);
    for r in &x.first_roots {
        w.uint(r.map_or(0, |s| u64::from(s.0) + 1));
    }
    w.uint(x.trace_bounds.len() as u64);
    for (a, b) in &x.trace_bounds {
        w.int(a.0);
        w.int(b.0.wrapping_sub(a.0));
    }
    w.uint(x.child_offsets.len() as u64);
    for pair in x.child_offsets.windows(2) {
        w.uint(u64::from(pair[1].saturating_sub(pair[0])));
    }
    spans(&mut w, &x.child_list);
    w.uint(x.depth.len() as u64);
    x.depth.iter().for_each(|&d| w.uint(d.into()));
    spans(&mut w, &x.id_order);
    w
}

fn decode_index(bytes: &[u8]) -> Result<TraceIndex, WireError> {
    let mut r = Reader::new(bytes);
    let roots = read_spans(&mut r)?;
    let n = r.count()?;
    let mut first_roots = Vec::with_capacity(n);
    for _ in 0..n {
        first_roots.push(r.u32()?.checked_sub(1).map(SpanIdx));
    }
    let n = r.count()?;
    let mut trace_bounds = Vec::with_capacity(n);
    for _ in 0..n {
        let a = r.int()?;
        let b = a.wrapping_add(r.int()?);
        trace_bounds.push((TimestampNs(a), TimestampNs(b)));
    }
    // offsets are sent as child counts: one fewer than offsets
    let n = r.uint()? as usize;
    if n > r.remaining() + 1 {
        return Err(WireError("more child offsets than data"));
    }
    let mut child_offsets = Vec::with_capacity(n);
    if n > 0 {
        child_offsets.push(0u32);
    }
    for _ in 1..n {
        let last = child_offsets.last().copied().unwrap_or(0);
        let next = last
            .checked_add(r.u32()?)
            .ok_or(WireError("child offsets overflow"))?;
        child_offsets.push(next);
    }
    let child_list = read_spans(&mut r)?;
    let n = r.count()?;
    let mut depth = Vec::with_capacity(n);
    for _ in 0..n {
        depth.push(u16::try_from(r.uint()?).map_err(|_| WireError("a depth"))?);
    }
    let id_order = read_spans(&mut r)?;
    if !r.is_done() {
        return Err(WireError("bytes after the indices"));
    }
    Ok(TraceIndex {
        roots,
        first_roots,
        trace_bounds,
        child_offsets,
        child_list,
        depth,
        id_order,
    })
}

/// Decodes a trace from its buffers, asking `part` for each (0 meta .. 6 index, the order of
/// `TraceBuffers::into_list`) when it is needed and dropping it once read.
pub fn decode_trace(part: &mut dyn FnMut(usize) -> Vec<u8>) -> Result<Trace, TransferError> {
    let tables = tables::decode(&mut |p| part(p as usize))?;
    let index = decode_index(&part(6))?;
    Trace::from_parts(tables, index).map_err(|e| TransferError(e.0))
}

/// Encodes a partial read (a worker's share of a load with several workers): its tables and,
/// in a seventh buffer, its problems and each input's rows.
pub fn encode_partial(p: &Partial) -> Vec<Vec<u8>> {
    let t = tables::encode(&p.tables);
    let mut w = Writer::default();
    records::diagnostics(&mut w, &p.problems.listed);
    w.uint(p.problems.counts.len() as u64);
    for (source, kind, severity, n) in &p.problems.counts {
        let one = Diagnostic {
            severity: *severity,
            kind: *kind,
            source: source.clone(),
            line: None,
            message: String::new(),
        };
        records::diagnostics(&mut w, std::slice::from_ref(&one));
        w.uint(*n);
    }
    w.uint(p.problems.total);
    w.uint(p.inputs.len() as u64);
    for r in &p.inputs {
        w.uint(r.input.into());
        for range in [&r.sources, &r.spans, &r.lineage, &r.assets, &r.logs] {
            w.uint(range.start.into());
            w.uint(range.end.into());
        }
    }
    vec![
        t.meta,
        t.arena,
        t.lengths,
        t.spans,
        t.attributes,
        t.events,
        w.0,
    ]
}

/// Decodes a partial read (the order of `encode_partial`).
pub fn decode_partial(part: &mut dyn FnMut(usize) -> Vec<u8>) -> Result<Partial, TransferError> {
    let tables = tables::decode(&mut |p| part(p as usize))?;
    let extra = part(6);
    let mut r = Reader::new(&extra);
    let listed = records::read_diagnostics(&mut r)?;
    let n = r.count()?;
    let mut counts = Vec::with_capacity(n);
    for _ in 0..n {
        let d = records::read_diagnostics(&mut r)?;
        let d = d.into_iter().next().ok_or(WireError("a problem count"))?;
        counts.push((d.source, d.kind, d.severity, r.uint()?));
    }
    let total = r.uint()?;
    let n = r.count()?;
    let mut inputs = Vec::with_capacity(n);
    for _ in 0..n {
        let input = r.u32()?;
        let mut next = || -> Result<std::ops::Range<u32>, WireError> { Ok(r.u32()?..r.u32()?) };
        inputs.push(InputRows {
            input,
            sources: next()?,
            spans: next()?,
            lineage: next()?,
            assets: next()?,
            logs: next()?,
        });
    }
    Ok(Partial {
        tables,
        problems: ProblemParts {
            listed,
            counts,
            total,
        },
        inputs,
    })
}

/// Decodes buffers held in memory (tests, the native round trip).
pub fn decode_list(list: Vec<Vec<u8>>) -> Result<Trace, TransferError> {
    let mut list: Vec<Option<Vec<u8>>> = list.into_iter().map(Some).collect();
    decode_trace(&mut |k| list.get_mut(k).and_then(Option::take).unwrap_or_default())
}

#[cfg(test)]
mod tests;
