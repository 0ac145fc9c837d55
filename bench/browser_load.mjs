// Browser benchmark (issue 2): generates an N-span FlowMesh trace with the shared generator,
// serves the release build on 127.0.0.1, picks the file in headless Chromium and prints:
// load time (pick -> first timeline frame drawn), MB/s, renderer memory, and frame times over
// 20 scripted zoom/pan/scroll steps. Prints numbers; asserts nothing (speed goals live here).
//
//   node bench/browser_load.mjs [spans=100000] [spans.jsonl|otlp.jsonl|trace.jaeger.json|trace.chrome.json]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../tests/e2e/support/server.mjs';
import { launch, newPage, waitForState, DIST, SHARED, ROOT } from '../tests/e2e/support/browser.mjs';

const spans = Number(process.argv[2] ?? 100000);
// which encoding to load: spans.jsonl (default), otlp.jsonl, trace.jaeger.json, trace.chrome.json
const which = process.argv[3] ?? 'spans.jsonl';
const encodings = which !== 'spans.jsonl';
const outDir = path.join(ROOT, 'bench/out', encodings ? `formats${spans}` : `big${spans}`);
if (!fs.existsSync(path.join(outDir, which))) {
  console.log(`generating ${spans} spans ...`);
  const extra = encodings ? ['--otlp', '--jaeger', '--chrome'] : [];
  execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--out', outDir, ...extra], { stdio: 'inherit' });
}
const file = path.join(outDir, which);
const bytes = fs.statSync(file).size;

function rendererRssMb() {
  let kb = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('chromium') && cmd.includes('--type=renderer')) {
        const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
        kb += m ? Number(m[1]) : 0;
      }
    } catch { /* process ended */ }
  }
  return kb / 1024;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};

const app = await serve(DIST);
const browser = await launch();
try {
  const page = await newPage(browser, { width: 1600, height: 900 });
  await page.goto(app.url + '/');
  await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
  await page.evaluate(() => {
    window.__bench = {};
    document.querySelector('[data-testid=file-input]').addEventListener('change', () => { window.__bench.start = performance.now(); }, { capture: true });
    new MutationObserver(() => {
      const el = document.querySelector('[data-testid=load-status]');
      if (el?.dataset.state === 'ready' && !window.__bench.ready) window.__bench.ready = performance.now();
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  await page.setInputFiles('[data-testid=file-input]', file);
  await waitForState(page, ['ready', 'error'], 120000);
  const { start, ready } = await page.evaluate(() => window.__bench);
  const loadMs = ready - start;
  const count = await page.textContent('[data-testid=span-count]');
  // the app's own split: reading + building the trace (in its status line) vs the rest (first frame)
  const status = await page.textContent('[data-testid=load-status]');
  const buildMs = Number(status.match(/in (\d+) ms/)?.[1] ?? NaN);
  const memMb = rendererRssMb();

  // 20 steps, one per frame: zoom in, pan, scroll rows, zoom out. Frame time = interval
  // between animation frames while they run (what a user sees; 16.7 ms = 60 fps).
  const frames = await page.evaluate(async () => {
    const overlay = document.querySelector('canvas.overlay');
    const base = document.querySelector('[data-testid=timeline-canvas]');
    const r = overlay.getBoundingClientRect();
    const at = { clientX: r.left + r.width * 0.6, clientY: r.top + r.height * 0.5, bubbles: true, cancelable: true };
    const steps = [];
    for (let i = 0; i < 5; i++) steps.push(() => overlay.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY: -240, ctrlKey: true })));
    for (let i = 0; i < 5; i++) steps.push(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: i % 2 ? 'a' : 'd', bubbles: true })));
    for (let i = 0; i < 5; i++) steps.push(() => overlay.dispatchEvent(new WheelEvent('wheel', { ...at, deltaY: 400 })));
    for (let i = 0; i < 5; i++) steps.push(() => window.dispatchEvent(new KeyboardEvent('keydown', { key: 's', bubbles: true })));
    const raf = () => new Promise((res) => requestAnimationFrame(res));
    const intervals = [];
    const paints = [];
    let last = await raf();
    for (const step of steps) {
      step();
      await raf(); // our paint for this step runs in this frame, after this callback
      const t = await raf();
      intervals.push((t - last) / 2);
      paints.push(Number(base.dataset.paintMs));
      last = t;
    }
    return { intervals, paints };
  });
  const f = stats(frames.intervals);
  const p = stats(frames.paints);
  const mb = bytes / 1e6;
  console.log(`spans loaded            ${count} (${mb.toFixed(1)} MB of ${which})`);
  console.log(`load (pick -> drawn)    ${loadMs.toFixed(0)} ms (read + build ${buildMs} ms, then first frame)`);
  console.log(`throughput              ${(mb / (loadMs / 1000)).toFixed(1)} MB/s`);
  console.log(`renderer memory (RSS)   ${memMb.toFixed(0)} MB`);
  console.log(`frame time, 20 steps    median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms`);
  console.log(`base paint cost         median ${p.median.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`);

  // the lineage DAG of the same workflow (one node per task): time from the click to the
  // nodes being in the DOM and laid out, and whether the page stays responsive afterwards
  const dag = await page.evaluate(async () => {
    const t0 = performance.now();
    document.querySelector('[data-testid=view-dag]').click();
    while (!document.querySelector('[data-testid=dag-node]')) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const shown = performance.now() - t0;
    const nodes = document.querySelectorAll('[data-testid=dag-node]').length;
    const svg = document.querySelector('[data-testid=dag-svg]');
    const t1 = performance.now();
    svg.parentElement.dispatchEvent(new WheelEvent('wheel', { deltaY: -200, bubbles: true, cancelable: true, clientX: 400, clientY: 300 }));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return { nodes, shown, zoomFrame: (performance.now() - t1) / 2 };
  });
  console.log(`lineage DAG             ${dag.nodes} nodes drawn in ${dag.shown.toFixed(0)} ms; one zoom step ${dag.zoomFrame.toFixed(1)} ms per frame`);
  if (page.errors.length) console.log('page errors:', page.errors);
} finally {
  await browser.close();
  await app.close();
}
