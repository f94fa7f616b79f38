/**
 * Live streams (a FIFO, like `watch` reads trace_pipe through): batches are handed out while
 * the writer is still writing, once input pauses for flushIntervalMs, each with its stacks.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { RecordBatch } from 'apache-arrow';
import { ingestTrace } from './ingest.js';
import { fixture, readRun, readTraceBytes, tempDir } from './testing/index.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('live input', () => {
  it('emits the events of a paused FIFO before the stream ends, with stack ids set, and the same tables at the end', async () => {
    const text = readTraceBytes(fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst')).toString('latin1');
    const lines = text.split('\n');
    const firstPart = `${lines.slice(0, 2000).join('\n')}\n`;
    const rest = lines.slice(2000).join('\n');
    const dir = tempDir();
    const fifo = `${dir}/live.fifo`;
    execFileSync('mkfifo', [fifo]);
    const seen: Array<{ rows: number; at: number; stacks: number }> = [];
    let wroteRestAt = Infinity;
    const run = ingestTrace({
      input: fifo, outDir: `${dir}/run`, flushIntervalMs: 100,
      onBatch: (b: RecordBatch) => {
        const ids = [...b.getChild('stack_id')!].filter((v) => v !== null).length;
        seen.push({ rows: b.numRows, at: Date.now(), stacks: ids });
      },
    });
    const w = createWriteStream(fifo);
    w.write(Buffer.from(firstPart, 'latin1'));
    await sleep(1500);
    const beforeRest = seen.reduce((s, b) => s + b.rows, 0);
    wroteRestAt = Date.now();
    w.end(Buffer.from(rest, 'latin1'));
    const { meta } = await run;
    // Every event of the first part that can no longer get a stack was handed out while the FIFO was open.
    expect(beforeRest).toBeGreaterThan(150);
    expect(seen[0]?.at).toBeLessThan(wroteRestAt);
    expect(seen[0]?.stacks).toBeGreaterThan(100);
    expect(seen.reduce((s, b) => s + b.rows, 0)).toBe(meta.lines.events);
    expect(meta.lines.skipped).toBe(0);
    // Same rows as the file read in one go (batch boundaries differ: compare values).
    const ref = await ingestTrace({ input: fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'), outDir: `${dir}/ref` });
    const a = readRun(`${dir}/run`).events;
    const b = readRun(ref.outDir).events;
    for (const f of b.schema.fields) expect([...a.getChild(f.name)!]).toEqual([...b.getChild(f.name)!]);
  });

  it('detects the format of a FIFO that pauses after its first few lines and hands their events out', async () => {
    const text = readTraceBytes(fixture('host-6.18', 'ftrace-noirq.txt.zst')).toString('latin1').split('\n');
    const dir = tempDir();
    const fifo = `${dir}/few.fifo`;
    execFileSync('mkfifo', [fifo]);
    let rows = 0;
    let firstAt = 0;
    const run = ingestTrace({ input: fifo, outDir: `${dir}/run`, flushIntervalMs: 100, onBatch: (b) => { rows += b.numRows; firstAt ||= Date.now(); } });
    const w = createWriteStream(fifo);
    w.write(`${text.slice(0, 10).join('\n')}\n`);
    await sleep(1000);
    const endAt = Date.now();
    w.end(`${text.slice(10, 20).join('\n')}\n`);
    const { meta } = await run;
    expect(firstAt).toBeGreaterThan(0);
    expect(firstAt).toBeLessThan(endAt);
    expect(meta.format.variant).toBe('trace no irq-info');
    expect(rows).toBe(14);
    expect(meta.lines).toMatchObject({ lines_in: 20, events: 14, header_lines: 6, skipped: 0 });
  });
});
