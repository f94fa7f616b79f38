/**
 * Runs the chunk parser on worker threads (or inline for one worker), returning results in
 * submission order so the merger sees the trace in order.
 */
import { Worker } from 'node:worker_threads';
import type { Variant } from '../formats/types.js';
import { parseChunk, type ChunkResult } from './chunk.js';
import { RowStore, type RowStoreData } from './row-store.js';

/** `buffer` holds the chunk's bytes in [0, length); the worker hands it back with the result for reuse. */
export interface ChunkRequest { id: number; buffer: ArrayBuffer; length: number; startLine: number; variant: Variant }

type Reply = { id: number; result?: ChunkResult; error?: string; buffer?: ArrayBuffer };

export class ParserPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private recycled = 0;
  /** Inline mode: a merged chunk's row buffers, for the next chunk. */
  private spare: RowStore | null = null;

  /** `recycle` receives each chunk's buffer once the parser is done with it. */
  constructor(readonly size: number, private readonly variant: Variant, private readonly recycle: (b: ArrayBuffer) => void = () => {}) {
    if (size <= 1) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: Reply) => this.settle(m));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  /**
   * Parse one chunk. When `bytes` starts its ArrayBuffer (LineChunker's chunks do), the whole
   * buffer is transferred to the worker and comes back to `recycle`: do not use it meanwhile.
   */
  parse(bytes: Uint8Array, startLine: number): Promise<ChunkResult> {
    const id = this.next++;
    if (this.workers.length === 0) {
      try {
        const r = parseChunk(bytes, startLine, this.variant, this.spare ?? undefined);
        this.spare = null;
        if (ownsBuffer(bytes)) this.recycle(bytes.buffer as ArrayBuffer);
        return Promise.resolve(r);
      } catch (e) { return Promise.reject(e); }
    }
    const w = this.workers[id % this.workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const own = ownsBuffer(bytes) ? bytes : Uint8Array.prototype.slice.call(bytes);
      const buffer = own.buffer as ArrayBuffer;
      w.postMessage({ id, buffer, length: own.byteLength, startLine, variant: this.variant } satisfies ChunkRequest, [buffer]);
    });
  }

  /** A chunk's rows were merged (copied out): its buffers go back to a parser to be filled again. */
  recycleRows(rows: RowStoreData): void {
    if (this.workers.length === 0) { this.spare = RowStore.reuse(rows); return; }
    const w = this.workers[this.recycled++ % this.workers.length] as Worker;
    const store = RowStore.fromData(rows);
    w.postMessage({ rows }, store.transferables());
  }

  private settle(m: Reply): void {
    if (m.buffer !== undefined) this.recycle(m.buffer);
    const p = this.waiting.get(m.id);
    if (p === undefined) return;
    this.waiting.delete(m.id);
    if (m.result !== undefined) p.resolve(m.result);
    else p.reject(new Error(`chunk parser failed in a worker: ${m.error ?? 'unknown error'}`));
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * The chunk starts an ArrayBuffer of its own (a LineChunker chunk), which may be transferred
 * and reused. A Node Buffer may sit in Node's shared allocation pool: never that one.
 */
function ownsBuffer(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer && !(bytes instanceof Buffer && bytes.byteLength !== bytes.buffer.byteLength);
}
