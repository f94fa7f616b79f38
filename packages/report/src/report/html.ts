/**
 * One self-contained HTML file: uPlot, the renderer and the data are inline, and a strict
 * Content-Security-Policy allows exactly those inline scripts and styles (by hash) and no
 * network at all, so the report opens the same on an air-gapped lab machine.
 *
 * Trace text only ever enters the page as JSON inside <script type="application/json"> with
 * every `<` escaped, and the renderer puts it into the DOM with textContent.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ReportData } from './report-data.js';

const assetUrl = (name: string): URL => new URL(`../../assets/${name}`, import.meta.url);

/** uPlot's dist/ folder (its package main lives there). */
const uplotDist = (): string => dirname(createRequire(import.meta.url).resolve('uplot'));

interface Assets { template: string; reportCss: string; reportJs: string; uplotCss: string; uplotJs: string }

async function loadAssets(): Promise<Assets> {
  const [template, reportCss, reportJs, uplotCss, uplotJs] = await Promise.all([
    readFile(assetUrl('report.html'), 'utf8'),
    readFile(assetUrl('report.css'), 'utf8'),
    readFile(assetUrl('report.js'), 'utf8'),
    readFile(join(uplotDist(), 'uPlot.min.css'), 'utf8'),
    readFile(join(uplotDist(), 'uPlot.iife.min.js'), 'utf8'),
  ]);
  return { template, reportCss, reportJs, uplotCss, uplotJs };
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** JSON that cannot close its <script> element or open a comment: every `<` is \u003c. */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function assertInlineable(name: string, text: string): string {
  if (/<\/(script|style)/i.test(text)) throw new Error(`asset ${name} cannot be inlined: it contains a closing tag`);
  return text;
}

export async function renderReportHtml(data: ReportData): Promise<string> {
  const a = await loadAssets();
  const scripts = [assertInlineable('uPlot', a.uplotJs), assertInlineable('report.js', a.reportJs)];
  const styles = [assertInlineable('uPlot.css', a.uplotCss), assertInlineable('report.css', a.reportCss)];
  const csp = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    `style-src ${styles.map(sha256).join(' ')}`,
    "img-src data:", "base-uri 'none'", "form-action 'none'",
  ].join('; ');
  const fills: Record<string, string> = {
    CSP: csp, UPLOT_CSS: styles[0]!, REPORT_CSS: styles[1]!, DATA: scriptSafeJson(data), UPLOT_JS: scripts[0]!, REPORT_JS: scripts[1]!,
  };
  // One pass, so text inserted for one placeholder is never scanned for another.
  return a.template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key: string) => fills[key] ?? whole);
}
