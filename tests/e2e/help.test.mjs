// The `?` overlay lists every key binding, generated from the command table: its rows equal the
// README's keyboard table (which tests/help_keys.rs keeps equal to the table itself). Esc closes
// it; with it closed, Esc clears the selection as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, ROOT } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';

const ctx = useApp();

/** The README's `| key | action |` table as [keys, action] rows. */
function readmeKeys() {
  const table = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('| key | action |')[1];
  const lines = table.split('\n').slice(2);
  const rows = lines.slice(0, lines.findIndex((l) => !l.startsWith('|')));
  return rows.map((l) => l.replace(/^\| | \|$/g, '').split(' | ').map((c) => c.trim()));
}

test('? opens the key help, which lists the command table; Esc closes it', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['spans.jsonl', fixture('generated/otel_sdk/spans.jsonl')]]);
  assert.equal(await waitForState(page), 'ready');
  const row = await rowPoint(page, 1);
  await page.mouse.click(row.x, row.y);
  await page.waitForSelector('[data-testid=span-details]');
  assert.equal(await page.locator('[data-testid=help-overlay]').count(), 0);
  await page.keyboard.press('?');
  await page.waitForSelector('[data-testid=help-overlay]');
  const rows = await page.$$eval('[data-testid=help-row]', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())));
  const want = readmeKeys();
  assert.ok(want.length >= 10, `README table: ${JSON.stringify(want)}`);
  assert.deepEqual(rows, want);
  await screenshot(page, 'help-overlay.png');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=help-overlay]', { state: 'detached' });
  assert.equal(await page.locator('[data-testid=span-details]').count(), 1, 'the first Esc only closes the help');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=span-details]', { state: 'detached' });
  assert.deepEqual(page.errors, []);
  await page.close();
});
