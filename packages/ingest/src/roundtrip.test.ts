/**
 * Round trip: the tables read back with apache-arrow have the documented schema and hold
 * the values of the source lines (checked against the text with a separate, naive reader).
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';
import { Dictionary, type Table } from 'apache-arrow';
import { ingestTrace } from './ingest.js';
import { readMeta } from './meta.js';
import { EVENT_COLUMNS, STACK_COLUMNS, eventsSchema, stacksSchema } from './schema.js';
import { fixture, readRun, tempDir } from './testing/index.js';

const FIXTURE = fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst');
const sourceLines = Buffer.from(decompress(readFileSync(FIXTURE))).toString('utf8').split('\n');

/** `name=value` from a source line, the naive way (fine for page_ref lines: no spaces in values). */
function field(line: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(line)?.[1];
}

function schemaShape(t: Table): string[] {
  return t.schema.fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`);
}

describe('events.arrow / stacks.arrow round trip', () => {
  it('has the documented schema, version metadata and dictionary columns', async () => {
    const out = `${tempDir()}/run`;
    await ingestTrace({ input: FIXTURE, outDir: out });
    const { events, stacks } = readRun(out);
    expect(events.schema.fields.map((f) => f.name)).toEqual(EVENT_COLUMNS.map((c) => c.name));
    expect(schemaShape(events)).toEqual(eventsSchema().fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`));
    expect(schemaShape(stacks)).toEqual(stacksSchema().fields.map((f) => `${f.name}:${String(f.type)}:${f.nullable}`));
    expect(stacks.schema.fields.map((f) => f.name)).toEqual(STACK_COLUMNS.map((c) => c.name));
    expect(events.schema.metadata.get('pagetrace.schema_version')).toBe('1');
    for (const name of ['comm', 'event', 'flags', 'gfp']) expect(events.schema.fields.find((f) => f.name === name)?.type).toBeInstanceOf(Dictionary);
  });

  it('holds the values of the source lines, row by row, and the frames that follow them', async () => {
    const out = `${tempDir()}/run`;
    const { meta } = await ingestTrace({ input: FIXTURE, outDir: out });
    const { events, stacks } = readRun(out);
    expect(events.numRows).toBe(meta.lines.events);
    expect(await readMeta(out)).toEqual(meta);
    let checked = 0;
    for (const row of events) {
      const src = sourceLines[Number(row.line) - 1] as string;
      const ctx = /^\s*(.*?)-(\d+)\s+\(\s*(\d+)\)\s+\[(\d+)\]\s+\S+\s+(\d+)\.(\d+): (\w+): /.exec(src);
      expect(ctx).not.toBeNull();
      const [, comm, pid, tgid, cpu, secs, usecs, event] = ctx as RegExpExecArray;
      expect([row.comm, row.pid, row.tgid, row.cpu, row.event]).toEqual([comm, Number(pid), Number(tgid), Number(cpu), event]);
      expect(row.ts_ns).toBe(BigInt(secs as string) * 1000000000n + BigInt(usecs as string) * 1000n);
      if ((event as string).startsWith('page_ref_')) {
        expect(row.pfn).toBe(BigInt(field(src, 'pfn') as string));
        expect(row.count).toBe(Number(field(src, 'count')));
        expect(row.mapcount).toBe(Number(field(src, 'mapcount')));
        expect(row.val).toBe(Number(field(src, 'val')));
        expect(row.ret).toBe(field(src, 'ret') === undefined ? null : Number(field(src, 'ret')));
        expect(row.mt).toBe(Number(field(src, 'mt')));
        expect(row.flags).toBe(field(src, 'flags'));
        expect(row.mapping).toBe(BigInt(`0x${field(src, 'mapping') as string}`));
        expect(row.args).toBeNull();
        checked++;
      }
      // The frames of this event's <stack trace> entry: the ` => ` lines after the next entry line on its CPU.
      if (row.stack_id !== null) {
        const frames = [...(stacks.get(row.stack_id as number)?.frames ?? [])];
        const idx = sourceLines.findIndex((l, i) => i >= Number(row.line) && l.includes(`[${String(row.cpu).padStart(3, '0')}]`) && l.endsWith('<stack trace>'));
        const following: string[] = [];
        for (let i = idx + 1; (sourceLines[i] ?? '').startsWith(' => '); i++) following.push((sourceLines[i] as string).slice(4));
        expect(frames).toEqual(following);
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('grows dictionaries by delta across many small batches and reads back the same values', async () => {
    const dir = tempDir();
    await ingestTrace({ input: FIXTURE, outDir: `${dir}/big` });
    await ingestTrace({ input: FIXTURE, outDir: `${dir}/small`, batchRows: 7 });
    const big = readRun(`${dir}/big`).events;
    const small = readRun(`${dir}/small`).events;
    expect(small.batches.length).toBeGreaterThan(40);
    for (const f of big.schema.fields) expect([...small.getChild(f.name)!]).toEqual([...big.getChild(f.name)!]);
  });
});
