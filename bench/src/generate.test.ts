import { afterAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveSharedTraces, sharedTracesDir } from '@pagetrace/ingest/testing';
import { generateTrace, type GenerateResult } from './generate.js';
import { FORMATS, GFP, PAGE_FLAGS, STACKS, TASKS, type Format } from './templates.js';
import { RefcountChecker, isNonEventLine, layoutProblem, perfEventEnd, readZst } from './testing/trace-check.js';

const dir = mkdtempSync(join(tmpdir(), 'pagetrace-bench-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SIZE = 2 << 20;

const cache = new Map<string, GenerateResult>();
function generated(format: Format, stacks: boolean, seed?: number): { result: GenerateResult; lines: string[] } {
  const key = `${format}-${stacks}-${seed ?? 'default'}`;
  let result = cache.get(key);
  if (!result) {
    result = generateTrace(join(dir, `${key}.txt`), { format, sizeBytes: SIZE, stacks, seed });
    cache.set(key, result);
  }
  const lines = readFileSync(result.path, 'latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return { result, lines };
}

const VARIANTS: Array<[Format, boolean]> = [['ftrace', false], ['ftrace', true], ['trace-cmd', false], ['perf', false], ['perf', true]];

describe('generated page lifecycles are consistent (kernel refcount rules, per pfn)', () => {
  it.each(VARIANTS)('%s (stacks: %s): every count= and ret= matches the model, no alloc/free error, every page back to zero', (format, stacks) => {
    const { result, lines } = generated(format, stacks);
    const checker = new RefcountChecker(format);
    const problems = lines.map((l) => checker.line(l)).filter((p): p is string => p !== null);
    expect(problems.slice(0, 5)).toEqual([]);
    expect(checker.leftovers()).toEqual([]);
    const events = [...checker.eventCounts.values()].reduce((a, b) => a + b, 0);
    expect(events).toBe(result.events);
    expect(lines.length).toBe(result.lines);
  });

  it.each(['trace-cmd', 'perf'] as const)('%s --events kmem: only kmem events (as in the real host captures), allocs and frees paired', (format) => {
    const gen = generateTrace(join(dir, `kmem-${format}.txt`), { format, sizeBytes: 1 << 20, events: 'kmem' });
    const lines = readFileSync(gen.path, 'latin1').split('\n').slice(0, -1);
    const checker = new RefcountChecker(format, true);
    expect(lines.map((l) => checker.line(l)).filter((p) => p !== null).slice(0, 5)).toEqual([]);
    expect([...checker.eventCounts.keys()].sort()).toEqual(['mm_page_alloc', 'mm_page_free', 'mm_page_free_batched']);
    expect(gen.events).toBeGreaterThan(3000);
  });

  it('the checker catches a single wrong count= or a missing put (so its silence above means something)', () => {
    const { lines } = generated('ftrace', false);
    const at = lines.findIndex((l) => / page_ref_mod: .* val=1$/.test(l));
    const wrongCount = [...lines];
    wrongCount[at] = lines[at]!.replace(/ count=(\d+) /, (_m, c: string) => ` count=${Number(c) + 1} `);
    const c1 = new RefcountChecker('ftrace');
    expect(wrongCount.map((l) => c1.line(l)).filter((p) => p !== null)).toEqual([expect.stringContaining(`line ${at + 1} `)]);
    const missingPut = lines.filter((_l, i) => i !== lines.findIndex((l) => / page_ref_mod_and_test: .* ret=1$/.test(l)));
    const c2 = new RefcountChecker('ftrace');
    expect(missingPut.map((l) => c2.line(l)).filter((p) => p !== null).length).toBeGreaterThan(0);
  });

  it('exercises every pattern replay must model: pins, GUP-fast pins, freeze/unfreeze, device pages, failed speculative gets, batched frees, order-2 blocks', () => {
    const text = readFileSync(generated('ftrace', false).result.path, 'latin1');
    for (const needle of [
      'page_ref_mod: pfn=', ' val=1024\n', ' val=1023\n', ' val=-1024 ret=0\n', // slow-path and GUP-fast pins, unpins
      'page_ref_freeze: ', 'page_ref_unfreeze: ', ' val=2 ret=1\n', // migration / eviction freeze at expected refs
      'page_ref_mod_unless: pfn=0xfc', ' val=1 ret=0\n', // device-private range, failed speculative get
      'mm_page_free_batched: ', ' order=2 migratetype=0', '<idle>-0       (-------) [000] d.h..',
    ]) expect(text).toContain(needle);
    // device-private pages freed at 0 with no mm_page_free (ZONE_DEVICE, 6.1)
    expect(text).toMatch(/page_ref_mod_and_test: pfn=0xfc[ef][0-9a-f]{4} flags=uptodate\|dirty\|reserved\|swapbacked count=0 .* ret=1\n/);
  });

  it('touches many distinct pfns', () => {
    const checker = new RefcountChecker('ftrace');
    for (const l of generated('ftrace', false).lines) checker.line(l);
    expect(checker.pages.size).toBeGreaterThan(1000); // a 2 MB trace; 1 GB touches ~500k
  });
});

describe('generator output', () => {
  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    const a = generateTrace(join(dir, 'det-a.txt'), { format: 'ftrace', sizeBytes: 1 << 20, seed: 7 });
    const b = generateTrace(join(dir, 'det-b.txt'), { format: 'ftrace', sizeBytes: 1 << 20, seed: 7 });
    const c = generateTrace(join(dir, 'det-c.txt'), { format: 'ftrace', sizeBytes: 1 << 20, seed: 8 });
    const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');
    expect(sha(a.path)).toBe(sha(b.path));
    expect(sha(a.path)).not.toBe(sha(c.path));
  });

  it.each(FORMATS)('%s: size close to the request, counts reported match the file', (format) => {
    const { result, lines } = generated(format, false);
    expect(result.bytes).toBe(readFileSync(result.path).length);
    expect(result.bytes).toBeGreaterThanOrEqual(SIZE);
    expect(result.bytes).toBeLessThan(SIZE * 1.2);
    expect(lines.filter((l) => !isNonEventLine(format, l)).length).toBe(result.events);
  });

  it('ftrace header counts the ring-buffer entries (events + <stack trace> entries)', () => {
    for (const stacks of [false, true]) {
      const { result, lines } = generated('ftrace', stacks);
      const entries = lines.filter((l) => !l.startsWith('#') && !l.startsWith(' => ')).length;
      expect(lines[2]).toBe(`# entries-in-buffer/entries-written: ${entries}/${entries}   #P:2`);
      expect(entries).toBe(result.events * (stacks ? 2 : 1));
    }
  });

  it('writes the guest sidecars beside the trace: iomem.txt with the hmm_dmirror device range, uname.txt', () => {
    const { result } = generated('ftrace', false);
    expect(result.sidecars.map((p) => p.slice(dir.length + 1)).sort()).toEqual(['iomem.txt', 'uname.txt']);
    expect(readFileSync(join(dir, 'iomem.txt'), 'utf8')).toContain('fce0000000-fcefffffff : hmm_dmirror\n');
    expect(readFileSync(join(dir, 'uname.txt'), 'utf8')).toMatch(/^Linux \S+ 6\.1\.\d+ /);
  });
});

describe('generated lines have the layout of the real traces', () => {
  const have = haveSharedTraces();
  const real = (rel: string): string[] => readZst(join(sharedTracesDir(), rel)).split('\n').filter((l) => l !== '');
  const REAL: Record<Format, string> = { ftrace: 'guest/hmm_ctl_migrate/trace.txt.zst', 'trace-cmd': 'host/trace-cmd-report.txt.zst', perf: 'host/perf-script.txt.zst' };

  const misfits = (format: Format, lines: readonly string[], perfCallchains = false): string[] => {
    const events = lines.filter((l) => !isNonEventLine(format, l));
    const end = format === 'perf' && !perfCallchains ? perfEventEnd(events[0] ?? '') : undefined;
    return events.map((l) => (layoutProblem(format, l, { perfCallchains, perfEventEnd: end }) ? l : null)).filter((l): l is string => l !== null);
  };

  it.each(FORMATS)('%s: the layout check accepts the real file, and every generated line passes it', (format) => {
    if (!have) return;
    const realLines = real(REAL[format]);
    expect(misfits(format, realLines).length).toBeLessThanOrEqual(realLines.length * 0.001);
    expect(misfits(format, generated(format, false).lines).slice(0, 3)).toEqual([]);
  });

  it('perf -g: real and generated samples have tab-indented callchains ended by a blank line', () => {
    if (!have) return;
    const shape = (lines: readonly string[]): string[] => lines.slice(0, 400).map((l) => (l === '' ? 'blank' : l.startsWith('\t') ? 'frame' : 'sample'));
    const realG = readZst(join(sharedTracesDir(), 'host/perf-script-g.txt.zst')).split('\n');
    const gen = generated('perf', true).lines;
    for (const lines of [realG, gen]) {
      const s = shape(lines);
      s.forEach((kind, i) => { if (kind === 'sample' && i > 0) expect(s[i - 1]).toBe('blank'); });
      expect(misfits('perf', lines.slice(0, 400), true)).toEqual([]);
      expect(lines.filter((l) => l.startsWith('\t')).slice(0, 50).every((l) => /^\t *[0-9a-f]{5,16} \S+ \(\S+\)$/.test(l))).toBe(true);
    }
  });

  it('every task, flag string, gfp string and whole stack the generator prints occurs in the real guest captures', () => {
    if (!have) return;
    const plain = ['compact', 'pin', 'hmm_ctl_fault', 'zram'].map((d) => readZst(join(sharedTracesDir(), 'guest', d, 'trace.txt.zst'))).join('');
    for (const flags of Object.values(PAGE_FLAGS)) expect(plain).toContain(` flags=${flags} `);
    for (const gfp of Object.values(GFP)) expect(plain).toContain(` gfp_flags=${gfp}\n`);
    for (const t of TASKS) expect(plain).toMatch(new RegExp(`^ *${t.comm.replace('/', '\\/')}-\\d+ `, 'm'));
    const stacks = new Set<string>();
    for (const d of ['mixed_stack', 'hmm_stack', 'fsdax_stack']) {
      const text = readZst(join(sharedTracesDir(), 'guest', d, 'trace.txt.zst'));
      for (const m of text.matchAll(/<stack trace>\n((?: => .*\n)+)/g)) stacks.add(m[1]!);
    }
    for (const [name, frames] of Object.entries(STACKS)) {
      expect([name, stacks.has(frames.map((f) => ` => ${f}\n`).join(''))]).toEqual([name, true]);
    }
  });
});
