//! Repair means report: one small input per row of the README's repair table, each checked for
//! the diagnostic it must leave (kind, severity, what it says), and the table checked against
//! these cases both ways, so a repair cannot be added, or dropped, in silence.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use skein::ingest::ingest_sources;
use skein::model::{DiagnosticKind as K, Severity, Trace};
use std::io::Write;

/// One input and the diagnostic it must produce.
struct Case {
    /// The problem, exactly as the README table's first column says it.
    problem: &'static str,
    /// File name and content.
    file: &'static str,
    input: Vec<u8>,
    kind: K,
    severity: Severity,
    /// Words the diagnostic's message contains.
    says: &'static str,
}

/// An OTel SDK span line: `extra` is spliced into the object (`, "key": value...`).
fn span(id: u32, parent: Option<u32>, start_s: u32, end_s: u32, extra: &str) -> String {
    let parent = parent.map_or("null".into(), |p| format!("\"0x{p:016x}\""));
    format!(
        r#"{{"name": "s{id}", "context": {{"trace_id": "0x0000000000000000000000000000abcd", "span_id": "0x{id:016x}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:{start_s:02}Z", "end_time": "2026-01-01T00:00:{end_s:02}Z"{extra}}}"#
    ) + "\n"
}

fn lines(ls: &[String]) -> Vec<u8> {
    ls.concat().into_bytes()
}

fn case(
    problem: &'static str,
    file: &'static str,
    input: Vec<u8>,
    (kind, severity): (K, Severity),
    says: &'static str,
) -> Case {
    Case {
        problem,
        file,
        input,
        kind,
        severity,
        says,
    }
}

const SKIPPED: Severity = Severity::Error;
const REPAIRED: Severity = Severity::Repaired;

fn gzip_cut(text: &str) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(text.as_bytes()).unwrap();
    let bytes = z.finish().unwrap();
    bytes[..bytes.len() - 12].to_vec()
}

/// `execution_id` of the pflow runs below.
const PFLOW_RUN: &str = r#""execution_id": "4ee0378c-e717-465f-94d8-a5df2539b687", "#;

/// A pflow JSON Lines run: its meta line, then `lines` (no `run.complete`).
fn pflow(lines: &[&str]) -> String {
    let meta = format!(
        r#"{{"kind": "meta", "pflow_trace": "jsonl/1", "format_version": "2.8.0", {PFLOW_RUN}"workflow_name": "w", "start_time": "2026-01-01T00:00:00"}}"#
    );
    let mut text = meta + "\n";
    for l in lines {
        text += l;
        text += "\n";
    }
    text
}

/// A pflow `event` line for node id 0 with this status; `extra` is spliced into the object.
fn pflow_event(status: &str, extra: &str) -> String {
    format!(
        r#"{{"node_id": "a", "node_type": "ShellNode", "duration_ms": 1.5, "status": "{status}", "timestamp": "2026-01-01T00:00:01", "id": 0, "seq": 0, "parent_id": null{extra}, "kind": "event"}}"#
    )
}

/// A span line, then 65 MB of spaces, gzipped (~70 KB: past the 64 MB floor at ~1000:1); made
/// once, every test reads the case list.
fn bomb() -> Vec<u8> {
    static BOMB: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BOMB.get_or_init(|| {
        let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        z.write_all(span(1, None, 0, 5, "").as_bytes()).unwrap();
        z.write_all(&vec![b' '; 65 << 20]).unwrap();
        z.finish().unwrap()
    })
    .clone()
}

fn cases() -> Vec<Case> {
    let good = span(1, None, 0, 5, "");
    let without = |field: &str| good.replacen(field, "\"ignored\": ", 1);
    let zipkin = r#"[{"traceId": "a1", "id": "b1", "name": "n", "timestamp": 1767225600000000}]"#;
    let jaeger = r#"{"traceID": "t1", "spanID": "s1", "operationName": "op", "startTime": 1767225600000000}"#;
    let mlflow = r#"{"info": {"trace_id": "tr-0000000000000000000000000000abcd"}, "data": {"spans": [{"span_id": "AAAAAAAAAAE=", "name": "n", "start_time_unix_nano": 1767225600000000000}]}}"#;
    let langfuse = r#"{"trace": {"id": "t1", "name": "t"}, "observations": [{"id": "o1", "traceId": "t1", "name": "gen", "type": "GENERATION", "startTime": "2026-01-01T00:00:00.000Z"}]}"#;
    let gcp = r#"{"projectId": "p", "traceId": "0000000000000000000000000000abcd", "spans": [{"spanId": "1", "name": "n", "startTime": "2026-01-01T00:00:00Z"}]}"#;
    let chrome_x = r#"[{"ph": "X", "name": "a", "ts": 1, "pid": 1, "tid": 1}]"#;
    let otlp = |span: &str, resource: &str| {
        format!(
            r#"{{"resourceSpans": [{{"resource": {resource}, "scopeSpans": [{{"spans": [{{"traceId": "0000000000000000000000000000abcd", "spanId": "0000000000000001", "name": "n", "startTimeUnixNano": "1", "endTimeUnixNano": "2"{span}}}]}}]}}]}}"#
        )
    };
    let log_time = r#""timestamp": "2026-01-01T00:00:00Z""#;
    let bad_lines: Vec<String> = (0..150).map(|i| format!("{{\"n\": oops{i}}}\n")).collect();
    vec![
        case("a line that is not JSON, cut off, or not UTF-8", "bad.jsonl", lines(&[good.clone(), "{\"name\": oops}\n".into()]), (K::InvalidJson, SKIPPED), "invalid JSON"),
        case("a line that is not JSON, cut off, or not UTF-8", "cut.jsonl", lines(&[good.clone(), "{\"name\": \"a\", \"context\": {".into()]), (K::Truncated, SKIPPED), "ends inside this record"),
        case("a line that is not JSON, cut off, or not UTF-8", "latin1.jsonl", [good.as_bytes(), b"{\"name\": \"\xff\"}\n"].concat(), (K::InvalidJson, SKIPPED), "not valid UTF-8"),
        case("text between JSON values", "pretty.json", format!("{{\n  \"a\": 1\n}}\nnoise here\n{}", good).into_bytes(), (K::InvalidJson, SKIPPED), "text outside any JSON value"),
        case("a row missing ids or times, or with unparseable ones", "ids.jsonl", lines(&[without("\"trace_id\": ")]), (K::MissingField, SKIPPED), "missing context.trace_id"),
        case("a row missing ids or times, or with unparseable ones", "times.jsonl", lines(&[good.replace("2026-01-01T00:00:05Z", "later")]), (K::BadValue, SKIPPED), "is not an ISO-8601 time"),
        case("a time out of range (beyond the year 2262)", "far.json", jaeger.replace("1767225600000000", "9000000000000000000").into_bytes(), (K::BadValue, SKIPPED), "out of range"),
        case("a time out of range (beyond the year 2262)", "far.zipkin.json", zipkin.replace("1767225600000000", "253402300799000000").into_bytes(), (K::BadValue, SKIPPED), "timestamp 253402300799000000 is out of range (times must lie between 1677-09-21 and 2262-04-11); span skipped"),
        case("a span without a name", "unnamed.jsonl", lines(&[without("\"name\": ")]), (K::MissingField, REPAIRED), "missing name; shown as \"(unnamed)\""),
        case("an event without a name", "event.jsonl", lines(&[span(1, None, 0, 5, r#", "events": [{"timestamp": "2026-01-01T00:00:01Z"}]"#)]), (K::MissingField, REPAIRED), "an event has no name"),
        case("an event without a readable time", "when.jsonl", lines(&[span(1, None, 0, 5, r#", "events": [{"name": "e", "timestamp": "soon"}]"#)]), (K::BadValue, REPAIRED), "placed at the span start"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "zipkin.json", zipkin.as_bytes().to_vec(), (K::MissingField, REPAIRED), "has no duration (incomplete); drawn as an instant"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "jaeger.json", jaeger.as_bytes().to_vec(), (K::MissingField, REPAIRED), "has no duration (incomplete)"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "mlflow.json", mlflow.as_bytes().to_vec(), (K::MissingField, REPAIRED), "has no end_time_unix_nano (incomplete)"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "langfuse.json", langfuse.as_bytes().to_vec(), (K::MissingField, REPAIRED), "has no endTime (incomplete)"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "gcp.json", gcp.as_bytes().to_vec(), (K::MissingField, REPAIRED), "has no endTime (incomplete)"),
        case("a span without an end (Zipkin or Jaeger `duration`, MLflow `end_time_unix_nano`, Langfuse or Cloud Trace `endTime`, Chrome `X` without `dur`)", "chrome.json", chrome_x.as_bytes().to_vec(), (K::BadValue, REPAIRED), "has no readable duration; drawn as an instant"),
        case("a parent id that is not an id", "parent.jsonl", lines(&[good.replace("\"parent_id\": null", "\"parent_id\": \"zz\"")]), (K::BadValue, REPAIRED), "parent_id \"zz\" is not an id; shown as a root"),
        case("a link without a readable trace and span id", "link.jsonl", lines(&[span(1, None, 0, 5, r#", "links": [{"context": {"trace_id": "0x01"}}]"#)]), (K::BadValue, REPAIRED), "link dropped"),
        case("a resource that is not an object of attributes", "resource.jsonl", lines(&[span(1, None, 0, 5, r#", "resource": "svc""#)]), (K::BadValue, REPAIRED), "keep no resource attributes"),
        case("a resource that is not an object of attributes", "resource.otlp.json", otlp("", r#""svc""#).into_bytes(), (K::BadValue, REPAIRED), "keep no resource attributes"),
        case("an OTLP span kind of no known value", "kind.otlp.json", otlp(r#", "kind": 9"#, "{}").into_bytes(), (K::BadValue, REPAIRED), "unknown kind 9; read as unspecified"),
        case("the same (trace id, span id) twice", "twice.jsonl", lines(&[good.clone(), good.clone()]), (K::DuplicateSpan, REPAIRED), "kept the first copy"),
        case("the same lineage edge twice", "lineage.jsonl", lines(&[r#"{"data_id": "b", "source_data_id": "a", "created_at": "t"}"#.to_string() + "\n", r#"{"data_id": "b", "source_data_id": "a", "created_at": "t"}"#.to_string() + "\n"]), (K::DuplicateSpan, REPAIRED), "kept once"),
        case("a span that is its own parent", "self.jsonl", lines(&[span(1, Some(1), 0, 5, "")]), (K::ParentCycle, REPAIRED), "span 0000000000000001 is its own parent; shown as a root"),
        case("parent id not in the loaded data", "orphan.jsonl", lines(&[span(2, Some(9), 0, 5, "")]), (K::OrphanSpan, REPAIRED), "not in the loaded data; shown as a root"),
        case("parent links forming a cycle", "cycle.jsonl", lines(&[span(1, Some(2), 0, 5, ""), span(2, Some(1), 1, 4, "")]), (K::ParentCycle, REPAIRED), "a cycle"),
        case("end before start", "backwards.jsonl", lines(&[span(1, None, 5, 1, "")]), (K::EndBeforeStart, REPAIRED), "end set to start"),
        case("child starting before its parent", "skew.jsonl", lines(&[span(1, None, 2, 9, ""), span(2, Some(1), 0, 5, "")]), (K::StartsBeforeParent, REPAIRED), "before its parent"),
        case("a Chrome event array cut off mid-way", "cut.json", br#"[{"ph": "X", "name": "a", "ts": 1, "dur": 2, "pid": 1, "tid": 1}, {"ph": "X", "na"#.to_vec(), (K::Truncated, REPAIRED), "read the 1 complete events"),
        case("a Chrome array element that is no event object, or an event without `ts`", "odd.json", br#"[{"ph": "X", "name": "a", "ts": 1, "dur": 2, "pid": 1, "tid": 1}, 5]"#.to_vec(), (K::BadValue, REPAIRED), "are not event objects; skipped"),
        case("a Chrome array element that is no event object, or an event without `ts`", "nots.json", br#"[{"ph": "X", "name": "a", "ts": 1, "dur": 2, "pid": 1, "tid": 1}, {"ph": "X", "name": "b", "dur": 2}]"#.to_vec(), (K::BadValue, REPAIRED), "has no readable ts; skipped"),
        case("a Chrome `E` with no open `B`, or an async end with no begin", "e.json", br#"[{"ph": "X", "name": "a", "ts": 1, "dur": 2, "pid": 1, "tid": 1}, {"ph": "E", "ts": 5, "pid": 1, "tid": 1}]"#.to_vec(), (K::BadValue, REPAIRED), "has no open B event"),
        case("a Chrome `E` with no open `B`, or an async end with no begin", "async.json", br#"[{"ph": "X", "name": "a", "ts": 1, "dur": 2, "pid": 1, "tid": 1}, {"ph": "e", "cat": "c", "id": 1, "name": "x", "ts": 3}]"#.to_vec(), (K::BadValue, REPAIRED), "has no matching begin"),
        case("a Chrome `E` whose name differs from the `B` it closes", "names.json", br#"[{"ph": "B", "name": "a", "ts": 1, "pid": 1, "tid": 1}, {"ph": "E", "name": "b", "ts": 5, "pid": 1, "tid": 1}]"#.to_vec(), (K::BadValue, REPAIRED), "matched by order"),
        case("a Chrome `B` (or async begin) that never ends", "open.json", br#"[{"ph": "B", "name": "a", "ts": 1, "pid": 1, "tid": 1}, {"ph": "X", "name": "c", "ts": 2, "dur": 7, "pid": 1, "tid": 1}]"#.to_vec(), (K::BadValue, REPAIRED), "never ends; ended at the thread's last timestamp"),
        case("a Chrome `B` (or async begin) that never ends", "open_async.json", br#"[{"ph": "X", "name": "c", "ts": 2, "dur": 7, "pid": 1, "tid": 1}, {"ph": "b", "cat": "c", "id": 1, "name": "x", "ts": 3}]"#.to_vec(), (K::BadValue, REPAIRED), "async begin \"x\" never ends; skipped"),
        case("a log line without a readable time", "log.jsonl", br#"{"event": "hi", "trace_id": "01"}"#.to_vec(), (K::MissingField, SKIPPED), "without a readable timestamp"),
        case("a log line's trace or span id that is not hex", "log.jsonl", format!(r#"{{"event": "hi", {log_time}, "span_id": "zz"}}"#).into_bytes(), (K::BadValue, REPAIRED), "span id \"zz\" is not hex"),
        case("a lineage or asset row missing its fields", "lineage.jsonl", br#"{"data_id": 1, "source_data_id": "a"}"#.to_vec(), (K::MissingField, SKIPPED), "lineage row needs data_id"),
        case("a lineage or asset row missing its fields", "assets.jsonl", br#"{"data_id": "d", "asset_guid": "g"}"#.to_vec(), (K::MissingField, SKIPPED), "asset row needs"),
        case("corrupt or truncated gzip", "spans.jsonl.gz", gzip_cut(&good.repeat(40)), (K::BadCompression, SKIPPED), "kept what was readable"),
        case("gzip that inflates more than 100:1 past 64 MB", "bomb.jsonl.gz", bomb(), (K::BadCompression, SKIPPED), "likely decompression bomb; what was read before it is kept"),
        case("a pflow node recorded twice (the same `id`)", "twice.trace.json", pflow(&[&pflow_event("success", ""), &pflow_event("failed", "")]).into_bytes(), (K::DuplicateSpan, REPAIRED), "the last record is kept"),
        case("a pflow run without `execution_id` or `workflow_name`", "anonymous.trace.json", pflow(&[]).replacen(PFLOW_RUN, "", 1).into_bytes(), (K::MissingField, REPAIRED), "share a made-up trace id"),
        case("a pflow run without `execution_id` or `workflow_name`", "nameless.json", br#"{"format_version": "2.0.0", "execution_id": "e", "start_time": "2026-01-01T00:00:00", "nodes": []}"#.to_vec(), (K::MissingField, REPAIRED), "named \"pflow run\""),
        case("a pflow blob referenced before it is written", "blob.trace.json", pflow(&[&pflow_event("success", r#", "node_output": {"stdout": {"$pflow_blob": "0123abcd"}}"#)]).into_bytes(), (K::BadValue, SKIPPED), "the reference is kept as is"),
        case("a pflow line of an unknown `kind`", "kind.trace.json", pflow(&[r#"{"kind": "mystery"}"#]).into_bytes(), (K::UnknownRecord, SKIPPED), "unknown kind \"mystery\""),
        case("a record of no known shape among readable ones", "mixed.jsonl", lines(&["{\"hello\": \"world\"}\n".into(), good.clone()]), (K::UnknownRecord, SKIPPED), "no known trace shape"),
        case("a file that is an HTML page or binary (an image, an archive, protobuf, UTF-16)", "login.html", b"<!DOCTYPE html>\n<html><head><title>Log in</title></head><body><form></form></body></html>\n".to_vec(), (K::UnknownFormat, SKIPPED), "this is an HTML page, not a trace (titled \"Log in\")"),
        case("a file that is an HTML page or binary (an image, an archive, protobuf, UTF-16)", "photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), (K::UnknownFormat, SKIPPED), "binary file, not a trace (a PNG image)"),
        case("an empty file, or one of only whitespace", "empty.jsonl", Vec::new(), (K::EmptySource, SKIPPED), "empty file"),
        case("a file of no known shape", "hello.json", b"{\"hello\": \"world\"}\n".to_vec(), (K::UnknownFormat, SKIPPED), "tried: OTel SDK spans"),
        case("many problems of one kind in one file", "flood.jsonl", lines(&bad_lines), (K::InvalidJson, SKIPPED), "150 bad lines (first 100 listed)"),
    ]
}

fn load(c: &Case) -> Trace {
    ingest_sources([(c.file, c.input.as_slice())])
}

#[test]
fn every_repair_leaves_its_diagnostic() {
    for c in cases() {
        let t = load(&c);
        assert!(
            t.diagnostics().iter().any(|d| d.kind == c.kind
                && d.severity == c.severity
                && d.source == c.file
                && d.message.contains(c.says)),
            "{}: want {:?} {:?} saying {:?}, got {:#?}",
            c.problem,
            c.kind,
            c.severity,
            c.says,
            t.diagnostics()
        );
    }
}

#[test]
fn a_flood_is_counted_exactly() {
    let c = cases().pop().unwrap();
    let t = load(&c);
    // 150 bad lines, and the file as a whole: no record of it could be read
    assert_eq!(t.problem_count(), 151);
    assert_eq!(
        t.diagnostics().len(),
        102,
        "100 lines listed, one row for the other 50, one for the file"
    );
}

/// The README's repair table: the first cell of each row under `| problem | rule |`.
fn readme_problems() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("| problem | rule |")
        .nth(1)
        .expect("the repair table");
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            l.trim_start_matches("| ")
                .split(" | ")
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn the_readme_table_and_these_cases_name_the_same_repairs() {
    let listed = readme_problems();
    let tested: std::collections::BTreeSet<&str> = cases()
        .iter()
        .map(|c| c.problem)
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    for p in &listed {
        assert!(
            tested.contains(p.as_str()),
            "README row without a case: {p}"
        );
    }
    for p in &tested {
        assert!(
            listed.iter().any(|l| l == p),
            "case without a README row: {p}"
        );
    }
}
