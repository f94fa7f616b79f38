/**
 * Atomic outputs: every table and JSON file of a run directory is written to a temporary
 * name in the same directory and renamed into place only when complete, so an interrupted
 * run (even SIGKILL) leaves either the previous complete file or the new complete one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isPagetraceError, PagetraceError } from '../errors.js';

const TMP_MARK = '.pagetrace-tmp-';

export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `${TMP_MARK}${basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/** Write via `produce(tmpPath)`, fsync, then rename over `finalPath`. */
export async function writeAtomically(finalPath: string, produce: (tmpPath: string) => Promise<void>): Promise<void> {
  await makeDirectory(dirname(finalPath)).catch((e: unknown) => { throw asUserError(e, dirname(finalPath), 'cannot create the directory'); });
  const tmp = tempPathFor(finalPath);
  try {
    await produce(tmp);
    const fh = await open(tmp, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, finalPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw asUserError(e, finalPath, 'cannot write');
  }
}

/** A file-system refusal (full disk, read-only, permission) is the user's to fix: one line naming the file. */
function asUserError(e: unknown, path: string, what: string): unknown {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (isPagetraceError(e) || typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return e;
  return new PagetraceError(`${what} (${code})`, { file: path });
}

/**
 * `mkdir -p` that always ends. Node's own `{ recursive: true }` spins forever where a parent
 * exists but cannot hold children and mkdir says ENOENT (under /proc, a dangling symlink:
 * nodejs/node procfs behaviour), which turned `-o /proc/x` into a hang. Each level is tried
 * once after its parent exists; a second ENOENT is final.
 */
export async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw e;
    }
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
    await makeDirectory(dirname(dir));
    try { await mkdir(dir); } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
      throw again;
    }
  }
}

export async function writeFileAtomic(finalPath: string, data: string | Uint8Array): Promise<void> {
  await writeAtomically(finalPath, async (tmp) => {
    const fh = await open(tmp, 'w');
    try { await fh.writeFile(data); } finally { await fh.close(); }
  });
}

/** Remove temporaries left by an interrupted earlier run (never a complete file). */
export async function removeStaleTemporaries(dir: string): Promise<void> {
  let names: string[];
  try { names = await readdir(dir); } catch { return; }
  await Promise.all(names.filter((n) => n.startsWith(TMP_MARK)).map((n) => rm(join(dir, n), { force: true })));
}
