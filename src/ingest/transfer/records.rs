//! The small tables of a trace in the transfer format's meta buffer, row by row: trace ids,
//! links, resources, lineage, assets, sources, logs, diagnostics. Invariant: what `write_meta`
//! writes, `read_meta` reads back exactly; a malformed buffer is an error.

use super::columns::{range, read_range, read_value, value};
use super::wire::{Reader, WireError, Writer};
use crate::model::{
    AssetRow, Attribute, Clock, Completion, Diagnostic, DiagnosticKind, FileIdx, LineageEdge,
    LogEntry, Resource, Severity, Source, SpanId, SpanIdx, SpanLink, StrIdx, Strings, TimestampNs,
    TraceId, TraceTables,
};

const KINDS: [DiagnosticKind; 18] = [
    DiagnosticKind::InvalidJson,
    DiagnosticKind::MissingField,
    DiagnosticKind::BadValue,
    DiagnosticKind::UnknownRecord,
    DiagnosticKind::UnknownFormat,
    DiagnosticKind::DuplicateSpan,
    DiagnosticKind::OrphanSpan,
    DiagnosticKind::StartsBeforeParent,
    DiagnosticKind::EndBeforeStart,
    DiagnosticKind::ParentCycle,
    DiagnosticKind::BadCompression,
    DiagnosticKind::FetchFailed,
    DiagnosticKind::Truncated,
    DiagnosticKind::LineageCycle,
    DiagnosticKind::TooLarge,
    DiagnosticKind::MemoryBudget,
    DiagnosticKind::Crashed,
    DiagnosticKind::EmptySource,
];

/// The number of a diagnostic kind (its place in `KINDS`; the match keeps the list complete).
fn kind_number(k: DiagnosticKind) -> u64 {
    match k {
        DiagnosticKind::InvalidJson
        | DiagnosticKind::MissingField
        | DiagnosticKind::BadValue
        | DiagnosticKind::UnknownRecord
        | DiagnosticKind::UnknownFormat
        | DiagnosticKind::DuplicateSpan
        | DiagnosticKind::OrphanSpan
        | DiagnosticKind::StartsBeforeParent
        | DiagnosticKind::EndBeforeStart
        | DiagnosticKind::ParentCycle
        | DiagnosticKind::BadCompression
        | DiagnosticKind::FetchFailed
        | DiagnosticKind::Truncated
        | DiagnosticKind::LineageCycle
        | DiagnosticKind::TooLarge
        | DiagnosticKind::MemoryBudget
        | DiagnosticKind::Crashed
        | DiagnosticKind::EmptySource => KINDS.iter().position(|x| *x == k).unwrap_or(0) as u64,
    }
}

fn opt(w: &mut Writer, v: Option<u64>) {
    w.uint(v.map_or(0, |v| v.saturating_add(1)));
}

fn read_opt(r: &mut Reader<'_>) -> Result<Option<u64>, WireError> {
    Ok(r.uint()?.checked_sub(1))
}

fn attributes(w: &mut Writer, attrs: &[Attribute]) {
    w.uint(attrs.len() as u64);
    for a in attrs {
        w.uint(a.key.0.into());
        value(w, a.value);
    }
}

fn read_attributes(r: &mut Reader<'_>) -> Result<Vec<Attribute>, WireError> {
    let n = r.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let key = StrIdx(r.u32()?);
        out.push(Attribute {
            key,
            value: read_value(r)?,
        });
    }
    Ok(out)
}

/// Writes the small tables (after the counts).
pub fn write_meta(w: &mut Writer, t: &TraceTables) {
    w.uint(t.problem_count);
    w.uint(t.trace_ids.len() as u64);
    for id in &t.trace_ids {
        w.wide(id.0);
    }
    w.uint(t.links.len() as u64);
    for l in &t.links {
        w.wide(l.trace_id.0);
        w.word(l.span_id.0);
        range(w, &l.attributes, &mut 0);
    }
    w.uint(t.resources.len() as u64);
    for r in &t.resources {
        w.uint(r.service_name.0.into());
        attributes(w, &r.attributes);
    }
    w.uint(t.lineage.len() as u64);
    for e in &t.lineage {
        for s in [&e.data_id, &e.source_data_id, &e.created_at] {
            w.text(s);
        }
    }
    w.uint(t.assets.len() as u64);
    for a in &t.assets {
        for s in [&a.data_id, &a.asset_guid, &a.user_id, &a.created_at] {
            w.text(s);
        }
        w.int(a.version);
    }
    sources(w, &t.sources);
    logs(w, &t.logs);
    diagnostics(w, &t.diagnostics);
}

fn sources(w: &mut Writer, sources: &[Source]) {
    w.uint(sources.len() as u64);
    for s in sources {
        w.text(&s.name);
        w.uint(s.bytes);
        w.uint(s.records.into());
        w.text(&s.format);
        w.uint(u64::from(s.clock == Clock::NaiveLocal));
        w.uint(match s.completion {
            Completion::Unstated => 0,
            Completion::Incomplete => 1,
            Completion::Complete => 2,
        });
    }
}

fn logs(w: &mut Writer, logs: &[LogEntry]) {
    w.uint(logs.len() as u64);
    for l in logs {
        w.int(l.time.0);
        w.uint(l.level.0.into());
        w.uint(l.message.0.into());
        match l.trace_id {
            Some(t) => {
                w.uint(1);
                w.wide(t.0);
            }
            None => w.uint(0),
        }
        opt(w, l.span_id.map(|s| s.0));
        opt(w, l.span.map(|s| s.0.into()));
        range(w, &l.attributes, &mut 0);
        w.uint(l.source.0.into());
        w.uint(l.line.into());
    }
}

/// Writes diagnostics (also used for the listed problems of a partial trace).
pub fn diagnostics(w: &mut Writer, list: &[Diagnostic]) {
    w.uint(list.len() as u64);
    for d in list {
        w.uint(u64::from(d.severity == Severity::Error));
        w.uint(kind_number(d.kind));
        w.text(&d.source);
        opt(w, d.line.map(u64::from));
        w.text(&d.message);
    }
}

/// Reads what `diagnostics` wrote.
pub fn read_diagnostics(r: &mut Reader<'_>) -> Result<Vec<Diagnostic>, WireError> {
    let n = r.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let severity = match r.uint()? {
            0 => Severity::Repaired,
            _ => Severity::Error,
        };
        let kind = usize::try_from(r.uint()?).ok().and_then(|k| KINDS.get(k));
        let kind = *kind.ok_or(WireError("a diagnostic of no known kind"))?;
        let source = r.text()?;
        let line = read_opt(r)?.and_then(|l| u32::try_from(l).ok());
        let message = r.text()?;
        out.push(Diagnostic {
            severity,
            kind,
            source,
            line,
            message,
        });
    }
    Ok(out)
}

/// Reads the small tables (after the counts); the big tables are left empty.
pub fn read_meta(m: &mut Reader<'_>) -> Result<TraceTables, WireError> {
    let problem_count = m.uint()?;
    let n = m.count()?;
    let mut trace_ids = Vec::with_capacity(n);
    for _ in 0..n {
        trace_ids.push(TraceId(m.wide()?));
    }
    let n = m.count()?;
    let mut links = Vec::with_capacity(n);
    for _ in 0..n {
        links.push(SpanLink {
            trace_id: TraceId(m.wide()?),
            span_id: SpanId(m.word()?),
            attributes: read_range(m, &mut 0)?,
        });
    }
    let n = m.count()?;
    let mut resources = Vec::with_capacity(n);
    for _ in 0..n {
        resources.push(Resource {
            service_name: StrIdx(m.u32()?),
            attributes: read_attributes(m)?,
        });
    }
    let n = m.count()?;
    let mut lineage = Vec::with_capacity(n);
    for _ in 0..n {
        lineage.push(LineageEdge {
            data_id: m.text()?,
            source_data_id: m.text()?,
            created_at: m.text()?,
        });
    }
    let n = m.count()?;
    let mut assets = Vec::with_capacity(n);
    for _ in 0..n {
        let (data_id, asset_guid, user_id, created_at) =
            (m.text()?, m.text()?, m.text()?, m.text()?);
        assets.push(AssetRow {
            data_id,
            asset_guid,
            version: m.int()?,
            user_id,
            created_at,
        });
    }
    let sources = read_sources(m)?;
    let logs = read_logs(m)?;
    let diagnostics = read_diagnostics(m)?;
    Ok(TraceTables {
        strings: Strings::default(),
        trace_ids,
        spans: Vec::new(),
        attributes: Vec::new(),
        events: Vec::new(),
        links,
        resources,
        lineage,
        assets,
        sources,
        logs,
        diagnostics,
        problem_count,
    })
}

fn read_sources(m: &mut Reader<'_>) -> Result<Vec<Source>, WireError> {
    let n = m.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(Source {
            name: m.text()?,
            bytes: m.uint()?,
            records: m.u32()?,
            format: m.text()?,
            clock: if m.uint()? == 1 {
                Clock::NaiveLocal
            } else {
                Clock::Utc
            },
            completion: match m.uint()? {
                1 => Completion::Incomplete,
                2 => Completion::Complete,
                _ => Completion::Unstated,
            },
        });
    }
    Ok(out)
}

fn read_logs(m: &mut Reader<'_>) -> Result<Vec<LogEntry>, WireError> {
    let n = m.count()?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let time = TimestampNs(m.int()?);
        let (level, message) = (StrIdx(m.u32()?), StrIdx(m.u32()?));
        let trace_id = match m.uint()? {
            0 => None,
            _ => Some(TraceId(m.wide()?)),
        };
        let span_id = read_opt(m)?.map(SpanId);
        let span = read_opt(m)?
            .and_then(|s| u32::try_from(s).ok())
            .map(SpanIdx);
        out.push(LogEntry {
            time,
            level,
            message,
            trace_id,
            span_id,
            span,
            attributes: read_range(m, &mut 0)?,
            source: FileIdx(m.u32()?),
            line: m.u32()?,
        });
    }
    Ok(out)
}
