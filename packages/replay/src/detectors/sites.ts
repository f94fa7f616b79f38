/**
 * Call sites from stacks, the way perf kmem finds them: the first frame that is not part of
 * the page allocator itself (its regex `^_?_?(alloc|get_free|get_zeroed)_pages?`, extended
 * with the folio and frozen-page entry points of newer kernels).
 */
const ALLOCATOR = /^(_?_?(alloc|get_free|get_zeroed)_pages?|__alloc_frozen_pages|alloc_pages_mpol|folio_alloc|__folio_alloc|vma_alloc_folio|alloc_frozen_pages|get_page_from_freelist|post_alloc_hook|prep_new_page|__alloc_pages_slowpath|trace_|__traceiter_|perf_trace_)/;

/** Function name of a frame text (`func+0x1a/0x80`, `ffffffff81 func+0x26b (dso)`, `func (ffff...)`). */
export function frameFunction(frame: string): string {
  const t = frame.trim().replace(/^=>\s*/, '');
  const parts = t.split(/\s+/);
  const sym = /^[0-9a-f]{6,}$/i.test(parts[0] ?? '') && parts.length > 1 ? (parts[1] as string) : (parts[0] as string);
  return sym.replace(/\+0x[0-9a-f]+(\/0x[0-9a-f]+)?$/i, '');
}

/** The site of a stack: its first frame that `skip` does not name (perf kmem's rule for allocations). */
export function siteOfStack(frames: readonly string[], skip: RegExp = ALLOCATOR): string {
  for (const f of frames) {
    const fn = frameFunction(f);
    if (fn === '' || skip.test(fn)) continue;
    return fn;
  }
  return frames.length === 0 ? 'an unknown site (no stack recorded)' : frameFunction(frames[frames.length - 1] as string);
}

/** The tracing machinery's own frames, at the top of every stack the stacktrace option records. */
const TRACING = /^(trace_event_raw_event_|perf_trace_|__traceiter_|__page_ref_|__trace_|trace_buffer_|ftrace_|stack_trace_save|__ftrace_trace_stack|trace_event_buffer_commit|kernel_stack)/;

/**
 * What a pin goes through below its caller: the tracing machinery, the refcount helpers and
 * GUP itself. A pin's site is its first frame outside them, the driver or subsystem that asked
 * for the pages (io_pin_pages, ib_umem_get, vfio_pin_pages_remote, bio_iov_iter_get_pages, ...).
 */
const GUP = new RegExp(`${TRACING.source}|^(page_ref_|folio_ref_|try_grab_(page|folio)|try_get_folio|grab_folio|follow_|__get_user_pages|get_user_pages|__gup_|gup_|pin_user_pages|internal_get_user_pages_fast|lockless_pages_from_mm|is_valid_gup_args|folio_get$|get_page$)`);

/** The site of a pin: the first frame outside GUP (see GUP). */
export function pinSiteOfStack(frames: readonly string[]): string {
  return siteOfStack(frames, GUP);
}

/** Frames below the tracing machinery: what a developer wants to read as "who". */
export function meaningfulFrames(frames: readonly string[], max = 3): string[] {
  return frames.map(frameFunction).filter((f) => f !== '' && !TRACING.test(f)).slice(0, max);
}
