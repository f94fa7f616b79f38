/**
 * Cuts a byte stream into line-aligned chunks of about `target` bytes and numbers their
 * first lines. Bytes are never decoded here: a chunk is cut after its last '\n'.
 *
 * Bytes land in one chunk buffer taken from a BufferPool: either copied in (`push`, streams)
 * or read straight into it (`space` + `commit`, regular files). A full buffer is handed out as
 * the chunk and only the partial line after its cut is copied into the next buffer, so each
 * input byte is copied at most once, and buffers the parser hands back are reused: fresh 4 MiB
 * ArrayBuffers per chunk cost page faults and drive the main thread's Mark-Compacts.
 */
export interface LineChunk {
  /** A view [0, n) of a pooled ArrayBuffer (possibly longer): give `bytes.buffer` back to the pool when done. */
  bytes: Uint8Array;
  startLine: number;
}

/** Longest line accepted by default: a line without a newline for longer is not a text trace (and must not exhaust memory). */
export const DEFAULT_MAX_LINE_BYTES = 64 << 20;

/** Reusable chunk buffers of at least `size` bytes. */
export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  constructor(readonly size: number) {}

  /** A buffer of at least `min` bytes (a free one when there is one). */
  take(min: number): ArrayBuffer {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const b = this.free[i] as ArrayBuffer;
      if (b.byteLength >= min) { this.free.splice(i, 1); return b; }
    }
    return new ArrayBuffer(Math.max(min, this.size));
  }

  /** Give a buffer back. Oversized ones (a long line's) are dropped, not kept alive. */
  release(b: ArrayBuffer): void {
    if (b.byteLength >= this.size && b.byteLength <= 2 * this.size && this.free.length < MAX_FREE && b.byteLength > 0) this.free.push(b);
  }
}

const MAX_FREE = 8;

export class LineChunker {
  readonly pool: BufferPool;
  /** The buffer being filled: data is [head, used). */
  private buf: Uint8Array;
  private head = 0;
  private used = 0;
  private nextLine = 1;
  /** Bytes of the last, still unterminated line in the buffer. */
  private openLineBytes = 0;

  constructor(private readonly target: number, private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly onLineTooLong: (line: number, maxLineBytes: number) => Error = lineTooLong, pool?: BufferPool) {
    this.target = Math.max(1, Math.floor(target));
    this.pool = pool ?? new BufferPool(this.target + (this.target >> 4) + 4096);
    this.buf = new Uint8Array(this.pool.take(this.pool.size));
  }

  private get size(): number {
    return this.used - this.head;
  }

  /** Add bytes (copied: the caller may reuse them); returns the chunks now complete. Throws for a line longer than maxLineBytes. */
  push(bytes: Uint8Array): LineChunk[] {
    if (bytes.length === 0) return [];
    this.checkLineLengths(bytes);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    return this.cutFull();
  }

  /**
   * Room to read into (at least 64 KiB, at most what completes the current chunk): read bytes
   * straight into it, then `commit(n)`. No copy for a file read.
   */
  space(): Uint8Array {
    const want = Math.max(MIN_READ, this.target - this.size);
    this.reserve(want);
    return this.buf.subarray(this.used, this.used + want);
  }

  /** `n` bytes were written at the start of `space()`: returns the chunks now complete. */
  commit(n: number): LineChunk[] {
    if (n <= 0) return [];
    this.checkLineLengths(this.buf.subarray(this.used, this.used + n));
    this.used += n;
    return this.cutFull();
  }

  private cutFull(): LineChunk[] {
    const out: LineChunk[] = [];
    while (this.size >= this.target) {
      const c = this.cut(false, this.target);
      if (c === null) break;
      out.push(c);
    }
    return out;
  }

  /** Room for `n` more bytes after `used`: move the data to the front, or into a larger buffer. */
  private reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    const size = this.size;
    if (size + n <= this.buf.length && this.head > 0) {
      this.buf.copyWithin(0, this.head, this.used);
    } else {
      // Doubling: a long line is copied O(log n) times, not once per read.
      const next = new Uint8Array(this.pool.take(Math.max(size + n, this.pool.size, 2 * this.buf.length)));
      next.set(this.buf.subarray(this.head, this.used));
      this.pool.release(this.buf.buffer as ArrayBuffer);
      this.buf = next;
    }
    this.head = 0;
    this.used = size;
  }

  /**
   * Line lengths are checked as bytes arrive, before they are buffered, so memory stays
   * bounded by maxLineBytes whatever the input (a 5 GB line without a newline included).
   */
  private checkLineLengths(bytes: Uint8Array): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let nl = b.indexOf(10);
    if (nl < 0) {
      this.openLineBytes += b.length;
      if (this.openLineBytes > this.maxLineBytes) throw this.onLineTooLong(this.lineAt(this.size), this.maxLineBytes);
      return;
    }
    if (this.openLineBytes + nl > this.maxLineBytes) throw this.onLineTooLong(this.lineAt(this.size), this.maxLineBytes);
    // Whole lines inside this piece can only be too long when the piece itself is.
    if (b.length > this.maxLineBytes) {
      for (let next = b.indexOf(10, nl + 1); next >= 0; nl = next, next = b.indexOf(10, nl + 1)) {
        if (next - nl - 1 > this.maxLineBytes) throw this.onLineTooLong(this.lineAt(this.size) + countNewlines(b.subarray(0, nl + 1)), this.maxLineBytes);
      }
    }
    nl = b.lastIndexOf(10);
    this.openLineBytes = b.length - nl - 1;
    if (this.openLineBytes > this.maxLineBytes) throw this.onLineTooLong(this.lineAt(this.size) + countNewlines(b), this.maxLineBytes);
  }

  /** Line number of the line holding buffered byte `offset` (only on the error path). */
  private lineAt(offset: number): number {
    return this.nextLine + countNewlines(this.buf.subarray(this.head, this.head + Math.min(offset, this.size)));
  }

  /** All complete lines buffered so far (live streams when input pauses). */
  takeComplete(): LineChunk | null {
    return this.size === 0 ? null : this.cut(false, this.size);
  }

  /** End of input: everything left, including a last line without a newline. */
  end(): LineChunk | null {
    return this.size === 0 ? null : this.cut(true, this.size);
  }

  /**
   * Cut after the last line end before the target (a line longer than the target ends the
   * chunk at its end). The chunk gets a buffer of its own, so it can be transferred to a
   * worker: the current buffer when little follows the cut (only that is copied on), else a
   * copy of the chunk's bytes.
   */
  private cut(all: boolean, target: number): LineChunk | null {
    const data = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.head, this.size);
    let len = data.length;
    if (!all) {
      let at = data.lastIndexOf(10, target - 1);
      if (at < 0) at = data.indexOf(10, target);
      if (at < 0) return null;
      len = at + 1;
    }
    const rest = this.size - len;
    let bytes: Uint8Array;
    if (this.head === 0 && rest <= len) {
      bytes = this.buf.subarray(0, len);
      const next = new Uint8Array(this.pool.take(Math.max(rest, this.pool.size)));
      next.set(this.buf.subarray(len, this.used));
      this.buf = next;
      this.head = 0;
      this.used = rest;
    } else {
      bytes = new Uint8Array(this.pool.take(len), 0, len);
      bytes.set(data.subarray(0, len));
      this.head += len;
      if (this.head === this.used) { this.head = 0; this.used = 0; }
    }
    if (all) this.openLineBytes = 0;
    const startLine = this.nextLine;
    this.nextLine += countNewlines(bytes);
    return { bytes, startLine };
  }
}

const MIN_READ = 64 << 10;

function lineTooLong(line: number, maxLineBytes: number): Error {
  return new Error(`line ${line} is longer than ${maxLineBytes} bytes`);
}

export function countNewlines(b: Uint8Array): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let n = 0;
  let i = buf.indexOf(10);
  while (i >= 0) { n++; i = buf.indexOf(10, i + 1); }
  return n;
}
