//! The HTTP side of `skein open`: which file a request path names (never anything outside the
//! app folder and the files and folders given), and how to answer for it: byte ranges
//! (`Range: bytes=N-` -> 206 + `Content-Range`, 416 past the end), validators (`ETag`,
//! `Last-Modified` -> 304), CORS for loopback pages. Invariant: a path is resolved segment by
//! segment (no `..`, `.`, empty, `\`, NUL or drive segments) and then canonicalised, and it must
//! still lie inside the folder it was served from, so a symlink leading out is refused.

use super::http::{Request, Response};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// One thing given on the command line, served under `/f/<index>/`.
#[derive(Debug, Clone)]
pub enum Mount {
    /// A single file, served as `/f/<k>/<its name>`.
    File {
        /// Its canonical path.
        path: PathBuf,
        /// Its file name (the only name it answers to).
        name: String,
    },
    /// A folder: any file inside it, at `/f/<k>/<path inside>`.
    Folder {
        /// Its canonical path.
        root: PathBuf,
    },
}

/// What the server serves.
#[derive(Debug, Clone)]
pub struct Site {
    /// The app's release build (holds `index.html`), canonical.
    pub app: PathBuf,
    /// The given files and folders, by index.
    pub mounts: Vec<Mount>,
    /// The port it listens on (for the `Host` check).
    pub port: u16,
}

/// Why a path is not served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 404: nothing of that name here.
    NotFound,
    /// 403: the path tries to leave its folder.
    Outside,
    /// 400: not a path we accept (`..`, backslashes, bad percent-encoding, ...).
    BadPath,
}

/// The decoded segments of a URL path, refusing anything that could climb out of a folder.
pub fn segments(url_path: &str) -> Result<Vec<String>, Refusal> {
    let path = url_path.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/').ok_or(Refusal::BadPath)?;
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    rest.split('/')
        .map(|raw| {
            let seg = percent_encoding::percent_decode_str(raw)
                .decode_utf8()
                .map_err(|_| Refusal::BadPath)?;
            let bad = seg.is_empty()
                || seg == "."
                || seg == ".."
                || seg.contains(['/', '\\', '\0'])
                || (seg.len() >= 2 && seg.as_bytes()[1] == b':'); // `C:` on Windows
            if bad {
                Err(Refusal::BadPath)
            } else {
                Ok(seg.into_owned())
            }
        })
        .collect()
}

/// `root` joined with `segments`, if the result (symlinks resolved) is a file inside `root`.
fn inside(root: &Path, segments: &[String]) -> Result<PathBuf, Refusal> {
    let mut p = root.to_path_buf();
    p.extend(segments);
    let real = p.canonicalize().map_err(|_| Refusal::NotFound)?;
    if !real.starts_with(root) {
        return Err(Refusal::Outside);
    }
    if !real.is_file() {
        return Err(Refusal::NotFound);
    }
    Ok(real)
}

impl Site {
    /// The file a request path names.
    pub fn resolve(&self, url_path: &str) -> Result<PathBuf, Refusal> {
        let segs = segments(url_path)?;
        match segs.split_first() {
            None => inside(&self.app, &["index.html".to_string()]),
            Some((f, rest)) if f == "f" => {
                let (k, rest) = rest.split_first().ok_or(Refusal::NotFound)?;
                let mount = k
                    .parse::<usize>()
                    .ok()
                    .and_then(|k| self.mounts.get(k))
                    .ok_or(Refusal::NotFound)?;
                match mount {
                    Mount::File { path, name } if rest.len() == 1 && &rest[0] == name => {
                        Ok(path.clone())
                    }
                    Mount::File { .. } => Err(Refusal::NotFound),
                    Mount::Folder { root } => inside(root, rest),
                }
            }
            Some(_) => inside(&self.app, &segs),
        }
    }
}

/// The byte range a `Range` header asks for, for a body of `len` bytes: `Ok(None)` = the whole
/// body (no header, or a form we do not serve partially, e.g. several ranges), `Err(())` = 416.
pub fn byte_range(header: Option<&str>, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = header.and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        // `bytes=-N`: the last N bytes
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len)
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            len
        } else {
            b.parse::<u64>().map_err(|_| ())?.saturating_add(1).min(len)
        };
        (start, end)
    };
    if start >= len || end <= start {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// A strong validator from the file's size and modification time: an appended file gets a new
/// one.
pub fn etag(len: u64, modified: SystemTime) -> String {
    let ns = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("\"{len:x}-{ns:x}\"")
}

/// True when the request's validators say its copy is current (answer 304). `If-None-Match`
/// wins over `If-Modified-Since` (RFC 9110 §13.2.2).
pub fn not_modified(
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
    etag: &str,
    modified: SystemTime,
) -> bool {
    if let Some(tags) = if_none_match {
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag);
    }
    let Some(since) = if_modified_since.and_then(|s| httpdate::parse_http_date(s).ok()) else {
        return false;
    };
    // HTTP dates have whole seconds: compare at that precision
    let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    secs(modified) <= secs(since)
}

/// True for an origin on this machine's loopback (`http://127.0.0.1:*`, `localhost`, `[::1]`):
/// the only pages that may read what is served (others would see local files).
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some(rest) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match rest.strip_prefix('[') {
        Some(v6) => v6.split(']').next().map(|h| format!("[{h}]")),
        None => rest.split(':').next().map(str::to_string),
    };
    matches!(host.as_deref(), Some("127.0.0.1" | "localhost" | "[::1]"))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript",
        "wasm" => "application/wasm",
        "css" => "text/css",
        "json" => "application/json",
        "jsonl" | "ndjson" => "application/x-ndjson",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "gz" => "application/gzip",
        "txt" | "log" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Answers one request (CORS headers for loopback pages only).
pub fn answer(site: &Site, req: &Request) -> Response {
    let mut response = respond(site, req);
    if let Some(origin) = req.header("Origin").filter(|o| is_loopback_origin(o)) {
        response.add("Access-Control-Allow-Origin", origin);
        let expose = "Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges";
        response.add("Access-Control-Expose-Headers", expose);
    }
    response.add("Vary", "Origin");
    response
}

fn host_allowed(site: &Site, host: Option<&str>) -> bool {
    let port = site.port;
    host.is_some_and(|h| {
        [
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]
        .iter()
        .any(|ok| ok == h)
    })
}

fn text(status: u16, body: &str) -> Response {
    Response::text(status, body)
}

fn respond(site: &Site, req: &Request) -> Response {
    if !host_allowed(site, req.header("Host")) {
        // a page on another name that resolves here (DNS rebinding) must not read local files
        return text(403, "unexpected Host header; use http://127.0.0.1:<port>/");
    }
    match req.method.as_str() {
        "OPTIONS" => {
            let mut r = text(204, "");
            let allow = req
                .header("Access-Control-Request-Headers")
                .unwrap_or("Range");
            r.add("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
            r.add("Access-Control-Allow-Headers", allow);
            r.add("Access-Control-Max-Age", "600");
            return r;
        }
        "GET" | "HEAD" => {}
        _ => return text(405, "only GET and HEAD"),
    }
    let path = match site.resolve(&req.target) {
        Ok(p) => p,
        Err(Refusal::NotFound) => return text(404, "not found"),
        Err(Refusal::Outside) => return text(403, "outside the folder given to skein open"),
        Err(Refusal::BadPath) => return text(400, "not a path skein open serves"),
    };
    match serve_file(req, &path) {
        Ok(r) => r,
        Err(e) => text(500, &format!("cannot read the file: {e}")),
    }
}

fn serve_file(req: &Request, path: &Path) -> std::io::Result<Response> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    // the length now: bytes appended while the body is sent belong to the next poll
    let len = meta.len();
    let modified = meta.modified().unwrap_or(UNIX_EPOCH);
    let tag = etag(len, modified);
    let mut headers: Vec<(String, String)> = [
        ("Content-Type", content_type(path).to_string()),
        ("Accept-Ranges", "bytes".to_string()),
        ("ETag", tag.clone()),
        ("Last-Modified", httpdate::fmt_http_date(modified)),
        ("Cache-Control", "no-cache".to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let fresh = not_modified(
        req.header("If-None-Match"),
        req.header("If-Modified-Since"),
        &tag,
        modified,
    );
    if fresh {
        let empty: Box<dyn Read + Send> = Box::new(std::io::empty());
        return Ok(Response {
            status: 304,
            headers,
            body: empty,
            len: 0,
        });
    }
    let (status, start, end) = match byte_range(req.header("Range"), len) {
        Ok(None) => (200, 0, len),
        Ok(Some((a, b))) => {
            let range = format!("bytes {a}-{}/{len}", b - 1);
            headers.push(("Content-Range".to_string(), range));
            (206, a, b)
        }
        Err(()) => {
            let mut r = text(416, "range not satisfiable");
            r.add("Content-Range", &format!("bytes */{len}"));
            return Ok(r);
        }
    };
    file.seek(SeekFrom::Start(start))?;
    Ok(Response {
        status,
        headers,
        body: Box::new(file.take(end - start)),
        len: end - start,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_never_climb_out() {
        assert_eq!(
            segments("/f/0/a%20b.jsonl?x=1").unwrap(),
            ["f", "0", "a b.jsonl"]
        );
        for bad in [
            "/f/0/../etc/passwd",
            "/f/0/%2e%2e/x",
            "/f/0//etc/passwd",
            "/f/0/a%2Fb",
            "/f/0/a\\b",
            "/f/0/C:/x",
            "/f/0/./x",
            "relative",
            "/f/0/%ff",
        ] {
            assert_eq!(segments(bad), Err(Refusal::BadPath), "{bad}");
        }
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(byte_range(None, 10), Ok(None));
        assert_eq!(byte_range(Some("bytes=4-"), 10), Ok(Some((4, 10))));
        assert_eq!(byte_range(Some("bytes=4-5"), 10), Ok(Some((4, 6))));
        assert_eq!(byte_range(Some("bytes=4-99"), 10), Ok(Some((4, 10))));
        assert_eq!(byte_range(Some("bytes=-3"), 10), Ok(Some((7, 10))));
        assert_eq!(byte_range(Some("bytes=10-"), 10), Err(()));
        assert_eq!(byte_range(Some("bytes=0-"), 0), Err(()));
        assert_eq!(byte_range(Some("bytes=5-4"), 10), Err(()));
        assert_eq!(byte_range(Some("bytes=0-1,4-5"), 10), Ok(None));
        assert_eq!(byte_range(Some("items=0-1"), 10), Ok(None));
    }

    #[test]
    fn validators() {
        let t = UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_500);
        let tag = etag(42, t);
        assert_ne!(tag, etag(43, t), "appending changes the tag");
        assert!(not_modified(Some(&tag), None, &tag, t));
        assert!(not_modified(
            Some(&format!("W/{tag}, \"x\"")),
            None,
            &tag,
            t
        ));
        assert!(!not_modified(
            Some("\"old\""),
            Some("Tue, 14 Nov 2023 22:13:20 GMT"),
            &tag,
            t
        ));
        assert!(not_modified(
            None,
            Some("Tue, 14 Nov 2023 22:13:20 GMT"),
            &tag,
            t
        ));
        assert!(!not_modified(
            None,
            Some("Tue, 14 Nov 2023 22:13:19 GMT"),
            &tag,
            t
        ));
        assert!(!not_modified(None, Some("yesterday"), &tag, t));
    }

    #[test]
    fn only_loopback_pages_may_read() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:9",
        ] {
            assert!(is_loopback_origin(ok), "{ok}");
        }
        for no in [
            "https://evil.example",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil:80",
            "null",
        ] {
            assert!(!is_loopback_origin(no), "{no}");
        }
    }
}
