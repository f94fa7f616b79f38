/**
 * The replay core: the per-event loop of the replay's common case (page_ref gets, puts,
 * sets, freezes, order-0 allocations and frees that no detector would report) in WebAssembly
 * (source: assembly/, built by `pnpm build` into dist/wasm/replay-core.wasm), and the pages
 * themselves: records, pfn index and holder blocks live in its memory and are created there,
 * so that the JavaScript model (model/*.ts) and the core read and write the same state. processor.ts lets the core run until an event
 * needs the full model, replays that one in JavaScript, and lets the core go on.
 *
 * Why: in JavaScript the replay spent ≈ 300 ns an event on the bench trace, most of it in
 * typed-array accesses and checks of records that the core does in a fraction of that
 * (docs/replay-performance.md, round 5).
 *
 * The memory is one fixed-size WebAssembly memory per model, never grown, so the typed views
 * the JavaScript side keeps on it stay valid for its whole life (a grown memory detaches
 * every view). It is 4 GiB of address space; the operating system backs only what is
 * written, so resident memory follows the pages touched. Where that much address space is
 * not available a smaller memory is taken, and a replay that outgrows it says so.
 */
import { readFileSync } from 'node:fs';
import { PagetraceError } from '@pagetrace/ingest';

interface Global { value: number }

export interface CoreExports {
  alloc(bytes: number): number;
  fieldOffset(k: number): number;
  addHolderChunk(at: number): number;
  holderSpare(): number;
  holderPush(rec: number, line: number, row: number, pid: number, commIndex: number, val: number, stackId: number, ts: number): number;
  holderPop(rec: number): void;
  holderClear(rec: number): void;
  holderEntry(rec: number, k: number): number;
  pinPush(rec: number, line: number, row: number, pid: number, commIndex: number, val: number, stackId: number, ts: number): number;
  pinPopTs(rec: number): number;
  pinClear(rec: number): void;
  pinLength(rec: number): number;
  pinEntry(rec: number, k: number): number;
  setChunkShift(shift: number): void;
  pageCount(): number;
  createPage(pfn: number, lossEpoch: number, indexed: number): number;
  recordAddress(slot: number): number;
  indexGet(pfn: number): number;
  indexAdd(pfn: number, slot: number): number;
  blockLayout(k: number): number;
  columnTable(): number;
  fill(from: number, n: number): void;
  newBlock(): void;
  run(from: number, to: number, blockRow: number, rowBase: number, nextLost: number, lossEpoch: number): number;
  block: Global; lineAt: Global; lineSigned: Global; tsAt: Global; tsSigned: Global;
  cpuAt: Global; cpuShift: Global; pidAt: Global; commAt: Global; eventAt: Global; opsAt: Global; opsLength: Global;
  flagBitsAt: Global; flagBitsLength: Global; devicesAt: Global; deviceCount: Global;
  mapcountRaw: Global; hasRefEvents: Global; pageRefEvents: Global; coreEvents: Global;
  stopRow: Global; pendingTs: Global; windowNs: Global; pendingAt: Global; pendingCount: Global;
}

/** The part of the WebAssembly global used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null = null;

function coreModule(): object {
  if (compiled === null) {
    const url = new URL('../wasm/replay-core.wasm', import.meta.url);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(url);
    } catch (e) {
      // Only a build without `pnpm build` (plain `tsc -b`) gets here.
      throw new Error(`${url.pathname} is missing: build pagetrace with \`pnpm build\` (it compiles packages/replay/assembly)`, { cause: e });
    }
    compiled = new WASM.Module(bytes);
  }
  return compiled;
}

/** 64 KiB pages of the memory: 4 GiB, or the largest of the smaller sizes the process can reserve. */
const MEMORY_PAGES = [65536, 32768, 16384, 8192, 2048];

function newMemory(sizes: readonly number[]): { readonly buffer: ArrayBuffer } {
  let last: unknown;
  for (const pages of sizes) {
    try {
      return new WASM.Memory({ initial: pages, maximum: pages });
    } catch (e) {
      last = e;
    }
  }
  throw new PagetraceError(`replay: cannot reserve memory for the page model (${(last as Error).message})`);
}

export class ReplayCore {
  readonly x: CoreExports;
  /** Views of the whole memory (byte addresses >> 3, >> 2, as is). */
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;

  /** pages: the memory's size in 64 KiB pages (tests), else the largest of MEMORY_PAGES the process can reserve. */
  constructor(pages?: number) {
    const memory = newMemory(pages === undefined ? MEMORY_PAGES : [pages]);
    this.x = new WASM.Instance(coreModule(), { env: { memory } }).exports as CoreExports;
    this.f64 = new Float64Array(memory.buffer);
    this.i32 = new Int32Array(memory.buffer);
    this.u8 = new Uint8Array(memory.buffer);
  }

  /** Address of a new zeroed region of `bytes` bytes (64-byte aligned), for `what`. */
  alloc(bytes: number, what: string): number {
    const at = this.x.alloc(bytes);
    if (at === 0) this.outOfMemory(what);
    return at;
  }

  /** The error of a replay whose pages do not fit the core's memory. */
  outOfMemory(what: string): never {
    throw new PagetraceError(`replay: the page model is out of memory (${this.u8.length / 2 ** 20} MiB) while allocating ${what}: the trace touches more pages than one replay can follow`);
  }
}
