import { describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileFollower } from './follow.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('FileFollower', () => {
  it('streams a growing file as it is written and ends only after markDone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pagetrace-follow-'));
    try {
      const path = join(dir, 'growing');
      writeFileSync(path, 'line 0\n');
      const follower = new FileFollower(path, 10);
      const received: Array<{ text: string; at: number }> = [];
      let endedAt = 0;
      follower.on('data', (b: Buffer) => received.push({ text: b.toString(), at: Date.now() }));
      const ended = new Promise<void>((resolve) => follower.on('end', () => { endedAt = Date.now(); resolve(); }));
      const expected = ['line 0\n'];
      for (let i = 1; i <= 5; i++) {
        await sleep(40);
        appendFileSync(path, `line ${i}\n`);
        expected.push(`line ${i}\n`);
      }
      await sleep(100);
      const beforeDone = received.map((r) => r.text).join('');
      expect(beforeDone).toBe(expected.join('')); // everything written so far, while still open
      expect(endedAt).toBe(0);
      appendFileSync(path, 'last\n');
      const doneAt = Date.now();
      follower.markDone();
      await ended;
      expect(received.map((r) => r.text).join('')).toBe(`${expected.join('')}last\n`);
      expect(endedAt).toBeGreaterThanOrEqual(doneAt);
      // Data arrived while the file was being written, not all at the end.
      expect((received[0] as { at: number }).at).toBeLessThan(doneAt - 150);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
