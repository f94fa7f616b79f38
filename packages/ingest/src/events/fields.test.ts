import { describe, expect, it } from '@jest/globals';
import { Dict } from '../parse/dict.js';
import { RowStore } from '../parse/row-store.js';
import { addressOf, readInPrintOrder } from '../wasm/line-reader.js';
import { parseFields, parseFieldsBySearch, specFor, type FieldsResult } from './fields.js';

/** The typed columns a row ended up with, as plain values. */
function rowOf(s: RowStore, r: number, dicts: { flags: Dict; gfp: Dict }): Record<string, unknown> {
  const u64 = (col: Uint32Array, ok: Uint8Array): string | null => (ok[r] === 1 ? `${col[2 * r + 1]}:${col[2 * r]}` : null);
  const small = (col: Int32Array | Int8Array, ok: Uint8Array): number | null => (ok[r] === 1 ? (col[r] as number) : null);
  const id = (v: number, d: Dict): string | null => (v < 0 ? null : (d.values[v] as string));
  return {
    pfn: u64(s.pfn, s.pfnOk), pfnEnd: u64(s.pfnEnd, s.pfnEndOk), ofs: u64(s.ofs, s.ofsOk), mapping: u64(s.mapping, s.mappingOk),
    order: small(s.order, s.orderOk), mt: small(s.mt, s.mtOk), count: small(s.count, s.countOk), mapcount: small(s.mapcount, s.mapcountOk),
    val: small(s.val, s.valOk), ret: small(s.ret, s.retOk),
    flags: id(s.flags[r] as number, dicts.flags), gfp: id(s.gfp[r] as number, dicts.gfp),
  };
}

function parseWith(parse: typeof parseFields, event: string, args: string): { result: FieldsResult; row: Record<string, unknown>; dicts: string[][] } {
  const spec = specFor(event);
  if (spec === null) throw new Error(`no spec for ${event}`);
  // Text before and after the arguments: the parser must stay within [argsStart, lineEnd).
  const bytes = Buffer.from(`xx: ${args}\nzz pfn=0x5 count=9`, 'latin1');
  const store = new RowStore(16);
  const dicts = { flags: new Dict(), gfp: new Dict() };
  const r = store.addRow();
  const result = parse(spec, bytes, 4, 4 + Buffer.byteLength(args, 'latin1'), store, r, dicts);
  // The dictionaries too: a pass that gave up half-way must not have interned anything.
  return { result, row: rowOf(store, r, dicts), dicts: [dicts.flags.values, dicts.gfp.values] };
}

const PAGE_REF_LINES = [
  'pfn=0x1a2b3c flags=referenced|uptodate|lru count=2 mapcount=1 mapping=ffff888003e4a6b1 mt=1 val=1',
  'pfn=0x10 flags= count=1 mapcount=0 mapping=0000000000000000 mt=0 val=-1',
  'pfn=0x10 flags=Ma b  count=1 mapcount=0 mapping=(null) mt=0 val=1', // a flags value with spaces
  'pfn=0x10 flags=count=3 count=1 mapcount=0 mapping=0x0 mt=0 val=1', // a value that starts with the next key
  'pfn=0x ffff flags=x count=1 mapcount=0 mapping=0x mt=0 val=1', // 0x without digits
  'pfn=0x1ffffffffffffffff flags=x count=1 mapcount=0 mapping=11112222333344445 mt=0 val=1', // 17 hex digits
  'pfn=0xffffffffffffffff flags=x count=0x10 mapcount=-0 mapping=0X1F mt=200 val=1234567890', // -1 pfn, hex and wide ints
  'pfn=1234 flags=x count=00000000001 mapcount=-5 mapping=abc mt=-128 val=1 ', // decimal pfn, trailing space
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=0 val=1 x', // text after the last value
  'pfn=0x10 flags=x count=1 mapcount=0', // trailing fields absent
  'pfn=0x10 flags=x count=1,mapcount=0\tmapping=0 mt=1 val=2', // other separators
  'pfn=0x10 flags=x mapcount=0 mapping=0 mt=1 val=2', // a field absent in the middle
  ' pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=2', // text before the first field
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=', // empty last value
  'pfn=0x10 flags=x count= mapcount=0 mapping=0 mt=1 val=2', // empty value
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=2   ', // trailing separators
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=2 ret=1',
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=2 ret=1x', // a bad last value after every other was read
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=(null) mt=1 val=2', // a pointer read as text
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=ffff888003e4a6b1 mt=-129 val=2', // mt out of its column's range
  'pfn=0xffffffffffffffff flags=x count=1 mapcount=0 mapping=0 mt=1 val=2', // pfn -1: no page
  'pfn=0x10 flags=x count=1234567890 mapcount=0 mapping=0 mt=1 val=2', // 10 digits
  'pfn=0X1aB flags=x count=123456789 mapcount=-123456789 mapping=FFFFFFFFFFFFFFFF mt=127 val=-1', // upper case, 9 digits, int8 edge
  'pfn=0x10 flags=x count=- mapcount=0 mapping=0 mt=-128 val=1', // a sign without digits
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0x mt=1 val=1', // a pointer 0x without digits
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0x0 mt=128 val=1', // mt beyond int8
  'pfn=0x10 flags=\u00e9|x count=1 mapcount=0 mapping=0 mt=1 val=1', // a high byte in a text value
  'pfn=0x0 flags=x count=1 mapcount=0 mapping=(nil) mt=1 val=1',
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=1\t,', // other trailing separators
  'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=1 val=2', // a key twice
  'pfn=',
  'pfn=0x10 flags=x count=1 mapcount=0  \t', // trailing fields absent, separators after the last one present
  'pfn=0x10 flags=', // the line ends at an empty value
  'pfn=0x10 flags=mapcount=0', // a later key at the start of the last value present
  'pfn=0x10 flags=val=1 ', // the same, with a separator after it
  'pfn=0x10 count=1', // absent in the middle, then the line ends
  '',
];

const CASES: Array<[string, string]> = [
  ...PAGE_REF_LINES.map((l): [string, string] => ['page_ref_mod', l]),
  ...PAGE_REF_LINES.map((l): [string, string] => ['page_ref_mod_and_test', `${l} ret=0`]),
  ['mm_page_alloc', 'page=0000000012345678 pfn=0x1f000 order=0 migratetype=1 gfp_flags=GFP_KERNEL|__GFP_ZERO'],
  ['mm_page_alloc', 'page=(null) pfn=0xffffffffffffffff order=3 migratetype=0 gfp_flags=GFP_ATOMIC'],
  ['mm_page_alloc', 'page=0000000000000000 pfn=0 order=0 migratetype=0 gfp_flags=GFP_NOWAIT'],
  ['mm_page_alloc', 'page=ffffea0000400000 pfn=16384 order=9 migratetype=2 gfp_flags='],
  ['mm_page_alloc', 'page=(nil) pfn=0x5 order=0 migratetype=0 gfp_flags=GFP_ATOMIC'],
  ['mm_page_alloc', 'page=0x0000 pfn=0x5 order=0 migratetype=0 gfp_flags=GFP_ATOMIC'], // a NULL page: no pfn
  ['mm_page_alloc', 'page=0x pfn=0x5 order=0 migratetype=0 gfp_flags=GFP_ATOMIC'], // not a NULL spelling
  ['mm_page_alloc', 'page=(none) pfn=0x5 order=0 migratetype=0 gfp_flags=GFP_ATOMIC'],
  ['mm_page_free', 'page=0000000012345678 pfn=0x1f000 order=0'],
  ['mm_page_free', 'page=0000000012345678 pfn=0x1f000 order=0 cold=1'],
  ['mm_page_free_batched', 'page=0000000012345678 pfn=0x1f000 order=0 cold=0'],
  ['mm_filemap_add_to_page_cache', 'dev 0:1 ino 400 page=0000000012345678 pfn=0x1f000 ofs=4096 order=0'],
  ['mm_compaction_isolate_migratepages', 'range=(0x1000 ~ 0x2000) nr_scanned=5 nr_taken=2'],
  ['test_pages_isolated', 'start_pfn=0x1000 end_pfn=0x2000 fin_pfn=0x2000 ret=fail'],
  ['test_pages_isolated', 'start_pfn=0x1000 end_pfn=zz fin_pfn=0x2000 ret=fail'], // a bad value read from its text, after a pfn was stored
  ['mm_filemap_add_to_page_cache', 'page=0000000012345678 pfn=0x1f000 ofs=4096 order=0'],
];

describe('parseFields: the print-order pass', () => {
  it('fills the same columns and gives the same result as the key search, on every line layout', () => {
    for (const [event, args] of CASES) {
      const fast = parseWith(parseFields, event, args);
      const search = parseWith(parseFieldsBySearch, event, args);
      expect({ event, args, ...fast }).toEqual({ event, args, ...search });
    }
  });

  it('is what reads the lines the kernel prints (the key search only reads the others)', () => {
    const takes = (event: string, args: string): boolean => {
      const spec = specFor(event);
      if (spec === null) throw new Error(`no spec for ${event}`);
      const bytes = Buffer.from(args, 'latin1');
      const base = addressOf(bytes, 0, bytes.length);
      return readInPrintOrder(spec.table, base, base + bytes.length) !== -1;
    };
    expect(takes('page_ref_mod', PAGE_REF_LINES[0] as string)).toBe(true);
    expect(takes('page_ref_mod_and_test', `${PAGE_REF_LINES[0] as string} ret=1`)).toBe(true);
    expect(takes('mm_page_alloc', 'page=(null) pfn=0xffffffffffffffff order=3 migratetype=0 gfp_flags=GFP_ATOMIC')).toBe(true);
    expect(takes('mm_page_free_batched', 'page=0000000012345678 pfn=0x1f000 order=0 cold=0')).toBe(true);
    expect(takes('mm_filemap_add_to_page_cache', 'page=0000000012345678 pfn=0x1f000 ofs=4096 order=0')).toBe(true);
    expect(takes('mm_page_free', 'page=0000000012345678 pfn=0x1f000 order=0')).toBe(true); // cold= is gone since 4.x
    // Laid out otherwise: a field absent in the middle, a bad value, text after the last one.
    expect(takes('page_ref_mod', 'pfn=0x10 flags=x mapcount=0 mapping=0 mt=1 val=2')).toBe(false);
    expect(takes('page_ref_mod', 'pfn=0x10 flags=x count=0x10 mapcount=0 mapping=0 mt=1 val=2')).toBe(false);
    expect(takes('page_ref_mod', 'pfn=0x10 flags=x count=1 mapcount=0 mapping=0 mt=1 val=1 x')).toBe(false);
  });

  it('reads the values the kernel prints', () => {
    const { result, row } = parseWith(parseFields, 'page_ref_mod_and_test',
      'pfn=0x1a2b3c flags=referenced|lru count=2 mapcount=-1 mapping=ffff888003e4a6b1 mt=1 val=-1 ret=0');
    expect(result).toBe(0);
    expect(row).toMatchObject({ pfn: '0:1715004', flags: 'referenced|lru', count: 2, mapcount: -1, mapping: '4294936704:65316529', mt: 1, val: -1, ret: 0 });
    const failed = parseWith(parseFields, 'mm_page_alloc', 'page=(null) pfn=0xffffffffffffffff order=3 migratetype=0 gfp_flags=GFP_ATOMIC');
    expect(failed.row).toMatchObject({ pfn: null, order: 3, mt: 0, gfp: 'GFP_ATOMIC' });
  });
});
