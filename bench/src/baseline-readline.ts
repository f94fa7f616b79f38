/**
 * Baseline: what a user would script in Node to pull the same fields out of a trace —
 * `readline` over a file stream, one regex for the line context, one `key=value` regex for
 * the arguments, values pushed into plain arrays (comm and event interned to small ids so
 * the arrays do not pin every line's string in memory). No Arrow, no workers, no tables.
 *
 * It is the yardstick of issue 5: ingest must be >= 3.5x faster on the same file.
 */
import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Format } from './templates.js';

/** One regex per front-end: comm, pid, cpu, timestamp, event, argument text. */
const CONTEXT: Record<Format, RegExp> = {
  ftrace: /^\s*(.+)-(\d+)\s+\(\s*(?:\d+|-+)\)\s+\[(\d+)\]\s+\S+\s+(\d+\.\d+): (\w+): (.*)$/,
  'trace-cmd': /^(?:\w+: )?\s*(.+)-(\d+)\s+\[(\d+)\]\s+(\d+\.\d+): (\w+):\s+(.*)$/,
  perf: /^\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+(\d+\.\d+):\s+\w+:(\w+): (.*)$/,
};
const KEY_VALUE = /(\w+)=(\S+)/g;

export interface ParsedColumns {
  comm: number[];
  pid: number[];
  cpu: number[];
  ts: number[];
  event: number[];
  pfn: number[];
  order: number[];
  count: number[];
  mapcount: number[];
  val: number[];
  ret: number[];
  /** Interned names, indexed by the ids in comm / event. */
  names: string[];
}

export interface BaselineResult {
  bytes: number;
  lines: number;
  events: number;
  stackLines: number;
  otherLines: number;
  seconds: number;
}

export async function readlineBaseline(path: string, format: Format): Promise<BaselineResult & { columns: ParsedColumns }> {
  const started = performance.now();
  const context = CONTEXT[format];
  const ids = new Map<string, number>();
  const columns: ParsedColumns = { comm: [], pid: [], cpu: [], ts: [], event: [], pfn: [], order: [], count: [], mapcount: [], val: [], ret: [], names: [] };
  const intern = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) { id = columns.names.length; ids.set(s, id); columns.names.push(s); }
    return id;
  };
  let lines = 0;
  let stackLines = 0;
  let otherLines = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) {
    lines++;
    if (line.startsWith(' => ') || line.startsWith('\t')) { stackLines++; continue; }
    const m = context.exec(line);
    if (!m) { otherLines++; continue; }
    columns.comm.push(intern(m[1]!));
    columns.pid.push(Number(m[2]));
    columns.cpu.push(Number(m[3]));
    columns.ts.push(Number(m[4]));
    columns.event.push(intern(m[5]!));
    let pfn = NaN, order = NaN, count = NaN, mapcount = NaN, val = NaN, ret = NaN;
    for (const kv of m[6]!.matchAll(KEY_VALUE)) {
      const v = kv[2]!;
      switch (kv[1]) {
        case 'pfn': pfn = parseInt(v, v.startsWith('0x') ? 16 : 10); break;
        case 'order': order = Number(v); break;
        case 'count': count = Number(v); break;
        case 'mapcount': mapcount = Number(v); break;
        case 'val': val = Number(v); break;
        case 'ret': ret = Number(v); break;
      }
    }
    columns.pfn.push(pfn);
    columns.order.push(order);
    columns.count.push(count);
    columns.mapcount.push(mapcount);
    columns.val.push(val);
    columns.ret.push(ret);
  }
  return {
    bytes: statSync(path).size,
    lines,
    events: columns.pid.length,
    stackLines,
    otherLines,
    seconds: (performance.now() - started) / 1000,
    columns,
  };
}
