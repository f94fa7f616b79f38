/**
 * A Readable over a file that is still being written (like `tail -f`), ending once the
 * writer says it is done and everything written has been read. `watch` feeds ingest from
 * the trace file this way: capture never waits for analysis, and memory stays bounded
 * however far analysis falls behind.
 */
import { closeSync, openSync, read } from 'node:fs';
import { Readable } from 'node:stream';

const CHUNK = 256 * 1024;

export class FileFollower extends Readable {
  private fd: number;
  private pos = 0;
  private done = false;
  private reading = false;

  constructor(
    readonly path: string,
    private readonly pollMs = 50,
  ) {
    super();
    this.fd = openSync(path, 'r');
  }

  /** The writer has finished: read to the end, then end the stream. */
  markDone(): void {
    this.done = true;
  }

  override _read(): void {
    if (!this.reading) this.readMore();
  }

  private readMore(): void {
    if (this.fd < 0) return;
    this.reading = true;
    // Only an EOF seen after the writer finished is the real end.
    const doneBefore = this.done;
    const buf = Buffer.allocUnsafe(CHUNK);
    read(this.fd, buf, 0, CHUNK, this.pos, (err, n) => {
      this.reading = false;
      if (err) {
        this.destroy(err);
      } else if (n > 0) {
        this.pos += n;
        if (this.push(buf.subarray(0, n))) this.readMore();
      } else if (doneBefore) {
        this.closeFd();
        this.push(null);
      } else {
        this.reading = true;
        setTimeout(() => {
          this.reading = false;
          this.readMore();
        }, this.pollMs);
      }
    });
  }

  private closeFd(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.closeFd();
    cb(err);
  }
}
