//! User actions as one `Command` type, one table binding keys to commands, and what each does to
//! the view state. Buttons, keys and the `?` help overlay all go through here (Perfetto's
//! commands, registered once and bound everywhere), so the help lists exactly the bindings that
//! exist and a button does what its key does. Invariant: `apply` changes only the view state;
//! what only the shell can do (focus a box, copy a link, scroll a row into view) comes back as
//! an `Effect`.

use super::rows::{row_of_span, Row, RowItem};
use super::timeline::{effective_window, extent_ns};
use crate::model::{SpanIdx, Trace};
use crate::query::MatchOrder;
use crate::view_state::{navigation, ActiveView, ColorMode, FlameTime, Panel, ViewState};

/// Zoom factor of one zoom-in step (zoom out divides by it).
pub const ZOOM_STEP: f64 = 0.8;
/// Share of the window one pan step moves.
pub const PAN_STEP: f64 = 0.2;

/// Everything a user can ask for by key or button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Zoom in around the middle of the window.
    ZoomIn,
    /// Zoom out around the middle of the window.
    ZoomOut,
    /// Pan to earlier times.
    PanLeft,
    /// Pan to later times.
    PanRight,
    /// Show the whole trace.
    Fit,
    /// Select the span on the row above.
    PreviousSpan,
    /// Select the span on the row below.
    NextSpan,
    /// Expand or collapse the selected span.
    ToggleFold,
    /// Expand every span.
    ExpandAll,
    /// Collapse every span.
    CollapseAll,
    /// Close the help, else clear the selection.
    Dismiss,
    /// Put the cursor in the search box.
    FocusSearch,
    /// Show or hide the critical path.
    ToggleCriticalPath,
    /// Copy a link to this view.
    CopyLink,
    /// Show the key help.
    OpenHelp,
    /// Switch the main view.
    ShowView(ActiveView),
    /// Open a side panel, or close it when it is open.
    TogglePanel(Panel),
    /// Colour spans by type or by service.
    SetColor(ColorMode),
    /// Draw each trace from its own start (true) or all on one clock (false).
    SetAlign(bool),
    /// Select the next match of the query (from the visible window's start at first).
    NextMatch,
    /// Select the previous match of the query.
    PreviousMatch,
    /// Show only the query's matches (with their ancestors), or every span again.
    ToggleMatchesOnly,
    /// Put this query in the box (the preset pills).
    SetQuery(&'static str),
    /// Which time the flame graph shows (the zoom starts over).
    SetFlameTime(FlameTime),
}

impl Command {
    /// What the command does, as the help and the buttons' tooltips say it.
    pub fn label(self) -> &'static str {
        match self {
            Command::ZoomIn => "zoom in",
            Command::ZoomOut => "zoom out",
            Command::PanLeft => "pan earlier",
            Command::PanRight => "pan later",
            Command::Fit => "fit the whole trace",
            Command::PreviousSpan => "previous span",
            Command::NextSpan => "next span",
            Command::ToggleFold => "expand / collapse the selected span",
            Command::ExpandAll => "expand all",
            Command::CollapseAll => "collapse all",
            Command::Dismiss => "close the help, or clear the selection",
            Command::FocusSearch => "focus the query box",
            Command::ToggleCriticalPath => "critical path on / off",
            Command::CopyLink => "copy a link to this view",
            Command::OpenHelp => "show these keys",
            Command::ShowView(ActiveView::Timeline) => "show the timeline",
            Command::ShowView(ActiveView::Dag) => "show the lineage DAG",
            Command::ShowView(ActiveView::Analysis) => "show the analysis",
            Command::ShowView(ActiveView::Stats) => "show the statistics",
            Command::ShowView(ActiveView::Flame) => "show the flame graph",
            Command::ShowView(ActiveView::Compare) => "compare with a baseline run",
            Command::TogglePanel(_) => "open / close the panel",
            Command::SetColor(_) => "colour spans by",
            Command::SetAlign(_) => "draw each trace from its own start",
            Command::NextMatch => "next match of the query",
            Command::PreviousMatch => "previous match of the query",
            Command::ToggleMatchesOnly => "show matches only on / off",
            Command::SetQuery(_) => "search with this query",
            Command::SetFlameTime(FlameTime::All) => "flame graph of all time",
            Command::SetFlameTime(FlameTime::Critical) => "flame graph of the critical path only",
            Command::SetFlameTime(FlameTime::Inverted) => "flame graph bottom-up, by self time",
        }
    }

    /// The keys bound to this command, as the help shows them (`None` for button-only ones).
    pub fn keys(self) -> Option<&'static str> {
        KEY_BINDINGS
            .iter()
            .find(|b| b.command == self)
            .map(|b| b.shown)
    }

    /// A button's tooltip: what it does, and its key when it has one (`fit the whole trace (F or 0)`).
    pub fn tooltip(self) -> String {
        match self.keys() {
            Some(k) => format!("{} ({k})", self.label()),
            None => self.label().to_string(),
        }
    }
}

/// One key binding: the `KeyboardEvent.key` values that trigger it and how the help shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBinding {
    /// `KeyboardEvent.key` values (any of them).
    pub keys: &'static [&'static str],
    /// How the help writes the keys.
    pub shown: &'static str,
    /// What they do.
    pub command: Command,
}

/// Every key binding, in the order the help lists them.
pub const KEY_BINDINGS: [KeyBinding; 16] = [
    bind(&["w", "W"], "W", Command::ZoomIn),
    bind(&["s", "S"], "S", Command::ZoomOut),
    bind(&["a", "A"], "A", Command::PanLeft),
    bind(&["d", "D"], "D", Command::PanRight),
    bind(&["f", "F", "0"], "F or 0", Command::Fit),
    bind(&["ArrowUp", "k"], "↑ or K", Command::PreviousSpan),
    bind(&["ArrowDown", "j"], "↓ or J", Command::NextSpan),
    bind(&["Enter", " "], "Enter or Space", Command::ToggleFold),
    bind(&["Escape"], "Esc", Command::Dismiss),
    bind(&["/"], "/", Command::FocusSearch),
    bind(&["n"], "N, or Enter in the query box", Command::NextMatch),
    bind(
        &["N"],
        "Shift+N, or Shift+Enter in the query box",
        Command::PreviousMatch,
    ),
    bind(&["m", "M"], "M", Command::ToggleMatchesOnly),
    bind(&["c", "C"], "C", Command::ToggleCriticalPath),
    bind(&["l", "L"], "L", Command::CopyLink),
    bind(&["?"], "?", Command::OpenHelp),
];

const fn bind(keys: &'static [&'static str], shown: &'static str, command: Command) -> KeyBinding {
    KeyBinding {
        keys,
        shown,
        command,
    }
}

/// The command bound to a key press; none while Ctrl, ⌘ or Alt is held (those belong to the
/// browser). Shift is allowed: `?` needs it.
pub fn command_for_key(key: &str, ctrl: bool, meta: bool, alt: bool) -> Option<Command> {
    if ctrl || meta || alt {
        return None;
    }
    KEY_BINDINGS
        .iter()
        .find(|b| b.keys.contains(&key))
        .map(|b| b.command)
}

/// The help overlay's rows: (keys, what they do), one per binding, in table order.
pub fn help_rows() -> Vec<(&'static str, &'static str)> {
    KEY_BINDINGS
        .iter()
        .map(|b| (b.shown, b.command.label()))
        .collect()
}

/// What a command needs to know besides the view state.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The loaded trace, if any.
    pub trace: Option<&'a Trace>,
    /// The visible rows.
    pub rows: &'a [Row],
    /// Traces drawn each from its own start.
    pub aligned: bool,
    /// The help overlay is open.
    pub help_open: bool,
    /// The query's matches in drawing order (`None` while the query does not parse).
    pub matches: Option<&'a MatchOrder>,
}

/// What the shell does after a command, beyond the view state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Nothing more.
    Nothing,
    /// Bring this span's row into view.
    Reveal(SpanIdx),
    /// Put the cursor in the search box.
    FocusSearch,
    /// Make and copy the link.
    CopyLink,
    /// Show the help overlay.
    OpenHelp,
    /// Close the help overlay.
    CloseHelp,
}

/// Applies `cmd` to the view state.
pub fn apply(cmd: Command, v: &mut ViewState, cx: &Context<'_>) -> Effect {
    let zoom_pan = |v: &mut ViewState, t: &Trace| {
        let (w, extent) = (
            effective_window(t, v.window, cx.aligned),
            extent_ns(t, cx.aligned),
        );
        v.window = Some(match cmd {
            Command::ZoomIn => navigation::zoom_at(w, None, ZOOM_STEP, extent),
            Command::ZoomOut => navigation::zoom_at(w, None, 1.0 / ZOOM_STEP, extent),
            Command::PanLeft => navigation::pan_share(w, -PAN_STEP, extent),
            _ => navigation::pan_share(w, PAN_STEP, extent),
        });
    };
    match cmd {
        Command::ZoomIn | Command::ZoomOut | Command::PanLeft | Command::PanRight => {
            if let Some(t) = cx.trace {
                zoom_pan(v, t);
            }
        }
        Command::Fit => v.window = None,
        Command::PreviousSpan | Command::NextSpan => return step_selection(cmd, v, cx),
        Command::ToggleFold => {
            if let Some(id) = v.selected {
                v.expansion.toggle(id);
            }
        }
        Command::ExpandAll => v.expansion.set_all(true),
        Command::CollapseAll => v.expansion.set_all(false),
        Command::Dismiss if cx.help_open => return Effect::CloseHelp,
        Command::Dismiss => v.clear_selection(),
        Command::FocusSearch => return Effect::FocusSearch,
        Command::ToggleCriticalPath => v.critical_path = !v.critical_path,
        Command::CopyLink => return Effect::CopyLink,
        Command::OpenHelp => return Effect::OpenHelp,
        Command::ShowView(view) => v.view = view,
        Command::TogglePanel(p) => v.toggle_panel(p),
        Command::SetColor(mode) => v.color = mode,
        Command::SetAlign(on) => {
            v.align = Some(on);
            v.window = None;
        }
        Command::NextMatch | Command::PreviousMatch => return step_match(cmd, v, cx),
        Command::ToggleMatchesOnly => v.filter = !v.filter,
        Command::SetQuery(q) => v.search = q.to_string(),
        Command::SetFlameTime(mode) => {
            v.flame.mode = mode;
            v.flame.zoom.clear();
        }
    }
    Effect::Nothing
}

/// Selects the next (or previous) match after the selected one; when the selection is no
/// match, the first match at or after the visible window's start (`MatchOrder::step`).
fn step_match(cmd: Command, v: &mut ViewState, cx: &Context<'_>) -> Effect {
    let (Some(t), Some(order)) = (cx.trace, cx.matches) else {
        return Effect::Nothing;
    };
    let start_ns = effective_window(t, v.window, cx.aligned).start_ns;
    let forward = cmd == Command::NextMatch;
    let current = v.selected_span(t);
    match order
        .step(t, current, forward, start_ns, cx.aligned)
        .and_then(|i| order.span(i))
    {
        Some(s) => {
            v.select(t, s);
            Effect::Reveal(s)
        }
        None => Effect::Nothing,
    }
}

/// Selects the next (or previous) span row from the selection (trace headers are skipped;
/// with nothing selected, the first span row), and asks to reveal it.
fn step_selection(cmd: Command, v: &mut ViewState, cx: &Context<'_>) -> Effect {
    let Some(t) = cx.trace else {
        return Effect::Nothing;
    };
    let rows = cx.rows;
    let span_at = |i: usize| match rows[i].item {
        RowItem::Span(s) => Some(s),
        RowItem::TraceHeader(_) => None,
    };
    let current = v.selected_span(t).and_then(|s| row_of_span(rows, s));
    let next = match current {
        Some(i) if cmd == Command::NextSpan => (i + 1..rows.len()).find_map(span_at),
        Some(i) => (0..i).rev().find_map(span_at),
        None => (0..rows.len()).find_map(span_at),
    };
    match next.or_else(|| current.and_then(span_at)) {
        Some(s) => {
            v.select(t, s);
            Effect::Reveal(s)
        }
        None => Effect::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ingest_sources;
    use crate::layout::rows::visible_rows;

    #[test]
    fn every_key_names_one_command_and_every_binding_is_helped() {
        let mut seen = std::collections::BTreeSet::new();
        for b in KEY_BINDINGS {
            for k in b.keys {
                assert!(seen.insert(*k), "{k} is bound twice");
                assert_eq!(command_for_key(k, false, false, false), Some(b.command));
            }
        }
        assert_eq!(
            command_for_key("w", true, false, false),
            None,
            "Ctrl+W is the browser's"
        );
        assert_eq!(command_for_key("x", false, false, false), None);
        let rows = help_rows();
        assert_eq!(rows.len(), KEY_BINDINGS.len());
        assert_eq!(rows[0], ("W", "zoom in"));
        assert_eq!(Command::Fit.tooltip(), "fit the whole trace (F or 0)");
        assert_eq!(Command::ExpandAll.tooltip(), "expand all");
    }

    /// Three spans in one trace, rows in order: a, b (child of a), c.
    #[test]
    fn keys_and_buttons_change_the_view_alike() {
        let line = |id: u32, parent: &str, s: u32| {
            format!(
                r#"{{"name": "s{id}", "context": {{"trace_id": "0x01", "span_id": "0x0{id}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:0{s}Z", "end_time": "2026-01-01T00:00:0{}Z"}}"#,
                s + 2
            ) + "\n"
        };
        let text = line(1, "null", 0) + &line(2, "\"0x01\"", 1) + &line(3, "null", 4);
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let mut v = ViewState::default();
        let rows = visible_rows(&t, &v.expansion);
        let cx = Context {
            trace: Some(&t),
            rows: &rows,
            aligned: false,
            help_open: false,
            matches: None,
        };
        let name = |v: &ViewState| v.selected_span(&t).map(|s| t.name(s).to_string());
        assert!(matches!(
            apply(Command::NextSpan, &mut v, &cx),
            Effect::Reveal(_)
        ));
        assert_eq!(
            name(&v).as_deref(),
            Some("s1"),
            "nothing selected: the first row"
        );
        apply(Command::NextSpan, &mut v, &cx);
        apply(Command::NextSpan, &mut v, &cx);
        apply(Command::NextSpan, &mut v, &cx);
        assert_eq!(
            name(&v).as_deref(),
            Some("s3"),
            "the last row stays selected"
        );
        apply(Command::PreviousSpan, &mut v, &cx);
        assert_eq!(name(&v).as_deref(), Some("s2"));
        apply(Command::ZoomIn, &mut v, &cx);
        let zoomed = v.window.unwrap();
        apply(Command::ZoomOut, &mut v, &cx);
        assert!(v.window.unwrap().len_ns() > zoomed.len_ns());
        let before = v.window.unwrap();
        apply(Command::PanRight, &mut v, &cx);
        let step = (before.len_ns() as f64 * PAN_STEP).round() as i64;
        assert_eq!(v.window.unwrap().start_ns, before.start_ns + step);
        apply(Command::Fit, &mut v, &cx);
        assert_eq!(v.window, None);
        apply(Command::ToggleCriticalPath, &mut v, &cx);
        assert!(v.critical_path);
        let help = Context {
            help_open: true,
            ..cx
        };
        assert_eq!(apply(Command::Dismiss, &mut v, &help), Effect::CloseHelp);
        assert!(v.selected.is_some(), "Esc closes the help first");
        apply(Command::Dismiss, &mut v, &cx);
        assert_eq!(v.selected, None);
    }

    /// Spans at 0 s, 1 s and 4 s (s1 > s2 nested, s3 alone); the query `s` matches all three.
    ///
    /// ```text
    ///  s1 [====]
    ///  s2   [====]
    ///  s3         [====]
    /// ```
    #[test]
    fn enter_steps_through_matches_from_the_visible_window() {
        let line = |id: u32, parent: &str, s: u32| {
            format!(
                r#"{{"name": "s{id}", "context": {{"trace_id": "0x01", "span_id": "0x0{id}"}}, "parent_id": {parent}, "start_time": "2026-01-01T00:00:0{s}Z", "end_time": "2026-01-01T00:00:0{}Z"}}"#,
                s + 2
            ) + "\n"
        };
        let text = line(1, "null", 0) + &line(2, "\"0x01\"", 1) + &line(3, "null", 4);
        let t = ingest_sources([("t.jsonl", text.as_bytes())]);
        let q = crate::query::Query::parse("s").unwrap();
        let set = q.matches(&crate::query::QueryContext::new(&t, &[]));
        let order = crate::query::matches_in_order(&t, &set, false);
        let mut v = ViewState {
            window: Some(crate::view_state::TimeWindow {
                start_ns: 500_000_000,
                end_ns: 3_000_000_000,
            }),
            ..ViewState::default()
        };
        let rows = visible_rows(&t, &v.expansion);
        let cx = Context {
            trace: Some(&t),
            rows: &rows,
            aligned: false,
            help_open: false,
            matches: Some(&order),
        };
        let name = |v: &ViewState| v.selected_span(&t).map(|s| t.name(s).to_string());
        assert!(matches!(
            apply(Command::NextMatch, &mut v, &cx),
            Effect::Reveal(_)
        ));
        assert_eq!(name(&v).as_deref(), Some("s2"), "first match after 0.5 s");
        apply(Command::NextMatch, &mut v, &cx);
        assert_eq!(name(&v).as_deref(), Some("s3"));
        apply(Command::NextMatch, &mut v, &cx);
        assert_eq!(name(&v).as_deref(), Some("s1"), "wraps around");
        apply(Command::PreviousMatch, &mut v, &cx);
        assert_eq!(name(&v).as_deref(), Some("s3"));
        v.clear_selection();
        apply(Command::PreviousMatch, &mut v, &cx);
        assert_eq!(name(&v).as_deref(), Some("s1"), "the last one before 0.5 s");
        let none = Context {
            matches: None,
            ..cx
        };
        assert_eq!(apply(Command::NextMatch, &mut v, &none), Effect::Nothing);
        apply(Command::ToggleMatchesOnly, &mut v, &cx);
        assert!(v.filter);
        apply(Command::SetQuery("status=error"), &mut v, &cx);
        assert_eq!(v.search, "status=error");
        v.flame.zoom.push(crate::view_state::FlameStep {
            service: String::new(),
            name: "s1".into(),
        });
        apply(Command::SetFlameTime(FlameTime::Critical), &mut v, &cx);
        assert_eq!(v.flame.mode, FlameTime::Critical);
        assert!(v.flame.zoom.is_empty(), "a new mode starts unzoomed");
    }
}
