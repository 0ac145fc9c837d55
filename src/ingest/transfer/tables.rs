//! The tables of a trace (`TraceTables`) as a few byte buffers, one per table, each made of
//! columns (every span's trace, then every span's id, ...): varints, deltas where neighbours are
//! close (start times, lines, ranges that follow each other), raw words for ids. About a quarter
//! of the tables' size in memory (measured in `benches/load_memory.rs`). Invariant: decoding
//! gives back exactly the tables encoded, and a malformed buffer is an error, never a panic or an
//! allocation its bytes do not justify.

use super::columns::{
    attribute_columns, events, read_attribute_columns, read_events, read_spans, spans,
};
use super::records::{read_meta, write_meta};
use super::wire::{Reader, WireError, Writer};
use crate::model::{Strings, TraceTables};

/// The buffers of encoded tables: small tables, string arena, string lengths, spans,
/// attributes, events.
pub struct TableBuffers {
    /// Counts, trace ids, links, resources, lineage, assets, sources, logs, diagnostics.
    pub meta: Vec<u8>,
    /// Every interned text back to back.
    pub arena: Vec<u8>,
    /// The byte length of each text.
    pub lengths: Vec<u8>,
    /// Span columns.
    pub spans: Vec<u8>,
    /// Attribute columns.
    pub attributes: Vec<u8>,
    /// Event columns.
    pub events: Vec<u8>,
}

/// Encodes the tables.
pub fn encode(t: &TraceTables) -> TableBuffers {
    let (arena, ends) = t.strings.parts();
    let mut lengths = Writer::with_capacity(ends.len() * 2);
    let mut last = 0u32;
    for &e in ends {
        lengths.uint(u64::from(e - last));
        last = e;
    }
    TableBuffers {
        meta: meta(t).0,
        arena: arena.as_bytes().to_vec(),
        lengths: lengths.0,
        spans: spans(&t.spans).0,
        attributes: attribute_columns(&t.attributes).0,
        events: events(&t.events).0,
    }
}

/// Format version, first in the meta buffer.
const VERSION: u64 = 1;

fn meta(t: &TraceTables) -> Writer {
    let mut w = Writer::default();
    w.uint(VERSION);
    for n in [
        t.strings.len(),
        t.spans.len(),
        t.attributes.len(),
        t.events.len(),
    ] {
        w.uint(n as u64);
    }
    write_meta(&mut w, t);
    w
}

/// The counts in the meta buffer: what the other buffers must hold.
struct Counts {
    strings: usize,
    spans: usize,
    attributes: usize,
    events: usize,
}

/// Which buffer of `TableBuffers` a decoder asks for next (numbered in handing-over order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `meta`.
    Meta = 0,
    /// `arena`.
    Arena = 1,
    /// `lengths`.
    Lengths = 2,
    /// `spans`.
    Spans = 3,
    /// `attributes`.
    Attributes = 4,
    /// `events`.
    Events = 5,
}

impl TableBuffers {
    /// Hands out each buffer once (for `decode`).
    pub fn take(&mut self, part: Part) -> Vec<u8> {
        std::mem::take(match part {
            Part::Meta => &mut self.meta,
            Part::Arena => &mut self.arena,
            Part::Lengths => &mut self.lengths,
            Part::Spans => &mut self.spans,
            Part::Attributes => &mut self.attributes,
            Part::Events => &mut self.events,
        })
    }
}

/// Decodes tables, asking `part` for each buffer when it is needed and dropping it once read,
/// so at most one encoded buffer is held beside the tables; every table is allocated at its
/// exact size.
pub fn decode(part: &mut dyn FnMut(Part) -> Vec<u8>) -> Result<TraceTables, WireError> {
    let meta = part(Part::Meta);
    let mut m = Reader::new(&meta);
    if m.uint()? != VERSION {
        return Err(WireError("a transfer format of another version"));
    }
    let counts = Counts {
        strings: m.uint()? as usize,
        spans: m.uint()? as usize,
        attributes: m.uint()? as usize,
        events: m.uint()? as usize,
    };
    let mut t = read_meta(&mut m)?;
    drop(meta);
    let lengths = part(Part::Lengths);
    t.strings = read_strings(part(Part::Arena), &lengths, counts.strings)?;
    drop(lengths);
    t.spans = read_spans(&part(Part::Spans), counts.spans)?;
    t.attributes = read_attribute_columns(&part(Part::Attributes), counts.attributes)?;
    t.events = read_events(&part(Part::Events), counts.events)?;
    Ok(t)
}

fn read_strings(arena: Vec<u8>, lengths: &[u8], n: usize) -> Result<Strings, WireError> {
    let mut r = Reader::new(lengths);
    if n > lengths.len() {
        return Err(WireError("more strings than lengths"));
    }
    let mut ends = Vec::with_capacity(n);
    let mut end = 0u32;
    for _ in 0..n {
        end = end
            .checked_add(r.u32()?)
            .ok_or(WireError("the string arena is too long"))?;
        ends.push(end);
    }
    let arena = String::from_utf8(arena).map_err(|_| WireError("texts are not UTF-8"))?;
    Strings::from_parts(arena, ends).map_err(|e| WireError(e.0))
}
