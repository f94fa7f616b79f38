import { describe, expect, it } from '@jest/globals';
import { Dict } from './dict.js';

const bytesOf = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('Dict.internBytes', () => {
  it('gives ids in first-appearance order, the same for bytes and strings', () => {
    const d = new Dict();
    const text = bytesOf('xx dd init dd hmm-tests init');
    const at = (word: string, from = 0): [number, number] => { const i = text.indexOf(word, from); return [i, i + word.length]; };
    expect(d.internBytes(text, ...at('dd'))).toBe(0);
    expect(d.internBytes(text, ...at('init'))).toBe(1);
    expect(d.internBytes(text, ...at('dd', 5))).toBe(0);
    expect(d.intern('hmm-tests')).toBe(2);
    expect(d.internBytes(text, ...at('hmm-tests'))).toBe(2);
    expect(d.internBytes(text, 0, 0)).toBe(3); // the empty value has an id too
    expect(d.values).toEqual(['dd', 'init', 'hmm-tests', '']);
  });

  it('makes no string for a seen value, also when two values share a hash slot and alternate', () => {
    // `dd` and `init` have the same quick hash (length, first, middle and last byte).
    const d = new Dict();
    const text = bytesOf('dd init');
    d.internBytes(text, 0, 2);
    d.internBytes(text, 3, 7);
    let made = 0;
    const intern = d.intern.bind(d);
    d.intern = (s: string): number => { made++; return intern(s); };
    for (let i = 0; i < 10; i++) {
      expect(d.internBytes(text, 0, 2)).toBe(0);
      expect(d.internBytes(text, 3, 7)).toBe(1);
    }
    expect(made).toBe(0);
  });

  it('keeps its ids right when more values share a slot than it probes', () => {
    const d = new Dict();
    // `a?m?a`: the same length, first, middle and last byte, so one home slot for all 40.
    const words = Array.from({ length: 40 }, (_, i) => `a${String.fromCharCode(48 + i)}m${String.fromCharCode(87 - i)}a`);
    for (const w of [...words, ...words.slice().reverse(), ...words]) {
      const b = bytesOf(w);
      expect(d.values[d.internBytes(b, 0, b.length)]).toBe(w);
    }
    expect(d.values).toEqual(words);
  });
});
