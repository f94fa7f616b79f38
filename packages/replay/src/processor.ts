/**
 * The replay processor: one pass over events.arrow batches. For each event it decodes the
 * row from typed column views, lets every detector look at the page before the event, then
 * applies the event to the model. Findings that a reordering of the page's events between
 * CPUs could explain are held for the reordering window and dropped when another CPU touches
 * the page within it.
 */
import type { RecordBatch } from 'apache-arrow';
import { PagetraceError, type RunMeta } from '@pagetrace/ingest';
import { DictCol, Int64Col, NumCol, int64At } from './io/columns.js';
import { ReplayCore } from './wasm/replay-core.js';
import { BLOCK_ROWS, DecodedBatch, HAS_COUNT, HAS_MAPCOUNT, HAS_RET, HAS_VAL } from './io/decoded-batch.js';
import { DETECTORS, type At, type Detector, type DetectorContext, type Finding } from './detectors/index.js';
import { countDiscontinuity } from './detectors/count-discontinuity.js';
import { deviceRefcountRule } from './detectors/device-refcount-rule.js';
import { doubleFree } from './detectors/double-free.js';
import { freeWithReferences } from './detectors/free-with-references.js';
import { frozenPageTouched } from './detectors/frozen-page-touched.js';
import { mapcountExceedsRefcount } from './detectors/mapcount-exceeds-refcount.js';
import { migrationBlocked } from './detectors/migration-blocked.js';
import { pinUnderflow } from './detectors/pin-underflow.js';
import { refOnFreePage } from './detectors/ref-on-free-page.js';
import { refcountUnderflow } from './detectors/refcount-underflow.js';
import { liveGroups } from './detectors/live-at-end.js';
import { DeviceRanges } from './model/device-ranges.js';
import { EventView } from './model/event.js';
import { FLAG_LRU, FLAG_SLAB, FLAG_SWAPCACHE, FLAG_USER_PAGE, MAPPING, PageModel } from './model/model.js';
import { OP, OP_COUNT, isPageRefOp, opOfEventName, type Op } from './model/ops.js';
import type { PageSeq, PageState } from './model/page.js';
import { chooseProfile, type ChosenProfile, type TraceEvidence } from './model/profiles.js';
import { DeviceRangeInference, type InferredRange } from './model/infer-device.js';
import type { Anomaly, ReplayHooks, ReplayOptions, ReplaySummary, Severity } from './types.js';

/**
 * The per-event detectors, called directly per operation class in registry order (the order
 * findings of one event are reported in). One call site per detector lets the compiler inline
 * each handleEvent's cheap checks into the loop; a loop over a list of handlers made every
 * check an indirect call (~12 % of the replay). FUSED_BY_OP says what checkEvent calls and is
 * compared with the registry (DETECTORS and their `ops`) when this module loads, so a detector
 * added to the registry but not here fails at once instead of being skipped.
 */
function checkEvent(e: EventView, p: PageState, ctx: DetectorContext): void {
  const op = e.op;
  if (op >= OP.REF_SET && op <= OP.REF_UNFREEZE) {
    refcountUnderflow.handleEvent?.(e, p, ctx);
    refOnFreePage.handleEvent?.(e, p, ctx);
    deviceRefcountRule.handleEvent?.(e, p, ctx);
    pinUnderflow.handleEvent?.(e, p, ctx);
    mapcountExceedsRefcount.handleEvent?.(e, p, ctx);
    frozenPageTouched.handleEvent?.(e, p, ctx);
    if (op === OP.REF_FREEZE) migrationBlocked.handleEvent?.(e, p, ctx);
    countDiscontinuity.handleEvent?.(e, p, ctx);
  } else if (op === OP.FREE || op === OP.FREE_BATCHED) {
    freeWithReferences.handleEvent?.(e, p, ctx);
    doubleFree.handleEvent?.(e, p, ctx);
  }
}

const FUSED_BY_OP = (op: number): readonly Detector[] =>
  isPageRefOp(op as Op)
    ? [refcountUnderflow, refOnFreePage, deviceRefcountRule, pinUnderflow, mapcountExceedsRefcount, frozenPageTouched, ...(op === OP.REF_FREEZE ? [migrationBlocked] : []), countDiscontinuity]
    : op === OP.FREE || op === OP.FREE_BATCHED ? [freeWithReferences, doubleFree] : [];

function assertFusedMatchesRegistry(): void {
  for (let op = 0; op < OP_COUNT; op++) {
    const registry = DETECTORS.filter((d) => d.handleEvent !== undefined && (d.ops === undefined || d.ops.includes(op as Op)));
    const fused = FUSED_BY_OP(op);
    if (registry.length !== fused.length || registry.some((d, k) => d !== fused[k])) {
      throw new Error(`replay: checkEvent (processor.ts) does not call the registry's detectors for operation ${op}: ${registry.map((d) => d.kind).join(', ')}`);
    }
  }
}
assertFusedMatchesRegistry();

/** Pending pages the core checks each event against; with more, JavaScript replays every event until they expire. */
const MAX_PENDING_PAGES_IN_CORE = 16;

export const DEFAULT_REORDER_WINDOW_NS = 2_000_000n;
export const DEFAULT_REORDER_WINDOW_EVENTS = 65_536;

export interface ReplayResult {
  summary: ReplaySummary;
  anomalies: Anomaly[];
  /** Every page touched, in pfn order, without a handle each (one cursor): what pages.arrow is written from. */
  pageRows: PageSeq;
  /** Latest timestamp of any page's last event (0 when none is later): pages.arrow's "now" for open pins. */
  endTs: number;
}

export interface Replayer {
  pushBatch(batch: RecordBatch): void;
  /** A buffer for reading batches into: where the replay core reads their columns without a copy (batches elsewhere are copied there). */
  batchBuffer(bytes: number): Uint8Array;
  finish(): ReplayResult;
}

export interface ReplayerHooks extends ReplayHooks {
  /** Frames of a stacks.arrow row, for evidence and call sites (replayRun provides it). */
  frames?: (stackId: number) => readonly string[];
  /** Replay every event with the JavaScript model, never the core's loop: the reference the core is tested against. */
  javascriptOnly?: boolean;
}

interface Pending { f: Finding; at: At; p: PageState; cpu: number; done: boolean; uncertain: boolean }

const explains = (f: Finding, op: number): boolean => f.explainedBy === undefined || f.explainedBy.includes(op as Op);

class BatchColumns {
  readonly line: Int64Col; readonly ts: Int64Col; readonly cpu: NumCol; readonly pid: NumCol;
  readonly comm: DictCol; readonly event: DictCol; readonly pfn: Int64Col | null; readonly order: NumCol | null;
  readonly count: NumCol | null; readonly mapcount: NumCol | null; readonly val: NumCol | null; readonly ret: NumCol | null;
  readonly flags: DictCol | null; readonly mapping: Int64Col | null; readonly stack: NumCol | null; readonly pfnEnd: Int64Col | null;
  constructor(b: RecordBatch) {
    this.line = req(Int64Col.of(b, 'line'), 'line');
    this.ts = req(Int64Col.of(b, 'ts_ns'), 'ts_ns');
    this.cpu = req(NumCol.of(b, 'cpu'), 'cpu');
    this.pid = req(NumCol.of(b, 'pid'), 'pid');
    this.comm = req(DictCol.of(b, 'comm'), 'comm');
    this.event = req(DictCol.of(b, 'event'), 'event');
    // Optional columns null on every row of the batch count as absent (io/columns.ts dataOf).
    this.pfn = Int64Col.of(b, 'pfn');
    this.order = NumCol.of(b, 'order');
    this.count = NumCol.of(b, 'count');
    this.mapcount = NumCol.of(b, 'mapcount');
    this.val = NumCol.of(b, 'val');
    this.ret = NumCol.of(b, 'ret');
    this.flags = DictCol.of(b, 'flags');
    this.mapping = Int64Col.of(b, 'mapping');
    this.stack = NumCol.of(b, 'stack_id');
    this.pfnEnd = Int64Col.of(b, 'pfn_end');
  }
}

function req<T>(v: T | null, name: string): T {
  if (v === null) throw new PagetraceError(`events.arrow has no column "${name}", or no value in it (written by an incompatible pagetrace version?)`);
  return v;
}

export class ReplayProcessor implements Replayer {
  private chosen: ChosenProfile | null = null;
  private model: PageModel | null = null;
  private devices: DeviceRanges;
  private readonly ev = new EventView();
  /** The memory of the model's pages and the decoded block, and the loop that replays the common case (wasm/replay-core.ts). */
  private readonly core = new ReplayCore();
  private readonly decoded = new DecodedBatch(this.core);
  private row = 0;
  private pageRefEvents = 0;
  private readonly anomalies: Anomaly[] = [];
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private readonly pendingByPfn = new Map<number, Pending[]>();
  private suppressedByReordering = 0;
  private commNames: string[] = [];
  private readonly lostLines: number[];
  private lostNext = 0;
  /** Page events whose pfn was unreadable: treated as losses (see pushBatch). */
  private unreadablePageEvents = 0;
  private readonly windowNs: number;
  private readonly windowEvents: number;
  private readonly useTime: boolean;
  private readonly started = process.hrtime.bigint();
  private end = { ts: 0, line: 0, row: 0 };
  private ctx: DetectorContext | null = null;

  constructor(private readonly meta: RunMeta, private readonly opts: ReplayOptions = {}, private readonly hooks: ReplayerHooks = {}) {
    this.devices = DeviceRanges.from(meta, opts.devicePfns);
    this.lostLines = meta.lost_events.map((m) => m.line).sort((a, b) => a - b);
    this.windowNs = Number(opts.reorderWindowNs ?? DEFAULT_REORDER_WINDOW_NS);
    this.windowEvents = opts.reorderWindowEvents ?? DEFAULT_REORDER_WINDOW_EVENTS;
    this.useTime = meta.clock.kind === 'ns';
  }

  batchBuffer(bytes: number): Uint8Array {
    const at = this.core.alloc(bytes, 'a batch buffer');
    return this.core.u8.subarray(at, at + bytes);
  }

  pushBatch(batch: RecordBatch): void {
    if (batch.numRows === 0) return;
    const cols = new BatchColumns(batch);
    const ops = this.opsOf(cols.event);
    if (this.chosen === null) this.start(cols, ops, batch.numRows);
    this.refreshComms(cols.comm);
    const flagBits = flagBitsOf(cols.flags);
    const d = this.decoded;
    d.bind(cols, ops, flagBits);
    const n = batch.numRows;
    for (let from = 0; from < n; from += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, n - from);
      d.fill(from, count);
      this.replayBlock(d, from, flagBits);
    }
    this.end = { ts: int64At(d.tsWords, n - 1, d.tsSigned), line: int64At(d.lineWords, n - 1, d.lineSigned), row: this.row - 1 };
  }

  /**
   * The events of one decoded block (rows from .. from + d.length - 1 of the batch): the
   * core replays the common case until an event needs the full model, which replays that
   * one here (see coreMayRun for the core's limits while findings are pending).
   */
  private replayBlock(d: DecodedBatch, from: number, flagBits: Uint8Array | null): void {
    const model = this.model as PageModel;
    const ctx = this.ctx as DetectorContext;
    const core = this.core.x;
    const e = this.ev;
    const n = d.length;
    const rowBase = this.row;
    let nextLost = this.nextLostLine();
    core.newBlock();
    model.reserveHolders(n);
    for (let i = 0; i < n; i++) {
      if (this.hooks.javascriptOnly !== true && this.coreMayRun()) {
        i = core.run(i, n, from, rowBase, nextLost, model.lossEpoch);
        if (i === n) break;
      }
      const row = rowBase + i;
      this.decode(d, i, from + i, row, e);
      while (e.line > nextLost) { model.lossEpoch++; this.lostNext++; nextLost = this.nextLostLine(); }
      if (this.pendingHead < this.pending.length) this.expirePending(e);
      if (isPageRefOp(e.op)) this.pageRefEvents++;
      if (e.pfn < 0) {
        // A page event whose pfn could not be read (meta.lines.unreadable_fields) happened to
        // some page we cannot name: like a lost event, it makes every page seen so far
        // uncertain, so the loss never turns into an error. (A failed mm_page_alloc has no
        // pfn by design and is not a loss.)
        if (isPageRefOp(e.op) || e.op === OP.FREE || e.op === OP.FREE_BATCHED) { model.lossEpoch++; this.unreadablePageEvents++; }
        continue;
      }
      if (e.pfnEnd >= 0) {
        // A pfn range (compaction scans, isolation tests) is not an event of one page.
        if (e.op === OP.ISOLATE_FREE) model.isolateFree(e.pfn, e.pfnEnd);
        continue;
      }
      const p = model.cursorAt(e.pfn);
      const bits = e.flagsIndex >= 0 && flagBits !== null ? (flagBits[e.flagsIndex] as number) : 0;
      e.mappingKind = d.mappingKind[i] as number;
      e.mapcountMeaningful = mapcountMeaningful(e.mappingKind, bits);
      if (this.pendingByPfn.size > 0) this.explainPending(p, e);
      e.keepSum = false;
      checkEvent(e, p, ctx);
      model.touch(p, e);
      model.apply(p, e, e.mappingKind, bits);
    }
    this.row = rowBase + n;
  }

  /**
   * Whether the core may replay the next events, its limits set: with nothing pending, none;
   * with findings waiting out the reordering window, the oldest one's window and every
   * pending pfn (the core leaves events past the window or on those pages to expirePending
   * and explainPending). Not with an explained finding at the head (the next event expires
   * it) or more pending pages than the core scans per event.
   */
  private coreMayRun(): boolean {
    const x = this.core.x;
    if (this.pendingHead === this.pending.length) { x.pendingCount.value = 0; return true; }
    const head = this.pending[this.pendingHead] as Pending;
    if (head.done || this.pendingByPfn.size > MAX_PENDING_PAGES_IN_CORE) return false;
    x.stopRow.value = head.at.row + this.windowEvents;
    x.pendingTs.value = head.at.ts;
    x.windowNs.value = this.useTime ? this.windowNs : Infinity;
    if (this.pendingPfnsAt === 0) this.pendingPfnsAt = this.core.alloc(8 * MAX_PENDING_PAGES_IN_CORE, 'pending pages');
    let k = 0;
    for (const pfn of this.pendingByPfn.keys()) this.core.f64[this.pendingPfnsAt / 8 + k++] = pfn;
    x.pendingAt.value = this.pendingPfnsAt;
    x.pendingCount.value = k;
    return true;
  }

  private pendingPfnsAt = 0;

  /** Line of the next lost-events marker not yet passed (Infinity after the last). */
  private nextLostLine(): number {
    return this.lostNext < this.lostLines.length ? (this.lostLines[this.lostNext] as number) : Infinity;
  }

  finish(): ReplayResult {
    if (this.chosen === null) this.startEmpty();
    const ctx = this.ctx as DetectorContext;
    this.expirePending(null);
    const model = this.model as PageModel;
    // One pass over the pages in slot order (sequential memory, one cursor: no handle per
    // page) for what the summary needs: device inference, sums and maxima (none of it
    // depends on order, and the detectors' finalize below changes none of it).
    const inference = new DeviceRangeInference();
    const totals: PageTotals = { endTs: 0, perfLive: 0, perfLiveKb: 0, pinnedPages: 0, pins: 0 };
    model.forEachPage((p) => { inference.add(p); addToTotals(totals, p); });
    const inferred = inference.ranges();
    for (const d of DETECTORS) d.finalize?.(ctx);
    return {
      summary: this.summary(model.pageCount, totals, inferred), anomalies: this.anomalies, endTs: totals.endTs,
      pageRows: model.pagesByPfn(),
    };
  }

  // ---- setup -------------------------------------------------------------------------

  private start(cols: BatchColumns, ops: Op[], n: number): void {
    this.chosen = chooseProfile(this.meta, this.opts, gatherEvidence(cols, ops, Math.min(n, 200_000), this.devices));
    this.makeModel();
  }

  private startEmpty(): void {
    this.chosen = chooseProfile(this.meta, this.opts, null);
    this.makeModel();
  }

  private makeModel(): void {
    const c = this.chosen as ChosenProfile;
    const hasRef = Object.keys(this.meta.event_counts).some((k) => /(^|:)page_ref_/.test(k));
    // Every page is named by at least one event: the event count bounds the pages touched.
    this.model = new PageModel(this.devices, c.profile, c.choice.mapcount_raw, hasRef, this.meta.lines?.events ?? 0, this.core);
    const self = this;
    this.ctx = {
      model: this.model,
      profile: c.profile,
      choice: c.choice,
      report: (f, e, p) => self.report(f, self.snapshot(e), p, e),
      reportAt: (f, at, p) => self.confirm(f, at, p, p !== null && self.model !== null && self.model.isUncertain(p)),
      commName: (k) => self.commNames[k] ?? '',
      frames: (id) => (id >= 0 && self.hooks.frames !== undefined ? self.hooks.frames(id) : []),
      get end() { return self.end; },
    };
  }

  private opsOf(col: DictCol): Op[] { return col.entries().map(opOfEventName); }

  private refreshComms(col: DictCol): void {
    const d = col.dictionary;
    if (d !== null && d.length !== this.commNames.length) this.commNames = col.entries();
  }

  /** Event i of the decoded block, row r of the batch (the never-null columns are read at r). */
  private decode(d: DecodedBatch, i: number, r: number, row: number, e: EventView): void {
    e.row = row;
    e.line = int64At(d.lineWords, r, d.lineSigned);
    e.ts = int64At(d.tsWords, r, d.tsSigned);
    e.cpu = d.cpuValues[r] as number;
    e.pid = d.pidValues[r] as number;
    e.commIndex = d.commIndices[r] as number;
    e.op = (d.opOfEvent[d.eventIndices[r] as number] ?? OP.OTHER) as Op;
    e.pfn = d.pfn[i] as number;
    e.order = d.order[i] as number;
    const has = d.has[i] as number;
    // Values are 0 where null (decoded that way): no branch per field.
    e.hasCount = (has & HAS_COUNT) !== 0;
    e.count = d.count[i] as number;
    e.hasMapcount = (has & HAS_MAPCOUNT) !== 0;
    e.mapcount = d.mapcount[i] as number;
    e.hasVal = (has & HAS_VAL) !== 0;
    e.val = d.val[i] as number;
    e.hasRet = (has & HAS_RET) !== 0;
    e.ret = d.ret[i] as number;
    e.flagsIndex = d.flagsIndex[i] as number;
    e.stackId = d.stack[i] as number;
    e.pfnEnd = d.pfnEnd[i] as number;
  }

  // ---- findings ----------------------------------------------------------------------

  private snapshot(e: EventView): At {
    return { row: e.row, line: e.line, ts: e.ts, pid: e.pid, comm: this.commNames[e.commIndex] ?? '', stackId: e.stackId };
  }

  private withinWindow(dts: number, drow: number): boolean {
    return this.useTime ? dts <= this.windowNs : drow <= this.windowEvents;
  }

  private report(f: Finding, at: At, p: PageState, e: EventView): void {
    // Uncertainty is judged before the event resynchronises the page.
    const uncertain = (this.model as PageModel).isUncertain(p);
    if (!f.reorderSensitive) { this.confirm(f, at, p, uncertain); return; }
    const cpu = e.cpu;
    // Look back: the most recent event on this page from another CPU.
    const otherIsLast = p.lastCpu >= 0 && p.lastCpu !== cpu;
    const otherIsAlt = !otherIsLast && p.altCpu >= 0 && p.altCpu !== cpu;
    if ((otherIsLast && explains(f, p.lastOp)) || (otherIsAlt && explains(f, p.altOp))) {
      const dts = at.ts - (otherIsLast ? p.lastTs : p.altTs);
      const drow = at.row - (otherIsLast ? p.lastRow : p.altRow);
      if (this.withinWindow(dts, drow)) {
        this.suppressedByReordering++;
        // The count was printed out of order: the running sum is the page's state.
        if (f.resync !== undefined) e.keepSum = true;
        return;
      }
    }
    // Held beyond this event: the page's own handle, never the model's cursor.
    const pend: Pending = { f, at, p: (this.model as PageModel).handleOf(p), cpu, done: false, uncertain };
    this.pending.push(pend);
    const list = this.pendingByPfn.get(p.pfn);
    if (list === undefined) this.pendingByPfn.set(p.pfn, [pend]); else list.push(pend);
  }

  /** Look ahead: another CPU touching the page within the window explains a held finding. */
  private explainPending(p: PageState, e: EventView): void {
    const list = this.pendingByPfn.get(p.pfn);
    if (list === undefined) return;
    for (const q of list) {
      if (q.done || q.cpu === e.cpu || !explains(q.f, e.op)) continue;
      if (this.withinWindow(e.ts - q.at.ts, e.row - q.at.row)) {
        q.done = true;
        this.suppressedByReordering++;
        // The held count was printed out of order: take back the move that followed it.
        if (q.f.resync !== undefined && p.refKnown && !p.frozen) p.ref -= q.f.resync;
      }
    }
  }

  private expirePending(e: EventView | null): void {
    while (this.pendingHead < this.pending.length) {
      const q = this.pending[this.pendingHead] as Pending;
      if (e !== null && !q.done && this.withinWindow(e.ts - q.at.ts, e.row - q.at.row) && e.row - q.at.row <= this.windowEvents) break;
      this.pendingHead++;
      const list = this.pendingByPfn.get(q.p.pfn);
      if (list !== undefined) {
        const k = list.indexOf(q);
        if (k >= 0) list.splice(k, 1);
        if (list.length === 0) this.pendingByPfn.delete(q.p.pfn);
      }
      if (!q.done) this.confirm(q.f, q.at, q.p, q.uncertain);
    }
    if (this.pendingHead > 4096 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
  }

  private confirm(f: Finding, at: At, p: PageState | null, uncertain: boolean): void {
    let severity: Severity = f.severity;
    let message = f.message;
    if (uncertain && severity !== 'info') {
      // After lost events the page's history is incomplete: never an error.
      severity = 'info';
      message = `After lost events (the page's history is incomplete): ${message}`;
    }
    const a: Anomaly = {
      id: this.anomalies.length,
      kind: f.kind,
      severity,
      pfn: p === null ? null : BigInt(p.pfn),
      ts_ns: BigInt(at.ts),
      line: BigInt(at.line),
      event_row: BigInt(at.row),
      expected: f.expected,
      observed: f.observed,
      pid: at.pid,
      comm: at.comm,
      stack_id: at.stackId >= 0 ? at.stackId : null,
      message,
    };
    if (p !== null) p.anomalies++;
    this.anomalies.push(a);
    this.hooks.onAnomaly?.(a);
  }

  // ---- summary -----------------------------------------------------------------------

  private summary(pagesTouched: number, totals: PageTotals, inferred: InferredRange[]): ReplaySummary {
    const bySeverity: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
    const byKind: ReplaySummary['totals']['by_kind'] = {};
    for (const a of this.anomalies) {
      bySeverity[a.severity]++;
      const k = (byKind[a.kind] ??= { error: 0, warning: 0, info: 0 });
      k[a.severity]++;
    }
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const ctx = this.ctx as DetectorContext;
    const groups = liveGroups(ctx);
    const c = this.chosen as ChosenProfile;
    return {
      schema_version: 1,
      tool: 'pagetrace replay',
      profile: c.choice,
      device_ranges: [
        ...this.devices.list.map((r) => ({ start_pfn: hexOf(r.start), end_pfn: hexOf(r.end), kind: r.kind, idle_refcount: c.profile.deviceIdle(r.kind), source: r.source })),
        ...inferred.map((r) => ({ start_pfn: hexOf(r.start), end_pfn: hexOf(r.end), kind: 'unknown', idle_refcount: c.profile.deviceIdle('unknown'), source: 'inferred (not used for the replay rules)', evidence: r.evidence })),
      ],
      reorder_window: { ns: String(this.windowNs), events: this.windowEvents },
      totals: { anomalies: this.anomalies.length, by_severity: bySeverity, by_kind: byKind, suppressed_by_reordering: this.suppressedByReordering },
      events: this.row,
      page_ref_events: this.pageRefEvents + this.core.x.pageRefEvents.value,
      pages_touched: pagesTouched,
      lost_event_markers: this.lostLines.length,
      unreadable_page_events: this.unreadablePageEvents,
      live_at_end: {
        allocations: groups.reduce((n, g) => n + g.allocations, 0),
        pages: groups.reduce((n, g) => n + g.pages.length, 0),
        kb: groups.reduce((n, g) => n + g.allocations * 4 * 2 ** g.order, 0),
        perf_kmem: { allocations: totals.perfLive, kb: totals.perfLiveKb },
        by_site: groups.map((g) => ({ site: g.site, order: g.order, allocations: g.allocations, pages: g.pages.length })),
      },
      long_term_pins: { pages: totals.pinnedPages, pins: totals.pins },
      timings: { seconds, events_per_second: seconds > 0 ? Math.round(this.row / seconds) : 0, core_events: this.core.x.coreEvents.value },
    };
  }
}

const hexOf = (n: number): string => `0x${n.toString(16)}`;

interface PageTotals { endTs: number; perfLive: number; perfLiveKb: number; pinnedPages: number; pins: number }

function addToTotals(t: PageTotals, p: PageState): void {
  if (p.lastTs > t.endTs) t.endTs = p.lastTs;
  t.perfLive += p.perfLive;
  t.perfLiveKb += p.perfLiveKb;
  if (p.pins > 0) t.pinnedPages++;
  t.pins += p.pins;
}

/**
 * Per flags-dictionary entry: swap cache (PG_swapcache = owner_priv_1 on swapbacked pages),
 * user page (on the LRU, swap- or file-backed), slab.
 */
function flagBitsOf(col: DictCol | null): Uint8Array | null {
  if (col === null || col.dictionary === null) return null;
  const names = col.entries();
  const out = new Uint8Array(names.length);
  names.forEach((s, k) => {
    const set = new Set(s.split('|'));
    let b = 0;
    if (set.has('swapcache') || (set.has('owner_priv_1') && set.has('swapbacked'))) b |= FLAG_SWAPCACHE;
    if (set.has('lru') || set.has('swapbacked') || set.has('mappedtodisk') || set.has('anon')) b |= FLAG_USER_PAGE;
    if (set.has('slab')) b |= FLAG_SLAB;
    if (set.has('lru')) b |= FLAG_LRU;
    out[k] = b;
  });
  return out;
}

/**
 * page_mapcount counts user mappings only for user pages: zsmalloc/balloon (movable
 * mappings), slab and other page types reuse the field.
 */
function mapcountMeaningful(kind: number, bits: number): boolean {
  if ((bits & FLAG_SLAB) !== 0 || kind === MAPPING.MOVABLE) return false;
  if (kind === MAPPING.ANON || kind === MAPPING.FILE || kind === MAPPING.NONE) return true;
  return (bits & FLAG_USER_PAGE) !== 0;
}

/** Allocation order and mapcount convention from the first events of the trace. */
function gatherEvidence(c: BatchColumns, ops: Op[], n: number, devices: DeviceRanges): TraceEvidence {
  const ev: TraceEvidence = { setBeforeAlloc: 0, setAfterAlloc: 0, rawMapcountSeen: false, deviceFreedAtZero: 0, deviceIdleAtOne: 0 };
  // Previous event per CPU (typed arrays: no object per event).
  const lastOp = new Int32Array(4096).fill(-1);
  const lastPfn = new Float64Array(4096);
  const lastVal = new Int32Array(4096);
  for (let i = 0; i < n; i++) {
    const op = ops[c.event.index(i)] ?? OP.OTHER;
    if (c.pfn === null || !c.pfn.isValid(i)) continue;
    const pfn = c.pfn.value(i);
    const cpu = c.cpu.value(i) & 4095;
    const val = c.val !== null && c.val.isValid(i) ? c.val.value(i) : 0;
    if (lastOp[cpu] !== -1 && lastPfn[cpu] === pfn) {
      if (op === OP.ALLOC && lastOp[cpu] === OP.REF_SET && lastVal[cpu] === 1) ev.setBeforeAlloc++;
      if (op === OP.REF_SET && val === 1 && lastOp[cpu] === OP.ALLOC) ev.setAfterAlloc++;
    }
    lastOp[cpu] = op; lastPfn[cpu] = pfn; lastVal[cpu] = val;
    if (isPageRefOp(op) && c.mapcount !== null && c.mapcount.isValid(i) && c.mapcount.value(i) === -1) ev.rawMapcountSeen = true;
    if (op === OP.REF_MOD_TEST && devices.find(pfn) !== null && c.ret !== null && c.ret.value(i) === 1) ev.deviceFreedAtZero++;
  }
  return ev;
}

export function createReplayer(meta: RunMeta, opts?: ReplayOptions, hooks?: ReplayerHooks): Replayer {
  return new ReplayProcessor(meta, opts, hooks);
}
