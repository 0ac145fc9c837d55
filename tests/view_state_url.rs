//! The view state's URL form: every field round-trips over generated states; each field's bad
//! values drop only that field; links of the previous schema version still parse.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use proptest::prelude::*;
use skein::model::{SpanId, TraceId};
use skein::view_state::url::parse;
use skein::view_state::{ActiveView, ColorMode, Expansion, FileRef, Panel, TimeWindow, ViewState};

fn span_id() -> impl Strategy<Value = SpanId> {
    (1u64..=u64::MAX).prop_map(SpanId)
}

fn view_state() -> impl Strategy<Value = ViewState> {
    (
        prop::collection::vec(
            ("(http|https)", "[a-z0-9.-]{1,12}", "[ -~ü]{0,20}")
                .prop_map(|(s, h, p)| format!("{s}://{h}/{p}")),
            0..3,
        ),
        prop::collection::vec(
            ("[ -~ü.]{1,16}", any::<u64>(), any::<u64>()).prop_map(|(name, bytes, fingerprint)| {
                FileRef {
                    name,
                    bytes,
                    fingerprint,
                }
            }),
            0..3,
        ),
        prop::sample::select(vec![
            ActiveView::Timeline,
            ActiveView::Dag,
            ActiveView::Analysis,
        ]),
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
        (any::<bool>(), prop::option::of(1u32..=86_400)),
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
                (follow, timeout_s),
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
                timeout_s,
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
    fn a_bad_field_drops_only_itself(v in view_state(), which in 0usize..12, garbage in "[a-z!~]{1,6}") {
        let text = v.to_string();
        let (key, value) = [("t", garbage.clone()), ("span", format!("zz{garbage}")), ("view", format!("x{garbage}")), ("cp", format!("x{garbage}")),
            ("fold", format!("x{garbage}")), ("toggle", format!("!{garbage}")), ("url", format!("javascript:{garbage}")),
            ("color", format!("x{garbage}")), ("panel", format!("x{garbage}")), ("follow", format!("x{garbage}")),
            ("trace", format!("zz{garbage}")), ("timeout", format!("-{garbage}"))][which].clone();
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
