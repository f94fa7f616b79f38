/**
 * Mutations of REAL trace text the way a buggy kernel would have produced it: a put removed
 * or duplicated, a get after mm_page_free, an unpin removed or duplicated, a get on a frozen
 * page, a free without its last put, a second free... Every mutation keeps the trace
 * consistent: later `count=` values of the pfn are shifted, `ret=` of *_and_test /
 * *_and_return is recomputed, a page that no longer reaches zero is no longer freed (its
 * later lines on that pfn are dropped), and a page that reaches zero early is freed there.
 *
 * Each mutation returns the mutated text with the pfn and the line where a detector must
 * point, or null when the trace has no suitable page.
 */
import { field, parseEventLine, TraceText, withField, type ParsedEvent, type TraceRecord } from './trace-text.js';

export interface Mutation { text: string; pfn: number; line: number; description: string }

/** One life of a page: from its allocation (page_ref_set 1 + mm_page_alloc) to its mm_page_free. */
export interface Life { pfn: number; indices: number[]; freed: boolean }

const REF_EVENTS = new Set(['page_ref_set', 'page_ref_mod', 'page_ref_mod_and_test', 'page_ref_mod_and_return', 'page_ref_mod_unless', 'page_ref_freeze', 'page_ref_unfreeze']);
const FREES = new Set(['mm_page_free', 'mm_page_free_batched']);

export class Mutator {
  readonly trace: TraceText;
  private parsed: (ParsedEvent | null)[] = [];

  constructor(trace: TraceText) {
    this.trace = trace;
    this.reparse();
  }

  static fromFile(path: string): Mutator { return new Mutator(TraceText.fromFile(path)); }

  private reparse(): void { this.parsed = this.trace.records.map((r) => parseEventLine(r.text)); }
  ev(i: number): ParsedEvent | null { return this.parsed[i] ?? null; }
  private rec(i: number): TraceRecord { return this.trace.records[i] as TraceRecord; }

  /** Complete lives (allocation seen, then freed) of order-0 pages, in trace order. */
  lives(): Life[] {
    const open = new Map<number, Life>();
    const done: Life[] = [];
    for (let i = 0; i < this.parsed.length; i++) {
      const e = this.parsed[i];
      if (e === null || e === undefined || e.pfn === null) continue;
      if (e.event === 'page_ref_set' && field(e.args, 'val') === 1 && field(e.args, 'count') === 1) {
        open.set(e.pfn, { pfn: e.pfn, indices: [i], freed: false });
        continue;
      }
      const life = open.get(e.pfn);
      if (life === undefined) continue;
      life.indices.push(i);
      if (e.event === 'mm_page_free' || e.event === 'mm_page_free_batched') {
        if (field(e.args, 'order') !== 0) { open.delete(e.pfn); continue; }
        life.freed = true;
        open.delete(e.pfn);
        done.push(life);
      }
    }
    return done;
  }

  /**
   * Lives a reordering between CPUs cannot blur: consecutive events of the page on different
   * CPUs are more than 5 ms apart, no freeze, and the life ends `minEndGapS` before the end.
   */
  simpleLives(minEndGapS = 0.05): Life[] {
    const lastTs = this.lastTs();
    return this.lives().filter((l) => {
      const evs = l.indices.map((i) => this.ev(i) as ParsedEvent);
      for (let k = 0; k < evs.length; k++) {
        const e = evs[k] as ParsedEvent;
        if (e.event === 'page_ref_freeze' || e.event === 'page_ref_unfreeze') return false;
        const prev = evs[k - 1];
        if (prev !== undefined && prev.cpu !== e.cpu && Number(e.ts) - Number(prev.ts) < 0.005) return false;
      }
      return lastTs - Number(evs[evs.length - 1]?.ts) >= minEndGapS;
    });
  }

  lastTs(): number {
    for (let i = this.parsed.length - 1; i >= 0; i--) { const e = this.parsed[i]; if (e) return Number(e.ts); }
    return 0;
  }

  /** Render the mutated text; `target` is the record whose line is returned. */
  private result(target: TraceRecord, pfn: number, description: string): Mutation {
    const { text, lineOf } = this.trace.render();
    const line = lineOf.get(target.id);
    if (line === undefined) throw new Error('mutation target was dropped');
    return { text, pfn, line, description };
  }

  /** A copy of record i's line as another event with other args (same task, CPU, time). */
  private lineAs(i: number, event: string, args: string): string {
    const t = this.rec(i).text;
    const m = /^(.*?\d+\.\d+: )[A-Za-z_0-9:]+: ?.*$/.exec(t);
    if (m === null) throw new Error(`not an event line: ${t}`);
    return `${m[1]}${event}: ${args}`;
  }

  private insertAfter(i: number, text: string): TraceRecord {
    const r = this.trace.insertAfter(i, text);
    this.reparse();
    return r;
  }

  /**
   * Shift the refcount of pfn by `delta` for every page_ref event after index `from`, the
   * way the kernel would have printed it had one reference more (delta > 0) or fewer (< 0)
   * been taken at `from`. Stops at the page's next allocation (absolute set).
   */
  private shiftAfter(from: number, pfn: number, delta: number): void {
    let freedEarly = false;
    let noFree = false;
    for (let i = from + 1; i < this.trace.records.length; i++) {
      const e = this.parsed[i];
      const r = this.rec(i);
      if (e === null || e === undefined || e.pfn !== pfn || r.dropped) continue;
      if (e.event === 'page_ref_set' || e.event === 'page_ref_unfreeze') return;
      if (FREES.has(e.event)) {
        if (delta > 0 || freedEarly || noFree) { r.dropped = true; continue; } // never reaches 0 / already freed
        return;
      }
      if (!REF_EVENTS.has(e.event)) continue;
      const count = field(e.args, 'count');
      if (count === null) continue;
      const wasZero = count === 0;
      const now = count + delta;
      if (delta > 0 && wasZero) {
        // The put that freed the page now leaves `delta` references: no free, no later life.
        r.text = this.retFor(e.event, withField(r.text, 'count', now), now);
        for (let k = i + 1; k < this.trace.records.length; k++) if (this.parsed[k]?.pfn === pfn) this.rec(k).dropped = true;
        return;
      }
      r.text = this.retFor(e.event, withField(r.text, 'count', now), now);
      if (wasZero && now !== 0) noFree = true; // the put that freed it no longer reaches 0
      if (delta < 0 && now === 0 && !freedEarly && (field(e.args, 'val') ?? 0) < 0) {
        // Reaches zero early: the buggy kernel frees the page right here.
        freedEarly = true;
        this.insertAfter(i, this.lineAs(i, 'mm_page_free', `page=0 pfn=0x${pfn.toString(16)} order=0`));
        i++;
      }
    }
  }

  private retFor(event: string, text: string, count: number): string {
    if (event === 'page_ref_mod_and_test') return withField(text, 'ret', count === 0 ? 1 : 0);
    if (event === 'page_ref_mod_and_return') return withField(text, 'ret', count);
    return text;
  }

  private firstPut(l: Life, pred: (e: ParsedEvent) => boolean = () => true): number | null {
    for (const i of l.indices) {
      const e = this.ev(i) as ParsedEvent;
      if (e.event === 'page_ref_mod_and_test' && field(e.args, 'val') === -1 && field(e.args, 'ret') === 0 && pred(e)) return i;
    }
    return null;
  }

  /** Lives that were mapped (mapcount >= 1) and end unmapped: anonymous user pages. */
  mappedLives(): Life[] {
    return this.simpleLives().filter((l) => l.indices.some((i) => (field((this.ev(i) as ParsedEvent).args, 'mapcount') ?? 0) >= 1));
  }

  // ---- the mutations -------------------------------------------------------------------

  /** A put_page missing (a reference leak): the page never returns to 0 and is never freed. */
  removePut(nth = 0): Mutation | null {
    const l = this.mappedLives().filter((x) => this.firstPut(x) !== null)[nth];
    if (l === undefined) return null;
    const i = this.firstPut(l) as number;
    this.rec(i).dropped = true;
    this.shiftAfter(i, l.pfn, +1);
    const last = [...l.indices].reverse().find((k) => !this.rec(k).dropped) as number;
    return this.result(this.rec(last), l.pfn, `removed the put at record ${i} of pfn 0x${l.pfn.toString(16)}`);
  }

  /** A put_page done twice: the page reaches 0 early (freed there) and the last put underflows. */
  duplicatePut(nth = 0): Mutation | null {
    const l = this.simpleLives().filter((x) => this.firstPut(x) !== null)[nth];
    if (l === undefined) return null;
    const i = this.firstPut(l) as number;
    const e = this.ev(i) as ParsedEvent;
    const count = field(e.args, 'count') as number;
    const lastZero = l.indices.find((k) => { const x = this.ev(k) as ParsedEvent; return x.event === 'page_ref_mod_and_test' && field(x.args, 'ret') === 1; });
    if (lastZero === undefined) return null;
    const lastZeroRec = this.rec(lastZero);
    this.insertAfter(i, this.retFor(e.event, withField(this.rec(i).text, 'count', count - 1), count - 1));
    const dupAt = i + 1;
    if (count - 1 === 0) { this.insertAfter(dupAt, this.lineAs(dupAt, 'mm_page_free', `page=0 pfn=0x${l.pfn.toString(16)} order=0`)); this.shiftAfter(dupAt + 1, l.pfn, -1); this.dropFreesAfter(lastZeroRec, l.pfn); }
    else this.shiftAfter(dupAt, l.pfn, -1);
    return this.result(lastZeroRec, l.pfn, `duplicated the put at record ${i} of pfn 0x${l.pfn.toString(16)}`);
  }

  private dropFreesAfter(r: TraceRecord, pfn: number): void {
    const start = this.trace.records.indexOf(r);
    for (let k = start + 1; k < this.trace.records.length; k++) {
      const e = this.parsed[k];
      if (e?.pfn !== pfn) continue;
      if (FREES.has(e.event)) this.rec(k).dropped = true;
      else if (e.event === 'page_ref_set') return;
    }
  }

  /** A get_page after the page was freed (use after free), by the task that freed it. */
  getAfterFree(nth = 0): Mutation | null {
    const l = this.simpleLives()[nth];
    if (l === undefined) return null;
    const freeIdx = l.indices[l.indices.length - 1] as number;
    const args = `pfn=0x${l.pfn.toString(16)} flags=none count=1 mapcount=0 mapping=0000000000000000 mt=1 val=1`;
    const r = this.insertAfter(freeIdx, this.lineAs(freeIdx, 'page_ref_mod', args));
    return this.result(r, l.pfn, `inserted a get after the free of pfn 0x${l.pfn.toString(16)}`);
  }

  /** A failing speculative get after free (get_page_unless_zero losing the race): legal. */
  speculativeGetAfterFree(nth = 0): Mutation | null {
    const l = this.simpleLives()[nth];
    if (l === undefined) return null;
    const freeIdx = l.indices[l.indices.length - 1] as number;
    const args = `pfn=0x${l.pfn.toString(16)} flags=none count=0 mapcount=0 mapping=0000000000000000 mt=1 val=1 ret=0`;
    const r = this.insertAfter(freeIdx, this.lineAs(freeIdx, 'page_ref_mod_unless', args));
    return this.result(r, l.pfn, `inserted a failing speculative get after the free of pfn 0x${l.pfn.toString(16)}`);
  }

  /** __free_pages without dropping the last reference: the final put is gone, the free stays. */
  freeWithoutLastPut(nth = 0): Mutation | null {
    const l = this.simpleLives().filter((x) => this.finalPutBeforeFree(x) !== null)[nth];
    if (l === undefined) return null;
    const put = this.finalPutBeforeFree(l) as number;
    this.rec(put).dropped = true;
    const free = l.indices.find((k) => k > put && FREES.has((this.ev(k) as ParsedEvent).event)) as number;
    return this.result(this.rec(free), l.pfn, `removed the final put of pfn 0x${l.pfn.toString(16)}, kept its free`);
  }

  private finalPutBeforeFree(l: Life): number | null {
    const evs = l.indices;
    for (let k = evs.length - 1; k >= 0; k--) {
      const e = this.ev(evs[k] as number) as ParsedEvent;
      if (e.event === 'page_ref_mod_and_test') return field(e.args, 'ret') === 1 ? (evs[k] as number) : null;
    }
    return null;
  }

  /** A second mm_page_free of a page already freed, before any new allocation. */
  doubleFree(nth = 0, opts: { requireRefEvents?: boolean } = {}): Mutation | null {
    const cands: number[] = [];
    for (let i = 0; i < this.parsed.length && cands.length <= nth; i++) {
      const e = this.parsed[i];
      if (e?.event !== 'mm_page_free' || e.pfn === null || field(e.args, 'order') !== 0) continue;
      if (opts.requireRefEvents !== false && !this.sameCpuUntilNextUse(i, e)) continue;
      cands.push(i);
    }
    const i = cands[nth];
    if (i === undefined) return null;
    const e = this.ev(i) as ParsedEvent;
    const r = this.insertAfter(i, this.rec(i).text);
    return this.result(r, e.pfn as number, `duplicated mm_page_free of pfn 0x${(e.pfn as number).toString(16)}`);
  }

  private sameCpuUntilNextUse(i: number, e: ParsedEvent): boolean {
    for (let k = i + 1; k < this.parsed.length; k++) {
      const x = this.parsed[k];
      if (x?.pfn === e.pfn) return x.cpu === e.cpu && Number(x.ts) - Number(e.ts) > 0.01;
    }
    return true;
  }

  /** An unpin_user_page missing: the pin stays, the page is never freed. */
  removeUnpin(nth = 0): Mutation | null {
    const cands = this.simpleLives().filter((l) => this.unpinOf(l) !== null);
    const l = cands[nth];
    if (l === undefined) return null;
    const i = this.unpinOf(l) as number;
    this.rec(i).dropped = true;
    this.shiftAfter(i, l.pfn, +1024);
    const pin = l.indices.find((k) => (field((this.ev(k) as ParsedEvent).args, 'val') ?? 0) === 1024 || (field((this.ev(k) as ParsedEvent).args, 'val') ?? 0) === 1023) as number;
    return this.result(this.rec(pin), l.pfn, `removed the unpin of pfn 0x${l.pfn.toString(16)}`);
  }

  private unpinOf(l: Life): number | null {
    return l.indices.find((k) => field((this.ev(k) as ParsedEvent).args, 'val') === -1024) ?? null;
  }

  /** unpin_user_page called twice. */
  duplicateUnpin(nth = 0): Mutation | null {
    const l = this.simpleLives().filter((x) => this.unpinOf(x) !== null)[nth];
    if (l === undefined) return null;
    const i = this.unpinOf(l) as number;
    const e = this.ev(i) as ParsedEvent;
    const now = (field(e.args, 'count') as number) - 1024;
    const r = this.insertAfter(i, this.retFor(e.event, withField(this.rec(i).text, 'count', now), now));
    this.shiftAfter(i + 1, l.pfn, -1024);
    return this.result(r, l.pfn, `duplicated the unpin of pfn 0x${l.pfn.toString(16)}`);
  }

  /** A plain get_page on a page frozen by page_ref_freeze (before its unfreeze). */
  getWhileFrozen(nth = 0, speculative = false): Mutation | null {
    let seen = 0;
    for (let i = 0; i < this.parsed.length; i++) {
      const e = this.parsed[i];
      if (e?.event !== 'page_ref_freeze' || field(e.args, 'ret') !== 1 || e.pfn === null) continue;
      if (seen++ < nth) continue;
      const args = speculative
        ? `pfn=0x${e.pfn.toString(16)} flags=none count=0 mapcount=0 mapping=0000000000000000 mt=1 val=1 ret=0`
        : `pfn=0x${e.pfn.toString(16)} flags=none count=1 mapcount=0 mapping=0000000000000000 mt=1 val=1`;
      const r = this.insertAfter(i, this.lineAs(i, speculative ? 'page_ref_mod_unless' : 'page_ref_mod', args));
      return this.result(r, e.pfn, `inserted a ${speculative ? 'failing speculative ' : ''}get on frozen pfn 0x${e.pfn.toString(16)}`);
    }
    return null;
  }

  /** A get whose event is missing (an untraced atomic_inc on _refcount): later counts are 1 higher. */
  untracedGet(nth = 0): Mutation | null {
    const l = this.simpleLives().filter((x) => this.firstPut(x) !== null)[nth];
    if (l === undefined) return null;
    const i = this.firstPut(l) as number;
    this.shiftAfter(i - 1, l.pfn, +1);
    return this.result(this.rec(i), l.pfn, `shifted counts from record ${i} of pfn 0x${l.pfn.toString(16)} (an untraced get)`);
  }

  /** A mapping without its reference: the get taken with the first mapping is removed. */
  mapWithoutRef(nth = 0): Mutation | null {
    const l = this.mappedLives().filter((x) => this.mapGet(x) !== null)[nth];
    if (l === undefined) return null;
    const i = this.mapGet(l) as number;
    this.rec(i).dropped = true;
    const target = l.indices.find((k) => k > i && (field((this.ev(k) as ParsedEvent).args, 'mapcount') ?? 0) >= 1 && (field((this.ev(k) as ParsedEvent).args, 'count') ?? 0) <= (field((this.ev(k) as ParsedEvent).args, 'mapcount') ?? 0));
    this.shiftAfter(i, l.pfn, -1);
    if (target === undefined || this.rec(target).dropped) return null;
    return this.result(this.rec(target), l.pfn, `removed the get that came with the mapping of pfn 0x${l.pfn.toString(16)}`);
  }

  private mapGet(l: Life): number | null {
    for (const k of l.indices) {
      const e = this.ev(k) as ParsedEvent;
      if (e.event === 'page_ref_mod' && field(e.args, 'val') === 1 && field(e.args, 'mapcount') === 1 && field(e.args, 'count') === 2) return k;
    }
    return null;
  }

  /** A device page (given range) loses one put too many: duplicate its release. */
  duplicateDevicePut(range: { start: number; end: number }, nth = 0): Mutation | null {
    let seen = 0;
    for (let i = 0; i < this.parsed.length; i++) {
      const e = this.parsed[i];
      if (e === null || e === undefined || e.pfn === null || e.pfn < range.start || e.pfn >= range.end) continue;
      if (e.event !== 'page_ref_mod_and_return' && e.event !== 'page_ref_mod_and_test') continue;
      const val = field(e.args, 'val');
      if (val !== -1) continue;
      if (seen++ < nth) continue;
      const now = (field(e.args, 'count') as number) - 1;
      const r = this.insertAfter(i, this.retFor(e.event, withField(this.rec(i).text, 'count', now), now));
      this.shiftAfter(i + 1, e.pfn, -1);
      return this.result(r, e.pfn, `duplicated a put of device pfn 0x${e.pfn.toString(16)}`);
    }
    return null;
  }

  /**
   * A device driver that forgets to drop its reference: the first put after the driver handed
   * the page out (page_ref_set 1) is removed. The page then stays referenced after its user
   * unmaps it and is never freed.
   */
  removeDevicePut(range: { start: number; end: number }, nth = 0): Mutation | null {
    const lastTs = this.lastTs();
    let seen = 0;
    const handedOut = new Set<number>();
    for (let i = 0; i < this.parsed.length; i++) {
      const e = this.parsed[i];
      if (e === null || e === undefined || e.pfn === null || e.pfn < range.start || e.pfn >= range.end) continue;
      if (e.event === 'page_ref_set' && field(e.args, 'val') === 1) { handedOut.add(e.pfn); continue; }
      if (!handedOut.has(e.pfn) || e.event !== 'page_ref_mod_and_test' || field(e.args, 'ret') !== 0 || (field(e.args, 'val') ?? 0) >= 0) continue;
      handedOut.delete(e.pfn);
      const lastOnPfn = this.lastIndexOn(e.pfn, i);
      if (lastOnPfn === null || lastTs - Number((this.ev(lastOnPfn) as ParsedEvent).ts) < 0.05) continue;
      if (seen++ < nth) continue;
      const pfn = e.pfn;
      this.rec(i).dropped = true;
      this.shiftAfter(i, pfn, +1);
      let last = i;
      for (let k = i + 1; k < this.trace.records.length; k++) if (this.parsed[k]?.pfn === pfn && !this.rec(k).dropped) last = k;
      if (last === i) return null;
      return this.result(this.rec(last), pfn, `removed the driver's put of device pfn 0x${pfn.toString(16)}`);
    }
    return null;
  }

  private lastIndexOn(pfn: number, from: number): number | null {
    let last: number | null = null;
    for (let k = from + 1; k < this.parsed.length; k++) {
      const x = this.parsed[k];
      if (x?.pfn !== pfn) continue;
      if (x.event === 'page_ref_mod_and_test' && field(x.args, 'ret') === 1) return k;
      last = k;
    }
    return last;
  }
}
