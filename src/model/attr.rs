//! Attribute values as read from trace files, kept compact: strings are interned, lists and
//! objects are kept as their JSON text. Invariant: integers that arrive as text or as JSON
//! numbers beyond 2^53 stay exact (`Int(i64)` or, beyond i64, the original text).

use super::ids::StrIdx;

/// One attribute value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttrValue {
    /// A string value (interned).
    Str(StrIdx),
    /// An integer value.
    Int(i64),
    /// A floating-point value (NaN and infinities are allowed: Python writes them).
    Float(f64),
    /// A boolean value.
    Bool(bool),
    /// A list or object, kept as compact JSON text (interned).
    Json(StrIdx),
}

/// A key and its value; `key` is interned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attribute {
    /// Attribute name, e.g. `data_id`.
    pub key: StrIdx,
    /// Attribute value.
    pub value: AttrValue,
}
