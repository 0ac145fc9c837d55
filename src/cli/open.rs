//! `skein open <files or folders...> [--port N] [--no-browser] [--follow] [--app DIR]`: serves
//! the app and the given files on 127.0.0.1 (`serve`) and opens the browser on a link that loads
//! them (`?url=...` per file, `&follow=1` with `--follow`), or prints it. The link is written by
//! `view_state::url`, the one URL schema. Invariant: only the app folder and the given files and
//! folders are served, on the loopback interface only.

use super::http::serve;
use super::serve::{answer, Mount, Site};
use super::{usage_error, Args};
use skein::view_state::ViewState;
use std::path::{Path, PathBuf};

/// Runs `skein open`; returns the exit code (it serves until killed).
pub fn run(args: Vec<String>) -> i32 {
    let Ok(args) = Args::parse(args, &["no-browser", "follow", "help"]) else {
        return usage_error();
    };
    if args.has("help") {
        println!("{}", super::USAGE);
        return 0;
    }
    if !args
        .unknown(&["port", "no-browser", "follow", "app"])
        .is_empty()
    {
        return usage_error();
    }
    let Ok(port) = args.value("port").unwrap_or("0").parse::<u16>() else {
        return usage_error();
    };
    let app = match app_dir(args.value("app")) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("skein open: {e}");
            return 1;
        }
    };
    let mut mounts = Vec::new();
    for p in &args.positional {
        match mount(p) {
            Ok(m) => mounts.push(m),
            Err(e) => {
                eprintln!("skein open: {p}: {e}");
                return 1;
            }
        }
    }
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("skein open: cannot listen on 127.0.0.1:{port}: {e}");
            return 1;
        }
    };
    let port = listener.local_addr().map_or(port, |a| a.port());
    let base = format!("http://127.0.0.1:{port}");
    let sources: Vec<String> = mounts
        .iter()
        .enumerate()
        .flat_map(|(k, m)| file_urls(&base, k, m))
        .collect();
    let link = ViewState {
        sources,
        follow: args.has("follow"),
        ..ViewState::default()
    };
    let url = format!("{base}/{link}");
    println!(
        "skein: serving {} on {base}/ (Ctrl-C stops it)",
        describe(&mounts)
    );
    println!("skein: open {url}");
    if !args.has("no-browser") {
        if let Err(e) = open_browser(&url) {
            eprintln!("skein open: could not start a browser ({e}); open the link above");
        }
    }
    let site = Site { app, mounts, port };
    serve(listener, &|req| answer(&site, req));
    0
}

/// The app build: `--app`, else `$SKEIN_APP_DIR`, else `dist/` beside the crate's manifest.
fn app_dir(given: Option<&str>) -> Result<PathBuf, String> {
    let dir = given
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("SKEIN_APP_DIR").map(PathBuf::from))
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"));
    if !dir.join("index.html").is_file() {
        return Err(format!(
            "no app build in {} (no index.html). Build one with `trunk build --release` \
             (it writes dist/), or name a build folder with --app DIR or SKEIN_APP_DIR",
            dir.display()
        ));
    }
    dir.canonicalize()
        .map_err(|e| format!("{}: {e}", dir.display()))
}

fn mount(given: &str) -> Result<Mount, String> {
    let path = Path::new(given).canonicalize().map_err(|e| e.to_string())?;
    if path.is_dir() {
        return Ok(Mount::Folder { root: path });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or("not a file or folder")?;
    Ok(Mount::File { path, name })
}

/// Files of a folder, recursively, sorted, skipping hidden ones and any that lead outside it.
fn folder_files(root: &Path, dir: &Path, out: &mut Vec<Vec<String>>, prefix: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut names: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(n, _)| !n.starts_with('.'))
        .collect();
    names.sort();
    for (name, path) in names {
        let Ok(real) = path.canonicalize() else {
            continue;
        };
        if !real.starts_with(root) {
            eprintln!(
                "skein open: {} leads outside {}; not served",
                path.display(),
                root.display()
            );
            continue;
        }
        let mut segs = prefix.to_vec();
        segs.push(name);
        if real.is_dir() {
            folder_files(root, &path, out, &segs);
        } else if real.is_file() {
            out.push(segs);
        }
    }
}

fn encode(seg: &str) -> String {
    percent_encoding::utf8_percent_encode(seg, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%2E", ".")
        .replace("%2D", "-")
        .replace("%5F", "_")
}

/// The URLs the page loads for one mount.
fn file_urls(base: &str, k: usize, m: &Mount) -> Vec<String> {
    match m {
        Mount::File { name, .. } => vec![format!("{base}/f/{k}/{}", encode(name))],
        Mount::Folder { root } => {
            let mut files = Vec::new();
            folder_files(root, root, &mut files, &[]);
            files
                .iter()
                .map(|segs| {
                    let path: Vec<String> = segs.iter().map(|s| encode(s)).collect();
                    format!("{base}/f/{k}/{}", path.join("/"))
                })
                .collect()
        }
    }
}

fn describe(mounts: &[Mount]) -> String {
    let names: Vec<String> = mounts
        .iter()
        .map(|m| match m {
            Mount::File { path, .. } | Mount::Folder { root: path } => path.display().to_string(),
        })
        .collect();
    if names.is_empty() {
        "the app".into()
    } else {
        names.join(", ")
    }
}

fn open_browser(url: &str) -> std::io::Result<()> {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
}
