/**
 * The replay core (wasm/replay-core.ts, assembly/) against the JavaScript model it stands in
 * for: the same record layout, and the same outputs, byte for byte, on real traces and on
 * traces with events removed (which make every detector fire somewhere, so the core's
 * declining of what a detector might report is exercised along with its own replay).
 */
import { describe, expect, it } from '@jest/globals';
import { ingestTrace } from '@pagetrace/ingest';
import { decompress } from 'fzstd';
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { B, D, I, PageState, PageStore, RECORD_BYTES } from '../model/page.js';
import { replayRun } from '../replay-run.js';
import type { ReplayOptions } from '../types.js';
import { writeTraceText } from '../testing/index.js';
import { ReplayCore } from './replay-core.js';

const FIXTURES = fileURLToPath(new URL('../../../../fixtures/guest-6.1/', import.meta.url));
/** Whole captures of bug kernels: every detector's condition on many pages at once. */
const BUG_FIXTURES = fileURLToPath(new URL('../../../../fixtures/bug-6.1/', import.meta.url));

/** The record fields of assembly/record.ts, in its OFFSETS order, as page.ts places them. */
const CORE_FIELDS: [string, number][] = [
  ['D.ref', D.ref * 8], ['D.lastTs', D.lastTs * 8], ['D.lastRow', D.lastRow * 8], ['D.lastLine', D.lastLine * 8], ['D.maxRef', D.maxRef * 8],
  ['D.mapcount', D.mapcount * 8], ['D.maxMapcount', D.maxMapcount * 8], ['D.altTs', D.altTs * 8], ['D.altRow', D.altRow * 8],
  ['D.firstTs', D.firstTs * 8], ['D.firstLine', D.firstLine * 8], ['D.pinMaxNs', D.pinMaxNs * 8], ['D.lastFreeLine', D.lastFreeLine * 8], ['D.lastFreeRow', D.lastFreeRow * 8],
  ['D.liveAllocLine', D.liveAllocLine * 8], ['D.liveAllocTs', D.liveAllocTs * 8], ['D.liveAllocRow', D.liveAllocRow * 8], ['D.perfLiveKb', D.perfLiveKb * 8], ['D.pfn', D.pfn * 8],
  ['I.events', I.events * 4], ['I.gets', I.gets * 4], ['I.puts', I.puts * 4], ['I.syncEpoch', I.syncEpoch * 4], ['I.lastDelta', I.lastDelta * 4],
  ['I.pins', I.pins * 4], ['I.halfPinPid', I.halfPinPid * 4], ['I.lastCpu', I.lastCpu * 4], ['I.altCpu', I.altCpu * 4], ['I.lastPid', I.lastPid * 4],
  ['I.lastCommIndex', I.lastCommIndex * 4], ['I.lastStackId', I.lastStackId * 4], ['I.deviceIdle', I.deviceIdle * 4], ['I.inPageCache', I.inPageCache * 4],
  ['I.frozenExpected', I.frozenExpected * 4], ['I.holderBlock', I.holderBlock * 4], ['I.holderHead', I.holderHead * 4], ['I.holderCount', I.holderCount * 4],
  ['I.allocs', I.allocs * 4], ['I.frees', I.frees * 4], ['I.perfLive', I.perfLive * 4], ['I.liveAllocs', I.liveAllocs * 4],
  ['I.liveAllocStack', I.liveAllocStack * 4], ['I.liveAllocPid', I.liveAllocPid * 4], ['I.liveAllocCommIndex', I.liveAllocCommIndex * 4],
  ['I.pinList', I.pinList * 4], ['I.pinCapacity', I.pinCapacity * 4], ['I.pinLength', I.pinLength * 4], ['I.pinCount', I.pinCount * 4], ['I.unpinCount', I.unpinCount * 4],
  ['B.buddy', B.buddy], ['B.refKnown', B.refKnown], ['B.frozen', B.frozen], ['B.splitting', B.splitting], ['B.lastFlagBits', B.lastFlagBits],
  ['B.lastMappingKind', B.lastMappingKind], ['B.anonSeen', B.anonSeen], ['B.fileBacked', B.fileBacked], ['B.swapCache', B.swapCache],
  ['B.deviceInUse', B.deviceInUse], ['B.allocSeen', B.allocSeen], ['B.setAllocPending', B.setAllocPending], ['B.lastFreeOp', B.lastFreeOp],
  ['B.captured', B.captured], ['B.perfEntry', B.perfEntry], ['B.buddySeen', B.buddySeen], ['B.refSeen', B.refSeen], ['B.lastOp', B.lastOp],
  ['B.altOp', B.altOp], ['B.order', B.order], ['B.liveAllocOrder', B.liveAllocOrder], ['B.device', B.device], ['RECORD_BYTES', RECORD_BYTES],
  ['D.heldSince', D.heldSince * 8], ['D.heldBaseSince', D.heldBaseSince * 8], ['I.heldBaseLevel', I.heldBaseLevel * 4], ['B.heldDepth', B.heldDepth], ['B.letGo', B.letGo],
];

describe('replay core: the record layout', () => {
  it('reads and writes every field where page.ts puts it', () => {
    const core = new ReplayCore();
    const offsets = CORE_FIELDS.map(([name], k) => [name, core.x.fieldOffset(k)]);
    expect(offsets).toEqual(CORE_FIELDS);
    expect(core.x.fieldOffset(CORE_FIELDS.length)).toBe(-1); // the list names all of them
  });
});

describe('replay core: memory', () => {
  it('refuses what does not fit its memory with an error that says so, and keeps what fits', () => {
    const store = new PageStore(10, new ReplayCore(8)); // 512 KiB: one chunk of 1 024 records (320 KiB) fits, a second does not
    for (let k = 0; k < 1024; k++) store.allocate(0x1000 + k);
    expect(() => store.allocate(0x2000)).toThrow(/out of memory .* page records: the trace touches more pages than one replay can follow/);
    expect(store.count).toBe(1024);
    expect(new PageState(0x1000 + 1023, store, 1023).events).toBe(0);
  });
});

/** The text of each fixture trace under `root`, and the sidecars' path. */
function fixtureTraces(root = FIXTURES): { name: string; text: string; like: string }[] {
  const out: { name: string; text: string; like: string }[] = [];
  for (const dir of readdirSync(root).sort()) {
    for (const f of readdirSync(join(root, dir))) {
      if (!/^trace.*\.txt(\.zst)?$/.test(f)) continue;
      const path = join(root, dir, f);
      const bytes = readFileSync(path);
      out.push({ name: `${dir}/${f}`, text: Buffer.from(f.endsWith('.zst') ? decompress(bytes) : bytes).toString('latin1'), like: path });
    }
  }
  return out;
}

/** Every k-th page event removed: lost gets, puts, frees and allocations, i.e. findings. */
function dropEvery(text: string, k: number): string {
  let n = 0;
  return text.split('\n').filter((l) => !(/: (page_ref_|mm_page_)/.test(l) && ++n % k === 0)).join('\n');
}

/** The replay's outputs, replay.json without its timings. */
function outputs(runDir: string): { anomalies: Buffer; pages: Buffer; summary: string } {
  const summary = JSON.parse(readFileSync(join(runDir, 'replay.json'), 'utf8')) as Record<string, unknown>;
  delete summary.timings;
  return { anomalies: readFileSync(join(runDir, 'anomalies.arrow')), pages: readFileSync(join(runDir, 'pages.arrow')), summary: JSON.stringify(summary) };
}

describe('replay core: the same outputs as the JavaScript model alone', () => {
  // While a finding waits out the reordering window every event is replayed in JavaScript;
  // with no window the core also replays the events between findings of a broken trace.
  const variants: { drop: number; opts: ReplayOptions; what: string }[] = [
    { drop: 0, opts: {}, what: '' },
    { drop: 7, opts: {}, what: ', every 7th page event removed' },
    { drop: 41, opts: {}, what: ', every 41st page event removed' },
    { drop: 7, opts: { reorderWindowNs: 0n, reorderWindowEvents: 0 }, what: ', every 7th page event removed, no reordering window' },
    { drop: 41, opts: { reorderWindowNs: 0n, reorderWindowEvents: 0 }, what: ', every 41st page event removed, no reordering window' },
  ];
  const cases = [
    ...fixtureTraces().flatMap((t) => variants.map((v) => ({ ...t, ...v }))),
    ...fixtureTraces(BUG_FIXTURES).map((t) => ({ ...t, ...variants[0]!, name: `bug-6.1/${t.name}` })),
  ];
  for (const { name, text, like, drop, opts, what } of cases) {
    it(`${name}${what}`, async () => {
      const runDir = mkdtempSync(join(tmpdir(), 'pagetrace-core-'));
      await ingestTrace({ input: writeTraceText(drop > 0 ? dropEvery(text, drop) : text, like), outDir: join(runDir, 'core'), workers: 1 });
      cpSync(join(runDir, 'core'), join(runDir, 'js'), { recursive: true });
      const withCore = await replayRun(join(runDir, 'core'), opts);
      const reference = await replayRun(join(runDir, 'js'), opts, { javascriptOnly: true });
      expect(outputs(join(runDir, 'core'))).toEqual(outputs(join(runDir, 'js')));
      // The comparison is worth something: the core replayed events, and removed events made findings.
      expect(withCore.timings.core_events).toBeGreaterThan(0);
      expect(reference.timings.core_events).toBe(0);
      if (drop > 0) expect(reference.totals.anomalies).toBeGreaterThan(0);
    });
  }
});
