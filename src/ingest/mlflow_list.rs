//! The MLflow trace and experiment lists as the server browser shows them: one text per column
//! of a listed trace (time, name, status, duration, spans, tokens, assessments) from the typed
//! rows of `mlflow_server`. Invariant: text only, from what the server said; a fact it did not
//! send is an empty cell, never a made-up zero.

use super::mlflow_server::{Experiment, TraceRow, TraceState};
use crate::model::time::format_iso8601;
use crate::model::{AssessmentKind, TimestampNs};

/// One listed trace, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedTrace {
    /// `tr-<32 hex>`.
    pub trace_id: String,
    /// When it was requested, UTC, to the second (`2026-12-01 21:50:02`).
    pub time: String,
    /// Its name (`(in progress)` while an unfinished trace has none yet).
    pub name: String,
    /// `OK`, `ERROR`, `IN_PROGRESS`.
    pub status: String,
    /// Duration (so far, while in progress), e.g. `9.61s`.
    pub duration: String,
    /// Spans the trace has, as the server counts them ("" when it does not say).
    pub spans: String,
    /// Tokens in / out / total.
    pub tokens: String,
    /// Its assessments: name, value, and whether it is an expectation.
    pub assessments: Vec<ListedAssessment>,
}

/// One assessment of a listed trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedAssessment {
    /// `assessment_name`.
    pub name: String,
    /// The value as shown (`true`, `4`, `Sunny, around 21 C.`).
    pub value: String,
    /// True for an expectation (ground truth), false for feedback.
    pub is_expectation: bool,
}

/// `2026-12-01 21:50:02`: the UTC time to the second.
pub fn list_time(t: TimestampNs) -> String {
    format_iso8601(t)
        .get(..19)
        .map(|s| s.replacen('T', " ", 1))
        .unwrap_or_default()
}

/// The columns of a listed trace.
pub fn listed(row: &TraceRow) -> ListedTrace {
    let name = match (&row.name, &row.state) {
        (Some(n), _) => n.clone(),
        (None, TraceState::InProgress) => "(in progress)".to_string(),
        (None, _) => "(unnamed)".to_string(),
    };
    ListedTrace {
        trace_id: row.trace_id.clone(),
        time: row.request_time.map(list_time).unwrap_or_default(),
        name,
        status: row.state.label().to_string(),
        duration: row.duration.map(|d| d.to_string()).unwrap_or_default(),
        spans: row.span_count.map(|n| n.to_string()).unwrap_or_default(),
        tokens: row
            .tokens
            .map(|t| format!("{} / {} / {}", t.input, t.output, t.total))
            .unwrap_or_default(),
        assessments: row
            .assessments
            .iter()
            .map(|a| ListedAssessment {
                name: a.name.clone(),
                value: a.value_text(),
                is_expectation: a.kind == AssessmentKind::Expectation,
            })
            .collect(),
    }
}

/// An experiment's line: its name, id and last change (UTC).
pub fn experiment_label(e: &Experiment) -> (String, String) {
    let when = e
        .last_update_time
        .or(e.creation_time)
        .and_then(|ms| ms.checked_mul(1_000_000))
        .map(|ns| list_time(TimestampNs(ns)))
        .unwrap_or_default();
    (format!("{} ({})", e.name, e.experiment_id), when)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::mlflow_server::{parse_experiments, parse_traces};
    use serde_json::Value;

    fn saved(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/mlflow_server/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(path).unwrap()
    }

    /// Every cell against the saved answer, read as plain JSON here.
    #[test]
    fn the_columns_say_what_the_server_said() {
        let body = saved("traces_search_page1.json");
        let page = parse_traces(&body).unwrap();
        let raw: Value = serde_json::from_slice(&body).unwrap();
        let raw = raw["traces"].as_array().unwrap();
        assert_eq!(page.rows.len(), raw.len());
        for (row, want) in page.rows.iter().zip(raw) {
            let l = listed(row);
            assert_eq!(l.trace_id, want["trace_id"].as_str().unwrap());
            let time = want["request_time"].as_str().unwrap();
            assert_eq!(l.time, time[..19].replace('T', " "));
            assert_eq!(l.status, want["state"].as_str().unwrap());
            let meta = |k: &str| -> Option<Value> {
                serde_json::from_str(want["trace_metadata"][k].as_str()?).ok()
            };
            match meta("mlflow.trace.sizeStats") {
                Some(s) => assert_eq!(l.spans, s["num_spans"].to_string()),
                None => assert_eq!(l.spans, "", "no span count is no zero"),
            }
            match want["tags"]["mlflow.traceName"].as_str() {
                Some(n) => assert_eq!(l.name, n),
                None => assert_eq!(l.name, "(in progress)"),
            }
            if let Some(u) = meta("mlflow.trace.tokenUsage") {
                let want = format!(
                    "{} / {} / {}",
                    u["input_tokens"], u["output_tokens"], u["total_tokens"]
                );
                assert_eq!(l.tokens, want);
            }
            let names: Vec<&str> = want["assessments"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x["assessment_name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                l.assessments
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>(),
                names
            );
        }
        let wide = listed(&page.rows[1]);
        assert_eq!(
            (wide.duration.as_str(), wide.spans.as_str()),
            ("9.61s", "226")
        );
        assert_eq!(
            wide.assessments,
            vec![ListedAssessment {
                name: "expected_steps".into(),
                value: "25".into(),
                is_expectation: true
            }]
        );
    }

    #[test]
    fn experiments_are_named_with_their_id() {
        let page = parse_experiments(&saved("experiments_search.json")).unwrap();
        let e = &page.experiments[0];
        let (label, when) = experiment_label(e);
        assert_eq!(label, format!("{} ({})", e.name, e.experiment_id));
        assert_eq!(when.len(), 19, "{when}");
    }
}
