/**
 * Running the built CLI (`node packages/cli/bin/run.js`) as a user would, for the hostile
 * tests: exit code, stdout, stderr, and the checks every error must pass.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../testing/paths.js';

export const cliBin = (): string => join(repoRoot(), 'packages', 'cli', 'bin', 'run.js');

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** A user that root's permission bypass does not apply to (nobody), for permission cases. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 };

export function runCli(args: readonly string[], env: Record<string, string> = {}, as?: { uid: number; gid: number }): CliResult {
  const r = spawnSync(process.execPath, [cliBin(), ...args], {
    encoding: 'utf8', env: { ...process.env, ...env, PAGETRACE_DEBUG: '' }, maxBuffer: 64 << 20, timeout: 120_000, ...as,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI fed from a generator on stdin (large inputs are never held in memory). */
export async function runCliWithStdin(args: readonly string[], feed: AsyncIterable<Uint8Array>, env: Record<string, string> = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [cliBin(), ...args], { env: { ...process.env, ...env, PAGETRACE_DEBUG: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  // The child may stop reading (its error) long before the feed ends: EPIPE is expected then.
  child.stdin.on('error', () => undefined);
  let exited = false;
  void closed.then(() => { exited = true; });
  for await (const chunk of feed) {
    if (exited || child.stdin.destroyed) break;
    if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => { child.stdin.once('drain', resolve); child.once('close', resolve); });
  }
  child.stdin.end();
  const { code, signal } = await closed;
  return { code, signal, stdout, stderr };
}

/**
 * What every user-facing error must look like: exactly one line on stderr, naming the file
 * (and `file:line:` when given), no stack trace, no "internal error", the documented code.
 */
export function errorProblems(r: CliResult, opts: { exitCode: number; file: string; line?: number; message: RegExp }): string[] {
  const problems: string[] = [];
  if (r.code !== opts.exitCode) problems.push(`exit code ${String(r.code)} (signal ${String(r.signal)}), expected ${opts.exitCode}`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) problems.push(`stderr has ${lines.length} lines, expected 1: ${JSON.stringify(r.stderr.slice(0, 500))}`);
  const line = lines[0] ?? '';
  if (!line.startsWith('pagetrace: ')) problems.push(`stderr does not start with "pagetrace: ": ${line}`);
  if (!line.includes(opts.file)) problems.push(`stderr does not name ${opts.file}: ${line}`);
  if (opts.line !== undefined && !line.includes(`${opts.file}:${opts.line}: `)) problems.push(`stderr does not name ${opts.file}:${opts.line}: ${line}`);
  if (!opts.message.test(line)) problems.push(`stderr does not match ${String(opts.message)}: ${line}`);
  if (/internal error|\n\s+at |\bat .+:\d+:\d+\)?$/.test(r.stderr)) problems.push(`stderr looks like a crash: ${line}`);
  return problems;
}
