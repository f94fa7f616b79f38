/**
 * Turns page operations into trace lines, keeping every page's refcount arithmetic exact:
 * `count` printed is always the model value after the operation, `ret` is what the kernel
 * helper returns (include/linux/page_ref.h), timestamps strictly increase.
 *
 * Lines are encoded straight into one reused multi-megabyte Buffer that is handed to `flush`
 * when full: a few hundred large writes per gigabyte, and no big strings for the GC to
 * flatten (concatenating into one string spent half the time in the GC).
 */
import type { Layout } from './layout.js';
import { STACKS, type StackName, type Task } from './templates.js';
import type { Rng } from './rng.js';

export class Page {
  count = 0;
  mapcount = 0;
  /** page->mapping as hex (no 0x), or null. */
  mapping: string | null = null;
  constructor(readonly pfn: number, readonly mt: number) {}
}

export interface EmitterStats {
  bytes: number;
  lines: number;
  events: number;
  stackLines: number;
  /** ftrace ring-buffer entries (events + `<stack trace>` entries), for the header. */
  entries: number;
}

const BUFFER_BYTES = 4 << 20;
/** Longest text one event can add (line + stack); a safe margin before flushing. */
const EVENT_MAX_BYTES = 8 << 10;

export class Emitter {
  readonly stats: EmitterStats = { bytes: 0, lines: 0, events: 0, stackLines: 0, entries: 0 };
  private ts: number;
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private used = 0;

  constructor(
    private readonly layout: Layout,
    private readonly rng: Rng,
    private readonly withStacks: boolean,
    private readonly flush: (bytes: Buffer) => void,
    /** Print only kmem:* events (what the real host perf/trace-cmd captures carry: no CONFIG_DEBUG_PAGE_REF). */
    private readonly kmemOnly = false,
    startMicros = 7_000_000,
  ) {
    this.ts = startMicros;
  }

  /** Print one event line (and its stack when stacks are on). */
  event(task: Task, irq: string, name: string, args: string, stack: StackName): void {
    this.ts += 1 + this.rng.int(8);
    let text = this.layout.context(task, irq, this.ts, name) + args + '\n';
    this.stats.events++;
    this.stats.entries++;
    this.stats.lines++;
    if (this.withStacks) {
      const frames = STACKS[stack];
      const stackText = this.layout.stack(task, irq, this.ts + 1, frames);
      if (stackText !== '') {
        text += stackText;
        const extra = countNewlines(stackText);
        this.stats.lines += extra;
        // ftrace: `<stack trace>` line is an entry, the ` => ` lines are its frames.
        this.stats.stackLines += extra - this.layout.stackEntries;
        this.stats.entries += this.layout.stackEntries;
        this.ts += 1;
      }
    }
    if (text.length > EVENT_MAX_BYTES) throw new Error(`event text of ${text.length} bytes exceeds ${EVENT_MAX_BYTES}`);
    this.stats.bytes += text.length;
    if (this.used + text.length > BUFFER_BYTES - EVENT_MAX_BYTES) this.drain();
    this.used += this.buffer.write(text, this.used, 'latin1');
  }

  drain(): void {
    if (this.used === 0) return;
    this.flush(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  // ---- page_ref:* (include/trace/events/page_ref.h print fmt) ----

  private pageRef(task: Task, irq: string, name: string, p: Page, flags: string, val: number, ret: number | null, stack: StackName): void {
    if (this.kmemOnly) return; // the model still runs: counts stay right for the kmem events
    const args = `pfn=0x${p.pfn.toString(16)} flags=${flags} count=${p.count} mapcount=${p.mapcount} mapping=${this.layout.pointer(p.mapping)} mt=${p.mt} val=${val}`;
    this.event(task, irq, name, ret === null ? args : `${args} ret=${ret}`, stack);
  }

  /** set_page_count / init_page_count: page_ref_set val=v. */
  set(t: Task, irq: string, p: Page, v: number, flags: string, stack: StackName): void {
    p.count = v;
    this.pageRef(t, irq, 'page_ref_set', p, flags, v, null, stack);
  }

  /** page_ref_add/sub/inc/dec: page_ref_mod val=±n. */
  mod(t: Task, irq: string, p: Page, delta: number, flags: string, stack: StackName): void {
    p.count += delta;
    this.pageRef(t, irq, 'page_ref_mod', p, flags, delta, null, stack);
  }

  /** put_page / folio_put_refs: page_ref_mod_and_test val=-n ret=(new count == 0). */
  put(t: Task, irq: string, p: Page, n: number, flags: string, stack: StackName): void {
    p.count -= n;
    this.pageRef(t, irq, 'page_ref_mod_and_test', p, flags, -n, p.count === 0 ? 1 : 0, stack);
  }

  /** get_page_unless_zero / folio_try_get: page_ref_mod_unless val=n ret=1 (ret=0 when the count was 0). */
  tryGet(t: Task, irq: string, p: Page, n: number, flags: string, stack: StackName): void {
    const taken = p.count !== 0;
    if (taken) p.count += n;
    this.pageRef(t, irq, 'page_ref_mod_unless', p, flags, n, taken ? 1 : 0, stack);
  }

  /** page_ref_freeze(p, expected): ret=1 and count 0 when the count was `expected`. */
  freeze(t: Task, irq: string, p: Page, expected: number, flags: string, stack: StackName): void {
    const ok = p.count === expected;
    if (ok) p.count = 0;
    this.pageRef(t, irq, 'page_ref_freeze', p, flags, expected, ok ? 1 : 0, stack);
  }

  /** page_ref_unfreeze(p, v): count set to v from 0. */
  unfreeze(t: Task, irq: string, p: Page, v: number, flags: string, stack: StackName): void {
    p.count = v;
    this.pageRef(t, irq, 'page_ref_unfreeze', p, flags, v, null, stack);
  }

  // ---- kmem:* (include/trace/events/kmem.h print fmt, pfn=0x%lx since 5.14) ----

  alloc(t: Task, irq: string, p: Page, order: number, gfp: string, stack: StackName): void {
    this.event(t, irq, 'mm_page_alloc', `page=${this.layout.page(p.pfn)} pfn=0x${p.pfn.toString(16)} order=${order} migratetype=${p.mt} gfp_flags=${gfp}`, stack);
  }

  free(t: Task, irq: string, p: Page, order: number, stack: StackName): void {
    this.event(t, irq, 'mm_page_free', `page=${this.layout.page(p.pfn)} pfn=0x${p.pfn.toString(16)} order=${order}`, stack);
  }

  freeBatched(t: Task, irq: string, p: Page, stack: StackName): void {
    this.event(t, irq, 'mm_page_free_batched', `page=${this.layout.page(p.pfn)} pfn=0x${p.pfn.toString(16)} order=0`, stack);
  }
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}
