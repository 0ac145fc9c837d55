//! The URL text form of `ViewState` (query string, schema version 1), written and read only
//! here. Each field is parsed on its own; a bad value is dropped with a note.
//!
//! ```text
//! ?v=1&url=<enc>&url=<enc>&file=<enc name>.<bytes>.<16 hex>&view=dag&t=<start_ns>,<end_ns>
//!     &span=<16 hex>&trace=<32 hex>&q=<enc>&cp=1&color=service&panel=diagnostics&align=1&fold=all&toggle=<16 hex>.<16 hex>...
//!     &follow=1&lanes=thread&timeout=<seconds>&filter=1&theme=dark&scope=window&group=attr:<enc key>&sub=service&sort=p95.asc&heat=none
//!     &flame=critical&box=<enc service>:<enc name>,<enc service>:<enc name>
//!     &vs=<enc>&vsfile=<enc name>.<bytes>.<16 hex>&key=<enc>&tol=<enc>&atrace=<32 hex>
//!     &btrace=<32 hex>&ctab=waterfalls&spanin=vs
//!     &mlflow=<enc base URL>&experiment=<id>...&trace=tr-<hex>...
//! ```
//!
//! `trace=` holds either the selection's trace id (32 hex digits) or, beside `mlflow=`, an
//! MLflow trace to open (`tr-<hex>`; `mlflow_link`).
//!
//! Version 0 is the issue-2 form without `v=` (`?url=…&span=…`): it parses the same way.

use super::mlflow_link::{is_mlflow_id, MlflowLink};
use super::{ActiveView, ColorMode, Expansion, FileRef, LaneMode, Panel, TimeWindow, ViewState};
use crate::model::{SpanId, TraceId};
use compare_fields::{compare_parts, parse_compare};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use stats_flame_fields::{flame_parts, parse_view_field, stats_parts};
use std::fmt;

mod compare_fields;
mod stats_flame_fields;

/// Longest wait for a URL's next byte a link may ask for (`timeout=`), seconds: a day.
pub const MAX_TIMEOUT_S: u32 = 86_400;

/// Current schema version written into links.
pub const SCHEMA_VERSION: u32 = 1;

/// Characters kept as is in query values (RFC 3986 unreserved).
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, VALUE).to_string()
}

fn dec(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// True for URLs a link may make the browser fetch: http and https only.
pub fn is_fetchable(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

impl fmt::Display for ViewState {
    /// The query string, starting with `?`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = vec![format!("v={SCHEMA_VERSION}")];
        parts.extend(self.sources.iter().map(|u| format!("url={}", enc(u))));
        parts.extend(self.files.iter().map(|f| format!("file={}", file_text(f))));
        if self.view != ActiveView::Timeline {
            parts.push(format!("view={}", self.view.token()));
        }
        if let Some(w) = self.window {
            parts.push(format!("t={},{}", w.start_ns, w.end_ns));
        }
        if let Some(s) = self.selected {
            parts.push(format!("span={s}"));
        }
        if let Some(t) = self.selected_trace {
            parts.push(format!("trace={t}"));
        }
        if !self.search.is_empty() {
            parts.push(format!("q={}", enc(&self.search)));
        }
        if self.critical_path {
            parts.push("cp=1".into());
        }
        if self.color == ColorMode::Service {
            parts.push("color=service".into());
        }
        if let Some(panel) = self.panel {
            parts.push(format!("panel={}", panel.name()));
        }
        if let Some(a) = self.align {
            parts.push(format!("align={}", u8::from(a)));
        }
        if self.expansion.all_collapsed {
            parts.push("fold=all".into());
        }
        if !self.expansion.toggled.is_empty() {
            let ids: Vec<String> = self
                .expansion
                .toggled
                .iter()
                .map(|s| s.to_string())
                .collect();
            parts.push(format!("toggle={}", ids.join(".")));
        }
        if self.follow {
            parts.push("follow=1".into());
        }
        if let Some(m) = self.lanes {
            parts.push(format!("lanes={}", m.token()));
        }
        if let Some(t) = self.timeout_s {
            parts.push(format!("timeout={t}"));
        }
        if self.filter {
            parts.push("filter=1".into());
        }
        if let Some(t) = self.theme {
            parts.push(format!("theme={}", t.token()));
        }
        stats_parts(self, &mut parts);
        flame_parts(self, &mut parts);
        parts.extend(compare_parts(&self.compare));
        if let Some(m) = &self.mlflow {
            parts.push(format!("mlflow={}", enc(&m.server)));
            parts.extend(
                m.experiments
                    .iter()
                    .map(|e| format!("experiment={}", enc(e))),
            );
            parts.extend(m.traces.iter().map(|t| format!("trace={}", enc(t))));
        }
        write!(f, "?{}", parts.join("&"))
    }
}

/// A local file as a link names it: `<enc name>.<bytes>.<16 hex fingerprint>`.
fn file_text(f: &FileRef) -> String {
    format!("{}.{}.{:016x}", enc(&f.name), f.bytes, f.fingerprint)
}

/// Reads `file_text` (the raw, still encoded value: the name may contain dots, so size and
/// fingerprint are the last two fields).
fn parse_file_ref(raw: &str) -> Option<FileRef> {
    let mut it = raw.rsplitn(3, '.');
    let (fp, size, name) = (it.next()?, it.next()?, it.next()?);
    let name = dec(name);
    (!name.is_empty()).then_some(FileRef {
        name,
        bytes: size.parse().ok()?,
        fingerprint: u64::from_str_radix(fp, 16).ok()?,
    })
}

/// A parsed link: the state plus one note per dropped field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Parsed {
    /// The view state (fields that failed keep their defaults).
    pub state: ViewState,
    /// What was dropped and why.
    pub notes: Vec<String>,
}

/// Parses a query string (with or without the leading `?`).
pub fn parse(query: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut mlflow = MlflowIds::default();
    let q = query.strip_prefix('?').unwrap_or(query);
    for pair in q.split('&').filter(|s| !s.is_empty()) {
        let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
        let value = dec(raw);
        let mut bad = |what: &str| p.notes.push(format!("ignored {key}={value:?}: {what}"));
        match key {
            "v" => {
                if value
                    .parse::<u32>()
                    .map_or(true, |v| v == 0 || v > SCHEMA_VERSION)
                {
                    bad("unknown schema version; reading the fields this version knows");
                }
            }
            "url" => {
                if is_fetchable(&value) {
                    p.state.sources.push(value);
                } else {
                    bad("only http and https sources can be loaded");
                }
            }
            "file" => match parse_file_ref(raw) {
                Some(f) => p.state.files.push(f),
                None => bad("expected <name>.<bytes>.<hex fingerprint>"),
            },
            "view" => match ActiveView::from_token(&value) {
                Some(v) => p.state.view = v,
                None => bad("expected timeline, dag, analysis, stats, flame or compare"),
            },
            "t" => match value
                .split_once(',')
                .and_then(|(a, b)| Some((a.parse::<i64>().ok()?, b.parse::<i64>().ok()?)))
            {
                Some((a, b)) if b > a => {
                    p.state.window = Some(TimeWindow {
                        start_ns: a,
                        end_ns: b,
                    })
                }
                _ => bad("expected <start_ns>,<end_ns> with start < end"),
            },
            "span" => match SpanId::parse_hex(&value) {
                Some(s) => p.state.selected = Some(s),
                None => bad("expected a 16-digit hex span id"),
            },
            "trace" => match TraceId::parse_hex(&value) {
                Some(t) => p.state.selected_trace = Some(t),
                None if is_mlflow_id(&value) => mlflow.traces.push(value),
                None => bad("expected a 32-digit hex trace id or an MLflow trace id"),
            },
            "mlflow" if is_fetchable(&value) => mlflow.server = Some(value),
            "mlflow" => bad("only http and https servers can be read"),
            "experiment" if is_mlflow_id(&value) => mlflow.experiments.push(value),
            "experiment" => bad("expected an MLflow experiment id"),
            "q" => p.state.search = value,
            "cp" => match value.as_str() {
                "1" | "true" => p.state.critical_path = true,
                "0" | "false" => p.state.critical_path = false,
                _ => bad("expected 1 or 0"),
            },
            "color" => match value.as_str() {
                "type" => p.state.color = ColorMode::SpanType,
                "service" => p.state.color = ColorMode::Service,
                _ => bad("expected type or service"),
            },
            "panel" => match (value.as_str(), Panel::from_name(&value)) {
                ("none", _) => p.state.panel = None,
                (_, Some(panel)) => p.state.panel = Some(panel),
                _ => bad("expected diagnostics, logs, llm, failures or none"),
            },
            "lanes" => match LaneMode::from_token(&value) {
                Some(m) => p.state.lanes = Some(m),
                None => bad("expected off, thread or service"),
            },
            "align" => match value.as_str() {
                "1" => p.state.align = Some(true),
                "0" => p.state.align = Some(false),
                _ => bad("expected 1 or 0"),
            },
            "fold" => match value.as_str() {
                "all" => p.state.expansion.all_collapsed = true,
                "none" => p.state.expansion.all_collapsed = false,
                _ => bad("expected all or none"),
            },
            "toggle" => {
                let ids: Option<Vec<SpanId>> = value.split('.').map(SpanId::parse_hex).collect();
                match ids {
                    Some(ids) => {
                        p.state.expansion = Expansion {
                            toggled: ids.into_iter().collect(),
                            ..p.state.expansion.clone()
                        }
                    }
                    None => bad("expected span ids separated by '.'"),
                }
            }
            "theme" => match super::Theme::from_token(&value) {
                Some(t) => p.state.theme = Some(t),
                None => bad("expected dark or light"),
            },
            "follow" => match value.as_str() {
                "1" | "true" => p.state.follow = true,
                "0" | "false" => p.state.follow = false,
                _ => bad("expected 1 or 0"),
            },
            "timeout" => match value.parse::<u32>() {
                Ok(t) if (1..=MAX_TIMEOUT_S).contains(&t) => p.state.timeout_s = Some(t),
                _ => bad("expected whole seconds from 1 to 86400"),
            },
            _ => match parse_compare(&mut p.state.compare, key, raw, &value) {
                Some(Ok(())) => {}
                Some(Err(why)) => bad(&why),
                None => match parse_view_field(key, raw, &value, &mut p.state) {
                    Ok(true) => {}
                    Ok(false) => p.notes.push(format!("ignored unknown parameter {key:?}")),
                    Err(what) => bad(&what),
                },
            },
        }
    }
    mlflow.apply(&mut p);
    p
}

/// MLflow fields as read, joined once the whole link is read (their order is free).
#[derive(Default)]
struct MlflowIds {
    server: Option<String>,
    experiments: Vec<String>,
    traces: Vec<String>,
}

impl MlflowIds {
    fn apply(self, p: &mut Parsed) {
        match self.server {
            Some(server) => {
                p.state.mlflow = Some(MlflowLink {
                    experiments: self.experiments,
                    traces: self.traces,
                    ..MlflowLink::server(&server)
                })
            }
            None => {
                let ids = self.experiments.iter().map(|e| ("experiment", e));
                for (key, id) in ids.chain(self.traces.iter().map(|t| ("trace", t))) {
                    p.notes.push(format!(
                        "ignored {key}={id:?}: an MLflow id needs mlflow=<server URL>"
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view_state::compare::{CompareKey, CompareSettings, CompareTab, CompareView};
    use crate::view_state::stats_flame::{FlameStep, FlameTime, Grouping, StatsScope};

    fn sample() -> ViewState {
        ViewState {
            sources: vec![
                "http://127.0.0.1:9000/a b.jsonl?x=1&y=2".into(),
                "https://example.org/t.json".into(),
            ],
            files: vec![FileRef {
                name: "spans.v2.jsonl".into(),
                bytes: 105_923_385,
                fingerprint: 0xdead_beef_0000_0001,
            }],
            view: ActiveView::Dag,
            window: Some(TimeWindow {
                start_ns: -5,
                end_ns: 1_795_314_401,
            }),
            selected: SpanId::parse_hex("aca917d13b2d6950"),
            selected_trace: TraceId::parse_hex("7c1e5b0f3a2d4e6f8091a2b3c4d5e6f7"),
            expansion: Expansion {
                all_collapsed: true,
                toggled: [SpanId(1), SpanId(0xff)].into_iter().collect(),
            },
            search: "gen & co=1 ünï".into(),
            critical_path: true,
            color: ColorMode::Service,
            panel: Some(Panel::Diagnostics),
            align: Some(true),
            follow: true,
            lanes: Some(LaneMode::Thread),
            timeout_s: Some(90),
            filter: true,
            theme: Some(crate::view_state::Theme::Dark),
            stats: crate::view_state::StatsSettings {
                scope: StatsScope::Matches,
                group: Grouping::Attribute("gen_ai.model, ü:x".into()),
                subgroup: Some(Grouping::Service),
                sort: "p95",
                descending: false,
                heat: None,
            },
            flame: crate::view_state::FlameSettings {
                mode: FlameTime::Critical,
                zoom: vec![
                    FlameStep {
                        service: "svc:a,b".into(),
                        name: "task %2C".into(),
                    },
                    FlameStep {
                        service: String::new(),
                        name: "gen + ai".into(),
                    },
                ],
            },
            compare: CompareView {
                baseline: vec!["https://example.org/run a.jsonl?x=1&y=%2".into()],
                baseline_files: vec![FileRef {
                    name: "base.line.jsonl".into(),
                    bytes: 12,
                    fingerprint: 7,
                }],
                settings: CompareSettings {
                    key: Some(CompareKey::Attr("gen_ai.tool.name & co".into())),
                    tolerance: Some("12.5%,250us".parse().unwrap()),
                    a_traces: vec![TraceId(1), TraceId(u128::MAX)],
                    b_traces: vec![TraceId(0x7c1e)],
                },
                tab: CompareTab::Waterfalls,
                selected_in_baseline: true,
            },
            mlflow: Some(crate::view_state::MlflowLink {
                server: "http://127.0.0.1:5055".into(),
                experiments: vec!["3".into()],
                traces: vec!["tr-a1f5d472ad2df6b6f56bd1fd6a8a30fe".into()],
            }),
        }
    }

    #[test]
    fn round_trips() {
        let v = sample();
        let text = v.to_string();
        let p = parse(&text);
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        assert_eq!(p.state, v);
        assert_eq!(
            parse(&ViewState::default().to_string()).state,
            ViewState::default()
        );
    }

    #[test]
    fn comparison_fields_have_their_text_form() {
        let text = sample().to_string();
        for part in [
            "vs=https%3A%2F%2Fexample.org%2Frun%20a.jsonl%3Fx%3D1%26y%3D%252",
            "vsfile=base.line.jsonl.12.0000000000000007",
            "key=attr%3Agen_ai.tool.name%20%26%20co",
            "tol=12.5%25%2C250us",
            "atrace=00000000000000000000000000000001",
            "btrace=00000000000000000000000000007c1e",
            "ctab=waterfalls",
            "spanin=vs",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let p = parse("?vs=file:///etc/passwd&vsfile=x&key=span-id&tol=fast&atrace=zz&ctab=nope&spanin=a&key=path&tol=5%25");
        assert_eq!(p.notes.len(), 7, "{:?}", p.notes);
        let c = &p.state.compare;
        assert!(c.baseline.is_empty() && c.baseline_files.is_empty() && !c.selected_in_baseline);
        assert_eq!(c.settings.key, Some(CompareKey::Path));
        assert_eq!(c.settings.tolerance.unwrap().percent_hundredths, 500);
    }

    #[test]
    fn bad_fields_drop_alone() {
        let p = parse("?url=javascript:alert(1)&url=file:///etc/passwd&span=zz&t=5,1&view=nope&cp=maybe&q=ok&fold=all&follow=yes");
        assert_eq!(p.notes.len(), 7, "{:?}", p.notes);
        assert!(!p.state.follow);
        assert_eq!(p.state.search, "ok");
        assert!(p.state.expansion.all_collapsed);
        assert!(
            p.state.sources.is_empty() && p.state.selected.is_none() && p.state.window.is_none()
        );
    }

    #[test]
    fn statistics_and_flame_fields_read_their_forms() {
        let p = parse("?view=stats&scope=window&group=type&sub=attr%3Ahttp.method&sort=group&heat=p95&flame=inverted&box=a%3Ab:c,:d");
        assert!(p.notes.is_empty(), "{:?}", p.notes);
        let s = &p.state.stats;
        assert_eq!(p.state.view, ActiveView::Stats);
        assert_eq!(s.scope, StatsScope::Window);
        assert_eq!(s.group, Grouping::Type);
        assert_eq!(s.subgroup, Some(Grouping::Attribute("http.method".into())));
        assert_eq!(
            (s.sort, s.descending),
            ("group", false),
            "the group column starts A to Z"
        );
        assert_eq!(s.heat, Some("p95"));
        assert_eq!(p.state.flame.mode, FlameTime::Inverted);
        let names: Vec<(&str, &str)> = p
            .state
            .flame
            .zoom
            .iter()
            .map(|z| (z.service.as_str(), z.name.as_str()))
            .collect();
        assert_eq!(names, [("a:b", "c"), ("", "d")]);
        assert!(!parse("?sort=count.asc").state.stats.descending);
        let bad =
            parse("?sort=nope&heat=group&scope=x&group=attr:&box=nocolon&filter=2&flame=x&sub=x");
        assert_eq!(bad.notes.len(), 8, "{:?}", bad.notes);
        assert_eq!(bad.state, ViewState::default());
        assert_eq!(
            ViewState::default().to_string(),
            "?v=1",
            "defaults stay out of links"
        );
    }
}
