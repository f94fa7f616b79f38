/**
 * The line reader: the loops of the chunk parser that run for every event line — the line
 * context (formats/context.ts), the one-pass field reading (events/fields.ts) and the
 * chunk's dictionaries (parse/chunk-dict.ts) — in
 * WebAssembly (source: assembly/, built by `pnpm build` into dist/wasm/line-reader.wasm).
 * One instance per thread, made when this module loads.
 *
 * Why WebAssembly: in JavaScript these loops were most of the parser's time (by profile, the
 * context ≈ 430 ns, the fields ≈ 480 ns and the dictionaries ≈ 100 ns of a ≈ 1.1 µs
 * bench-trace line) although they look at each byte about once; typed-array reads, bounds
 * checks and number conversions cost more than the reading. With the reader the whole parser
 * takes ≈ 0.55 µs a line (docs/performance-notes.md, round 8). The JavaScript side keeps
 * everything else (what a line is, rows, stacks, every rare layout).
 *
 * The reader reads text in its own memory. A chunk parser puts its whole chunk there first
 * (placeChunk) and parses that copy, so every line is read in place; text anywhere else
 * (sniffers, tests) is copied in first (addressOf).
 */
import { readFileSync } from 'node:fs';

interface Exports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  layout(slot: number): number;
  readContext(from: number, end: number): number;
  readInPrintOrder(table: number, from: number, end: number): number;
  dictReset(): void;
  intern(dict: number, addr: number, len: number): number;
}

/** The part of the WebAssembly global used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const wasm = new Instance(new Module(readReader()), {}).exports as Exports;

function readReader(): Uint8Array {
  const url = new URL('../wasm/line-reader.wasm', import.meta.url);
  try {
    return readFileSync(url);
  } catch (e) {
    // Only a build without `pnpm build` (plain `tsc -b`) gets here.
    throw new Error(`${url.pathname} is missing: build pagetrace with \`pnpm build\` (it compiles packages/ingest/assembly)`, { cause: e });
  }
}

const RESULT = wasm.layout(0);
const RESULT_F64 = wasm.layout(1);
const SPECS = wasm.layout(2);
const TEXT = wasm.layout(3);
/** Bytes after any text placed that reads may load (and ignore): the field reader compares keys by words. */
const SLACK = 16;
/** Text from elsewhere up to this long is copied here; longer text goes where chunks go. */
const LINE_SIZE = 65536 - SLACK;
const LINE = TEXT - LINE_SIZE - SLACK;
const SPECS_SIZE = LINE - SPECS;
if (wasm.layout(4) > RESULT || SPECS_SIZE < 4096) throw new Error('line-reader.wasm: unexpected memory layout (rebuild with pnpm build)');

export const readContext = wasm.readContext;
export const readInPrintOrder = wasm.readInPrintOrder;
export const dictReset = wasm.dictReset;
export const internAt = wasm.intern;

let memoryBuffer = wasm.memory.buffer;
let bytesView = new Uint8Array(memoryBuffer);
/** The result record of the last read: i32 slots, and f64 slots (assembly/*.ts say which). */
export let record = new Int32Array(memoryBuffer, RESULT, 256);
export let recordF64 = new Float64Array(memoryBuffer, RESULT_F64, 32);
/** Placements at TEXT so far: a chunk's parse checks nothing replaced its text meanwhile. */
export let placements = 0;
let specsUsed = 0;

function renewViews(): void {
  memoryBuffer = wasm.memory.buffer;
  bytesView = new Uint8Array(memoryBuffer);
  record = new Int32Array(memoryBuffer, RESULT, 256);
  recordF64 = new Float64Array(memoryBuffer, RESULT_F64, 32);
}

/** Write an event's field table (target codes and `name=` keys, in print order); its handle for readInPrintOrder. */
export function addFieldTable(codes: Int8Array, keys: readonly Uint8Array[]): number {
  const size = 1 + keys.reduce((n, k) => n + 2 + k.length, 0);
  if (specsUsed + size > SPECS_SIZE) throw new Error('line-reader.wasm: field tables do not fit');
  const at = SPECS + specsUsed;
  let p = at;
  bytesView[p++] = keys.length;
  keys.forEach((k, i) => {
    bytesView[p++] = codes[i] as number;
    bytesView[p++] = k.length;
    bytesView.set(k, p);
    p += k.length;
  });
  specsUsed += size;
  return at;
}

/**
 * A copy of `bytes` in the reader's memory, as a new Buffer (a new object each time: the
 * line-context cache tells chunks apart by identity). Valid until the next placement: the
 * memory may grow then, which detaches every view of it.
 */
export function placeChunk(bytes: Uint8Array): Buffer {
  const need = TEXT + bytes.length + SLACK - memoryBuffer.byteLength;
  if (need > 0) {
    wasm.memory.grow(Math.ceil(need / 65536));
    renewViews();
  }
  bytesView.set(bytes, TEXT);
  placements++;
  placed = Buffer.from(memoryBuffer, TEXT, bytes.length);
  return placed;
}

/** The last chunk placed (compared first: every line of a chunk is read from it). */
let placed: Buffer | null = null;

/** The address of byte 0 of `bytes` in the reader's memory; bytes [from, to) are copied there first when they are elsewhere. */
export function addressOf(bytes: Uint8Array, from: number, to: number): number {
  if (bytes === placed) return TEXT;
  if (bytes.buffer === memoryBuffer) return bytes.byteOffset;
  if (to - from <= LINE_SIZE) {
    bytesView.set(bytes.subarray(from, to), LINE);
    return LINE - from;
  }
  placeChunk(bytes.subarray(from, to));
  return TEXT - from;
}
