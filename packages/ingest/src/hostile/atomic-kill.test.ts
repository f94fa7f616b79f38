/**
 * Atomic outputs under SIGKILL: `pagetrace ingest`, `replay` and `report` (the built CLI as
 * child processes) are killed at seeded random moments while replacing an older run. The
 * run directory must then hold, file by file, the complete previous version or the complete
 * new one — every .arrow readable and byte-equal to one of them — and never a partial file
 * under a table's name. Temporaries a kill leaves behind carry another name and are removed
 * by the next run.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { RUN_FILES } from '../schema.js';
import { fixture, readTraceBytes, repoRoot } from '../testing/paths.js';

const BIN = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');
const REPORT = 'report.html';
const TABLES = [RUN_FILES.events, RUN_FILES.stacks, RUN_FILES.anomalies, RUN_FILES.pages] as const;
const JSONS = [RUN_FILES.meta, RUN_FILES.replay] as const;
const ALL = [...TABLES, ...JSONS, REPORT];

function cli(args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN(), ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stderr: r.stderr };
}

/** Run to completion; the command must work for the test to mean anything. */
function mustRun(args: string[]): void {
  const r = cli(args);
  if (r.code !== 0) throw new Error(`pagetrace ${args.join(' ')} failed (${String(r.code)}): ${r.stderr}`);
}

type Snapshot = Map<string, Buffer>;

function snapshot(dir: string): Snapshot {
  const s: Snapshot = new Map();
  for (const f of ALL) if (existsSync(join(dir, f))) s.set(f, readFileSync(join(dir, f)));
  return s;
}

function restore(dir: string, s: Snapshot): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [f, b] of s) writeFileSync(join(dir, f), b);
}

/** JSON without the fields that legitimately differ between two runs of the same input. */
function stable(b: Buffer): string {
  return JSON.stringify(JSON.parse(b.toString('utf8')), (k, v: unknown) => (k === 'timings' || k === 'seconds' || k === 'generated_at' ? undefined : v));
}

/** Every problem with one output file after a kill. */
function fileProblems(f: string, dir: string, older: Snapshot, newer: Snapshot): string[] {
  const path = join(dir, f);
  if (!existsSync(path)) return [];
  const now = readFileSync(path);
  const candidates = [older.get(f), newer.get(f)].filter((b): b is Buffer => b !== undefined);
  if (f.endsWith('.arrow')) {
    try { tableFromIPC(now); } catch (e) { return [`${f}: unreadable Arrow file (${(e as Error).message})`]; }
    return candidates.some((c) => c.equals(now)) ? [] : [`${f}: readable but equal to neither the previous nor the new table`];
  }
  if (f.endsWith('.json')) {
    let s: string;
    try { s = stable(now); } catch { return [`${f}: not complete JSON`]; }
    return candidates.some((c) => stable(c) === s) ? [] : [`${f}: equal to neither version`];
  }
  // report.html: complete means the whole document.
  return now.toString('utf8').trimEnd().endsWith('</html>') ? [] : [`${f}: truncated HTML`];
}

/** xorshift: the kill moments are random but the same on every run. */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 0x100000000; };
}

async function killAfter(args: string[], ms: number): Promise<{ killed: boolean; code: number | null }> {
  const child = spawn(process.execPath, [BIN(), ...args], { stdio: 'ignore' });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const { code, signal } = await closed;
  clearTimeout(timer);
  return { killed: signal === 'SIGKILL', code };
}

/** How long the command takes, so kill moments spread over all of it (startup, parse, write). */
function durationMs(args: string[]): number {
  const t = Date.now();
  mustRun(args);
  return Date.now() - t;
}

describe('outputs survive SIGKILL at random moments', () => {
  const work = mkdtempSync(join(tmpdir(), 'pagetrace-kill-'));
  const older = join(work, 'older.txt');
  const newer = join(work, 'newer.txt');
  writeFileSync(older, readTraceBytes(fixture('guest-6.1', 'pin', 'trace.txt.zst')));
  writeFileSync(newer, readTraceBytes(fixture('guest-6.1', 'compact', 'trace.txt.zst')));
  const TRIALS = Number(process.env.PAGETRACE_KILL_TRIALS ?? 8);

  /** A complete run of `input` (ingest, replay, report) as reference files. */
  function completeRun(input: string, name: string): Snapshot {
    const dir = join(work, name);
    mustRun(['ingest', input, '-o', dir, '--workers', '1']);
    mustRun(['replay', dir]);
    mustRun(['report', dir]);
    return snapshot(dir);
  }

  async function trials(command: string, seed: number, setup: () => Snapshot, args: (dir: string) => string[],
    older: Snapshot, newer: Snapshot, consistent: (dir: string) => string[]): Promise<void> {
    const dir = join(work, `${command}-target`);
    // The fastest of three complete runs: one slow reference run (a busy machine) would put
    // most kill moments after the command has already finished.
    const full = Math.min(...[0, 1, 2].map(() => { restore(dir, setup()); return durationMs(args(dir)); }));
    const random = rng(seed);
    let killed = 0;
    const problems: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      restore(dir, setup());
      const at = Math.floor(random() * full);
      const r = await killAfter(args(dir), at);
      if (r.killed) killed++;
      for (const f of ALL) problems.push(...fileProblems(f, dir, older, newer).map((p) => `${command} killed at ${at} ms: ${p}`));
      problems.push(...consistent(dir).map((p) => `${command} killed at ${at} ms: ${p}`));
      // Leftover temporaries never carry a table's name, and the next run clears them.
      for (const n of readdirSync(dir)) if (!ALL.includes(n) && !n.startsWith('.pagetrace-tmp-')) problems.push(`${command}: unexpected file ${n}`);
      mustRun(args(dir));
      const leftovers = readdirSync(dir).filter((n) => n.startsWith('.pagetrace-tmp-') && !n.startsWith(`.pagetrace-tmp-${REPORT}`));
      if (leftovers.length > 0 && command === 'ingest') problems.push(`ingest left temporaries after a complete run: ${leftovers.join(', ')}`);
    }
    expect(problems).toEqual([]);
    // The seeded moments must really interrupt the command, or nothing was tested.
    expect(killed).toBeGreaterThan(TRIALS / 2);
  }

  it('ingest replacing an older run (events, stacks, meta.json; older replay outputs retired)', async () => {
    const a = completeRun(older, 'ref-a');
    const b = completeRun(newer, 'ref-b');
    await trials('ingest', 0x1234567, () => a, (d) => ['ingest', newer, '-o', d, '--workers', '2'], a, b, (dir) => {
      // meta.json is written last: present and new means the tables are the new ones too.
      const meta = existsSync(join(dir, RUN_FILES.meta)) ? readFileSync(join(dir, RUN_FILES.meta)) : null;
      const newMeta = b.get(RUN_FILES.meta);
      if (meta === null || newMeta === undefined || stable(meta) !== stable(newMeta)) return [];
      return [RUN_FILES.events, RUN_FILES.stacks].filter((f) => !readFileSync(join(dir, f)).equals(b.get(f) as Buffer)).map((f) => `new meta.json beside an old ${f}`);
    });
  });

  it('replay replacing older anomalies/pages', async () => {
    const a = completeRun(older, 'ref-a2');
    const b = completeRun(newer, 'ref-b2');
    // B's ingest tables beside A's replay outputs: replay must replace them atomically.
    const setup = (): Snapshot => new Map([...a].map(([f, buf]) => [f, [RUN_FILES.events, RUN_FILES.stacks, RUN_FILES.meta].includes(f as never) ? b.get(f) as Buffer : buf]));
    await trials('replay', 0x2345671, setup, (d) => ['replay', d], a, b, (dir) => {
      // replay.json is removed first and written last: present means anomalies and pages of the same replay.
      const replay = existsSync(join(dir, RUN_FILES.replay)) ? readFileSync(join(dir, RUN_FILES.replay)) : null;
      if (replay === null) return [];
      const version = [a, b].find((v) => stable(v.get(RUN_FILES.replay) as Buffer) === stable(replay));
      if (version === undefined) return ['replay.json of neither replay'];
      return [RUN_FILES.anomalies, RUN_FILES.pages].filter((f) => !readFileSync(join(dir, f)).equals(version.get(f) as Buffer)).map((f) => `replay.json beside an ${f} of the other replay`);
    });
  });

  it('report replacing an older report.html', async () => {
    const a = completeRun(older, 'ref-a3');
    const b = completeRun(newer, 'ref-b3');
    const setup = (): Snapshot => new Map([...b].map(([f, buf]) => [f, f === REPORT ? a.get(f) as Buffer : buf]));
    await trials('report', 0x3456712, setup, (d) => ['report', d], a, b, () => []);
  });

  it('cleans up', () => {
    rmSync(work, { recursive: true, force: true });
    expect(existsSync(work)).toBe(false);
  });
});

