// A real MLflow tracking server (pinned mlflow 3.17.2 in .tools/mlflow, installed by
// scripts/setup.sh) for tests: started on a free port of 127.0.0.1 with a fresh sqlite store in a
// temp folder, ready once GET /health answers, stopped (with its worker processes) by close().
// Facts behind the flags: ../shared/docs/MLFLOW_SERVER.md.
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The repo root (not imported from browser.mjs: these helpers need no browser). */
const ROOT = path.resolve(import.meta.dirname, '../../..');

export const MLFLOW_VENV = process.env.SKEIN_MLFLOW_VENV ?? path.join(ROOT, '.tools/mlflow');
const PYTHON = path.join(MLFLOW_VENV, 'bin/python');
const SEED = path.join(ROOT, 'tests/e2e/support/mlflow_seed.py');

/** The environment both the server and the seeding client need: no price-catalog download
 *  (it stalls ~8 s offline), no telemetry. */
export const MLFLOW_ENV = {
  ...process.env,
  MLFLOW_MODEL_CATALOG_URI: '',
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: 'true',
  MLFLOW_ENABLE_ASYNC_TRACE_LOGGING: 'false',
};

/** True when the pinned venv is installed (scripts/setup.sh). */
export function mlflowInstalled() {
  return fs.existsSync(path.join(MLFLOW_VENV, 'bin/mlflow'));
}

/** A port nobody listens on right now. */
export async function freePort(host = '127.0.0.1') {
  const srv = net.createServer();
  await new Promise((resolve, reject) => srv.listen(0, host, resolve).on('error', reject));
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  return port;
}

/**
 * Starts `mlflow server`. By default only the localhost origins MLflow always allows may read
 * it; `allowedOrigins: ['http://127.0.0.2:8081']` adds `--cors-allowed-origins` for a page on
 * another origin. Without it, that page is refused: the "server without the CORS flag" case.
 */
export async function startMlflow({ allowedOrigins = [], timeoutMs = 90000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-mlflow-'));
  const port = await freePort();
  const args = ['server', '--backend-store-uri', `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--default-artifact-root', path.join(dir, 'artifacts'), '--host', '127.0.0.1', '--port', String(port),
    '--workers', '1'];
  if (allowedOrigins.length) args.push('--cors-allowed-origins', allowedOrigins.join(','));
  const log = fs.openSync(path.join(dir, 'server.log'), 'a');
  // its own process group: the CLI starts uvicorn, a job runner and huey consumers
  const child = spawn(path.join(MLFLOW_VENV, 'bin/mlflow'), args, {
    cwd: dir, env: MLFLOW_ENV, detached: true, stdio: ['ignore', log, log],
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  const server = {
    url, port, dir, child,
    log: () => fs.readFileSync(path.join(dir, 'server.log'), 'utf8'),
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
        const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
        await exited;
        clearTimeout(t);
      }
      fs.closeSync(log);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok && (await r.text()).trim() === 'OK') return server;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  const tail = server.log().slice(-2000);
  await server.close();
  throw new Error(`mlflow server did not answer /health on ${url}:\n${tail}`);
}

/** Logs the seed traces (mlflow_seed.py) into `server`; resolves to its JSON manifest. */
export function seedMlflow(server, { experimentName } = {}) {
  const args = [SEED, '--tracking-uri', server.url];
  if (experimentName) args.push('--experiment-name', experimentName);
  return new Promise((resolve, reject) => {
    execFile(PYTHON, args, { env: MLFLOW_ENV, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`mlflow_seed.py failed: ${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** POSTs JSON to the server (as a page would, preflighted) and parses the answer. */
export async function mlflowPost(server, route, body) {
  const r = await fetch(`${server.url}${route}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: r.status, json: await r.json() };
}
