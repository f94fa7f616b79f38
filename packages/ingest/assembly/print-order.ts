/**
 * The one-pass field reader (src/events/fields.ts storeInPrintOrder runs it). It reads the
 * argument text of a line laid out exactly as the kernel prints it — each `key=` right after
 * the previous value and one separator, every number in the kernel's spelling — and leaves
 * what it read in the result record for the caller to store. Any other line gives
 * NOT_IN_ONE_PASS and the caller's key search decides.
 */
import { at, RESULT, setSlot } from './memory';

// Target codes: the order of TARGET_CODES in events/fields.ts.
const T_PFN = 0;
const T_PFN_END = 1;
const T_ORDER = 3;
const T_COUNT = 4;
const T_MAPCOUNT = 5;
const T_VAL = 6;
const T_RET = 7;
const T_MT = 8;
const T_FLAGS = 9;
const T_GFP = 10;
const T_MAPPING = 11;
const T_OFS = 12;
const T_ALLOC_PAGE = 14;
const T_KEEP = 15;

// Result record slots (i32).
const R_MASK = 0; // bit (1 << code) per number read into R_VALUES
const R_FLAGS = 1; // from, to (from -1: no flags value)
const R_GFP = 3;
const R_PFN_END = 5; // text ranges the caller parses itself
const R_OFS = 7;
const R_VALUES = 16; // per target code: lo, hi

const NOT_IN_ONE_PASS = -1;
const TYPED = 0;
const PARTIAL = 1;

@inline function isSeparator(c: u32): bool {
  return c == 32 || c == 44 || c == 9;
}

let readLo: u32 = 0;
let readHi: u32 = 0;
let readInt: i32 = 0;

/**
 * `key` (its bytes at k, klen of them) at p, wholly before end. Compared 8 bytes at a time:
 * the last word masked to the key's length (the bytes after the key, in the text and in the
 * field tables, are loaded but not compared; placeChunk leaves room after the text).
 */
function keyAt(k: usize, klen: i32, p: i32, end: i32): bool {
  if (p + klen > end) return false;
  const t = <usize>p;
  let i = 0;
  for (; i + 8 <= klen; i += 8) if (load<u64>(t + <usize>i) != load<u64>(k + <usize>i)) return false;
  const rest = klen - i;
  if (rest == 0) return true;
  const mask: u64 = (<u64>1 << (<u64>rest << 3)) - 1;
  return ((load<u64>(t + <usize>i) ^ load<u64>(k + <usize>i)) & mask) == 0;
}

/** A small int: optional `-`, 1-9 digits, then a separator or `to`. The end, or -1; the number in readInt. */
function readIntAt(from: i32, to: i32): i32 {
  let p = from;
  const neg = p < to && at(p) == 45;
  if (neg) p++;
  const first = p;
  let n: i32 = 0;
  for (; p < to; p++) {
    const d = at(p) - 48;
    if (d > 9) break;
    n = n * 10 + <i32>d;
  }
  const digits = p - first;
  if (digits == 0 || digits > 9 || (p < to && !isSeparator(at(p)))) return -1;
  readInt = neg ? -n : n;
  return p;
}

@inline function hexDigit(c: u32): i32 {
  if (c - 48 <= 9) return <i32>(c - 48);
  const l = (c | 0x20) - 97;
  return l <= 5 ? <i32>l + 10 : -1;
}

/** `0x` then 1-16 hex digits (a pointer also without `0x`, unless it starts with `(`), then a separator or `to`. The end, or -1; the number in readLo/readHi. */
function readHexAt(pointer: bool, from: i32, to: i32): i32 {
  let p = from;
  const prefixed = to - p > 2 && at(p) == 48 && (at(p + 1) | 0x20) == 120;
  if (prefixed) p += 2;
  else if (!pointer || (p < to && at(p) == 40)) return -1;
  const first = p;
  let v: u64 = 0;
  for (; p < to; p++) {
    const d = hexDigit(at(p));
    if (d < 0) break;
    v = (v << 4) | <u64>d;
  }
  const digits = p - first;
  if (digits == 0 || digits > 16 || (p < to && !isSeparator(at(p)))) return -1;
  readLo = <u32>v;
  readHi = <u32>(v >> 32);
  return p;
}

/** The first separator at or after `from` (or `to`): 8 bytes at a time (text values, flags above all, are the longest). */
function separatorAt(from: i32, to: i32): i32 {
  let p = from;
  for (; p + 8 <= to; p += 8) {
    const w = load<u64>(<usize>p);
    const hits = zeroBytes(w ^ 0x2020202020202020) | zeroBytes(w ^ 0x2c2c2c2c2c2c2c2c) | zeroBytes(w ^ 0x0909090909090909);
    if (hits != 0) return p + <i32>(ctz(hits) >> 3);
  }
  while (p < to && !isSeparator(at(p))) p++;
  return p;
}

/**
 * The high bit of each zero byte of x, exact up to the first zero byte (a borrow can mark
 * bytes after it): the lowest bit set is the first zero byte.
 */
@inline function zeroBytes(x: u64): u64 {
  return (x - 0x0101010101010101) & ~x & 0x8080808080808080;
}

function trimEnd(from: i32, to: i32): i32 {
  let end = to;
  while (end > from && isSeparator(at(end - 1))) end--;
  return end;
}

/** `(null)`, `(nil)`, or /^(?:0x)?0+$/: a failed allocation's page. */
function isNullPointer(a: i32, b: i32): bool {
  if (a < b && at(a) == 40) {
    const n = b - a;
    if (n == 6) return at(a + 1) == 110 && at(a + 2) == 117 && at(a + 3) == 108 && at(a + 4) == 108 && at(a + 5) == 41; // (null)
    if (n == 5) return at(a + 1) == 110 && at(a + 2) == 105 && at(a + 3) == 108 && at(a + 4) == 41; // (nil)
    return false;
  }
  let i = b - a > 2 && at(a) == 48 && at(a + 1) == 120 ? a + 2 : a;
  if (i >= b) return false;
  for (; i < b; i++) if (at(i) != 48) return false;
  return true;
}

@inline function setValue(code: i32, lo: u32, hi: u32): void {
  store<u32>(RESULT + (<usize>(R_VALUES + 2 * code) << 2), lo);
  store<u32>(RESULT + (<usize>(R_VALUES + 2 * code + 1) << 2), hi);
}

/**
 * Read bytes [argsStart, lineEnd) (addresses) with the field table at address `table`:
 * TYPED, or PARTIAL (a `keep` field: the caller keeps the text), with the record filled;
 * NOT_IN_ONE_PASS for any other layout.
 *
 * The rules are those src/events/fields.ts states for the one-pass reading (the argument
 * that its key search fills the same columns for every line taken here is there): key i
 * right after key i-1's value and one separator, not an empty value (key i+1 right at the
 * value's start), numbers as readIntAt / readHexAt read them, order and mt within int8,
 * nothing but separators after the last value. The last fields may be absent (kmem's
 * `cold=` since 4.x): see trailingFieldsAbsent.
 */
export function readInPrintOrder(table: usize, argsStart: i32, lineEnd: i32): i32 {
  const nf = <i32>load<u8>(table);
  let f = table + 1;
  let mask: i32 = 0;
  let typed = true;
  let allocFrom = -1;
  let allocTo = 0;
  setSlot(R_FLAGS, -1);
  setSlot(R_GFP, -1);
  setSlot(R_PFN_END, -1);
  setSlot(R_OFS, -1);
  let p = argsStart;
  let valueFrom = -1;
  let valueEnd = -1;
  for (let i = 0; i < nf; i++) {
    const code = <i32>load<u8>(f);
    const klen = <i32>load<u8>(f + 1);
    const key = f + 2;
    if (!keyAt(key, klen, p, lineEnd)) {
      if (i > 0 && trailingFieldsAbsent(f, nf - i, valueFrom, valueEnd, lineEnd)) break;
      return NOT_IN_ONE_PASS;
    }
    f = key + <usize>klen;
    const from = p + klen;
    const last = i + 1 == nf;
    if (!last && keyAt(f + 2, <i32>load<u8>(f + 1), from, lineEnd)) return NOT_IN_ONE_PASS;
    let end: i32;
    if (code == T_PFN || code == T_MAPPING) {
      end = readHexAt(code == T_MAPPING, from, lineEnd);
      if (end < 0) return NOT_IN_ONE_PASS;
      // A pfn of all ones is a failed allocation's: no pfn.
      if (code == T_MAPPING || readLo != 0xffffffff || readHi != 0xffffffff) { setValue(code, readLo, readHi); mask |= 1 << code; }
    } else if (code >= T_ORDER && code <= T_MT) {
      end = readIntAt(from, lineEnd);
      if (end < 0) return NOT_IN_ONE_PASS;
      if ((code == T_ORDER || code == T_MT) && (readInt < -128 || readInt > 127)) return NOT_IN_ONE_PASS;
      setValue(code, <u32>readInt, 0);
      mask |= 1 << code;
    } else {
      // A value read from its text: to the first separator, or the last one to the line end, trimmed.
      end = last ? trimEnd(from, lineEnd) : separatorAt(from, lineEnd);
      if (code == T_FLAGS) { setSlot(R_FLAGS, from); setSlot(R_FLAGS + 1, end); }
      else if (code == T_GFP) { setSlot(R_GFP, from); setSlot(R_GFP + 1, end); }
      else if (code == T_ALLOC_PAGE) { allocFrom = from; allocTo = end; }
      else if (code == T_KEEP) typed = false;
      else if (code == T_PFN_END) { setSlot(R_PFN_END, from); setSlot(R_PFN_END + 1, end); }
      else if (code == T_OFS) { setSlot(R_OFS, from); setSlot(R_OFS + 1, end); }
    }
    if (last) {
      for (let q = end; q < lineEnd; q++) if (!isSeparator(at(q))) return NOT_IN_ONE_PASS;
    } else {
      // At the line end the next key is not there: trailingFieldsAbsent decides.
      if (end < lineEnd && !isSeparator(at(end))) return NOT_IN_ONE_PASS;
      p = end + 1;
    }
    valueFrom = from;
    valueEnd = end;
  }
  if (allocFrom >= 0 && isNullPointer(allocFrom, allocTo)) mask &= ~(1 << T_PFN);
  setSlot(R_MASK, mask);
  return typed ? TYPED : PARTIAL;
}

/**
 * The `rest` fields from the table entry at f on are absent, and the line is still read as
 * the key search reads it: nothing but separators after the value before them, [valueFrom,
 * valueEnd), and none of their keys at that value's start. The search would then find none
 * of those keys (it looks at the value's start and after separators; the value itself has
 * none), so the value runs to the line end, trimmed: the range read here.
 */
function trailingFieldsAbsent(f: usize, rest: i32, valueFrom: i32, valueEnd: i32, lineEnd: i32): bool {
  for (let q = valueEnd; q < lineEnd; q++) if (!isSeparator(at(q))) return false;
  for (let j = 0; j < rest; j++) {
    const klen = <i32>load<u8>(f + 1);
    if (keyAt(f + 2, klen, valueFrom, lineEnd)) return false;
    f += 2 + <usize>klen;
  }
  return true;
}
