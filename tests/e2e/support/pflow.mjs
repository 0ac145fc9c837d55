// Runs a real pflow workflow (pinned pflow-cli 0.16.0 in .tools/pflow, installed by
// scripts/setup.sh) the way ../shared/fixtures/generated/pflow/make.sh does: HOME and TZ pinned,
// LLM steps answered by an OpenAI-compatible stub on 127.0.0.1, nothing fetched from outside.
// pflow appends its trace (~/.pflow/debug/workflow-trace-*.json, JSON Lines) while it runs:
// the real producer for follow-mode tests.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** The repo root (not imported from browser.mjs: these helpers need no browser). */
const ROOT = path.resolve(import.meta.dirname, '../../..');

export const PFLOW_VENV = process.env.SKEIN_PFLOW_VENV ?? path.join(ROOT, '.tools/pflow');
export const WORKFLOWS = path.join(ROOT, 'tests/e2e/support/workflows');

/** True when the pinned venv is installed (scripts/setup.sh). */
export function pflowInstalled() {
  return fs.existsSync(path.join(PFLOW_VENV, 'bin/pflow'));
}

/** An OpenAI-compatible /v1/chat/completions stub: a canned answer, word-count token usage;
 *  a prompt containing FAIL_WITH_500 gets HTTP 500 (as make.sh's stub). */
export async function startLlmStub() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      let msgs = [];
      try { msgs = JSON.parse(body || '{}').messages ?? []; } catch { /* empty body */ }
      const text = msgs.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join(' ');
      const send = (code, payload) => {
        const data = JSON.stringify(payload);
        res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) });
        res.end(data);
      };
      if (text.includes('FAIL_WITH_500')) return send(500, { error: { message: 'stub: internal error', type: 'server_error' } });
      const words = text.split(/\s+/).filter(Boolean);
      const answer = `Summary: ${words.length} words received; first word '${words[0] ?? ''}'.`;
      const p = Math.max(1, Math.floor((words.length * 4) / 3));
      const c = Math.floor((answer.split(' ').length * 4) / 3);
      return send(200, {
        id: 'chatcmpl-stub-0001', object: 'chat.completion', created: Math.floor(Date.now() / 1000), model: 'gpt-4o-mini',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: answer } }],
        usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c },
      });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/**
 * Starts `pflow <workflow> key=value...` in a scratch HOME. Resolves once pflow has created its
 * trace file; `traceFile` is that path, `done` resolves to the exit code, `close()` stops the
 * run (if still going) and the stub and removes the scratch folder.
 */
export async function runPflow(workflow = path.join(WORKFLOWS, 'follow-run.pflow.md'), params = {}, { timeoutMs = 60000 } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-pflow-'));
  const stub = await startLlmStub();
  const debug = path.join(home, '.pflow/debug');
  const args = [workflow, ...Object.entries({ api_base: stub.url, ...params }).map(([k, v]) => `${k}=${v}`)];
  const env = {
    ...process.env, HOME: home, TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8',
    OPENAI_API_KEY: 'sk-local-stub-not-a-real-key',
    // LiteLLM's price map points at a closed loopback port: nothing is fetched from outside
    LITELLM_MODEL_COST_MAP_URL: 'http://127.0.0.1:9/model_prices.json',
  };
  for (const k of ['OPENAI_API_BASE', 'OPENAI_BASE_URL', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY']) delete env[k];
  const output = [];
  const child = spawn(path.join(PFLOW_VENV, 'bin/pflow'), args, { cwd: path.dirname(workflow), env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
  const done = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const run = {
    home, child, done, stub,
    output: () => Buffer.concat(output).toString('utf8'),
    traceFile: null,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await done;
      }
      await stub.close();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = fs.existsSync(debug) ? fs.readdirSync(debug).filter((f) => f.startsWith('workflow-trace-')) : [];
    if (files.length) {
      run.traceFile = path.join(debug, files[0]);
      return run;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const out = run.output();
  await run.close();
  throw new Error(`pflow wrote no trace file:\n${out.slice(-2000)}`);
}
