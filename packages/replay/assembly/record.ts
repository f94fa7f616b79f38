/**
 * The page record's fields this module reads or writes, as byte offsets from the record's
 * start: the same layout as src/model/page.ts (D fields are f64 at 8 × index, I fields i32
 * at 4 × index, B fields u8 at the byte). fieldOffset() hands them to the JavaScript side,
 * whose test (replay-core.test.ts) compares them with page.ts's enums: a change of one
 * without the other fails there.
 */
export const RECORD_BYTES: usize = 320;

// f64
export const D_REF: usize = 0;
export const D_LAST_TS: usize = 8;
export const D_LAST_ROW: usize = 16;
export const D_LAST_LINE: usize = 24;
export const D_MAX_REF: usize = 32;
export const D_MAPCOUNT: usize = 48;
export const D_MAX_MAPCOUNT: usize = 56;
export const D_ALT_TS: usize = 64;
export const D_ALT_ROW: usize = 72;
export const D_FIRST_TS: usize = 176;
export const D_FIRST_LINE: usize = 184;
export const D_PIN_MAX_NS: usize = 192;
export const D_LAST_FREE_LINE: usize = 200;
export const D_LAST_FREE_ROW: usize = 208;
export const D_LIVE_ALLOC_LINE: usize = 216;
export const D_LIVE_ALLOC_TS: usize = 224;
export const D_LIVE_ALLOC_ROW: usize = 232;
export const D_PERF_LIVE_KB: usize = 240;
export const D_PFN: usize = 248;
export const D_HELD_SINCE: usize = 40;
export const D_HELD_BASE_SINCE: usize = 312;
// i32
export const I_EVENTS: usize = 80;
export const I_GETS: usize = 84;
export const I_PUTS: usize = 88;
export const I_SYNC_EPOCH: usize = 92;
export const I_LAST_DELTA: usize = 96;
export const I_PINS: usize = 100;
export const I_HALF_PIN_PID: usize = 104;
export const I_LAST_CPU: usize = 108;
export const I_ALT_CPU: usize = 112;
export const I_LAST_PID: usize = 116;
export const I_LAST_COMM: usize = 120;
export const I_LAST_STACK: usize = 124;
export const I_DEVICE_IDLE: usize = 128;
export const I_IN_PAGE_CACHE: usize = 132;
export const I_FROZEN_EXPECTED: usize = 136;
export const I_HOLDER_BLOCK: usize = 140;
export const I_HOLDER_HEAD: usize = 144;
export const I_HOLDER_COUNT: usize = 148;
export const I_ALLOCS: usize = 268;
export const I_FREES: usize = 272;
export const I_PERF_LIVE: usize = 276;
export const I_LIVE_ALLOCS: usize = 280;
export const I_LIVE_ALLOC_STACK: usize = 284;
export const I_LIVE_ALLOC_PID: usize = 288;
export const I_LIVE_ALLOC_COMM: usize = 292;
export const I_PIN_LIST: usize = 296;
export const I_PIN_CAPACITY: usize = 300;
export const I_PIN_LENGTH: usize = 304;
export const I_PIN_COUNT: usize = 260;
export const I_UNPIN_COUNT: usize = 264;
export const I_HELD_BASE_LEVEL: usize = 308;
// u8
export const B_BUDDY: usize = 152;
export const B_REF_KNOWN: usize = 153;
export const B_FROZEN: usize = 154;
export const B_SPLITTING: usize = 155;
export const B_LAST_FLAG_BITS: usize = 157;
export const B_LAST_MAPPING_KIND: usize = 158;
export const B_ANON_SEEN: usize = 159;
export const B_FILE_BACKED: usize = 160;
export const B_SWAP_CACHE: usize = 161;
export const B_DEVICE_IN_USE: usize = 162;
export const B_ALLOC_SEEN: usize = 163;
export const B_SET_ALLOC_PENDING: usize = 164;
export const B_LAST_FREE_OP: usize = 165;
export const B_CAPTURED: usize = 166;
export const B_PERF_ENTRY: usize = 167;
export const B_BUDDY_SEEN: usize = 168;
export const B_REF_SEEN: usize = 169;
export const B_LAST_OP: usize = 171;
export const B_ALT_OP: usize = 172;
export const B_ORDER: usize = 173;
export const B_LIVE_ALLOC_ORDER: usize = 174;
export const B_DEVICE: usize = 175;
export const B_HELD_DEPTH: usize = 170;
export const B_LET_GO: usize = 156;

/** The offsets above in the order src/wasm/replay-core.ts CORE_FIELDS names them (for its layout test). */
const OFFSETS: StaticArray<usize> = [
  D_REF, D_LAST_TS, D_LAST_ROW, D_LAST_LINE, D_MAX_REF, D_MAPCOUNT, D_MAX_MAPCOUNT, D_ALT_TS, D_ALT_ROW, D_FIRST_TS, D_FIRST_LINE,
  D_PIN_MAX_NS, D_LAST_FREE_LINE, D_LAST_FREE_ROW, D_LIVE_ALLOC_LINE, D_LIVE_ALLOC_TS, D_LIVE_ALLOC_ROW, D_PERF_LIVE_KB, D_PFN,
  I_EVENTS, I_GETS, I_PUTS, I_SYNC_EPOCH, I_LAST_DELTA, I_PINS, I_HALF_PIN_PID, I_LAST_CPU, I_ALT_CPU, I_LAST_PID, I_LAST_COMM,
  I_LAST_STACK, I_DEVICE_IDLE, I_IN_PAGE_CACHE, I_FROZEN_EXPECTED, I_HOLDER_BLOCK, I_HOLDER_HEAD, I_HOLDER_COUNT, I_ALLOCS, I_FREES,
  I_PERF_LIVE, I_LIVE_ALLOCS, I_LIVE_ALLOC_STACK, I_LIVE_ALLOC_PID, I_LIVE_ALLOC_COMM, I_PIN_LIST, I_PIN_CAPACITY, I_PIN_LENGTH,
  I_PIN_COUNT, I_UNPIN_COUNT,
  B_BUDDY, B_REF_KNOWN, B_FROZEN, B_SPLITTING, B_LAST_FLAG_BITS, B_LAST_MAPPING_KIND, B_ANON_SEEN, B_FILE_BACKED, B_SWAP_CACHE,
  B_DEVICE_IN_USE, B_ALLOC_SEEN, B_SET_ALLOC_PENDING, B_LAST_FREE_OP, B_CAPTURED, B_PERF_ENTRY, B_BUDDY_SEEN, B_REF_SEEN, B_LAST_OP,
  B_ALT_OP, B_ORDER, B_LIVE_ALLOC_ORDER, B_DEVICE, RECORD_BYTES,
  D_HELD_SINCE, D_HELD_BASE_SINCE, I_HELD_BASE_LEVEL, B_HELD_DEPTH, B_LET_GO,
];

export function fieldOffset(k: i32): i32 {
  return k >= 0 && k < OFFSETS.length ? <i32>unchecked(OFFSETS[k]) : -1;
}
