//! Search: the spans whose name or service contains the query, decided once per query (each
//! distinct interned string lowercased once), sorted by index so the painter looks a row up by
//! binary search instead of lowercasing names per paint.

use crate::model::{SpanIdx, Trace};

/// True when the span's name or service contains the (lowercased) search text.
pub fn matches_search(trace: &Trace, s: SpanIdx, search_lower: &str) -> bool {
    !search_lower.is_empty()
        && (trace.name(s).to_lowercase().contains(search_lower)
            || trace.service_name(s).to_lowercase().contains(search_lower))
}

/// All spans matching the search, in row order of a fully expanded tree (by index here).
pub fn search_matches(trace: &Trace, search: &str) -> Vec<SpanIdx> {
    let needle = search.trim().to_lowercase();
    if needle.is_empty() {
        return Vec::new();
    }
    // names and services are interned: decide each distinct string once (lowercasing is the
    // cost), then compare indices per span; same result as `matches_search` on every span
    let mut verdict = vec![0u8; trace.strings().len()]; // 0 = not yet, 1 = no, 2 = yes
    let mut hit = |i: crate::model::StrIdx| {
        let v = &mut verdict[i.ix()];
        if *v == 0 {
            *v = if trace.text(i).to_lowercase().contains(&needle) {
                2
            } else {
                1
            };
        }
        *v == 2
    };
    (0..trace.span_count() as u32)
        .map(SpanIdx)
        .filter(|&s| {
            let span = trace.span(s);
            hit(span.name)
                || trace
                    .resources()
                    .get(span.resource.ix())
                    .is_some_and(|r| hit(r.service_name))
        })
        .collect()
}

/// True when `s` is among `matches` (a sorted list from `search_matches`).
pub fn is_match(matches: &[SpanIdx], s: SpanIdx) -> bool {
    matches.binary_search(&s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::scenarios::TWO_SPANS;

    #[test]
    fn search_matches_names_and_services_like_the_row_highlight() {
        let t = ingest_sources([("t.jsonl", TWO_SPANS.as_bytes())]);
        let all: Vec<SpanIdx> = (0..t.span_count() as u32).map(SpanIdx).collect();
        for q in ["ROOT", "child", "o", "nothing", " "] {
            let needle = q.trim().to_lowercase();
            let slow: Vec<SpanIdx> = all
                .iter()
                .copied()
                .filter(|s| matches_search(&t, *s, &needle))
                .collect();
            assert_eq!(search_matches(&t, q), slow, "{q}");
        }
    }
}
