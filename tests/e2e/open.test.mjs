// `skein open` with the real app: the release CLI serves the release build (dist-test/) and a
// folder (a FlowMesh workflow's spans.jsonl and lineage.jsonl, and a pflow run's trace); the link
// it prints loads every file in headless Chromium. The span count is counted from the files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { launch, newPage, waitForState, fixture, ROOT, DIST } from './support/browser.mjs';

const ctx = {};

before(async () => {
  const cli = path.join(ROOT, 'target/release/skein');
  assert.ok(fs.existsSync(cli), 'no release CLI: run scripts/check.sh');
  assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no release build in ${DIST}`);
  ctx.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-open-e2e-'));
  const logs = path.join(ctx.dir, 'logs');
  fs.mkdirSync(logs);
  fs.writeFileSync(path.join(logs, 'spans.jsonl'), fixture('generated/otel_sdk/spans.jsonl'));
  fs.writeFileSync(path.join(logs, 'lineage.jsonl'), fixture('generated/otel_sdk/lineage.jsonl'));
  fs.writeFileSync(path.join(logs, 'run.trace.json'), fixture('generated/pflow/shell_success.trace.json'));
  fs.writeFileSync(path.join(ctx.dir, 'secret.jsonl'), fixture('generated/otel_sdk/spans.jsonl'));
  fs.symlinkSync(path.join(ctx.dir, 'secret.jsonl'), path.join(logs, 'outside.jsonl'));
  ctx.server = spawn(cli, ['open', logs, '--app', DIST, '--no-browser', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = readline.createInterface({ input: ctx.server.stdout });
  for await (const line of lines) {
    if (line.startsWith('skein: open ')) { ctx.link = line.slice('skein: open '.length); break; }
  }
  ctx.browser = await launch();
});

after(async () => {
  await ctx.browser?.close();
  ctx.server?.kill();
  if (ctx.dir) fs.rmSync(ctx.dir, { recursive: true, force: true });
});

test('the link skein open prints loads every file of the folder, and nothing from outside it', async () => {
  const urls = new URL(ctx.link).searchParams.getAll('url');
  assert.deepEqual(urls.map((u) => path.basename(new URL(u).pathname)), ['lineage.jsonl', 'run.trace.json', 'spans.jsonl']);
  const page = await newPage(ctx.browser);
  await page.goto(ctx.link);
  assert.equal(await waitForState(page, ['ready', 'error']), 'ready');
  const otel = fixture('generated/otel_sdk/spans.jsonl').toString().trim().split('\n').length;
  const pflowLines = fixture('generated/pflow/shell_success.trace.json').toString().trim().split('\n').map((l) => JSON.parse(l));
  const pflow = 1 + new Set(pflowLines.filter((l) => l.kind === 'event' || l.kind === 'node.start').map((l) => l.id)).size;
  assert.equal(await page.textContent('[data-testid=span-count]'), String(otel + pflow));
  assert.deepEqual(page.errors, []);
});
