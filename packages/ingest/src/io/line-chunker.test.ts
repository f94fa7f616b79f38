import { describe, expect, it } from '@jest/globals';
import { countNewlines, LineChunker, type LineChunk } from './line-chunker.js';

/** A deterministic pseudo-random generator (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Text of lines with lengths from 0 to ~3x the chunk target (some longer than it), ending without a newline when `open`. */
function text(seed: number, lines: number, target: number, open: boolean): Buffer {
  const r = rng(seed);
  const parts: string[] = [];
  for (let i = 0; i < lines; i++) {
    const len = r() < 0.05 ? Math.floor(r() * 3 * target) : Math.floor(r() * target / 3);
    parts.push(`${i}:${'x'.repeat(len)}`);
  }
  return Buffer.from(parts.join('\n') + (open ? '' : '\n'), 'latin1');
}

/** Copy each chunk out, check its shape, then give its buffer back to the pool (as the parser does). */
function collect(out: Array<{ bytes: Buffer; startLine: number }>, chunker: LineChunker, chunks: Array<LineChunk | null>): void {
  for (const c of chunks) {
    if (c === null) continue;
    expect(c.bytes.byteOffset).toBe(0);
    out.push({ bytes: Buffer.from(c.bytes), startLine: c.startLine });
    chunker.pool.release(c.bytes.buffer as ArrayBuffer);
  }
}

function checkChunks(input: Buffer, got: Array<{ bytes: Buffer; startLine: number }>): void {
  expect(Buffer.concat(got.map((c) => c.bytes)).equals(input)).toBe(true);
  let line = 1;
  got.forEach((c, i) => {
    expect(c.startLine).toBe(line);
    if (i < got.length - 1) expect(c.bytes[c.bytes.length - 1]).toBe(10);
    line += countNewlines(c.bytes);
  });
}

describe('LineChunker', () => {
  for (const [seed, target, open] of [[1, 61, false], [2, 997, true], [3, 4096, false], [4, 1 << 16, true]] as const) {
    it(`cuts the same whole-line chunks from pushed pieces and from direct reads (target ${target})`, () => {
      const input = text(seed, 3000, target, open);
      const r = rng(seed + 100);

      const pushed: Array<{ bytes: Buffer; startLine: number }> = [];
      const a = new LineChunker(target);
      for (let at = 0; at < input.length;) {
        const n = 1 + Math.floor(r() * 3 * target);
        // Pieces are reused by the caller right after push(): the chunker must have copied them.
        const piece = Buffer.from(input.subarray(at, at + n));
        collect(pushed, a, a.push(piece));
        piece.fill(0x3f);
        at += n;
      }
      collect(pushed, a, [a.end()]);
      checkChunks(input, pushed);

      const read: Array<{ bytes: Buffer; startLine: number }> = [];
      const b = new LineChunker(target);
      for (let at = 0; at < input.length;) {
        const space = b.space();
        expect(space.length).toBeGreaterThan(0);
        const n = Math.min(space.length, 1 + Math.floor(r() * space.length), input.length - at);
        input.copy(space, 0, at, at + n);
        collect(read, b, b.commit(n));
        at += n;
      }
      collect(read, b, [b.end()]);
      checkChunks(input, read);
    });
  }

  it('hands out every complete line on takeComplete() and keeps the open one', () => {
    const c = new LineChunker(1 << 20);
    expect(c.push(Buffer.from('a\nbb\ncc', 'latin1'))).toEqual([]);
    const first = c.takeComplete();
    expect(Buffer.from(first?.bytes ?? []).toString('latin1')).toBe('a\nbb\n');
    expect(first?.startLine).toBe(1);
    const rest = c.end();
    expect(Buffer.from(rest?.bytes ?? []).toString('latin1')).toBe('cc');
    expect(rest?.startLine).toBe(3);
  });

  it('names the line that is too long, for pushed pieces and for direct reads', () => {
    const input = Buffer.from(`short\nshort\n${'y'.repeat(300)}\nshort\n`, 'latin1');
    const onTooLong = (line: number, max: number): Error => new Error(`line ${line} > ${max}`);
    const a = new LineChunker(64, 200, onTooLong);
    expect(() => { for (let at = 0; at < input.length; at += 50) a.push(input.subarray(at, at + 50)); }).toThrow('line 3 > 200');
    const b = new LineChunker(64, 200, onTooLong);
    expect(() => {
      for (let at = 0; at < input.length;) {
        const space = b.space();
        const n = Math.min(40, input.length - at);
        input.copy(space, 0, at, at + n);
        b.commit(n);
        at += n;
      }
    }).toThrow('line 3 > 200');
  });
});
