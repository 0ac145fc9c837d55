//! The shareable settings of the statistics view (scope, grouping, sort, shading) and of the
//! flame graph view (mode, zoomed box). `view_state` knows only the model, so these mirror the
//! analysis tokens (`analysis::stats::{Scope, GroupBy, Column}`, `analysis::flame::FlameMode`);
//! `layout::stats_table` and `layout::flame` convert, and a test there keeps the tokens equal.
//! The zoomed box is a path of (service, name) steps from the root, never a box index, so a
//! link still names the same box after a reload or in another mode's graph.

/// Which spans the statistics table covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StatsScope {
    /// Everything loaded.
    #[default]
    All,
    /// The spans overlapping the visible window.
    Window,
    /// The query's matches.
    Matches,
}

impl StatsScope {
    /// Every scope, in the order the view offers them.
    pub const ALL: [StatsScope; 3] = [StatsScope::All, StatsScope::Window, StatsScope::Matches];

    /// Its name in links (`scope=`).
    pub fn token(self) -> &'static str {
        match self {
            StatsScope::All => "all",
            StatsScope::Window => "window",
            StatsScope::Matches => "matches",
        }
    }

    /// The scope with that link name.
    pub fn from_token(t: &str) -> Option<StatsScope> {
        StatsScope::ALL.into_iter().find(|s| s.token() == t)
    }
}

/// What statistics rows are keyed by.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Grouping {
    /// The service name.
    Service,
    /// The span name.
    #[default]
    Name,
    /// The span type.
    Type,
    /// An attribute's value (the span's, else its resource's).
    Attribute(String),
}

impl Grouping {
    /// `service`, `name`, `type` or `attr:KEY` (as `skein stats --group` reads it).
    pub fn token(&self) -> String {
        match self {
            Grouping::Service => "service".into(),
            Grouping::Name => "name".into(),
            Grouping::Type => "type".into(),
            Grouping::Attribute(k) => format!("attr:{k}"),
        }
    }

    /// Reads a token written by `token`.
    pub fn from_token(t: &str) -> Option<Grouping> {
        match t {
            "service" => Some(Grouping::Service),
            "name" => Some(Grouping::Name),
            "type" => Some(Grouping::Type),
            _ => t
                .strip_prefix("attr:")
                .filter(|k| !k.is_empty())
                .map(|k| Grouping::Attribute(k.to_string())),
        }
    }
}

/// The statistics columns by link name, in table order (`analysis::stats::Column::ALL`).
pub const STATS_COLUMNS: [&str; 15] = [
    "group",
    "count",
    "total",
    "self",
    "self_percent",
    "avg",
    "min",
    "p50",
    "p95",
    "max",
    "errors",
    "critical",
    "tokens_in",
    "tokens_out",
    "cost",
];

/// The column name of `STATS_COLUMNS` equal to `t`.
pub fn stats_column(t: &str) -> Option<&'static str> {
    STATS_COLUMNS.into_iter().find(|c| *c == t)
}

/// How the statistics view is set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatsSettings {
    /// Which spans count.
    pub scope: StatsScope,
    /// Rows.
    pub group: Grouping,
    /// The optional second level.
    pub subgroup: Option<Grouping>,
    /// Sorted by this column (a name of `STATS_COLUMNS`).
    pub sort: &'static str,
    /// Largest first.
    pub descending: bool,
    /// The column whose values shade the rows (`None`: no shading).
    pub heat: Option<&'static str>,
}

impl StatsSettings {
    /// True when `descending` is what the sort column starts with: numbers largest first,
    /// the group column A to Z (so links leave the direction out).
    pub fn is_default_direction(&self) -> bool {
        self.descending == (self.sort != "group")
    }
}

impl Default for StatsSettings {
    fn default() -> Self {
        StatsSettings {
            scope: StatsScope::All,
            group: Grouping::Name,
            subgroup: None,
            sort: "total",
            descending: true,
            heat: Some("total"),
        }
    }
}

/// Which time the flame graph shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FlameTime {
    /// Every span's duration.
    #[default]
    All,
    /// Only time on the critical path.
    Critical,
    /// Bottom-up, by self time.
    Inverted,
}

impl FlameTime {
    /// Every mode, in the order the view offers them.
    pub const ALL: [FlameTime; 3] = [FlameTime::All, FlameTime::Critical, FlameTime::Inverted];

    /// Its name in links (`flame=`).
    pub fn token(self) -> &'static str {
        match self {
            FlameTime::All => "all",
            FlameTime::Critical => "critical",
            FlameTime::Inverted => "inverted",
        }
    }

    /// The mode with that link name.
    pub fn from_token(t: &str) -> Option<FlameTime> {
        FlameTime::ALL.into_iter().find(|m| m.token() == t)
    }
}

/// One step of a flame path: a box is the child of its parent box with this service and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FlameStep {
    /// Service name ("" for spans without one).
    pub service: String,
    /// Span name.
    pub name: String,
}

/// How the flame graph view is set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct FlameSettings {
    /// Which time the boxes show.
    pub mode: FlameTime,
    /// The zoomed box, as the steps from the root (empty: the whole graph).
    pub zoom: Vec<FlameStep>,
}
