//! The README's keyboard table is the command table: the rows under `| key | action |` are
//! exactly `layout::commands::help_rows()`, which the `?` overlay shows (tests/e2e/help.test.mjs
//! compares the overlay with this same README table).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use skein::layout::commands::help_rows;

#[test]
fn the_readme_key_table_is_the_command_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("| key | action |")
        .nth(1)
        .expect("the key table");
    let rows: Vec<(String, String)> = table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect();
    let want: Vec<(String, String)> = help_rows()
        .into_iter()
        .map(|(k, a)| (k.to_string(), a.to_string()))
        .collect();
    assert_eq!(rows, want);
}
