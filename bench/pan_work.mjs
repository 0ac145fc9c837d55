// Main-thread work of panning and zooming (issue 13): opens an N-span trace (300k by default,
// from the shared generator) in the release build, then does the same 20 zoom/pan steps twice:
// plain, and with a span selected (details open), the failures panel open and a search active.
// Prints the main thread's task time (DevTools protocol `Performance.getMetrics`, TaskDuration,
// before and after) for both runs and their ratio: with the views reading only what they show,
// the second run costs about the first (goal <= 1.3x; it was 1.65x when every pan recomputed the
// legend, the search count, the details and the open panel). Prints numbers; asserts nothing.
//
//   node bench/pan_work.mjs [spans=300000] [query=inference]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../tests/e2e/support/server.mjs';
import { launch, newPage, waitForState, DIST, SHARED, ROOT } from '../tests/e2e/support/browser.mjs';

const spans = Number(process.argv[2] ?? 300000);
const query = process.argv[3] ?? 'inference';
const outDir = path.join(ROOT, 'bench/out', `big${spans}`);
const file = path.join(outDir, 'spans.jsonl');
if (!fs.existsSync(file)) {
  console.log(`generating ${spans} spans ...`);
  execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--out', outDir], { stdio: 'inherit' });
}

/** 20 steps, each followed by its paint: zoom in at the middle, pan later, pan earlier, pan by
 * a horizontal wheel; starting from the whole trace. */
async function panAndZoom(page) {
  return page.evaluate(async () => {
    const overlay = document.querySelector('canvas.overlay');
    const r = overlay.getBoundingClientRect();
    const at = { clientX: r.left + r.width * 0.6, clientY: r.top + r.height * 0.5, bubbles: true, cancelable: true };
    const key = (k) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    const steps = [
      () => overlay.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY: -240, ctrlKey: true })),
      () => key('d'),
      () => key('a'),
      () => overlay.dispatchEvent(new WheelEvent('wheel', { ...at, deltaX: 120 })),
    ];
    const raf = () => new Promise((res) => requestAnimationFrame(res));
    key('f');
    await raf();
    await raf();
    for (let i = 0; i < 20; i++) {
      steps[i % steps.length]();
      await raf(); // the paint for this step runs in this frame
      await raf();
    }
  });
}

/** Main-thread task time (ms) of `work`. */
async function taskMs(cdp, work) {
  const metric = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
  const before = await metric();
  await work();
  return (await metric() - before) * 1000;
}

const settle = (page) => page.evaluate(() => new Promise((r) => setTimeout(r, 300)));

const app = await serve(DIST);
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1600, height: 900 });
  await page.goto(app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', file);
  await waitForState(page, ['ready', 'error'], 180000);
  const count = await page.textContent('[data-testid=span-count]');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  // a warm-up run, so both measured runs find the same caches and compiled code
  await panAndZoom(page);
  await settle(page);
  const plain = await taskMs(cdp, () => panAndZoom(page));
  // select a span (details open), open the failures panel, search
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await page.waitForSelector('[data-testid=span-details]');
  await page.click('[data-testid=failures-count]');
  await page.waitForSelector('[data-testid=failures-panel]');
  await page.fill('[data-testid=search-input]', query);
  await page.waitForFunction(() => /match/.test(document.querySelector('[data-testid=search-count]')?.textContent ?? ''));
  await page.locator('[data-testid=search-input]').blur();
  await settle(page);
  const busy = await taskMs(cdp, () => panAndZoom(page));
  const failed = await page.textContent('[data-testid=failures-count]');
  const matches = await page.textContent('[data-testid=search-count]');
  console.log(`spans loaded                 ${count} (${failed}; search "${query}": ${matches})`);
  console.log(`20 zoom/pan steps, plain     ${plain.toFixed(0)} ms of main-thread tasks`);
  console.log(`the same, details + failures panel + search   ${busy.toFixed(0)} ms`);
  console.log(`ratio                        ${(busy / plain).toFixed(2)}x (goal <= 1.3x)`);
  if (page.errors.length) console.log('page errors:', page.errors);
} finally {
  await browser.close();
  await app.close();
}
