// Issue 3 end to end: the lineage DAG, the critical path, the analysis JSON download, against
// the release build in headless Chromium. Expected values come from FlowMesh's own analyzer
// output (shared/fixtures/expected) and from our native CLI run on the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useApp } from './support/suite.mjs';
import { serve } from './support/server.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, SHARED, ROOT } from './support/browser.mjs';

const OTEL = 'generated/otel_sdk';
const FILES = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
const expected = JSON.parse(fixture('expected/flowmesh-profile/otel_sdk.profile.json'));
const ctx = useApp();

async function loadWorkflow(page, query = '') {
  await page.goto(`${ctx.app.url}/${query}`);
  await dropFiles(page, FILES.map((f) => [f, fixture(`${OTEL}/${f}`)]));
  assert.equal(await waitForState(page), 'ready');
}

test('the DAG shows 5 nodes and 6 edges, and the critical nodes are exactly the expected path', async () => {
  const page = await newPage(ctx.browser);
  await loadWorkflow(page);
  await page.click('[data-testid=view-dag]');
  await page.waitForSelector('[data-testid=dag-node]');
  const nodes = await page.$$eval('[data-testid=dag-node]', (els) => els.map((e) => ({ id: e.dataset.dataId, critical: e.dataset.critical })));
  assert.deepEqual(nodes.map((n) => n.id).sort(), [...expected.data_ids].sort());
  assert.equal(await page.locator('[data-testid=dag-svg] path.edge').count(), expected.lineage.length);
  const critical = nodes.filter((n) => n.critical === 'true').map((n) => n.id).sort();
  assert.deepEqual(critical, [...expected.critical_path.path].sort());
  // the toggle styles the critical nodes and edges
  assert.equal(await page.locator('.dag.cp-on').count(), 0);
  await page.click('[data-testid=critical-path-toggle]');
  await page.waitForSelector('.dag.cp-on');
  assert.equal(await page.locator('.dag.cp-on [data-testid=dag-node].on-path').count(), expected.critical_path.path.length);
  assert.equal(await page.locator('.dag.cp-on path.edge.on-path').count(), expected.critical_path.path.length - 1);
  const stroke = await page.$eval('.dag.cp-on [data-testid=dag-node].on-path rect', (r) => getComputedStyle(r).strokeWidth);
  assert.equal(stroke, '3px', 'critical nodes are drawn with a heavy red outline');
  // the address bar follows the view (written after a short debounce)
  await page.waitForFunction(() => /view=dag/.test(location.search) && /cp=1/.test(location.search));
  await screenshot(page, 'dag-critical-path.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('clicking a DAG node opens its task span details', async () => {
  const page = await newPage(ctx.browser);
  await loadWorkflow(page, '?view=dag');
  await page.waitForSelector('[data-testid=dag-node]');
  await page.click('[data-testid=dag-node][data-data-id="tsk-synthesis"]');
  await page.waitForSelector('[data-testid=span-details]');
  const details = await page.textContent('[data-testid=span-details]');
  const task = fixture(`${OTEL}/spans.jsonl`).toString().trim().split('\n').map((l) => JSON.parse(l))
    .find((s) => s.name === 'task' && s.attributes.data_id === 'tsk-synthesis');
  assert.ok(details.includes(task.context.span_id.slice(2)), 'the task span is selected');
  assert.ok(details.includes('tsk-synthesis'));
  await page.waitForSelector('[data-testid=dag-selection][data-data-id="tsk-synthesis"]');
  await page.close();
});

test('the downloaded analysis JSON equals the CLI output for the same files', async () => {
  const page = await newPage(ctx.browser);
  await loadWorkflow(page, '?view=analysis');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=analysis-json]')]);
  const file = await download.path();
  const fromBrowser = JSON.parse(fs.readFileSync(file, 'utf8'));
  const cli = path.join(ROOT, 'target/release/skein');
  assert.ok(fs.existsSync(cli), 'native CLI built (scripts/check.sh builds it)');
  const fromCli = JSON.parse(execFileSync(cli, ['analyze', ...FILES.map((f) => path.join(SHARED, OTEL, f))]).toString());
  assert.deepEqual(fromBrowser, fromCli);
  assert.deepEqual(fromBrowser.critical_path.path, expected.critical_path.path);
  assert.equal(await page.locator('[data-testid=data-id-row]').count(), expected.data_ids.length);
  await page.click('[data-testid=copy-mermaid]');
  const mermaid = await page.inputValue('[data-testid=mermaid-text]');
  assert.match(mermaid, /^flowchart LR/);
  assert.equal((mermaid.match(/-->/g) ?? []).length, expected.lineage.length);
  await screenshot(page, 'analysis.png');
  await page.close();
});

test('?view=dag&cp=1 with ?url= opens straight into the highlighted DAG', async () => {
  const data = await serve(path.join(SHARED, OTEL), { cors: true });
  try {
    const page = await newPage(ctx.browser);
    const q = FILES.map((f) => `url=${encodeURIComponent(`${data.url}/${f}`)}`).join('&');
    await page.goto(`${ctx.app.url}/?${q}&view=dag&cp=1`);
    assert.equal(await waitForState(page), 'ready');
    await page.waitForSelector('.dag.cp-on [data-testid=dag-node].on-path');
    assert.equal(await page.locator('.dag.cp-on [data-testid=dag-node].on-path').count(), expected.critical_path.path.length);
    assert.equal(await page.isChecked('[data-testid=critical-path-toggle]'), true);
    await page.close();
  } finally {
    await data.close();
  }
});

test('a load without data ids shows the span critical path in the analysis view, as jaeger-ui computes it', async () => {
  // jaeger-ui's own critical path of this trace (shared/fixtures/expected), summed per span
  const file = 'public/jaeger/jaeger-ui_tracegraph_testTrace.json';
  const ref = JSON.parse(fixture('expected/jaeger-critical-path/jaeger-ui_tracegraph_testTrace.cp.json')).traces[0];
  const perSpan = new Map();
  for (const s of ref.critical_path) perSpan.set(s.spanID, (perSpan.get(s.spanID) ?? 0) + (s.section_end - s.section_start) * 1000);
  const want = [...perSpan.values()].sort((a, b) => b - a);
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?view=analysis`);
  await dropFiles(page, [['trace.json', fixture(file)]]);
  assert.equal(await waitForState(page), 'ready');
  const path = page.locator('[data-testid=span-path]');
  await path.waitFor();
  // the path covers each root whole (children outliving it are clipped): its length is the
  // roots' summed duration, read from the file
  const roots = JSON.parse(fixture(file)).spans.filter((s) => !(s.references ?? []).length);
  const rootsNs = roots.reduce((sum, s) => sum + s.duration * 1000, 0);
  assert.equal(Number(await path.getAttribute('data-roots-ns')), rootsNs);
  assert.equal(Number(await path.getAttribute('data-length-ns')), rootsNs);
  assert.equal(Number(await path.getAttribute('data-sections')), ref.critical_path.length);
  const rows = page.locator('[data-testid=span-path-row]');
  const got = (await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.ns))));
  assert.deepEqual(got, want, 'time on the path per span, most first');
  assert.match(await path.locator('h3').textContent(), /100\.0 % of the traces' time/);
  await screenshot(page, 'analysis-span-path.png');
  // a row click selects its span
  await rows.first().click();
  await page.waitForFunction(() => new URLSearchParams(location.search).has('span'));
  assert.deepEqual(page.errors, []);
  await page.close();
});
