//! What a trace costs in memory, table by table: capacities times element sizes, plus the heap
//! text each element owns. Measured, not estimated from counts, so slack left by a table that
//! grew shows too. Used by the memory benchmark, the load budget and the README's bytes-per-span.

use super::Trace;
use crate::model::{Attribute, Span, SpanEvent, SpanLink};
use std::mem::size_of;

impl Trace {
    /// Heap bytes held, by part (`strings`, `spans`, `attributes`, `events`, `links`, `records`
    /// for resources, lineage, assets, sources, logs and diagnostics, `index` for the derived
    /// indices and lookups), in that order.
    pub fn heap_bytes(&self) -> Vec<(&'static str, usize)> {
        let t = &self.tables;
        let texts = |v: &[&String]| v.iter().map(|s| s.capacity()).sum::<usize>();
        let records = t.resources.capacity() * size_of::<crate::model::Resource>()
            + t.resources
                .iter()
                .map(|r| r.attributes.capacity() * size_of::<Attribute>())
                .sum::<usize>()
            + t.lineage.capacity() * size_of::<crate::model::LineageEdge>()
            + t.lineage
                .iter()
                .map(|e| texts(&[&e.data_id, &e.source_data_id, &e.created_at]))
                .sum::<usize>()
            + t.assets.capacity() * size_of::<crate::model::AssetRow>()
            + t.assets
                .iter()
                .map(|a| texts(&[&a.data_id, &a.asset_guid, &a.user_id, &a.created_at]))
                .sum::<usize>()
            + t.logs.capacity() * size_of::<crate::model::LogEntry>()
            + t.diagnostics
                .iter()
                .map(|d| d.message.capacity() + d.source.capacity())
                .sum::<usize>()
            + t.diagnostics.capacity() * size_of::<crate::model::Diagnostic>();
        // hash maps: a slot per entry at most 7/8 full, plus a control byte
        let map = |len: usize, entry: usize| len * (entry + 1) * 8 / 7;
        let lookups = map(self.trace_index.len(), 32)
            + map(self.type_kinds.len(), 8)
            + self
                .logs_by_span
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>();
        vec![
            ("strings", t.strings.heap_bytes()),
            ("spans", t.spans.capacity() * size_of::<Span>()),
            (
                "attributes",
                t.attributes.capacity() * size_of::<Attribute>(),
            ),
            ("events", t.events.capacity() * size_of::<SpanEvent>()),
            ("links", t.links.capacity() * size_of::<SpanLink>()),
            ("records", records),
            ("index", self.index.heap_bytes() + lookups),
        ]
    }
}
