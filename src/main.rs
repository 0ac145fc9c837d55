//! Entry point. In the browser (wasm32 with feature `web`) it mounts the app; natively it is
//! the command line: `skein analyze <files...> [--format json|text]`, from the same core.

#[cfg(all(target_arch = "wasm32", feature = "web"))]
fn main() {
    skein::ui::mount();
}

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
fn main() {
    std::process::exit(cli::run(std::env::args().skip(1).collect()));
}

#[cfg(not(all(target_arch = "wasm32", feature = "web")))]
mod cli {
    use skein::analysis::{flowmesh::analyze, profile_json::profile_json, report::text_report};

    const USAGE: &str = "usage: skein analyze <files...> [--format json|text]\n\n\
        Reads trace files (OTel SDK JSONL, console exporter output, FlowMesh lineage/assets, .gz too)\n\
        and prints the FlowMesh-compatible analysis: JSON (FlowMesh's ProfileSummary shape, the\n\
        default) or a readable text report. Problems with the input go to stderr.";

    /// Runs the CLI; returns the exit code.
    pub fn run(args: Vec<String>) -> i32 {
        let mut files = Vec::new();
        let mut format = "json".to_string();
        let mut it = args.into_iter();
        match it.next().as_deref() {
            Some("analyze") => {}
            Some("-h" | "--help") => {
                println!("{USAGE}");
                return 0;
            }
            _ => {
                eprintln!("{USAGE}");
                return 2;
            }
        }
        while let Some(a) = it.next() {
            match a.as_str() {
                "--format" => format = it.next().unwrap_or_default(),
                f if f.starts_with("--format=") => format = f["--format=".len()..].to_string(),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    return 0;
                }
                _ => files.push(a),
            }
        }
        if files.is_empty() || !matches!(format.as_str(), "json" | "text") {
            eprintln!("{USAGE}");
            return 2;
        }
        let mut session = skein::ingest::Session::new();
        for path in &files {
            let name = std::path::Path::new(path).file_name().map_or(path.clone(), |n| n.to_string_lossy().into_owned());
            match std::fs::File::open(path) {
                Ok(mut f) => {
                    let src = session.begin_source(&name);
                    let mut buf = vec![0u8; 1 << 20];
                    loop {
                        match std::io::Read::read(&mut f, &mut buf) {
                            Ok(0) => break,
                            Ok(n) => session.feed(src, &buf[..n]),
                            Err(e) => {
                                eprintln!("skein: {path}: {e}");
                                return 1;
                            }
                        }
                    }
                    session.end_source(src);
                }
                Err(e) => {
                    eprintln!("skein: {path}: {e}");
                    return 1;
                }
            }
        }
        let trace = session.finish();
        let analysis = analyze(&trace);
        if format == "json" {
            for d in trace.diagnostics.iter().chain(&analysis.diagnostics) {
                eprintln!("skein: {d}");
            }
            println!("{}", profile_json(&trace, &analysis));
        } else {
            print!("{}", text_report(&trace, &analysis));
        }
        0
    }
}
