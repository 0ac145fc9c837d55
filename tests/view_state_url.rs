//! The view state's URL form: every field round-trips over generated states; each field's bad
//! values drop only that field; links of the previous schema version still parse.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use proptest::prelude::*;
use skein::model::{SpanId, TraceId};
use skein::view_state::compare::{
    CompareKey, CompareSettings, CompareTab, CompareView, ToleranceSpec,
};
use skein::view_state::stats_flame::STATS_COLUMNS;
use skein::view_state::url::parse;
use skein::view_state::{
    ActiveView, ColorMode, Expansion, FileRef, FlameSettings, FlameStep, FlameTime, Grouping,
    LaneMode, MlflowLink, Panel, StatsScope, StatsSettings, Theme, TimeWindow, ViewState,
};

fn span_id() -> impl Strategy<Value = SpanId> {
    (1u64..=u64::MAX).prop_map(SpanId)
}

fn grouping() -> impl Strategy<Value = Grouping> {
    prop_oneof![
        Just(Grouping::Service),
        Just(Grouping::Name),
        Just(Grouping::Type),
        "[ -~ü:,.]{1,12}".prop_map(Grouping::Attribute),
    ]
}

/// The statistics and flame settings, every field drawn.
fn analysis_views() -> impl Strategy<Value = (bool, StatsSettings, FlameSettings)> {
    let stats = (
        prop::sample::select(StatsScope::ALL.to_vec()),
        grouping(),
        prop::option::of(grouping()),
        prop::sample::select(STATS_COLUMNS.to_vec()),
        any::<bool>(),
        prop::option::of(prop::sample::select(STATS_COLUMNS[1..].to_vec())),
    )
        .prop_map(
            |(scope, group, subgroup, sort, descending, heat)| StatsSettings {
                scope,
                group,
                subgroup,
                sort,
                descending,
                heat,
            },
        );
    let flame = (
        prop::sample::select(FlameTime::ALL.to_vec()),
        prop::collection::vec(
            ("[ -~ü:,%]{0,8}", "[ -~ü:,%]{0,8}")
                .prop_map(|(service, name)| FlameStep { service, name }),
            0..4,
        ),
    )
        .prop_map(|(mode, zoom)| FlameSettings { mode, zoom });
    (any::<bool>(), stats, flame)
}

fn file_ref() -> impl Strategy<Value = FileRef> {
    ("[ -~ü.]{1,16}", any::<u64>(), any::<u64>()).prop_map(|(name, bytes, fingerprint)| FileRef {
        name,
        bytes,
        fingerprint,
    })
}

fn url() -> impl Strategy<Value = String> {
    ("(http|https)", "[a-z0-9.-]{1,12}", "[ -~ü]{0,20}")
        .prop_map(|(s, h, p)| format!("{s}://{h}/{p}"))
}

/// Every comparison field: baseline URLs and files, key, tolerance (floors below 2^53 ns,
/// which every unit writes exactly), picks, tab, selection side.
fn compare_view() -> impl Strategy<Value = CompareView> {
    let key = prop::option::of(prop_oneof![
        Just(CompareKey::DataId),
        Just(CompareKey::Path),
        "[ -~ü]{1,12}".prop_map(CompareKey::Attr),
    ]);
    let tolerance = prop::option::of((any::<u32>(), 0i64..(1i64 << 53)).prop_map(
        |(percent_hundredths, floor)| ToleranceSpec {
            percent_hundredths,
            floor: skein::model::DurationNs(floor),
        },
    ));
    let traces = || prop::collection::vec(any::<u128>().prop_map(TraceId), 0..3);
    (
        prop::collection::vec(url(), 0..3),
        prop::collection::vec(file_ref(), 0..2),
        (key, tolerance, traces(), traces()),
        prop::sample::select(CompareTab::ALL.to_vec()),
        any::<bool>(),
    )
        .prop_map(
            |(baseline, baseline_files, (key, tolerance, a_traces, b_traces), tab, side)| {
                CompareView {
                    baseline,
                    baseline_files,
                    settings: CompareSettings {
                        key,
                        tolerance,
                        a_traces,
                        b_traces,
                    },
                    tab,
                    selected_in_baseline: side,
                }
            },
        )
}

/// An MLflow link: a server, experiment ids, `tr-<hex>` trace ids.
fn mlflow_link() -> impl Strategy<Value = Option<MlflowLink>> {
    prop::option::of(
        (
            "(http|https)://[a-z0-9.-]{1,12}(:[0-9]{1,5})?(/[a-z]{1,6})?",
            prop::collection::vec("[0-9]{1,4}", 0..3),
            prop::collection::vec("tr-[0-9a-f]{32}", 0..3),
        )
            .prop_map(|(server, experiments, traces)| MlflowLink {
                server,
                experiments,
                traces,
            }),
    )
}

fn view_state() -> impl Strategy<Value = ViewState> {
    (
        base_view_state(),
        analysis_views(),
        prop::option::of(prop::sample::select(Theme::ALL.to_vec())),
    )
        .prop_map(|(v, (filter, stats, flame), theme)| ViewState {
            filter,
            stats,
            flame,
            theme,
            ..v
        })
}

fn base_view_state() -> impl Strategy<Value = ViewState> {
    (
        prop::collection::vec(url(), 0..3),
        prop::collection::vec(file_ref(), 0..3),
        prop::sample::select(ActiveView::ALL.to_vec()),
        prop::option::of(
            (any::<i64>(), 1i64..i64::MAX).prop_map(|(a, len)| TimeWindow {
                start_ns: a / 2,
                end_ns: a / 2 + len / 2 + 1,
            }),
        ),
        (
            prop::option::of(span_id()),
            prop::option::of(any::<u128>().prop_map(TraceId)),
        ),
        (any::<bool>(), prop::collection::btree_set(span_id(), 0..4)).prop_map(
            |(all_collapsed, toggled)| Expansion {
                all_collapsed,
                toggled,
            },
        ),
        "[ -~ü&=#%+]{0,24}",
        any::<bool>(),
        prop::sample::select(vec![ColorMode::SpanType, ColorMode::Service]),
        prop::option::of(prop::sample::select(Panel::ALL.to_vec())),
        prop::option::of(any::<bool>()),
        (
            any::<bool>(),
            compare_view(),
            mlflow_link(),
            prop::option::of(prop::sample::select(LaneMode::ALL.to_vec())),
            prop::option::of(1u32..=86_400),
        ),
    )
        .prop_map(
            |(
                sources,
                files,
                view,
                window,
                (selected, selected_trace),
                expansion,
                search,
                critical_path,
                color,
                panel,
                align,
                (follow, compare, mlflow, lanes, timeout_s),
            )| ViewState {
                sources,
                files,
                view,
                window,
                selected,
                selected_trace,
                expansion,
                search,
                critical_path,
                color,
                panel,
                align,
                follow,
                compare,
                mlflow,
                lanes,
                timeout_s,
                ..ViewState::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn every_field_round_trips(v in view_state()) {
        let text = v.to_string();
        let p = parse(&text);
        prop_assert!(p.notes.is_empty(), "{:?} from {}", p.notes, text);
        prop_assert_eq!(p.state, v);
    }

    #[test]
    fn a_bad_field_drops_only_itself(v in view_state(), which in 0usize..29, garbage in "[a-z!~]{1,6}") {
        let text = v.to_string();
        let (key, value) = [("t", garbage.clone()), ("span", format!("zz{garbage}")), ("view", format!("x{garbage}")), ("cp", format!("x{garbage}")),
            ("fold", format!("x{garbage}")), ("toggle", format!("!{garbage}")), ("url", format!("javascript:{garbage}")),
            ("color", format!("x{garbage}")), ("panel", format!("x{garbage}")), ("follow", format!("x{garbage}")),
            ("trace", format!("z!{garbage}")), ("filter", format!("x{garbage}")), ("scope", format!("x{garbage}")),
            ("group", format!("x{garbage}")), ("sub", format!("x{garbage}")), ("sort", format!("x{garbage}")),
            ("heat", format!("x{garbage}")), ("flame", format!("x{garbage}")), ("box", format!("x{garbage}")),
            ("vs", format!("javascript:{garbage}")), ("vsfile", garbage.clone()),
            ("key", format!("x{garbage}")), ("tol", format!("x{garbage}")), ("atrace", format!("zz{garbage}")),
            ("ctab", format!("x{garbage}")), ("spanin", format!("x{garbage}")),
            ("theme", format!("x{garbage}")), ("lanes", format!("x{garbage}")), ("timeout", format!("-{garbage}"))][which].clone();
        let p = parse(&format!("{text}&{key}={value}"));
        prop_assert_eq!(p.notes.len(), 1, "{:?}", p.notes);
        // everything else is as written
        let want = v.clone();
        let mut got = p.state.clone();
        if key == "t" { got.window = want.window; }
        if key == "span" { got.selected = want.selected; }
        if key == "trace" { got.selected_trace = want.selected_trace; }
        if key == "toggle" { got.expansion.toggled = want.expansion.toggled.clone(); }
        prop_assert_eq!(got, want);
    }
}

#[test]
fn follow_is_a_flag_of_its_own() {
    // `skein open --follow` writes `&follow=1` after the `url=` sources
    let p = parse("?url=http%3A%2F%2F127.0.0.1%3A8080%2Ff%2F0%2Frun.json&follow=1");
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    assert!(p.state.follow);
    assert_eq!(p.state.sources, ["http://127.0.0.1:8080/f/0/run.json"]);
    assert!(!parse("?follow=0").state.follow);
    assert!(!ViewState::default().to_string().contains("follow"));
}

#[test]
fn timeout_is_whole_seconds_from_one_to_a_day() {
    assert_eq!(parse("?timeout=5").state.timeout_s, Some(5));
    assert_eq!(parse("?timeout=86400").state.timeout_s, Some(86_400));
    for bad in ["0", "86401", "2.5", "-1", "soon"] {
        let p = parse(&format!("?timeout={bad}"));
        assert_eq!(p.state.timeout_s, None, "{bad}");
        assert_eq!(p.notes.len(), 1, "{bad}: {:?}", p.notes);
    }
    assert!(!ViewState::default().to_string().contains("timeout"));
    let v = ViewState {
        timeout_s: Some(120),
        ..ViewState::default()
    };
    assert!(v.to_string().ends_with("&timeout=120"));
}

#[test]
fn version_0_links_still_parse() {
    // the issue-2 form: no v=, only url= and span=
    let p = parse("?url=http%3A%2F%2F127.0.0.1%3A9000%2Fspans.jsonl&span=aca917d13b2d6950");
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    assert_eq!(p.state.sources, ["http://127.0.0.1:9000/spans.jsonl"]);
    assert_eq!(p.state.selected, SpanId::parse_hex("aca917d13b2d6950"));
}

#[test]
fn a_newer_schema_version_is_read_field_by_field() {
    let p = parse("?v=9&span=aca917d13b2d6950&future=1");
    assert_eq!(p.state.selected, SpanId::parse_hex("aca917d13b2d6950"));
    assert_eq!(p.notes.len(), 2);
}

#[test]
fn the_theme_is_written_only_when_picked() {
    // absent = follow the system setting; each pick reads back as itself
    assert!(!ViewState::default().to_string().contains("theme"));
    assert_eq!(parse("?theme=dark").state.theme, Some(Theme::Dark));
    assert_eq!(parse("?theme=light").state.theme, Some(Theme::Light));
    let p = parse("?theme=system");
    assert_eq!((p.state.theme, p.notes.len()), (None, 1));
}

#[test]
fn lanes_is_a_field_of_its_own() {
    let p = parse("?lanes=service");
    assert!(p.notes.is_empty(), "{:?}", p.notes);
    assert_eq!(p.state.lanes, Some(LaneMode::Service));
    assert_eq!(parse("?lanes=off").state.lanes, Some(LaneMode::Off));
    // absent: decided by the data; a bad value is said and dropped
    assert_eq!(parse("?v=1").state.lanes, None);
    let bad = parse("?lanes=tracks");
    assert_eq!((bad.state.lanes, bad.notes.len()), (None, 1));
}
