import type { RunMeta } from '../meta-types.js';
export async function ingestCsv(_a: unknown): Promise<RunMeta> { throw new Error('csv: not yet'); }
