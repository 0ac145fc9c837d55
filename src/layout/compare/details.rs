//! The details of a span of the baseline load (a comparison's A), shown in the same panel as
//! any span's: its overview says which run it is from, and its links to other spans become
//! plain text (their span indices name spans of the baseline, not of the loaded sources).

use crate::layout::details::{Field, SpanDetails};

/// Marks `d` as the details of a baseline span (see the module comment).
pub fn mark_baseline(d: &mut SpanDetails) {
    let unlink = |fields: &mut Vec<Field>| fields.iter_mut().for_each(|f| f.target = None);
    unlink(&mut d.overview);
    unlink(&mut d.attributes);
    unlink(&mut d.links);
    for e in &mut d.events {
        unlink(&mut e.fields);
    }
    for l in &mut d.logs {
        unlink(&mut l.fields);
    }
    d.overview.insert(
        0,
        Field {
            key: "run".into(),
            value: "A (the baseline; compare view)".into(),
            is_block: false,
            target: None,
            tree: None,
            preview: None,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::details::span_details;
    use crate::layout::scenarios::TWO_SPANS;
    use crate::model::SpanId;

    #[test]
    fn a_baseline_span_links_nowhere_and_says_its_run() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let child = t.find_span(SpanId(0xb)).unwrap();
        let mut d = span_details(&t, child);
        assert!(
            d.overview.iter().any(|f| f.target.is_some()),
            "the parent link"
        );
        mark_baseline(&mut d);
        assert!(d.overview.iter().all(|f| f.target.is_none()));
        assert_eq!(d.overview[0].value, "A (the baseline; compare view)");
    }
}
