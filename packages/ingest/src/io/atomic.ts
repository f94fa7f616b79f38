/**
 * Atomic outputs: every table and JSON file of a run directory is written to a temporary
 * name in the same directory and renamed into place only when complete, so an interrupted
 * run (even SIGKILL) leaves either the previous complete file or the new complete one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TMP_MARK = '.pagetrace-tmp-';

export function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `${TMP_MARK}${basename(finalPath)}.${process.pid}.${randomBytes(4).toString('hex')}`);
}

/** Write via `produce(tmpPath)`, fsync, then rename over `finalPath`. */
export async function writeAtomically(finalPath: string, produce: (tmpPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(finalPath), { recursive: true });
  const tmp = tempPathFor(finalPath);
  try {
    await produce(tmp);
    const fh = await open(tmp, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    await rename(tmp, finalPath);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
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
