/**
 * The decoded block: BLOCK_ROWS rows of the current batch, column by column, at `block` (the
 * JavaScript side allocates it and views the same arrays, src/io/decoded-batch.ts).
 */
export const BLOCK_ROWS: i32 = 1024;
export const PFN: usize = 0;
export const PFN_END: usize = PFN + 8 * BLOCK_ROWS;
export const ORDER: usize = PFN_END + 8 * BLOCK_ROWS;
export const FLAGS: usize = ORDER + 4 * BLOCK_ROWS;
export const STACK: usize = FLAGS + 4 * BLOCK_ROWS;
export const COUNT: usize = STACK + 4 * BLOCK_ROWS;
export const MAPCOUNT: usize = COUNT + 4 * BLOCK_ROWS;
export const VAL: usize = MAPCOUNT + 4 * BLOCK_ROWS;
export const RET: usize = VAL + 4 * BLOCK_ROWS;
export const SLOTS: usize = RET + 4 * BLOCK_ROWS;
export const HAS: usize = SLOTS + 4 * BLOCK_ROWS;
export const MAPPING: usize = HAS + BLOCK_ROWS;
export const BLOCK_BYTES: usize = MAPPING + BLOCK_ROWS;

/** [pfn, pfnEnd, order, flags, stack, count, mapcount, val, ret, slots, has, mappingKind, bytes] offsets of the block. */
export function blockLayout(k: i32): i32 {
  switch (k) {
    case 0: return <i32>PFN; case 1: return <i32>PFN_END; case 2: return <i32>ORDER; case 3: return <i32>FLAGS;
    case 4: return <i32>STACK; case 5: return <i32>COUNT; case 6: return <i32>MAPCOUNT; case 7: return <i32>VAL;
    case 8: return <i32>RET; case 9: return <i32>SLOTS; case 10: return <i32>HAS; case 11: return <i32>MAPPING;
    default: return <i32>BLOCK_BYTES;
  }
}

export let block: i32 = 0;

/** Address of the block's array k (blockLayout's order). */
export function blockArray(k: i32): usize { return <usize>block + <usize>blockLayout(k); }
