import { describe, expect, it } from '@jest/globals';
import { createReadStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { FifoBridge } from './fifo.js';

async function readAll(path: string): Promise<string> {
  let text = '';
  for await (const chunk of createReadStream(path)) text += (chunk as Buffer).toString();
  return text;
}

describe('FifoBridge', () => {
  it('carries a stream to a reader of the FIFO path and ends with it', async () => {
    const fifo = await FifoBridge.create('trace.txt');
    try {
      const lines = Array.from({ length: 5000 }, (_, i) => `line ${i}\n`);
      const reading = readAll(fifo.path);
      fifo.feed(Readable.from(lines));
      expect(await reading).toBe(lines.join(''));
    } finally {
      await fifo.remove();
    }
    expect(existsSync(fifo.dir)).toBe(false);
  });

  it('gives the reader an empty input when the writer ends without data', async () => {
    const fifo = await FifoBridge.create('trace.txt');
    try {
      const reading = readAll(fifo.path);
      fifo.end();
      expect(await reading).toBe('');
    } finally {
      await fifo.remove();
    }
  });

  it('does not hang when the reader never comes', async () => {
    const fifo = await FifoBridge.create('trace.txt');
    try {
      fifo.openWriter(); // blocks in libuv until a reader opens...
      const started = Date.now();
      await fifo.abandon(); // ...so abandon must open one itself
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await fifo.remove();
    }
  });
});
