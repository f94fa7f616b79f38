/**
 * The chunk parser's dictionaries (src/wasm/line-reader.ts ChunkDict): task names, event
 * names, page flags and gfp flags, each value an id in first-appearance order. In
 * JavaScript, interning was ≈ 40 ns a value (three a line) for a hash of four bytes and a
 * charCodeAt compare; here a value is hashed and compared 8 bytes at a time.
 *
 * Each dictionary is an open-addressing table of DICT_SLOTS slots (hash, id + 1, address,
 * length) over copies of its values in ARENA, cleared for every chunk. A dictionary more
 * than half full, or an arena without room, answers FULL: the caller goes on in JavaScript.
 */
import { ARENA, ARENA_BYTES, DICT_COUNT, DICT_COUNTS, DICT_SLOT_BYTES, DICT_SLOTS, DICTS } from './memory';

const FULL = -1;
let arenaUsed: i32 = 0;

/** Empty every dictionary (a new chunk). */
export function dictReset(): void {
  memory.fill(DICTS, 0, <usize>(DICT_COUNT * DICT_SLOTS * DICT_SLOT_BYTES));
  memory.fill(DICT_COUNTS, 0, <usize>(DICT_COUNT * 4));
  arenaUsed = 0;
}

/** Words of bytes [p, p + len): the last one masked to the length (placed text has room after it). */
@inline function wordAt(p: usize, i: i32, len: i32): u64 {
  const w = load<u64>(p + <usize>i);
  const rest = len - i;
  return rest >= 8 ? w : w & ((<u64>1 << (<u64>rest << 3)) - 1);
}

function hashOf(p: usize, len: i32): u32 {
  let h: u64 = <u64>len * 0x9e3779b97f4a7c15;
  for (let i = 0; i < len; i += 8) h = (h ^ wordAt(p, i, len)) * 0xff51afd7ed558ccd;
  return <u32>(h >> 32) ^ <u32>h;
}

function sameBytes(a: usize, b: usize, len: i32): bool {
  for (let i = 0; i < len; i += 8) if (wordAt(a, i, len) != wordAt(b, i, len)) return false;
  return true;
}

/** The id of bytes [addr, addr + len) in dictionary k, a new one (the next) if it is new there; FULL. */
export function intern(k: i32, addr: i32, len: i32): i32 {
  const p = <usize>addr;
  const h = hashOf(p, len);
  const table = DICTS + <usize>(k * DICT_SLOTS * DICT_SLOT_BYTES);
  let slot = h & (DICT_SLOTS - 1);
  while (true) {
    const e = table + <usize>(slot * DICT_SLOT_BYTES);
    const idPlusOne = load<i32>(e, 4);
    if (idPlusOne == 0) break;
    if (load<u32>(e) == h && load<i32>(e, 12) == len && sameBytes(<usize>load<i32>(e, 8), p, len)) return idPlusOne - 1;
    slot = (slot + 1) & (DICT_SLOTS - 1);
  }
  const count = DICT_COUNTS + (<usize>k << 2);
  const id = load<i32>(count);
  // Room for the copy and the 8 bytes a masked word may read after it.
  if (id >= DICT_SLOTS / 2 || arenaUsed + len + 8 > ARENA_BYTES) return FULL;
  const copy = ARENA + <usize>arenaUsed;
  memory.copy(copy, p, <usize>len);
  arenaUsed += len;
  const e = table + <usize>(slot * DICT_SLOT_BYTES);
  store<u32>(e, h);
  store<i32>(e, id + 1, 4);
  store<i32>(e, <i32>copy, 8);
  store<i32>(e, len, 12);
  store<i32>(count, id + 1);
  return id;
}
