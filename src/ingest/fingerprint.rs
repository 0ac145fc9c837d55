//! A content fingerprint of a source, computed while it streams in: FNV-1a 64 over the size and
//! over sampled bytes (every byte of the first MiB, then the first 4 KiB of each following MiB).
//! It tells "the same file" from "another file" for share links; it is not a security hash.
//! Invariant: the result depends only on the bytes, never on chunk boundaries.

const FULL_PREFIX: u64 = 1 << 20;
const BLOCK: u64 = 1 << 20;
const SAMPLE: u64 = 4096;

use crate::model::ids::Fnv1a;

/// Incremental fingerprint.
#[derive(Debug, Clone, Default)]
pub struct Fingerprinter {
    offset: u64,
    hash: Fnv1a,
}

impl Fingerprinter {
    /// Feeds the next chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        for &b in chunk {
            let o = self.offset;
            if o < FULL_PREFIX || o % BLOCK < SAMPLE {
                self.hash.write_byte(b);
            }
            self.offset += 1;
        }
    }

    /// (size in bytes, fingerprint).
    pub fn finish(&self) -> (u64, u64) {
        let mut h = self.hash;
        h.write(&self.offset.to_le_bytes());
        (self.offset, h.finish())
    }
}

/// Fingerprint of a whole buffer.
pub fn fingerprint(bytes: &[u8]) -> (u64, u64) {
    let mut f = Fingerprinter::default();
    f.update(bytes);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking_does_not_matter_and_content_does() {
        let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
        let whole = fingerprint(&data);
        let mut f = Fingerprinter::default();
        for c in data.chunks(65_537) {
            f.update(c);
        }
        assert_eq!(f.finish(), whole);
        let mut changed = data.clone();
        changed[10] ^= 1;
        assert_ne!(fingerprint(&changed), whole);
        assert_ne!(fingerprint(&data[..data.len() - 1]), whole);
    }
}
