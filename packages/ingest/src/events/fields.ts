/**
 * Table-driven field parser (Perfetto-style split: the front-end tokenizer gives the
 * argument text, this table says what each field of each event means).
 *
 * Per event: the ordered field names as printed by the kernel's TP_printk, and the typed
 * column each one fills. A value runs from `name=` to the next known ` name2=`, because
 * values can contain spaces (real `mm_lru_insertion: ... flags=Ma b  `). Events whose
 * every field lands in a column (or is known redundant, like kmem's `page=`) get no `args`;
 * all others keep their raw argument text, so nothing is ever lost.
 */
import type { RowStore } from '../parse/row-store.js';
import { isAllOnes, latin1At, parseInt32At, parsePointerAt, parseU64At, type U64 } from './numbers.js';
import { addFieldTable, addressOf, readInPrintOrder, record } from '../wasm/line-reader.js';

/**
 * Where a field goes. `page` is never a key (ftrace hashes it, perf/trace-cmd print the pfn
 * there): it only tells a failed allocation (`(null)`/0). `keep` fields stay in `args`.
 */
type Target =
  | 'pfn' | 'pfn_end' | 'range' | 'order' | 'count' | 'mapcount' | 'val' | 'ret' | 'mt' | 'flags' | 'gfp'
  | 'mapping' | 'ofs' | 'page' | 'alloc_page' | 'keep';

interface FieldSpec { name: string; target: Target }
/**
 * `keys`: `name=` as latin1 bytes, compared in place against the chunk's bytes; `codes`:
 * each field's target as a small integer (the per-line switch compares numbers, not strings).
 */
interface EventSpec {
  fields: FieldSpec[]; keys: Uint8Array[]; codes: Int8Array;
  /** storeInPrintOrder may read its lines: no `range` value (it holds spaces) and no column filled twice. */
  oneReadPass: boolean;
  /** The field table's handle in the one-pass reader (when oneReadPass). */
  table: number;
}

const TARGET_CODES: readonly Target[] = [
  'pfn', 'pfn_end', 'range', 'order', 'count', 'mapcount', 'val', 'ret', 'mt', 'flags', 'gfp', 'mapping', 'ofs', 'page', 'alloc_page', 'keep',
];
const enum T { pfn, pfnEnd, range, order, count, mapcount, val, ret, mt, flags, gfp, mapping, ofs, page, allocPage, keep }

const PAGE_REF = 'pfn:pfn flags:flags count:count mapcount:mapcount mapping:mapping mt:mt val:val';
const PAGE_REF_RET = `${PAGE_REF} ret:ret`;
const KMEM_FREE = 'page:page pfn:pfn order:order cold:keep';

/** Event name -> `field:target` list in print order (DOMAIN.md §1). */
const TABLE: Record<string, string> = {
  page_ref_set: PAGE_REF,
  page_ref_mod: PAGE_REF,
  page_ref_unfreeze: PAGE_REF,
  page_ref_mod_and_test: PAGE_REF_RET,
  page_ref_mod_and_return: PAGE_REF_RET,
  page_ref_mod_unless: PAGE_REF_RET,
  page_ref_freeze: PAGE_REF_RET,
  // Android page_pinner (not upstream): page_ref-like.
  page_pin_owner_put: 'pfn:pfn flags:flags count:count mapcount:mapcount mapping:mapping mt:mt',
  report_page_pinners: 'pfn:pfn flags:flags count:count mapcount:mapcount mapping:mapping mt:mt reason:keep err:keep',
  // Only here does a NULL page mean something: the allocation failed (pfn -1 or 0 printed).
  mm_page_alloc: 'page:alloc_page pfn:pfn order:order migratetype:mt gfp_flags:gfp',
  mm_page_free: KMEM_FREE,
  mm_page_free_batched: KMEM_FREE,
  mm_page_free_direct: KMEM_FREE, // name before v3.3
  mm_pagevec_free: KMEM_FREE, // name before v3.3
  mm_page_alloc_zone_locked: 'page:page pfn:pfn order:order migratetype:mt percpu_refill:keep',
  mm_page_pcpu_drain: 'page:page pfn:pfn order:order migratetype:mt',
  mm_page_alloc_extfrag: 'page:page pfn:pfn alloc_order:keep fallback_order:keep pageblock_order:keep alloc_migratetype:keep fallback_migratetype:keep fragmenting:keep change_ownership:keep',
  mm_compaction_isolate_migratepages: 'range:range nr_scanned:keep nr_taken:keep',
  mm_compaction_isolate_freepages: 'range:range nr_scanned:keep nr_taken:keep',
  mm_compaction_fast_isolate_freepages: 'range:range nr_scanned:keep nr_taken:keep',
  mm_filemap_add_to_page_cache: 'page:page pfn:pfn ofs:ofs order:order',
  mm_filemap_delete_from_page_cache: 'page:page pfn:pfn ofs:ofs order:order',
  mm_shmem_add_to_page_cache: 'page:page pfn:pfn ofs:ofs order:order',
  mm_lru_insertion: 'folio:keep page:page pfn:pfn lru:keep flags:keep',
  mm_lru_activate: 'folio:keep page:page pfn:pfn',
  mm_vmscan_writepage: 'page:page pfn:pfn flags:keep',
  test_pages_isolated: 'start_pfn:pfn end_pfn:pfn_end fin_pfn:keep ret:keep',
  cma_alloc: 'name:keep pfn:pfn page:page count:keep align:keep',
  cma_alloc_start: 'name:keep count:keep align:keep',
  cma_alloc_finish: 'name:keep pfn:pfn page:page count:keep align:keep errorno:keep',
  cma_alloc_busy_retry: 'name:keep pfn:pfn page:page count:keep align:keep',
  cma_release: 'name:keep pfn:pfn page:page count:keep',
  mm_khugepaged_scan_pmd: 'mm:keep scan_pfn:pfn writable:keep referenced:keep none_or_zero:keep status:keep unmapped:keep',
  mm_collapse_huge_page_isolate: 'scan_pfn:pfn none_or_zero:keep referenced:keep writable:keep status:keep',
  page_pool_state_release: 'pool:keep page:page pfn:pfn release:keep',
  page_pool_state_hold: 'pool:keep page:page pfn:pfn hold:keep',
  set_migration_pte: 'addr:keep pte:keep order:order',
  remove_migration_pte: 'addr:keep pte:keep order:order',
};

function compile(spec: string): EventSpec {
  const fields = spec.split(' ').map((f) => {
    const [name, target] = f.split(':') as [string, Target];
    return { name, target };
  });
  const codes = Int8Array.from(fields, (f) => TARGET_CODES.indexOf(f.target));
  const filled = [...codes].filter((c) => c !== T.keep && c !== T.page);
  const keys = fields.map((f) => new Uint8Array(Buffer.from(`${f.name}=`, 'latin1')));
  const oneReadPass = !codes.includes(T.range) && new Set(filled).size === filled.length;
  return { fields, keys, codes, oneReadPass, table: oneReadPass ? addFieldTable(codes, keys) : -1 };
}

const SPECS = new Map<string, EventSpec>(Object.entries(TABLE).map(([k, v]) => [k, compile(v)]));

export type { EventSpec };

/** The field table of an event, or null (callers cache it per event id). */
export function specFor(event: string): EventSpec | null {
  return SPECS.get(event) ?? null;
}

/** Names of the typed columns an event can fill (for docs and the cross-format test). */
export function typedColumnsOf(event: string): string[] {
  const spec = SPECS.get(event);
  if (spec === undefined) return [];
  const cols = new Set<string>();
  for (const f of spec.fields) {
    if (f.target === 'keep' || f.target === 'page' || f.target === 'alloc_page') continue;
    if (f.target === 'range') { cols.add('pfn'); cols.add('pfn_end'); } else cols.add(f.target);
  }
  return [...cols];
}

export interface Interner { internBytes(bytes: Uint8Array, start: number, end: number): number }

const u64: U64 = { lo: 0, hi: 0 };
/** What the one-pass reader gives for a line it does not take. */
const NOT_IN_ONE_PASS = -1;
/** Its result record (assembly/print-order.ts R_*): numbers read (a bit per target code), text ranges, values. */
const R_MASK = 0;
const R_FLAGS = 1;
const R_GFP = 3;
const R_PFN_END = 5;
const R_OFS = 7;
const R_VALUES = 16;
/** Per field of the line being parsed: where its value starts (-1 = field absent) and ends (trimmed). */
const valueStarts = new Int32Array(16);
const valueEnds = new Int32Array(16);
const RANGE = /^\((\S+) ~ (\S+)\)$/;

/** What parseFields found: the typed columns hold everything, or not (args kept), or a value was unreadable. */
export const FIELDS_TYPED = 0;
export const FIELDS_PARTIAL = 1;
/** A known field was present but its value could not be read (`pfn=zz`, `count=`): the column is NULL. */
export const FIELDS_BAD_VALUE = 2;
export type FieldsResult = typeof FIELDS_TYPED | typeof FIELDS_PARTIAL | typeof FIELDS_BAD_VALUE;

/**
 * Fill the typed columns of row `r` from the argument text, bytes [argsStart, lineEnd) of
 * the chunk (latin1, read in place: see numbers.ts). FIELDS_TYPED when the typed columns
 * hold everything the text said (then `args` may stay null); FIELDS_BAD_VALUE when a value
 * was unreadable, so the caller can account for it instead of leaving a silent NULL.
 *
 * A line laid out the way the kernel prints it (almost every line) is read in one pass
 * (storeInPrintOrder); any other line, or an event whose fields that pass does not read,
 * by searching each key (parseFieldsBySearch). Both fill the same columns for a line the
 * first one takes, so the tables do not depend on which one answered.
 */
export function parseFields(spec: EventSpec, bytes: Uint8Array, argsStart: number, lineEnd: number, store: RowStore, r: number,
  dicts: { flags: Interner; gfp: Interner }): FieldsResult {
  if (spec.oneReadPass) {
    const result = storeInPrintOrder(spec, bytes, argsStart, lineEnd, store, r, dicts);
    if (result !== NOT_IN_ONE_PASS) return result;
  }
  return parseFieldsBySearch(spec, bytes, argsStart, lineEnd, store, r, dicts);
}

/**
 * parseFields for a line laid out exactly as the kernel prints it, read in one pass by the
 * WebAssembly reader (assembly/print-order.ts), then stored: each key right after the
 * previous value and one separator, every number spelled as the reader's readIntAt /
 * readHexAt read it, nothing after the last value but separators (the last fields may be
 * absent: trailingFieldsAbsent there says when the search agrees). Anything else returns
 * NOT_IN_ONE_PASS with row r's columns as they were (the reader writes only its own record;
 * dictionaries and columns are written here once the whole line has been read), and the key
 * search decides.
 *
 * Why the search fills the same columns for a line taken here: it looks for key i from just
 * after key i-1's `=` (the value's start): at that start itself (declined here: an empty
 * value), then after each separator in turn. The first separator after the start is the one
 * this pass found, and key i follows it, so the search finds key i there too, and the value
 * it reads, trimmed, is the range read here (the last one: to the line end, trimmed, in
 * both). Its number parsers (parseInt32At, parseU64At, parsePointerAt) give the number the
 * readers give for every spelling the readers accept (int: optional `-` and 1-9 digits, so
 * within int32; hex: `0x` and 1-16 digits, a pointer also bare); any other spelling
 * (`count=0x10`, `mt=200`, `pfn=1234`) is left to it.
 */
function storeInPrintOrder(spec: EventSpec, bytes: Uint8Array, argsStart: number, lineEnd: number, s: RowStore, r: number,
  dicts: { flags: Interner; gfp: Interner }): FieldsResult | typeof NOT_IN_ONE_PASS {
  const base = addressOf(bytes, argsStart, lineEnd);
  const result = readInPrintOrder(spec.table, base + argsStart, base + lineEnd);
  if (result === NOT_IN_ONE_PASS) return NOT_IN_ONE_PASS;
  const rec = record;
  // pfn_end and ofs values (test_pages_isolated, filemap) are read by the two steps' parser.
  const pfnEndFrom = rec[R_PFN_END] as number;
  if (pfnEndFrom >= 0 && !setField(T.pfnEnd, bytes, pfnEndFrom - base, (rec[R_PFN_END + 1] as number) - base, s, r, dicts)) return takeBack(spec.codes, s, r);
  const ofsFrom = rec[R_OFS] as number;
  if (ofsFrom >= 0 && !setField(T.ofs, bytes, ofsFrom - base, (rec[R_OFS + 1] as number) - base, s, r, dicts)) return takeBack(spec.codes, s, r);
  const mask = rec[R_MASK] as number;
  if (mask !== 0) storeNumbers(mask, rec, s, r);
  const flagsFrom = rec[R_FLAGS] as number;
  if (flagsFrom >= 0) s.flags[r] = dicts.flags.internBytes(bytes, flagsFrom - base, (rec[R_FLAGS + 1] as number) - base);
  const gfpFrom = rec[R_GFP] as number;
  if (gfpFrom >= 0) s.gfp[r] = dicts.gfp.internBytes(bytes, gfpFrom - base, (rec[R_GFP + 1] as number) - base);
  return result as FieldsResult;
}

/** The numbers the reader read (a bit per target code in mask) into row r. */
function storeNumbers(mask: number, rec: Int32Array, s: RowStore, r: number): void {
  if ((mask & (1 << T.pfn)) !== 0) { s.pfn[2 * r] = rec[R_VALUES + 2 * T.pfn] as number; s.pfn[2 * r + 1] = rec[R_VALUES + 2 * T.pfn + 1] as number; s.pfnOk[r] = 1; }
  if ((mask & (1 << T.mapping)) !== 0) {
    s.mapping[2 * r] = rec[R_VALUES + 2 * T.mapping] as number; s.mapping[2 * r + 1] = rec[R_VALUES + 2 * T.mapping + 1] as number; s.mappingOk[r] = 1;
  }
  if ((mask & (1 << T.order)) !== 0) { s.order[r] = rec[R_VALUES + 2 * T.order] as number; s.orderOk[r] = 1; }
  if ((mask & (1 << T.mt)) !== 0) { s.mt[r] = rec[R_VALUES + 2 * T.mt] as number; s.mtOk[r] = 1; }
  if ((mask & (1 << T.count)) !== 0) { s.count[r] = rec[R_VALUES + 2 * T.count] as number; s.countOk[r] = 1; }
  if ((mask & (1 << T.mapcount)) !== 0) { s.mapcount[r] = rec[R_VALUES + 2 * T.mapcount] as number; s.mapcountOk[r] = 1; }
  if ((mask & (1 << T.val)) !== 0) { s.val[r] = rec[R_VALUES + 2 * T.val] as number; s.valOk[r] = 1; }
  if ((mask & (1 << T.ret)) !== 0) { s.ret[r] = rec[R_VALUES + 2 * T.ret] as number; s.retOk[r] = 1; }
}

/** Row r's number columns of these fields back to null (what they were before storeInPrintOrder). */
function takeBack(codes: Int8Array, s: RowStore, r: number): typeof NOT_IN_ONE_PASS {
  for (let i = 0; i < codes.length; i++) {
    switch (codes[i]) {
      case T.pfn: s.pfn[2 * r] = 0; s.pfn[2 * r + 1] = 0; s.pfnOk[r] = 0; break;
      case T.mapping: s.mapping[2 * r] = 0; s.mapping[2 * r + 1] = 0; s.mappingOk[r] = 0; break;
      case T.order: s.order[r] = 0; s.orderOk[r] = 0; break;
      case T.mt: s.mt[r] = 0; s.mtOk[r] = 0; break;
      case T.count: s.count[r] = 0; s.countOk[r] = 0; break;
      case T.mapcount: s.mapcount[r] = 0; s.mapcountOk[r] = 0; break;
      case T.val: s.val[r] = 0; s.valOk[r] = 0; break;
      case T.ret: s.ret[r] = 0; s.retOk[r] = 0; break;
      case T.pfnEnd: s.pfnEnd[2 * r] = 0; s.pfnEnd[2 * r + 1] = 0; s.pfnEndOk[r] = 0; break;
      case T.ofs: s.ofs[2 * r] = 0; s.ofs[2 * r + 1] = 0; s.ofsOk[r] = 0; break;
      default: break;
    }
  }
  return NOT_IN_ONE_PASS;
}

/** A failed allocation has no page: pfn -1 / page NULL is never a key. */
function clearFailedAllocation(failedAlloc: boolean, store: RowStore, r: number): void {
  if (failedAlloc || (store.pfnOk[r] === 1 && store.pfn[2 * r] === 0xffffffff && store.pfn[2 * r + 1] === 0xffffffff)) {
    store.pfnOk[r] = 0;
    store.pfn[2 * r] = 0;
    store.pfn[2 * r + 1] = 0;
  }
}

/** parseFields by searching each key (any layout); tests compare the one-pass reading with it. */
export function parseFieldsBySearch(spec: EventSpec, bytes: Uint8Array, argsStart: number, lineEnd: number, store: RowStore, r: number,
  dicts: { flags: Interner; gfp: Interner }): FieldsResult {
  return storeValues(spec.codes, bytes, locateBySearch(spec.keys, bytes, argsStart, lineEnd), store, r, dicts);
}

/**
 * The value ranges of any line: each known key searched after the previous one found, each
 * value running to the next found key (or the line end), trimmed. True when the text
 * starts with the first found key (text before it, e.g. filemap's `dev 0:1 ino 400`, is in
 * no column).
 */
function locateBySearch(keys: Uint8Array[], bytes: Uint8Array, argsStart: number, lineEnd: number): boolean {
  const nf = keys.length;
  let cursor = argsStart;
  let firstFound = -1;
  for (let i = 0; i < nf; i++) {
    const key = keys[i] as Uint8Array;
    const at = findKey(bytes, key, cursor, lineEnd);
    valueStarts[i] = at < 0 ? -1 : at + key.length;
    if (at >= 0) {
      cursor = at + key.length;
      if (firstFound < 0) firstFound = at;
    }
  }
  let next = lineEnd;
  for (let i = nf - 1; i >= 0; i--) {
    const from = valueStarts[i] as number;
    if (from < 0) continue;
    valueEnds[i] = trimEnd(bytes, from, next);
    next = from - (keys[i] as Uint8Array).length;
  }
  return firstFound === argsStart;
}

/** The located values into row r's columns (`complete`: no text outside the fields). */
function storeValues(codes: Int8Array, bytes: Uint8Array, complete: boolean, store: RowStore, r: number,
  dicts: { flags: Interner; gfp: Interner }): FieldsResult {
  let typed = complete;
  let failedAlloc = false;
  let badValue = false;
  for (let i = 0; i < codes.length; i++) {
    const from = valueStarts[i] as number;
    if (from < 0) continue;
    const end = valueEnds[i] as number;
    const code = codes[i] as number;
    if (code === T.keep) { typed = false; continue; }
    const ok = setField(code, bytes, from, end, store, r, dicts);
    if (!ok) { typed = false; badValue = true; }
    if (code === T.allocPage && isNullPointer(bytes, from, end)) failedAlloc = true;
  }
  clearFailedAllocation(failedAlloc, store, r);
  return badValue ? FIELDS_BAD_VALUE : typed ? FIELDS_TYPED : FIELDS_PARTIAL;
}

/** `key` (`name=`) at `at`, wholly before lineEnd. */
function keyAt(bytes: Uint8Array, key: Uint8Array, at: number, lineEnd: number): boolean {
  return at + key.length <= lineEnd && bytes[at] === key[0] && bytesEqual(bytes, at, key);
}

/**
 * The first `key` at `from`, or after `from` preceded by a separator, before lineEnd; -1 if
 * none. In the kernel's print order the key is found right after the previous value, after
 * a handful of separator tests.
 */
function findKey(bytes: Uint8Array, key: Uint8Array, from: number, lineEnd: number): number {
  const last = lineEnd - key.length;
  if (from > last) return -1;
  const k0 = key[0] as number;
  if (bytes[from] === k0 && bytesEqual(bytes, from, key)) return from;
  // One read per byte: a separator, then the key right after it.
  for (let sep = from; sep < last; sep++) {
    const c = bytes[sep] as number;
    if ((c === 32 || c === 44 || c === 9) && bytes[sep + 1] === k0 && bytesEqual(bytes, sep + 1, key)) return sep + 1;
  }
  return -1;
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 44 /* , */ || c === 9;
}

function bytesEqual(bytes: Uint8Array, at: number, s: Uint8Array): boolean {
  for (let i = 1; i < s.length; i++) if (bytes[at + i] !== s[i]) return false;
  return true;
}

function trimEnd(bytes: Uint8Array, from: number, to: number): number {
  let end = to;
  while (end > from && isSeparator(bytes[end - 1] as number)) end--;
  return end;
}

const NULL_SPELLINGS = ['(null)', '(nil)'];

/** `(null)`, `(nil)`, or /^(?:0x)?0+$/. */
function isNullPointer(bytes: Uint8Array, a: number, b: number): boolean {
  if (bytes[a] === 40 /* ( */) return NULL_SPELLINGS.includes(latin1At(bytes, a, b));
  let i = b - a > 2 && bytes[a] === 48 && bytes[a + 1] === 120 /* 0x */ ? a + 2 : a;
  if (i >= b) return false;
  for (; i < b; i++) if (bytes[i] !== 48) return false;
  return true;
}

function setField(code: number, bytes: Uint8Array, a: number, b: number, s: RowStore, r: number, dicts: { flags: Interner; gfp: Interner }): boolean {
  switch (code) {
    case T.pfn:
      if (!parseU64At(bytes, a, b, u64)) return false;
      if (!isAllOnes(u64)) setU64(s.pfn, s.pfnOk, r);
      return true;
    case T.pfnEnd:
      if (!parseU64At(bytes, a, b, u64)) return false;
      setU64(s.pfnEnd, s.pfnEndOk, r);
      return true;
    case T.ofs:
      if (!parseU64At(bytes, a, b, u64)) return false;
      setU64(s.ofs, s.ofsOk, r);
      return true;
    case T.range: {
      const m = RANGE.exec(latin1At(bytes, a, b));
      if (m === null || !parseU64At(Buffer.from(m[1] as string, 'latin1'), 0, (m[1] as string).length, u64)) return false;
      setU64(s.pfn, s.pfnOk, r);
      if (!parseU64At(Buffer.from(m[2] as string, 'latin1'), 0, (m[2] as string).length, u64)) return false;
      setU64(s.pfnEnd, s.pfnEndOk, r);
      return true;
    }
    case T.mapping:
      if (!parsePointerAt(bytes, a, b, u64)) return false;
      setU64(s.mapping, s.mappingOk, r);
      return true;
    case T.order: return setSmall(s.order, s.orderOk, r, parseInt32At(bytes, a, b, -128, 127));
    case T.mt: return setSmall(s.mt, s.mtOk, r, parseInt32At(bytes, a, b, -128, 127));
    case T.count: return setSmall(s.count, s.countOk, r, parseInt32At(bytes, a, b));
    case T.mapcount: return setSmall(s.mapcount, s.mapcountOk, r, parseInt32At(bytes, a, b));
    case T.val: return setSmall(s.val, s.valOk, r, parseInt32At(bytes, a, b));
    case T.ret: return setSmall(s.ret, s.retOk, r, parseInt32At(bytes, a, b));
    case T.flags: s.flags[r] = dicts.flags.internBytes(bytes, a, b); return true;
    case T.gfp: s.gfp[r] = dicts.gfp.internBytes(bytes, a, b); return true;
    case T.page: case T.allocPage: return true;
    default: return false;
  }
}

/** The parsed u64 into a (lo, hi) column. */
function setU64(col: Uint32Array, ok: Uint8Array, r: number): void {
  col[2 * r] = u64.lo;
  col[2 * r + 1] = u64.hi;
  ok[r] = 1;
}

function setSmall(col: Int32Array | Int8Array, ok: Uint8Array, r: number, n: number): boolean {
  if (Number.isNaN(n)) return false;
  col[r] = n;
  ok[r] = 1;
  return true;
}
