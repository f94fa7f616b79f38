/**
 * Cuts a byte stream into line-aligned chunks of about `target` bytes and numbers their
 * first lines. Bytes are never decoded here: a chunk is cut after its last '\n'.
 */
export interface LineChunk { bytes: Uint8Array; startLine: number }

/** Longest line accepted by default: a line without a newline for longer is not a text trace (and must not exhaust memory). */
export const DEFAULT_MAX_LINE_BYTES = 64 << 20;

export class LineChunker {
  private parts: Uint8Array[] = [];
  private size = 0;
  private nextLine = 1;
  /** Bytes of the last, still unterminated line in the buffer. */
  private openLineBytes = 0;

  constructor(private readonly target: number, private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly onLineTooLong: (line: number, maxLineBytes: number) => Error = lineTooLong) {}

  /** Add bytes; returns the chunks that are now complete. Throws for a line longer than maxLineBytes. */
  push(bytes: Uint8Array): LineChunk[] {
    if (bytes.length === 0) return [];
    this.checkLineLengths(bytes);
    this.parts.push(bytes);
    this.size += bytes.length;
    const out: LineChunk[] = [];
    while (this.size >= this.target) {
      const c = this.cut(false, this.target);
      if (c === null) break;
      out.push(c);
    }
    return out;
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
    let n = this.nextLine;
    let at = 0;
    for (const p of this.parts) {
      if (at >= offset) break;
      n += countNewlines(p.subarray(0, Math.min(p.length, offset - at)));
      at += p.length;
    }
    return n;
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
   * chunk at its end). Each chunk is a fresh array owning its memory, so it can be
   * transferred to a worker without copying again.
   */
  private cut(all: boolean, target: number): LineChunk | null {
    let cutAt = this.size;
    if (!all) {
      cutAt = lastNewlineBefore(this.parts, target);
      if (cutAt < 0) cutAt = firstNewlineFrom(this.parts, target);
      if (cutAt < 0) return null;
      cutAt++;
    }
    const bytes = new Uint8Array(cutAt);
    let at = 0;
    let i = 0;
    for (; i < this.parts.length && at < cutAt; i++) {
      const p = this.parts[i] as Uint8Array;
      const n = Math.min(p.length, cutAt - at);
      bytes.set(n === p.length ? p : p.subarray(0, n), at);
      at += n;
      if (n < p.length) { this.parts[i] = p.subarray(n); break; }
    }
    this.parts = this.parts.slice(i);
    this.size -= cutAt;
    if (all) this.openLineBytes = 0;
    const startLine = this.nextLine;
    this.nextLine += countNewlines(bytes);
    return { bytes, startLine };
  }
}

function lineTooLong(line: number, maxLineBytes: number): Error {
  return new Error(`line ${line} is longer than ${maxLineBytes} bytes`);
}

/** Offset (over the concatenated parts) of the last '\n' before `limit`, or -1. */
function lastNewlineBefore(parts: Uint8Array[], limit: number): number {
  let base = 0;
  const bases = parts.map((p) => { const b = base; base += p.length; return b; });
  for (let i = parts.length - 1; i >= 0; i--) {
    const b = bases[i] as number;
    if (b >= limit) continue;
    const p = parts[i] as Uint8Array;
    const at = p.lastIndexOf(10, Math.min(p.length, limit - b) - 1);
    if (at >= 0) return b + at;
  }
  return -1;
}

function firstNewlineFrom(parts: Uint8Array[], from: number): number {
  let base = 0;
  for (const p of parts) {
    if (base + p.length > from) {
      const at = p.indexOf(10, Math.max(0, from - base));
      if (at >= 0) return base + at;
    }
    base += p.length;
  }
  return -1;
}

export function countNewlines(b: Uint8Array): number {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  let n = 0;
  let i = buf.indexOf(10);
  while (i >= 0) { n++; i = buf.indexOf(10, i + 1); }
  return n;
}
