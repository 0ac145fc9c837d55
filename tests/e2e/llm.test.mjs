// LLM and agent views end to end: span types with icons, token and cost summaries per trace and
// per model, conversations, JSON trees, and the list of failed spans. Expected numbers and texts
// are read from the fixture files here, never from the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot } from './support/browser.mjs';

const ctx = useApp();

const MLFLOW_TYPES = { AGENT: 'agent', EMBEDDING: 'embedding', RERANKER: 'reranker', CHAT_MODEL: 'chat model', LLM: 'LLM', TOOL: 'tool', RETRIEVER: 'retriever', CHAIN: 'chain', PARSER: 'parser' };
const hexId = (b64) => Buffer.from(b64, 'base64').toString('hex');
const mlflowLines = () => fixture('generated/mlflow/traces.jsonl').toString().trim().split('\n').map((l) => JSON.parse(l));
const legendTypes = (page) => page.$$eval('[data-testid=legend] [data-testid=type-icon]', (els) => els.map((e) => e.dataset.type));

test('an MLflow trace shows its span types, token summary and a chat conversation', async () => {
  const buf = fixture('generated/mlflow/trace_3_manual_spans.json');
  const doc = JSON.parse(buf);
  const chat = doc.data.spans.find((s) => JSON.parse(s.attributes['mlflow.spanType']) === 'CHAT_MODEL');
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?span=${hexId(chat.span_id)}`);
  await dropFiles(page, [['trace_3_manual_spans.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  // every span type of the file has its icon in the legend
  const types = await legendTypes(page);
  for (const s of doc.data.spans) {
    const t = MLFLOW_TYPES[JSON.parse(s.attributes['mlflow.spanType'])];
    assert.ok(types.includes(t), `${t} in ${types}`);
  }
  // the token summary equals the trace's own usage record
  const usage = JSON.parse(doc.info.trace_metadata['mlflow.trace.tokenUsage']);
  const summary = await page.textContent('[data-testid=llm-summary]');
  assert.ok(summary.includes(`in ${usage.input_tokens} / out ${usage.output_tokens} / total ${usage.total_tokens}`), summary);
  // the chat model span: its icon, then the conversation from its inputs and outputs
  assert.equal(await page.getAttribute('[data-testid=span-details] h2 [data-testid=type-icon]', 'data-type'), 'chat model');
  const inputs = JSON.parse(chat.attributes['mlflow.spanInputs']);
  const outputs = JSON.parse(chat.attributes['mlflow.spanOutputs']);
  const want = [...inputs.messages, ...outputs.choices.map((c) => c.message)];
  const got = await page.$$eval('[data-testid=chat-message]', (els) => els.map((e) => [e.querySelector('.chat-role').textContent, e.querySelector('.chat-content').textContent]));
  assert.deepEqual(got, want.map((m) => [m.role, m.content]));
  await screenshot(page, 'llm-mlflow-conversation.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the LLM panel sums tokens and cost per trace and per model', async () => {
  const lines = mlflowLines();
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['traces.jsonl', fixture('generated/mlflow/traces.jsonl')]]);
  assert.equal(await waitForState(page), 'ready');
  await page.click('[data-testid=llm-summary]');
  await page.waitForSelector('[data-testid=llm-panel]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('panel') === 'llm');
  const rows = await page.$$eval('[data-testid=llm-trace-row]', (els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
  const withUsage = lines.filter((l) => l.info.trace_metadata['mlflow.trace.tokenUsage']);
  assert.equal(rows.length, withUsage.length);
  for (const l of withUsage) {
    const u = JSON.parse(l.info.trace_metadata['mlflow.trace.tokenUsage']);
    const id = l.info.trace_id.replace(/^tr-/, '').slice(0, 8);
    const row = rows.find((r) => r[0].endsWith(id));
    assert.ok(row, `a row for ${id}: ${JSON.stringify(rows)}`);
    // columns: trace, calls, in, out, total, cached, cost
    assert.deepEqual(row.slice(2, 5).map(Number), [u.input_tokens, u.output_tokens, u.total_tokens]);
    const cost = l.info.trace_metadata['mlflow.trace.cost'];
    assert.equal(row[6], cost ? JSON.parse(cost).total_cost.toFixed(6) : '');
  }
  const models = await page.$$eval('[data-testid=llm-model-row] td:first-child', (els) => els.map((e) => e.textContent));
  assert.ok(models.includes('gpt-4o-mini'), models.join());
  // one row per call that reported usage, the biggest first; a click selects it
  const calls = lines.flatMap((l) => l.data.spans).filter((sp) => sp.attributes['mlflow.chat.tokenUsage'])
    .map((sp) => ({ name: sp.name, total: JSON.parse(sp.attributes['mlflow.chat.tokenUsage']).total_tokens }))
    .sort((a, b) => b.total - a.total);
  const callRows = await page.$$eval('[data-testid=llm-call-row]', (els) => els.map((e) => [...e.querySelectorAll('td')].map((td) => td.textContent)));
  assert.deepEqual(callRows.map((r) => [r[0], Number(r[4])]), calls.map((c) => [c.name, c.total]));
  await page.locator('[data-testid=llm-call-row] button').first().click();
  assert.equal(await page.textContent('[data-testid=span-details] h2'), calls[0].name);
  await screenshot(page, 'llm-summary.png');
  await page.close();
});

test('every failed span is listed with its error and selects on click', async () => {
  const lines = mlflowLines();
  const failed = lines.flatMap((l) => l.data.spans).filter((s) => s.status.code === 'STATUS_CODE_ERROR');
  assert.ok(failed.length >= 2, 'the fixture has failures');
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['traces.jsonl', fixture('generated/mlflow/traces.jsonl')]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=failures-count]'), `${failed.length} failed`);
  await page.click('[data-testid=failures-count]');
  const items = await page.$$eval('[data-testid=failed-span]', (els) => els.map((e) => e.textContent));
  assert.equal(items.length, failed.length);
  for (const s of failed) {
    // each row names the span and says why (the exception message, else the status text)
    const exception = s.events.find((e) => e.name === 'exception');
    const why = exception ? `${exception.attributes['exception.type']}: ${exception.attributes['exception.message']}` : s.status.message;
    assert.ok(items.some((t) => t.startsWith(s.name) && t.includes(why)), `${s.name}: ${why} in ${items.join(' | ')}`);
  }
  await page.locator('[data-testid=failed-span] button').last().click();
  const details = await page.textContent('[data-testid=span-details] h2');
  assert.ok(failed.some((s) => details === s.name), details);
  await page.close();
});

test('big JSON inputs read as a collapsible tree of text', async () => {
  const buf = fixture('generated/mlflow/trace_1_agent_run.json');
  const plan = JSON.parse(buf).data.spans.find((s) => s.name === 'plan');
  const inputs = JSON.parse(plan.attributes['mlflow.spanInputs']);
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?span=${hexId(plan.span_id)}`);
  await dropFiles(page, [['trace_1_agent_run.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  const tree = page.locator('[data-testid=span-details] [data-testid=json-tree]').first();
  assert.ok((await tree.textContent()).includes(inputs.question));
  // the first document is folded until its summary is clicked
  const doc0 = tree.locator('details.json-branch details.json-branch details.json-branch').first();
  assert.equal(await doc0.getAttribute('open'), null);
  assert.equal(await doc0.locator('.json-children').first().isVisible(), false);
  await doc0.locator('summary').first().click();
  assert.notEqual(await doc0.getAttribute('open'), null);
  assert.ok((await doc0.textContent()).includes(inputs.docs[0].page_content));
  await page.close();
});

test('Langfuse SDK spans over OTLP show their types and usage', async () => {
  const buf = fixture('generated/langfuse/otlp_trace.json');
  const spans = JSON.parse(buf).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const attr = (s, k) => s.attributes.find((a) => a.key === k)?.value.stringValue;
  let input = 0;
  let output = 0;
  for (const s of spans) {
    const u = attr(s, 'langfuse.observation.usage_details');
    if (u) { input += JSON.parse(u).input ?? 0; output += JSON.parse(u).output ?? 0; }
  }
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['otlp_trace.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  const summary = await page.textContent('[data-testid=llm-summary]');
  assert.ok(summary.includes(`in ${input} / out ${output}`), summary);
  const types = await legendTypes(page);
  const LANGFUSE = { generation: 'LLM', tool: 'tool', retriever: 'retriever', embedding: 'embedding', agent: 'agent', chain: 'chain', guardrail: 'guardrail', event: 'event' };
  for (const s of spans) {
    const t = LANGFUSE[attr(s, 'langfuse.observation.type')];
    if (t) assert.ok(types.includes(t), `${t} in ${types}`);
  }
  await screenshot(page, 'langfuse-otlp-types.png');
  await page.close();
});
