// Issue 14 item 6, what a newcomer trips on, end to end: the dark theme (system setting and
// toggle, every view), the resizable name column, canvas focus and names, the root's duration
// at the right edge, the share popover on screen and closed by Esc, clickable failure and LLM
// rows, a link's view kept across a wrong drop, and Back/Forward between local loads.
// Expected values come from the fixture files (or the scenario built here), never the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { useApp } from './support/suite.mjs';
import { serve } from './support/server.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, SHARED } from './support/browser.mjs';
import { rowPoint, timelineGeometry } from './support/timeline.mjs';

const OTEL = 'generated/otel_sdk';
const FILES = ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'];
const ctx = useApp();

const workflowFiles = () => FILES.map((f) => [f, fixture(`${OTEL}/${f}`)]);
const params = (url) => Object.fromEntries(new URL(url).searchParams);
/** The colour of one pixel of the timeline's base canvas at logical (x, y), as 0xRRGGBB. */
const pixel = (page, x, y) => page.evaluate(([x, y]) => {
  const c = document.querySelector('[data-testid=timeline-canvas]');
  const k = c.width / c.getBoundingClientRect().width;
  const d = c.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
  return (d[0] << 16) | (d[1] << 8) | d[2];
}, [x, y]);
/** Relative luminance (WCAG) of a CSS rgb() colour. */
const luminance = (css) => {
  const [r, g, b] = css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
};
const colours = (page, sel) => page.$eval(sel, (el) => {
  const s = getComputedStyle(el);
  let bg = s.backgroundColor;
  for (let e = el; e && /rgba\(0, 0, 0, 0\)|transparent/.test(bg); e = e.parentElement) bg = getComputedStyle(e).backgroundColor;
  return { fg: s.color, bg };
});

test('the dark theme follows the system setting and draws the canvases dark', async () => {
  const page = await newPage(ctx.browser);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(params(page.url()).theme, undefined, 'following the system is not written in the link');
  // the page is dark and its text reads (WCAG AA, 4.5:1)
  const body = await colours(page, '.toolbar');
  assert.ok(luminance(body.bg) < 0.05, `dark toolbar: ${body.bg}`);
  assert.ok(contrast(body.fg, body.bg) >= 4.5, `${body.fg} on ${body.bg}`);
  // the canvas's axis strip is drawn in the dark axis colour, not the light one
  assert.equal((await pixel(page, 3, 3)).toString(16), '161b22');
  await screenshot(page, 'newcomer-dark-timeline.png');
  for (const [view, sel, shot] of [['view-dag', '.dag', 'dag'], ['view-analysis', '.analysis', 'analysis'], ['view-stats', '.stats-view', 'stats'], ['view-flame', '.flame-view', 'flame']]) {
    await page.click(`[data-testid=${view}]`);
    await page.waitForSelector(sel);
    const c = await colours(page, sel);
    assert.ok(luminance(c.bg) < 0.05, `${view} background ${c.bg}`);
    assert.ok(contrast(c.fg, c.bg) >= 4.5, `${view}: ${c.fg} on ${c.bg}`);
    await screenshot(page, `newcomer-dark-${shot}.png`);
  }
  await page.keyboard.press('?');
  await page.waitForSelector('.help-box');
  const help = await colours(page, '.help-box');
  assert.ok(contrast(help.fg, help.bg) >= 4.5, `help: ${help.fg} on ${help.bg}`);
  await screenshot(page, 'newcomer-dark-help.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('the theme toggle switches, is kept in the link, and a theme= link wins over the system', async () => {
  const page = await newPage(ctx.browser);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
  assert.equal((await pixel(page, 3, 3)).toString(16), 'f6f8fa', 'the light axis');
  await page.click('[data-testid=theme-toggle]');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('theme') === 'dark');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.waitForFunction(() => {
    const c = document.querySelector('[data-testid=timeline-canvas]');
    const d = c.getContext('2d').getImageData(2, 2, 1, 1).data;
    return d[0] === 0x16 && d[1] === 0x1b && d[2] === 0x22;
  });
  await page.click('[data-testid=critical-path-toggle]');
  await screenshot(page, 'newcomer-toggle-dark-critical.png');
  // the critical path is amber, failures red: two colours (DAG path stroke vs failed stroke)
  await page.click('[data-testid=view-dag]');
  await page.waitForSelector('[data-testid=dag-node]');
  const strokes = await page.evaluate(() => {
    const path = document.querySelector('.dag.cp-on .edge.on-path');
    const probe = document.createElement('span');
    probe.style.color = 'var(--error)';
    document.body.append(probe);
    const error = getComputedStyle(probe).color;
    probe.remove();
    return { path: path && getComputedStyle(path).stroke, error };
  });
  assert.ok(strokes.path, 'a critical edge is drawn');
  assert.notEqual(strokes.path, strokes.error, 'the critical path is not drawn in the error red');
  await screenshot(page, 'newcomer-dark-dag-critical.png');
  await page.close();

  const linked = await newPage(ctx.browser);
  await linked.emulateMedia({ colorScheme: 'dark' });
  await linked.goto(ctx.app.url + '/?theme=light');
  await linked.waitForSelector('[data-testid=drop-zone]');
  assert.equal(await linked.getAttribute('html', 'data-theme'), 'light');
  await linked.close();
});

test('comparison lanes in the dark theme', async () => {
  const data = await serve(path.join(SHARED, OTEL), { cors: true });
  try {
    const page = await newPage(ctx.browser, { width: 1500, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    const q = [...FILES.map((f) => `url=${encodeURIComponent(`${data.url}/${f}`)}`), ...FILES.map((f) => `vs=${encodeURIComponent(`${data.url}/${f}`)}`)];
    await page.goto(`${ctx.app.url}/?${q.join('&')}&view=compare&ctab=waterfalls`);
    await page.waitForSelector('[data-testid=compare-waterfalls]', { timeout: 60000 });
    await page.waitForTimeout(300);
    const c = await colours(page, '.compare');
    assert.ok(luminance(c.bg) < 0.05, `compare background ${c.bg}`);
    assert.ok(await page.getAttribute('[data-testid=compare-focus]', 'aria-label'));
    await screenshot(page, 'newcomer-dark-compare.png');
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await data.close();
  }
});

test('dragging the divider widens the name column and does not pan', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  const { box, g } = await timelineGeometry(page);
  const y = (await rowPoint(page, 2)).y;
  await page.mouse.move(box.x + g.label_width_px, y);
  assert.equal(await page.getAttribute('[data-testid=timeline-focus]', 'data-on-divider'), 'true');
  await page.mouse.down();
  await page.mouse.move(box.x + g.label_width_px + 60, y + 5, { steps: 4 });
  await page.mouse.move(box.x + g.label_width_px + 120, y, { steps: 4 });
  await page.mouse.up();
  const after = (await timelineGeometry(page)).g;
  assert.equal(after.label_width_px, g.label_width_px + 120);
  assert.equal(after.bars_x0_px, g.bars_x0_px + 120);
  await page.waitForTimeout(400); // past the address bar's debounce
  assert.equal(params(page.url()).t, undefined, 'the window did not move');
  assert.equal(params(page.url()).span, undefined, 'and nothing was selected');
  // the width stays when the window is resized
  await page.setViewportSize({ width: 1300, height: 800 });
  await page.waitForFunction((w) => JSON.parse(document.querySelector('[data-testid=timeline-canvas]').dataset.geometry).label_width_px === w, after.label_width_px);
  await screenshot(page, 'newcomer-wide-names.png');
  await page.close();
});

test('the canvas takes focus, says what it shows, and its keys work', async () => {
  const spans = fixture(`${OTEL}/spans.jsonl`).toString().trim().split('\n').length;
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  const canvas = page.locator('[data-testid=timeline-focus]');
  assert.equal(await canvas.getAttribute('tabindex'), '0');
  assert.equal(await canvas.getAttribute('role'), 'application');
  assert.match(await canvas.getAttribute('aria-label'), new RegExp(`^Timeline of ${spans} spans in 1 trace, `));
  await canvas.focus();
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'timeline-focus');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('w');
  await page.waitForFunction(() => ['t=', 'span='].every((p) => location.search.includes(p)));
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'timeline-focus', 'focus stays');
  assert.match(await canvas.getAttribute('aria-label'), /selected: /);
  await screenshot(page, 'newcomer-canvas-focus.png');
  await page.click('[data-testid=view-flame]');
  assert.match(await page.getAttribute('[data-testid=flame-focus]', 'aria-label'), /^Flame graph/);
  await page.close();
});

test('a fitted root says its duration at the right edge', async () => {
  // one root of 2.5 s filling the window, one child of 200 ms in the middle:
  //   | root  |[============================== 2.50s]|
  //   | child |            [====]  200ms              |
  const line = (id, parent, name, a, b) => JSON.stringify({
    name, context: { trace_id: '0x0000000000000000000000000000000f', span_id: `0x${id}` }, parent_id: parent,
    start_time: `2026-01-01T00:00:0${a}Z`, end_time: `2026-01-01T00:00:0${b}Z`,
  });
  const text = [line('000000000000000a', null, 'root', '0', '2.5'), line('000000000000000b', '0x000000000000000a', 'child', '1.0', '1.2')].join('\n');
  const page = await newPage(ctx.browser, { width: 900, height: 500 });
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['root.jsonl', Buffer.from(text)]]);
  assert.equal(await waitForState(page), 'ready');
  const labels = (await page.getAttribute('[data-testid=timeline-canvas]', 'data-bar-labels')).split('\n');
  assert.ok(labels.includes('2.50s'), `the root's 2.5 s in ${labels.join(' | ')}`);
  assert.ok(labels.includes('200ms'), labels.join(' | '));
  await screenshot(page, 'newcomer-root-duration.png');
  await page.close();
});

test('L opens the share popover on screen, Esc closes it and keeps the selection', async () => {
  const page = await newPage(ctx.browser, { width: 820, height: 600 });
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => location.search.includes('span='));
  await page.keyboard.press('l');
  const pop = page.locator('[data-testid=share-popover]');
  await pop.waitFor();
  const b = await pop.boundingBox();
  assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= 820 && b.y + b.height <= 600, `on screen: ${JSON.stringify(b)}`);
  await screenshot(page, 'newcomer-share-popover.png');
  await page.keyboard.press('Escape');
  await pop.waitFor({ state: 'detached' });
  assert.ok(params(page.url()).span, 'Esc closed the popover only');
  // from inside its link box too
  await page.keyboard.press('l');
  await page.click('[data-testid=share-link]');
  await page.keyboard.press('Escape');
  await pop.waitFor({ state: 'detached' });
  await page.close();
});

test('a click anywhere on a failure or LLM call row selects its span', async () => {
  const lines = fixture('generated/mlflow/traces.jsonl').toString().trim().split('\n').map((l) => JSON.parse(l));
  const spans = lines.flatMap((l) => l.data.spans);
  const failed = spans.filter((s) => s.status.code === 'STATUS_CODE_ERROR');
  const calls = spans.filter((sp) => sp.attributes['mlflow.chat.tokenUsage'])
    .map((sp) => ({ name: sp.name, total: JSON.parse(sp.attributes['mlflow.chat.tokenUsage']).total_tokens }))
    .sort((a, b) => b.total - a.total);
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['traces.jsonl', fixture('generated/mlflow/traces.jsonl')]]);
  assert.equal(await waitForState(page), 'ready');
  await page.click('[data-testid=failures-count]');
  const row = page.locator('[data-testid=failed-span]').first();
  await row.locator('.what').click(); // the message, not the name's button
  const h2 = await page.textContent('[data-testid=span-details] h2');
  assert.ok(failed.some((s) => s.name === h2), `${h2} is a failed span`);
  assert.ok(params(page.url()).span, 'selected');
  await page.click('[data-testid=llm-summary]');
  await page.waitForSelector('[data-testid=llm-panel]');
  await page.locator('[data-testid=llm-call-row]').first().locator('td').nth(2).click(); // the tokens cell
  assert.equal(await page.textContent('[data-testid=span-details] h2'), calls[0].name);
  await screenshot(page, 'newcomer-llm-row-click.png');
  await page.close();
});

test("a link's view survives a wrong drop and applies when the right files come", async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('w');
  await page.waitForFunction(() => ['t=', 'span=', 'file='].every((p) => location.search.includes(p)));
  await page.waitForTimeout(400);
  const link = page.url().split('#')[0];
  const want = params(link);
  await page.close();

  const again = await newPage(ctx.browser);
  await again.goto(link);
  await again.waitForSelector('[data-testid=needs-files]');
  await dropFiles(again, [['trace_3_manual_spans.json', fixture('generated/mlflow/trace_3_manual_spans.json')]]);
  assert.equal(await waitForState(again), 'ready');
  assert.equal(params(again.url()).span, undefined, 'not applied to other files');
  assert.match(await again.textContent('[data-testid=pending-link-view]'), /spans\.jsonl/);
  await screenshot(again, 'newcomer-pending-view.png');
  await dropFiles(again, workflowFiles());
  await again.waitForFunction((span) => new URLSearchParams(location.search).get('span') === span, want.span);
  const got = params(again.url());
  assert.deepEqual([got.span, got.t], [want.span, want.t], 'the same selection and window');
  assert.ok((await again.textContent('[data-testid=span-details]')).includes(want.span));
  assert.equal(await again.$('[data-testid=pending-link-view]'), null);
  await again.close();
});

test('Back and Forward between two local loads show the trace each address names', async () => {
  const mlflow = fixture('generated/mlflow/trace_3_manual_spans.json');
  const mlflowSpans = JSON.parse(mlflow).data.spans.length;
  const otelSpans = fixture(`${OTEL}/spans.jsonl`).toString().trim().split('\n').length;
  assert.notEqual(mlflowSpans, otelSpans);
  const count = (page, n) => page.waitForFunction((n) => document.querySelector('[data-testid=span-count]')?.textContent === String(n), n);
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  await count(page, otelSpans);
  await dropFiles(page, [['trace_3_manual_spans.json', mlflow]]);
  await count(page, mlflowSpans);
  await page.waitForFunction(() => location.search.includes('trace_3_manual_spans'));
  await page.goBack();
  await page.waitForFunction(() => location.search.includes('spans.jsonl'));
  await count(page, otelSpans);
  await page.goForward();
  await page.waitForFunction(() => location.search.includes('trace_3_manual_spans'));
  await count(page, mlflowSpans);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a 100,000-character name is folded in the details and a long key wraps by words, not letters', async () => {
  const name = 'n'.repeat(100_000);
  const key = 'gen_ai.request.an_unusually_long_attribute_key_that_needs_wrapping';
  const text = JSON.stringify({
    name, context: { trace_id: '0x0000000000000000000000000000000e', span_id: '0x000000000000000c' }, parent_id: null,
    start_time: '2026-01-01T00:00:00Z', end_time: '2026-01-01T00:00:01Z', attributes: { [key]: 'v' },
  });
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['long.jsonl', Buffer.from(text)]]);
  assert.equal(await waitForState(page), 'ready');
  await page.keyboard.press('ArrowDown');
  await page.waitForSelector('[data-testid=folded-name]');
  const title = await page.locator('[data-testid=span-details] h2').boundingBox();
  assert.ok(title.height < 120, `the title is folded: ${title.height}px high`);
  assert.match(await page.textContent('[data-testid=folded-name] summary'), /show all \(100000 characters\)/);
  // the key's cell keeps at least ~8 characters a line: far fewer lines than characters
  const th = page.locator('.kv th', { hasText: 'gen_ai.request' });
  const box = await th.boundingBox();
  const lineHeight = await th.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 16);
  assert.ok(box.height / lineHeight < key.length / 8, `${box.height}px for ${key.length} characters`);
  await screenshot(page, 'newcomer-long-name-and-key.png');
  await page.close();
});
