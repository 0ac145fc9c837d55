//! Converts JSON values borrowed from a record into model attribute values. Invariant:
//! integers stay exact (beyond i64 they are kept as their JSON text), strings are interned,
//! arrays and objects are kept as their JSON text.

use crate::ingest::builder::TraceBuilder;
use crate::model::AttrValue;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A JSON object's entries in file order, values left as raw JSON text.
#[derive(Debug, Default)]
pub struct Entries<'a>(pub Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> serde::Deserialize<'de> for Entries<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Entries<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<'a>, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = map.next_key::<Cow<'de, str>>()? {
                    let v: &'de RawValue = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
            fn visit_unit<E>(self) -> Result<Entries<'a>, E> {
                Ok(Entries::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Interprets raw JSON as an attribute value; `None` for `null`.
pub fn attr_value(b: &mut TraceBuilder, raw: &RawValue) -> Option<AttrValue> {
    let text = raw.get();
    let first = *text.as_bytes().first()?;
    Some(match first {
        b'"' => {
            let s: Cow<str> = serde_json::from_str(text).ok()?;
            AttrValue::Str(b.intern(&s))
        }
        b't' => AttrValue::Bool(true),
        b'f' => AttrValue::Bool(false),
        b'n' => return None,
        b'[' | b'{' => AttrValue::Json(b.intern(text)),
        _ => number_value(b, text)?,
    })
}

fn number_value(b: &mut TraceBuilder, text: &str) -> Option<AttrValue> {
    if text.bytes().any(|c| matches!(c, b'.' | b'e' | b'E')) {
        return text.parse::<f64>().ok().map(AttrValue::Float);
    }
    match text.parse::<i64>() {
        Ok(v) => Some(AttrValue::Int(v)),
        // beyond i64: keep the exact digits rather than a rounded float
        Err(_) => Some(AttrValue::Json(b.intern(text))),
    }
}

/// A string borrowed or unescaped from raw JSON, if it is a JSON string.
pub fn raw_str(raw: &RawValue) -> Option<Cow<'_, str>> {
    serde_json::from_str(raw.get()).ok()
}
