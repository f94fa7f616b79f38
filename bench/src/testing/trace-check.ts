/**
 * Test helpers for generated traces, independent of @pagetrace/ingest and replay:
 *  - `layoutProblem`: does a line have the column layout of the REAL front-end output?
 *    (fixed column positions measured on shared/traces; the same check runs over the real
 *    files in the tests, which is what makes it a statement about the real layout);
 *  - `RefcountChecker`: replays page_ref / kmem events with the kernel's helper semantics
 *    and reports the first inconsistency (wrong count=, ret=, alloc of a referenced page,
 *    free of a referenced or free page, time going backwards, references left at the end).
 */
import { readFileSync } from 'node:fs';
import { decompress } from 'fzstd';
import type { Format } from '../templates.js';

export function readZst(path: string): string {
  return Buffer.from(decompress(readFileSync(path))).toString('latin1');
}

export interface ParsedLine {
  comm: string;
  pid: number;
  cpu: number;
  /** microseconds */
  ts: number;
  event: string;
  args: string;
}

const CONTEXT: Record<Format, RegExp> = {
  ftrace: /^\s*(.+)-(\d+)\s+\((?:\s*\d+|-+)\)\s+\[(\d{3})\]\s+\S+\s+(\d+)\.(\d{6}): (\w+): (.*)$/,
  'trace-cmd': /^\w+: \s*(.+)-(\d+)\s+\[(\d{3})\]\s+(\d+)\.(\d{6}): (\w+):\s+(.*)$/,
  perf: /^\s*(.+?)\s+(\d+)\s+\[(\d{3})\]\s+(\d+)\.(\d{6}):\s+\w+:(\w+): (.*)$/,
};

/** What is not an event line: header, stack frame, callchain, blank line after a callchain. */
export function isNonEventLine(format: Format, line: string): boolean {
  if (line === '') return true;
  if (format === 'ftrace') return line.startsWith('#') || line.startsWith(' => ') || line.endsWith(': <stack trace>');
  if (format === 'trace-cmd') return line.startsWith('cpus=');
  return line.startsWith('\t');
}

export function parseEventLine(format: Format, line: string): ParsedLine | null {
  const m = CONTEXT[format].exec(line);
  if (!m) return null;
  return { comm: m[1]!.trim(), pid: Number(m[2]), cpu: Number(m[3]), ts: Number(m[4]) * 1e6 + Number(m[5]), event: m[6]!, args: m[7]! };
}

/**
 * Column positions of the real layouts (for comm <= 16 chars, pid <= 7 / 5 digits, time < 10^5 s):
 *   ftrace    (guest 6.1, tgid + irq-info): '(' at 25, '[' at 35, '.' of the time at 52
 *   trace-cmd (host, instance prefix):     '[' at 31, '.' at 42, arguments at 73 (names <= 20)
 *   perf      (host, no -g):                '[' at 23, '.' at 34, event column ends at one fixed index per file
 *   perf -g:  comm not padded: only the field order is fixed.
 * Returns a reason, or null when the line fits.
 */
export function layoutProblem(format: Format, line: string, opts: { perfCallchains?: boolean; perfEventEnd?: number } = {}): string | null {
  const p = parseEventLine(format, line);
  if (!p) return 'context does not parse';
  const at = (i: number, ch: string): boolean => line[i] === ch;
  switch (format) {
    case 'ftrace':
      return at(25, '(') && at(35, '[') && at(52, '.') ? null : 'ftrace columns misplaced';
    case 'trace-cmd':
      if (!at(31, '[') || !at(42, '.')) return 'trace-cmd columns misplaced';
      if (p.event.length <= 20 && (line[72] !== ' ' || line[73] === ' ')) return 'trace-cmd event name not padded to 21';
      return null;
    case 'perf':
      if (opts.perfCallchains) return null; // `%s %5d`: comm not padded, only the field order is fixed
      if (!at(23, '[') || !at(34, '.')) return 'perf columns misplaced';
      if (opts.perfEventEnd !== undefined && line.indexOf(': ', 43) !== opts.perfEventEnd) return 'perf event column not right-aligned';
      return null;
  }
}

/** Index of the ': ' that ends perf's right-aligned `sys:event` column. */
export const perfEventEnd = (line: string): number => line.indexOf(': ', 43);

interface PageModel {
  count: number;
  /** 'free' after mm_page_free, 'allocated' after mm_page_alloc / page_ref_set, 'unknown' before. */
  state: 'free' | 'allocated' | 'unknown';
  freedAt: number;
}

function field(args: string, key: string): number | null {
  const i = args.indexOf(`${key}=`);
  if (i < 0 || (i > 0 && args[i - 1] !== ' ')) return null;
  const end = args.indexOf(' ', i);
  const text = args.slice(i + key.length + 1, end < 0 ? undefined : end);
  return text.startsWith('0x') ? parseInt(text, 16) : Number(text);
}

export class RefcountChecker {
  readonly pages = new Map<number, PageModel>();
  readonly eventCounts = new Map<string, number>();
  private lastTs = -1;
  private lineNo = 0;

  /** kmemOnly: no page_ref events in the trace, so only buddy state (alloc/free pairing) is checked. */
  constructor(private readonly format: Format, private readonly kmemOnly = false) {}

  /** Feed one line; returns a problem description or null. */
  line(text: string): string | null {
    this.lineNo++;
    if (isNonEventLine(this.format, text)) return null;
    const p = parseEventLine(this.format, text);
    if (!p) return `line ${this.lineNo}: does not parse`;
    if (p.ts <= this.lastTs) return `line ${this.lineNo}: time does not increase`;
    this.lastTs = p.ts;
    this.eventCounts.set(p.event, (this.eventCounts.get(p.event) ?? 0) + 1);
    const pfn = field(p.args, 'pfn');
    if (pfn === null) return `line ${this.lineNo}: no pfn`;
    const page = this.pages.get(pfn) ?? { count: 0, state: 'unknown', freedAt: -1 };
    this.pages.set(pfn, page);
    const problem = this.apply(p.event, p.args, page);
    return problem === null ? null : `line ${this.lineNo} (pfn 0x${pfn.toString(16)} ${p.event}): ${problem}`;
  }

  private apply(event: string, args: string, page: PageModel): string | null {
    const val = field(args, 'val');
    const count = field(args, 'count');
    const ret = field(args, 'ret');
    const expect = (printed: number | null, model: number, what: string): string | null =>
      printed === model ? null : `${what}=${printed} but the model says ${model}`;
    switch (event) {
      case 'page_ref_set':
        page.count = val!;
        if (page.state !== 'allocated') page.state = 'allocated';
        return expect(count, page.count, 'count');
      case 'page_ref_mod':
        if (page.state === 'free') return 'reference taken on a free page';
        page.count += val!;
        return expect(count, page.count, 'count');
      case 'page_ref_mod_and_test':
        if (page.state === 'free') return 'put on a free page';
        page.count += val!;
        if (page.count < 0) return 'refcount below zero';
        return expect(count, page.count, 'count') ?? expect(ret, page.count === 0 ? 1 : 0, 'ret');
      case 'page_ref_mod_unless': {
        const taken = page.count !== 0;
        if (taken) page.count += val!;
        return expect(count, page.count, 'count') ?? expect(ret, taken ? 1 : 0, 'ret');
      }
      case 'page_ref_freeze': {
        const ok = page.count === val;
        if (ok) page.count = 0;
        return expect(count, page.count, 'count') ?? expect(ret, ok ? 1 : 0, 'ret');
      }
      case 'page_ref_unfreeze':
        if (page.count !== 0) return 'unfreeze of a page that is not frozen';
        page.count = val!;
        return expect(count, page.count, 'count');
      case 'mm_page_alloc':
        if (this.kmemOnly) {
          if (page.state === 'allocated') return 'allocation of an allocated page';
          page.state = 'allocated';
          return null;
        }
        if (page.count !== 1) return `allocated with refcount ${page.count} (6.1 sets 1 before mm_page_alloc)`;
        page.state = 'allocated';
        return null;
      case 'mm_page_free':
        if (!this.kmemOnly && page.count !== 0) return `freed with refcount ${page.count}`;
        if (page.state === 'free') return 'double free';
        page.state = 'free';
        page.freedAt = this.lineNo;
        return null;
      case 'mm_page_free_batched':
        // Fires after mm_page_free for the same pfn in folio-era kernels.
        return page.state === 'free' ? null : 'batched free of a page not freed';
      default:
        return null;
    }
  }

  /** Pages still holding references at the end (a clean generated trace has none). */
  leftovers(): number[] {
    return [...this.pages].filter(([, p]) => p.count !== 0).map(([pfn]) => pfn);
  }
}
