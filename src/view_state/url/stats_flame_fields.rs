//! The statistics and flame views' link fields (`filter`, `scope`, `group`, `sub`, `sort`,
//! `heat`, `flame`, `box`): written only when they differ from their defaults, read back exactly.

use super::{dec, enc};
use crate::view_state::stats_flame::{stats_column, FlameStep, FlameTime, Grouping, StatsScope};
use crate::view_state::ViewState;

/// The statistics view's fields, each only when it differs from the default.
pub(super) fn stats_parts(v: &ViewState, parts: &mut Vec<String>) {
    let (s, d) = (&v.stats, crate::view_state::StatsSettings::default());
    if s.scope != d.scope {
        parts.push(format!("scope={}", s.scope.token()));
    }
    if s.group != d.group {
        parts.push(format!("group={}", enc(&s.group.token())));
    }
    if let Some(g) = &s.subgroup {
        parts.push(format!("sub={}", enc(&g.token())));
    }
    if s.sort != d.sort || !s.is_default_direction() {
        let dir = match (s.is_default_direction(), s.descending) {
            (true, _) => "",
            (false, true) => ".desc",
            (false, false) => ".asc",
        };
        parts.push(format!("sort={}{dir}", s.sort));
    }
    if s.heat != d.heat {
        parts.push(format!("heat={}", s.heat.unwrap_or("none")));
    }
}

/// The flame view's fields: the mode unless "all", the zoomed box as `service:name` steps.
pub(super) fn flame_parts(v: &ViewState, parts: &mut Vec<String>) {
    if v.flame.mode != FlameTime::All {
        parts.push(format!("flame={}", v.flame.mode.token()));
    }
    if !v.flame.zoom.is_empty() {
        // `enc` escapes ':' and ',', so they separate steps unambiguously in the raw value
        let steps: Vec<String> = v
            .flame
            .zoom
            .iter()
            .map(|s| format!("{}:{}", enc(&s.service), enc(&s.name)))
            .collect();
        parts.push(format!("box={}", steps.join(",")));
    }
}

/// Reads `sort=<column>[.asc|.desc]` into the settings, or says why not.
pub(super) fn parse_sort(value: &str, v: &mut ViewState) -> Result<(), &'static str> {
    let (column, dir) = match value.rsplit_once('.') {
        Some((c, "asc")) => (c, Some(false)),
        Some((c, "desc")) => (c, Some(true)),
        _ => (value, None),
    };
    let column = stats_column(column).ok_or("expected a statistics column, then .asc or .desc")?;
    v.stats.sort = column;
    v.stats.descending = dir.unwrap_or(column != "group");
    Ok(())
}

/// Reads `box=` from its raw (still encoded) value.
pub(super) fn parse_box(raw: &str) -> Option<Vec<FlameStep>> {
    raw.split(',')
        .map(|step| {
            let (service, name) = step.split_once(':')?;
            Some(FlameStep {
                service: dec(service),
                name: dec(name),
            })
        })
        .collect()
}

/// Parses the fields of the statistics and flame views; `Ok(false)` for any other key.
pub(super) fn parse_view_field(
    key: &str,
    raw: &str,
    value: &str,
    v: &mut ViewState,
) -> Result<bool, String> {
    let bad = |what: &str| Err(what.to_string());
    match key {
        "filter" => match value {
            "1" | "true" => v.filter = true,
            "0" | "false" => v.filter = false,
            _ => return bad("expected 1 or 0"),
        },
        "scope" => match StatsScope::from_token(value) {
            Some(s) => v.stats.scope = s,
            None => return bad("expected all, window or matches"),
        },
        "group" => match Grouping::from_token(value) {
            Some(g) => v.stats.group = g,
            None => return bad("expected name, service, type or attr:<key>"),
        },
        "sub" => match (value, Grouping::from_token(value)) {
            ("none", _) => v.stats.subgroup = None,
            (_, Some(g)) => v.stats.subgroup = Some(g),
            _ => return bad("expected name, service, type, attr:<key> or none"),
        },
        "sort" => parse_sort(value, v)?,
        "heat" => match (value, stats_column(value)) {
            ("none", _) => v.stats.heat = None,
            (_, Some(c)) if c != "group" => v.stats.heat = Some(c),
            _ => return bad("expected a numeric statistics column or none"),
        },
        "flame" => match FlameTime::from_token(value) {
            Some(m) => v.flame.mode = m,
            None => return bad("expected all, critical or inverted"),
        },
        "box" => match parse_box(raw) {
            Some(steps) => v.flame.zoom = steps,
            None => return bad("expected <service>:<name> steps separated by ','"),
        },
        _ => return Ok(false),
    }
    Ok(true)
}
