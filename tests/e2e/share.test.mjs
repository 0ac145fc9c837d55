// Issue 5 end to end: share links and history, in headless Chromium on the release build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture, screenshot, SHARED, ROOT } from './support/browser.mjs';
import { rowPoint } from './support/timeline.mjs';

const OTEL = 'generated/otel_sdk';
const ctx = useApp();

const params = (url) => Object.fromEntries([...new URL(url).searchParams].filter(([k]) => ['t', 'span', 'view', 'cp'].includes(k)));
const rowY = (page, i) => rowPoint(page, i);

test('a copied link reopens the same view with the data embedded (no server)', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, ['spans.jsonl', 'lineage.jsonl', 'assets.jsonl'].map((f) => [f, fixture(`${OTEL}/${f}`)]));
  assert.equal(await waitForState(page), 'ready');
  await page.keyboard.press('w');
  await page.keyboard.press('w');
  const { x, y } = await rowY(page, 4);
  await page.mouse.click(x, y);
  await page.waitForSelector('[data-testid=span-details]');
  await page.click('[data-testid=view-dag]');
  await page.click('[data-testid=critical-path-toggle]');
  await page.waitForFunction(() => ['t=', 'span=', 'view=dag', 'cp=1'].every((p) => location.search.includes(p)));
  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.match(link, /#data=1~/);
  assert.match(await page.textContent('[data-testid=share-popover]'), /embeds the trace data/);
  const want = params(page.url());
  const selected = want.span;

  const other = await newPage(ctx.browser);
  await other.goto(link);
  assert.equal(await waitForState(other), 'ready');
  assert.equal(await other.textContent('[data-testid=span-count]'), '31');
  assert.deepEqual(params(other.url()), want, 'same window (to the ns), selection, view and critical path');
  assert.ok((await other.textContent('[data-testid=span-details]')).includes(selected));
  await other.waitForSelector('.dag.cp-on [data-testid=dag-node].on-path');
  await screenshot(other, 'share-link-opened.png');
  assert.deepEqual(other.errors, []);
  await other.close();
  await page.close();
});

test('Back restores the previous selection', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['spans.jsonl', fixture(`${OTEL}/spans.jsonl`)]]);
  assert.equal(await waitForState(page), 'ready');
  let p = await rowY(page, 2);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction(() => location.search.includes('span='));
  const first = new URL(page.url()).searchParams.get('span');
  p = await rowY(page, 5);
  await page.mouse.click(p.x, p.y);
  await page.waitForFunction((f) => new URL(location.href).searchParams.get('span') !== f, first);
  await page.goBack();
  await page.waitForFunction((f) => new URL(location.href).searchParams.get('span') === f, first);
  await page.waitForFunction((f) => document.querySelector('[data-testid=span-details]')?.textContent.includes(f), first);
  await page.close();
});

test('hostile or broken links load nothing, run nothing, and say why', async () => {
  for (const [suffix, reason] of [
    ['?url=javascript:alert(1)&url=file:///etc/passwd&span=zz&t=x&view=nope&cp=maybe', null],
    ['?t=1,2#data=1~x~!!!not-base64', /corrupt/],
    [`?v=1#data=1~x~${'A'.repeat(300000)}`, /over the \d+ limit/],
  ]) {
    const page = await newPage(ctx.browser);
    let dialogs = 0;
    page.on('dialog', async (d) => { dialogs += 1; await d.dismiss(); });
    await page.goto(ctx.app.url + '/' + suffix);
    await page.waitForSelector('[data-testid=load-status]', { state: 'attached' });
    await page.waitForTimeout(300);
    assert.equal(await page.textContent('[data-testid=span-count]'), '0', suffix.slice(0, 40));
    if (reason) {
      assert.equal(await page.getAttribute('[data-testid=load-status]', 'data-state'), 'error');
      assert.match(await page.textContent('[data-testid=load-status]'), reason);
    } else {
      const notes = await page.textContent('[data-testid=link-notes]');
      assert.match(notes, /only http and https/);
      assert.match(notes, /span=/);
    }
    assert.equal(dialogs, 0);
    await page.close();
  }
});

test('a link for a large local file asks for it, restores the view when it is dropped, and names a wrong file', async () => {
  const big = path.join(ROOT, 'bench/out/big100000/spans.jsonl');
  if (!fs.existsSync(big)) {
    execFileSync('python3', [path.join(SHARED, 'generators/big_otel_jsonl.py'), '100000', '--out', path.dirname(big)], { stdio: 'ignore' });
  }
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await page.setInputFiles('[data-testid=file-input]', big);
  assert.equal(await waitForState(page, ['ready'], 60000), 'ready');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('w');
  await page.waitForFunction(() => ['t=', 'span=', 'file='].every((p) => location.search.includes(p)));
  await page.click('[data-testid=copy-link]');
  const link = await page.inputValue('[data-testid=share-link]');
  assert.doesNotMatch(link, /#data=/);
  assert.match(await page.textContent('[data-testid=share-popover]'), /too large to embed/);
  const want = params(page.url());
  await page.close();

  const again = await newPage(ctx.browser);
  await again.goto(link);
  assert.match(await again.textContent('[data-testid=needs-files]'), /spans\.jsonl \(105\.9 MB\)/);
  await again.setInputFiles('[data-testid=file-input]', big);
  assert.equal(await waitForState(again, ['ready'], 60000), 'ready');
  assert.deepEqual(params(again.url()), want, 'the same window and selection');
  assert.ok((await again.textContent('[data-testid=span-details]')).includes(want.span));
  await again.close();

  const wrong = await newPage(ctx.browser);
  await wrong.goto(link);
  await wrong.setInputFiles('[data-testid=file-input]', path.join(SHARED, 'generated/otel_sdk/spans.jsonl'));
  assert.equal(await waitForState(wrong), 'ready');
  assert.match(await wrong.textContent('[data-testid=load-status]'), /spans\.jsonl differs from the linked file/);
  assert.equal(new URL(wrong.url()).searchParams.get('span'), null, 'the view was not applied');
  await wrong.close();
});
