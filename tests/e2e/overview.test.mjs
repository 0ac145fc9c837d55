// Issue 11: the overview strip above the waterfall. The strip says where its columns are
// (`data-strip`: left px, width px, range start ns, range end ns) and where the window box is
// (`data-window`: left px, right px); the expected window after a drag is computed here from
// those numbers, then read back from `t=` in the address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot } from './support/browser.mjs';

const OTEL = 'generated/otel_sdk';
const ctx = useApp();
const workflowFiles = () => ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'].map((f) => [f, fixture(`${OTEL}/${f}`)]);

const windowInUrl = (page) => page.evaluate(() => {
  const t = new URLSearchParams(location.search).get('t');
  return t ? t.split(',').map(Number) : null;
});
const numbers = async (page, attr) => (await page.getAttribute('[data-testid=overview]', attr)).split(',').map(Number);

test('dragging the overview box pans the window; a click centres it', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, workflowFiles());
  assert.equal(await waitForState(page), 'ready');
  const strip = page.locator('[data-testid=overview]');
  const box = await strip.boundingBox();
  const [x0, width, rangeStart, rangeEnd] = await numbers(page, 'data-strip');
  // at fit the box spans the whole strip
  const [a0, b0] = await numbers(page, 'data-window');
  assert.ok(Math.abs(a0 - x0) < 1 && Math.abs(b0 - (x0 + width)) < 1, `fit box ${a0},${b0}`);
  // zoom in around the middle (W, four steps of 0.8) so the box is narrower than the strip
  for (let i = 0; i < 4; i++) await page.keyboard.press('w');
  await page.waitForFunction(() => /[?&]t=/.test(location.search));
  await page.waitForFunction(([x, w]) => {
    const [a, b] = document.querySelector('[data-testid=overview]').dataset.window.split(',').map(Number);
    return b - a < w * 0.8 && a >= x - 1;
  }, [x0, width]);
  const [a, b] = await numbers(page, 'data-window');
  await page.waitForTimeout(300); // the address is replaced after a short debounce
  const before = await windowInUrl(page);
  assert.ok(before, 'zooming wrote t=');
  // drag the box 120 px right
  const y = box.y + box.height / 2;
  const grab = box.x + (a + b) / 2;
  await page.mouse.move(grab, y);
  await page.mouse.down();
  for (let i = 1; i <= 6; i++) await page.mouse.move(grab + i * 20, y);
  await page.mouse.up();
  const nsPerPx = (rangeEnd - rangeStart) / width;
  const want = before[0] + 120 * nsPerPx;
  await page.waitForFunction((s) => {
    const t = new URLSearchParams(location.search).get('t');
    return t && Number(t.split(',')[0]) !== s;
  }, before[0]);
  const after = await windowInUrl(page);
  assert.ok(Math.abs(after[0] - want) <= 2 * nsPerPx, `start ${after[0]}, expected about ${want}`);
  assert.equal(after[1] - after[0], before[1] - before[0], 'a drag keeps the window length');
  // a click left of the box centres the window there (far enough from the start that the
  // centred window still begins inside the trace, where panning is not clamped)
  const [a2, b2] = await numbers(page, 'data-window');
  const half = (b2 - a2) / 2;
  const clickX = x0 + half + (a2 - x0 - half) / 2;
  assert.ok(clickX < a2 && clickX > x0 + half, `room left of the box: ${x0}, ${half}, ${a2}`);
  await page.mouse.click(box.x + clickX, y);
  await page.waitForFunction((s) => new URLSearchParams(location.search).get('t')?.split(',')[0] !== String(s), after[0]);
  const centred = await windowInUrl(page);
  const mid = rangeStart + (clickX - x0) * nsPerPx;
  assert.ok(Math.abs((centred[0] + centred[1]) / 2 - mid) <= 2 * nsPerPx, `middle ${(centred[0] + centred[1]) / 2}, expected ${mid}`);
  await screenshot(page, 'overview-otel-sdk.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});
