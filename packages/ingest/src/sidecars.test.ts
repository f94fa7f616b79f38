import { describe, expect, it } from '@jest/globals';
import { copyFileSync, writeFileSync } from 'node:fs';
import { ingestTrace } from './ingest.js';
import { findSidecars, releaseFromUname } from './sidecars.js';
import { parseIomemDeviceRanges } from './iomem.js';
import { fixture, tempDir } from './testing/index.js';

describe('sidecars beside the trace', () => {
  it('reads uname.txt and the device ranges of iomem.txt (guest 6.1: pmem -> fsdax, hmm_dmirror -> device_private)', async () => {
    const { meta } = await ingestTrace({ input: fixture('guest-6.1', 'hmm_stack', 'trace.txt.zst'), outDir: `${tempDir()}/r` });
    expect(meta.kernel?.release).toBe('6.1.192');
    expect(meta.memory_map?.device_ranges.map((r) => [r.start_pfn, r.end_pfn, r.kind])).toEqual([
      ['0x40000', '0x50000', 'fsdax'],
      ['0xfce0000', '0xfcf0000', 'device_private'],
      ['0xfcf0000', '0xfd00000', 'device_private'],
    ]);
  });

  it('prefers `FILE.record.json` (also for FILE.zst) and keeps it verbatim in meta.sidecar', async () => {
    const dir = tempDir();
    copyFileSync(fixture('host-6.18', 'perf-script.txt.zst'), `${dir}/run.trace.zst`);
    const sidecar = { uname_r: '6.18.44-test', device_ranges: [{ start_pfn: 262144, end_pfn: '0x50000', name: 'pmem0', kind: 'fsdax' }], trace_clock: 'global', zoneinfo: 'x' };
    writeFileSync(`${dir}/run.trace.record.json`, JSON.stringify(sidecar));
    writeFileSync(`${dir}/uname.txt`, '5.10.0\n');
    const { meta } = await ingestTrace({ input: `${dir}/run.trace.zst`, outDir: `${dir}/r` });
    expect(meta.sidecar).toEqual(sidecar);
    expect(meta.kernel).toEqual({ release: '6.18.44-test', source: `${dir}/run.trace.record.json` });
    expect(meta.memory_map?.device_ranges).toEqual([{ start_pfn: '0x40000', end_pfn: '0x50000', name: 'pmem0', kind: 'fsdax', source: 'run.trace.record.json' }]);
    expect(meta.clock.name).toBe('global');
  });

  it('rejects a broken record sidecar with one line naming it', async () => {
    const dir = tempDir();
    writeFileSync(`${dir}/t.txt.record.json`, '{"uname_r": ');
    await expect(findSidecars(`${dir}/t.txt`)).rejects.toThrow(`${dir}/t.txt.record.json: record sidecar is not valid JSON`);
  });

  it('parses `uname -a` and `uname -r` text and nested iomem resources once', () => {
    expect(releaseFromUname('Linux (none) 6.1.192 #7 SMP Sun Nov 22 21:07:29 UTC 2026 x86_64 GNU/Linux\n')).toBe('6.1.192');
    expect(releaseFromUname('6.18.44-fc-v669\n')).toBe('6.18.44-fc-v669');
    const iomem = ['100000000-13fffffff : System RAM', '180000000-1bfffffff : Soft Reserved', '  180000000-1bfffffff : dax0.0',
      '240000000-2ffffffff : Persistent Memory', '  240000000-2ffffffff : namespace1.0'].join('\n');
    expect(parseIomemDeviceRanges(iomem, 4096, 'iomem.txt').map((r) => [r.start_pfn, r.end_pfn, r.kind, r.name])).toEqual([
      ['0x180000', '0x1c0000', 'device_generic', 'dax0.0'],
      ['0x240000', '0x300000', 'fsdax', 'Persistent Memory'],
    ]);
  });
});
