//! The architecture, checked by reading the source: dependencies point one way (DESIGN.md §1:
//! `model` <- `ingest`, `analysis`, `view_state` <- `layout` <- `ui`; the query language sits
//! between: `query` uses `model` and `analysis`, `layout` may use it), no file in `src/` is
//! over 500 lines, no function in `src/ui/` over 80, and components read the view state
//! through its per-field memos (only the state itself and the URL sync read it whole).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// Which top-level modules each core module may use (besides itself).
fn allowed(module: &str) -> &'static [&'static str] {
    match module {
        "model" => &[],
        "ingest" | "analysis" | "view_state" => &["model"],
        "query" => &["model", "analysis"],
        "layout" => &["model", "analysis", "view_state", "query"],
        _ => &[
            "model",
            "ingest",
            "analysis",
            "view_state",
            "query",
            "layout",
            "ui",
        ],
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under `src/` (`src/ingest/chrome/gather.rs` -> ingest, chrome,
/// gather; `mod.rs` names its folder).
fn module_path(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(SRC).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its `#[cfg(test)]` module (tests may use any module).
fn code(text: &str) -> &str {
    text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text)
}

/// The identifier at the start of `text`.
fn ident_at(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The top-level modules a file's code names: through `crate::x`, `crate::{x, y::..}` and
/// `super::` chains that climb out of its own top-level module.
fn modules_used(file: &Path, text: &str) -> BTreeSet<String> {
    let me = module_path(file);
    let mut out = BTreeSet::new();
    let bytes = code(text);
    let mut rest = bytes;
    while let Some(p) = rest.find("crate::") {
        rest = &rest[p + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut at_item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 1 => at_item_start = true,
                    c if (c.is_alphanumeric() || c == '_') && at_item_start && depth == 1 => {
                        out.insert(ident_at(&group[i..]));
                        at_item_start = false;
                    }
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        } else {
            out.insert(ident_at(rest));
        }
    }
    // `super::super::x` from depth d reaches the crate root after d climbs, then names x
    for (i, _) in bytes.match_indices("super::") {
        if bytes[..i].ends_with("super::") {
            continue; // counted from the first `super::` of the chain
        }
        let mut s = &bytes[i..];
        let mut climbs = 0;
        while let Some(r) = s.strip_prefix("super::") {
            s = r;
            climbs += 1;
        }
        // a file at module depth d reaches the crate root after d climbs
        if climbs >= me.len() {
            out.insert(ident_at(s));
        }
    }
    out
}

#[test]
fn dependencies_point_one_way() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let me = module_path(f);
        let Some(top) = me.first().cloned() else {
            continue;
        };
        let text = std::fs::read_to_string(f).unwrap();
        for used in modules_used(f, &text) {
            if used == top
                || ![
                    "model",
                    "ingest",
                    "analysis",
                    "view_state",
                    "query",
                    "layout",
                    "ui",
                ]
                .contains(&used.as_str())
            {
                continue;
            }
            if !allowed(&top).contains(&used.as_str()) {
                wrong.push(format!("{} uses {used}", f.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The checker itself: it sees each way a module can be named.
#[test]
fn the_checker_sees_every_way_to_name_a_module() {
    let f = Path::new(SRC).join("model/trace/index.rs");
    let found = modules_used(
        &f,
        "use crate::{layout::x, ui};\nuse crate::analysis::y;\nuse super::super::super::ingest::z;\nuse super::Trace;\n#[cfg(test)]\nmod tests { use crate::view_state::V; }",
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        ["analysis", "ingest", "layout", "ui"]
    );
}

#[test]
fn files_stay_short_and_ui_functions_shorter() {
    let mut files = Vec::new();
    rust_files(Path::new(SRC), &mut files);
    let mut long = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        if lines.len() > 500 {
            long.push(format!("{}: {} lines", f.display(), lines.len()));
        }
        if !f.starts_with(Path::new(SRC).join("ui")) {
            continue;
        }
        for (start, name, n) in functions(&lines) {
            if n > 80 {
                long.push(format!("{}:{start} fn {name}: {n} lines", f.display()));
            }
        }
    }
    assert!(long.is_empty(), "{long:#?}");
}

/// (first line, name, length in lines) of each `fn` with a body, by brace matching.
fn functions(lines: &[&str]) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(at) = t.find("fn ").filter(|&at| {
            let head = &t[..at];
            head.is_empty()
                || head
                    .trim_end()
                    .split(' ')
                    .all(|w| matches!(w, "pub" | "pub(super)" | "pub(crate)" | "async" | "const"))
        }) else {
            continue;
        };
        let name: String = t[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let (mut depth, mut started) = (0i32, false);
        for (j, l) in lines.iter().enumerate().skip(i) {
            for c in l.chars() {
                match c {
                    '{' => (depth, started) = (depth + 1, true),
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !started && l.trim_end().ends_with(';') {
                break;
            }
            if started && depth == 0 {
                out.push((i + 1, name.clone(), j - i + 1));
                break;
            }
        }
    }
    out
}

#[test]
fn components_read_the_view_state_by_field() {
    let mut files = Vec::new();
    rust_files(&Path::new(SRC).join("ui"), &mut files);
    let whole = [
        ".view.with(",
        ".view.get()",
        ".view.track()",
        ".view.read()",
    ];
    let mut reads = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        if name == "state.rs" || name == "url_sync.rs" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if whole.iter().any(|w| line.contains(w)) {
                reads.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        reads.is_empty(),
        "components track the whole view state: {reads:#?}"
    );
}
