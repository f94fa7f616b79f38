/**
 * The module's memory beyond its static data: one bump allocator. Regions are never freed
 * (a replay's records, holder blocks and pfn tables live as long as its model); the
 * JavaScript side asks for them (alloc) and renews its views when the memory grew.
 */
let top: usize = 0;

/** A new zeroed region of `bytes` bytes, 64-byte aligned (a cache line); 0 when the 4 GiB of a 32-bit memory are used up. */
export function alloc(bytes: i32): i32 {
  if (top == 0) top = (__heap_base + 63) & ~63;
  const start = top;
  const end = (<u64>start + <u64>bytes + 63) & ~(<u64>63);
  const have = <u64>memory.size() << 16;
  if (end > have) {
    const pages = <i32>((end - have + 65535) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  top = <usize>end;
  return <i32>start;
}
