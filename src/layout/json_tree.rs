//! JSON values as a collapsible tree for the details panel: branches say what they hold
//! (`{3 keys}`, `[12 items]`), leaves are text. Bounded so a huge payload cannot flood the
//! page: at most `MAX_CHILDREN` children per branch and `MAX_NODES` nodes in all, the rest
//! counted in a note. Everything is text; the shell renders it with `<details>`.

use serde_json::Value;

/// Children shown per object or array.
pub const MAX_CHILDREN: usize = 200;
/// Nodes shown per tree.
pub const MAX_NODES: usize = 2_000;
/// Branches at a depth below this start open.
pub const OPEN_DEPTH: usize = 2;

/// One node of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonNode {
    /// A scalar (or a cut-off note): its key (object member name or `[i]`) and text.
    Leaf {
        /// Member name or index, if inside a branch.
        key: Option<String>,
        /// The value as text (strings without quotes).
        text: String,
        /// True for strings (shown differently from numbers, booleans, null).
        is_string: bool,
    },
    /// An object or array.
    Branch {
        /// Member name or index, if inside a branch.
        key: Option<String>,
        /// `{n keys}` or `[n items]`.
        summary: String,
        /// Starts expanded.
        open: bool,
        /// Members or items.
        children: Vec<JsonNode>,
    },
}

/// The tree of `v`.
pub fn json_tree(v: &Value) -> JsonNode {
    let mut budget = MAX_NODES;
    node(None, v, 0, &mut budget)
}

fn node(key: Option<String>, v: &Value, depth: usize, budget: &mut usize) -> JsonNode {
    *budget = budget.saturating_sub(1);
    let members: Vec<(String, &Value)> = match v {
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("[{i}]"), v))
            .collect(),
        Value::String(s) => {
            return JsonNode::Leaf {
                key,
                text: s.clone(),
                is_string: true,
            }
        }
        other => {
            return JsonNode::Leaf {
                key,
                text: other.to_string(),
                is_string: false,
            }
        }
    };
    let summary = match v {
        Value::Object(_) => format!(
            "{{{} key{}}}",
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        ),
        _ => format!(
            "[{} item{}]",
            members.len(),
            if members.len() == 1 { "" } else { "s" }
        ),
    };
    let mut children = Vec::new();
    for (k, child) in members.iter().take(MAX_CHILDREN) {
        if *budget == 0 {
            break;
        }
        children.push(node(Some(k.clone()), child, depth + 1, budget));
    }
    if children.len() < members.len() {
        let rest = members.len() - children.len();
        children.push(JsonNode::Leaf {
            key: None,
            text: format!("… {rest} more not shown"),
            is_string: false,
        });
    }
    JsonNode::Branch {
        key,
        summary,
        open: depth < OPEN_DEPTH,
        children,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_summarise_and_leaves_keep_text() {
        let v: Value = serde_json::from_str(
            r#"{"messages": [{"role": "user", "content": "<b>hi</b>"}], "n": 3, "ok": null}"#,
        )
        .unwrap();
        let JsonNode::Branch {
            summary,
            open,
            children,
            ..
        } = json_tree(&v)
        else {
            panic!("a branch")
        };
        assert_eq!((summary.as_str(), open), ("{3 keys}", true));
        let JsonNode::Branch {
            key,
            summary,
            children: items,
            ..
        } = &children[0]
        else {
            panic!("messages is a branch")
        };
        assert_eq!(
            (key.as_deref(), summary.as_str()),
            (Some("messages"), "[1 item]")
        );
        let JsonNode::Branch {
            open,
            children: fields,
            ..
        } = &items[0]
        else {
            panic!("a message is a branch")
        };
        assert!(!open, "depth 2 starts closed");
        assert_eq!(
            fields[1],
            JsonNode::Leaf {
                key: Some("content".into()),
                text: "<b>hi</b>".into(),
                is_string: true
            }
        );
        assert_eq!(
            children[2],
            JsonNode::Leaf {
                key: Some("ok".into()),
                text: "null".into(),
                is_string: false
            }
        );
    }

    #[test]
    fn huge_values_are_cut_with_a_note() {
        let v = Value::Array((0..5_000).map(Value::from).collect());
        let JsonNode::Branch {
            children, summary, ..
        } = json_tree(&v)
        else {
            panic!("a branch")
        };
        assert_eq!(summary, "[5000 items]");
        assert_eq!(children.len(), MAX_CHILDREN + 1);
        assert!(
            matches!(&children[MAX_CHILDREN], JsonNode::Leaf { text, .. } if text == "… 4800 more not shown")
        );
        // many nested branches stop at the node budget
        let wide = Value::Array(
            (0..100)
                .map(|_| Value::Array((0..100).map(Value::from).collect()))
                .collect(),
        );
        fn count(n: &JsonNode) -> usize {
            match n {
                JsonNode::Leaf { .. } => 1,
                JsonNode::Branch { children, .. } => 1 + children.iter().map(count).sum::<usize>(),
            }
        }
        assert!(
            count(&json_tree(&wide)) <= MAX_NODES + 2 * 100,
            "{}",
            count(&json_tree(&wide))
        );
    }
}
