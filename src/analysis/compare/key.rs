//! Matching keys: what makes a span of run A "the same" as a span of run B, never its id (two
//! runs share none). A key is a path of (service, span name) steps with Jaeger's leaf flag,
//! started at the root or at the span where a group value (a data id, an attribute) begins:
//!
//! ```text
//!  path     task > inference > generation·leaf          (from the root)
//!  data-id  [tsk-7] task > inference > generation·leaf  (from the span whose data_id is tsk-7)
//! ```
//!
//! Invariant: keys are interned in one `KeyTable` shared by every side, so equal paths get
//! equal `KeyId`s whichever trace (and string table) they came from.

use super::side::Side;
use crate::model::{AttrValue, SpanIdx, StrIdx, Trace};
use rustc_hash::FxHashMap;
use std::fmt;

/// The attribute FlowMesh tasks carry.
pub const DATA_ID: &str = "data_id";

/// How spans are matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchKey {
    /// FlowMesh tasks by `data_id`; inside a task, as `Path`; spans with no data id as `Path`.
    DataId,
    /// The ancestral path of (service, span name) from the root, with the leaf flag.
    Path,
    /// Grouped by the value of an attribute (on the span or its nearest ancestor that has it),
    /// then as `Path` inside the group.
    Attr(String),
}

impl MatchKey {
    /// The default for two sides: `DataId` when both have data ids, else `Path`.
    pub fn default_for(a: &Side, b: &Side) -> MatchKey {
        if has_data_ids(a) && has_data_ids(b) {
            MatchKey::DataId
        } else {
            MatchKey::Path
        }
    }

    /// The attribute that starts a group, if any.
    pub fn group_attribute(&self) -> Option<&str> {
        match self {
            MatchKey::DataId => Some(DATA_ID),
            MatchKey::Path => None,
            MatchKey::Attr(k) => Some(k),
        }
    }
}

impl fmt::Display for MatchKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MatchKey::DataId => f.write_str("data-id"),
            MatchKey::Path => f.write_str("path"),
            MatchKey::Attr(k) => write!(f, "attr:{k}"),
        }
    }
}

impl std::str::FromStr for MatchKey {
    type Err = String;

    /// Reads `data-id`, `path` or `attr:<key>`.
    fn from_str(s: &str) -> Result<MatchKey, String> {
        match s {
            "data-id" => Ok(MatchKey::DataId),
            "path" => Ok(MatchKey::Path),
            _ => match s.strip_prefix("attr:") {
                Some(k) if !k.is_empty() => Ok(MatchKey::Attr(k.to_string())),
                _ => Err(format!(
                    "unknown key {s:?} (expected data-id, path or attr:<key>)"
                )),
            },
        }
    }
}

/// True when some span of the side carries a data id.
pub fn has_data_ids(side: &Side) -> bool {
    let Some(k) = side.trace().strings().find(DATA_ID) else {
        return false;
    };
    side.spans().any(|s| {
        side.trace()
            .span_attributes(s)
            .iter()
            .any(|a| a.key == k && matches!(a.value, AttrValue::Str(_)))
    })
}

/// Dense index of an interned key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

impl KeyId {
    /// As a `usize` index.
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

const NONE: u32 = u32::MAX;

/// One step of a key: the step before it (or `NONE` at a path start), the group value that
/// starts here (or `NONE`), service and name (word ids), and the leaf flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Step {
    before: u32,
    group: u32,
    service: u32,
    name: u32,
    is_leaf: bool,
}

/// Every key seen on any side, interned.
#[derive(Debug, Clone, Default)]
pub struct KeyTable {
    words: Vec<String>,
    word_ids: FxHashMap<String, u32>,
    steps: Vec<Step>,
    step_ids: FxHashMap<Step, u32>,
}

/// The spans of one side with their keys, sorted by (key, start, span index): the spans of
/// one key in start order, ready to be paired.
#[derive(Debug, Clone, Default)]
pub struct KeyedSpans {
    /// (key, span).
    pub spans: Vec<(KeyId, SpanIdx)>,
}

impl KeyTable {
    /// Number of keys.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True when no key was interned.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    fn word(&mut self, text: &str) -> u32 {
        if let Some(&w) = self.word_ids.get(text) {
            return w;
        }
        let w = self.words.len() as u32;
        self.words.push(text.to_string());
        self.word_ids.insert(text.to_string(), w);
        w
    }

    fn step(&mut self, s: Step) -> u32 {
        if let Some(&k) = self.step_ids.get(&s) {
            return k;
        }
        let k = self.steps.len() as u32;
        self.steps.push(s);
        self.step_ids.insert(s, k);
        k
    }

    /// The key as text: `[group] service:name > name > other:name·leaf` (the service where it
    /// changes, never when empty).
    pub fn text(&self, k: KeyId) -> String {
        let mut chain = Vec::new();
        let mut cur = k.0;
        while let Some(s) = self.steps.get(cur as usize) {
            chain.push(*s);
            cur = s.before;
        }
        let mut out = String::new();
        for (i, s) in chain.iter().rev().enumerate() {
            if i == 0 {
                if let Some(g) = self.words.get(s.group as usize) {
                    out.push('[');
                    out.push_str(g);
                    out.push_str("] ");
                }
            } else {
                out.push_str(" > ");
            }
            // the service is written where it changes, as in Jaeger's trace graph
            let service = &self.words[s.service as usize];
            let before = chain.len() - i; // chain[before] is the previous step
            let same = chain.get(before).is_some_and(|p| p.service == s.service) && i > 0;
            if !service.is_empty() && !same {
                out.push_str(service);
                out.push(':');
            }
            out.push_str(&self.words[s.name as usize]);
            if s.is_leaf {
                out.push_str("·leaf");
            }
        }
        out
    }

    /// The group value a key starts from (its data id under `MatchKey::DataId`), if any.
    pub fn group(&self, k: KeyId) -> Option<&str> {
        let mut cur = k.0;
        while let Some(s) = self.steps.get(cur as usize) {
            if s.before == NONE {
                return self.words.get(s.group as usize).map(String::as_str);
            }
            cur = s.before;
        }
        None
    }

    /// The service of a key's last step ("" when unknown).
    pub fn service(&self, k: KeyId) -> &str {
        self.steps
            .get(k.ix())
            .map_or("", |s| self.words[s.service as usize].as_str())
    }

    /// The span name of a key's last step.
    pub fn span_name(&self, k: KeyId) -> &str {
        self.steps
            .get(k.ix())
            .map_or("", |s| self.words[s.name as usize].as_str())
    }

    /// Keys every span of `side` by `key`, walking each root's tree top-down (iteratively).
    pub fn key_side(&mut self, side: &Side, key: &MatchKey) -> KeyedSpans {
        let trace = side.trace();
        let group_key = key.group_attribute().and_then(|k| trace.strings().find(k));
        let mut words = WordCache::new(trace);
        // (key, start, span): the start is copied in so the sort does not chase spans
        let mut out: Vec<(KeyId, i64, SpanIdx)> = Vec::with_capacity(side.span_count());
        // (span, the step before it, the group value it inherits)
        let mut stack: Vec<(SpanIdx, u32, u32)> = Vec::new();
        for root in side.roots() {
            stack.push((root, NONE, NONE));
            while let Some((s, before, inherited)) = stack.pop() {
                let own = group_key.and_then(|k| group_value(trace, s, k));
                let own = own.map(|v| words.value(self, trace, v));
                let starts_group = own.is_some_and(|g| g != inherited) || before == NONE;
                let group = own.unwrap_or(inherited);
                let service = words.string(self, trace, service_of(trace, s));
                let step = Step {
                    before: if starts_group { NONE } else { before },
                    group: if starts_group { group } else { NONE },
                    service,
                    name: words.string(self, trace, Some(trace.span(s).name)),
                    is_leaf: trace.children(s).is_empty(),
                };
                let k = self.step(step);
                out.push((KeyId(k), trace.span(s).start.0, s));
                for &c in trace.children(s).iter().rev() {
                    stack.push((c, k, group));
                }
            }
        }
        out.sort_unstable();
        KeyedSpans {
            spans: out.into_iter().map(|(k, _, s)| (k, s)).collect(),
        }
    }
}

/// The service's interned name of a span (`None` when unknown).
fn service_of(trace: &Trace, s: SpanIdx) -> Option<StrIdx> {
    trace
        .resources()
        .get(trace.span(s).resource.ix())
        .map(|r| r.service_name)
}

fn group_value(trace: &Trace, s: SpanIdx, key: StrIdx) -> Option<AttrValue> {
    trace
        .span_attributes(s)
        .iter()
        .find(|a| a.key == key)
        .map(|a| a.value)
}

/// A trace's interned strings mapped to `KeyTable` words, filled as they are met (one hash
/// lookup per distinct string instead of one per span).
struct WordCache {
    of_string: Vec<u32>,
}

impl WordCache {
    fn new(trace: &Trace) -> WordCache {
        WordCache {
            of_string: vec![NONE; trace.strings().len()],
        }
    }

    fn string(&mut self, table: &mut KeyTable, trace: &Trace, s: Option<StrIdx>) -> u32 {
        let Some(s) = s else {
            return table.word("");
        };
        match self.of_string.get(s.ix()) {
            Some(&w) if w != NONE => w,
            _ => {
                let w = table.word(trace.text(s));
                if let Some(slot) = self.of_string.get_mut(s.ix()) {
                    *slot = w;
                }
                w
            }
        }
    }

    fn value(&mut self, table: &mut KeyTable, trace: &Trace, v: AttrValue) -> u32 {
        match v {
            AttrValue::Str(s) | AttrValue::Json(s) => self.string(table, trace, Some(s)),
            AttrValue::Int(i) => table.word(&i.to_string()),
            AttrValue::Float(f) => table.word(&f.to_string()),
            AttrValue::Bool(b) => table.word(if b { "true" } else { "false" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_names_round_trip() {
        for text in ["data-id", "path", "attr:gen_ai.tool.name"] {
            let k: MatchKey = text.parse().unwrap();
            assert_eq!(k.to_string(), text);
        }
        assert!("attr:".parse::<MatchKey>().is_err());
        assert!("span-id".parse::<MatchKey>().is_err());
    }
}
