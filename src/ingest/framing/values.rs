//! Concatenated-values framing: a brace-depth scanner (string-aware) that hands out each
//! top-level value, a top-level array past `ARRAY_BATCH_BYTES` in batches of its elements, and a
//! value over `MAX_RECORD_BYTES` as its size only. Invariant: the carry never holds more than
//! `MAX_RECORD_BYTES`; decisions are taken at element and value ends, on sizes counted from the
//! bytes, so chunking changes nothing.

use super::{is_blank, Framed, Framer};

impl Framer {
    pub(super) fn feed_values(&mut self, chunk: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let mut seg_start = 0;
        for (i, &b) in chunk.iter().enumerate() {
            if self.depth == 0 {
                self.between_values(b, i, &mut seg_start, sink);
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
                        self.end_value(&chunk[seg_start..=i], sink);
                    } else if self.depth == 1 && self.top_array && !self.skipping {
                        let len = (self.carry.len() + i + 1 - seg_start) as u64;
                        if len >= self.limits.array_batch {
                            self.batch(&chunk[seg_start..=i], sink);
                            seg_start = i + 1;
                        }
                    }
                }
                b',' if self.depth == 1 && self.after_batch => {
                    // the comma between the batch that went out and the next element
                    self.keep(&chunk[seg_start..i]);
                    seg_start = i + 1;
                    self.after_batch = false;
                }
                _ => {}
            }
        }
        if self.depth > 0 {
            self.keep(&chunk[seg_start..]);
        }
    }

    /// A byte outside any value: the start of one, a newline, a separator, or stray text.
    fn between_values(
        &mut self,
        b: u8,
        i: usize,
        seg_start: &mut usize,
        sink: &mut dyn FnMut(Framed<'_>),
    ) {
        match b {
            b'{' | b'[' => {
                self.depth = 1;
                self.in_string = false;
                self.escaped = false;
                self.value_line = self.line;
                self.in_stray = false;
                self.top_array = b == b'[';
                self.after_batch = false;
                *seg_start = i;
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
    }

    /// Keeps bytes of the current value, or counts them once it is over the limit.
    fn keep(&mut self, part: &[u8]) {
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

    /// Sends the elements so far (ending with `last`) as one array and starts the next batch.
    fn batch(&mut self, last: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        self.carry.extend_from_slice(last);
        self.carry.push(b']');
        sink(Framed::Record {
            line: self.value_line,
            bytes: &self.carry,
        });
        self.carry.clear();
        self.carry.push(b'[');
        self.value_line = self.line;
        self.after_batch = true;
    }

    /// The current value ended with `last`.
    fn end_value(&mut self, last: &[u8], sink: &mut dyn FnMut(Framed<'_>)) {
        let len = self.skipped + (self.carry.len() + last.len()) as u64;
        if self.skipping || len > self.limits.max_record {
            sink(Framed::Oversized {
                line: self.value_line,
                bytes: len,
                complete: true,
            });
        } else if self.after_batch
            && is_blank(&last[..last.len() - 1])
            && self.carry.get(1..).is_none_or(is_blank)
        {
            // the array ended right after a batch: nothing is left of it
        } else if self.carry.is_empty() {
            sink(Framed::Record {
                line: self.value_line,
                bytes: last,
            });
        } else {
            self.carry.extend_from_slice(last);
            sink(Framed::Record {
                line: self.value_line,
                bytes: &self.carry,
            });
        }
        self.carry = Vec::new();
        self.skipping = false;
        self.skipped = 0;
        self.after_batch = false;
    }

    pub(super) fn finish_values(&mut self, sink: &mut dyn FnMut(Framed<'_>)) {
        if self.depth > 0 {
            if self.skipping {
                sink(Framed::Oversized {
                    line: self.value_line,
                    bytes: self.skipped,
                    complete: false,
                });
            } else if !(self.after_batch && self.carry.get(1..).is_none_or(is_blank)) {
                sink(Framed::Truncated {
                    line: self.value_line,
                    bytes: &self.carry,
                });
            }
        }
        self.carry = Vec::new();
        self.depth = 0;
        self.skipping = false;
    }
}
