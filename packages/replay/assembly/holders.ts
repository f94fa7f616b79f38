/**
 * Unmatched gets per page (src/model/holders.ts has the why): MAX_HOLDERS entries of 8 f64
 * (line, row, pid, commIndex, val, stackId, ts, spare) per block, a block per page that holds
 * references right now, its block, ring head and count in the page record. The blocks sit
 * in chunks of CHUNK_BLOCKS whose addresses the JavaScript side registers (addHolderChunk);
 * a given-back block is pushed on a free list threaded through the blocks themselves.
 */
import { I_HOLDER_BLOCK, I_HOLDER_COUNT, I_HOLDER_HEAD } from './record';

export const MAX_HOLDERS: i32 = 8;
const ENTRY_BYTES: usize = 64;
const BLOCK_BYTES: usize = 512;
const CHUNK_SHIFT: i32 = 12;
const CHUNK_BLOCKS: i32 = 1 << CHUNK_SHIFT;
const MAX_CHUNKS: i32 = 2048;

const chunks = memory.data(MAX_CHUNKS * 4);
let chunkCount: i32 = 0;
/** Blocks handed out at least once, and the free list's first block + 1 (0: empty). */
let used: i32 = 0;
let freeHead: i32 = 0;

/** Register a chunk of CHUNK_BLOCKS blocks at address `at` (JS allocates it with alloc); false when the table is full. */
export function addHolderChunk(at: i32): bool {
  if (chunkCount >= MAX_CHUNKS) return false;
  store<i32>(chunks + (<usize>chunkCount << 2), at);
  chunkCount++;
  return true;
}

/**
 * Blocks never handed out yet (given-back blocks come on top). Each event takes at most
 * one block: JS keeps this at least the events it lets run() replay (model/holders.ts).
 */
export function holderSpare(): i32 { return (chunkCount << CHUNK_SHIFT) - used; }

@inline export function blockAt(block: i32): usize {
  return <usize>load<i32>(chunks + (<usize>(block >> CHUNK_SHIFT) << 2)) + (<usize>(block & (CHUNK_BLOCKS - 1)) * BLOCK_BYTES);
}

/** Address of entry k (0 = oldest) of the record's ring; JS reads entries for evidence text. */
export function holderEntry(rec: i32, k: i32): i32 {
  const block = load<i32>(<usize>rec + I_HOLDER_BLOCK) - 1;
  if (block < 0) return 0;
  const head = load<i32>(<usize>rec + I_HOLDER_HEAD);
  return <i32>(blockAt(block) + (<usize>((head + k) & (MAX_HOLDERS - 1)) * ENTRY_BYTES));
}

/** A block for a page's first unmatched get; -1 when none is left (JS keeps spare blocks, see holderSpare). */
function take(): i32 {
  if (freeHead != 0) {
    const b = freeHead - 1;
    freeHead = load<i32>(blockAt(b));
    return b;
  }
  if (used >= chunkCount << CHUNK_SHIFT) return -1;
  return used++;
}

/** Record an unmatched get on the page at rec (forgetting the oldest when MAX_HOLDERS are held); false when no block was left. */
export function holderPush(rec: usize, line: f64, row: f64, pid: f64, commIndex: f64, val: f64, stackId: f64, ts: f64): bool {
  let block = load<i32>(rec + I_HOLDER_BLOCK) - 1;
  if (block < 0) {
    block = take();
    if (block < 0) return false;
    store<i32>(rec + I_HOLDER_BLOCK, block + 1);
    store<i32>(rec + I_HOLDER_HEAD, 0);
    store<i32>(rec + I_HOLDER_COUNT, 0);
  }
  let head = load<i32>(rec + I_HOLDER_HEAD);
  let count = load<i32>(rec + I_HOLDER_COUNT);
  if (count >= MAX_HOLDERS) { head = (head + 1) & (MAX_HOLDERS - 1); count--; store<i32>(rec + I_HOLDER_HEAD, head); }
  const at = blockAt(block) + (<usize>((head + count) & (MAX_HOLDERS - 1)) * ENTRY_BYTES);
  store<f64>(at, line); store<f64>(at, row, 8); store<f64>(at, pid, 16); store<f64>(at, commIndex, 24);
  store<f64>(at, val, 32); store<f64>(at, stackId, 40); store<f64>(at, ts, 48);
  store<i32>(rec + I_HOLDER_COUNT, count + 1);
  return true;
}

/** Forget the page's newest unmatched get (a put); its block goes back when none is left. */
export function holderPop(rec: usize): void {
  const count = load<i32>(rec + I_HOLDER_COUNT);
  if (count == 0) return;
  if (count == 1) holderClear(rec);
  else store<i32>(rec + I_HOLDER_COUNT, count - 1);
}

/** Forget every unmatched get of the page (a new life, a successful freeze). */
export function holderClear(rec: usize): void {
  const block = load<i32>(rec + I_HOLDER_BLOCK) - 1;
  if (block < 0) return;
  store<i32>(blockAt(block), freeHead);
  freeHead = block + 1;
  store<i32>(rec + I_HOLDER_BLOCK, 0);
  store<i32>(rec + I_HOLDER_HEAD, 0);
  store<i32>(rec + I_HOLDER_COUNT, 0);
}
