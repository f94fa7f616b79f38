/**
 * Shared by the capture tests (here and in the CLI): whether real tracefs recording can run,
 * and small real workloads. Not part of the public API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { tracefsUnavailableReason } from './tracefs.js';

/**
 * True when recording can run here. Where it cannot, says why and lets the test skip —
 * except under CI=true, where the machine is root with tracefs and a skip would hide a failure.
 */
export async function canRecordHere(): Promise<boolean> {
  const reason = await tracefsUnavailableReason();
  if (reason === null) return true;
  if (process.env.CI) throw new Error(`tracefs recording must work in CI but cannot: ${reason}`);
  console.warn(`NOTE: tracefs recording is not possible here (${reason}); recording tests skipped`);
  return false;
}

export function instanceExists(root: string, name: string): boolean {
  return existsSync(join(root, 'instances', name));
}

const PY = 'python3';

/** Small real workloads, each a command line (python3 is on every machine of this kind). */
export const WORKLOADS = {
  /** 16 MB anonymous mapping, every page touched, then munmap. */
  mmapMunmap: [PY, '-c', 'import mmap\nm = mmap.mmap(-1, 16 << 20)\nfor i in range(0, 16 << 20, 4096): m[i] = 1\nm.close()\n'],
  /** Write a file, read it back through the page cache, then evict it with fadvise(DONTNEED). */
  readThenFadvise: (file: string): string[] => [
    PY, '-c',
    [
      'import os, sys',
      'p = sys.argv[1]',
      'with open(p, "wb") as f:',
      '    f.write(os.urandom(8 << 20)); f.flush(); os.fsync(f.fileno())',
      'fd = os.open(p, os.O_RDONLY)',
      'while os.read(fd, 1 << 20): pass',
      'os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)',
      'os.close(fd)',
    ].join('\n'),
    file,
  ],
  /** O_DIRECT read of an existing file: the user buffer is GUP-pinned for the I/O. */
  directRead: (file: string): string[] => ['dd', `if=${file}`, 'of=/dev/null', 'bs=64k', 'iflag=direct', 'status=none'],
  /** Compact every zone (system-wide, like the shared host captures' `compact` step). */
  compactMemory: ['sh', '-c', 'echo 1 > /proc/sys/vm/compact_memory'],
};
