//! Framing: records and line numbers by mode, and independence from chunk boundaries.
use super::*;

fn frame(input: &[u8], chunk: usize) -> Vec<String> {
    frame_with(Limits::default(), input, chunk)
}

#[test]
fn json_lines_with_blank_and_crlf_lines() {
    let input = b"{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":";
    assert_eq!(
        frame(input, 1000),
        vec!["R1:{\"a\":1}", "R3:{\"b\":2}", "L4:{\"c\":"]
    );
}

#[test]
fn concatenated_pretty_values_keep_start_lines() {
    let input = b"{\n  \"a\": \"}{\"\n}\n{\n  \"b\": [1,\n 2]\n}\n";
    assert_eq!(
        frame(input, 1000),
        vec!["R1:{\n  \"a\": \"}{\"\n}", "R4:{\n  \"b\": [1,\n 2]\n}"]
    );
}

#[test]
fn truncated_value_and_stray_text() {
    let input = b"{\n \"a\": 1\n}\nnot json\n{\n \"b\": \"\\\"";
    assert_eq!(
        frame(input, 1000),
        vec!["R1:{\n \"a\": 1\n}", "S4", "T5:{\n \"b\": \"\\\""]
    );
}

#[test]
fn bom_is_skipped() {
    assert_eq!(
        frame(b"\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}", 2),
        vec!["R1:{\"a\":1}", "L2:{\"b\":2}"]
    );
}

#[test]
fn only_the_first_bom_is_skipped_whatever_the_chunks() {
    // found by tests/fuzz_readers.rs: byte by byte, every leading BOM used to be dropped
    let input = b"\xEF\xBB\xBF\xEF\xBB\xBF{\"a\":1}\n";
    let whole = frame(input, input.len());
    assert_eq!(whole, vec!["S1", "R1:{\"a\":1}"]);
    for chunk in 1..input.len() {
        assert_eq!(frame(input, chunk), whole, "chunk size {chunk}");
    }
}

#[test]
fn chunking_never_changes_the_result() {
    let inputs: [&[u8]; 3] = [
        b"{\"a\":\"x\\ny\"}\n\n{\"b\":[1,2]}\r\n{broken\n{\"c\":3}",
        b"{\n \"a\": \"\\\\\"\n}\n  {\"b\": {\"c\": [\"]\"]}}\n[1,\n2]\n{",
        b"\n\n   \n{\"only\": true}",
    ];
    for input in inputs {
        let whole = frame(input, input.len());
        for chunk in 1..input.len() {
            assert_eq!(frame(input, chunk), whole, "chunk size {chunk}");
        }
    }
}

fn frame_with(limits: Limits, input: &[u8], chunk: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut f = Framer::with_limits(limits);
    let mut sink = |r: Framed<'_>| {
        out.push(match r {
            Framed::Record { line, bytes } => format!("R{line}:{}", String::from_utf8_lossy(bytes)),
            Framed::LastLine { line, bytes } => {
                format!("L{line}:{}", String::from_utf8_lossy(bytes))
            }
            Framed::Truncated { line, bytes } => {
                format!("T{line}:{}", String::from_utf8_lossy(bytes))
            }
            Framed::Stray { line } => format!("S{line}"),
            Framed::Oversized {
                line,
                bytes,
                complete,
            } => format!("O{line}:{bytes}:{complete}"),
        })
    };
    for c in input.chunks(chunk.max(1)) {
        f.feed(c, &mut sink);
    }
    f.finish(&mut sink);
    out
}

const SMALL: Limits = Limits {
    max_record: 40,
    array_batch: 16,
};

/// ```text
///  line 1  {"a":1}                                  a record
///  line 2  {"long": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}   52 bytes > 40: its size only
///  line 3  {"b":2}                                  a record
///  line 4  {"cut": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   no newline, over 40: at least its size
/// ```
#[test]
fn a_line_over_the_limit_is_reported_with_its_size_and_the_rest_read() {
    let long = format!("{{\"long\": \"{}\"}}", "x".repeat(40));
    let cut = format!("{{\"cut\": \"{}", "x".repeat(41));
    let input = format!("{{\"a\":1}}\n{long}\n{{\"b\":2}}\n{cut}");
    let want = vec![
        "R1:{\"a\":1}".to_string(),
        format!("O2:{}:true", long.len()),
        "R3:{\"b\":2}".to_string(),
        format!("O4:{}:false", cut.len()),
    ];
    for chunk in 1..=input.len() {
        assert_eq!(
            frame_with(SMALL, input.as_bytes(), chunk),
            want,
            "chunk {chunk}"
        );
    }
}

/// A pretty object of 60 bytes (over 40) between two small ones; the source then ends inside
/// a third, also over the limit.
#[test]
fn a_value_over_the_limit_is_skipped_whole() {
    let big = format!("{{\n \"k\": \"{}\"\n}}", "y".repeat(48));
    let input = format!(
        "{{\n \"a\": 1\n}}\n{big}\n{{\n \"b\": 2\n}}\n{{\n \"c\": \"{}",
        "z".repeat(50)
    );
    let out = frame_with(SMALL, input.as_bytes(), input.len());
    assert_eq!(out[0], "R1:{\n \"a\": 1\n}");
    assert_eq!(out[1], format!("O4:{}:true", big.len()));
    assert_eq!(out[2], "R7:{\n \"b\": 2\n}");
    assert!(
        out[3].starts_with("O10:") && out[3].ends_with(":false"),
        "{}",
        out[3]
    );
    for chunk in 1..input.len() {
        assert_eq!(
            frame_with(SMALL, input.as_bytes(), chunk),
            out,
            "chunk {chunk}"
        );
    }
}

/// ```text
///  [{"i":0},{"i":1},{"i":2},{"i":3},{"i":4}]      one line, over the 16-byte batch size
///   -> [{"i":0},{"i":1}]  [{"i":2},{"i":3}]  [{"i":4}]
/// ```
/// (an element ends past 16 bytes: the batch goes out; the comma after it is dropped).
#[test]
fn a_big_top_level_array_goes_out_in_batches_of_whole_elements() {
    let elements: Vec<String> = (0..5).map(|i| format!("{{\"i\":{i}}}")).collect();
    let input = format!("[{}]", elements.join(","));
    let out = frame_with(SMALL, input.as_bytes(), input.len());
    let mut seen = Vec::new();
    for r in &out {
        let json = r.strip_prefix("R1:").unwrap_or_else(|| panic!("{out:?}"));
        let items: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
        seen.extend(items);
    }
    let want: Vec<serde_json::Value> = serde_json::from_str(&input).unwrap();
    assert_eq!(seen, want, "every element once, in order: {out:?}");
    assert!(out.len() >= 2, "{out:?}");
    for chunk in 1..input.len() {
        assert_eq!(
            frame_with(SMALL, input.as_bytes(), chunk),
            out,
            "chunk {chunk}"
        );
    }
    // the same array pretty-printed over lines, cut off inside its last element: the complete
    // elements come out in batches, the rest as a truncated array (Chrome's salvage reads it)
    let pretty = format!("[\n{},\n{{\"i\": 5, \"cut", elements.join(",\n"));
    let out = frame_with(SMALL, pretty.as_bytes(), 7);
    assert!(out.last().unwrap().starts_with("T"), "{out:?}");
    assert_eq!(frame_with(SMALL, pretty.as_bytes(), pretty.len()), out);
}

#[test]
fn a_first_line_as_long_as_a_batch_is_framed_as_values() {
    // 20 bytes > 16: a one-line document, read by the value scanner whatever the chunking
    let input = b"{\"k\":\"0123456789ab\"}\n{\"b\":1}";
    let out = frame_with(SMALL, input, input.len());
    assert_eq!(out, vec!["R1:{\"k\":\"0123456789ab\"}", "R2:{\"b\":1}"]);
    for chunk in 1..input.len() {
        assert_eq!(frame_with(SMALL, input, chunk), out, "chunk {chunk}");
    }
}
