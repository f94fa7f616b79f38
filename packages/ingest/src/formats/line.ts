/**
 * One input line as bytes [start, end) of a chunk (latin1: one character per byte, no line
 * terminator). Tokenizers read the bytes in place: typed-array reads are the cheapest way V8
 * offers to look at text (docs/performance-notes.md), and the hot path makes no string per
 * line. The few rare paths that need a regex ask for text(), made once per line on demand.
 */
export class Line {
  bytes: Buffer = EMPTY;
  start = 0;
  end = 0;
  private str: string | null = null;

  /** Point at bytes [start, end) of `bytes` (one Line object is reused for every line of a chunk). */
  set(bytes: Buffer, start: number, end: number): this {
    this.bytes = bytes;
    this.start = start;
    this.end = end;
    this.str = null;
    return this;
  }

  /** The byte at line offset i (relative to start), or -1 past the end. */
  at(i: number): number {
    const p = this.start + i;
    return p < this.end ? this.bytes[p] as number : -1;
  }

  /** The line as a latin1 string (rare paths: regexes, headers). */
  text(): string {
    this.str ??= this.bytes.toString('latin1', this.start, this.end);
    return this.str;
  }

  /** latin1 text of bytes [from, to) (absolute offsets). */
  slice(from: number, to = this.end): string {
    return this.bytes.toString('latin1', from, to);
  }

  /** A Line over a string's latin1 bytes (sniffers and tests work on strings). */
  static of(s: string): Line {
    return new Line().set(Buffer.from(s, 'latin1'), 0, s.length);
  }
}

const EMPTY = Buffer.alloc(0);

/** One-character strings by byte, so a flag character never makes a new string. */
export const CHAR: readonly string[] = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));
