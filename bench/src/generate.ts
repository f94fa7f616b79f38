/**
 * Benchmark trace generator: `node bench/dist/generate.js --format ftrace|trace-cmd|perf
 * --size 1GB -o FILE [--seed N] [--stacks] [--events all|kmem]`.
 *
 * Writes a trace of about the requested size in the chosen front-end's real layout
 * (layout.ts, templates.ts), made of thousands of interleaved, internally consistent page
 * lifecycles (lifecycles.ts), plus the sidecars of the guest captures (iomem.txt with the
 * device-private range, uname.txt) beside it. Deterministic: same options, same bytes.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Args, formatSize, parseSize } from './args.js';
import { Emitter } from './emitter.js';
import { layoutFor } from './layout.js';
import { makeWorld, startLifecycle, type Lifecycle } from './lifecycles.js';
import { Rng } from './rng.js';
import { FORMATS, GUEST_IOMEM, GUEST_UNAME, ftraceHeader, type Format } from './templates.js';

export interface GenerateOptions {
  format: Format;
  /** Target size; the trace stops starting new lifecycles once reached, then finishes the live ones. */
  sizeBytes: number;
  seed?: number;
  /** ftrace: stacktrace option (`<stack trace>` + ` => ` frames); perf: `-g` callchains. trace-cmd: none. */
  stacks?: boolean;
  /** Pages in flight at once. */
  concurrency?: number;
  /** 'all' (page_ref:* + kmem:*, default) or 'kmem' (kmem:* only, like the real host captures). */
  events?: 'all' | 'kmem';
}

export interface GenerateResult {
  path: string;
  format: Format;
  seed: number;
  stacks: boolean;
  eventSet: 'all' | 'kmem';
  bytes: number;
  lines: number;
  events: number;
  stackLines: number;
  headerLines: number;
  sidecars: string[];
  seconds: number;
}

export const DEFAULT_SEED = 20261122;

/** Typical bytes per ftrace ring-buffer entry, to size the header's entry count in advance. */
const BYTES_PER_ENTRY = { plain: 190, stacks: 300 };

export function generateTrace(path: string, opts: GenerateOptions): GenerateResult {
  const started = performance.now();
  const seed = opts.seed ?? DEFAULT_SEED;
  const stacks = opts.stacks ?? false;
  const rng = new Rng(seed);
  const layout = layoutFor(opts.format, stacks);
  const tmp = `${path}.tmp-${process.pid}`;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(tmp, 'w');
  try {
    const estimatedEntries = Math.max(1, Math.round(opts.sizeBytes / (stacks ? BYTES_PER_ENTRY.stacks : BYTES_PER_ENTRY.plain)));
    const placeholder = opts.format === 'ftrace' ? ftraceHeader(estimatedEntries, 2) : layout.preamble();
    let position = 0;
    const write = (bytes: Buffer): void => { position += writeSync(fd, bytes, 0, bytes.length, position); };
    write(Buffer.from(placeholder, 'latin1'));
    const eventSet = opts.events ?? 'all';
    const out = new Emitter(layout, rng, stacks, write, eventSet === 'kmem');
    runLifecycles(out, rng, eventSet === 'kmem', opts.sizeBytes - placeholder.length, opts.concurrency ?? defaultConcurrency(opts.sizeBytes));
    out.drain();
    closeSync(fd);
    const headerLines = countLines(placeholder);
    if (opts.format === 'ftrace') fixFtraceHeader(tmp, placeholder, ftraceHeader(out.stats.entries, 2));
    renameSync(tmp, path);
    const sidecars = writeSidecars(dirname(path));
    return {
      path, format: opts.format, seed, stacks, eventSet,
      bytes: out.stats.bytes + placeholder.length,
      lines: out.stats.lines + headerLines,
      events: out.stats.events,
      stackLines: out.stats.stackLines,
      headerLines,
      sidecars,
      seconds: (performance.now() - started) / 1000,
    };
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Pages in flight: 2048 for big traces (thousands of pages interleaved, as in a real
 * workload), fewer for small ones so that finishing them does not overshoot the size much.
 */
function defaultConcurrency(sizeBytes: number): number {
  return Math.max(16, Math.min(2048, Math.floor(sizeBytes / (16 << 10))));
}

/** Interleave `concurrency` lifecycles until `budget` bytes are out, then finish them all. */
function runLifecycles(out: Emitter, rng: Rng, kmemOnly: boolean, budget: number, concurrency: number): void {
  const world = makeWorld(out, rng, kmemOnly);
  const live: Lifecycle[] = Array.from({ length: concurrency }, () => startLifecycle(world));
  while (out.stats.bytes < budget) {
    const i = rng.int(concurrency);
    if (live[i]!.next().done) live[i] = startLifecycle(world);
  }
  // Every page ends where it started (free, or idle device page): the trace is clean.
  for (const lc of live) while (!lc.next().done);
}

/**
 * The header's `entries-in-buffer/entries-written` count is known only at the end. Same
 * digit count as the estimate (the usual case): overwrite in place. Otherwise rewrite the file.
 */
function fixFtraceHeader(file: string, placeholder: string, header: string): void {
  if (header.length === placeholder.length) {
    const fd = openSync(file, 'r+');
    try { writeSync(fd, header, 0, 'latin1'); } finally { closeSync(fd); }
    return;
  }
  const fixed = `${file}.fix`;
  const src = openSync(file, 'r');
  const dst = openSync(fixed, 'w');
  try {
    writeSync(dst, header);
    const buf = Buffer.allocUnsafe(8 << 20);
    let at = placeholder.length;
    for (let n; (n = readSync(src, buf, 0, buf.length, at)) > 0; at += n) writeSync(dst, buf, 0, n);
  } finally {
    closeSync(src);
    closeSync(dst);
  }
  renameSync(fixed, file);
}

/** iomem.txt (device-private range) and uname.txt, as in every guest capture folder. */
function writeSidecars(dir: string): string[] {
  const files: Array<[string, string]> = [['iomem.txt', GUEST_IOMEM], ['uname.txt', GUEST_UNAME]];
  return files.map(([name, text]) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  });
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function main(argv: readonly string[]): void {
  const args = new Args(argv);
  const format = (args.value('format') ?? 'ftrace') as Format;
  if (!FORMATS.includes(format)) throw new Error(`--format must be one of ${FORMATS.join(', ')}`);
  const output = args.value('output', 'o');
  if (output === undefined) throw new Error('usage: generate --format ftrace|trace-cmd|perf --size 1GB -o FILE [--seed N] [--stacks] [--events all|kmem]');
  const events = args.value('events') ?? 'all';
  if (events !== 'all' && events !== 'kmem') throw new Error('--events must be all or kmem');
  const seedText = args.value('seed');
  const result = generateTrace(output, {
    format,
    sizeBytes: parseSize(args.value('size') ?? '1GB'),
    seed: seedText === undefined ? undefined : Number(seedText),
    stacks: args.flag('stacks'),
    events,
  });
  const mbps = result.bytes / 2 ** 20 / result.seconds;
  console.log(`${result.path}: ${formatSize(result.bytes)}, ${result.lines} lines, ${result.events} events (${format}${result.stacks ? ', stacks' : ''}${result.eventSet === 'kmem' ? ', kmem only' : ''}, seed ${result.seed}) in ${result.seconds.toFixed(1)} s (${mbps.toFixed(0)} MB/s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main(process.argv.slice(2));
  } catch (e) {
    console.error(`generate: ${(e as Error).message}`);
    process.exitCode = 2;
  }
}
