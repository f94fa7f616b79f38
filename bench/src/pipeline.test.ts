import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTrace, RUN_FILES } from '@pagetrace/ingest';
import { replayRun } from '@pagetrace/replay';
import { replayFloor } from './baseline-replay.js';
import { generateTrace } from './generate.js';
import type { Format } from './templates.js';

// The generator's promise to the bench: what it writes ingests with every line accounted
// for and no line skipped, in all three front-ends, identically with 1 and 2 workers, and a
// replay of it finds no error (every generated lifecycle follows the 6.1 refcount rules).
const dir = mkdtempSync(join(tmpdir(), 'pagetrace-bench-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

const VARIANTS: Array<[Format, boolean, 'all' | 'kmem']> = [
  ['ftrace', false, 'all'], ['ftrace', true, 'all'], ['trace-cmd', false, 'all'], ['perf', false, 'all'], ['perf', true, 'all'],
  ['trace-cmd', false, 'kmem'], ['perf', true, 'kmem'],
];

describe('generated traces through ingest and replay', () => {
  it('the replay floor counts a printed count that disagrees with the refcount arithmetic', async () => {
    const gen = generateTrace(join(dir, 'floor', 'trace.txt'), { format: 'ftrace', sizeBytes: 256 << 10 });
    const text = readFileSync(gen.path, 'latin1');
    const at = text.search(/ page_ref_mod: [^\n]* count=\d+ /);
    const broken = text.slice(0, at) + text.slice(at).replace(/ count=(\d+) /, (_m, c: string) => ` count=${Number(c) + 5} `);
    writeFileSync(join(dir, 'floor', 'broken.txt'), broken, 'latin1');
    await ingestTrace({ input: join(dir, 'floor', 'broken.txt'), outDir: join(dir, 'floor', 'run'), workers: 1 });
    expect((await replayFloor(join(dir, 'floor', 'run', RUN_FILES.events))).countMismatches).toBe(1);
  });

  it.each(VARIANTS)('%s (stacks: %s, events: %s): no skipped line, same tables with 1 and 2 workers, replay finds no error or warning', async (format, stacks, events) => {
    const name = `${format}${stacks ? '-stacks' : ''}-${events}`;
    const gen = generateTrace(join(dir, name, 'trace.txt'), { format, stacks, events, sizeBytes: 1536 << 10 });
    const one = join(dir, `${name}-1w`);
    const two = join(dir, `${name}-2w`);
    // Small chunks: the 2-worker run crosses many chunk boundaries even on a 1.5 MB file.
    const { meta } = await ingestTrace({ input: gen.path, outDir: one, workers: 1 });
    await ingestTrace({ input: gen.path, outDir: two, workers: 2, chunkBytes: 64 << 10 });

    expect(meta.lines.skipped).toBe(0);
    expect(meta.lines.lines_in).toBe(gen.lines);
    expect(meta.lines.events).toBe(gen.events);
    // Every other line is a header, stack or marker line (ingest counts `<stack trace>` with the stack).
    expect(meta.lines.stack_lines + meta.lines.header_lines + meta.lines.markers).toBe(gen.lines - gen.events);
    expect(meta.lines.stack_lines).toBeGreaterThanOrEqual(gen.stackLines);
    expect(meta.format.frontend).toBe(format === 'perf' ? 'perf-script' : format);
    expect(meta.kernel?.release).toBe('6.1.192');
    for (const table of [RUN_FILES.events, RUN_FILES.stacks]) expect([table, sha(join(one, table))]).toEqual([table, sha(join(two, table))]);

    const summary = await replayRun(one);
    expect(summary.totals.by_severity).toEqual({ error: 0, warning: 0, info: 0 });
    expect(summary.events).toBe(gen.events);
    expect(summary.pages_touched).toBeGreaterThan(gen.events / 15);
    if (events === 'all') expect(summary.page_ref_events).toBeGreaterThan(gen.events / 2);
    expect(summary.device_ranges.some((r) => r.kind === 'device_private' && r.start_pfn === '0xfce0000')).toBe(true);

    // The bench's replay floor reads the same table and agrees with every printed count.
    const floor = await replayFloor(join(one, RUN_FILES.events));
    expect(floor.events).toBe(gen.events);
    expect(floor.countMismatches).toBe(0);
    expect(floor.pages).toBeGreaterThan(gen.events / 15);
  });
});
