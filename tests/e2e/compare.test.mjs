// Issue 9 end to end: the compare view in headless Chromium on the release build. Two runs of
// the shared generator (same seed, another --workers and --error-rate; B's trace and span ids
// rewritten here so nothing matches by id) served with CORS, compared with `vs=` and checked
// against `skein diff` on the same files; row clicks select on their side; copied links
// reopen the same comparison (URLs, and small local files embedded for both sides); an MLflow
// pair's text diff. Screenshots of each compare view go to tests/e2e/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useApp } from './support/suite.mjs';
import { serve } from './support/server.mjs';
import { newPage, waitForState, screenshot, SHARED, ROOT } from './support/browser.mjs';

const ctx = useApp();
const FILES = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
const SKEIN = path.join(ROOT, 'target/release/skein');
const OURS = path.join(ROOT, 'tests/fixtures/compare');
let tmp;
let data;

/** Every trace and span id of an OTel SDK span line XOR-ed, so no id is shared with the source. */
function rewriteOtel(text) {
  const flip = (v, width, mask) => (typeof v === 'string'
    ? `0x${(BigInt(v) ^ mask).toString(16).padStart(width, '0')}` : v);
  const [tm, sm] = [0x5eedabcdn << 64n | 0x1234n, 0x0f0f0000f00dn];
  return text.split('\n').filter((l) => l.trim()).map((line) => {
    const v = JSON.parse(line);
    v.context.trace_id = flip(v.context.trace_id, 32, tm);
    v.context.span_id = flip(v.context.span_id, 16, sm);
    v.parent_id = flip(v.parent_id, 16, sm);
    for (const l of v.links ?? []) {
      l.context.trace_id = flip(l.context.trace_id, 32, tm);
      l.context.span_id = flip(l.context.span_id, 16, sm);
    }
    return JSON.stringify(v);
  }).join('\n') + '\n';
}

/** The MLflow agent run with another question, more tokens on `plan`, and other ids (the text
 * is edited as text: its ns times do not fit a JS number). */
function editedMlflow(text) {
  const ids = new Set([...text.matchAll(/"(?:trace_id|span_id|parent_span_id)": "([A-Za-z0-9+/]+=*)"/g)].map((m) => m[1]));
  let out = text;
  for (const id of ids) {
    const flipped = Buffer.from(Buffer.from(id, 'base64').map((b) => b ^ 0x5a)).toString('base64');
    out = out.replaceAll(`"${id}"`, `"${flipped}"`);
  }
  const request = text.match(/tr-[0-9a-f]{32}/)[0];
  out = out.replaceAll(request, `tr-${[...request.slice(3)].reverse().join('')}`);
  out = out.replaceAll('Which FlowMesh task was on the critical path of wfl-7c1e5b0f?', 'Which FlowMesh task was the slowest in wfl-7c1e5b0f?');
  return out.replace('412, \\"output_tokens\\": 58, \\"total_tokens\\": 470', '448, \\"output_tokens\\": 64, \\"total_tokens\\": 512');
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-compare-'));
  const gen = (dir, args) => execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), '3000', '--seed', '11', ...args, '--out', path.join(tmp, dir)], { stdio: 'ignore' });
  gen('a', ['--workers', '8']);
  gen('b0', ['--workers', '3', '--error-rate', '0.05']);
  fs.mkdirSync(path.join(tmp, 'b'));
  fs.writeFileSync(path.join(tmp, 'b/spans.jsonl'), rewriteOtel(fs.readFileSync(path.join(tmp, 'b0/spans.jsonl'), 'utf8')));
  for (const f of FILES.slice(1)) fs.copyFileSync(path.join(tmp, 'b0', f), path.join(tmp, 'b', f));
  const mlflow = fs.readFileSync(path.join(SHARED, 'generated/mlflow/trace_1_agent_run.json'), 'utf8');
  fs.mkdirSync(path.join(tmp, 'mlflow'));
  fs.writeFileSync(path.join(tmp, 'mlflow/a.json'), mlflow);
  fs.writeFileSync(path.join(tmp, 'mlflow/b.json'), editedMlflow(mlflow));
});
before(async () => { data = await serve(tmp, { cors: true }); });
after(async () => {
  await data?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const enc = encodeURIComponent;
const runLink = (extra = '') => {
  const q = [...FILES.map((f) => `url=${enc(`${data.url}/b/${f}`)}`), ...FILES.map((f) => `vs=${enc(`${data.url}/a/${f}`)}`)];
  return `${ctx.app.url}/?${q.join('&')}&view=compare${extra}`;
};
const cli = (b, a, extra = []) => JSON.parse(execFileSync(SKEIN, ['diff', ...b, '--vs', ...a, '--format', 'json', ...extra], { maxBuffer: 1 << 28 }).toString());
// the summary's numbers (not how long computing them took)
const summaryOf = (page) => page.evaluate(() => {
  const { computeMs, ...rest } = document.querySelector('[data-testid=compare-summary]').dataset;
  return rest;
});
const ns = (seconds) => String(Math.round(seconds * 1e9));

async function openCompared(page, link) {
  await page.goto(link);
  await page.waitForSelector('[data-testid=compare-summary]', { timeout: 60000 });
  assert.equal(await waitForState(page, ['ready'], 60000), 'ready');
}

test('B loaded with vs= A shows the summary and rows skein diff prints', async () => {
  const want = cli(FILES.map((f) => path.join(tmp, 'b', f)), FILES.map((f) => path.join(tmp, 'a', f)));
  const page = await newPage(ctx.browser, { width: 1500, height: 950 });
  await openCompared(page, runLink());
  const s = await summaryOf(page);
  assert.deepEqual(
    [s.matched, s.added, s.removed, s.aDurationNs, s.bDurationNs],
    [want.summary.matched, want.summary.added, want.summary.removed].map(String).concat([ns(want.summary.a.duration_seconds), ns(want.summary.b.duration_seconds)]),
  );
  assert.match(await page.textContent('[data-testid=load-status]'), /Baseline A: loaded \d+ spans/);
  const rows = await page.$$eval('[data-testid=compare-row]', (els) => els.slice(0, 40).map((e) => ({ ...e.dataset })));
  assert.ok(rows.length >= 20, `${rows.length} rows shown`);
  const byKey = new Map(want.rows.map((r) => [r.key, r]));
  for (const r of rows) {
    const w = byKey.get(r.key);
    assert.ok(w, `the CLI has row ${r.key}`);
    assert.equal(r.status, w.status, r.key);
    assert.equal(r.aNs, w.a ? ns(w.a.total_seconds) : '', r.key);
    assert.equal(r.bNs, w.b ? ns(w.b.total_seconds) : '', r.key);
  }
  // the table's order is the CLI's (rows sorted by signed Δ within each status)
  assert.deepEqual(rows.map((r) => r.key), want.rows.slice(0, rows.length).map((r) => r.key));
  await screenshot(page, 'compare-summary-table.png');

  await page.click('[data-testid=compare-tab-waterfalls]');
  const box = await page.locator('[data-testid=compare-waterfalls]').boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + 28 + 22 + 20 * 4 + 10);
  await page.waitForTimeout(300);
  await screenshot(page, 'compare-waterfalls.png');
  await page.click('[data-testid=compare-tab-dag]');
  await page.waitForSelector('[data-testid=compare-dag-node]');
  const nodes = await page.$$eval('[data-testid=compare-dag-node]', (els) => els.map((e) => e.dataset.dataId));
  assert.equal(nodes.length, new Set(want.per_data_id.map((d) => d.data_id)).size);
  assert.ok(await page.isVisible('[data-testid=compare-legend]'), 'the legend is always shown');
  await page.waitForTimeout(300);
  await screenshot(page, 'compare-dag.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a copied link reopens the same comparison from its URLs', async () => {
  const page = await newPage(ctx.browser);
  await openCompared(page, runLink('&key=path&tol=10%25%2C2ms'));
  const first = await summaryOf(page);
  await page.click('[data-testid=compare-row]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('span'));
  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.doesNotMatch(link, /#/, 'URLs travel as URLs');
  const params = new URL(link).searchParams;
  assert.equal(params.getAll('vs').length, 3);
  assert.deepEqual([params.get('key'), params.get('tol'), params.get('view')], ['path', '10%,2ms', 'compare']);
  assert.match(await page.textContent('[data-testid=share-popover]'), /baseline A reopens from its URL/);
  const other = await newPage(ctx.browser);
  await openCompared(other, link);
  assert.deepEqual(await summaryOf(other), first);
  assert.equal(new URL(other.url()).searchParams.get('span'), params.get('span'));
  assert.ok((await other.textContent('[data-testid=span-details]')).includes(params.get('span')));
  assert.equal(await other.$$eval('[data-testid=compare-row].selected', (e) => e.length), 1, 'its row is highlighted');
  assert.deepEqual(other.errors, []);
  await other.close();
  await page.close();
});

/** The task span id of data id `id` in a scenario file, read with plain JSON. */
function taskSpanId(file, id) {
  const line = fs.readFileSync(path.join(OURS, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .find((v) => v.name === 'task' && v.attributes?.data_id === id);
  return line.context.span_id.replace(/^0x/, '');
}

test('a row click selects its span on its side, and local files of both sides travel in the link', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', path.join(OURS, 'b_replaced_by_e.jsonl'));
  assert.equal(await waitForState(page), 'ready');
  await page.click('[data-testid=view-compare]');
  await page.setInputFiles('[data-testid=compare-input]', path.join(OURS, 'base.jsonl'));
  await page.waitForSelector('[data-testid=compare-summary]');
  // b is only in A: its task row selects A's span, in the baseline load
  await page.click('[data-testid=compare-row][data-key="[b] flowmesh-worker:task"]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('spanin') === 'vs');
  const url = () => new URL(page.url()).searchParams;
  assert.equal(url().get('span'), taskSpanId('base.jsonl', 'b'));
  assert.match(await page.textContent('[data-testid=span-details]'), /A \(the baseline/);
  // e is only in B
  await page.click('[data-testid=compare-row][data-key="[e] flowmesh-worker:task"]');
  await page.waitForFunction(() => !new URL(location.href).searchParams.get('spanin'));
  assert.equal(url().get('span'), taskSpanId('b_replaced_by_e.jsonl', 'e'));
  assert.doesNotMatch(await page.textContent('[data-testid=span-details]'), /the baseline/);
  const want = await summaryOf(page);
  assert.deepEqual([want.matched, want.added, want.removed], ['9', '3', '3']);
  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /#data=1~.*&vsdata=1~/);
  assert.match(await page.textContent('[data-testid=share-popover]'), /baseline A's files are embedded too/);
  const other = await newPage(ctx.browser);
  await openCompared(other, link);
  assert.deepEqual(await summaryOf(other), want);
  assert.equal(new URL(other.url()).searchParams.get('span'), taskSpanId('b_replaced_by_e.jsonl', 'e'));
  // swapped: base is B now, so b's task is added; the selected e span is in the baseline load
  await other.click('[data-testid=compare-swap]');
  await other.waitForFunction(() => document.querySelector('[data-testid=compare-row][data-key="[b] flowmesh-worker:task"]')?.dataset.status === 'added'
    && new URL(location.href).searchParams.get('spanin') === 'vs');
  assert.equal(new URL(other.url()).searchParams.get('span'), taskSpanId('b_replaced_by_e.jsonl', 'e'));
  assert.deepEqual(other.errors, []);
  await other.close();
  await page.close();
});

test('a matched MLflow LLM pair shows its tokens and the line diff of its prompt, as text', async () => {
  const page = await newPage(ctx.browser, { width: 1500, height: 950 });
  // B from the link, A typed into the compare view's URL box
  await page.goto(`${ctx.app.url}/?url=${enc(`${data.url}/mlflow/b.json`)}&view=compare`);
  await page.waitForSelector('[data-testid=compare-prompt]');
  await page.fill('[data-testid=compare-url]', `${data.url}/mlflow/a.json`);
  await page.press('[data-testid=compare-url]', 'Enter');
  await page.waitForSelector('[data-testid=compare-summary]');
  assert.equal(new URL(page.url()).searchParams.get('vs'), `${data.url}/mlflow/a.json`);
  assert.equal((await summaryOf(page)).matched, '7');
  await page.click('[data-testid=compare-row][data-key="agent_run:agent_run > plan·leaf"]');
  await page.waitForSelector('[data-testid=compare-pair]');
  const pair = await page.textContent('[data-testid=compare-pair]');
  assert.match(pair, /tokens total\s*470\s*512\s*\+42/);
  const lines = await page.$$eval('[data-testid=compare-diff-line]', (els) => els.map((e) => e.textContent));
  assert.ok(lines.some((l) => l.startsWith('− ') && l.includes('on the critical path of wfl-7c1e5b0f')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('+ ') && l.includes('the slowest in wfl-7c1e5b0f')), lines.join('\n'));
  assert.equal(await page.$$eval('[data-testid=compare-pair] script, [data-testid=compare-pair] img', (e) => e.length), 0);
  await screenshot(page, 'compare-text-diff.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** Drops files (name -> Buffer) on the element `selector` with real DragEvents. */
async function dropOn(page, selector, files) {
  const payload = files.map(([name, buf]) => ({ name, b64: Buffer.from(buf).toString('base64') }));
  await page.evaluate(([sel, items]) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
    }
    const zone = document.querySelector(sel);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, [selector, payload]);
}

test('runs of one load are picked as A and B; a baseline dropped on its control is A, not B', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', path.join(OURS, 'baseline_runs.jsonl'));
  assert.equal(await waitForState(page), 'ready');
  await page.click('[data-testid=view-compare]');
  await page.waitForSelector('[data-testid=compare-summary]');
  // three runs of 50, 52, 54 ms wall clock, in start order: B is the last, A the one before
  const s = await summaryOf(page);
  assert.deepEqual([s.aDurationNs, s.bDurationNs], ['52000000', '54000000']);
  await page.selectOption('[data-testid=compare-pick-a]', 'set');
  await page.waitForSelector('[data-testid=compare-baseline-set]');
  assert.match(await page.textContent('[data-testid=compare-baseline-set]'), /baseline set of 2 runs/);
  assert.equal(new URL(page.url()).searchParams.getAll('atrace').length, 2);
  assert.equal((await summaryOf(page)).aDurationNs, '51000000', 'the median of 50 and 52 ms');

  await dropOn(page, '[data-testid=compare-drop]', [['baseline_b.jsonl', fs.readFileSync(path.join(OURS, 'baseline_b.jsonl'))]]);
  await page.waitForFunction(() => document.querySelector('[data-testid=compare-summary]')?.dataset.bDurationNs === '54000000'
    && /Baseline A/.test(document.querySelector('[data-testid=load-status]').textContent));
  const spanLines = fs.readFileSync(path.join(OURS, 'baseline_runs.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"context"'));
  assert.equal(await page.textContent('[data-testid=span-count]'), String(spanLines.length), 'B is still the three runs');
  assert.equal(new URL(page.url()).searchParams.getAll('btrace').length, 1, 'B stays the run it was');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a link names large baseline files; the compare view asks for them and checks them', async () => {
  const big = path.join(ROOT, 'bench/out/big100000/spans.jsonl');
  if (!fs.existsSync(big)) {
    execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), '100000', '--out', path.dirname(big)], { stdio: 'ignore' });
  }
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', path.join(OURS, 'base.jsonl'));
  assert.equal(await waitForState(page), 'ready');
  await page.click('[data-testid=view-compare]');
  await page.setInputFiles('[data-testid=compare-input]', big);
  await page.waitForSelector('[data-testid=compare-summary]', { timeout: 60000 });
  const want = await summaryOf(page);
  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /#data=1~/, "B's small file is embedded");
  assert.doesNotMatch(link, /vsdata=/);
  assert.match(new URL(link).searchParams.get('vsfile'), /^spans\.jsonl\.\d+\.[0-9a-f]{16}$/);
  assert.match(await page.textContent('[data-testid=share-popover]'), /baseline A's files are too large to embed/);
  await page.close();

  const wrong = await newPage(ctx.browser);
  await wrong.goto(link);
  await wrong.waitForSelector('[data-testid=needs-baseline-files]', { timeout: 30000 });
  assert.match(await wrong.textContent('[data-testid=needs-baseline-files]'), /spans\.jsonl \(105\.9 MB\)/);
  await wrong.setInputFiles('[data-testid=compare-input]', path.join(OURS, 'c_slower.jsonl'));
  await wrong.waitForFunction(() => /Not the baseline files of the link: spans\.jsonl was not dropped/.test(document.querySelector('[data-testid=load-status]').textContent));
  await wrong.close();

  const again = await newPage(ctx.browser);
  await again.goto(link);
  await again.waitForSelector('[data-testid=needs-baseline-files]', { timeout: 30000 });
  await again.setInputFiles('[data-testid=compare-input]', big);
  await again.waitForSelector('[data-testid=compare-summary]', { timeout: 60000 });
  assert.deepEqual(await summaryOf(again), want);
  assert.doesNotMatch(await again.textContent('[data-testid=load-status]'), /Not the baseline files/);
  assert.deepEqual(again.errors, []);
  await again.close();
});
