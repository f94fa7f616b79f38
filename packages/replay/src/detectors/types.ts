/**
 * The detector contract (after the Chrome DevTools trace-engine handlers): each detector is
 * a small module with reset/handleEvent/finalize. handleEvent sees the page BEFORE the model
 * applies the event; finalize sees the final state of every page.
 */
import type { EventView } from '../model/event.js';
import type { PageModel } from '../model/model.js';
import type { Op } from '../model/ops.js';
import type { PageState } from '../model/page.js';
import type { Profile } from '../model/profiles.js';
import type { ProfileChoice, Severity } from '../types.js';
import { meaningfulFrames } from './sites.js';

export interface Finding {
  kind: string;
  severity: Severity;
  expected: string | null;
  observed: string | null;
  message: string;
  /**
   * True when a reordering of this page's events between CPUs (within the window) could
   * explain the finding: it is then held back and dropped if another CPU touched the page
   * within the window. Per-CPU order is exact, so same-CPU evidence is never doubted.
   */
  reorderSensitive: boolean;
  /**
   * Operations that, seen on another CPU within the window, can explain the finding (an
   * allocation between two frees, a put racing a get...). Default: any operation.
   */
  explainedBy?: readonly Op[];
  /**
   * How far the model moves the page's refcount to follow the printed count after this
   * finding (observed minus expected). When a reordering between CPUs explains the finding,
   * the running sum was right and the printed count is the one out of order: the processor
   * keeps the sum (or takes the move back once another CPU explains a held finding).
   */
  resync?: number;
}

/** Where a finding points: the triggering event (or, at the end, the page's last event). */
export interface At { row: number; line: number; ts: number; pid: number; comm: string; stackId: number }

export interface DetectorContext {
  readonly model: PageModel;
  readonly profile: Profile;
  readonly choice: ProfileChoice;
  /** Report a finding at the current event. */
  report(f: Finding, e: EventView, p: PageState): void;
  /** Report a finding at a given place (end-of-trace detectors). */
  reportAt(f: Finding, at: At, p: PageState | null): void;
  commName(commIndex: number): string;
  /** Frames of a stack id (empty when unknown). */
  frames(stackId: number): readonly string[];
  /** Timestamp and line of the last event of the trace. */
  readonly end: { ts: number; line: number; row: number };
}

export interface Detector {
  readonly kind: string;
  /** The event operations handleEvent wants (the processor dispatches only these). */
  readonly ops?: readonly Op[];
  reset(): void;
  handleEvent?(e: EventView, p: PageState, ctx: DetectorContext): void;
  finalize?(ctx: DetectorContext): void;
}

/** A short description of the references still outstanding on a page (newest first). */
export function describeHolders(p: PageState, ctx: DetectorContext, max = 4): string {
  const holders = p.holders; // built from the slab at each read
  // Puts match gets newest first; references are interchangeable, so with no get left over the
  // missing put is the last one: the one that drops the reference the page was allocated or
  // handed out with (and would free it), wherever along the page's life a put was skipped.
  if (holders.length === 0) return 'no get is left over (each get in the trace was put again), so the missing put is the last one, which drops the reference the page was allocated or handed out with and frees it';
  const parts: string[] = [];
  for (let i = holders.length - 1; i >= 0 && parts.length < max; i--) {
    const h = holders[i];
    if (h === undefined) continue;
    const frames = h.stackId >= 0 ? meaningfulFrames(ctx.frames(h.stackId)) : [];
    const where = frames.length > 0 ? ` via ${frames.join(' <- ')}` : '';
    parts.push(`${h.val === 1024 ? 'pin' : `+${h.val}`} by ${ctx.commName(h.commIndex)}-${h.pid} at line ${h.line}${where}`);
  }
  return parts.join('; ');
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
