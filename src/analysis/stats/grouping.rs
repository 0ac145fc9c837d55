//! What a statistics row is keyed by: service, span name, span type or an attribute's value
//! (the span's own, else its resource's). Invariant: values that read the same (the string
//! "200" and the number 200) are one group, and labels come sorted, never in hash order.

use crate::model::{AttrValue, SpanIdx, SpanType, StrIdx, Trace};
use rustc_hash::FxHashMap;
use std::fmt;

/// What spans are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// The service name; spans without one go to "(none)".
    Service,
    /// The span name.
    Name,
    /// The span type (`SpanType`); spans of no known type go to "(none)".
    Type,
    /// The value of an attribute (the span's, else its resource's); spans without it go to
    /// "(none)".
    Attribute(String),
}

impl GroupBy {
    /// Reads `name`, `service`, `type` or `attr:KEY` (the CLI's `--group`, a future URL field).
    pub fn parse(text: &str) -> Option<GroupBy> {
        match text {
            "name" => Some(GroupBy::Name),
            "service" => Some(GroupBy::Service),
            "type" => Some(GroupBy::Type),
            _ => text
                .strip_prefix("attr:")
                .filter(|k| !k.is_empty())
                .map(|k| GroupBy::Attribute(k.to_string())),
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupBy::Service => f.write_str("service"),
            GroupBy::Name => f.write_str("name"),
            GroupBy::Type => f.write_str("type"),
            GroupBy::Attribute(k) => write!(f, "attr:{k}"),
        }
    }
}

/// A grouping value before it becomes text (so equal values are one hash key).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum RawKey {
    Missing,
    Str(StrIdx),
    Int(i64),
    Float(u64),
    Bool(bool),
    Kind(SpanType),
}

/// The distinct labels (sorted) and the label index of each span of `spans`. Values that
/// read the same (the string "200" and the number 200) share a label.
pub(super) fn group_labels(
    trace: &Trace,
    by: &GroupBy,
    spans: &[SpanIdx],
) -> (Vec<Option<String>>, Vec<u32>) {
    let key_idx = match by {
        GroupBy::Attribute(k) => trace.strings().find(k),
        _ => None,
    };
    let raw_of = |s: SpanIdx| -> RawKey {
        let span = trace.span(s);
        match by {
            GroupBy::Name => RawKey::Str(span.name),
            GroupBy::Service => match trace.resources().get(span.resource.ix()) {
                Some(r) if r.service_name != StrIdx(0) => RawKey::Str(r.service_name),
                _ => RawKey::Missing,
            },
            GroupBy::Type => trace.span_type(s).map_or(RawKey::Missing, RawKey::Kind),
            GroupBy::Attribute(_) => {
                let Some(k) = key_idx else {
                    return RawKey::Missing;
                };
                let own = trace.span_attributes(s).iter().find(|a| a.key == k);
                let value = own.or_else(|| {
                    trace
                        .resources()
                        .get(span.resource.ix())
                        .and_then(|r| r.attributes.iter().find(|a| a.key == k))
                });
                match value.map(|a| a.value) {
                    None => RawKey::Missing,
                    Some(AttrValue::Str(i) | AttrValue::Json(i)) => RawKey::Str(i),
                    Some(AttrValue::Int(i)) => RawKey::Int(i),
                    Some(AttrValue::Float(f)) => RawKey::Float(f.to_bits()),
                    Some(AttrValue::Bool(b)) => RawKey::Bool(b),
                }
            }
        }
    };
    // interned strings (names, services, most values) take a dense table, not a hash
    let mut by_str: Vec<u32> = vec![u32::MAX; trace.strings().len()];
    let mut raw_ids: FxHashMap<RawKey, u32> = FxHashMap::default();
    let mut raws: Vec<RawKey> = Vec::new();
    let mut id_of = |k: RawKey| -> u32 {
        let slot = match k {
            RawKey::Str(i) => by_str.get_mut(i.ix()),
            _ => None,
        };
        match slot {
            Some(v) if *v != u32::MAX => *v,
            Some(v) => {
                raws.push(k);
                *v = (raws.len() - 1) as u32;
                *v
            }
            None => *raw_ids.entry(k).or_insert_with(|| {
                raws.push(k);
                (raws.len() - 1) as u32
            }),
        }
    };
    let raw_of_span: Vec<u32> = spans.iter().map(|&s| id_of(raw_of(s))).collect();
    let text = |k: RawKey| -> Option<String> {
        match k {
            RawKey::Missing => None,
            RawKey::Str(i) => Some(trace.text(i).to_string()),
            RawKey::Int(i) => Some(i.to_string()),
            RawKey::Float(f) => Some(f64::from_bits(f).to_string()),
            RawKey::Bool(b) => Some(b.to_string()),
            RawKey::Kind(t) => Some(t.label().to_string()),
        }
    };
    let raw_text: Vec<Option<String>> = raws.iter().map(|k| text(*k)).collect();
    let mut labels: Vec<Option<String>> = raw_text.clone();
    labels.sort();
    labels.dedup();
    let label_of_raw: Vec<u32> = raw_text
        .iter()
        .map(|t| labels.binary_search(t).unwrap_or(0) as u32)
        .collect();
    let of = raw_of_span
        .iter()
        .map(|r| label_of_raw[*r as usize])
        .collect();
    (labels, of)
}

/// Every attribute key on spans or their resources, sorted (the "group by" key list).
pub fn attribute_keys(trace: &Trace) -> Vec<String> {
    let mut seen = vec![false; trace.strings().len()];
    let mut mark = |k: StrIdx| {
        if let Some(v) = seen.get_mut(k.ix()) {
            *v = true;
        }
    };
    for s in trace.span_indices() {
        trace.span_attributes(s).iter().for_each(|a| mark(a.key));
    }
    for r in trace.resources() {
        r.attributes.iter().for_each(|a| mark(a.key));
    }
    let mut keys: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, v)| **v)
        .map(|(i, _)| trace.text(StrIdx(i as u32)).to_string())
        .collect();
    keys.sort();
    keys
}
