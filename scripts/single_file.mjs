// Trunk post-build hook. Three jobs on the staged build (TRUNK_STAGING_DIR):
//  1. parse_worker-<hash>.js is written (hashed like the glue): the wasm-bindgen glue + the
//     worker bootstrap (public/boot/parse_worker.js), the script of the parse worker that runs
//     the same wasm; index.html names it in `window.skeinParseWorker`;
//  2. index.html gets a Content-Security-Policy that allows exactly what Skein needs (its own
//     files, the hashes of its inline scripts, wasm compilation, fetching user-given URLs, the
//     worker from its own file or a Blob URL);
//  3. skein.html is written: the same page with the stylesheet, the JS glue, the loader, the
//     wasm and the worker script (base64) inlined, so it opens from file:// with no server; its
//     worker starts from a Blob URL made of the inlined script.
// Invariant: both pages and their workers run the same wasm; nothing here changes the app.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('single_file.mjs: run by trunk as a post_build hook (TRUNK_STAGING_DIR unset)');
  process.exit(1);
}
const read = (name) => fs.readFileSync(path.join(dir, name));
const html = read('index.html').toString();
const bootstrap = fs.readFileSync(path.join(import.meta.dirname, '../public/boot/parse_worker.js'), 'utf8');

/** The Trunk loader script in `page`, the glue file it imports, and the glue's init function. */
function trunkLoader(page) {
  const loader = /<script type="module"[^>]*>[\s\S]*?import init[^;]*from '\.\/([^']+\.js)';[\s\S]*?<\/script>/;
  const found = page.match(loader);
  if (!found) throw new Error('single_file.mjs: Trunk loader script not found in index.html');
  const glue = read(found[1]).toString();
  // the glue's init function is its default export (`export default f;` or `export { f as default }`)
  const initName = glue.match(/^export default (\w+);$/m)?.[1]
    ?? glue.match(/^export \{([^}]*)\};$/m)?.[1].match(/(\w+)\s+as\s+default/)?.[1];
  if (!initName) throw new Error('single_file.mjs: the glue has no default export');
  return { loader, found, glue, initName };
}

/**
 * The parse worker's script: the glue made a classic script (its exports dropped, `import.meta`
 * replaced: a module worker cannot start from a Blob URL in a file:// page), then the bootstrap.
 */
function workerScript({ glue, initName }) {
  if (/^import /m.test(glue)) throw new Error('single_file.mjs: the glue imports other modules; the worker script cannot inline them');
  const classic = glue
    .replace(/^export default \w+;$/gm, '')
    .replace(/^export \{[^}]*\};$/gm, '')
    .replace(/^export (async function|function|class|const|let|var) /gm, '$1 ')
    .replaceAll('import.meta.url', 'self.location.href');
  if (/^export /m.test(classic)) throw new Error('single_file.mjs: an export of the glue was not understood');
  return `${classic}\n${bootstrap.replaceAll('__SKEIN_INIT__', initName)}`;
}

const sha256 = (text) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const inlineScripts = (page) => [...page.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/)[^>]*>([\s\S]*?)<\/script>/g)]
  .map((m) => m[1]);

/** The policy for a page whose inline scripts are `scripts`. */
function policy(scripts) {
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${scripts.map(sha256).join(' ')}`.trim(),
    // Leptos sets style attributes; no script can come from styles
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    // traces load from any URL the user gives (and from dropped files, as blobs)
    'connect-src * data: blob:',
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

function withPolicy(page) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy(inlineScripts(page))}" />`;
  return page.replace(/<meta charset="utf-8"\s*\/?>/, (m) => `${m}\n    ${meta}`);
}

function singleFile(page) {
  let out = page;
  // the stylesheet, inlined
  out = out.replace(/<link rel="stylesheet" href="\.\/([^"]+\.css)"[^>]*>/g, (_, css) => `<style>\n${read(css)}\n</style>`);
  // preload hints point at files that are inlined now
  out = out.replace(/<link rel="(?:modulepreload|preload)"[^>]*>\s*/g, '');
  // the watchdog, inlined
  out = out.replace(/<script src="boot\.js"><\/script>/, () => `<script>\n${read('boot.js')}\n</script>`);
  // Trunk's loader imports the glue and the initializer; inline both and start from the bytes
  const trunk = trunkLoader(out);
  const { loader, found, initName } = trunk;
  const glue = trunk.glue
    .replace(/^export default (\w+);$/m, '')
    .replace(/^export \{([^}]*)\};$/gm, '');
  const wasmName = (found[0].match(/'\.\/([^']+\.wasm)'/) ?? [])[1];
  if (!wasmName) throw new Error('single_file.mjs: wasm file not named in the loader');
  const initializerName = (found[0].match(/import initializer from '\.\/([^']+)'/) ?? [])[1];
  const initializer = initializerName
    ? read(initializerName).toString().replace(/export default function initializer/, 'function initializer')
    : 'function initializer() { return {}; }';
  const start = `${glue}
const skeinInit = ${initName};
${initializer}
const hooks = initializer();
const fromBase64 = (id) => Uint8Array.from(atob(document.getElementById(id).textContent), (c) => c.charCodeAt(0));
try {
  // the parse worker's script, as a Blob URL (there is no file next to this page)
  window.skeinParseWorker = URL.createObjectURL(new Blob([fromBase64('skein-worker')], { type: 'text/javascript' }));
  await skeinInit({ module_or_path: fromBase64('skein-wasm') });
} catch (e) {
  hooks.onFailure?.(e);
}
`;
  const wasm = read(wasmName).toString('base64');
  const worker = Buffer.from(workerScript(trunk), 'utf8').toString('base64');
  out = out.replace(loader, () => `<script type="application/wasm-base64" id="skein-wasm">${wasm}</script>\n`
    + `<script type="application/javascript-base64" id="skein-worker">${worker}</script>\n<script type="module">\n${start}</script>`);
  return out;
}

/** index.html with the worker script's name (hashed like the glue, so no cache mixes builds). */
function withWorker(page, workerName) {
  const { found } = trunkLoader(page);
  const open = found[0].match(/^<script type="module"[^>]*>/)[0];
  const line = `window.skeinParseWorker = new URL('./${workerName}', document.baseURI).href;`;
  return page.replace(found[0], () => found[0].replace(open, `${open}\n${line}`));
}

const trunk = trunkLoader(html);
const workerName = trunk.found[1].replace(/^[^-]*/, 'parse_worker');
fs.writeFileSync(path.join(dir, workerName), workerScript(trunk));
fs.writeFileSync(path.join(dir, 'skein.html'), withPolicy(singleFile(html)));
fs.writeFileSync(path.join(dir, 'index.html'), withPolicy(withWorker(html, workerName)));
console.log(`single_file.mjs: wrote ${workerName}, skein.html (${(fs.statSync(path.join(dir, 'skein.html')).size / 1e6).toFixed(2)} MB) and the CSP of both pages`);
