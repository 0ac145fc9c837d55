//! Splits a byte stream into records, whatever the chunk boundaries: JSON Lines (one value per
//! line) or a stream of concatenated JSON values (pretty console-exporter output, one big
//! document). Invariant: the records and their line numbers depend only on the bytes, never on
//! how they were chunked; no record over `MAX_RECORD_BYTES` is ever held in memory.
//!
//! The framing is decided once per source from its first non-blank line:
//!
//! ```text
//! line 1 = `{...}` or `[...]` (one line)  -> Lines   (bad lines stay one record each)
//! line 1 longer than ARRAY_BATCH_BYTES     -> Values  (a one-line document)
//! anything else (`{`, `[`, `  "a": 1`)     -> Values  (brace-depth scanner, string-aware)
//! ```
//!
//! Limits: a line or value longer than `MAX_RECORD_BYTES` is skipped unread and reported with
//! its size (`Framed::Oversized`). A top-level array longer than `ARRAY_BATCH_BYTES` (the 438 MB
//! one-line Zipkin array of 3M spans) is not one record but several: each time an element ends
//! past that size, the elements so far go out as one complete array and the next batch begins,
//!
//! ```text
//!  [ {e1}, {e2}, ... {ek}, {ek+1}, ... ]   ->   [ {e1}, ... {ek} ]   [ {ek+1}, ... ]   ...
//!                       ^ past 16 MB                record 1            record 2
//! ```
//!
//! so readers see arrays of the usual size; what relates elements across batches (a Zipkin
//! client span and its shared server half) is only seen within one batch.

/// Longest record (a line, or a JSON value) read; longer ones are skipped and reported.
pub const MAX_RECORD_BYTES: u64 = 256 << 20;

/// A top-level array past this size is handed over in batches of its elements.
pub const ARRAY_BATCH_BYTES: u64 = 16 << 20;

/// A piece of framed input.
#[derive(Debug, PartialEq, Eq)]
pub enum Framed<'a> {
    /// One complete record (a line, or a balanced JSON value) starting at 1-based `line`.
    Record { line: u32, bytes: &'a [u8] },
    /// The last line of a JSON Lines source, not ended by a newline (may be cut off).
    LastLine { line: u32, bytes: &'a [u8] },
    /// The source ended inside a value that started at `line`.
    Truncated { line: u32, bytes: &'a [u8] },
    /// Text outside any JSON value (Values framing only), first seen at `line`.
    Stray { line: u32 },
    /// A record starting at `line` was `bytes` long, over `MAX_RECORD_BYTES`: skipped unread
    /// (`complete` is false when the source ended inside it).
    Oversized {
        line: u32,
        bytes: u64,
        complete: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undecided,
    Lines,
    Values,
}

/// The sizes a framer goes by (`MAX_RECORD_BYTES`, `ARRAY_BATCH_BYTES`; smaller in tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest record read, bytes.
    pub max_record: u64,
    /// Size past which a top-level array goes out in batches, bytes.
    pub array_batch: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record: MAX_RECORD_BYTES,
            array_batch: ARRAY_BATCH_BYTES,
        }
    }
}

/// Incremental framer for one source.
#[derive(Debug)]
pub struct Framer {
    limits: Limits,
    mode: Mode,
    /// Undecided: all bytes so far. Lines: the partial last line. Values: the current value.
    carry: Vec<u8>,
    /// Lines: 1-based number of the line held in / starting `carry`. Values: current line.
    line: u32,
    depth: u32,
    in_string: bool,
    escaped: bool,
    value_line: u32,
    in_stray: bool,
    /// The leading byte-order mark was looked for (once: a second one is text, however the
    /// bytes were chunked).
    bom_checked: bool,
    /// Values: the current value is a top-level array (it may be batched).
    top_array: bool,
    /// Values: a batch went out; the comma before the next element is dropped.
    after_batch: bool,
    /// The current record is over the limit: its bytes are counted, not kept.
    skipping: bool,
    /// Bytes of the record being skipped so far.
    skipped: u64,
}

impl Default for Framer {
    fn default() -> Self {
        Framer::with_limits(Limits::default())
    }
}

impl Framer {
    /// A framer going by other sizes than the defaults.
    pub fn with_limits(limits: Limits) -> Framer {
        Framer {
            limits,
            mode: Mode::Undecided,
            carry: Vec::new(),
            line: 1,
            depth: 0,
            in_string: false,
            escaped: false,
            value_line: 1,
            in_stray: false,
            bom_checked: false,
            top_array: false,
            after_batch: false,
            skipping: false,
            skipped: 0,
        }
    }
}

fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| b.is_ascii_whitespace())
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &bytes[start..end.max(start)]
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

mod lines;
mod values;

impl Framer {
    /// True once the framing is known and it is JSON Lines.
    pub fn is_lines(&self) -> bool {
        self.mode == Mode::Lines
    }

    /// Feeds the next chunk; calls `sink` for every record completed by it.
    pub fn feed(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        match self.mode {
            Mode::Undecided => {
                self.carry.extend_from_slice(chunk);
                if let Some(mode) = self.decide(false) {
                    self.start(mode, sink);
                }
            }
            Mode::Lines => self.feed_lines(chunk, sink),
            Mode::Values => self.feed_values(chunk, sink),
        }
    }

    /// Signals the end of the source; flushes the last record.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Framed<'_>)) {
        if self.mode == Mode::Undecided {
            match self.decide(true) {
                Some(mode) => self.start(mode, sink),
                None => return,
            }
        }
        match self.mode {
            Mode::Lines => self.finish_lines(sink),
            Mode::Values => self.finish_values(sink),
            Mode::Undecided => {}
        }
    }

    /// Picks the framing from the first non-blank line, once it is complete, long enough to be
    /// a document (the array batch size), or at the end.
    fn decide(&mut self, at_end: bool) -> Option<Mode> {
        if !self.bom_checked && (self.carry.len() >= BOM.len() || at_end) {
            self.bom_checked = true;
            if self.carry.starts_with(BOM) {
                self.carry.drain(..BOM.len());
            }
        }
        let mut offset = 0;
        loop {
            let rest = &self.carry[offset..];
            let line_end = memchr::memchr(b'\n', rest);
            let line = match line_end {
                Some(e) => &rest[..e],
                None => rest,
            };
            // decided on the line's length alone, so chunking cannot change the mode
            if line.len() as u64 >= self.limits.array_batch {
                return Some(Mode::Values);
            }
            if line_end.is_none() && !at_end {
                return None;
            }
            if !is_blank(line) {
                let t = trim(line);
                let one_line_value = t.len() >= 2
                    && ((t[0] == b'{' && t[t.len() - 1] == b'}')
                        || (t[0] == b'[' && t[t.len() - 1] == b']'));
                return Some(if one_line_value {
                    Mode::Lines
                } else {
                    Mode::Values
                });
            }
            match line_end {
                Some(e) => offset += e + 1,
                None => return if at_end { Some(Mode::Lines) } else { None },
            }
        }
    }

    fn start(&mut self, mode: Mode, sink: &mut dyn FnMut(Framed<'_>)) {
        self.mode = mode;
        let buffered = std::mem::take(&mut self.carry);
        match mode {
            Mode::Lines => self.feed_lines(&buffered, sink),
            Mode::Values => self.feed_values(&buffered, sink),
            Mode::Undecided => {}
        }
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests;
