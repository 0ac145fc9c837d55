//! Splits a byte stream into records, whatever the chunk boundaries: JSON Lines (one value per
//! line) or a stream of concatenated JSON values (pretty console-exporter output, one big
//! document). Invariant: the records and their line numbers depend only on the bytes, never on
//! how they were chunked.
//!
//! The framing is decided once per source from its first non-blank line:
//!
//! ```text
//! line 1 = `{...}` or `[...]` (one line)  -> Lines   (bad lines stay one record each)
//! anything else (`{`, `[`, `  "a": 1`)     -> Values  (brace-depth scanner, string-aware)
//! ```

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Undecided,
    Lines,
    Values,
}

/// Incremental framer for one source.
#[derive(Debug)]
pub struct Framer {
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
}

impl Default for Framer {
    fn default() -> Self {
        Framer {
            mode: Mode::Undecided,
            carry: Vec::new(),
            line: 1,
            depth: 0,
            in_string: false,
            escaped: false,
            value_line: 1,
            in_stray: false,
            bom_checked: false,
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
            Mode::Lines => {
                let carry = std::mem::take(&mut self.carry);
                let line = strip_cr(&carry);
                if !is_blank(line) {
                    sink(Framed::LastLine {
                        line: self.line,
                        bytes: line,
                    });
                }
            }
            Mode::Values => {
                let carry = std::mem::take(&mut self.carry);
                if self.depth > 0 {
                    sink(Framed::Truncated {
                        line: self.value_line,
                        bytes: &carry,
                    });
                }
                self.depth = 0;
            }
            Mode::Undecided => {}
        }
    }

    /// Picks the framing from the first non-blank line, once it is complete (or at the end).
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
                None if at_end => rest,
                None => return None,
            };
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

    fn feed_lines(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let mut rest = chunk;
        if !self.carry.is_empty() {
            match memchr::memchr(b'\n', rest) {
                None => {
                    self.carry.extend_from_slice(rest);
                    return;
                }
                Some(e) => {
                    self.carry.extend_from_slice(&rest[..e]);
                    let carry = std::mem::take(&mut self.carry);
                    let line = strip_cr(&carry);
                    if !is_blank(line) {
                        sink(Framed::Record {
                            line: self.line,
                            bytes: line,
                        });
                    }
                    self.line += 1;
                    rest = &rest[e + 1..];
                }
            }
        }
        let mut start = 0;
        for e in memchr::memchr_iter(b'\n', rest) {
            let line = strip_cr(&rest[start..e]);
            if !is_blank(line) {
                sink(Framed::Record {
                    line: self.line,
                    bytes: line,
                });
            }
            self.line += 1;
            start = e + 1;
        }
        self.carry.extend_from_slice(&rest[start..]);
    }

    fn feed_values(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let mut seg_start = 0;
        for (i, &b) in chunk.iter().enumerate() {
            if self.depth == 0 {
                match b {
                    b'{' | b'[' => {
                        self.depth = 1;
                        self.in_string = false;
                        self.escaped = false;
                        self.value_line = self.line;
                        self.in_stray = false;
                        seg_start = i;
                    }
                    b'\n' => {
                        self.line += 1;
                        // a comma or stray text ends with its line
                        self.in_stray = false;
                    }
                    b' ' | b'\t' | b'\r' | b',' => {}
                    _ => {
                        if !self.in_stray {
                            self.in_stray = true;
                            sink(Framed::Stray { line: self.line });
                        }
                    }
                }
                continue;
            }
            if b == b'\n' {
                self.line += 1;
            }
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        if self.carry.is_empty() {
                            sink(Framed::Record {
                                line: self.value_line,
                                bytes: &chunk[seg_start..=i],
                            });
                        } else {
                            self.carry.extend_from_slice(&chunk[seg_start..=i]);
                            let carry = std::mem::take(&mut self.carry);
                            sink(Framed::Record {
                                line: self.value_line,
                                bytes: &carry,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if self.depth > 0 {
            self.carry.extend_from_slice(&chunk[seg_start..]);
        }
    }
}

fn strip_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(input: &[u8], chunk: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut f = Framer::default();
        let mut sink = |r: Framed<'_>| {
            out.push(match r {
                Framed::Record { line, bytes } => {
                    format!("R{line}:{}", String::from_utf8_lossy(bytes))
                }
                Framed::LastLine { line, bytes } => {
                    format!("L{line}:{}", String::from_utf8_lossy(bytes))
                }
                Framed::Truncated { line, bytes } => {
                    format!("T{line}:{}", String::from_utf8_lossy(bytes))
                }
                Framed::Stray { line } => format!("S{line}"),
            })
        };
        for c in input.chunks(chunk.max(1)) {
            f.feed(c, &mut sink);
        }
        f.finish(&mut sink);
        out
    }

    #[test]
    fn json_lines_with_blank_and_crlf_lines() {
        let input = b"{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":";
        assert_eq!(
            frame(input, 1000),
            vec!["R1:{\"a\":1}", "R3:{\"b\":2}", "L4:{\"c\":"]
        );
    }

    #[test]
    fn concatenated_pretty_values_keep_start_lines() {
        let input = b"{\n  \"a\": \"}{\"\n}\n{\n  \"b\": [1,\n 2]\n}\n";
        assert_eq!(
            frame(input, 1000),
            vec!["R1:{\n  \"a\": \"}{\"\n}", "R4:{\n  \"b\": [1,\n 2]\n}"]
        );
    }

    #[test]
    fn truncated_value_and_stray_text() {
        let input = b"{\n \"a\": 1\n}\nnot json\n{\n \"b\": \"\\\"";
        assert_eq!(
            frame(input, 1000),
            vec!["R1:{\n \"a\": 1\n}", "S4", "T5:{\n \"b\": \"\\\""]
        );
    }

    #[test]
    fn bom_is_skipped() {
        assert_eq!(
            frame(b"\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}", 2),
            vec!["R1:{\"a\":1}", "L2:{\"b\":2}"]
        );
    }

    #[test]
    fn only_the_first_bom_is_skipped_whatever_the_chunks() {
        // found by tests/fuzz_readers.rs: byte by byte, every leading BOM used to be dropped
        let input = b"\xEF\xBB\xBF\xEF\xBB\xBF{\"a\":1}\n";
        let whole = frame(input, input.len());
        assert_eq!(whole, vec!["S1", "R1:{\"a\":1}"]);
        for chunk in 1..input.len() {
            assert_eq!(frame(input, chunk), whole, "chunk size {chunk}");
        }
    }

    #[test]
    fn chunking_never_changes_the_result() {
        let inputs: [&[u8]; 3] = [
            b"{\"a\":\"x\\ny\"}\n\n{\"b\":[1,2]}\r\n{broken\n{\"c\":3}",
            b"{\n \"a\": \"\\\\\"\n}\n  {\"b\": {\"c\": [\"]\"]}}\n[1,\n2]\n{",
            b"\n\n   \n{\"only\": true}",
        ];
        for input in inputs {
            let whole = frame(input, input.len());
            for chunk in 1..input.len() {
                assert_eq!(frame(input, chunk), whole, "chunk size {chunk}");
            }
        }
    }
}
