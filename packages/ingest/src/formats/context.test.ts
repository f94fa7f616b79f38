/**
 * matchContext reuses the previous line's context when the bytes up to the timestamp repeat
 * (context.ts `sameContextAgain`). Differential test: every line of a sequence, matched right
 * after the lines before it in one buffer (as the chunk parser does), must give exactly what
 * the same line gives matched alone, with nothing to reuse.
 */
import { describe, expect, it } from '@jest/globals';
import { fixture, readTraceBytes } from '../testing/index.js';
import { matchContext } from './context.js';
import { Line } from './line.js';
import { newToken, type Token } from './types.js';

interface Seen { match: { rest: number; flagsWidth: number; hasTgid: boolean } | null; tok: Partial<Token> }

/** What matchContext says about bytes [start, end) of `bytes`; offsets relative to `start`. */
function seen(bytes: Buffer, start: number, end: number): Seen {
  const tok = newToken();
  const m = matchContext(new Line().set(bytes, start, end), tok, false);
  if (m === null) return { match: null, tok: { reason: tok.reason } };
  return {
    match: { rest: m.rest - start, flagsWidth: m.flagsWidth, hasTgid: m.hasTgid },
    tok: {
      commStart: tok.commStart - start, commEnd: tok.commEnd - start, pid: tok.pid, tgid: tok.tgid, cpu: tok.cpu,
      irqContext: tok.irqContext, tsHi: tok.tsHi, tsLo: tok.tsLo, tsCounter: tok.tsCounter, tsDigits: tok.tsDigits,
    },
  };
}

/** Each line matched in sequence in one buffer vs. alone; the differences, and how many lines matched. */
function compareInSequence(lines: readonly string[]): { differences: string[]; matched: number } {
  const all = Buffer.from(lines.join('\n'), 'latin1');
  // All in sequence first: matching a line alone (another buffer) leaves nothing to reuse.
  const inSequence: Seen[] = [];
  let at = 0;
  for (const l of lines) { inSequence.push(seen(all, at, at + l.length)); at += l.length + 1; }
  const differences: string[] = [];
  let matched = 0;
  lines.forEach((l, k) => {
    const alone = seen(Buffer.from(l, 'latin1'), 0, l.length);
    if (JSON.stringify(inSequence[k]) !== JSON.stringify(alone)) differences.push(`${l}\n  in sequence: ${JSON.stringify(inSequence[k])}\n  alone:       ${JSON.stringify(alone)}`);
    if (alone.match !== null) matched++;
  });
  return { differences, matched };
}

const CTX = '       hmm-tests-64      (     64) [000] .....';

describe('matchContext after a line with the same context', () => {
  it('reads each line of real traces as it reads the line alone', () => {
    for (const name of [['guest-6.1', 'hmm_stack', 'trace.txt.zst'], ['guest-6.1', 'compact', 'trace.txt.zst'], ['guest-6.1', 'pin', 'trace.txt.zst'], ['host-6.18', 'ftrace-noirq.txt.zst']]) {
      const lines = readTraceBytes(fixture(...name)).toString('latin1').split('\n').slice(0, 20_000);
      const r = compareInSequence(lines);
      expect(r.differences.slice(0, 3)).toEqual([]);
      expect(r.matched).toBeGreaterThan(100);
    }
  });

  it('reads a repeated context again wherever the rest of the line differs', () => {
    const r = compareInSequence([
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
    ]);
    expect(r.differences).toEqual([]);
    expect(r.matched).toBeGreaterThan(15);
  });

  it('reads lines of interleaved tasks and CPUs, more contexts than it remembers, as alone', () => {
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
    const r = compareInSequence(lines);
    expect(r.differences.slice(0, 3)).toEqual([]);
    expect(r.matched).toBe(lines.length);
  });
});
