//! The URL text form of `ViewState` (query string, schema version 1), written and read only
//! here. Each field is parsed on its own; a bad value is dropped with a note.
//!
//! ```text
//! ?v=1&url=<enc>&url=<enc>&file=<enc name>.<bytes>.<16 hex>&view=dag&t=<start_ns>,<end_ns>
//!     &span=<16 hex>&trace=<32 hex>&q=<enc>&cp=1&color=service&panel=diagnostics&align=1&fold=all&toggle=<16 hex>.<16 hex>...
//!     &follow=1&timeout=<seconds>
//! ```
//!
//! Version 0 is the issue-2 form without `v=` (`?url=…&span=…`): it parses the same way.

use super::{ActiveView, ColorMode, Expansion, FileRef, Panel, TimeWindow, ViewState};
use crate::model::{SpanId, TraceId};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use std::fmt;

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
        parts.extend(
            self.files
                .iter()
                .map(|f| format!("file={}.{}.{:016x}", enc(&f.name), f.bytes, f.fingerprint)),
        );
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
        if let Some(t) = self.timeout_s {
            parts.push(format!("timeout={t}"));
        }
        write!(f, "?{}", parts.join("&"))
    }
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
            "file" => {
                // the name may contain dots: size and fingerprint are the last two fields
                let mut it = raw.rsplitn(3, '.');
                let (fp, size, name) = (it.next(), it.next(), it.next());
                match (
                    name.map(dec),
                    size.and_then(|s| s.parse::<u64>().ok()),
                    fp.and_then(|f| u64::from_str_radix(f, 16).ok()),
                ) {
                    (Some(name), Some(bytes), Some(fingerprint)) if !name.is_empty() => {
                        p.state.files.push(FileRef {
                            name,
                            bytes,
                            fingerprint,
                        })
                    }
                    _ => bad("expected <name>.<bytes>.<hex fingerprint>"),
                }
            }
            "view" => match ActiveView::from_token(&value) {
                Some(v) => p.state.view = v,
                None => bad("expected timeline, dag or analysis"),
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
                None => bad("expected a 32-digit hex trace id"),
            },
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
            "follow" => match value.as_str() {
                "1" | "true" => p.state.follow = true,
                "0" | "false" => p.state.follow = false,
                _ => bad("expected 1 or 0"),
            },
            "timeout" => match value.parse::<u32>() {
                Ok(t) if (1..=MAX_TIMEOUT_S).contains(&t) => p.state.timeout_s = Some(t),
                _ => bad("expected whole seconds from 1 to 86400"),
            },
            _ => p.notes.push(format!("ignored unknown parameter {key:?}")),
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

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
            timeout_s: Some(90),
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
}
