//! libFuzzer target: any bytes through a whole ingest session, fed whole and then in chunks of
//! the size the input's first byte names; the two reads must agree (same spans, same
//! diagnostics) and neither may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skein::ingest::Session;

fn read(data: &[u8], chunk: usize) -> skein::model::Trace {
    let mut s = Session::new();
    let f = s.begin_source("input");
    for piece in data.chunks(chunk.max(1)) {
        s.feed(f, piece);
    }
    s.end_source(f);
    s.finish()
}

fuzz_target!(|data: &[u8]| {
    let whole = read(data, data.len());
    let chunk = usize::from(data.first().copied().unwrap_or(1)) + 1;
    let parts = read(data, chunk);
    assert_eq!(whole.spans(), parts.spans(), "chunking changed the spans");
    assert_eq!(whole.diagnostics(), parts.diagnostics(), "chunking changed the diagnostics");
});
