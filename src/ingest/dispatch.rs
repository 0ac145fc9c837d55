//! Per-record dispatch: each framed record goes to the reader of its format, found by probing
//! its keys against the format table (`formats::RecordKind`); a source keeps reading records as
//! the kind it last read until one does not fit. This file knows no format: what to detect, how
//! to read, what can be salvaged and what a reader adds when a source ends all come from the
//! table, and the source's scratch (`formats::SourceScratch`) is handed to the readers unopened.
//! Invariant: every record either reaches a reader or leaves a diagnostic (invalid JSON, a row
//! of the wrong shape, a record of no known shape).

use super::builder::TraceBuilder;
use super::detect::{self, probe, Probe};
use super::formats::{RecordKind, SourceScratch};
use super::framing::{Framed, Framer};
use super::sniff::{self, Verdict};
use super::toolkit::RecordCx;
use crate::model::{DiagnosticKind, FileIdx, Severity, Source};
use rustc_hash::FxHashMap;

/// Most "unknown record" lines remembered per source before it is judged as a whole.
const MAX_PENDING_UNKNOWN: usize = 20;

/// What a source's records turned out to be so far.
#[derive(Debug, Default)]
pub struct Pending {
    /// The kind the last record was read as: the next record is tried as that first.
    sticky: Option<RecordKind>,
    /// Records read, by kind.
    kinds: FxHashMap<RecordKind, u32>,
    /// The first records of no known shape (line, why), reported when the source ends.
    pub unknown: Vec<(u32, String)>,
    /// How many records were of no known shape.
    pub unknown_count: u32,
    /// What the source's first bytes said it is (`sniff`), and the bytes held until then.
    sniffing: Sniffing,
    held: Vec<u8>,
    /// Something other than whitespace (or a byte-order mark) was seen.
    saw_text: bool,
    /// Decoded bytes seen.
    decoded: u64,
}

/// Where a source's first-bytes judgement stands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Sniffing {
    /// Holding its first bytes until `sniff::judge` can tell.
    #[default]
    Looking,
    /// Text: framed and read.
    Reading,
    /// An HTML page: its first bytes are held until its `<title>` closes.
    Html,
    /// Not a trace, said in one message: the rest is dropped.
    Refused,
}

impl Pending {
    /// Records read as some kind.
    pub fn recognised(&self) -> u32 {
        self.kinds.values().sum()
    }

    /// The source's format label: its kinds, most records first (`OTel SDK spans + JSON log`).
    pub fn format_label(&self) -> String {
        let mut labels: Vec<(RecordKind, u32)> = self.kinds.iter().map(|(k, n)| (*k, *n)).collect();
        labels.sort_by_key(|(k, n)| (std::cmp::Reverse(*n), k.label()));
        labels
            .iter()
            .map(|(k, _)| k.label())
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// True when the source was refused as a whole from its first bytes (HTML, binary).
    pub fn is_refused(&self) -> bool {
        self.sniffing == Sniffing::Refused
    }

    /// True when the source held nothing but whitespace (or nothing at all): with the bytes
    /// it decoded to.
    pub fn blank(&self) -> Option<u64> {
        (!self.saw_text && !self.is_refused()).then_some(self.decoded)
    }

    /// Writes the record count and format label read so far into the source's bookkeeping.
    pub fn summarise(&self, source: &mut Source) {
        source.records = self.recognised();
        source.format = self.format_label();
    }
}

/// The records of one source being read.
pub struct RecordContext<'a> {
    builder: &'a mut TraceBuilder,
    f: FileIdx,
    pending: &'a mut Pending,
    scratch: &'a mut SourceScratch,
}

/// Ends source `f` for every reader with an end hook: each adds what `scratch` still holds.
/// Called when the source ends, and on copies of the builder and scratch for a snapshot.
pub fn end_readers(builder: &mut TraceBuilder, f: FileIdx, scratch: &mut SourceScratch) {
    for kind in RecordKind::ALL {
        if let Some(end) = kind.reader().end {
            end(&mut RecordCx {
                b: builder,
                source: f,
                line: 0,
                scratch,
            });
        }
    }
}

/// Appends `bytes` to `held` up to `cap` bytes in all.
fn hold(held: &mut Vec<u8>, bytes: &[u8], cap: usize) {
    let room = cap.saturating_sub(held.len());
    held.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

fn is_syntax(e: &serde_json::Error) -> bool {
    !matches!(e.classify(), serde_json::error::Category::Data)
}

/// serde's message without its " at line 1 column 5" suffix (we report our own line).
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(p) => s[..p].to_string(),
        None => s,
    }
}

/// What is said of a record over the size limit.
fn oversized(bytes: u64, complete: bool) -> String {
    let mb = |b: u64| b as f64 / 1e6;
    let size = if complete {
        format!("{:.1} MB", mb(bytes))
    } else {
        format!("at least {:.1} MB (the source ends inside it)", mb(bytes))
    };
    format!(
        "one record of {size}, over the {:.0} MB limit for a single line or JSON value: skipped unread (a top-level JSON array is read in parts whatever its size; JSON Lines have no limit overall)",
        mb(super::framing::MAX_RECORD_BYTES)
    )
}

impl<'a> RecordContext<'a> {
    /// A context over `builder` for source `f`, with what its records said so far.
    pub fn new(
        builder: &'a mut TraceBuilder,
        f: FileIdx,
        pending: &'a mut Pending,
        scratch: &'a mut SourceScratch,
    ) -> Self {
        RecordContext {
            builder,
            f,
            pending,
            scratch,
        }
    }

    /// Feeds decoded bytes: held until the source's first bytes are judged, then framed into
    /// records, or dropped after the one message a source that is no trace gets.
    pub fn feed(&mut self, framer: &mut Framer, bytes: &[u8]) {
        let p = &mut *self.pending;
        p.decoded += bytes.len() as u64;
        if !p.saw_text {
            p.saw_text = bytes
                .iter()
                .any(|b| !b.is_ascii_whitespace() && !matches!(b, 0xEF | 0xBB | 0xBF));
        }
        match p.sniffing {
            Sniffing::Reading => framer.feed(bytes, &mut |item| self.handle(item)),
            Sniffing::Refused => {}
            Sniffing::Html => {
                hold(&mut p.held, bytes, sniff::TITLE_BYTES);
                self.say_html(false);
            }
            Sniffing::Looking => {
                p.held.extend_from_slice(bytes);
                if let Some(verdict) = sniff::judge(&p.held, false) {
                    self.start(framer, verdict);
                }
            }
        }
    }

    /// Ends the source's bytes: a judgement still pending is made on what came, the framer
    /// flushes its last record.
    pub fn finish(&mut self, framer: &mut Framer) {
        if self.pending.sniffing == Sniffing::Looking {
            let verdict = sniff::judge(&self.pending.held, true).unwrap_or(Verdict::Text);
            self.start(framer, verdict);
        }
        match self.pending.sniffing {
            Sniffing::Html => self.say_html(true),
            Sniffing::Reading => framer.finish(&mut |item| self.handle(item)),
            Sniffing::Looking | Sniffing::Refused => {}
        }
    }

    /// Acts on the verdict on the source's first bytes (held so far).
    fn start(&mut self, framer: &mut Framer, verdict: Verdict) {
        let held = std::mem::take(&mut self.pending.held);
        match verdict {
            Verdict::Text => {
                self.pending.sniffing = Sniffing::Reading;
                framer.feed(&held, &mut |item| self.handle(item));
            }
            Verdict::Html => {
                self.pending.sniffing = Sniffing::Html;
                hold(&mut self.pending.held, &held, sniff::TITLE_BYTES);
                self.say_html(false);
            }
            Verdict::Binary(what) => self.refuse(format!("binary file, not a trace ({what})")),
        }
    }

    /// Says the source is an HTML page once its title is known, its first `TITLE_BYTES` were
    /// searched, or (`at_end`) the source ended.
    fn say_html(&mut self, at_end: bool) {
        let held = &self.pending.held;
        let title = sniff::title(held);
        if title.is_none() && !at_end && held.len() < sniff::TITLE_BYTES {
            return;
        }
        let message = match title.filter(|t| !t.is_empty()) {
            Some(t) => format!("this is an HTML page, not a trace (titled {t:?}): a server may have sent a login or error page instead of the file"),
            None => "this is an HTML page, not a trace: a server may have sent a login or error page instead of the file".to_string(),
        };
        self.pending.held = Vec::new();
        self.refuse(message);
    }

    /// Refuses the whole source with one message; its remaining bytes are dropped.
    fn refuse(&mut self, message: String) {
        self.pending.sniffing = Sniffing::Refused;
        self.pending.held = Vec::new();
        self.builder.diagnose(
            Severity::Error,
            DiagnosticKind::UnknownFormat,
            self.f,
            None,
            message,
        );
    }

    /// Handles one framed item.
    pub fn handle(&mut self, item: Framed<'_>) {
        match item {
            Framed::Record { line, bytes } => self.record(line, bytes, false),
            Framed::LastLine { line, bytes } => self.record(line, bytes, true),
            Framed::Truncated { line, bytes } => self.record(line, bytes, true),
            Framed::Stray { line } => self.builder.diagnose(
                Severity::Error,
                DiagnosticKind::InvalidJson,
                self.f,
                Some(line),
                "text outside any JSON value; skipped up to the next '{'".into(),
            ),
            Framed::Oversized {
                line,
                bytes,
                complete,
            } => self.diagnose(DiagnosticKind::TooLarge, line, oversized(bytes, complete)),
        }
    }

    fn cx(&mut self, line: u32) -> RecordCx<'_> {
        RecordCx {
            b: self.builder,
            source: self.f,
            line,
            scratch: self.scratch,
        }
    }

    fn record(&mut self, line: u32, bytes: &[u8], truncated: bool) {
        let mut sticky_error = None;
        if let Some(kind) = self.pending.sticky {
            match self.read(kind, line, bytes) {
                Ok(()) => return,
                Err(e) if is_syntax(&e) => return self.invalid(line, bytes, &e, truncated),
                Err(e) => sticky_error = Some((kind, e)), // maybe another shape: probe below
            }
        }
        let probed = probe(bytes);
        if probed.is_err() && self.salvage(line, bytes) {
            return;
        }
        if let (Some((kind, e)), Ok(Probe::Unknown | Probe::Array)) = (&sticky_error, &probed) {
            // a row of this file's kind that lacks a distinguishing field
            let message = format!("{} row: {}; row skipped", kind.label(), strip_position(e));
            return self.diagnose(DiagnosticKind::MissingField, line, message);
        }
        let kind = match probed {
            Err(e) => return self.invalid(line, bytes, &e, truncated),
            Ok(Probe::Kind(k)) => k,
            Ok(Probe::Array) => match detect::probe_array(bytes) {
                Some(k) => k,
                None => {
                    let why = format!("line {line} is a JSON array of no supported format");
                    return self.unknown(line, why);
                }
            },
            Ok(Probe::Unknown) => {
                return self.unknown(line, format!("line {line} is JSON of no known trace shape"))
            }
        };
        self.pending.sticky = Some(kind);
        if let Err(e) = self.read(kind, line, bytes) {
            let what = if is_syntax(&e) {
                DiagnosticKind::InvalidJson
            } else {
                DiagnosticKind::MissingField
            };
            let message = format!("{} row: {}; row skipped", kind.label(), strip_position(&e));
            self.diagnose(what, line, message);
        }
    }

    /// Offers a record that is not valid JSON to each format that can salvage one.
    fn salvage(&mut self, line: u32, bytes: &[u8]) -> bool {
        for kind in RecordKind::ALL {
            if let Some(salvage) = kind.reader().salvage {
                if salvage(&mut self.cx(line), bytes) {
                    *self.pending.kinds.entry(kind).or_insert(0) += 1;
                    return true;
                }
            }
        }
        false
    }

    /// Reads a record as `kind`; `Ok` also when the reader diagnosed and skipped it.
    fn read(&mut self, kind: RecordKind, line: u32, bytes: &[u8]) -> Result<(), serde_json::Error> {
        (kind.reader().read)(&mut self.cx(line), bytes)?;
        *self.pending.kinds.entry(kind).or_insert(0) += 1;
        Ok(())
    }

    fn diagnose(&mut self, kind: DiagnosticKind, line: u32, message: String) {
        self.builder
            .diagnose(Severity::Error, kind, self.f, Some(line), message);
    }

    fn invalid(&mut self, line: u32, bytes: &[u8], e: &serde_json::Error, truncated: bool) {
        let eof = e.classify() == serde_json::error::Category::Eof;
        let (kind, reason) = if truncated && eof {
            (
                DiagnosticKind::Truncated,
                format!(
                    "the source ends inside this record ({}); skipped",
                    strip_position(e)
                ),
            )
        } else if eof {
            (
                DiagnosticKind::InvalidJson,
                format!("record is cut off ({}); skipped", strip_position(e)),
            )
        } else if std::str::from_utf8(bytes).is_err() {
            (
                DiagnosticKind::InvalidJson,
                "not valid UTF-8; line skipped".to_string(),
            )
        } else {
            (
                DiagnosticKind::InvalidJson,
                format!("invalid JSON: {e}; line skipped"),
            )
        };
        self.diagnose(kind, line, reason);
    }

    fn unknown(&mut self, line: u32, message: String) {
        self.pending.unknown_count += 1;
        if self.pending.unknown.len() < MAX_PENDING_UNKNOWN {
            self.pending.unknown.push((line, message));
        }
    }
}
