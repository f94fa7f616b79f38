/**
 * Replay floor: how fast this machine can walk events.arrow over typed columns and keep the
 * simplest per-page model — the refcount arithmetic of the page_ref helpers checked against
 * every printed `count`, plus buddy state from mm_page_alloc/free. No detectors, no output.
 *
 * It is not a competitor to replay (which does far more); it tells what "close to what the
 * machine allows" means for the replay target (>= 20 M events/s), and shows the
 * techniques: batch by batch (memory follows pages, not the trace), dictionary ids mapped
 * once per batch, 64-bit pfns read as two 32-bit halves instead of BigInt, one Map per page.
 */
import { open } from 'node:fs/promises';
import { RecordBatchReader, type Data, type Vector } from 'apache-arrow';
import { EVENT_COLUMNS } from '@pagetrace/ingest';

const enum Op { Other, Set, Mod, ModTest, ModReturn, ModUnless, Freeze, Unfreeze, Alloc, Free }

const OP_OF: Record<string, Op> = {
  page_ref_set: Op.Set, page_ref_mod: Op.Mod, page_ref_mod_and_test: Op.ModTest, page_ref_mod_and_return: Op.ModReturn,
  page_ref_mod_unless: Op.ModUnless, page_ref_freeze: Op.Freeze, page_ref_unfreeze: Op.Unfreeze,
  mm_page_alloc: Op.Alloc, mm_page_free: Op.Free,
};

export interface ReplayFloorResult {
  events: number;
  pages: number;
  /** page_ref events whose printed count differs from the model (0 on a generated trace). */
  countMismatches: number;
  seconds: number;
}

const column = (name: string): number => {
  const i = EVENT_COLUMNS.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`events.arrow has no column ${name}`);
  return i;
};

function valid(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const j = data.offset + i;
  return (bitmap[j >> 3]! & (1 << (j & 7))) !== 0;
}

export async function replayFloor(eventsArrow: string): Promise<ReplayFloorResult> {
  const started = performance.now();
  const [EVENT, PFN, COUNT, VAL, RET] = ['event', 'pfn', 'count', 'val', 'ret'].map(column) as [number, number, number, number, number];
  const refcount = new Map<number, number>();
  const file = await open(eventsArrow);
  let events = 0;
  let countMismatches = 0;
  try {
    const reader = await RecordBatchReader.from(file.readableWebStream() as unknown as AsyncIterable<Uint8Array>);
    let opOfId = new Uint8Array(0);
    for await (const batch of reader) {
      const eventData = batch.getChildAt(EVENT)!.data[0]!;
      opOfId = opsOf(eventData.dictionary!, opOfId);
      const ids = eventData.values as Int32Array;
      const pfnData = batch.getChildAt(PFN)!.data[0]!;
      const pfnHalves = new Uint32Array((pfnData.values as BigUint64Array).buffer, (pfnData.values as BigUint64Array).byteOffset, batch.numRows * 2);
      const countData = batch.getChildAt(COUNT)!.data[0]!;
      const counts = countData.values as Int32Array;
      const vals = batch.getChildAt(VAL)!.data[0]!.values as Int32Array;
      const rets = batch.getChildAt(RET)!.data[0]!.values as Int32Array;
      for (let i = 0; i < batch.numRows; i++) {
        const op = opOfId[ids[i]!]!;
        if (op === Op.Other || !valid(pfnData, i)) continue;
        const pfn = pfnHalves[2 * i]! + pfnHalves[2 * i + 1]! * 0x1_0000_0000;
        const before = refcount.get(pfn) ?? 0;
        let after = before;
        switch (op) {
          case Op.Set: case Op.Unfreeze: after = vals[i]!; break;
          case Op.Mod: case Op.ModTest: case Op.ModReturn: after = before + vals[i]!; break;
          case Op.ModUnless: if (rets[i] === 1) after = before + vals[i]!; break;
          case Op.Freeze: if (rets[i] === 1) after = 0; break;
          default: break; // alloc/free: buddy state only
        }
        refcount.set(pfn, after);
        if (op < Op.Alloc && valid(countData, i) && counts[i] !== after) countMismatches++;
      }
      events += batch.numRows;
    }
  } finally {
    await file.close();
  }
  return { events, pages: refcount.size, countMismatches, seconds: (performance.now() - started) / 1000 };
}

/** Op per dictionary id; the dictionary only grows (delta batches), so ids stay valid. */
function opsOf(dictionary: Vector, previous: Uint8Array): Uint8Array {
  if (dictionary.length === previous.length) return previous;
  const ops = new Uint8Array(dictionary.length);
  ops.set(previous);
  for (let id = previous.length; id < dictionary.length; id++) ops[id] = OP_OF[String(dictionary.get(id))] ?? Op.Other;
  return ops;
}
