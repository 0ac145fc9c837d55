"""Logs a fixed set of traces into an MLflow tracking server through the real `mlflow` Python API
(pinned 3.17.2, installed by scripts/setup.sh into .tools/mlflow) and prints a JSON manifest of
what it logged, for tests that read them back (REST or the app).

    .tools/mlflow/bin/python tests/e2e/support/mlflow_seed.py --tracking-uri http://127.0.0.1:PORT

| trace        | state       | spans | assessments                                         |
|--------------|-------------|-------|-----------------------------------------------------|
| agent_run    | OK          | 5     | LLM-judge correctness=true, human helpfulness=4,    |
|              |             |       | expectation expected_response, span-level relevance |
| failing_tool | ERROR       | 3     | LLM-judge correctness=false                         |
| wide_batch   | OK          | 226   | expectation expected_steps=25                       |
| in_progress  | IN_PROGRESS | 2+    | none (its root never ends; the server has children) |

Span types: CHAIN, AGENT, CHAT_MODEL, RETRIEVER, TOOL, LLM. Token usage is set on LLM spans, so
the server adds it up per trace. Times and ids change per run; counts, names and values do not.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("MLFLOW_ENABLE_ASYNC_TRACE_LOGGING", "false")

import mlflow  # noqa: E402
from mlflow.entities import AssessmentSource, AssessmentSourceType, SpanType  # noqa: E402
from mlflow.tracing.constant import SpanAttributeKey  # noqa: E402


def usage(span, model, inp, out):
    span.set_attribute(SpanAttributeKey.MODEL, model)
    span.set_attribute(
        SpanAttributeKey.CHAT_USAGE,
        {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out},
    )


def agent_run():
    with mlflow.start_span("agent_run", span_type=SpanType.AGENT) as root:
        root.set_inputs({"question": "What's the weather in Paris?"})
        mlflow.update_current_trace(
            user="alice", session_id="session-0001", tags={"skein.fixture": "agent_run"}
        )
        with mlflow.start_span("plan", span_type=SpanType.CHAT_MODEL) as llm:
            llm.set_inputs(
                {"messages": [{"role": "user", "content": "What's the weather in Paris?"}]}
            )
            llm.set_outputs(
                {"choices": [{"message": {"role": "assistant", "content": "Look it up."}}]}
            )
            usage(llm, "gpt-4o-mini", 300, 60)
        with mlflow.start_span("search_docs", span_type=SpanType.RETRIEVER) as r:
            r.set_inputs({"query": "paris weather"})
            r.set_outputs([{"page_content": "Paris: sunny, 21 C", "metadata": {"doc_uri": "w.md"}}])
        with mlflow.start_span("get_weather", span_type=SpanType.TOOL) as tool:
            tool.set_inputs({"city": "Paris"})
            tool.set_outputs({"forecast": "sunny", "celsius": 21})
            tool_span = tool.span_id
        with mlflow.start_span("answer", span_type=SpanType.LLM) as llm:
            llm.set_inputs({"prompt": "Weather: sunny, 21 C. Answer briefly."})
            llm.set_outputs("It is sunny in Paris (21 C).")
            usage(llm, "gpt-4o-mini", 120, 50)
        root.set_outputs("It is sunny in Paris (21 C).")
        trace_id = root.trace_id
    return trace_id, tool_span


def failing_tool():
    try:
        with mlflow.start_span("failing_tool", span_type=SpanType.CHAIN) as root:
            root.set_inputs({"order_id": "A-17"})
            mlflow.update_current_trace(user="bob", tags={"skein.fixture": "failing_tool"})
            trace_id = root.trace_id
            with mlflow.start_span("lookup", span_type=SpanType.LLM) as llm:
                usage(llm, "gpt-4o-mini", 50, 10)
            with mlflow.start_span("flaky_api", span_type=SpanType.TOOL):
                raise RuntimeError("upstream timeout while fetching order A-17")
    except RuntimeError:
        pass
    return trace_id


def wide_batch():
    with mlflow.start_span("wide_batch", span_type=SpanType.CHAIN) as root:
        mlflow.update_current_trace(tags={"skein.fixture": "wide_batch"})
        for step in range(25):
            with mlflow.start_span(f"step_{step:02d}", span_type=SpanType.CHAIN) as s:
                s.set_inputs({"step": step})
                for k in range(8):
                    kind = SpanType.LLM if k == 0 else SpanType.TOOL
                    with mlflow.start_span(f"step_{step:02d}_part_{k}", span_type=kind) as part:
                        if k == 0:
                            usage(part, "gpt-4o-mini", 40, 8)
        trace_id = root.trace_id
    return trace_id


def in_progress():
    root = mlflow.start_span_no_context("in_progress", span_type=SpanType.AGENT)
    for k in range(2):
        child = mlflow.start_span_no_context(
            f"finished_step_{k}", span_type=SpanType.TOOL, parent_span=root
        )
        child.end()
    # the root is never ended: the server holds the finished children of an open trace
    return root.trace_id


def source(kind, who):
    return AssessmentSource(source_type=kind, source_id=who)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tracking-uri", required=True)
    ap.add_argument("--experiment-name", default=f"skein-seed-{int(time.time() * 1000)}")
    args = ap.parse_args()
    mlflow.set_tracking_uri(args.tracking_uri)
    experiment = mlflow.set_experiment(args.experiment_name)

    agent, tool_span = agent_run()
    failing = failing_tool()
    wide = wide_batch()
    open_trace = in_progress()
    mlflow.flush_trace_async_logging()

    judge = source(AssessmentSourceType.LLM_JUDGE, "gpt-4o-mini-judge")
    human = source(AssessmentSourceType.HUMAN, "reviewer@example.com")
    mlflow.log_feedback(
        trace_id=agent, name="correctness", value=True, source=judge,
        rationale="The answer matches the tool output (sunny, 21 C).",
    )
    mlflow.log_feedback(trace_id=agent, name="helpfulness", value=4, source=human)
    mlflow.log_expectation(
        trace_id=agent, name="expected_response", value="Sunny, around 21 C.", source=human
    )
    mlflow.log_feedback(
        trace_id=agent, name="relevance", value="high", source=judge, span_id=tool_span,
        rationale="The tool was asked for the right city.",
    )
    mlflow.log_feedback(
        trace_id=failing, name="correctness", value=False, source=judge,
        rationale="The tool failed; no answer was given.",
    )
    mlflow.log_expectation(trace_id=wide, name="expected_steps", value=25, source=human)

    def row(trace_id, name, state, spans, assessments, tokens):
        return {"trace_id": trace_id, "name": name, "state": state, "span_count": spans,
                "assessments": assessments, "total_tokens": tokens}

    manifest = {
        "experiment_id": experiment.experiment_id,
        "experiment_name": args.experiment_name,
        "traces": [
            row(agent, "agent_run", "OK", 5,
                [{"name": "correctness", "kind": "feedback", "value": True},
                 {"name": "helpfulness", "kind": "feedback", "value": 4},
                 {"name": "expected_response", "kind": "expectation", "value": "Sunny, around 21 C."},
                 {"name": "relevance", "kind": "feedback", "value": "high", "span_id": tool_span}],
                530),
            row(failing, "failing_tool", "ERROR", 3,
                [{"name": "correctness", "kind": "feedback", "value": False}], 60),
            row(wide, "wide_batch", "OK", 1 + 25 * 9,
                [{"name": "expected_steps", "kind": "expectation", "value": 25}], 25 * 48),
            row(open_trace, "in_progress", "IN_PROGRESS", 2, [], 0),
        ],
    }
    json.dump(manifest, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
