/**
 * The line reader's memory, at fixed addresses the JavaScript side asks for with layout()
 * (src/wasm/line-reader.ts):
 *   RESULT  what the last read found: i32 slots from RESULT, f64 slots from RESULT_F64;
 *           at DICT_COUNTS, the number of values in each dictionary (dict.ts);
 *   SPECS   field tables written once by the caller: per event, u8 field count, then per
 *           field u8 target code, u8 key length, the key bytes (`name=`);
 *   DICTS   the chunk parser's dictionaries (dict.ts), then ARENA, their values' bytes;
 *   LINE    (64 KiB below TEXT) where the caller copies a single line to read;
 *   TEXT    where the caller puts a parser's whole chunk (the memory grows to hold it).
 * Reads take addresses; nothing here allocates (layout(4), the end of static data, must stay
 * below RESULT).
 */
export const RESULT: usize = 65536;
export const RESULT_F64: usize = RESULT + 2048;
/** After the 256 i32 slots the caller views (src/wasm/line-reader.ts record). */
export const DICT_COUNTS: usize = RESULT + 1024;
export const SPECS: usize = RESULT + 4096;
export const DICTS: usize = SPECS + 65536;
export const DICT_COUNT = 4;
export const DICT_SLOTS = 16384;
export const DICT_SLOT_BYTES = 16;
export const ARENA: usize = DICTS + DICT_COUNT * DICT_SLOTS * DICT_SLOT_BYTES;
export const ARENA_BYTES = 1 << 20;
export const TEXT: usize = ARENA + ARENA_BYTES + 65536;

/** [result record, its f64 part, field tables, text, end of static data] addresses. */
export function layout(slot: i32): i32 {
  if (slot == 0) return <i32>RESULT;
  if (slot == 1) return <i32>RESULT_F64;
  if (slot == 2) return <i32>SPECS;
  if (slot == 3) return <i32>TEXT;
  return <i32>__heap_base;
}

/** The byte at address p. */
@inline export function at(p: i32): u32 {
  return <u32>load<u8>(<usize>p);
}

@inline export function setSlot(slot: i32, v: i32): void {
  store<i32>(RESULT + (<usize>slot << 2), v);
}

@inline export function setF64(slot: i32, v: f64): void {
  store<f64>(RESULT_F64 + (<usize>slot << 3), v);
}

@inline export function isDigit(c: u32): bool {
  return c - 48 <= 9;
}
