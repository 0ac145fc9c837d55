//! Interned strings: every name, key and repeated value is stored once and referred to by
//! `StrIdx`. Invariant: index 0 is the empty string; equal texts get equal indices.
//!
//! Storage is an arena, not one heap allocation per string: all texts back to back in one
//! buffer, the end offset of each in a second, and a hash table of bare indices (4 bytes a slot)
//! whose keys are read back from the arena. At 1M spans that is about 4 + 4/0.875 bytes of
//! bookkeeping per distinct string instead of the ~56 of an `Arc<str>` plus a map entry, and the
//! two buffers travel between threads as they are (`from_parts`).

use super::ids::StrIdx;
use hashbrown::HashTable;
use std::hash::BuildHasher;

/// Most bytes the arena holds (offsets are u32); texts past it intern as the empty string.
pub const MAX_ARENA_BYTES: u64 = u32::MAX as u64;

/// Append-only table of unique strings.
#[derive(Clone)]
pub struct Strings {
    /// Every text, back to back.
    arena: String,
    /// `ends[i]` is where text `i` ends in `arena`; it starts where text `i - 1` ended.
    ends: Vec<u32>,
    /// Indices into `ends`, hashed by their text.
    index: HashTable<u32>,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Strings")
            .field("len", &self.ends.len())
            .field("arena_bytes", &self.arena.len())
            .finish()
    }
}

impl Default for Strings {
    fn default() -> Self {
        let mut s = Strings {
            arena: String::new(),
            ends: Vec::new(),
            index: HashTable::new(),
        };
        s.intern("");
        s
    }
}

fn hash(text: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// Why arena parts handed over from another thread do not make a string table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadStrings(pub &'static str);

impl Strings {
    /// The index of `text`, adding it if new.
    pub fn intern(&mut self, text: &str) -> StrIdx {
        let h = hash(text);
        if let Some(&i) = self.index.find(h, |&i| self.text_at(i) == text) {
            return StrIdx(i);
        }
        if (self.arena.len() + text.len()) as u64 > MAX_ARENA_BYTES {
            return StrIdx(0);
        }
        let i = self.ends.len() as u32;
        self.arena.push_str(text);
        self.ends.push(self.arena.len() as u32);
        let (arena, ends) = (&self.arena, &self.ends);
        self.index
            .insert_unique(h, i, |&j| hash(text_in(arena, ends, j)));
        StrIdx(i)
    }

    fn text_at(&self, i: u32) -> &str {
        text_in(&self.arena, &self.ends, i)
    }

    /// The index of `text` if it was interned.
    pub fn find(&self, text: &str) -> Option<StrIdx> {
        self.index
            .find(hash(text), |&i| self.text_at(i) == text)
            .map(|&i| StrIdx(i))
    }

    /// The text of an index (the empty string for an unknown index).
    pub fn text(&self, i: StrIdx) -> &str {
        self.text_at(i.0)
    }

    /// Number of distinct strings, including the empty one.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when only the empty string is present.
    pub fn is_empty(&self) -> bool {
        self.ends.len() <= 1
    }

    /// The arena and the end offsets, for handing the table to another thread.
    pub fn parts(&self) -> (&str, &[u32]) {
        (&self.arena, &self.ends)
    }

    /// Heap bytes held (arena, offsets, hash table), for memory budgets and reports.
    pub fn heap_bytes(&self) -> usize {
        self.arena.capacity() + self.ends.capacity() * 4 + self.index.capacity() * 5
    }

    /// Rebuilds a table from `parts` of another one: the offsets must rise within the arena, on
    /// character boundaries, text 0 must be empty and no text may repeat.
    pub fn from_parts(arena: String, ends: Vec<u32>) -> Result<Strings, BadStrings> {
        if ends.first() != Some(&0) {
            return Err(BadStrings("the first string is not the empty one"));
        }
        let mut start = 0usize;
        for &end in &ends {
            let end = end as usize;
            if end < start || end > arena.len() || !arena.is_char_boundary(end) {
                return Err(BadStrings(
                    "string offsets out of order or inside a character",
                ));
            }
            start = end;
        }
        if start != arena.len() {
            return Err(BadStrings("bytes after the last string"));
        }
        let mut index = HashTable::with_capacity(ends.len());
        for i in 0..ends.len() as u32 {
            let text = text_in(&arena, &ends, i);
            let h = hash(text);
            if index
                .find(h, |&j| text_in(&arena, &ends, j) == text)
                .is_some()
            {
                return Err(BadStrings("a string appears twice"));
            }
            index.insert_unique(h, i, |&j| hash(text_in(&arena, &ends, j)));
        }
        Ok(Strings { arena, ends, index })
    }
}

fn text_in<'a>(arena: &'a str, ends: &[u32], i: u32) -> &'a str {
    let i = i as usize;
    let Some(&end) = ends.get(i) else { return "" };
    let start = if i == 0 { 0 } else { ends[i - 1] };
    arena.get(start as usize..end as usize).unwrap_or("")
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
        assert_eq!(s.text(StrIdx(99)), "");
    }

    #[test]
    fn many_texts_keep_their_indices_as_the_table_grows() {
        let mut s = Strings::default();
        let texts: Vec<String> = (0..20_000).map(|i| format!("ü-{i}")).collect();
        let ids: Vec<StrIdx> = texts.iter().map(|t| s.intern(t)).collect();
        for (t, i) in texts.iter().zip(&ids) {
            assert_eq!(s.text(*i), t);
            assert_eq!(s.find(t), Some(*i));
            assert_eq!(s.intern(t), *i);
        }
        assert_eq!(s.find("not there"), None);
    }

    #[test]
    fn parts_rebuild_the_same_table_and_bad_parts_are_refused() {
        let mut s = Strings::default();
        for t in ["a", "ß", "", "service.name", "a"] {
            s.intern(t);
        }
        let (arena, ends) = s.parts();
        let back = Strings::from_parts(arena.to_string(), ends.to_vec()).unwrap();
        assert_eq!(back.len(), 4);
        assert_eq!(back.find("ß"), s.find("ß"));
        assert_eq!(back.text(StrIdx(3)), "service.name");
        // "ß" is two bytes: an offset inside it, offsets going back, a repeat, a gap at the end
        let bad: [(&str, Vec<u32>); 4] = [
            ("aß", vec![0, 2]),
            ("ab", vec![0, 2, 1]),
            ("aa", vec![0, 1, 2]),
            ("abc", vec![0, 2]),
        ];
        for (arena, ends) in bad {
            assert!(
                Strings::from_parts(arena.into(), ends.clone()).is_err(),
                "{ends:?}"
            );
        }
    }
}
