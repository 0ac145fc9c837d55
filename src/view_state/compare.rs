//! The comparison's part of the view state (issue 9): the baseline A's sources, how spans are
//! matched and when a duration counts as changed, which trace ids are A and B, the compare tab,
//! and whether the selection names a span of the baseline load. Invariant: each type's text
//! form reads back to the same value (`url.rs` writes and reads them, tests round-trip them).

use super::FileRef;
use crate::model::{DurationNs, TraceId};
use std::fmt;

/// How spans of two runs are matched (the core's `MatchKey`, as the view state keeps it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CompareKey {
    /// FlowMesh tasks by data id (`data-id`).
    DataId,
    /// The ancestral path of (service, span name) (`path`).
    Path,
    /// Grouped by an attribute's value (`attr:<key>`).
    Attr(String),
}

impl fmt::Display for CompareKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareKey::DataId => f.write_str("data-id"),
            CompareKey::Path => f.write_str("path"),
            CompareKey::Attr(k) => write!(f, "attr:{k}"),
        }
    }
}

impl std::str::FromStr for CompareKey {
    type Err = String;

    /// Reads `data-id`, `path` or `attr:<key>` (a non-empty key).
    fn from_str(s: &str) -> Result<CompareKey, String> {
        match s {
            "data-id" => Ok(CompareKey::DataId),
            "path" => Ok(CompareKey::Path),
            _ => match s.strip_prefix("attr:") {
                Some(k) if !k.is_empty() => Ok(CompareKey::Attr(k.to_string())),
                _ => Err("expected data-id, path or attr:<key>".into()),
            },
        }
    }
}

/// When two durations count as the same: `|B - A| <= floor + percent of max(A, B)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ToleranceSpec {
    /// The relative part, in hundredths of a percent (2500 = 25 %).
    pub percent_hundredths: u32,
    /// The absolute part.
    pub floor: DurationNs,
}

impl Default for ToleranceSpec {
    /// 25 % + 1 ms (Tempo's rule, the core's default).
    fn default() -> ToleranceSpec {
        ToleranceSpec {
            percent_hundredths: 2500,
            floor: DurationNs(1_000_000),
        }
    }
}

impl ToleranceSpec {
    /// The relative part as a fraction (0.25 = 25 %).
    pub fn ratio(&self) -> f64 {
        f64::from(self.percent_hundredths) / 10_000.0
    }
}

impl fmt::Display for ToleranceSpec {
    /// `25%,1ms`, `12.5%,250us`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, hundredths) = (self.percent_hundredths / 100, self.percent_hundredths % 100);
        let fraction = format!("{hundredths:02}");
        let fraction = fraction.trim_end_matches('0');
        let dot = if fraction.is_empty() { "" } else { "." };
        write!(f, "{whole}{dot}{fraction}%,{}", self.floor.exact_text())
    }
}

impl std::str::FromStr for ToleranceSpec {
    type Err = String;

    /// Reads `25%,1ms`, `10%`, `2ms` (parts in any order; a missing part keeps its default).
    fn from_str(s: &str) -> Result<ToleranceSpec, String> {
        let mut t = ToleranceSpec::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(p) = part.strip_suffix('%') {
                let v: f64 = p
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad percentage {part:?}"))?;
                let hundredths = (v * 100.0).round();
                if !(v.is_finite() && v >= 0.0 && hundredths <= f64::from(u32::MAX)) {
                    return Err(format!("bad percentage {part:?}"));
                }
                t.percent_hundredths = hundredths as u32;
            } else {
                t.floor = DurationNs::parse_text(part)
                    .ok_or_else(|| format!("bad duration {part:?} (e.g. 1ms, 250us, 0.5s)"))?;
            }
        }
        Ok(t)
    }
}

/// Which part of the comparison is shown below its summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompareTab {
    /// The table of keys, slower to unchanged.
    #[default]
    Table,
    /// A's and B's waterfalls from t = 0 on one time scale.
    Waterfalls,
    /// B's lineage DAG coloured by Δ duration.
    Dag,
}

impl CompareTab {
    /// Every tab, in the order shown.
    pub const ALL: [CompareTab; 3] = [CompareTab::Table, CompareTab::Waterfalls, CompareTab::Dag];

    /// Its name in links (`ctab=<name>`).
    pub fn name(self) -> &'static str {
        match self {
            CompareTab::Table => "table",
            CompareTab::Waterfalls => "waterfalls",
            CompareTab::Dag => "dag",
        }
    }

    /// The tab with that link name.
    pub fn from_name(name: &str) -> Option<CompareTab> {
        CompareTab::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// What the comparison is computed from besides the two loads: the comparison is recomputed
/// only when these change.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CompareSettings {
    /// The matching key (`key=`); `None` = the core's default for the two sides.
    pub key: Option<CompareKey>,
    /// The tolerance (`tol=`); `None` = 25 %, 1 ms.
    pub tolerance: Option<ToleranceSpec>,
    /// The trace ids that make A (`atrace=`, repeatable); empty = every trace of the baseline
    /// load, or the default pick when A and B come from one load.
    pub a_traces: Vec<TraceId>,
    /// The trace ids that make B (`btrace=`, repeatable); empty = as for A.
    pub b_traces: Vec<TraceId>,
}

/// The comparison's view state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CompareView {
    /// URLs of the baseline A (`vs=`, repeatable, http/https only).
    pub baseline: Vec<String>,
    /// Local files of the baseline a link was made with (`vsfile=`, as `file=`).
    pub baseline_files: Vec<FileRef>,
    /// Key, tolerance and picks.
    pub settings: CompareSettings,
    /// The tab shown (`ctab=`).
    pub tab: CompareTab,
    /// True when the selection names a span of the baseline load (`spanin=vs`), not of the
    /// loaded sources.
    pub selected_in_baseline: bool,
}

impl CompareView {
    /// True when the view names a baseline to load (URLs or local files).
    pub fn has_baseline(&self) -> bool {
        !self.baseline.is_empty() || !self.baseline_files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_tolerance_texts_read_back() {
        for text in ["data-id", "path", "attr:gen_ai.tool.name", "attr:a:b"] {
            let k: CompareKey = text.parse().unwrap();
            assert_eq!(k.to_string(), text);
        }
        assert!("attr:".parse::<CompareKey>().is_err());
        assert!("span-id".parse::<CompareKey>().is_err());
        let t: ToleranceSpec = "12.5%,250us".parse().unwrap();
        assert_eq!(t.percent_hundredths, 1250);
        assert_eq!(t.floor, DurationNs(250_000));
        assert_eq!(t.to_string(), "12.5%,250us");
        assert_eq!(ToleranceSpec::default().to_string(), "25%,1ms");
        assert_eq!(
            "10%".parse::<ToleranceSpec>().unwrap().floor,
            DurationNs(1_000_000)
        );
        assert_eq!(
            "2ms".parse::<ToleranceSpec>().unwrap().percent_hundredths,
            2500
        );
        assert!((t.ratio() - 0.125).abs() < 1e-12);
        for bad in ["fast", "-5%", "5%%", "1 min", "nan%"] {
            assert!(bad.parse::<ToleranceSpec>().is_err(), "{bad}");
        }
        let odd = ToleranceSpec {
            percent_hundredths: 7,
            floor: DurationNs(0),
        };
        assert_eq!(odd.to_string(), "0.07%,0ns");
        assert_eq!(odd.to_string().parse::<ToleranceSpec>(), Ok(odd));
    }
}
