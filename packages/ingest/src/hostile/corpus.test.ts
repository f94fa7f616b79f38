import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunMeta } from '../meta-types.js';
import { RUN_FILES } from '../schema.js';
import { errorProblems, runCli, UNPRIVILEGED } from './cli-run.js';
import { eventRows, EXIT, guestHead, guestPinLines, hostileCases, hostLines, type AcceptedOutcome, type HostileCase } from './corpus.js';

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
        const asNobody = c.unprivileged === true && process.getuid?.() === 0;
        // oclif keeps a data directory under HOME: give nobody a writable one.
        const r = runCli(['ingest', input.path, '-o', runDir], asNobody ? { HOME: dir } : {}, asNobody ? UNPRIVILEGED : undefined);
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

  // `check` (ingest + replay + report) is what most users run: the same inputs, the same one line.
  for (const c of cases) {
    const exp = c.expect;
    if (exp.outcome !== 'error' || c.unavailable?.() != null) continue;
    it(`check: ${c.name}: the same one-line error`, () => {
      const dir = scratch();
      try {
        const input = c.build(dir);
        const asNobody = c.unprivileged === true && process.getuid?.() === 0;
        const r = runCli(['check', input.path, '-o', join(dir, 'run')], asNobody ? { HOME: dir } : {}, asNobody ? UNPRIVILEGED : undefined);
        expect(errorProblems(r, { ...exp, file: input.path })).toEqual([]);
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

describe('a broken or foreign run directory (replay, report, query)', () => {
  /** A real run, then one file replaced by something that is not its table. */
  function brokenRun(file: string, content: string | Buffer): { dir: string; runDir: string } {
    const dir = scratch();
    const runDir = join(dir, 'run');
    writeFileSync(join(dir, 'trace.txt'), `${guestHead(30).join('\n')}\n`);
    expect(runCli(['ingest', join(dir, 'trace.txt'), '-o', runDir]).code).toBe(EXIT.ok);
    writeFileSync(join(runDir, file), content);
    return { dir, runDir };
  }
  const commands: Array<[string, (run: string) => string[]]> = [
    ['replay', (run) => ['replay', run]],
    ['report', (run) => ['report', run]],
    ['query', (run) => ['query', run, 'SELECT count(*) FROM events']],
  ];
  const damage: Array<[string, string, string | Buffer]> = [
    ['events.arrow overwritten by text', RUN_FILES.events, 'x\n42\n'],
    ['events.arrow cut in half', RUN_FILES.events, Buffer.alloc(0)],
    ['stacks.arrow holding a trace', RUN_FILES.stacks, `${guestHead(3).join('\n')}\n`],
  ];
  for (const [what, file, content] of damage) {
    for (const [name, args] of commands) {
      it(`${name} on a run whose ${what}: one-line error naming the file, exit 2`, () => {
        let bytes = content;
        const { dir, runDir } = brokenRun(file, Buffer.alloc(0));
        try {
          if (what.includes('cut in half')) {
            // A real table truncated: what a non-atomic writer would leave.
            const real = join(dir, 'whole');
            expect(runCli(['ingest', join(dir, 'trace.txt'), '-o', real]).code).toBe(EXIT.ok);
            const whole = readFileSync(join(real, file));
            bytes = whole.subarray(0, whole.length >> 1);
          }
          writeFileSync(join(runDir, file), bytes);
          const r = runCli(args(runDir));
          // Some commands never read the damaged table (report may not need stacks): then they must succeed cleanly.
          if (r.code === EXIT.ok && file !== RUN_FILES.events) { expect(r.stderr).toBe(''); return; }
          expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: join(runDir, file), message: /Arrow/ })).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  }
  for (const [name, args] of commands) {
    it(`${name} on a directory that is not a run: one-line error, exit 2`, () => {
      const dir = scratch();
      try {
        const r = runCli(args(dir));
        expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: dir, message: /not a run directory|no events\.arrow|meta\.json/ })).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('output locations that cannot hold a run', () => {
  const trace = (): string => {
    const dir = scratch();
    writeFileSync(join(dir, 'trace.txt'), `${guestHead(30).join('\n')}\n`);
    return join(dir, 'trace.txt');
  };

  // Node's own recursive mkdir spins forever here (procfs answers ENOENT for any child).
  for (const out of ['/proc/pagetrace-nope', '/proc/pagetrace-nope/a/b']) {
    it(`-o ${out}: one-line error, no hang`, () => {
      const r = runCli(['ingest', trace(), '-o', out]);
      expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: out, message: /cannot create the run directory \(ENOENT\)/ })).toEqual([]);
    });
  }

  it('-o below a regular file: one-line error', () => {
    const input = trace();
    const out = join(input, 'run');
    const r = runCli(['ingest', input, '-o', out]);
    expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: out, message: /cannot create the run directory \(ENOTDIR\)/ })).toEqual([]);
  });

  it('a full disk: one-line error naming the table, no partial file left', () => {
    const mnt = scratch();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt]).status === 0;
    if (!mounted) {
      if (process.env.CI) throw new Error('CI runs as root: mounting a small tmpfs must work');
      console.warn('NOTE: cannot mount a small tmpfs here (not root): full-disk case not run');
      return;
    }
    try {
      const input = join(scratch(), 'pin.txt');
      writeFileSync(input, guestPinLines().join('\n'));
      const r = runCli(['ingest', input, '-o', join(mnt, 'run')]);
      expect(errorProblems(r, { exitCode: EXIT.cannotRun, file: join(mnt, 'run'), message: /cannot write \(ENOSPC\)/ })).toEqual([]);
      expect(readdirSync(join(mnt, 'run'))).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });
});
