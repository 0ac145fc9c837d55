//! The byte level of the transfer format: LEB128 varints, zigzag for signed values, raw
//! little-endian words, length-prefixed texts. Invariant: the reader never panics and never
//! allocates more than its input can describe; a short or malformed buffer is an error.

/// Why a buffer could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub &'static str);

/// Appends values to a buffer.
#[derive(Debug, Default)]
pub struct Writer(pub Vec<u8>);

impl Writer {
    /// A writer with room for `bytes`.
    pub fn with_capacity(bytes: usize) -> Writer {
        Writer(Vec::with_capacity(bytes))
    }

    /// An unsigned varint.
    pub fn uint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// A signed varint (zigzag).
    pub fn int(&mut self, v: i64) {
        self.uint(((v << 1) ^ (v >> 63)) as u64);
    }

    /// Eight raw bytes.
    pub fn word(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// Sixteen raw bytes.
    pub fn wide(&mut self, v: u128) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    /// A length-prefixed text.
    pub fn text(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    /// A length-prefixed block written by `write` (so a reader can skip or bound it).
    pub fn block(&mut self, write: impl FnOnce(&mut Writer)) {
        let mut inner = Writer::default();
        write(&mut inner);
        self.uint(inner.0.len() as u64);
        self.0.extend_from_slice(&inner.0);
    }
}

/// Reads values back from a buffer.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `bytes`.
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes, at: 0 }
    }

    /// True when every byte was read.
    pub fn is_done(&self) -> bool {
        self.at == self.bytes.len()
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// An unsigned varint.
    pub fn uint(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self
                .bytes
                .get(self.at)
                .ok_or(WireError("a number is cut off"))?;
            self.at += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(WireError("a number is longer than 64 bits"))
    }

    /// An unsigned varint that must fit a u32.
    pub fn u32(&mut self) -> Result<u32, WireError> {
        u32::try_from(self.uint()?).map_err(|_| WireError("a number is larger than 32 bits"))
    }

    /// A count of items that each take at least one byte: never more than the bytes left,
    /// so a hostile count cannot make the reader allocate.
    pub fn count(&mut self) -> Result<usize, WireError> {
        let n = self.uint()?;
        if n > self.remaining() as u64 {
            return Err(WireError("a count larger than its data"));
        }
        Ok(n as usize)
    }

    /// A signed varint (zigzag).
    pub fn int(&mut self) -> Result<i64, WireError> {
        let v = self.uint()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(WireError("data is cut off"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    /// Eight raw bytes.
    pub fn word(&mut self) -> Result<u64, WireError> {
        let mut b = [0u8; 8];
        b.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(b))
    }

    /// Sixteen raw bytes.
    pub fn wide(&mut self) -> Result<u128, WireError> {
        let mut b = [0u8; 16];
        b.copy_from_slice(self.take(16)?);
        Ok(u128::from_le_bytes(b))
    }

    /// A length-prefixed text.
    pub fn text(&mut self) -> Result<String, WireError> {
        let n = self.count()?;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| WireError("a text is not UTF-8"))
    }

    /// A length-prefixed block, as a reader of its own.
    pub fn block(&mut self) -> Result<Reader<'a>, WireError> {
        let n = self.count()?;
        Ok(Reader::new(self.take(n)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_short_input_is_an_error() {
        let mut w = Writer::default();
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            w.uint(v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            w.int(v);
        }
        w.word(0xdead_beef_0123_4567);
        w.wide(u128::MAX - 5);
        w.text("ünï");
        w.block(|b| b.uint(7));
        let bytes = w.0;
        let mut r = Reader::new(&bytes);
        for v in [0u64, 1, 127, 128, 300, u64::MAX] {
            assert_eq!(r.uint().unwrap(), v);
        }
        for v in [0i64, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.int().unwrap(), v);
        }
        assert_eq!(r.word().unwrap(), 0xdead_beef_0123_4567);
        assert_eq!(r.wide().unwrap(), u128::MAX - 5);
        assert_eq!(r.text().unwrap(), "ünï");
        assert_eq!(r.block().unwrap().uint().unwrap(), 7);
        assert!(r.is_done());
        for cut in 0..bytes.len() {
            let mut r = Reader::new(&bytes[..cut]);
            let all: Result<(), WireError> = (|| {
                for _ in 0..6 {
                    r.uint()?;
                }
                for _ in 0..5 {
                    r.int()?;
                }
                r.word()?;
                r.wide()?;
                r.text()?;
                r.block()?.uint()?;
                Ok(())
            })();
            assert!(all.is_err(), "cut at {cut}");
        }
        // a count that promises more items than bytes is refused before anything is allocated
        let mut w = Writer::default();
        w.uint(1 << 40);
        assert!(Reader::new(&w.0).count().is_err());
    }
}
