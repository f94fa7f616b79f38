/** A string dictionary with ids in first-appearance order. */
export class Dict {
  readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  // Consecutive lines often repeat a value (same task, same event): skip the hash lookup.
  private last = '';
  private lastId = -1;

  /** intern(line.slice(start, end)) without making the string when it repeats the last value. */
  internRange(line: string, start: number, end: number): number {
    const len = end - start;
    const last = this.last;
    if (len === last.length && this.lastId >= 0 && line.startsWith(last, start)) return this.lastId;
    // Few distinct values (event names, most task names): compare in place, no string made.
    const values = this.values;
    if (values.length <= 32) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i] as string;
        if (v.length === len && line.startsWith(v, start)) { this.last = v; this.lastId = i; return i; }
      }
    }
    return this.intern(line.slice(start, end));
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
