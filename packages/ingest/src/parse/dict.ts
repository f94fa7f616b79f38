/** A string dictionary with ids in first-appearance order. */
export class Dict {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  // Consecutive lines often repeat a value (same task, same event): skip the hash lookup.
  private last = '';
  private lastId = -1;
  /**
   * Ids by a cheap hash of (length, first, middle and last character), +1 (0 = empty): one
   * startsWith confirms a hit. Replaces a linear scan of the values with startsWith on each,
   * the top line of the chunk parser's profile (flags and task names change from line to
   * line). A collision only costs the slow path; ids are still assigned by intern().
   */
  private readonly quick = new Int32Array(QUICK_SIZE);

  /** intern(line.slice(start, end)) without making the string when the value is known. */
  internRange(line: string, start: number, end: number): number {
    const len = end - start;
    const last = this.last;
    if (len === last.length && this.lastId >= 0 && line.startsWith(last, start)) return this.lastId;
    const slot = quickSlot(line, start, len);
    const hit = (this.quick[slot] as number) - 1;
    if (hit >= 0) {
      const v = this.values[hit] as string;
      if (v.length === len && line.startsWith(v, start)) { this.last = v; this.lastId = hit; return hit; }
    }
    const id = this.intern(line.slice(start, end));
    this.quick[slot] = id + 1;
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

function quickSlot(line: string, start: number, len: number): number {
  if (len === 0) return 0;
  const h = len * 31 + line.charCodeAt(start) * 7 + line.charCodeAt(start + (len >> 1)) * 131 + line.charCodeAt(start + len - 1) * 17;
  return h & (QUICK_SIZE - 1);
}
