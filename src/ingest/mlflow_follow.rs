//! Following an MLflow trace in progress, as a pure state machine: each poll brings its info
//! (state) and its get-trace-artifact answer. The server serves a trace as one JSON document, not
//! a file that grows at its end, so there is no offset to resume from: a poll that changed
//! either answer replaces the trace's document (and the view re-reads that small document);
//! an unchanged one counts as quiet. Invariant: the info is read before the artifact in each
//! poll, so the spans kept once the server says OK / ERROR are the final ones.

use super::follow::StopReason;
use super::mlflow_server::{trace_document, ServerError, TraceRow};

/// One followed MLflow trace: its last answers and how long they stayed the same.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceWatch {
    row: TraceRow,
    artifact: Vec<u8>,
    quiet: u32,
}

impl TraceWatch {
    /// Starts from the answers the trace was opened with.
    pub fn new(row: TraceRow, artifact: Vec<u8>) -> TraceWatch {
        TraceWatch {
            row,
            artifact,
            quiet: 0,
        }
    }

    /// The trace's id.
    pub fn trace_id(&self) -> &str {
        &self.row.trace_id
    }

    /// Its info as last read.
    pub fn row(&self) -> &TraceRow {
        &self.row
    }

    /// Its last answers, taken apart (a fresh read handed to the watch that follows it).
    pub fn into_parts(self) -> (TraceRow, Vec<u8>) {
        (self.row, self.artifact)
    }

    /// Bytes of its last answers (info and spans).
    pub fn len_bytes(&self) -> u64 {
        (self.row.info_json.len() + self.artifact.len()) as u64
    }

    /// Reads one poll's answers (info first, then artifact); true when either changed, so the
    /// trace is to be read again.
    pub fn on_poll(&mut self, row: TraceRow, artifact: Vec<u8>) -> bool {
        let changed = row.info_json != self.row.info_json || artifact != self.artifact;
        self.quiet = if changed { 0 } else { self.quiet + 1 };
        self.row = row;
        self.artifact = artifact;
        changed
    }

    /// The `Trace.to_json()` document of the trace as last read, for the MLflow reader, on one
    /// line that ends in a newline: a session reads it whole without ending its source (raw
    /// line breaks in JSON are only ever whitespace between tokens, so they become spaces).
    pub fn document(&self) -> Result<Vec<u8>, ServerError> {
        let mut doc = trace_document(&self.row.info_json, &self.artifact)?;
        for b in doc.iter_mut().filter(|b| matches!(**b, b'\n' | b'\r')) {
            *b = b' ';
        }
        doc.push(b'\n');
        Ok(doc)
    }

    /// True once the server says the trace ended (OK or ERROR).
    pub fn is_complete(&self) -> bool {
        self.row.state.is_complete()
    }

    /// Whether to stop polling: it ended, or `max_quiet` polls in a row changed nothing.
    pub fn stop(&self, max_quiet: u32) -> Option<StopReason> {
        if self.is_complete() {
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
    use crate::ingest::mlflow_server::{parse_trace_info, TraceState};
    use crate::ingest::Session;
    use crate::model::Completion;

    fn saved(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/mlflow_server/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    /// ```text
    /// poll 1: info IN_PROGRESS, 2 spans     (as opened)   -> quiet 1
    /// poll 2: same                                        -> quiet 2: stop after 2 quiet polls
    /// poll 3: one more span                               -> re-read, quiet 0
    /// poll 4: state OK                                    -> re-read, complete
    /// ```
    #[test]
    fn a_trace_is_read_again_only_when_the_server_says_more() {
        let row = parse_trace_info(&saved("trace_info_in_progress.json")).unwrap();
        assert_eq!(row.state, TraceState::InProgress);
        let artifact = saved("trace_artifact_in_progress.json");
        let mut w = TraceWatch::new(row.clone(), artifact.clone());
        assert!(!w.on_poll(row.clone(), artifact.clone()));
        assert_eq!(w.stop(3), None);
        assert!(!w.on_poll(row.clone(), artifact.clone()));
        assert_eq!(w.stop(2), Some(StopReason::NoGrowth));
        // one more finished span on the server: its spans list grew
        let mut spans: serde_json::Value = serde_json::from_slice(&artifact).unwrap();
        let list = spans["spans"].as_array_mut().unwrap();
        let mut extra = list[0].clone();
        extra["span_id"] = serde_json::Value::String("AAAAAAAAAAc=".into());
        list.push(extra);
        let grown = serde_json::to_vec(&spans).unwrap();
        assert!(w.on_poll(row.clone(), grown.clone()));
        assert_eq!(w.stop(2), None);
        // the root ended: the info changed state
        let mut done = row.clone();
        done.state = TraceState::Ok;
        done.info_json = done.info_json.replace("IN_PROGRESS", "OK");
        assert!(w.on_poll(done, grown));
        assert_eq!(w.stop(99), Some(StopReason::Complete));
    }

    /// The document of an open trace reads in a session without ending its source: its spans
    /// (counted from the artifact here) and the server's IN_PROGRESS; also when the server
    /// pretty-prints its answers.
    #[test]
    fn an_open_trace_reads_as_a_snapshot() {
        let row = parse_trace_info(&saved("trace_info_in_progress.json")).unwrap();
        let artifact = saved("trace_artifact_in_progress.json");
        let raw: serde_json::Value = serde_json::from_slice(&artifact).unwrap();
        let pretty = serde_json::to_vec_pretty(&raw).unwrap();
        for artifact in [artifact, pretty] {
            let w = TraceWatch::new(row.clone(), artifact);
            let doc = w.document().unwrap();
            let mut s = Session::new();
            let f = s.begin_source(w.trace_id());
            s.feed(f, &doc);
            let snap = s.snapshot();
            assert_eq!(snap.span_count(), raw["spans"].as_array().unwrap().len());
            assert_eq!(snap.sources()[0].completion, Completion::Incomplete);
            assert!(snap.diagnostics().is_empty(), "{:?}", snap.diagnostics());
        }
    }
}
