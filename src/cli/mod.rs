//! The native command line: one subcommand per file, each a thin adapter from arguments and
//! files to core calls. Exit codes: 0 done, 1 an input could not be read, 2 bad usage.

mod analyze;
mod diff;
mod http;
mod input;
mod open;
mod serve;
mod stats;

const USAGE: &str = "usage: skein <command> [options]\n\n\
    commands:\n  \
    analyze <files...> [--format json|text]   FlowMesh-compatible analysis (ProfileSummary JSON or a report)\n  \
    diff <B files...> --vs <A files...> [--format json|text] [--key data-id|path|attr:KEY]\n    \
         [--tolerance 25%,1ms] [--a-trace ID]... [--b-trace ID]...\n    \
         compare run B with baseline A (several trace ids in A: a baseline set; without --vs,\n    \
         A and B are picked by trace id from the same files)\n  \
    stats <files...> [--group name|service|type|attr:KEY] [--subgroup G] [--query Q]\n    \
    [--sort COLUMN] [--format json|text]      statistics per group (count, total, self, p50, p95, ...)\n  \
    open <files or folders...> [--port N] [--no-browser] [--follow] [--app DIR]\n      \
    serve the app and these files on 127.0.0.1 and open the browser on them (--follow: as they grow)\n\n\
    Files may be any trace format Skein reads (.gz too); problems with the input go to stderr.";

/// Runs the CLI on its arguments (without the program name); returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    let mut it = args.into_iter();
    let command = it.next();
    let rest: Vec<String> = it.collect();
    match command.as_deref() {
        Some("analyze") => analyze::run(rest),
        Some("diff") => diff::run(rest),
        Some("stats") => stats::run(rest),
        Some("open") => open::run(rest),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            0
        }
        _ => usage_error(),
    }
}

/// Prints the usage to stderr; returns the exit code for bad usage.
fn usage_error() -> i32 {
    eprintln!("{USAGE}");
    2
}

/// Splits `--name value` / `--name=value` options from positional arguments. `flags` names the
/// options that take no value. An option given twice keeps every value, in order.
pub(crate) struct Args {
    /// Positional arguments, in order.
    pub positional: Vec<String>,
    /// `(name without dashes, value)` pairs, in order.
    pub options: Vec<(String, String)>,
}

impl Args {
    /// Parses `args`; `Err` names the option that lacks its value.
    pub fn parse(args: Vec<String>, flags: &[&str]) -> Result<Args, String> {
        let mut out = Args {
            positional: Vec::new(),
            options: Vec::new(),
        };
        let mut it = args.into_iter();
        while let Some(a) = it.next() {
            let Some(name) = a.strip_prefix("--") else {
                out.positional.push(a);
                continue;
            };
            if let Some((n, v)) = name.split_once('=') {
                out.options.push((n.to_string(), v.to_string()));
            } else if flags.contains(&name) {
                out.options.push((name.to_string(), String::new()));
            } else {
                let value = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                out.options.push((name.to_string(), value));
            }
        }
        Ok(out)
    }

    /// The last value of option `name`.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.options
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// True when option `name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|(n, _)| n == name)
    }

    /// Names of options not in `known`, for a usage error.
    pub fn unknown(&self, known: &[&str]) -> Vec<String> {
        self.options
            .iter()
            .filter(|(n, _)| !known.contains(&n.as_str()))
            .map(|(n, _)| format!("--{n}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Args;

    #[test]
    fn options_and_positionals_are_split() {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let a = Args::parse(
            v(&[
                "a.jsonl",
                "--format",
                "text",
                "--vs=b.jsonl",
                "--follow",
                "c",
            ]),
            &["follow"],
        )
        .unwrap();
        assert_eq!(a.positional, v(&["a.jsonl", "c"]));
        assert_eq!(a.value("format"), Some("text"));
        assert_eq!(a.value("vs"), Some("b.jsonl"));
        assert!(a.has("follow"));
        assert_eq!(a.unknown(&["format", "vs"]), v(&["--follow"]));
        assert!(Args::parse(v(&["--format"]), &[]).is_err());
    }
}
