import { describe, expect, it } from '@jest/globals';
import { pinSiteOfStack, siteOfStack } from './sites.js';

// Stacks as the 6.1 guest's ftrace `stacktrace` option printed them (a bug-kernel capture of
// the numa_unpin workload, fixtures/bug-6.1/uring-pin-leak, and the hmm mixedmap test).
const IO_URING_PIN = [
  ' => trace_event_raw_event_page_ref_mod_template', ' => __page_ref_mod', ' => try_grab_page', ' => follow_page_pte',
  ' => __get_user_pages', ' => __gup_longterm_locked', ' => io_pin_pages', ' => io_sqe_buffer_register',
  ' => io_sqe_buffers_register.cold', ' => __x64_sys_io_uring_register', ' => do_syscall_64', ' => entry_SYSCALL_64_after_hwframe',
];
const DRIVER_ALLOC = [
  ' => trace_event_raw_event_mm_page_alloc', ' => __alloc_pages', ' => dmirror_fops_mmap', ' => mmap_file', ' => mmap_region',
];

describe('call sites of stacks', () => {
  it('names a pin by the first caller outside GUP and the refcount helpers (io_pin_pages)', () => {
    expect(pinSiteOfStack(IO_URING_PIN)).toBe('io_pin_pages');
    // the allocation rule would stop at the refcount helper, which says nothing about who pinned
    expect(siteOfStack(IO_URING_PIN)).toBe('__page_ref_mod');
  });

  it('names an allocation by the first caller outside the page allocator (perf kmem)', () => {
    expect(siteOfStack(DRIVER_ALLOC)).toBe('dmirror_fops_mmap');
  });

  it('says when there is no stack', () => {
    expect(pinSiteOfStack([])).toBe('an unknown site (no stack recorded)');
  });
});
