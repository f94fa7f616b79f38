/**
 * Exact timestamps: "secs.frac" text -> int64 ns as two 32-bit halves, never through a
 * float above 2^53 (secs * 1e9 passes 2^53 after ~104 days of uptime: BigInt from there).
 */
import type { Token } from './types.js';

const TWO32 = 4294967296;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** Largest whole-second count whose ns value (plus a fraction) stays below 2^53. */
const SAFE_SECS = 9007198;

function setHalves(tok: Token, n: number): void {
  const hi = Math.floor(n / TWO32);
  tok.tsHi = hi;
  tok.tsLo = n - hi * TWO32;
}

function setHalvesBig(tok: Token, v: bigint): void {
  tok.tsHi = Number(BigInt.asIntN(32, v >> 32n));
  tok.tsLo = Number(BigInt.asUintN(32, v));
}

/**
 * Parse `secs` and optional `frac` digit strings into tok.ts*. Returns false when the value
 * does not fit int64. A fraction longer than 9 digits is cut to ns (sub-ns is not kept).
 */
export function parseTimestamp(secs: string, frac: string | undefined, tok: Token): boolean {
  if (frac === undefined) {
    tok.tsCounter = true;
    tok.tsDigits = 0;
    if (secs.length <= 15) setHalves(tok, Number(secs));
    else {
      const v = BigInt(secs);
      if (v > 0x7fffffffffffffffn) return false;
      setHalvesBig(tok, v);
    }
    return true;
  }
  tok.tsCounter = false;
  tok.tsDigits = frac.length;
  const f9 = frac.length <= 9 ? Number(frac) * (POW10[9 - frac.length] as number) : Number(frac.slice(0, 9));
  if (secs.length <= 7 || Number(secs) <= SAFE_SECS) {
    setHalves(tok, Number(secs) * 1e9 + f9);
    return true;
  }
  const v = BigInt(secs) * 1000000000n + BigInt(f9);
  if (v > 0x7fffffffffffffffn) return false;
  setHalvesBig(tok, v);
  return true;
}

/** Microseconds (latency format) -> ns. */
export function parseMicros(us: string, tok: Token): boolean {
  tok.tsCounter = false;
  tok.tsDigits = 6;
  if (us.length <= 12) { setHalves(tok, Number(us) * 1000); return true; }
  const v = BigInt(us) * 1000n;
  if (v > 0x7fffffffffffffffn) return false;
  setHalvesBig(tok, v);
  return true;
}
