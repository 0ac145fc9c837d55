//! Record detection by content (FORMATS.md §2): the set of top-level keys of a JSON record
//! decides its kind, asked of each format's rule in `RecordKind::ALL` order; file names are
//! never consulted for records. Invariant: the probe reads keys only and skips values without
//! building them.

use super::formats::RecordKind;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;

/// Result of probing one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// A JSON object of a known kind.
    Kind(RecordKind),
    /// A JSON array whose kind is decided by its elements (not probed here).
    Array,
    /// Valid JSON of no known shape.
    Unknown,
}

/// The top-level keys of a JSON object, for the formats' detection rules.
#[derive(Debug, Default)]
pub struct Keys(Vec<String>);

impl Keys {
    /// True when `key` is present.
    pub fn has(&self, key: &str) -> bool {
        self.0.iter().any(|k| k == key)
    }

    /// True when every one of `keys` is present.
    pub fn has_all(&self, keys: &[&str]) -> bool {
        keys.iter().all(|k| self.has(k))
    }

    /// True when at least one of `keys` is present.
    pub fn has_any(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.has(k))
    }
}

enum Shape {
    Object(Keys),
    Array,
    Other,
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut keys = Keys::default();
        while let Some(k) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !keys.has(&k) {
                keys.0.push(k.into_owned());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(Shape::Object(keys))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Array)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Other)
    }
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(ShapeVisitor)
    }
}

/// True when a record is a JSON array (its first non-space byte is `[`).
pub fn is_array(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

/// Classifies one JSON record by its keys (the first format whose rule matches wins).
pub fn probe(bytes: &[u8]) -> Result<Probe, serde_json::Error> {
    let shape: Shape = serde_json::from_slice(bytes)?;
    let keys = match shape {
        Shape::Object(k) => k,
        Shape::Array => return Ok(Probe::Array),
        Shape::Other => return Ok(Probe::Unknown),
    };
    Ok(RecordKind::ALL
        .into_iter()
        .find(|k| (k.reader().detect)(&keys))
        .map_or(Probe::Unknown, Probe::Kind))
}

/// The kind of a JSON array record, decided by its first element (FORMATS.md §2).
pub fn probe_array(bytes: &[u8]) -> Option<RecordKind> {
    let items: Vec<&serde_json::value::RawValue> = serde_json::from_slice(bytes).ok()?;
    match probe(items.first()?.get().as_bytes()).ok()? {
        Probe::Kind(k) => Some(k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_decide_the_kind() {
        let cases: [(&str, Probe); 11] = [
            (
                r#"{"name": "x", "context": {"span_id": "0x1"}, "start_time": "t"}"#,
                Probe::Kind(RecordKind::OtelSdkSpan),
            ),
            (
                r#"{"data_id": "a", "source_data_id": "b", "created_at": "t"}"#,
                Probe::Kind(RecordKind::FlowMeshLineage),
            ),
            (
                r#"{"data_id": "a", "asset_guid": "g", "version": 1}"#,
                Probe::Kind(RecordKind::FlowMeshAsset),
            ),
            (
                r#"{"metadata": {}, "traceEvents": []}"#,
                Probe::Kind(RecordKind::Chrome),
            ),
            (r#"{"resourceSpans": []}"#, Probe::Kind(RecordKind::Otlp)),
            (
                r#"{"kind": "meta", "pflow_trace": "jsonl/1", "execution_id": "e"}"#,
                Probe::Kind(RecordKind::Pflow),
            ),
            (
                r#"{"format_version": "2.0.0", "execution_id": "e", "nodes": []}"#,
                Probe::Kind(RecordKind::Pflow),
            ),
            // a pflow node line alone says nothing: it is read as pflow after its meta line
            (
                r#"{"kind": "event", "node_id": "a", "id": 0}"#,
                Probe::Unknown,
            ),
            (
                r#"{"kind": "x", "format_version": "2.0.0", "execution_id": "e", "nodes": []}"#,
                Probe::Unknown,
            ),
            (r#"[1, 2]"#, Probe::Array),
            (r#"{"hello": "world"}"#, Probe::Unknown),
        ];
        for (text, want) in cases {
            assert_eq!(probe(text.as_bytes()).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn broken_json_is_an_error() {
        assert!(probe(b"{\"a\": ").is_err());
    }
}
