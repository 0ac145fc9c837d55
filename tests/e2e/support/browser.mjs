// Launches Debian's Chromium headless through playwright-core (never a downloaded browser),
// with the flags that work on these machines, and collects page errors for assertions.
import { chromium } from 'playwright-core';
import path from 'node:path';
import fs from 'node:fs';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SHARED = process.env.SKEIN_SHARED_FIXTURES ?? path.resolve(ROOT, '../shared/fixtures');
export const DIST = process.env.SKEIN_DIST ?? path.join(ROOT, 'dist-test');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** A new page that records console errors and uncaught exceptions. */
export async function newPage(browser, { width = 1400, height = 800 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(`console: ${m.text()}`); });
  return page;
}

/** Waits until the app says the loaded trace is drawn (or failed). */
export async function waitForState(page, states = ['ready'], timeout = 30000) {
  await page.waitForFunction((want) => {
    const el = document.querySelector('[data-testid=load-status]');
    return el && want.includes(el.dataset.state);
  }, states, { timeout });
  return page.getAttribute('[data-testid=load-status]', 'data-state');
}

/** Drops files (name -> Buffer) on the drop zone the way a user does: real DragEvents. */
export async function dropFiles(page, files) {
  await page.waitForSelector('[data-testid=drop-zone]');
  const payload = files.map(([name, buf]) => ({ name, b64: Buffer.from(buf).toString('base64') }));
  await page.evaluate((items) => {
    const dt = new DataTransfer();
    for (const { name, b64 } of items) {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], name));
    }
    const zone = document.querySelector('[data-testid=drop-zone]');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
    }
  }, payload);
}

export function fixture(rel) {
  return fs.readFileSync(path.join(SHARED, rel));
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file });
  return file;
}
