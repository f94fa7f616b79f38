/**
 * Real headless Chromium for the report tests (Debian's /usr/bin/chromium, driven by
 * playwright-core). Absent here: the tests say so and skip; under CI=true they must run.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.PAGETRACE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function haveChromium(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI) throw new Error(`${CHROMIUM} not found: CI must install chromium (the browser tests have to run there)`);
  console.warn(`NOTE: ${CHROMIUM} not found: the browser tests of the report are skipped here`);
  return false;
}

export interface OpenedReport {
  page: Page;
  consoleErrors: string[];
  /** Every request other than the report file itself. */
  requests: string[];
  dialogs: string[];
  close(): Promise<void>;
}

export async function openInChromium(htmlFile: string): Promise<OpenedReport> {
  const profile = await mkdtemp(join(tmpdir(), 'pagetrace-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const dialogs: string[] = [];
  const self = pathToFileURL(htmlFile).href;
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  page.on('request', (r) => { if (r.url() !== self) requests.push(r.url()); });
  await page.goto(self, { waitUntil: 'load' });
  await page.waitForSelector('body[data-rendered]');
  return {
    page, consoleErrors, requests, dialogs,
    close: async () => { await context.close(); await rm(profile, { recursive: true, force: true }); },
  };
}

// Runs in the page (kept as text: this package compiles without the DOM lib).
const CHARTS_DRAWN = `[...document.querySelectorAll('[data-chart]')].map((box) => {
  const canvas = box.querySelector('canvas');
  let drawn = false;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) { drawn = true; break; }
  }
  return { name: box.getAttribute('data-chart') || '', drawn };
})`;

/** Per chart: its name and whether its canvas has any non-transparent pixel. */
export async function chartsDrawn(page: Page): Promise<{ name: string; drawn: boolean }[]> {
  return page.evaluate(CHARTS_DRAWN) as Promise<{ name: string; drawn: boolean }[]>;
}
