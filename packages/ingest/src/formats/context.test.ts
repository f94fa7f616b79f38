/**
 * The line context is read by the line reader (assembly/context.ts, WebAssembly). It must
 * read exactly what the regex in context.ts's header reads. Differential test against that
 * regex, with its numbers computed exactly (BigInt), on real traces and crafted edge lines:
 * each line read alone (copied into the reader's memory) and in sequence inside one placed
 * chunk, as the chunk parser reads it (the bytes after a line are the next line's, never
 * part of it).
 */
import { describe, expect, it } from '@jest/globals';
import { fixture, readTraceBytes } from '../testing/index.js';
import { placeChunk } from '../wasm/line-reader.js';
import { matchContext } from './context.js';
import { Line } from './line.js';
import { newToken, SKIP } from './types.js';

type Seen = Record<string, unknown> | null | 'bad timestamp';

/** What matchContext says about bytes [start, end) of `bytes`; offsets relative to `start`. */
function seen(bytes: Buffer, start: number, end: number): Seen {
  const tok = newToken();
  const m = matchContext(new Line().set(bytes, start, end), tok, false);
  if (m === null) return tok.reason === SKIP.badTimestamp ? 'bad timestamp' : null;
  return {
    rest: m.rest - start, flagsWidth: m.flagsWidth, hasTgid: m.hasTgid,
    commStart: tok.commStart - start, commEnd: tok.commEnd - start, pid: tok.pid, tgid: tok.tgid, cpu: tok.cpu,
    irqContext: tok.irqContext, tsHi: tok.tsHi, tsLo: tok.tsLo, tsCounter: tok.tsCounter, tsDigits: tok.tsDigits,
  };
}

const CONTEXT = /^(.*?)-(\d{1,10})\s+(?:\(\s*(\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,7})\s+)?(\d+)(?:\.(\d+))?:(?: |$)/;
const INT64_MAX = 2n ** 63n - 1n;

/** The same, from the regex: numbers as JavaScript reads the digits, the timestamp exactly. */
function byRegex(line: string): Seen {
  const m = CONTEXT.exec(line);
  if (m === null) return null;
  const [whole, comm, pid, tgid, cpu, flags, secs, frac] = m as unknown as string[];
  const ns = frac === undefined ? BigInt(secs as string) : BigInt(secs as string) * 1_000_000_000n + BigInt((frac as string).slice(0, 9).padEnd(9, '0'));
  if (ns > INT64_MAX) return 'bad timestamp';
  const leading = (comm as string).length - (comm as string).replace(/^ +/, '').length;
  return {
    rest: (whole as string).length, flagsWidth: flags?.length ?? 0, hasTgid: tgid !== undefined,
    commStart: leading, commEnd: (comm as string).length, pid: Number(pid),
    tgid: tgid === undefined || !/^\d{1,10}$/.test(tgid) ? NaN : Number(tgid), cpu: digitsAsJsNumber(cpu as string),
    irqContext: flags !== undefined && flags.length >= 3 ? flags[2] : '',
    tsHi: Number(ns >> 32n), tsLo: Number(ns & 0xffffffffn), tsCounter: frac === undefined, tsDigits: frac?.length ?? 0,
  };
}

/** Digits read one at a time in doubles, as every reader of these fields always has. */
function digitsAsJsNumber(s: string): number {
  let n = 0;
  for (const c of s) n = n * 10 + (c.charCodeAt(0) - 48);
  return n;
}

/** Lines whose reading differs from the regex's, alone or in sequence in one placed chunk; and how many matched. */
function compareWithRegex(lines: readonly string[]): { differences: string[]; matched: number } {
  const chunk = placeChunk(Buffer.from(lines.join('\n'), 'latin1'));
  const differences: string[] = [];
  let matched = 0;
  let at = 0;
  for (const l of lines) {
    const expected = byRegex(l);
    const inChunk = seen(chunk, at, at + l.length);
    const alone = seen(Buffer.from(l, 'latin1'), 0, l.length);
    for (const [how, got] of [['in a chunk', inChunk], ['alone', alone]] as const) {
      if (JSON.stringify(got) !== JSON.stringify(expected)) differences.push(`${l}\n  ${how}: ${JSON.stringify(got)}\n  regex: ${JSON.stringify(expected)}`);
    }
    if (expected !== null && expected !== 'bad timestamp') matched++;
    at += l.length + 1;
  }
  return { differences, matched };
}

const CTX = '       hmm-tests-64      (     64) [000] .....';

describe('matchContext reads what the regex reads', () => {
  it('on every line of real traces', () => {
    for (const name of [['guest-6.1', 'hmm_stack', 'trace.txt.zst'], ['guest-6.1', 'compact', 'trace.txt.zst'], ['guest-6.1', 'pin', 'trace.txt.zst'], ['host-6.18', 'ftrace-noirq.txt.zst']]) {
      const lines = readTraceBytes(fixture(...name)).toString('latin1').split('\n').slice(0, 20_000);
      const r = compareWithRegex(lines);
      expect(r.differences.slice(0, 3)).toEqual([]);
      expect(r.matched).toBeGreaterThan(100);
    }
  });

  it('on crafted edge lines', () => {
    const r = compareWithRegex([
      `${CTX}     6.252290: page_ref_set: pfn=0x1 val=1`,
      `${CTX}     6.252291: page_ref_mod: pfn=0x2 val=1`, // reused
      `${CTX}    16.252291: page_ref_mod: pfn=0x2 val=1`, // one digit more: the spaces before differ
      `${CTX}    16.252292: mm_page_free: pfn=0x2 order=0`,
      `${CTX}    99999999999999999999.000001: x: y`, // out of range: a bad timestamp, as alone
      `${CTX}    17: page_ref_mod: pfn=0x3 val=1`, // no fraction
      `${CTX}    17.5:`, // timestamp at the line end
      `${CTX}    17.5`, // no colon: no context at all
      `${CTX}    abc: page_ref_mod: pfn=0x3 val=1`,
      `${CTX}    18.000001:page_ref_mod: pfn=0x3 val=1`, // no space after the colon
      '       hmm-tests-64      (     64) [001] .....    18.000002: page_ref_mod: pfn=0x3 val=1', // another CPU
      '       hmm-tests-64      (     64) [001] d..1.    18.000003: page_ref_mod: pfn=0x3 val=1', // other flags
      '  a-1-2-3      (     64) [001] d..1.    18.000004: e: f', // a dash before the pid followed by a digit
      '  a-1-2-3      (     64) [001] d..1.    18.000005: e: f',
      '  a-1-2-3      (     64) [001] d..1.    18.000006: -7 (  7) [000] ....   1.5: e: f',
      '          <...>-7       (-------) [000] .....    18.000007: e: f',
      '          <...>-7       (-------) [000] .....    18.000008: e: f',
      '          <...>-7 [000] .....    18.000009: e: f', // no tgid column
      '          <...>-7 [000] .....    18.000010: e: f',
      '          <...>-7 [000]    18.000011: e: f', // no flags column: never reused
      '          <...>-7 [000]    18.000012: e: f',
      '          <...>-7 [000]    1.5: 2: e: f', // `1.5:` read as flags when followed by a timestamp
      '          <...>-7 [000]    1.5: e: f',
          `${CTX}    9223372036.854775807: e: f`, // the largest int64 timestamp
      `${CTX}    9223372036.854775808: e: f`, // one ns beyond
      `${CTX}    9223372036854775807: e: f`, // counter clock: the largest
      `${CTX}    9223372036854775808: e: f`,
      `${CTX}    00000000000000000000000000001.5: e: f`, // leading zeros: not out of range
      `${CTX}    1.1234567891234: e: f`, // more than 9 fraction digits: cut to ns
      `${CTX}    1.000000001: e: f`,
      '  t-1234567890 [000] .....    1.5: e: f', // 10-digit pid
      '  t-12345678901 [000] .....    1.5: e: f', // 11 digits: not a pid
      '  t-12345678901-5 [000] .....    1.5: e: f', // then the next dash
      '  t-5      (12345678901) [000] .....    1.5: e: f', // an 11-digit tgid: none
      '  t-5 (\t5 ) [000] .....    1.5: e: f', // spaces inside the tgid parens
      '  t-5 [123456789012345678901234] .....    1.5: e: f', // an absurd CPU
      '  t-5\t[000]\t.....\t1.5: e: f', // tabs
      '  t-5\u00a0[000]\u00a0.....\u00a01.5: e: f', // latin1 no-break spaces are \s too
      '  t-5 [000] ........    1.5: e: f', // 8 flag characters: not a flags column
      '  t-5 [000] h    1.5: e: f', // one flag character: no irq context
      '  t-5 [000] .s    1.5: e: f',
      '  t-5 [000] .s.    1.5: e: f',
      '-5 [000] .....    1.5: e: f', // empty task name
      '     -5 [000] .....    1.5: e: f',
      '  t-5 [000] .....    1.5:',
      '  t-5 [000] .....    1.5: ',
      '  t-5 [000] .....    .5: e: f',
      '  t-5 [000] .....    1.: e: f',
      '  t-5 [000',
      '  t-5 (',
      '  t-',
      '  \u00e9t\u00e9-5 [000] .....    1.5: e: f', // latin1 task name
    ]);
    expect(r.differences).toEqual([]);
    expect(r.matched).toBeGreaterThan(30);
  });

  it('on lines of interleaved tasks and CPUs', () => {
    const tasks = ['          <idle>-0       (-------) [001] d.h1.', '   kworker/u4:1-33      (     33) [000] .....',
      '       hmm-tests-64      (     64) [000] .....', '       hmm-tests-64      (     64) [001] .....', '             dd-61      (     61) [001] ..s..',
      '  a-1-2-3      (     64) [001] d..1.', '          <...>-7 [000] .....', '         cat-63      (     63) [000] d....',
      '  systemd-journal-120     (    120) [001] .....', '    gup_test-62      (     62) [000] .N...', '          <...>-7 [000]'];
    const lines: string[] = [];
    // Tasks in cycles of 2, 5 and all 11 (more than the contexts remembered), timestamps growing a digit.
    let ts = 9.999990;
    for (const cycle of [2, 5, 11]) {
      for (let i = 0; i < 40; i++, ts += 0.000001) lines.push(`${tasks[(i * 7) % cycle]}  ${ts.toFixed(6)}: page_ref_mod: pfn=0x${i.toString(16)} val=1`);
    }
    const r = compareWithRegex(lines);
    expect(r.differences.slice(0, 3)).toEqual([]);
    expect(r.matched).toBe(lines.length);
  });

  it('never reads past the line end into the next line', () => {
    // Each line is a context cut short; the next line would complete it.
    const r = compareWithRegex(['  t-5 [000] .....    1.5', ': e: f', '  t-5 [000', '] .....    1.5: e: f', '  t-5', ' [000] .....    1.5: e: f']);
    expect(r.differences).toEqual([]);
    expect(r.matched).toBe(0); // a reader that ran on into the next line would match the cut lines
  });
});
