//! The span details panel: renders `layout::details::SpanDetails` as text. Every value is a
//! text node (Leptos escapes it); nothing from a trace is ever inserted as HTML.

use super::assessments::AssessmentSection;
use super::commands::{run, select_span};
use super::state::AppState;
use super::type_icon::TypeIcon;
use crate::layout::chat::ChatMessage;
use crate::layout::commands::Command;
use crate::layout::details::{fold_preview, EventDetails, Field, LogDetails};
use crate::layout::json_tree::JsonNode;
use leptos::prelude::*;

fn field_rows(state: AppState, fields: Vec<Field>) -> impl IntoView {
    fields
        .into_iter()
        .map(|f| {
            let value = if let Some(target) = f.target {
                let label = f.value.clone();
                view! {
                    <button class="link" on:click=move |_| select_span(state, target)>{label}</button>
                }
                .into_any()
            } else if let Some(tree) = f.tree {
                view! { <div class="json-tree" data-testid="json-tree">{json_node(tree)}</div> }.into_any()
            } else if let Some(preview) = f.preview {
                folded(preview, f.value, "").into_any()
            } else if f.is_block {
                view! { <pre>{f.value}</pre> }.into_any()
            } else {
                view! { <span>{f.value}</span> }.into_any()
            };
            view! {
                <tr>
                    <th>{f.key}</th>
                    <td>{value}</td>
                </tr>
            }
        })
        .collect_view()
}

/// Long text folded behind its start, with "show all" (native `<details>`); all text nodes.
fn folded(preview: String, full: String, class: &'static str) -> impl IntoView {
    let more = format!(
        "show all ({} characters, {} lines)",
        full.chars().count(),
        full.lines().count()
    );
    view! {
        <div class="fold" data-testid="folded-text">
            <pre class=format!("preview {class}")>{preview}</pre>
            <details>
                <summary>{more}</summary>
                <pre class=class>{full}</pre>
            </details>
        </div>
    }
}

/// A JSON tree as nested `<details>` (native folding, keyboard included); all text nodes.
fn json_node(node: JsonNode) -> AnyView {
    match node {
        JsonNode::Leaf { key, text, is_string } => {
            let class = if is_string { "json-value json-string" } else { "json-value" };
            view! {
                <div class="json-leaf">
                    {key.map(|k| view! { <span class="json-key">{k}": "</span> })}
                    <span class=class>{text}</span>
                </div>
            }
            .into_any()
        }
        JsonNode::Branch { key, summary, open, children } => view! {
            <details class="json-branch" open=open>
                <summary>
                    {key.map(|k| view! { <span class="json-key">{k}": "</span> })}
                    <span class="json-summary">{summary}</span>
                </summary>
                <div class="json-children">{children.into_iter().map(json_node).collect_view()}</div>
            </details>
        }
        .into_any(),
    }
}

fn event_view(state: AppState, e: EventDetails) -> impl IntoView {
    let class = if e.is_exception {
        "event exception"
    } else {
        "event"
    };
    view! {
        <div class=class>
            <div class="event-head">
                <span class="event-time">{e.offset}</span>
                " "
                <span class="event-name">{e.name}</span>
            </div>
            <table class="kv">{field_rows(state, e.fields)}</table>
        </div>
    }
}

fn conversation(chat: Vec<ChatMessage>) -> impl IntoView {
    (!chat.is_empty()).then(|| {
        let messages = chat
            .into_iter()
            .map(|m| {
                let calls = m.tool_calls.into_iter().map(|(name, args)| view! { <div class="tool-call"><span class="tool-name">{format!("→ {name}")}</span><pre>{args}</pre></div> }).collect_view();
                let class = format!("chat-message role-{}", m.role.replace(|c: char| !c.is_ascii_alphanumeric(), ""));
                let content = (!m.content.is_empty()).then(|| match fold_preview(&m.content) {
                    Some(preview) => folded(preview, m.content, "chat-content").into_any(),
                    None => view! { <pre class="chat-content">{m.content}</pre> }.into_any(),
                });
                view! {
                    <div class=class data-testid="chat-message">
                        <div class="chat-role">{m.role}</div>
                        {content}
                        {calls}
                    </div>
                }
            })
            .collect_view();
        view! { <h3>"Conversation"</h3><div class="chat">{messages}</div> }
    })
}

fn logs(state: AppState, logs: Vec<LogDetails>) -> impl IntoView {
    (!logs.is_empty()).then(|| {
        let entries = logs
            .into_iter()
            .map(|l| {
                view! {
                    <div class="event log" data-testid="log-entry">
                        <div class="event-head">
                            <span class="event-time">{l.offset}</span>
                            " "
                            <span class="log-level">{l.level}</span>
                            " "
                            <span class="event-name">{l.message}</span>
                        </div>
                        <table class="kv">{field_rows(state, l.fields)}</table>
                    </div>
                }
            })
            .collect_view();
        view! { <h3>"Logs"</h3>{entries} }
    })
}

fn section(state: AppState, title: &'static str, fields: Vec<Field>) -> impl IntoView {
    (!fields.is_empty()).then(|| {
        view! {
            <h3>{title}</h3>
            <table class="kv">{field_rows(state, fields)}</table>
        }
    })
}

/// The details panel for the selected span (from the details memo: it follows the selection
/// and the trace only, never the window).
#[component]
pub fn DetailsPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.derived.details.get().map(|shared| {
            let (d, chat) = (*shared.0).clone();
            let title_class = if d.is_error { "title error" } else { "title" };
            let events = (!d.events.is_empty()).then(|| {
                view! {
                    <h3>"Events"</h3>
                    {d.events.into_iter().map(|e| event_view(state, e)).collect_view()}
                }
            });
            let close = Command::Dismiss;
            view! {
                <aside class="details" data-testid="span-details">
                    <div class="details-head">
                        <h2 class=title_class>{d.span_type.map(|kind| view! { <TypeIcon kind /> })}{d.name}</h2>
                        <button class="close" title=close.tooltip() on:click=move |_| run(state, close)>"×"</button>
                    </div>
                    <table class="kv">{field_rows(state, d.overview)}</table>
                    <AssessmentSection />
                    {conversation(chat)}
                    {section(state, "Attributes", d.attributes)}
                    {events}
                    {logs(state, d.logs)}
                    {section(state, "Links", d.links)}
                    {section(state, "Resource", d.resource)}
                </aside>
            }
        })
    }
}
