//! An MLflow tracking server, the pure parts (../shared/docs/MLFLOW_SERVER.md): the requests the
//! app sends (method, URL, JSON body) and typed rows parsed from the answers: experiments, trace
//! list rows (time, name, state, duration, span count, tokens, assessments), and a trace's spans
//! as one `Trace.to_json()` document for the MLflow reader. Invariants: requests carry no
//! credentials and only GET avoids a CORS preflight, so everything but the trace search is a GET;
//! span times (JSON numbers beyond 2^53) pass through as raw text, never through f64.

use crate::model::{Assessment, DurationNs, TimestampNs};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// Query characters kept as they are (RFC 3986 unreserved).
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY).to_string()
}

/// HTTP method of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET: no preflight.
    Get,
    /// POST with `Content-Type: application/json` (preflighted in a browser).
    Post,
}

/// One request to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Full URL.
    pub url: String,
    /// JSON body (POST only).
    pub body: Option<String>,
}

fn base(server: &str) -> &str {
    server.trim_end_matches('/')
}

/// Experiments, most recently updated first (GET `experiments/search`; `max_results` is
/// required by the server).
pub fn experiments_search(server: &str, page_token: Option<&str>) -> Request {
    let mut url = format!(
        "{}/api/2.0/mlflow/experiments/search?max_results=1000&order_by={}",
        base(server),
        enc("last_update_time DESC")
    );
    if let Some(t) = page_token {
        url.push_str(&format!("&page_token={}", enc(t)));
    }
    Request {
        method: Method::Get,
        url,
        body: None,
    }
}

/// A trace search: experiments, MLflow's own filter syntax (`status = 'ERROR'`, `tags.x = 'y'`,
/// `feedback.correctness = 'true'`; clauses joined by AND), a page of at most 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceQuery {
    /// Experiment ids to search.
    pub experiment_ids: Vec<String>,
    /// Filter text ("" = none).
    pub filter: String,
    /// Page size (1..=500).
    pub max_results: u32,
    /// Ordering; empty = newest first.
    pub order_by: Vec<String>,
    /// The previous page's `next_page_token`.
    pub page_token: Option<String>,
}

impl Default for TraceQuery {
    fn default() -> Self {
        TraceQuery {
            experiment_ids: Vec::new(),
            filter: String::new(),
            max_results: 100,
            order_by: vec!["timestamp_ms DESC".into()],
            page_token: None,
        }
    }
}

/// POST `traces/search` (v3: the answer carries assessments and previews).
pub fn traces_search(server: &str, q: &TraceQuery) -> Request {
    let locations: Vec<Value> = q
        .experiment_ids
        .iter()
        .map(|id| {
            serde_json::json!({"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": id}})
        })
        .collect();
    let mut body = serde_json::json!({
        "locations": locations,
        "max_results": q.max_results.clamp(1, 500),
        "order_by": q.order_by,
    });
    if !q.filter.trim().is_empty() {
        body["filter"] = Value::String(q.filter.trim().to_string());
    }
    if let Some(t) = &q.page_token {
        body["page_token"] = Value::String(t.clone());
    }
    Request {
        method: Method::Post,
        url: format!("{}/api/3.0/mlflow/traces/search", base(server)),
        body: Some(body.to_string()),
    }
}

/// GET a trace's spans (`{"spans": [...]}`, the `data` of `Trace.to_json()`); this endpoint
/// exists only under `/ajax-api/`, and also serves traces whose spans are in the artifact store.
pub fn trace_artifact(server: &str, trace_id: &str) -> Request {
    Request {
        method: Method::Get,
        url: format!(
            "{}/ajax-api/3.0/mlflow/get-trace-artifact?request_id={}",
            base(server),
            enc(trace_id)
        ),
        body: None,
    }
}

/// GET one trace's info (its state: how follow mode learns an in-progress trace ended).
pub fn trace_info(server: &str, trace_id: &str) -> Request {
    Request {
        method: Method::Get,
        url: format!("{}/api/3.0/mlflow/traces/{}", base(server), enc(trace_id)),
        body: None,
    }
}

/// An error the server answered (`{"error_code", "message"}`), or a body we could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// `error_code`, e.g. `INVALID_PARAMETER_VALUE` (`UNREADABLE` for a body that is not JSON).
    pub code: String,
    /// The server's message.
    pub message: String,
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The server's error in `body`, if it is one.
pub fn parse_error(body: &[u8]) -> Option<ServerError> {
    let v: Value = serde_json::from_slice(body).ok()?;
    Some(ServerError {
        code: v.get("error_code")?.as_str()?.to_string(),
        message: v
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    })
}

fn unreadable(e: serde_json::Error) -> ServerError {
    ServerError {
        code: "UNREADABLE".into(),
        message: format!("the answer is not the JSON MLflow sends ({e})"),
    }
}

fn read<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ServerError> {
    if let Some(e) = parse_error(body) {
        return Err(e);
    }
    serde_json::from_slice(body).map_err(unreadable)
}

/// One experiment.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Experiment {
    /// `experiment_id`.
    pub experiment_id: String,
    /// Name.
    pub name: String,
    /// `active` or `deleted`.
    #[serde(default)]
    pub lifecycle_stage: String,
    /// Last change, ms since the epoch.
    #[serde(default)]
    pub last_update_time: Option<i64>,
    /// Creation, ms since the epoch.
    #[serde(default)]
    pub creation_time: Option<i64>,
}

/// A page of experiments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ExperimentPage {
    /// The experiments (the server omits the list when there are none).
    #[serde(default)]
    pub experiments: Vec<Experiment>,
    /// Token of the next page; absent on the last.
    #[serde(default)]
    pub next_page_token: Option<String>,
}

/// Parses an `experiments/search` answer.
pub fn parse_experiments(body: &[u8]) -> Result<ExperimentPage, ServerError> {
    read(body)
}

/// What the server says about a trace's run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceState {
    /// Ended well.
    Ok,
    /// Its root raised.
    Error,
    /// Its root has not ended (spans keep arriving).
    InProgress,
    /// Anything else (`STATE_UNSPECIFIED`), as written.
    Other(String),
}

impl TraceState {
    fn parse(text: &str) -> TraceState {
        match text {
            "OK" => TraceState::Ok,
            "ERROR" => TraceState::Error,
            "IN_PROGRESS" => TraceState::InProgress,
            other => TraceState::Other(other.to_string()),
        }
    }

    /// True once the trace ended (OK or ERROR): follow mode stops polling it.
    pub fn is_complete(&self) -> bool {
        matches!(self, TraceState::Ok | TraceState::Error)
    }

    /// As the server writes it.
    pub fn label(&self) -> &str {
        match self {
            TraceState::Ok => "OK",
            TraceState::Error => "ERROR",
            TraceState::InProgress => "IN_PROGRESS",
            TraceState::Other(s) => s,
        }
    }
}

/// Token counts the server summed over a trace's LLM spans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tokens {
    /// Prompt tokens.
    pub input: i64,
    /// Completion tokens.
    pub output: i64,
    /// Total.
    pub total: i64,
}

/// One row of a trace list.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceRow {
    /// `tr-<32 hex>`.
    pub trace_id: String,
    /// `tags["mlflow.traceName"]` (absent while in progress).
    pub name: Option<String>,
    /// State.
    pub state: TraceState,
    /// `request_time` (UTC).
    pub request_time: Option<TimestampNs>,
    /// `execution_duration` (so far, while in progress).
    pub duration: Option<DurationNs>,
    /// `sizeStats.num_spans`: the spans the trace has (to say "n of N loaded").
    pub span_count: Option<u32>,
    /// `mlflow.trace.tokenUsage`.
    pub tokens: Option<Tokens>,
    /// `mlflow.trace.cost` total, USD.
    pub cost: Option<f64>,
    /// `mlflow.trace.user` and `.session`.
    pub user: Option<String>,
    /// Session id.
    pub session: Option<String>,
    /// Request and response previews (JSON text, cut at 1000 characters by the server).
    pub request_preview: Option<String>,
    /// Response preview.
    pub response_preview: Option<String>,
    /// Its assessments, as the server wrote them.
    pub assessments: Vec<Assessment>,
    /// The `trace_info` object as raw JSON text (for `trace_document`).
    pub info_json: String,
}

/// A page of trace rows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TracePage {
    /// Rows, in the server's order.
    pub rows: Vec<TraceRow>,
    /// Token of the next page; absent on the last.
    pub next_page_token: Option<String>,
}

/// `"0.231s"` (a protobuf Duration) as ns.
pub fn duration_from_text(text: &str) -> Option<DurationNs> {
    let secs = text.trim().strip_suffix('s')?;
    let (whole, frac) = secs.split_once('.').unwrap_or((secs, ""));
    let whole: i64 = whole.parse().ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac_ns: i64 = format!("{frac:0<9}").parse().ok()?;
    Some(DurationNs(whole.checked_mul(1_000_000_000)? + frac_ns))
}

fn row_from(info: &Value, raw: &RawValue) -> TraceRow {
    let s = |p: &str| info.pointer(p).and_then(Value::as_str).map(str::to_string);
    let meta_json = |k: &str| -> Option<Value> {
        let text = info.get("trace_metadata")?.get(k)?.as_str()?;
        serde_json::from_str(text).ok()
    };
    let tokens = meta_json("mlflow.trace.tokenUsage").map(|v| {
        let n = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0) as i64;
        Tokens {
            input: n("input_tokens"),
            output: n("output_tokens"),
            total: n("total_tokens"),
        }
    });
    let assessments = info
        .get("assessments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Assessment::from_json)
        .collect();
    TraceRow {
        trace_id: s("/trace_id").unwrap_or_default(),
        name: s("/tags/mlflow.traceName"),
        state: TraceState::parse(&s("/state").unwrap_or_default()),
        request_time: s("/request_time").and_then(|t| crate::model::time::parse_iso8601(&t)),
        duration: s("/execution_duration").and_then(|d| duration_from_text(&d)),
        span_count: meta_json("mlflow.trace.sizeStats")
            .and_then(|v| v.get("num_spans")?.as_u64())
            .and_then(|n| u32::try_from(n).ok()),
        tokens,
        cost: meta_json("mlflow.trace.cost").and_then(|v| v.get("total_cost")?.as_f64()),
        user: s("/trace_metadata/mlflow.trace.user"),
        session: s("/trace_metadata/mlflow.trace.session"),
        request_preview: s("/request_preview"),
        response_preview: s("/response_preview"),
        assessments,
        info_json: raw.get().to_string(),
    }
}

/// Parses a `traces/search` answer (v3).
pub fn parse_traces(body: &[u8]) -> Result<TracePage, ServerError> {
    #[derive(Deserialize)]
    struct Page<'a> {
        #[serde(borrow, default)]
        traces: Vec<&'a RawValue>,
        #[serde(default)]
        next_page_token: Option<String>,
    }
    let page: Page = read(body)?;
    let rows = page
        .traces
        .iter()
        .map(|raw| {
            let info: Value = serde_json::from_str(raw.get()).map_err(unreadable)?;
            Ok(row_from(&info, raw))
        })
        .collect::<Result<Vec<_>, ServerError>>()?;
    Ok(TracePage {
        rows,
        next_page_token: page.next_page_token.filter(|t| !t.is_empty()),
    })
}

/// Parses a trace-info answer (`{"trace": {"trace_info": {...}}}`) into a row.
pub fn parse_trace_info(body: &[u8]) -> Result<TraceRow, ServerError> {
    #[derive(Deserialize)]
    struct Outer<'a> {
        #[serde(borrow)]
        trace: Inner<'a>,
    }
    #[derive(Deserialize)]
    struct Inner<'a> {
        #[serde(borrow)]
        trace_info: &'a RawValue,
    }
    let outer: Outer = read(body)?;
    let raw = outer.trace.trace_info;
    let info: Value = serde_json::from_str(raw.get()).map_err(unreadable)?;
    Ok(row_from(&info, raw))
}

/// Adds a page to the rows already listed, skipping traces listed before (offsets shift when
/// traces arrive between pages). Returns how many rows were new.
pub fn merge_page(rows: &mut Vec<TraceRow>, page: TracePage) -> usize {
    let before = rows.len();
    for row in page.rows {
        if !rows.iter().any(|r| r.trace_id == row.trace_id) {
            rows.push(row);
        }
    }
    rows.len() - before
}

/// One `Trace.to_json()` document from a listed trace's info and its get-trace-artifact answer,
/// for the MLflow reader (state, previews, token usage, assessments and spans in one source).
pub fn trace_document(info_json: &str, artifact_body: &[u8]) -> Result<Vec<u8>, ServerError> {
    #[derive(Deserialize)]
    struct Artifact<'a> {
        #[serde(borrow)]
        spans: &'a RawValue,
    }
    let art: Artifact = read(artifact_body)?;
    let mut out = Vec::with_capacity(info_json.len() + artifact_body.len() + 32);
    out.extend_from_slice(b"{\"info\": ");
    out.extend_from_slice(info_json.as_bytes());
    out.extend_from_slice(b", \"data\": {\"spans\": ");
    out.extend_from_slice(art.spans.get().as_bytes());
    out.extend_from_slice(b"}}");
    Ok(out)
}

/// What to tell a user whose browser could not read `server` from the page at `page_origin`
/// (a fetch that fails without an answer is what a missing CORS header looks like).
pub fn cors_hint(server: &str, page_origin: &str) -> String {
    format!(
        "The MLflow server at {} did not let this page ({page_origin}) read it. MLflow allows \
         pages on http://localhost and http://127.0.0.1 by itself; for this page, start it with \
         --cors-allowed-origins {page_origin} (or set MLFLOW_SERVER_CORS_ALLOWED_ORIGINS), and \
         not with --disable-security-middleware, which removes CORS altogether.",
        base(server)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_get_except_the_search() {
        let r = experiments_search("http://127.0.0.1:5055/", Some("eyJ=="));
        assert_eq!(r.method, Method::Get);
        assert_eq!(
            r.url,
            "http://127.0.0.1:5055/api/2.0/mlflow/experiments/search?max_results=1000&order_by=last_update_time%20DESC&page_token=eyJ%3D%3D"
        );
        let a = trace_artifact("http://h:1", "tr-ab");
        assert_eq!(
            a.url,
            "http://h:1/ajax-api/3.0/mlflow/get-trace-artifact?request_id=tr-ab"
        );
        let q = TraceQuery {
            experiment_ids: vec!["3".into()],
            filter: " status = 'ERROR' ".into(),
            max_results: 900,
            page_token: Some("t".into()),
            ..TraceQuery::default()
        };
        let s = traces_search("http://h:1", &q);
        assert_eq!(s.method, Method::Post);
        let body: Value = serde_json::from_str(s.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({
                "locations": [{"type": "MLFLOW_EXPERIMENT", "mlflow_experiment": {"experiment_id": "3"}}],
                "filter": "status = 'ERROR'", "max_results": 500,
                "order_by": ["timestamp_ms DESC"], "page_token": "t"
            })
        );
    }
}
