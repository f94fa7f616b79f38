import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunMeta } from '../meta-types.js';
import { RUN_FILES } from '../schema.js';
import { errorProblems, runCli } from './cli-run.js';
import { eventRows, EXIT, guestHead, hostileCases, hostLines, type AcceptedOutcome, type HostileCase } from './corpus.js';

const scratch = (): string => mkdtempSync(join(tmpdir(), 'pagetrace-hostile-'));
const readMetaOf = (runDir: string): RunMeta => JSON.parse(readFileSync(join(runDir, RUN_FILES.meta), 'utf8')) as RunMeta;

/** The identity of DESIGN.md: every line went somewhere. */
function accountingProblems(meta: RunMeta): string[] {
  const l = meta.lines;
  const sum = l.events + l.stack_lines + l.header_lines + l.markers + l.skipped;
  const bySum = Object.values(l.skipped_by_reason).reduce((s, r) => s + r.count, 0);
  return [
    ...(l.lines_in === sum ? [] : [`lines_in ${l.lines_in} != ${sum}`]),
    ...(bySum === l.skipped ? [] : [`skipped ${l.skipped} != sum by reason ${bySum}`]),
  ];
}

async function acceptedProblems(c: HostileCase, exp: AcceptedOutcome, runDir: string, stderr: string): Promise<string[]> {
  const meta = readMetaOf(runDir);
  const problems = accountingProblems(meta);
  if (stderr.trim() !== '') problems.push(`stderr not empty: ${stderr.slice(0, 300)}`);
  const reasons = Object.fromEntries(Object.entries(meta.lines.skipped_by_reason).map(([k, v]) => [k, { count: v.count, firstLine: v.first_lines[0] }]));
  if (JSON.stringify(reasons) !== JSON.stringify(exp.skipped)) problems.push(`skipped ${JSON.stringify(reasons)}, expected ${JSON.stringify(exp.skipped)}`);
  if (exp.events !== undefined && meta.lines.events !== exp.events) problems.push(`events ${meta.lines.events}, expected ${exp.events}`);
  const rows = await eventRows(runDir);
  if (rows.length !== meta.lines.events) problems.push(`events.arrow has ${rows.length} rows, meta says ${meta.lines.events}`);
  try { await exp.verify?.({ meta, runDir }); } catch (e) { problems.push((e as Error).message); }
  return problems.map((p) => `${c.name}: ${p}`);
}

describe('hostile input corpus (through the CLI)', () => {
  const cases = hostileCases();

  it('covers every kind of bad input of issue 6', () => {
    const names = cases.map((c) => c.name).join('|');
    for (const want of ['empty', 'PNG', 'ELF', 'JSON', 'trace.dat', 'perf.data', 'truncated', 'NUL', 'CRLF', '10 MB', 'inside', 'unknown', 'malformed',
      'negative', 'backwards', 'stack frame with no event', 'callchain at end', 'directory', 'missing', 'permission']) {
      expect(names).toContain(want);
    }
  });

  for (const c of cases) {
    it(`${c.name}: ${c.expect.outcome === 'error' ? `one-line error, exit ${c.expect.exitCode}` : 'accepted, every line accounted'}`, async () => {
      const why = c.unavailable?.() ?? null;
      if (why !== null) { console.warn(`NOTE: "${c.name}" not runnable here: ${why}`); return; }
      const dir = scratch();
      try {
        const input = c.build(dir);
        const runDir = join(dir, 'run');
        const r = runCli(['ingest', input.path, '-o', runDir]);
        if (c.expect.outcome === 'error') {
          expect(errorProblems(r, { ...c.expect, file: input.path })).toEqual([]);
          // A refused input leaves no run behind.
          expect(existsSync(join(runDir, RUN_FILES.meta))).toBe(false);
        } else {
          expect({ code: r.code, stderr: r.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
          expect(await acceptedProblems(c, c.expect, runDir, r.stderr)).toEqual([]);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('the same errors in --json mode are one JSON object with the exit code', () => {
    const dir = scratch();
    try {
      writeFileSync(join(dir, 'empty.txt'), '');
      const r = runCli(['ingest', join(dir, 'empty.txt'), '-o', join(dir, 'run'), '--json']);
      expect(r.code).toBe(EXIT.cannotRun);
      const err = JSON.parse(r.stdout) as { error: { message: string; exitCode: number } };
      expect(err.error.exitCode).toBe(EXIT.cannotRun);
      expect(err.error.message).toContain('empty.txt');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an output directory holding an older run: replaced completely, nothing of the old run left to mix in', () => {
    const dir = scratch();
    try {
      const runDir = join(dir, 'run');
      const older = join(dir, 'older.txt');
      const newer = join(dir, 'newer.txt');
      writeFileSync(older, `${guestHead(80).join('\n')}\n`);
      writeFileSync(newer, `${hostLines('perf-script').slice(0, 50).join('\n')}\n`);
      expect(runCli(['ingest', older, '-o', runDir]).code).toBe(EXIT.ok);
      const replayed = runCli(['replay', runDir]);
      if (replayed.code !== EXIT.ok) console.warn(`NOTE: replay of the older run failed (${replayed.stderr.trim()}): only ingest outputs checked`);
      // A temporary left by a run killed earlier.
      writeFileSync(join(runDir, `.pagetrace-tmp-${RUN_FILES.events}.999.deadbeef`), 'partial');

      const r = runCli(['ingest', newer, '-o', runDir]);
      expect(r.code).toBe(EXIT.ok);
      const meta = readMetaOf(runDir);
      expect(meta.source.path).toBe(newer);
      expect(meta.format.frontend).toBe('perf-script');
      expect(meta.lines.events).toBe(50);
      // Replay outputs of the older run describe other events: they are gone, not kept beside the new tables.
      const left = readdirSync(runDir).sort();
      expect(left).toEqual([RUN_FILES.events, RUN_FILES.meta, RUN_FILES.stacks].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
