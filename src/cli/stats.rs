//! `skein stats <files...> [--group G] [--subgroup G] [--query Q] [--sort COLUMN] [--format
//! json|text]`: the statistics table of the browser's statistics view, from the same core
//! calls on the same critical path (the one the timeline draws), as a JSON list of rows or a
//! text table.

use super::{input::read_trace, usage_error, Args};
use serde_json::{json, Value};
use skein::analysis::flowmesh::analyze;
use skein::analysis::llm::format_cost;
use skein::analysis::span_critical_path::{workflow_critical_path, Rules};
use skein::analysis::stats::{statistics, Column, GroupBy, Statistics, StatsRow, StatsSpec};
use skein::model::{DurationNs, Trace};
use skein::query::{Query, QueryContext, QueryError};

const OPTIONS: [&str; 5] = ["group", "subgroup", "query", "sort", "format"];

/// Runs `skein stats`; returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let Ok(args) = Args::parse(args, &["help"]) else {
        return usage_error();
    };
    if args.has("help") {
        println!("{}", super::USAGE);
        return 0;
    }
    let format = args.value("format").unwrap_or("json");
    let group = GroupBy::parse(args.value("group").unwrap_or("name"));
    let subgroup = args.value("subgroup").map(GroupBy::parse);
    let sort = Column::from_token(args.value("sort").unwrap_or("total"));
    let (Some(group), Some(sort)) = (group, sort) else {
        return usage_error();
    };
    if args.positional.is_empty()
        || !matches!(format, "json" | "text")
        || subgroup.as_ref().is_some_and(Option::is_none)
        || !args.unknown(&OPTIONS).is_empty()
    {
        return usage_error();
    }
    let query_text = args.value("query").unwrap_or("");
    let query = match Query::parse(query_text) {
        Ok(q) => q,
        Err(e) => {
            eprintln!("{}", query_error(query_text, &e));
            return 2;
        }
    };
    let trace = match read_trace(&args.positional) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("skein: {e}");
            return 1;
        }
    };
    for d in trace.diagnostics() {
        eprintln!("skein: {d}");
    }
    let critical = workflow_critical_path(&trace, &analyze(&trace), Rules::fixed());
    let matches = query.matches(&QueryContext::new(&trace, &critical));
    let spec = StatsSpec {
        group,
        subgroup: subgroup.flatten(),
    };
    let scope = (!query.is_empty()).then_some(&matches);
    let mut table = statistics(&trace, &spec, scope, &critical);
    table.sort_by(sort, sort != Column::Group);
    if format == "json" {
        let rows: Vec<Value> = table.rows.iter().map(|r| row_json(&trace, r)).collect();
        println!("{}", Value::Array(rows));
    } else {
        print!("{}", text_table(&table));
    }
    0
}

/// The query, a caret line under the bytes at fault, and the reason.
fn query_error(text: &str, e: &QueryError) -> String {
    let pad = text[..e.at.start].chars().count();
    let width = text[e.at.clone()].chars().count().max(1);
    format!(
        "skein: the query does not parse\n  {text}\n  {}{}\n  {}",
        " ".repeat(pad),
        "^".repeat(width),
        e.reason
    )
}

fn secs(ns: i64) -> f64 {
    DurationNs(ns).as_secs_f64()
}

/// One row as JSON: seconds for reading, the same in integer ns for exact comparison.
fn row_json(trace: &Trace, r: &StatsRow) -> Value {
    let mut v = json!({
        "group": r.label(),
        "lacks_key": r.group.is_none(),
        "count": r.count,
        "total_seconds": secs(r.total_ns),
        "self_seconds": secs(r.self_ns),
        "self_percent": r.self_percent(),
        "avg_seconds": secs(r.avg_ns),
        "min_seconds": secs(r.min_ns),
        "p50_seconds": secs(r.p50_ns),
        "p95_seconds": secs(r.p95_ns),
        "max_seconds": secs(r.max_ns),
        "errors": r.errors,
        "critical_seconds": secs(r.critical_ns),
        "tokens_in": r.tokens_in,
        "tokens_out": r.tokens_out,
        "cost": r.cost,
        "total_ns": r.total_ns,
        "self_ns": r.self_ns,
        "min_ns": r.min_ns,
        "avg_ns": r.avg_ns,
        "p50_ns": r.p50_ns,
        "p95_ns": r.p95_ns,
        "max_ns": r.max_ns,
        "critical_ns": r.critical_ns,
        "slowest_span_id": r.slowest.map(|s| trace.span(s).span_id.to_string()),
    });
    if !r.subgroups.is_empty() {
        v["subgroups"] = r.subgroups.iter().map(|s| row_json(trace, s)).collect();
    }
    v
}

/// The table as aligned text columns (tokens and cost only when something reports usage).
fn text_table(table: &Statistics) -> String {
    let usage = table.total.tokens_in + table.total.tokens_out > 0 || table.total.cost > 0.0;
    let mut head = vec![
        "group", "count", "total", "self", "self %", "avg", "p50", "p95", "max", "errors",
        "critical",
    ];
    if usage {
        head.extend(["tokens in", "tokens out", "cost"]);
    }
    let mut lines: Vec<Vec<String>> = vec![head.iter().map(|h| h.to_string()).collect()];
    let cells = |r: &StatsRow, indent: &str| {
        let d = |ns: i64| DurationNs(ns).to_string();
        let mut c = vec![
            format!("{indent}{}", r.label()),
            r.count.to_string(),
            d(r.total_ns),
            d(r.self_ns),
            format!("{:.1}", r.self_percent()),
            d(r.avg_ns),
            d(r.p50_ns),
            d(r.p95_ns),
            d(r.max_ns),
            r.errors.to_string(),
            d(r.critical_ns),
        ];
        if usage {
            c.extend([
                r.tokens_in.to_string(),
                r.tokens_out.to_string(),
                format_cost(r.cost),
            ]);
        }
        c
    };
    for r in &table.rows {
        lines.push(cells(r, ""));
        lines.extend(r.subgroups.iter().map(|s| cells(s, "  ")));
    }
    let mut total = cells(&table.total, "");
    total[0] = "(all)".into();
    lines.push(total);
    let widths: Vec<usize> = (0..lines[0].len())
        .map(|k| {
            lines
                .iter()
                .map(|l| l[k].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for l in &lines {
        let row: Vec<String> = l
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let pad = widths[k] - c.chars().count();
                if k == 0 {
                    format!("{c}{}", " ".repeat(pad))
                } else {
                    format!("{}{c}", " ".repeat(pad))
                }
            })
            .collect();
        out.push_str(row.join("  ").trim_end());
        out.push('\n');
    }
    out
}
