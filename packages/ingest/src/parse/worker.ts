/** Worker thread: runs the pure chunk parser on chunks posted by the pool. */
import { parentPort } from 'node:worker_threads';
import { parseChunk } from './chunk.js';
import { RowStore } from './row-store.js';
import type { ChunkRequest } from './pool.js';

parentPort?.on('message', (req: ChunkRequest) => {
  try {
    const result = parseChunk(req.bytes, req.startLine, req.variant);
    const store = RowStore.fromData(result.rows);
    parentPort?.postMessage({ id: req.id, result }, store.transferables());
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: (e as Error).stack ?? String(e) });
  }
});
