//! Follow mode's polling rules for one URL source, as a pure state machine (no clock, no
//! network): what to ask for next and what an answer means. Ask `Range: bytes=<offset - 1>-` (a
//! CORS-safelisted header: one byte before the offset, so a file that did not grow answers 206
//! with that byte instead of a 416, which browsers log as a failed request every poll) and,
//! once the server sent them, its validators; a 206 is the bytes from there (the known one
//! skipped), a 416 (the file is shorter than what was read: replaced) or 304 is "nothing new",
//! a 200 is the whole file again (a server that ignores ranges), of which only the bytes past
//! the offset are new. Invariant: every byte is handed to the session once, in order; a source
//! that shrank is reported as replaced.
//!
//! ```text
//! offset 0 ---fetch---> n bytes --poll Range: bytes=n-1- --> 206 [n-1, m) -> Append [n, m), offset m
//!                                                         -> 304          -> Unchanged
//!                                                         -> 200 [0, m)   -> Append [n, m)
//! ```

/// Headers of the next poll.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PollRequest {
    /// `Range: bytes=<from>-`: one byte before the offset (none before the first byte).
    pub range_from: Option<u64>,
    /// `If-None-Match`, once the server sent an `ETag`.
    pub if_none_match: Option<String>,
    /// `If-Modified-Since`, once it sent `Last-Modified` (and no `ETag`).
    pub if_modified_since: Option<String>,
}

/// What the server answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PollAnswer<'a> {
    /// HTTP status.
    pub status: u16,
    /// `Content-Range` (exposed by the server through `Access-Control-Expose-Headers`).
    pub content_range: Option<&'a str>,
    /// `ETag`.
    pub etag: Option<&'a str>,
    /// `Last-Modified`.
    pub last_modified: Option<&'a str>,
    /// The body.
    pub body: &'a [u8],
}

/// What to do with an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    /// Feed these bytes to the session (they follow the last ones fed).
    Append(&'a [u8]),
    /// Nothing new.
    Unchanged,
    /// The source is shorter than what was read: it was replaced. Start a new source; the
    /// body is its content when the answer held the whole file.
    Replaced(Option<&'a [u8]>),
    /// The poll failed (status, or an answer that does not fit); polling may go on.
    Failed(String),
}

/// Why following stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// The source said its run ended (pflow `run.complete`, MLflow OK / ERROR).
    Complete,
    /// It did not grow for the given number of polls in a row.
    NoGrowth,
}

/// Polling state of one followed source.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Follower {
    offset: u64,
    etag: Option<String>,
    last_modified: Option<String>,
    quiet: u32,
    ranges_ignored: bool,
}

/// `bytes <start>-<end>/<total>` or `bytes */<total>`: (start, total).
fn content_range(text: &str) -> Option<(Option<u64>, Option<u64>)> {
    let rest = text.trim().strip_prefix("bytes")?.trim_start();
    let (span, total) = rest.split_once('/')?;
    let total = total.trim().parse().ok();
    let start = match span.trim() {
        "*" => None,
        s => Some(s.split_once('-')?.0.trim().parse().ok()?),
    };
    Some((start, total))
}

impl Follower {
    /// Follows a source of which `bytes_read` bytes were read already.
    pub fn new(bytes_read: u64) -> Follower {
        Follower {
            offset: bytes_read,
            ..Follower::default()
        }
    }

    /// Bytes handed to the session so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Polls in a row that brought nothing new.
    pub fn quiet_polls(&self) -> u32 {
        self.quiet
    }

    /// True once the server answered a ranged poll with the whole file.
    pub fn ranges_ignored(&self) -> bool {
        self.ranges_ignored
    }

    /// The next poll's headers.
    pub fn request(&self) -> PollRequest {
        PollRequest {
            range_from: self.offset.checked_sub(1),
            if_none_match: self.etag.clone(),
            if_modified_since: self
                .etag
                .is_none()
                .then(|| self.last_modified.clone())
                .flatten(),
        }
    }

    fn grew(&mut self, n: usize) {
        self.offset += n as u64;
        self.quiet = if n == 0 { self.quiet + 1 } else { 0 };
    }

    /// Reads an answer to the poll `request()` described.
    pub fn on_answer<'a>(&mut self, a: &PollAnswer<'a>) -> Step<'a> {
        if matches!(a.status, 200 | 206) {
            self.etag = a.etag.map(str::to_string);
            self.last_modified = a.last_modified.map(str::to_string);
        }
        match a.status {
            206 => {
                let Some((Some(start), _)) = a.content_range.and_then(content_range) else {
                    return Step::Failed("206 without a readable Content-Range".into());
                };
                if start > self.offset {
                    return Step::Failed(format!(
                        "the server sent bytes from {start}, {} were asked for",
                        self.offset
                    ));
                }
                let skip = usize::try_from(self.offset - start).unwrap_or(usize::MAX);
                let new = a.body.get(skip..).unwrap_or(&[]);
                self.grew(new.len());
                Step::Append(new)
            }
            200 => {
                self.ranges_ignored |= self.offset > 0;
                let known = usize::try_from(self.offset).unwrap_or(usize::MAX);
                match a.body.get(known..) {
                    Some(new) => {
                        self.grew(new.len());
                        Step::Append(new)
                    }
                    None => {
                        self.offset = a.body.len() as u64;
                        self.quiet = 0;
                        Step::Replaced(Some(a.body))
                    }
                }
            }
            416 => match a.content_range.and_then(content_range) {
                Some((_, Some(total))) if total < self.offset => {
                    self.offset = 0;
                    self.quiet = 0;
                    Step::Replaced(None)
                }
                _ => {
                    self.quiet += 1;
                    Step::Unchanged
                }
            },
            304 => {
                self.quiet += 1;
                Step::Unchanged
            }
            other => Step::Failed(format!("HTTP {other}")),
        }
    }

    /// Whether to stop polling: when the source says it is complete, or after `max_quiet`
    /// polls in a row without growth.
    pub fn stop(&self, source_complete: bool, max_quiet: u32) -> Option<StopReason> {
        if source_complete {
            Some(StopReason::Complete)
        } else if self.quiet >= max_quiet {
            Some(StopReason::NoGrowth)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server holding `file`, answering a poll as a real one would.
    fn serve<'a>(file: &'a [u8], req: &PollRequest, ranges: bool) -> PollAnswer<'a> {
        let len = file.len() as u64;
        match req.range_from.filter(|_| ranges) {
            Some(from) if from >= len => PollAnswer {
                status: 416,
                content_range: None,
                ..PollAnswer::default()
            },
            Some(from) => PollAnswer {
                status: 206,
                body: &file[from as usize..],
                ..PollAnswer::default()
            },
            None => PollAnswer {
                status: 200,
                body: file,
                ..PollAnswer::default()
            },
        }
    }

    #[test]
    fn every_byte_once_with_or_without_ranges() {
        let file = b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\n";
        for ranges in [true, false] {
            let mut f = Follower::new(0);
            let mut got = Vec::new();
            for end in [0, 5, 5, 16, 24, 32, 32, 32] {
                let req = f.request();
                let mut a = serve(&file[..end], &req, ranges);
                let range;
                if a.status == 206 {
                    range = format!("bytes {}-{}/{end}", req.range_from.unwrap_or(0), end - 1);
                    a.content_range = Some(&range);
                }
                match f.on_answer(&a) {
                    Step::Append(b) => got.extend_from_slice(b),
                    Step::Unchanged => {}
                    other => panic!("{other:?}"),
                }
            }
            assert_eq!(got, file, "ranges: {ranges}");
            assert_eq!(f.quiet_polls(), 2);
            assert_eq!(f.ranges_ignored(), !ranges);
            assert_eq!(f.stop(false, 2), Some(StopReason::NoGrowth));
            assert_eq!(f.stop(true, 99), Some(StopReason::Complete));
        }
    }

    #[test]
    fn validators_overlaps_and_replaced_files() {
        let mut f = Follower::new(0);
        let body = b"0123456789";
        let a = PollAnswer {
            status: 200,
            etag: Some("\"v1\""),
            last_modified: Some("Tue, 01 Dec 2026 21:00:00 GMT"),
            body,
            ..PollAnswer::default()
        };
        assert_eq!(f.on_answer(&a), Step::Append(body));
        let req = f.request();
        assert_eq!(req.range_from, Some(9), "one byte before the offset");
        assert_eq!(req.if_none_match.as_deref(), Some("\"v1\""));
        assert_eq!(req.if_modified_since, None, "the ETag is enough");
        let same = PollAnswer {
            status: 304,
            ..PollAnswer::default()
        };
        assert_eq!(f.on_answer(&same), Step::Unchanged);
        // an answer starting before the offset: only the part past it is new
        let overlap = PollAnswer {
            status: 206,
            content_range: Some("bytes 8-11/12"),
            body: b"89ab",
            ..PollAnswer::default()
        };
        assert_eq!(f.on_answer(&overlap), Step::Append(b"ab"));
        let gap = PollAnswer {
            status: 206,
            content_range: Some("bytes 20-21/22"),
            body: b"xy",
            ..PollAnswer::default()
        };
        assert!(matches!(f.on_answer(&gap), Step::Failed(_)));
        // the file shrank: it was replaced
        let shrunk = PollAnswer {
            status: 416,
            content_range: Some("bytes */3"),
            ..PollAnswer::default()
        };
        assert_eq!(f.on_answer(&shrunk), Step::Replaced(None));
        assert_eq!(f.request().range_from, None);
        let short = PollAnswer {
            status: 200,
            body: b"abc",
            ..PollAnswer::default()
        };
        let mut g = Follower::new(10);
        assert_eq!(g.on_answer(&short), Step::Replaced(Some(&b"abc"[..])));
        assert!(matches!(
            g.on_answer(&PollAnswer {
                status: 500,
                ..PollAnswer::default()
            }),
            Step::Failed(_)
        ));
    }
}
