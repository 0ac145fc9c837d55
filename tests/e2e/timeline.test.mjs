// Issue 2 end to end: the release build served on 127.0.0.1, driven in headless Chromium.
// Files are dropped as real DragEvents; URLs load from real local HTTP servers (with and
// without CORS headers). Expected numbers come from the fixture files, not from our code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { useApp } from './support/suite.mjs';
import { serve, serveSlow } from './support/server.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, SHARED, ROOT } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';

const OTEL = 'generated/otel_sdk';
const ctx = useApp();

const workflowFiles = () => ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'].map((f) => [f, fixture(`${OTEL}/${f}`)]);
const spanLines = () => fixture(`${OTEL}/spans.jsonl`).toString().trim().split('\n').map((l) => JSON.parse(l));
const text = (page, id) => page.textContent(`[data-testid=${id}]`);

test('dropping the workflow files shows 31 spans, no problems, and draws the timeline', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-state'), 'idle');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await text(page, 'span-count'), String(spanLines().length));
  assert.match(await text(page, 'diagnostics-count'), /^0 problems/);
  // the canvas holds pixels of several colours (bars drawn), not a blank frame
  const colours = await page.evaluate(() => {
    const c = document.querySelector('[data-testid=timeline-canvas]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return seen.size;
  });
  assert.ok(colours > 5, `only ${colours} colours on the canvas`);
  await screenshot(page, 'timeline-otel-sdk.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('?url= loads from a second local server that sends CORS headers, without credentials', async () => {
  const data = await serve(path.join(SHARED, OTEL), { cors: true });
  try {
    const page = await newPage(ctx.browser);
    const q = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'].map((f) => `url=${encodeURIComponent(`${data.url}/${f}`)}`).join('&');
    await page.goto(`${ctx.app.url}/?${q}`);
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await text(page, 'span-count'), '31');
    assert.match(await text(page, 'diagnostics-count'), /^0 problems/);
    assert.equal(data.requests.filter((r) => r.path.endsWith('.jsonl')).length, 3);
    assert.ok(data.requests.every((r) => !r.headers.cookie && !r.headers.authorization));
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await data.close();
  }
});

test('a server without CORS headers gives the cross-origin message', async () => {
  const data = await serve(path.join(SHARED, OTEL), { cors: false });
  try {
    const page = await newPage(ctx.browser);
    await page.goto(`${ctx.app.url}/?url=${encodeURIComponent(`${data.url}/spans.jsonl`)}`);
    assert.equal(await waitForState(page, ['ready', 'error']), 'error');
    const status = await text(page, 'load-status');
    assert.match(status, /Access-Control-Allow-Origin/);
    assert.match(status, /spans\.jsonl/);
    await page.close();
  } finally {
    await data.close();
  }
});

test('an HTTP error and an unreachable server are told apart; the good URL still loads', async () => {
  const data = await serve(path.join(SHARED, OTEL), { cors: true });
  const gone = await serve(ROOT);
  await gone.close(); // nothing listens on that port any more
  try {
    const page = await newPage(ctx.browser);
    await page.goto(ctx.app.url + '/');
    await page.fill('[data-testid=url-input]', `${data.url}/missing.jsonl ${gone.url}/spans.jsonl ${data.url}/spans.jsonl`);
    await page.click('text=Open URL');
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await text(page, 'span-count'), '31');
    await page.click('[data-testid=diagnostics-count]');
    const items = await page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.textContent));
    assert.equal(items.length, 2, items.join('\n'));
    assert.match(items[0], /missing\.jsonl HTTP error 404/);
    assert.match(items[1], /could not be reached/);
    await page.close();
  } finally {
    await data.close();
  }
});

test('a file with bad lines shows the count and the lines; the good rows still load', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  const bad = fs.readFileSync(path.join(ROOT, 'tests/fixtures/ingest/missing_fields.jsonl'));
  const broken = fs.readFileSync(path.join(ROOT, 'tests/fixtures/ingest/bad_json_line_in_middle.jsonl'));
  await dropFiles(page, [['missing_fields.jsonl', bad], ['bad_json_line_in_middle.jsonl', broken]]);
  assert.equal(await waitForState(page), 'ready');
  // 4 in missing_fields (lines 2-5), 1 bad line, and 1 duplicate: both files hold span a1
  assert.match(await text(page, 'diagnostics-count'), /^6 problems/);
  await page.click('[data-testid=diagnostics-count]');
  const items = await page.$$eval('[data-testid=diagnostic]', (els) => els.map((e) => e.textContent));
  assert.equal(items.length, 6);
  assert.ok(items.some((t) => t.startsWith('bad_json_line_in_middle.jsonl:1 ') && /already read/.test(t)), items.join('\n'));
  assert.ok(items.some((t) => t.startsWith('bad_json_line_in_middle.jsonl:2 ') && /cut off|invalid JSON/.test(t)), items.join('\n'));
  assert.ok(items.some((t) => t.startsWith('missing_fields.jsonl:3 ') && /end_time/.test(t)), items.join('\n'));
  // 2 good spans in the first file (the unnamed one included) plus the new one in the second
  assert.equal(await text(page, 'span-count'), '3');
  await screenshot(page, 'diagnostics.png');
  await page.close();
});

test('?span= selects a span once loaded and opens its details with attributes', async () => {
  const failed = spanLines().find((s) => s.status.status_code === 'ERROR');
  const id = failed.context.span_id.slice(2);
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?span=${id}`);
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  const details = await text(page, 'span-details');
  assert.ok(details.includes(id), 'span id shown');
  assert.ok(details.includes(failed.name));
  for (const [k, v] of Object.entries(failed.attributes)) {
    assert.ok(details.includes(k) && details.includes(String(v)), `attribute ${k}`);
  }
  assert.ok(details.includes('RuntimeError'), 'exception type shown');
  assert.ok(details.includes('Traceback'), 'stack trace shown');
  await screenshot(page, 'span-details-error.png');
  await page.close();
});

/** Row order of the waterfall computed from the file: roots by start, children by start. */
function expectedRowOrder(spans) {
  const byParent = new Map();
  for (const s of spans) {
    const p = s.parent_id ?? 'root';
    if (!byParent.has(p)) byParent.set(p, []);
    byParent.get(p).push(s);
  }
  for (const list of byParent.values()) list.sort((a, b) => a.start_time.localeCompare(b.start_time));
  const out = [];
  const walk = (s) => { out.push(s); for (const c of byParent.get(s.context.span_id) ?? []) walk(c); };
  for (const r of byParent.get('root')) walk(r);
  return out;
}

test('clicking a span row opens its details; arrows move the selection; W zooms', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  await waitForState(page);
  const order = expectedRowOrder(spanLines());
  const row6 = await rowPoint(page, 6);
  await page.mouse.click(row6.x, row6.y);
  await page.waitForSelector('[data-testid=span-details]');
  assert.ok((await text(page, 'span-details')).includes(order[6].context.span_id.slice(2)));
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((id) => document.querySelector('[data-testid=span-details]')?.textContent.includes(id), order[7].context.span_id.slice(2));
  const before = await page.evaluate(() => location.search);
  await page.keyboard.press('w');
  await page.waitForFunction((b) => location.search !== b && /[?&]t=/.test(location.search), before);
  assert.match(await page.evaluate(() => location.search), /span=/);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a gzip file is inflated in the browser', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['spans.jsonl.gz', zlib.gzipSync(fixture(`${OTEL}/spans.jsonl`))]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await text(page, 'span-count'), '31');
  await page.close();
});

test('trace text is rendered as text, never as HTML', async () => {
  const page = await newPage(ctx.browser);
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
  await page.goto(`${ctx.app.url}/?span=00000000000000e1`);
  await dropFiles(page, [['html.jsonl', fs.readFileSync(path.join(ROOT, 'tests/fixtures/e2e/html_in_attributes.jsonl'))]]);
  assert.equal(await waitForState(page), 'ready');
  const details = await text(page, 'span-details');
  assert.ok(details.includes('<img src=x onerror=alert(1)>'));
  assert.ok(details.includes('<script>alert(2)</script>'));
  assert.equal(await page.locator('[data-testid=span-details] img, [data-testid=span-details] script, [data-testid=span-details] b').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(dialogs, 0);
  await page.close();
});

test('the example button loads the bundled workflow', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await page.click('[data-testid=open-example]');
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await text(page, 'span-count'), '31');
  await page.close();
});

test('a large download shows progress and can be cancelled', async () => {
  const line = fixture(`${OTEL}/spans.jsonl`);
  const big = Buffer.concat(Array.from({ length: 200 }, () => line)); // ~8 MB, duplicates are fine
  const slow = await serveSlow(big);
  try {
    const page = await newPage(ctx.browser);
    await page.goto(`${ctx.app.url}/?url=${encodeURIComponent(`${slow.url}/big.jsonl`)}`);
    await page.waitForSelector('[data-testid=load-progress]', { timeout: 10000 });
    assert.match(await page.textContent('.progress-label'), /\/ [0-9.]+ MB/);
    await page.click('[data-testid=cancel-load]');
    assert.equal(await waitForState(page, ['idle']), 'idle');
    assert.match(await text(page, 'load-status'), /cancelled/);
    await page.close();
  } finally {
    await slow.close();
  }
});
