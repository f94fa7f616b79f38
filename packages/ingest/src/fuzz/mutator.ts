/**
 * A seeded mutator over REAL trace text: windows of the bundled fixtures (all three
 * front-ends, stacks, callchains, lost-event markers) damaged the way labs damage traces —
 * lines cut, dropped, duplicated, swapped, spliced from another front-end, bytes flipped,
 * numbers made huge/negative/empty, NULs and invalid UTF-8, CRLF, no final newline.
 * Case i of seed s is always the same bytes, so any failure is reproducible from (s, i).
 */
import { fixture, readTraceBytes } from '../testing/paths.js';

/** xorshift32: small, fast, deterministic. */
export class Rng {
  private x: number;
  constructor(seed: number) { this.x = (seed | 0) || 0x2545f491; }
  next(): number { let x = this.x; x ^= x << 13; x ^= x >>> 17; x ^= x << 5; this.x = x; return (x >>> 0) / 0x100000000; }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)] as T; }
  chance(p: number): boolean { return this.next() < p; }
}

/** Seed texts: real fixtures, split in lines (latin1 keeps every byte). */
export function loadSeeds(): string[][] {
  const files = [
    fixture('guest-6.1', 'pin', 'trace.txt.zst'),
    fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'),
    fixture('guest-6.1', 'mixed_stack-freeze-fail-slice', 'trace.txt.zst'),
    fixture('host-6.18', 'ftrace-stacktrace.txt.zst'),
    fixture('host-6.18', 'ftrace-overflow-lost.txt.zst'),
    fixture('host-6.18', 'perf-script-g.txt.zst'),
    fixture('host-6.18', 'trace-cmd-report.txt.zst'),
  ];
  // Only the first 3000 lines of each: windows are small, and loading stays fast.
  return files.map((f) => readTraceBytes(f).toString('latin1').split('\n', 3000));
}

const NUMBERS = ['', '-', '-1', '0', '-2147483649', '2147483648', '4294967296', '18446744073709551616', '99999999999999999999999', '0x', '0xzz',
  'zz', '1e9', 'NaN', '0x7fffffffffffffff', '0xffffffffffffffffff', '+5', '1.5', ' '];
const JUNK = ['\0', '\xff\xfe', '\r', '\t', ' => ', '<stack trace>', '[LOST 3 EVENTS]', '#', '\x1b[31m', 'CPU:1 [LOST EVENTS]', ': ', '-', '(', ')', '[', ']'];

type Mutation = (lines: string[], rng: Rng, seeds: string[][]) => void;

const at = (lines: string[], rng: Rng): number => rng.int(Math.max(1, lines.length));

const MUTATIONS: Mutation[] = [
  // a line cut anywhere (capture stopped mid-write)
  (l, r) => { const i = at(l, r); const s = l[i] ?? ''; l[i] = s.slice(0, r.int(s.length + 1)); },
  // lines dropped, duplicated, swapped
  (l, r) => { l.splice(at(l, r), 1 + r.int(3)); },
  (l, r) => { const i = at(l, r); l.splice(i, 0, l[i] ?? ''); },
  (l, r) => { const i = at(l, r); const j = at(l, r); const t = l[i] ?? ''; l[i] = l[j] ?? ''; l[j] = t; },
  // a number replaced by something hostile
  (l, r) => {
    const i = at(l, r); const s = l[i] ?? '';
    const ms = [...s.matchAll(/-?(?:0x)?[0-9a-f]+/g)];
    if (ms.length === 0) return;
    const m = r.pick(ms);
    l[i] = s.slice(0, m.index) + r.pick(NUMBERS) + s.slice((m.index ?? 0) + m[0].length);
  },
  // a field value emptied (`count=`)
  (l, r) => { const i = at(l, r); l[i] = (l[i] ?? '').replace(/=(\S+)/, r.chance(0.5) ? '=' : '= '); },
  // junk bytes inserted
  (l, r) => { const i = at(l, r); const s = l[i] ?? ''; const p = r.int(s.length + 1); l[i] = s.slice(0, p) + r.pick(JUNK) + s.slice(p); },
  // a random byte flipped
  (l, r) => { const i = at(l, r); const s = l[i] ?? ''; if (s.length === 0) return; const p = r.int(s.length); l[i] = s.slice(0, p) + String.fromCharCode(r.int(256)) + s.slice(p + 1); },
  // lines of another front-end spliced in
  (l, r, seeds) => { const other = r.pick(seeds); const k = r.int(other.length); l.splice(at(l, r), 0, ...other.slice(k, k + 1 + r.int(5))); },
  // a long token (a huge args field)
  (l, r) => { const i = at(l, r); l[i] = `${l[i] ?? ''} ${'y'.repeat(r.int(70_000))}`; },
  // the task name replaced by something hostile
  (l, r) => { const i = at(l, r); l[i] = (l[i] ?? '').replace(/^(\s*)\S+-(\d+)/, (_m, sp: string, pid: string) => `${sp}${r.pick(['a b c', '\0', '\xff', 'x-1-2', '-', ' ', '[000]', 'kworker/0:1-events'])}-${pid}`); },
  // a blank line (perf callchain terminator) inserted or removed
  (l, r) => { l.splice(at(l, r), 0, ''); },
];

export interface FuzzCase { index: number; bytes: Buffer; chunkBytes: number; batchRows: number; workers: number; description: string }

/** Case `index` of `seed`. */
export function makeCase(seeds: string[][], seed: number, index: number): FuzzCase {
  const rng = new Rng((seed * 0x9e3779b1) ^ (index * 0x85ebca6b) ^ 0x5bd1e995);
  const src = rng.pick(seeds);
  const withHeader = rng.chance(0.3);
  const len = 1 + rng.int(rng.chance(0.1) ? 400 : 60);
  const start = withHeader ? 0 : rng.int(Math.max(1, src.length - len));
  const lines = src.slice(start, start + len);
  const ops: string[] = [];
  const n = rng.int(6);
  for (let k = 0; k < n; k++) {
    const m = rng.int(MUTATIONS.length);
    (MUTATIONS[m] as Mutation)(lines, rng, seeds);
    ops.push(String(m));
  }
  let text = lines.join('\n');
  if (!rng.chance(0.15)) text += '\n';
  if (rng.chance(0.1)) text = text.replaceAll('\n', '\r\n');
  // Tiny chunks put chunk boundaries everywhere (stacks split across workers) but cost time: 1 case in 5.
  const chunkBytes = rng.pick([64, 300, 4096, 4096, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20, 1 << 20]);
  const workers = rng.chance(0.05) ? 2 : 1;
  // Small batches put record-batch (and dictionary-delta) boundaries inside the case.
  const batchRows = rng.pick([3, 100, 1024, 65536]);
  return { index, bytes: Buffer.from(text, 'latin1'), chunkBytes, batchRows, workers, description: `seed=${seed} case=${index} start=${start} len=${len} ops=[${ops.join(',')}] workers=${workers} chunk=${chunkBytes} batch=${batchRows}` };
}

/** Lines in the input as DESIGN.md counts them: every '\n' ends one, and a last unterminated line counts. */
export function expectedLines(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? n + 1 : n;
}
