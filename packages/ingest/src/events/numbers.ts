/**
 * Number fields as the kernel prints them: `0x` prefix = hex, otherwise decimal (kmem
 * printed decimal pfns before ~5.14), and `%p` pointers as bare hex. 64-bit values are
 * produced as exact (lo, hi) 32-bit halves without going through a float above 2^53.
 */

export interface U64 { lo: number; hi: number }

const TWO32 = 4294967296;

function hexDigits(s: string, from: number): boolean {
  if (from >= s.length || s.length - from > 16) return false;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i) | 0x20;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

function setHex(s: string, from: number, out: U64): boolean {
  if (!hexDigits(s, from)) return false;
  const split = Math.max(from, s.length - 8);
  out.lo = split === s.length ? 0 : parseInt(s.slice(split), 16);
  out.hi = split === from ? 0 : parseInt(s.slice(from, split), 16);
  return true;
}

/** `0x...` hex or decimal unsigned 64-bit. */
export function parseU64(s: string, out: U64): boolean {
  if (s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120) return setHex(s, 2, out);
  if (!/^\d{1,20}$/.test(s)) return false;
  if (s.length <= 15) {
    const n = Number(s);
    out.hi = Math.floor(n / TWO32);
    out.lo = n - out.hi * TWO32;
    return true;
  }
  const v = BigInt(s);
  if (v > 0xffffffffffffffffn) return false;
  out.hi = Number(v >> 32n);
  out.lo = Number(v & 0xffffffffn);
  return true;
}

/** A `%p` value: bare or 0x-prefixed hex; NULL spellings give 0. */
export function parsePointer(s: string, out: U64): boolean {
  if (s === '(null)' || s === '(nil)') { out.lo = 0; out.hi = 0; return true; }
  if (s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 0x20) === 120) return setHex(s, 2, out);
  return setHex(s, 0, out);
}

/** Signed integer in [min, max], decimal or `0x` hex; NaN when it is not one. */
export function parseInt32(s: string, min = -2147483648, max = 2147483647): number {
  let n: number;
  if (/^-?\d{1,11}$/.test(s)) n = Number(s);
  else if (/^0x[0-9a-fA-F]{1,8}$/.test(s)) n = parseInt(s.slice(2), 16);
  else return NaN;
  return n >= min && n <= max ? n : NaN;
}

export function isAllOnes(v: U64): boolean {
  return v.lo === 0xffffffff && v.hi === 0xffffffff;
}

/** Hex digit value by byte, -1 for a non-digit (a table: this runs for every digit of every pfn and pointer). */
const HEX_DIGIT = new Int8Array(256).map((_, c) => {
  if (c >= 48 && c <= 57) return c - 48;
  const l = c | 0x20;
  return l >= 97 && l <= 102 ? l - 87 : -1;
});

/*
 * The *At parsers read a range [a, b) of the chunk's bytes (latin1: one byte per character):
 * typed-array reads are the cheapest way V8 offers to look at text, cheaper than charCodeAt
 * on the line strings (see docs/performance-notes.md), and no substring is ever made.
 */

/** The latin1 string of bytes [a, b) (rare paths only: long decimals, NULL spellings). */
export function latin1At(bytes: Uint8Array, a: number, b: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + a, b - a).toString('latin1');
}

/** Up to 8 hex digits of bytes [a, b) as a number (< 2^32, exact), or -1. */
function hex32(bytes: Uint8Array, a: number, b: number): number {
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = HEX_DIGIT[bytes[i] as number] as number;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Up to 16 hex digits as (lo, hi): the last 8 digits are lo, the ones before hi. */
function hexAt(bytes: Uint8Array, a: number, b: number, out: U64): boolean {
  if (b <= a || b - a > 16) return false;
  const split = Math.max(a, b - 8);
  const lo = hex32(bytes, split, b);
  const hi = split === a ? 0 : hex32(bytes, a, split);
  if (lo < 0 || hi < 0) return false;
  out.lo = lo;
  out.hi = hi;
  return true;
}

function hasHexPrefix(bytes: Uint8Array, a: number, b: number): boolean {
  return b - a > 2 && bytes[a] === 48 && ((bytes[a + 1] as number) | 0x20) === 120;
}

/** parseU64 of bytes [a, b) without making a string. */
export function parseU64At(bytes: Uint8Array, a: number, b: number, out: U64): boolean {
  if (hasHexPrefix(bytes, a, b)) return hexAt(bytes, a + 2, b, out);
  if (b <= a || b - a > 15) return parseU64(latin1At(bytes, a, b), out);
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = bytes[i] as number;
    if (c < 48 || c > 57) return false;
    n = n * 10 + (c - 48);
  }
  out.hi = Math.floor(n / TWO32);
  out.lo = n - out.hi * TWO32;
  return true;
}

/** parsePointer of bytes [a, b). */
export function parsePointerAt(bytes: Uint8Array, a: number, b: number, out: U64): boolean {
  if (bytes[a] === 40 /* ( */) return parsePointer(latin1At(bytes, a, b), out);
  return hexAt(bytes, hasHexPrefix(bytes, a, b) ? a + 2 : a, b, out);
}

const hexValue: U64 = { lo: 0, hi: 0 };

/** parseInt32 of bytes [a, b). */
export function parseInt32At(bytes: Uint8Array, a: number, b: number, min = -2147483648, max = 2147483647): number {
  if (hasHexPrefix(bytes, a, b)) {
    if (b - a > 10) return NaN;
    return hexAt(bytes, a + 2, b, hexValue) && hexValue.lo >= min && hexValue.lo <= max ? hexValue.lo : NaN;
  }
  let i = a;
  const neg = bytes[i] === 45;
  if (neg) i++;
  if (i >= b || b - i > 11) return NaN;
  let n = 0;
  for (; i < b; i++) {
    const c = bytes[i] as number;
    if (c < 48 || c > 57) return NaN;
    n = n * 10 + (c - 48);
  }
  if (neg) n = -n;
  return n >= min && n <= max ? n : NaN;
}
