//! Streaming gzip inflation (multi-member, as `cat a.gz b.gz` produces), chunk by chunk.
//! Invariant: memory held is the inflated output of one chunk, never the whole file.

use flate2::write::MultiGzDecoder;
use std::io::Write;

/// An inflater fed compressed chunks.
pub struct Gunzip {
    decoder: MultiGzDecoder<Vec<u8>>,
}

impl Default for Gunzip {
    fn default() -> Self {
        Gunzip {
            decoder: MultiGzDecoder::new(Vec::new()),
        }
    }
}

impl Gunzip {
    /// Inflates a chunk; returns the bytes it produced.
    pub fn inflate(&mut self, chunk: &[u8]) -> std::io::Result<Vec<u8>> {
        self.decoder.write_all(chunk)?;
        Ok(std::mem::take(self.decoder.get_mut()))
    }

    /// Output produced but not yet taken (used after an error).
    pub fn output(&mut self) -> &mut Vec<u8> {
        self.decoder.get_mut()
    }

    /// Ends the stream; fails when it stopped in the middle of a member.
    pub fn finish(&mut self) -> std::io::Result<Vec<u8>> {
        self.decoder.try_finish()?;
        Ok(std::mem::take(self.decoder.get_mut()))
    }
}
