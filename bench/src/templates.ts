/**
 * Line templates of the three front-ends, copied from the REAL traces in shared/traces
 * (guest = Linux 6.1 ftrace `trace` file with record-tgid + irq-info; host = Linux 6.18
 * `trace-cmd report` of an instance and `perf script` with and without -g).
 *
 * Every token the generator prints (task names, flag strings, gfp strings, stack frames)
 * is one that occurs in those files; templates.test.ts checks it against them, so a typo
 * here cannot silently invent a format.
 */

export type Format = 'ftrace' | 'trace-cmd' | 'perf';
export const FORMATS: readonly Format[] = ['ftrace', 'trace-cmd', 'perf'];

export interface Task {
  comm: string;
  pid: number;
  /** null prints as `(-------)` in the TGID column (kernel threads, idle). */
  tgid: number | null;
  cpu: number;
}

/** Tasks seen in the guest captures (compact, pin, hmm_*, zram); cpu is the one they ran on most. */
export const TASKS: readonly Task[] = [
  { comm: 'pagework', pid: 60, tgid: 60, cpu: 0 },
  { comm: 'pagework', pid: 80, tgid: 80, cpu: 1 },
  { comm: 'hmm-tests', pid: 65, tgid: 65, cpu: 0 },
  { comm: 'dd', pid: 61, tgid: 61, cpu: 1 },
  { comm: 'gup_test', pid: 62, tgid: 62, cpu: 1 },
  { comm: 'init', pid: 1, tgid: 1, cpu: 1 },
  { comm: 'cat', pid: 63, tgid: 63, cpu: 0 },
  { comm: 'kworker/u4:0', pid: 9, tgid: 9, cpu: 1 },
];

/** Interrupt-context completions (bio end_io on the idle task) as in the guest pin capture. */
export const IDLE_TASK: Task = { comm: '<idle>', pid: 0, tgid: null, cpu: 0 };

/** irq-info columns seen in the guest captures: process context, irqs off, hardirq. */
export const IRQ_FLAGS = { normal: '.....', irqsOff: 'd....', hardirq: 'd.h..' } as const;

/** page flags= values (6.1 show_page_flags output) seen in the guest captures. */
export const PAGE_FLAGS = {
  none: 'none',
  anonNew: 'uptodate|mappedtodisk|swapbacked',
  anonLru: 'uptodate|lru|mappedtodisk|swapbacked',
  anonActive: 'referenced|uptodate|dirty|lru|active|swapbacked',
  anonDirtyLru: 'referenced|uptodate|dirty|lru|mappedtodisk|swapbacked',
  locked: 'locked',
  cacheLru: 'uptodate|lru|private',
  cacheDirty: 'uptodate|dirty|lru|private',
  cacheLockedWb: 'locked|uptodate|lru|private|writeback',
  cacheIsolated: 'locked|referenced|uptodate|dirty|swapbacked',
  deviceIdle: 'reserved',
  deviceLocked: 'locked|uptodate|dirty|reserved|swapbacked',
  deviceMapped: 'uptodate|dirty|reserved|mappedtodisk|swapbacked',
  deviceUnmapped: 'uptodate|dirty|reserved|swapbacked',
} as const;

/** gfp_flags= values seen in the guest captures. */
export const GFP = {
  anon: 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO',
  pagecache: 'GFP_HIGHUSER_MOVABLE|__GFP_COMP',
  write: 'GFP_USER|__GFP_COMP|__GFP_WRITE',
  kernel: 'GFP_KERNEL_ACCOUNT|__GFP_ZERO',
} as const;

/**
 * Kernel stacks (innermost first, `trace_event_raw_event_*` frame included, as ftrace's
 * stacktrace option prints them) from guest/mixed_stack and guest/hmm_stack.
 */
export const STACKS = {
  allocSet: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_set', 'get_page_from_freelist', '__alloc_pages', '__folio_alloc', 'vma_alloc_folio', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  alloc: ['trace_event_raw_event_mm_page_alloc', '__alloc_pages', '__folio_alloc', 'vma_alloc_folio', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  lruAdd: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'folio_add_lru_vma', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  lruDrain: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'release_pages', 'folio_batch_move_lru', 'folio_add_lru_vma', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  unmapPut: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'release_pages', 'tlb_batch_pages_flush', 'tlb_finish_mmu', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  unmapFree: ['trace_event_raw_event_mm_page_free', 'free_pcp_prepare', 'free_unref_page_list', 'release_pages', 'tlb_batch_pages_flush', 'tlb_finish_mmu', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  unmapFreeBatched: ['trace_event_raw_event_mm_page_free_batched', 'free_unref_page_list', 'release_pages', 'tlb_batch_pages_flush', 'tlb_finish_mmu', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  pin: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'try_grab_page', 'follow_page_pte', '__get_user_pages', '__gup_longterm_locked', 'io_pin_pages', 'io_sqe_buffer_register', 'io_sqe_buffers_register.cold', '__x64_sys_io_uring_register', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  unpin: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'gup_put_folio', 'io_buffer_unmap', '__io_sqe_buffers_unregister', 'io_sqe_buffers_unregister.cold', '__x64_sys_io_uring_register', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  gupFast: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_unless', 'try_get_folio', 'internal_get_user_pages_fast', '__iov_iter_get_pages_alloc', 'iov_iter_get_pages2', 'bio_iov_iter_get_pages', 'iomap_dio_bio_iter', '__iomap_dio_rw', 'iomap_dio_rw', 'ext4_file_read_iter', 'vfs_read', '__x64_sys_pread64', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  isolate: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_unless', 'isolate_migratepages_block', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  lookup: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_unless', 'find_lock_entries', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  lookupPut: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'release_pages', '__pagevec_release', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  evictFreeze: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_freeze', '__remove_mapping', 'remove_mapping', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  evictFree: ['trace_event_raw_event_mm_page_free', 'free_pcp_prepare', 'free_unref_page_list', 'release_pages', '__pagevec_release', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deviceInit: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_set', 'zone_device_page_init', 'dmirror_migrate_to_device.constprop.0', 'dmirror_fops_unlocked_ioctl', '__x64_sys_ioctl', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deviceMap: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'remove_migration_pte', 'rmap_walk_anon', 'remove_migration_ptes', 'migrate_device_finalize', 'dmirror_migrate_to_device.constprop.0', 'dmirror_fops_unlocked_ioctl', '__x64_sys_ioctl', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deviceFinalize: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'migrate_device_finalize', 'dmirror_migrate_to_device.constprop.0', 'dmirror_fops_unlocked_ioctl', '__x64_sys_ioctl', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deviceFree: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', '__free_pages', 'dmirror_devmem_free', 'free_zone_device_page', 'unmap_page_range', 'unmap_vmas', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  deviceEvict: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_unless', 'migrate_device_range', 'dmirror_device_evict_chunk.isra.0', 'dmirror_fops_release', '__fput', 'task_work_run', 'exit_to_user_mode_prepare', 'syscall_exit_to_user_mode', 'entry_SYSCALL_64_after_hwframe'],
  cacheAdd: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', '__filemap_add_folio', 'filemap_add_folio', 'page_cache_ra_unbounded', 'filemap_get_pages', 'filemap_read', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  cacheLruAdd: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'folio_add_lru', 'filemap_add_folio', 'page_cache_ra_unbounded', 'filemap_get_pages', 'filemap_read', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  cacheLruDrain: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'release_pages', 'folio_batch_move_lru', 'folio_add_lru', 'filemap_add_folio', 'page_cache_ra_unbounded', 'filemap_get_pages', 'filemap_read', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  writebackGet: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'folio_end_writeback', 'ext4_finish_bio', 'ext4_release_io_end', 'ext4_end_io_rsv_work', 'process_one_work', 'worker_thread', 'kthread', 'ret_from_fork'],
  writebackPut: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'folio_end_writeback', 'ext4_finish_bio', 'ext4_release_io_end', 'ext4_end_io_rsv_work', 'process_one_work', 'worker_thread', 'kthread', 'ret_from_fork'],
  dioComplete: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', '__bio_release_pages', 'bio_check_pages_dirty', 'blk_update_request', 'blk_mq_end_request', 'virtblk_done', 'vring_interrupt', '__handle_irq_event_percpu', 'handle_irq_event', 'handle_edge_irq', '__common_interrupt', 'common_interrupt', 'asm_common_interrupt', 'finish_task_switch.isra.0', '__schedule', 'schedule_idle', 'do_idle', 'cpu_startup_entry', 'start_secondary', 'secondary_startup_64_no_verify'],
  forkGet: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'copy_page_range', 'dup_mmap', 'copy_process', 'kernel_clone', '__do_sys_clone', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  exitPut: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'release_pages', 'tlb_batch_pages_flush', 'tlb_finish_mmu', 'exit_mmap', 'mmput', 'do_exit', 'do_group_exit', '__x64_sys_exit_group', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  compactCapture: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_set', 'split_page', 'split_map_pages', 'compaction_alloc', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  migrateFreeze: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_freeze', 'folio_migrate_mapping', 'migrate_folio', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  migrateAdd: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_mod', 'folio_migrate_mapping', 'migrate_folio', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  migrateUnfreeze: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_unfreeze', 'folio_migrate_mapping', 'migrate_folio', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  migrateDone: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', 'migrate_folio_done', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  migrateFree: ['trace_event_raw_event_mm_page_free', 'free_pcp_prepare', 'free_unref_page', 'migrate_pages_batch', 'migrate_pages', 'compact_zone', 'compact_node', 'sysctl_compaction_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  evictUnfreeze: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_unfreeze', 'remove_mapping', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  evictFreeBatched: ['trace_event_raw_event_mm_page_free_batched', 'free_unref_page_list', 'release_pages', '__pagevec_release', 'invalidate_mapping_pagevec', 'drop_pagecache_sb', 'iterate_supers', 'drop_caches_sysctl_handler', 'proc_sys_call_handler', 'vfs_write', 'ksys_write', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  kernelSet: ['trace_event_raw_event_page_ref_mod_template', '__page_ref_set', 'get_page_from_freelist', '__alloc_pages', 'pte_alloc_one', '__pte_alloc', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  kernelAlloc: ['trace_event_raw_event_mm_page_alloc', '__alloc_pages', 'pte_alloc_one', '__pte_alloc', '__handle_mm_fault', 'handle_mm_fault', 'exc_page_fault', 'asm_exc_page_fault'],
  kernelPut: ['trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_and_test', '__free_pages', 'tlb_finish_mmu', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
  kernelFree: ['trace_event_raw_event_mm_page_free', 'free_pcp_prepare', 'free_unref_page', 'tlb_finish_mmu', 'unmap_region', 'do_mas_align_munmap.constprop.0', '__vm_munmap', '__x64_sys_munmap', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'],
} as const satisfies Record<string, readonly string[]>;
export type StackName = keyof typeof STACKS;

/**
 * Physical memory layout of the generated machine. The device-private range is the guest's
 * test_hmm chunk (iomem `fce0000000-fcffffffff : hmm_dmirror`, pfns 0xfce0000-0xfcfffff);
 * normal RAM pfns are drawn from System RAM above 4 GB (guest iomem `100000000-13fffffff`)
 * and below it, so the sidecar iomem.txt written beside a generated trace is the guest's.
 */
export const MEMORY = {
  /** order-0 pages: pfns [0x100000, 0x100000 + ORDER0_PAGES) */
  order0Base: 0x100000,
  /** order-2 kernel blocks: 4-aligned pfns from 0x50000 (System RAM 50000000-bffd9fff). */
  order2Base: 0x50000,
  devicePrivateBase: 0xfce0000,
  devicePrivatePages: 0x20000,
} as const;

/** /proc/iomem of the 6.1 guest (shared/traces/guest/*\/iomem.txt), written beside generated traces. */
export const GUEST_IOMEM = `00000000-00000fff : Reserved
00001000-0009fbff : System RAM
0009fc00-0009ffff : Reserved
000a0000-000bffff : PCI Bus 0000:00
000c0000-000c9bff : Video ROM
000ca000-000ca5ff : Adapter ROM
000f0000-000fffff : Reserved
  000f0000-000fffff : System ROM
00100000-3fffffff : System RAM
  01000000-0180107f : Kernel code
  01a00000-01b8bfff : Kernel rodata
  01c00000-01d372bf : Kernel data
  02026000-021fffff : Kernel bss
40000000-4fffffff : Persistent Memory (legacy)
  40000000-4fffffff : namespace0.0
50000000-bffd9fff : System RAM
bffda000-bfffffff : Reserved
c0000000-febfffff : PCI Bus 0000:00
  fd000000-fdffffff : 0000:00:02.0
  fe000000-fe003fff : 0000:00:03.0
    fe000000-fe003fff : virtio-pci-modern
  fe004000-fe007fff : 0000:00:04.0
    fe004000-fe007fff : virtio-pci-modern
  febf0000-febf0fff : 0000:00:02.0
  febf1000-febf1fff : 0000:00:03.0
  febf2000-febf2fff : 0000:00:04.0
fec00000-fec003ff : IOAPIC 0
fed00000-fed003ff : HPET 0
  fed00000-fed003ff : PNP0103:00
fee00000-fee00fff : Local APIC
fffc0000-ffffffff : Reserved
100000000-13fffffff : System RAM
140000000-1bfffffff : PCI Bus 0000:00
fce0000000-fcefffffff : hmm_dmirror
fcf0000000-fcffffffff : hmm_dmirror
fd00000000-ffffffffff : Reserved
`;

export const GUEST_UNAME = 'Linux (none) 6.1.192 #7 SMP Sun Nov 22 21:07:29 UTC 2026 x86_64 GNU/Linux\n';

/** The ftrace `trace` file header of the guest captures (record-tgid + irq-info, 6.1). */
export function ftraceHeader(entries: number, cpus: number): string {
  return `# tracer: nop
#
# entries-in-buffer/entries-written: ${entries}/${entries}   #P:${cpus}
#
#                                          _-----=> irqs-off/BH-disabled
#                                         / _----=> need-resched
#                                        | / _---=> hardirq/softirq
#                                        || / _--=> preempt-depth
#                                        ||| / _-=> migrate-disable
#                                        |||| /     delay
#           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION
#              | |           |       |   |||||     |         |
`;
}

/** trace-cmd report of an instance (`-B klabtc`) prefixes every line with the instance name. */
export const TRACE_CMD_INSTANCE = 'klabtc';

/** System of each event name, for perf's `sys:event` column. */
export const EVENT_SYSTEM: Record<string, string> = {
  page_ref_set: 'page_ref',
  page_ref_mod: 'page_ref',
  page_ref_mod_and_test: 'page_ref',
  page_ref_mod_and_return: 'page_ref',
  page_ref_mod_unless: 'page_ref',
  page_ref_freeze: 'page_ref',
  page_ref_unfreeze: 'page_ref',
  mm_page_alloc: 'kmem',
  mm_page_free: 'kmem',
  mm_page_free_batched: 'kmem',
};

/**
 * perf script right-aligns `sys:event` to the longest event name of the session; a session
 * that recorded page_ref:* and kmem:* has page_ref:page_ref_mod_and_return as its longest.
 */
export const PERF_EVENT_WIDTH = Math.max(...Object.entries(EVENT_SYSTEM).map(([e, s]) => s.length + 1 + e.length));
