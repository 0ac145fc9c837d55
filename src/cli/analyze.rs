//! `skein analyze <files...> [--format json|text]`: the FlowMesh-compatible analysis, as
//! FlowMesh's `ProfileSummary` JSON (the default) or a readable report.

use super::{input::read_trace, usage_error, Args};
use skein::analysis::{flowmesh::analyze, profile_json::profile_json, report::text_report};

/// Runs `skein analyze`; returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let Ok(args) = Args::parse(args, &["help"]) else {
        return usage_error();
    };
    if args.has("help") {
        println!("{}", super::USAGE);
        return 0;
    }
    let format = args.value("format").unwrap_or("json");
    if args.positional.is_empty()
        || !matches!(format, "json" | "text")
        || !args.unknown(&["format"]).is_empty()
    {
        return usage_error();
    }
    let trace = match read_trace(&args.positional) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("skein: {e}");
            return 1;
        }
    };
    let analysis = analyze(&trace);
    if format == "json" {
        for d in trace.diagnostics().iter().chain(&analysis.diagnostics) {
            eprintln!("skein: {d}");
        }
        println!("{}", profile_json(&trace, &analysis));
    } else {
        print!("{}", text_report(&trace, &analysis));
    }
    0
}
