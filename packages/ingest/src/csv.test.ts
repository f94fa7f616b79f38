import { describe, expect, it } from '@jest/globals';
import { column, ingestText } from './testing/index.js';

// The example of the README (CSV input) (events as a bpftrace script would print them).
const CSV = [
  'ts_ns,cpu,pid,comm,event,pfn,order,val,count,stack',
  '1000000001,0,42,fio,tracepoint:kmem:mm_page_alloc,0x1bc3,0,,,alloc_pages;do_anonymous_page;handle_mm_fault',
  '1000000002,1,42,"Web Content, tab",page_ref_mod,0x1bc3,,1,2,',
  '# comments and blank lines are format text',
  '',
  '1000000003,1,43,kworker/0:1,mm_page_free,7107,0,,,alloc_pages;do_anonymous_page;handle_mm_fault',
].join('\n');

describe('CSV front-end', () => {
  it('reads the documented columns, typed, with stacks deduplicated', async () => {
    const r = await ingestText(`${CSV}\n`, {}, 'events.csv');
    expect(r.meta.format.frontend).toBe('csv');
    expect(column(r.events, 'ts_ns')).toEqual([1000000001n, 1000000002n, 1000000003n]);
    expect(column(r.events, 'comm')).toEqual(['fio', 'Web Content, tab', 'kworker/0:1']);
    expect(column(r.events, 'event')).toEqual(['mm_page_alloc', 'page_ref_mod', 'mm_page_free']);
    expect(column(r.events, 'pfn')).toEqual([0x1bc3n, 0x1bc3n, 7107n]);
    expect(column(r.events, 'val')).toEqual([null, 1, null]);
    expect(column(r.events, 'stack_id')).toEqual([0, null, 0]);
    expect(column(r.events, 'line')).toEqual([2n, 3n, 6n]);
    expect(r.stacks.numRows).toBe(1);
    const l = r.meta.lines;
    expect(l).toMatchObject({ lines_in: 6, events: 3, header_lines: 3, skipped: 0 });
  });

  it('accepts `ts` in seconds and skips a record with a bad value, naming its line', async () => {
    const text = 'ts,cpu,pid,comm,event,pfn\n12.5,0,1,init,mm_page_free,0x10\n12.000000001,x,1,init,mm_page_free,0x11\n';
    const r = await ingestText(text, {}, 'e.csv');
    expect(column(r.events, 'ts_ns')).toEqual([12500000000n]);
    expect(r.meta.lines.skipped_by_reason).toEqual({ 'invalid CSV value (cpu)': { count: 1, first_lines: [3] } });
  });

  it('rejects unknown columns and broken CSV with the file and line', async () => {
    await expect(ingestText('ts_ns,cpu,pid,comm,event,colour\n1,0,1,a,b,red\n', { format: 'csv' }, 'e.csv')).rejects.toThrow(/e\.csv:1: unknown CSV column "colour"/);
    await expect(ingestText('ts_ns,cpu,pid,comm,event\n1,0,1,a\n', {}, 'e.csv')).rejects.toThrow(/e\.csv:2: invalid CSV/);
  });
});
