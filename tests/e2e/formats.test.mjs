// Formats end to end: OTLP/JSON, Jaeger and Zipkin files dropped in the browser load with the
// span counts the fixture files hold, each with its format badge; a mixed drop merges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useApp } from './support/suite.mjs';
import { newPage, waitForState, dropFiles, fixture } from './support/browser.mjs';

const ctx = useApp();

const count = {
  otlp: (buf) => buf.toString().trim().split('\n').flatMap((l) => JSON.parse(l).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))).length,
  jaeger: (buf) => JSON.parse(buf).data.flatMap((t) => t.spans).length,
  zipkin: (buf) => JSON.parse(buf).length,
};

for (const [file, kind, badge] of [
  ['generated/otel_sdk/otlp_traces.jsonl', 'otlp', 'OTLP/JSON'],
  ['generated/big_sample_1k/trace.jaeger.json', 'jaeger', 'Jaeger JSON'],
  ['public/zipkin/zipkin-lens_messaging-kafka.json', 'zipkin', 'Zipkin v2'],
]) {
  test(`dropping ${file} shows its spans and the ${badge} badge`, async () => {
    const page = await newPage(ctx.browser);
    await page.goto(ctx.app.url + '/');
    const buf = fixture(file);
    await dropFiles(page, [[file.split('/').pop(), buf]]);
    assert.equal(await waitForState(page), 'ready');
    assert.equal(await page.textContent('[data-testid=span-count]'), String(count[kind](buf)));
    assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), [badge]);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
}

test('the same workflow as OTel JSONL and OTLP dropped together merges into one trace', async () => {
  const page = await newPage(ctx.browser);
  await page.goto(ctx.app.url + '/');
  await dropFiles(page, [['spans.jsonl', fixture('generated/otel_sdk/spans.jsonl')], ['otlp_trace.json', fixture('generated/otel_sdk/otlp_trace.json')]]);
  assert.equal(await waitForState(page), 'ready');
  assert.equal(await page.textContent('[data-testid=span-count]'), '31');
  // every OTLP span repeats one already read from the JSONL: kept once, each reported
  assert.match(await page.textContent('[data-testid=diagnostics-count]'), /^31 problems/);
  assert.deepEqual(await page.$$eval('[data-testid=format-badge]', (els) => els.map((e) => e.textContent)), ['OTel SDK spans', 'OTLP/JSON']);
  await page.close();
});
