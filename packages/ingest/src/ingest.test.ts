/**
 * Edge cases of the text formats, each built from REAL lines of shared/traces (or of the
 * DOMAIN.md examples for formats with no capture here) with one thing changed.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decompress } from 'fzstd';
import { ingestTrace } from './ingest.js';
import { column, fixture, ingestText, readRun, readTraceBytes, tempDir } from './testing/index.js';

// Real lines (guest 6.1, record-tgid, irq-info 5): EVENT-SAMPLES.md.
const HEADER = [
  '# tracer: nop',
  '#',
  '# entries-in-buffer/entries-written: 3/3   #P:2',
  '#',
].join('\n');
const SET = '            init-1       (      1) [000] .....     6.710632: page_ref_set: pfn=0x1bc3 flags=none count=1 mapcount=0 mapping=0000000000000000 mt=1 val=1';
const ALLOC = '            init-1       (      1) [000] .....     6.711172: mm_page_alloc: page=ffffea000006f0c0 pfn=0x1bc3 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO';
const FREE = '       hmm-tests-63      (     63) [001] .....     6.713812: mm_page_free: page=ffffea00002d7500 pfn=0xb5d4 order=0';
const LRU = '            init-1       (      1) [000] d....     6.713894: mm_lru_insertion: folio=ffffea000006f780 pfn=0x1bde lru=0 flags=Ma b  ';

/** The real SET line with its task name replaced (the kernel right-aligns it in 16 columns). */
function withComm(comm: string, pid = 4242): string {
  return `${comm.padStart(16)}-${String(pid).padEnd(7)}` + SET.slice(SET.indexOf(' (      1)'));
}

const zst = (path: string): string => Buffer.from(decompress(readFileSync(path))).toString('latin1');

describe('task names', () => {
  it('keeps comms with spaces, dashes, brackets, parens, colons, <...> and <idle> verbatim', async () => {
    const comms = ['Web Content', 'systemd-journal', 'a-1 [000] x', 'foo[1]', '(sd-pam)', 'kworker/u4:2', '<...>', '<idle>', 'x-12 (34)'];
    const text = `${HEADER}\n${comms.map((c, i) => withComm(c, 100 + i)).join('\n')}\n`;
    const r = await ingestText(text);
    expect(r.meta.lines.skipped).toBe(0);
    expect(column(r.events, 'comm')).toEqual(comms);
    expect(column(r.events, 'pid')).toEqual(comms.map((_, i) => 100 + i));
    expect(column(r.events, 'tgid')).toEqual(comms.map(() => 1));
    expect(column(r.events, 'pfn')).toEqual(comms.map(() => 0x1bc3n));
  });

  it('reads `(-----)` as an unknown tgid and the no-tgid, no-irq-info layout', async () => {
    const unknown = SET.replace('(      1)', '(-------)');
    const noirq = '        pagework-25513   [000]    555.465467: mm_page_free: page=00000000d7fabef3 pfn=0x176d25 order=0';
    const a = await ingestText(`${unknown}\n`);
    expect(column(a.events, 'tgid')).toEqual([null]);
    const b = await ingestText(`${noirq}\n`);
    expect(b.meta.format.variant).toBe('trace_pipe no irq-info');
    expect(column(b.events, 'comm')).toEqual(['pagework']);
    expect(column(b.events, 'tgid')).toEqual([null]);
    expect(column(b.events, 'pfn')).toEqual([0x176d25n]);
  });
});

describe('timestamps', () => {
  it('converts 6- and 9-digit fractions exactly, also beyond 2^53 ns', async () => {
    const lines = [SET, SET.replace('6.710632:', '6.710632123:'), SET.replace('    6.710632:', '987654321.123456789:')];
    const r = await ingestText(`${lines.join('\n')}\n`);
    expect(column(r.events, 'ts_ns')).toEqual([6710632000n, 6710632123n, 987654321123456789n]);
    // The most common fraction length is reported.
    expect(r.meta.clock).toMatchObject({ kind: 'ns', fraction_digits: 9 });
  });

  it('keeps raw counter-clock values and says so', async () => {
    const lines = [SET.replace('    6.710632:', '123456789012345678:'), SET.replace('    6.710632:', '    17:')];
    const r = await ingestText(`${lines.join('\n')}\n`);
    expect(r.meta.clock).toMatchObject({ kind: 'counter', fraction_digits: 0 });
    expect(column(r.events, 'ts_ns')).toEqual([123456789012345678n, 17n]);
  });

  it('reads the latency format (DOMAIN.md example, Darrick Wong 5.18-rc2)', async () => {
    const line = '   <...>-5263      3..... 276242022us : page_ref_mod: pfn=0x206a70 flags=referenced|uptodate|lru|active|private|writeback|head count=6 mapcount=0 mapping=ffff888125e5d868 mt=1 val=1';
    const r = await ingestText(`${line}\n`);
    expect(r.meta.format.latency_format).toBe(true);
    expect(column(r.events, 'ts_ns')).toEqual([276242022000n]);
    expect(column(r.events, 'cpu')).toEqual([3]);
    expect(column(r.events, 'comm')).toEqual(['<...>']);
    expect(column(r.events, 'count')).toEqual([6]);
  });
});

describe('fields', () => {
  it('types page_ref, kmem and filemap fields; keeps raw args where fields stay untyped', async () => {
    const filemap = '        pagework-60      (     60) [001] .....     7.110472: mm_filemap_add_to_page_cache: dev 0:3 ino 10300000 pfn=0x85d96 ofs=16928768 order=0';
    const range = '        pagework-60      (     60) [000] .....     7.542646: mm_compaction_isolate_migratepages: range=(0x1 ~ 0x400) nr_scanned=935 nr_taken=0';
    const r = await ingestText(`${[SET, ALLOC, FREE, LRU, filemap, range].join('\n')}\n`);
    expect(column(r.events, 'event')).toEqual(['page_ref_set', 'mm_page_alloc', 'mm_page_free', 'mm_lru_insertion', 'mm_filemap_add_to_page_cache', 'mm_compaction_isolate_migratepages']);
    expect(column(r.events, 'pfn')).toEqual([0x1bc3n, 0x1bc3n, 0xb5d4n, 0x1bden, 0x85d96n, 1n]);
    expect(column(r.events, 'pfn_end')).toEqual([null, null, null, null, null, 0x400n]);
    expect(column(r.events, 'ofs')).toEqual([null, null, null, null, 16928768n, null]);
    expect(column(r.events, 'order')).toEqual([null, 0, 0, null, 0, null]);
    expect(column(r.events, 'mt')).toEqual([1, 1, null, null, null, null]);
    expect(column(r.events, 'gfp')).toEqual([null, 'GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO', null, null, null, null]);
    expect(column(r.events, 'flags')).toEqual(['none', null, null, null, null, null]);
    expect(column(r.events, 'mapping')).toEqual([0n, null, null, null, null, null]);
    // A value runs to the next known field: `flags=Ma b  ` keeps its spaces in args.
    expect(column(r.events, 'args')).toEqual([null, null, null, 'folio=ffffea000006f780 pfn=0x1bde lru=0 flags=Ma b  ',
      'dev 0:3 ino 10300000 pfn=0x85d96 ofs=16928768 order=0', 'range=(0x1 ~ 0x400) nr_scanned=935 nr_taken=0']);
  });

  it('reads decimal pfns of older kernels and never keys a failed allocation', async () => {
    const decimal = FREE.replace('pfn=0xb5d4', 'pfn=46548');
    const failedNew = ALLOC.replace('pfn=0x1bc3', 'pfn=0xffffffffffffffff');
    const failedOld = ALLOC.replace('page=ffffea000006f0c0 pfn=0x1bc3', 'page=(null) pfn=0');
    const r = await ingestText(`${[decimal, failedNew, failedOld].join('\n')}\n`);
    expect(column(r.events, 'pfn')).toEqual([46548n, null, null]);
    expect(column(r.events, 'order')).toEqual([0, 0, 0]);
  });

  it('keeps every other event with its raw argument text, and function-tracer lines', async () => {
    const mark = '            init-1       (      1) [000] .....     6.709034: tracing_mark_write: klab: begin workload hmm';
    const fn = '            bash-1977    (   1977) [001] d..1.  4013.123456: do_sys_open <-__x64_sys_openat';
    const r = await ingestText(`${[mark, fn].join('\n')}\n`);
    expect(column(r.events, 'event')).toEqual(['tracing_mark_write', 'function']);
    expect(column(r.events, 'args')).toEqual(['klab: begin workload hmm', 'do_sys_open <-__x64_sys_openat']);
  });
});

describe('line accounting', () => {
  it('skips a line it cannot read with its number, and the sum always holds', async () => {
    const text = `${HEADER}\n${SET}\nthis is not a trace line\n${ALLOC}\n`;
    const r = await ingestText(text);
    const l = r.meta.lines;
    expect(l.skipped_by_reason).toEqual({ 'unparsed line': { count: 1, first_lines: [6] } });
    expect(l.lines_in).toBe(7);
    expect(l.lines_in).toBe(l.events + l.stack_lines + l.header_lines + l.markers + l.skipped);
    expect(column(r.events, 'line')).toEqual([5n, 7n]);
  });

  it('records lost-event and buffer-started markers with cpu, line and count', async () => {
    const text = ['CPU:0 [LOST 11333 EVENTS]', FREE, 'CPU:1 [LOST EVENTS]', '##### CPU 1 buffer started ####', FREE].join('\n');
    const r = await ingestText(`${text}\n`);
    expect(r.meta.lost_events).toEqual([
      { cpu: 0, line: 1, count: 11333, kind: 'lost' },
      { cpu: 1, line: 3, count: null, kind: 'lost' },
      { cpu: 1, line: 4, count: null, kind: 'buffer_started' },
    ]);
    expect(r.meta.lines.markers).toBe(3);
    expect(r.meta.lines.events).toBe(2);
  });

  it('reads CRLF line ends and a last line without a newline like the plain text', async () => {
    const text = zst(fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'));
    const plain = await ingestText(text);
    const crlf = await ingestText(text.replace(/\n/g, '\r\n'));
    const noLastNewline = await ingestText(text.slice(0, -1));
    for (const r of [crlf, noLastNewline]) {
      expect(r.meta.lines).toEqual(plain.meta.lines);
      expect(readFileSync(`${r.outDir}/events.arrow`)).toEqual(readFileSync(`${plain.outDir}/events.arrow`));
      expect(readFileSync(`${r.outDir}/stacks.arrow`)).toEqual(readFileSync(`${plain.outDir}/stacks.arrow`));
    }
  });

  it('accounts an event line cut off at the end of input (no newline) instead of trusting its last field', async () => {
    const r = await ingestText(`${SET}\n${ALLOC}`);
    expect(r.meta.lines).toMatchObject({ lines_in: 2, events: 1, skipped: 1 });
    expect(r.meta.lines.skipped_by_reason).toEqual({ 'last line cut off (no newline at end of input)': { count: 1, first_lines: [2] } });
  });
});

describe('stacks', () => {
  it('attaches ftrace <stack trace> frames to the preceding event of the same CPU', async () => {
    const text = zst(fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst')).split('\n').slice(0, 35).join('\n');
    const r = await ingestText(`${text}\n`);
    expect(column(r.events, 'stack_id').slice(0, 3)).toEqual([null, 0, 1]);
    expect([...r.stacks.getChild('frames')!.get(0)!]).toEqual([
      'trace_event_raw_event_page_ref_mod_and_test_template', '__page_ref_mod_unless', '__filemap_get_folio',
      'shmem_get_folio_gfp.constprop.0', 'shmem_file_read_iter', 'vfs_read', 'ksys_read', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe',
    ]);
  });

  it('gives a stack entry to the event of its own irq context when a softirq came in between (real ftrace-stacktrace excerpt)', async () => {
    // Reduced from host/ftrace-stacktrace lines 5382-6004: a process-context alloc, softirq frees with their stacks, then the alloc's stack.
    const text = [
      '        pagework-24862   [000] .....   548.404493: mm_page_alloc: page=00000000b56257da pfn=0x15e260 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP',
      '        pagework-24862   [000] .Ns3.   548.404630: mm_page_free: page=00000000682c0511 pfn=0x11f9c7 order=0',
      '        pagework-24862   [000] .Ns3.   548.404635: <stack trace>',
      ' => trace_event_raw_event_mm_page_free',
      ' => __free_frozen_pages',
      '        pagework-24862   [000] .....   548.404659: <stack trace>',
      ' => trace_event_raw_event_mm_page_alloc',
      ' => __alloc_frozen_pages_noprof',
    ].join('\n');
    const r = await ingestText(`${text}\n`);
    expect(r.meta.lines.skipped).toBe(0);
    expect(column(r.events, 'stack_id')).toEqual([1, 0]);
    expect([...r.stacks.getChild('frames')!.get(1)!]).toEqual(['trace_event_raw_event_mm_page_alloc', '__alloc_frozen_pages_noprof']);
  });

  it('reads trace-cmd kernel_stack entries and DROPPED markers (DOMAIN.md §2.2 examples)', async () => {
    const text = [
      'cpus=4',
      '          <idle>-0     [002] 24703.375199: hrtimer_expire_entry: hrtimer=0xffff8881 function=tick_sched_timer now=24703372002000',
      '          <idle>-0     [002] 24703.375200: kernel_stack:         <stack trace >',
      '=> trace_event_raw_event_hrtimer_expire_entry (ffffffff86218921)',
      '=> __hrtimer_run_queues (ffffffff86219a3b)',
      'CPU:3 [120 EVENTS DROPPED]',
    ].join('\n');
    const r = await ingestText(`${text}\n`);
    expect(r.meta.format.frontend).toBe('trace-cmd');
    expect(r.meta.header).toEqual({ cpus: 4 });
    expect(column(r.events, 'stack_id')).toEqual([0]);
    expect([...r.stacks.getChild('frames')!.get(0)!]).toEqual([
      'trace_event_raw_event_hrtimer_expire_entry (ffffffff86218921)', '__hrtimer_run_queues (ffffffff86219a3b)',
    ]);
    expect(r.meta.lost_events).toEqual([{ cpu: 3, line: 6, count: 120, kind: 'dropped' }]);
    expect(r.meta.lines).toMatchObject({ events: 1, stack_lines: 3, header_lines: 1, markers: 1, skipped: 0 });
  });

  it('reads `trace-cmd report -l` (latency layout: no brackets around the cpu)', async () => {
    // The DOMAIN.md §2.2 kernel_stack example in trace-cmd's `-l` context (`%8.8s-%-5d %3d` + latency flags).
    const text = ['cpus=4',
      '  <idle>-0       2d.h1. 24703.375199: hrtimer_expire_entry: hrtimer=0xffff8881 function=tick_sched_timer now=24703372002000',
      '  <idle>-0       2d.h1. 24703.375200: kernel_stack:         <stack trace >',
      '=> trace_event_raw_event_hrtimer_expire_entry (ffffffff86218921)'].join('\n');
    const r = await ingestText(`${text}\n`);
    expect(r.meta.format).toMatchObject({ frontend: 'trace-cmd', latency_format: true });
    expect(column(r.events, 'cpu')).toEqual([2]);
    expect(column(r.events, 'comm')).toEqual(['<idle>']);
    expect(column(r.events, 'ts_ns')).toEqual([24703375199000n]);
    expect(column(r.events, 'stack_id')).toEqual([0]);
    expect(r.meta.lines.skipped).toBe(0);
  });

  for (const [name, file] of [['ftrace <stack trace>', ['guest-6.1', 'hmm_stack']], ['perf -g callchains', ['host-6.18']]] as const) {
    it(`gives the same tables when ${name} are split across read chunks, with 1 and 2 workers`, async () => {
      const path = file.length === 2 ? fixture(file[0], file[1], 'trace.txt.zst') : fixture('host-6.18', 'perf-script-g.txt.zst');
      const dir = tempDir();
      const ref = await ingestTrace({ input: path, outDir: `${dir}/ref`, workers: 1 });
      expect(ref.meta.stacks.count).toBeGreaterThan(10);
      for (const [chunkBytes, workers] of [[61, 1], [997, 2], [4093, 2]] as const) {
        const r = await ingestTrace({ input: path, outDir: `${dir}/${chunkBytes}`, workers, chunkBytes, batchRows: 100 });
        const ref100 = await ingestTrace({ input: path, outDir: `${dir}/ref100`, workers: 1, batchRows: 100 });
        expect(r.meta.lines).toEqual(ref.meta.lines);
        expect(readFileSync(`${r.outDir}/events.arrow`)).toEqual(readFileSync(`${ref100.outDir}/events.arrow`));
        expect(readFileSync(`${r.outDir}/stacks.arrow`)).toEqual(readFileSync(`${ref100.outDir}/stacks.arrow`));
      }
    });
  }
});

describe('perf script', () => {
  it('reads the default fields, `sys:event:` names, pid/tid and --ns forms (real line)', async () => {
    const real = '            perf 32498 [001]   635.983547:                        kmem:mm_page_alloc: page=0x104941 pfn=0x104941 order=0 migratetype=0 gfp_flags=GFP_HIGHUSER|__GFP_ACCOUNT';
    const pidTid = real.replace('perf 32498', 'Web Content 32400/32498').replace('635.983547', '635.983547123');
    const r = await ingestText(`${real}\n${pidTid}\n`);
    expect(r.meta.format.frontend).toBe('perf-script');
    expect(column(r.events, 'event')).toEqual(['mm_page_alloc', 'mm_page_alloc']);
    expect(column(r.events, 'comm')).toEqual(['perf', 'Web Content']);
    expect(column(r.events, 'pid')).toEqual([32498, 32498]);
    expect(column(r.events, 'tgid')).toEqual([null, 32400]);
    expect(column(r.events, 'ts_ns')).toEqual([635983547000n, 635983547123n]);
    // perf prints the pfn in page= too; pfn= is the key.
    expect(column(r.events, 'pfn')).toEqual([0x104941n, 0x104941n]);
  });
});

describe('inputs and errors', () => {
  it('reads gzip and zstd by their magic bytes, whatever the file is called', async () => {
    const text = `${SET}\n${ALLOC}\n`;
    const plain = await ingestText(text);
    const gz = await ingestText(gzipSync(text), {}, 'trace.bin');
    expect(gz.meta.source.compression).toBe('gzip');
    expect(readFileSync(`${gz.outDir}/events.arrow`)).toEqual(readFileSync(`${plain.outDir}/events.arrow`));
    const z = await ingestTrace({ input: fixture('host-6.18', 'perf-script.txt.zst'), outDir: `${tempDir()}/r` });
    expect(z.meta.source.compression).toBe('zstd');
    expect(z.meta.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const bad: Array<[string, string | Uint8Array, RegExp]> = [
    ['an empty file', '', /empty input/],
    ['a PNG', Buffer.from('\x89PNG\r\n\x1a\n\0\0\0\rIHDR', 'latin1'), /not a trace: a PNG image/],
    ['an ELF binary', Buffer.from('\x7fELF\x02\x01\x01\0\0\0', 'latin1'), /ELF/],
    ['JSON', '{"traceEvents": []}\n', /not a trace: JSON/],
    ['trace-cmd trace.dat', Buffer.from('\x17\x08\x44tracing6\0', 'latin1'), /trace-cmd report/],
    ['perf.data', 'PERFILE2\0\0\0\0', /perf script/],
    ['text that is no trace', 'hello\nworld\n', /not a trace/],
  ];
  for (const [what, content, message] of bad) {
    it(`rejects ${what} with one line naming the file`, async () => {
      const p = ingestText(content);
      await expect(p).rejects.toThrow(message);
      await expect(p).rejects.toMatchObject({ name: 'PagetraceError', exitCode: 2 });
      await expect(p).rejects.toThrow(/trace\.txt/);
    });
  }

  it('names a missing file and a directory', async () => {
    const dir = tempDir();
    await expect(ingestTrace({ input: `${dir}/nope.txt`, outDir: `${dir}/r` })).rejects.toThrow(`${dir}/nope.txt: no such file`);
    await expect(ingestTrace({ input: dir, outDir: `${dir}/r` })).rejects.toThrow(`${dir}: is a directory`);
  });

  it('overwrites an older run atomically and removes stale temporaries', async () => {
    const dir = tempDir();
    const out = `${dir}/run`;
    await ingestTrace({ input: fixture('host-6.18', 'perf-script.txt.zst'), outDir: out });
    const stale = `${out}/.pagetrace-tmp-events.arrow.1.dead`;
    (await import('node:fs')).writeFileSync(stale, 'x');
    const r = await ingestTrace({ input: fixture('host-6.18', 'ftrace-noirq.txt.zst'), outDir: out });
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(out).sort()).toEqual(['events.arrow', 'meta.json', 'stacks.arrow']);
    expect(readRun(out).events.numRows).toBe(r.meta.lines.events);
  });

  it('retires every file of an older run, also when the new ingest fails half-way', async () => {
    const { readdirSync, writeFileSync } = await import('node:fs');
    const dir = tempDir();
    const out = `${dir}/run`;
    await ingestTrace({ input: fixture('host-6.18', 'perf-script.txt.zst'), outDir: out });
    for (const f of ['anomalies.arrow', 'pages.arrow', 'replay.json']) writeFileSync(`${out}/${f}`, 'older replay output');
    // A trace whose 2001st line is longer than the line cap: detected, then refused mid-way.
    const bad = `${dir}/bad.txt`;
    const good = readTraceBytes(fixture('host-6.18', 'ftrace-noirq.txt.zst')).toString('latin1').split('\n').slice(0, 2000).join('\n');
    writeFileSync(bad, `${good}\n${'x'.repeat(5000)}\n`);
    await expect(ingestTrace({ input: bad, outDir: out, maxLineBytes: 4096 })).rejects.toThrow(/line longer than 4096 bytes/);
    // Nothing of the older run is left to mix with a later one, and no temporaries either.
    expect(readdirSync(out)).toEqual([]);
    await ingestTrace({ input: fixture('host-6.18', 'ftrace-noirq.txt.zst'), outDir: out });
    expect(readdirSync(out).sort()).toEqual(['events.arrow', 'meta.json', 'stacks.arrow']);
  });
});
