import { describe, expect, it } from '@jest/globals';
import { parseInt32At as parseInt32AtBytes, parsePointerAt as parsePointerAtBytes, parseU64, parseU64At as parseU64AtBytes, type U64 } from './numbers.js';

// The *At parsers read latin1 bytes of a chunk; the cases are written as text.
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
const parseU64At = (s: string, a: number, b: number, out: U64): boolean => parseU64AtBytes(bytes(s), a, b, out);
const parsePointerAt = (s: string, a: number, b: number, out: U64): boolean => parsePointerAtBytes(bytes(s), a, b, out);
const parseInt32At = (s: string, a: number, b: number, min?: number, max?: number): number => parseInt32AtBytes(bytes(s), a, b, min, max);

const big = (v: U64): bigint => (BigInt(v.hi) << 32n) | BigInt(v.lo);

describe('number fields', () => {
  it('reads 0x hex and decimal u64 exactly, up to 2^64-1, from a range of a line', () => {
    const out: U64 = { lo: 0, hi: 0 };
    const cases: Array<[string, bigint]> = [
      ['0x1bc3', 0x1bc3n], ['0xffffffffffffffff', 0xffffffffffffffffn], ['0xFCE0000', 0xfce0000n], ['46548', 46548n],
      ['18446744073709551615', 18446744073709551615n], ['9007199254740993', 9007199254740993n], ['0', 0n],
    ];
    for (const [text, want] of cases) {
      const line = ` pfn=${text} order=0`;
      expect(parseU64At(line, 5, 5 + text.length, out)).toBe(true);
      expect(big(out)).toBe(want);
      expect(parseU64(text, out)).toBe(true);
      expect(big(out)).toBe(want);
    }
    for (const bad of ['0x', '0x1g', '12a', '', '0x1ffffffffffffffff', '18446744073709551616']) expect(parseU64At(bad, 0, bad.length, out)).toBe(false);
  });

  it('reads %p pointers bare or 0x-prefixed, NULL spellings as 0', () => {
    const out: U64 = { lo: 0, hi: 0 };
    for (const [text, want] of [['ffff88810013e0d0', 0xffff88810013e0d0n], ['0xffff8881', 0xffff8881n], ['(null)', 0n], ['(nil)', 0n], ['0000000000000000', 0n]] as const) {
      expect(parsePointerAt(text, 0, text.length, out)).toBe(true);
      expect(big(out)).toBe(want);
    }
    expect(parsePointerAt('(____ptrval____)', 0, 16, out)).toBe(false);
  });

  it('reads signed int32 in range, else NaN', () => {
    expect(parseInt32At('val=-1024', 4, 9)).toBe(-1024);
    expect(parseInt32At('2147483647', 0, 10)).toBe(2147483647);
    expect(parseInt32At('2147483648', 0, 10)).toBeNaN();
    expect(parseInt32At('0x10', 0, 4)).toBe(16);
    expect(parseInt32At('128', 0, 3, -128, 127)).toBeNaN();
    expect(parseInt32At('-', 0, 1)).toBeNaN();
    expect(parseInt32At('1e3', 0, 3)).toBeNaN();
  });
});
