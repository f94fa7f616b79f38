/**
 * Runs the chunk parser on `size` parsers, returning results in submission order so the
 * merger sees the trace in order. The main thread is one of the parsers: `size - 1` worker
 * threads take chunks while they keep up, and the main thread parses a chunk itself when
 * they are all busy. Its own work (reading, hashing, merging, writing) is about a quarter
 * of the parsing, so it has room for a share of it; a worker thread in its place costs a
 * V8 isolate of its own (its warm-up, its GC and compiler threads) and one more thread
 * than there are cores (measured on 1 GB, 2 cores: ≈ 1 CPU-s more for two worker threads
 * than for one parser on the main thread). Which parser took a chunk never changes the
 * tables: chunks are merged in order.
 */
import { Worker } from 'node:worker_threads';
import type { Variant } from '../formats/types.js';
import { parseChunk, type ChunkResult } from './chunk.js';
import { RowStore, type RowStoreData } from './row-store.js';

/** `buffer` holds the chunk's bytes in [0, length); the worker hands it back with the result for reuse. */
export interface ChunkRequest { id: number; buffer: ArrayBuffer; length: number; startLine: number; variant: Variant }

type Reply = { id: number; result?: ChunkResult; error?: string; buffer?: ArrayBuffer };

/** Chunks a worker may hold (one parsing, one queued) before the main thread parses the next itself. */
const QUEUED_PER_WORKER = 2;

export class ParserPool {
  private readonly workers: Worker[] = [];
  /** Chunks each worker holds. */
  private readonly held: number[] = [];
  private readonly waiting = new Map<number, { worker: number; resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private next = 0;
  private recycled = 0;
  /** Row buffers of a merged chunk, for the next chunk this thread parses. */
  private spare: RowStore | null = null;

  /** `recycle` receives each chunk's buffer once the parser is done with it. */
  constructor(readonly size: number, private readonly variant: Variant, private readonly recycle: (b: ArrayBuffer) => void = () => {}) {
    for (let i = 0; i < size - 1; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: Reply) => this.settle(m));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
      this.held.push(0);
    }
  }

  /**
   * Parse one chunk. When `bytes` starts its ArrayBuffer (LineChunker's chunks do), the whole
   * buffer is transferred to the worker and comes back to `recycle`: do not use it meanwhile.
   */
  parse(bytes: Uint8Array, startLine: number): Promise<ChunkResult> {
    const id = this.next++;
    const k = this.leastBusyWorker();
    if (k < 0 || (this.held[k] as number) >= QUEUED_PER_WORKER) return this.parseHere(bytes, startLine);
    const w = this.workers[k] as Worker;
    this.held[k]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker: k, resolve, reject });
      const own = ownsBuffer(bytes) ? bytes : Uint8Array.prototype.slice.call(bytes);
      const buffer = own.buffer as ArrayBuffer;
      w.postMessage({ id, buffer, length: own.byteLength, startLine, variant: this.variant } satisfies ChunkRequest, [buffer]);
    });
  }

  /** The chunk parsed on this thread, now. */
  private parseHere(bytes: Uint8Array, startLine: number): Promise<ChunkResult> {
    try {
      const r = parseChunk(bytes, startLine, this.variant, this.spare ?? undefined);
      this.spare = null;
      if (ownsBuffer(bytes)) this.recycle(bytes.buffer as ArrayBuffer);
      return Promise.resolve(r);
    } catch (e) { return Promise.reject(e); }
  }

  /** The worker holding the fewest chunks (the first of equals), or -1 without workers. */
  private leastBusyWorker(): number {
    let best = -1;
    for (let k = 0; k < this.held.length; k++) if (best < 0 || (this.held[k] as number) < (this.held[best] as number)) best = k;
    return best;
  }

  /** A chunk's rows were merged (copied out): its buffers go back to a parser to be filled again. */
  recycleRows(rows: RowStoreData): void {
    if (this.spare === null || this.workers.length === 0) { this.spare = RowStore.reuse(rows); return; }
    const w = this.workers[this.recycled++ % this.workers.length] as Worker;
    const store = RowStore.fromData(rows);
    w.postMessage({ rows }, store.transferables());
  }

  private settle(m: Reply): void {
    if (m.buffer !== undefined) this.recycle(m.buffer);
    const p = this.waiting.get(m.id);
    if (p === undefined) return;
    this.waiting.delete(m.id);
    this.held[p.worker]!--;
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
