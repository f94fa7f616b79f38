import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveSharedTraces, sharedTracesDir } from '../testing/index.js';
import { iomemAddressesHidden, parseIomemDeviceRanges, parseZoneinfo } from './system-info.js';

describe('parseIomemDeviceRanges', () => {
  it('finds the hmm_dmirror device-private chunks and the legacy pmem of the real 6.1 guest', () => {
    if (!haveSharedTraces()) return;
    const text = readFileSync(join(sharedTracesDir(), 'guest', 'hmm_migrate', 'iomem.txt'), 'utf8');
    const ranges = parseIomemDeviceRanges(text);
    // guest/MANIFEST.md: pmem at PFNs 0x40000-0x4ffff, test_hmm memory at 0xfce0000-0xfcfffff.
    expect(ranges.map((r) => [r.kind, r.name, r.start_pfn, r.end_pfn])).toEqual([
      ['fsdax', 'Persistent Memory (legacy)', '0x40000', '0x50000'],
      ['device_private', 'hmm_dmirror', '0xfce0000', '0xfcf0000'],
      ['device_private', 'hmm_dmirror', '0xfcf0000', '0xfd00000'],
    ]);
    expect(ranges.every((r) => r.source === '/proc/iomem')).toBe(true);
  });

  it('reports a devdax namespace as device_generic instead of fsdax', () => {
    const text = [
      '00100000-bfffffff : System RAM',
      '240000000-43fffffff : Persistent Memory',
      '  240000000-43fffffff : namespace0.0',
      '    242000000-43fffffff : dax0.0',
      '500000000-5ffffffff : nouveau_dmem',
    ].join('\n');
    expect(parseIomemDeviceRanges(text).map((r) => [r.kind, r.start_pfn, r.end_pfn])).toEqual([
      ['device_generic', '0x242000', '0x440000'],
      ['device_private', '0x500000', '0x600000'],
    ]);
  });

  it('uses the page size for pfns and knows when addresses are hidden', () => {
    const text = '40000000-4fffffff : Persistent Memory (legacy)\n';
    expect(parseIomemDeviceRanges(text, 65536)[0]).toMatchObject({ start_pfn: '0x4000', end_pfn: '0x5000' });
    const hidden = '00000000-00000000 : System RAM\n00000000-00000000 : Persistent Memory\n';
    expect(iomemAddressesHidden(hidden)).toBe(true);
    expect(parseIomemDeviceRanges(hidden)).toEqual([]);
    expect(iomemAddressesHidden(text)).toBe(false);
  });
});

describe('parseZoneinfo', () => {
  it('reads zone spans (start_pfn + spanned) per node', () => {
    const text = [
      'Node 0, zone      DMA',
      '  per-node stats',
      '      nr_inactive_anon 10',
      '  pages free     3840',
      '        boost    0',
      '        spanned  4095',
      '        present  3998',
      '        managed  3840',
      '  start_pfn:           1',
      'Node 1, zone   Normal',
      '  pages free     100',
      '        spanned  262144',
      '        present  262144',
      '        managed  250000',
      '  start_pfn:           1048576',
    ].join('\n');
    expect(parseZoneinfo(text)).toEqual([
      { node: 0, zone: 'DMA', start_pfn: '0x1', end_pfn: '0x1000', spanned: 4095, present: 3998, managed: 3840 },
      { node: 1, zone: 'Normal', start_pfn: '0x100000', end_pfn: '0x140000', spanned: 262144, present: 262144, managed: 250000 },
    ]);
  });

  it('parses this machine\'s /proc/zoneinfo into ordered, consistent zones', () => {
    if (!existsSync('/proc/zoneinfo')) {
      console.warn('NOTE: no /proc/zoneinfo here; skipped');
      return;
    }
    const zones = parseZoneinfo(readFileSync('/proc/zoneinfo', 'utf8'));
    expect(zones.length).toBeGreaterThan(0);
    for (const z of zones) {
      expect(z.present).toBeLessThanOrEqual(z.spanned);
      expect(BigInt(z.end_pfn) - BigInt(z.start_pfn)).toBe(BigInt(z.spanned));
    }
  });
});
