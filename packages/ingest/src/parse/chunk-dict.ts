/**
 * A chunk parser's dictionary (task names, event names, page flags, gfp flags): ids in
 * first-appearance order, as Dict gives them, kept in the line reader's tables
 * (assembly/dict.ts) so that a value seen before is found without a string or a charCodeAt
 * loop. The first time a value is seen its string is made here.
 *
 * The reader's tables are per thread and cleared for every chunk: newChunkDicts() is called
 * once per parseChunk, and its dictionaries are used within it. A table the chunk fills (more
 * than half of its slots, or its values' bytes) hands over to a JavaScript Dict holding the
 * same ids, which goes on from there.
 */
import { addressOf, dictReset, internAt } from '../wasm/line-reader.js';
import { Dict } from './dict.js';

const FULL = -1;
/** Strings that are not latin1 cannot be bytes of a chunk: they go to a JavaScript Dict. */
const NOT_LATIN1 = /[^\u0000-\u00ff]/;

export class ChunkDict {
  private js: Dict | null = null;
  private own: string[] = [];

  constructor(private readonly table: number) {}

  get values(): string[] {
    return this.js === null ? this.own : this.js.values;
  }

  /** The id of the latin1 bytes [start, end) of `bytes`. */
  internBytes(bytes: Uint8Array, start: number, end: number): number {
    if (this.js !== null) return this.js.internBytes(bytes, start, end);
    const base = addressOf(bytes, start, end);
    const id = internAt(this.table, base + start, end - start);
    if (id === this.own.length) this.own.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
    else if (id === FULL) return this.inJs().internBytes(bytes, start, end);
    return id;
  }

  intern(s: string): number {
    if (this.js !== null || NOT_LATIN1.test(s)) return this.inJs().intern(s);
    const bytes = Buffer.from(s, 'latin1');
    return this.internBytes(bytes, 0, bytes.length);
  }

  /** A JavaScript Dict with the ids given so far, from now on. */
  private inJs(): Dict {
    if (this.js === null) {
      const d = new Dict();
      for (const v of this.own) d.intern(v);
      this.js = d;
    }
    return this.js;
  }
}

/** The four dictionaries of a new chunk (the reader's tables emptied). */
export function newChunkDicts(): { comm: ChunkDict; event: ChunkDict; flags: ChunkDict; gfp: ChunkDict } {
  dictReset();
  return { comm: new ChunkDict(0), event: new ChunkDict(1), flags: new ChunkDict(2), gfp: new ChunkDict(3) };
}
