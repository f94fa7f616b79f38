/**
 * Worker thread: runs the pure chunk parser on chunks posted by the pool, hands each chunk's
 * buffer back, and reuses the row buffers the main thread hands back once merged.
 */
import { parentPort } from 'node:worker_threads';
import { parseChunk } from './chunk.js';
import { RowStore, type RowStoreData } from './row-store.js';
import type { ChunkRequest } from './pool.js';

const spare: RowStore[] = [];

parentPort?.on('message', (req: ChunkRequest | { rows: RowStoreData }) => {
  if ('rows' in req) { if (spare.length < 2) spare.push(RowStore.reuse(req.rows)); return; }
  try {
    const result = parseChunk(new Uint8Array(req.buffer, 0, req.length), req.startLine, req.variant, spare.pop());
    const store = RowStore.fromData(result.rows);
    parentPort?.postMessage({ id: req.id, result, buffer: req.buffer }, [...store.transferables(), req.buffer]);
  } catch (e) {
    parentPort?.postMessage({ id: req.id, error: (e as Error).stack ?? String(e) });
  }
});
