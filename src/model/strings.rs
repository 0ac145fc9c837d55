//! Interned strings: every name, key and repeated value is stored once and referred to by
//! `StrIdx`. Invariant: index 0 is the empty string; equal texts get equal indices.

use super::ids::StrIdx;
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Append-only table of unique strings.
#[derive(Debug, Clone)]
pub struct Strings {
    texts: Vec<Arc<str>>,
    index: FxHashMap<Arc<str>, StrIdx>,
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings {
            texts: Vec::new(),
            index: FxHashMap::default(),
        };
        s.intern("");
        s
    }
}

impl Strings {
    /// The index of `text`, adding it if new.
    pub fn intern(&mut self, text: &str) -> StrIdx {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        let i = StrIdx(self.texts.len() as u32);
        let shared: Arc<str> = Arc::from(text);
        self.texts.push(shared.clone());
        self.index.insert(shared, i);
        i
    }

    /// The index of `text` if it was interned.
    pub fn find(&self, text: &str) -> Option<StrIdx> {
        self.index.get(text).copied()
    }

    /// The text of an index (the empty string for an unknown index).
    pub fn text(&self, i: StrIdx) -> &str {
        self.texts.get(i.ix()).map_or("", |t| t)
    }

    /// Number of distinct strings, including the empty one.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.texts.len() <= 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_share_an_index() {
        let mut s = Strings::default();
        assert_eq!(s.intern(""), StrIdx(0));
        let a = s.intern("generation");
        let b = s.intern("generation");
        assert_eq!(a, b);
        assert_eq!(s.text(a), "generation");
        assert_eq!(s.len(), 2);
    }
}
