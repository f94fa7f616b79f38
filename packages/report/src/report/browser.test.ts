/**
 * The report in real headless Chromium: a real trace with an injected bug, and trace text
 * that tries to run script. No console errors, no network, every chart drawn, no injection.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveSharedTraces, sharedTracesDir } from '@pagetrace/ingest/testing';
import { Mutator } from '@pagetrace/replay/testing';
import { checkTrace } from '../check/check.js';
import { chartsDrawn, haveChromium, openInChromium } from '../testing/browser.js';
import { writeSyntheticRun } from '../testing/synthetic-run.js';
import { writeReport } from './write-report.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const runBrowser = haveChromium();
let work = '';
beforeAll(async () => { work = await mkdtemp(join(tmpdir(), 'pagetrace-browser-')); });
afterAll(async () => { await rm(work, { recursive: true, force: true }); });

describe('report in headless Chromium', () => {
  (runBrowser && haveSharedTraces() ? it : it.skip)('shows a real trace with an injected double free: charts drawn, pfn listed, offline', async () => {
    const mutation = Mutator.fromFile(join(sharedTracesDir(), 'guest', 'pin', 'trace.txt.zst')).doubleFree(0);
    expect(mutation).not.toBeNull();
    const tracePath = join(work, 'pin-double-free.txt');
    await writeFile(tracePath, mutation!.text);
    const result = await checkTrace(tracePath, { outDir: join(work, 'pin-run') });
    const pfn = `0x${mutation!.pfn.toString(16)}`;
    expect(result.top_anomalies.map((a) => a.pfn)).toContain(pfn);

    const opened = await openInChromium(result.report);
    try {
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toEqual([]);
      expect(opened.dialogs).toEqual([]);
      const charts = await chartsDrawn(opened.page);
      // timeline, one chart per worst page with refcount snapshots, three distributions
      expect(charts.length).toBeGreaterThanOrEqual(3);
      expect(charts.filter((c) => !c.drawn)).toEqual([]);
      expect(charts.map((c) => c.name)).toEqual(expect.arrayContaining(['timeline', 'page-0']));
      expect(await opened.page.locator('#anomaly-table').innerText()).toContain(pfn);
      expect(await opened.page.locator(`.page[data-pfn="${pfn}"] tr.hit`).count()).toBe(1);
      expect(await opened.page.locator('#verdict').innerText()).toMatch(/BROKEN/);
    } finally { await opened.close(); }
  });

  (runBrowser && haveSharedTraces() ? it : it.skip)(`real trace whose buggy task is named ${HOSTILE}: no dialog, no element`, async () => {
    const mutation = Mutator.fromFile(join(sharedTracesDir(), 'guest', 'pin', 'trace.txt.zst')).doubleFree(0)!;
    // The task that does the double free is init (pid 1); give it the hostile name everywhere.
    const text = mutation.text.replace(/^(\s*)init-1(\s)/gm, `$1${HOSTILE}-1$2`);
    expect(text).toContain(`${HOSTILE}-1 `);
    const tracePath = join(work, 'pin-hostile.txt');
    await writeFile(tracePath, text);
    const result = await checkTrace(tracePath, { outDir: join(work, 'pin-hostile-run') });
    expect(result.top_anomalies[0]).toMatchObject({ kind: 'double_free', comm: HOSTILE });
    const opened = await openInChromium(result.report);
    try {
      expect(opened.dialogs).toEqual([]);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toEqual([]);
      expect(await opened.page.locator('img').count()).toBe(0);
      expect(await opened.page.locator('#anomaly-table').innerText()).toContain(HOSTILE);
      expect(await opened.page.locator('.page tr.hit').first().innerText()).toContain(HOSTILE);
    } finally { await opened.close(); }
  });

  (runBrowser ? it : it.skip)(`keeps a task named ${HOSTILE}, hostile frames and flags as text: no dialog, no element`, async () => {
    const dir = await writeSyntheticRun(join(work, 'hostile-run'), {
      events: [
        { line: 1, ts_ns: 1000, cpu: 0, pid: 7, comm: HOSTILE, event: 'page_ref_mod', pfn: 0x10, count: 1, val: 1, flags: '<svg onload=alert(2)>', stack_id: 0 },
        { line: 2, ts_ns: 2000, cpu: 0, pid: 7, comm: HOSTILE, event: 'page_ref_mod', pfn: 0x10, count: -1, val: -2, stack_id: 0 },
      ],
      stacks: [{ stack_id: 0, frames: ['</script><script>alert(3)</script>', '<iframe src=javascript:alert(4)>'] }],
      anomalies: [{ id: 0, kind: 'refcount_underflow', severity: 'error', pfn: 0x10, ts_ns: 2000, line: 2, event_row: 1, pid: 7, comm: HOSTILE, stack_id: 0, message: `put by ${HOSTILE} took pfn 0x10 below zero` }],
    });
    const written = await writeReport(dir, join(work, 'hostile.html'));
    const opened = await openInChromium(written.path);
    try {
      expect(opened.dialogs).toEqual([]);
      expect(opened.consoleErrors).toEqual([]);
      expect(opened.requests).toEqual([]);
      expect(await opened.page.locator('img, svg, iframe').count()).toBe(0);
      expect(await opened.page.locator('script').count()).toBe(3); // data, uPlot, renderer
      const text = await opened.page.locator('#report').innerText();
      expect(text).toContain(HOSTILE);
      expect(text).toContain('</script><script>alert(3)</script>');
    } finally { await opened.close(); }
  });
});
