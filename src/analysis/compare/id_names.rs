//! Span names that look like they carry ids (`GET /users/48213377`, `job 9f3a62c1e0`): every run
//! then has names of its own, which defeats any name-based matching, so the comparison warns.
//! A name carries an id when it has a run of at least 6 decimal digits, or of at least 8 hex
//! digits mixing digits and letters (a plain word like `deadbeef` or `facade` is not an id).

use super::side::Side;
use rustc_hash::FxHashSet;

/// Shortest run of decimal digits taken for an id.
pub const MIN_DIGITS: usize = 6;
/// Shortest run of hex digits (with at least one digit and one letter) taken for an id.
pub const MIN_HEX: usize = 8;

/// True when `name` has a digit or hex run long enough to be an id.
pub fn carries_id(name: &str) -> bool {
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_hexdigit() {
            i += 1;
            continue;
        }
        let start = i;
        let (mut digits, mut letters, mut longest_digits, mut run) = (0, 0, 0, 0);
        while i < b.len() && b[i].is_ascii_hexdigit() {
            if b[i].is_ascii_digit() {
                digits += 1;
                run += 1;
                longest_digits = longest_digits.max(run);
            } else {
                letters += 1;
                run = 0;
            }
            i += 1;
        }
        let len = i - start;
        if longest_digits >= MIN_DIGITS || (len >= MIN_HEX && digits > 0 && letters > 0) {
            return true;
        }
    }
    false
}

/// Distinct span names of `side` that carry ids, sorted.
pub fn names_with_ids(side: &Side) -> Vec<String> {
    let trace = side.trace();
    let mut seen = FxHashSet::default();
    let mut out: Vec<String> = Vec::new();
    for s in side.spans() {
        let name = trace.span(s).name;
        if seen.insert(name) && carries_id(trace.text(name)) {
            out.push(trace.text(name).to_string());
        }
    }
    out.sort();
    out
}

/// A warning for one side's names that carry ids (`None` when there are none): how many, and
/// up to three of them.
pub fn warning(side_label: &str, names: &[String]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
    Some(format!(
        "{side_label}: {} span name(s) look like they carry ids ({}{}); spans with such names cannot be matched by name",
        names.len(),
        shown.join(", "),
        if names.len() > 3 { ", ..." } else { "" }
    ))
}

#[cfg(test)]
mod tests {
    use super::carries_id;

    #[test]
    fn ids_in_names_are_found_and_words_are_not() {
        for name in [
            "GET /users/48213377",
            "job 9f3a62c1e0",
            "run-2f1b7c9e-1111",
            "tsk-0000001",
        ] {
            assert!(carries_id(name), "{name}");
        }
        for name in [
            "task",
            "generation",
            "dump to storage",
            "deadbeef cafe",
            "step 12345",
            "GET /v2/items",
            "facade",
        ] {
            assert!(!carries_id(name), "{name}");
        }
    }
}
