//! `skein open` end to end: the native binary serving a scratch app folder, one file and one
//! folder on a free port of 127.0.0.1, spoken to over plain TCP (so paths like `/f/1/../x` reach
//! the server as written, which HTTP clients would normalise away).
//!
//! ```text
//! <tmp>/app/index.html            served at /
//! <tmp>/run.jsonl                 /f/0/run.jsonl       (appended to while served)
//! <tmp>/logs/spans.jsonl          /f/1/spans.jsonl
//! <tmp>/logs/deep/lineage.jsonl   /f/1/deep/lineage.jsonl
//! <tmp>/logs/escape -> <tmp>/secret.txt    refused: leads outside the folder
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The server process, killed when the test ends (also when it fails).
struct Server {
    child: Child,
    base: String,
    link: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skein"))
        .arg("open")
        .args(args)
        .args(["--port", "0", "--no-browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut base = String::new();
    let mut link = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(rest) = line.split(" on ").nth(1) {
            base = rest.split('/').take(3).collect::<Vec<_>>().join("/");
        }
        if let Some(url) = line.strip_prefix("skein: open ") {
            link = url.to_string();
            break;
        }
    }
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Server { child, base, link }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `Connection: close`; the reply read to its end.
fn get(s: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(s, "GET", path, headers)
}

fn request(s: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let addr = s.base.trim_start_matches("http://");
    let mut tcp = TcpStream::connect(addr).unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        text.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    tcp.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    tcp.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("skein-open-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app")).unwrap();
    std::fs::create_dir_all(dir.join("logs/deep")).unwrap();
    std::fs::write(
        dir.join("app/index.html"),
        "<!doctype html><title>skein test app</title>",
    )
    .unwrap();
    std::fs::write(dir.join("run.jsonl"), "{\"a\": 1}\n").unwrap();
    std::fs::write(dir.join("logs/spans.jsonl"), "{\"b\": 2}\n").unwrap();
    std::fs::write(dir.join("logs/deep/lineage.jsonl"), "{\"c\": 3}\n").unwrap();
    std::fs::write(dir.join("secret.txt"), "not yours").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("secret.txt"), dir.join("logs/escape")).unwrap();
    dir
}

fn arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

#[test]
fn serves_the_app_and_the_given_files_with_ranges_and_validators() {
    let dir = scratch("files");
    let app = arg(&dir.join("app"));
    let s = start(&[
        &arg(&dir.join("run.jsonl")),
        &arg(&dir.join("logs")),
        "--app",
        &app,
        "--follow",
    ]);
    // the link loads every file, in the URL schema the app reads, and follows them
    let query = s.link.split_once('?').unwrap().1;
    let parsed = skein::view_state::url::parse(query);
    assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
    assert!(parsed.state.follow);
    let want: Vec<String> = ["f/0/run.jsonl", "f/1/deep/lineage.jsonl", "f/1/spans.jsonl"]
        .iter()
        .map(|p| format!("{}/{p}", s.base))
        .collect();
    assert_eq!(
        parsed.state.sources, want,
        "the outward symlink is not listed"
    );

    let index = get(&s, "/", &[]);
    assert_eq!(index.status, 200);
    assert!(String::from_utf8_lossy(&index.body).contains("skein test app"));
    assert!(index
        .header("Content-Type")
        .unwrap()
        .starts_with("text/html"));

    let whole = get(&s, "/f/0/run.jsonl", &[]);
    assert_eq!(
        (whole.status, whole.body.as_slice()),
        (200, &b"{\"a\": 1}\n"[..])
    );
    assert_eq!(whole.header("Accept-Ranges"), Some("bytes"));
    let tag = whole.header("ETag").unwrap().to_string();
    let modified = whole.header("Last-Modified").unwrap().to_string();

    let part = get(&s, "/f/0/run.jsonl", &[("Range", "bytes=2-")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b"a\": 1}\n");
    assert_eq!(part.header("Content-Range"), Some("bytes 2-8/9"));
    let past = get(&s, "/f/0/run.jsonl", &[("Range", "bytes=9-")]);
    assert_eq!(past.status, 416);
    assert_eq!(past.header("Content-Range"), Some("bytes */9"));

    let same = get(&s, "/f/0/run.jsonl", &[("If-None-Match", &tag)]);
    assert_eq!((same.status, same.body.len()), (304, 0));
    let same = get(&s, "/f/0/run.jsonl", &[("If-Modified-Since", &modified)]);
    assert_eq!(same.status, 304);

    // appended while served: the next poll from the old end gets exactly the new bytes
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("run.jsonl"))
        .unwrap();
    f.write_all(b"{\"a\": 2}\n{\"a\"").unwrap();
    f.flush().unwrap();
    let grown = get(
        &s,
        "/f/0/run.jsonl",
        &[("Range", "bytes=9-"), ("If-None-Match", &tag)],
    );
    assert_eq!(grown.status, 206);
    assert_eq!(grown.body, b"{\"a\": 2}\n{\"a\"");
    assert_ne!(grown.header("ETag"), Some(tag.as_str()));

    let nested = get(&s, "/f/1/deep/lineage.jsonl", &[]);
    assert_eq!(
        (nested.status, nested.body.as_slice()),
        (200, &b"{\"c\": 3}\n"[..])
    );
    let head = request(&s, "HEAD", "/f/1/spans.jsonl", &[]);
    assert_eq!((head.status, head.body.len()), (200, 0));
    assert_eq!(head.header("Content-Length"), Some("9"));
}

#[test]
fn nothing_else_of_the_disk_is_served() {
    let dir = scratch("refuse");
    let app = arg(&dir.join("app"));
    let s = start(&[
        &arg(&dir.join("run.jsonl")),
        &arg(&dir.join("logs")),
        "--app",
        &app,
    ]);
    for (path, status) in [
        ("/f/1/../secret.txt", 400),
        ("/f/1/%2e%2e/secret.txt", 400),
        ("/f/1/deep/..%2f..%2fsecret.txt", 400),
        ("/f/1//etc/passwd", 400),
        ("/f/0/../logs/spans.jsonl", 400),
        ("/../secret.txt", 400),
        ("/f/1/escape", 403),
        ("/f/0/secret.txt", 404),
        ("/f/2/anything", 404),
        ("/f/1/missing.jsonl", 404),
        ("/secret.txt", 404),
    ] {
        let r = get(&s, path, &[]);
        assert_eq!(r.status, status, "{path}");
        assert!(
            !String::from_utf8_lossy(&r.body).contains("not yours"),
            "{path}"
        );
    }
    // a page on another name resolving to this machine (DNS rebinding) gets nothing
    let rebound = get(&s, "/f/0/run.jsonl", &[("Host", "evil.example")]);
    assert_eq!(rebound.status, 403);
    // CORS: loopback pages may read; others may not
    let local = get(&s, "/f/0/run.jsonl", &[("Origin", "http://127.0.0.1:8080")]);
    assert_eq!(
        local.header("Access-Control-Allow-Origin"),
        Some("http://127.0.0.1:8080")
    );
    assert!(local
        .header("Access-Control-Expose-Headers")
        .unwrap()
        .contains("Content-Range"));
    let other = get(&s, "/f/0/run.jsonl", &[("Origin", "https://evil.example")]);
    assert_eq!(other.header("Access-Control-Allow-Origin"), None);
    let preflight = request(
        &s,
        "OPTIONS",
        "/f/0/run.jsonl",
        &[
            ("Origin", "http://localhost:3000"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "if-none-match"),
        ],
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(
        preflight.header("Access-Control-Allow-Headers"),
        Some("if-none-match")
    );
    assert_eq!(request(&s, "POST", "/f/0/run.jsonl", &[]).status, 405);
}

#[test]
fn a_missing_app_build_says_how_to_make_one() {
    let out = Command::new(env!("CARGO_BIN_EXE_skein"))
        .args(["open", "--no-browser", "--app", "/nonexistent/skein-app"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("trunk build --release") && err.contains("--app"),
        "{err}"
    );
}

/// Reads one response from a kept-alive connection: its status and its body (by Content-Length).
fn read_response(reader: &mut BufReader<TcpStream>) -> (u16, Vec<u8>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).unwrap();
    let mut len = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    (
        status_line.split(' ').nth(1).unwrap().parse().unwrap(),
        body,
    )
}

/// A browser opening the page opens six or more connections at once and keeps them all open:
/// every one is answered at once (a pooled server left the last one unread while the others
/// stayed open, and the page hung on its last script), and each carries a second request.
///
/// ```text
/// conn 0..8  --GET /-->   200 index.html     (all open at the same time)
/// conn 0..8  --GET /f/0/run.jsonl-->  200
/// ```
#[test]
fn a_burst_of_kept_alive_connections_is_all_served() {
    let dir = scratch("burst");
    let s = start(&[
        &arg(&dir.join("run.jsonl")),
        "--app",
        &arg(&dir.join("app")),
    ]);
    let addr = s.base.trim_start_matches("http://").to_string();
    let index = std::fs::read(dir.join("app/index.html")).unwrap();
    let run = std::fs::read(dir.join("run.jsonl")).unwrap();
    let mut conns: Vec<BufReader<TcpStream>> = (0..8)
        .map(|_| {
            let tcp = TcpStream::connect(&addr).unwrap();
            tcp.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .unwrap();
            BufReader::new(tcp)
        })
        .collect();
    for path in ["/", "/f/0/run.jsonl"] {
        for c in &mut conns {
            let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            c.get_mut().write_all(req.as_bytes()).unwrap();
        }
        for c in &mut conns {
            let (status, body) = read_response(c);
            assert_eq!(status, 200, "{path}");
            assert_eq!(&body, if path == "/" { &index } else { &run }, "{path}");
        }
    }
}
