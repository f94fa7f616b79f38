/**
 * A named pipe between the live trace (a Readable) and ingestTrace(), which reads paths.
 * The FIFO lives in a private temporary directory. Opening a FIFO blocks until the other
 * side opens it, so every way out (ingest failing before it opens, recording failing before
 * any data) is handled here: nothing may be left blocked in a libuv thread.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createWriteStream, type WriteStream } from 'node:fs';
import { PagetraceError } from '../errors.js';

export class FifoBridge {
  private writer: WriteStream | null = null;
  private writerOpened: Promise<void> | null = null;

  private constructor(
    readonly dir: string,
    readonly path: string,
  ) {}

  /** mkfifo <tmp>/<name> (name matters: ingest looks for `<name>.record.json` beside it). */
  static async create(name: string): Promise<FifoBridge> {
    const dir = await mkdtemp(join(tmpdir(), 'pagetrace-watch-'));
    const path = join(dir, name);
    try {
      execFileSync('mkfifo', ['-m', '600', path]);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw new PagetraceError(`cannot create a FIFO in ${dir}: ${(e as Error).message}`);
    }
    return new FifoBridge(dir, path);
  }

  /** Open the write side now (it completes when the reader opens). */
  openWriter(): WriteStream {
    if (this.writer === null) {
      const w = createWriteStream(this.path);
      this.writer = w;
      this.writerOpened = new Promise((resolve) => {
        w.once('open', () => resolve());
        w.once('error', () => resolve());
        w.once('close', () => resolve());
      });
      w.on('error', () => undefined); // EPIPE when the reader is gone: reported by the reader's own error
    }
    return this.writer;
  }

  /** Copy `source` into the FIFO; the FIFO's end follows the source's end. */
  feed(source: Readable): void {
    const w = this.openWriter();
    source.pipe(w);
    source.on('error', () => w.end());
  }

  /** End of input: the reader sees EOF once the write side closes. */
  end(): void {
    this.openWriter().end();
  }

  /**
   * The reader will never come (ingest failed before opening): open a read side ourselves
   * without blocking so the pending write-side open completes, then close everything.
   */
  async abandon(): Promise<void> {
    const w = this.openWriter();
    let fd = -1;
    try {
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch {
      // already gone
    }
    await this.writerOpened;
    w.destroy();
    if (fd >= 0) closeSync(fd);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
