// The MLflow server browser end to end: a real tracking server (pinned mlflow 3.17.2, started on
// 127.0.0.1 by the test, stopped in `after`) seeded through the real `mlflow` Python API
// (support/mlflow_seed.py); the release app in headless Chromium lists the experiment's traces,
// searches them with MLflow's filter syntax (and shows the server's error for a bad filter),
// opens one or several with the span counts the seed logged and shows their assessments; a page
// on another origin, which the server was not started to allow, gets the message naming
// --cors-allowed-origins. Every expected value comes from the seed's manifest.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './support/server.mjs';
import { launch, newPage, waitForState, screenshot, DIST } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';
import { startMlflow, seedMlflow, mlflowInstalled } from './support/mlflow.mjs';

const ctx = {};

before(async () => {
  assert.ok(mlflowInstalled(), 'mlflow is not installed: run scripts/setup.sh');
  ctx.mlflow = await startMlflow();
  ctx.manifest = await seedMlflow(ctx.mlflow);
  ctx.app = await serve(DIST);
  ctx.browser = await launch();
}, { timeout: 240000 });

after(async () => {
  await ctx.browser?.close();
  await ctx.app?.close();
  await ctx.mlflow?.close();
});

const enc = encodeURIComponent;
const byName = (name) => ctx.manifest.traces.find((t) => t.name === name);
const link = (extra) => `${ctx.app.url}/?mlflow=${enc(ctx.mlflow.url)}&${extra}`;
const valueText = (v) => (typeof v === 'string' ? v : JSON.stringify(v));

async function listed(page, n) {
  await page.waitForFunction((want) => document.querySelectorAll('[data-testid=server-trace]').length === want, n, { timeout: 30000 });
  return page.$$eval('[data-testid=server-trace]', (rows) => rows.map((r) => ({
    id: r.dataset.traceId, status: r.dataset.status, spans: r.dataset.spanCount ?? null,
    assessments: [...r.querySelectorAll('[data-testid=assessment]')].map((a) => [a.dataset.name, a.dataset.value]),
  })));
}

test('?mlflow= with an experiment lists its traces: count, status, span counts, assessments', async () => {
  const page = await newPage(ctx.browser, { width: 1500, height: 900 });
  await page.goto(link(`experiment=${ctx.manifest.experiment_id}`));
  await page.waitForSelector('[data-testid=server-browser]');
  const rows = await listed(page, ctx.manifest.traces.length);
  assert.deepEqual(rows.map((r) => r.id).sort(), ctx.manifest.traces.map((t) => t.trace_id).sort());
  for (const want of ctx.manifest.traces) {
    const row = rows.find((r) => r.id === want.trace_id);
    assert.equal(row.status, want.state, want.name);
    // the server counts spans once a trace is finished; an open one has no count yet
    assert.equal(row.spans, want.state === 'IN_PROGRESS' ? null : String(want.span_count), want.name);
    assert.deepEqual(row.assessments.sort(), want.assessments.map((a) => [a.name, valueText(a.value)]).sort(), want.name);
  }
  // the experiment is listed and marked as the one shown
  const exp = page.locator(`[data-testid=server-experiment][data-experiment-id="${ctx.manifest.experiment_id}"]`);
  assert.ok((await exp.getAttribute('class')).includes('active'));
  await screenshot(page, 'mlflow-server-browser.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('picking the experiment lists it; a filter searches, a rejected filter shows the server\'s error', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(link(''));
  await page.click(`[data-testid=server-experiment][data-experiment-id="${ctx.manifest.experiment_id}"]`);
  await listed(page, ctx.manifest.traces.length);
  assert.equal(new URL(page.url()).searchParams.get('experiment'), ctx.manifest.experiment_id);
  await page.fill('[data-testid=server-filter]', "status = 'ERROR'");
  await page.press('[data-testid=server-filter]', 'Enter');
  const errors = ctx.manifest.traces.filter((t) => t.state === 'ERROR');
  const rows = await listed(page, errors.length);
  assert.deepEqual(rows.map((r) => r.id), errors.map((t) => t.trace_id));
  await page.fill('[data-testid=server-filter]', "state = 'OK'");
  await page.press('[data-testid=server-filter]', 'Enter');
  const message = await page.textContent('[data-testid=server-error]', { timeout: 15000 });
  assert.match(message, /INVALID_PARAMETER_VALUE: Invalid attribute key 'state'/);
  assert.deepEqual(page.errors.filter((e) => !e.includes('400')), []);
  await page.close();
});

test('opening a trace shows its spans and its assessments on the trace and on its span', async () => {
  const agent = byName('agent_run');
  const page = await newPage(ctx.browser, { width: 1500, height: 900 });
  await page.goto(link(`experiment=${ctx.manifest.experiment_id}`));
  await listed(page, ctx.manifest.traces.length);
  await page.click(`[data-testid=server-trace][data-trace-id="${agent.trace_id}"] button.link`);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=span-count]'), String(agent.span_count));
  const params = new URL(page.url()).searchParams;
  assert.deepEqual(params.getAll('trace'), [agent.trace_id]);
  assert.equal(params.get('mlflow'), ctx.mlflow.url);
  // the root (row 0) carries the trace's assessments
  const root = await rowPoint(page, 0);
  await page.mouse.click(root.x, root.y);
  await page.waitForSelector('[data-testid=span-details] [data-testid=assessment]');
  const shown = await page.$$eval('[data-testid=span-details] [data-testid=assessment]', (els) => els.map((e) => [e.dataset.name, e.dataset.value]));
  const onTrace = agent.assessments.filter((a) => !a.span_id).map((a) => [a.name, valueText(a.value)]);
  assert.deepEqual(shown.sort(), onTrace.sort());
  assert.match(await page.textContent('[data-testid=span-details]'), /The answer matches the tool output/);
  await screenshot(page, 'mlflow-assessments-details.png');
  // ... and the LLM panel has them in its trace row
  await page.click('[data-testid=llm-summary]');
  const chips = await page.$$eval('[data-testid=llm-trace-row] [data-testid=assessment]', (els) => els.map((e) => e.dataset.name));
  assert.deepEqual(chips.sort(), agent.assessments.map((a) => a.name).sort());
  await screenshot(page, 'mlflow-assessments-llm-panel.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a link opens traces by id: a span-level assessment on its span, several traces merged', async () => {
  const agent = byName('agent_run');
  const onSpan = agent.assessments.find((a) => a.span_id);
  const page = await newPage(ctx.browser);
  await page.goto(link(`trace=${agent.trace_id}&span=${onSpan.span_id}`));
  assert.equal(await waitForState(page), 'ready');
  const shown = await page.$$eval('[data-testid=span-details] [data-testid=assessment]', (els) => els.map((e) => [e.dataset.name, e.dataset.value]));
  assert.deepEqual(shown, [[onSpan.name, valueText(onSpan.value)]]);
  // the 226-span trace and the failing one, ticked and opened together
  const wide = byName('wide_batch');
  const failing = byName('failing_tool');
  await page.click('[data-testid=open-server]');
  await page.click(`[data-testid=server-experiment][data-experiment-id="${ctx.manifest.experiment_id}"]`);
  await listed(page, ctx.manifest.traces.length);
  for (const t of [wide, failing]) await page.check(`[data-testid=server-trace][data-trace-id="${t.trace_id}"] input[type=checkbox]`);
  await page.click('[data-testid=server-open-selected]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=span-count]')?.textContent === n, String(wide.span_count + failing.span_count));
  assert.equal(await waitForState(page), 'ready');
  assert.deepEqual(new URL(page.url()).searchParams.getAll('trace').filter((t) => t.startsWith('tr-')).sort(), [wide.trace_id, failing.trace_id].sort());
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('an in-progress trace is followed', async () => {
  const open = byName('in_progress');
  const page = await newPage(ctx.browser);
  await page.goto(link(`trace=${open.trace_id}`));
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=span-count]'), String(open.span_count));
  assert.equal(await page.getAttribute('[data-testid=follow-status]', 'data-state'), 'following');
  assert.equal(new URL(page.url()).searchParams.get('follow'), '1');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a page on an origin the server does not allow is told the flag that allows it', async () => {
  const other = await serve(DIST, { host: '127.0.0.2' });
  try {
    const page = await newPage(ctx.browser);
    await page.goto(`${other.url}/?mlflow=${enc(ctx.mlflow.url)}`);
    const message = await page.textContent('[data-testid=server-error]', { timeout: 15000 });
    assert.ok(message.includes(`--cors-allowed-origins ${other.url}`), message);
    await screenshot(page, 'mlflow-cors-message.png');
    await page.close();
  } finally {
    await other.close();
  }
});
