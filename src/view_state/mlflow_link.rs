//! The MLflow part of a link: the tracking server browsed (`mlflow=<base URL>`), the experiments
//! listed (`experiment=<id>`, repeatable) and the traces opened (`trace=<id>`, repeatable).
//! Invariants: the server is an http/https URL; ids are short runs of the characters MLflow uses
//! (`tr-<hex>`, digits), so nothing else rides in through a link; a `trace=` of 32 hex digits is
//! the selection's trace id, as before, never an MLflow trace.

/// What a link says about an MLflow tracking server.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct MlflowLink {
    /// Base URL of the server (`http://127.0.0.1:5000`).
    pub server: String,
    /// Experiments whose traces are listed (`experiment=`).
    pub experiments: Vec<String>,
    /// Traces opened (`trace=tr-...`), merged into one view.
    pub traces: Vec<String>,
}

impl MlflowLink {
    /// A link to `server` that lists nothing yet.
    pub fn server(server: &str) -> MlflowLink {
        MlflowLink {
            server: server.trim().trim_end_matches('/').to_string(),
            ..MlflowLink::default()
        }
    }

    /// True when it opens traces (else it only browses the server).
    pub fn opens_traces(&self) -> bool {
        !self.traces.is_empty()
    }
}

/// Longest id accepted from a link (MLflow 3 trace ids are 35 characters).
const MAX_ID_LEN: usize = 200;

/// True for an experiment or trace id as MLflow writes them: `[A-Za-z0-9._:-]`, 1 to 200 long.
pub fn is_mlflow_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_state::url::parse;
    use crate::view_state::ViewState;

    fn with(link: MlflowLink) -> ViewState {
        ViewState {
            mlflow: Some(link),
            ..ViewState::default()
        }
    }

    #[test]
    fn a_server_its_experiments_and_traces_round_trip() {
        let v = ViewState {
            selected: crate::model::SpanId::parse_hex("44ed8468aebbb8b9"),
            selected_trace: crate::model::TraceId::parse_hex("a1f5d472ad2df6b6f56bd1fd6a8a30fe"),
            ..with(MlflowLink {
                server: "http://127.0.0.1:5055/mlflow".into(),
                experiments: vec!["3".into(), "17".into()],
                traces: vec![
                    "tr-a1f5d472ad2df6b6f56bd1fd6a8a30fe".into(),
                    "tr-178c00000000000000000000000000ff".into(),
                ],
            })
        };
        let text = v.to_string();
        assert!(
            text.contains("mlflow=http%3A%2F%2F127.0.0.1%3A5055%2Fmlflow&experiment=3&experiment=17&trace=tr-a1f5"),
            "{text}"
        );
        let p = parse(&text);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert_eq!(p.state, v);
        // browsing a server only, and one experiment only
        for link in [
            MlflowLink::server("http://h:1/"),
            MlflowLink {
                experiments: vec!["0".into()],
                ..MlflowLink::server("https://mlflow.example")
            },
        ] {
            let v = with(link);
            assert_eq!(parse(&v.to_string()).state, v);
        }
    }

    #[test]
    fn the_selection_keeps_its_trace_field() {
        // 32 hex digits are the selected span's trace id, also next to mlflow=
        let p =
            parse("?mlflow=http%3A%2F%2Fh%3A1&trace=a1f5d472ad2df6b6f56bd1fd6a8a30fe&trace=tr-1");
        assert_eq!(
            p.state.selected_trace,
            crate::model::TraceId::parse_hex("a1f5d472ad2df6b6f56bd1fd6a8a30fe")
        );
        assert_eq!(p.state.mlflow.unwrap().traces, vec!["tr-1".to_string()]);
    }

    #[test]
    fn bad_mlflow_fields_drop_alone() {
        let p = parse("?mlflow=javascript:alert(1)&experiment=1&trace=tr-1&q=ok");
        assert_eq!(p.state.mlflow, None);
        assert_eq!(p.state.search, "ok");
        assert_eq!(p.notes.len(), 3, "{:?}", p.notes);
        assert!(p.notes[1].contains("needs mlflow="), "{:?}", p.notes);
        let p = parse("?mlflow=http%3A%2F%2Fh&experiment=a%20b&trace=%3Cscript%3E&trace=tr-2");
        let link = p.state.mlflow.unwrap();
        assert_eq!(
            (link.experiments.len(), link.traces),
            (0, vec!["tr-2".into()])
        );
        assert_eq!(p.notes.len(), 2, "{:?}", p.notes);
        assert!(!is_mlflow_id(&"x".repeat(201)) && is_mlflow_id("tr-ab:c.d_e"));
    }
}
