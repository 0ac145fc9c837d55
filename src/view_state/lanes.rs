//! How the timeline is laid out: the waterfall (one row per span) or lanes (one lane per
//! thread or per service, spans packed by depth inside it). Its text form is the `lanes=`
//! link field; `None` in the view state means "decided by the data" (`layout::lanes`).

/// The lanes mode a link asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LaneMode {
    /// The waterfall, one row per span.
    Off,
    /// One lane per process and thread.
    Thread,
    /// One lane per service.
    Service,
}

impl LaneMode {
    /// Every mode, in the order the control offers them.
    pub const ALL: [LaneMode; 3] = [LaneMode::Off, LaneMode::Thread, LaneMode::Service];

    /// The text form (`lanes=`).
    pub fn token(self) -> &'static str {
        match self {
            LaneMode::Off => "off",
            LaneMode::Thread => "thread",
            LaneMode::Service => "service",
        }
    }

    /// Parses the text form.
    pub fn from_token(s: &str) -> Option<LaneMode> {
        LaneMode::ALL.into_iter().find(|m| m.token() == s)
    }
}
