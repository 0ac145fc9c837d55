//! Every assessment loaded (MLflow feedback and expectations), with the span it is shown on: the
//! span it names, or its trace's root for assessments of the whole trace. Read from the
//! `mlflow.assessments` attribute the MLflow reader puts there. Invariant: listed by span index,
//! then in the order the server wrote them.

use crate::model::{Assessment, SpanIdx, Trace};

/// The attribute holding a span's assessments (a JSON list, as the server writes them).
pub const ATTRIBUTE: &str = "mlflow.assessments";

/// One assessment and where it is shown.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanAssessment {
    /// The span it is shown on.
    pub span: SpanIdx,
    /// The assessment.
    pub assessment: Assessment,
}

/// The assessments on one span.
pub fn span_assessments(trace: &Trace, s: SpanIdx) -> Vec<Assessment> {
    let Some(text) = trace.attribute_text(s, ATTRIBUTE) else {
        return Vec::new();
    };
    let list: Vec<serde_json::Value> = serde_json::from_str(text).unwrap_or_default();
    list.iter().filter_map(Assessment::from_json).collect()
}

/// Every assessment loaded, by span.
pub fn assessments(trace: &Trace) -> Vec<SpanAssessment> {
    let Some(key) = trace.strings().find(ATTRIBUTE) else {
        return Vec::new(); // nothing carries the attribute: skip the scan of every span
    };
    trace
        .span_indices()
        .filter(|&s| trace.span_attributes(s).iter().any(|a| a.key == key))
        .flat_map(|s| {
            span_assessments(trace, s)
                .into_iter()
                .map(move |assessment| SpanAssessment {
                    span: s,
                    assessment,
                })
        })
        .collect()
}
