//! From trace events to slices: `X` slices, `B`/`E` and async pairs matched, instants and
//! process/thread names collected, in file order, with every problem met on the way (to be
//! reported by the reader). Invariant: every event with a time ends up in a slice, an instant or
//! a problem.

use crate::ingest::toolkit::{json_text, TimeField, TIME_RANGE};
use crate::model::{SpanId, TimestampNs};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// One trace event: the fields the reader uses, typed (no JSON tree per event but `args`).
#[derive(Deserialize, Default)]
pub(super) struct Event {
    #[serde(default)]
    pub(super) ph: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    cat: Option<Value>,
    #[serde(default)]
    ts: Option<Value>,
    #[serde(default)]
    dur: Option<Value>,
    #[serde(default)]
    pid: Option<Value>,
    #[serde(default)]
    tid: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    id2: Option<Value>,
    #[serde(default)]
    s: Option<Value>,
    #[serde(default)]
    args: Option<Value>,
}

/// A slice or instant on its way to becoming a span.
pub(super) struct Slice {
    pub(super) name: String,
    pub(super) start: i64,
    pub(super) end: i64,
    pub(super) pid: String,
    pub(super) tid: String,
    pub(super) args: Map<String, Value>,
    pub(super) order: usize,
    pub(super) events: Vec<(i64, String, Map<String, Value>)>,
    pub(super) span_id: Option<SpanId>,
    pub(super) parent: Option<SpanId>,
}

fn key_of(v: Option<&Value>) -> String {
    v.map(|v| json_text(v).into_owned()).unwrap_or_default()
}

/// Slices, instants, names and problems gathered from the events in file order.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) process_names: HashMap<String, String>,
    pub(super) thread_names: HashMap<(String, String), String>,
    pub(super) slices: Vec<Slice>,
    pub(super) open: HashMap<(String, String), Vec<Slice>>,
    pub(super) open_async: HashMap<(String, String, String), Vec<Slice>>,
    pub(super) instants: Vec<Slice>,
    pub(super) last_ts: HashMap<(String, String), i64>,
    pub(super) problems: Vec<String>,
}

impl Gathered {
    pub(super) fn add(&mut self, order: usize, e: Event) {
        let ph = e.ph.unwrap_or_default();
        let pid = key_of(e.pid.as_ref());
        let tid = key_of(e.tid.as_ref());
        let name = e.name.unwrap_or_default();
        let args = match e.args {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        if ph == "M" {
            let label = args.get("name").and_then(Value::as_str).unwrap_or("");
            match name.as_str() {
                "process_name" => drop(self.process_names.insert(pid, label.to_string())),
                "thread_name" => drop(self.thread_names.insert((pid, tid), label.to_string())),
                _ => {}
            }
            return;
        }
        let ts = match TimeField::from_json(e.ts.as_ref(), 1_000) {
            TimeField::Ns(ts) => ts,
            other => {
                if matches!(
                    ph.as_str(),
                    "X" | "B" | "E" | "b" | "e" | "S" | "F" | "i" | "I" | "R" | "n"
                ) {
                    self.problems.push(match other {
                        TimeField::OutOfRange(v) => {
                            format!("{ph} event {name:?}: ts {v} is out of range ({TIME_RANGE}); skipped")
                        }
                        _ => format!("{ph} event {name:?} has no readable ts; skipped"),
                    });
                }
                return;
            }
        };
        let thread = (pid.clone(), tid.clone());
        let lt = self.last_ts.entry(thread.clone()).or_insert(ts);
        *lt = (*lt).max(ts);
        let id_arg = |k: &str| {
            args.get(k)
                .and_then(Value::as_str)
                .and_then(SpanId::from_external)
        };
        let (span_id, parent) = (id_arg("span_id"), id_arg("parent_id"));
        let slice = |start: i64, end: i64, args: Map<String, Value>| Slice {
            name: name.clone(),
            start,
            end,
            pid: pid.clone(),
            tid: tid.clone(),
            args,
            order,
            events: Vec::new(),
            span_id,
            parent,
        };
        match ph.as_str() {
            "X" => {
                let end = match TimeField::from_json(e.dur.as_ref(), 1_000).after(TimestampNs(ts)) {
                    TimeField::Ns(end) if end >= ts => end,
                    TimeField::OutOfRange(v) => {
                        self.problems.push(format!(
                            "X event {name:?} at {ts} ns ends out of range ({v}; {TIME_RANGE}); skipped"
                        ));
                        return;
                    }
                    _ => {
                        self.problems.push(format!(
                            "X event {name:?} at {ts} ns has no readable duration; drawn as an instant"
                        ));
                        ts
                    }
                };
                *self.last_ts.entry(thread).or_insert(ts) = end;
                self.slices.push(slice(ts, end, args));
            }
            "B" => self
                .open
                .entry(thread)
                .or_default()
                .push(slice(ts, ts, args)),
            "E" => self.close(thread, &name, ts, args),
            "b" | "S" => {
                let key = (
                    key_of(e.cat.as_ref()),
                    key_of(e.id.as_ref().or(e.id2.as_ref())),
                    name.clone(),
                );
                self.open_async
                    .entry(key)
                    .or_default()
                    .push(slice(ts, ts, args));
            }
            "e" | "F" => {
                let key = (
                    key_of(e.cat.as_ref()),
                    key_of(e.id.as_ref().or(e.id2.as_ref())),
                    name.clone(),
                );
                match self.open_async.get_mut(&key).and_then(Vec::pop) {
                    Some(mut s) => {
                        s.end = ts.max(s.start);
                        s.tid = format!("async {}", key.0);
                        self.slices.push(s);
                    }
                    None => self.problems.push(format!(
                        "async end {name:?} at {ts} ns has no matching begin; ignored"
                    )),
                }
            }
            "i" | "I" | "R" | "n" => {
                let scope = e.s.as_ref().and_then(Value::as_str).unwrap_or("t");
                let mut s = slice(ts, ts, args);
                if scope != "t" {
                    s.tid = String::new();
                }
                self.instants.push(s);
            }
            _ => {}
        }
    }

    /// An `E` closes the latest open `B` of its thread.
    fn close(&mut self, thread: (String, String), name: &str, ts: i64, args: Map<String, Value>) {
        match self.open.get_mut(&thread).and_then(Vec::pop) {
            Some(mut s) => {
                if !name.is_empty() && name != s.name {
                    self.problems.push(format!(
                        "E event {name:?} at {ts} ns closes B event {:?} (matched by order)",
                        s.name
                    ));
                }
                s.end = ts.max(s.start);
                s.args.extend(args);
                self.slices.push(s);
            }
            None => self.problems.push(format!(
                "E event {name:?} at {ts} ns has no open B event on pid {} tid {}; ignored",
                thread.0, thread.1
            )),
        }
    }

    /// Ends what never ended: a `B` at its thread's last timestamp; an async begin is dropped.
    /// Both are reported in file order (the open maps are hash maps: their order is none).
    pub(super) fn close_all(&mut self) {
        let mut open: Vec<((String, String), Slice)> = std::mem::take(&mut self.open)
            .into_iter()
            .flat_map(|(thread, stack)| stack.into_iter().map(move |s| (thread.clone(), s)))
            .collect();
        open.sort_by_key(|(_, s)| s.order);
        for (thread, mut s) in open {
            s.end = self
                .last_ts
                .get(&thread)
                .copied()
                .unwrap_or(s.start)
                .max(s.start);
            self.problems.push(format!(
                "B event {:?} on pid {} tid {} never ends; ended at the thread's last timestamp",
                s.name, thread.0, thread.1
            ));
            self.slices.push(s);
        }
        let mut open_async: Vec<Slice> = std::mem::take(&mut self.open_async)
            .into_values()
            .flatten()
            .collect();
        open_async.sort_by_key(|s| s.order);
        for s in open_async {
            self.problems
                .push(format!("async begin {:?} never ends; skipped", s.name));
        }
    }
}
