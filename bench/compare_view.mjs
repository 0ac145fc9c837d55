// Browser benchmark (issue 9): two N-span runs of the shared generator (the native compare
// bench's: seed 1, 16 and 8 workers) served on 127.0.0.1 with CORS, opened as
// `?url=<B>&vs=<A>&view=compare` in headless Chromium. Prints: reading each run, computing the
// comparison (wasm), and the time from the baseline being installed to the compare view being
// on screen (the goal: within 1 s at 100k spans), then the tab switches. Asserts nothing.
//
//   node bench/compare_view.mjs [spans=100000]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../tests/e2e/support/server.mjs';
import { launch, newPage, DIST, SHARED, ROOT } from '../tests/e2e/support/browser.mjs';

const spans = Number(process.argv[2] ?? 100000);
const FILES = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
const out = path.join(ROOT, 'bench/out');
const run = (workers) => {
  const dir = path.join(out, `compare${spans}_w${workers}`);
  if (!fs.existsSync(path.join(dir, 'spans.jsonl'))) {
    console.log(`generating ${spans} spans with ${workers} workers ...`);
    execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--seed', '1', '--workers', String(workers), '--out', dir], { stdio: 'inherit' });
  }
  return path.basename(dir);
};
const [a, b] = [run(16), run(8)];

const app = await serve(DIST);
const data = await serve(out, { cors: true });
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1600, height: 900 });
  // in the page, before anything loads: when the summary appears, the frame after it is painted
  await page.addInitScript(() => {
    window.__bench = {};
    new MutationObserver(() => {
      if (!window.__bench.summary && document.querySelector('[data-testid=compare-summary]')) {
        window.__bench.summary = performance.now();
        requestAnimationFrame(() => setTimeout(() => { window.__bench.shown = performance.now(); }, 0));
      }
    }).observe(document, { subtree: true, childList: true });
  });
  const q = [...FILES.map((f) => `url=${encodeURIComponent(`${data.url}/${b}/${f}`)}`), ...FILES.map((f) => `vs=${encodeURIComponent(`${data.url}/${a}/${f}`)}`)];
  const t0 = Date.now();
  await page.goto(`${app.url}/?${q.join('&')}&view=compare`);
  await page.waitForFunction(() => window.__bench.shown, null, { timeout: 600000, polling: 200 });
  const wall = (Date.now() - t0) / 1000;
  const r = await page.evaluate(() => {
    const view = document.querySelector('[data-testid=compare-view]');
    const s = document.querySelector('[data-testid=compare-summary]');
    return {
      installed: Number(view.dataset.baselineAtMs),
      shown: window.__bench.shown,
      summary: window.__bench.summary,
      computeMs: Number(s.dataset.computeMs),
      rows: document.querySelectorAll('[data-testid=compare-row]').length,
      matched: s.dataset.matched,
      status: document.querySelector('[data-testid=load-status]').textContent,
    };
  });
  const tab = (name, selector) => page.evaluate(async ([name, selector]) => {
    const t = performance.now();
    document.querySelector(`[data-testid=compare-tab-${name}]`).click();
    while (!document.querySelector(selector)) await new Promise((res) => setTimeout(res, 5));
    await new Promise((res) => requestAnimationFrame(() => setTimeout(res, 0)));
    return performance.now() - t;
  }, [name, selector]);
  const waterfalls = await tab('waterfalls', '[data-testid=compare-waterfalls]');
  const dag = await tab('dag', '[data-testid=compare-dag-node]');
  const nodes = await page.$$eval('[data-testid=compare-dag-node]', (e) => e.length);
  const table = await tab('table', '[data-testid=compare-row]');
  console.log(`runs                      2 x ${spans} spans (${a} as A, ${b} as B); ${r.matched} spans matched`);
  console.log(`status                    ${r.status}`);
  console.log(`compare view shown        ${(r.shown - r.installed).toFixed(0)} ms after the baseline was installed (comparison in wasm ${r.computeMs.toFixed(0)} ms, summary in the DOM at ${(r.summary - r.installed).toFixed(0)} ms; ${r.rows} table rows)`);
  console.log(`tabs                      waterfalls ${waterfalls.toFixed(0)} ms, DAG ${dag.toFixed(0)} ms (${nodes} nodes), table ${table.toFixed(0)} ms`);
  console.log(`whole run                 ${wall.toFixed(1)} s from opening the link (both reads included)`);
} finally {
  await browser.close();
  await app.close();
  await data.close();
}
