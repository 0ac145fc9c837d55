// Typing in the query box on a big load (issue 10): opens an N-span trace (300k by default,
// from the shared generator) in the release build, types a query key by key at a brisk
// typist's pace, then prints the main thread's long tasks (PerformanceObserver `longtask`,
// tasks over 50 ms) while typing and after it (the query's own run), the time from the last key
// to the count showing the result (the query runs once typing pauses for 250 ms), and the same
// for a second query with the statistics view open (matches scope). A first query, not
// measured, computes the critical path the `critical` term reads. Goal: no long task while typing; after it, one run of the query.
// Prints numbers; asserts nothing.
//
//   node bench/query_typing.mjs [spans=300000] [query='type=compute duration>5ms -critical']
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../tests/e2e/support/server.mjs';
import { launch, newPage, waitForState, DIST, SHARED, ROOT } from '../tests/e2e/support/browser.mjs';

const spans = Number(process.argv[2] ?? 300000);
const query = process.argv[3] ?? 'type=compute duration>5ms -critical';
const outDir = path.join(ROOT, 'bench/out', `big${spans}`);
const file = path.join(outDir, 'spans.jsonl');
if (!fs.existsSync(file)) {
  console.log(`generating ${spans} spans ...`);
  execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--out', outDir], { stdio: 'inherit' });
}

/** Long tasks (ms) recorded from now on, read back with `takeLongTasks`. */
const watchLongTasks = (page) => page.evaluate(() => {
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push({ at: e.startTime, ms: e.duration }); })
    .observe({ type: 'longtask', buffered: false });
});
const takeLongTasks = (page) => page.evaluate(() => window.__long.splice(0));

/** Types `q` at `delayMs` per key; returns the times (page clock) of the first and last key
 * and of the count showing the result. */
async function typeAndWait(page, q, delayMs = 70) {
  await page.click('[data-testid=search-input]');
  await page.fill('[data-testid=search-input]', '');
  // the empty query has no count: wait for it, so the count seen next is the typed query's
  await page.waitForFunction(() => document.querySelector('[data-testid=search-count]')?.dataset.count === undefined, null, { timeout: 60000 });
  const first = await page.evaluate(() => performance.now());
  await page.keyboard.type(q, { delay: delayMs });
  const last = await page.evaluate(() => performance.now());
  await page.waitForFunction(() => document.querySelector('[data-testid=search-count]')?.dataset.count !== undefined, null, { timeout: 120000, polling: 16 });
  const shown = await page.evaluate(() => performance.now());
  return { first, last, shown };
}

function report(label, t, tasks) {
  const during = tasks.filter((x) => x.at < t.last);
  const after = tasks.filter((x) => x.at >= t.last);
  const max = (xs) => xs.reduce((m, x) => Math.max(m, x.ms), 0);
  console.log(`${label}`);
  console.log(`  while typing (${((t.last - t.first) / 1000).toFixed(1)} s): ${during.length} long tasks, longest ${max(during).toFixed(0)} ms`);
  console.log(`  after the last key: ${after.length} long tasks (${after.map((x) => x.ms.toFixed(0)).join(', ')} ms); result shown ${(t.shown - t.last).toFixed(0)} ms after the last key`);
}

const app = await serve(DIST);
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1600, height: 900 });
  await page.goto(app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', file);
  await waitForState(page, ['ready', 'error'], 300000);
  const count = await page.textContent('[data-testid=span-count]');
  console.log(`spans loaded ${count}; query "${query}"`);
  // a first query computes the critical path once (later queries and views reuse it)
  await typeAndWait(page, 'critical');
  await watchLongTasks(page);
  let t = await typeAndWait(page, query);
  report('timeline', t, await takeLongTasks(page));
  console.log(`  ${await page.textContent('[data-testid=search-count]')}`);
  await page.click('[data-testid=view-stats]');
  await page.selectOption('[data-testid=stats-scope]', 'matches');
  await page.waitForSelector('[data-testid=stats-row]', { timeout: 120000 });
  await takeLongTasks(page);
  t = await typeAndWait(page, `${query} status=unset`);
  await page.waitForSelector('[data-testid=stats-row]', { timeout: 120000 });
  report('statistics view, matches scope', t, await takeLongTasks(page));
  if (page.errors.length) console.log('page errors:', page.errors);
} finally {
  await browser.close();
  await app.close();
}
