//! Fuzzing every reader (issue 14): seed inputs per reader from the shared fixtures, mutated by
//! a seeded generator (`fuzz_readers/mutate.rs`), each fed to a whole `Session` twice, in one
//! chunk and in random chunks (with a follow-mode snapshot half the time). Checks per input: no
//! panic (`catch_unwind`), peak allocation under 64 MB + 64 x the input size (a counting global
//! allocator: `peak_alloc` under a `cap` hard limit), no input slower than a bound, and the
//! chunked read equal to the whole one (same spans, same diagnostics). Every regression fixture
//! `tests/fixtures/ingest/fuzz_*` is replayed first. A failure prints the seed and input index
//! and writes the input to `target/fuzz-failures/`.
//!
//! `cargo test` runs a short pass (500 inputs per reader, seed 0x5ce1, debug build);
//! `scripts/fuzz.sh <seconds>` or `scripts/fuzz.sh --inputs N` runs it in release for long.
//! Options: `--inputs N` per reader, `--seconds S` in all, `--seed S`, `--shard K/N`,
//! `--reader <label part>`, `--replay <files...>`, `--max-ms MS`.
//!
//! Figures of the last long run: see the README's "Fuzzing" section (filled in by the run).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test harness fails loudly by design
#![allow(clippy::disallowed_methods)] // native only: timing inputs needs std's clock

#[path = "fuzz_readers/mutate.rs"]
mod mutate;
#[path = "fuzz_readers/seeds.rs"]
mod seeds;

use cap::Cap;
use mutate::Rng;
use peak_alloc::PeakAlloc;
use skein::ingest::Session;
use skein::model::Trace;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts every allocation (current and peak bytes) and refuses any past a hard limit, set
/// before each input, so one runaway input cannot take the machine down.
#[global_allocator]
static ALLOC: Cap<PeakAlloc> = Cap::new(PeakAlloc, usize::MAX);

/// The allocation budget of one read of an input of `len` bytes.
fn budget(len: usize) -> usize {
    (64 << 20) + 64 * len
}

/// The last panic's message (the hook keeps it; `catch_unwind` only gives a payload).
static PANIC: Mutex<Option<String>> = Mutex::new(None);
/// True while an input is being read: the hook keeps the panic quiet then, else it prints it.
static READING: AtomicBool = AtomicBool::new(false);

struct Options {
    inputs: u64,
    seconds: Option<f64>,
    seed: u64,
    shard: (u64, u64),
    readers: Vec<String>,
    replay: Vec<PathBuf>,
    max_ms: u128,
}

fn options() -> Options {
    let mut o = Options {
        inputs: 500,
        seconds: None,
        seed: 0x5ce1,
        shard: (0, 1),
        readers: Vec::new(),
        replay: Vec::new(),
        max_ms: if cfg!(debug_assertions) {
            20_000
        } else {
            2_000
        },
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_default();
        match a.as_str() {
            "--inputs" => o.inputs = value().parse().expect("--inputs N"),
            "--seconds" => o.seconds = Some(value().parse().expect("--seconds S")),
            "--seed" => {
                let v = value();
                let hex = v.trim_start_matches("0x");
                o.seed = u64::from_str_radix(hex, 16).expect("--seed <hex>");
            }
            "--shard" => {
                let v = value();
                let (k, n) = v.split_once('/').expect("--shard K/N");
                o.shard = (k.parse().unwrap(), n.parse().unwrap());
            }
            "--reader" => o.readers.push(value()),
            "--max-ms" => o.max_ms = value().parse().expect("--max-ms MS"),
            "--replay" => o.replay.extend(args.by_ref().map(PathBuf::from)),
            // libtest's flags (cargo passes some to every test binary): ignored
            flag if flag.starts_with('-') => {}
            // a test-name filter: run the readers whose `fuzz_readers::<slug>` contains it
            filter => o.readers.push(filter.to_string()),
        }
    }
    o
}

fn slug(label: &str) -> String {
    label
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// What went wrong with one input.
struct Failure {
    what: String,
}

/// What one input cost.
#[derive(Default, Clone, Copy)]
struct Cost {
    peak_bytes: usize,
    elapsed: Duration,
}

/// Reads `input` as one source fed in `chunks` (sizes; the rest in one), with a snapshot after
/// chunk `snapshot_at`, under the allocation checks.
fn read(
    input: &[u8],
    chunks: &[usize],
    snapshot_at: Option<usize>,
) -> Result<(Trace, Cost), Failure> {
    let hard = 4 * budget(input.len());
    let _ = ALLOC.set_limit(ALLOC.allocated().saturating_add(hard));
    PeakAlloc.reset_peak_usage();
    let base = PeakAlloc.current_usage();
    let started = Instant::now();
    READING.store(true, Ordering::Relaxed);
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut s = Session::new();
        let f = s.begin_source("input.json");
        let mut at = 0;
        for (k, &n) in chunks.iter().enumerate() {
            let end = (at + n).min(input.len());
            s.feed(f, &input[at..end]);
            at = end;
            if snapshot_at == Some(k) {
                drop(s.snapshot());
            }
        }
        s.feed(f, &input[at..]);
        s.end_source(f);
        s.finish()
    }));
    READING.store(false, Ordering::Relaxed);
    let cost = Cost {
        peak_bytes: PeakAlloc.peak_usage().saturating_sub(base),
        elapsed: started.elapsed(),
    };
    let _ = ALLOC.set_limit(usize::MAX);
    match result {
        Ok(t) => Ok((t, cost)),
        Err(_) => {
            let message = PANIC.lock().unwrap().take().unwrap_or_default();
            Err(Failure {
                what: format!("panic: {message}"),
            })
        }
    }
}

/// The quickest of two more runs of both reads (how slow an input is, less the machine's
/// noise: wall time on a shared machine).
fn quickest(
    input: &[u8],
    chunks: &[usize],
    snapshot_at: Option<usize>,
    first: Duration,
) -> Duration {
    let both = || -> Option<Duration> {
        let (_, a) = read(input, &[], None).ok()?;
        let (_, b) = read(input, chunks, snapshot_at).ok()?;
        Some(a.elapsed.max(b.elapsed))
    };
    (0..2).filter_map(|_| both()).fold(first, Duration::min)
}

/// Chunk sizes for one chunked read: single bytes, small random pieces, or one split.
fn chunking(len: usize, rng: &mut Rng) -> Vec<usize> {
    match rng.below(8) {
        0 if len <= 2048 => vec![1; len],
        0..=3 => {
            let mut out = Vec::new();
            let mut total = 0;
            while total < len {
                let n = 1 + rng.below(97);
                out.push(n);
                total += n;
            }
            out
        }
        4 | 5 => vec![rng.below(len + 1)],
        _ => {
            let mut out = Vec::new();
            let mut total = 0;
            while total < len {
                let n = 1 + rng.below(len.max(1));
                out.push(n);
                total += n;
            }
            out
        }
    }
}

/// Differences between two reads of the same bytes (none when chunking changed nothing).
fn differences(a: &Trace, b: &Trace) -> Option<String> {
    if a.spans() != b.spans() {
        return Some(format!(
            "spans differ ({} vs {})",
            a.span_count(),
            b.span_count()
        ));
    }
    if a.diagnostics() != b.diagnostics() || a.problem_count() != b.problem_count() {
        let first = a
            .diagnostics()
            .iter()
            .zip(b.diagnostics())
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("{x} / {y}"))
            .unwrap_or_else(|| {
                format!(
                    "{} vs {} rows",
                    a.diagnostics().len(),
                    b.diagnostics().len()
                )
            });
        return Some(format!("diagnostics differ: {first}"));
    }
    let shape = |t: &Trace| {
        (
            t.logs().len(),
            t.lineage().len(),
            t.assets().len(),
            t.strings().len(),
        )
    };
    if shape(a) != shape(b) {
        return Some("logs, lineage, assets or strings differ".into());
    }
    None
}

/// Invariants every trace keeps, whatever the input.
fn broken_invariant(t: &Trace) -> Option<String> {
    let n = t.span_count();
    t.spans().iter().enumerate().find_map(|(i, s)| {
        if s.end < s.start {
            Some(format!("span {i} ends before it starts"))
        } else if s.parent.is_some_and(|p| p.ix() >= n || p.ix() == i) {
            Some(format!("span {i} has a bad parent index"))
        } else {
            None
        }
    })
}

/// Runs every check on one input; the cost of its most expensive read (its time measured again
/// when it is over `record`, the slowest so far, so that a record is the input's own).
fn check(input: &[u8], rng: &mut Rng, max_ms: u128, record: Duration) -> Result<Cost, Failure> {
    let chunks = chunking(input.len(), rng);
    let snapshot_at = rng.one_in(2).then(|| rng.below(chunks.len().max(1)));
    let (whole, c1) = read(input, &[], None)?;
    let (parts, c2) = read(input, &chunks, snapshot_at)?;
    let mut cost = Cost {
        peak_bytes: c1.peak_bytes.max(c2.peak_bytes),
        elapsed: c1.elapsed.max(c2.elapsed),
    };
    if cost.elapsed > record || cost.elapsed.as_millis() > max_ms {
        cost.elapsed = quickest(input, &chunks, snapshot_at, cost.elapsed);
    }
    if cost.peak_bytes > budget(input.len()) {
        let what = format!(
            "allocated {} bytes at peak (budget {})",
            cost.peak_bytes,
            budget(input.len())
        );
        return Err(Failure { what });
    }
    if cost.elapsed.as_millis() > max_ms {
        let what = format!("took {} ms (bound {max_ms} ms)", cost.elapsed.as_millis());
        return Err(Failure { what });
    }
    if let Some(what) = broken_invariant(&whole) {
        return Err(Failure { what });
    }
    if let Some(d) = differences(&whole, &parts) {
        let what = format!(
            "chunking changed the result ({d}; chunks {:?})",
            &chunks[..chunks.len().min(12)]
        );
        return Err(Failure { what });
    }
    Ok(cost)
}

/// What one reader's run found.
#[derive(Default)]
struct Tally {
    inputs: u64,
    failures: u64,
    /// (bytes, input index, input size)
    peak: (usize, u64, usize),
    /// (elapsed, input index, input size)
    slowest: (Duration, u64, usize),
}

fn failures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failures")
}

fn report_failure(name: &str, input: &[u8], f: &Failure) {
    let dir = failures_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}.bin"));
    let _ = std::fs::write(&path, input);
    println!(
        "FAIL {name}: {} (input written to {})",
        f.what,
        path.display()
    );
}

/// Replays files (regression fixtures, or `--replay`) under several chunkings each.
fn replay(files: &[PathBuf], max_ms: u128) -> u64 {
    let mut failed = 0;
    for path in files {
        let input = std::fs::read(path).unwrap();
        for k in 0..20 {
            let mut rng = Rng::for_input(0x5ce1, usize::MAX, k);
            if let Err(f) = check(&input, &mut rng, max_ms, Duration::MAX) {
                println!("FAIL replay {} (chunking {k}): {}", path.display(), f.what);
                failed += 1;
                break;
            }
        }
    }
    println!("replayed {} file(s), {failed} failed", files.len());
    failed
}

/// The regression fixtures: every `tests/fixtures/ingest/fuzz_*` file, sorted.
fn regression_fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ingest");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("fuzz_"))
    });
    files.sort();
    files
}

fn main() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if READING.load(Ordering::Relaxed) {
            *PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(info.to_string());
        } else {
            default_hook(info);
        }
    }));
    let o = options();
    let started = Instant::now();
    if !o.replay.is_empty() {
        std::process::exit(i32::from(replay(&o.replay, o.max_ms) > 0));
    }
    let wanted = |label: &str| {
        o.readers.is_empty()
            || o.readers.iter().any(|r| {
                format!("fuzz_readers::{}", slug(label)).contains(&slug(r))
                    || label.contains(r.as_str())
            })
    };
    let chosen: Vec<usize> = (0..seeds::READERS.len())
        .filter(|&r| wanted(seeds::READERS[r].label))
        .collect();
    let mut failed = replay(&regression_fixtures(), o.max_ms);
    let seeds_of: Vec<Vec<Vec<u8>>> = seeds::READERS.iter().map(seeds::load).collect();
    let all: Vec<Vec<u8>> = seeds_of.iter().flatten().cloned().collect();
    let mut tallies: Vec<Tally> = chosen.iter().map(|_| Tally::default()).collect();
    println!(
        "fuzzing {} reader(s), seed {:#x}, shard {}/{}, {}",
        chosen.len(),
        o.seed,
        o.shard.0,
        o.shard.1,
        match o.seconds {
            Some(s) => format!("for {s} s"),
            None => format!("{} inputs each", o.inputs),
        }
    );
    // round-robin batches, so a time budget gives every reader the same number of inputs
    const BATCH: u64 = 1_000;
    let deadline = o.seconds.map(|s| started + Duration::from_secs_f64(s));
    let mut next_index = o.shard.0;
    let mut last_progress = Instant::now();
    loop {
        let batch_end = next_index + BATCH * o.shard.1;
        for (slot, &r) in chosen.iter().enumerate() {
            let label = seeds::READERS[r].label;
            let mut index = next_index;
            while index < batch_end && (deadline.is_some() || index < o.inputs) {
                let mut rng = Rng::for_input(o.seed, r, index);
                let input = mutate::input(&seeds_of[r], &all, &mut rng);
                let t = &mut tallies[slot];
                t.inputs += 1;
                match check(&input, &mut rng, o.max_ms, t.slowest.0) {
                    Ok(cost) => {
                        if cost.peak_bytes > t.peak.0 {
                            t.peak = (cost.peak_bytes, index, input.len());
                        }
                        if cost.elapsed > t.slowest.0 {
                            t.slowest = (cost.elapsed, index, input.len());
                        }
                    }
                    Err(f) => {
                        t.failures += 1;
                        failed += 1;
                        if t.failures <= 20 {
                            let name = format!("{}-seed{:x}-{index}", slug(label), o.seed);
                            report_failure(&name, &input, &f);
                        }
                    }
                }
                index += o.shard.1;
            }
        }
        next_index = batch_end;
        let done = match deadline {
            Some(d) => Instant::now() >= d,
            None => next_index >= o.inputs,
        };
        if last_progress.elapsed() > Duration::from_secs(60) || done {
            last_progress = Instant::now();
            let n: u64 = tallies.iter().map(|t| t.inputs).sum();
            eprintln!(
                "  {:.0} s: {n} inputs, {failed} failure(s)",
                started.elapsed().as_secs_f64()
            );
        }
        if done {
            break;
        }
    }
    println!(
        "{:<20} {:>10} {:>8} {:>12} {:>26}",
        "reader", "inputs", "failed", "peak alloc", "slowest input"
    );
    for (slot, &r) in chosen.iter().enumerate() {
        let t = &tallies[slot];
        println!(
            "{:<20} {:>10} {:>8} {:>9.1} MB {:>10.2} ms (#{}, {} B)",
            seeds::READERS[r].label,
            t.inputs,
            t.failures,
            t.peak.0 as f64 / 1e6,
            t.slowest.0.as_secs_f64() * 1e3,
            t.slowest.1,
            t.slowest.2
        );
    }
    for (slot, &r) in chosen.iter().enumerate() {
        let t = &tallies[slot];
        // one machine-readable line per reader, summed over shards by scripts/fuzz.sh
        println!(
            "tally\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            seeds::READERS[r].label,
            t.inputs,
            t.failures,
            t.peak.0,
            t.slowest.0.as_nanos(),
            t.slowest.1,
            t.slowest.2
        );
    }
    let secs = started.elapsed().as_secs_f64();
    let passed = tallies.iter().filter(|t| t.failures == 0).count();
    println!(
        "test result: {}. {passed} passed; {} failed; 0 ignored; 0 measured; 0 filtered out; finished in {secs:.2}s",
        if failed == 0 { "ok" } else { "FAILED" },
        chosen.len() - passed,
    );
    std::process::exit(i32::from(failed > 0));
}
