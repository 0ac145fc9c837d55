//! What the builder holds in memory, and growing its tables once, to the size a load will need,
//! instead of doubling: a doubling table is up to twice too big, and while it moves both copies
//! are alive (in wasm the old pages stay resident after). Invariant: reserving changes no
//! content, only capacities.

use super::TraceBuilder;
use crate::model::{Attribute, Span, SpanEvent, SpanLink};
use std::mem::size_of;

impl TraceBuilder {
    /// Spans added so far.
    pub fn span_count(&self) -> usize {
        self.trace.spans.len()
    }

    /// Heap bytes of the tables read so far (capacities, so slack counts): the memory budget's
    /// measure. Small tables (resources, sources, diagnostics) are left out.
    pub fn heap_bytes(&self) -> usize {
        let t = &self.trace;
        t.strings.heap_bytes()
            + t.spans.capacity() * size_of::<Span>()
            + t.attributes.capacity() * size_of::<Attribute>()
            + t.events.capacity() * size_of::<SpanEvent>()
            + t.links.capacity() * size_of::<SpanLink>()
            + t.logs.capacity() * size_of::<crate::model::LogEntry>()
            + t.lineage.capacity() * size_of::<crate::model::LineageEdge>()
            + self.span_index.heap_bytes()
    }

    /// Grows the big tables to `factor` times what they hold now, exactly (for a load known to
    /// be `factor` times longer than what was read so far).
    pub fn reserve_scaled(&mut self, factor: f64) {
        fn grow<T>(v: &mut Vec<T>, factor: f64) {
            let want = (v.len() as f64 * factor) as usize;
            v.reserve_exact(want.saturating_sub(v.len()));
        }
        let t = &mut self.trace;
        grow(&mut t.spans, factor);
        grow(&mut t.attributes, factor);
        grow(&mut t.events, factor);
        grow(&mut t.links, factor);
        grow(&mut t.logs, factor);
        let more = t.spans.capacity() - t.spans.len();
        self.span_index.reserve(&self.trace.spans, more);
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::ingest_sources;

    #[test]
    fn reserving_keeps_the_content_and_sizes_the_tables_exactly() {
        let line = |i: u32| {
            format!(
                "{{\"name\":\"s\",\"context\":{{\"trace_id\":\"0x1\",\"span_id\":\"0x{:x}\"}},\"start_time\":\"2024-01-01T00:00:00Z\",\"end_time\":\"2024-01-01T00:00:01Z\",\"attributes\":{{\"a\":{i},\"b\":\"x\"}}}}\n",
                i + 1
            )
        };
        let text: String = (0..1000).map(line).collect();
        let plain = ingest_sources([("a.jsonl", text.as_bytes())]);
        let mut s = crate::ingest::Session::new();
        let f = s.begin_source("a.jsonl");
        let half = text.len() / 2;
        s.feed(f, &text.as_bytes()[..half]);
        s.builder.reserve_scaled(2.05);
        let attrs = s.builder.trace.attributes.capacity();
        s.feed(f, &text.as_bytes()[half..]);
        // the 1000 spans' 2000 attributes fit what was reserved at half-way: no doubling
        assert_eq!(s.builder.trace.attributes.capacity(), attrs);
        assert!(attrs < 2100, "{attrs}");
        s.end_source(f);
        let reserved = s.finish();
        assert_eq!(reserved.span_count(), plain.span_count());
        assert_eq!(
            format!("{:?}", reserved.spans()),
            format!("{:?}", plain.spans())
        );
    }
}
