//! `skein diff <B files...> --vs <A files...> [--format json|text] [--key data-id|path|attr:KEY]
//! [--tolerance 25%,1ms] [--a-trace ID]... [--b-trace ID]...`: compares run B with baseline A
//! (several trace ids in A make a baseline set). Without `--vs`, A and B are picked by trace id
//! from the same files.

use super::{input::read_trace, usage_error};
use skein::analysis::compare::{
    compare, json::comparison_json, report::comparison_report, side::Side, side::Sides, Options,
};
use skein::model::{Trace, TraceId, TraceIdx};

/// The parsed command line.
#[derive(Debug, Default, PartialEq)]
struct DiffArgs {
    b_files: Vec<String>,
    a_files: Vec<String>,
    has_vs: bool,
    format: Option<String>,
    key: Option<String>,
    tolerance: Option<String>,
    a_traces: Vec<String>,
    b_traces: Vec<String>,
    help: bool,
}

/// Splits the arguments: files after `--vs` (until the next option) are A's, the others B's.
fn parse(args: Vec<String>) -> Result<DiffArgs, String> {
    let mut out = DiffArgs::default();
    let mut in_vs = false;
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let Some(name) = arg.strip_prefix("--") else {
            if in_vs {
                out.a_files.push(arg);
            } else {
                out.b_files.push(arg);
            }
            continue;
        };
        let (name, inline) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (name.to_string(), None),
        };
        in_vs = false;
        match name.as_str() {
            "help" => out.help = true,
            "vs" => {
                out.has_vs = true;
                match inline {
                    Some(v) => out.a_files.push(v),
                    None => in_vs = true,
                }
            }
            "format" | "key" | "tolerance" | "a-trace" | "b-trace" => {
                let value = match inline {
                    Some(v) => v,
                    None => it.next().ok_or_else(|| format!("--{name} needs a value"))?,
                };
                match name.as_str() {
                    "format" => out.format = Some(value),
                    "key" => out.key = Some(value),
                    "tolerance" => out.tolerance = Some(value),
                    "a-trace" => out.a_traces.push(value),
                    _ => out.b_traces.push(value),
                }
            }
            _ => return Err(format!("unknown option --{name}")),
        }
    }
    Ok(out)
}

/// The side of `trace` holding the trace ids `ids` (all of it when none are given).
fn side<'t>(trace: &'t Trace, ids: &[String], label: &str) -> Result<Side<'t>, String> {
    if ids.is_empty() {
        return Ok(Side::whole(trace));
    }
    let mut picked: Vec<TraceIdx> = Vec::new();
    for id in ids {
        let t = TraceId::from_external(id)
            .and_then(|t| trace.trace_index(t))
            .ok_or_else(|| format!("{label}: no trace with id {id}"))?;
        picked.push(t);
    }
    Ok(Side::of_traces(trace, &picked))
}

/// Runs `skein diff`; returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let args = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("skein: {e}");
            return usage_error();
        }
    };
    if args.help {
        println!("{}", super::USAGE);
        return 0;
    }
    let format = args.format.as_deref().unwrap_or("json");
    let key = match args.key.as_deref().map(str::parse).transpose() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("skein: {e}");
            return usage_error();
        }
    };
    let tolerance = match args.tolerance.as_deref().map(str::parse).transpose() {
        Ok(t) => t.unwrap_or_default(),
        Err(e) => {
            eprintln!("skein: --tolerance: {e}");
            return usage_error();
        }
    };
    let picks_in_one_load = !args.has_vs && !args.a_traces.is_empty();
    if args.b_files.is_empty()
        || !matches!(format, "json" | "text")
        || (args.has_vs && args.a_files.is_empty())
        || (!args.has_vs && !picks_in_one_load)
    {
        return usage_error();
    }
    let read = |files: &[String], label: &str| match read_trace(files) {
        Ok(t) => {
            for d in t.diagnostics() {
                eprintln!("skein: {label}: {d}");
            }
            Ok(t)
        }
        Err(e) => {
            eprintln!("skein: {e}");
            Err(1)
        }
    };
    let Ok(b_trace) = read(&args.b_files, "B") else {
        return 1;
    };
    let a_trace = if args.has_vs {
        match read(&args.a_files, "A") {
            Ok(t) => Some(t),
            Err(code) => return code,
        }
    } else {
        None
    };
    let a_of = a_trace.as_ref().unwrap_or(&b_trace);
    let sides = match (
        side(a_of, &args.a_traces, "A"),
        side(&b_trace, &args.b_traces, "B"),
    ) {
        (Ok(a), Ok(b)) => Sides { a, b },
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("skein: {e}");
            return 2;
        }
    };
    let c = compare(&sides, &Options { key, tolerance });
    if format == "json" {
        for w in &c.warnings {
            eprintln!("skein: warning: {w}");
        }
        println!("{}", comparison_json(&c));
    } else {
        print!("{}", comparison_report(&c));
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn files_after_vs_are_the_baseline() {
        let a = parse(v(&[
            "b1.jsonl",
            "b2.jsonl",
            "--vs",
            "a1.jsonl",
            "a2.jsonl",
            "--key",
            "path",
            "b3.jsonl",
            "--vs=a3.jsonl",
            "--tolerance=10%,2ms",
        ]))
        .unwrap();
        assert_eq!(a.b_files, v(&["b1.jsonl", "b2.jsonl", "b3.jsonl"]));
        assert_eq!(a.a_files, v(&["a1.jsonl", "a2.jsonl", "a3.jsonl"]));
        assert_eq!(a.key.as_deref(), Some("path"));
        assert_eq!(a.tolerance.as_deref(), Some("10%,2ms"));
        assert!(a.has_vs);
        assert!(parse(v(&["b", "--key"])).is_err());
        assert!(parse(v(&["b", "--frobnicate", "x"])).is_err());
    }
}
