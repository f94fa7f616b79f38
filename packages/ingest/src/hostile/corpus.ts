/**
 * The hostile-input corpus: every kind of bad input a lab produces, built from REAL trace
 * lines (the bundled fixtures are real captures) and real binary magics, each with the
 * behaviour pagetrace promises for it. corpus.test.ts runs every case through the built CLI;
 * the README (Errors, exit codes and bad input) documents the same table for users.
 *
 * Two outcomes only: a one-line error naming the file (and line when there is one) with a
 * documented exit code, or an accepted run whose every dropped line is an accounted skip
 * (reason + line numbers in meta.json). Nothing in between.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, readTraceBytes, sharedTracesDir } from '../testing/paths.js';
import { RUN_FILES } from '../schema.js';
import { SKIP } from '../formats/types.js';
import type { RunMeta } from '../meta-types.js';

/** Exit codes of every pagetrace command (the README (Errors, exit codes and bad input)). */
export const EXIT = { ok: 0, findings: 1, cannotRun: 2 } as const;

export interface ErrorOutcome {
  outcome: 'error';
  exitCode: number;
  /** What the one stderr line must say. */
  message: RegExp;
  /** The line the message must name (`file:line:`), when the error is about one line. */
  line?: number;
}

export interface AcceptedOutcome {
  outcome: 'accepted';
  /** Exactly these skip reasons with these counts (others: none). */
  skipped: Record<string, { count: number; firstLine: number }>;
  /** Events in events.arrow, when the case pins it down. */
  events?: number;
  /** Further facts about the tables (throws on failure). */
  verify?: (run: { meta: RunMeta; runDir: string }) => void | Promise<void>;
}

export interface HostileInput {
  /** Path given to `pagetrace ingest` (the file name must appear in an error). */
  path: string;
}

export interface HostileCase {
  name: string;
  /** What the input is, in the words of the README (Errors, exit codes and bad input). */
  what: string;
  build: (dir: string) => HostileInput;
  expect: ErrorOutcome | AcceptedOutcome;
  /** Set when the case cannot be built here (the reason is printed, the case still counted). */
  unavailable?: () => string | null;
  /** Run the CLI as an unprivileged user when the tests run as root (root reads mode-000 files). */
  unprivileged?: boolean;
}

// ---- real lines ------------------------------------------------------------------------

/** A real 6.1 guest capture (ftrace, tgid + irq-info columns, all page_ref events). */
export function guestPinLines(): string[] {
  return splitLines(readTraceBytes(fixture('guest-6.1', 'pin', 'trace.txt.zst')).toString('latin1'));
}
/** Real 6.18 host captures in the three front-ends. */
export function hostLines(name: 'ftrace-stacktrace' | 'perf-script-g' | 'perf-script' | 'trace-cmd-report'): string[] {
  return splitLines(readTraceBytes(fixture('host-6.18', `${name}.txt.zst`)).toString('latin1'));
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The first `events` event lines of the guest capture with its 12-line header (real text). */
export function guestHead(events: number): string[] {
  return guestPinLines().slice(0, HEADER_LINES + events);
}
export const HEADER_LINES = 12;

const text = (lines: readonly string[]): string => `${lines.join('\n')}\n`;
const bytesOf = (lines: readonly string[]): Buffer => Buffer.from(text(lines), 'latin1');

function write(dir: string, name: string, data: string | Uint8Array): HostileInput {
  const path = join(dir, name);
  writeFileSync(path, data);
  return { path };
}

/** Index (0-based) of the first line of `lines` at or after `from` that satisfies `pred`. */
function findLine(lines: readonly string[], pred: (l: string) => boolean, from = 0): number {
  for (let i = from; i < lines.length; i++) if (pred(lines[i] as string)) return i;
  throw new Error('corpus: no such line in the fixture');
}

/** The page_ref_set line used by several cases, and its 1-based line number. */
function pageRefSet(lines: readonly string[]): { index: number; line: string } {
  const index = findLine(lines, (l) => l.includes(' page_ref_set: pfn=0x'));
  return { index, line: lines[index] as string };
}

/** Replace one line (0-based) of a copy. */
const withLine = (lines: readonly string[], i: number, l: string): string[] => lines.map((x, j) => (j === i ? l : x));

const PNG_MAGIC = Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex');
/** trace-cmd's trace.dat: "\x17\x08\x44tracing" then the version string "6\0" (trace-cmd/lib/trace-cmd/trace-output.c). */
const TRACE_DAT_MAGIC = Buffer.concat([Buffer.from([0x17, 0x08, 0x44]), Buffer.from('tracing6\0', 'latin1'), Buffer.alloc(64, 1)]);

// ---- the corpus --------------------------------------------------------------------------

export function hostileCases(): HostileCase[] {
  const guest = guestHead(60);
  const ref = pageRefSet(guest);
  const pinEvents = guest.length - HEADER_LINES;
  return [
    {
      name: 'empty file', what: 'a file of 0 bytes',
      build: (d) => write(d, 'empty.txt', ''),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /empty input: no trace lines/ },
    },
    {
      name: 'PNG image', what: 'a PNG image (real PNG signature and IHDR chunk)',
      build: (d) => write(d, 'screenshot.png', PNG_MAGIC),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /not a trace: a PNG image/ },
    },
    {
      name: 'ELF binary', what: 'an ELF executable (the first 64 KiB of the node binary)',
      build: (d) => write(d, 'vmlinux', readFileSync(process.execPath).subarray(0, 64 << 10)),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /not a trace: an ELF binary/ },
    },
    {
      name: 'JSON', what: 'a JSON document (an earlier run\'s meta.json)',
      build: (d) => write(d, 'meta.json', `${JSON.stringify({ schema_version: 1, lines: { lines_in: 3 } }, null, 2)}\n`),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /not a trace: JSON, not trace text/, line: 1 },
    },
    {
      name: 'trace-cmd trace.dat', what: 'binary trace-cmd data (trace.dat magic)',
      build: (d) => write(d, 'trace.dat', TRACE_DAT_MAGIC),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /binary trace-cmd data \(trace\.dat\): run `trace-cmd report/ },
    },
    {
      name: 'perf.data', what: 'binary perf.data (PERFILE2 header), here zstd-compressed as shared/traces keeps it',
      build: (d) => write(d, 'perf.data.zst', perfDataZst()),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /binary perf\.data: run `perf script -i/ },
    },
    {
      name: 'binary noise', what: 'random bytes with many NULs (a core dump, a disk image)',
      build: (d) => write(d, 'noise.bin', noise(8192)),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /not a trace: binary data \(NUL bytes\)/ },
    },
    {
      name: 'prose', what: 'text that is not a trace (a mail, a README)',
      build: (d) => write(d, 'mail.txt', 'Hi all,\n\nthe attached patch fixes a refcount leak.\n'),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /not a trace: no ftrace, trace-cmd report, perf script or CSV event lines found/, line: 1 },
    },
    {
      name: 'truncated last line', what: 'a capture cut off in the middle of its last event line (full disk)',
      build: (d) => write(d, 'cut.txt', text(guest).slice(0, -25)),
      expect: {
        outcome: 'accepted', events: pinEvents - 1,
        skipped: { [SKIP.cutOff]: { count: 1, firstLine: guest.length } },
      },
    },
    {
      name: 'NUL, invalid UTF-8 and escapes in task names', what: 'a task that named itself with control characters',
      build: (d) => write(d, 'comm.txt', Buffer.concat([
        bytesOf(guest.slice(0, ref.index)),
        commWith(ref.line, Buffer.from('in\0t', 'latin1')),
        commWith(ref.line, Buffer.from([0x69, 0x6e, 0xff, 0xfe, 0x74])),
        commWith(ref.line, Buffer.from('in\x1b[31mt\x07', 'latin1')),
        bytesOf(guest.slice(ref.index + 1)),
      ])),
      expect: {
        outcome: 'accepted', events: pinEvents + 2, skipped: {},
        verify: async ({ runDir }) => {
          const comms = (await eventRows(runDir)).slice(ref.index - HEADER_LINES, ref.index - HEADER_LINES + 3).map((r) => r.comm);
          // Verbatim; bytes that are not UTF-8 become U+FFFD (the utf8 column must be valid UTF-8).
          expectEqual(comms, ['in\0t', 'in\uFFFD\uFFFDt', 'in\x1b[31mt\x07'], 'task names');
        },
      },
    },
    {
      name: 'CRLF line ends', what: 'a trace saved on Windows or pasted from a mail client',
      build: (d) => write(d, 'crlf.txt', text(guest).replaceAll('\n', '\r\n')),
      expect: {
        outcome: 'accepted', events: pinEvents, skipped: {},
        verify: async ({ runDir }) => {
          const rows = await eventRows(runDir);
          if (rows.some((r) => typeof r.args === 'string' && r.args.includes('\r'))) throw new Error('a CR was kept in args');
          if (rows.some((r) => typeof r.comm === 'string' && r.comm.includes('\r'))) throw new Error('a CR was kept in comm');
        },
      },
    },
    {
      name: 'a 10 MB line', what: 'one line of 10 MB of garbage in the middle of a real trace',
      build: (d) => write(d, 'long.txt', text(withLine(guest, 30, 'x'.repeat(10 << 20)))),
      expect: { outcome: 'accepted', events: pinEvents - 1, skipped: { [SKIP.unparsed]: { count: 1, firstLine: 31 } } },
    },
    {
      name: 'perf script lines inside an ftrace trace', what: 'two traces of different front-ends concatenated',
      build: (d) => write(d, 'mixed.txt', text([...guest, ...hostLines('perf-script').slice(0, 7)])),
      expect: { outcome: 'accepted', events: pinEvents, skipped: { [SKIP.unparsed]: { count: 7, firstLine: guest.length + 1 } } },
    },
    {
      name: 'ftrace lines inside a perf script trace', what: 'a perf script output with ftrace lines pasted at its end',
      build: (d) => write(d, 'mixed-perf.txt', text([...hostLines('perf-script').slice(0, 40), ...guest.slice(HEADER_LINES, HEADER_LINES + 5)])),
      expect: { outcome: 'accepted', events: 40, skipped: { [SKIP.unparsed]: { count: 5, firstLine: 41 } } },
    },
    {
      name: 'unknown events', what: 'events pagetrace has no model for (kept with their raw arguments)',
      build: (d) => write(d, 'unknown.txt', text(withLine(guest, ref.index, ref.line.replace('page_ref_set:', 'my_driver_event:')))),
      expect: {
        outcome: 'accepted', events: pinEvents, skipped: {},
        verify: async ({ runDir }) => {
          const row = (await eventRows(runDir))[ref.index - HEADER_LINES];
          expectEqual(row?.event, 'my_driver_event', 'event name');
          expectEqual(row?.args, ref.line.slice(ref.line.indexOf('pfn=')), 'raw args');
          expectEqual(row?.pfn, null, 'pfn of an unmodelled event');
        },
      },
    },
    {
      name: 'malformed page fields', what: 'page events with `pfn=zz`, `count=`, a missing field',
      build: (d) => write(d, 'fields.txt', text([
        ...guest.slice(0, ref.index),
        ref.line.replace(/pfn=0x[0-9a-f]+/, 'pfn=zz'),
        ref.line.replace(/count=\d+/, 'count='),
        ref.line.replace(/ val=-?\d+/, ''),
        ...guest.slice(ref.index + 1),
      ])),
      expect: {
        outcome: 'accepted', events: pinEvents + 2, skipped: {},
        verify: async ({ meta, runDir }) => {
          const [bad, empty, missing] = (await eventRows(runDir)).slice(ref.index - HEADER_LINES, ref.index - HEADER_LINES + 3);
          // The event stays (it happened); the value that cannot be read is NULL, never a guess,
          // and the raw text is kept in args so nothing is lost.
          expectEqual(bad?.pfn, null, 'pfn=zz');
          expectEqual(typeof bad?.args === 'string' && bad.args.includes('pfn=zz'), true, 'raw args of pfn=zz');
          expectEqual(empty?.count, null, 'count=');
          expectEqual(typeof empty?.args === 'string' && empty.args.includes('count= '), true, 'raw args of count=');
          expectEqual(missing?.val, null, 'missing val');
          expectEqual(missing?.pfn !== null, true, 'pfn beside a missing field');
          // ...and meta.json says where: both unreadable values are accounted, by event and line.
          const event = (/: (\w+): /.exec(ref.line) as RegExpExecArray)[1] as string;
          expectEqual(JSON.stringify(meta.lines.unreadable_fields?.[event]), JSON.stringify({ count: 2, first_lines: [ref.index + 1, ref.index + 2] }), 'unreadable_fields');
        },
      },
    },
    {
      name: 'negative and overflowing numbers', what: '`count=-1` (a real underflow), values beyond the column types',
      build: (d) => write(d, 'numbers.txt', text([
        ...guest.slice(0, ref.index),
        ref.line.replace(/count=\d+/, 'count=-1'),
        ref.line.replace(/count=\d+/, 'count=99999999999999999999'),
        ref.line.replace(/pfn=0x[0-9a-f]+/, 'pfn=0x1ffffffffffffffff'),
        ref.line.replace(/pfn=0x[0-9a-f]+/, 'pfn=-1'),
        ...guest.slice(ref.index + 1),
      ])),
      expect: {
        outcome: 'accepted', events: pinEvents + 3, skipped: {},
        verify: async ({ runDir }) => {
          const rows = (await eventRows(runDir)).slice(ref.index - HEADER_LINES, ref.index - HEADER_LINES + 4);
          expectEqual(rows.map((r) => r.count === null ? null : Number(r.count)), [-1, null, Number(/count=(\d+)/.exec(ref.line)?.[1]), Number(/count=(\d+)/.exec(ref.line)?.[1])], 'counts');
          expectEqual(rows.map((r) => r.pfn === null), [false, false, true, true], 'pfns that do not fit are NULL');
        },
      },
    },
    {
      name: 'timestamps going backwards', what: 'events out of time order (per-CPU buffers merged, clock jumps)',
      build: (d) => write(d, 'backwards.txt', text([...guest.slice(0, HEADER_LINES), ...guest.slice(HEADER_LINES).reverse()])),
      expect: {
        outcome: 'accepted', events: pinEvents, skipped: {},
        verify: async ({ runDir }) => {
          // Kept in trace order with their own timestamps: replay decides what disorder means.
          const ts = (await eventRows(runDir)).map((r) => BigInt(r.ts_ns as bigint));
          if (!ts.some((t, i) => i > 0 && t < (ts[i - 1] as bigint))) throw new Error('timestamps were reordered');
        },
      },
    },
    {
      name: 'timestamp beyond int64', what: 'a timestamp with 20 digits of seconds',
      build: (d) => write(d, 'ts.txt', text(withLine(guest, ref.index, ref.line.replace(/ (\d+)\.(\d{6}): /, ' 99999999999999999999.$2: ')))),
      expect: { outcome: 'accepted', events: pinEvents - 1, skipped: { [SKIP.badTimestamp]: { count: 1, firstLine: ref.index + 1 } } },
    },
    {
      name: 'stack frame with no event before it', what: 'a snippet pasted starting in the middle of a stack trace',
      build: (d) => {
        const host = hostLines('ftrace-stacktrace');
        const first = findLine(host, (l) => l.startsWith(' => '));
        // Header, then frames of a stack whose `<stack trace>` line was not pasted.
        return write(d, 'frames.txt', text([...host.slice(0, HEADER_LINES), ...host.slice(first + 1, first + 4), ...host.slice(first + 4 + countFrames(host, first + 4))]));
      },
      expect: { outcome: 'accepted', skipped: { [SKIP.frameWithoutStack]: { count: 3, firstLine: HEADER_LINES + 1 } } },
    },
    {
      name: 'stack trace with no event before it', what: 'a `<stack trace>` whose event line was not pasted',
      build: (d) => {
        const host = hostLines('ftrace-stacktrace');
        const at = findLine(host, (l) => l.endsWith(': <stack trace>'));
        const frames = countFrames(host, at + 1);
        return write(d, 'stack.txt', text([...host.slice(0, HEADER_LINES), ...host.slice(at, at + 1 + frames), ...host.slice(at + 1 + frames, at + 200)]));
      },
      expect: { outcome: 'accepted', skipped: { [SKIP.stackWithoutEvent]: { count: 12, firstLine: HEADER_LINES + 1 } } },
    },
    {
      name: 'perf callchain at end of file without its blank line', what: 'perf script -g output cut after the last frame',
      build: (d) => {
        const perf = hostLines('perf-script-g');
        let end = findLine(perf, (l) => l === '', 200);
        while (perf[end - 1] === '') end--;
        return write(d, 'perf-eof.txt', text(perf.slice(0, end)));
      },
      expect: {
        outcome: 'accepted', skipped: {},
        verify: async ({ runDir, meta }) => {
          // The last event keeps its callchain although no blank line closed it.
          const rows = await eventRows(runDir);
          if (rows[rows.length - 1]?.stack_id === null) throw new Error('the last callchain was lost');
          expectEqual(meta.lines.stack_breakdown?.callchain_end_lines, rows.length - 1, 'callchain terminators');
        },
      },
    },
    {
      name: 'a directory', what: 'a directory given as the trace',
      build: (d) => { mkdirSync(join(d, 'captures')); return { path: join(d, 'captures') }; },
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /is a directory, not a trace file/ },
    },
    {
      name: 'a missing file', what: 'a path that does not exist',
      build: (d) => ({ path: join(d, 'no-such-trace.txt') }),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /no such file/ },
    },
    {
      name: 'a file without read permission', what: 'mode 000 (under root the CLI runs as nobody: root bypasses permissions)',
      unprivileged: true,
      build: (d) => { chmodSync(d, 0o777); const p = write(d, 'secret.txt', text(guest)); chmodSync(p.path, 0o000); return p; },
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /permission denied/ },
    },
    {
      name: 'a file the kernel refuses to read', what: '/proc/self/mem: a regular file whose read(2) fails (EIO), even for root',
      build: () => ({ path: '/proc/self/mem' }),
      expect: { outcome: 'error', exitCode: EXIT.cannotRun, message: /cannot read \(EIO\)/ },
    },
  ];
}

/** Frame lines (` => `) starting at index i. */
function countFrames(lines: readonly string[], i: number): number {
  let n = 0;
  while ((lines[i + n] ?? '').startsWith(' => ')) n++;
  return n;
}

/** The same real event line with another task name (bytes, so NUL and invalid UTF-8 survive). */
function commWith(line: string, comm: Buffer): Buffer {
  const m = /^(\s*)(\S+)-(\d+)(\s)/.exec(line);
  if (m === null) throw new Error('corpus: not an ftrace event line');
  const pad = Math.max(0, (m[1] as string).length + (m[2] as string).length - comm.length);
  return Buffer.concat([Buffer.alloc(pad, 0x20), comm, Buffer.from(`${line.slice((m[1] as string).length + (m[2] as string).length)}\n`, 'latin1')]);
}

/** Deterministic noise with NULs, like the middle of any binary file. */
function noise(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; b[i] = i % 3 === 0 ? 0 : x & 0xff; }
  return b;
}

/** The real perf.data of shared/traces (zstd) when present; else perf's PERFILE2 header alone. */
function perfDataZst(): Buffer {
  const real = join(sharedTracesDir(), 'host', 'perf-kmem.data.zst');
  try {
    return readFileSync(real);
  } catch {
    return Buffer.concat([Buffer.from('PERFILE2', 'latin1'), Buffer.alloc(120)]);
  }
}

// ---- reading a run back ----------------------------------------------------------------------

export type Row = Record<string, unknown>;

export async function eventRows(runDir: string): Promise<Row[]> {
  const { tableFromIPC } = await import('apache-arrow');
  const t = tableFromIPC(readFileSync(join(runDir, RUN_FILES.events)));
  return t.toArray().map((r: { toJSON(): Row }) => r.toJSON());
}

export function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  const e = JSON.stringify(expected, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
