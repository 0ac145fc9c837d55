// Issue 11: the lineage DAG of a generated 5,000-task workflow (the shared seeded generator,
// 8 spans a task) draws, keeps its node hooks (`dag-node` with `data-data-id`, `data-critical`),
// and a click on a node in view selects that node's task span, found here in spans.jsonl.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useApp } from './support/suite.mjs';
import { serve } from './support/server.mjs';
import { newPage, waitForState, screenshot, SHARED } from './support/browser.mjs';

const ctx = useApp();
const DIR = path.join(os.tmpdir(), 'skein-e2e-dag5k');
const TASKS = 5000;

before(() => {
  if (!fs.existsSync(path.join(DIR, 'lineage.jsonl'))) {
    execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(TASKS * 8), '--spans-per-task', '8', '--out', DIR]);
  }
});

test('the DAG of a 5,000-task workflow draws and a node click selects its task span', async () => {
  const tasks = new Map();
  for (const line of fs.readFileSync(path.join(DIR, 'spans.jsonl'), 'utf8').split('\n')) {
    if (!line.includes('"name": "task"')) continue;
    const s = JSON.parse(line);
    if (s.name === 'task' && s.attributes?.data_id) tasks.set(s.attributes.data_id, s.context.span_id.slice(2));
  }
  assert.ok(tasks.size > TASKS * 0.8, `${tasks.size} task spans`);
  const data = await serve(DIR, { cors: true });
  try {
    const page = await newPage(ctx.browser);
    const q = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'].map((f) => `url=${encodeURIComponent(`${data.url}/${f}`)}`).join('&');
    await page.goto(`${ctx.app.url}/?${q}`);
    assert.equal(await waitForState(page, ['ready', 'error'], 120000), 'ready');
    const started = Date.now();
    await page.click('text=Lineage DAG');
    await page.waitForSelector('[data-testid=dag-node]', { timeout: 60000 });
    console.log(`# DAG of ${tasks.size} tasks drawn ${Date.now() - started} ms after switching to it`);
    const area = await page.locator('.dag').boundingBox();
    // the hooks of the nodes in view: a data id, a critical flag
    const inView = await page.$$eval('[data-testid=dag-node]', (els, a) => els
      .map((e) => ({ id: e.dataset.dataId, critical: e.dataset.critical, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.left >= a.x && r.right <= a.x + a.width && r.top >= a.y && r.bottom <= a.y + a.height && r.width > 4)
      .map(({ id, critical, r }) => ({ id, critical, x: r.left + r.width / 2, y: r.top + r.height / 2 })), area);
    assert.ok(inView.length > 0, `${inView.length} nodes in view`);
    assert.ok(inView.every((n) => n.id && (n.critical === 'true' || n.critical === 'false')));
    const pick = inView.find((n) => tasks.has(n.id));
    assert.ok(pick, 'a node in view names a task');
    await page.mouse.click(pick.x, pick.y);
    await page.waitForSelector('[data-testid=span-details]');
    assert.ok((await page.textContent('[data-testid=span-details]')).includes(tasks.get(pick.id)), 'its task span is selected');
    await page.waitForSelector(`[data-testid=dag-selection][data-data-id="${pick.id}"]`);
    await screenshot(page, 'dag-5k-tasks.png');
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await data.close();
  }
});
