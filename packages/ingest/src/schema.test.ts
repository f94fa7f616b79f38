import { describe, expect, it } from '@jest/globals';
import { EVENT_COLUMNS, eventsSchema } from './schema.js';

describe('events schema', () => {
  it('has the DESIGN.md columns in order, then the documented additions', () => {
    expect(EVENT_COLUMNS.map((c) => c.name)).toEqual([
      'line', 'ts_ns', 'cpu', 'pid', 'tgid', 'comm', 'event', 'pfn', 'order', 'count', 'mapcount', 'val', 'ret',
      'mt', 'flags', 'gfp', 'mapping', 'stack_id', 'args', 'pfn_end', 'ofs',
    ]);
    expect(eventsSchema().metadata.get('pagetrace.schema_version')).toBe('1');
  });
});
