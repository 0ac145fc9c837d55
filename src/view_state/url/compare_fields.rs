//! The comparison's link fields (`vs`, `vsfile`, `key`, `tol`, `atrace`, `btrace`, `ctab`,
//! `spanin`): the baseline's sources as `url=` / `file=` are B's, the rest only when not default.

use super::{enc, file_text, is_fetchable, parse_file_ref};
use crate::model::TraceId;
use crate::view_state::compare::{CompareTab, CompareView};

/// The comparison's fields, each written only when it differs from its default.
pub(super) fn compare_parts(c: &CompareView) -> Vec<String> {
    let mut parts: Vec<String> = c
        .baseline
        .iter()
        .map(|u| format!("vs={}", enc(u)))
        .collect();
    parts.extend(
        c.baseline_files
            .iter()
            .map(|f| format!("vsfile={}", file_text(f))),
    );
    let s = &c.settings;
    if let Some(k) = &s.key {
        parts.push(format!("key={}", enc(&k.to_string())));
    }
    if let Some(t) = &s.tolerance {
        parts.push(format!("tol={}", enc(&t.to_string())));
    }
    parts.extend(s.a_traces.iter().map(|t| format!("atrace={t}")));
    parts.extend(s.b_traces.iter().map(|t| format!("btrace={t}")));
    if c.tab != CompareTab::default() {
        parts.push(format!("ctab={}", c.tab.name()));
    }
    if c.selected_in_baseline {
        parts.push("spanin=vs".into());
    }
    parts
}

/// Reads one of the comparison's fields into `c`: `None` when `key` is not one of them, else
/// whether its value was good (the reason when not).
pub(super) fn parse_compare(
    c: &mut CompareView,
    key: &str,
    raw: &str,
    value: &str,
) -> Option<Result<(), String>> {
    let s = &mut c.settings;
    let trace =
        |v: &str| TraceId::parse_hex(v).ok_or("expected a 32-digit hex trace id".to_string());
    let result = match key {
        "vs" if is_fetchable(value) => {
            c.baseline.push(value.to_string());
            Ok(())
        }
        "vs" => Err("only http and https sources can be loaded".to_string()),
        "vsfile" => parse_file_ref(raw)
            .map(|f| c.baseline_files.push(f))
            .ok_or_else(|| "expected <name>.<bytes>.<hex fingerprint>".to_string()),
        "key" => value.parse().map(|k| s.key = Some(k)),
        "tol" => value.parse().map(|t| s.tolerance = Some(t)),
        "atrace" => trace(value).map(|t| s.a_traces.push(t)),
        "btrace" => trace(value).map(|t| s.b_traces.push(t)),
        "ctab" => CompareTab::from_name(value)
            .map(|t| c.tab = t)
            .ok_or_else(|| "expected table, waterfalls or dag".to_string()),
        "spanin" => match value {
            "vs" => {
                c.selected_in_baseline = true;
                Ok(())
            }
            _ => Err("expected vs".to_string()),
        },
        _ => return None,
    };
    Some(result)
}
