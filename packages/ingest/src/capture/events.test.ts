import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatHasPfnField, missingEventWarning, parseEventList, parsePfnRange, pfnFilterExpression, PRESETS, resolveEvents,
} from './events.js';
import { defaultBufferKb, plannedEventSpecs } from './record.js';

/** A minimal events/ tree shaped like tracefs: system dirs with enable/filter files and event dirs. */
function fakeEventsDir(layout: Record<string, string[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pagetrace-events-'));
  for (const [system, events] of Object.entries(layout)) {
    mkdirSync(join(dir, system));
    writeFileSync(join(dir, system, 'enable'), '0\n');
    writeFileSync(join(dir, system, 'filter'), 'none\n');
    for (const e of events) {
      mkdirSync(join(dir, system, e));
      writeFileSync(join(dir, system, e, 'enable'), '0\n');
    }
  }
  return dir;
}

describe('event lists', () => {
  it('parses --events and rejects malformed specs', () => {
    expect(parseEventList('kmem:mm_page_alloc, migrate:*  page_ref')).toEqual(['kmem:mm_page_alloc', 'migrate:*', 'page_ref']);
    expect(() => parseEventList('kmem:mm_page_alloc;rm -rf')).toThrow(/bad event/);
    expect(() => parseEventList('kmem:')).toThrow(/bad event/);
  });

  it('resolves presets against what the kernel has and lists what is missing', async () => {
    const dir = fakeEventsDir({ kmem: ['mm_page_alloc', 'mm_page_free', 'kmalloc'], migrate: ['mm_migrate_pages', 'set_migration_pte'] });
    try {
      const r = await resolveEvents(dir, ['page_ref:*', 'kmem:mm_page_alloc', 'kmem:mm_page_free', 'kmem:nope', 'migrate', 'kmem:mm_page_alloc']);
      expect(r.enabled.map((e) => `${e.system}:${e.name}`)).toEqual([
        'kmem:mm_page_alloc', 'kmem:mm_page_free', 'migrate:mm_migrate_pages', 'migrate:set_migration_pte',
      ]);
      expect(r.missing).toEqual(['page_ref:*', 'kmem:nope']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('names the kernel option in the warning for a missing system', () => {
    expect(missingEventWarning('page_ref:*')).toMatch(/CONFIG_DEBUG_PAGE_REF/);
    expect(missingEventWarning('foo:bar')).toMatch(/foo:bar does not exist/);
  });

  it('plans the refcount preset by default and only the given events with --events alone', () => {
    expect(plannedEventSpecs(undefined).specs).toEqual([...PRESETS.refcount]);
    expect(plannedEventSpecs(undefined, ['kmem:mm_page_alloc'])).toEqual({ preset: null, specs: ['kmem:mm_page_alloc'] });
    const both = plannedEventSpecs('alloc', ['compaction:*', 'kmem:mm_page_alloc']);
    expect(both.specs).toEqual([...PRESETS.alloc, 'compaction:*']);
    for (const name of ['refcount', 'migration', 'all'] as const) expect(PRESETS[name]).toContain('page_ref:*');
  });
});

describe('pfn filters', () => {
  it('parses START-END (hex or decimal, END exclusive) into a kernel filter', () => {
    const r = parsePfnRange('0x40000-0x50000');
    expect(r).toEqual({ start: 0x40000n, end: 0x50000n });
    expect(pfnFilterExpression(r)).toBe('pfn >= 0x40000 && pfn < 0x50000');
    expect(parsePfnRange('4096-8192')).toEqual({ start: 4096n, end: 8192n });
    expect(() => parsePfnRange('0x50000-0x40000')).toThrow(/greater/);
    expect(() => parsePfnRange('abc')).toThrow(/bad --pfn/);
  });

  it('finds the pfn field in tracepoint formats (kmem has one, compaction_begin does not)', () => {
    const kmem = '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\tfield:unsigned long pfn;\toffset:8;\tsize:8;\tsigned:0;\n';
    const comp = '\tfield:unsigned long zone_start;\toffset:8;\tsize:8;\tsigned:0;\n\tfield:unsigned long migrate_pfn;\toffset:16;\tsize:8;\tsigned:0;\n';
    expect(formatHasPfnField(kmem)).toBe(true);
    expect(formatHasPfnField(comp)).toBe(false);
    const real = '/sys/kernel/tracing/events/kmem/mm_page_alloc/format';
    if (existsSync(real)) expect(formatHasPfnField(readFileSync(real, 'utf8'))).toBe(true);
  });
});

describe('defaultBufferKb', () => {
  it('gives each CPU its share of 1/64 of RAM, between 4 MB and 64 MB', () => {
    const GB = 1024 ** 3;
    expect(defaultBufferKb(24 * GB, 2)).toBe(65536); // capped
    expect(defaultBufferKb(8 * GB, 8)).toBe(16384);
    expect(defaultBufferKb(1 * GB, 64)).toBe(4096); // floor
  });
});
