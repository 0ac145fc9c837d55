// Browser benchmark (issues 2 and 11): for each size, generates the shared generator's FlowMesh
// workflow, serves the release build (dist-test/) and the files on 127.0.0.1, and opens Skein on
// `?url=` links to them in a fresh headless Chromium, timing from navigation to the first drawn
// frame of the trace (wasm boot included). Prints the split (wasm boot, fetch wait, parse, build,
// encode, transfer, decode, derive + first paint), MB/s, renderer memory after the load and at
// its peak (workers live in the renderer), the longest main-thread frame during the load,
// zoom/pan frame times and the lineage DAG; then the same workflow as a Chrome trace in
// speedscope (fetched from npm into bench/.peer/, never committed), side by side. Prints numbers;
// asserts nothing (speed goals live here, not in tests).
//
//   node bench/browser_load.mjs [spans ...=100000] [--no-speedscope] [--no-dag]
//   node bench/browser_load.mjs 100000 trace.chrome.json   # one encoding alone: otlp.jsonl, trace.jaeger.json, trace.chrome.json
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from '../tests/e2e/support/server.mjs';
import { launch, newPage, waitForState, DIST, SHARED, ROOT } from '../tests/e2e/support/browser.mjs';

const args = process.argv.slice(2);
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const withSpeedscope = !args.includes('--no-speedscope');
const withDag = !args.includes('--no-dag');
const SPEEDSCOPE = '1.25.0';
// one encoding of the workflow alone (from the generator's --otlp --jaeger --chrome outputs)
const only = args.find((a) => /\.(json|jsonl)$/.test(a));

function generated(spans) {
  if (only) {
    const dir = path.join(ROOT, 'bench/out', `formats${spans}`);
    if (!fs.existsSync(path.join(dir, only))) {
      execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--out', dir,
        '--otlp', '--jaeger', '--chrome'], { stdio: 'inherit' });
    }
    return dir;
  }
  const dir = path.join(ROOT, 'bench/out', `big${spans}`);
  const chrome = path.join(dir, 'trace.chrome.json');
  if (!fs.existsSync(path.join(dir, 'spans.jsonl')) || (withSpeedscope && !fs.existsSync(chrome))) {
    console.log(`generating ${spans} spans ...`);
    execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), String(spans), '--out', dir,
      ...(withSpeedscope ? ['--chrome'] : [])], { stdio: 'inherit' });
  }
  return dir;
}

/** Resident memory of the renderer processes (the page and its workers), MB. */
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

/** Samples renderer memory every 50 ms until stopped; returns the peak, MB. */
function sampleMemory() {
  let peak = 0;
  const timer = setInterval(() => { peak = Math.max(peak, rendererRssMb()); }, 50);
  return () => { clearInterval(timer); return Math.max(peak, rendererRssMb()); };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p95: q(0.95), max: s[s.length - 1] };
};

/** In the page, before anything runs: when the app mounts, the load starts/installs/draws, and
 * every animation-frame gap and long task with its time. */
function probe() {
  const b = { gaps: [], longTasks: [] };
  window.__bench = b;
  let last = performance.now();
  const tick = (t) => { b.gaps.push([t, t - last]); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((l) => l.getEntries().forEach((e) => b.longTasks.push([e.startTime, e.duration])))
      .observe({ type: 'longtask', buffered: true });
  } catch { /* no long-task timing */ }
  new MutationObserver(() => {
    const now = performance.now();
    if (!b.mounted && document.querySelector('.app')) b.mounted = now;
    const el = document.querySelector('[data-testid=load-status]');
    if (!el) return;
    if (!b.loading && el.dataset.state === 'loading') b.loading = now;
    if (!b.installed && el.dataset.timings) { b.installed = now; b.timings = el.dataset.timings; }
    if (!b.ready && el.dataset.state === 'ready') b.ready = now;
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

async function skein(dir, spans) {
  const app = await serve(DIST);
  const data = await serve(dir, { cors: true });
  const browser = await launch();
  try {
    const page = await newPage(browser, { width: 1600, height: 900 });
    await page.addInitScript(probe);
    const files = only ? [only] : ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
    const bytes = files.reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0);
    const q = files.map((f) => `url=${encodeURIComponent(`${data.url}/${f}`)}`).join('&');
    const before = rendererRssMb();
    const peak = sampleMemory();
    await page.goto(`${app.url}/?${q}`);
    await waitForState(page, ['ready', 'error'], 300000);
    const peakMb = peak();
    await new Promise((r) => setTimeout(r, 1000));
    const afterMb = rendererRssMb();
    const b = await page.evaluate(() => window.__bench);
    const t = Object.fromEntries(b.timings.split(';').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    const during = b.gaps.filter(([at]) => at > b.loading && at <= b.ready).map(([, g]) => g);
    const longest = Math.max(0, ...during);
    const overs = during.filter((g) => g > 50).length;
    const longTask = Math.max(0, ...b.longTasks.filter(([at]) => at >= b.loading && at <= b.ready).map(([, d]) => d));
    const count = await page.textContent('[data-testid=span-count]');
    const status = await page.textContent('[data-testid=load-status]');
    const frames = await zoomPan(page);
    const dag = withDag ? await dagTime(page) : null;
    if (page.errors.length) console.log('page errors:', page.errors);
    return { spans, count, status, bytes, ready: b.ready, mounted: b.mounted, loading: b.loading, installed: b.installed,
      t, longest, overs, longTask, before, peakMb, afterMb, frames, dag };
  } finally {
    await browser.close();
    await app.close();
    await data.close();
  }
}

// 20 steps, one per frame: zoom in, pan, scroll rows, zoom out. Frame time = interval between
// animation frames while they run (what a user sees; 16.7 ms = 60 fps).
async function zoomPan(page) {
  return page.evaluate(async () => {
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
}

// the lineage DAG of the same workflow (one node per task): time from the click to the nodes
// being in the DOM and laid out, and one zoom step afterwards
async function dagTime(page) {
  return page.evaluate(async () => {
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
}

/** speedscope, from npm into bench/.peer/ (a peer for comparison, never committed). */
function speedscopeDir() {
  const peer = path.join(ROOT, 'bench/.peer');
  const release = path.join(peer, 'node_modules/speedscope/dist/release');
  if (!fs.existsSync(path.join(release, 'index.html'))) {
    fs.mkdirSync(peer, { recursive: true });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', peer, `speedscope@${SPEEDSCOPE}`], { stdio: 'inherit' });
  }
  return release;
}

async function speedscope(dir) {
  const app = await serve(speedscopeDir());
  const data = await serve(dir, { cors: true });
  const browser = await launch();
  try {
    const page = await newPage(browser, { width: 1600, height: 900 });
    const file = 'trace.chrome.json';
    const peak = sampleMemory();
    const t0 = Date.now();
    await page.goto(`${app.url}/index.html#profileURL=${encodeURIComponent(`${data.url}/${file}`)}`);
    // loaded once the landing text is gone and the flame chart's canvas has a size
    await page.waitForFunction(() => !document.body.innerText.includes('Drag and drop')
      && !document.body.innerText.match(/Loading|loading/)
      && [...document.querySelectorAll('canvas')].some((c) => c.width > 100), null, { timeout: 600000, polling: 50 });
    const loadMs = await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now())))));
    const peakMb = peak();
    await new Promise((r) => setTimeout(r, 1000));
    return { loadMs, wallMs: Date.now() - t0, peakMb, afterMb: rendererRssMb(), bytes: fs.statSync(path.join(dir, file)).size };
  } finally {
    await browser.close();
    await app.close();
    await data.close();
  }
}

const rows = [];
for (const spans of sizes.length ? sizes : [100000]) {
  const dir = generated(spans);
  const s = await skein(dir, spans);
  const mb = s.bytes / 1e6;
  const f = stats(s.frames.intervals);
  const p = stats(s.frames.paints);
  console.log(`\n${spans} spans: ${s.count} loaded, ${mb.toFixed(1)} MB (${only ?? 'spans + lineage + assets'} by URL)`);
  console.log(`  navigation -> first drawn frame  ${s.ready.toFixed(0)} ms  (${(mb / (s.ready / 1000)).toFixed(1)} MB/s)`);
  console.log(`    wasm boot (page mounted)      ${s.mounted.toFixed(0)} ms`);
  console.log(`    load started                  ${s.loading.toFixed(0)} ms`);
  console.log(`    in the worker: fetch wait ${s.t.wait} ms, parse ${s.t.parse} ms, build ${s.t.build} ms, encode ${s.t.encode} ms`);
  console.log(`    transfer to the page          ${s.t.transfer} ms`);
  console.log(`    decode on the page            ${s.t.decode} ms`);
  console.log(`    installed -> first frame      ${(s.ready - s.installed).toFixed(0)} ms (derive + first paint)`);
  console.log(`  status                          ${s.status}`);
  console.log(`  renderer memory                 ${s.afterMb.toFixed(0)} MB after load, ${s.peakMb.toFixed(0)} MB peak (${(s.peakMb / s.afterMb).toFixed(2)}x), ${s.before.toFixed(0)} MB before`);
  console.log(`  longest frame during the load   ${s.longest.toFixed(0)} ms (${s.overs} frames over 50 ms); longest task ${s.longTask.toFixed(0)} ms`);
  console.log(`  zoom/pan, 20 steps              median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms per frame; paint median ${p.median.toFixed(2)} ms, max ${p.max.toFixed(2)} ms`);
  if (s.dag) console.log(`  lineage DAG                     ${s.dag.nodes} nodes drawn in ${s.dag.shown.toFixed(0)} ms; one zoom step ${s.dag.zoomFrame.toFixed(1)} ms per frame`);
  const row = { spans, skein: s };
  if (withSpeedscope) {
    const ss = await speedscope(dir);
    console.log(`  speedscope ${SPEEDSCOPE} (trace.chrome.json, ${(ss.bytes / 1e6).toFixed(1)} MB): drawn at ${ss.loadMs.toFixed(0)} ms, ${ss.afterMb.toFixed(0)} MB after, ${ss.peakMb.toFixed(0)} MB peak`);
    row.speedscope = ss;
  }
  rows.push(row);
}
console.log('\n| spans | Skein: navigation -> drawn | MB/s | memory after (peak) | longest frame during load | speedscope: drawn | memory after (peak) |');
console.log('|---|---|---|---|---|---|---|');
for (const { spans, skein: s, speedscope: ss } of rows) {
  const sp = ss ? `${(ss.loadMs / 1000).toFixed(1)} s | ${ss.afterMb.toFixed(0)} MB (${ss.peakMb.toFixed(0)} MB)` : '- | -';
  console.log(`| ${spans} | ${(s.ready / 1000).toFixed(2)} s | ${(s.bytes / 1e6 / (s.ready / 1000)).toFixed(0)} | ${s.afterMb.toFixed(0)} MB (${s.peakMb.toFixed(0)} MB) | ${s.longest.toFixed(0)} ms | ${sp} |`);
}
