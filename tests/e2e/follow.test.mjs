// Follow mode end to end, in headless Chromium against the release build. Three growing sources,
// each started by the test on 127.0.0.1 and stopped in `finally`: OTel SDK span lines appended in
// bursts (support/range_server.mjs, with and without range support), a real pflow run writing its
// trace while it executes (support/pflow.mjs, served with and without ranges), and `skein open
// --follow` on a file the test appends to. Each page's span count grows to the final count
// without a reload, the selected span and the window stay where they were, the badge counts the
// new spans, and polling stops (`follow-status` `done`) at completion or after a quiet stretch.
// Final counts are counted from the files here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, fixture, screenshot, ROOT, DIST } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';
import { startRangeServer, serveGrowingFile } from './support/range_server.mjs';
import { runPflow, pflowInstalled } from './support/pflow.mjs';

const ctx = useApp();
const enc = encodeURIComponent;
const params = (page) => new URL(page.url()).searchParams;
const spanCount = async (page) => Number(await page.textContent('[data-testid=span-count]'));

/** Spans of a pflow trace, counted from its lines (FORMATS.md §14): the run, one per node id,
 *  one per batch item of a node's final event. */
function pflowSpans(text) {
  const lines = text.trim().split('\n').map((l) => JSON.parse(l));
  const nodes = lines.filter((l) => l.kind === 'event' || l.kind === 'node.start');
  const items = new Map(lines.filter((l) => l.kind === 'event').map((l) => [l.id, (l.batch_items ?? []).length]));
  return 1 + new Set(nodes.map((l) => l.id)).size + [...items.values()].reduce((a, b) => a + b, 0);
}

/**
 * Opens `?url=<source>&follow=1`, zooms in once and selects row `row`; returns what the user
 * looks at (window, selection, the details' title) and marks the page to catch a reload.
 */
async function openFollowed(url, row = 1) {
  const page = await newPage(ctx.browser);
  await page.goto(`${ctx.app.url}/?url=${enc(url)}&follow=1`);
  assert.equal(await waitForState(page), 'ready');
  await page.keyboard.press('w');
  await page.waitForFunction(() => new URLSearchParams(location.search).has('t'));
  const at = await rowPoint(page, row);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction(() => new URLSearchParams(location.search).has('span'));
  await page.evaluate(() => { window.notReloaded = true; });
  const seen = {
    t: params(page).get('t'),
    span: params(page).get('span'),
    title: await page.textContent('[data-testid=span-details] h2'),
    count: await spanCount(page),
  };
  return { page, seen };
}

/** Waits for `final` spans, recording the counts seen on the way. */
async function growsTo(page, final, timeout = 60000) {
  const counts = new Set();
  const deadline = Date.now() + timeout;
  for (;;) {
    const n = await spanCount(page);
    counts.add(n);
    if (n === final) return [...counts];
    assert.ok(Date.now() < deadline, `span count stuck at ${n} of ${final}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Records the span counts a page shows, every 100 ms, until `stop()`. */
function sampleCounts(page) {
  const counts = new Set();
  let on = true;
  const done = (async () => {
    while (on) {
      counts.add(await spanCount(page));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { counts, stop: async () => { on = false; await done; return [...counts]; } };
}

/** What the user looked at is where it was: same window, same span, no reload. */
async function unmoved(page, seen) {
  assert.equal(params(page).get('t'), seen.t, 'the window stayed');
  assert.equal(params(page).get('span'), seen.span, 'the selection stayed');
  assert.equal(await page.textContent('[data-testid=span-details] h2'), seen.title);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'no reload');
}

async function doneWith(page, pattern, timeout) {
  await page.waitForFunction(() => document.querySelector('[data-testid=follow-status]')?.dataset.state === 'done', null, { timeout });
  const text = await page.textContent('[data-testid=follow-status]');
  assert.match(text, pattern);
}

test('OTel SDK spans appended in bursts are followed, with and without range support', { timeout: 120000 }, async () => {
  const lines = fixture('generated/big_sample_1k/spans.jsonl').toString().trim().split('\n');
  // the first 25 lines hold the earliest start, so offsets in the link keep their meaning
  const variants = [{ ranges: true, validators: false }, { ranges: false, validators: true }];
  await Promise.all(variants.map(async (opts) => {
    const s = await startRangeServer(lines, { initial: 25, burst: 75, intervalMs: 400, autoStart: false, cutLastLine: true, ...opts });
    try {
      const { page, seen } = await openFollowed(s.url);
      assert.equal(seen.count, 25);
      assert.equal(await page.getAttribute('[data-testid=follow-status]', 'data-state'), 'following');
      s.start();
      const counts = await growsTo(page, lines.length);
      assert.ok(counts.some((n) => n > 25 && n < lines.length), `grew in steps: ${counts}`);
      await unmoved(page, seen);
      assert.equal(await page.textContent('[data-testid=new-spans]'), `${lines.length - 25} new spans`);
      if (opts.ranges) {
        await screenshot(page, 'follow-otel-growing.png');
        assert.ok(s.requests.some((r) => /^bytes=\d+-$/.test(r.range ?? '')), 'asked for ranges');
      } else {
        assert.ok(s.requests.some((r) => r.headers['if-none-match']), 'sent the validator back');
      }
      // no completion in OTel lines: polling stops after the quiet stretch, and says so
      await doneWith(page, /nothing new for 20 s/, 45000);
      assert.equal(await spanCount(page), lines.length);
      assert.deepEqual(page.errors, []);
      await page.close();
    } finally {
      await s.close();
    }
  }));
});

test('a real pflow run is followed while it writes its trace, until run.complete', { timeout: 120000 }, async () => {
  assert.ok(pflowInstalled(), 'pflow-cli is not installed: run scripts/setup.sh');
  const run = await runPflow(undefined, { pause: '1.0' });
  const servers = [];
  try {
    for (const ranges of [true, false]) servers.push(await serveGrowingFile(run.traceFile, { name: 'run.trace.json', ranges }));
    const pages = await Promise.all(servers.map((s) => openFollowed(s.url, 0)));
    const samplers = pages.map(({ page }) => sampleCounts(page));
    assert.equal(await run.done, 0, run.output());
    const final = pflowSpans(fs.readFileSync(run.traceFile, 'utf8'));
    for (const [i, { page, seen }] of pages.entries()) {
      await growsTo(page, final);
      const counts = await samplers[i].stop();
      assert.ok(seen.count < final, `opened while running (${seen.count} of ${final} spans)`);
      assert.ok(counts.length >= 2, `grew while the run went on: ${counts}`);
      await doneWith(page, /run is complete/, 15000);
      await unmoved(page, seen);
      assert.equal(await page.textContent('[data-testid=new-spans]'), `${final - seen.count} new spans`);
      assert.deepEqual(page.errors, []);
    }
    await screenshot(pages[0].page, 'follow-pflow-done.png');
    assert.ok(servers[0].requests.some((r) => r.range), 'ranges asked for');
    for (const { page } of pages) await page.close();
  } finally {
    for (const s of servers) await s.close();
    await run.close();
  }
});

test('the page skein open --follow prints follows a file being appended to', { timeout: 90000 }, async () => {
  const cli = path.join(ROOT, 'target/release/skein');
  assert.ok(fs.existsSync(cli), 'no release CLI: run scripts/check.sh');
  const lines = fixture('generated/pflow/long_pipeline.trace.json').toString().trim().split('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-follow-open-'));
  const file = path.join(dir, 'workflow-trace-long-pipeline.json');
  fs.writeFileSync(file, lines.slice(0, 6).join('\n') + '\n');
  const server = spawn(cli, ['open', file, '--follow', '--app', DIST, '--no-browser', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let timer;
  try {
    let link;
    for await (const line of readline.createInterface({ input: server.stdout })) {
      if (line.startsWith('skein: open ')) { link = line.slice('skein: open '.length); break; }
    }
    assert.equal(new URL(link).searchParams.get('follow'), '1');
    const page = await newPage(ctx.browser);
    await page.goto(link);
    assert.equal(await waitForState(page), 'ready');
    const first = await spanCount(page);
    assert.equal(first, pflowSpans(lines.slice(0, 6).join('\n')));
    let written = 6;
    timer = setInterval(() => {
      const next = lines.slice(written, written + 8);
      written += next.length;
      if (next.length) fs.appendFileSync(file, next.join('\n') + '\n');
    }, 300);
    const final = pflowSpans(lines.join('\n'));
    const counts = await growsTo(page, final);
    assert.ok(counts.length >= 3, `grew: ${counts}`);
    await doneWith(page, /run is complete/, 15000);
    assert.equal(await page.textContent('[data-testid=new-spans]'), `${final - first} new spans`);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    clearInterval(timer);
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Follow toggle follows a URL load; Pause stops asking until Resume', { timeout: 90000 }, async () => {
  const lines = fixture('generated/otel_sdk/spans.jsonl').toString().trim().split('\n');
  const s = await startRangeServer(lines, { initial: 10, burst: 7, autoStart: false });
  try {
    const page = await newPage(ctx.browser);
    await page.goto(`${ctx.app.url}/?url=${enc(s.url)}`);
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await spanCount(page), 10);
    assert.equal(await page.isChecked('[data-testid=follow-toggle]'), false);
    assert.equal(await page.$('[data-testid=follow-status]'), null, 'not following by itself');
    await page.check('[data-testid=follow-toggle]');
    await page.waitForSelector('[data-testid=follow-status][data-state=following]');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('follow') === '1');
    s.appendNow(7);
    await growsTo(page, 17, 15000);
    // paused: appended lines wait, and nothing is asked for
    await page.click('[data-testid=follow-pause]');
    await page.waitForSelector('[data-testid=follow-status][data-state=paused]');
    const asked = s.requests.length;
    s.appendNow(7);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await spanCount(page), 17, 'nothing read while paused');
    assert.ok(s.requests.length - asked <= 1, `asked ${s.requests.length - asked} times while paused`);
    await page.click('[data-testid=follow-pause]');
    await page.waitForSelector('[data-testid=follow-status][data-state=following]');
    await growsTo(page, 24, 15000);
    // off: the status goes, and appended lines stay unread
    await page.uncheck('[data-testid=follow-toggle]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=follow-status]'));
    s.appendNow(7);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(await spanCount(page), 24);
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await s.close();
  }
});
