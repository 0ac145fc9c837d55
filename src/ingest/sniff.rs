//! What a source is when it is no trace, judged from its first bytes (after gzip): an HTML page
//! (a login or error page served instead of the file), a binary file (an image, an archive,
//! protobuf, UTF-16 text, anything with NULs or mostly non-text bytes). Such a source gets one
//! message saying what it is instead of one problem per line. Invariant: the verdict depends
//! only on the first `SNIFF_BYTES` bytes (all of a shorter source), never on chunk boundaries;
//! a source whose first byte that is not whitespace opens a JSON value is always read as text.

/// Bytes looked at before a source that does not start like JSON is judged.
pub const SNIFF_BYTES: usize = 1024;

/// Bytes of an HTML page searched for its `<title>`.
pub const TITLE_BYTES: usize = 16 * 1024;

/// Share of control bytes from which a source is binary: text has none (even in a legacy
/// encoding), random binary data about one byte in ten.
const CONTROL_SHARE: f64 = 0.01;

/// Share of bytes of invalid UTF-8 from which a source is binary: Latin-1 text with an accent in
/// every word has about one in six, data of high bytes most.
const INVALID_SHARE: f64 = 0.30;

/// The verdict on a source's first bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Text: frame and read it (bad lines are reported one by one).
    Text,
    /// An HTML page (its title is looked for in the first `TITLE_BYTES`).
    Html,
    /// Not a trace: what it is, for the message `binary file, not a trace (…)`.
    Binary(String),
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// File signatures (at byte 0) and what they are.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (
        b"PK\x03\x04",
        "a ZIP archive: unpack it and open the files inside",
    ),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1F\x8B", "gzip inside gzip: decompress it once first"),
    (b"\xFD7zXZ\x00", "xz data: decompress it first"),
    (b"\x28\xB5\x2F\xFD", "zstd data: decompress it first"),
    (b"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"),
    (b"\x7FELF", "an executable (ELF)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x00asm", "a WebAssembly module"),
    (
        b"\xFF\xFE",
        "UTF-16 text: Skein reads UTF-8, convert it first",
    ),
    (
        b"\xFE\xFF",
        "UTF-16 text: Skein reads UTF-8, convert it first",
    ),
];

/// Longest signature, in bytes.
const MAGIC_MAX: usize = 16;

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// A byte that text does not hold: C0 controls other than tab, newline, form feed, carriage
/// return and escape (ANSI colours in logs), and DEL.
fn is_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | 0x1B)) || b == 0x7F
}

/// The control bytes and the bytes of invalid UTF-8 sequences in `b` (an incomplete sequence at
/// the very end is not counted: the source was cut there).
fn non_text_bytes(b: &[u8]) -> (usize, usize) {
    let controls = b.iter().filter(|&&c| is_control(c)).count();
    let mut rest = b;
    let mut invalid = 0;
    while let Err(e) = std::str::from_utf8(rest) {
        match e.error_len() {
            Some(n) => {
                invalid += n;
                rest = &rest[e.valid_up_to() + n..];
            }
            None => break,
        }
    }
    (controls, invalid)
}

/// True when `b` starts like a protobuf message (field 1, length-delimited, then another
/// valid tag), as OTLP/protobuf and Perfetto traces do.
fn looks_like_protobuf(b: &[u8]) -> bool {
    if b.first() != Some(&0x0A) {
        return false;
    }
    let varint_len = b[1..].iter().take(5).position(|&c| c < 0x80);
    let Some(n) = varint_len else { return false };
    match b.get(2 + n) {
        Some(&tag) => tag >> 3 >= 1 && matches!(tag & 7, 0 | 1 | 2 | 5),
        None => false,
    }
}

/// UTF-16 without a byte-order mark: NULs in most odd or most even positions.
fn looks_like_utf16(b: &[u8]) -> bool {
    let half = b.len() / 2;
    if half < 8 {
        return false;
    }
    let nuls_at = |parity: usize| {
        b.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&c| c == 0)
            .count()
    };
    nuls_at(0) * 10 >= half * 7 || nuls_at(1) * 10 >= half * 7
}

/// True when `b` (ASCII, any case) contains `needle` (lower case).
fn contains_ignore_case(b: &[u8], needle: &[u8]) -> bool {
    b.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Judges a source from `prefix`, its first bytes so far; `None` until it can (more bytes are
/// needed and `at_end` is false). Only `prefix[..SNIFF_BYTES]` is ever looked at.
pub fn judge(prefix: &[u8], at_end: bool) -> Option<Verdict> {
    let head = &prefix[..prefix.len().min(SNIFF_BYTES)];
    let enough = at_end || head.len() >= SNIFF_BYTES;
    if let Some((_, what)) = MAGIC.iter().find(|(m, _)| head.starts_with(m)) {
        return Some(Verdict::Binary((*what).to_string()));
    }
    if head.len() >= 4 && head.starts_with(b"BZh") && head[3].is_ascii_digit() {
        return Some(Verdict::Binary("bzip2 data: decompress it first".into()));
    }
    if !enough && head.len() < MAGIC_MAX && MAGIC.iter().any(|(m, _)| m.starts_with(head)) {
        return None; // could still be a signature
    }
    let body = head.strip_prefix(UTF8_BOM).unwrap_or(head);
    let first = body.iter().position(|&b| !is_space(b));
    if let Some(i) = first.filter(|&i| matches!(body[i], b'{' | b'[')) {
        match body.get(i + 1) {
            None if !enough => return None,
            Some(0) => {} // `{` then NUL: UTF-16 JSON, judged below
            _ => return Some(Verdict::Text),
        }
    }
    match first {
        None if !enough => return None,
        None => return Some(Verdict::Text), // blank: the end of the source says so
        Some(_) if !enough => return None,
        Some(i) if body[i] == b'<' => {
            let markup = &body[i..];
            let html = [
                &b"<!doctype html"[..],
                b"<html",
                b"<head",
                b"<body",
                b"<title",
                b"<meta",
            ]
            .iter()
            .any(|m| contains_ignore_case(markup, m));
            if html {
                return Some(Verdict::Html);
            }
            if contains_ignore_case(markup, b"<?xml") {
                return Some(Verdict::Binary("an XML document".into()));
            }
        }
        Some(_) => {}
    }
    let (controls, invalid) = non_text_bytes(head);
    if controls + invalid > 0 && looks_like_protobuf(head) {
        let what = "protobuf data (OTLP/protobuf? Skein reads OTLP/JSON)";
        return Some(Verdict::Binary(what.into()));
    }
    if looks_like_utf16(head) {
        let what = "UTF-16 text: Skein reads UTF-8, convert it first";
        return Some(Verdict::Binary(what.into()));
    }
    if let Some(at) = head.iter().position(|&b| b == 0) {
        return Some(Verdict::Binary(format!("a NUL byte at offset {at}")));
    }
    let share = |n: usize| n as f64 / head.len().max(1) as f64;
    if share(controls) >= CONTROL_SHARE || share(invalid) >= INVALID_SHARE {
        let bad = controls + invalid;
        let what = format!("{bad} of its first {} bytes are not text", head.len());
        return Some(Verdict::Binary(what));
    }
    Some(Verdict::Text)
}

/// An HTML page's `<title>` text, whitespace collapsed, the common entities decoded, at most
/// 120 characters; `None` until the title has closed within `page`.
pub fn title(page: &[u8]) -> Option<String> {
    let lower: Vec<u8> = page.to_ascii_lowercase();
    let open = find(&lower, b"<title")?;
    let text_start = open + find(&lower[open..], b">")? + 1;
    let text_end = text_start + find(&lower[text_start..], b"</title")?;
    let raw = String::from_utf8_lossy(&page[text_start..text_end]);
    let decoded = decode_entities(&raw);
    let words: Vec<&str> = decoded.split_whitespace().collect();
    let mut text = words.join(" ");
    if text.chars().count() > 120 {
        text = text.chars().take(119).collect::<String>() + "…";
    }
    Some(text)
}

/// HTML character references: numeric ones and the few named ones titles use; anything else
/// stays as written.
fn decode_entities(text: &str) -> String {
    const NAMED: [(&str, char); 9] = [
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
        ("apos", '\''),
        ("nbsp", ' '),
        ("middot", '·'),
        ("ndash", '–'),
        ("mdash", '—'),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let entity = after
            .find(';')
            .filter(|&end| end <= 10)
            .map(|end| &after[..end]);
        let decoded = entity.and_then(|e| match e.strip_prefix('#') {
            Some(n) => match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => n.parse().ok(),
            }
            .and_then(char::from_u32),
            None => NAMED.iter().find(|(name, _)| *name == e).map(|(_, c)| *c),
        });
        match (entity, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &after[e.len() + 1..];
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_text_at_once_and_binary_needs_its_first_kib() {
        assert_eq!(judge(b"  {\"a\"", false), Some(Verdict::Text));
        assert_eq!(judge(b"\xEF\xBB\xBF[1", false), Some(Verdict::Text));
        assert_eq!(judge(b"\x89PN", false), None);
        assert_eq!(
            judge(b"\x89PNG\r\n\x1a\n\0\0", false),
            Some(Verdict::Binary("a PNG image".into()))
        );
        assert_eq!(judge(b"hello", false), None);
        assert_eq!(judge(b"hello", true), Some(Verdict::Text));
        assert_eq!(judge(b"   \n", false), None);
        assert_eq!(judge(b"   \n", true), Some(Verdict::Text));
        let latin1 = b"caf\xe9 au lait, cr\xe8me br\xfbl\xe9e\n".repeat(40);
        assert_eq!(judge(&latin1, false), Some(Verdict::Text));
        let random: Vec<u8> = (0..2048u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
            .collect();
        assert!(
            matches!(judge(&random, false), Some(Verdict::Binary(w)) if w.contains("not text"))
        );
        let utf16: Vec<u8> = "{\"name\": \"a\"}"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(matches!(judge(&utf16, true), Some(Verdict::Binary(w)) if w.contains("UTF-16")));
    }

    #[test]
    fn an_html_page_and_its_title() {
        let page = b"<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>\n  Sign in &amp; go \xc2\xb7 GitLab\n</title>";
        assert_eq!(judge(page, true), Some(Verdict::Html));
        assert_eq!(title(page).as_deref(), Some("Sign in & go · GitLab"));
        assert_eq!(title(b"<html><title>cut off"), None);
        assert_eq!(
            title(b"<title>a&#183;b &#x2014; c &unknown; d & e</title>").as_deref(),
            Some("a·b — c &unknown; d & e")
        );
    }
}
