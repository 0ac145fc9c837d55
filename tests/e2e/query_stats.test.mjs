// Issue 10 in the browser: the query box, "show matches only", the statistics view and the
// flame graph, against the release build. Expected numbers come from the fixture files read
// here with plain JSON, or from the release CLI (`skein stats`) on the same files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, SHARED, ROOT } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';

const ctx = useApp();
const BIG = 'generated/big_sample_1k';
const OTEL = 'generated/otel_sdk';
const SKEIN = path.join(ROOT, 'target/release/skein');

const files = (dir, names) => names.map((f) => [f, fixture(`${dir}/${f}`)]);
const bigFiles = () => files(BIG, ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl']);
const workflowFiles = () => files(OTEL, ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl']);
const lines = (rel) => fixture(rel).toString().trim().split('\n').map((l) => JSON.parse(l));

/** `skein stats` on shared fixture files, as parsed JSON rows. */
function cliStats(dir, names, args) {
  const paths = names.map((f) => path.join(SHARED, dir, f));
  return JSON.parse(execFileSync(SKEIN, ['stats', ...paths, ...args], { encoding: 'utf8' }));
}

async function open(page, query = '') {
  await page.goto(`${ctx.app.url}/${query}`);
}

/** Types a query (as a user does) and waits until the count says it ran. */
async function typeQuery(page, q) {
  await page.fill('[data-testid=search-input]', q);
  await page.waitForFunction((want) => {
    const input = document.querySelector('[data-testid=search-input]');
    const count = document.querySelector('[data-testid=search-count]');
    const error = document.querySelector('[data-testid=query-error]');
    return input.value === want && (count?.dataset.count !== undefined || error) && new URL(location.href).searchParams.get('q') === want;
  }, q, { timeout: 10000 });
}

const matchCount = async (page) => Number(await page.getAttribute('[data-testid=search-count]', 'data-count'));

/** Names of the timeline's rows, read from the hover text of each row until one has none. */
async function rowNames(page, max = 60) {
  const names = [];
  for (let i = 0; i < max; i++) {
    const p = await rowPoint(page, i);
    await page.mouse.move(p.x, p.y);
    const tip = page.locator('[data-testid=tooltip]');
    try {
      await tip.waitFor({ state: 'visible', timeout: 1000 });
    } catch {
      break;
    }
    names.push((await tip.textContent()).split('\n')[0]);
    await page.mouse.move(1, 1);
    await tip.waitFor({ state: 'detached', timeout: 2000 });
  }
  return names;
}

test('a query of several clauses counts what skein stats --query counts', async () => {
  const q = '(type=compute or type=network) duration>20ms -name~^task not status=error';
  const want = cliStats(BIG, ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'], ['--query', q]).reduce((n, r) => n + r.count, 0);
  assert.ok(want > 10, `the CLI found ${want}`);
  const page = await newPage(ctx.browser);
  await open(page);
  await dropFiles(page, bigFiles());
  assert.equal(await waitForState(page), 'ready');
  await typeQuery(page, q);
  assert.equal(await matchCount(page), want);
  assert.equal(await page.locator('[data-testid=query-error]').count(), 0);
  // Enter steps to a match and shows its place among them
  await page.press('[data-testid=search-input]', 'Enter');
  await page.waitForSelector('[data-testid=span-details]');
  assert.match(await page.textContent('[data-testid=search-count]'), new RegExp(`^\\d+ / ${want} matches$`));
  const first = await page.textContent('[data-testid=search-count]');
  await page.press('[data-testid=search-input]', 'Enter');
  await page.waitForFunction((before) => document.querySelector('[data-testid=search-count]').textContent !== before, first);
  // with the critical path term, the same as the CLI too (the path the timeline draws)
  const q2 = 'critical type=compute';
  const want2 = cliStats(BIG, ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'], ['--query', q2]).reduce((n, r) => n + r.count, 0);
  await typeQuery(page, q2);
  assert.equal(await matchCount(page), want2);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('show matches only keeps the matches and their ancestors, nothing else', async () => {
  const spans = lines(`${OTEL}/spans.jsonl`);
  const byId = new Map(spans.map((s) => [s.context.span_id, s]));
  const kept = new Set();
  for (const s of spans.filter((s) => s.name === 'generation')) {
    for (let cur = s; cur; cur = byId.get(cur.parent_id)) kept.add(cur.context.span_id);
  }
  const want = [...kept].map((id) => byId.get(id).name).sort();
  assert.ok(want.includes('task') && want.length < spans.length);
  const page = await newPage(ctx.browser, { width: 1400, height: 1000 }); // every row in view
  await open(page);
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await typeQuery(page, 'name=generation');
  assert.equal(await matchCount(page), spans.filter((s) => s.name === 'generation').length);
  await page.check('[data-testid=matches-only]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('filter') === '1');
  const names = await rowNames(page);
  assert.deepEqual([...names].sort(), want);
  assert.equal(names[0], 'task', 'each match sits under its task');
  await screenshot(page, 'matches-only.png');
  await page.uncheck('[data-testid=matches-only]');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('filter'));
  assert.equal((await rowNames(page, 40)).length, spans.length);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a query that does not parse says where, matches nothing and filters everything out', async () => {
  const page = await newPage(ctx.browser);
  await open(page);
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await page.check('[data-testid=matches-only]');
  await typeQuery(page, 'status=eror duration>1s');
  const error = page.locator('[data-testid=query-error]');
  await error.waitFor();
  assert.equal(await error.locator('mark').textContent(), 'eror');
  assert.match(await error.textContent(), /at 8:/);
  assert.equal(await matchCount(page), 0);
  assert.deepEqual(await rowNames(page, 3), [], 'no rows: it matches nothing, not everything');
  await screenshot(page, 'query-error.png');
  await typeQuery(page, 'status=error');
  await error.waitFor({ state: 'detached' });
  const errors = lines(`${OTEL}/spans.jsonl`).filter((s) => s.status.status_code === 'ERROR').length;
  assert.equal(await matchCount(page), errors);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the preset pills put their queries in the box', async () => {
  const traces = lines('generated/mlflow/traces.jsonl');
  const spans = traces.flatMap((t) => t.data.spans);
  const type = (s) => JSON.parse(s.attributes?.['mlflow.spanType'] ?? '""');
  const page = await newPage(ctx.browser);
  await open(page);
  await dropFiles(page, [['traces.jsonl', fixture('generated/mlflow/traces.jsonl')]]);
  assert.equal(await waitForState(page), 'ready');
  const pill = (label) => page.locator('[data-testid=preset-pill]', { hasText: label });
  await pill('Errors').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=search-input]').value === 'status=error');
  assert.equal(await matchCount(page), spans.filter((s) => s.status.code === 'STATUS_CODE_ERROR').length);
  await pill('LLM calls').click();
  await page.waitForFunction(() => /type=llm/.test(document.querySelector('[data-testid=search-input]').value));
  assert.equal(await matchCount(page), spans.filter((s) => ['LLM', 'CHAT_MODEL'].includes(type(s))).length);
  await pill('Slowest 1 %').click();
  await page.waitForFunction(() => document.querySelector('[data-testid=search-input]').value === 'duration>=p99');
  assert.ok(await matchCount(page) >= 1);
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** The statistics rows of the page (top level) as the hooks say them. */
async function statsRows(page) {
  return page.$$eval('[data-testid=stats-row][data-level="0"]', (trs) => trs.map((tr) => ({
    group: tr.dataset.group,
    count: Number(tr.dataset.count),
    total_ns: Number(tr.dataset.totalNs),
    self_ns: Number(tr.dataset.selfNs),
    p95_ns: Number(tr.dataset.p95Ns),
    errors: Number(tr.dataset.errors),
  })));
}

const cliRows = (rows) => rows.map((r) => ({ group: r.group, count: r.count, total_ns: r.total_ns, self_ns: r.self_ns, p95_ns: r.p95_ns, errors: r.errors }));
const byGroup = (a, b) => a.group.localeCompare(b.group);

test('the statistics rows are skein stats, and a row click highlights its spans', async () => {
  const page = await newPage(ctx.browser);
  await open(page, '?view=stats');
  await dropFiles(page, bigFiles());
  assert.equal(await waitForState(page), 'ready');
  await page.waitForSelector('[data-testid=stats-row]');
  const names = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
  assert.deepEqual((await statsRows(page)).sort(byGroup), cliRows(cliStats(BIG, names, ['--group', 'name'])).sort(byGroup));
  // by span type, then by an attribute some spans lack (the "(none)" row)
  await page.selectOption('[data-testid=stats-group]', 'type');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('group') === 'type');
  assert.deepEqual((await statsRows(page)).sort(byGroup), cliRows(cliStats(BIG, names, ['--group', 'type'])).sort(byGroup));
  await page.selectOption('[data-testid=stats-group]', 'attr:model.name');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('group') === 'attr:model.name');
  const byModel = cliRows(cliStats(BIG, names, ['--group', 'attr:model.name'])).sort(byGroup);
  assert.deepEqual((await statsRows(page)).sort(byGroup), byModel);
  const lacking = lines(`${BIG}/spans.jsonl`).filter((s) => !('model.name' in s.attributes)).length;
  assert.equal(byModel.find((r) => r.group === '(none)')?.count, lacking);
  // sorting is in the link and orders the rows
  await page.click('th[data-column=p95]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('sort') === 'p95');
  const p95 = (await statsRows(page)).map((r) => r.p95_ns);
  assert.deepEqual(p95, [...p95].sort((a, b) => b - a));
  await page.selectOption('[data-testid=stats-group]', 'name');
  await page.selectOption('[data-testid=stats-subgroup]', 'attr:flowmesh.type');
  await page.waitForSelector('[data-testid=stats-row][data-level="1"]');
  await screenshot(page, 'stats-big-sample.png');
  // the row menu: a histogram of the row's spans
  const row = page.locator('[data-testid=stats-row][data-level="0"]').first();
  const want = Number(await row.getAttribute('data-count'));
  await row.locator('[data-testid=stats-row-menu]').click();
  const bars = await page.$$eval('[data-testid=histogram-bar]', (els) => els.reduce((n, e) => n + Number(e.dataset.count), 0));
  assert.equal(bars, want, 'the histogram holds every span of the row');
  await screenshot(page, 'stats-row-menu.png');
  await page.click('[data-testid=stats-row-popover] .close');
  // a click on a row highlights its spans on the timeline
  await row.click();
  await page.waitForFunction(() => !document.querySelector('[data-testid=timeline-canvas]').closest('.hidden'));
  await page.waitForFunction(() => document.querySelector('[data-testid=search-count]')?.dataset.count !== undefined);
  assert.equal(await matchCount(page), want);
  const highlighted = await page.evaluate(() => {
    const c = document.querySelector('[data-testid=timeline-canvas]');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0xff && d[i + 1] === 0xf3 && d[i + 2] === 0xbf) n++;
    return n;
  });
  assert.ok(highlighted > 100, `${highlighted} highlighted pixels`);
  await screenshot(page, 'stats-row-highlight.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

/** The flame canvas's summary of what it laid out, as an object. */
async function flameSummary(page) {
  const s = await page.getAttribute('[data-testid=flame-canvas]', 'data-summary');
  return Object.fromEntries(s.split(';').map((kv) => kv.split(/=(.*)/s).slice(0, 2)));
}

const canvasPixels = (page) => page.evaluate(() => {
  const c = document.querySelector('[data-testid=flame-canvas]');
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 16 === 0));
});

test('the flame graph draws, and its critical-path mode differs on parallel branches', async () => {
  const spans = lines(`${OTEL}/spans.jsonl`);
  const ns = (t) => BigInt(Date.parse(t.slice(0, 23) + 'Z')) * 1000000n + BigInt((t.slice(23).match(/^\d+/)?.[0] ?? '').padEnd(6, '0').slice(0, 6));
  const rootTotal = spans.filter((s) => !s.parent_id).reduce((n, s) => n + ns(s.end_time.replace(/Z$/, '')) - ns(s.start_time.replace(/Z$/, '')), 0n);
  const page = await newPage(ctx.browser);
  await open(page, '?view=flame');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await page.waitForFunction(() => document.querySelector('[data-testid=flame-canvas]')?.dataset.summary);
  const all = await flameSummary(page);
  assert.equal(BigInt(all.total_ns), rootTotal, 'all time: the roots\' summed durations');
  assert.ok(Number(all.boxes) > 5, JSON.stringify(all));
  const pixelsAll = await canvasPixels(page);
  assert.ok(new Set(pixelsAll).size > 5, 'boxes drawn');
  await screenshot(page, 'flame-all.png');
  const before = await page.getAttribute('[data-testid=flame-canvas]', 'data-summary');
  await page.click('[data-testid=flame-mode][data-mode=critical]');
  await page.waitForFunction(() => new URL(location.href).searchParams.get('flame') === 'critical');
  await page.waitForFunction((b) => document.querySelector('[data-testid=flame-canvas]').dataset.summary !== b, before);
  await page.waitForTimeout(100); // the next animation frame paints the new boxes
  const critical = await flameSummary(page);
  assert.ok(BigInt(critical.total_ns) > 0n && BigInt(critical.total_ns) < rootTotal, `${critical.total_ns} vs ${rootTotal}`);
  assert.notDeepEqual(await canvasPixels(page), pixelsAll);
  await screenshot(page, 'flame-critical.png');
  // hover tells count, total and self; a click zooms in, and the link keeps the box
  await page.click('[data-testid=flame-mode][data-mode=all]');
  const box = await page.locator('[data-testid=flame-canvas]').boundingBox();
  await page.mouse.move(box.x + 40, box.y + 30);
  const tip = await page.locator('[data-testid=flame-tooltip]').textContent();
  assert.match(tip, /\d+ spans? · total .* · self /);
  await page.mouse.click(box.x + 40, box.y + 30);
  await page.waitForFunction(() => new URL(location.href).searchParams.has('box'));
  const zoomed = new URL(page.url()).searchParams.get('box');
  await page.reload();
  await dropFiles(page, workflowFiles());
  await page.waitForFunction(() => document.querySelector('[data-testid=flame-canvas]')?.dataset.summary);
  assert.equal(new URL(page.url()).searchParams.get('box'), zoomed);
  assert.match(await page.textContent('[data-testid=flame-path]'), /^all › /);
  // the query highlights: boxes without a match are dimmed
  await typeQuery(page, 'name=generation');
  await screenshot(page, 'flame-query.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});
