//! The HTTP/1.1 connection layer of `skein open`: a thread per connection (at most
//! `MAX_CONNECTIONS` at once), kept alive until the client closes it or says `Connection: close`,
//! requests without bodies (a request announcing one is answered, then its connection closed).
//! Why not a pooled server: tiny_http 0.12's pool leaves a connection that arrives in a burst of
//! more than four (a browser opening the page) unread for as long as the others stay open, so
//! the page hung on its last script now and then. Invariants: a request head is at most 16 KiB;
//! a connection idle for 30 s is closed; nothing here knows what is served (`serve` does).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Longest request head read (request line and headers), bytes.
const MAX_HEAD_BYTES: u64 = 16 * 1024;
/// Connections served at once; more are answered 503 and closed.
const MAX_CONNECTIONS: usize = 64;
/// An idle keep-alive connection is closed after this long.
const IDLE: Duration = Duration::from_secs(30);

/// One request: its method, target (path and query) and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, `OPTIONS`, ...
    pub method: String,
    /// The request target as sent (`/f/0/spans.jsonl?x=1`).
    pub target: String,
    /// Headers in the order sent.
    pub headers: Vec<(String, String)>,
    /// True when the connection may carry another request after this one.
    keep_alive: bool,
}

impl Request {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One response: status, headers, and a reader over `len` bytes of body.
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// Headers (`Content-Length` and `Connection` are added when written).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Box<dyn Read + Send>,
    /// Its length, bytes.
    pub len: u64,
}

impl Response {
    /// A plain-text answer.
    pub fn text(status: u16, body: &str) -> Response {
        let bytes = body.as_bytes().to_vec();
        Response {
            status,
            headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
            len: bytes.len() as u64,
            body: Box::new(io::Cursor::new(bytes)),
        }
    }

    /// Adds a header.
    pub fn add(&mut self, name: &str, value: &str) {
        self.headers.push((name.to_string(), value.to_string()));
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        206 => "Partial Content",
        304 => "Not Modified",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Why a request head could not be read.
enum HeadError {
    /// The client closed the connection between requests.
    Closed,
    /// Too long, or not HTTP: answer this status and close.
    Bad(u16),
    /// The socket failed (or idled out).
    Io,
}

/// Reads one request head; the body is not read (none is expected).
fn read_head(reader: &mut BufReader<TcpStream>) -> Result<Request, HeadError> {
    let mut head = String::new();
    let mut limited = reader.take(MAX_HEAD_BYTES);
    loop {
        let before = head.len();
        match limited.read_line(&mut head) {
            Ok(0) if head.trim().is_empty() => return Err(HeadError::Closed),
            Ok(0) => return Err(HeadError::Bad(431)),
            Ok(_) if head[before..].trim_end().is_empty() && !head.trim().is_empty() => break,
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::InvalidData => return Err(HeadError::Bad(400)),
            Err(_) => return Err(HeadError::Io),
        }
    }
    let mut lines = head.trim_start().lines();
    let mut first = lines.next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target), Some(version)) = (first.next(), first.next(), first.next())
    else {
        return Err(HeadError::Bad(400));
    };
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        headers,
        keep_alive: false,
    };
    let connection = req.header("Connection").unwrap_or("").to_ascii_lowercase();
    let has_body = req.header("Transfer-Encoding").is_some()
        || req
            .header("Content-Length")
            .is_some_and(|n| n.trim() != "0");
    req.keep_alive = !has_body
        && match version {
            "HTTP/1.1" => !connection.contains("close"),
            _ => connection.contains("keep-alive"),
        };
    Ok(req)
}

/// Writes `r`: no body for HEAD, 204 and 304.
fn write(stream: &mut TcpStream, head_only: bool, r: Response, keep_alive: bool) -> io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    let no_body = head_only || matches!(r.status, 204 | 304);
    if r.status != 204 && r.status != 304 {
        out.push_str(&format!("Content-Length: {}\r\n", r.len));
    }
    let connection = if keep_alive { "keep-alive" } else { "close" };
    out.push_str(&format!("Connection: {connection}\r\n\r\n"));
    stream.write_all(out.as_bytes())?;
    if !no_body {
        io::copy(&mut r.body.take(r.len), stream)?;
    }
    stream.flush()
}

/// Serves one connection until it closes.
fn connection(stream: TcpStream, handle: &(dyn Fn(&Request) -> Response + Sync)) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let req = match read_head(&mut reader) {
            Ok(req) => req,
            Err(HeadError::Bad(status)) => {
                let _ = write(
                    &mut writer,
                    false,
                    Response::text(status, "bad request"),
                    false,
                );
                return;
            }
            Err(HeadError::Closed | HeadError::Io) => return,
        };
        let head_only = req.method == "HEAD";
        let keep = req.keep_alive;
        // a client that went away is not our problem; its thread ends here
        if write(&mut writer, head_only, handle(&req), keep).is_err() || !keep {
            return;
        }
    }
}

/// Accepts connections on `listener` forever, each on its own thread, answering every request
/// with `handle`.
pub fn serve(listener: TcpListener, handle: &(dyn Fn(&Request) -> Response + Sync)) {
    let open = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            if open.fetch_add(1, Ordering::AcqRel) >= MAX_CONNECTIONS {
                open.fetch_sub(1, Ordering::AcqRel);
                let busy = Response::text(503, "too many connections");
                let _ = write(&mut stream, false, busy, false);
                continue;
            }
            let open = &open;
            s.spawn(move || {
                connection(stream, handle);
                open.fetch_sub(1, Ordering::AcqRel);
            });
        }
    });
}
