// The real producers and test servers that the follow-mode and MLflow browser tests stand on,
// checked without a browser: a real MLflow tracking server seeded through the real `mlflow` API
// and read back through its REST API (the counts the seed manifest says); the range server's
// 206 / 416 / 304 answers and its no-range variant; a real pflow run writing its trace as it goes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { startMlflow, seedMlflow, mlflowPost, mlflowInstalled } from './support/mlflow.mjs';
import { startRangeServer } from './support/range_server.mjs';
import { runPflow, pflowInstalled } from './support/pflow.mjs';

const cleanups = [];
after(async () => { for (const c of cleanups.reverse()) await c(); });

/** A GET with an Origin header, as a page on that origin sends it (fetch may not set Origin). */
function getWithOrigin(url, origin) {
  return new Promise((resolve, reject) => {
    http.get(url, { headers: { Origin: origin } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers));
    }).on('error', reject);
  });
}

const lines = Array.from({ length: 12 }, (_, i) => ({ name: `span-${i}`, i }));

test('range server: 206 from an offset, 416 past the end, Content-Range exposed', async () => {
  const s = await startRangeServer(lines, { initial: 4, autoStart: false });
  cleanups.push(() => s.close());
  const whole = await fetch(s.url);
  const body = await whole.text();
  assert.equal(whole.status, 200);
  assert.equal(body.split('\n').filter(Boolean).length, 4);
  s.appendNow(3);
  const part = await fetch(s.url, { headers: { Range: `bytes=${body.length}-` } });
  const grown = fs.statSync(s.file).size;
  assert.equal(part.status, 206);
  assert.equal(part.headers.get('content-range'), `bytes ${body.length}-${grown - 1}/${grown}`);
  assert.match(part.headers.get('access-control-expose-headers'), /Content-Range/);
  assert.equal((await part.text()).split('\n').filter(Boolean).length, 3);
  const past = await fetch(s.url, { headers: { Range: `bytes=${grown}-` } });
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${grown}`);
});

test('range server variant without ranges answers 200 with everything; validators give 304', async () => {
  const s = await startRangeServer(lines, { initial: 2, autoStart: false, ranges: false, validators: true });
  cleanups.push(() => s.close());
  const r = await fetch(s.url, { headers: { Range: 'bytes=5-' } });
  const text = await r.text();
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-range'), null);
  assert.equal(text, fs.readFileSync(s.file, 'utf8'));
  const again = await fetch(s.url, { headers: { 'If-None-Match': r.headers.get('etag') } });
  assert.equal(again.status, 304);
  s.appendNow(1);
  const changed = await fetch(s.url, { headers: { 'If-None-Match': r.headers.get('etag') } });
  assert.equal(changed.status, 200);
});

test('range server writes bursts over time, optionally cutting the last line in half', async () => {
  const s = await startRangeServer(lines, { burst: 5, intervalMs: 50, cutLastLine: true });
  cleanups.push(() => s.close());
  const seen = new Set();
  while (s.written() < s.total) {
    const text = fs.readFileSync(s.file, 'utf8');
    seen.add(text.length);
    if (text.length && s.written() < s.total) assert.ok(!text.endsWith('\n') || text.length === 0, 'a burst ends mid-line');
    await new Promise((r) => setTimeout(r, 10));
  }
  await s.finished;
  const done = fs.readFileSync(s.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.deepEqual(done, lines);
  assert.ok(seen.size >= 2, `grew in bursts: ${[...seen]}`);
});

test('a real pflow run writes its trace line by line while it runs', { timeout: 120000 }, async () => {
  assert.ok(pflowInstalled(), 'pflow-cli is not installed: run scripts/setup.sh');
  const run = await runPflow();
  cleanups.push(() => run.close());
  const sizes = new Set();
  let sawIncomplete = false;
  while (run.child.exitCode === null) {
    const text = fs.readFileSync(run.traceFile, 'utf8');
    sizes.add(text.length);
    if (text.length && !text.includes('"kind": "run.complete"')) sawIncomplete = true;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await run.done, 0, run.output());
  const kinds = fs.readFileSync(run.traceFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).kind);
  assert.equal(kinds[0], 'meta');
  assert.equal(kinds.at(-1), 'run.complete');
  assert.equal(kinds.filter((k) => k === 'event').length, 7, 'one event per step');
  assert.ok(sawIncomplete, 'seen while it was still running');
  assert.ok(sizes.size >= 4, `the file grew in steps: ${[...sizes].join(', ')}`);
});

test('a real MLflow server holds the seeded traces, readable through its REST API', { timeout: 240000 }, async () => {
  assert.ok(mlflowInstalled(), 'mlflow is not installed: run scripts/setup.sh');
  const server = await startMlflow();
  cleanups.push(() => server.close());
  const manifest = await seedMlflow(server);
  const exps = await (await fetch(`${server.url}/api/2.0/mlflow/experiments/search?max_results=100`)).json();
  assert.ok(exps.experiments.some((e) => e.experiment_id === manifest.experiment_id && e.name === manifest.experiment_name));
  // paged search (2 per page), deduped by trace id
  const rows = new Map();
  let token;
  do {
    const body = {
      locations: [{ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: manifest.experiment_id } }],
      max_results: 2, order_by: ['timestamp_ms DESC'], ...(token ? { page_token: token } : {}),
    };
    const { status, json } = await mlflowPost(server, '/api/3.0/mlflow/traces/search', body);
    assert.equal(status, 200, JSON.stringify(json));
    for (const t of json.traces ?? []) rows.set(t.trace_id, t);
    token = json.next_page_token;
  } while (token);
  assert.equal(rows.size, manifest.traces.length);
  for (const want of manifest.traces) {
    const row = rows.get(want.trace_id);
    assert.ok(row, want.name);
    assert.equal(row.state, want.state, want.name);
    const names = (row.assessments ?? []).map((a) => a.assessment_name).sort();
    assert.deepEqual(names, want.assessments.map((a) => a.name).sort(), want.name);
    for (const a of want.assessments) {
      const got = row.assessments.find((x) => x.assessment_name === a.name);
      assert.deepEqual((got.feedback ?? got.expectation).value, a.value, `${want.name}.${a.name}`);
      if (a.span_id) assert.equal(got.span_id, a.span_id);
    }
    const art = await fetch(`${server.url}/ajax-api/3.0/mlflow/get-trace-artifact?request_id=${want.trace_id}`);
    assert.equal(art.status, 200);
    const spans = (await art.json()).spans;
    assert.equal(spans.length, want.span_count, `${want.name}: spans`);
    if (want.state !== 'IN_PROGRESS') {
      assert.equal(row.tags['mlflow.traceName'], want.name);
      const usage = JSON.parse(row.trace_metadata['mlflow.trace.tokenUsage']);
      assert.equal(usage.total_tokens, want.total_tokens, `${want.name}: tokens`);
    }
  }
  // a page on an origin MLflow does not allow by default cannot read; the flag lets it
  const other = 'http://127.0.0.2:8081';
  const refused = await getWithOrigin(`${server.url}/api/2.0/mlflow/experiments/search?max_results=1`, other);
  assert.equal(refused['access-control-allow-origin'], undefined);
  const local = await getWithOrigin(`${server.url}/api/2.0/mlflow/experiments/search?max_results=1`, 'http://127.0.0.1:8080');
  assert.equal(local['access-control-allow-origin'], 'http://127.0.0.1:8080');
  const allowing = await startMlflow({ allowedOrigins: [other] });
  cleanups.push(() => allowing.close());
  const allowed = await getWithOrigin(`${allowing.url}/api/2.0/mlflow/experiments/search?max_results=1`, other);
  assert.equal(allowed['access-control-allow-origin'], other);
});
