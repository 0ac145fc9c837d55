//! Streaming gzip inflation (multi-member, as `cat a.gz b.gz` produces), chunk by chunk, with
//! a decompression-bomb budget. Invariants: memory held is the inflated output of one input
//! slice, never the whole file; once more than `FLOOR_BYTES` came out, output stays within
//! `MAX_RATIO` times the input (real traces inflate 10-25x; a bomb of spaces 1000x).

use flate2::write::MultiGzDecoder;
use std::io::Write;

/// Input bytes inflated per step (so one step yields at most ~17 MB).
pub const INPUT_SLICE_BYTES: usize = 16 * 1024;

/// Output over input allowed once past `FLOOR_BYTES`.
pub const MAX_RATIO: u64 = 100;

/// Output allowed whatever the ratio (small files that compress very well).
pub const FLOOR_BYTES: u64 = 64 * 1024 * 1024;

/// Why inflation stopped.
#[derive(Debug)]
pub enum GunzipError {
    /// The data is not valid gzip.
    Corrupt(std::io::Error),
    /// It inflates beyond the budget: `read` compressed bytes gave `inflated` bytes.
    Bomb {
        /// Compressed bytes read.
        read: u64,
        /// Bytes they inflated to.
        inflated: u64,
    },
}

/// An inflater fed compressed chunks.
pub struct Gunzip {
    decoder: MultiGzDecoder<Vec<u8>>,
    read: u64,
    inflated: u64,
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip {
            decoder: MultiGzDecoder::new(Vec::new()),
            read: 0,
            inflated: 0,
        }
    }
}

impl Gunzip {
    /// Inflates a chunk (best kept to `INPUT_SLICE_BYTES`); returns the bytes it produced.
    pub fn inflate(&mut self, chunk: &[u8]) -> Result<Vec<u8>, GunzipError> {
        // flushing hands over everything inflated so far: otherwise the decoder keeps the last
        // piece back until the next write, and a stream cut short would lose a different amount
        // depending on how it was chunked
        self.decoder
            .write_all(chunk)
            .and_then(|()| self.decoder.flush())
            .map_err(GunzipError::Corrupt)?;
        self.read += chunk.len() as u64;
        let out = std::mem::take(self.decoder.get_mut());
        self.inflated += out.len() as u64;
        if self.inflated > FLOOR_BYTES && self.inflated > MAX_RATIO * self.read {
            return Err(GunzipError::Bomb {
                read: self.read,
                inflated: self.inflated,
            });
        }
        Ok(out)
    }

    /// Output produced but not yet taken (used after an error).
    pub fn output(&mut self) -> &mut Vec<u8> {
        self.decoder.get_mut()
    }

    /// Ends the stream; fails when it stopped in the middle of a member.
    pub fn finish(&mut self) -> std::io::Result<Vec<u8>> {
        self.decoder.flush()?;
        self.decoder.try_finish()?;
        Ok(std::mem::take(self.decoder.get_mut()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{write::GzEncoder, Compression};

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn a_bomb_stops_just_past_the_floor_and_normal_data_inflates_whole() {
        // 96 MB of spaces compress to ~100 KB: refused once 64 MB came out
        let bomb = gz(&vec![b' '; 96 << 20]);
        let mut g = Gunzip::default();
        let mut out = 0u64;
        let stopped = bomb
            .chunks(INPUT_SLICE_BYTES)
            .find_map(|c| match g.inflate(c) {
                Ok(o) => {
                    out += o.len() as u64;
                    None
                }
                Err(e) => Some(e),
            });
        match stopped {
            Some(GunzipError::Bomb { read, inflated }) => {
                assert!(
                    inflated > FLOOR_BYTES && inflated < FLOOR_BYTES + (20 << 20),
                    "{inflated}"
                );
                assert!(inflated > MAX_RATIO * read);
            }
            other => panic!("{other:?}"),
        }
        assert!(out <= FLOOR_BYTES + (20 << 20));
        // a file of distinct lines at a trace-like ratio inflates completely
        let text: String = (0..400_000)
            .map(|i| format!("{{\"span\": {i}, \"name\": \"step {}\"}}\n", i % 97))
            .collect();
        let mut g = Gunzip::default();
        let mut back = Vec::new();
        for c in gz(text.as_bytes()).chunks(INPUT_SLICE_BYTES) {
            back.extend(g.inflate(c).unwrap());
        }
        back.extend(g.finish().unwrap());
        assert_eq!(back, text.as_bytes());
    }
}
