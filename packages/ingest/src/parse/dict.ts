/** A string dictionary with ids in first-appearance order. */
export class Dict {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  // Consecutive lines often repeat a value (same task, same event): skip the hash lookup.
  private last = '';
  private lastId = -1;
  /**
   * Ids by a cheap hash of (length, first, middle and last byte), +1 (0 = empty): one
   * comparison confirms a hit. Replaces a linear scan of the values with startsWith on
   * each, the top line of the chunk parser's profile (flags and task names change from line
   * to line). Values whose hashes meet take the next slots (up to QUICK_PROBES): with one
   * slot each, two tasks of a trace (`dd` and `init` in the bench trace) evicted each other
   * on every line and took the slow path on 13 % of the lines. A value that finds no slot
   * only costs the slow path; ids are still assigned by intern().
   * Values are compared with the chunk's bytes in place (typed-array reads are cheaper than
   * charCodeAt on line strings), so a string is made only for a value not seen before.
   */
  private readonly quick = new Int32Array(QUICK_SIZE);

  /** intern() of the latin1 bytes [start, end) of a chunk, making the string only for a new value. */
  internBytes(bytes: Uint8Array, start: number, end: number): number {
    const len = end - start;
    const last = this.last;
    if (len === last.length && this.lastId >= 0 && bytesMatch(bytes, start, last)) return this.lastId;
    const home = quickSlotBytes(bytes, start, len);
    let free = -1;
    for (let k = 0; k < QUICK_PROBES; k++) {
      const slot = (home + k) & (QUICK_SIZE - 1);
      const hit = (this.quick[slot] as number) - 1;
      if (hit < 0) { free = slot; break; }
      const v = this.values[hit] as string;
      if (v.length === len && bytesMatch(bytes, start, v)) { this.last = v; this.lastId = hit; return hit; }
    }
    const id = this.intern(Buffer.from(bytes.buffer, bytes.byteOffset + start, len).toString('latin1'));
    if (free >= 0) this.quick[free] = id + 1;
    return id;
  }

  intern(s: string): number {
    // lastId < 0: nothing interned yet, and '' (an empty task name) must still get an id.
    if (s === this.last && this.lastId >= 0) return this.lastId;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(s, id);
      this.values.push(s);
    }
    this.last = s;
    this.lastId = id;
    return id;
  }
}

const QUICK_SIZE = 1024;
const QUICK_PROBES = 4;

/** A slot from (length, first, middle, last byte). */
function quickSlotBytes(bytes: Uint8Array, start: number, len: number): number {
  if (len === 0) return 0;
  const h = len * 31 + (bytes[start] as number) * 7 + (bytes[start + (len >> 1)] as number) * 131 + (bytes[start + len - 1] as number) * 17;
  return h & (QUICK_SIZE - 1);
}

/** bytes [at, at + s.length) spell s (s is a latin1 string: one char per byte). */
function bytesMatch(bytes: Uint8Array, at: number, s: string): boolean {
  for (let i = 0; i < s.length; i++) if (bytes[at + i] !== s.charCodeAt(i)) return false;
  return true;
}
