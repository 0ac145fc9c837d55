// Formats end to end: OTLP/JSON, Jaeger and Zipkin files dropped in the browser load with the
// span counts the fixture files hold, each with its format badge; a mixed drop merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot } from './support/browser.mjs';

const ctx = useApp();

const count = {
  otlp: (buf) => buf.toString().trim().split('\n').flatMap((l) => JSON.parse(l).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))).length,
  jaeger: (buf) => JSON.parse(buf).data.flatMap((t) => t.spans).length,
  zipkin: (buf) => JSON.parse(buf).length,
};

for (const [file, kind, badge] of [
  ['generated/otel_sdk/otlp_traces.jsonl', 'otlp', 'OTLP/JSON'],
  ['generated/big_sample_1k/trace.jaeger.json', 'jaeger', 'Jaeger JSON'],
  ['public/zipkin/zipkin-lens_messaging-kafka.json', 'zipkin', 'Zipkin v2'],
]) {
  test(`dropping ${file} shows its spans and the ${badge} badge`, async () => {
    const page = await newPage(ctx.browser);
    await page.goto(ctx.app.url + '/');
    const buf = fixture(file);
    await dropFiles(page, [[file.split('/').pop(), buf]]);
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await page.textContent('[data-testid=span-count]'), String(count[kind](buf)));
    assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), [badge]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('the same workflow as OTel JSONL and OTLP dropped together merges into one trace', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['spans.jsonl', fixture('generated/otel_sdk/spans.jsonl')], ['otlp_trace.json', fixture('generated/otel_sdk/otlp_trace.json')]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=span-count]'), '31');
  // every OTLP span repeats one already read from the JSONL: kept once, each reported
  assert.match(await page.textContent('[data-testid=diagnostics-count]'), /^31 problems/);
  assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), ['OTel SDK spans', 'OTLP/JSON']);
  await page.close();
});

test('an MLflow trace shows its token totals, span types and the failing tool', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  const buf = fixture('generated/mlflow/trace_1_agent_run.json');
  const usage = JSON.parse(JSON.parse(buf).info.trace_metadata['mlflow.trace.tokenUsage']);
  await dropFiles(page, [['trace_1_agent_run.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  const summary = await page.textContent('[data-testid=llm-summary]');
  assert.ok(summary.includes(`in ${usage.input_tokens} / out ${usage.output_tokens} / total ${usage.total_tokens}`), summary);
  assert.match(summary, /gpt-4o-mini/);
  assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), ['MLflow trace']);
  // span types colour the bars: the legend lists them, each with its icon
  const legend = await page.$$eval('[data-testid=legend] [data-testid=type-icon]', (els) => els.map((e) => e.dataset.type));
  for (const t of ['LLM', 'tool', 'retriever', 'chain', 'parser']) assert.ok(legend.includes(t), `${t} in ${legend}`);
  await page.close();

  // the failing tool: selected by its id (base64 in the file, hex in links), details show why
  const failing = JSON.parse(buf).data.spans.find((s) => s.status.code === 'STATUS_CODE_ERROR');
  const hex = Buffer.from(failing.span_id, 'base64').toString('hex');
  const again = await newPage(ctx.browser);
  await again.goto(`${ctx.app.url}/?span=${hex}`);
  await dropFiles(again, [['trace_1_agent_run.json', buf]]);
  assert.equal(await waitForState(again), 'ready');
  const details = await again.textContent('[data-testid=span-details]');
  assert.ok(details.includes(failing.name) && details.includes('ERROR') && details.includes(failing.status.message), details.slice(0, 300));
  await screenshot(again, 'mlflow-failing-tool.png');
  await again.close();
});

test('a Langfuse export shows its usage and cost', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  const buf = fixture('public/langfuse/langfuse_openai-agents-2025-09-30.trace.json');
  const obs = JSON.parse(buf).observations.filter((o) => o.usageDetails?.total);
  const total = obs.reduce((a, o) => a + o.usageDetails.total, 0);
  const cost = obs.reduce((a, o) => a + o.totalCost, 0);
  await dropFiles(page, [['openai-agents.trace.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  const summary = await page.textContent('[data-testid=llm-summary]');
  assert.ok(summary.includes(`total ${total}`), summary);
  assert.ok(summary.includes(`cost ${cost.toFixed(6)}`), summary);
  await page.close();
});

test('JSON log lines are joined to their spans and listed', async () => {
  const logBuf = fixture('generated/structlog/worker.log.jsonl');
  const lines = logBuf.toString().trim().split('\n').map((l) => JSON.parse(l));
  // the span with the most log lines
  const counts = {};
  for (const l of lines) counts[l.span_id] = (counts[l.span_id] ?? 0) + 1;
  const [span, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0];
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?span=${span}`);
  await dropFiles(page, [['spans.jsonl', fixture('generated/otel_sdk/spans.jsonl')], ['worker.log.jsonl', logBuf]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=logs-count]'), `${lines.length} logs`);
  assert.equal(await page.locator('[data-testid=log-entry]').count(), n);
  const first = lines.find((l) => l.span_id === span);
  assert.ok((await page.textContent('[data-testid=span-details]')).includes(first.event));
  await page.click('[data-testid=logs-count]');
  assert.equal(await page.locator('[data-testid=log-line]').count(), lines.length);
  await page.close();
});

test('an LLM generation shows its conversation as text', async () => {
  const buf = fixture('public/langfuse/langfuse_openai-agents-2025-09-30.trace.json');
  const gen = JSON.parse(buf).observations.find((o) => o.type === 'GENERATION');
  const input = JSON.parse(gen.input);
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?span=${gen.id}`);
  await dropFiles(page, [['openai-agents.trace.json', buf]]);
  assert.equal(await waitForState(page), 'ready');
  const messages = await page.$$eval('[data-testid=chat-message]', (els) => els.map((e) => e.textContent));
  assert.ok(messages.length >= 3, messages.join('\n'));
  assert.ok(messages[0].toLowerCase().includes(input[0].role) && messages[0].includes(input[0].content));
  assert.ok(messages.some((m) => m.includes('get_weather')), 'the tool call is shown');
  await page.locator('[data-testid=chat-message]').first().scrollIntoViewIfNeeded();
  await screenshot(page, 'llm-conversation.png');
  await page.close();
});

test('traces from different formats and years sit side by side, each from its own start', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  const mlflow = fixture('generated/mlflow/trace_1_agent_run.json');
  const zipkin = fixture('public/zipkin/zipkin-lens_yelp.json');
  await dropFiles(page, [['trace_1_agent_run.json', mlflow], ['yelp.json', zipkin]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=span-count]'), String(JSON.parse(mlflow).data.spans.length + JSON.parse(zipkin).length));
  assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), ['MLflow trace', 'Zipkin v2']);
  // recorded years apart: aligned by themselves, and the choice can be undone (and is linked)
  assert.equal(await page.isChecked('[data-testid=align-traces]'), true);
  await screenshot(page, 'mixed-formats-aligned.png');
  await page.uncheck('[data-testid=align-traces]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('align') === '0');
  assert.equal(await page.isChecked('[data-testid=align-traces]'), false);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('files that are no trace say so, each with what was tried', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['manifest.json', fixture('generated/big_sample_1k/manifest.json')], ['http_requests.txt', fixture('generated/langfuse/http_requests.txt')]]);
  assert.equal(await waitForState(page, ['ready', 'error']), 'error');
  assert.match(await page.textContent('[data-testid=load-status]'), /manifest\.json: not a trace this version can read .*tried: OTel SDK spans, .*Zipkin v2/);
  await page.click('[data-testid=diagnostics-count]');
  const problems = await page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.textContent));
  for (const file of ['manifest.json', 'http_requests.txt']) {
    assert.ok(problems.some((p) => p.startsWith(file) && p.includes('tried:')), `${file} in ${problems.join(' | ')}`);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});
