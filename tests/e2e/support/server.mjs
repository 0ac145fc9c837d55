// A real static HTTP server on 127.0.0.1 for browser tests: serves a folder, optionally with
// CORS headers, on an ephemeral port. Stopped by the test that started it.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.jsonl': 'application/x-ndjson',
  '.txt': 'text/plain', '.gz': 'application/gzip', '.md': 'text/markdown',
};

/**
 * Serves `root` (files only, no listing). `cors`: send Access-Control-Allow-Origin: *.
 * `prefix`: serve under a sub-path (`/some/sub/path`), everything else is 404, as a host that
 * puts the app in a folder does. `hide`: a RegExp of paths answered 404 (a missing file).
 * `host`: another loopback address (`127.0.0.2`), for a page on another origin.
 */
export async function serve(root, { cors = false, prefix = '', hide = null, host = '127.0.0.1' } = {}) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    requests.push({ path: url.pathname, headers: req.headers });
    const headers = cors ? { 'Access-Control-Allow-Origin': '*' } : {};
    let rel = decodeURIComponent(url.pathname);
    const inside = prefix === '' || rel.startsWith(`${prefix}/`);
    rel = rel.slice(prefix.length);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    const hidden = hide !== null && hide.test(rel);
    if (!inside || hidden || !file.startsWith(path.resolve(root)) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const stat = fs.statSync(file);
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': stat.size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/** Serves one body slowly (chunks with pauses), with CORS and Content-Length: for progress and Cancel. */
export async function serveSlow(body, { chunk = 256 * 1024, pauseMs = 150 } = {}) {
  let aborted = 0;
  const server = http.createServer(async (req, res) => {
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/x-ndjson', 'Content-Length': body.length });
    req.on('close', () => { aborted += res.writableEnded ? 0 : 1; });
    for (let i = 0; i < body.length && !res.destroyed; i += chunk) {
      res.write(body.subarray(i, i + chunk));
      await new Promise((r) => setTimeout(r, pauseMs));
    }
    res.end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    aborted: () => aborted,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}

/**
 * A server that misbehaves on purpose, with CORS: `stall` sends its headers and `prefix`, then
 * nothing more (the connection stays open); `silent` accepts the request and never answers.
 * Stopped by the test (open connections are dropped).
 */
export async function serveStuck({ mode = 'stall', prefix = Buffer.alloc(0) } = {}) {
  const open = new Set();
  const server = http.createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    if (mode === 'stall') {
      res.writeHead(200, { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/x-ndjson' });
      res.write(prefix);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    open: () => open.size,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
