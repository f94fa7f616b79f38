/** Positioned reads that either fill the whole buffer or fail (for readers of run files). */
import { readSync } from 'node:fs';

/** Reads exactly `into.length` bytes of the file at `position` into `into`. */
export function readExactlyAt(fd: number, into: Uint8Array, position: number): void {
  for (let off = 0; off < into.length;) {
    const got = readSync(fd, into, off, into.length - off, position + off);
    if (got === 0) throw new Error(`unexpected end of file at byte ${position + off}`);
    off += got;
  }
}
