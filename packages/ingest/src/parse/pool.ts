/**
 * Runs the chunk parser on worker threads (or inline for one worker), returning results in
 * submission order so the merger sees the trace in order.
 */
import { Worker } from 'node:worker_threads';
import type { Variant } from '../formats/types.js';
import { parseChunk, type ChunkResult } from './chunk.js';

export interface ChunkRequest { id: number; bytes: Uint8Array; startLine: number; variant: Variant }

type Reply = { id: number; result?: ChunkResult; error?: string };

export class ParserPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ChunkResult) => void; reject: (e: Error) => void }>();
  private next = 0;

  constructor(readonly size: number, private readonly variant: Variant) {
    if (size <= 1) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker.js', import.meta.url));
      w.on('message', (m: Reply) => this.settle(m));
      w.on('error', (e) => this.failAll(e));
      this.workers.push(w);
    }
  }

  /** Parse one chunk; `bytes` may be transferred to the worker (do not use it afterwards). */
  parse(bytes: Uint8Array, startLine: number): Promise<ChunkResult> {
    const id = this.next++;
    if (this.workers.length === 0) {
      try { return Promise.resolve(parseChunk(bytes, startLine, this.variant)); } catch (e) { return Promise.reject(e); }
    }
    const w = this.workers[id % this.workers.length] as Worker;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // Transfer when the chunk owns its whole buffer (LineChunker's do); copy otherwise.
      const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && !(bytes instanceof Buffer)
        ? bytes : Uint8Array.prototype.slice.call(bytes);
      w.postMessage({ id, bytes: own, startLine, variant: this.variant } satisfies ChunkRequest, [own.buffer as ArrayBuffer]);
    });
  }

  private settle(m: Reply): void {
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
