/**
 * Which event a ftrace `<stack trace>` entry belongs to. The entry is written to the same
 * per-CPU buffer right after its event, but an interrupt can come in between and log its
 * own events (with their own stacks) first (seen in real traces: a softirq's frees between
 * a process-context mm_page_alloc and its stack). So: the most recent event on that CPU
 * that has no stack yet and ran in the same irq context (irq-info hardirq/softirq flag),
 * among the last CANDIDATE_EVENTS events of that CPU and at most STACK_WINDOW rows back.
 * The rule depends only on positions in the trace, so any chunking gives the same answer.
 *
 * One class serves the chunk parser (local rows) and the merger (global rows).
 */
export const STACK_WINDOW = 8192;
export const CANDIDATE_EVENTS = 64;

export interface Candidate { row: number; seq: number; ctx: string }
export type StackTargetsData = Array<[cpu: number, events: number, candidates: Candidate[]]>;

export class StackTargets {
  private readonly lists = new Map<number, Candidate[]>();
  private readonly counts = new Map<number, number>();

  /** Events seen so far on `cpu`. */
  events(cpu: number): number {
    return this.counts.get(cpu) ?? 0;
  }

  eventSeen(cpu: number, row: number, ctx: string): void {
    const seq = this.events(cpu);
    this.counts.set(cpu, seq + 1);
    let list = this.lists.get(cpu);
    if (list === undefined) { list = []; this.lists.set(cpu, list); }
    list.push({ row, seq, ctx });
    prune(list, seq + 1);
  }

  /**
   * Take the target of a stack entry on `cpu` in context `ctx`, seen when `rowsBefore` rows
   * and `seqNow` events on that CPU precede it. Returns the row, or -1.
   */
  take(cpu: number, ctx: string, rowsBefore: number, seqNow = this.events(cpu)): number {
    const list = this.lists.get(cpu);
    if (list === undefined) return -1;
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i] as Candidate;
      if (c.seq < seqNow - CANDIDATE_EVENTS || rowsBefore - 1 - c.row > STACK_WINDOW) return -1;
      if (c.ctx === ctx || c.ctx === '' || ctx === '') {
        list.splice(i, 1);
        return c.row;
      }
    }
    return -1;
  }

  /** Could an earlier chunk still hold the target (nothing local was old enough to rule it out)? */
  mayBeEarlier(cpu: number, rowsBefore: number): boolean {
    return this.events(cpu) < CANDIDATE_EVENTS && rowsBefore <= STACK_WINDOW + 1;
  }

  toData(): StackTargetsData {
    return [...this.counts.keys()].map((cpu) => [cpu, this.events(cpu), this.lists.get(cpu) ?? []]);
  }

  /** Append a later chunk's state: its rows start at `rowBase`. */
  absorb(data: StackTargetsData, rowBase: number): void {
    for (const [cpu, events, cands] of data) {
      const seqBase = this.events(cpu);
      let list = this.lists.get(cpu);
      if (list === undefined) { list = []; this.lists.set(cpu, list); }
      for (const c of cands) list.push({ row: c.row + rowBase, seq: c.seq + seqBase, ctx: c.ctx });
      this.counts.set(cpu, seqBase + events);
      prune(list, seqBase + events);
    }
  }
}

/** Drop candidates that can no longer be chosen (take() stops at the first too-old one anyway). */
function prune(list: Candidate[], seqNow: number): void {
  if (list.length <= 2 * CANDIDATE_EVENTS) return;
  let drop = 0;
  while (drop < list.length && (list[drop] as Candidate).seq < seqNow - CANDIDATE_EVENTS) drop++;
  if (drop > 0) list.splice(0, drop);
}
