// Issue 14, item 1: Skein runs from any host and from no host. The release build is served
// under a sub-path; the single-file build is opened from file://; a build whose wasm is
// missing says so on the page. Expected counts come from the fixture files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { serve } from './support/server.mjs';
import { launch, newPage, waitForState, dropFiles, fixture, screenshot, DIST, SHARED } from './support/browser.mjs';
import { before, after } from 'node:test';

const ctx = {};
before(async () => {
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no release build in ${DIST}: run scripts/check.sh`);
  ctx.browser = await launch();
});
after(async () => ctx.browser?.close());

const spanLines = (rel) => fixture(rel).toString().trim().split('\n').length;
const text = (page, id) => page.textContent(`[data-testid=${id}]`);

test('served under /some/sub/path/ the app loads its example and a dropped file', async () => {
  const app = await serve(DIST, { prefix: '/some/sub/path' });
  try {
    const page = await newPage(ctx.browser);
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(`${app.url}/some/sub/path/`);
    await page.click('[data-testid=open-example]');
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await text(page, 'span-count'), String(spanLines('generated/otel_sdk/spans.jsonl')));
    // every file the page asked for lies under the sub-path
    assert.deepEqual(asked.filter((p) => !p.startsWith('/some/sub/path/')), []);
    await dropFiles(page, [['spans.jsonl', fixture('generated/mlflow/traces.jsonl')]]);
    assert.equal(await waitForState(page), 'ready');
    const mlflowSpans = fixture('generated/mlflow/traces.jsonl').toString().trim().split('\n')
      .map((l) => JSON.parse(l).data.spans.length).reduce((a, b) => a + b, 0);
    assert.equal(await text(page, 'span-count'), String(mlflowSpans));
    assert.deepEqual(page.errors, []);
    await page.close();
  } finally {
    await app.close();
  }
});

test('skein.html opened from file:// loads a picked file with no server', async () => {
  const file = path.join(DIST, 'skein.html');
  assert.ok(fs.existsSync(file), 'the release build writes skein.html');
  const page = await newPage(ctx.browser);
  const fetched = [];
  const blobs = [];
  page.on('request', (r) => {
    if (r.url().startsWith('blob:')) blobs.push(r.url());
    else if (!r.url().startsWith('data:')) fetched.push(r.url());
  });
  await page.goto(`file://${file}`);
  await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
  // one page, nothing else fetched: the parse worker starts from a Blob URL made in the page
  assert.deepEqual(fetched, [`file://${file}`]);
  await page.setInputFiles('[data-testid=file-input]', path.join(SHARED, 'generated/otel_sdk/spans.jsonl'));
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await text(page, 'span-count'), String(spanLines('generated/otel_sdk/spans.jsonl')));
  assert.ok(blobs.length >= 1, 'the file was parsed in a worker started from a Blob URL');
  // URL loading is limited from file:// pages: the page says so instead of failing silently
  assert.match(await page.textContent('[data-testid=file-origin-note]'), /file:\/\//);
  await screenshot(page, 'single-file-from-file-url.png');
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a build whose wasm is missing says what failed, in text', async () => {
  const app = await serve(DIST, { hide: /\.wasm$/ });
  try {
    const page = await newPage(ctx.browser);
    await page.goto(`${app.url}/`);
    await page.waitForFunction(() => document.getElementById('boot-status')?.dataset.state === 'error', null, { timeout: 30000 });
    const said = await page.textContent('#boot-status');
    assert.match(said, /Skein could not start/);
    assert.match(said, /WebAssembly/);
    await page.close();
  } finally {
    await app.close();
  }
});

test('the page carries a Content-Security-Policy that allows no inline script beyond its own', async () => {
  for (const name of ['index.html', 'skein.html']) {
    const html = fs.readFileSync(path.join(DIST, name), 'utf8');
    const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1];
    assert.ok(csp, `${name} has a CSP`);
    const script = csp.split('; ').find((d) => d.startsWith('script-src'));
    assert.ok(!script.includes("'unsafe-inline'") && !script.includes("'unsafe-eval'"), script);
    assert.ok(script.includes("'wasm-unsafe-eval'"), script);
  }
});
