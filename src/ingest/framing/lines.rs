//! JSON Lines framing: one record per non-blank line; a line over the record limit is counted
//! to its end and reported with its size, never held. Invariant: what comes out depends on the
//! bytes only (a line's size is counted the same whether it came in one chunk or many).

use super::{is_blank, strip_cr, Framed, Framer};

impl Framer {
    pub(super) fn feed_lines(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let mut rest = chunk;
        if self.skipping || !self.carry.is_empty() {
            match memchr::memchr(b'\n', rest) {
                None => return self.carry_line(rest),
                Some(e) => {
                    self.end_carried_line(&rest[..e], sink);
                    rest = &rest[e + 1..];
                }
            }
        }
        let mut start = 0;
        for e in memchr::memchr_iter(b'\n', rest) {
            self.emit_line(&rest[start..e], sink);
            self.line += 1;
            start = e + 1;
        }
        self.carry_line(&rest[start..]);
    }

    /// Keeps the start of a line that continues in the next chunk, or counts it once it is too
    /// long to keep.
    fn carry_line(&mut self, part: &[u8]) {
        if self.skipping {
            self.skipped += part.len() as u64;
        } else if (self.carry.len() + part.len()) as u64 > self.limits.max_record {
            self.skipping = true;
            self.skipped = (self.carry.len() + part.len()) as u64;
            self.carry = Vec::new();
        } else {
            self.carry.extend_from_slice(part);
        }
    }

    /// Ends the carried line with `tail` (its bytes up to the newline).
    fn end_carried_line(&mut self, tail: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let total = self.skipped + (self.carry.len() + tail.len()) as u64;
        if self.skipping || total > self.limits.max_record {
            sink(Framed::Oversized {
                line: self.line,
                bytes: total,
                complete: true,
            });
            self.skipping = false;
            self.skipped = 0;
            self.carry = Vec::new();
        } else {
            self.carry.extend_from_slice(tail);
            let line = strip_cr(&self.carry);
            if !is_blank(line) {
                sink(Framed::Record {
                    line: self.line,
                    bytes: line,
                });
            }
            self.carry.clear();
        }
        self.line += 1;
    }

    /// A whole line (without its newline).
    fn emit_line(&mut self, raw: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        if raw.len() as u64 > self.limits.max_record {
            sink(Framed::Oversized {
                line: self.line,
                bytes: raw.len() as u64,
                complete: true,
            });
            return;
        }
        let line = strip_cr(raw);
        if !is_blank(line) {
            sink(Framed::Record {
                line: self.line,
                bytes: line,
            });
        }
    }

    pub(super) fn finish_lines(&mut self, sink: &mut dyn FnMut(Framed<'_>)) {
        if self.skipping {
            sink(Framed::Oversized {
                line: self.line,
                bytes: self.skipped,
                complete: false,
            });
            self.skipping = false;
            return;
        }
        let carry = std::mem::take(&mut self.carry);
        let line = strip_cr(&carry);
        if !is_blank(line) {
            sink(Framed::LastLine {
                line: self.line,
                bytes: line,
            });
        }
    }
}
