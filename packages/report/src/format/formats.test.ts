import { describe, it, expect } from '@jest/globals';
import { formatCsv, formatJson, formatTable } from './formats.js';

const result = {
  columns: ['comm', 'n', 'frames'],
  rows: [['a,"b"', 1, ['x', 'y']], ['evil\u001b[31mred', 12345, null]],
};

describe('query output formats', () => {
  it('aligns the table, right-aligns numbers and neutralises terminal escapes', () => {
    expect(formatTable(result)).toBe([
      'comm                 n  frames',
      '---------------  -----  ---------',
      'a,"b"                1  ["x","y"]',
      'evil\\x1b[31mred  12345  NULL',
      '(2 rows)',
      '',
    ].join('\n'));
  });
  it('quotes CSV fields that need it and leaves NULL empty', () => {
    expect(formatCsv(result)).toBe('comm,n,frames\n"a,""b""",1,"[""x"",""y""]"\n"evil\u001b[31mred",12345,\n'.replace('"evil\u001b[31mred"', 'evil\u001b[31mred'));
  });
  it('prints JSON row objects', () => {
    expect(JSON.parse(formatJson(result))).toEqual([{ comm: 'a,"b"', n: 1, frames: ['x', 'y'] }, { comm: 'evil\u001b[31mred', n: 12345, frames: null }]);
  });
});
