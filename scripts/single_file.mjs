// Trunk post-build hook. Two jobs on the staged build (TRUNK_STAGING_DIR):
//  1. index.html gets a Content-Security-Policy that allows exactly what Skein needs (its own
//     files, the hashes of its inline scripts, wasm compilation, fetching user-given URLs);
//  2. skein.html is written: the same page with the stylesheet, the JS glue, the loader and the
//     wasm (base64) inlined, so it opens from file:// with no server.
// Invariant: both pages run the same wasm; nothing here changes the app itself.
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
  const loader = /<script type="module"[^>]*>[\s\S]*?import init[^;]*from '\.\/([^']+\.js)';[\s\S]*?<\/script>/;
  const found = out.match(loader);
  if (!found) throw new Error('single_file.mjs: Trunk loader script not found in index.html');
  // the glue's init function is its default export (`export default f;` or `export { f as default }`)
  let initName = null;
  const glue = read(found[1]).toString()
    .replace(/^export default (\w+);$/m, (_, name) => { initName = name; return ''; })
    .replace(/^export \{([^}]*)\};$/gm, (_, names) => {
      initName = names.match(/(\w+)\s+as\s+default/)?.[1] ?? initName;
      return '';
    });
  if (!initName) throw new Error('single_file.mjs: the glue has no default export');
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
try {
  const text = document.getElementById('skein-wasm').textContent;
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  await skeinInit({ module_or_path: bytes });
} catch (e) {
  hooks.onFailure?.(e);
}
`;
  const wasm = read(wasmName).toString('base64');
  out = out.replace(loader, () => `<script type="application/wasm-base64" id="skein-wasm">${wasm}</script>\n<script type="module">\n${start}</script>`);
  return out;
}

fs.writeFileSync(path.join(dir, 'skein.html'), withPolicy(singleFile(html)));
fs.writeFileSync(path.join(dir, 'index.html'), withPolicy(html));
console.log(`single_file.mjs: wrote skein.html (${(fs.statSync(path.join(dir, 'skein.html')).size / 1e6).toFixed(2)} MB) and the CSP of both pages`);
