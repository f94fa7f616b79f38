/** Reading a run directory's meta.json. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PagetraceError } from './errors.js';
import type { RunMeta } from './meta-types.js';
import { RUN_FILES } from './schema.js';

export async function readMeta(runDir: string): Promise<RunMeta> {
  const path = join(runDir, RUN_FILES.meta);
  let text: string;
  try { text = await readFile(path, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new PagetraceError(code === 'ENOENT' ? 'no meta.json: not a run directory (run `pagetrace ingest` first)' : `cannot read (${code})`, { file: path });
  }
  try { return JSON.parse(text) as RunMeta; } catch (e) {
    throw new PagetraceError(`invalid JSON (${(e as Error).message})`, { file: path });
  }
}
