// A file server for follow-mode tests: it appends lines to a JSON Lines file in bursts while it
// serves it, on a free port of 127.0.0.1, with CORS for any page. `ranges: true` (the default)
// answers `Range: bytes=N-` with 206 + `Content-Range` (416 past the end; both exposed through
// `Access-Control-Expose-Headers`); `ranges: false` is the variant that ignores Range and always
// answers 200 with the whole file (as python's http.server does). `validators: true` adds ETag /
// Last-Modified and answers 304 to a matching If-None-Match / If-Modified-Since.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/**
 * Serves `name` at `/<name>`, starting with the first `initial` of `lines` and appending `burst`
 * more every `intervalMs` (or on `appendNow()`), until all are written (`finished` resolves).
 * `cutLastLine: true` ends every burst in the middle of the next line (its rest comes first in
 * the next burst), to show that a half-written line waits.
 */
export async function startRangeServer(lines, {
  name = 'spans.jsonl', initial = 0, burst = 5, intervalMs = 400, ranges = true, validators = false,
  cutLastLine = false, autoStart = true,
} = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'skein-range-'));
  const file = path.join(dir, name);
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l)) + '\n');
  let written = 0; // lines fully written
  let pendingTail = ''; // the cut half of the next line, already on disk
  fs.writeFileSync(file, '');
  const requests = [];
  let resolveFinished;
  const finished = new Promise((r) => { resolveFinished = r; });

  function append(n) {
    let chunk = '';
    const end = Math.min(text.length, written + n);
    for (let i = written; i < end; i++) chunk += i === written && pendingTail ? text[i].slice(pendingTail.length) : text[i];
    written = end;
    pendingTail = '';
    if (cutLastLine && written < text.length) {
      pendingTail = text[written].slice(0, Math.max(1, Math.floor(text[written].length / 2)));
      chunk += pendingTail;
    }
    fs.appendFileSync(file, chunk);
    if (written >= text.length) resolveFinished();
  }
  if (initial) append(initial);
  let timer = null;
  const start = () => {
    if (timer || written >= text.length) return;
    timer = setInterval(() => {
      append(burst);
      if (written >= text.length) { clearInterval(timer); timer = null; }
    }, intervalMs);
  };
  if (autoStart) start();

  const server = http.createServer(fileHandler(file, name, { ranges, validators, requests }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    url: `${base}/${name}`,
    file,
    requests,
    finished,
    total: text.length,
    written: () => written,
    start,
    appendNow: (n = burst) => append(n),
    async close() {
      if (timer) clearInterval(timer);
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The HTTP handler serving `file` at `/<name>` (see the module comment for the options). */
function fileHandler(file, name, { ranges, validators, requests }) {
  return (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ method: req.method, path: url.pathname, range: req.headers.range ?? null, headers: req.headers });
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Content-Range, Content-Length, ETag, Last-Modified, Accept-Ranges',
    };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Range', 'Access-Control-Max-Age': '600' });
      return res.end();
    }
    if (url.pathname !== `/${name}`) {
      res.writeHead(404, { ...cors, 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const body = fs.readFileSync(file);
    const stat = fs.statSync(file);
    const headers = { ...cors, 'Content-Type': 'application/x-ndjson', 'Cache-Control': 'no-cache' };
    if (ranges) headers['Accept-Ranges'] = 'bytes';
    if (validators) {
      const etag = `"${body.length.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}"`;
      headers.ETag = etag;
      headers['Last-Modified'] = stat.mtime.toUTCString();
      const inm = req.headers['if-none-match'];
      const ims = req.headers['if-modified-since'];
      const same = inm ? inm.split(',').map((t) => t.trim()).includes(etag)
        : ims ? Math.floor(stat.mtimeMs / 1000) <= Math.floor(Date.parse(ims) / 1000) : false;
      if (same) {
        res.writeHead(304, headers);
        return res.end();
      }
    }
    const m = ranges && /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m) {
      const from = Number(m[1]);
      if (from >= body.length) {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${body.length}` });
        return res.end();
      }
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${from}-${body.length - 1}/${body.length}`, 'Content-Length': body.length - from });
      return res.end(req.method === 'HEAD' ? undefined : body.subarray(from));
    }
    res.writeHead(200, { ...headers, 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/**
 * Serves a file another process writes (a real pflow run's trace) at `/<name>`, with the same
 * `ranges` / `validators` choices; `close()` stops the server and leaves the file alone.
 */
export async function serveGrowingFile(file, { name = path.basename(file), ranges = true, validators = false } = {}) {
  const requests = [];
  const server = http.createServer(fileHandler(file, name, { ranges, validators, requests }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base, url: `${base}/${encodeURIComponent(name)}`, requests,
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
