//! Assessments of a trace or span (MLflow feedback and expectations: an LLM judge's verdict with
//! its rationale, a human's score, the expected answer), as the tracking server writes them.
//! They ride on their span as the `mlflow.assessments` attribute (JSON list); this is the typed
//! view of one. Invariant: the value stays as written (numbers come back from the server as
//! floats: `4.0`; `value_text` shows an integral float as `4`).

use serde_json::Value;

/// Feedback (a judgement) or an expectation (the ground truth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentKind {
    /// `feedback {value}` (or `feedback {error}` when the judge failed).
    Feedback,
    /// `expectation {value}`.
    Expectation,
}

/// One assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// `assessment_id` (`a-<hex>`).
    pub id: String,
    /// `assessment_name`, e.g. `correctness`.
    pub name: String,
    /// Feedback or expectation.
    pub kind: AssessmentKind,
    /// The value as written (bool, number, string, object); `Null` when the judge failed.
    pub value: Value,
    /// Why (LLM judges write one).
    pub rationale: Option<String>,
    /// `HUMAN`, `LLM_JUDGE`, `CODE`.
    pub source_type: String,
    /// Who: a judge model, a reviewer.
    pub source_id: String,
    /// The span it is attached to (16 hex digits), or `None` for the whole trace.
    pub span_id: Option<String>,
    /// The judge's error message, when it failed.
    pub error: Option<String>,
}

impl Assessment {
    /// Reads one assessment object; `None` when it is neither feedback nor an expectation.
    pub fn from_json(v: &Value) -> Option<Assessment> {
        let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
        let (kind, body) = match (v.get("feedback"), v.get("expectation")) {
            (Some(f), _) => (AssessmentKind::Feedback, f),
            (None, Some(e)) => (AssessmentKind::Expectation, e),
            (None, None) => return None,
        };
        Some(Assessment {
            id: text("/assessment_id").unwrap_or_default(),
            name: text("/assessment_name").unwrap_or_else(|| "(unnamed)".into()),
            kind,
            value: body.get("value").cloned().unwrap_or(Value::Null),
            rationale: text("/rationale"),
            source_type: text("/source/source_type").unwrap_or_default(),
            source_id: text("/source/source_id").unwrap_or_default(),
            span_id: text("/span_id").filter(|s| !s.is_empty()),
            error: body
                .get("error")
                .and_then(|e| e.get("error_message").or_else(|| e.get("error_code")))
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    }

    /// The value as shown: strings as they are, `4.0` as `4`, others as JSON.
    pub fn value_text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => match n.as_f64() {
                Some(f) if f.fract() == 0.0 && f.abs() < 1e15 && !n.is_i64() => {
                    format!("{}", f as i64)
                }
                _ => n.to_string(),
            },
            Value::Null => self.error.clone().unwrap_or_default(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_written() {
        let a = Assessment::from_json(&serde_json::json!({
            "assessment_id": "a-1", "assessment_name": "helpfulness",
            "source": {"source_type": "HUMAN", "source_id": "me"},
            "feedback": {"value": 4.0}, "span_id": "", "valid": true
        }))
        .unwrap();
        assert_eq!(
            (a.kind, a.value_text(), a.span_id),
            (AssessmentKind::Feedback, "4".into(), None)
        );
        let e = Assessment::from_json(&serde_json::json!({
            "assessment_name": "expected", "expectation": {"value": "Sunny"}, "span_id": "00ff"
        }))
        .unwrap();
        assert_eq!(
            (e.kind, e.value_text()),
            (AssessmentKind::Expectation, "Sunny".into())
        );
        assert_eq!(e.span_id.as_deref(), Some("00ff"));
        let x = serde_json::json!({"feedback": {"value": 0.25}});
        assert_eq!(Assessment::from_json(&x).unwrap().value_text(), "0.25");
        assert!(Assessment::from_json(&serde_json::json!({"assessment_name": "x"})).is_none());
    }
}
