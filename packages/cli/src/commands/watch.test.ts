import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestTrace, RUN_FILES } from '@pagetrace/ingest';
import { canRecordHere, instanceExists, locateTracefs, readSidecar, WATCH_TRACE_FILE, WORKLOADS } from '@pagetrace/ingest/capture';
import { haveSharedTraces, repoRoot, sharedTracesDir } from '@pagetrace/ingest/testing';
import { Mutator } from '@pagetrace/replay/testing';

const BIN = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('pagetrace watch --input FIFO', () => {
  it('reports an injected double put while the stream is still open, then leaves a complete run directory', async () => {
    if (!haveSharedTraces()) return;
    // A real 6.1 capture (compaction with page_ref events) with one put_page duplicated.
    const mutation = Mutator.fromFile(join(sharedTracesDir(), 'guest', 'compact', 'trace.txt.zst')).duplicatePut(0);
    if (mutation === null) throw new Error('the compact capture has no page whose put can be duplicated');
    const lines = mutation.text.split('\n');
    expect(mutation.line).toBeLessThan(lines.length / 10); // early, so "before the end" means something

    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-watch-'));
    try {
      const fifo = join(dir, 'live.fifo');
      execFileSync('mkfifo', [fifo]);
      const runDir = join(dir, 'run');
      const child = spawn(process.execPath, [BIN(), 'watch', '--input', fifo, '-o', runDir], { stdio: ['ignore', 'pipe', 'pipe'] });
      const reports: Array<{ text: string; at: number }> = [];
      let stdoutRest = '';
      child.stdout.on('data', (d: Buffer) => {
        const parts = (stdoutRest + d.toString()).split('\n');
        stdoutRest = parts.pop() ?? '';
        for (const text of parts) reports.push({ text, at: Date.now() });
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));

      const expected = (r: { text: string }): boolean =>
        r.text.startsWith('ERROR ') && r.text.includes(`pfn=0x${mutation.pfn.toString(16)} `) && r.text.includes(`line=${mutation.line} `);
      // Slowly: 500 lines every 50 ms for the first 20000 lines (the mutation is near the start).
      const writer = createWriteStream(fifo);
      // EPIPE means watch stopped reading early: fail with what it said.
      writer.on('error', () => undefined);
      const write = (chunk: string): Promise<void> => new Promise((resolve, reject) =>
        writer.write(chunk, (e) => (e ? reject(new Error(`watch stopped reading (${e.message}); stderr: ${stderr}`)) : resolve())));
      const SLOW = 20_000;
      for (let i = 0; i < Math.min(SLOW, lines.length); i += 500) {
        await write(`${lines.slice(i, Math.min(i + 500, SLOW)).join('\n')}\n`);
        await sleep(50);
      }
      // Keep the stream open (no more input) until the report arrives: it must come from the
      // live pass, not from the end of the stream.
      const until = Date.now() + 120_000;
      while (!reports.some(expected) && child.exitCode === null && Date.now() < until) await sleep(100);
      const reportedWhileOpen = reports.some(expected);
      for (let i = SLOW; i < lines.length; i += 20_000) {
        const end = Math.min(i + 20_000, lines.length);
        await write(lines.slice(i, end).join('\n') + (end < lines.length ? '\n' : ''));
      }
      const closedAt = Date.now();
      await new Promise<void>((resolve) => writer.end(resolve));
      const code = await exited;

      expect(reportedWhileOpen).toBe(true);
      const hit = reports.find(expected);
      expect(hit).toBeDefined();
      expect((hit as { at: number }).at).toBeLessThan(closedAt);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(code).toBe(1); // errors found
      for (const f of Object.values(RUN_FILES)) expect(existsSync(join(runDir, f))).toBe(true);
      const summary = JSON.parse(readFileSync(join(runDir, RUN_FILES.replay), 'utf8')) as { totals: { by_severity: { error: number } } };
      expect(summary.totals.by_severity.error).toBeGreaterThanOrEqual(1);
      const meta = JSON.parse(readFileSync(join(runDir, RUN_FILES.meta), 'utf8')) as { lines: { lines_in: number } };
      const linesInText = lines.length - (mutation.text.endsWith('\n') ? 1 : 0);
      expect(meta.lines.lines_in).toBe(linesInText); // every line went through
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

interface Finished { code: number | null; stdout: string; stderr: string }

function runWatch(args: string[], whileRunning?: (pid: number) => Promise<void>): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN(), 'watch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (whileRunning !== undefined && child.pid !== undefined) whileRunning(child.pid).catch(reject);
  });
}

/** A run directory `watch` leaves after live recording: tables, the kept trace and its sidecar. */
async function expectLiveRunDir(runDir: string): Promise<void> {
  for (const f of Object.values(RUN_FILES)) expect(existsSync(join(runDir, f))).toBe(true);
  const trace = join(runDir, WATCH_TRACE_FILE);
  const sidecar = await readSidecar(trace);
  expect(sidecar).not.toBeNull();
  const s = sidecar as NonNullable<typeof sidecar>;
  expect(instanceExists(s.tracefs.root, s.tracefs.instance)).toBe(false);
  const meta = JSON.parse(readFileSync(join(runDir, RUN_FILES.meta), 'utf8')) as { source: { path: string; size: number }; kernel: { release: string } | null };
  // The tables are those of the kept trace, with the machine facts of its sidecar.
  expect(meta.source.path).toBe(trace);
  expect(meta.source.size).toBe(readFileSync(trace).length);
  expect(meta.kernel?.release).toBe(s.uname_r);
}

describe('pagetrace watch --input -', () => {
  it('reads standard input to the end and leaves a complete, clean run directory', async () => {
    if (!haveSharedTraces()) return;
    const text = Mutator.fromFile(join(sharedTracesDir(), 'guest', 'thp', 'trace.txt.zst')).trace.render().text;
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-watch-stdin-'));
    try {
      const runDir = join(dir, 'run');
      const child = spawn(process.execPath, [BIN(), 'watch', '--input', '-', '-o', runDir], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stdin.end(text);
      expect(await exited).toBe(0); // a clean real capture: no error
      expect(stdout).not.toMatch(/^ERROR /m);
      for (const f of Object.values(RUN_FILES)) expect(existsSync(join(runDir, f))).toBe(true);
      const meta = JSON.parse(readFileSync(join(runDir, RUN_FILES.meta), 'utf8')) as { lines: { lines_in: number } };
      expect(meta.lines.lines_in).toBe(text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pagetrace watch (live recording, real tracefs)', () => {
  it('records a workload, replays it live and leaves a complete run directory', async () => {
    if (!(await canRecordHere())) return;
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-watch-live-'));
    try {
      const runDir = join(dir, 'run');
      const r = await runWatch(['-o', runDir, '--', ...WORKLOADS.mmapMunmap]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(0); // a correct kernel: no error anomaly
      expect(r.stdout).not.toMatch(/^ERROR /m);
      await expectLiveRunDir(runDir);
      expect(readFileSync(join(runDir, WATCH_TRACE_FILE), 'utf8')).toMatch(/ mm_page_alloc: /);
      // Same tables, byte for byte, as ingesting the kept trace by hand.
      const again = join(dir, 'again');
      await ingestTrace({ input: join(runDir, WATCH_TRACE_FILE), outDir: again });
      for (const f of [RUN_FILES.events, RUN_FILES.stacks]) expect(readFileSync(join(again, f)).equals(readFileSync(join(runDir, f)))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('on SIGINT stops the command and still leaves a complete run directory', async () => {
    if (!(await canRecordHere())) return;
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-watch-int-'));
    try {
      const runDir = join(dir, 'run');
      const { root } = await locateTracefs();
      const started = Date.now();
      const r = await runWatch(['-o', runDir, '--preset', 'alloc', '--', 'sleep', '60'], async (pid) => {
        const until = Date.now() + 20_000;
        // Interrupt once recording is under way (its instance exists).
        while (!instanceExists(root, `pagetrace-${pid}`) && Date.now() < until) await sleep(50);
        await sleep(1000);
        process.kill(pid, 'SIGINT');
      });
      expect(Date.now() - started).toBeLessThan(40_000);
      expect(r.code).toBe(130); // the command's status: sleep died of SIGINT
      await expectLiveRunDir(runDir);
      const s = await readSidecar(join(runDir, WATCH_TRACE_FILE));
      expect(s?.exit.interrupted_by).toBe('SIGINT');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
