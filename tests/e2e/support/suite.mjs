// One suite setup for the browser tests: the release build served on 127.0.0.1 and one
// headless Chromium, both stopped after the file's tests (also when they fail).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve } from './server.mjs';
import { launch, DIST } from './browser.mjs';

/** Registers before/after hooks; the returned object holds `app` (server) and `browser`. */
export function useApp() {
  const ctx = {};
  before(async () => {
    assert.ok(fs.existsSync(path.join(DIST, 'index.html')), `no release build in ${DIST}: run scripts/check.sh`);
    ctx.app = await serve(DIST);
    ctx.browser = await launch();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.app?.close();
  });
  return ctx;
}
