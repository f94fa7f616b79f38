import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRecordHere, instanceExists, locateTracefs, readSidecar, WORKLOADS, type RecordSidecar } from '@pagetrace/ingest/capture';
import { repoRoot } from '@pagetrace/ingest/testing';


const BIN = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Run {
  code: number | null;
  stderr: string;
}

/** Run the real CLI; `whileRunning` gets the child pid (to signal it). */
function pagetrace(args: string[], whileRunning?: (pid: number) => Promise<void>): Promise<Run & { stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
    if (whileRunning !== undefined && child.pid !== undefined) whileRunning(child.pid).catch(reject);
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await sleep(50);
  }
}

async function sidecarOf(trace: string): Promise<RecordSidecar> {
  const s = await readSidecar(trace);
  if (s === null) throw new Error(`no sidecar for ${trace}`);
  return s;
}

interface CheckJson {
  verdict: string;
  exit_code: number;
  counts: { error: number; warning: number; info: number };
  data_quality: { events: number; lost_events: number };
}

/** record around a real workload, then `check` it: a correct kernel must give zero errors. */
async function recordAndCheck(dir: string, name: string, recordArgs: string[], command: string[]): Promise<{ sidecar: RecordSidecar; check: CheckJson }> {
  const trace = join(dir, `${name}.trace`);
  const rec = await pagetrace(['record', '-o', trace, ...recordArgs, '--', ...command]);
  expect(rec.code).toBe(0);
  const sidecar = await sidecarOf(trace);
  expect(instanceExists(sidecar.tracefs.root, sidecar.tracefs.instance)).toBe(false);
  const chk = await pagetrace(['check', trace, '-o', join(dir, `${name}.run`), '--json']);
  const check = JSON.parse(chk.stdout) as CheckJson;
  expect(check.data_quality.events).toBeGreaterThan(0);
  return { sidecar, check };
}

describe('pagetrace record + check on real workloads (CLI, real tracefs)', () => {
  const cases: Array<[string, string[], (dir: string) => string[]]> = [
    ['mmap-munmap', [], () => WORKLOADS.mmapMunmap],
    ['read-fadvise', [], (dir) => WORKLOADS.readThenFadvise(join(dir, 'data'))],
    ['o-direct', ['--stacktrace'], (dir) => {
      writeFileSync(join(dir, 'direct'), Buffer.alloc(4 << 20, 1));
      return WORKLOADS.directRead(join(dir, 'direct'));
    }],
    ['compaction', ['--preset', 'migration'], () => WORKLOADS.compactMemory],
  ];
  for (const [name, args, command] of cases) {
    it(`${name}: captured, sidecar complete, check finds zero errors`, async () => {
      if (!(await canRecordHere())) return;
      const dir = mkdtempSync(join(tmpdir(), `pagetrace-cli-${name}-`));
      try {
        const { sidecar, check } = await recordAndCheck(dir, name, args, command(dir));
        expect(sidecar.uname_r.length).toBeGreaterThan(0);
        expect(sidecar.zones.length).toBeGreaterThan(0);
        expect(sidecar.per_cpu.length).toBeGreaterThan(0);
        expect(check.counts.error).toBe(0);
        expect(check.exit_code).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('pagetrace record (CLI, real tracefs)', () => {
  it('on SIGINT to record alone: stops the command, drains, writes the sidecar, removes the instance, exits 130', async () => {
    if (!(await canRecordHere())) return;
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-cli-record-'));
    try {
      const trace = join(dir, 'int.trace');
      let instance = '';
      const started = Date.now();
      const run = await pagetrace(['record', '-o', trace, '--preset', 'alloc', '--', 'sleep', '60'], async (pid) => {
        // The instance appears once tracing is being set up; give it a moment to start the command.
        const { root } = await locateTracefs();
        await waitFor(() => instanceExists(root, `pagetrace-${pid}`), 20_000);
        instance = join(root, 'instances', `pagetrace-${pid}`);
        await sleep(500);
        process.kill(pid, 'SIGINT');
      });
      expect(Date.now() - started).toBeLessThan(30_000); // not the 60 s of sleep
      expect(run.code).toBe(130);
      expect(instance).not.toBe('');
      expect(existsSync(instance)).toBe(false);
      const s = await sidecarOf(trace);
      expect(s.exit).toEqual({ code: 130, signal: 'SIGINT', interrupted_by: 'SIGINT' });
      expect(s.command).toEqual(['sleep', '60']);
      const text = readFileSync(trace, 'utf8');
      expect(text).toMatch(/pagetrace: record begin/);
      expect(text).toMatch(/pagetrace: record end status=130/);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with the command\'s status, keeps the command words verbatim, and cleans up', async () => {
    if (!(await canRecordHere())) return;
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-cli-record-'));
    try {
      const trace = join(dir, 'x');
      // "x" repeats the -o value: oclif would reorder such argv; record must not.
      const run = await pagetrace(['record', '-o', trace, '--events', 'kmem:mm_page_alloc', '--', 'sh', '-c', 'exit 5', 'x']);
      expect(run.code).toBe(5);
      const s = await sidecarOf(trace);
      expect(s.command).toEqual(['sh', '-c', 'exit 5', 'x']);
      expect(s.options.preset).toBeNull();
      expect(s.events.enabled).toEqual(['kmem:mm_page_alloc']);
      expect(instanceExists(s.tracefs.root, s.tracefs.instance)).toBe(false);
      expect(run.stderr).toMatch(/command exit status 5/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with one line and exit status 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-cli-record-'));
    try {
      const bad = await pagetrace(['record', '-o', join(dir, 't'), '--pfn', '0x10-0x5', '--', 'true']);
      expect(bad.code).toBe(2);
      expect(bad.stderr.trim().split('\n')).toEqual(['pagetrace: bad --pfn "0x10-0x5": END must be greater than START']);
      if (!(await canRecordHere())) return;
      const none = await pagetrace(['record', '-o', join(dir, 't'), '--events', 'nosuchsystem:*', '--', 'true']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/none of the requested events exist on this kernel/);
      expect(existsSync(join(dir, 't'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
