/**
 * Finding (and if needed mounting) tracefs. Modern kernels expose it at /sys/kernel/tracing;
 * older setups only through debugfs at /sys/kernel/debug/tracing. A fresh machine may have
 * neither mounted, so `record` mounts tracefs itself (as root) and says so.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PagetraceError } from '../errors.js';

const execFileAsync = promisify(execFile);

export const TRACEFS_MOUNTPOINT = '/sys/kernel/tracing';
export const DEBUGFS_TRACING = '/sys/kernel/debug/tracing';

export interface TracefsLocation {
  root: string;
  /** True when this process mounted it (it is left mounted: other tracers may now use it). */
  mountedByUs: boolean;
}

function permissionDenied(dir: string): boolean {
  try {
    accessSync(dir, constants.R_OK | constants.X_OK);
    return false;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' || code === 'EPERM';
  }
}

/** A tracefs root has the instances directory (instances need it) and a trace_pipe. */
export function isTracefsRoot(dir: string): boolean {
  return existsSync(join(dir, 'instances')) && existsSync(join(dir, 'trace_pipe'));
}

async function tryMount(args: string[]): Promise<string | null> {
  try {
    await execFileAsync('mount', args);
    return null;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    return (err.stderr ?? err.message).trim().split('\n')[0] ?? 'mount failed';
  }
}

/**
 * The tracefs root to use: PAGETRACE_TRACEFS if set, an already mounted one, or one mounted
 * now (tracefs at /sys/kernel/tracing, else debugfs whose tracing/ dir automounts tracefs).
 */
export async function locateTracefs(opts: { mount?: boolean; onNotice?: (msg: string) => void } = {}): Promise<TracefsLocation> {
  const override = process.env.PAGETRACE_TRACEFS;
  if (override !== undefined && override !== '') {
    if (!isTracefsRoot(override)) throw new PagetraceError(`PAGETRACE_TRACEFS=${override} is not a tracefs root (no instances/ or trace_pipe)`);
    return { root: override, mountedByUs: false };
  }
  for (const dir of [TRACEFS_MOUNTPOINT, DEBUGFS_TRACING]) {
    if (isTracefsRoot(dir)) return { root: dir, mountedByUs: false };
  }
  // tracefs is mode 700: to anyone but root it looks absent. Say what is really wrong.
  if (permissionDenied(TRACEFS_MOUNTPOINT)) {
    throw new PagetraceError(`cannot access ${TRACEFS_MOUNTPOINT} (permission denied): record and watch need root`);
  }
  if (opts.mount === false) throw new PagetraceError(`tracefs is not mounted (looked at ${TRACEFS_MOUNTPOINT} and ${DEBUGFS_TRACING})`);
  const tracefsErr = await tryMount(['-t', 'tracefs', 'nodev', TRACEFS_MOUNTPOINT]);
  if (tracefsErr === null && isTracefsRoot(TRACEFS_MOUNTPOINT)) {
    opts.onNotice?.(`mounted tracefs at ${TRACEFS_MOUNTPOINT} (it was not mounted; left mounted)`);
    return { root: TRACEFS_MOUNTPOINT, mountedByUs: true };
  }
  const debugfsErr = await tryMount(['-t', 'debugfs', 'nodev', '/sys/kernel/debug']);
  if (debugfsErr === null && isTracefsRoot(DEBUGFS_TRACING)) {
    opts.onNotice?.(`mounted debugfs at /sys/kernel/debug to reach ${DEBUGFS_TRACING} (left mounted)`);
    return { root: DEBUGFS_TRACING, mountedByUs: true };
  }
  throw new PagetraceError(
    `tracefs is not mounted and mounting it failed (${tracefsErr ?? debugfsErr ?? 'no tracing directory after mount'}); ` +
      `record needs root and a kernel with CONFIG_TRACING`,
  );
}

/** Whether this process may create tracefs instances (root, writable tracefs). */
export async function canWriteTracefs(root: string): Promise<boolean> {
  try {
    await access(join(root, 'instances'), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why recording cannot run here, or null when it can. Used by tests and `record` itself to
 * give one clear reason (not root, no tracefs, read-only) instead of a raw EACCES.
 */
export async function tracefsUnavailableReason(): Promise<string | null> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0 && process.env.PAGETRACE_TRACEFS === undefined) {
    return 'not running as root';
  }
  let loc: TracefsLocation;
  try {
    loc = await locateTracefs({ mount: true });
  } catch (e) {
    return (e as Error).message;
  }
  if (!(await canWriteTracefs(loc.root))) return `${loc.root}/instances is not writable`;
  return null;
}
