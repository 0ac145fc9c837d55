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

/// Interprets a parsed JSON value as an attribute value (the same rules as `attr_value`:
/// integers exact, beyond i64 kept as their text; arrays/objects as JSON text); `None` for null.
pub fn value_attr(b: &mut TraceBuilder, v: &serde_json::Value) -> Option<AttrValue> {
    use serde_json::Value;
    Some(match v {
        Value::Null => return None,
        Value::Bool(x) => AttrValue::Bool(*x),
        Value::String(s) => AttrValue::Str(b.intern(s)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None if n.is_f64() => AttrValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            None => AttrValue::Json(b.intern(&n.to_string())),
        },
        other => AttrValue::Json(b.intern(&other.to_string())),
    })
}

/// Pushes `key: value` pairs as attributes; returns their range.
pub fn push_value_attrs<'a>(
    b: &mut TraceBuilder,
    entries: impl IntoIterator<Item = (&'a String, &'a serde_json::Value)>,
) -> std::ops::Range<u32> {
    let a0 = b.attr_mark();
    for (k, v) in entries {
        let key = b.intern(k);
        if let Some(value) = value_attr(b, v) {
            b.push_attr(key, value);
        }
    }
    a0..b.attr_mark()
}
