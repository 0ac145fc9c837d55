//! Structured mutations of seed inputs, all drawn from one seeded generator so that an input is
//! fully named by (seed, reader, index): cuts, byte flips, splices of two seeds, deep nesting,
//! huge and odd numbers, odd strings and values, invalid UTF-8, NULs, duplicated, removed and
//! swapped lines, copied ids (self-parents), CRLF, a BOM, and gzip (whole or cut).

use std::io::Write;

/// SplitMix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    /// The generator of input `index` of reader `reader` under run seed `seed`.
    pub fn for_input(seed: u64, reader: usize, index: u64) -> Rng {
        let mut r = Rng(seed ^ (reader as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.0 ^= r
            .next()
            .wrapping_add(index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Numbers that break naive time and id arithmetic: beyond i64 and u64, beyond f64, year 9999
/// in µs and ns, negative zero, fractions, exponents, leading zeros.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e999",
    "-1e999",
    "1e308",
    "4e-324",
    "-9223372036854775809",
    "-9223372036854775808",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "253402300799000000",
    "253402300799000000000",
    "-62135596800000000",
    "1.5",
    "-0",
    "1E+2",
    "0.1e-400",
    "00",
    "1.7976931348623157e308",
    "NaN",
    "-Infinity",
];

/// Strings a reader may choke on: empty, ids of the wrong length or all zeros, times out of
/// range or with odd offsets, escapes of NUL and lone surrogates, markup, JSON in a string.
const STRINGS: &[&str] = &[
    "",
    " ",
    "0x",
    "0x0000000000000000",
    "0000000000000000",
    "00000000000000000000000000000000",
    "ffffffffffffffffffffffffffffffff",
    "AAAAAAAAAAA=",
    "AAAAAAAAAAAAAAAAAAAAAA==",
    "tr-",
    "9999-12-31T23:59:59.999999999Z",
    "1677-09-21T00:12:43.145224191Z",
    "2262-04-11T23:47:16.854775808Z",
    "0000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T00:00:00+25:00",
    "2026-01-01t00:00:00,5z",
    "2026-01-01T00:00:00.0000000000000000000001Z",
    "\\u0000",
    "\\ud800",
    "\\udfff\\ud800",
    "\\\\",
    "<script>alert(1)</script>",
    "ERROR",
    "STATUS_CODE_ERROR",
    "SPAN_KIND_SERVER",
    "GENERATION",
    "{\\\"a\\\": [1, 2, {\\\"b\\\": null}]}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "null",
    "$pflow_blob",
    "\u{e9}\u{4e2d}\u{1f600}",
];

/// JSON values that replace a field's value: other types than the reader expects.
const VALUES: &[&str] = &[
    "null",
    "true",
    "[]",
    "{}",
    "[null]",
    "{\"\": \"\"}",
    "\"\"",
    "[{}]",
    "[[1, 2], {\"a\": 1}]",
    "{\"stringValue\": \"x\"}",
    "{\"intValue\": \"99999999999999999999\"}",
    "{\"kvlistValue\": {\"values\": [{\"key\": \"k\"}]}}",
    "{\"arrayValue\": {\"values\": [{\"arrayValue\": {}}]}}",
    "{\"$pflow_blob\": \"0\"}",
];

/// Bytes that are not UTF-8, alone or as broken sequences.
const BAD_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xfe\xff",
    b"\xc3",
    b"\xc0\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xe2\x82",
    b"\x80\x80\x80",
];

fn lines(input: &[u8]) -> Vec<&[u8]> {
    input.split(|b| *b == b'\n').collect()
}

fn join(lines: &[&[u8]]) -> Vec<u8> {
    lines.join(&b'\n')
}

/// Positions of the bytes for which `pred` holds.
fn positions(input: &[u8], pred: impl Fn(u8) -> bool) -> Vec<usize> {
    input
        .iter()
        .enumerate()
        .filter(|(_, b)| pred(**b))
        .map(|(i, _)| i)
        .collect()
}

/// The span of a number token starting at or after a random digit (start, end).
fn number_at(input: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let digits = positions(input, |b| b.is_ascii_digit());
    if digits.is_empty() {
        return None;
    }
    let mut start = *rng.pick(&digits);
    while start > 0
        && matches!(
            input[start - 1],
            b'0'..=b'9' | b'-' | b'.' | b'e' | b'E' | b'+'
        )
    {
        start -= 1;
    }
    let mut end = start;
    while end < input.len() && matches!(input[end], b'0'..=b'9' | b'-' | b'.' | b'e' | b'E' | b'+')
    {
        end += 1;
    }
    Some((start, end))
}

/// The content span of a string token: after a random quote, up to the next unescaped quote.
fn string_at(input: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let quotes = positions(input, |b| b == b'"');
    if quotes.is_empty() {
        return None;
    }
    let start = rng.pick(&quotes) + 1;
    let mut end = start;
    while end < input.len() && input[end] != b'"' {
        end += if input[end] == b'\\' { 2 } else { 1 };
    }
    Some((start, end.min(input.len())))
}

/// The span of the value after a random `:` (up to the next `,`, `}` or `]` at its depth).
fn value_at(input: &[u8], rng: &mut Rng) -> Option<(usize, usize)> {
    let colons = positions(input, |b| b == b':');
    if colons.is_empty() {
        return None;
    }
    let start = rng.pick(&colons) + 1;
    let (mut depth, mut end, mut in_string) = (0i32, start, false);
    while end < input.len() {
        let b = input[end];
        if in_string {
            match b {
                b'\\' => end += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' if depth == 0 => break,
                b'}' | b']' => depth -= 1,
                b',' if depth == 0 => break,
                _ => {}
            }
        }
        end += 1;
    }
    Some((start, end.min(input.len())))
}

fn replace(input: &mut Vec<u8>, (start, end): (usize, usize), with: &[u8]) {
    input.splice(start..end, with.iter().copied());
}

fn gzip(input: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // writing into a Vec cannot fail
    let _ = z.write_all(input);
    z.finish().unwrap_or_default()
}

/// One mutation of `input`; `other` is another seed for splices.
fn mutate_once(input: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    let len = input.len();
    match rng.below(20) {
        0 => input.truncate(rng.below(len + 1)),
        1 => {
            let at = rng.below(len + 1);
            let to = (at + 1 + rng.below(64)).min(len);
            input.drain(at..to.max(at));
        }
        2 => {
            for _ in 0..1 + rng.below(4) {
                if let Some(b) = input.get_mut(rng.below(len)) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        3 => {
            let specials = b"\"{}[],:\\0-.e\n \t/";
            if let Some(b) = input.get_mut(rng.below(len)) {
                *b = *rng.pick(specials);
            }
        }
        4 => {
            // a prefix of one seed, then a suffix of the other
            let cut_a = rng.below(len + 1);
            let cut_b = rng.below(other.len() + 1);
            input.truncate(cut_a);
            input.extend_from_slice(&other[cut_b..]);
        }
        5 => {
            let most = if rng.one_in(4) { 20_000 } else { 300 };
            let n = 1 + rng.below(most);
            let at = rng.below(len + 1);
            let (open, close): (&[u8], &[u8]) = if rng.one_in(2) {
                (b"[", b"]")
            } else {
                (b"{\"a\":", b"}")
            };
            let mut nest = open.repeat(n);
            nest.extend_from_slice(b"1");
            if rng.one_in(2) {
                nest.extend_from_slice(&close.repeat(n));
            }
            input.splice(at..at, nest);
        }
        6 | 7 => {
            let with: Vec<u8> = if rng.one_in(8) {
                let mut digits = vec![b'9'; 400];
                digits[0] = b'1';
                digits
            } else {
                rng.pick(NUMBERS).as_bytes().to_vec()
            };
            if let Some(span) = number_at(input, rng) {
                replace(input, span, &with);
            }
        }
        8 | 9 => {
            let with: Vec<u8> = if rng.one_in(10) {
                "x".repeat(70_000).into_bytes()
            } else {
                rng.pick(STRINGS).as_bytes().to_vec()
            };
            if let Some(span) = string_at(input, rng) {
                replace(input, span, &with);
            }
        }
        10 => {
            // one string's text copied into another: a span id into its parent id, and so on
            if let (Some(from), Some(to)) = (string_at(input, rng), string_at(input, rng)) {
                let text = input[from.0..from.1].to_vec();
                if to.0 >= from.1 || to.1 <= from.0 {
                    replace(input, to, &text);
                }
            }
        }
        11 => {
            if let Some(span) = value_at(input, rng) {
                let with = rng.pick(VALUES).as_bytes().to_vec();
                replace(input, span, &with);
            }
        }
        12 => {
            let at = rng.below(len + 1);
            let bad = rng.pick(BAD_UTF8).to_vec();
            input.splice(at..at, bad);
        }
        13 => {
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(input.len() + 1);
                input.insert(at, 0);
            }
        }
        14 => {
            let ls = lines(input);
            let i = rng.below(ls.len());
            let mut out = ls.clone();
            let copies = if rng.one_in(8) { 50 } else { 1 };
            for _ in 0..copies {
                out.insert(rng.below(out.len() + 1), ls[i]);
            }
            *input = join(&out);
        }
        15 => {
            let mut ls = lines(input);
            if ls.len() > 1 {
                ls.remove(rng.below(ls.len()));
            }
            *input = join(&ls);
        }
        16 => {
            let mut ls = lines(input);
            let (i, j) = (rng.below(ls.len()), rng.below(ls.len()));
            ls.swap(i, j);
            *input = join(&ls);
        }
        17 => {
            let mut crlf = Vec::with_capacity(input.len() + input.len() / 16);
            for &b in input.iter() {
                if b == b'\n' {
                    crlf.push(b'\r');
                }
                crlf.push(b);
            }
            *input = crlf;
        }
        18 => {
            let prefixes: [&[u8]; 4] = [b"\xEF\xBB\xBF", b"\n\n  ", b"\xFF\xFE", b"<"];
            let prefix = *rng.pick(&prefixes);
            input.splice(0..0, prefix.iter().copied());
        }
        _ => {
            // the input cut at a random place into a brand-new suffix of itself
            let at = rng.below(len + 1);
            let from = rng.below(len + 1);
            let tail = input[from..].to_vec();
            input.truncate(at);
            input.extend_from_slice(&tail);
        }
    }
}

/// A mutated input from `seeds` (picked with `rng`); `others` holds every reader's seeds for
/// splices across formats.
pub fn input(seeds: &[Vec<u8>], others: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut input = rng.pick(seeds).clone();
    let other = if rng.one_in(4) {
        rng.pick(others)
    } else {
        rng.pick(seeds)
    };
    let most = if rng.one_in(4) { 8 } else { 3 };
    let rounds = 1 + rng.below(most);
    for _ in 0..rounds {
        mutate_once(&mut input, other, rng);
    }
    if rng.one_in(40) {
        input = gzip(&input);
        if rng.one_in(2) {
            let keep = rng.below(input.len() + 1);
            input.truncate(keep);
        }
    }
    input
}
