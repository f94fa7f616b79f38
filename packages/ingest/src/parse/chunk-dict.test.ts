import { describe, expect, it } from '@jest/globals';
import { placeChunk } from '../wasm/line-reader.js';
import { newChunkDicts } from './chunk-dict.js';
import { Dict } from './dict.js';

/** Each value's id from a ChunkDict over a placed chunk and from a Dict; both dictionaries' values. */
function both(values: readonly string[]): { chunk: number[]; js: number[]; chunkValues: string[]; jsValues: string[] } {
  const text = placeChunk(Buffer.from(values.join('\n'), 'latin1'));
  const d = newChunkDicts().comm;
  const ref = new Dict();
  const chunk: number[] = [];
  const js: number[] = [];
  let at = 0;
  for (const v of values) {
    chunk.push(d.internBytes(text, at, at + v.length));
    js.push(ref.internBytes(text, at, at + v.length));
    at += v.length + 1;
  }
  return { chunk, js, chunkValues: d.values, jsValues: ref.values };
}

describe('ChunkDict (the line reader\'s dictionaries)', () => {
  it('gives the ids and values a Dict gives', () => {
    const values = ['hmm-tests', 'dd', 'init', 'dd', '', 'hmm-tests', 'referenced|uptodate|lru|active',
      'referenced|uptodate|lru|activf', // differs in its last byte only (a masked last word)
      'referenced|uptodate|lru|active|x', 'abcdefgh', 'abcdefghi', 'abcdefg', 'abcdefgh', '', '\u00e9t\u00e9', 'kworker/u4:1'];
    const r = both(values);
    expect(r.chunk).toEqual(r.js);
    expect(r.chunkValues).toEqual(r.jsValues);
    expect(r.chunkValues.length).toBe(12);
  });

  it('gives the same ids for a value as bytes of the chunk and as a string', () => {
    const text = placeChunk(Buffer.from('page_ref_mod function', 'latin1'));
    const d = newChunkDicts().event;
    expect(d.internBytes(text, 0, 12)).toBe(0);
    expect(d.intern('function')).toBe(1);
    expect(d.internBytes(text, 13, 21)).toBe(1);
    expect(d.intern('page_ref_mod')).toBe(0);
    expect(d.intern('\u0100 not latin1')).toBe(2); // cannot come from a chunk: kept in JavaScript
    expect(d.internBytes(text, 0, 12)).toBe(0);
    expect(d.values).toEqual(['page_ref_mod', 'function', '\u0100 not latin1']);
  });

  it('goes on in JavaScript with the same ids once its table is full', () => {
    // 9000 distinct task names: more than the reader's table takes (8192).
    const values = Array.from({ length: 9000 }, (_, i) => `task-${i}`);
    const r = both([...values, ...values.slice().reverse(), 'task-0', 'new-one']);
    expect(r.chunk).toEqual(r.js);
    expect(r.chunkValues).toEqual(r.jsValues);
    expect(r.chunkValues.length).toBe(9001);
  });

  it('starts empty for every chunk', () => {
    const text = placeChunk(Buffer.from('b a', 'latin1'));
    const first = newChunkDicts().flags;
    expect(first.internBytes(text, 0, 1)).toBe(0);
    const second = newChunkDicts().flags;
    expect(second.internBytes(text, 2, 3)).toBe(0);
    expect(second.internBytes(text, 0, 1)).toBe(1);
  });
});
