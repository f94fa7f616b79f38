/**
 * The module's memory beyond its static data: one bump allocator. Regions are never freed
 * (a replay's records, holder blocks, pin arrays and pfn tables live as long as its model).
 * The memory is never grown either (src/wasm/replay-core.ts makes it at its full size: a
 * grown memory would detach every view the JavaScript side keeps on it), so a region that
 * does not fit is refused.
 */
let top: usize = 0;

@inline function endOf(bytes: i32): u64 {
  if (top == 0) top = (__heap_base + 63) & ~63;
  return (<u64>top + <u64>bytes + 63) & ~(<u64>63);
}

/** A region of `bytes` bytes fits (alloc would not return 0). */
export function heapRoom(bytes: i32): bool {
  return endOf(bytes) <= <u64>memory.size() << 16;
}

/** A new zeroed region of `bytes` bytes, 64-byte aligned (a cache line); 0 when it does not fit. */
export function alloc(bytes: i32): i32 {
  const end = endOf(bytes);
  if (end > <u64>memory.size() << 16) return 0;
  const start = top;
  top = <usize>end;
  return <i32>start;
}
